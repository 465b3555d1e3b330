"""The @task entry points: ``mle_bench`` and one named task per split."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from inspect_ai import Task, task
from inspect_ai.log import HeadlineMetric
from inspect_ai.solver import Solver

from ..competitions._fingerprint import TASK_VERSION, version_metadata
from ..scorers._sample_metrics import MEAN_METRIC
from ..scorers.scorer import mle_scorer
from ..solvers._guard import agent_guard
from ._dataset import competition_dataset, task_ids
from ._setup import resolve_sandbox_paths

if TYPE_CHECKING:
    from inspect_ai.agent import Agent

DAY = 24 * 60 * 60


def _default_solver() -> Agent:
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
    env_allow: str | None = None,
    fail_fast: bool = False,
) -> Task:
    """MLE-bench competitions as Inspect samples, graded on the host.

    Args:
        split: low (= lite), medium, high, full (= all), dev or demo.
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
        cpus: CPUs per sample: a limit (docker/k8s; k8s default 4) or a pinned CPU set
            (local). With ``memory`` and ``gpus`` it sets how many samples run at once.
        memory: Memory per sample such as ``16g``: a limit (docker/k8s; k8s default 16g)
            or a cgroup cap (local, where cgroups can be written).
        gpus: GPUs per sample, each sample its own (docker ``device_ids``, local
            ``CUDA_VISIBLE_DEVICES``).
        shm_size: docker/k8s: size of ``/dev/shm`` (default 2g, at most half of ``memory``).
        data_pvc: k8s: PersistentVolumeClaim holding the prepared data dir.
        runtime_class: k8s: pod runtime class (default: the chart's gVisor; ``nvidia`` with GPUs).
        env_allow: local/docker: comma-separated host environment variables to pass into the
            sandbox, beyond PATH, HOME, locale, time zone and thread settings.
        description: ``standard`` or ``obfuscated`` (MLE-bench's obfuscated text shown at
            ``/home/data/description.md``; needs it prepared with ``--mlebench-dir``).
        fail_fast: Stop the whole run at the first sample error (after retries). By default
            the run goes on, scores each errored sample as a failed attempt and ends with
            status ``error`` when any sample errored.

    Returns:
        A task with one sample per competition, scored by ``mle_scorer`` on the host.
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
        env_allow=env_allow or (),  # type: ignore[arg-type]  # a "A,B" string: the model's before-validator splits it
    )
    from ..sandboxes.resources import note_request

    note_request(sandbox, cpus, memory, gpus)  # sizes the sandbox type's default concurrency
    ids = task_ids(split, competitions)
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
        solver=agent_guard(solver or _default_solver()),
        scorer=mle_scorer(data_dir=data_dir),
        # every sample counts: finish the run, score errored samples as failures, and mark
        # the log 'error' at the end if any sample errored (README: "What a score holds")
        fail_on_error=True,
        continue_on_fail=not fail_fast,
        score_on_error=not fail_fast,  # (scoring an errored sample also stops the abort)
        time_limit=time_limit,
        message_limit=message_limit,
        token_limit=token_limit,
        headline_metric=HeadlineMetric(scorer="mle_scorer", score="any_medal", metric=MEAN_METRIC),
        metadata={
            "split": split,
            "competitions": ids,
            "description": description,
            **version_metadata(),
        },
        version=TASK_VERSION,
    )


# The split tasks take no ``solver`` argument: it could only be None from the command line,
# and the log's task args would then show ``solver: null`` beside the ``--solver`` actually
# used (the log header names that one). From Python: ``mle_bench(split=..., solver=...)``.


@task
def demo(
    sandbox: str = "local",
    data_dir: str | None = None,
    time_limit: int | None = 30 * 60,
) -> Task:
    """The offline demo split (prepared on first use: no network, no API key, no Docker).

    Args:
        sandbox: Sandbox type per sample: ``local``, ``docker`` or ``k8s``.
        data_dir: Prepared data dir (default ``$MLE_INSPECT_DATA_DIR`` or the user cache).
        time_limit: Wall-clock seconds per sample.

    Returns:
        A task over the four demo competitions.
    """
    return mle_bench(
        split="demo",
        sandbox=sandbox,
        data_dir=data_dir,
        time_limit=time_limit,
        auto_prepare=True,
    )


_SPLIT_ARGS = """

    Args:
        sandbox: Sandbox type per sample: ``local``, ``docker`` or ``k8s``.
        data_dir: Prepared data dir (default ``$MLE_INSPECT_DATA_DIR`` or the user cache).
        time_limit: Wall-clock seconds per sample (MLE-bench gives 24 hours).
        fail_fast: Stop the whole run at the first sample error (after retries).

    Returns:
        A task with one sample per competition of the split (see ``mle_bench``).
    """


def _split_task(split: str, doc: str, name: str | None = None) -> Callable[..., Task]:
    """A registered task for one split, with ``mle_bench``'s common options."""

    def make(
        sandbox: str = "local",
        data_dir: str | None = None,
        time_limit: int | None = DAY,
        fail_fast: bool = False,
    ) -> Task:
        return mle_bench(
            split=split,
            sandbox=sandbox,
            data_dir=data_dir,
            time_limit=time_limit,
            fail_fast=fail_fast,
        )

    make.__doc__ = doc + _SPLIT_ARGS
    make.__name__ = make.__qualname__ = name or split
    return task(name=name or split)(make)


lite = _split_task("lite", "The 22 low-complexity competitions (MLE-bench Lite).")
full = _split_task("full", "All 75 MLE-bench competitions.")
low = _split_task("low", "The 22 low-complexity competitions.")
medium = _split_task("medium", "The 38 medium-complexity competitions.")
high = _split_task("high", "The 15 high-complexity competitions.")
dev = _split_task("dev", "The 7 development competitions (not part of the 75).")
