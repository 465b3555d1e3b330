"""prepare_competition end to end against a fake Kaggle: resume, verify, refuse, accept."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from mle_inspect.competitions import get_competition
from mle_inspect.data import (
    PreparationError,
    PrepareStatus,
    competition_paths,
    plan_competition,
    prepare_competition,
)
from mle_inspect.data._prepare import RAW_MARKER
from mle_inspect.data.checksums import CompetitionChecksums, md5_file
from mle_inspect.data.extract import UnsafeArchive
from mle_inspect.data.kaggle import RulesNotAccepted, TransientKaggleError

from .conftest import FakeKaggle

CID = "spaceship-titanic"


@pytest.fixture
def known_sums(monkeypatch: pytest.MonkeyPatch, fake_kaggle: FakeKaggle):  # noqa: ANN201
    """Make the synthetic archive's MD5 the 'known' one; prepared-file sums set per test."""
    zip_md5 = md5_file(fake_kaggle.archive(CID))
    files: dict[str, str] = {}
    monkeypatch.setattr(
        "mle_inspect.data.checksums.checksums_for",
        lambda cid: CompetitionChecksums(zip_md5=zip_md5, files=files),
    )
    return files


def _prepare(data_dir: Path, client: FakeKaggle, **kwargs) -> PrepareStatus:  # noqa: ANN003
    return prepare_competition(
        get_competition(CID), competition_paths(CID, data_dir), client=client, **kwargs
    )


def _leftovers(root: Path) -> list[str]:
    return sorted(
        p.name for p in root.iterdir() if p.name.startswith((".prepare-", ".old-", ".raw-"))
    )


def test_prepare_downloads_extracts_verifies_and_records_what_it_did(
    tmp_path: Path, fake_kaggle: FakeKaggle, known_sums: dict[str, str]
) -> None:
    assert _prepare(tmp_path, fake_kaggle) is PrepareStatus.PREPARED
    paths = competition_paths(CID, tmp_path)
    assert (paths.raw / "train.csv").is_file() and (paths.raw / RAW_MARKER).is_file()
    assert (paths.root / f"{CID}.zip").is_file()
    marker = json.loads(paths.marker.read_text())
    assert marker["raw"].startswith("extracted")
    assert marker["description"] == "brief written from the registry"
    assert (paths.public / "description.md").is_file()
    assert _leftovers(paths.root) == []


def test_prepared_files_are_checked_against_known_md5s(
    tmp_path: Path, fake_kaggle: FakeKaggle, known_sums: dict[str, str]
) -> None:
    reference = tmp_path / "reference"
    _prepare(reference, fake_kaggle)
    good = md5_file(competition_paths(CID, reference).private / "test.csv")
    known_sums["private/test.csv"] = good
    _prepare(tmp_path / "a", fake_kaggle)
    marker = json.loads(competition_paths(CID, tmp_path / "a").marker.read_text())
    assert marker["checksums_verified"] == ["private/test.csv"]

    known_sums["private/test.csv"] = "f" * 32
    with pytest.raises(PreparationError) as caught:
        _prepare(tmp_path / "b", fake_kaggle)
    assert "f" * 32 in str(caught.value) and good in str(caught.value)
    assert not competition_paths(CID, tmp_path / "b").prepared.exists()
    assert _prepare(tmp_path / "b", fake_kaggle, skip_verify=True) is PrepareStatus.PREPARED


def test_rules_not_accepted_fails_with_the_rules_page_and_writes_nothing(
    tmp_path: Path, fake_kaggle: FakeKaggle, known_sums: dict[str, str]
) -> None:
    fake_kaggle.rules_refused.add(CID)
    with pytest.raises(RulesNotAccepted, match=f"kaggle.com/competitions/{CID}/rules"):
        _prepare(tmp_path, fake_kaggle)
    paths = competition_paths(CID, tmp_path)
    assert not paths.prepared.exists() and not paths.raw.exists()
    assert fake_kaggle.downloads == [CID]  # not retried: retrying cannot help


def test_network_errors_are_retried_then_prepare_succeeds(
    tmp_path: Path,
    fake_kaggle: FakeKaggle,
    known_sums: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sleeps: list[float] = []
    monkeypatch.setattr("mle_inspect.data.kaggle.time.sleep", sleeps.append)
    fake_kaggle.fail_with = [TransientKaggleError("connection reset")] * 2
    assert _prepare(tmp_path, fake_kaggle) is PrepareStatus.PREPARED
    assert fake_kaggle.downloads == [CID] * 3
    assert len(sleeps) == 2


def test_md5_mismatch_of_the_download_stops_before_extraction(
    tmp_path: Path, fake_kaggle: FakeKaggle
) -> None:
    from mle_inspect.data.kaggle import ChecksumMismatch

    with pytest.raises(ChecksumMismatch, match="67c177886736583aff9b947e121395a9"):
        _prepare(tmp_path, fake_kaggle)  # the real MLE-bench sum, not the synthetic one
    paths = competition_paths(CID, tmp_path)
    assert not paths.raw.exists() and not paths.prepared.exists()
    assert _prepare(tmp_path, fake_kaggle, skip_verify=True) is PrepareStatus.PREPARED
    assert fake_kaggle.downloads == [CID]


def test_zip_with_an_entry_escaping_raw_is_refused(
    tmp_path: Path, fake_kaggle: FakeKaggle, monkeypatch: pytest.MonkeyPatch
) -> None:
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as handle:
        handle.writestr("train.csv", "a\n1\n")
        handle.writestr("../../outside.txt", "pwned")
    monkeypatch.setattr(fake_kaggle, "archive", lambda _cid: evil)
    with pytest.raises(UnsafeArchive):
        _prepare(tmp_path / "data", fake_kaggle, skip_verify=True)
    paths = competition_paths(CID, tmp_path / "data")
    assert not paths.raw.exists()
    assert not list(tmp_path.rglob("outside.txt"))


def interrupting_prepare(raw: Path, public: Path, private: Path) -> None:
    """A prepare hook that is interrupted (Ctrl-C) halfway through writing."""
    (public / "train.csv").write_text("half")
    raise KeyboardInterrupt


def test_interrupted_prepare_leaves_nothing_and_a_rerun_resumes_without_downloading(
    tmp_path: Path, fake_kaggle: FakeKaggle, known_sums: dict[str, str]
) -> None:
    paths = competition_paths(CID, tmp_path)
    broken = get_competition(CID).model_copy(
        update={"prepare": "tests.data.test_pipeline:interrupting_prepare"}
    )
    with pytest.raises(KeyboardInterrupt):
        prepare_competition(broken, paths, client=fake_kaggle)
    assert not paths.prepared.exists()
    assert _leftovers(paths.root) == []
    assert (paths.raw / RAW_MARKER).is_file()  # the finished download and extraction are kept
    assert "prepare from raw/" in plan_competition(get_competition(CID), paths)

    (paths.root / ".prepare-killed").mkdir()  # what a kill -9 would leave behind
    assert _prepare(tmp_path, fake_kaggle) is PrepareStatus.PREPARED
    assert fake_kaggle.downloads == [CID]
    assert _leftovers(paths.root) == []


def test_rerun_after_losing_raw_reuses_the_verified_archive(
    tmp_path: Path, fake_kaggle: FakeKaggle, known_sums: dict[str, str]
) -> None:
    import shutil

    _prepare(tmp_path, fake_kaggle)
    paths = competition_paths(CID, tmp_path)
    shutil.rmtree(paths.raw)
    assert "verify and extract" in plan_competition(get_competition(CID), paths, force=True)
    assert _prepare(tmp_path, fake_kaggle, force=True) is PrepareStatus.PREPARED
    assert fake_kaggle.downloads == [CID]


def test_a_preparation_by_mlebench_in_the_same_layout_is_accepted(
    tmp_path: Path, fake_kaggle: FakeKaggle
) -> None:
    paths = competition_paths(CID, tmp_path)
    (paths.public).mkdir(parents=True)
    (paths.private).mkdir(parents=True)
    (paths.public / "sample_submission.csv").write_text("PassengerId,Transported\n1,False\n")
    (paths.private / "test.csv").write_text("PassengerId,Transported\n1,True\n")
    assert _prepare(tmp_path, fake_kaggle) is PrepareStatus.SKIPPED
    assert plan_competition(get_competition(CID), paths) == "skip (already prepared)"
    assert fake_kaggle.downloads == []


def test_an_existing_raw_folder_without_archive_is_used_as_it_is(
    tmp_path: Path, fake_kaggle: FakeKaggle
) -> None:
    from ._synthetic import build

    paths = competition_paths(CID, tmp_path)
    build(CID, paths.raw)  # e.g. downloaded and extracted by MLE-bench
    assert plan_competition(get_competition(CID), paths) == "prepare from existing raw/"
    assert _prepare(tmp_path, fake_kaggle, skip_verify=True) is PrepareStatus.PREPARED
    assert fake_kaggle.downloads == []


def test_mlebench_checkout_supplies_description_and_leaderboard(
    tmp_path: Path, fake_kaggle: FakeKaggle, known_sums: dict[str, str]
) -> None:
    checkout = tmp_path / "mle-bench"
    folder = checkout / "mlebench" / "competitions" / CID
    folder.mkdir(parents=True)
    (folder / "description.md").write_text("# The checkout's description\n")
    (folder / "leaderboard.csv").write_text("scoreNullable,teamId,score\n0.8,1,0.8\n0.7,2,0.7\n")
    _prepare(tmp_path / "data", fake_kaggle, mlebench_dir=checkout)
    paths = competition_paths(CID, tmp_path / "data")
    assert (paths.public / "description.md").read_text() == "# The checkout's description\n"
    assert (paths.prepared / "leaderboard.csv").read_bytes() == (
        folder / "leaderboard.csv"
    ).read_bytes()
    source = json.loads((paths.prepared / "leaderboard.source.json").read_text())
    assert "mlebench checkout" in source["source"]
    assert fake_kaggle.leaderboard_calls == []


def test_without_checkout_the_leaderboard_comes_from_kaggle_with_a_score_column(
    tmp_path: Path, fake_kaggle: FakeKaggle, known_sums: dict[str, str]
) -> None:
    from mle_inspect.scorers.grading import load_leaderboard

    _prepare(tmp_path, fake_kaggle)
    paths = competition_paths(CID, tmp_path)
    scores, where = load_leaderboard(paths)  # type: ignore[misc]
    assert scores == [0.9, 0.8] and where.endswith("leaderboard.csv")
    source = json.loads((paths.prepared / "leaderboard.source.json").read_text())
    assert source["source"].startswith("kaggle api")


def test_no_leaderboard_anywhere_means_none(
    tmp_path: Path,
    fake_kaggle: FakeKaggle,
    known_sums: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mle_inspect.data.kaggle import KaggleError

    def refuse(_cid: str, _dest: Path) -> Path:
        raise KaggleError("no leaderboard for you")

    monkeypatch.setattr(fake_kaggle, "download_leaderboard", refuse)
    _prepare(tmp_path, fake_kaggle)
    paths = competition_paths(CID, tmp_path)
    assert not (paths.prepared / "leaderboard.csv").exists()
    assert json.loads(paths.marker.read_text())["leaderboard"] is None
