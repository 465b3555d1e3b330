"""Per-sample shares of the machine for the local sandbox: CPUs, memory and GPUs.

- **CPU**: a set of CPUs no other live sample holds; every command starts pinned to it
  (``taskset``), and a cpuset cgroup keeps the agent from widening it where cgroups work.
- **Memory**: a cgroup memory limit, so the kernel's OOM killer picks a process of this
  sample only; the sample goes on and is scored.
- **GPUs**: ids from a pool, shown to the sample as ``CUDA_VISIBLE_DEVICES``.

Cgroups are made directly under the cgroup mount as root: v2 (``/sys/fs/cgroup``, with the
memory and cpuset controllers enabled for ``mle-inspect/``) or, on v1 hosts, the ``memory``
and ``cpuset`` hierarchies. Where neither can be written (not root, read-only mount) the
sample runs pinned but uncapped, and :func:`warn_once` says so once per process.
"""

from __future__ import annotations

import math
import os
import shlex
import shutil
import threading
from collections.abc import Iterable
from logging import getLogger
from pathlib import Path

from . import _procs

logger = getLogger(__name__)

CGROUP_ROOT = Path("/sys/fs/cgroup")
GROUP = "mle-inspect"
_warned: set[str] = set()


def warn_once(key: str, message: str) -> None:
    """One warning per kind of degradation per process (not one per sample)."""
    if key not in _warned:
        _warned.add(key)
        logger.warning(message)


class IdPool:
    """Hands out disjoint sets of ids (CPUs, GPUs) to live samples; thread-safe."""

    def __init__(self, ids: Iterable[int | str]) -> None:
        self._order = list(ids)
        self._free = list(self._order)
        self._lock = threading.Lock()

    def take(self, count: int) -> tuple[int | str, ...] | None:
        """``count`` free ids (lowest first), or None when fewer are free."""
        with self._lock:
            if count > len(self._free):
                return None
            taken, self._free = self._free[:count], self._free[count:]
            return tuple(taken)

    def give(self, ids: Iterable[int | str]) -> None:
        with self._lock:
            back = set(ids) | set(self._free)
            self._free = [i for i in self._order if i in back]

    @property
    def free(self) -> int:
        return len(self._free)


_pools: dict[str, IdPool] = {}


def pool(kind: str, ids: Iterable[int | str]) -> IdPool:
    """The process-wide pool of ``kind`` (``cpu`` or ``gpu``), made on first use."""
    if kind not in _pools:
        _pools[kind] = IdPool(ids)
    return _pools[kind]


def cpu_count_for(cpus: float) -> int:
    """Whole CPUs to pin a sample asking for ``cpus`` to (2.5 -> 3)."""
    return max(1, math.ceil(cpus - 1e-9))


class Cgroup:
    """One sample's cgroup(s): v2 one dir; v1 one dir per controller hierarchy."""

    def __init__(self, dirs: list[Path]) -> None:
        self.dirs = dirs

    @classmethod
    def create(
        cls, name: str, memory_bytes: int | None, cpu_ids: tuple[int, ...] | None
    ) -> tuple[Cgroup | None, str | None]:
        """Make the cgroup, or return why not (the caller warns once)."""
        if os.geteuid() != 0:
            return None, "not root, so no cgroup can be made"
        if not memory_bytes and not cpu_ids:
            return None, None
        try:
            if (CGROUP_ROOT / "cgroup.controllers").is_file():
                return cls._create_v2(name, memory_bytes, cpu_ids), None
            if (CGROUP_ROOT / "memory").is_dir() or (CGROUP_ROOT / "cpuset").is_dir():
                return cls._create_v1(name, memory_bytes, cpu_ids), None
        except OSError as ex:
            return None, f"cannot write cgroups here ({ex})"
        return None, "no cgroup filesystem at /sys/fs/cgroup"

    @classmethod
    def _create_v2(
        cls, name: str, memory_bytes: int | None, cpu_ids: tuple[int, ...] | None
    ) -> Cgroup:
        parent = CGROUP_ROOT / GROUP
        parent.mkdir(exist_ok=True)
        wanted = [c for c, on in (("memory", memory_bytes), ("cpuset", cpu_ids)) if on]
        available = (CGROUP_ROOT / "cgroup.controllers").read_text().split()
        missing = [c for c in wanted if c not in available]
        if missing:
            raise OSError(f"cgroup v2 controllers missing: {', '.join(missing)}")
        for level in (CGROUP_ROOT, parent):
            (level / "cgroup.subtree_control").write_text(" ".join(f"+{c}" for c in wanted))
        path = parent / name
        path.mkdir()
        group = cls([path])
        try:
            if memory_bytes:
                (path / "memory.max").write_text(str(memory_bytes))
                _write_if_present(path / "memory.swap.max", "0")
            if cpu_ids:
                (path / "cpuset.cpus").write_text(_cpu_list(cpu_ids))
        except OSError:
            group.remove()
            raise
        return group

    @classmethod
    def _create_v1(
        cls, name: str, memory_bytes: int | None, cpu_ids: tuple[int, ...] | None
    ) -> Cgroup:
        dirs: list[Path] = []
        group = cls(dirs)
        try:
            if memory_bytes:
                path = _v1_child("memory", name)
                dirs.append(path)
                (path / "memory.limit_in_bytes").write_text(str(memory_bytes))
                _write_if_present(path / "memory.memsw.limit_in_bytes", str(memory_bytes))
            if cpu_ids:
                path = _v1_child("cpuset", name)
                dirs.append(path)
                (path / "cpuset.mems").write_text((path.parent / "cpuset.mems").read_text())
                (path / "cpuset.cpus").write_text(_cpu_list(cpu_ids))
        except OSError:
            group.remove()
            raise
        return group

    def join_prefix(self) -> list[str]:
        """A command prefix that moves the command into this cgroup before it runs."""
        files = [str(d / "cgroup.procs") for d in self.dirs]
        script = 'for f in $J; do echo $$ > "$f" || exit 125; done; exec "$@"'
        return ["sh", "-c", f"J={shlex.quote(' '.join(files))}; {script}", "sh"]

    def pids(self) -> set[int]:
        found: set[int] = set()
        for d in self.dirs:
            try:
                found |= {int(p) for p in (d / "cgroup.procs").read_text().split()}
            except (OSError, ValueError):
                pass
        return found

    def oom_kills(self) -> int:
        """How many processes the kernel's OOM killer ended in this cgroup."""
        for d in self.dirs:
            for name, key in (("memory.events", "oom_kill"), ("memory.oom_control", "oom_kill")):
                try:
                    for line in (d / name).read_text().splitlines():
                        k, _, v = line.partition(" ")
                        if k == key:
                            return int(v)
                except (OSError, ValueError):
                    continue
        return 0

    def kill(self) -> int:
        """SIGKILL every process in the cgroup until it is empty."""
        return _procs.kill_until_gone(lambda _procs_now: self.pids())

    def remove(self) -> None:
        """Kill what is left and remove the dirs (never raises)."""
        if self.pids():
            self.kill()
        for d in self.dirs:
            try:
                d.rmdir()
            except OSError as ex:
                logger.warning("mle_local: could not remove cgroup %s: %s", d, ex)


def _v1_child(controller: str, name: str) -> Path:
    parent = CGROUP_ROOT / controller / GROUP
    if not parent.is_dir():
        parent.mkdir()
        if controller == "cpuset":  # a v1 cpuset must have CPUs and memory nodes to hold tasks
            root = CGROUP_ROOT / controller
            (parent / "cpuset.cpus").write_text((root / "cpuset.cpus").read_text())
            (parent / "cpuset.mems").write_text((root / "cpuset.mems").read_text())
    path = parent / name
    path.mkdir()
    return path


def _write_if_present(path: Path, value: str) -> None:
    if path.exists():
        try:
            path.write_text(value)
        except OSError:
            pass


def _cpu_list(ids: Iterable[int]) -> str:
    return ",".join(str(i) for i in sorted(ids))


def pin_prefix(cpu_ids: tuple[int, ...]) -> list[str]:
    """A command prefix pinning the command (and its children) to ``cpu_ids``."""
    if shutil.which("taskset") is None:
        return []
    return ["taskset", "-c", _cpu_list(cpu_ids)]
