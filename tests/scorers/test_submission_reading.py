"""Hostile submission files score 0 with a message, never error or hang (issue 14 items 6, 7).

Each attack is performed by a solver inside the sample's sandbox (the local one, with
bubblewrap where it works), one attack per epoch so a single demo competition is prepared.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog, read_eval_log
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import Store, sandbox

from mle_inspect.competitions import get_competition
from mle_inspect.data import competition_paths, prepare_competition
from mle_inspect.sandboxes.paths import sandbox_paths
from mle_inspect.scorers import _submission_io
from mle_inspect.scorers.limits import MAX_SUBMISSION_ENV, MESSAGE_LIMIT
from mle_inspect.solvers._common import public_sample_submission
from mle_inspect.solvers.tools.validate import SubmissionTarget, check_submission
from mle_inspect.tasks import mle_bench

CID = "demo-wine-cultivars"
CAP = 1024 * 1024  # lowered for the test: the sample submission is a few KiB

# epoch -> (shell attack on $SUB, words the refusal message must contain)
ATTACKS: dict[int, tuple[str, str]] = {
    1: ('mkfifo "$SUB"', "FIFO"),
    2: ('mkdir "$SUB"', "directory"),
    3: ('cat "$SAMPLE" > "$PRED" && ln -s "$PRED" "$SUB"', "symbolic link"),
    4: ('cat "$SAMPLE" > "$SUB" && head -c 2097152 /dev/zero >> "$SUB"', "submission cap"),
    5: ('cat "$SAMPLE" > "${SUB%/*}/pred.csv" && ln "${SUB%/*}/pred.csv" "$SUB"', "hard link"),
    # a 900 kB column name: whatever the grader says about it, messages stay capped
    6: ("printf 'wine_id,%s\\n' \"$(head -c 900000 /dev/zero | tr '\\0' x)\" > \"$SUB\"", ""),
}
BIG = 101 * 1024 * 1024  # above Inspect's 100 MiB read_file limit


@pytest.fixture(scope="module")
def wine_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with one demo competition prepared."""
    root = tmp_path_factory.mktemp("wine-data")
    prepare_competition(get_competition(CID), competition_paths(CID, root))
    return root


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail instead of hanging (a blocked FIFO read would otherwise stall the test run)."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"the eval did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


async def _run_script(state: TaskState, script: str) -> None:
    paths = sandbox_paths()
    result = await sandbox().exec(
        ["sh", "-c", script],
        env={
            "SUB": paths.submission_file,
            "SAMPLE": public_sample_submission(state, paths),
            "PRED": f"{paths.workspace}/pred.csv",
        },
    )
    assert result.success, result.stderr


@solver
def attacker() -> Solver:
    """Leaves the epoch's hostile file at the submission path, then asks the validator."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        await _run_script(state, ATTACKS[state.epoch][0])
        check = await check_submission(None, SubmissionTarget.from_metadata(state.metadata))
        state.store.set("validator", check.render())
        return state

    return solve


# the sample submission with every probability written with ~780,000 trailing zeros: the same
# values and rows (a valid file), 101 MiB in all; written by Python inside the sandbox
_PAD_PROBABILITIES = f"""
import os
lines = open(os.environ["SAMPLE"]).read().splitlines()
pad = "0" * ({BIG} // (3 * (len(lines) - 1)) + 1)
with open(os.environ["SUB"], "w") as out:
    out.write(lines[0] + "\\n")
    for line in lines[1:]:
        row, *values = line.split(",")
        out.write(",".join([row, *(v + pad for v in values)]) + "\\n")
"""


@solver
def big_writer() -> Solver:
    """A valid submission of just over 101 MiB."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        await _run_script(state, f"python3 -c '{_PAD_PROBABILITIES}'")
        return state

    return solve


def _run(data_dir: Path, agent: Solver, log_dir: Path, epochs: int) -> EvalLog:
    with deadline(240):
        [log] = inspect_eval(
            mle_bench(competitions=CID, data_dir=str(data_dir), solver=agent),
            model="none/none",
            epochs=epochs,
            log_dir=str(log_dir),
            display="none",
        )
    assert log.status == "success", log.error
    return read_eval_log(log.location)


@pytest.mark.parametrize("route", ["host", "exec"])
def test_hostile_files_score_invalid_with_a_message_and_never_hang(
    route: str,
    wine_data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(MAX_SUBMISSION_ENV, str(CAP))
    if route == "exec":  # what docker and k8s get: probe and chunked reads inside the sandbox
        monkeypatch.setattr(_submission_io, "_host_location", lambda *args: None)
    log = _run(wine_data_dir, attacker(), tmp_path, epochs=len(ATTACKS))
    assert len(log.samples or []) == len(ATTACKS)
    for sample in log.samples or []:
        words = ATTACKS[sample.epoch][1]
        assert sample.error is None, (words, sample.error)
        score = sample.scores["mle_scorer"]
        assert "agent_crash" not in score.metadata, score.metadata["agent_crash"]
        assert score.value["valid_submission"] == 0.0, (words, score.explanation)
        assert score.value["percentile"] == 0.0 and score.value["normalized_score"] == 0.0
        assert words in score.explanation, (words, score.explanation)
        assert score.metadata["submission_exists"] is True
        assert score.metadata["sample_error"] is None
        validator = sample.store["validator"]
        assert validator.startswith("INVALID") and words in validator, validator
        assert (
            len(score.explanation) <= MESSAGE_LIMIT
            and len(score.metadata["message"]) <= MESSAGE_LIMIT
        )
        assert len(validator) <= MESSAGE_LIMIT + 100  # the verdict and path around the message
    metrics = {s.name: s.metrics for s in log.results.scores}
    assert metrics["valid_submission"]["mle_inspect/samples_scored"].value == len(ATTACKS)


def test_chunked_sandbox_reads_reassemble_the_file(
    wine_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The in-sandbox route reads many small chunks; the graded file must be the same bytes."""
    monkeypatch.setattr(_submission_io, "_host_location", lambda *args: None)
    monkeypatch.setattr(_submission_io, "EXEC_CHUNK", 256)
    sample_file = (
        competition_paths(CID, wine_data_dir).prepared / get_competition(CID).sample_submission
    )

    @solver
    def copy_sample() -> Solver:
        async def solve(state: TaskState, generate: Generate) -> TaskState:
            await _run_script(state, 'cat "$SAMPLE" > "$SUB"')
            return state

        return solve

    log = _run(wine_data_dir, copy_sample(), tmp_path, epochs=1)
    [sample] = log.samples or []
    score = sample.scores["mle_scorer"]
    assert "agent_crash" not in score.metadata, score.metadata["agent_crash"]
    assert score.value["valid_submission"] == 1.0, score.explanation
    data = sample_file.read_bytes()
    assert len(data) > 3 * 256  # several chunks
    assert score.metadata["submission_sha256"] == hashlib.sha256(data).hexdigest()


def test_a_submission_over_100_mib_is_graded_through_the_local_sandbox(
    wine_data_dir: Path, tmp_path: Path
) -> None:
    log = _run(wine_data_dir, big_writer(), tmp_path, epochs=1)
    [sample] = log.samples or []
    score = sample.scores["mle_scorer"]
    assert "agent_crash" not in score.metadata, score.metadata["agent_crash"]
    assert score.value["valid_submission"] == 1.0, score.explanation
    kept = sample.store["KeptSubmission:mle_inspect:size"]
    assert kept > BIG
    assert sample.store["KeptSubmission:mle_inspect:sha256"] == score.metadata["submission_sha256"]


def test_the_submission_graded_is_the_one_at_the_time_limit(
    wine_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A detached process that overwrites the submission once scoring has begun is stopped
    before the scorer reads: the file graded is the one there when the agent was stopped."""
    from mle_inspect.sandboxes import lifecycle

    real_halt = lifecycle.halt_agent
    halted: list[bool] = []

    async def halt_then_signal(environment) -> None:  # noqa: ANN001 - a sandbox environment
        import anyio

        await real_halt(environment)
        halted.append(True)
        # tell the detached writer to go: had it survived the halt, it would now overwrite
        await environment.write_file(f"{sandbox_paths(environment).logs}/go", "go")
        await anyio.sleep(1.5)

    monkeypatch.setattr(lifecycle, "halt_agent", halt_then_signal)
    late_writer = (
        'setsid sh -c \'while [ ! -e "$MLE_LOGS_DIR/go" ]; do sleep 0.1; done; '
        'echo late > "$0"\' "$SUB" </dev/null >/dev/null 2>&1 &'
    )

    @solver
    def write_then_overstay() -> Solver:
        async def solve(state: TaskState, generate: Generate) -> TaskState:
            await _run_script(state, f'cat "$SAMPLE" > "$SUB" && {late_writer}')
            await sandbox().exec(["sleep", "60"])
            return state

        return solve

    with deadline(120):
        [log] = inspect_eval(
            mle_bench(
                competitions=CID,
                data_dir=str(wine_data_dir),
                solver=write_then_overstay(),
                time_limit=6,  # scoring may take half of it
            ),
            model="none/none",
            log_dir=str(tmp_path),
            display="none",
        )
    [sample] = read_eval_log(log.location).samples or []
    assert log.status == "success", sample.error
    assert sample.limit is not None and sample.limit.type == "time"
    assert halted == [True]
    score = sample.scores["mle_scorer"]
    assert score.value["valid_submission"] == 1.0, score.explanation


def test_tampered_public_data_is_a_failed_attempt_not_a_sample_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Without bubblewrap the halt reports a changed public dir; the sample still scores."""
    from mle_inspect.sandboxes import lifecycle
    from mle_inspect.scorers import scorer as scorer_module

    async def tampered(environment: object) -> None:
        raise lifecycle.DataTampered("public/description.md changed during the sample")

    monkeypatch.setattr(lifecycle, "halt_agent", tampered)
    kept = scorer_module.KeptSubmission(store=Store())
    report = asyncio.run(
        scorer_module._grade_live("demo-wine-cultivars", object(), kept, tmp_path)  # type: ignore[arg-type]
    )
    assert report.valid_submission is False and report.percentile == 0.0
    assert "changed the shared public data" in report.message
    assert "description.md" in report.message
