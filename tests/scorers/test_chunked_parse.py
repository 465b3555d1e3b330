"""A big submission is parsed in chunks (to bound memory) into the frame a one-shot read gives.

The graders judge the frame, so any difference in a type or a cell could change a verdict:
each case compares the chunked reader with ``pd.read_csv`` on the same file.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mle_inspect.scorers import _csv_reader, grading

CASES = {
    "ints": "id,label\n" + "".join(f"{i},{i % 7}\n" for i in range(20)),
    "a NaN in a later chunk turns ints to floats": "id,p\n1,0\n2,1\n3,0\n4,1\n5,\n6,1\n7,0\n",
    "floats after ints": "id,p\n1,0\n2,1\n3,1\n4,0.5\n5,0.25\n",
    "ints after floats": "id,p\n1,0.5\n2,0.25\n3,1\n4,0\n5,1\n6,0\n",
    "booleans then words": "id,flag\n1,True\n2,False\n3,True\n4,maybe\n5,False\n",
    "quoted commas and newlines": 'id,text\n1,"a,b"\n2,"line\none"\n3,plain\n4,"x ""q"""\n5,z\n',
    "empty cells and NA words": "id,a,b\n1,,x\n2,NA,y\n3,1,\n4,null,w\n5,2,v\n",
    "booleans": "id,flag\n1,True\n2,False\n3,True\n4,False\n",
    "ints beyond 64 bits": "id,v\n1,1\n2,2\n3,3\n4,99999999999999999999999\n5,5\n",
    "text ids": "image_id,label\n" + "".join(f"img_{i:04d},{i % 3}\n" for i in range(11)),
    "duplicate column names": "id,p,p\n1,0.1,0.2\n2,0.3,0.4\n3,0.5,0.6\n4,0.7,0.8\n",
    "header only": "id,label\n",
    "one field more than the header (an index)": "a,b\n"
    + "".join(f"{i},{i},{i}\n" for i in range(9)),
}


@pytest.mark.parametrize("content", CASES.values(), ids=CASES.keys())
def test_chunks_of_a_few_rows_give_the_one_shot_frame(
    content: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "submission.csv"
    path.write_text(content)
    monkeypatch.setattr(_csv_reader, "CHUNK_CELLS", 6)  # 3 rows of 2 fields, 2 of 3
    scan = grading.check_submission_file(path)
    chunked = grading.read_submission_csv(path)
    one_shot = _csv_reader._huge_ints_as_floats(pd.read_csv(path))
    assert _csv_reader._chunk_rows(scan._replace(header_fields=3)) == 2
    pd.testing.assert_frame_equal(chunked, one_shot)


def test_a_column_of_mixed_types_matches_a_one_shot_read_cell_for_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Digits in the first blocks, hex ids later: pandas mixes ints and strings by block.

    The first chunked read sees the kind change and gives up; the re-read in whole blocks of
    pandas' own gives the one-shot frame.
    """
    rows = 600_000
    ids = [str(1_000_000 + i) for i in range(rows)]
    for k in range(300_000, rows, 25_000):
        ids[k] = f"{k:x}z"
    path = tmp_path / "submission.csv"
    pd.DataFrame({"id": ids, "label": np.arange(rows) % 7}).to_csv(path, index=False)
    monkeypatch.setattr(_csv_reader, "CHUNK_CELLS", 1_000)  # several chunks for this file
    scan = grading.check_submission_file(path)
    assert _csv_reader._block_rows(scan.header_fields) < rows
    reads: list[bool] = []
    real_read = _csv_reader._read_in_chunks

    def counted(path: Path, rows: int, **options: int) -> pd.DataFrame | None:
        reads.append(bool(options["exact_blocks"]))
        return real_read(path, rows, **options)

    monkeypatch.setattr(_csv_reader, "_read_in_chunks", counted)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pd.errors.DtypeWarning)  # both reads warn of the mix
        chunked = grading.read_submission_csv(path)
        one_shot = pd.read_csv(path)
    assert reads == [False, True]
    assert chunked["id"].map(type).tolist() == one_shot["id"].map(type).tolist()
    pd.testing.assert_frame_equal(chunked, one_shot)


def test_long_strings_are_read_a_few_rows_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run-length masks: few cells, many bytes; chunks are bounded by bytes, not cells."""
    path = tmp_path / "submission.csv"
    with open(path, "w") as out:
        out.write("id,rle\n")
        for i in range(40):
            out.write(f"{i:04d}," + " ".join(str(i + k) for k in range(2_000)) + "\n")
    monkeypatch.setattr(_csv_reader, "CHUNK_BYTES", 50_000)
    sizes: list[int] = []
    real_read = _csv_reader._read_in_chunks

    def counted(path: Path, rows: int, **options: int) -> pd.DataFrame | None:
        sizes.append(rows)
        return real_read(path, rows, **options)

    monkeypatch.setattr(_csv_reader, "_read_in_chunks", counted)
    chunked = grading.read_submission_csv(path)
    assert sizes and all(rows < 10 for rows in sizes)
    pd.testing.assert_frame_equal(chunked, pd.read_csv(path))


def test_a_parse_error_in_a_later_chunk_is_an_invalid_submission(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "submission.csv"
    path.write_text("id,label\n" + "1,2\n" * 50 + "1,2,3,4\n" + "1,2\n" * 50)
    monkeypatch.setattr(_csv_reader, "CHUNK_CELLS", 10)
    with pytest.raises(grading.InvalidSubmission, match="line 52"):
        grading.read_submission_csv(path)
