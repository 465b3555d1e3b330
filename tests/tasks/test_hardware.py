"""The hardware a sample sees: parsed from the in-sandbox probe, recorded at sample start."""

from __future__ import annotations

import anyio

from mle_inspect.tasks._hardware import Hardware, host_hardware, measure_hardware, parse_probe

CONTAINER = """cpu_model=AMD EPYC 7B13
cpu_affinity=8
cpu_online=64
cpu_quota=200000 100000
mem_total_kb=263000000
mem_limit=17179869184
gpu=NVIDIA A10G, 23028
gpu=NVIDIA A10G, 23028
"""


def test_a_container_reports_its_quota_memory_limit_and_gpus() -> None:
    hardware = parse_probe(CONTAINER, "docker")
    assert hardware.cpus == 2.0  # the cgroup quota is tighter than the 8-CPU affinity set
    assert hardware.cpu_affinity == 8 and hardware.cpu_online == 64
    assert hardware.memory_gb == 16.0 and hardware.memory_limited
    assert (hardware.gpu_count, hardware.gpu_model, hardware.gpu_memory_gb) == (
        2,
        "NVIDIA A10G",
        22.5,
    )
    assert hardware.describe() == (
        "docker sandbox, 2 CPU (AMD EPYC 7B13), 16.0 GB RAM limit, 2x NVIDIA A10G, 22 GB"
    )


def test_no_limit_falls_back_to_total_memory_and_affinity() -> None:
    probe = (
        "cpu_affinity=3\ncpu_online=4\ncpu_quota=max 100000\nmem_total_kb=8388608\nmem_limit=max\n"
    )
    hardware = parse_probe(probe, "local")
    assert hardware.cpus == 3.0 and hardware.memory_gb == 8.0 and not hardware.memory_limited
    assert hardware.gpu_count == 0 and "no GPU" in hardware.describe()


def test_outside_a_sample_the_host_is_recorded_as_such() -> None:
    recorded = Hardware.model_validate(anyio.run(measure_hardware))
    assert recorded.measured_in == "host" and recorded.sandbox == "none"
    assert recorded.cpus and recorded.cpus >= 1 and recorded.memory_gb
    assert host_hardware("x").cpu_online == recorded.cpu_online
