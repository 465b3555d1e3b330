"""``mle_local``: Inspect's local sandbox with the MLE-bench directory layout.

Each sample gets a fresh directory holding ``data`` (a symlink to the prepared public data,
so setup cost does not grow with dataset size), ``submission``, ``code``, ``logs`` and
``workspace`` (the working directory). Commands run on the host with the interpreter that runs
Inspect first on PATH, host secrets removed from their environment, and every process they
started, even detached ones, is killed when the sample ends. This is not isolation: an agent can
still read host files; see the docker sandbox for that.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import sys
import tempfile
import uuid
from logging import getLogger
from pathlib import Path
from typing import Any

from inspect_ai.util import ExecResult, SandboxEnvironment, SandboxEnvironmentConfigType, sandboxenv
from inspect_ai.util._sandbox.local import LocalSandboxEnvironment
from pydantic import BaseModel, ConfigDict
from typing_extensions import override

from .paths import SandboxPaths

logger = getLogger(__name__)

MARKER_ENV = "MLE_INSPECT_SANDBOX_ID"
_SECRET_NAME = re.compile(r"(API_KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL)|^KAGGLE_|^AWS_|^HF_", re.I)


class LocalSandboxConfig(BaseModel):
    """Per-sample config: where the public data is and where to make the workspace."""

    model_config = ConfigDict(frozen=True)  # Inspect hashes sandbox specs

    public_dir: str
    competition_id: str
    workspace_root: str | None = None
    keep_workspace: bool = False


@sandboxenv(name="mle_local")
class MleLocalSandbox(LocalSandboxEnvironment):
    @override
    @classmethod
    def config_deserialize(cls, config: dict[str, Any]) -> BaseModel:
        return LocalSandboxConfig(**config)

    @override
    @classmethod
    async def sample_init(
        cls,
        task_name: str,
        config: SandboxEnvironmentConfigType | None,
        metadata: dict[str, str],
    ) -> dict[str, SandboxEnvironment]:
        if not isinstance(config, LocalSandboxConfig):
            raise ValueError(
                "the mle_local sandbox needs a LocalSandboxConfig "
                "(built by mle_inspect's tasks); got " + repr(config)
            )
        return {"default": cls(config)}

    @override
    @classmethod
    async def sample_cleanup(
        cls,
        task_name: str,
        config: SandboxEnvironmentConfigType | None,
        environments: dict[str, SandboxEnvironment],
        interrupted: bool,
    ) -> None:
        for environment in environments.values():
            sandbox = environment.as_type(MleLocalSandbox)
            killed = kill_marked_processes(sandbox.sandbox_id)
            if killed:
                logger.info("mle_local: killed %d leftover process(es)", killed)
        await super().sample_cleanup(task_name, config, environments, interrupted)
        for environment in environments.values():
            sandbox = environment.as_type(MleLocalSandbox)
            if sandbox.config.keep_workspace:
                logger.warning("mle_local: kept workspace %s", sandbox.root)

    def __init__(self, config: LocalSandboxConfig) -> None:
        super().__init__()
        self.config = config
        self.sandbox_id = uuid.uuid4().hex
        root = Path(
            tempfile.mkdtemp(prefix=f"mle-{config.competition_id[:40]}-", dir=config.workspace_root)
        )
        # the base class deletes self.directory at cleanup; point it at our per-sample root
        self.directory.cleanup()
        self.directory = _Directory(root, keep=config.keep_workspace)
        self._sandbox_tools_dir = root / ".sandbox-tools"
        public = Path(config.public_dir)
        if not public.is_dir():
            raise FileNotFoundError(f"public data for {config.competition_id} not found at {public}")
        (root / "data").symlink_to(public, target_is_directory=True)
        for name in ("submission", "code", "logs", "workspace", "home"):
            (root / name).mkdir()
        self.root = root
        self.path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
        # login shells (Inspect's bash and python tools use `bash --login`) reset PATH from
        # /etc/profile; put Inspect's interpreter back in front so `python3` has the libraries
        (root / "home" / ".bash_profile").write_text(f"export PATH={shlex.quote(self.path)}\n")
        self.mle_paths = SandboxPaths(
            data=str(root / "data"),
            submission=str(root / "submission"),
            code=str(root / "code"),
            logs=str(root / "logs"),
            workspace=str(root / "workspace"),
        )

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
        final_cwd = cwd if cwd is not None else self.mle_paths.workspace
        if not Path(final_cwd).is_absolute():
            final_cwd = str(Path(self.mle_paths.workspace) / final_cwd)
        final_env = {
            **self.mle_paths.as_env(),
            "PATH": self.path,
            "HOME": str(self.root / "home"),
            MARKER_ENV: self.sandbox_id,
            **(env or {}),
        }
        secrets = [name for name in os.environ if _SECRET_NAME.search(name)]
        wrapped = ["env", *(f"--unset={name}" for name in secrets), *cmd] if secrets else cmd
        return await super().exec(
            wrapped,
            input=input,
            cwd=final_cwd,
            env=final_env,
            user=user,
            timeout=timeout,
            timeout_retry=timeout_retry,
            concurrency=concurrency,
        )

    @override
    def _resolve_file(self, file: str) -> str:
        path = Path(file)
        return file if path.is_absolute() else str(Path(self.mle_paths.workspace) / path)


class _Directory:
    """Stands in for TemporaryDirectory so the base class's cleanup removes our root."""

    def __init__(self, root: Path, keep: bool) -> None:
        self.name = str(root)
        self._keep = keep

    def cleanup(self) -> None:
        if not self._keep:
            shutil.rmtree(self.name, ignore_errors=True)


def kill_marked_processes(sandbox_id: str) -> int:
    """Kill every process whose environment carries this sandbox's marker (Linux /proc)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return 0
    needle = f"{MARKER_ENV}={sandbox_id}".encode()
    me = os.getpid()
    killed = 0
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if needle in environ.split(b"\0"):
            try:
                os.kill(int(entry.name), signal.SIGKILL)
                killed += 1
            except ProcessLookupError:
                pass
    return killed
