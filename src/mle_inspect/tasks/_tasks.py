"""The @task entry points: ``mle_bench`` and one named task per split."""

from __future__ import annotations

from inspect_ai import Task, task
from inspect_ai.log import HeadlineMetric
from inspect_ai.solver import Solver

from ..competitions import resolve_ids
from ..scorers.scorer import mle_scorer
from ._dataset import competition_dataset
from ._setup import resolve_sandbox_paths

DAY = 24 * 60 * 60


def _default_solver() -> Solver:
    from ..solvers.react import react_agent

    return react_agent()


@task
def mle_bench(
    split: str = "lite",
    competitions: str | list[str] | None = None,
    sandbox: str = "local",
    data_dir: str | None = None,
    time_limit: int | None = DAY,
    message_limit: int | None = None,
    token_limit: int | None = None,
    workspace_root: str | None = None,
    solver: Solver | None = None,
    auto_prepare: bool = False,
    image: str | None = None,
    cpus: float | None = None,
    memory: str | None = None,
    gpus: int = 0,
    shm_size: str | None = None,
    data_pvc: str = "mle-inspect-data",
    runtime_class: str | None = None,
    description: str = "standard",
) -> Task:
    """MLE-bench competitions as Inspect samples, graded on the host.

    Args:
        split: low (= lite), medium, high, all, dev or demo.
        competitions: Comma-separated ids (or a list); overrides ``split``.
        sandbox: Sandbox type per sample: ``local``, ``docker`` or ``k8s``.
        data_dir: Prepared data dir (default ``$MLE_INSPECT_DATA_DIR`` or the user cache).
        time_limit: Wall-clock seconds per sample (MLE-bench gives 24 hours).
        message_limit: Optional cap on messages per sample.
        token_limit: Optional cap on tokens per sample.
        workspace_root: Where local sandboxes make their per-sample directories.
        solver: Agent to run (default: the ReAct agent).
        auto_prepare: Prepare missing competitions while loading (offline ones only: demo).
        image: docker/k8s: agent image (default ``mle-inspect/agent:light``).
        cpus: docker/k8s: CPU limit (docker default: none; k8s: 4).
        memory: docker/k8s: memory limit such as ``16g`` (docker default: none; k8s: 16g).
        gpus: docker/k8s: GPUs reserved per sample.
        shm_size: docker/k8s: size of ``/dev/shm`` (default 2g, at most half of ``memory``).
        data_pvc: k8s: PersistentVolumeClaim holding the prepared data dir.
        runtime_class: k8s: pod runtime class (default: the chart's gVisor; ``nvidia`` with GPUs).
        description: ``standard`` or ``obfuscated`` (MLE-bench's obfuscated text shown at
            ``/home/data/description.md``; needs it prepared with ``--mlebench-dir``).
    """
    from ..sandboxes.options import DEFAULT_IMAGE, SandboxOptions

    sandbox_options = SandboxOptions(
        image=image or DEFAULT_IMAGE,
        cpus=cpus,
        memory=memory,
        gpus=gpus,
        shm_size=shm_size,
        data_pvc=data_pvc,
        runtime_class=runtime_class,
    )
    ids = resolve_ids(split, competitions)
    dataset = competition_dataset(
        ids,
        data_dir=data_dir,
        sandbox=sandbox,
        workspace_root=workspace_root,
        auto_prepare=auto_prepare,
        name=f"mle-bench-{split}" if not competitions else "mle-bench",
        sandbox_options=sandbox_options,
        description=description,
    )
    return Task(
        dataset=dataset,
        setup=resolve_sandbox_paths(),
        solver=solver or _default_solver(),
        scorer=mle_scorer(data_dir=data_dir),
        time_limit=time_limit,
        message_limit=message_limit,
        token_limit=token_limit,
        headline_metric=HeadlineMetric(scorer="mle_scorer", score="any_medal", metric="mean"),
        metadata={"split": split, "competitions": ids, "description": description},
    )


@task
def demo(
    sandbox: str = "local",
    data_dir: str | None = None,
    time_limit: int | None = 30 * 60,
    solver: Solver | None = None,
) -> Task:
    """The offline demo split (prepared on first use: no network, no API key, no Docker)."""
    return mle_bench(
        split="demo",
        sandbox=sandbox,
        data_dir=data_dir,
        time_limit=time_limit,
        solver=solver,
        auto_prepare=True,
    )


def _split_task(split: str, doc: str, name: str | None = None):  # noqa: ANN202 - a registered task
    def make(
        sandbox: str = "local",
        data_dir: str | None = None,
        time_limit: int | None = DAY,
        solver: Solver | None = None,
    ) -> Task:
        return mle_bench(
            split=split, sandbox=sandbox, data_dir=data_dir, time_limit=time_limit, solver=solver
        )

    make.__doc__ = doc
    make.__name__ = make.__qualname__ = name or split
    return task(name=name or split)(make)


lite = _split_task("lite", "The 22 low-complexity competitions (MLE-bench Lite).")
full = _split_task("all", "All 75 MLE-bench competitions.", name="full")
low = _split_task("low", "The 22 low-complexity competitions.")
medium = _split_task("medium", "The 38 medium-complexity competitions.")
high = _split_task("high", "The 15 high-complexity competitions.")
dev = _split_task("dev", "The 7 development competitions (not part of the 75).")
