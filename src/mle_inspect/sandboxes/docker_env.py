"""``mle_docker``: Inspect's docker sandbox, sized to the machine and with GPUs of its own.

Three differences from ``docker``, each about sharing one machine fairly:

- its default concurrency (``max_sandboxes``) comes from the machine and the per-sample
  request (:mod:`.resources`) rather than from the CPU count alone;
- commands take no slot of Inspect's subprocess limiter (one per core): a sample already
  holds a sandbox slot, and waiting there would spend its time limit in a queue;
- a sample that reserves GPUs gets ids of its own from a pool (``device_ids``), not a count
  that lets every container see the same first GPUs.
"""

from __future__ import annotations

from logging import getLogger
from pathlib import Path
from typing import Any

from inspect_ai.util import ExecResult, SandboxEnvironment, SandboxEnvironmentConfigType, sandboxenv
from typing_extensions import override

from .._inspect_compat import DockerSandboxEnvironment
from . import _allot, resources
from .options import write_cached

logger = getLogger(__name__)


def with_device_ids(compose: dict[str, Any], device_ids: tuple[str, ...]) -> dict[str, Any]:
    """The compose document with its GPU reservation naming ``device_ids`` instead of a count."""
    service = compose["services"]["default"]
    devices = service["deploy"]["resources"]["reservations"]["devices"]
    for device in devices:
        device.pop("count", None)
        device["device_ids"] = list(device_ids)
    return compose


def gpu_count(compose: dict[str, Any]) -> int:
    """GPUs the compose document reserves for its default service (0: none)."""
    try:
        devices = compose["services"]["default"]["deploy"]["resources"]["reservations"]["devices"]
    except (KeyError, TypeError):
        return 0
    return sum(int(d.get("count", 0)) for d in devices if "gpu" in d.get("capabilities", []))


@sandboxenv(name="mle_docker")
class MleDockerSandbox(DockerSandboxEnvironment):
    """Inspect's docker sandbox with GPU bookkeeping and the host environment allow-list."""

    gpu_ids: tuple[str, ...] = ()
    gpus_requested: int = 0

    @override
    @classmethod
    def default_concurrency(cls) -> int | None:
        return resources.default_concurrency("docker")

    @override
    @classmethod
    async def sample_init(
        cls,
        task_name: str,
        config: SandboxEnvironmentConfigType | None,
        metadata: dict[str, str],
    ) -> dict[str, SandboxEnvironment]:
        gpu_ids: tuple[str, ...] = ()
        requested = 0
        if isinstance(config, str) and config.endswith((".yaml", ".yml")):
            config, gpu_ids, requested = _assign_gpus(config)
        try:
            environments = await super().sample_init(task_name, config, metadata)
        except BaseException:
            _allot.pool("docker-gpu", ()).give(gpu_ids)
            raise
        mine: dict[str, SandboxEnvironment] = {}
        for name, environment in environments.items():
            docker = environment.as_type(DockerSandboxEnvironment)
            own = cls(docker._service, docker._project, docker._working_dir)
            if name == "default":
                own.gpu_ids, own.gpus_requested = gpu_ids, requested
            mine[name] = own
        return mine

    @override
    @classmethod
    async def sample_cleanup(
        cls,
        task_name: str,
        config: SandboxEnvironmentConfigType | None,
        environments: dict[str, SandboxEnvironment],
        interrupted: bool,
    ) -> None:
        try:
            await super().sample_cleanup(task_name, config, environments, interrupted)
        finally:
            for environment in environments.values():
                if isinstance(environment, MleDockerSandbox) and environment.gpu_ids:
                    _allot.pool("docker-gpu", ()).give(environment.gpu_ids)
                    environment.gpu_ids = ()

    @override
    async def exec(
        self,
        cmd: list[str],
        input: str | bytes | None = None,
        cwd: str | None = None,
        env: dict[str, str] | None = None,
        user: str | None = None,
        timeout: int | None = None,
        timeout_retry: bool = True,
        concurrency: bool = True,
    ) -> ExecResult[str]:
        return await super().exec(
            cmd, input, cwd, env, user, timeout, timeout_retry, concurrency=False
        )

    def allotment(self) -> dict[str, Any]:
        """What this sample was given, for its hardware record."""
        if not self.gpus_requested:
            return {}
        return {"gpus_requested": self.gpus_requested, "gpus_assigned": ",".join(self.gpu_ids)}


def _assign_gpus(config: str) -> tuple[str, tuple[str, ...], int]:
    """A per-sample compose file naming GPUs from the pool, when the spec reserves any."""
    import yaml

    compose = yaml.safe_load(Path(config).read_text())
    count = gpu_count(compose)
    if not count:
        return config, (), 0
    machine_gpus = resources.gpu_ids()
    if not machine_gpus:
        _allot.warn_once(
            "docker-no-gpu", f"mle_docker: {count} GPU(s) reserved per sample but none found here"
        )
        return config, (), count  # docker itself reports the missing GPU
    taken = _allot.pool("docker-gpu", machine_gpus).take(count)
    if taken is None:
        raise RuntimeError(
            f"mle_docker: {count} GPU(s) per sample but all {len(machine_gpus)} are taken: "
            "lower --max-sandboxes"
        )
    ids = tuple(str(g) for g in taken)
    text = yaml.safe_dump(with_device_ids(compose, ids), sort_keys=False)
    stem = Path(config).stem + "-gpu" + "-".join(ids)
    return str(write_cached("compose", stem, text)), ids, count
