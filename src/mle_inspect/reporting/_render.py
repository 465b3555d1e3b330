"""The report as text, markdown, CSV or JSON, and as MLE-bench grading reports per seed."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from .._table import table
from ._aggregate import MEANS, RATES, Stat
from ._build import Report
from ._read import Run
from .grading_report import (
    CompetitionEntry,
    entry_from_fields,
    failed_entry,
    timestamp,
    write_grading_report,
)

COLUMNS = {
    "any_medal": "any medal %",
    "gold": "gold %",
    "silver": "silver %",
    "bronze": "bronze %",
    "above_median": "above median %",
    "valid_submission": "valid %",
    "percentile": "percentile",
    "normalized_score": "normalised",
}
"""Summary columns in print order (submission_exists is in JSON and CSV only)."""


def _stat(stat: Stat, decimals: int) -> str:
    if math.isnan(stat.mean):
        return "n/a"
    return f"{stat.mean:.{decimals}f} ± {stat.standard_error:.{decimals}f}"


def _number(value: float | None, spec: str) -> str:
    return "-" if value is None or math.isnan(value) else format(value, spec)


def summary_rows(report: Report) -> tuple[list[list[object]], list[str]]:
    header = ["split", "comps", "seeds", *COLUMNS.values(), "errored", "missing", "invalid"]
    rows: list[list[object]] = []
    for s in report.splits:
        cells = [_stat(s.metrics[k], 3 if k == "normalized_score" else 1) for k in COLUMNS]
        rows.append([s.split, s.competitions, s.seeds, *cells, s.errored, s.missing, s.invalid])
    return rows, header


def run_rows(report: Report) -> tuple[list[list[object]], list[str]]:
    header = [
        "competition",
        "split",
        "seed",
        "status",
        "score",
        "medal",
        "percentile",
        "validate calls",
        "note",
    ]
    rows: list[list[object]] = []
    for r in sorted(report.runs, key=lambda r: (r.competition_id, r.seed)):
        status = (
            r.status if r.status != "scored" else ("valid" if r.valid_submission else "invalid")
        )
        note = r.error or ("" if r.valid_submission else str(r.fields.get("message") or ""))
        rows.append(
            [
                r.competition_id,
                r.split,
                r.seed,
                status + (" (padded)" if r.padded else ""),
                _number(r.score, "g"),
                r.medal,
                _number(r.percentile, ".1f"),
                "-" if r.validate_calls is None else r.validate_calls,
                note.splitlines()[0][:60] if note else "",
            ]
        )
    return rows, header


def _setup_lines(report: Report) -> list[str]:
    def join(values: Sequence[object]) -> str:
        return "; ".join(str(v) for v in values) if values else "-"

    solvers = [
        f"{log.solver} {json.dumps(log.solver_args, sort_keys=True)}"
        if log.solver_args
        else str(log.solver)
        for log in report.logs
    ]
    versions = [
        f"{log.task} v{log.task_version} (mle-inspect {log.mle_inspect_version or '?'}, "
        f"content hash {(log.content_hash or 'none')[:12]})"
        for log in report.logs
    ]
    lines = [
        f"models: {join(report.models())}",
        f"solver: {join(list(dict.fromkeys(solvers)))}",
        f"sandbox: {join(report.distinct('sandbox'))}; time limit: "
        + join(
            [
                f"{t:g} s" if isinstance(t, int | float) else "none"
                for t in report.distinct("time_limit")
            ]
        ),
        f"task: {join(list(dict.fromkeys(versions)))}",
    ]
    if report.hardware:
        lines += [
            f"hardware: {line} ({n} run{'s' * (n > 1)})" for line, n in report.hardware.items()
        ]
    else:
        lines.append("hardware: not recorded in these logs")
    return lines


def _counts_line(report: Report) -> str:
    runs = report.runs
    errored = sum(r.status == "errored" for r in runs)
    missing = sum(r.status == "missing" for r in runs)
    invalid = sum(r.status == "scored" and not r.valid_submission for r in runs)
    line = (
        f"{report.competitions} competitions × {report.seeds} seeds = {len(runs)} runs from "
        f"{len(report.logs)} log(s): {errored} errored, {missing} missing, {invalid} invalid; "
        "failed runs count as failures in every number"
    )
    if report.padded:
        reasons = [f"--expected-seeds {report.expected_seeds}"] if report.expected_seeds else []
        reasons += [f"--split {report.expected_split}"] if report.expected_split else []
        reason = ", ".join(reasons) or "other seeds hold runs of these competitions"
        line += f"\n{report.padded} missing competition × seed run(s) padded as failures ({reason})"
    return line


def integrity_line(report: Report) -> str:
    """How often samples called validate_submission, and whether any result held a score."""
    check = report.integrity
    if check is None:
        return "integrity: not checked (--no-integrity)"
    if not check.samples_checked:
        return "integrity: no sample transcripts to check"
    counts = sorted(check.per_sample.values())
    calls = (
        f"validate_submission called {check.calls} time(s) over {check.samples_checked} "
        f"samples (per sample: min {counts[0]}, max {counts[-1]})"
    )
    if not check.no_score_returned:
        return (
            f"integrity: {calls}; WARNING: {check.not_verdicts} result(s) were not VALID/INVALID "
            f"verdicts and {check.score_leaks} contained the graded score"
        )
    verdicts = "; every result was a VALID/INVALID verdict" if check.calls else ""
    return f"integrity: {calls}{verdicts}; no score was returned to the agent"


def render_text(report: Report, fmt: str = "text", samples: bool = True) -> str:
    """The report for humans: text or markdown."""
    rows, header = summary_rows(report)
    heading = "## " if fmt == "markdown" else ""
    parts = [
        f"{heading}mle-inspect report: {report.group}",
        _counts_line(report),
        "\n".join(_setup_lines(report)),
        *[f"WARNING: {w}" for w in report.warnings],
        table(rows, header, fmt),
        "Percentages and means are mean ± standard error over seeds (MLE-bench's aggregation).",
    ]
    if samples:
        runs, run_header = run_rows(report)
        parts += [f"{heading}Competition × seed", table(runs, run_header, fmt)]
    parts.append(integrity_line(report))
    return "\n\n".join(parts)


def render_csv(reports: list[Report], samples: bool = False) -> str:
    """CSV: the per-split summary (mean and SEM columns), or with ``samples`` one row per run.

    The first column names each row's model and solver.
    """
    rows: list[list[object]] = []
    header: list[str] = []
    for report in reports:
        if samples:
            runs, run_header = run_rows(report)
            header = ["run", *run_header]
            rows += [[report.group, *row] for row in runs]
            continue
        keys = [*RATES, *MEANS]
        header = ["run", "split", "competitions", "seeds", "errored", "missing", "invalid"]
        header += [f"{k}_{part}" for k in keys for part in ("mean", "sem")]
        for s in report.splits:
            row: list[object] = [report.group, s.split, s.competitions, s.seeds]
            row += [s.errored, s.missing, s.invalid]
            for k in keys:
                row += [s.metrics[k].mean, s.metrics[k].standard_error]
            rows.append(row)
    return table(rows, header, "csv")


def _jsonable(value: object) -> object:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _report_json(report: Report) -> dict[str, object]:
    data = report.model_dump(mode="python")
    for run, model in zip(data["runs"], report.runs, strict=True):
        run["any_medal"] = model.any_medal
        run.pop("fields", None)
    if report.integrity is not None:
        data["integrity"]["no_score_returned"] = report.integrity.no_score_returned
    return data


def render_json(reports: list[Report]) -> str:
    """Everything, as JSON: ``{"reports": [...]}``, one per model and solver (NaN as null)."""
    data = {"reports": [_report_json(report) for report in reports]}
    return json.dumps(_jsonable(data), indent=2, default=str)


def render(reports: list[Report], fmt: str, samples: bool = True) -> str:
    """The reports in ``fmt``: text, markdown, csv or json."""
    if fmt in ("text", "markdown"):
        rule = "\n\n---\n\n" if fmt == "markdown" else "\n\n" + "=" * 100 + "\n\n"
        return rule.join(render_text(report, fmt, samples) for report in reports)
    if fmt == "csv":
        return render_csv(reports, samples)
    if fmt == "json":
        return render_json(reports)
    raise ValueError(f"unknown format {fmt!r}: choose text, json, csv or markdown")


THRESHOLDS = ("gold_threshold", "silver_threshold", "bronze_threshold", "median_threshold")


def _entry(run: Run, created: datetime, known: dict[str, dict[str, float]]) -> CompetitionEntry:
    if run.status == "scored":
        flags = {  # Score.value is the scorer's verdict; metadata adds thresholds and paths
            "competition_id": run.competition_id,
            "score": run.score,
            "gold_medal": run.gold,
            "silver_medal": run.silver,
            "bronze_medal": run.bronze,
            "above_median": run.above_median,
            "valid_submission": run.valid_submission,
            "submission_exists": run.submission_exists,
        }
        return entry_from_fields({**run.fields, **flags}, created)
    entry = failed_entry(run.competition_id, created)
    # thresholds a scorer found for this competition (leaderboard-derived ones included)
    return entry.model_copy(update={k: v for k, v in known.get(run.competition_id, {}).items()})


def slug(text: str) -> str:
    """A file-name-safe form of a report's group (model and solver)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_")[:100] or "run"


def write_grading_reports(reports: list[Report], output_dir: Path) -> list[Path]:
    """MLE-bench grading reports for every report.

    ``DIR/seed_<n>/`` with one model and solver, ``DIR/<model_solver>/seed_<n>/`` with several.
    """
    paths = []
    for report in reports:
        target = output_dir if len(reports) == 1 else output_dir / slug(report.group)
        paths += write_seed_reports(report, target)
    return paths


def write_seed_reports(report: Report, output_dir: Path) -> list[Path]:
    """One MLE-bench grading report per seed, each in its own folder ``seed_<n>``.

    MLE-bench keeps one report per run group; all share the same time stamp. Failed runs are entries
    with no submission and no medal.
    """
    created, stamp = datetime.now(), timestamp()
    known: dict[str, dict[str, float]] = {}
    for run in report.runs:
        values = {
            k: float(v) for k in THRESHOLDS if isinstance(v := run.fields.get(k), int | float)
        }
        if len(values) == len(THRESHOLDS):
            known.setdefault(run.competition_id, values)
    paths = []
    for seed in range(1, report.seeds + 1):
        runs = sorted((r for r in report.runs if r.seed == seed), key=lambda r: r.competition_id)
        entries = [_entry(r, created, known) for r in runs]
        paths.append(write_grading_report(entries, output_dir / f"seed_{seed}", stamp))
    return paths
