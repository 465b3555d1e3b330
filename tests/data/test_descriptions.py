"""description.md: the checkout's text when given, else a brief made only of registry facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from mle_inspect.competitions import get_competition
from mle_inspect.data.descriptions import (
    MLEBENCH_DIR_ENV,
    brief,
    description_text,
    resolve_mlebench_dir,
    write_description,
)


@pytest.fixture
def public(tmp_path: Path) -> Path:
    folder = tmp_path / "public"
    (folder / "train_images").mkdir(parents=True)
    (folder / "train_images" / "a.png").write_bytes(b"x")
    (folder / "train.csv").write_text("id_code,diagnosis\na,1\n")
    (folder / "sample_submission.csv").write_text("id_code,diagnosis\nb,0\n")
    return folder


def _checkout(tmp_path: Path, cid: str) -> Path:
    folder = tmp_path / "mle-bench" / "mlebench" / "competitions" / cid
    folder.mkdir(parents=True)
    (folder / "description.md").write_text("full text")
    (folder / "description_obfuscated.md").write_text("obfuscated text")
    return tmp_path / "mle-bench"


def test_brief_states_metric_direction_files_and_submission_columns(public: Path) -> None:
    competition = get_competition("aptos2019-blindness-detection")
    text = brief(competition, public)
    assert competition.name in text
    assert "quadratic-weighted-kappa" in text and "higher is better" in text
    assert "`train_images/`: a folder of 1 files" in text and "`train.csv`" in text
    assert "`id_code`, `diagnosis`" in text
    assert "--mlebench-dir" in text


def test_brief_for_a_private_sample_points_to_the_zipped_copy(tmp_path: Path) -> None:
    competition = get_competition("text-normalization-challenge-english-language")
    (tmp_path / "en_train.csv.zip").write_bytes(b"")
    text = brief(competition, tmp_path)
    assert "zipped" in text and "lower is better" not in text


def test_checkout_description_is_copied_verbatim(tmp_path: Path, public: Path) -> None:
    cid = "aptos2019-blindness-detection"
    source = write_description(get_competition(cid), public, _checkout(tmp_path, cid))
    assert source.startswith("mlebench checkout")
    assert (public / "description.md").read_text() == "full text"


def test_obfuscated_description_needs_a_checkout(
    tmp_path: Path, public: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cid = "aptos2019-blindness-detection"
    monkeypatch.delenv(MLEBENCH_DIR_ENV, raising=False)
    with pytest.raises(FileNotFoundError, match="--mlebench-dir"):
        description_text(get_competition(cid), public, "obfuscated")
    checkout = _checkout(tmp_path, cid)
    monkeypatch.setenv(MLEBENCH_DIR_ENV, str(checkout))
    assert resolve_mlebench_dir() == checkout.resolve()
    assert description_text(get_competition(cid), public, "obfuscated") == "obfuscated text"
    assert description_text(get_competition(cid), public) == "full text"
