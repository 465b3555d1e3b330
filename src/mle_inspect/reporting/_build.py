"""Build the report: read logs, line runs up into seeds, pad missing runs, aggregate."""

from __future__ import annotations

import math
import os
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from ._aggregate import SplitSummary, summarize
from ._integrity import ValidationCalls, scan_log
from ._read import LogInfo, Run, log_files, read_log, split_of


class Integrity(BaseModel):
    """``validate_submission`` use over the report's samples."""

    samples_checked: int
    calls: int
    per_sample: dict[str, int]
    """``competition/seed`` -> calls."""
    not_verdicts: int
    score_leaks: int

    @property
    def no_score_returned(self) -> bool:
        return self.not_verdicts == 0 and self.score_leaks == 0


class Report(BaseModel):
    """Everything ``mle-inspect report`` prints, in every format."""

    group: str
    """Model and solver shared by every log of this report."""
    logs: list[LogInfo]
    runs: list[Run]
    seeds: int
    competitions: int
    expected_seeds: int | None = None
    expected_split: str | None = None
    padded: int = 0
    dropped: int = 0
    splits: list[SplitSummary]
    hardware: dict[str, int] = Field(default_factory=dict)
    """Each distinct hardware description and how many runs saw it."""
    integrity: Integrity | None = None
    warnings: list[str] = Field(default_factory=list)
    skipped_files: list[str] = Field(default_factory=list)

    def models(self) -> list[str]:
        return sorted({log.model for log in self.logs})

    def distinct(self, attribute: str) -> list[Any]:
        values: list[Any] = []
        for log in self.logs:
            value = getattr(log, attribute)
            if value not in values:
                values.append(value)
        return values


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


def _assign_seeds(
    runs: list[Run],
    order: dict[str, int],
    expected: int | None,
    competitions: list[str] | None = None,
) -> tuple[list[Run], int, int, int]:
    """Number each competition's runs 1, 2, ... in log order then epoch.

    This lines them up as MLE-bench lines up its grading reports. Short competitions (and expected
    ``competitions`` no log holds) are padded with missing runs; extras over ``expected`` are
    dropped. Returns the runs, the seed count, how many were padded and dropped.
    """
    by_competition: dict[str, list[Run]] = defaultdict(list)
    for run in sorted(runs, key=lambda r: (order.get(r.log or "", 0), r.log or "", r.epoch or 0)):
        by_competition[run.competition_id].append(run)
    seeds = expected or max((len(v) for v in by_competition.values()), default=0)
    out: list[Run] = []
    padded = dropped = 0
    absent = [cid for cid in competitions or [] if cid not in by_competition]
    for cid, group in sorted([*by_competition.items(), *((cid, []) for cid in absent)]):
        split = group[0].split if group else split_of(cid, None)
        dropped += max(0, len(group) - seeds)
        for seed, run in enumerate(group[:seeds], start=1):
            out.append(run.model_copy(update={"seed": seed}))
        for seed in range(len(group) + 1, seeds + 1):
            padded += 1
            out.append(
                Run(
                    competition_id=cid,
                    split=split,
                    status="missing",
                    seed=seed,
                    padded=True,
                    error="no run for this seed in any log",
                )
            )
    return out, seeds, padded, dropped


_RANK = {"scored": 2, "errored": 1, "missing": 0}


def _without_retried(runs: list[Run], logs: list[LogInfo], order: dict[str, int]) -> list[Run]:
    """Keep one attempt per sample and epoch of one run: the scored one, else the latest.

    Logs of one run (``eval-retry``, ``eval-set`` re-runs) share a task id.
    """
    task_of = {log.path: log.task_id or log.path for log in logs}
    best: dict[tuple[str, str, int | None], Run] = {}
    for run in runs:
        key = (task_of.get(run.log or "", run.log or ""), run.competition_id, run.epoch)
        held = best.get(key)
        rank = (_RANK[run.status], order.get(run.log or "", 0))
        if held is None or rank > (_RANK[held.status], order.get(held.log or "", 0)):
            best[key] = run
    return list(best.values())


def _integrity(runs: list[Run]) -> tuple[list[Run], Integrity]:
    wanted: dict[str, dict[tuple[str, int], str | None]] = defaultdict(dict)
    for run in runs:
        if run.log and run.epoch and run.status != "missing":
            text = f"{run.score:g}" if run.score is not None else None
            wanted[run.log][(run.competition_id, run.epoch)] = (
                text if text and len(text) >= 4 else None
            )
    found: dict[tuple[str | None, str, int | None], ValidationCalls] = {}

    def scan(log: str) -> None:
        try:
            for key, calls in scan_log(Path(log), wanted[log]).items():
                found[(log, *key)] = calls
        except Exception as ex:  # noqa: BLE001 - the count is informative, never fatal
            _stderr(f"mle-inspect report: {log}: could not count validation calls ({ex})")

    # zstd releases the GIL while it decompresses, so logs are scanned side by side
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        list(pool.map(scan, wanted))
    updated = []
    for run in runs:
        calls = found.get((run.log, run.competition_id, run.epoch))
        if calls is not None:
            run = run.model_copy(
                update={
                    "validate_calls": calls.calls,
                    "not_verdicts": calls.not_verdicts,
                    "score_leaks": calls.score_leaks,
                }
            )
        updated.append(run)
    checked = [r for r in updated if r.validate_calls is not None]
    return updated, Integrity(
        samples_checked=len(checked),
        calls=sum(r.validate_calls or 0 for r in checked),
        per_sample={f"{r.competition_id}/{r.seed}": r.validate_calls or 0 for r in checked},
        not_verdicts=sum(r.not_verdicts for r in checked),
        score_leaks=sum(r.score_leaks for r in checked),
    )


def _flagged(runs: list[Run], exclude: bool) -> tuple[list[Run], list[str]]:
    """Name the flagged runs; with ``exclude``, count them as failed attempts."""
    flagged = [r for r in runs if r.flags]
    if not flagged:
        return runs, []
    names = "; ".join(
        f"{r.competition_id} seed {r.seed}: {', '.join(r.flags)}" for r in flagged[:20]
    )
    more = f" and {len(flagged) - 20} more" if len(flagged) > 20 else ""
    action = (
        "counted as failed attempts (--exclude-flagged)"
        if exclude
        else "included in the numbers; --exclude-flagged counts them as failed attempts"
    )
    warnings = [f"{len(flagged)} run(s) flagged by integrity checks, {action}: {names}{more}"]
    if not exclude:
        return runs, warnings
    cleared = dict(
        status="errored", gold=False, silver=False, bronze=False, above_median=False,
        valid_submission=False, percentile=math.nan, normalized_score=math.nan,
    )  # fmt: skip
    out = [
        r.model_copy(update={**cleared, "error": "flagged: " + ", ".join(r.flags)})
        if r.flags and r.status == "scored"
        else r
        for r in runs
    ]
    return out, warnings


def _hardware_line(hardware: dict[str, Any]) -> str:
    from ..tasks._hardware import Hardware

    try:
        return Hardware.model_validate(hardware).describe()
    except ValueError:
        return str(hardware)


def _consistency_warnings(logs: list[LogInfo]) -> list[str]:
    warnings = []
    hashes = {log.content_hash for log in logs}
    if len(hashes) > 1:
        by_hash = Counter(
            str(log.content_hash)[:12] if log.content_hash else "none" for log in logs
        )
        listed = ", ".join(f"{h} ({n} log{'s' * (n > 1)})" for h, n in sorted(by_hash.items()))
        warnings.append(
            "these logs were graded with different registry/grader content hashes: "
            f"{listed}; their numbers may not be comparable"
        )
    versions = {str(log.task_version) for log in logs}
    if len(versions) > 1:
        warnings.append(
            f"these logs come from different task versions: {', '.join(sorted(versions))}"
        )
    tasks = {log.task for log in logs}
    if len(tasks) > 1:
        warnings.append(f"combining {len(tasks)} tasks: {', '.join(sorted(tasks))}")
    return warnings


def build_reports(
    paths: list[Path],
    expected_seeds: int | None = None,
    latest: bool = False,
    integrity: bool = True,
    warn: Callable[[str], None] = _stderr,
    split: str | None = None,
    exclude_flagged: bool = False,
) -> list[Report]:
    """Read every log under ``paths`` and aggregate its samples by competition and seed.

    One report per model and solver (logs of another model are never another seed).

    Args:
        paths: Log files and folders (searched recursively), in any mix.
        expected_seeds: Runs per competition to expect; missing ones are padded as failures.
        latest: Only the most recently modified log.
        integrity: Count ``validate_submission`` calls (reads each sample's tool events).
        warn: Where one-line notes on unreadable files go (default: stderr).
        split: Registry split whose every competition is expected (MLE-bench's split file):
            one that no log holds counts as failed in every seed.
        exclude_flagged: Runs an integrity scorer flagged (``rule_judge``, ``similarity``)
            count as failed attempts (disqualified, as in MLE-bench), not as their score.
    """
    expected_ids = None
    if split is not None:
        from ..competitions import split_ids

        expected_ids = split_ids(split)
    files = log_files(paths, warn)
    if latest and files:
        files = [max(files, key=lambda f: f.stat().st_mtime)]
    logs: list[LogInfo] = []
    runs: list[Run] = []
    skipped: list[str] = []
    for file in files:
        try:
            info, file_runs = read_log(file)
        except Exception as ex:  # noqa: BLE001 - one bad file must not hide the others
            reason = str(ex).strip().splitlines()[0] if str(ex).strip() else type(ex).__name__
            warn(f"mle-inspect report: skipping {file}: not a readable Inspect log ({reason})")
            skipped.append(str(file))
            continue
        logs.append(info)
        runs.extend(file_runs)
    if not logs:
        raise FileNotFoundError(
            "no readable .eval logs in "
            + ", ".join(map(str, paths))
            + (f" ({len(skipped)} unreadable file(s) skipped)" if skipped else "")
        )
    groups: dict[str, list[LogInfo]] = defaultdict(list)
    for log in logs:
        groups[log.group].append(log)
    reports = []
    for group, members in sorted(groups.items()):
        paths_in = {log.path for log in members}
        group_runs = [r for r in runs if r.log in paths_in]
        report = _assemble(
            group, members, group_runs, expected_seeds, integrity, expected_ids, exclude_flagged
        )
        reports.append(
            report.model_copy(update={"skipped_files": skipped, "expected_split": split})
        )
    return reports


def _assemble(
    group: str,
    logs: list[LogInfo],
    runs: list[Run],
    expected_seeds: int | None,
    integrity: bool,
    expected_ids: list[str] | None = None,
    exclude_flagged: bool = False,
) -> Report:
    order = {
        log.path: i for i, log in enumerate(sorted(logs, key=lambda lg: (lg.created, lg.path)))
    }
    runs = _without_retried(runs, logs, order)
    runs, seeds, padded, dropped = _assign_seeds(runs, order, expected_seeds, expected_ids)
    checks = None
    if integrity:
        runs, checks = _integrity(runs)
    runs, flag_warnings = _flagged(runs, exclude_flagged)
    hardware = Counter(_hardware_line(r.hardware) for r in runs if r.hardware)
    warnings = _consistency_warnings(logs) + flag_warnings
    if dropped:
        warnings.append(f"{dropped} run(s) beyond --expected-seeds {expected_seeds} were left out")
    return Report(
        group=group,
        logs=logs,
        runs=runs,
        seeds=seeds,
        competitions=len({r.competition_id for r in runs}),
        expected_seeds=expected_seeds,
        padded=padded,
        dropped=dropped,
        splits=summarize(runs, seeds),
        hardware=dict(hardware.most_common()),
        integrity=checks,
        warnings=warnings,
    )
