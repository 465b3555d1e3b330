"""The agent's sample submission, for every competition, even where MLE-bench keeps it private.

MLE-bench stores five sample submissions only under ``private/`` (the public data has the same
file inside an archive, as on Kaggle). The instructions promise the agent a sample submission,
and the dummy and baseline solvers start from one, so the harness extracts the public
archive's member on the host to ``public/sample_submission.csv``. The archive is public by
construction, so the copy holds no answer value.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import BinaryIO

from .._extras import install_hint
from ..competitions import Competition
from ..data import CompetitionPaths
from ._errors import TaskPrerequisiteError

PUBLIC_COPY = "sample_submission.csv"
"""Name of the extracted copy inside ``public/``."""

logger = logging.getLogger(__name__)


class SampleSubmissionUnavailable(TaskPrerequisiteError, RuntimeError):
    """The public archive that should hold the sample submission is missing or malformed."""


def agent_sample_submission(competition: Competition, paths: CompetitionPaths) -> str | None:
    """The sample submission's path relative to ``public/`` (what the agent sees), or None.

    Extracts the public archive's member the first time it is needed (atomically: two tasks
    loading at once both end with the same whole file).

    Raises:
        SampleSubmissionUnavailable: the registry names an archive the public data lacks or
            that does not hold exactly one file.
    """
    if competition.sample_submission.startswith("public/"):
        return competition.sample_submission.removeprefix("public/")
    if competition.sample_submission_archive is None:
        return None
    target = paths.public / PUBLIC_COPY
    if target.is_file() and not target.is_symlink():
        return PUBLIC_COPY
    archive = paths.prepared / competition.sample_submission_archive
    if not archive.is_file():
        raise SampleSubmissionUnavailable(
            f"{competition.id}: {archive} is missing, so the agent would get no sample "
            f"submission; prepare the competition again with --force"
        )
    try:
        _extract_single_member(archive, target)
    except OSError as ex:
        raise SampleSubmissionUnavailable(
            f"{competition.id}: cannot write the agent's sample submission to {target} "
            f"({ex.strerror}); load this task once where the data dir is writable, or extract "
            f"the one file in {archive} to that path yourself"
        ) from ex
    logger.info("%s: extracted the public sample submission to %s", competition.id, target)
    return PUBLIC_COPY


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
                raise SampleSubmissionUnavailable(f"{archive}: expected a .zip or .7z archive")
        temp.chmod(0o644)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def _copy_zip_member(archive: Path, out: BinaryIO) -> None:
    with zipfile.ZipFile(archive) as bundle:
        files = [info for info in bundle.infolist() if not info.is_dir()]
        if len(files) != 1:
            raise SampleSubmissionUnavailable(
                f"{archive}: expected one file inside, found {len(files)}"
            )
        with bundle.open(files[0]) as member:
            shutil.copyfileobj(member, out)


def _copy_7z_member(archive: Path, out: BinaryIO, scratch: Path) -> None:
    try:
        import py7zr
    except ImportError:
        raise SampleSubmissionUnavailable(
            f"{archive} is a 7z archive; reading it needs py7zr: {install_hint('kaggle')}"
        ) from None
    with tempfile.TemporaryDirectory(prefix=".sample-7z-", dir=scratch) as staging:
        with py7zr.SevenZipFile(archive) as bundle:
            names = [n for n in bundle.getnames() if not n.endswith("/")]
            if len(names) != 1:
                raise SampleSubmissionUnavailable(
                    f"{archive}: expected one file inside, found {len(names)}"
                )
            bundle.extractall(path=staging)
        extracted = Path(staging) / names[0]
        if extracted.is_symlink() or not extracted.is_file():
            raise SampleSubmissionUnavailable(f"{archive}: its member is not a regular file")
        with extracted.open("rb") as member:
            shutil.copyfileobj(member, out)
