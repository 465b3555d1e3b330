"""What this machine has, what each sample asks for, and how many samples fit side by side.

Inspect asks a sandbox type for its default concurrency (``max_sandboxes``) before any sample
starts, with no argument: the task records its per-sample request here when it is built
(:func:`note_request`) and each sandbox type's ``default_concurrency`` reads it back. A
sample that waits for a sandbox slot waits before its time limit starts, so sizing the slots
to the machine is what keeps time limits from being spent in queues.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from .options import size_bytes

GPU_ENV = "MLE_INSPECT_GPUS"
"""Comma-separated GPU ids the samples may share out (default: every GPU nvidia-smi lists)."""


class ResourceRequest(BaseModel):
    """One sample's share: the task args ``cpus``, ``memory`` and ``gpus``."""

    model_config = ConfigDict(frozen=True)

    cpus: float | None = Field(default=None, gt=0)
    memory_bytes: int | None = Field(default=None, gt=0)
    gpus: int = Field(default=0, ge=0)

    @classmethod
    def of(cls, cpus: float | None, memory: str | None, gpus: int = 0) -> ResourceRequest:
        """A request from the task args (``memory`` such as ``16g``)."""
        return cls(cpus=cpus, memory_bytes=size_bytes(memory) if memory else None, gpus=gpus)

    def merge(self, other: ResourceRequest) -> ResourceRequest:
        """The larger of two requests, field by field (two tasks in one run share slots)."""

        def bigger(a: float | None, b: float | None) -> float | None:
            return b if a is None else a if b is None else max(a, b)

        memory = bigger(self.memory_bytes, other.memory_bytes)
        return ResourceRequest(
            cpus=bigger(self.cpus, other.cpus),
            memory_bytes=int(memory) if memory is not None else None,
            gpus=max(self.gpus, other.gpus),
        )


class Machine(BaseModel):
    """What the samples of this process may share."""

    model_config = ConfigDict(frozen=True)

    cpu_ids: tuple[int, ...]
    """CPUs this process may run on (its affinity set)."""
    cpu_quota: float | None = None
    """CPUs' worth of time allowed by a cgroup quota around this process, if any."""
    memory_bytes: int
    gpu_ids: tuple[str, ...] = ()

    @property
    def cpus(self) -> float:
        """CPUs available: the affinity set, capped by a cgroup quota."""
        count = float(len(self.cpu_ids))
        return min(count, self.cpu_quota) if self.cpu_quota else count


def concurrency(request: ResourceRequest, machine: Machine) -> int:
    """How many samples fit at once: the scarcest resource decides; never below one.

    A sample that names no CPU count is counted as one CPU, so a 2-core machine runs two
    samples, not twenty-five that then fight for two cores.
    """
    fits = [math.floor(machine.cpus / (request.cpus or 1.0))]
    if request.memory_bytes:
        fits.append(machine.memory_bytes // request.memory_bytes)
    if request.gpus and machine.gpu_ids:
        fits.append(len(machine.gpu_ids) // request.gpus)
    return max(1, min(fits))


_requests: dict[str, ResourceRequest] = {}


def note_request(kind: str, cpus: float | None, memory: str | None, gpus: int = 0) -> None:
    """Record the per-sample request of a task using sandbox ``kind`` (local, docker...)."""
    new = ResourceRequest.of(cpus, memory, gpus)
    old = _requests.get(kind)
    _requests[kind] = new if old is None else old.merge(new)


def requested(kind: str) -> ResourceRequest:
    """The resources recorded for a sandbox kind (none when nothing was requested)."""
    return _requests.get(kind, ResourceRequest())


def default_concurrency(kind: str) -> int:
    """Sandbox ``kind``'s default ``max_sandboxes`` on this machine for the noted request."""
    return concurrency(requested(kind), this_machine())


def this_machine() -> Machine:
    """This machine as the current process sees it (affinity, cgroup limits, GPUs)."""
    try:
        cpu_ids = tuple(sorted(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        cpu_ids = tuple(range(os.cpu_count() or 1))
    return Machine(
        cpu_ids=cpu_ids,
        cpu_quota=_cpu_quota(),
        memory_bytes=_memory_bytes(),
        gpu_ids=gpu_ids(),
    )


def _cpu_quota() -> float | None:
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()
        return None if quota == "max" else int(quota) / int(period)
    except (OSError, ValueError):
        pass
    try:
        quota_us = int(Path("/sys/fs/cgroup/cpu/cpu.cfs_quota_us").read_text())
        period_us = int(Path("/sys/fs/cgroup/cpu/cpu.cfs_period_us").read_text())
        return quota_us / period_us if quota_us > 0 else None
    except (OSError, ValueError):
        return None


def _memory_bytes() -> int:
    total = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                total = int(line.split()[1]) * 1024
    except OSError:
        pass
    if not total:
        try:
            total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (ValueError, OSError, AttributeError):
            total = 2**34
    for limit_file in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(limit_file).read_text().strip()
        except OSError:
            continue
        if text.isdigit() and 0 < int(text) < total:
            total = int(text)
    return total


def gpu_ids() -> tuple[str, ...]:
    """The GPUs samples may be given.

    ``$MLE_INSPECT_GPUS``, ``$CUDA_VISIBLE_DEVICES``, or every GPU nvidia-smi lists (none where it
    is missing).
    """
    for name in (GPU_ENV, "CUDA_VISIBLE_DEVICES"):
        value = os.environ.get(name)
        if value is not None:
            return tuple(v.strip() for v in value.split(",") if v.strip() and v.strip() != "-1")
    smi = shutil.which("nvidia-smi")
    if smi is None:
        return ()
    try:
        out = subprocess.run(
            [smi, "--query-gpu=index", "--format=csv,noheader"],
            capture_output=True,
            text=True,
            timeout=20,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    return tuple(line.strip() for line in out.splitlines() if re.fullmatch(r"\d+", line.strip()))
