"""Attacks on grading's memory and messages (issue 14 items 9 and 10), performed for real.

Huge, binary, endless or non-regular submission files are refused cheaply (from ``stat``, or
at the first chunk) with a message; every message that reaches a GradeReport is capped at
``MESSAGE_LIMIT`` characters and says what was cut.
"""

from __future__ import annotations

import io
import os
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from mle_inspect.scorers import GradeReport, InvalidSubmission, grade, grade_content, grading
from mle_inspect.scorers.grading import (
    EXTRA_COLUMNS,
    ROWS_PER_FULL_SIZE,
    SPARE_ROWS,
    read_submission_csv,
    validate_content,
)
from mle_inspect.scorers.limits import MAX_SUBMISSION_ENV, MESSAGE_LIMIT

CID = "demo-digits"


def _sample(data_dir: Path) -> bytes:
    return (data_dir / CID / "prepared" / "public" / "sample_submission.csv").read_bytes()


def _id_column(data_dir: Path) -> str:
    return pd.read_csv(data_dir / CID / "prepared" / "public" / "sample_submission.csv").columns[0]


def _assert_capped(message: str) -> None:
    assert len(message) <= MESSAGE_LIMIT, len(message)


# ------------------------------------------------------------------------------ size


def test_a_sparse_64_gib_file_is_refused_from_stat_without_reading(
    digits_data_dir: Path, tmp_path: Path
) -> None:
    huge = tmp_path / "submission.csv"
    with open(huge, "wb") as handle:
        handle.truncate(64 * 1024**3)  # sparse: reading it would take minutes
    started = time.perf_counter()
    report = grade(CID, huge, digits_data_dir)
    assert time.perf_counter() - started < 10
    assert not report.valid_submission and report.submission_exists
    assert "over the" in report.message and "cap" in report.message
    assert MAX_SUBMISSION_ENV in report.message


def test_the_cap_comes_from_the_environment(
    digits_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample = _sample(digits_data_dir)
    path = tmp_path / "submission.csv"
    path.write_bytes(sample)
    assert grade(CID, path, digits_data_dir).valid_submission
    monkeypatch.setenv(MAX_SUBMISSION_ENV, str(len(sample) - 1))
    for content in (path, sample):
        report = grade_content(CID, content, digits_data_dir)
        assert not report.valid_submission
        assert f"{len(sample):,} bytes, over the {len(sample) - 1:,}-byte cap" in report.message


def test_a_gibibyte_of_nul_bytes_is_refused_at_the_first_chunk(
    digits_data_dir: Path, tmp_path: Path
) -> None:
    nuls = tmp_path / "submission.csv"
    with open(nuls, "wb") as handle:
        handle.truncate(1024**3)  # 1 GiB of zeros, sparse on disk
    started = time.perf_counter()
    report = grade(CID, nuls, digits_data_dir)
    assert time.perf_counter() - started < 10
    assert not report.valid_submission
    assert "binary" in report.message and "NUL byte at offset 0" in report.message


def test_nul_bytes_after_valid_rows_are_refused_in_bytes_and_files(
    digits_data_dir: Path, tmp_path: Path
) -> None:
    content = _sample(digits_data_dir) + b"\x00" * 100
    path = tmp_path / "submission.csv"
    path.write_bytes(content)
    for source in (content, path):
        valid, message = validate_content(CID, source, digits_data_dir)
        assert not valid and "NUL byte at offset" in message


def _shape(data_dir: Path) -> tuple[int, int]:
    """(rows, columns) of a full-size submission of the demo competition, from its files."""
    sample = pd.read_csv(data_dir / CID / "prepared" / "public" / "sample_submission.csv")
    answers = pd.read_csv(data_dir / CID / "prepared" / "private" / "test.csv")
    return max(len(answers), len(sample)), len(sample.columns)


def test_far_more_lines_than_the_test_set_are_refused_before_parsing(
    digits_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample = _sample(digits_data_dir)
    header, _, body = sample.partition(b"\n")
    rows, _ = _shape(digits_data_dir)
    limit = ROWS_PER_FULL_SIZE * (rows + SPARE_ROWS)
    parsed: list[object] = []
    real_parse = grading._parse_csv

    def counted(source: object, scan: object) -> object:
        if isinstance(source, bytes):  # the submission (the sample's own grading is a path)
            parsed.append(source)
        return real_parse(source, scan)  # type: ignore[arg-type]

    monkeypatch.setattr(grading, "_parse_csv", counted)
    over = limit // rows + 1  # repeats of the rows that pass the line limit
    report = grade_content(CID, header + b"\n" + body * over, digits_data_dir)
    assert not report.valid_submission and not parsed
    assert "lines, over the limit" in report.message and "not parsed" in report.message
    assert f"for a test set of {rows:,} rows" in report.message
    under = (limit - 1) // rows  # just under: parsed, then refused for its ids
    report = grade_content(CID, header + b"\n" + body * under, digits_data_dir)
    assert not report.valid_submission and len(parsed) == 1
    assert "duplicate id" in report.message


def test_a_few_extra_columns_are_parsed_and_judged_by_the_grader(digits_data_dir: Path) -> None:
    """An index and class scores beside the predictions: the grader decides, not the limit."""
    frame = pd.read_csv(io.BytesIO(_sample(digits_data_dir)))
    for i in range(EXTRA_COLUMNS - 1):  # with the index: EXTRA_COLUMNS more fields
        frame[f"score_{i}"] = 0.5
    report = grade_content(CID, frame.to_csv(index=True).encode(), digits_data_dir)
    assert "not parsed" not in report.message


def test_without_a_sample_submission_only_the_parse_budget_applies(
    digits_data_dir: Path, tmp_path: Path
) -> None:
    """The answers' columns say nothing of a submission's, so no row or field limit is guessed."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(digits_data_dir / CID, data / CID, symlinks=True)
    sample = data / CID / "prepared" / "public" / "sample_submission.csv"
    header, _, body = sample.read_bytes().partition(b"\n")
    sample.parent.chmod(0o755)  # prepared public dirs are read-only
    sample.unlink()
    rows, _ = _shape(digits_data_dir)
    over = ROWS_PER_FULL_SIZE * (rows + SPARE_ROWS) // rows + 1  # past the limit a sample gives
    report = grade_content(CID, header + b"\n" + body * over, data)
    assert not report.valid_submission and "duplicate id" in report.message  # it was parsed


def test_a_wide_file_of_tiny_cells_is_refused_before_parsing(
    digits_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """1,000 columns of ``0``: 200 MB of them parsed to 1.9 GB before the field limit."""
    _, columns = _shape(digits_data_dir)
    fields = 1_000
    path = tmp_path / "submission.csv"
    with open(path, "wb") as out:
        out.write(",".join(f"c{i}" for i in range(fields)).encode() + b"\n")
        out.write((b"0," * (fields - 1) + b"0\n") * 100)
    monkeypatch.setattr(grading, "_parse_csv", _never_parse(path))
    report = grade(CID, path, digits_data_dir)
    assert not report.valid_submission and "not parsed" in report.message
    assert f"has {fields:,} fields" in report.message
    assert f"for a submission of {columns:,} columns" in report.message


def test_few_cells_of_huge_strings_are_held_to_the_parse_budget(
    digits_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under the size cap and the row and field limits, but over a third of the cap parsed."""
    sample = _sample(digits_data_dir)
    header, _, body = sample.partition(b"\n")
    first, _, _ = body.partition(b"\n")
    row_id = first.split(b",")[0]
    path = tmp_path / "submission.csv"
    path.write_bytes(header + b"\n" + row_id + b"," + b"7" * 3_000_000 + b"\n")
    size = path.stat().st_size
    real_parse = grading._parse_csv
    monkeypatch.setenv(MAX_SUBMISSION_ENV, str(2 * size))  # the file is half the cap
    monkeypatch.setattr(grading, "_parse_csv", _never_parse(path))
    report = grade(CID, path, digits_data_dir)
    assert not report.valid_submission
    assert "MiB of memory to parse" in report.message and MAX_SUBMISSION_ENV in report.message
    monkeypatch.setenv(MAX_SUBMISSION_ENV, str(4 * size))  # a third of this cap holds it
    monkeypatch.setattr(grading, "_parse_csv", real_parse)
    report = grade(CID, path, digits_data_dir)
    assert not report.valid_submission and "memory to parse" not in report.message


def _never_parse(refused: Path):  # noqa: ANN202 - a stand-in for grading._parse_csv
    """``_parse_csv`` that fails the test if asked to parse ``refused`` (others parse as usual:
    grading also scores the sample submission, unless an earlier test cached that)."""
    real_parse = grading._parse_csv

    def parse(source: object, scan: object) -> object:
        if isinstance(source, Path | str) and Path(source) == refused:
            raise AssertionError("pandas was asked to parse a file the scan should have refused")
        return real_parse(source, scan)  # type: ignore[arg-type]

    return parse


def test_a_path_is_parsed_from_disk_never_read_whole(
    digits_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "submission.csv"
    path.write_bytes(_sample(digits_data_dir))

    def refuse(*_: object, **__: object) -> bytes:
        raise AssertionError("the whole file was read into memory")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert len(read_submission_csv(path)) > 0
    report = grade_content(CID, path, digits_data_dir)
    assert report.valid_submission and report.submission_sha256 is not None


def test_path_and_bytes_give_the_same_report(digits_data_dir: Path, tmp_path: Path) -> None:
    sample = _sample(digits_data_dir)
    path = tmp_path / "submission.csv"
    path.write_bytes(sample)
    from_path = grade_content(CID, path, digits_data_dir).model_dump()
    from_bytes = grade_content(CID, sample, digits_data_dir).model_dump()
    assert from_path == from_bytes


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_without_blocking(tmp_path: Path, digits_data_dir: Path) -> None:
    fifo = tmp_path / "submission.csv"
    os.mkfifo(fifo)
    outcome: list[object] = []

    def attempt() -> None:
        try:
            read_submission_csv(fifo)
        except InvalidSubmission as ex:
            outcome.append(str(ex))

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "reading a FIFO blocked"
    assert outcome == ["the submission is not a regular file"]
    assert not grade(CID, fifo, digits_data_dir).submission_exists  # grade: no file at all


# ------------------------------------------------------------------------------ messages


def test_a_csv_bomb_of_a_million_columns_is_refused_unparsed(digits_data_dir: Path) -> None:
    header = ",".join(f"column_{i}" for i in range(1_000_000)).encode()  # ~13 MB
    started = time.perf_counter()
    report = grade_content(CID, header + b"\n" + b"1," * 999_999 + b"1\n", digits_data_dir)
    assert time.perf_counter() - started < 20  # pandas alone takes minutes on this header
    assert not report.valid_submission
    _assert_capped(report.message)
    assert "1,000,000 fields, over the limit" in report.message


def test_a_wide_header_of_long_names_gives_a_capped_message(digits_data_dir: Path) -> None:
    _, columns = _shape(digits_data_dir)
    # as many fields as the limit lets through, each name 100 KB
    names = [f"{i}_" + "n" * 100_000 for i in range(columns + EXTRA_COLUMNS)]
    row = ",".join(["1"] * len(names))
    report = grade_content(CID, (",".join(names) + "\n" + row + "\n").encode(), digits_data_dir)
    assert not report.valid_submission and "not parsed" not in report.message
    _assert_capped(report.message)
    assert "(100,002 characters)" in report.message  # each name quoted cut, with its length


def test_a_single_20_mb_line_gives_a_capped_message(digits_data_dir: Path) -> None:
    id_column = _id_column(digits_data_dir)
    line = b"x" * (20 * 1024**2)
    for content, echoed in (
        (line + b"\n", False),  # a 20 MB header: no rows
        (line, False),  # no newline at all
        (f"{id_column},label\n".encode() + line + b",1\n", True),  # a 20 MB id, named
    ):
        report = grade_content(CID, content, digits_data_dir)
        assert not report.valid_submission
        _assert_capped(report.message)
        if echoed:  # the value is shown cut, with its length
            assert f"({len(line):,} characters)" in report.message


def test_a_grade_report_caps_any_message_and_says_what_was_cut() -> None:
    report = GradeReport(
        competition_id=CID,
        score=None,
        valid_submission=False,
        submission_exists=True,
        message="bad id: " + "y" * 10_000_078,
        is_lower_better=False,
    )
    _assert_capped(report.message)
    assert report.message.startswith("bad id: ")
    assert "characters cut" in report.message


def test_validation_messages_are_capped(digits_data_dir: Path) -> None:
    header = ",".join(f"c{i}_" + "n" * 200 for i in range(5_000)).encode()
    valid, message = validate_content(CID, header + b"\n0," * 3 + b"\n", digits_data_dir)
    assert not valid
    _assert_capped(message)
