"""Isolation for the local sandbox with bubblewrap: Docker's paths, no network, host read-only.

One long-lived, namespaced ``sleep`` (the *holder*) is started per sample with ``bwrap``: new
user, mount, pid, network, ipc and uts namespaces, and a root that shows an allow-list: the
system dirs (``/usr``, ``/bin``, ``/lib*``, ``/sbin``) and what programs read from ``/etc``,
read-only; the interpreter in use, read-only; empty ``/tmp``, ``/var/tmp`` and ``/run``; the
competition's public data read-only at ``/home/data`` and the sample's writable directories
at ``/home/submission`` and the rest. Nothing else of the host is there: no home, data or
log dir, no ``/srv``, ``/mnt``, ``/media``, ``/opt``, and no host socket. Each command then joins
those namespaces with ``nsenter`` and drops every capability, so processes the agent starts
in the background keep running between commands (as in Docker) and all of them end when the
holder is killed at sample cleanup. ``/proc`` shows only the sandbox's processes, so the
agent cannot reach the host's files through ``/proc/<pid>/root`` either.
"""

from __future__ import annotations

import functools
import io
import json
import os
import shutil
import signal
import subprocess
import sys
from logging import getLogger
from pathlib import Path

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


SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
"""Shown read-only (or as the same symlink, on merged-/usr systems)."""
ETC_ENTRIES = (
    "passwd", "group", "nsswitch.conf", "hosts", "host.conf", "gai.conf", "protocols",
    "services", "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "ssl", "ca-certificates",
    "ca-certificates.conf", "pki", "alternatives", "localtime", "timezone", "mime.types",
    "os-release", "lsb-release", "debian_version", "profile", "profile.d", "bash.bashrc",
    "bashrc", "inputrc", "terminfo", "fonts", "locale.alias", "locale.conf", "magic",
    "matplotlibrc",
)  # fmt: skip
"""What programs read from /etc. Not /etc itself: it may hold shadow files, keys and
credentials of host services."""


def python_paths() -> list[Path]:
    """Read-only paths the interpreter in use needs when it lives outside ``/usr``.

    The venv (``sys.prefix``), the installation it was made from (``sys.base_prefix``, such
    as ``~/.pyenv/versions/3.11.7``) and the directory of the real executable, and nothing
    around them (not the home or the project they sit in).
    """
    paths: list[Path] = []
    candidates = {sys.prefix, sys.base_prefix, str(Path(sys.executable).resolve().parent.parent)}
    for prefix in sorted(candidates):
        real = Path(prefix).resolve()
        if not real.is_dir() or any(real.is_relative_to(d) for d in (Path("/usr"), *paths)):
            continue
        if real == Path("/"):
            continue
        paths = [p for p in paths if not p.is_relative_to(real)] + [real]
    return sorted(paths)


def system_args() -> list[str]:
    """Bwrap arguments showing the system the agent needs, read-only, and nothing else."""
    args: list[str] = []
    for name in SYSTEM_DIRS:
        path = Path(name)
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), name]
        elif path.is_dir():
            args += ["--ro-bind", name, name]
    for entry in ETC_ENTRIES:
        args += ["--ro-bind-try", f"/etc/{entry}", f"/etc/{entry}"]
    for path in python_paths():
        args += ["--ro-bind", str(path), str(path)]
    return args


def holder_command(root: Path, public: Path, description: Path | None = None) -> list[str]:
    """The bwrap command line of a sample's holder process: an allow-list of mounts.

    ``public`` is bound after resolving every symlink, so only the public dir itself is
    shown, never the prepared dir or data dir around it. ``description``, when given, is
    bound read-only over ``/home/data/description.md``.
    """
    args = [
        "bwrap",
        "--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
        "--unshare-cgroup-try", "--die-with-parent", "--new-session",
        # the empty dirs first: an interpreter that lives under /tmp (a venv in a checkout
        # there) is bound on top of them, not hidden by them
        "--tmpfs", "/tmp", "--tmpfs", "/var/tmp", "--tmpfs", "/run", "--dir", "/home",
        *system_args(),
    ]  # fmt: skip
    args += ["--ro-bind", str(public.resolve(strict=True)), CANONICAL_PATHS.data]
    if description is not None:
        args += ["--ro-bind", str(description.resolve()), f"{CANONICAL_PATHS.data}/description.md"]
    for name in ("submission", "code", "logs", "workspace"):
        args += ["--bind", str(root / name), getattr(CANONICAL_PATHS, name)]
    args += ["--bind", str(root / "home"), AGENT_HOME]
    args += ["--dev", "/dev", "--proc", "/proc"]
    gpus = sorted(Path("/dev").glob("nvidia*"))
    for device in [*gpus, Path("/dev/dri")]:
        args += ["--dev-bind-try", str(device), str(device)]
    if gpus:
        args += ["--ro-bind-try", "/sys", "/sys"]  # CUDA and nvidia-smi read the PCI tree
    args += ["--cap-drop", "ALL"]
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
        # the holder's own processes (bwrap's init and the sleep): all that a halt keeps
        from . import _procs

        self._holder_pids = _procs.with_descendants([self.pid], _procs.scan(details=False))

    def wrap(self, cmd: list[str], cwd: str) -> list[str]:
        """``cmd`` as run inside the namespaces, without capabilities, from ``cwd``."""
        return [
            "nsenter", f"--target={self.pid}", f"--user=/proc/{os.getpid()}/fd/{self._userns_fd}",
            *_NAMESPACES, "--preserve-credentials", "--root",
            "--", "setpriv", "--bounding-set=-all", "--inh-caps=-all", "--no-new-privs",
            "--", "sh", "-c", 'cd -- "$1" || exit 126; shift; exec "$@"', "sh", cwd, *cmd,
        ]  # fmt: skip

    def kill_all_but_holder(self) -> int:
        """Kill every process in the sandbox's pid namespace except the holder itself."""
        from . import _procs

        try:
            namespace = os.readlink(f"/proc/{self.pid}/ns/pid")
        except OSError:
            return 0  # the holder is gone, and every process with it
        keep = _procs.with_descendants([self.pid], _procs.scan(details=False))
        keep = {pid for pid in keep if pid in self._holder_pids}
        return _procs.kill_until_gone(
            lambda procs: {
                pid for pid, info in procs.items() if info.pid_ns == namespace and pid not in keep
            }
        )

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


def _read_json(stream: io.BufferedReader) -> str:
    """One JSON object from bwrap's info fd (it may stay open: stop at the closing brace)."""
    data = b""
    while not data.rstrip().endswith(b"}"):
        chunk = stream.read1(4096)
        if not chunk:
            break
        data += chunk
    return data.decode()
