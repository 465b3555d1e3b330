"""Isolation for the local sandbox with bubblewrap: Docker's paths, no network, host read-only.

One long-lived, namespaced ``sleep`` (the *holder*) is started per sample with ``bwrap``: new
user, mount, pid, network, ipc and uts namespaces; the host's root bound read-only; ``/tmp``,
``/run``, ``/home``, the user's home, the data dir and the workspace root covered by empty
tmpfs mounts; the competition's public data bound read-only at ``/home/data`` and the
sample's writable directories at ``/home/submission`` and the rest. Each command then joins
those namespaces with ``nsenter`` and drops every capability, so processes the agent starts
in the background keep running between commands (as in Docker) and all of them end when the
holder is killed at sample cleanup. ``/proc`` shows only the sandbox's processes, so the
agent cannot reach the host's files through ``/proc/<pid>/root`` either.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterable
from logging import getLogger
from pathlib import Path
from typing import BinaryIO

from .paths import CANONICAL_PATHS

logger = getLogger(__name__)

BWRAP_ENV = "MLE_INSPECT_BWRAP"
"""Set to ``0`` to run the local sandbox without bubblewrap even where it works."""
AGENT_HOME = "/home/agent"
READY = b"mle-inspect-sandbox-ready\n"
_HOLD = f"printf '{READY.decode().strip()}\\n'; exec sleep infinity"
_NAMESPACES = ("--mount", "--pid", "--net", "--ipc", "--uts")
_NS_GET_USERNS = 0xB701  # ioctl: the user namespace owning a namespace (linux/nsfs.h)


@functools.cache
def bwrap_available() -> str | None:
    """Why bubblewrap cannot isolate here (None when it can): missing, disabled or failing."""
    if os.environ.get(BWRAP_ENV, "").strip().lower() in ("0", "false", "no", "off"):
        return f"disabled by {BWRAP_ENV}"
    if sys.platform != "linux":
        return "bubblewrap needs Linux"
    missing = [tool for tool in ("bwrap", "nsenter", "setpriv") if shutil.which(tool) is None]
    if missing:
        return f"not installed: {', '.join(missing)} (apt-get install bubblewrap util-linux)"
    # the real thing in miniature: a holder, and one command joining its namespaces
    probe = [
        "bwrap", "--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc",
        "--unshare-uts", "--die-with-parent", "--ro-bind", "/", "/", "--proc", "/proc",
        "--dev", "/dev", "--", "sh", "-c", _HOLD,
    ]  # fmt: skip
    holder = None
    try:
        holder = Holder(probe, env=dict(os.environ))
        result = subprocess.run(
            holder.wrap(["true"], "/"), capture_output=True, text=True, timeout=20
        )
    except (OSError, RuntimeError, subprocess.TimeoutExpired) as ex:
        return f"bwrap cannot create namespaces here: {str(ex)[:300]}"
    finally:
        if holder is not None:
            holder.stop()
    if result.returncode != 0:
        return f"cannot join bwrap's namespaces: {result.stderr.strip()[:300]}"
    return None


def hidden_paths(data_dir: Path | None, workspace_root: Path) -> list[Path]:
    """Host directories covered by an empty tmpfs: other samples, answers, homes, sockets."""
    candidates = [
        Path("/tmp"),
        Path("/var/tmp"),
        Path("/run"),
        Path("/home"),
        Path("/root"),
        Path.home(),
        workspace_root,
        *([data_dir] if data_dir is not None else []),
    ]
    hidden: list[Path] = []
    for path in candidates:
        try:
            real = path.resolve()
        except OSError:
            continue
        if real.is_dir() and real != Path("/") and real not in hidden:
            hidden.append(real)
    # a covered parent hides its children already; keep the list short and ordered
    return [p for p in hidden if not any(p != q and p.is_relative_to(q) for q in hidden)]


def exposed_paths() -> list[Path]:
    """Read-only paths the sandbox needs even when they sit under a hidden directory."""
    paths: list[Path] = []
    for prefix in {sys.prefix, sys.base_prefix, str(Path(sys.executable).resolve().parent.parent)}:
        real = Path(prefix).resolve()
        if real.is_dir() and real != Path("/") and real not in paths:
            paths.append(real)
    return sorted(paths)


def holder_command(
    root: Path,
    public: Path,
    hidden: Iterable[Path],
    exposed: Iterable[Path],
    description: Path | None = None,
) -> list[str]:
    """The bwrap command line of a sample's holder process.

    ``description``, when given, is bound read-only over ``/home/data/description.md``.
    """
    args = [
        "bwrap",
        "--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
        "--unshare-cgroup-try", "--die-with-parent", "--new-session",
        "--ro-bind", "/", "/",
    ]  # fmt: skip
    for path in hidden:
        args += ["--tmpfs", str(path)]
    for path in exposed:
        args += ["--ro-bind", str(path), str(path)]
    args += ["--ro-bind", str(public.resolve()), CANONICAL_PATHS.data]
    if description is not None:
        args += ["--ro-bind", str(description.resolve()), f"{CANONICAL_PATHS.data}/description.md"]
    for name in ("submission", "code", "logs", "workspace"):
        args += ["--bind", str(root / name), getattr(CANONICAL_PATHS, name)]
    args += ["--bind", str(root / "home"), AGENT_HOME]
    for device in sorted(Path("/dev").glob("nvidia*")) + [Path("/dev/dri")]:
        args += ["--dev-bind-try", str(device), str(device)]
    args += ["--dev", "/dev", "--proc", "/proc", "--cap-drop", "ALL"]
    args += ["--chdir", CANONICAL_PATHS.workspace, "--"]
    args += ["sh", "-c", _HOLD]
    return args


class Holder:
    """The sample's namespaces, kept alive by one sleeping process."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self._userns_fd = -1
        info_read, info_write = os.pipe()
        try:
            self._process = subprocess.Popen(
                [command[0], "--info-fd", str(info_write), *command[1:]],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                pass_fds=(info_write,),
            )
        finally:
            os.close(info_write)
        with os.fdopen(info_read, "rb") as info:
            assert self._process.stdout is not None
            # the holder prints only once every mount is in place: joining earlier would see a
            # half-built root
            line = self._process.stdout.readline()
            if line != READY:
                self._process.kill()
                _, err = self._process.communicate(timeout=10)
                raise RuntimeError(
                    f"bubblewrap sandbox failed to start: {err.decode(errors='replace')}"
                )
            # bwrap writes {"child-pid": N, ...}: the host pid of the sandbox's pid 1
            self.pid = int(json.loads(_read_json(info))["child-pid"])
        # Unprivileged bwrap nests a second user namespace inside the one that owns the other
        # namespaces, and joining the nested one gives no right to join those: join the owner
        # of the network namespace instead (kept open here, handed to nsenter by path).
        self._userns_fd = _owning_userns(f"/proc/{self.pid}/ns/net")

    def wrap(self, cmd: list[str], cwd: str) -> list[str]:
        """``cmd`` as run inside the namespaces, without capabilities, from ``cwd``."""
        return [
            "nsenter", f"--target={self.pid}", f"--user=/proc/{os.getpid()}/fd/{self._userns_fd}",
            *_NAMESPACES, "--preserve-credentials", "--root",
            "--", "setpriv", "--bounding-set=-all", "--inh-caps=-all", "--no-new-privs",
            "--", "sh", "-c", 'cd -- "$1" || exit 126; shift; exec "$@"', "sh", cwd, *cmd,
        ]  # fmt: skip

    def stop(self) -> None:
        """Kill the holder: every process in its pid namespace dies with it."""
        if self._process.poll() is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._process.kill()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            logger.warning("bubblewrap holder %d did not exit", self._process.pid)
        for stream in (self._process.stdout, self._process.stderr):
            if stream is not None:
                stream.close()
        if self._userns_fd >= 0:
            os.close(self._userns_fd)
            self._userns_fd = -1


def _owning_userns(namespace: str) -> int:
    """An fd of the user namespace that owns ``namespace`` (a ``/proc/<pid>/ns/...`` path)."""
    import fcntl

    fd = os.open(namespace, os.O_RDONLY | os.O_CLOEXEC)
    try:
        return fcntl.ioctl(fd, _NS_GET_USERNS)
    finally:
        os.close(fd)


def _read_json(stream: BinaryIO) -> str:
    """One JSON object from bwrap's info fd (it may stay open: stop at the closing brace)."""
    data = b""
    while not data.rstrip().endswith(b"}"):
        chunk = stream.read1(4096)
        if not chunk:
            break
        data += chunk
    return data.decode()
