"""Prepare is atomic, idempotent, refuses to overwrite, and accepts an MLE-bench layout."""

from __future__ import annotations

import os
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


def test_prepare_is_deterministic(tmp_path: Path) -> None:
    competition = get_competition(CID)
    first, second = competition_paths(CID, tmp_path / "a"), competition_paths(CID, tmp_path / "b")
    prepare_competition(competition, first)
    prepare_competition(competition, second)
    for name in ("public/train.csv", "public/test.csv", "private/test.csv", "leaderboard.csv"):
        assert (first.prepared / name).read_bytes() == (second.prepared / name).read_bytes(), name


def test_a_finished_preparation_is_skipped_unless_forced(tmp_path: Path) -> None:
    competition = get_competition(CID)
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
