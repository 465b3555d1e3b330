"""How many samples run at once by default: the machine divided by the per-sample request."""

from __future__ import annotations

import pytest

from mle_inspect.sandboxes import resources
from mle_inspect.sandboxes.docker_env import MleDockerSandbox
from mle_inspect.sandboxes.local import MleLocalSandbox
from mle_inspect.sandboxes.resources import Machine, ResourceRequest, concurrency

GIB = 2**30


def _machine(cpus: int = 16, memory_gb: int = 64, gpus: int = 0) -> Machine:
    return Machine(
        cpu_ids=tuple(range(cpus)),
        memory_bytes=memory_gb * GIB,
        gpu_ids=tuple(str(i) for i in range(gpus)),
    )


def test_sixteen_cpus_with_four_per_sample_run_four_samples() -> None:
    assert concurrency(ResourceRequest.of(4, None), _machine(16)) == 4


def test_the_scarcest_resource_decides() -> None:
    machine = _machine(cpus=32, memory_gb=64, gpus=4)
    assert concurrency(ResourceRequest.of(2, "24g"), machine) == 2  # memory: 64 // 24
    assert concurrency(ResourceRequest.of(2, "8g", gpus=2), machine) == 2  # GPUs: 4 // 2
    assert concurrency(ResourceRequest.of(2.5, None), machine) == 12  # 32 / 2.5, rounded down


def test_no_request_counts_one_cpu_per_sample_and_never_less_than_one() -> None:
    assert concurrency(ResourceRequest(), _machine(cpus=2)) == 2
    assert concurrency(ResourceRequest.of(8, "128g"), _machine(cpus=4)) == 1


def test_a_cgroup_quota_narrows_the_cpus_counted() -> None:
    machine = Machine(cpu_ids=tuple(range(64)), cpu_quota=8.0, memory_bytes=64 * GIB)
    assert concurrency(ResourceRequest.of(2, None), machine) == 4


def test_sandbox_types_read_the_request_the_task_noted(monkeypatch: pytest.MonkeyPatch) -> None:
    from mle_inspect.tasks import CompetitionNotPrepared, mle_bench

    monkeypatch.setattr(resources, "_requests", {})
    monkeypatch.setattr(resources, "this_machine", lambda: _machine(cpus=16, memory_gb=64))
    with pytest.raises(CompetitionNotPrepared):  # nothing prepared there: the note comes first
        mle_bench(split="demo", sandbox="local", cpus=4, data_dir="/nonexistent-mle-data")
    assert MleLocalSandbox.default_concurrency() == 4
    resources.note_request("docker", 2, "32g")
    assert MleDockerSandbox.default_concurrency() == 2  # memory: 64 // 32
    # a second task in the same run asking for more: the larger share sizes the slots
    resources.note_request("local", 8, None)
    assert MleLocalSandbox.default_concurrency() == 2


def test_the_machine_seen_here_is_plausible() -> None:
    machine = resources.this_machine()
    assert machine.cpus >= 1 and machine.memory_bytes > 2**27
    assert concurrency(ResourceRequest(), machine) == max(1, int(machine.cpus))
