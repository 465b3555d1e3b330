"""Plain tables for the command line: aligned text, markdown and CSV (no heavy imports).

Both ``cli.py`` and the report use it; neither imports the other.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

Rows = Sequence[Sequence[object]]


def text_table(rows: Rows, header: Sequence[str]) -> str:
    """Columns padded to their widest cell, with a dashed rule under the header."""
    cells = [list(map(str, header)), *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(rows: Rows, header: Sequence[str]) -> str:
    """A GitHub-flavoured markdown table (pipes in cells are escaped)."""

    def line(cells: Sequence[object]) -> str:
        return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"

    return "\n".join([line(header), line(["---"] * len(header)), *map(line, rows)])


def csv_table(rows: Rows, header: Sequence[str]) -> str:
    """CSV text with a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def table(rows: Rows, header: Sequence[str], fmt: str = "text") -> str:
    """The table in ``fmt``: text, markdown or csv."""
    render = {"text": text_table, "markdown": markdown_table, "csv": csv_table}.get(fmt)
    if render is None:
        raise ValueError(f"unknown table format {fmt!r}: choose text, markdown or csv")
    return render(rows, header)
