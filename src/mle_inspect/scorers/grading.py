"""Grading contract (DESIGN §4): score_submission for a frame, grade for a file.

This module must not import inspect_ai: ``mle-inspect grade`` runs without it.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._hooks import load_hook
from ..competitions import Competition, GradingSpec, MedalThresholds, get_competition
from ..data import CompetitionPaths, competition_paths, is_prepared, prepare_command
from . import checks
from ._errors import GradingError, InvalidSubmission
from .graders import _common as graders_common
from .medals import medals, normalized_score, percentile, thresholds_from_leaderboard
from .metrics import get_metric
from .report import GradeReport

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

SCORE_DECIMALS = 5  # the original benchmark rounds every score to 5 decimals


def read_submission_csv(source: str | os.PathLike[str] | bytes) -> pd.DataFrame:
    """Parse a submission CSV, turning every parse failure into an InvalidSubmission."""
    import pandas as pd

    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    if not data or data.isspace():
        raise InvalidSubmission("the submission file is empty")
    try:
        frame = pd.read_csv(io.BytesIO(data))
    except UnicodeDecodeError as ex:
        raise InvalidSubmission(
            f"the submission is not a UTF-8 text CSV (undecodable byte at offset {ex.start})"
        ) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as ex:
        raise InvalidSubmission(f"the submission is not a readable CSV: {ex}") from None
    return frame


def score_submission(
    competition_id: str, submission: pd.DataFrame, answers: pd.DataFrame
) -> float:
    """Score a submission frame against the answers frame.

    Raises InvalidSubmission for the agent's mistakes; anything else is an infrastructure fault.
    """
    competition = get_competition(competition_id)
    spec = competition.grading
    if spec is None:
        raise GradingError(f"{competition_id}: no grader is implemented yet")
    if spec.function is not None:
        value = load_hook(spec.function)(submission, answers, spec)
    else:
        value = grade_columns(submission, answers, spec)
    if value is None or not math.isfinite(value):
        raise InvalidSubmission(f"the metric is undefined for this submission (got {value})")
    return round(float(value), SCORE_DECIMALS)


def grade_columns(submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec) -> float:
    """The generic grader: required columns, one row per test id, typed predictions, metric."""
    if spec.metric is None or spec.id_column is None:
        raise GradingError("a declarative grading spec needs `metric` and `id_column`")
    metric = get_metric(spec.metric)
    if metric.prediction == "custom":
        raise GradingError(f"metric {spec.metric!r} needs a competition grader function")
    aligned = graders_common.aligned(submission, answers, spec, exact_columns=spec.exact_columns)
    y_pred = _predictions(aligned, spec, metric.prediction, answers)
    truth = answers[spec.truth_columns].to_numpy()
    y_true = truth[:, 0] if len(spec.truth_columns) == 1 else truth
    return metric.fn(y_true, y_pred, **spec.params)


def _predictions(
    aligned: pd.DataFrame, spec: GradingSpec, kind: str, answers: pd.DataFrame
) -> np.ndarray:
    import numpy as np

    columns, id_col = spec.target_columns, spec.id_column
    if kind == "label":
        if len(columns) != 1:
            raise GradingError("label metrics take exactly one target column")
        return _labels_like(aligned, columns[0], answers[spec.truth_columns[0]], id_col)
    arrays = [checks.numeric_column(aligned, c, id_column=id_col) for c in columns]
    if kind in ("probability", "distribution"):
        for column, values in zip(columns, arrays, strict=True):
            checks.require_range(aligned, column, values, 0.0, 1.0, id_column=id_col)
    matrix = np.column_stack(arrays)
    if kind == "distribution":
        checks.require_rows_sum_to_one(aligned, matrix, columns, id_column=id_col)
        return matrix
    return matrix[:, 0] if matrix.shape[1] == 1 else matrix


def _labels_like(
    aligned: pd.DataFrame, column: str, truth: pd.Series, id_column: str | None
) -> np.ndarray:
    """Predicted labels in the truth's type, so ``3``, ``3.0`` and ``"3"`` all match 3."""
    import pandas as pd

    checks.require_no_missing(aligned, column, id_column=id_column)
    values = aligned[column]
    if pd.api.types.is_numeric_dtype(truth) and not pd.api.types.is_bool_dtype(truth):
        numbers = pd.to_numeric(values, errors="coerce")
        bad = numbers.isna().to_numpy()
        if bad.any():
            raise InvalidSubmission(
                f"column {column!r} must hold numeric class labels; "
                f"{int(bad.sum())} value(s) are not numbers ({checks._preview(values[bad].tolist())})"
            )
        return numbers.to_numpy()
    return values.astype(str).to_numpy()


def validate_content(
    competition_id: str, content: bytes | None, data_dir: str | os.PathLike[str] | None = None
) -> tuple[bool, str]:
    """Valid or not, with the reason: for agents' tools. Never returns a score.

    Messages name columns, counts and submission-side values only, never answer values.
    """
    if content is None:
        return False, "no submission file"
    competition = get_competition(competition_id)
    answers = load_answers(competition, competition_paths(competition_id, data_dir))
    try:
        frame = read_submission_csv(content)
        score_submission(competition_id, frame, answers)
    except InvalidSubmission as ex:
        return False, str(ex)
    return True, f"valid submission ({len(frame)} rows, columns {list(frame.columns)})"


# ---------------------------------------------------------------------------- files


@lru_cache(maxsize=8)
def _read_answers_cached(
    path: str, mtime_ns: int, fmt: str = "csv", keep: tuple[str, ...] | None = None
) -> pd.DataFrame:
    import json

    import pandas as pd

    if fmt == "jsonl":  # line by line, keeping only `keep` fields: records can be whole documents
        records = []
        with open(path, encoding="utf-8") as lines:
            for line in filter(str.strip, lines):
                record = json.loads(line)
                records.append({k: record.get(k) for k in keep} if keep else record)
        return pd.DataFrame.from_records(records)
    return pd.read_csv(path)


def load_answers(competition: Competition, paths: CompetitionPaths) -> pd.DataFrame:
    """The private answers; missing or unreadable answers are our fault, not the agent's."""
    path = paths.prepared / competition.answers
    if not is_prepared(paths, competition) or not path.is_file():
        raise GradingError(
            f"answers for {competition.id} not found at {path}: the competition is not prepared. "
            f"Run `{prepare_command(competition.id, paths.data_dir)}`."
        )
    try:
        spec = competition.grading
        fmt = spec.answers_format if spec else "csv"
        keep = (spec.id_column, *spec.answer_columns) if spec and spec.answer_columns else None
        mtime = path.stat().st_mtime_ns
        return _read_answers_cached(str(path), mtime, fmt, keep).copy()  # type: ignore[arg-type]
    except Exception as ex:
        raise GradingError(
            f"answers file {path} is unreadable ({ex}); re-prepare with "
            f"`{prepare_command(competition.id, paths.data_dir)} --force`."
        ) from ex


def load_leaderboard(paths: CompetitionPaths) -> tuple[list[float], str] | None:
    """Leaderboard scores and the file they came from, or None when there is none."""
    import pandas as pd

    for path in paths.leaderboard_candidates():
        if path.is_file():
            board = pd.read_csv(path)
            column = next((c for c in ("score", "scoreNullable") if c in board.columns), None)
            if column is None:
                raise GradingError(f"leaderboard {path} has no 'score' column")
            scores = pd.to_numeric(board[column], errors="coerce").dropna().tolist()
            return scores, str(path)
    return None


def _sample_submission_score(competition: Competition, paths: CompetitionPaths) -> float | None:
    """From the registry; for competitions without one (demo), by grading the sample file."""
    if competition.sample_submission_score is not None:
        return competition.sample_submission_score
    sample = paths.prepared / competition.sample_submission
    if not sample.is_file():
        return None
    return _grade_sample_cached(competition.id, str(paths.data_dir), sample.stat().st_mtime_ns)


@lru_cache(maxsize=32)
def _grade_sample_cached(competition_id: str, data_dir: str, mtime_ns: int) -> float | None:
    competition = get_competition(competition_id)
    paths = competition_paths(competition_id, data_dir)
    try:
        frame = read_submission_csv(paths.prepared / competition.sample_submission)
        return score_submission(competition_id, frame, load_answers(competition, paths))
    except InvalidSubmission:
        return None


def grade(
    competition_id: str,
    submission_path: str | os.PathLike[str],
    data_dir: str | os.PathLike[str] | None = None,
) -> GradeReport:
    """Grade a submission file against the prepared answers of a competition."""
    path = Path(submission_path)
    content = path.read_bytes() if path.is_file() else None
    return grade_content(competition_id, content, data_dir, submission_path=str(path))


def grade_content(
    competition_id: str,
    content: bytes | None,
    data_dir: str | os.PathLike[str] | None = None,
    *,
    submission_path: str | None = None,
) -> GradeReport:
    """Grade submission bytes (None = no submission). Used by the scorer and the CLI."""
    competition = get_competition(competition_id)
    paths = competition_paths(competition_id, data_dir)
    answers = load_answers(competition, paths)
    base: dict[str, Any] = dict(
        competition_id=competition_id,
        is_lower_better=competition.lower_is_better,
        submission_path=submission_path,
    )
    thresholds, board, context = _context(competition, paths)
    base.update(context)
    if content is None:
        where = f" at {submission_path}" if submission_path else ""
        return GradeReport(
            **base,
            score=None,
            valid_submission=False,
            submission_exists=False,
            message=f"no submission file{where}",
            normalized_score=0.0,
        )
    base["submission_sha256"] = hashlib.sha256(content).hexdigest()
    try:
        frame = read_submission_csv(content)
        score = score_submission(competition_id, frame, answers)
    except InvalidSubmission as ex:
        return GradeReport(
            **base,
            score=None,
            valid_submission=False,
            submission_exists=True,
            message=str(ex),
            normalized_score=0.0,
        )
    report: dict[str, Any] = dict(
        score=score, valid_submission=True, submission_exists=True, message="valid submission"
    )
    if thresholds is not None:
        won = medals(score, thresholds, competition.lower_is_better)
        report.update(
            gold_medal=won["gold"],
            silver_medal=won["silver"],
            bronze_medal=won["bronze"],
            above_median=won["above_median"],
        )
    if board is not None:
        report["percentile"] = percentile(score, board, competition.lower_is_better)
    report["normalized_score"] = normalized_score(
        score, base["sample_submission_score"], thresholds.gold if thresholds else None
    )
    return GradeReport(**base, **report)


def _context(
    competition: Competition, paths: CompetitionPaths
) -> tuple[MedalThresholds | None, list[float] | None, dict[str, Any]]:
    """Facts that do not depend on the file: the medal thresholds, the leaderboard scores, and
    the GradeReport fields describing them and the sample submission's score."""
    leaderboard = load_leaderboard(paths)
    thresholds = competition.registry_thresholds
    if thresholds is None and leaderboard is not None:
        thresholds = thresholds_from_leaderboard(
            leaderboard[0], competition.lower_is_better, source=f"leaderboard {leaderboard[1]}"
        )
    context: dict[str, Any] = dict(
        leaderboard_source=leaderboard[1] if leaderboard else None,
        leaderboard_size=len(leaderboard[0]) if leaderboard else None,
        leaderboard_note=competition.leaderboard_note or None,
        sample_submission_score=_sample_submission_score(competition, paths),
    )
    if thresholds is not None:
        context.update(
            gold_threshold=thresholds.gold,
            silver_threshold=thresholds.silver,
            bronze_threshold=thresholds.bronze,
            median_threshold=thresholds.median,
            thresholds_source=thresholds.source,
        )
    return thresholds, leaderboard[0] if leaderboard else None, context
