"""The mle-inspect command: list, grade (without inspect_ai); errors list valid choices.

``report`` and ``grade --submissions`` are tested in ``test_report.py``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from mle_inspect.cli import main
from tests.conftest import DEMO_IDS


def test_list_shows_every_demo_competition_as_prepared_and_ready(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mle_inspect.competitions import get_competition

    for cid in DEMO_IDS:  # a finished preparation in MLE-bench's layout: answers + sample
        competition = get_competition(cid)
        for rel in (competition.answers, competition.sample_submission):
            (tmp_path / cid / "prepared" / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / cid / "prepared" / rel).write_text("id\n")
    assert main(["list", "--split", "demo", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for cid in DEMO_IDS:
        line = next(row for row in out.splitlines() if row.startswith(cid))
        assert line.split()[-2:] == ["yes", "yes"], line
    assert "4 competitions in split 'demo'; 4 ready, 4 prepared." in out


def test_list_of_all_shows_75_competitions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["list", "--split", "all", "--data-dir", str(tmp_path)]) == 0
    assert "75 competitions in split 'all'" in capsys.readouterr().out


def test_grade_prints_a_json_report_and_a_summary(
    digits_data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = pd.read_csv(digits_data_dir / "demo-digits/prepared/private/test.csv")
    submission = tmp_path / "submission.csv"
    answers.to_csv(submission, index=False)
    code = main(["grade", str(submission), "-c", "demo-digits", "--data-dir", str(digits_data_dir)])
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert code == 0
    assert report["score"] == 1.0 and report["gold_medal"] and report["any_medal"]
    assert report["percentile"] == 100.0
    assert "demo-digits: score 1, gold medal" in captured.err


def test_grade_of_an_invalid_file_exits_1_with_the_reason(
    digits_data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    submission = tmp_path / "submission.csv"
    submission.write_text("id,digit\nimg_1,3\n")
    code = main(["grade", str(submission), "-c", "demo-digits", "--data-dir", str(digits_data_dir)])
    captured = capsys.readouterr()
    assert code == 1
    assert json.loads(captured.out)["valid_submission"] is False
    assert "missing column 'label'" in captured.err


def test_grade_names_the_prepare_command_when_answers_are_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    submission = tmp_path / "s.csv"
    submission.write_text("id,label\n")
    code = main(["grade", str(submission), "-c", "demo-digits", "--data-dir", str(tmp_path)])
    assert code == 2
    assert "mle-inspect prepare -c demo-digits" in capsys.readouterr().err


def test_unknown_competition_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["grade", str(tmp_path / "s.csv"), "-c", "demo-digit"])
    assert code == 2
    assert "Did you mean demo-digits" in capsys.readouterr().err


def test_grade_does_not_import_inspect_ai(digits_data_dir: Path, tmp_path: Path) -> None:
    sample = digits_data_dir / "demo-digits/prepared/public/sample_submission.csv"
    probe = (
        "import sys; from mle_inspect.cli import main; "
        f"code = main(['grade', {str(sample)!r}, '-c', 'demo-digits', "
        f"'--data-dir', {str(digits_data_dir)!r}]); "
        "assert code == 0, code; "
        "print('inspect_ai' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_importing_the_package_loads_no_heavy_modules() -> None:
    probe = (
        "import sys, mle_inspect; "
        "heavy = [m for m in ('pandas', 'numpy', 'sklearn', 'inspect_ai') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
