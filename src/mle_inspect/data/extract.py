"""Safe extraction of zip, 7z and tar archives: Kaggle archives are untrusted input.

No entry may land outside the target directory (absolute paths, ``..``), and symlink entries
are refused, because a crafted archive could otherwise overwrite files anywhere the user can
write. zipfile's own ``extractall`` silently rewrites such names; we refuse the archive instead.

The total extracted size is capped (a zip bomb fills the disk otherwise). The cap is counted on
the bytes actually written while streaming, never taken from the sizes an archive declares,
and it holds with ``--skip-verify`` too. See :func:`extraction_cap` for how it is chosen.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import IO, Any

from .._extras import install_hint

Progress = Callable[[int, int], None]
"""``progress(done_bytes, total_bytes)`` called while extracting."""

_CHUNK = 4 * 1024 * 1024

EXPANSION_FACTOR = 100
"""An archive may expand to this many times its own size.

Kaggle's archives of CSVs and text compress about 3-10x, images and audio hardly at all;
100x leaves a wide margin for honest data while a bomb (1 GiB of zeros deflates to ~1 MB,
ratio ~1000) is refused."""

MIN_CAP = 256 * 1024**2
"""Smallest cap, so that tiny archives of very repetitive text are never refused."""

CAP_ENV = "MLE_INSPECT_MAX_EXTRACT_BYTES"
"""Environment override of the cap in bytes, for an archive that legitimately exceeds it."""


class UnsafeArchive(ValueError):
    """An archive entry would escape the target directory or is a symlink."""


class ArchiveTooLarge(UnsafeArchive):
    """An archive expands past its extraction cap (a decompression bomb, or a wrong size fact)."""


def extraction_cap(archive: Path) -> int:
    """The most bytes ``archive`` may expand to.

    ``$MLE_INSPECT_MAX_EXTRACT_BYTES`` when set, else ``EXPANSION_FACTOR`` times the archive's
    size, never below ``MIN_CAP``. The dataset sizes in ``sizes.tsv`` are not used: they are
    rounded figures of uncertain meaning (download or extracted), too weak to refuse data on.
    """
    override = os.environ.get(CAP_ENV)
    if override:
        return int(override)
    return max(EXPANSION_FACTOR * archive.stat().st_size, MIN_CAP)


class _Budget:
    """Counts bytes as they are written and stops the extraction past the cap (thread-safe)."""

    def __init__(self, archive: Path, cap: int, total: int, progress: Progress | None) -> None:
        self.archive, self.cap, self.total, self.progress = archive, cap, total, progress
        self.done = 0
        self._lock = threading.Lock()

    def add(self, n: int) -> None:
        with self._lock:
            self.done += n
            done = self.done
        if done > self.cap:
            raise ArchiveTooLarge(
                f"{self.archive.name}: refused, it expands past {_gib(self.cap)} "
                f"(archive {_gib(self.archive.stat().st_size)}); a decompression bomb or a "
                f"damaged download. If this archive is genuine, set {CAP_ENV} to a larger "
                "number of bytes."
            )
        if self.progress is not None:
            self.progress(done, max(self.total, done))


def _gib(n: int) -> str:
    return f"{n / 1024**3:.2f} GiB" if n >= 1024**3 else f"{n / 1024**2:.1f} MiB"


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


def extract_zip(
    archive: Path, dest: Path, progress: Progress | None = None, max_bytes: int | None = None
) -> list[Path]:
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
        declared = sum(i.file_size for i in infos)  # for the progress bar only
        cap = extraction_cap(archive) if max_bytes is None else max_bytes
        budget = _Budget(archive, cap, declared, progress)
        for info, target in zip(infos, targets, strict=True):
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with handle.open(info) as src, target.open("wb") as out:
                while chunk := src.read(_CHUNK):
                    budget.add(len(chunk))
                    out.write(chunk)
            written.append(target)
    return written


class _7zWriters:
    """A py7zr writer factory that writes entries to files below ``root`` through a budget."""

    def __init__(self, root: Path, budget: _Budget) -> None:
        self.root, self.budget = root, budget
        self.files: list[IO[bytes]] = []

    def create(self, filename: str) -> object:
        import py7zr.io

        target = _check_name(self.budget.archive, filename, self.root)
        target.parent.mkdir(parents=True, exist_ok=True)
        out = target.open("wb")
        self.files.append(out)
        budget = self.budget

        class Writer(py7zr.io.Py7zIO):
            def write(self, s: bytes | bytearray) -> int:
                budget.add(len(s))
                return out.write(s)

            def read(self, size: int | None = None) -> bytes:
                return b""

            def seek(self, offset: int, whence: int = 0) -> int:
                return out.seek(offset, whence)

            def flush(self) -> None:
                out.flush()

            def size(self) -> int:
                return out.tell()

            def close(self) -> None:
                out.close()

        return Writer()

    def close_all(self) -> None:
        for out in self.files:
            out.close()


def extract_7z(
    archive: Path, dest: Path, progress: Progress | None = None, max_bytes: int | None = None
) -> list[Path]:
    """Extract a 7z archive (needs py7zr, from the ``kaggle`` extra) after checking names."""
    try:
        import py7zr
        import py7zr.io
    except ImportError as ex:  # pragma: no cover - depends on the environment
        raise RuntimeError(
            f"{archive.name} is a 7z archive: install py7zr ({install_hint('kaggle')})"
        ) from ex
    dest.mkdir(parents=True, exist_ok=True)
    root = dest.resolve()
    with py7zr.SevenZipFile(archive, mode="r") as handle:
        entries = handle.list()
        for entry in entries:
            if entry.is_symlink:
                raise UnsafeArchive(f"{archive.name}: entry {entry.filename!r} is a symlink")
            target = _check_name(archive, entry.filename, root)
            if entry.is_directory:
                target.mkdir(parents=True, exist_ok=True)
        declared = sum(int(e.uncompressed or 0) for e in entries)  # progress bar only
        cap = extraction_cap(archive) if max_bytes is None else max_bytes
        writers = _7zWriters(root, _Budget(archive, cap, declared, progress))
        factory = type(
            "_Factory", (py7zr.io.WriterFactory,), {"create": lambda _s, n: writers.create(n)}
        )
        try:
            handle.extractall(factory=factory())
        finally:
            writers.close_all()
        _restore_7z_properties(handle, root)
    return [root / e.filename for e in entries if not e.is_directory]


def _restore_7z_properties(handle: Any, root: Path) -> None:
    """What py7zr does after a plain extraction, skipped when it writes through a factory.

    Empty files, modification times and permission bits, so that re-archiving the extracted files
    (as some prepare functions do) gives the same bytes on every run.
    """
    from py7zr.helpers import ArchiveTimestamp

    for member in handle.files:
        target = root / member.filename
        properties = member.file_properties()
        if member.is_directory:
            target.mkdir(parents=True, exist_ok=True)
        elif not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.touch()  # an empty entry: py7zr never asks the factory for a writer
        written = properties.get("lastwritetime")
        if written is not None:
            stamp = ArchiveTimestamp(written).totimestamp()
            os.utime(target, times=(stamp, stamp))
        mode = properties.get("posix_mode")
        if mode is not None:
            target.chmod((mode & 0o777) | (0o700 if member.is_directory else 0))
        elif properties.get("readonly") and not member.is_directory:
            target.chmod(target.stat().st_mode & ~0o222)


def extract_tar(
    archive: Path, dest: Path, progress: Progress | None = None, max_bytes: int | None = None
) -> list[Path]:
    """Extract a tar (plain, gz, bz2 or xz) in one streaming pass, checking each entry.

    Names are checked as entries arrive (a tar has no central directory): use
    :func:`extract_atomically` so that an archive refused half-way leaves nothing behind.
    Links, devices and FIFOs are refused. Permission bits follow tarfile's ``data`` filter.
    """
    import tarfile

    dest.mkdir(parents=True, exist_ok=True)
    root = dest.resolve()
    size = archive.stat().st_size
    cap = extraction_cap(archive) if max_bytes is None else max_bytes
    budget = _Budget(archive, cap, 0, None)
    written: list[Path] = []
    with archive.open("rb") as raw, tarfile.open(fileobj=raw, mode="r|*") as handle:
        for member in handle:
            if member.issym() or member.islnk():
                raise UnsafeArchive(f"{archive.name}: entry {member.name!r} is a link")
            if not (member.isfile() or member.isdir()):
                raise UnsafeArchive(f"{archive.name}: entry {member.name!r} is not a file")
            target = _check_name(archive, member.name, root)
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            source = handle.extractfile(member)
            assert source is not None  # a regular file
            with source, target.open("wb") as out:
                while chunk := source.read(_CHUNK):
                    budget.add(len(chunk))
                    out.write(chunk)
            target.chmod((member.mode & 0o755) | 0o600)
            os.utime(target, (member.mtime, member.mtime))
            written.append(target)
            if progress is not None:
                progress(raw.tell(), size)  # compressed bytes read: the total is known
    return written


def extract(
    archive: Path, dest: Path, progress: Progress | None = None, max_bytes: int | None = None
) -> list[Path]:
    """Extract a zip, 7z or tar archive safely (chosen by its content, then its suffix).

    ``max_bytes`` caps the total written (default :func:`extraction_cap`); past it the
    extraction stops with :class:`ArchiveTooLarge`.
    """
    if zipfile.is_zipfile(archive):
        return extract_zip(archive, dest, progress, max_bytes)
    if archive.suffix == ".7z":
        return extract_7z(archive, dest, progress, max_bytes)
    import tarfile

    if tarfile.is_tarfile(archive):
        return extract_tar(archive, dest, progress, max_bytes)
    raise ValueError(f"{archive}: not a zip, 7z or tar archive")


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


def extract_atomically(
    archive: Path, dest: Path, progress: Progress | None = None, max_bytes: int | None = None
) -> None:
    """Extract into a temporary sibling and rename it to ``dest``: never a half-filled ``dest``."""
    tmp = dest.with_name(f".{dest.name}-extracting")
    if tmp.exists():
        shutil.rmtree(tmp)
    try:
        extract(archive, tmp, progress, max_bytes)
        if dest.exists():
            shutil.rmtree(dest)
        tmp.rename(dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
