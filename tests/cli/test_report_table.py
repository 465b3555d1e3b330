"""The shared table printer (used by cli.py and the report, which do not import each other)."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

from mle_inspect._table import table

ROWS = [("a|b", 1, "x"), ("c", 22, "")]


def test_text_columns_line_up() -> None:
    lines = table(ROWS, ("name", "n", "note")).splitlines()
    assert lines[0].index("n ") == lines[2].index("1") == lines[3].index("22")
    assert set(lines[1].replace(" ", "")) == {"-"}


def test_markdown_escapes_pipes_and_csv_round_trips() -> None:
    markdown = table(ROWS, ("name", "n", "note"), "markdown").splitlines()
    assert markdown[:2] == ["| name | n | note |", "| --- | --- | --- |"]
    assert markdown[2] == "| a\\|b | 1 | x |"
    parsed = list(csv.reader(io.StringIO(table(ROWS, ("name", "n", "note"), "csv"))))
    assert parsed == [["name", "n", "note"], ["a|b", "1", "x"], ["c", "22", ""]]


def test_cli_and_report_do_not_import_each_other() -> None:
    probe = (
        "import sys, mle_inspect.cli; a = 'mle_inspect.reporting' in sys.modules; "
        "del sys.modules['mle_inspect.cli']; import mle_inspect.reporting._render, "
        "mle_inspect.reporting._build; print(a, 'mle_inspect.cli' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]
