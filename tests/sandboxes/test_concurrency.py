"""No sample spends its time limit in a queue: six samples on a machine with two sandbox slots
(and one subprocess slot, where each command used to queue) all run to completion."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import sandbox

from mle_inspect.sandboxes import resources
from mle_inspect.sandboxes.resources import Machine
from mle_inspect.tasks import mle_bench

from ..tasks._full_split import build_prepared_dir

COMPETITION = "spaceship-titanic"
WORK_SECONDS = 5
TIME_LIMIT = 8
"""Enough for one sample's work, not for waiting behind another's."""


@solver
def _work_then_submit() -> Solver:
    """One long command (as a training run is), then the sample submission as the answer."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        started = time.monotonic()
        sample = state.metadata["sample_submission_public"]
        result = await sandbox().exec(
            [
                "sh",
                "-c",
                f'sleep {WORK_SECONDS}; cp "$MLE_DATA_DIR/{sample}" "$MLE_SUBMISSION_DIR/submission.csv"',
            ]
        )
        assert result.success, result.stderr
        state.store.set("ran", [started, time.monotonic()])
        return state

    return solve


def test_six_samples_on_two_slots_all_finish_within_a_short_time_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    two_cpus = Machine(cpu_ids=(0, 1), memory_bytes=8 * 2**30)
    monkeypatch.setattr(resources, "this_machine", lambda: two_cpus)
    monkeypatch.setattr(resources, "_requests", {})
    data_dir = build_prepared_dir(tmp_path / "data", [COMPETITION])
    task = mle_bench(
        competitions=COMPETITION,
        data_dir=str(data_dir),
        solver=_work_then_submit(),
        time_limit=TIME_LIMIT,
    )
    [log] = inspect_eval(
        task,
        model="none/none",
        epochs=6,
        log_dir=str(tmp_path / "logs"),
        display="none",
        max_subprocesses=1,  # the old failure: commands queued for one of these per core
    )
    assert log.status == "success", log.error
    samples = log.samples or []
    assert len(samples) == 6
    for sample in samples:
        assert sample.error is None and sample.limit is None, (sample.limit, sample.error)
        assert sample.scores and sample.scores["mle_scorer"].value["valid_submission"] == 1.0
    # the default concurrency came from the (two-CPU) machine: never more than two at once
    spans = [sample.store["ran"] for sample in samples]
    most = max(sum(1 for s, e in spans if s <= t < e) for t, _ in spans)
    assert most == 2
