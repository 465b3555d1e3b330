"""Parse a checked submission CSV into the frame ``pd.read_csv`` gives, in bounded memory.

The graders judge this frame, so it must be the one-shot read's, type for type and cell for
cell. A big file is nonetheless read in chunks of bounded size, numbers going straight into
one array per column: pandas' one-shot reader holds the file's text, its Python objects and
the result at once (about 3-4x the file), the chunked read one copy of the result and a chunk
(``benchmarks/grading_memory.py`` prints both). Light at import: pandas is imported inside.
"""

from __future__ import annotations

import io
import os
from typing import TYPE_CHECKING, Any, Protocol

from ._errors import InvalidSubmission

if TYPE_CHECKING:
    import pandas as pd

CHUNK_CELLS = 1_000_000
"""Cells parsed at a time from a big file (8 MB of float64)."""
CHUNK_BYTES = 32 * 1024**2
"""Text parsed at a time, for files of few cells and long strings (run-length masks)."""


class FileShape(Protocol):
    """What a scan of the raw bytes knows before parsing (``grading.SubmissionScan``)."""

    @property
    def size(self) -> int: ...

    @property
    def lines(self) -> int: ...

    @property
    def header_fields(self) -> int: ...


def parse_csv(source: str | os.PathLike[str] | bytes, shape: FileShape) -> pd.DataFrame:
    """Parse with pandas' reader; its failures become InvalidSubmission.

    Bytes and small files are read in one shot; a file over ``CHUNK_CELLS`` cells or
    ``CHUNK_BYTES`` bytes in chunks (:func:`_read_big`).
    """
    import pandas as pd

    try:
        if isinstance(source, bytes):
            frame = pd.read_csv(io.BytesIO(source))
        elif shape.lines * shape.header_fields <= CHUNK_CELLS and shape.size <= CHUNK_BYTES:
            frame = pd.read_csv(source)
        else:
            frame = _read_big(source, shape)
    except UnicodeDecodeError as ex:
        raise InvalidSubmission(
            f"the submission is not a UTF-8 text CSV (undecodable byte at offset {ex.start})"
        ) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, OverflowError) as ex:
        raise InvalidSubmission(f"the submission is not a readable CSV: {ex}") from None
    except MemoryError:
        raise InvalidSubmission("the submission is too large to parse in memory") from None
    return _huge_ints_as_floats(frame)


def _read_big(path: str | os.PathLike[str], shape: FileShape) -> pd.DataFrame:
    """Chunks of bounded size; block-aligned ones where a column changes kind between them."""
    import pandas as pd

    try:
        frame = _read_in_chunks(path, _chunk_rows(shape), exact_blocks=False, capacity=shape.lines)
        if frame is None:
            frame = _read_in_chunks(
                path, _block_rows(shape.header_fields), exact_blocks=True, capacity=shape.lines
            )
    except _RowLabels:
        return pd.read_csv(path)
    assert frame is not None  # the block-aligned read joins every column
    return frame


class _RowLabels(Exception):
    """Rows with one field more than the header, whose first pandas makes the index.

    Only a one-shot read labels those rows exactly as pandas does.
    """


def _chunk_rows(shape: FileShape) -> int:
    """Rows per chunk: at most ``CHUNK_CELLS`` cells and about ``CHUNK_BYTES`` of text."""
    fields = max(shape.header_fields, 1)
    line_bytes = max(shape.size // max(shape.lines, 1), 1)
    return max(1, min(CHUNK_CELLS // fields, CHUNK_BYTES // line_bytes))


def _block_rows(fields: int) -> int:
    """Rows per chunk in whole blocks of pandas' own, about ``CHUNK_CELLS`` cells.

    pandas' C reader converts a file in internal blocks of rows (a power of two from its
    buffer heuristic and the table's width) and joins their types: a column of digits in
    one block and text in another comes out as ints and strings mixed, by block. Chunks of
    whole blocks join the same way, so the frame is the one-shot read's cell for cell.
    ``fields`` (the header's count) is a lower bound on the width, so this block is a
    multiple of the reader's.
    """
    try:
        from pandas._libs.parsers import (  # type: ignore[import-untyped]
            DEFAULT_BUFFER_HEURISTIC as heuristic,
        )
    except ImportError:  # pragma: no cover - the value pandas has used for years
        heuristic = 2**20
    fields = max(fields, 1)
    block = 1
    while block * 2 < heuristic // fields:
        block *= 2
    return block * max(1, CHUNK_CELLS // (fields * block))


def _read_in_chunks(
    path: str | os.PathLike[str], rows: int, *, exact_blocks: bool, capacity: int
) -> pd.DataFrame | None:
    """``pd.read_csv(path)`` read ``rows`` at a time, holding one copy of the frame and a chunk.

    Numbers go straight into one array per column, allocated once for ``capacity`` rows (the
    scan's line count); anything else is kept as pieces and joined at the end, as pandas joins
    them. A column whose kind changes between chunks (numbers, then text) depends on where
    the chunks fall: None is returned so the caller re-reads with ``exact_blocks`` (chunks of
    pandas' own blocks), where it is joined as pandas joins it.
    """
    import pandas as pd

    names: list[str] | None = None
    columns: list[_Column] = []
    with pd.read_csv(path, chunksize=rows) as reader:
        for chunk in reader:
            if names is None:
                if not isinstance(chunk.index, pd.RangeIndex) or chunk.index.start != 0:
                    raise _RowLabels
                names = [str(name) for name in chunk.columns]
                columns = [_Column(capacity) for _ in names]
            for position, column in enumerate(columns):
                values = chunk.iloc[:, position]
                if not exact_blocks and not column.same_kind(values.dtype):
                    return None
                column.add(values)
            del chunk
    if names is None:  # no rows at all: the one-shot reader gives the header's empty frame
        return pd.read_csv(path)
    joined = {}
    for name, column in zip(names, columns, strict=True):
        joined[name] = column.result()
    return pd.DataFrame(joined, copy=False)


class _Column:
    """One column, filled chunk by chunk."""

    def __init__(self, capacity: int) -> None:
        self.capacity = max(capacity, 1)
        self.first: Any = None
        self.array: Any = None  # numbers so far, in one array allocated once
        self.pieces: list[Any] = []  # anything else (text, mixed), joined at the end
        self.filled = 0

    def same_kind(self, dtype: Any) -> bool:
        """Whether ``dtype`` joins this column's first one regardless of where chunks fall."""
        return self.first is None or _same_kind(self.first, dtype)

    def add(self, values: pd.Series) -> None:
        """Append one chunk's values."""
        import numpy as np

        if self.first is None:
            self.first = values.dtype
        dtype = values.dtype
        if not self.pieces and isinstance(dtype, np.dtype) and dtype.kind in "bif":
            if self.array is None:
                self.array = np.empty(self.capacity, dtype=dtype)
            elif self.array.dtype != dtype and not self._widen(dtype):
                self._to_pieces()
                self.pieces.append(values.copy())
                self.filled += len(values)
                return
            end = self.filled + len(values)
            if end > len(self.array):  # more rows than the scan's lines: cannot happen, but grow
                self.array = np.concatenate([self.array, np.empty(end, dtype=self.array.dtype)])
            self.array[self.filled : end] = values.to_numpy()
            self.filled = end
            return
        self._to_pieces()
        self.pieces.append(values.copy())
        self.filled += len(values)

    def _widen(self, dtype: Any) -> bool:
        """Int and float join as float, as pandas joins them; False for any other pair."""
        import numpy as np

        pair = {self.array.dtype, dtype}
        if pair != {np.dtype("int64"), np.dtype("float64")}:
            return False
        if self.array.dtype != np.float64:
            self.array = self.array.astype(np.float64)
        return True

    def _to_pieces(self) -> None:
        import pandas as pd

        if self.array is not None:
            self.pieces.append(pd.Series(self.array[: self.filled]))
            self.array = None

    def result(self) -> Any:
        """The whole column: an array of numbers, or the joined pieces."""
        import pandas as pd

        if self.array is not None:
            return self.array[: self.filled]
        return pd.concat(self.pieces, ignore_index=True)


def _same_kind(first: Any, other: Any) -> bool:
    """Dtypes that join regardless of where chunks fall: equal, or int64 and float64."""
    import numpy as np

    if first == other:
        return True
    numeric = (np.dtype("int64"), np.dtype("float64"))
    return first in numeric and other in numeric


def _huge_ints_as_floats(frame: pd.DataFrame) -> pd.DataFrame:
    """Integer columns with a value beyond 64 bits, as floats (``inf`` past 1.8e308).

    pandas keeps such a column as Python ints, which numpy and scikit-learn refuse with an
    OverflowError; as floats, the graders' finiteness and id checks judge them instead.
    """
    import numpy as np
    import pandas as pd

    for column in [c for c, dtype in frame.dtypes.items() if dtype == np.dtype(object)]:
        values = frame[column]
        present = values.dropna()
        if len(present) and all(
            isinstance(v, int) and not isinstance(v, bool) for v in present.tolist()
        ):
            # float("9" * 400) is inf where float(10**400) raises
            frame[column] = pd.to_numeric(values.map(str, na_action="ignore"), errors="coerce")
    return frame
