"""``mle-inspect prepare``: dry run without credentials, parallel jobs, summary table."""

from __future__ import annotations

from pathlib import Path

import pytest

from mle_inspect.cli import main
from tests.conftest import DEMO_IDS

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


def test_dry_run_prints_download_prepared_and_disk_sizes_from_size_facts(
    tmp_path: Path, no_credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mle_inspect.data.sizes import sizes_for

    data_dir = ["--data-dir", str(tmp_path / "d")]
    assert main(["prepare", "--split", "demo", "--dry-run", *data_dir]) == 0
    out = capsys.readouterr().out
    digits = next(line for line in out.splitlines() if line.startswith("demo-digits"))
    assert "0 B" in digits and "7.5 MB" in digits  # no download; prepared size on record
    total = sum(sizes_for(cid).prepared or 0 for cid in DEMO_IDS)
    assert f"Total disk needed: {total / 1e6:.1f} MB." in out
    main(["prepare", "-c", "siim-isic-melanoma-classification", "--dry-run", *data_dir])
    out = capsys.readouterr().out
    assert "116.2 GB" in out and ">= 232.3 GB" in out  # archive + its extraction, at least
    assert "Total disk needed: at least 232.3 GB." in out
    assert main(["prepare", "--split", "medium", "--dry-run", *data_dir]) == 0
    out = capsys.readouterr().out
    assert "unknown" in out and "have no download size on record" in out


def test_progress_lines_in_logs_show_amount_and_eta() -> None:
    from mle_inspect.cli import _progress_text

    assert _progress_text(250, 1000, "images", elapsed=10.0) == "25% 250/1,000 images, eta 30s"
    assert _progress_text(2_000_000, 4_000_000, "bytes", 1.0) == "50% 2.0 MB/4.0 MB, eta 1s"
    assert _progress_text(7, None, "files", 1.0) == "7/? files"
