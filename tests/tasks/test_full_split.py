"""Whole splits run to the end on a synthetic prepared data dir: every competition's sample
is built, sandboxed, solved and graded, and the dummy and baseline solvers end valid on all."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog
from inspect_ai.solver import Generate, Solver, TaskState, solver

from mle_inspect.competitions import get_competition, split_ids
from mle_inspect.data import CompetitionPaths
from mle_inspect.solvers import baseline, dummy
from mle_inspect.tasks import mle_bench
from mle_inspect.tasks._public_sample import PUBLIC_COPY, agent_sample_submission

from ._full_split import benchmark_ids, build_prepared_dir

PRIVATE_SAMPLE_IDS = [
    cid for cid in benchmark_ids() if get_competition(cid).sample_submission_archive
]


@pytest.fixture(scope="module")
def full_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_prepared_dir(tmp_path_factory.mktemp("full-split"))


def _run(solver, data_dir: Path, log_dir: Path) -> EvalLog:  # noqa: ANN001 - an inspect Solver
    task = mle_bench(split="all", data_dir=str(data_dir), solver=solver, time_limit=600)
    task_dev = mle_bench(split="dev", data_dir=str(data_dir), solver=solver, time_limit=600)
    logs = inspect_eval(
        [task, task_dev],
        model="none/none",
        log_dir=str(log_dir),
        display="none",
        max_samples=8,
        max_tasks=2,
    )
    assert all(log.status == "success" for log in logs), [log.error for log in logs]
    return logs


def _invalid(logs: list[EvalLog]) -> dict[str, str]:
    """Competitions whose submission was not valid, with the grader's reason."""
    out = {}
    for log in logs:
        for sample in log.samples or []:
            score = sample.scores["mle_scorer"] if sample.scores else None
            if score is None or score.value["valid_submission"] != 1.0:
                out[str(sample.id)] = score.explanation if score else f"no score: {sample.error}"
    return out


def test_every_registered_competition_has_a_public_sample_submission(full_data_dir: Path) -> None:
    assert len(benchmark_ids()) == 82
    for cid in benchmark_ids():
        relative = agent_sample_submission(
            get_competition(cid), CompetitionPaths(full_data_dir, cid)
        )
        assert relative is not None, cid
        assert (full_data_dir / cid / "prepared" / "public" / relative).is_file(), cid


@pytest.mark.parametrize("cid", PRIVATE_SAMPLE_IDS)
def test_a_private_sample_submission_is_extracted_from_its_public_archive(
    full_data_dir: Path, cid: str
) -> None:
    competition = get_competition(cid)
    prepared = full_data_dir / cid / "prepared"
    copy = prepared / "public" / PUBLIC_COPY
    copy.unlink(missing_ok=True)
    assert agent_sample_submission(competition, CompetitionPaths(full_data_dir, cid)) == PUBLIC_COPY
    private_sample = prepared / competition.sample_submission
    assert copy.read_bytes() == private_sample.read_bytes()
    # the copy holds no answer value: none of the answer cells of a target column appear
    with (prepared / competition.answers).open(newline="") as handle:
        answers = list(csv.DictReader(handle))
    with copy.open(newline="") as handle:
        sample_rows = list(csv.DictReader(handle))
    spec = competition.grading
    assert spec is not None
    for column in spec.truth_columns:
        if column in sample_rows[0]:
            truth = [row[column] for row in answers]
            shown = [row[column] for row in sample_rows]
            assert shown != truth, f"{cid}: {column} of the public copy equals the answers"


def test_a_missing_public_archive_is_a_clear_error(tmp_path: Path) -> None:
    cid = PRIVATE_SAMPLE_IDS[0]
    build_prepared_dir(tmp_path, [cid])
    competition = get_competition(cid)
    (tmp_path / cid / "prepared" / str(competition.sample_submission_archive)).unlink()
    with pytest.raises(RuntimeError, match="--force"):
        agent_sample_submission(competition, CompetitionPaths(tmp_path, cid))


EXTRACT_AS_OWNER = """
import sys
from pathlib import Path
from mle_inspect.competitions import get_competition
from mle_inspect.data import CompetitionPaths
from mle_inspect.tasks._public_sample import agent_sample_submission
print(agent_sample_submission(get_competition(sys.argv[2]), CompetitionPaths(Path(sys.argv[1]), sys.argv[2])))
"""


def test_a_read_only_public_dir_of_its_owner_gets_the_copy_and_stays_read_only(
    tmp_path: Path,
) -> None:
    """A dir prepared before prepare extracted the copy: public/ is 0555, as prepare leaves
    it, and its non-root owner loads the task (as root, permissions would not be tested)."""
    import os
    import shutil
    import subprocess
    import sys

    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv(1) to run the load as a non-root owner")
    import tempfile

    cid = PRIVATE_SAMPLE_IDS[0]
    root = Path(tempfile.mkdtemp(prefix="mle-owner-"))  # under /tmp: others may traverse
    try:
        build_prepared_dir(root, [cid])
        public = root / cid / "prepared" / "public"
        (public / PUBLIC_COPY).unlink(missing_ok=True)
        for path in [root, *root.rglob("*")]:
            os.chown(path, 65534, 65534)
        for path in public.rglob("*"):
            path.chmod(0o444)
        public.chmod(0o555)
        done = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
            + [sys.executable, "-c", EXTRACT_AS_OWNER, str(root), cid],
            capture_output=True,
            text=True,
            env={**os.environ, "HOME": str(root)},
            timeout=120,
        )
        copied = (public / PUBLIC_COPY).is_file()
        mode = public.stat().st_mode & 0o777
    finally:
        shutil.rmtree(root, ignore_errors=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == PUBLIC_COPY
    assert copied and oct(mode) == oct(0o555)


def test_an_archive_with_two_members_is_refused(tmp_path: Path) -> None:
    cid = next(c for c in PRIVATE_SAMPLE_IDS if c.startswith("text-normalization"))
    build_prepared_dir(tmp_path, [cid])
    competition = get_competition(cid)
    archive = tmp_path / cid / "prepared" / str(competition.sample_submission_archive)
    with zipfile.ZipFile(archive, "a") as bundle:
        bundle.writestr("answers.csv", "id,after\n")
    with pytest.raises(RuntimeError, match="one file"):
        agent_sample_submission(competition, CompetitionPaths(tmp_path, cid))


@pytest.mark.slow  # 25 s; the forced-error test below also finds the dummy valid on 74 of 75
def test_dummy_is_valid_on_all_75_and_the_7_dev_competitions(
    full_data_dir: Path, tmp_path: Path
) -> None:
    logs = _run(dummy(), full_data_dir, tmp_path)
    assert sum(len(log.samples or []) for log in logs) == 82
    assert _invalid(logs) == {}


def test_baseline_is_valid_on_all_75_and_the_7_dev_competitions_and_says_its_path(
    full_data_dir: Path, tmp_path: Path
) -> None:
    logs = _run(baseline(timeout=300), full_data_dir, tmp_path)
    assert sum(len(log.samples or []) for log in logs) == 82
    assert _invalid(logs) == {}
    paths = {str(s.id): s.metadata["baseline"]["path"] for log in logs for s in log.samples or []}
    assert set(paths.values()) <= {"model", "fallback", "sample-submission"}
    # the synthetic dirs have no train.csv, so no competition can take the model path
    assert "model" not in paths.values()


@solver
def dummy_that_errors_on(competition_id: str) -> Solver:
    """The dummy, except that one competition's sample ends in error (not the agent's crash:
    a solver given to ``eval`` is not guarded, so this is a sample error after retries)."""
    copy = dummy()

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        if state.sample_id == competition_id:
            raise RuntimeError("forced sample error")
        return await copy(state, generate)

    return solve


def test_a_forced_error_in_one_of_75_samples_counts_as_a_failure_everywhere(
    full_data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mle_inspect.cli import main
    from mle_inspect.scorers._sample_metrics import MEAN_METRIC

    broken = split_ids("all")[0]
    [log] = inspect_eval(
        mle_bench(split="all", data_dir=str(full_data_dir), time_limit=600),
        solver=dummy_that_errors_on(broken),
        model="none/none",
        log_dir=str(tmp_path),
        display="none",
        max_samples=8,
    )
    assert log.status == "error"  # the run finished all 75, and says a sample errored
    assert len(log.samples or []) == 75
    metrics = {s.name: {k: m.value for k, m in s.metrics.items()} for s in log.results.scores}
    valid = metrics["valid_submission"]
    assert valid["mle_inspect/samples_planned"] == 75.0
    assert valid["mle_inspect/samples_errored"] == 1.0
    assert valid[MEAN_METRIC] == pytest.approx(74 / 75)
    samples = {str(s.id): s.scores["mle_scorer"].value for s in log.samples or []}
    assert all(v == 0.0 for v in samples[broken].values()), samples[broken]
    for key in ("above_median", "bronze", "silver", "gold", "any_medal", "normalized_score"):
        # the mean is over all 75 planned runs, the errored one counting 0
        total = sum(value[key] for value in samples.values())
        assert metrics[key][MEAN_METRIC] == pytest.approx(total / 75), key
    # the report counts the errored run as a failed attempt of 75
    capsys.readouterr()  # drop what the eval printed
    assert main(["report", "--format", "json", str(tmp_path)]) == 0
    [report] = json.loads(capsys.readouterr().out)["reports"]
    every = next(s for s in report["splits"] if s["split"] == "all")
    assert every["competitions"] == 75 and every["errored"] == 1
    assert every["metrics"]["valid_submission"]["mean"] == pytest.approx(100 * 74 / 75)
