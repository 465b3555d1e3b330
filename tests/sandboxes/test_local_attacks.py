"""Attacks on the local sandbox (issue 14 items 1, 2, 3, 5, 11, 12; issue 20 item 5).

Each test performs the attack, with bubblewrap and without it where it applies (``mode``).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from mle_inspect.data import competition_paths
from mle_inspect.sandboxes import bwrap
from mle_inspect.sandboxes.lifecycle import halt_agent
from mle_inspect.sandboxes.local import DataTampered, LocalSandboxConfig, MleLocalSandbox
from mle_inspect.sandboxes.options import THREAD_VARS

WHY_NOT = bwrap.bwrap_available()
MODES = ["bwrap", "none"]


def _skip_unless_possible(mode: str) -> None:
    if mode == "bwrap" and WHY_NOT is not None:
        print(f"skipping bwrap mode: {WHY_NOT}")
        pytest.skip(f"bubblewrap unavailable: {WHY_NOT}")


def _make_data(root: Path, cid: str = "demo-digits") -> Path:
    paths = competition_paths(cid, root)
    paths.public.mkdir(parents=True)
    paths.private.mkdir(parents=True)
    (paths.public / "train.csv").write_text("id,y\n1,2\n")
    (paths.public / "description.md").write_text("the real description\n")
    (paths.private / "answers.csv").write_text("id,y\n3,SECRET-ANSWER\n")
    return paths.public


def _open(public: Path, mode: str, tmp_path: Path, **config: object) -> MleLocalSandbox:
    _skip_unless_possible(mode)
    cfg = LocalSandboxConfig(
        public_dir=str(public),
        competition_id="demo-digits",
        isolation=mode,
        workspace_root=str(config.pop("workspace_root", tmp_path / "ws")),
        **config,
    )
    Path(cfg.workspace_root or "").mkdir(exist_ok=True)
    envs = asyncio.run(MleLocalSandbox.sample_init("attack-test", cfg, {}))
    return envs["default"].as_type(MleLocalSandbox)


def _close(sandbox: MleLocalSandbox) -> None:
    asyncio.run(MleLocalSandbox.sample_cleanup("attack-test", None, {"default": sandbox}, False))


def _sh(sandbox: MleLocalSandbox, command: str, timeout: int | None = 60) -> tuple[int, str]:
    result = asyncio.run(sandbox.exec(["bash", "-c", command], timeout=timeout))
    return result.returncode, result.stdout + result.stderr


def _processes_with(mark: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if mark.encode() in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def _wait_gone(mark: str, seconds: float = 5) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := _processes_with(mark)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


@pytest.fixture
def public(tmp_path: Path) -> Path:
    return _make_data(tmp_path / "data")


@pytest.fixture(params=MODES)
def sandbox(
    request: pytest.FixtureRequest, public: Path, tmp_path: Path
) -> Iterator[MleLocalSandbox]:
    box = _open(public, request.param, tmp_path)
    yield box
    _close(box)


# -- items 1 and 2: an allow-list of host files ---------------------------------------------


@pytest.fixture
def srv(tmp_path: Path) -> Iterator[Path]:
    """A dir under the real /srv where we may write (root), else a temp dir standing for it.

    /srv is outside every dir the old sandbox hid (/tmp, homes, the data dir): a file there
    is reachable unless the sandbox is an allow-list.
    """
    try:
        real = Path("/srv") / f"mle-inspect-test-{uuid.uuid4().hex[:12]}"
        real.mkdir()
    except OSError:
        yield tmp_path / "srv"
        return
    try:
        yield real
    finally:
        shutil.rmtree(real, ignore_errors=True)


@pytest.mark.parametrize("linked", ["prepared", "public"])
def test_symlinked_data_layout_does_not_expose_the_answers(
    tmp_path: Path, srv: Path, linked: str
) -> None:
    """Data on "another disk", linked into the data dir under names not ending in prepared/public."""
    _skip_unless_possible("bwrap")
    disk = srv / "disk2"
    layout = competition_paths("demo-digits", srv / "data")
    if linked == "prepared":
        real = disk / "digits-prepared"
        (real / "public").mkdir(parents=True)
        (real / "private").mkdir()
        layout.prepared.parent.mkdir(parents=True)
        layout.prepared.symlink_to(real, target_is_directory=True)
    else:
        real = disk / "digits-public"
        real.mkdir(parents=True)
        layout.private.mkdir(parents=True)
        layout.public.symlink_to(real, target_is_directory=True)
        (disk / "digits-private").mkdir()
        (disk / "digits-private" / "answers.csv").write_text("id,y\n3,SECRET-ANSWER\n")
    (layout.public / "train.csv").write_text("id,y\n1,2\n")
    (layout.private / "answers.csv").write_text("id,y\n3,SECRET-ANSWER\n")
    box = _open(layout.public, "bwrap", tmp_path)
    try:
        code, out = _sh(
            box,
            f"cat /home/data/train.csv; cat /home/data/../private/answers.csv;"
            f"cat {layout.private}/answers.csv {disk}/*/answers.csv {disk}/*/*/answers.csv;"
            f"grep -rs SECRET-ANSWER /home /tmp /var/tmp /run /root /srv /mnt /opt /work {srv}; true",
        )
        assert "1,2" in out and "SECRET-ANSWER" not in out, out
    finally:
        _close(box)


def test_earlier_logs_other_data_and_host_sockets_are_unreachable(
    public: Path, tmp_path: Path, srv: Path
) -> None:
    _skip_unless_possible("bwrap")
    logs = srv / "logs"  # an earlier run's log dir, outside the data dir
    logs.mkdir(parents=True)
    (logs / "2026-01-01_run.eval").write_text("KEPT-SUBMISSION-FROM-LOG")
    other = _make_data(srv / "copy-of-data")  # a second prepared copy elsewhere
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock_path = srv / "db.sock"  # a host service's socket
    server.bind(str(sock_path))
    server.listen(1)
    box = _open(public, "bwrap", tmp_path)
    try:
        connect = (
            'python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); '
            f"s.connect(sys.argv[1]); print('CONNECTED')\" {sock_path} 2>&1"
        )
        code, out = _sh(
            box,
            f"cat {logs}/*.eval; ls -A {other.parent}; {connect};"
            "find / -xdev \\( -path /proc -o -path /sys -o -path /usr \\) -prune -o "
            "\\( -name '*.eval' -o -name private -o -name '*.sock' \\) -print;"
            "ls -A /srv /mnt /media /opt 2>/dev/null; true",
        )
        assert "CONNECTED" not in out and "KEPT-SUBMISSION" not in out, out
        assert "SECRET-ANSWER" not in out and "private" not in out, out
        # the top level holds only what was allowed; the interpreter's dirs, nothing around
        code, top = _sh(box, "ls -A /")
        allowed = {"usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "etc", "tmp", "var"}
        allowed |= {"run", "home", "dev", "proc", "sys"}
        python_tops = {p.parts[1] for p in bwrap.python_paths()}
        assert set(top.split()) <= allowed | python_tops, top
        for path in bwrap.python_paths():
            # each parent of an interpreter dir shows only the way to it
            for parent in path.parents:
                if parent == Path("/"):
                    continue
                code, listing = _sh(box, f"ls -A {parent}")
                expected = {
                    p.relative_to(parent).parts[0]
                    for p in bwrap.python_paths()
                    if p.is_relative_to(parent) and p != parent
                }
                assert set(listing.split()) == expected, (parent, listing)
        code, etc = _sh(box, "ls -A /etc")
        assert "shadow" not in etc.split()
    finally:
        server.close()
        _close(box)


# -- item 3: an allow-listed environment ------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_host_secrets_never_reach_the_sandbox_but_named_variables_do(
    public: Path, tmp_path: Path, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = {
        "AZURE_OPENAI_KEY": "azure-4242",
        "DATABASE_URL": "postgres://u:pw-4242@db/x",
        "GITHUB_PAT": "ghp-4242",
    }
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("MLE_TEST_WANTED", "wanted-value")
    box = _open(public, mode, tmp_path, env_allow=("MLE_TEST_WANTED",))
    try:
        code, out = _sh(box, "env; cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n'")
        assert code == 0 and "MLE_DATA_DIR=" in out
        assert "4242" not in out, out
        assert "MLE_TEST_WANTED=wanted-value" in out
    finally:
        _close(box)


def test_env_allow_is_a_task_option_and_checked(tmp_path: Path) -> None:
    from mle_inspect.sandboxes.options import SandboxOptions

    assert SandboxOptions(env_allow="FOO, BAR").env_allow == ("FOO", "BAR")
    with pytest.raises(ValueError, match="not environment variable names"):
        SandboxOptions(env_allow="FOO,BAD-NAME")


# -- issue 19: thread pools sized to the sample's share ---------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_thread_pools_are_sized_to_the_samples_cpus(
    public: Path, tmp_path: Path, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OMP_NUM_THREADS", "64")  # a host setting must not leak in
    box = _open(public, mode, tmp_path, cpus=3)
    try:
        code, out = _sh(box, "env")
        for name in THREAD_VARS:
            assert f"{name}=3" in out.splitlines(), name
    finally:
        _close(box)
    box = _open(public, mode, tmp_path)
    try:
        code, out = _sh(box, 'echo "$OMP_NUM_THREADS"')
        cores = len(os.sched_getaffinity(0))
        # no limit: a share of the cores, counting at least two samples side by side
        assert int(out) == box.threads and 1 <= box.threads <= max(1, cores // 2)
    finally:
        _close(box)


# -- item 5: the shared data dir, and processes that hide ---------------------------------------


def test_without_bubblewrap_the_agent_cannot_overwrite_the_shared_data(
    public: Path, tmp_path: Path
) -> None:
    box = _open(public, "none", tmp_path)
    try:
        if box.agent_uid is None:
            pytest.skip("not root: writes are detected (see the tamper test), not prevented")
        code, out = _sh(
            box,
            'echo pwned > "$MLE_DATA_DIR/description.md"; echo pwned > "$MLE_DATA_DIR/new.csv";'
            f"echo pwned > {public}/description.md; rm -f {public}/train.csv;"
            f"cat {public.parent}/private/answers.csv > /dev/null; kill -9 {os.getpid()}",
        )
        assert code != 0
        assert (public / "description.md").read_text() == "the real description\n"
        assert sorted(p.name for p in public.iterdir()) == ["description.md", "train.csv"]
        asyncio.run(halt_agent(box))  # no tampering: no error
    finally:
        _close(box)


def test_a_changed_public_dir_fails_the_sample_loudly(public: Path, tmp_path: Path) -> None:
    box = _open(public, "none", tmp_path)
    try:
        (public / "description.md").write_text("rewritten while the sample ran\n")
        with pytest.raises(DataTampered, match="description.md"):
            asyncio.run(halt_agent(box))
    finally:
        _close(box)


@pytest.mark.parametrize("mode", MODES)
def test_a_detached_process_without_the_marker_is_killed_at_sample_end(
    public: Path, tmp_path: Path, mode: str
) -> None:
    box = _open(public, mode, tmp_path)
    if mode == "none" and box.agent_uid is None:
        _close(box)
        pytest.skip("not root: a process that drops the marker and detaches can escape")
    mark = f"{4000 + uuid.uuid4().int % 1000}.{uuid.uuid4().int % 10**6}"
    try:
        code, _ = _sh(
            box,
            f"(env -u MLE_INSPECT_SANDBOX_ID -u MLE_INSPECT_EXEC_ID setsid sleep {mark} "
            "</dev/null >/dev/null 2>&1 &); true",
        )
        assert code == 0
        time.sleep(0.3)
        assert _processes_with(mark), "the attack did not start"
    finally:
        _close(box)
    assert _wait_gone(mark) == []


# -- item 11: timeouts kill the whole tree ------------------------------------------------------


def test_a_timeout_returns_in_time_and_kills_the_tree_and_the_pipe_holder(
    sandbox: MleLocalSandbox,
) -> None:
    mark = f"{5000 + uuid.uuid4().int % 1000}.{uuid.uuid4().int % 10**6}"
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        # an orphan that keeps the output pipe open, plus the command itself
        asyncio.run(sandbox.exec(["bash", "-c", f"(setsid sleep {mark} &); sleep 40"], timeout=5))
    assert time.monotonic() - started < 10
    assert _wait_gone(mark) == []
    code, out = _sh(sandbox, "echo still usable")
    assert out.strip() == "still usable"


# -- item 12: a time limit mid-command, and what gets graded ------------------------------------


def test_a_cancelled_command_ends_promptly_and_halt_freezes_the_submission(
    sandbox: MleLocalSandbox,
) -> None:
    submission = Path(sandbox.host_paths.submission) / "submission.csv"
    inside = f"{sandbox.mle_paths.submission}/submission.csv"
    writer = f"(while true; do date +%s%N > {inside}; sleep 0.05; done &); sleep 300"

    async def limit_fires() -> float:
        started = time.monotonic()
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(sandbox.exec(["bash", "-c", writer]), 1.5)
        cancelled_in = time.monotonic() - started
        await halt_agent(sandbox)
        return cancelled_in

    assert asyncio.run(limit_fires()) < 6
    frozen = submission.read_text()
    assert frozen.strip(), "the writer never wrote"
    time.sleep(0.5)
    assert submission.read_text() == frozen  # nothing writes after the halt
    asyncio.run(halt_agent(sandbox))  # idempotent
    code, out = _sh(sandbox, "echo ok")
    assert out.strip() == "ok"


def test_halting_a_finished_sample_never_raises(public: Path, tmp_path: Path) -> None:
    box = _open(public, "bwrap" if WHY_NOT is None else "none", tmp_path)
    _close(box)
    asyncio.run(halt_agent(box))
    asyncio.run(halt_agent(box))


# -- host reads never follow links out of the sample's dirs --------------------------------------


def test_host_reads_of_the_submission_refuse_links_and_fifos(sandbox: MleLocalSandbox) -> None:
    answers = Path(sandbox.config.public_dir).parent / "private" / "answers.csv"
    sub = sandbox.mle_paths.submission
    _sh(sandbox, f"ln -s {answers} {sub}/submission.csv; mkfifo {sub}/pipe.csv")
    with pytest.raises(PermissionError):
        asyncio.run(sandbox.read_file(f"{sub}/submission.csv"))
    with pytest.raises(PermissionError):
        asyncio.run(asyncio.wait_for(sandbox.read_file(f"{sub}/pipe.csv"), 5))


# -- issue 20 item 5: cleanup always removes the workspace ----------------------------------------


@pytest.mark.parametrize("failing", ["holder", "kill", "tools"])
def test_cleanup_removes_the_workspace_even_when_a_step_fails(
    public: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    mode = "bwrap" if failing == "holder" else "none"
    box = _open(public, mode, tmp_path)
    root = box.root

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError(f"{failing} failed")

    if failing == "holder":
        assert box.holder is not None
        real_stop = box.holder.stop
        monkeypatch.setattr(box.holder, "stop", boom)
    elif failing == "kill":
        monkeypatch.setattr(box, "_kill_all", boom)
    else:
        box._sandbox_tools_used = True
        monkeypatch.setattr(box, "_stop_sandbox_tools", boom)
    if failing == "tools":
        _close(box)  # a tools server that will not stop is logged, not raised
    else:
        with pytest.raises(OSError, match=failing):
            _close(box)
    assert not root.exists()
    if failing == "holder":
        real_stop()


# -- item 13: interrupting, and what dead runs leave behind ---------------------------------------

_EVAL_SCRIPT = """
import sys
from inspect_ai import Task, eval
from inspect_ai.dataset import Sample
from inspect_ai.solver import solver
from inspect_ai.util import SandboxEnvironmentSpec, sandbox
from mle_inspect.sandboxes.local import LocalSandboxConfig

public, workspaces, mark = sys.argv[1:4]

@solver
def busy():
    async def solve(state, generate):
        await sandbox().exec(["bash", "-c", f"(setsid sleep {mark} &); sleep {mark}"])
        return state
    return solve

spec = SandboxEnvironmentSpec(
    "mle_local",
    LocalSandboxConfig(public_dir=public, competition_id="demo-digits", workspace_root=workspaces),
)
samples = [Sample(id=i, input="x", sandbox=spec) for i in range(6)]
eval(Task(dataset=samples, solver=busy()), model="none/none", max_samples=2,
     log_dir=sys.argv[4], display="none")
"""


@pytest.mark.parametrize("mode", MODES)
def test_sigint_stops_the_eval_within_ten_seconds_and_leaves_nothing(
    public: Path, tmp_path: Path, mode: str
) -> None:
    import signal
    import subprocess
    import sys

    _skip_unless_possible(mode)
    workspaces = tmp_path / "ws"
    workspaces.mkdir()
    mark = f"{6000 + uuid.uuid4().int % 1000}.{uuid.uuid4().int % 10**6}"
    script = tmp_path / "run_eval.py"
    script.write_text(_EVAL_SCRIPT)
    env = {**os.environ, bwrap.BWRAP_ENV: "1" if mode == "bwrap" else "0"}
    process = subprocess.Popen(
        [sys.executable, str(script), str(public), str(workspaces), mark, str(tmp_path / "logs")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while len(_processes_with(mark)) < 4 and time.monotonic() < deadline:
            time.sleep(0.2)  # two samples running, each with its command and an orphan
        assert len(_processes_with(mark)) >= 4, process.stdout.read() if process.stdout else ""
        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        elapsed = time.monotonic() - started
        print(f"exited {elapsed:.1f} s after SIGINT")
        assert elapsed < 10
    finally:
        if process.poll() is None:
            process.kill()
    assert _wait_gone(mark) == []
    assert list(workspaces.iterdir()) == []


def test_stale_workspaces_of_dead_runs_are_removed_and_live_ones_kept(
    public: Path, tmp_path: Path
) -> None:
    import subprocess
    import sys

    from mle_inspect.sandboxes import _workspace

    workspaces = tmp_path / "ws"
    workspaces.mkdir()
    dead = workspaces / "mle-demo-digits-dead"
    (dead / "submission").mkdir(parents=True)
    owner = "999999999\n"  # a pid no process has
    mark = f"{7000 + uuid.uuid4().int % 1000}.{uuid.uuid4().int % 10**6}"
    if os.geteuid() == 0:  # the dead run's agent left a process under the sample's uid
        uid = 0x70000000 + uuid.uuid4().int % (1 << 24)
        owner += f"uid={uid}\n"
        subprocess.Popen(
            ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "sleep", mark],
            start_new_session=True,
        )
        time.sleep(0.2)
        assert _processes_with(mark)
    (dead / _workspace.OWNER_FILE).write_text(owner)
    unowned = workspaces / "mle-something-else"  # not made by us: never touched
    unowned.mkdir()
    # a live run elsewhere: another process holds its workspace's lock
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from mle_inspect.sandboxes._workspace import Workspace;"
            "w = Workspace(sys.argv[1], 'demo-digits'); print(w.path, flush=True); time.sleep(60)",
            str(workspaces),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        live = Path(holder.stdout.readline().strip())
        box = _open(public, "none", tmp_path, workspace_root=workspaces)
        _close(box)
        assert not dead.exists()
        assert live.is_dir() and unowned.is_dir()
        assert _wait_gone(mark) == []
    finally:
        holder.kill()
        holder.wait()
