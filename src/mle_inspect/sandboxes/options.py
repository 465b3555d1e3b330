"""Resource and image options shared by the docker and k8s sandbox specs (task args)."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

DEFAULT_IMAGE = "mle-inspect/agent:light"
"""The tag ``mle-inspect build-image`` gives the light profile by default."""
LOCAL_IMAGE_PREFIX = "mle-inspect/"
"""Images under this name are built locally: Inspect must not try to pull them."""
DEFAULT_SHM_BYTES = 2 * 2**30
SANDBOX_DIR_ENV = "MLE_INSPECT_SANDBOX_DIR"
AGENT_USER = "agent"
AGENT_UID = 1000

THREAD_VARS = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "BLIS_NUM_THREADS",
    "RAYON_NUM_THREADS",
    "POLARS_MAX_THREADS",
)
"""Thread-pool sizes that OpenMP, the BLAS libraries, numexpr, Rust and polars read."""
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([bkmgt]?)i?b?\s*$", re.I)
_UNITS = {"": 1, "b": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}


def size_bytes(text: str) -> int:
    """Bytes in a Docker-style size (``512m``, ``16g``, ``16GiB``); binary units, as Docker."""
    match = _SIZE.match(text)
    if not match:
        raise ValueError(f"not a size: {text!r} (use e.g. 512m, 16g)")
    return int(float(match[1]) * _UNITS[match[2].lower()])


def k8s_quantity(text: str) -> str:
    """A Docker-style size as a Kubernetes quantity in MiB (``16g`` -> ``16384Mi``)."""
    return f"{max(1, size_bytes(text) // 2**20)}Mi"


class SandboxOptions(BaseModel):
    """What a container sandbox gets: image, CPUs, memory, GPUs, shared memory."""

    model_config = ConfigDict(frozen=True)

    image: str = DEFAULT_IMAGE
    cpus: float | None = Field(default=None, gt=0)
    """CPU limit; None: docker leaves it unlimited, k8s uses ``K8S_DEFAULT_CPUS``."""
    memory: str | None = None
    """Memory limit (``16g``); None: docker unlimited, k8s ``K8S_DEFAULT_MEMORY``."""
    gpus: int = Field(default=0, ge=0)
    shm_size: str | None = None
    """Size of /dev/shm; None: 2g, at most half the memory limit (PyTorch data loaders need
    more than Docker's 64m, and shared memory counts against the memory limit)."""
    data_pvc: str = "mle-inspect-data"
    """k8s: PersistentVolumeClaim holding the data dir (same layout as on the host)."""
    runtime_class: str | None = None
    """k8s: pod runtime class; None: the chart's default (gvisor), ``nvidia`` with GPUs."""
    env_allow: tuple[str, ...] = ()
    """Host environment variables passed into the sandbox, beyond the built-in allow-list
    (local and docker; k8s values files are stored on disk, so secrets are never put there)."""

    @field_validator("env_allow", mode="before")
    @classmethod
    def _split_names(cls, value: object) -> object:
        if isinstance(value, str):
            value = [name.strip() for name in value.split(",") if name.strip()]
        return value

    @field_validator("env_allow")
    @classmethod
    def _valid_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [name for name in value if not ENV_NAME.match(name)]
        if bad:
            raise ValueError(f"not environment variable names: {', '.join(bad)}")
        return value

    @field_validator("memory", "shm_size")
    @classmethod
    def _valid_size(cls, value: str | None) -> str | None:
        if value is not None:
            size_bytes(value)
        return value

    @field_validator("image")
    @classmethod
    def _valid_image(cls, value: str) -> str:
        if not value or any(c.isspace() for c in value):
            raise ValueError(f"not an image name: {value!r}")
        return value

    @property
    def shm(self) -> str:
        """The /dev/shm size to use (``shm_size`` or the default)."""
        if self.shm_size is not None:
            return self.shm_size
        cap = size_bytes(self.memory) // 2 if self.memory else DEFAULT_SHM_BYTES
        return f"{max(1, min(DEFAULT_SHM_BYTES, cap) // 2**20)}m"

    @property
    def local_image(self) -> bool:
        """Whether the image is a locally built one (never pulled)."""
        return self.image.startswith(LOCAL_IMAGE_PREFIX)


def thread_count(cpus: float | None, samples: int = 1) -> int:
    """Threads per pool for one sample: its CPU limit, else its share of this machine.

    Without a limit, the share assumes at least two samples run side by side: Inspect starts
    samples in bursts, so the count seen when one starts is low, and oversubscribed OpenMP
    pools cost far more (a 0.6 s fit took 300 s with three samples on two cores) than a
    lone sample loses by using half the cores.
    """
    if cpus is not None:
        return max(1, int(cpus))
    try:
        available = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        available = os.cpu_count() or 1
    return max(1, available // max(2, samples))


def thread_env(threads: int) -> dict[str, str]:
    """The environment that sizes every known thread pool to ``threads``."""
    return {name: str(threads) for name in THREAD_VARS}


def sandbox_dir() -> Path:
    """Where generated compose files and k8s values live (``$MLE_INSPECT_SANDBOX_DIR``)."""
    env = os.environ.get(SANDBOX_DIR_ENV)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("mle-inspect", appauthor=False)) / "sandboxes"


def write_cached(kind: str, stem: str, text: str) -> Path:
    """Write ``text`` once under a name holding its hash: same spec, same file, no rewrite."""
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    target = sandbox_dir() / kind / f"{stem[:60]}-{digest}.yaml"
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(text)
    partial.replace(target)  # atomic: concurrent tasks never see half a file
    return target
