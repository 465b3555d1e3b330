"""The agent's copy of a sample submission that MLE-bench keeps private (five competitions).

MLE-bench stores five sample submissions only under ``private/``; the public data has the
same file inside an archive, as on Kaggle. Prepare extracts that archive's one member to
``public/sample_submission.csv`` (before the public dir is made read-only), so a prepared
dir is complete even when later mounted read-only. The archive is public by construction,
so the copy holds no answer value.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .._extras import install_hint
from ..competitions import Competition

PUBLIC_COPY = "sample_submission.csv"
"""Name of the extracted copy inside ``public/``."""


class SampleArchiveError(RuntimeError):
    """The public archive that should hold the sample submission is missing or malformed."""


def extract_public_sample(competition: Competition, prepared: Path) -> Path | None:
    """Extract the public archive's one member to ``public/sample_submission.csv``.

    Returns the copy's path, or None where the competition needs none. An existing regular
    copy is kept. A read-only ``public/`` owned by this user (prepare makes it so) is opened
    for the write and closed again.

    Raises:
        SampleArchiveError: the archive is missing or does not hold exactly one file.
        OSError: ``public/`` cannot be written (a read-only mount, another owner).
    """
    if competition.sample_submission_archive is None:
        return None
    target = prepared / "public" / PUBLIC_COPY
    if target.is_file() and not target.is_symlink():
        return target
    archive = prepared / competition.sample_submission_archive
    if not archive.is_file():
        raise SampleArchiveError(
            f"{competition.id}: {archive} is missing, so the agent would get no sample "
            f"submission; prepare the competition again with --force"
        )
    with _writable(target.parent):
        _extract_single_member(archive, target)
    return target


@contextlib.contextmanager
def _writable(folder: Path) -> Iterator[None]:
    """``folder`` writable for the duration, when it is read-only and ours to change."""
    mode = folder.stat().st_mode
    opened = not os.access(folder, os.W_OK) and folder.stat().st_uid == os.geteuid()
    if opened:
        folder.chmod(stat.S_IMODE(mode) | stat.S_IWUSR)
    try:
        yield
    finally:
        if opened:
            folder.chmod(stat.S_IMODE(mode))


def _extract_single_member(archive: Path, target: Path) -> None:
    """Stream the archive's one file to ``target`` through a temp file and a rename."""
    handle, temp_name = tempfile.mkstemp(prefix=".sample-", dir=target.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            if archive.suffix == ".zip":
                _copy_zip_member(archive, out)
            elif archive.suffix == ".7z":
                _copy_7z_member(archive, out, temp.parent)
            else:
                raise SampleArchiveError(f"{archive}: expected a .zip or .7z archive")
        temp.chmod(0o644)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def _copy_zip_member(archive: Path, out: BinaryIO) -> None:
    with zipfile.ZipFile(archive) as bundle:
        files = [info for info in bundle.infolist() if not info.is_dir()]
        if len(files) != 1:
            raise SampleArchiveError(f"{archive}: expected one file inside, found {len(files)}")
        with bundle.open(files[0]) as member:
            shutil.copyfileobj(member, out)


def _copy_7z_member(archive: Path, out: BinaryIO, scratch: Path) -> None:
    try:
        import py7zr
    except ImportError:
        raise SampleArchiveError(
            f"{archive} is a 7z archive; reading it needs py7zr: {install_hint('kaggle')}"
        ) from None
    with tempfile.TemporaryDirectory(prefix=".sample-7z-", dir=scratch) as staging:
        with py7zr.SevenZipFile(archive) as bundle:
            names = [n for n in bundle.getnames() if not n.endswith("/")]
            if len(names) != 1:
                raise SampleArchiveError(f"{archive}: expected one file inside, found {len(names)}")
            bundle.extractall(path=staging)
        extracted = Path(staging) / names[0]
        if extracted.is_symlink() or not extracted.is_file():
            raise SampleArchiveError(f"{archive}: its member is not a regular file")
        with extracted.open("rb") as member:
            shutil.copyfileobj(member, out)
