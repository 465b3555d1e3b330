"""Archives from Kaggle are untrusted: nothing may land outside the target, no symlinks."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from mle_inspect.data.extract import (
    UnsafeArchive,
    extract,
    extract_atomically,
    extract_once,
)


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as handle:
        for name, data in members.items():
            handle.writestr(name, data)
    return path


def test_zip_is_extracted_with_folders_and_progress(tmp_path: Path) -> None:
    archive = _zip(
        tmp_path / "a.zip", {"train/1.png": b"one", "train.csv": b"id\n1\n", "empty/": b""}
    )
    seen: list[tuple[int, int]] = []
    extract(archive, tmp_path / "out", lambda done, total: seen.append((done, total)))
    assert (tmp_path / "out" / "train" / "1.png").read_bytes() == b"one"
    assert (tmp_path / "out" / "train.csv").read_text() == "id\n1\n"
    assert (tmp_path / "out" / "empty").is_dir()
    assert seen[-1] == (8, 8)  # 3 + 5 bytes


@pytest.mark.parametrize("name", ["../evil.txt", "a/../../evil.txt", "/abs/evil.txt"])
def test_zip_entry_escaping_the_target_is_refused_before_anything_is_written(
    tmp_path: Path, name: str
) -> None:
    archive = _zip(tmp_path / "a.zip", {"ok.txt": b"fine", name: b"pwned"})
    with pytest.raises(UnsafeArchive, match="outside the target"):
        extract(archive, tmp_path / "out")
    assert not (tmp_path / "evil.txt").exists()
    assert not (tmp_path / "out" / "ok.txt").exists()


def test_zip_symlink_entry_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "link.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        info = zipfile.ZipInfo("link")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        handle.writestr(info, "/etc/passwd")
    with pytest.raises(UnsafeArchive, match="symlink"):
        extract(archive, tmp_path / "out")


def test_7z_entry_escaping_the_target_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    py7zr = pytest.importorskip("py7zr", reason="py7zr (the kaggle/dev extra) is not installed")
    archive = tmp_path / "a.7z"
    monkeypatch.setattr("py7zr.py7zr.check_archive_path", lambda _name: True)  # craft a bad one
    with py7zr.SevenZipFile(archive, "w") as handle:
        handle.writestr(b"pwned", "../evil.txt")
    monkeypatch.undo()
    with pytest.raises(UnsafeArchive):
        extract(archive, tmp_path / "out")
    assert not (tmp_path / "evil.txt").exists()


def test_7z_is_extracted(tmp_path: Path) -> None:
    py7zr = pytest.importorskip("py7zr", reason="py7zr (the kaggle/dev extra) is not installed")
    archive = tmp_path / "a.7z"
    with py7zr.SevenZipFile(archive, "w") as handle:
        handle.writestr(b"jpg", "train/1.jpg")
    extract(archive, tmp_path / "out")
    assert (tmp_path / "out" / "train" / "1.jpg").read_bytes() == b"jpg"


def test_extract_once_skips_an_archive_already_extracted(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "a.zip", {"x.txt": b"1"})
    assert extract_once(archive, tmp_path / "out") is True
    (tmp_path / "out" / "x.txt").write_text("changed")
    assert extract_once(archive, tmp_path / "out") is False
    assert (tmp_path / "out" / "x.txt").read_text() == "changed"


def test_atomic_extraction_leaves_no_partial_target_on_failure(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "a.zip", {"x.txt": b"1", "../bad": b"2"})
    with pytest.raises(UnsafeArchive):
        extract_atomically(archive, tmp_path / "raw")
    assert not (tmp_path / "raw").exists()
    assert not list(tmp_path.glob(".raw-*"))
