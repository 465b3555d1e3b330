"""Prepare is atomic, idempotent, refuses to overwrite, and accepts an MLE-bench layout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from mle_inspect.competitions import get_competition
from mle_inspect.data import (
    PreparationError,
    PrepareStatus,
    competition_paths,
    default_data_dir,
    is_prepared,
    prepare_command,
    prepare_competition,
)
from mle_inspect.data.salt import salt_path

CID = "demo-diabetes-progression"


def test_default_data_dir_honours_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MLE_INSPECT_DATA_DIR", str(tmp_path / "here"))
    assert default_data_dir() == tmp_path / "here"
    monkeypatch.delenv("MLE_INSPECT_DATA_DIR")
    assert default_data_dir().parts[-2:] == ("mle-inspect", "data")


def test_prepare_writes_the_mle_bench_layout_and_no_answers_in_public(tmp_path: Path) -> None:
    competition = get_competition(CID)
    paths = competition_paths(CID, tmp_path)
    assert prepare_competition(competition, paths) is PrepareStatus.PREPARED
    public = sorted(p.name for p in paths.public.iterdir())
    assert public == ["description.md", "sample_submission.csv", "test.csv", "train.csv"]
    assert (paths.private / "test.csv").is_file()
    assert (paths.prepared / "leaderboard.csv").is_file()
    test = pd.read_csv(paths.public / "test.csv")
    assert "progression" not in test.columns
    answers = pd.read_csv(paths.private / "test.csv")
    assert set(answers["patient_id"]) == set(test["patient_id"])
    train = pd.read_csv(paths.public / "train.csv")
    assert not set(train["patient_id"]) & set(test["patient_id"])
    assert not os.access(paths.public / "train.csv", os.W_OK) or os.geteuid() == 0
    assert (paths.public / "train.csv").stat().st_mode & 0o222 == 0


SPLIT_FILES = ("public/train.csv", "public/test.csv", "private/test.csv", "leaderboard.csv")


def test_the_demo_split_is_reproducible_given_the_data_dirs_salt(tmp_path: Path) -> None:
    competition = get_competition(CID)
    first, second = competition_paths(CID, tmp_path / "a"), competition_paths(CID, tmp_path / "b")
    prepare_competition(competition, first)
    second.data_dir.mkdir()
    shutil.copy2(salt_path(first.data_dir), salt_path(second.data_dir))
    prepare_competition(competition, second)
    for name in SPLIT_FILES:
        assert (first.prepared / name).read_bytes() == (second.prepared / name).read_bytes(), name


def test_two_data_dirs_get_different_demo_splits(tmp_path: Path) -> None:
    competition = get_competition(CID).model_copy(update={"leaderboard": None})
    first, second = competition_paths(CID, tmp_path / "a"), competition_paths(CID, tmp_path / "b")
    prepare_competition(competition, first)
    prepare_competition(competition, second)
    assert salt_path(first.data_dir).read_text() != salt_path(second.data_dir).read_text()
    for name in ("public/train.csv", "private/test.csv"):
        assert (first.prepared / name).read_bytes() != (second.prepared / name).read_bytes()
    # the same rows, split differently: the features of the answer rows differ
    test_a = pd.read_csv(first.public / "test.csv").drop(columns="patient_id")
    test_b = pd.read_csv(second.public / "test.csv").drop(columns="patient_id")
    assert len(test_a) == len(test_b)
    assert (
        not test_a.sort_values(list(test_a.columns))
        .reset_index(drop=True)
        .equals(test_b.sort_values(list(test_b.columns)).reset_index(drop=True))
    )


def test_the_answers_cannot_be_regenerated_from_what_the_sandbox_sees(tmp_path: Path) -> None:
    """The attack: the package is importable in the sandbox; rebuild the answers with it."""
    from mle_inspect.competitions.demo import _data

    no_ladder = get_competition(CID).model_copy(update={"leaderboard": None})  # not needed here
    real = competition_paths(CID, tmp_path / "real")
    prepare_competition(no_ladder, real)
    salt = salt_path(real.data_dir)
    assert salt.parent == real.data_dir and not salt.is_relative_to(real.prepared)
    assert salt.stat().st_mode & 0o077 == 0  # readable by its owner only
    secret = salt.read_text().strip()
    for path in real.prepared.rglob("*"):  # public, private, leaderboard, marker
        if path.is_file():
            assert secret not in path.read_text(errors="replace"), path
    with pytest.raises(RuntimeError, match="only available inside prepare_competition"):
        _data(CID)  # no salt outside a preparation: never a predictable fallback
    # a preparation of its own (in a data dir the agent can write) gets another salt
    own = competition_paths(CID, tmp_path / "agent")
    prepare_competition(no_ladder, own)
    truth = pd.read_csv(real.private / "test.csv")
    guess = pd.read_csv(own.private / "test.csv")
    assert not set(guess["patient_id"]) & set(truth["patient_id"])


def test_a_finished_preparation_is_skipped_unless_forced(tmp_path: Path) -> None:
    competition = get_competition(CID).model_copy(update={"leaderboard": None})  # faster
    paths = competition_paths(CID, tmp_path)
    prepare_competition(competition, paths)
    marker = paths.marker.read_text()
    assert prepare_competition(competition, paths) is PrepareStatus.SKIPPED
    assert paths.marker.read_text() == marker
    assert prepare_competition(competition, paths, force=True) is PrepareStatus.PREPARED
    assert is_prepared(paths, competition)
    assert not list(paths.root.glob(".prepare-*")) and not list(paths.root.glob(".old-*"))


def interrupt_while_building_the_leaderboard(public: Path, private: Path) -> None:
    """A leaderboard hook that stops half-way, as Ctrl-C would."""
    (public / "train.csv").write_text("half,written\n")
    raise KeyboardInterrupt


def test_an_interrupted_prepare_leaves_nothing_behind_and_a_rerun_succeeds(
    tmp_path: Path,
) -> None:
    competition = get_competition(CID)
    paths = competition_paths(CID, tmp_path)
    hook = f"{__name__}:interrupt_while_building_the_leaderboard"
    with pytest.raises(KeyboardInterrupt):
        prepare_competition(competition.model_copy(update={"leaderboard": hook}), paths)
    assert not paths.prepared.exists()
    assert not list(paths.root.glob(".prepare-*"))
    assert prepare_competition(competition, paths) is PrepareStatus.PREPARED


def test_an_mle_bench_prepared_layout_counts_as_prepared(tmp_path: Path) -> None:
    competition = get_competition("spaceship-titanic")
    paths = competition_paths("spaceship-titanic", tmp_path)
    assert not is_prepared(paths, competition)
    (paths.public).mkdir(parents=True)
    (paths.private).mkdir(parents=True)
    (paths.prepared / competition.sample_submission).write_text("PassengerId,Transported\n")
    (paths.prepared / competition.answers).write_text("PassengerId,Transported\n")
    assert is_prepared(paths, competition)


def test_a_competition_without_a_prepare_function_says_so(tmp_path: Path) -> None:
    competition = get_competition("spaceship-titanic").model_copy(update={"prepare": None})
    with pytest.raises(PreparationError, match="no prepare function"):
        prepare_competition(competition, competition_paths("spaceship-titanic", tmp_path))


def test_the_prepare_command_quotes_a_data_dir_with_spaces(tmp_path: Path) -> None:
    assert prepare_command("spaceship-titanic") == "mle-inspect prepare -c spaceship-titanic"
    command = prepare_command("spaceship-titanic", tmp_path / "my data")
    assert command.endswith(f"--data-dir '{tmp_path / 'my data'}'")


# --- Two processes, one competition (issue 14 item 14) --------------------------------------

REPO = Path(__file__).resolve().parents[2]


def _start_preparing(data_dir: Path, runs: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "MLE_TEST_PREPARE_RUNS": str(runs)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.data._slow_prepare", str(data_dir), CID],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_a_second_process_waits_for_the_first_and_reuses_its_preparation(tmp_path: Path) -> None:
    runs = tmp_path / "runs.txt"
    first = _start_preparing(tmp_path / "data", runs)
    deadline = time.monotonic() + 60
    while not runs.exists() and time.monotonic() < deadline:  # first is inside its prepare hook
        time.sleep(0.05)
    assert runs.exists(), "the first process never started preparing"
    temps = list((tmp_path / "data" / CID).glob(".prepare-*"))
    assert len(temps) == 1  # the first's work in progress
    second = _start_preparing(tmp_path / "data", runs)
    out_second, _ = second.communicate(timeout=120)
    out_first, _ = first.communicate(timeout=120)
    assert first.returncode == 0, out_first
    assert second.returncode == 0, out_second
    assert "status=PREPARED" in out_first
    assert "status=SKIPPED" in out_second
    assert "waiting for it" in out_second and "reusing" in out_second
    assert runs.read_text().split() == [str(first.pid)]  # prepared once, by the first
    paths = competition_paths(CID, tmp_path / "data")
    assert (paths.private / "test.csv").is_file() and paths.marker.is_file()
    assert not list(paths.root.glob(".prepare-*"))


def test_stale_temporary_dirs_of_a_dead_run_are_removed(tmp_path: Path) -> None:
    paths = competition_paths(CID, tmp_path)
    stale = paths.root / ".prepare-deadbeef"
    (stale / "public").mkdir(parents=True)
    (stale / "public" / "half.csv").write_text("x\n")
    (stale / "public").chmod(0o555)
    assert (
        prepare_competition(get_competition(CID).model_copy(update={"leaderboard": None}), paths)
        is PrepareStatus.PREPARED
    )
    assert not stale.exists()


# --- Progress reporting from prepare hooks --------------------------------------------------


def prepare_with_progress(raw: Path, public: Path, private: Path) -> None:
    """A hook reporting files (from an iterable) and bytes (from a counter)."""
    from mle_inspect.data.progress import counter, progress

    names = [f"{i}.png" for i in range(25)]
    for name in progress(names, unit="images", stage="copy images"):
        (public / name).write_bytes(b"x")
    with counter(total=3000, unit="bytes", stage="convert") as done:
        for _ in range(3):
            done.update(1000)
    (public / "sample_submission.csv").write_text("patient_id,progression\nD1,0\n")
    (private / "test.csv").write_text("patient_id,progression\nD1,1\n")


def test_prepare_hooks_report_progress_to_the_callers_sink(tmp_path: Path) -> None:
    competition = get_competition(CID).model_copy(
        update={"prepare": f"{__name__}:prepare_with_progress", "leaderboard": None}
    )
    seen: list[tuple[str, int, int | None, str]] = []
    prepare_competition(
        competition,
        competition_paths(CID, tmp_path),
        progress=lambda stage, done, total, unit: seen.append((stage, done, total, unit)),
    )
    images = [s for s in seen if s[0] == "copy images"]
    assert images[0] == ("copy images", 0, 25, "images")
    assert images[-1] == ("copy images", 25, 25, "images")
    assert [s for s in seen if s[0] == "convert"][-1] == ("convert", 3000, 3000, "bytes")


def test_progress_outside_a_preparation_just_iterates() -> None:
    from mle_inspect.data.progress import progress

    assert list(progress(iter(range(5)))) == [0, 1, 2, 3, 4]
