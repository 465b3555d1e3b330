"""The docker sandbox end to end (needs an engine and the agent image; `.ci/run` provides both).

Set ``MLE_INSPECT_REQUIRE_DOCKER=1`` to turn the skips into failures (CI does, so that the
docker stage cannot pass by skipping).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from mle_inspect.competitions import get_competition
from mle_inspect.data import competition_paths, prepare_competition
from mle_inspect.sandboxes.options import DEFAULT_IMAGE
from mle_inspect.tasks import mle_bench

from ._probes import (
    COMPETITION,
    assert_nothing_leaked,
    copy_prepared,
    leftover_processes,
    plant_canary,
    run_probed,
)

pytestmark = pytest.mark.docker
FAST = ("demo-tumor-diagnosis", "demo-wine-cultivars")


@functools.cache
def _why_not() -> str | None:
    if shutil.which("docker") is None:
        return "the docker CLI is not on PATH"
    version = subprocess.run(
        ["docker", "version", "--format", "{{.Server.Version}}"], capture_output=True, text=True
    )
    if version.returncode != 0:
        return f"no Docker engine reachable ({version.stderr.strip()[:200]})"
    image = subprocess.run(["docker", "image", "inspect", DEFAULT_IMAGE], capture_output=True)
    if image.returncode != 0:
        return f"image {DEFAULT_IMAGE} not built (mle-inspect build-image)"
    return None


def _check_docker() -> None:
    why = _why_not()
    if why is not None:
        if os.environ.get("MLE_INSPECT_REQUIRE_DOCKER") == "1":
            pytest.fail(f"docker tests required but {why}")
        pytest.skip(why)


@pytest.fixture(autouse=True)
def _needs_docker(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _check_docker()
    monkeypatch.setenv("MLE_INSPECT_SANDBOX_DIR", str(tmp_path / "sandboxes"))


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _check_docker()  # before the (slower) preparation
    root = tmp_path_factory.mktemp("docker-data")
    for cid in FAST:
        prepare_competition(get_competition(cid), competition_paths(cid, root))
    return root


def _containers(compose_dir: Path) -> list[str]:
    """Containers (running or not) made from the compose files in ``compose_dir``."""
    out = subprocess.run(
        ["docker", "ps", "-aq", "--no-trunc"], capture_output=True, text=True, check=True
    ).stdout.split()
    found = []
    for cid in out:
        labels = json.loads(
            subprocess.run(
                ["docker", "inspect", "--format", "{{json .Config.Labels}}", cid],
                capture_output=True,
                text=True,
            ).stdout
            or "{}"
        )
        if str(compose_dir) in (labels or {}).get("com.docker.compose.project.config_files", ""):
            found.append(cid)
    return found


def test_baseline_in_docker_scores_like_it_does_locally(prepared: Path, tmp_path: Path) -> None:
    from inspect_ai import eval as inspect_eval
    from inspect_ai.log import read_eval_log

    from mle_inspect.solvers import baseline

    scores = {}
    for sandbox in ("docker", "local"):
        task = mle_bench(
            competitions=",".join(FAST),
            data_dir=str(prepared),
            sandbox=sandbox,
            solver=baseline(),
            cpus=1,
            memory="2g",
        )
        [log] = inspect_eval(
            task, model="none/none", log_dir=str(tmp_path / sandbox), display="none"
        )
        assert log.status == "success", log.error
        log = read_eval_log(log.location)
        scores[sandbox] = {str(s.id): s.scores["mle_scorer"] for s in log.samples or []}
    assert set(scores["docker"]) == set(FAST)
    for cid in FAST:
        docker, local = scores["docker"][cid], scores["local"][cid]
        assert docker.value["valid_submission"] == local.value["valid_submission"] == 1.0
        # same program, seed and data; library versions in the image may differ slightly
        assert docker.metadata["score"] == pytest.approx(local.metadata["score"], rel=0.02), cid
    assert _containers(tmp_path / "sandboxes") == []


def test_agent_cannot_reach_answers_network_or_data_and_limits_hold(
    prepared: Path, tmp_path: Path
) -> None:
    data = copy_prepared(prepared, tmp_path / "data")
    token = plant_canary(data)
    private = competition_paths(COMPETITION, data).private
    extra = {
        "whoami": "id -un",
        "write_data": "touch /home/data/x 2>&1",
        "write_submission_dir": "touch /home/submission/probe && echo ok",
        # cgroup v2 files, else v1's
        "cpu_max": "cat /sys/fs/cgroup/cpu.max 2>/dev/null || echo "
        "$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us) $(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)",
        "memory_max": "cat /sys/fs/cgroup/memory.max 2>/dev/null || "
        "cat /sys/fs/cgroup/memory/memory.limit_in_bytes",
        # 1.5 GB against a 1 GB limit (and no swap): the kernel kills it
        "allocate": "python3 -c \"b = bytearray(1536 * 2**20); b[::4096] = b'x' * len(b[::4096]); print('ALLOCATED')\" 2>&1",
    }
    log = run_probed(
        mle_bench,
        token,
        private,
        tmp_path / "logs",
        extra,
        competitions=COMPETITION,
        data_dir=str(data),
        sandbox="docker",
        cpus=1,
        memory="1g",
    )
    probes = assert_nothing_leaked(log, token)
    assert probes["whoami"]["stdout"].strip() == "agent"
    assert probes["write_data"]["returncode"] != 0 and "Read-only" in probes["write_data"]["stdout"]
    assert probes["write_submission_dir"]["stdout"].strip() == "ok"
    assert probes["cpu_max"]["stdout"].split() == ["100000", "100000"]
    assert int(probes["memory_max"]["stdout"]) == 2**30
    assert "ALLOCATED" not in probes["allocate"]["stdout"] and probes["allocate"]["returncode"] != 0
    # the container, and the process the agent left in it, are gone after the sample
    assert _containers(tmp_path / "sandboxes") == []
    assert leftover_processes() == []


def test_halt_agent_kills_detached_processes_and_named_variables_pass(
    prepared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A detached writer keeps rewriting the submission; after halt_agent nothing runs."""
    from inspect_ai import eval as inspect_eval
    from inspect_ai.log import read_eval_log
    from inspect_ai.solver import Generate, Solver, TaskState, solver
    from inspect_ai.util import sandbox, store

    from mle_inspect.sandboxes.lifecycle import halt_agent

    monkeypatch.setenv("MLE_TEST_WANTED", "wanted-value")
    monkeypatch.setenv("AZURE_OPENAI_KEY", "azure-4242")

    @solver
    def attack() -> Solver:
        async def solve(state: TaskState, generate: Generate) -> TaskState:
            box = sandbox()
            writer = (
                "(setsid sh -c 'while true; do date +%s%N > /home/submission/submission.csv; "
                "sleep 0.05; done' </dev/null >/dev/null 2>&1 &); echo started"
            )
            await box.exec(["sh", "-c", writer])
            env = await box.exec(["env"])
            await halt_agent(box)
            before = await box.read_file("/home/submission/submission.csv")
            await box.exec(["sleep", "0.5"])
            after = await box.read_file("/home/submission/submission.csv")
            ps = await box.exec(["sh", "-c", "ps -eo args= 2>/dev/null || ls /proc"])
            store().set("probe", {"env": env.stdout, "same": before == after, "ps": ps.stdout})
            return state

        return solve

    task = mle_bench(
        competitions=COMPETITION,
        data_dir=str(prepared),
        sandbox="docker",
        solver=attack(),
        env_allow="MLE_TEST_WANTED",
    )
    [log] = inspect_eval(task, model="none/none", log_dir=str(tmp_path / "logs"), display="none")
    assert log.status == "success", log.error
    [sample] = read_eval_log(log.location).samples or []
    probe = sample.store["probe"]
    assert probe["same"], probe
    assert "while true" not in probe["ps"], probe["ps"]
    assert "MLE_TEST_WANTED=wanted-value" in probe["env"] and "4242" not in probe["env"]
