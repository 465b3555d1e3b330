"""Sandbox setup time against dataset size: it must not grow (bind mounts, never copies).

    python benchmarks/sandbox_setup.py [--sizes 1,1000] [--repeat 3] [--docker]

For each size (MB of public data, written as 1 MB files into a fake prepared competition) it
times sample setup plus one command plus cleanup of the local sandbox (bubblewrap-isolated
where it works) and, with ``--docker`` (an engine and ``mle-inspect/agent:light`` needed),
of the docker sandbox through Inspect's provider. Prints median seconds per size.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path


def make_public(root: Path, megabytes: int) -> Path:
    public = root / f"bench-{megabytes}mb" / "prepared" / "public"
    public.mkdir(parents=True)
    (public.parent / "private").mkdir()
    block = os.urandom(2**20)
    for i in range(megabytes):
        (public / f"part-{i:05d}.bin").write_bytes(block)
    return public


async def local_once(public: Path) -> float:
    from mle_inspect.sandboxes.local import LocalSandboxConfig, MleLocalSandbox

    config = LocalSandboxConfig(public_dir=str(public), competition_id="bench")
    started = time.perf_counter()
    envs = await MleLocalSandbox.sample_init("bench", config, {})
    result = await envs["default"].exec(["ls", "/home/data" if envs["default"].holder else "data"])
    assert result.success, result.stderr
    await MleLocalSandbox.sample_cleanup("bench", config, envs, False)
    return time.perf_counter() - started


async def docker_once(public: Path) -> float:
    from inspect_ai.util._sandbox.docker.docker import DockerSandboxEnvironment

    from mle_inspect.sandboxes.compose import compose_file
    from mle_inspect.sandboxes.options import SandboxOptions

    config = str(compose_file(public, "bench", SandboxOptions()))
    started = time.perf_counter()
    await DockerSandboxEnvironment.task_init("bench", config)
    envs = await DockerSandboxEnvironment.sample_init("bench", config, {})
    result = await envs["default"].exec(["ls", "/home/data"])
    assert result.success, result.stderr
    await DockerSandboxEnvironment.sample_cleanup("bench", config, envs, False)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,1000", help="MB of public data, comma-separated")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--docker", action="store_true", help="also time the docker sandbox")
    args = parser.parse_args()
    kinds = {"local": local_once, **({"docker": docker_once} if args.docker else {})}
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("MLE_INSPECT_SANDBOX_DIR", str(Path(tmp) / "sandboxes"))
        print(f"{'sandbox':8} {'data MB':>8} {'median s':>9} {'min s':>7}")
        for size in (int(s) for s in args.sizes.split(",")):
            public = make_public(Path(tmp), size)
            for kind, once in kinds.items():
                times = [asyncio.run(once(public)) for _ in range(args.repeat)]
                print(f"{kind:8} {size:8d} {statistics.median(times):9.3f} {min(times):7.3f}")


if __name__ == "__main__":
    main()
