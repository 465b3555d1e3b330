"""Shared submission checks. Every message names the column, how many rows are bad and which.

Graders call these instead of writing their own: one wording everywhere, one place to fix.
They raise InvalidSubmission, except :func:`require_answer_columns` (a fault of the answers
file, so a GradingError).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from ._errors import GradingError, InvalidSubmission

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

_SHOW = 5
_T = TypeVar("_T")


_VALUE_CHARS = 60
_LIST_SHOW = 40


def _short_repr(value: Any) -> str:
    """``repr(value)``, cut to about ``_VALUE_CHARS`` characters.

    The whole repr of a huge cell is never built first (a 500 MB line must not become a 500 MB
    message).
    """
    if isinstance(value, str | bytes) and len(value) > _VALUE_CHARS:
        return f"{value[:_VALUE_CHARS]!r}… ({len(value):,} characters)"
    text = repr(value)
    return text if len(text) <= _VALUE_CHARS else f"{text[:_VALUE_CHARS]}…"


def _plain(value: Any) -> Any:
    """Numpy scalars as Python values, so messages show ``7``, not ``np.int64(7)``."""
    item = getattr(value, "item", None)
    return item() if callable(item) and getattr(value, "ndim", None) == 0 else value


def _preview(values: Iterable[Any]) -> str:
    """The first ``_SHOW`` values and a count of the rest.

    A Series, array or list is sliced, never copied whole: a column of millions of bad ids
    must not become a Python list to show five of them.
    """
    sliced: Any = values
    if hasattr(sliced, "iloc"):  # a pandas Series: positional head
        total, head = len(sliced), list(sliced.iloc[:_SHOW])
    elif isinstance(sliced, Sequence) or hasattr(sliced, "__array__"):
        total, head = len(sliced), list(sliced[:_SHOW])
    else:
        items = list(values)
        total, head = len(items), items[:_SHOW]
    shown = ", ".join(_short_repr(_plain(v)) for v in head)
    return shown + (f", ... ({total - _SHOW} more)" if total > _SHOW else "")


def _columns(columns: Iterable[Any]) -> str:
    """A column list as ``[...]``, the first ``_LIST_SHOW`` names only for very wide files."""
    items = list(columns)
    shown = ", ".join(_short_repr(c) for c in items[:_LIST_SHOW])
    more = f", ... ({len(items) - _LIST_SHOW:,} more)" if len(items) > _LIST_SHOW else ""
    return f"[{shown}{more}]"


def require_columns(df: pd.DataFrame, columns: Sequence[str], *, exact: bool = False) -> None:
    """The submission has every expected column (and, when ``exact``, no others)."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InvalidSubmission(
            f"missing column{'s' if len(missing) > 1 else ''} {_preview(missing)}; "
            f"expected columns {_columns(columns)}, got {_columns(df.columns)}"
        )
    if exact:
        extra = [c for c in df.columns if c not in columns]
        if extra:
            raise InvalidSubmission(
                f"unexpected column{'s' if len(extra) > 1 else ''} {_preview(extra)}; "
                f"expected exactly {_columns(columns)}"
            )


def require_answer_columns(answers: pd.DataFrame, columns: Sequence[str]) -> None:
    """The answers have every column the grader reads.

    A missing one is a preparation fault (GradingError), not the agent's.
    """
    missing = [c for c in columns if c not in answers.columns]
    if missing:
        raise GradingError(f"the answers file lacks column(s) {missing}: re-prepare it")


def require_not_empty(df: pd.DataFrame) -> None:
    """Reject a submission with no rows."""
    if len(df) == 0:
        raise InvalidSubmission("the submission has no rows")


def _comparable_ids(submission: pd.Series, answers: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Ids in a form where equal means equal.

    Numbers by value (``1`` matches ``1.0``, as the originals' set comparisons did), text as text,
    and mixed kinds both as text (so ``7`` in one file matches ``"7"`` in the other).
    """
    import pandas as pd

    numeric = pd.api.types.is_numeric_dtype
    if (
        numeric(submission)
        and numeric(answers)
        and not (pd.api.types.is_bool_dtype(submission) or pd.api.types.is_bool_dtype(answers))
    ):
        if pd.api.types.is_integer_dtype(submission) and pd.api.types.is_integer_dtype(answers):
            return submission, answers
        return submission.astype("float64"), answers.astype("float64")
    if pd.api.types.is_string_dtype(submission) and pd.api.types.is_string_dtype(answers):
        return submission, answers
    return submission.astype(str), answers.astype(str)


def _arrow_text(series: pd.Series) -> Any:
    """Text as one pyarrow large_string array, as ``index_in`` wants it.

    pandas' arrow-backed strings hand over their buffers; a Series itself would go through an
    object array of Python strings (about 60 bytes an id).
    """
    import pyarrow as pa

    values = series.array
    array = pa.array(values if hasattr(values, "__arrow_array__") else series, from_pandas=True)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array.cast(pa.large_string())


def _positions(values: pd.Series, lookup: pd.Series) -> np.ndarray:
    """Position of each value within ``lookup`` (unique), -1 where absent."""
    import pandas as pd

    if pd.api.types.is_string_dtype(values):
        # pyarrow's hash lookup is ~3x faster than pandas' on millions of text ids
        import pyarrow.compute as pc

        found = pc.index_in(_arrow_text(values), value_set=_arrow_text(lookup))
        return found.fill_null(-1).to_numpy(zero_copy_only=False)
    return pd.Index(lookup).get_indexer(values)


def align_to_answers(
    submission: pd.DataFrame, answers: pd.DataFrame, id_column: str
) -> pd.DataFrame:
    """Return the submission's rows in the answers' id order.

    Rejects duplicate ids, ids not in the test set and test ids with no prediction.
    """
    import numpy as np

    require_columns(submission, [id_column])
    sub_ids, ans_ids = _comparable_ids(submission[id_column], answers[id_column])
    # look the submission's ids up among the answers' (a hash of the test set, whatever the
    # submission's size); repeats and gaps are then counted on positions, plain integers
    where = _positions(sub_ids, ans_ids)
    unknown = where < 0
    if unknown.any():
        raise InvalidSubmission(
            f"column {id_column!r} has {int(unknown.sum())} id(s) not in the test set: "
            f"{_preview(sub_ids[unknown])}"
        )
    counts = np.bincount(where, minlength=len(ans_ids))
    repeated = counts > 1
    if repeated.any():
        raise InvalidSubmission(
            f"column {id_column!r} has {int(repeated.sum())} duplicate id(s): "
            f"{_preview(ans_ids[repeated])}"
        )
    absent = counts == 0
    if absent.any():
        raise InvalidSubmission(
            f"{int(absent.sum())} test id(s) have no row in the submission (column "
            f"{id_column!r}): {_preview(ans_ids[absent])}"
        )
    order = np.empty(len(where), dtype=np.intp)
    order[where] = np.arange(len(where))
    return submission.iloc[order].reset_index(drop=True)


def require_answer_order(submission: pd.DataFrame, answers: pd.DataFrame, id_column: str) -> None:
    """Row ``i`` of the submission carries the id of row ``i`` of the answers.

    For originals that paired rows by position and asserted the ids equal: a file with the
    right ids in another order failed there, so it is invalid here, with the first row
    out of place named. Run after :func:`align_to_answers` (same ids, same count).
    """
    import numpy as np

    sub_ids, ans_ids = _comparable_ids(submission[id_column], answers[id_column])
    if len(sub_ids) != len(ans_ids):
        raise InvalidSubmission(f"the submission has {len(sub_ids)} rows; expected {len(ans_ids)}")
    wrong = sub_ids.to_numpy() != ans_ids.to_numpy()
    if wrong.any():
        row = int(np.flatnonzero(wrong)[0])
        raise InvalidSubmission(
            f"rows must follow the sample submission's order of column {id_column!r}: "
            f"data row {row + 1} has {sub_ids.iloc[row]!r}, expected {ans_ids.iloc[row]!r} "
            f"({int(wrong.sum())} row(s) out of place)"
        )


def _row_labels(df: pd.DataFrame, mask: np.ndarray, id_column: str | None) -> str:
    """Describe offending rows by id when there is one, else by 1-based data row number."""
    import numpy as np

    rows = np.flatnonzero(mask)
    if id_column is not None and id_column in df.columns:
        return "ids " + _preview(df[id_column].iloc[rows])
    return "rows " + _preview(rows + 1)


def numeric_column(df: pd.DataFrame, column: str, *, id_column: str | None = None) -> np.ndarray:
    """The column as finite floats, or an error naming the rows that are not."""
    import numpy as np
    import pandas as pd

    raw = df[column]
    values = pd.to_numeric(raw, errors="coerce")
    not_numeric = values.isna().to_numpy() & raw.notna().to_numpy()
    if not_numeric.any():
        bad = raw[not_numeric].tolist()
        raise InvalidSubmission(
            f"column {column!r} has {int(not_numeric.sum())} non-numeric value(s) "
            f"({_preview(bad)}) at {_row_labels(df, not_numeric, id_column)}"
        )
    array = values.to_numpy(dtype=float)
    missing = np.isnan(array)
    if missing.any():
        raise InvalidSubmission(
            f"column {column!r} has {int(missing.sum())} missing (NaN) value(s) at "
            f"{_row_labels(df, missing, id_column)}"
        )
    infinite = ~np.isfinite(array)
    if infinite.any():
        raise InvalidSubmission(
            f"column {column!r} has {int(infinite.sum())} infinite value(s) at "
            f"{_row_labels(df, infinite, id_column)}"
        )
    return array


def require_range(
    df: pd.DataFrame,
    column: str,
    values: np.ndarray,
    low: float,
    high: float,
    *,
    id_column: str | None = None,
) -> None:
    """Every value lies in ``[low, high]``."""
    outside = (values < low) | (values > high)
    if outside.any():
        raise InvalidSubmission(
            f"column {column!r} has {int(outside.sum())} value(s) outside [{low}, {high}] "
            f"({_preview(values[outside])}) at {_row_labels(df, outside, id_column)}"
        )


def require_no_missing(df: pd.DataFrame, column: str, *, id_column: str | None = None) -> None:
    """Reject a submission whose ``column`` has missing values, naming where they are."""
    missing = df[column].isna().to_numpy()
    if missing.any():
        raise InvalidSubmission(
            f"column {column!r} has {int(missing.sum())} missing value(s) at "
            f"{_row_labels(df, missing, id_column)}"
        )


def require_rows_sum_to_one(
    df: pd.DataFrame,
    matrix: np.ndarray,
    columns: Sequence[str],
    *,
    atol: float = 1e-6,
    id_column: str | None = None,
) -> None:
    """Reject probability rows that do not sum to one within tolerance."""
    import numpy as np

    sums = matrix.sum(axis=1)
    off = ~np.isclose(sums, 1.0, atol=atol)
    if off.any():
        raise InvalidSubmission(
            f"probabilities over columns {list(columns)} must sum to 1 in every row; "
            f"{int(off.sum())} row(s) do not (sums {_preview(np.round(sums[off], 6))}) "
            f"at {_row_labels(df, off, id_column)}"
        )


def require_row_count(df: pd.DataFrame, expected: int) -> None:
    """The submission has exactly ``expected`` rows (for graders that pair rows by position)."""
    if len(df) != expected:
        raise InvalidSubmission(f"the submission has {len(df)} rows; expected {expected}")


def require_same_id_set(submission: pd.DataFrame, answers: pd.DataFrame, id_column: str) -> None:
    """Every test id appears in the submission and no other id does; duplicates are allowed.

    For originals that compared ``set(submission ids) == set(answer ids)`` only. Integer and
    float ids compare by value, as Python sets do (``7 == 7.0``).
    """
    import pandas as pd

    require_columns(submission, [id_column])
    sub, ans = submission[id_column], answers[id_column]
    if pd.api.types.is_numeric_dtype(sub) and pd.api.types.is_numeric_dtype(ans):
        if sub.dtype != ans.dtype:
            sub, ans = sub.astype(float), ans.astype(float)
    else:
        sub, ans = _comparable_ids(sub, ans)
    ans_index = pd.Index(ans.unique())
    unknown = pd.Index(sub.unique()).difference(ans_index, sort=False)
    if len(unknown):
        raise InvalidSubmission(
            f"column {id_column!r} has {len(unknown)} id(s) not in the test set: "
            f"{_preview(unknown)}"
        )
    absent = ans_index.difference(pd.Index(sub.unique()), sort=False)
    if len(absent):
        raise InvalidSubmission(
            f"{len(absent)} test id(s) have no row in the submission (column {id_column!r}): "
            f"{_preview(absent)}"
        )


def parse_column(
    df: pd.DataFrame,
    column: str,
    parse: Callable[[Any], _T],
    *,
    id_column: str | None = None,
) -> list[_T]:
    """Apply ``parse`` to every cell of a structured column (RLE, box lists, spans).

    Every ValueError it raises (InvalidSubmission is one) is collected into one
    InvalidSubmission naming the column, the number of bad rows, the first ids and the
    first reason. Graders parsing the answers turn that into a GradingError.
    """
    import numpy as np

    parsed: list[_T] = []
    bad = np.zeros(len(df), dtype=bool)
    reason = ""
    for row, value in enumerate(df[column].tolist()):
        try:
            parsed.append(parse(value))
        except ValueError as ex:
            bad[row] = True
            reason = reason or str(ex)
    if bad.any():
        raise InvalidSubmission(
            f"column {column!r} has {int(bad.sum())} malformed value(s) at "
            f"{_row_labels(df, bad, id_column)}; first problem: {reason}"
        )
    return parsed
