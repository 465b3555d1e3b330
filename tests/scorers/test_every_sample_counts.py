"""Every planned run counts in the log's metrics (issue 13 items 1, 2, 5).

An agent crash is graded as the agent's failure; a sample that still errors after Inspect's
retries is a failed attempt, and one that was never scored (its sandbox never started) is
counted as missing. One demo competition is prepared; epochs stand in for samples.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.event import InfoEvent
from inspect_ai.log import EvalLog, headline_metric, read_eval_log, resolve_sample_attachments
from inspect_ai.scorer import SampleScore, Score
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import sandbox

from mle_inspect.competitions import get_competition
from mle_inspect.data import competition_paths, prepare_competition
from mle_inspect.sandboxes.local import MleLocalSandbox
from mle_inspect.sandboxes.paths import sandbox_paths
from mle_inspect.scorers import _sample_metrics
from mle_inspect.scorers._sample_metrics import MEAN_METRIC, RunPlan
from mle_inspect.solvers import dummy
from mle_inspect.solvers._common import public_sample_submission
from mle_inspect.tasks import mle_bench

CID = "demo-wine-cultivars"


@pytest.fixture(scope="module")
def wine_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with one demo competition prepared."""
    root = tmp_path_factory.mktemp("wine-data")
    prepare_competition(get_competition(CID), competition_paths(CID, root))
    return root


def metrics_of(log: EvalLog) -> dict[str, dict[str, float]]:
    return {s.name: {k: m.value for k, m in s.metrics.items()} for s in log.results.scores}


@solver
def crash_after_submitting_on(epoch: int) -> Solver:
    """Writes a valid submission, except on ``epoch`` where it raises before writing."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        if state.epoch == epoch:
            raise RuntimeError("the agent's own bug")
        paths = sandbox_paths()
        result = await sandbox().exec(
            [
                "sh",
                "-c",
                'cat "$1" > "$2"',
                "sh",
                public_sample_submission(state, paths),
                paths.submission_file,
            ]
        )
        assert result.success, result.stderr
        return state

    return solve


def test_an_agent_crash_is_graded_as_the_agents_failure(
    wine_data_dir: Path, tmp_path: Path
) -> None:
    task = mle_bench(
        competitions=CID, data_dir=str(wine_data_dir), solver=crash_after_submitting_on(1)
    )
    [log] = inspect_eval(task, model="none/none", log_dir=str(tmp_path), display="none")
    assert log.status == "success", log.error
    [sample] = read_eval_log(log.location).samples or []
    assert sample.error is None  # the sample was scored, not dropped
    score = sample.scores["mle_scorer"]
    assert score.value["valid_submission"] == 0.0
    assert "no submission file" in score.explanation
    assert score.metadata["agent_crash"] == "RuntimeError: the agent's own bug"
    events = resolve_sample_attachments(sample).events
    notes = [e for e in events if isinstance(e, InfoEvent) and "crashed" in str(e.data)]
    assert notes, "the crash is recorded in the transcript"


def test_a_sample_that_errors_after_retries_scores_as_a_failed_attempt(
    wine_data_dir: Path, tmp_path: Path
) -> None:
    """A solver given on the command line is not guarded: its error is a sample error."""
    task = mle_bench(competitions=CID, data_dir=str(wine_data_dir))
    [log] = inspect_eval(
        task,
        solver=crash_after_submitting_on(2),
        epochs=2,
        retry_on_error=1,
        model="none/none",
        log_dir=str(tmp_path),
        display="none",
    )
    assert log.status == "error"  # the run finished, and says a sample errored
    log = read_eval_log(log.location)
    by_epoch = {s.epoch: s for s in log.samples or []}
    assert set(by_epoch) == {1, 2}
    assert by_epoch[1].scores["mle_scorer"].value["valid_submission"] == 1.0
    failed = by_epoch[2]
    assert failed.error is not None and len(failed.error_retries or []) == 1
    score = failed.scores["mle_scorer"]
    assert all(v == 0.0 for v in score.value.values()), score.value
    assert "the agent's own bug" in score.metadata["sample_error"]
    graded = by_epoch[1].scores["mle_scorer"].metadata
    facts = ("gold_threshold", "median_threshold", "thresholds_source", "leaderboard_size")
    assert graded["gold_threshold"] is not None  # the demo's come from its leaderboard
    assert {k: score.metadata[k] for k in facts} == {k: graded[k] for k in facts}
    metrics = metrics_of(log)
    valid = metrics["valid_submission"]
    assert valid[MEAN_METRIC] == 0.5
    assert valid["mle_inspect/samples_planned"] == 2.0
    assert valid["mle_inspect/samples_errored"] == 1.0
    assert valid["mle_inspect/samples_missing"] == 0.0
    assert valid["mle_inspect/complexity_demo"] == 0.5


def test_a_sample_never_started_is_missing_from_the_scores_but_not_the_denominator(
    wine_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_init = MleLocalSandbox.sample_init.__func__  # type: ignore[attr-defined]
    calls: list[int] = []

    async def flaky_init(cls, task_name, config, metadata):  # noqa: ANN001, ANN202
        calls.append(1)
        if len(calls) > 1:  # the second run's sandbox, and its retry, never start
            raise RuntimeError("sandbox infrastructure is down")
        return await real_init(cls, task_name, config, metadata)

    monkeypatch.setattr(MleLocalSandbox, "sample_init", classmethod(flaky_init))
    task = mle_bench(competitions=CID, data_dir=str(wine_data_dir), solver=dummy())
    [log] = inspect_eval(
        task, epochs=2, retry_on_error=1, model="none/none", log_dir=str(tmp_path), display="none"
    )
    assert log.status == "error"
    assert len(calls) == 3  # retried once before giving up
    log = read_eval_log(log.location)
    scored = [s for s in log.samples or [] if s.scores]
    assert len(scored) == 1 and scored[0].scores["mle_scorer"].value["valid_submission"] == 1.0
    metrics = metrics_of(log)
    valid = metrics["valid_submission"]
    assert valid[MEAN_METRIC] == 0.5  # 1 valid of 2 planned runs, not 1 of 1
    assert valid["mle_inspect/samples_missing"] == 1.0
    assert valid["mle_inspect/samples_scored"] == 1.0
    assert metrics["percentile"][MEAN_METRIC] == pytest.approx(
        scored[0].scores["mle_scorer"].value["percentile"] / 2
    )
    headline = headline_metric(log)
    assert headline is not None and headline.score.name == "any_medal"

    # inspect score re-grades the log without prompting: the errored run scores as a failure
    monkeypatch.undo()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "inspect_ai",
            "score",
            log.location,
            "--scorer",
            "mle_inspect/mle_scorer",
            "--overwrite",
            "--action",
            "overwrite",
            "--display",
            "none",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    rescored = read_eval_log(log.location)
    scores = {s.epoch: s.scores["mle_scorer"] for s in rescored.samples or []}
    assert len(scores) == 2
    good = next(s for s in scores.values() if s.value["valid_submission"] == 1.0)
    assert good.value == scored[0].scores["mle_scorer"].value
    bad = next(s for s in scores.values() if s.value["valid_submission"] == 0.0)
    assert "sandbox infrastructure is down" in bad.metadata["sample_error"]
    valid = metrics_of(rescored)["valid_submission"]
    assert valid[MEAN_METRIC] == 0.5
    assert valid["mle_inspect/samples_planned"] == 2.0
    assert valid["mle_inspect/samples_errored"] == 1.0


def _score(value: dict[str, float], group: str = "low") -> SampleScore:
    return SampleScore(
        score=Score(value=value, metadata={"submission_exists": True}),  # type: ignore[arg-type]
        sample_id="x",
        sample_metadata={"complexity": group},
    )


def test_an_unknown_value_is_left_out_but_a_missing_run_counts_zero() -> None:
    """Inspect hands a key's metrics only its non-NaN values; a valid run with an unknown
    percentile must not be mistaken for a missing run (which counts 0)."""
    plan = RunPlan(eval_id="unit-test", epochs=1, samples={"low": 3, "high": 1})
    runs = [
        {"valid_submission": 1.0, "percentile": 40.0},
        {"valid_submission": 1.0, "percentile": math.nan},
        {"valid_submission": 0.0, "percentile": 0.0},
    ]  # and one planned run (high) with no score at all
    for index, value in enumerate(runs):
        _sample_metrics.note_unknown(plan, f"s{index}", 1, "low", value)
    token = _sample_metrics._started.set(plan)
    try:
        valid = [_score({"valid_submission": r["valid_submission"]}) for r in runs]
        known = [
            _score({"percentile": r["percentile"]}) for r in runs if not math.isnan(r["percentile"])
        ]
        assert _sample_metrics.planned_mean("valid_submission")(valid) == 0.5
        assert _sample_metrics.planned_mean("percentile")(known) == pytest.approx(40 / 3)
        by_split = _sample_metrics.planned_by_complexity("percentile")(known)
        assert by_split == {"high": 0.0, "low": 20.0}
        counts = _sample_metrics.run_counts()(valid)
        assert counts["missing"] == 1.0 and counts["planned"] == 4.0
    finally:
        _sample_metrics._started.reset(token)
        _sample_metrics._unknown.pop("unit-test", None)


def _raise_from(module: str, error: Exception) -> BaseException:
    """``error`` raised by code of ``module`` (as a sandbox provider or a solver would)."""
    namespace: dict[str, object] = {"__name__": module}
    exec("def fail(error):\n    raise error\n", namespace)  # noqa: S102 - a fake raise site
    try:
        namespace["fail"](error)  # type: ignore[operator]
    except Exception as ex:  # noqa: BLE001
        return ex
    raise AssertionError("unreachable")


def test_the_guard_tells_agent_bugs_from_infrastructure_faults() -> None:
    from mle_inspect.scorers import GradingError
    from mle_inspect.solvers._guard import is_infrastructure_error

    dead_container = _raise_from("inspect_ai.util._sandbox.docker.docker", RuntimeError("gone"))
    assert is_infrastructure_error(dead_container)
    assert is_infrastructure_error(GradingError("answers missing"))
    assert not is_infrastructure_error(_raise_from("my_agent.solver", KeyError("target")))
    assert not is_infrastructure_error(_raise_from("mle_inspect.solvers.baseline", ValueError()))


def test_fail_fast_stops_the_run_at_the_first_error(wine_data_dir: Path, tmp_path: Path) -> None:
    task = mle_bench(competitions=CID, data_dir=str(wine_data_dir), fail_fast=True)
    [log] = inspect_eval(
        task,
        solver=crash_after_submitting_on(1),
        model="none/none",
        log_dir=str(tmp_path),
        display="none",
    )
    assert log.status == "error"
    assert log.error is not None and "the agent's own bug" in log.error.message


def test_a_submission_that_cannot_be_kept_is_still_graded(
    wine_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk where the kept copy goes costs the later re-grade, never the score."""
    import errno

    from mle_inspect.scorers import scorer

    def disk_full(root: Path, competition_id: str) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(scorer, "INLINE_LIMIT", 0)  # every copy goes to disk
    monkeypatch.setattr(scorer, "writable_spill_dir", disk_full)
    task = mle_bench(competitions=CID, data_dir=str(wine_data_dir), solver=dummy())
    [log] = inspect_eval(task, model="none/none", log_dir=str(tmp_path), display="none")
    [sample] = read_eval_log(log.location).samples or []
    assert sample.error is None
    assert sample.scores["mle_scorer"].value["valid_submission"] == 1.0
    assert sample.store["KeptSubmission:mle_inspect:host_copy"] is None
    assert sample.store["KeptSubmission:mle_inspect:sha256"] is not None
