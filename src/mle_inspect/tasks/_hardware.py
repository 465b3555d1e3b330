"""What machine a sample ran on, as the sample itself sees it (recorded at sample start).

Measured inside the sandbox with a POSIX shell probe, so a container reports its own CPU
affinity, cgroup limits and GPUs rather than the host's. Where the probe cannot run, the host's
view is recorded and marked as such. The result goes into the sample's metadata under
``hardware`` (kept small: log summaries only keep metadata values under 1 kB).
"""

from __future__ import annotations

import os
from typing import Any

from pydantic import BaseModel

PROBE_TIMEOUT = 30
_PROBE = r"""
model=$(grep -m1 -i '^model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')
[ -z "$model" ] && model=$(uname -m 2>/dev/null)
echo "cpu_model=$model"
echo "cpu_affinity=$(nproc 2>/dev/null)"
echo "cpu_set=$(grep -m1 '^Cpus_allowed_list' /proc/self/status 2>/dev/null | cut -f2)"
echo "cpu_online=$(getconf _NPROCESSORS_ONLN 2>/dev/null)"
echo "cpu_quota=$(cat /sys/fs/cgroup/cpu.max 2>/dev/null)"
echo "mem_total_kb=$(grep -m1 '^MemTotal' /proc/meminfo 2>/dev/null | tr -s ' ' | cut -d' ' -f2)"
lim=$(cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null)
echo "mem_limit=$lim"
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=name,memory.total --format=csv,noheader,nounits 2>/dev/null | sed 's/^/gpu=/'
fi
"""
_GPU_PROBE = r"""
for py in python3 python; do command -v $py >/dev/null 2>&1 && break; done
$py -c 'import torch; print("torch_gpus=%d" % torch.cuda.device_count())' 2>/dev/null
$py -c 'import tensorflow as tf; print("tf_gpus=%d" % len(tf.config.list_physical_devices("GPU")))' 2>/dev/null
exit 0
"""
"""When GPUs are requested: do the frameworks see them (as MLE-bench's start.sh checks)?"""


class Hardware(BaseModel):
    """CPU, memory and GPUs visible to one sample, and where that was measured."""

    sandbox: str
    measured_in: str
    """``sandbox`` (the probe ran there) or ``host`` (fallback: the host's view)."""
    cpu_model: str | None = None
    cpus: float | None = None
    """CPUs the sample may use: the cgroup quota when set, else the affinity set's size."""
    cpu_affinity: int | None = None
    cpu_set: str | None = None
    """The CPUs the sample may run on (``0-3``), as the kernel reports them."""
    cpu_online: int | None = None
    memory_gb: float | None = None
    """The cgroup memory limit when there is one, else the total memory."""
    memory_limited: bool = False
    gpu_count: int = 0
    gpu_model: str | None = None
    gpu_memory_gb: float | None = None
    gpus_requested: int = 0
    gpus_usable: int | None = None
    """GPUs a framework (torch, TensorFlow) or nvidia-smi sees inside; probed when requested."""
    gpu_warning: str | None = None
    allotment: dict[str, Any] | None = None
    """What the sandbox provider handed the sample (cpu set, memory cap, GPU ids)."""

    def describe(self) -> str:
        """One line for the report."""
        parts = [f"{self.sandbox} sandbox"]
        if self.cpus is not None:
            parts.append(f"{self.cpus:g} CPU" + (f" ({self.cpu_model})" if self.cpu_model else ""))
        if self.cpu_set and self.allotment and self.allotment.get("cpu_set"):
            parts[-1] += f" pinned to {self.cpu_set}"
        cap = (self.allotment or {}).get("memory_limit")
        if cap and (self.allotment or {}).get("memory_enforced", True):
            parts.append(f"{cap} RAM limit")
        elif self.memory_gb is not None:
            limited = " limit" if self.memory_limited else ""
            parts.append(f"{self.memory_gb:.1f} GB RAM{limited}")
        if self.gpu_count:
            memory = f", {self.gpu_memory_gb:.0f} GB" if self.gpu_memory_gb else ""
            parts.append(f"{self.gpu_count}x {self.gpu_model}{memory}")
        else:
            parts.append("no GPU")
        if self.gpu_warning:
            parts.append(f"{self.gpus_requested} GPU(s) requested but none usable")
        return ", ".join(parts)


def _int(text: str | None) -> int | None:
    try:
        return int(str(text).strip())
    except (TypeError, ValueError):
        return None


def parse_probe(output: str, sandbox_type: str, measured_in: str = "sandbox") -> Hardware:
    """Turn the probe's ``key=value`` lines into a Hardware record."""
    values: dict[str, str] = {}
    gpus: list[tuple[str, float | None]] = []
    for line in output.splitlines():
        key, _, value = line.partition("=")
        if key == "gpu" and value.strip():
            name, _, memory = value.rpartition(",")
            gpus.append((name.strip() or value.strip(), _gb_from_mib(memory)))
        elif key:
            values[key.strip()] = value.strip()
    affinity, online = _int(values.get("cpu_affinity")), _int(values.get("cpu_online"))
    cpus: float | None = float(affinity) if affinity else (float(online) if online else None)
    quota_text, _, period_text = values.get("cpu_quota", "").partition(" ")
    quota, period = _int(quota_text), _int(period_text)
    if quota and period:
        cpus = min(cpus, quota / period) if cpus is not None else quota / period
    total_kb = _int(values.get("mem_total_kb"))
    limit = _int(values.get("mem_limit"))  # "max" (no limit) parses as None
    total = total_kb * 1024 if total_kb else None
    limited = limit is not None and (total is None or limit < total)
    memory_bytes = limit if limited else total
    return Hardware(
        sandbox=sandbox_type,
        measured_in=measured_in,
        cpu_model=values.get("cpu_model") or None,
        cpus=round(cpus, 2) if cpus is not None else None,
        cpu_affinity=affinity,
        cpu_set=values.get("cpu_set") or None,
        cpu_online=online,
        memory_gb=round(memory_bytes / 1024**3, 2) if memory_bytes else None,
        memory_limited=limited,
        gpu_count=len(gpus),
        gpu_model=", ".join(sorted({name for name, _ in gpus})) or None,
        gpu_memory_gb=gpus[0][1] if gpus else None,
    )


def _gb_from_mib(text: str) -> float | None:
    try:
        return round(float(text.strip()) / 1024, 1)
    except ValueError:
        return None


def host_hardware(sandbox_type: str) -> Hardware:
    """The host's view, for sandboxes where the probe cannot run."""
    import platform
    import subprocess

    lines = [f"cpu_model={platform.processor() or platform.machine()}"]
    try:
        lines.append(f"cpu_affinity={len(os.sched_getaffinity(0))}")
    except AttributeError:  # not on Linux
        pass
    lines.append(f"cpu_online={os.cpu_count() or ''}")
    try:
        probe = subprocess.run(
            ["sh", "-c", _PROBE], capture_output=True, text=True, timeout=PROBE_TIMEOUT
        )
        lines = [*lines, *probe.stdout.splitlines()]
    except (OSError, subprocess.SubprocessError):
        pass
    return parse_probe("\n".join(lines), sandbox_type, measured_in="host")


def _sandbox_type(environment: object) -> str:
    """The provider's registered name (``local``, ``docker`` ...), seen through proxies."""
    while hasattr(environment, "_sandbox"):
        environment = environment._sandbox
    name = getattr(type(environment), "__registry_info__", None)
    registered = getattr(name, "name", None)
    if isinstance(registered, str):  # e.g. "mle_inspect/mle_local" -> "local"
        return registered.split("/")[-1].removeprefix("mle_")
    return type(environment).__name__.removesuffix("SandboxEnvironment").lower() or "unknown"


async def measure_hardware() -> dict[str, Any]:
    """Probe the current sample's sandbox; never raises (the host's view on failure)."""
    try:
        from inspect_ai.util import sandbox

        environment = sandbox()
    except Exception:  # noqa: BLE001 - no sandbox: record the host
        return host_hardware("none").model_dump(exclude_defaults=True)
    kind = _sandbox_type(environment)
    try:
        result = await environment.exec(["sh", "-c", _PROBE], timeout=PROBE_TIMEOUT)
        if not result.success:
            raise RuntimeError(result.stderr)
        hardware = parse_probe(result.stdout, kind)
    except Exception:  # noqa: BLE001 - a probe failure must never fail the sample
        hardware = host_hardware(kind)
    allotment = _allotment(environment)
    hardware.allotment = allotment or None
    requested = int(allotment.get("gpus_requested", 0) or 0)
    if requested:
        await _check_gpus(environment, hardware, requested)
    return hardware.model_dump(exclude_defaults=True)


def _allotment(environment: object) -> dict[str, Any]:
    """The provider's record of what it gave the sample (empty for providers without one)."""
    while not hasattr(environment, "allotment") and hasattr(environment, "_sandbox"):
        environment = environment._sandbox
    record = getattr(environment, "allotment", None)
    try:
        return dict(record()) if callable(record) else {}
    except Exception:  # noqa: BLE001 - a record must never fail the sample
        return {}


async def _check_gpus(environment: Any, hardware: Hardware, requested: int) -> None:
    """GPUs were asked for: count what the frameworks see, and warn loudly when none."""
    from logging import getLogger

    hardware.gpus_requested = requested
    seen = [hardware.gpu_count]
    try:
        result = await environment.exec(["sh", "-c", _GPU_PROBE], timeout=PROBE_TIMEOUT * 4)
        for line in result.stdout.splitlines():
            key, _, value = line.partition("=")
            if key in ("torch_gpus", "tf_gpus") and _int(value) is not None:
                seen.append(_int(value) or 0)
    except Exception:  # noqa: BLE001 - nvidia-smi's count stands
        pass
    hardware.gpus_usable = max(seen)
    if hardware.gpus_usable == 0:
        hardware.gpu_warning = (
            f"{requested} GPU(s) requested but none is usable inside the {hardware.sandbox} "
            "sandbox (no nvidia-smi GPU, torch and TensorFlow see none): the agent runs on CPU"
        )
        getLogger(__name__).warning("!!! %s", hardware.gpu_warning)
