"""Per-sample shares in the local sandbox: disjoint CPU sets, a memory cap whose OOM kills only
the sample's process, GPUs from a pool; and what the sample got, on record."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from inspect_ai import eval as inspect_eval
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import sandbox

from mle_inspect.sandboxes import _allot, docker_env, resources
from mle_inspect.sandboxes.local import LocalSandboxConfig, MleLocalSandbox
from mle_inspect.tasks import mle_bench
from mle_inspect.tasks._hardware import Hardware

from ..tasks._full_split import build_prepared_dir

COMPETITION = "spaceship-titanic"


def _cgroups_unavailable() -> str | None:
    """Why no per-sample cgroup can be made here (None: they can)."""
    group, why = _allot.Cgroup.create(f"probe-{os.getpid()}", 2**26, None)
    if group is not None:
        group.remove()
    return why


WHY_NO_CGROUP = _cgroups_unavailable()
needs_cgroups = pytest.mark.skipif(
    WHY_NO_CGROUP is not None, reason=f"per-sample cgroups unavailable: {WHY_NO_CGROUP}"
)
if WHY_NO_CGROUP is not None:
    print(f"test_allotment: cgroup tests skipped: {WHY_NO_CGROUP}")


@pytest.fixture(autouse=True)
def fresh_pools(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_allot, "_pools", {})


@pytest.fixture
def public(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "x" / "prepared" / "public"
    path.mkdir(parents=True)
    return path


def _open(public: Path, **config: object) -> MleLocalSandbox:
    cfg = LocalSandboxConfig(public_dir=str(public), competition_id="x", **config)
    return asyncio.run(MleLocalSandbox.sample_init("allot", cfg, {}))["default"].as_type(
        MleLocalSandbox
    )


def _close(*sandboxes: MleLocalSandbox) -> None:
    for box in sandboxes:
        asyncio.run(MleLocalSandbox.sample_cleanup("allot", None, {"default": box}, False))


def _out(box: MleLocalSandbox, script: str) -> str:
    result = asyncio.run(box.exec(["sh", "-c", script]))
    assert result.success, result.stderr
    return result.stdout.strip()


# -- pools -------------------------------------------------------------------------------------


def test_a_pool_hands_out_disjoint_sets_and_takes_them_back() -> None:
    pool = _allot.IdPool(["0", "1", "2", "3"])
    first, second = pool.take(2), pool.take(1)
    assert first == ("0", "1") and second == ("2",)
    assert pool.take(2) is None and pool.free == 1  # a refused request takes nothing
    pool.give(first or ())
    assert pool.take(3) == ("0", "1", "3")


def test_whole_cpus_are_pinned_for_a_fractional_request() -> None:
    assert [_allot.cpu_count_for(c) for c in (0.5, 1, 2.5, 4)] == [1, 1, 3, 4]


def test_concurrent_samples_get_their_own_gpus_from_the_pool(
    public: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(resources.GPU_ENV, "0,1,2,3")
    a, b = _open(public, gpus=2), _open(public, gpus=2)
    try:
        seen = {_out(box, 'echo "$CUDA_VISIBLE_DEVICES"') for box in (a, b)}
        assert seen == {"0,1", "2,3"}
        with pytest.raises(RuntimeError, match="GPU"):  # the pool is empty: never shared
            _open(public, gpus=1)
    finally:
        _close(a, b)
    c = _open(public, gpus=4)  # released at cleanup: all four are free again
    try:
        assert _out(c, 'echo "$CUDA_VISIBLE_DEVICES"') == "0,1,2,3"
    finally:
        _close(c)


def test_docker_samples_reserve_gpu_ids_not_a_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mle_inspect.sandboxes.compose import compose_file
    from mle_inspect.sandboxes.options import SandboxOptions

    monkeypatch.setenv("MLE_INSPECT_SANDBOX_DIR", str(tmp_path / "specs"))
    monkeypatch.setenv(resources.GPU_ENV, "0,1,2")
    public = tmp_path / "c" / "prepared" / "public"
    public.mkdir(parents=True)
    spec = str(compose_file(public, "c", SandboxOptions(gpus=1)))
    taken = [docker_env._assign_gpus(spec) for _ in range(3)]
    ids = []
    for path, gpu_ids, requested in taken:
        devices = yaml.safe_load(Path(path).read_text())["services"]["default"]["deploy"]
        device = devices["resources"]["reservations"]["devices"][0]
        assert "count" not in device and device["device_ids"] == list(gpu_ids)
        assert requested == 1
        ids += gpu_ids
    assert sorted(ids) == ["0", "1", "2"]
    with pytest.raises(RuntimeError, match="GPU"):
        docker_env._assign_gpus(spec)


# -- CPU and memory ----------------------------------------------------------------------------


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two CPUs")
def test_two_concurrent_samples_run_on_disjoint_cpu_sets(public: Path) -> None:
    a, b = _open(public, cpus=1), _open(public, cpus=1)
    try:
        sets = [_out(box, "grep Cpus_allowed_list /proc/self/status | cut -f2") for box in (a, b)]
        threads = [_out(box, 'echo "$OMP_NUM_THREADS"') for box in (a, b)]
    finally:
        _close(a, b)
    assert sets[0] != sets[1] and all(s.isdigit() for s in sets)
    assert threads == ["1", "1"]  # thread pools match the pinned set


@needs_cgroups
@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two CPUs")
def test_the_cpu_set_is_enforced_the_agent_cannot_widen_it(public: Path) -> None:
    box = _open(public, cpus=1)
    try:
        mine = _out(box, "grep Cpus_allowed_list /proc/self/status | cut -f2")
        after = _out(
            box,
            "taskset -c -p 0-63 $$ >/dev/null 2>&1; grep Cpus_allowed_list /proc/self/status | cut -f2",
        )
    finally:
        _close(box)
    assert after == mine  # the cpuset cgroup clips the wider mask back to the sample's CPU


@needs_cgroups
def test_an_oom_kills_only_the_samples_process_and_the_sandbox_goes_on(public: Path) -> None:
    box = _open(public, memory="64m")
    try:
        assert box.cgroup is not None
        result = asyncio.run(
            box.exec(["python3", "-c", "b = bytearray(400 * 2**20); print('survived')"])
        )
        assert result.returncode in (-9, 137) and "survived" not in result.stdout
        assert box.cgroup.oom_kills() >= 1
        assert _out(box, "echo still here") == "still here"
        cgroup_dirs = list(box.cgroup.dirs)
    finally:
        _close(box)
    assert not any(d.exists() for d in cgroup_dirs)  # removed at sample end


def test_without_cgroups_one_warning_is_given(
    public: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(_allot, "CGROUP_ROOT", public.parent / "no-cgroup-fs")
    monkeypatch.setattr(_allot, "_warned", set())
    with caplog.at_level(logging.WARNING):
        boxes = [_open(public, memory="64m") for _ in range(3)]
    try:
        assert all(box.cgroup is None for box in boxes)
        assert not boxes[0].allotment()["memory_enforced"]
    finally:
        _close(*boxes)
    warnings = [r for r in caplog.records if "memory cap" in r.getMessage()]
    assert len(warnings) == 1


# -- a whole sample: scored after an OOM, its hardware on record --------------------------------


@solver
def _hog_then_submit() -> Solver:
    async def solve(state: TaskState, generate: Generate) -> TaskState:
        box = sandbox()
        hog = await box.exec(["python3", "-c", "b = bytearray(400 * 2**20)"])
        state.store.set("hog_returncode", hog.returncode)
        sample = state.metadata["sample_submission_public"]
        await box.exec(
            ["sh", "-c", f'cp "$MLE_DATA_DIR/{sample}" "$MLE_SUBMISSION_DIR/submission.csv"']
        )
        return state

    return solve


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield build_prepared_dir(tmp_path_factory.mktemp("allot-data"), [COMPETITION])


@needs_cgroups
def test_after_an_oom_the_sample_is_scored_and_its_allotment_is_recorded(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv(resources.GPU_ENV, "7")  # a GPU id with no GPU behind it
    task = mle_bench(
        competitions=COMPETITION,
        data_dir=str(data_dir),
        solver=_hog_then_submit(),
        time_limit=300,
        cpus=1,
        memory="128m",
        gpus=1,
    )
    with caplog.at_level(logging.WARNING):
        [log] = inspect_eval(task, model="none/none", log_dir=str(tmp_path), display="none")
    assert log.status == "success", log.error
    [sample] = log.samples or []
    assert sample.store["hog_returncode"] in (-9, 137)
    assert sample.scores and sample.scores["mle_scorer"].value["valid_submission"] == 1.0
    hardware = sample.metadata["hardware"]
    assert hardware["sandbox"] == "local" and hardware["cpu_set"].isdigit()
    assert hardware["allotment"]["memory_limit"] == "128m"
    assert hardware["allotment"]["memory_enforced"] is True
    assert hardware["allotment"]["gpus_assigned"] == "7"
    assert hardware["gpus_requested"] == 1 and hardware["gpus_usable"] == 0
    assert "none is usable" in hardware["gpu_warning"]
    assert any("none is usable" in r.getMessage() for r in caplog.records)
    line = Hardware.model_validate(hardware).describe()  # as `mle-inspect report` shows it
    assert "pinned to" in line and "128m RAM limit" in line and "none usable" in line
