"""`mle-inspect list` speaks one vocabulary (75 benchmark, 7 dev, 4 demo; `full` = `all`), and
CLI errors are one line whose suggested commands work (issue 19)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from mle_inspect._extras import install_hint
from mle_inspect.cli import main
from mle_inspect.competitions import split_ids


def _list(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(["list", *argv]) == 0
    return capsys.readouterr().out


def _table_ids(out: str) -> set[str]:
    rows = out.split("\n\n")[0].splitlines()[2:]  # below the header and its rule
    return {row.split()[0] for row in rows}


def test_full_and_all_name_the_75_and_are_the_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    default = _list(capsys, "--data-dir", str(tmp_path))
    full = _list(capsys, "--split", "full", "--data-dir", str(tmp_path))
    every = _list(capsys, "--split", "all", "--data-dir", str(tmp_path))
    assert _table_ids(default) == _table_ids(full) == _table_ids(every)
    assert len(_table_ids(full)) == 75
    assert "75 competitions in split 'full'" in full


def test_list_says_how_to_see_dev_and_demo_and_those_commands_show_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _list(capsys, "--data-dir", str(tmp_path))
    pointer = next(line for line in out.splitlines() if line.startswith("Other splits:"))
    splits = re.findall(r"--split (\w+) \((\d+)\)", pointer)
    assert dict(splits) == {"dev": "7", "demo": "4"}
    seen = _table_ids(out)
    for split, count in splits:
        ids = _table_ids(_list(capsys, "--split", split, "--data-dir", str(tmp_path)))
        assert len(ids) == int(count) and not ids & seen
        seen |= ids
    assert len(seen) == 86  # between them, every registered competition


def test_every_benchmark_and_dev_competition_is_listed_ready(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for split in ("full", "dev"):
        out = _list(capsys, "--split", split, "--data-dir", str(tmp_path))
        ready = [row.split()[-1] for row in out.split("\n\n")[0].splitlines()[2:]]
        assert ready and set(ready) == {"yes"}, split


def test_the_split_task_accepts_full(tmp_path: Path) -> None:
    from mle_inspect.tasks import CompetitionNotPrepared, mle_bench

    assert split_ids("full") == split_ids("all")
    with pytest.raises(CompetitionNotPrepared, match="75 competition"):  # not an unknown split
        mle_bench(split="full", data_dir=str(tmp_path))


def _one_line_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert main(argv) == 2, argv
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in captured.err, captured.err
    return lines[0]


def _suggested(message: str) -> list[list[str]]:
    return [shlex.split(c) for c in re.findall(r"`(mle-inspect [^`]+)`", message)]


def test_unknown_id_is_one_line_and_its_suggested_commands_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "s.csv").write_text("id\n")
    for argv in (
        ["grade", str(tmp_path / "s.csv"), "-c", "spaceship-titanik"],
        ["prepare", "-c", "spaceship-titanik", "--dry-run"],
    ):
        line = _one_line_error(capsys, argv)
        assert "Did you mean spaceship-titanic" in line
        commands = _suggested(line)
        assert commands, line
        for words in commands:
            out = _list(capsys, *words[2:], "--data-dir", str(tmp_path))
            assert _table_ids(out)
        # "--split dev" or `--split demo`: the second is named without the program
        assert "--split demo" in line
        assert _table_ids(_list(capsys, "--split", "demo", "--data-dir", str(tmp_path)))


def test_unknown_split_is_one_line_naming_full(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (["list", "--split", "bogus"], ["prepare", "--split", "bogus", "--dry-run"]):
        line = _one_line_error(capsys, [*argv, "--data-dir", str(tmp_path)])
        assert "Unknown split 'bogus'" in line and "full" in line


def test_grading_an_unprepared_competition_names_a_prepare_command_that_works(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "s.csv").write_text("id\n")
    data = tmp_path / "data"
    line = _one_line_error(
        capsys, ["grade", str(tmp_path / "s.csv"), "-c", "AI4Code", "--data-dir", str(data)]
    )
    [words] = _suggested(line)
    assert words[:4] == ["mle-inspect", "prepare", "-c", "AI4Code"]
    assert main([*words[1:], "--dry-run"]) == 0  # a Kaggle download: planned, offline
    assert "download from Kaggle" in capsys.readouterr().out


def test_a_missing_jsonl_is_one_line_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.jsonl"
    line = _one_line_error(capsys, ["grade", "--submissions", str(missing), "--output-dir", "x"])
    assert line == f"mle-inspect grade: no such file: {missing}"


def test_install_hints_say_how_to_install_without_pypi() -> None:
    from mle_inspect.data.kaggle import CREDENTIALS_HELP

    for extra in ("kaggle", "k8s", "geometry", "plot"):
        assert f'pip install -e ".[{extra}]"' in install_hint(extra)
    assert install_hint("kaggle") in CREDENTIALS_HELP
    assert "'mle-inspect[" not in CREDENTIALS_HELP and '"mle-inspect[' not in CREDENTIALS_HELP
