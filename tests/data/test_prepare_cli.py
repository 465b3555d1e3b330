"""``mle-inspect prepare``: dry run without credentials, parallel jobs, summary table."""

from __future__ import annotations

from pathlib import Path

import pytest

from mle_inspect.cli import main

from .conftest import FakeKaggle


@pytest.fixture
def fake_cli_kaggle(monkeypatch: pytest.MonkeyPatch, fake_kaggle: FakeKaggle) -> FakeKaggle:
    monkeypatch.setattr("mle_inspect.data.kaggle.KaggleApiClient", lambda: fake_kaggle)
    return fake_kaggle


def test_dry_run_lists_downloads_and_explains_credentials_without_any(
    tmp_path: Path, no_credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["prepare", "--lite", "--dry-run", "--data-dir", str(tmp_path / "d")]) == 0
    out = capsys.readouterr().out
    assert "22 of 22 competitions would be downloaded" in out
    assert out.count("download from Kaggle, extract, prepare") == 22
    assert "72018554bfbb009f2145f56121380078" in out  # aerial cactus zip, from checksums.tsv
    assert "Kaggle credentials were not found" in out and "kaggle.json" in out
    assert "/rules" in out
    assert not (tmp_path / "d").exists()


def test_dry_run_names_where_credentials_were_found(
    tmp_path: Path, no_credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (no_credentials / ".kaggle").mkdir(parents=True)
    (no_credentials / ".kaggle" / "kaggle.json").write_text("{}")
    assert main(["prepare", "--split", "dev", "--dry-run", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "7 of 7 competitions would be downloaded" in out
    assert f"Kaggle credentials: {no_credentials / '.kaggle' / 'kaggle.json'}" in out


def test_prepare_runs_jobs_in_parallel_and_prints_a_summary(
    tmp_path: Path, fake_cli_kaggle: FakeKaggle, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["prepare", "-c", "spaceship-titanic", "-c", "playground-series-s3e18"]
    args += ["--data-dir", str(tmp_path), "--jobs", "2", "--skip-verify"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "2 prepared, 0 skipped, 0 failed" in out
    assert "spaceship-titanic: md5 100%" in out and "spaceship-titanic: extract 100%" in out
    assert sorted(fake_cli_kaggle.downloads) == ["playground-series-s3e18", "spaceship-titanic"]
    assert main(args) == 0
    assert "0 prepared, 2 skipped, 0 failed" in capsys.readouterr().out


def test_a_failure_is_summarised_with_its_reason_and_exit_code_1(
    tmp_path: Path, fake_cli_kaggle: FakeKaggle, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_cli_kaggle.rules_refused.add("spaceship-titanic")
    args = ["prepare", "-c", "spaceship-titanic", "-c", "playground-series-s3e18"]
    assert main([*args, "--data-dir", str(tmp_path), "--skip-verify"]) == 1
    captured = capsys.readouterr()
    assert "1 prepared, 0 skipped, 1 failed" in captured.out
    assert "https://www.kaggle.com/competitions/spaceship-titanic/rules" in captured.err


def test_md5_mismatch_fails_unless_skip_verify(
    tmp_path: Path, fake_cli_kaggle: FakeKaggle, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["prepare", "-c", "spaceship-titanic", "--data-dir", str(tmp_path)]
    assert main(args) == 1
    assert "67c177886736583aff9b947e121395a9" in capsys.readouterr().err
    assert main([*args, "--skip-verify"]) == 0
    assert fake_cli_kaggle.downloads == ["spaceship-titanic"]
