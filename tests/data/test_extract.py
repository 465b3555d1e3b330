"""Archives from Kaggle are untrusted: nothing may land outside the target, no symlinks."""

from __future__ import annotations

import io
import os
import stat
import tarfile
import zipfile
from pathlib import Path

import pytest

from mle_inspect.data.extract import (
    CAP_ENV,
    EXPANSION_FACTOR,
    ArchiveTooLarge,
    UnsafeArchive,
    extract,
    extract_atomically,
    extract_once,
    extraction_cap,
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


# --- Decompression bombs (issue 14 item 15) -------------------------------------------------

BOMB_BYTES = 64 * 1024**2


def _zip_bomb(path: Path, size: int = BOMB_BYTES) -> Path:
    """A zip of ``size`` zero bytes (deflates about 1000:1), written without holding it in memory."""
    block = bytes(1024**2)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as handle:
        with handle.open("zeros.bin", "w", force_zip64=True) as out:
            for _ in range(size // len(block)):
                out.write(block)
    return path


@pytest.fixture
def small_caps(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default cap's floor (256 MiB) lowered to 1 MiB, so a 64 MiB bomb is enough to test."""
    monkeypatch.setattr("mle_inspect.data.extract.MIN_CAP", 1024**2)
    monkeypatch.delenv(CAP_ENV, raising=False)


def _written(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def test_a_zip_bomb_is_refused_while_streaming_and_leaves_nothing(
    tmp_path: Path, small_caps: None
) -> None:
    archive = _zip_bomb(tmp_path / "bomb.zip")
    assert archive.stat().st_size < BOMB_BYTES / 200  # the bomb really is one
    cap = extraction_cap(archive)
    assert cap == EXPANSION_FACTOR * archive.stat().st_size < BOMB_BYTES
    with pytest.raises(ArchiveTooLarge, match=f"refused.*{CAP_ENV}"):
        extract(archive, tmp_path / "out")
    assert _written(tmp_path / "out") <= cap  # stopped at the cap, not after the whole file
    with pytest.raises(ArchiveTooLarge):
        extract_atomically(archive, tmp_path / "raw")
    assert not (tmp_path / "raw").exists() and not list(tmp_path.glob(".raw-*"))


def test_a_7z_bomb_is_refused_while_streaming(tmp_path: Path, small_caps: None) -> None:
    py7zr = pytest.importorskip("py7zr", reason="py7zr (the kaggle/dev extra) is not installed")
    archive = tmp_path / "bomb.7z"
    with py7zr.SevenZipFile(archive, "w") as handle:
        handle.writestr(bytes(16 * 1024**2), "zeros.bin")
    cap = extraction_cap(archive)
    assert cap < 16 * 1024**2
    with pytest.raises(ArchiveTooLarge, match="refused"):
        extract(archive, tmp_path / "out")
    assert _written(tmp_path / "out") <= cap


def test_the_cap_can_be_raised_for_a_genuine_archive(
    tmp_path: Path, small_caps: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = _zip_bomb(tmp_path / "big.zip", 8 * 1024**2)
    with pytest.raises(ArchiveTooLarge):
        extract(archive, tmp_path / "refused")
    monkeypatch.setenv(CAP_ENV, str(9 * 1024**2))
    extract(archive, tmp_path / "out")
    assert (tmp_path / "out" / "zeros.bin").stat().st_size == 8 * 1024**2


def test_declared_sizes_are_not_trusted(tmp_path: Path) -> None:
    """A zip whose headers claim 1 kB for 8 MiB of data writes no more than the claim."""
    archive = _zip_bomb(tmp_path / "liar.zip", 8 * 1024**2)
    data = bytearray(archive.read_bytes())
    claimed = 1000
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = data.find(signature)
        data[start + offset : start + offset + 4] = claimed.to_bytes(4, "little")
    archive.write_bytes(bytes(data))
    with pytest.raises((zipfile.BadZipFile, UnsafeArchive, ValueError)):
        extract(archive, tmp_path / "out", max_bytes=2 * claimed)
    assert _written(tmp_path / "out") <= 2 * claimed


def test_a_bomb_is_refused_by_prepare_even_with_skip_verify(
    tmp_path: Path, small_caps: None
) -> None:
    from mle_inspect.competitions import get_competition
    from mle_inspect.data import competition_paths, ensure_raw

    cid = "spaceship-titanic"
    paths = competition_paths(cid, tmp_path)
    paths.root.mkdir(parents=True)
    _zip_bomb(paths.root / f"{cid}.zip")  # as if Kaggle (or a mirror) had served it
    with pytest.raises(ArchiveTooLarge, match="refused"):
        ensure_raw(get_competition(cid), paths, client=None, skip_verify=True)
    assert not paths.raw.exists()


def test_7z_extraction_keeps_empty_files_and_modification_times(tmp_path: Path) -> None:
    """Prepare functions re-archive extracted files: their bytes depend on these properties."""
    py7zr = pytest.importorskip("py7zr", reason="py7zr (the kaggle/dev extra) is not installed")
    source = tmp_path / "src"
    (source / "train").mkdir(parents=True)
    (source / "train" / "a.jpg").write_bytes(b"jpg")
    (source / "train" / "empty.txt").write_bytes(b"")
    os.utime(source / "train" / "a.jpg", (1_500_000_000, 1_500_000_000))
    archive = tmp_path / "a.7z"
    with py7zr.SevenZipFile(archive, "w") as handle:
        handle.writeall(source / "train", "train")
    extract(archive, tmp_path / "out")
    assert (tmp_path / "out" / "train" / "empty.txt").read_bytes() == b""
    assert (tmp_path / "out" / "train" / "a.jpg").stat().st_mtime == 1_500_000_000


def _tar(path: Path, members: dict[str, bytes], mode: str = "w:gz") -> Path:
    with tarfile.open(path, mode) as handle:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1_500_000_000
            handle.addfile(info, io.BytesIO(data))
    return path


def test_tar_gz_is_extracted_with_times(tmp_path: Path) -> None:
    archive = _tar(tmp_path / "a.tar.gz", {"train/1.png": b"one", "train.csv": b"id\n1\n"})
    seen: list[tuple[int, int]] = []
    extract(archive, tmp_path / "out", lambda done, total: seen.append((done, total)))
    assert (tmp_path / "out" / "train" / "1.png").read_bytes() == b"one"
    assert (tmp_path / "out" / "train.csv").stat().st_mtime == 1_500_000_000
    assert seen[-1][1] == archive.stat().st_size


@pytest.mark.parametrize("kind", ["escape", "symlink"])
def test_tar_entries_escaping_or_linking_are_refused(tmp_path: Path, kind: str) -> None:
    archive = tmp_path / "bad.tar"
    with tarfile.open(archive, "w") as handle:
        if kind == "escape":
            info = tarfile.TarInfo("../evil.txt")
            info.size = 5
            handle.addfile(info, io.BytesIO(b"pwned"))
        else:
            info = tarfile.TarInfo("link")
            info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
            handle.addfile(info)
    with pytest.raises(UnsafeArchive):
        extract_atomically(archive, tmp_path / "raw")
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path / "raw").exists()


def test_a_tar_gz_bomb_is_refused_while_streaming(tmp_path: Path, small_caps: None) -> None:
    archive = tmp_path / "bomb.tar.gz"
    with tarfile.open(archive, "w:gz") as handle:
        info = tarfile.TarInfo("zeros.bin")
        info.size = 32 * 1024**2
        handle.addfile(info, io.BytesIO(bytes(info.size)))
    cap = extraction_cap(archive)
    assert cap < 32 * 1024**2
    with pytest.raises(ArchiveTooLarge, match="refused"):
        extract(archive, tmp_path / "out")
    assert _written(tmp_path / "out") <= cap
