"""Fetch a submission file from a sandbox without trusting it (issue 14 items 6, 7).

Whatever the agent left at the path (a FIFO, a directory, a symlink, a socket, a file with
extra hard links, a file larger than the cap), fetching never blocks the event loop, never
follows a link out of the sandbox and never raises for the agent's doing: the file is either
copied, in chunks, to a host temp file, or refused with a message. Two routes:

- host fast path (``mle_local``): the host opens the file beneath the sample's directory with
  ``O_NOFOLLOW | O_NONBLOCK`` and checks it with ``fstat``, in a worker thread;
- any other sandbox: a ``stat``-style probe run inside the sandbox (it opens nothing), then
  ``dd`` reads of a few MiB each, so files above Inspect's 100 MiB ``read_file`` limit work.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import hashlib
import os
import posixpath
import shutil
import stat
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from .limits import cap_message, max_submission_bytes

if TYPE_CHECKING:
    from inspect_ai.util import SandboxEnvironment

HOST_CHUNK = 1024 * 1024
"""Bytes per read on the host fast path."""
EXEC_CHUNK = 4 * 1024 * 1024
"""Bytes per in-sandbox read: base64 of it stays under Inspect's 10 MiB exec output limit."""
EXEC_TIMEOUT = 120
"""Seconds one probe or chunk read may take in the sandbox before the file is refused."""

_BOUND_DIRS = ("submission", "code", "logs", "workspace")
"""Per-sample dirs of ``mle_local`` that exist on the host as ``<root>/<name>``."""


class FetchedSubmission(BaseModel):
    """What was found at the path: nothing, a refused file (with why), or a host copy."""

    model_config = ConfigDict(frozen=True)

    path: str
    """The path as named in the sandbox."""
    status: Literal["missing", "refused", "copied"]
    message: str = ""
    """Why a file was refused (already capped)."""
    local_copy: Path | None = None
    """Host temp file holding the bytes read (deleted when the fetch context ends)."""
    size: int | None = None
    sha256: str | None = None

    @property
    def exists(self) -> bool:
        return self.status != "missing"


class _Refused(Exception):
    """The file is not graded: the message says why (the agent's doing, never ours)."""


def _refusal(kind: str, path: str) -> str:
    reasons = {
        "link": "is a symbolic link; write the CSV itself at this path (links are not followed)",
        "directory": "is a directory, not a CSV file",
        "fifo": "is a FIFO (named pipe), not a regular file",
        "socket": "is a socket, not a regular file",
        "device": "is a device file, not a regular file",
        "special": "is not a regular file",
        "hardlink": "has more than one hard link; write a regular file (cp, not ln)",
        "unreadable": "cannot be read",
    }
    return f"{path} {reasons.get(kind, reasons['special'])}"


def _too_large(path: str, size: int, cap: int) -> str:
    return (
        f"{path} is {size:,} bytes, above the {cap:,}-byte submission cap "
        "(MLE_INSPECT_MAX_SUBMISSION_BYTES); it is not graded"
    )


def _kind_of(mode: int) -> str | None:
    """None for a regular file, else the refusal kind."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "link"
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special"


# ----------------------------------------------------------------------------- host path


def _copy_beneath(
    root: Path, relative: PurePosixPath, shown: str, dest: Path, cap: int
) -> tuple[int, str] | None:
    """Copy ``root/relative`` to ``dest``; None when there is no file.

    Links in every component below ``root`` and anything but a regular file are refused. Runs in a
    worker thread.
    """
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for part in relative.parts[:-1]:
            try:
                child = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            except FileNotFoundError:
                return None
            except OSError as ex:
                if ex.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise _Refused(
                        f"{shown}: a directory on its path is a link or a file"
                    ) from None
                raise _Refused(_refusal("unreadable", shown)) from None
            os.close(fd)
            fd = child
        name = relative.parts[-1]
        try:
            before = os.stat(name, dir_fd=fd, follow_symlinks=False)
        except FileNotFoundError:
            return None
        kind = _kind_of(before.st_mode)
        if kind is not None:
            raise _Refused(_refusal(kind, shown))
        flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0)
        try:
            file_fd = os.open(name, flags, dir_fd=fd)
        except FileNotFoundError:
            return None
        except OSError as ex:
            kind = "link" if ex.errno == errno.ELOOP else "unreadable"
            raise _Refused(_refusal(kind, shown)) from None
    finally:
        os.close(fd)
    with os.fdopen(file_fd, "rb") as source:
        opened = os.fstat(source.fileno())
        kind = _kind_of(opened.st_mode)  # swapped between the lstat and the open?
        if kind is not None:
            raise _Refused(_refusal(kind, shown))
        if opened.st_nlink > 1:
            raise _Refused(_refusal("hardlink", shown))
        if opened.st_size > cap:
            raise _Refused(_too_large(shown, opened.st_size, cap))
        digest, size = hashlib.sha256(), 0
        with open(dest, "wb") as out:
            while chunk := source.read(HOST_CHUNK):
                size += len(chunk)
                if size > cap:  # still growing
                    raise _Refused(_too_large(shown, size, cap))
                digest.update(chunk)
                out.write(chunk)
    return size, digest.hexdigest()


def _host_location(environment: SandboxEnvironment, path: str) -> tuple[Path, PurePosixPath] | None:
    """(sample root, path below it) when ``path`` is in a dir ``mle_local`` keeps on the host."""
    from ..sandboxes.local import MleLocalSandbox

    provider: object = environment
    while not isinstance(provider, MleLocalSandbox) and hasattr(provider, "_sandbox"):
        provider = provider._sandbox
    if not isinstance(provider, MleLocalSandbox):
        return None
    paths = provider.mle_paths
    inside = PurePosixPath(
        posixpath.normpath(path if path.startswith("/") else f"{paths.workspace}/{path}")
    )
    for name in _BOUND_DIRS:
        base = PurePosixPath(getattr(paths, name))
        if inside != base and inside.is_relative_to(base):
            return Path(provider.root), PurePosixPath(name) / inside.relative_to(base)
    return None


# ------------------------------------------------------------------------- sandbox path

# prints one word (and for a regular file its size and link count); opens nothing
_PROBE = r"""
f=$1
if [ -L "$f" ]; then echo link
elif [ ! -e "$f" ]; then echo missing
elif [ -d "$f" ]; then echo directory
elif [ -p "$f" ]; then echo fifo
elif [ -S "$f" ]; then echo socket
elif [ -b "$f" ] || [ -c "$f" ]; then echo device
elif [ ! -f "$f" ]; then echo special
elif [ ! -r "$f" ]; then echo unreadable
else echo "file $(stat -c '%s %h' -- "$f")"
fi
"""
_READ_CHUNK = 'dd if="$1" bs=$2 skip=$3 count=1 2>/dev/null | base64'


async def _copy_via_exec(
    environment: SandboxEnvironment, path: str, dest: Path, cap: int
) -> tuple[int, str] | None:
    import anyio

    probe = await environment.exec(["sh", "-c", _PROBE, "sh", path], timeout=EXEC_TIMEOUT)
    words = probe.stdout.split()
    if not probe.success or not words:
        raise _Refused(_refusal("unreadable", path))
    if words[0] == "missing":
        return None
    if words[0] != "file" or len(words) < 3:
        raise _Refused(_refusal(words[0], path))
    size, links = int(words[1]), int(words[2])
    if links > 1:
        raise _Refused(_refusal("hardlink", path))
    if size > cap:
        raise _Refused(_too_large(path, size, cap))
    digest, total, index = hashlib.sha256(), 0, 0
    async with await anyio.open_file(dest, "wb") as out:
        while True:
            result = await environment.exec(
                ["sh", "-c", _READ_CHUNK, "sh", path, str(EXEC_CHUNK), str(index)],
                timeout=EXEC_TIMEOUT,
            )
            if not result.success:
                raise _Refused(_refusal("unreadable", path))
            chunk = base64.b64decode(result.stdout)
            total += len(chunk)
            if total > cap:
                raise _Refused(_too_large(path, total, cap))
            digest.update(chunk)
            await out.write(chunk)
            if len(chunk) < EXEC_CHUNK:
                return total, digest.hexdigest()
            index += 1


# ---------------------------------------------------------------------------- entry point


@contextlib.asynccontextmanager
async def fetch_submission(
    environment: SandboxEnvironment, path: str
) -> AsyncIterator[FetchedSubmission]:
    """Copy the sandbox file at ``path`` to a host temp file, or say why it is not graded.

    The temp copy is deleted when the context ends. Raises only for our own faults (the
    host temp dir is unwritable ...), never for what the agent left at ``path``; a sandbox
    command that times out counts as a refused file.
    """
    import anyio
    from inspect_ai.util import OutputLimitExceededError

    cap = max_submission_bytes()
    workdir = Path(tempfile.mkdtemp(prefix="mle-submission-"))
    dest = workdir / "submission.csv"
    try:
        try:
            host = _host_location(environment, path)
            if host is not None:
                root, relative = host
                copied = await anyio.to_thread.run_sync(
                    _copy_beneath, root, relative, path, dest, cap
                )
            else:
                copied = await _copy_via_exec(environment, path, dest, cap)
        except _Refused as refused:
            yield FetchedSubmission(path=path, status="refused", message=cap_message(str(refused)))
            return
        except (TimeoutError, OutputLimitExceededError):
            message = f"{path} could not be read in time (a special file or a stalled sandbox?)"
            yield FetchedSubmission(path=path, status="refused", message=message)
            return
        if copied is None:
            yield FetchedSubmission(path=path, status="missing")
            return
        size, sha256 = copied
        yield FetchedSubmission(
            path=path, status="copied", local_copy=dest, size=size, sha256=sha256
        )
    finally:
        await anyio.to_thread.run_sync(lambda: shutil.rmtree(workdir, ignore_errors=True))
