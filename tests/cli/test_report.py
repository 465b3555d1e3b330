"""``mle-inspect report`` and ``mle-inspect grade --submissions`` on logs made in the tests:
a real demo run (dummy solver, 3 epochs) and synthetic logs with errored and missing samples."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from scipy import stats

from mle_inspect.cli import main
from mle_inspect.competitions import get_competition, split_ids
from tests.conftest import DemoPreparer
from tests.reporting._logs import DEMO_ID, outcome, run_demo, synthetic_log

LOW = split_ids("low")[:2]
MEDIUM = split_ids("medium")[:1]
L1, L2, M1 = (*LOW, *MEDIUM)
COMPLEXITY = {cid: get_competition(cid).complexity for cid in (L1, L2, M1)}
REPORT_NAME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-[A-Za-z]+_grading_report\.json$")


@pytest.fixture(scope="module")
def demo_run(
    prepare_demo: DemoPreparer, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path]:
    """(data dir, log) of the dummy solver on one demo competition with epochs=3."""
    data_dir = prepare_demo(DEMO_ID)
    return data_dir, run_demo(data_dir, tmp_path_factory.mktemp("report-logs"), epochs=3)


@pytest.fixture(scope="module")
def mixed_logs(demo_run: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two logs of one task: log a (2 epochs) and log b (1 epoch), with an errored sample,
    an invalid submission and missing samples."""
    folder = tmp_path_factory.mktemp("mixed")
    ids = [L1, L2, M1]
    synthetic_log(
        demo_run[1],
        folder / "a.eval",
        {
            (L1, 1): outcome("gold"),
            (L1, 2): outcome("bronze"),
            (L2, 1): outcome(valid=False),
            (L2, 2): "RuntimeError: the sandbox never started",
            (M1, 1): outcome("silver"),
        },
        ids,
        epochs=2,
        complexity=COMPLEXITY,
    )
    synthetic_log(
        demo_run[1],
        folder / "b.eval",
        {(L1, 1): outcome(above=True), (L2, 1): outcome("gold")},
        ids,
        epochs=1,
        complexity=COMPLEXITY,
    )
    return folder


def report_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    """The JSON report, which must hold exactly one model-and-solver run."""
    assert main(["report", "--format", "json", *args]) == 0
    [report] = json.loads(capsys.readouterr().out)["reports"]
    return report


def split_of(data: dict, name: str) -> dict:
    return next(s for s in data["splits"] if s["split"] == name)


# Seeds as MLE-bench lines them up: the n-th run of each competition (log order, then epoch).
# any-medal per seed over (L1, L2, M1): seed 1 gold, invalid, silver; seed 2 bronze, errored,
# missing; seed 3 none, gold, missing.
ANY_MEDAL_PER_SEED = [100 * 2 / 3, 100 * 1 / 3, 100 * 1 / 3]
VALID_PER_SEED = [100 * 2 / 3, 100 * 1 / 3, 100 * 2 / 3]


def test_report_aggregates_seeds_like_mlebench_and_counts_failures(
    mixed_logs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = report_json(capsys, str(mixed_logs))
    assert data["seeds"] == 3 and data["competitions"] == 3
    every = split_of(data, "all")
    for key, per_seed in (("any_medal", ANY_MEDAL_PER_SEED), ("valid_submission", VALID_PER_SEED)):
        metric = every["metrics"][key]
        assert metric["mean"] == pytest.approx(sum(per_seed) / 3)
        assert metric["standard_error"] == pytest.approx(stats.sem(per_seed, ddof=1))
        assert metric["ci_lower"] == pytest.approx(metric["mean"] - 1.96 * stats.sem(per_seed))
    assert (every["errored"], every["missing"], every["invalid"]) == (1, 2, 1)
    low = split_of(data, "low")
    assert low["competitions"] == 2
    assert low["metrics"]["any_medal"]["mean"] == pytest.approx(50.0)
    assert low["metrics"]["any_medal"]["standard_error"] == pytest.approx(0.0)
    assert split_of(data, "medium")["per_seed"]["any_medal"] == [100.0, 0.0, 0.0]
    # failures count as percentile 0 (seed 2: bronze 50, errored 0, missing 0)
    assert every["per_seed"]["percentile"][1] == pytest.approx(50 / 3)


def test_expected_seeds_pads_missing_pairs_as_failures_and_says_so(
    mixed_logs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = report_json(capsys, "--expected-seeds", "4", str(mixed_logs))
    assert data["seeds"] == 4 and data["padded"] == 3
    assert split_of(data, "all")["per_seed"]["any_medal"] == pytest.approx(
        [*ANY_MEDAL_PER_SEED, 0.0]
    )
    assert main(["report", "--expected-seeds", "4", str(mixed_logs)]) == 0
    assert "3 missing competition × seed run(s) padded as failures (--expected-seeds 4)" in (
        capsys.readouterr().out
    )


def test_text_report_lists_each_competition_and_seed(
    mixed_logs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(mixed_logs)]) == 0
    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines() if line.startswith((L1, L2, M1))]
    assert len(rows) == 9
    errored = next(r for r in rows if r[0] == L2 and r[2] == "2")
    assert errored[3] == "errored" and "sandbox" in " ".join(errored)
    gold = next(r for r in rows if r[0] == L1 and r[2] == "1")
    assert gold[3:6] == ["valid", "0.81", "gold"]
    assert "1 errored, 2 missing, 1 invalid" in out


def read_grading_report(path: Path) -> list[dict]:
    """A reader written against MLE-bench's documented grading-report schema: run totals and
    ``competition_reports`` entries with exactly these keys and types."""
    data = json.loads(path.read_text())
    totals = (
        "total_runs",
        "total_runs_with_submissions",
        "total_valid_submissions",
        "total_medals",
        "total_gold_medals",
        "total_silver_medals",
        "total_bronze_medals",
        "total_above_median",
    )
    assert set(data) == {*totals, "competition_reports"}
    assert all(type(data[k]) is int for k in totals)
    entries = []
    for entry in data["competition_reports"]:
        assert set(entry) == {
            "competition_id",
            "score",
            "gold_threshold",
            "silver_threshold",
            "bronze_threshold",
            "median_threshold",
            "any_medal",
            "gold_medal",
            "silver_medal",
            "bronze_medal",
            "above_median",
            "submission_exists",
            "valid_submission",
            "is_lower_better",
            "created_at",
            "submission_path",
        }
        assert isinstance(entry["competition_id"], str)
        assert entry["score"] is None or isinstance(entry["score"], float)
        for key in ("gold", "silver", "bronze", "median"):
            float(entry[f"{key}_threshold"])  # MLE-bench's reader casts these
        for key in (
            "any_medal",
            "gold_medal",
            "silver_medal",
            "bronze_medal",
            "above_median",
            "submission_exists",
            "valid_submission",
            "is_lower_better",
        ):
            assert isinstance(entry[key], bool)
        datetime.fromisoformat(entry["created_at"])
        assert isinstance(entry["submission_path"], str)
        entries.append(entry)
    assert data["total_runs"] == len(entries)
    assert data["total_medals"] == sum(e["any_medal"] for e in entries)
    return entries


def test_grading_report_per_seed_round_trips_through_an_mlebench_reader(
    mixed_logs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "reports"
    assert main(["report", "--grading-report", str(out), str(mixed_logs)]) == 0
    capsys.readouterr()
    seeds = sorted(out.iterdir())
    assert [s.name for s in seeds] == ["seed_1", "seed_2", "seed_3"]
    by_seed = {}
    for folder in seeds:
        [report] = list(folder.glob("*grading_report*.json"))
        assert REPORT_NAME.match(report.name), report.name
        by_seed[folder.name] = {e["competition_id"]: e for e in read_grading_report(report)}
    first = by_seed["seed_1"]
    assert first[L1]["gold_medal"] and first[L1]["any_medal"] and first[L1]["score"] == 0.81
    assert first[L1]["gold_threshold"] == 0.9
    assert first[L2]["submission_exists"] and not first[L2]["valid_submission"]
    errored = by_seed["seed_2"][L2]
    assert (errored["submission_exists"], errored["valid_submission"], errored["score"]) == (
        False,
        False,
        None,
    )
    assert not by_seed["seed_3"][M1]["submission_exists"]
    # the per-seed any-medal rate from the files equals the report's
    rates = [
        100 * sum(e["any_medal"] for e in by_seed[s].values()) / len(by_seed[s])
        for s in sorted(by_seed)
    ]
    assert rates == pytest.approx(ANY_MEDAL_PER_SEED)


def test_real_demo_run_with_three_epochs_is_three_seeds_with_setup_on_record(
    demo_run: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, log = demo_run
    data = report_json(capsys, str(log))
    assert data["seeds"] == 3 and data["competitions"] == 1
    demo = split_of(data, "demo")
    assert demo["metrics"]["valid_submission"]["mean"] == 100.0
    assert demo["metrics"]["any_medal"]["mean"] == 0.0
    [info] = data["logs"]
    assert info["model"] == "none/none" and info["solver"] == "mle_inspect/dummy"
    assert info["sandbox"] == "local" and info["task_version"] == "1.0.0"
    assert re.fullmatch(r"[0-9a-f]{64}", info["content_hash"])
    [(hardware, runs)] = data["hardware"].items()
    assert runs == 3 and hardware.startswith("local sandbox, ") and "CPU" in hardware
    assert data["integrity"]["samples_checked"] == 3 and data["integrity"]["calls"] == 0
    assert data["integrity"]["no_score_returned"] is True


def test_markdown_and_csv_formats(mixed_logs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--format", "markdown", str(mixed_logs)]) == 0
    markdown = capsys.readouterr().out
    assert "| split | comps | seeds |" in markdown and "| all | 3 | 3 |" in markdown
    assert main(["report", "--format", "csv", str(mixed_logs)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    every = next(r for r in rows if r["split"] == "all")
    assert float(every["any_medal_mean"]) == pytest.approx(sum(ANY_MEDAL_PER_SEED) / 3)
    assert main(["report", "--format", "csv", "--samples", str(mixed_logs)]) == 0
    runs = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(runs) == 9 and {r["status"] for r in runs} >= {"errored", "missing", "invalid"}


def test_logs_with_different_content_hashes_are_flagged(
    demo_run: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    samples = {(DEMO_ID, 1): outcome()}
    for name, digest in (("old.eval", "a" * 64), ("new.eval", "b" * 64)):
        synthetic_log(
            demo_run[1],
            tmp_path / name,
            samples,
            [DEMO_ID],
            1,
            {DEMO_ID: "demo"},
            metadata={"content_hash": digest},
        )
    assert main(["report", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "different registry/grader content hashes" in out
    assert "aaaaaaaaaaaa (1 log)" in out and "bbbbbbbbbbbb (1 log)" in out


def test_bad_files_are_named_on_one_line_each_and_the_rest_is_reported(
    demo_run: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, log = demo_run
    folder = tmp_path / "logs"
    folder.mkdir()
    shutil.copy(log, folder / "good.eval")
    (folder / "corrupt.eval").write_bytes(b"not a zip at all")
    (folder / "truncated.eval").write_bytes(log.read_bytes()[: log.stat().st_size // 2])
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    assert main(["report", "--format", "json", str(folder), str(other)]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["reports"][0]["seeds"] == 3
    lines = captured.err.strip().splitlines()
    assert len(lines) == 3, captured.err
    for name in ("corrupt.eval", "truncated.eval", "notes.txt"):
        assert sum(name in line for line in lines) == 1
    assert "Traceback" not in captured.err


def test_no_readable_log_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "x.eval").write_text("junk")
    assert main(["report", str(tmp_path), str(tmp_path / "absent")]) == 2
    err = capsys.readouterr().err
    assert "no readable .eval logs" in err and "absent: no such file or folder" in err


def test_plot_writes_a_png(
    mixed_logs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("matplotlib")
    target = tmp_path / "report.png"
    assert main(["report", "--plot", str(target), str(mixed_logs)]) == 0
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_without_matplotlib_names_the_extra(
    mixed_logs: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert main(["report", "--plot", str(tmp_path / "p.png"), str(mixed_logs)]) == 2
    assert 'pip install -e ".[plot]"' in capsys.readouterr().err


def test_html_plot_without_plotly_says_what_to_install(
    mixed_logs: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "plotly", None)
    monkeypatch.setitem(sys.modules, "plotly.graph_objects", None)
    assert main(["report", "--plot", str(tmp_path / "p.html"), str(mixed_logs)]) == 2
    assert "needs plotly" in capsys.readouterr().err


def test_batch_grading_writes_an_mlebench_grading_report(
    demo_run: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir, _ = demo_run
    public = data_dir / DEMO_ID / "prepared" / "public" / "sample_submission.csv"
    notes = tmp_path / "submission.txt"
    notes.write_text(public.read_text())
    jsonl = tmp_path / "submissions.jsonl"
    lines = [
        {"competition_id": DEMO_ID, "submission_path": str(public)},
        {"competition_id": DEMO_ID, "submission_path": str(tmp_path / "absent.csv")},
        {"competition_id": DEMO_ID, "submission_path": str(notes)},  # not a .csv: as MLE-bench
    ]
    jsonl.write_text("# a comment\n" + "\n".join(json.dumps(line) for line in lines) + "\n")
    out = tmp_path / "out"
    code = main(
        [
            "grade",
            "--submissions",
            str(jsonl),
            "--output-dir",
            str(out),
            "--data-dir",
            str(data_dir),
        ]
    )
    assert code == 0
    [report] = list(out.iterdir())
    assert REPORT_NAME.match(report.name)
    valid, absent, not_csv = read_grading_report(report)
    assert valid["valid_submission"] and valid["score"] == pytest.approx(math.log(3), abs=1e-5)
    assert valid["submission_path"] == str(public)
    assert not absent["submission_exists"] and not not_csv["submission_exists"]
    assert "1 valid" in capsys.readouterr().out


def test_batch_grading_does_not_import_inspect_ai(
    demo_run: tuple[Path, Path], tmp_path: Path
) -> None:
    data_dir, _ = demo_run
    public = data_dir / DEMO_ID / "prepared" / "public" / "sample_submission.csv"
    jsonl = tmp_path / "s.jsonl"
    jsonl.write_text(json.dumps({"competition_id": DEMO_ID, "submission_path": str(public)}))
    probe = (
        "import sys; from mle_inspect.cli import main; "
        f"code = main(['grade', '--submissions', {str(jsonl)!r}, '--output-dir', "
        f"{str(tmp_path / 'o')!r}, '--data-dir', {str(data_dir)!r}]); "
        "assert code == 0, code; print('inspect_ai' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_a_retried_run_counts_once_with_its_scored_attempt(
    demo_run: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids, splits = [L1, L2], {L1: COMPLEXITY[L1], L2: COMPLEXITY[L2]}
    first = {(L1, 1): outcome("gold"), (L2, 1): "TimeoutError: sandbox did not start"}
    retry = {(L1, 1): outcome("gold"), (L2, 1): outcome("silver")}
    for name, samples in (("1-run.eval", first), ("2-retry.eval", retry)):
        synthetic_log(demo_run[1], tmp_path / name, samples, ids, 1, splits, task_id="same-run")
    data = report_json(capsys, str(tmp_path))
    assert data["seeds"] == 1
    assert split_of(data, "low")["metrics"]["any_medal"]["mean"] == 100.0
    assert split_of(data, "low")["errored"] == 0


def test_logs_of_different_models_are_separate_reports_not_seeds(
    demo_run: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids, splits = [L1], {L1: COMPLEXITY[L1]}
    for model, medal in (("openai/a", "gold"), ("anthropic/b", None)):
        for seed in (1, 2):
            synthetic_log(
                demo_run[1],
                tmp_path / "logs" / f"{model.replace('/', '_')}-{seed}.eval",
                {(L1, 1): outcome(medal)},
                ids,
                1,
                splits,
                model=model,
            )
    assert main(["report", "--format", "json", str(tmp_path / "logs")]) == 0
    reports = {r["logs"][0]["model"]: r for r in json.loads(capsys.readouterr().out)["reports"]}
    assert set(reports) == {"openai/a", "anthropic/b"}
    assert [reports[m]["seeds"] for m in ("openai/a", "anthropic/b")] == [2, 2]
    assert split_of(reports["openai/a"], "low")["metrics"]["any_medal"]["mean"] == 100.0
    assert split_of(reports["anthropic/b"], "low")["metrics"]["any_medal"]["mean"] == 0.0
    out = tmp_path / "graded"
    assert main(["report", "--grading-report", str(out), str(tmp_path / "logs")]) == 0
    assert len(list(out.glob("*/seed_*/*_grading_report.json"))) == 4


def test_split_makes_competitions_no_log_holds_failures(
    mixed_logs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = report_json(capsys, "--split", "low", str(mixed_logs))
    low = split_of(data, "low")
    assert low["competitions"] == len(split_ids("low")) and data["padded"] > 0
    # the two low competitions with runs keep their medals; the rest are failures
    per_seed = [100 * 1 / len(split_ids("low"))] * 3
    assert low["per_seed"]["any_medal"] == pytest.approx(per_seed)
    assert low["missing"] == 3 * (len(split_ids("low")) - 2)
