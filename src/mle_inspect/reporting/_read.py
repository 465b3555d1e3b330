"""Reading logs for the report: headers and sample summaries only, never whole transcripts.

A file that is not a readable Inspect log (corrupt, truncated, some other file) is reported
on one line and skipped, so one bad file never hides the rest.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

SCORER_NAME = "mle_scorer"
"""The scorer whose scores the report reads (registered name of ``mle_scorer``)."""

RunStatus = Literal["scored", "errored", "missing"]


class LogInfo(BaseModel):
    """What one log says about the run that produced it."""

    path: str
    task: str
    task_id: str = ""
    """Inspect keeps it across ``eval-retry`` and ``eval-set`` re-runs of the same run."""
    task_version: str | int | None = None
    model: str
    solver: str | None = None
    solver_args: dict[str, Any] = Field(default_factory=dict)
    sandbox: str | None = None
    time_limit: int | float | None = None
    status: str
    created: str
    epochs: int = 1
    mle_inspect_version: str | None = None
    content_hash: str | None = None

    @property
    def group(self) -> str:
        """Logs with the same model and solver (and its arguments) are seeds of one run."""
        args = json.dumps(self.solver_args, sort_keys=True) if self.solver_args else ""
        return f"{self.model} · {self.solver or 'default solver'}{' ' + args if args else ''}"


class Run(BaseModel):
    """One competition × seed attempt, scored or counted as a failure."""

    competition_id: str
    split: str
    status: RunStatus
    seed: int = 0
    log: str | None = None
    epoch: int | None = None
    padded: bool = False
    """Added by ``--expected-seeds`` or to complete a seed: no log holds this run."""
    score: float | None = None
    valid_submission: bool = False
    submission_exists: bool = False
    gold: bool = False
    silver: bool = False
    bronze: bool = False
    above_median: bool = False
    percentile: float = math.nan
    normalized_score: float = math.nan
    fields: dict[str, Any] = Field(default_factory=dict, repr=False)
    """The scorer's GradeReport fields (thresholds, direction, paths) when scored."""
    error: str | None = None
    hardware: dict[str, Any] | None = None
    validate_calls: int | None = None
    not_verdicts: int = 0
    score_leaks: int = 0
    flags: list[str] = Field(default_factory=list)
    """Integrity checks that flagged the run (``rule_judge: hand_labelled``, ``similarity``)."""

    @property
    def any_medal(self) -> bool:
        return self.gold or self.silver or self.bronze

    @property
    def medal(self) -> str:
        return next((m for m in ("gold", "silver", "bronze") if getattr(self, m)), "-")

    @property
    def failed(self) -> bool:
        return self.status != "scored"


def log_files(paths: list[Path], warn: Callable[[str], None]) -> list[Path]:
    """Log files under ``paths`` (folders searched recursively); missing paths are warned."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = [
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and (
                    p.suffix == ".eval" or (p.suffix == ".json" and "grading_report" not in p.name)
                )
            ]
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            warn(f"{path}: no such file or folder")
    return files


def split_of(competition_id: str, metadata: dict[str, Any] | None) -> str:
    split = (metadata or {}).get("complexity")
    if isinstance(split, str):
        return split
    from ..competitions import UnknownCompetition, get_competition

    try:
        return str(get_competition(competition_id).complexity)
    except UnknownCompetition:
        return "?"


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _log_info(path: Path, header: Any) -> LogInfo:
    spec = header.eval
    args = spec.task_args or {}
    solver, solver_args = spec.solver, spec.solver_args or {}
    task_solver = args.get("solver")
    if solver is None and isinstance(task_solver, dict):
        solver, solver_args = task_solver.get("name"), task_solver.get("params") or {}
    metadata = spec.metadata or {}
    time_limit = spec.config.time_limit if spec.config.time_limit else args.get("time_limit")
    return LogInfo(
        path=str(path),
        task=spec.task,
        task_id=spec.task_id or "",
        task_version=spec.task_version,
        model=spec.model,
        solver=solver,
        solver_args=solver_args,
        sandbox=args.get("sandbox") or (spec.sandbox.type if spec.sandbox else None),
        time_limit=time_limit,
        status=header.status,
        created=str(spec.created),
        epochs=spec.config.epochs or 1,
        mle_inspect_version=metadata.get("mle_inspect_version"),
        content_hash=metadata.get("content_hash"),
    )


FLAGGING_SCORERS = ("rule_judge", "similarity")
"""Optional integrity scorers (``mle_inspect.integrity``) whose ``flagged`` marks a run."""


def integrity_flags(scores: dict[str, Any]) -> list[str]:
    """What the integrity scorers flagged in one sample's scores."""
    flags = []
    for name in FLAGGING_SCORERS:
        value = getattr(scores.get(name), "value", None)
        if not isinstance(value, dict) or value.get("flagged") != 1:
            continue
        which = [k for k, v in value.items() if k not in ("flagged", "max_overlap") and v == 1]
        flags.append(f"{name}: {', '.join(which)}" if which else name)
    return flags


def _run_from_summary(summary: Any, log: str) -> Run:
    competition_id = str(summary.id)
    base = dict(
        competition_id=competition_id,
        split=split_of(competition_id, summary.metadata),
        log=log,
        epoch=summary.epoch,
        hardware=(summary.metadata or {}).get("hardware")
        if isinstance((summary.metadata or {}).get("hardware"), dict)
        else None,
        flags=integrity_flags(summary.scores or {}),
    )
    score = (summary.scores or {}).get(SCORER_NAME)
    if summary.error or score is None or not isinstance(score.value, dict):
        return Run(**base, status="errored", error=summary.error or "no score")
    value, fields = score.value, dict(score.metadata or {})
    raw = fields.get("score")
    return Run(
        **base,
        status="scored",
        score=float(raw) if isinstance(raw, int | float) else None,
        valid_submission=value.get("valid_submission") == 1,
        submission_exists=bool(fields.get("submission_exists", value.get("valid_submission"))),
        gold=value.get("gold") == 1,
        silver=value.get("silver") == 1,
        bronze=value.get("bronze") == 1,
        above_median=value.get("above_median") == 1,
        percentile=_number(value.get("percentile")),
        normalized_score=_number(value.get("normalized_score")),
        fields=fields,
    )


def read_log(path: Path) -> tuple[LogInfo, list[Run]]:
    """The log's header and one Run per sample it should hold (missing ones included).

    Raises whatever Inspect raises for a file that is not a readable log.
    """
    from inspect_ai.log import read_eval_log, read_eval_log_sample_summaries

    header = read_eval_log(str(path), header_only=True)
    info = _log_info(path, header)
    summaries = read_eval_log_sample_summaries(str(path))
    runs = [_run_from_summary(s, str(path)) for s in summaries]
    present = {(r.competition_id, r.epoch) for r in runs}
    for sample_id in header.eval.dataset.sample_ids or []:
        for epoch in range(1, info.epochs + 1):
            if (str(sample_id), epoch) not in present:
                runs.append(
                    Run(
                        competition_id=str(sample_id),
                        split=split_of(str(sample_id), None),
                        status="missing",
                        log=str(path),
                        epoch=epoch,
                        error="in the task's dataset but not in the log",
                    )
                )
    return info, runs
