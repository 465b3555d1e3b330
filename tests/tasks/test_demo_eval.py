"""The whole path offline: prepare -> local sandbox -> solver -> host grading -> .eval log."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog, headline_metric, read_eval_log
from inspect_ai.solver import Generate, Solver, TaskState, solver

from mle_inspect.scorers._sample_metrics import MEAN_METRIC
from mle_inspect.scorers.scorer import SCORE_KEYS
from mle_inspect.solvers import baseline, dummy
from mle_inspect.tasks import CompetitionNotPrepared, demo, mle_bench
from tests.conftest import DEMO_IDS

FAST = "demo-tumor-diagnosis,demo-wine-cultivars"


def run(task, log_dir: Path, solver: Solver | None = None) -> EvalLog:  # noqa: ANN001 - a Task
    [log] = inspect_eval(
        task, model="none/none", log_dir=str(log_dir), display="none", solver=solver
    )
    assert log.status == "success", log.error
    return read_eval_log(log.location)


def scores(log: EvalLog) -> dict[str, dict]:
    return {str(s.id): s.scores["mle_scorer"] for s in log.samples or []}


def test_baseline_makes_valid_submissions_that_win_medals(
    demo_data_dir: Path, tmp_path: Path
) -> None:
    log = run(
        mle_bench(competitions=FAST, data_dir=str(demo_data_dir), solver=baseline()), tmp_path
    )
    by_id = scores(log)
    assert set(by_id) == set(FAST.split(","))
    for cid, score in by_id.items():
        assert set(score.value) == set(SCORE_KEYS), cid
        assert score.value["valid_submission"] == 1.0, score.explanation
        assert 0.0 <= score.value["percentile"] <= 100.0
        assert score.metadata["score"] is not None
        assert score.metadata["thresholds_source"].startswith("leaderboard")
        assert "not human" in score.metadata["leaderboard_note"]
    assert sum(s.value["any_medal"] for s in by_id.values()) >= 1
    headline = headline_metric(log)
    assert headline is not None and headline.score.name == "any_medal"


def test_dummy_copies_the_sample_submission_valid_but_no_medal(
    demo_data_dir: Path, tmp_path: Path
) -> None:
    log = run(demo(data_dir=str(demo_data_dir)), tmp_path, solver=dummy())  # as --solver does
    # the header names the solver used, and the task args hold no contradicting `solver: null`
    assert log.eval.solver == "mle_inspect/dummy" and "solver" not in log.eval.task_args
    by_id = scores(log)
    assert set(by_id) == set(DEMO_IDS)
    for cid, score in by_id.items():
        assert score.value["valid_submission"] == 1.0, (cid, score.explanation)
        assert score.value["any_medal"] == 0.0 and score.value["above_median"] == 0.0
        assert score.value["normalized_score"] == pytest.approx(0.0, abs=1e-9)
    # the metrics are grouped by complexity and reported for every key
    eval_scores = {s.name: s for s in log.results.scores}
    assert set(eval_scores) == set(SCORE_KEYS)
    assert eval_scores["valid_submission"].metrics[MEAN_METRIC].value == 1.0


@solver
def do_nothing() -> Solver:
    async def solve(state: TaskState, generate: Generate) -> TaskState:
        return state

    return solve


def test_missing_submission_scores_invalid_not_an_error(
    demo_data_dir: Path, tmp_path: Path
) -> None:
    log = run(
        mle_bench(competitions="demo-digits", data_dir=str(demo_data_dir), solver=do_nothing()),
        tmp_path,
    )
    score = scores(log)["demo-digits"]
    # a failed attempt is 0 in every key, percentile included
    assert all(value == 0.0 for value in score.value.values()), score.value
    assert score.metadata["submission_exists"] is False
    assert "no submission file" in score.explanation


def test_inspect_score_regrades_a_log_from_the_kept_submission(
    demo_data_dir: Path, tmp_path: Path
) -> None:
    original = run(
        mle_bench(competitions="demo-wine-cultivars", data_dir=str(demo_data_dir), solver=dummy()),
        tmp_path,
    )
    before = scores(original)["demo-wine-cultivars"]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "inspect_ai",
            "score",
            original.location,
            "--overwrite",
            "--action",
            "overwrite",
            "--scorer",
            "mle_inspect/mle_scorer",
            "--display",
            "none",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    after = scores(read_eval_log(original.location))["demo-wine-cultivars"]
    assert after.value == before.value
    assert after.metadata["score"] == before.metadata["score"]
    assert after.metadata["submission_sha256"] == before.metadata["submission_sha256"]


def test_unprepared_competitions_name_the_prepare_command(tmp_path: Path) -> None:
    with pytest.raises(CompetitionNotPrepared, match="mle-inspect prepare -c spaceship-titanic"):
        mle_bench(competitions="spaceship-titanic", data_dir=str(tmp_path))


def test_many_unprepared_competitions_get_one_command_that_prepares_them_all(
    tmp_path: Path,
) -> None:
    import shlex
    import subprocess
    import sys

    ids = ["spaceship-titanic", "nomad2018-predict-transparent-conductors", "demo-digits"]
    with pytest.raises(CompetitionNotPrepared) as raised:
        mle_bench(competitions=",".join(ids), data_dir=str(tmp_path))
    message = str(raised.value)
    assert message.startswith(f"3 competition(s) are not prepared in {tmp_path}")
    [command] = [line.strip() for line in message.splitlines() if "mle-inspect prepare" in line]
    # the command as printed, run with --dry-run: it parses and names every competition
    argv = shlex.split(command)[2:] + ["--dry-run"]
    done = subprocess.run(
        [sys.executable, "-m", "mle_inspect.cli", "prepare", *argv],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert all(cid in done.stdout for cid in ids)


def test_unknown_sandbox_type_lists_the_available_ones(demo_data_dir: Path) -> None:
    with pytest.raises(ValueError, match="choose one of: local"):
        mle_bench(competitions="demo-digits", data_dir=str(demo_data_dir), sandbox="podman")


def test_instructions_point_at_the_sandbox_paths(demo_data_dir: Path) -> None:
    task = mle_bench(competitions="demo-digits", data_dir=str(demo_data_dir))
    [sample] = list(task.dataset)
    assert "/home/data/description.md" in sample.input
    assert "/home/submission/submission.csv" in sample.input
    assert "accuracy (higher is better)" in sample.input
    assert sample.metadata["complexity"] == "demo"
    assert "private" not in str(sample.sandbox.config)
