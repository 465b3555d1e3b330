"""The local sandbox under bubblewrap: Docker's paths, no network, answers and host hidden."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from mle_inspect.competitions import get_competition
from mle_inspect.data import competition_paths, prepare_competition
from mle_inspect.sandboxes import bwrap
from mle_inspect.sandboxes.local import LocalSandboxConfig, MleLocalSandbox
from mle_inspect.sandboxes.paths import CANONICAL_PATHS
from mle_inspect.tasks import mle_bench

from ._probes import (
    COMPETITION,
    SLEEP_MARK,
    assert_nothing_leaked,
    copy_prepared,
    leftover_processes,
    plant_canary,
    run_probed,
)

WHY_NOT = bwrap.bwrap_available()
needs_bwrap = pytest.mark.skipif(WHY_NOT is not None, reason=f"bubblewrap unavailable: {WHY_NOT}")


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One small tabular demo competition, prepared once for this module."""
    root = tmp_path_factory.mktemp("isolation-data")
    prepare_competition(get_competition(COMPETITION), competition_paths(COMPETITION, root))
    return root


@pytest.fixture
def fake_public(tmp_path: Path) -> Path:
    paths = competition_paths("demo-digits", tmp_path / "data")
    paths.public.mkdir(parents=True)
    paths.private.mkdir(parents=True)
    (paths.public / "train.csv").write_text("id,y\n1,2\n")
    (paths.private / "answers.csv").write_text("id,y\n3,4\n")
    return paths.public


def _sandbox(public: Path, **config: object) -> MleLocalSandbox:
    cfg = LocalSandboxConfig(public_dir=str(public), competition_id="demo-digits", **config)
    envs = asyncio.run(MleLocalSandbox.sample_init("isolation-test", cfg, {}))
    return envs["default"].as_type(MleLocalSandbox)


def _cleanup(sandbox: MleLocalSandbox) -> None:
    asyncio.run(MleLocalSandbox.sample_cleanup("isolation-test", None, {"default": sandbox}, False))


@pytest.fixture
def isolated(fake_public: Path) -> Iterator[MleLocalSandbox]:
    sandbox = _sandbox(fake_public)
    yield sandbox
    _cleanup(sandbox)


def _run(sandbox: MleLocalSandbox, command: str) -> tuple[int, str]:
    result = asyncio.run(sandbox.exec(["bash", "-c", command]))
    return result.returncode, result.stdout + result.stderr


@needs_bwrap
def test_isolated_sandbox_has_dockers_paths(isolated: MleLocalSandbox, fake_public: Path) -> None:
    assert isolated.mle_paths == CANONICAL_PATHS
    code, out = _run(isolated, 'pwd; echo "$HOME"; cat /home/data/train.csv')
    assert code == 0 and out.split() == ["/home/workspace", "/home/agent", "id,y", "1,2"]
    code, _ = _run(isolated, "echo a,b > /home/submission/submission.csv")
    assert code == 0
    assert (isolated.root / "submission" / "submission.csv").read_text() == "a,b\n"
    assert asyncio.run(isolated.read_file("/home/submission/submission.csv")) == "a,b\n"


@needs_bwrap
def test_host_is_read_only_and_data_dir_home_and_tmp_are_hidden(
    isolated: MleLocalSandbox, fake_public: Path, tmp_path: Path
) -> None:
    code, out = _run(isolated, "touch /home/data/x")
    assert code != 0 and "Read-only" in out
    code, out = _run(isolated, "touch /usr/mle-inspect-probe")
    assert code != 0 and "Read-only" in out
    # the data dir (answers included) is not there at its host path, nor is anything in /tmp
    data_dir = fake_public.parent.parent.parent
    code, out = _run(isolated, f"ls -A {data_dir} {tmp_path} 2>&1; ls -A /tmp /root")
    assert "answers" not in out and "train.csv" not in out
    code, out = _run(isolated, f"cat {data_dir}/demo-digits/prepared/private/answers.csv")
    assert code != 0 and "3,4" not in out


@needs_bwrap
def test_background_processes_outlive_a_command_but_not_the_sample(fake_public: Path) -> None:
    sandbox = _sandbox(fake_public)
    try:
        code, _ = _run(sandbox, f"nohup sleep {SLEEP_MARK} > /dev/null 2>&1 &")
        assert code == 0
        code, out = _run(sandbox, f"ps -eo args | grep -c '^sleep {SLEEP_MARK}'")
        assert out.strip() == "1"
        # the sandbox sees only its own processes
        code, out = _run(sandbox, "ls /proc | grep -c '^[0-9]'")
        assert int(out.strip()) < 10
        assert leftover_processes()
    finally:
        _cleanup(sandbox)
    assert leftover_processes() == []
    assert not sandbox.root.exists()


@needs_bwrap
def test_agent_cannot_find_answers_or_reach_the_network_and_is_still_scored(
    prepared: Path, tmp_path: Path
) -> None:
    data = copy_prepared(prepared, tmp_path / "data")
    token = plant_canary(data)
    private = competition_paths(COMPETITION, data).private
    log = run_probed(
        mle_bench, token, private, tmp_path / "logs", competitions=COMPETITION, data_dir=str(data)
    )
    assert_nothing_leaked(log, token)
    assert leftover_processes() == []


def test_without_isolation_paths_are_host_dirs_and_a_warning_is_given(
    fake_public: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    sandbox = _sandbox(fake_public, isolation="none")
    try:
        assert sandbox.holder is None
        assert sandbox.mle_paths.data == str(sandbox.root / "data")
        assert "without isolation" in caplog.text
        code, out = _run(sandbox, 'cat "$MLE_DATA_DIR/train.csv"')
        assert code == 0 and "1,2" in out
    finally:
        _cleanup(sandbox)


def test_requiring_bwrap_where_it_is_disabled_fails_clearly(
    fake_public: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(bwrap.BWRAP_ENV, "0")
    bwrap.bwrap_available.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="isolation=bwrap"):
            _sandbox(fake_public, isolation="bwrap")
    finally:
        monkeypatch.delenv(bwrap.BWRAP_ENV)
        bwrap.bwrap_available.cache_clear()


def test_holder_shows_an_allow_list_never_the_host_root(fake_public: Path, tmp_path: Path) -> None:
    root = tmp_path / "sample"
    command = bwrap.holder_command(root, fake_public)
    pairs = list(zip(command, command[1:], command[2:], strict=False))
    binds = {(src, dst) for flag, src, dst in pairs if flag in ("--ro-bind", "--bind")}
    assert ("/", "/") not in binds
    sources = {Path(src) for src, _ in binds}
    # the data dir around the public dir, the host's home and /etc itself are not bound
    assert fake_public.parent not in sources and fake_public.parent.parent not in sources
    assert Path("/etc") not in sources and Path.home() not in sources
    assert (str(fake_public.resolve()), CANONICAL_PATHS.data) in binds


@needs_bwrap
def test_secrets_are_not_in_any_sandbox_process_environment(
    fake_public: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLE_TEST_API_KEY", "sekrit-4242")
    sandbox = _sandbox(fake_public)
    try:
        code, out = _run(sandbox, "env; cat /proc/[0-9]*/environ | tr '\\0' '\\n'")
        assert code == 0 and "MLE_DATA_DIR=/home/data" in out
        assert "sekrit-4242" not in out
    finally:
        _cleanup(sandbox)


@needs_bwrap
def test_host_reads_never_follow_an_agents_symlink_to_the_answers(
    isolated: MleLocalSandbox, fake_public: Path
) -> None:
    """The scorer reads submission.csv on the host: a link to the answers must not work."""
    answers = fake_public.parent / "private" / "answers.csv"
    code, _ = _run(isolated, f"ln -s {answers} /home/submission/submission.csv")
    assert code == 0
    with pytest.raises(PermissionError, match="symbolic links"):
        asyncio.run(isolated.read_file("/home/submission/submission.csv"))
    _run(isolated, f"rm /home/submission/submission.csv; ln -s {answers.parent} /home/submission/d")
    with pytest.raises(PermissionError):
        asyncio.run(isolated.read_file("/home/submission/d/answers.csv"))
    # `..` cannot climb from the public data to the private dir beside it either
    with pytest.raises(FileNotFoundError):
        asyncio.run(isolated.read_file("/home/data/../private/answers.csv"))


@needs_bwrap
def test_files_outside_the_bound_dirs_are_read_and_written_inside_the_sandbox(
    isolated: MleLocalSandbox,
) -> None:
    asyncio.run(isolated.write_file("/tmp/notes/a.bin", b"\x00\x01binary"))
    assert asyncio.run(isolated.read_file("/tmp/notes/a.bin", text=False)) == b"\x00\x01binary"
    code, out = _run(isolated, "od -An -c /tmp/notes/a.bin")
    assert "b   i   n" in out
    asyncio.run(isolated.write_file("relative/x.txt", "text"))
    assert (isolated.root / "workspace" / "relative" / "x.txt").read_text() == "text"
    with pytest.raises(FileNotFoundError):
        asyncio.run(isolated.read_file("/tmp/missing.txt"))


@pytest.mark.parametrize("missing", ["public", "description"])
def test_missing_inputs_fail_before_any_workspace_is_made(tmp_path: Path, missing: str) -> None:
    public = tmp_path / "prepared" / "public"
    if missing != "public":
        public.mkdir(parents=True)
    workspaces = tmp_path / "workspaces"
    workspaces.mkdir()
    config = LocalSandboxConfig(
        public_dir=str(public),
        competition_id=COMPETITION,
        workspace_root=str(workspaces),
        description_file=str(tmp_path / "absent.md") if missing == "description" else None,
        isolation="none",
    )
    with pytest.raises(FileNotFoundError, match=COMPETITION):
        MleLocalSandbox(config)
    assert list(workspaces.iterdir()) == []
