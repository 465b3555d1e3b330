"""Per-sample workspace dirs that say whether their run is alive, and removal of dead ones.

Each dir holds an owner file, locked (``flock``) for as long as the run that made it lives.
The kernel drops the lock when that process dies, even by SIGKILL, so a dir whose owner
file can be locked by someone else belongs to a dead run: it is removed at the next start.
A live run's dir is never touched, and dirs without an owner file are not ours to judge.
"""

from __future__ import annotations

import fcntl
import functools
import os
import shutil
import tempfile
from logging import getLogger
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._procs import ProcInfo

logger = getLogger(__name__)

PREFIX = "mle-"
OWNER_FILE = ".mle-inspect-owner"


class Workspace:
    """A fresh ``mle-<id>-*`` dir, owned (locked) by this process until released."""

    def __init__(self, parent: str | None, competition_id: str) -> None:
        self.path = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{competition_id[:40]}-", dir=parent))
        # lock under a temporary name, then rename: no one can see the owner file unlocked
        partial = self.path / f"{OWNER_FILE}.{os.getpid()}"
        self._fd: int | None = os.open(partial, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.write(self._fd, f"{os.getpid()}\n".encode())
        partial.rename(self.path / OWNER_FILE)

    def record_uid(self, uid: int) -> None:
        """Note the uid the sample's commands run under: a later sweep kills what is left."""
        assert self._fd is not None
        os.write(self._fd, f"uid={uid}\n".encode())

    def release(self, remove: bool) -> None:
        """Remove the dir (or, when kept, its owner file, so it is never taken for stale)."""
        try:
            if remove:
                _rmtree(self.path)
            else:
                (self.path / OWNER_FILE).unlink(missing_ok=True)
        finally:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None


def remove_stale(parent: str | None) -> list[Path]:
    """Remove the workspace dirs under ``parent`` (default: the temp dir) of dead runs."""
    base = Path(parent) if parent else Path(tempfile.gettempdir())
    removed: list[Path] = []
    try:
        candidates = [p for p in base.iterdir() if p.name.startswith(PREFIX)]
    except OSError:
        return removed
    for path in candidates:
        owner = path / OWNER_FILE
        try:
            if path.is_symlink() or not owner.is_file() or owner.is_symlink():
                continue
            fd = os.open(owner, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            owner_text = os.read(fd, 4096).decode(errors="replace")
        except OSError:
            continue  # a live run holds it
        finally:
            os.close(fd)
        _kill_uid_of(owner_text)
        _rmtree(path)
        removed.append(path)
        logger.info("mle_local: removed the workspace of a dead run: %s", path)
    return removed


def _kill_uid_of(owner_text: str) -> None:
    """Kill what a dead run's sample left running under its own uid (runs as root only)."""
    from . import _procs

    for line in owner_text.splitlines():
        if line.startswith("uid=") and line[4:].isdigit():
            uid = int(line[4:])
            if uid != 0 and uid != os.getuid():
                _procs.kill_until_gone(functools.partial(_owned_by, uid=uid))


def _owned_by(procs: dict[int, ProcInfo], uid: int) -> set[int]:
    """The pids among ``procs`` that run as ``uid``."""
    return {pid for pid, info in procs.items() if info.uid == uid}


def _rmtree(path: Path) -> None:
    """Remove a workspace, including dirs the agent made read-only."""

    def onerror(func: object, name: str, _exc: object) -> None:
        try:
            os.chmod(os.path.dirname(name), 0o700)
            os.chmod(name, 0o700)
        except OSError:
            pass
        if os.path.isdir(name) and not os.path.islink(name):
            shutil.rmtree(name, ignore_errors=True)
        else:
            try:
                os.unlink(name)
            except OSError:
                pass

    shutil.rmtree(path, onerror=onerror)
