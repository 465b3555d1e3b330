"""MLE-bench grading reports: the JSON ``mlebench grade`` writes, and batch grading.

The file is ``<YYYY-MM-DDTHH-MM-SS-TZ>_grading_report.json`` holding run totals and one entry per
competition with exactly MLE-bench's keys and types, so MLE-bench's own tooling (its seed
aggregator, its leaderboard scripts) reads what this project writes. No inspect_ai here:
``mle-inspect grade --submissions`` runs without it.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel

GRADING_REPORT_SUFFIX = "_grading_report.json"


class CompetitionEntry(BaseModel):
    """One competition's result, keyed and typed as in MLE-bench's grading report."""

    competition_id: str
    score: float | None
    gold_threshold: float | None
    silver_threshold: float | None
    bronze_threshold: float | None
    median_threshold: float | None
    any_medal: bool
    gold_medal: bool
    silver_medal: bool
    bronze_medal: bool
    above_median: bool
    submission_exists: bool
    valid_submission: bool
    is_lower_better: bool
    created_at: str
    """ISO 8601 time of grading."""
    submission_path: str


def _registry_thresholds(competition_id: str) -> tuple[float | None, ...]:
    from ..competitions import get_competition

    competition = get_competition(competition_id)
    return (
        competition.gold_threshold,
        competition.silver_threshold,
        competition.bronze_threshold,
        competition.median_threshold,
    )


def failed_entry(
    competition_id: str, created_at: datetime, submission_path: str = ""
) -> CompetitionEntry:
    """A run with nothing to grade (errored or missing): no submission, no medal."""
    from ..competitions import get_competition

    gold, silver, bronze, median = _registry_thresholds(competition_id)
    return CompetitionEntry(
        competition_id=competition_id,
        score=None,
        gold_threshold=gold,
        silver_threshold=silver,
        bronze_threshold=bronze,
        median_threshold=median,
        any_medal=False,
        gold_medal=False,
        silver_medal=False,
        bronze_medal=False,
        above_median=False,
        submission_exists=False,
        valid_submission=False,
        is_lower_better=get_competition(competition_id).lower_is_better,
        created_at=created_at.isoformat(),
        submission_path=submission_path,
    )


def entry_from_fields(
    fields: dict[str, object], created_at: datetime, submission_path: str | None = None
) -> CompetitionEntry:
    """From a GradeReport's JSON dict (the scorer's ``Score.metadata`` holds the same)."""
    competition_id = str(fields["competition_id"])
    registry = _registry_thresholds(competition_id)

    def number(key: str, fallback: float | None) -> float | None:
        value = fields.get(key)
        return float(value) if isinstance(value, int | float) else fallback

    gold, silver, bronze = (bool(fields.get(f"{m}_medal")) for m in ("gold", "silver", "bronze"))
    score = fields.get("score")
    return CompetitionEntry(
        competition_id=competition_id,
        score=float(score) if isinstance(score, int | float) else None,
        gold_threshold=number("gold_threshold", registry[0]),
        silver_threshold=number("silver_threshold", registry[1]),
        bronze_threshold=number("bronze_threshold", registry[2]),
        median_threshold=number("median_threshold", registry[3]),
        any_medal=gold or silver or bronze,
        gold_medal=gold,
        silver_medal=silver,
        bronze_medal=bronze,
        above_median=bool(fields.get("above_median")),
        submission_exists=bool(fields.get("submission_exists")),
        valid_submission=bool(fields.get("valid_submission")),
        is_lower_better=bool(fields.get("is_lower_better")),
        created_at=created_at.isoformat(),
        submission_path=str(submission_path or fields.get("submission_path") or ""),
    )


def grading_report(entries: Iterable[CompetitionEntry]) -> dict[str, object]:
    """Run totals and the per-competition entries, as ``mlebench grade`` writes them."""
    reports = list(entries)
    gold = sum(e.gold_medal for e in reports)
    silver = sum(e.silver_medal for e in reports)
    bronze = sum(e.bronze_medal for e in reports)
    return {
        "total_runs": len(reports),
        "total_runs_with_submissions": sum(e.submission_exists for e in reports),
        "total_valid_submissions": sum(e.valid_submission for e in reports),
        "total_medals": gold + silver + bronze,
        "total_gold_medals": gold,
        "total_silver_medals": silver,
        "total_bronze_medals": bronze,
        "total_above_median": sum(e.above_median for e in reports),
        "competition_reports": [e.model_dump() for e in reports],
    }


def timestamp() -> str:
    """UTC time in MLE-bench's file-name form, e.g. ``2024-05-01T12-00-00-GMT``."""
    return time.strftime("%Y-%m-%dT%H-%M-%S-%Z", time.gmtime())


def write_grading_report(
    entries: Iterable[CompetitionEntry],
    output_dir: str | os.PathLike[str],
    stamp: str | None = None,
) -> Path:
    """Write ``<stamp>_grading_report.json`` into ``output_dir`` (created if needed)."""
    target_dir = Path(output_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    path = target_dir / f"{stamp or timestamp()}{GRADING_REPORT_SUFFIX}"
    path.write_text(json.dumps(grading_report(entries), indent=2) + "\n", encoding="utf-8")
    return path


class SubmissionLine(BaseModel):
    """One line of MLE-bench's submissions JSONL."""

    competition_id: str
    submission_path: str


def read_submissions(path: str | os.PathLike[str]) -> list[SubmissionLine]:
    """Parse a submissions JSONL; blank lines and lines starting ``#`` or ``//`` are skipped."""
    lines = []
    for number, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        text = raw.strip()
        if not text or text.startswith(("#", "//")):
            continue
        try:
            lines.append(SubmissionLine.model_validate(json.loads(text)))
        except ValueError as ex:
            raise ValueError(f"{path}:{number}: not a submission line ({ex})") from None
    return lines


def grade_submissions(
    submissions: str | os.PathLike[str],
    output_dir: str | os.PathLike[str],
    data_dir: str | os.PathLike[str] | None = None,
) -> tuple[Path, list[CompetitionEntry]]:
    """Grade every line of a submissions JSONL and write one grading report.

    As in MLE-bench, a path that is not an existing ``.csv`` file is a missing submission.
    Relative submission paths are taken from the JSONL file's folder when they exist there.
    """
    from ..scorers.grading import grade_content

    base = Path(submissions).resolve().parent
    entries = []
    for line in read_submissions(submissions):
        path = Path(line.submission_path)
        if not path.is_absolute() and not path.exists() and (base / path).exists():
            path = base / path
        exists = path.is_file() and path.suffix.lower() == ".csv"
        report = grade_content(
            line.competition_id,
            path if exists else None,  # a path: read in chunks, never whole into memory
            data_dir,
            submission_path=str(path),
        )
        entries.append(entry_from_fields(report.to_json_dict(), datetime.now()))
    return write_grading_report(entries, output_dir), entries
