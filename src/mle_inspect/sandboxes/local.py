"""``mle_local``: Inspect's local sandbox with the MLE-bench directory layout.

Each sample gets a fresh directory holding ``data`` (a link to the prepared public data, so
setup cost does not grow with dataset size), ``submission``, ``code``, ``logs``,
``workspace`` (the working directory) and ``home``. Commands get an allow-listed environment
(see :mod:`._env`) with thread pools sized to the sample's CPU share; a timeout kills the
command's whole process tree, and the end of the sample (or :func:`.lifecycle.halt_agent`)
kills every process the sample started.

Isolation, best first:

- **bubblewrap** (see :mod:`.bwrap`): Docker's paths, an allow-list of host files, no
  network, its own pid namespace (so halting kills exactly the sample's processes).
- **none, as root**: commands run on the host under a uid of their own (``setpriv``), which
  owns the sample's writable dirs and nothing else: the shared data dir cannot be written,
  other processes cannot be signalled, and every process of the sample is found by its uid.
  Reading is not isolated (the agent may read the answers): the sandbox is not a boundary.
- **none, not root**: commands run as the user. Processes are found by an environment marker
  and their parent chain; one that drops the marker and detaches can escape. The public dir
  is checked at the end and a changed one fails the sample.

A warning says so once per task when there is no bubblewrap.
"""

from __future__ import annotations

import base64
import errno
import os
import posixpath
import random
import shlex
import stat
import sys
import uuid
from collections.abc import Awaitable, Callable
from logging import getLogger
from pathlib import Path, PurePosixPath
from typing import Any, Literal, overload

import anyio
from inspect_ai.util import (
    ExecResult,
    OutputLimitExceededError,
    SandboxEnvironment,
    SandboxEnvironmentConfigType,
    SandboxEnvironmentLimits,
    SandboxUserUnsupportedError,
    sandboxenv,
)
from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import override

from .._inspect_compat import SANDBOX_CLI, LocalSandboxEnvironment
from . import _allot, _procs, _workspace, resources
from ._env import agent_env, allowed_host_env, env_command
from .bwrap import AGENT_HOME, Holder, bwrap_available, holder_command
from .lifecycle import DataTampered
from .options import ENV_NAME, size_bytes, thread_count
from .paths import CANONICAL_PATHS, SandboxPaths

logger = getLogger(__name__)

MARKER_ENV = "MLE_INSPECT_SANDBOX_ID"
"""Names the sample in every command's environment (a hint: the agent can unset it)."""
EXEC_ENV = "MLE_INSPECT_EXEC_ID"
"""Names one command, so a timeout kills that command's processes and no others."""
AGENT_UID_BASE = 0x70000000
"""Per-sample uids are drawn above this (far from any real account's uid)."""
KILL_GRACE = 2.0
"""Seconds between killing a timed-out command's tree and giving up waiting for it."""


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
    cpus: float | None = Field(default=None, gt=0)
    """CPUs pinned for the sample (rounded up) and thread-pool size; None: not pinned, thread
    pools sized to the sample's share of this machine."""
    memory: str | None = None
    """Memory cap (``4g``) through a cgroup; None: uncapped."""
    gpus: int = Field(default=0, ge=0)
    """GPUs taken from the pool and shown as ``CUDA_VISIBLE_DEVICES``; 0: left as they are."""
    env_allow: tuple[str, ...] = ()
    """Host environment variables passed to commands beyond the built-in allow-list."""


_warned_tasks: set[str] = set()
_swept_roots: set[str | None] = set()
_live: set[str] = set()
"""Sandbox ids of this process's live samples (their count sizes thread pools)."""


@sandboxenv(name="mle_local")
class MleLocalSandbox(LocalSandboxEnvironment):
    """Inspect's local sandbox with per-sample directories, isolation and cleanup."""

    @override
    @classmethod
    def config_deserialize(cls, config: dict[str, Any]) -> BaseModel:
        return LocalSandboxConfig(**config)

    @override
    @classmethod
    def default_concurrency(cls) -> int | None:
        """Samples side by side: as many as the machine fits for the task's request."""
        return resources.default_concurrency("local")

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
        errors: list[BaseException] = []
        for environment in environments.values():
            try:
                await environment.as_type(MleLocalSandbox).close(interrupted)
            except Exception as ex:  # close the others, then report
                errors.append(ex)
        if errors:
            raise errors[0]

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
        bad = [name for name in config.env_allow if not ENV_NAME.match(name)]
        if bad:
            raise ValueError(f"env_allow: not environment variable names: {', '.join(bad)}")
        if config.workspace_root not in _swept_roots:
            _swept_roots.add(config.workspace_root)
            _workspace.remove_stale(config.workspace_root)
        super().__init__()
        self.config = config
        self.sandbox_id = uuid.uuid4().hex
        self.holder: Holder | None = None
        self.agent_uid: int | None = None
        self._read_cap = False
        self._public_state: dict[str, tuple[int, int, int]] | None = None
        self._closed = False
        self.cpu_ids: tuple[int, ...] | None = None
        self.gpu_ids: tuple[str, ...] | None = None
        self.cgroup: _allot.Cgroup | None = None
        workspace = _workspace.Workspace(config.workspace_root, config.competition_id)
        root = workspace.path
        self._workspace = workspace
        # the base class deletes self.directory at cleanup; ours is removed by close()
        self.directory.cleanup()
        self.directory = _NoDirectory(root)  # type: ignore[assignment]  # has the two members the base uses
        self.root = root
        try:
            self._allot()
            self._build(public, description)
        except BaseException:
            self._release_allotment()
            workspace.release(remove=True)
            raise
        _live.add(self.sandbox_id)

    def _build(self, public: Path, description: Path | None) -> None:
        root, config = self.root, self.config
        if description is None:
            (root / "data").symlink_to(public, target_is_directory=True)
        else:
            _link_data(root / "data", public, description)
        for name in ("submission", "code", "logs", "workspace", "home"):
            (root / name).mkdir()
        self.path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
        # login shells (Inspect's bash and python tools use `bash --login`) reset PATH from
        # /etc/profile; put Inspect's interpreter back in front so `python3` has the libraries
        (root / "home" / ".bash_profile").write_text(f"export PATH={shlex.quote(self.path)}\n")
        self._sandbox_tools_dir = root / "home" / ".sandbox-tools"
        self.host_paths = SandboxPaths(
            data=str(root / "data"),
            submission=str(root / "submission"),
            code=str(root / "code"),
            logs=str(root / "logs"),
            workspace=str(root / "workspace"),
        )
        self.isolation_note = "isolation: none requested"
        if config.isolation != "none":
            self.isolation_note = bwrap_available() or "bubblewrap"
            if self.isolation_note != "bubblewrap" and config.isolation == "bwrap":
                raise RuntimeError(f"mle_local: isolation=bwrap but {self.isolation_note}")
        self.threads = (
            len(self.cpu_ids) if self.cpu_ids else thread_count(config.cpus, len(_live) + 1)
        )
        if self.isolation_note == "bubblewrap":
            self.holder = Holder(
                holder_command(root, public, description),
                # the holder's environment is readable from inside: the allow-list only
                env={
                    **allowed_host_env(config.env_allow),
                    "PATH": self.path,
                    MARKER_ENV: self.sandbox_id,
                },
            )
        else:
            if os.geteuid() == 0:
                self._drop_to_own_uid(public)
            self._public_state = _tree_state(public)
        # what the agent sees: Docker's paths when isolated, the host directories otherwise
        self.mle_paths = CANONICAL_PATHS if self.holder is not None else self.host_paths

    def _allot(self) -> None:
        """Take this sample's CPUs, GPUs and cgroup (see :mod:`._allot`)."""
        config = self.config
        machine = resources.this_machine()
        if config.gpus:
            gpu_pool = _allot.pool("gpu", machine.gpu_ids)
            if not machine.gpu_ids:
                _allot.warn_once(
                    "no-gpu", f"mle_local: gpus={config.gpus} requested but no GPU found here"
                )
            else:
                taken = gpu_pool.take(config.gpus)
                if taken is None:
                    raise RuntimeError(
                        f"mle_local: {config.gpus} GPU(s) requested but only {gpu_pool.free} "
                        f"of {len(machine.gpu_ids)} are free: lower --max-sandboxes"
                    )
                self.gpu_ids = tuple(str(g) for g in taken)
        if config.cpus:
            cpu_ids = _allot.pool("cpu", machine.cpu_ids).take(_allot.cpu_count_for(config.cpus))
            if cpu_ids is None:
                _allot.warn_once(
                    "cpu-oversubscribed",
                    f"mle_local: more samples than CPU sets of {config.cpus:g}; samples beyond "
                    "them run unpinned (lower --max-sandboxes to keep CPU shares disjoint)",
                )
            else:
                self.cpu_ids = tuple(int(c) for c in cpu_ids)
                if not _allot.pin_prefix(self.cpu_ids):
                    _allot.warn_once("no-taskset", "mle_local: taskset missing: CPUs not pinned")
        memory = size_bytes(config.memory) if config.memory else None
        name = f"{config.competition_id[:40]}-{self.sandbox_id[:12]}"
        self.cgroup, why_not = _allot.Cgroup.create(name, memory, self.cpu_ids)
        if why_not:
            _allot.warn_once(
                "no-cgroup",
                f"mle_local: {why_not}: samples run without a memory cap"
                + (" and their CPU pinning is not enforced" if self.cpu_ids else "")
                + " (use -T sandbox=docker for hard limits)",
            )

    def _release_allotment(self) -> None:
        if self.cgroup is not None:
            self.cgroup.remove()
            self.cgroup = None
        if self.cpu_ids is not None:
            _allot.pool("cpu", ()).give(self.cpu_ids)
            self.cpu_ids = None
        if self.gpu_ids is not None:
            _allot.pool("gpu", ()).give(self.gpu_ids)
            self.gpu_ids = None

    def allotment(self) -> dict[str, Any]:
        """What this sample was given, for its hardware record."""
        record: dict[str, Any] = {"isolation": self.isolation_note}
        if self.cpu_ids is not None:
            record["cpu_set"] = _allot._cpu_list(self.cpu_ids)
        if self.config.memory:
            record["memory_limit"] = self.config.memory
            record["memory_enforced"] = self.cgroup is not None
        if self.config.gpus:
            record["gpus_requested"] = self.config.gpus
            record["gpus_assigned"] = ",".join(self.gpu_ids or ())
        return record

    def _drop_to_own_uid(self, public: Path) -> None:
        """Run commands under a fresh uid that owns the sample's writable dirs only."""
        self.agent_uid = _free_uid()
        self._workspace.record_uid(self.agent_uid)
        self.root.chmod(0o755)  # root-owned: the agent cannot swap `data` for another dir
        (self.root / "tmp").mkdir()
        for name in ("submission", "code", "logs", "workspace", "home", "tmp"):
            os.chown(self.root / name, self.agent_uid, self.agent_uid)
        os.chown(self.root / "home" / ".bash_profile", self.agent_uid, self.agent_uid)
        # the data and the interpreter may sit below dirs only root can enter (/root/.pyenv):
        # then the agent may read past directory permissions, never write
        interpreter = Path(sys.executable).resolve()
        self._read_cap = not (_others_can_reach(public) and _others_can_reach(interpreter))

    # -- commands ------------------------------------------------------------------------

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
        exec_id = uuid.uuid4().hex
        home = AGENT_HOME if self.holder is not None else str(self.root / "home")
        requested = dict(env or {})
        if cmd and cmd[0] == SANDBOX_CLI:
            self._sandbox_tools_used = True
            tools = f"{AGENT_HOME}/.sandbox-tools" if self.holder else str(self._sandbox_tools_dir)
            requested[self._SANDBOX_TOOLS_DIR_ENV] = tools
        if self.agent_uid is not None:
            requested.setdefault("TMPDIR", str(self.root / "tmp"))
        final_env = agent_env(
            path=self.path,
            home=home,
            paths=self.mle_paths.as_env(),
            threads=self.threads,
            markers={
                **({"CUDA_VISIBLE_DEVICES": ",".join(self.gpu_ids)} if self.gpu_ids else {}),
                MARKER_ENV: self.sandbox_id,
                EXEC_ENV: exec_id,
            },
            extra=self.config.env_allow,
            requested=requested,
        )
        if self.holder is not None:
            cmd = self.holder.wrap(cmd, final_cwd)
            final_cwd = str(self.root)  # the host side of nsenter runs here
            _require_holder_user(user)
            user = None  # the host side runs as the caller
        elif self.agent_uid is not None:
            cmd = self._as_agent(cmd, user)
            user = None
        if self.cpu_ids is not None:
            cmd = [*_allot.pin_prefix(self.cpu_ids), *cmd]
        if self.cgroup is not None:
            cmd = [*self.cgroup.join_prefix(), *cmd]
        wrapped = env_command(final_env, cmd)

        async def run() -> ExecResult[str]:
            return await super(MleLocalSandbox, self).exec(
                wrapped,
                input=input,
                cwd=final_cwd,
                env=None,
                user=user,
                timeout=None,  # enforced below, on the whole process tree
                timeout_retry=timeout_retry,
                # no subprocess slot: the sample already holds a sandbox slot sized to the
                # machine, and waiting for one of Inspect's (one per core) would spend its
                # time limit in a queue behind other samples' long commands
                concurrency=False,
            )

        return await _run_killable(run, f"{EXEC_ENV}={exec_id}".encode(), timeout)

    def _as_agent(self, cmd: list[str], user: str | None) -> list[str]:
        """``cmd`` under the sample's uid (root only when a caller asks for it by name)."""
        assert self.agent_uid is not None
        if user in ("root", "0"):
            return cmd  # Inspect's tool server, which itself runs tools as the default user
        if user is not None and user != str(self.agent_uid):
            raise SandboxUserUnsupportedError(f"mle_local cannot execute as {user!r}")
        caps = ",+dac_read_search" if self._read_cap else ""
        uid = str(self.agent_uid)
        drop = [
            "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs",
            f"--bounding-set=-all{caps}", f"--inh-caps=-all{caps}",
        ]  # fmt: skip
        if caps:
            drop.append(f"--ambient-caps=-all{caps}")
        return [*drop, "--", *cmd]

    # -- stopping ------------------------------------------------------------------------

    async def halt(self) -> None:
        """Kill every process of this sample but the holder (see :func:`.lifecycle.halt_agent`).

        Raises:
            DataTampered: Without bubblewrap, when the public data changed during the sample.
        """
        await anyio.to_thread.run_sync(self._kill_all)
        self._sandbox_tools_used = False  # its server was one of them
        self._check_public()

    def _kill_all(self) -> int:
        if self.holder is not None:
            return self.holder.kill_all_but_holder()  # the holder carries the marker: spare it
        sample = f"{MARKER_ENV}={self.sandbox_id}".encode()
        uid = self.agent_uid

        group = self.cgroup

        def select(procs: dict[int, _procs.ProcInfo]) -> set[int]:
            found = _procs.marked(procs, sample)
            if group is not None:
                found |= group.pids() & procs.keys()
            if uid is not None:
                found |= {pid for pid, info in procs.items() if info.uid == uid}
            return _procs.with_descendants(found, procs)

        return _procs.kill_until_gone(select)

    def _check_public(self) -> None:
        if self._public_state is None:
            return
        now = _tree_state(Path(self.config.public_dir))
        if now != self._public_state:
            changed = sorted(set(now.items()) ^ set(self._public_state.items()))
            names = sorted({name for name, _ in changed})[:10]
            self._public_state = None  # say it once
            raise DataTampered(
                f"the agent changed the shared public data of {self.config.competition_id} "
                f"({', '.join(names)}): re-prepare it (mle-inspect prepare --force) and run "
                "with bubblewrap or docker"
            )

    async def close(self, interrupted: bool) -> None:
        """End the sample: tools server, processes, holder, then the workspace, always."""
        if self._closed:
            return
        self._closed = True
        _live.discard(self.sandbox_id)
        try:
            try:
                if self._sandbox_tools_used:
                    await self._stop_sandbox_tools(timeout=5 if interrupted else 55)
            except Exception as ex:  # cleanup goes on regardless
                logger.warning("mle_local: could not stop the sandbox tools: %s", ex)
            finally:
                self._sandbox_tools_used = False
                try:
                    with anyio.CancelScope(shield=True):
                        killed = await anyio.to_thread.run_sync(self._kill_all)
                    if killed:
                        logger.info("mle_local: killed %d leftover process(es)", killed)
                finally:
                    if self.holder is not None:
                        self.holder.stop()
        finally:
            try:
                self._release_allotment()
            finally:
                self._workspace.release(remove=not self.config.keep_workspace)
            if self.config.keep_workspace:
                logger.warning("mle_local: kept workspace %s", self.root)
        self._check_public()

    # -- files ---------------------------------------------------------------------------

    @override
    async def write_file(self, file: str, contents: str | bytes) -> None:
        data = contents.encode("utf-8") if isinstance(contents, str) else contents
        mapped = self._host_file(file)
        if mapped is not None:
            _write_beneath(*mapped, data, owner=self.agent_uid)
            return
        # elsewhere (/tmp, /var/tmp ...): write as the agent, from inside the sandbox
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
        mapped = self._host_file(file)
        if mapped is not None:
            data = _read_beneath(*mapped)
        else:  # elsewhere: read as the agent, from inside the sandbox
            result = await self.exec(["base64", "-w0", "--", self._inside(file)])
            if not result.success:
                raise FileNotFoundError(f"cannot read {file}: {result.stderr.strip()}")
            data = base64.b64decode(result.stdout)
        return data.decode("utf-8") if text else data

    @override
    def _resolve_file(self, file: str) -> str:
        """Relative paths are in the workspace."""
        path = Path(file)
        return file if path.is_absolute() else str(Path(self.mle_paths.workspace) / path)

    def _inside(self, file: str) -> str:
        """An absolute, normalised path inside the sandbox."""
        joined = file if file.startswith("/") else f"{self.mle_paths.workspace}/{file}"
        return posixpath.normpath(joined)

    def _host_file(self, file: str) -> tuple[Path, Path] | None:
        """(trusted host directory, relative path) for files in the sample's directories.

        The host opens them without following any symlink: an agent's link such as
        ``/home/submission/submission.csv -> /path/to/answers.csv`` would otherwise make the
        host read files the agent could not (or should not) reach.
        """
        path = PurePosixPath(self._inside(file))
        bases = {
            self.mle_paths.data: Path(self.config.public_dir).resolve(),
            **{
                getattr(self.mle_paths, f): self.root / f
                for f in ("submission", "code", "logs", "workspace")
            },
            (AGENT_HOME if self.holder is not None else str(self.root / "home")): self.root
            / "home",
        }
        if self.agent_uid is not None:
            bases[str(self.root / "tmp")] = self.root / "tmp"
        if self.config.description_file and path == PurePosixPath(
            f"{self.mle_paths.data}/description.md"
        ):
            described = Path(self.config.description_file).resolve()
            return described.parent, Path(described.name)
        for inside, host in bases.items():
            if path.is_relative_to(inside) and path != PurePosixPath(inside):
                return host, Path(path.relative_to(inside))
        return None


async def _run_killable(
    run: Callable[[], Awaitable[ExecResult[str]]], marker: bytes, timeout: int | None
) -> ExecResult[str]:
    """Run a command; on timeout or cancellation kill its whole process tree first.

    Inspect's own timeout kills only the process it started and then waits for the output
    pipes to close, which an orphaned grandchild can hold open for ever. Killing the tree
    (marked processes, their descendants and whoever holds their pipes) closes them.
    """

    def kill() -> int:
        return _procs.kill_until_gone(lambda procs: _procs.exec_tree(procs, marker))

    result: ExecResult[str] | None = None
    timed_out = False

    async def runner(scope: anyio.CancelScope) -> None:
        nonlocal result
        result = await run()
        scope.cancel()

    async def watchdog() -> None:
        nonlocal timed_out
        try:
            if timeout is None:
                await anyio.sleep_forever()
            else:
                await anyio.sleep(timeout)
            timed_out = True
            while True:  # again until the command returns: it may still be forking
                await anyio.to_thread.run_sync(kill)
                await anyio.sleep(KILL_GRACE)
        except anyio.get_cancelled_exc_class():
            if result is None:  # the sample is being stopped mid-command
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(kill)
            raise

    async with anyio.create_task_group() as tg:
        tg.start_soon(watchdog)
        tg.start_soon(runner, tg.cancel_scope)
    if timed_out:
        raise TimeoutError(f"command timed out after {timeout} s")
    assert result is not None
    return result


def _open_beneath(base: Path, relative: Path, flags: int, create_dirs: bool = False) -> int:
    """Open ``base/relative`` refusing symlinks in every component below ``base``.

    Opens without blocking (a FIFO must not hang the host) and refuses anything but a
    regular file.
    """
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
        last = os.open(relative.parts[-1], flags | os.O_NOFOLLOW | os.O_NONBLOCK, 0o644, dir_fd=fd)
    except OSError as ex:
        if ex.errno in (errno.ELOOP, errno.ENOTDIR):
            raise PermissionError(f"{relative}: symbolic links are not followed") from ex
        raise
    finally:
        os.close(fd)
    if not stat.S_ISREG(os.fstat(last).st_mode):
        os.close(last)
        raise PermissionError(f"{relative}: not a regular file")
    os.set_blocking(last, True)
    return last


def _read_beneath(base: Path, relative: Path) -> bytes:
    fd = _open_beneath(base, relative, os.O_RDONLY)
    with os.fdopen(fd, "rb") as f:
        if os.fstat(f.fileno()).st_size > SandboxEnvironmentLimits.MAX_READ_FILE_SIZE:
            raise OutputLimitExceededError(
                limit_str=SandboxEnvironmentLimits.MAX_READ_FILE_SIZE_STR, truncated_output=None
            )
        return f.read()


def _write_beneath(base: Path, relative: Path, data: bytes, owner: int | None = None) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    with os.fdopen(_open_beneath(base, relative, flags, create_dirs=True), "wb") as f:
        f.write(data)
        if owner is not None:
            os.fchown(f.fileno(), owner, owner)


def _link_data(data: Path, public: Path, description: Path) -> None:
    """``data/``: a link per top-level entry of public/, description.md -> ``description``."""
    data.mkdir()
    for entry in public.resolve().iterdir():
        if entry.name != "description.md":
            (data / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    (data / "description.md").symlink_to(description.resolve())
    data.chmod(0o555)


def _tree_state(public: Path) -> dict[str, tuple[int, int, int]]:
    """Name -> (size, mtime, mode) of everything under the public dir (links not followed)."""
    state: dict[str, tuple[int, int, int]] = {}
    top = public.resolve()
    for dirpath, dirnames, filenames in os.walk(top):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            try:
                st = os.lstat(path)
            except OSError:
                continue
            state[os.path.relpath(path, top)] = (st.st_size, st.st_mtime_ns, st.st_mode)
    return state


def _others_can_reach(path: Path) -> bool:
    """Whether a user with no relation to the owners can read ``path`` (and enter its dirs)."""
    try:
        mode = path.stat().st_mode
        if not mode & stat.S_IROTH or (path.is_dir() and not mode & stat.S_IXOTH):
            return False
        return all(parent.stat().st_mode & stat.S_IXOTH for parent in path.parents)
    except OSError:
        return False


def _free_uid() -> int:
    """A uid no account and no running process uses (drawn at random from a high range)."""
    import pwd

    in_use = {info.uid for info in _procs.scan(details=False).values()}
    for _ in range(100):
        uid = AGENT_UID_BASE + random.randrange(1 << 24)
        if uid in in_use:
            continue
        try:
            pwd.getpwuid(uid)
        except KeyError:
            return uid
    raise RuntimeError("mle_local: found no free uid for the sample")


class _NoDirectory:
    """Stands in for TemporaryDirectory: the workspace is removed by ``close()``."""

    def __init__(self, root: Path) -> None:
        self.name = str(root)

    def cleanup(self) -> None:
        pass


def _require_holder_user(user: str | None) -> None:
    """Inside the holder every command runs as its one user, uid 0 of its namespace.

    ``id -u`` there says ``0``, which Inspect's services then ask for by name, whoever runs
    the eval; Inspect's local exec would refuse ``0`` from a non-root caller, so no user is
    passed on. Any other user does not exist in the sandbox.
    """
    if user is not None and user not in ("0", "root"):
        raise SandboxUserUnsupportedError(f"mle_local cannot execute as {user!r}")
