"""Grading contract (DESIGN §4): score_submission for a frame, grade for a file.

This module must not import inspect_ai: ``mle-inspect grade`` runs without it.
"""

from __future__ import annotations

import hashlib
import math
import os
import stat
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .._hooks import load_hook
from ..competitions import Competition, GradingSpec, MedalThresholds, get_competition
from ..data import CompetitionPaths, competition_paths, is_prepared, prepare_command
from . import checks
from ._csv_reader import parse_csv as _parse_csv
from ._errors import GradingError, InvalidSubmission
from .graders import _common as graders_common
from .limits import MAX_SUBMISSION_ENV, cap_message, max_submission_bytes
from .medals import medals, normalized_score, percentile, thresholds_from_leaderboard
from .metrics import get_metric
from .report import GradeReport

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

SCORE_DECIMALS = 5  # the original benchmark rounds every score to 5 decimals


_SCAN_CHUNK = 8 * 1024**2  # bytes read at a time when scanning a submission file


class SubmissionScan(NamedTuple):
    """What one pass over the raw bytes found, before pandas parses anything."""

    sha256: str
    lines: int
    """Newline count: an upper bound on the data rows (quoted fields may hold newlines)."""
    header_fields: int
    """Commas in the first line plus one: an upper bound on the columns."""
    size: int
    """Bytes."""


def check_submission_bytes(data: bytes) -> SubmissionScan:
    """Size cap, NUL bytes and emptiness of in-memory CSV bytes."""
    cap = max_submission_bytes()
    if len(data) > cap:
        raise InvalidSubmission(_too_large(len(data), cap))
    nul = data.find(b"\0")
    if nul >= 0:
        raise InvalidSubmission(_binary(nul))
    if not data or data.isspace():
        raise InvalidSubmission("the submission file is empty")
    end = data.find(b"\n")
    fields = data.count(b",", 0, end if end >= 0 else len(data)) + 1
    return SubmissionScan(hashlib.sha256(data).hexdigest(), data.count(b"\n"), fields, len(data))


def check_submission_file(path: str | os.PathLike[str]) -> SubmissionScan:
    """Size cap, file type, NUL bytes and emptiness of a CSV file.

    The size is judged from ``stat`` before any byte is read, and the file is then read in
    fixed-size chunks, so a huge or binary file costs one pass and constant memory.
    """
    cap = max_submission_bytes()
    try:
        info = os.stat(path)
    except OSError as ex:
        raise InvalidSubmission(f"the submission file cannot be read ({ex.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise InvalidSubmission("the submission is not a regular file")
    if info.st_size > cap:
        raise InvalidSubmission(_too_large(info.st_size, cap))
    digest = hashlib.sha256()
    offset, lines, has_text = 0, 0, False
    fields, in_header = 1, True
    # O_NONBLOCK: a path swapped for a FIFO after the stat above must not block the grader
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        while chunk := handle.read(_SCAN_CHUNK):
            nul = chunk.find(b"\0")
            if nul >= 0:
                raise InvalidSubmission(_binary(offset + nul))
            has_text = has_text or not chunk.isspace()
            if in_header:
                end = chunk.find(b"\n")
                fields += chunk.count(b",", 0, end if end >= 0 else len(chunk))
                in_header = end < 0
            lines += chunk.count(b"\n")
            digest.update(chunk)
            offset += len(chunk)
            if offset > cap:  # the file grew after the stat
                raise InvalidSubmission(_too_large(offset, cap))
    if not has_text:
        raise InvalidSubmission("the submission file is empty")
    return SubmissionScan(digest.hexdigest(), lines, fields, offset)


MAX_COLUMNS = 10_000
"""Header fields beyond this are refused unparsed: the widest real submission has 121
columns, and pandas takes minutes over a header of a million."""
ROWS_PER_FULL_SIZE = 2
"""A submission may have at most this many times the rows of a full-size one (+ spare)."""
EXTRA_COLUMNS = 16
"""Header fields a submission may have beyond a full-size one's (or twice those, if more):
some graders ignore extra columns, and an agent may add a few (an index, class scores)."""
SPARE_ROWS = 10_000
"""Rows added to a full-size submission before the limit is taken, for small test sets."""
BYTES_PER_CELL = 8
"""What pandas holds per parsed cell besides string payloads: a float64, an int64, or a
string's offset."""
PARSE_SHARE_OF_CAP = 3
"""A file is parsed only when its estimated in-memory size is at most the size cap divided
by this: parsing and grading take up to about three times the parsed size, so grading stays
within the cap's bytes of memory."""


class FullSize(NamedTuple):
    """The shape of a complete submission for one competition: what a file is judged against."""

    rows: int
    columns: int

    @property
    def line_limit(self) -> int:
        """The most lines a file may have and still be parsed."""
        return ROWS_PER_FULL_SIZE * (self.rows + SPARE_ROWS)

    @property
    def field_limit(self) -> int:
        """The most header fields a file may have and still be parsed."""
        return min(max(2 * self.columns, self.columns + EXTRA_COLUMNS), MAX_COLUMNS)


def full_size(
    competition: Competition, paths: CompetitionPaths, answers: pd.DataFrame
) -> FullSize | None:
    """Rows and columns of a complete submission: from the sample submission and the answers.

    Rows are the larger of the answers' and the sample's (tensorflow2-QA has two submission
    rows per answers row, VinBigData several answers rows per image); columns are the sample's
    header fields. None without a readable sample: the answers' columns say nothing of a
    submission's (ten class columns against one label), so only the parse budget applies.
    """
    sample = paths.prepared / competition.sample_submission
    shape = None
    try:
        info = sample.stat()
        shape = _sample_shape(str(sample), info.st_mtime_ns, info.st_size)
    except OSError:
        pass
    if shape is None:
        return None
    rows, columns = shape
    return FullSize(max(len(answers), rows), columns)


@lru_cache(maxsize=32)
def _sample_shape(path: str, mtime_ns: int, size: int) -> tuple[int, int] | None:
    """(data rows, header fields) of a sample submission, counted in one chunked pass."""
    try:
        scan = check_submission_file(path)
    except InvalidSubmission:
        return None
    return max(scan.lines - 1, 0), scan.header_fields


def require_plausible_size(scan: SubmissionScan, full: FullSize | None) -> None:
    """Refuse, before parsing, a file far wider, longer or heavier than any grader could accept.

    A real submission has the shape of a full-size one (``full``); twice its rows and a few
    extra columns leave room for an index column, class scores or repeated rows. A bigger
    file is an attack on memory (pandas would hold it all, at 8 bytes a cell of 2), not a
    submission. The parse budget bounds what is left: few cells holding huge strings.
    """
    if scan.header_fields > MAX_COLUMNS:
        raise InvalidSubmission(
            f"the submission's header has {scan.header_fields:,} fields, over the limit of "
            f"{MAX_COLUMNS:,}; it was not parsed"
        )
    if full is not None and scan.header_fields > full.field_limit:
        raise InvalidSubmission(
            f"the submission's header has {scan.header_fields:,} fields, over the limit of "
            f"{full.field_limit:,} for a submission of {full.columns:,} columns; it was not parsed"
        )
    if full is not None and scan.lines > full.line_limit:
        raise InvalidSubmission(
            f"the submission has {scan.lines:,} lines, over the limit of {full.line_limit:,} "
            f"for a test set of {full.rows:,} rows ({ROWS_PER_FULL_SIZE}x, + {SPARE_ROWS:,}); "
            "it was not parsed"
        )
    estimate = scan.size + BYTES_PER_CELL * scan.lines * scan.header_fields
    budget = max_submission_bytes() // PARSE_SHARE_OF_CAP
    if estimate > budget:
        raise InvalidSubmission(
            f"the submission would take about {estimate / 1024**2:,.0f} MiB of memory to parse, "
            f"over the budget of {budget / 1024**2:,.0f} MiB (a third of the size cap; set "
            f"{MAX_SUBMISSION_ENV} to change it); it was not parsed"
        )


def parse_plausible(
    source: str | os.PathLike[str] | bytes, scan: SubmissionScan, full: FullSize | None
) -> pd.DataFrame:
    """The submission's frame, once its scan shows a plausible size (else InvalidSubmission)."""
    require_plausible_size(scan, full)
    return _parse_csv(source, scan)


def _too_large(size: int, cap: int) -> str:
    return (
        f"the submission is {size:,} bytes, over the {cap:,}-byte cap "
        f"(set {MAX_SUBMISSION_ENV} to change it)"
    )


def _binary(offset: int) -> str:
    return f"the submission is binary, not a text CSV (NUL byte at offset {offset:,})"


def scan_submission(source: str | os.PathLike[str] | bytes) -> SubmissionScan:
    """One pass over a submission's bytes (in memory, or from disk in chunks): see the checks."""
    if isinstance(source, bytes):
        return check_submission_bytes(source)
    return check_submission_file(source)


def read_submission_csv(source: str | os.PathLike[str] | bytes) -> pd.DataFrame:
    """Parse a submission CSV, turning every parse failure into an InvalidSubmission.

    Bytes are parsed in memory; a path is checked (:func:`check_submission_file`) and parsed
    from disk, never read whole into Python first.
    """
    return _parse_csv(source, scan_submission(source))


def score_submission(competition_id: str, submission: pd.DataFrame, answers: pd.DataFrame) -> float:
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
    if value is None:
        raise InvalidSubmission("the grader returned no score for this submission")
    value = float(value)
    if math.isnan(value):
        # MLE-bench quirk kept on purpose: a metric that comes out undefined (a constant
        # prediction's Pearson r, an all-empty Dice) is a NaN score on a *valid* submission
        # there; it earns no medal and no percentile, but counts as valid.
        return math.nan
    if not math.isfinite(value):
        raise InvalidSubmission(f"the metric is not finite for this submission (got {value})")
    return round(value, SCORE_DECIMALS)


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
                f"{int(bad.sum())} value(s) are not numbers ({checks._preview(values[bad])})"
            )
        return numbers.to_numpy()
    return values.astype(str).to_numpy()


def validate_content(
    competition_id: str,
    content: bytes | os.PathLike[str] | None,
    data_dir: str | os.PathLike[str] | None = None,
) -> tuple[bool, str]:
    """Valid or not, with the reason: for agents' tools. Never returns a score.

    ``content`` is the file's bytes or a path to it (read in chunks, not whole). Messages
    name columns, counts and submission-side values only, never answer values, and are
    capped at :data:`~mle_inspect.scorers.limits.MESSAGE_LIMIT` characters.
    """
    if content is None:
        return False, "no submission file"
    competition = get_competition(competition_id)
    paths = competition_paths(competition_id, data_dir)
    answers = load_answers(competition, paths)
    source: bytes | Path = content if isinstance(content, bytes) else Path(content)
    try:
        scan = scan_submission(source)
        frame = parse_plausible(source, scan, full_size(competition, paths, answers))
        score_submission(competition_id, frame, answers)
    except InvalidSubmission as ex:
        return False, cap_message(str(ex))
    columns = checks._preview(frame.columns)
    return True, cap_message(f"valid submission ({len(frame)} rows, columns [{columns}])")


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
        return _read_answers_cached(str(path), mtime, fmt, keep).copy()
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
    """Grade a submission file against the prepared answers of a competition.

    Anything but a regular file (missing, a directory, a FIFO) is no submission.
    """
    path = Path(submission_path)
    return grade_content(
        competition_id, path if path.is_file() else None, data_dir, submission_path=str(path)
    )


def grade_content(
    competition_id: str,
    content: bytes | os.PathLike[str] | None,
    data_dir: str | os.PathLike[str] | None = None,
    *,
    submission_path: str | None = None,
) -> GradeReport:
    """Grade a submission given as bytes or as a path to a file (None = no submission).

    Used by the scorer and the CLI. A path is checked (size cap before reading, NUL bytes,
    file type) and parsed from disk, so memory stays bounded by the parsed frame.
    """
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
    source: bytes | Path = content if isinstance(content, bytes) else Path(content)
    try:
        scan = scan_submission(source)
        base["submission_sha256"] = scan.sha256
        frame = parse_plausible(source, scan, full_size(competition, paths, answers))
        score = score_submission(competition_id, frame, answers)
    except InvalidSubmission as ex:
        if isinstance(source, bytes) and base.get("submission_sha256") is None:
            base["submission_sha256"] = hashlib.sha256(source).hexdigest()
        return GradeReport(
            **base,
            score=None,
            valid_submission=False,
            submission_exists=True,
            message=str(ex),
            normalized_score=0.0,
        )
    undefined = math.isnan(score)
    report: dict[str, Any] = dict(
        score=score,
        valid_submission=True,
        submission_exists=True,
        message=(
            "valid submission, but the metric is undefined for it (NaN): no medal, percentile "
            "0, as MLE-bench counts it"
            if undefined
            else "valid submission"
        ),
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
        # an undefined score beats no leaderboard entry
        report["percentile"] = (
            0.0 if undefined else percentile(score, board, competition.lower_is_better)
        )
    report["normalized_score"] = (
        0.0
        if undefined
        else normalized_score(
            score, base["sample_submission_score"], thresholds.gold if thresholds else None
        )
    )
    return GradeReport(**base, **report)


def _context(
    competition: Competition, paths: CompetitionPaths
) -> tuple[MedalThresholds | None, list[float] | None, dict[str, Any]]:
    """Facts that do not depend on the file.

    The medal thresholds, the leaderboard scores, and the GradeReport fields describing them and the
    sample submission's score.
    """
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
