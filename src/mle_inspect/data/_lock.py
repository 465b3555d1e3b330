"""One process at a time per competition: an advisory file lock (issue 14 item 14).

Two processes preparing the same competition used to delete each other's temporary dirs.
Now the second waits for the first, then reuses its finished preparation. Temporary dirs
are removed only by the lock holder, so never while another live process owns them; the
kernel releases the lock when its holder dies, so a crash never blocks later runs.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".prepare.lock"


@contextmanager
def competition_lock(
    root: Path, label: str, log: Callable[[str], None] = lambda _msg: None
) -> Iterator[bool]:
    """Hold ``root/.prepare.lock`` exclusively; yields True when it had to wait for another."""
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        waited = False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
            log(f"{label}: another process (pid {holder}) is preparing it; waiting for it")
            fcntl.flock(fd, fcntl.LOCK_EX)
            waited = True
        except OSError as ex:  # e.g. ENOLCK on some network file systems
            log(f"{label}: cannot lock {root / LOCK_NAME} ({ex}); run one prepare at a time")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield waited
    finally:
        os.close(fd)  # releases the lock
