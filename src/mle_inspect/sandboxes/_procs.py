"""Finding and killing a sample's processes through Linux's ``/proc``.

A process is picked by facts the agent cannot undo from inside: its uid (when each sample
runs under its own uid), its pid namespace (bubblewrap), its ancestry, or the pipe it writes
to. The environment marker is one more hint, never the only one: ``env -u`` removes it.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

PROC = Path("/proc")


@dataclass(frozen=True)
class ProcInfo:
    """What is known about one live process (read once per scan)."""

    pid: int
    ppid: int
    uid: int
    environ: frozenset[bytes] = field(default_factory=frozenset)
    pid_ns: str = ""
    pipes: frozenset[str] = field(default_factory=frozenset)
    """``pipe:[inode]`` of its stdout and stderr."""


def _status(pid: int) -> tuple[int, int] | None:
    try:
        text = (PROC / str(pid) / "status").read_text()
    except OSError:
        return None
    ppid = uid = -1
    for line in text.splitlines():
        if line.startswith("PPid:"):
            ppid = int(line.split()[1])
        elif line.startswith("Uid:"):
            uid = int(line.split()[1])
    return ppid, uid


def scan(details: bool = True) -> dict[int, ProcInfo]:
    """Every process of the host but this one (empty where there is no ``/proc``)."""
    if not PROC.is_dir():
        return {}
    me = os.getpid()
    found: dict[int, ProcInfo] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        pid = int(entry.name)
        status = _status(pid)
        if status is None:
            continue
        environ: frozenset[bytes] = frozenset()
        pid_ns = ""
        pipes: set[str] = set()
        if details:
            try:
                environ = frozenset((entry / "environ").read_bytes().split(b"\0"))
            except OSError:
                pass
            try:
                pid_ns = os.readlink(entry / "ns" / "pid")
            except OSError:
                pass
            for fd in ("1", "2"):
                try:
                    target = os.readlink(entry / "fd" / fd)
                except OSError:
                    continue
                if target.startswith("pipe:"):
                    pipes.add(target)
        found[pid] = ProcInfo(pid, status[0], status[1], environ, pid_ns, frozenset(pipes))
    return found


def with_descendants(roots: Iterable[int], procs: dict[int, ProcInfo]) -> set[int]:
    """``roots`` and every process below them in the parent chain."""
    children: dict[int, list[int]] = {}
    for info in procs.values():
        children.setdefault(info.ppid, []).append(info.pid)
    result: set[int] = set()
    stack = [pid for pid in roots if pid in procs]
    while stack:
        pid = stack.pop()
        if pid in result:
            continue
        result.add(pid)
        stack.extend(children.get(pid, []))
    return result


def kill_until_gone(
    select: Callable[[dict[int, ProcInfo]], set[int]], rounds: int = 20, pause: float = 0.05
) -> int:
    """SIGKILL what ``select`` picks, again and again until a scan picks nothing.

    Repeating catches children forked between a scan and the kill. Returns how many
    processes were signalled.
    """
    killed = 0
    for _ in range(rounds):
        targets = select(scan())
        if not targets:
            break
        for pid in targets:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(pause)
    return killed


def marked(procs: dict[int, ProcInfo], entry: bytes) -> set[int]:
    """Processes whose environment holds ``entry`` (``NAME=value``)."""
    return {pid for pid, info in procs.items() if entry in info.environ}


def exec_tree(procs: dict[int, ProcInfo], entry: bytes) -> set[int]:
    """One command's processes: marked ones, their descendants and whoever holds their pipes.

    The pipe holders are what keep a command from returning after its shell died: an
    orphan that left the tree (and may have dropped the marker) but still writes to the
    command's stdout or stderr.
    """
    roots = marked(procs, entry)
    tree = with_descendants(roots, procs)
    pipes = {pipe for pid in tree for pipe in procs[pid].pipes}
    holders = {pid for pid, info in procs.items() if info.pipes & pipes}
    return with_descendants(tree | holders, procs)
