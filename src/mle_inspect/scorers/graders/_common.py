"""Helpers shared by the graders: alignment, answers parsing, pandas 2 text conversion.

Text columns: the original graders ran on pandas 2, where ``Series.astype(str)`` turned a
missing value into the text ``"nan"`` and ``.str`` accessors failed on numeric columns.
pandas 3 keeps missing values missing, so these helpers spell out the pandas 2 behaviour the
published scores were computed with.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from .. import checks
from .._errors import GradingError, InvalidSubmission

if TYPE_CHECKING:
    import pandas as pd

    from ...competitions import GradingSpec


def aligned(
    submission: pd.DataFrame,
    answers: pd.DataFrame,
    spec: GradingSpec,
    *,
    exact_columns: bool = False,
) -> pd.DataFrame:
    """The submission's rows in answer order, after the checks every grader here shares.

    Rows present, id and prediction columns present, one row per test id.
    """
    id_column = id_column_of(spec)
    expected = [id_column, *spec.target_columns]
    checks.require_not_empty(submission)
    checks.require_columns(submission, expected, exact=exact_columns)
    checks.require_answer_columns(answers, [id_column, *spec.truth_columns])
    return checks.align_to_answers(submission, answers, id_column)


def id_column_of(spec: GradingSpec) -> str:
    """The spec's id column; a grader that pairs rows by id cannot run without one."""
    if spec.id_column is None:
        raise GradingError("this grader needs `id_column` in the grading spec")
    return spec.id_column


def parse_answers(answers: pd.DataFrame, column: str, parse: Any, id_column: str) -> list[Any]:
    """``checks.parse_column`` on the answers, where a bad value is our fault."""
    try:
        return checks.parse_column(answers, column, parse, id_column=id_column)
    except InvalidSubmission as ex:
        raise GradingError(f"the answers file is corrupt: {ex}; re-prepare it") from None


def _as_text(values: pd.Series, missing_as: str) -> list[str]:
    import pandas as pd

    items = values.tolist()
    missing = pd.isna(values).to_numpy()
    if isinstance(values.dtype, pd.StringDtype) and not missing.any():
        return items  # already text: skip the per-value conversion (10^6-row files)
    return [missing_as if gone else str(v) for v, gone in zip(items, missing, strict=True)]


def legacy_str(values: pd.Series) -> list[str]:
    """``values.astype(str)`` as pandas 2 did it: missing becomes ``"nan"``, floats keep ``.0``."""
    return _as_text(values, "nan")


def filled_str(values: pd.Series) -> list[str]:
    """``values.fillna("").astype(str)``: missing becomes the empty string."""
    return _as_text(values, "")


def require_text(df: pd.DataFrame, column: str, *, id_column: str | None = None) -> list[str]:
    """The column's values as text, missing as ``""``; numbers are rejected.

    The originals called ``.str`` methods on the column, which fail when pandas parsed it as
    numbers (every cell a number) or when a cell holds a non-text value.
    """
    import numpy as np
    import pandas as pd

    values = df[column]
    if isinstance(values.dtype, pd.StringDtype):
        return filled_str(values)
    missing = pd.isna(values).to_numpy()
    not_text = np.fromiter((not isinstance(v, str) for v in values.tolist()), bool, len(values))
    bad = not_text & ~missing
    if bad.any():
        raise InvalidSubmission(
            f"column {column!r} must hold text (space-separated labels or words); "
            f"{int(bad.sum())} value(s) were read as numbers "
            f"({checks._preview(values[bad])}) at {checks._row_labels(df, bad, id_column)}"
        )
    return filled_str(values)


def require_no_missing_text(
    df: pd.DataFrame, column: str, *, id_column: str | None = None
) -> list[str]:
    """The column as text where an empty cell is an error (the original raised on NaN)."""
    checks.require_no_missing(df, column, id_column=id_column)
    return [str(v) for v in df[column].tolist()]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a grader builds millions of small containers.

    Token lists and sets per row hold no cycles, and collections triggered by the allocations alone
    can double the time on 10^6-row files.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
