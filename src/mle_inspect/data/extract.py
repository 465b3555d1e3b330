"""Safe extraction of zip and 7z archives: Kaggle archives are untrusted input.

No entry may land outside the target directory (absolute paths, ``..``), and symlink entries
are refused, because a crafted archive could otherwise overwrite files anywhere the user can
write. zipfile's own ``extractall`` silently rewrites such names; we refuse the archive instead.
"""

from __future__ import annotations

import json
import shutil
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

Progress = Callable[[int, int], None]
"""``progress(done_bytes, total_bytes)`` called while extracting."""

_CHUNK = 4 * 1024 * 1024


class UnsafeArchive(ValueError):
    """An archive entry would escape the target directory or is a symlink."""


def _check_name(archive: Path, name: str, dest: Path) -> Path:
    """The destination of one entry, or UnsafeArchive when it would escape ``dest``."""
    posix = PurePosixPath(name.replace("\\", "/"))
    if posix.is_absolute() or ".." in posix.parts or (posix.parts and ":" in posix.parts[0]):
        raise UnsafeArchive(f"{archive.name}: entry {name!r} points outside the target directory")
    target = (dest / posix).resolve()
    if target != dest and not target.is_relative_to(dest):
        raise UnsafeArchive(f"{archive.name}: entry {name!r} points outside the target directory")
    return target


def _zip_is_symlink(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def extract_zip(archive: Path, dest: Path, progress: Progress | None = None) -> list[Path]:
    """Extract every entry of a zip into ``dest`` after checking all names first."""
    dest.mkdir(parents=True, exist_ok=True)
    root = dest.resolve()
    written: list[Path] = []
    with zipfile.ZipFile(archive) as handle:
        infos = handle.infolist()
        targets = []
        for info in infos:
            if _zip_is_symlink(info):
                raise UnsafeArchive(f"{archive.name}: entry {info.filename!r} is a symlink")
            targets.append(_check_name(archive, info.filename, root))
        total = sum(i.file_size for i in infos)
        done = 0
        for info, target in zip(infos, targets, strict=True):
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with handle.open(info) as src, target.open("wb") as out:
                while chunk := src.read(_CHUNK):
                    out.write(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(done, total)
            written.append(target)
    return written


def extract_7z(archive: Path, dest: Path, progress: Progress | None = None) -> list[Path]:
    """Extract a 7z archive (needs py7zr, from the ``kaggle`` extra) after checking names."""
    try:
        import py7zr
    except ImportError as ex:  # pragma: no cover - depends on the environment
        raise RuntimeError(
            f"{archive.name} is a 7z archive: install py7zr (pip install 'mle-inspect[kaggle]')"
        ) from ex
    dest.mkdir(parents=True, exist_ok=True)
    root = dest.resolve()
    with py7zr.SevenZipFile(archive, mode="r") as handle:
        entries = handle.list()
        for entry in entries:
            if entry.is_symlink:
                raise UnsafeArchive(f"{archive.name}: entry {entry.filename!r} is a symlink")
            _check_name(archive, entry.filename, root)
        total = sum(int(e.uncompressed or 0) for e in entries)
        handle.extractall(path=root)
    if progress is not None:
        progress(total, total)
    return [root / e.filename for e in entries if not e.is_directory]


def extract(archive: Path, dest: Path, progress: Progress | None = None) -> list[Path]:
    """Extract a zip or 7z archive safely (chosen by its content, then its suffix)."""
    if zipfile.is_zipfile(archive):
        return extract_zip(archive, dest, progress)
    if archive.suffix == ".7z":
        return extract_7z(archive, dest, progress)
    raise ValueError(f"{archive}: not a zip or 7z archive")


def extract_once(archive: Path, dest: Path, progress: Progress | None = None) -> bool:
    """Extract unless a marker says this exact archive was already extracted into ``dest``.

    The marker is written last, so an interrupted extraction is simply redone on resume.
    Returns True when it extracted.
    """
    marker = dest / f".extracted-{archive.name}.json"
    info = archive.stat()
    key = {"size": info.st_size, "mtime_ns": info.st_mtime_ns}
    try:
        if json.loads(marker.read_text()) == key:
            return False
    except (OSError, ValueError):
        pass
    extract(archive, dest, progress)
    marker.write_text(json.dumps(key))
    return True


def extract_atomically(archive: Path, dest: Path, progress: Progress | None = None) -> None:
    """Extract into a temporary sibling and rename it to ``dest``: never a half-filled ``dest``."""
    tmp = dest.with_name(f".{dest.name}-extracting")
    if tmp.exists():
        shutil.rmtree(tmp)
    try:
        extract(archive, tmp, progress)
        if dest.exists():
            shutil.rmtree(dest)
        tmp.rename(dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
