"""``mle_local``: Inspect's local sandbox with the MLE-bench directory layout.

Each sample gets a fresh directory holding ``data`` (a symlink to the prepared public data,
so setup cost does not grow with dataset size), ``submission``, ``code``, ``logs``,
``workspace`` (the working directory) and ``home``. Commands run with the interpreter that
runs Inspect first on PATH, host secrets removed from their environment, and every process
they started, even detached ones, is killed when the sample ends.

Where bubblewrap works (see :mod:`.bwrap`), every command runs isolated: the same paths as
in Docker (``/home/data`` read-only ...), no network, the host read-only, the data dir's
answers and the user's home hidden. Elsewhere commands run directly on the host, which is
not isolation (the agent can read host files); a warning says so once per task.
"""

from __future__ import annotations

import base64
import errno
import os
import posixpath
import re
import shlex
import shutil
import signal
import sys
import tempfile
import uuid
from logging import getLogger
from pathlib import Path, PurePosixPath
from typing import Any, Literal, overload

from inspect_ai.util import ExecResult, SandboxEnvironment, SandboxEnvironmentConfigType, sandboxenv
from inspect_ai.util._sandbox._cli import SANDBOX_CLI
from inspect_ai.util._sandbox.limits import OutputLimitExceededError, SandboxEnvironmentLimits
from inspect_ai.util._sandbox.local import LocalSandboxEnvironment
from pydantic import BaseModel, ConfigDict
from typing_extensions import override

from .bwrap import AGENT_HOME, Holder, bwrap_available, exposed_paths, hidden_paths, holder_command
from .paths import CANONICAL_PATHS, SandboxPaths

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
    isolation: Literal["auto", "bwrap", "none"] = "auto"
    """auto: bubblewrap where it works; bwrap: fail without it; none: run on the host."""
    description_file: str | None = None
    """Shown at ``<data>/description.md`` in place of public's (the obfuscated variant)."""


_warned_tasks: set[str] = set()


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
        sandbox = cls(config)
        if sandbox.holder is None and task_name not in _warned_tasks:
            _warned_tasks.add(task_name)
            logger.warning(
                "mle_local: commands run on the host without isolation (%s); the agent can "
                "read host files, the network and other samples. Install bubblewrap or use "
                "-T sandbox=docker.",
                sandbox.isolation_note,
            )
        return {"default": sandbox}

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
            if sandbox.holder is not None:
                # stop Inspect's tool server while the namespaces still exist
                try:
                    await sandbox._stop_sandbox_tools(timeout=5 if interrupted else 55)
                except Exception as ex:  # noqa: BLE001 - cleanup goes on regardless
                    logger.warning("mle_local: could not stop the sandbox tools: %s", ex)
                sandbox._sandbox_tools_used = False
                sandbox.holder.stop()
            killed = kill_marked_processes(sandbox.sandbox_id)
            if killed:
                logger.info("mle_local: killed %d leftover process(es)", killed)
        await super().sample_cleanup(task_name, config, environments, interrupted)
        for environment in environments.values():
            sandbox = environment.as_type(MleLocalSandbox)
            if sandbox.config.keep_workspace:
                logger.warning("mle_local: kept workspace %s", sandbox.root)

    def __init__(self, config: LocalSandboxConfig) -> None:
        # check the inputs before any directory is made, so a failure leaves nothing behind
        public = Path(config.public_dir)
        if not public.is_dir():
            raise FileNotFoundError(
                f"public data for {config.competition_id} not found at {public}"
            )
        description = Path(config.description_file) if config.description_file else None
        if description is not None and not description.is_file():
            raise FileNotFoundError(
                f"description file for {config.competition_id} not found at {description}"
            )
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
        if description is None:
            (root / "data").symlink_to(public, target_is_directory=True)
        else:
            _link_data(root / "data", public, description)
        for name in ("submission", "code", "logs", "workspace", "home"):
            (root / name).mkdir()
        self.root = root
        self.path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
        # login shells (Inspect's bash and python tools use `bash --login`) reset PATH from
        # /etc/profile; put Inspect's interpreter back in front so `python3` has the libraries
        (root / "home" / ".bash_profile").write_text(f"export PATH={shlex.quote(self.path)}\n")
        self.host_paths = SandboxPaths(
            data=str(root / "data"),
            submission=str(root / "submission"),
            code=str(root / "code"),
            logs=str(root / "logs"),
            workspace=str(root / "workspace"),
        )
        self.holder: Holder | None = None
        self.isolation_note = "isolation: none requested"
        if config.isolation != "none":
            self.isolation_note = bwrap_available() or "bubblewrap"
            if self.isolation_note != "bubblewrap" and config.isolation == "bwrap":
                self.directory.cleanup()
                raise RuntimeError(f"mle_local: isolation=bwrap but {self.isolation_note}")
        if self.isolation_note == "bubblewrap":
            try:
                self.holder = Holder(
                    holder_command(
                        root,
                        public,
                        hidden_paths(_data_dir_of(public), root.parent),
                        exposed_paths(),
                        description,
                    ),
                    # the holder's environment is readable from inside: no secrets in it
                    env={
                        **{k: v for k, v in os.environ.items() if not _SECRET_NAME.search(k)},
                        MARKER_ENV: self.sandbox_id,
                    },
                )
            except BaseException:
                self.directory.cleanup()
                raise
            self._sandbox_tools_dir = root / "home" / ".sandbox-tools"
        # what the agent sees: Docker's paths when isolated, the host directories otherwise
        self.mle_paths = CANONICAL_PATHS if self.holder is not None else self.host_paths

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
            "HOME": AGENT_HOME if self.holder is not None else str(self.root / "home"),
            MARKER_ENV: self.sandbox_id,
            **(env or {}),
        }
        if cmd and cmd[0] == SANDBOX_CLI and self.holder is not None:
            self._sandbox_tools_used = True
            final_env[self._SANDBOX_TOOLS_DIR_ENV] = f"{AGENT_HOME}/.sandbox-tools"
        if self.holder is not None:
            cmd = self.holder.wrap(cmd, final_cwd)
            final_cwd = str(self.root)  # the host side of nsenter runs here
        # unset first, so no process of the chain (nsenter, setpriv ...) carries a secret
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
    async def write_file(self, file: str, contents: str | bytes) -> None:
        if self.holder is None:
            return await super().write_file(file, contents)
        data = contents.encode("utf-8") if isinstance(contents, str) else contents
        mapped = self._host_file(file)
        if mapped is not None:
            _write_beneath(*mapped, data)
            return
        # elsewhere (/tmp, /var/tmp ...) only the sandbox can see: write from inside it
        result = await self.exec(
            [
                "sh",
                "-c",
                'mkdir -p -- "$(dirname -- "$1")" && cat > "$1"',
                "sh",
                self._inside(file),
            ],
            input=data,
        )
        if not result.success:
            raise PermissionError(f"cannot write {file}: {result.stderr.strip()}")

    @overload
    async def read_file(self, file: str, text: Literal[True] = True) -> str: ...

    @overload
    async def read_file(self, file: str, text: Literal[False]) -> bytes: ...

    @override
    async def read_file(self, file: str, text: bool = True) -> str | bytes:
        if self.holder is None:
            return await super().read_file(file, text)  # type: ignore[call-overload,no-any-return]
        mapped = self._host_file(file)
        if mapped is not None:
            data = _read_beneath(*mapped)
        else:
            result = await self.exec(["base64", "-w0", "--", self._inside(file)])
            if not result.success:
                raise FileNotFoundError(f"cannot read {file}: {result.stderr.strip()}")
            data = base64.b64decode(result.stdout)
        return data.decode("utf-8") if text else data

    @override
    def _resolve_file(self, file: str) -> str:
        """Relative paths are in the workspace (used when not isolated)."""
        path = Path(file)
        return file if path.is_absolute() else str(Path(self.mle_paths.workspace) / path)

    def _inside(self, file: str) -> str:
        """An absolute, normalised path inside the sandbox."""
        joined = file if file.startswith("/") else f"{self.mle_paths.workspace}/{file}"
        return posixpath.normpath(joined)

    def _host_file(self, file: str) -> tuple[Path, Path] | None:
        """(trusted host directory, relative path) for files in the bound directories.

        The host opens them without following any symlink: an agent's link such as
        ``/home/submission/submission.csv -> /path/to/answers.csv`` would otherwise make the
        host read host files the sandbox cannot see.
        """
        path = PurePosixPath(self._inside(file))
        bases = {
            CANONICAL_PATHS.data: Path(self.config.public_dir).resolve(),
            **{
                getattr(CANONICAL_PATHS, f): self.root / f
                for f in ("submission", "code", "logs", "workspace")
            },
            AGENT_HOME: self.root / "home",
        }
        if self.config.description_file and path == PurePosixPath(
            f"{CANONICAL_PATHS.data}/description.md"
        ):
            file = Path(self.config.description_file).resolve()
            return file.parent, Path(file.name)
        for inside, host in bases.items():
            if path.is_relative_to(inside) and path != PurePosixPath(inside):
                return host, Path(path.relative_to(inside))
        return None


def _open_beneath(base: Path, relative: Path, flags: int, create_dirs: bool = False) -> int:
    """Open ``base/relative`` refusing symlinks in every component below ``base``."""
    fd = os.open(base, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for part in relative.parts[:-1]:
            if create_dirs:
                try:
                    os.mkdir(part, dir_fd=fd)
                except FileExistsError:
                    pass
            child = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            os.close(fd)
            fd = child
        return os.open(relative.parts[-1], flags | os.O_NOFOLLOW, 0o644, dir_fd=fd)
    except OSError as ex:
        if ex.errno in (errno.ELOOP, errno.ENOTDIR):
            raise PermissionError(f"{relative}: symbolic links are not followed") from ex
        raise
    finally:
        os.close(fd)


def _read_beneath(base: Path, relative: Path) -> bytes:
    fd = _open_beneath(base, relative, os.O_RDONLY)
    with os.fdopen(fd, "rb") as f:
        if os.fstat(f.fileno()).st_size > SandboxEnvironmentLimits.MAX_READ_FILE_SIZE:
            raise OutputLimitExceededError(
                limit_str=SandboxEnvironmentLimits.MAX_READ_FILE_SIZE_STR, truncated_output=None
            )
        return f.read()


def _write_beneath(base: Path, relative: Path, data: bytes) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    with os.fdopen(_open_beneath(base, relative, flags, create_dirs=True), "wb") as f:
        f.write(data)


def _link_data(data: Path, public: Path, description: Path) -> None:
    """``data/``: a link per top-level entry of public/, description.md -> ``description``."""
    data.mkdir()
    for entry in public.resolve().iterdir():
        if entry.name != "description.md":
            (data / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    (data / "description.md").symlink_to(description.resolve())
    data.chmod(0o555)


def _data_dir_of(public: Path) -> Path | None:
    """The data dir above ``<id>/prepared/public``: hidden whole, answers and all."""
    public = public.resolve()
    if public.name == "public" and public.parent.name == "prepared":
        return public.parent.parent.parent
    return None


class _Directory:
    """Stands in for TemporaryDirectory so the base class's cleanup removes our root."""

    def __init__(self, root: Path, keep: bool) -> None:
        self.name = str(root)
        self._keep = keep

    def cleanup(self) -> None:
        if not self._keep:
            data = Path(self.name) / "data"
            if data.is_dir() and not data.is_symlink():
                data.chmod(0o755)  # a read-only dir of links (see _link_data)
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
