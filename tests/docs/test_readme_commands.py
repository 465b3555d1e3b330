"""Every command in README.md works as written (issue 19).

Commands that can run offline are run for real against a temporary data dir (``mle-inspect
list``, ``prepare --dry-run``, ``grade``). The others (Kaggle downloads, Docker, Kubernetes,
real models, long evals) are checked as far as this machine allows: the task, solver and every
``-T``/``-S`` name exist, Inspect's CLI knows every option, files and Makefile targets exist.
A README command that no rule here recognises fails the test, so new ones get checked too.
"""

from __future__ import annotations

import inspect
import json
import re
import shlex
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from mle_inspect.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"

NOT_RUNNABLE_HERE = {"kubectl", "docker", "export", "source", "bash"}
"""Programs whose commands need a cluster, an engine, credentials or shell state: the README
states what they need; nothing of ours to parse."""

OFFLINE_RUNS = {
    ("list",),
    ("list", "--split", "dev"),
    ("prepare", "--lite", "--dry-run"),
    ("grade", "submission.csv", "-c", "demo-digits"),
    ("grade", "--submissions", "subs.jsonl", "--output-dir", "out/"),
}
"""``mle-inspect`` commands of the README that are run for real, in a scratch folder."""


def readme_commands() -> list[list[str]]:
    """Shell commands of the README's ``bash`` blocks: continuations joined, comments and
    heredoc bodies dropped, ``a && b`` split, ``.venv/bin/`` stripped."""
    commands: list[list[str]] = []
    for block in re.findall(r"```bash\n(.*?)```", README.read_text(encoding="utf-8"), re.S):
        text = re.sub(r"\\\n\s*", " ", block)
        heredoc: str | None = None
        for line in text.splitlines():
            if heredoc is not None:
                heredoc = None if line.strip() == heredoc else heredoc
                continue
            marker = re.search(r"<<'?(\w+)'?", line)
            if marker:
                heredoc = marker.group(1)
                line = line[: marker.start()]
            if line.lstrip().startswith("#") or not line.strip():
                continue
            for part in line.split("&&"):
                words = shlex.split(part, comments=True)
                while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):
                    words.pop(0)  # VAR=value before a command
                if words:
                    words[0] = words[0].removeprefix(".venv/bin/")
                    commands.append(words)
    return commands


def _options(argv: list[str]) -> Iterator[tuple[str, str | None]]:
    """(option, value) pairs of an Inspect command line; ``--x=y`` split."""
    i = 0
    while i < len(argv):
        word = argv[i]
        if word.startswith("-"):
            name, _, inline = word.partition("=")
            value = inline or (argv[i + 1] if i + 1 < len(argv) else None)
            if not inline and value is not None and not value.startswith("-"):
                i += 1
            else:
                value = inline or None
            yield name, value
        i += 1


def _params(kind: str, name: str) -> set[str]:
    from inspect_ai._util.registry import registry_lookup

    import mle_inspect._registry  # noqa: F401 - registers mle_inspect's tasks and solvers

    target = registry_lookup(kind, name)
    if target is None and kind == "solver":  # --solver also takes agents
        target = registry_lookup("agent", name)
    assert target is not None, f"no {kind} {name!r} is registered"
    return set(inspect.signature(target).parameters)


def check_inspect_command(words: list[str]) -> None:
    """The subcommand's options exist; the task, solver and their arguments are registered."""
    from inspect_ai._cli.eval import eval_command
    from inspect_ai._cli.score import score_command
    from inspect_ai._cli.view import view_command

    command = {"eval": eval_command, "score": score_command, "view": view_command}[words[1]]
    known = {opt for param in command.params for opt in param.opts}
    positional = [w for w in words[2:3] if not w.startswith("-")]
    options = list(_options(words[2 + len(positional) :]))
    for name, _ in options:
        assert name in known, f"`inspect {words[1]}` has no option {name}: {shlex.join(words)}"
    if words[1] != "eval":
        return
    task = positional[0]
    if task.endswith(".py"):
        assert (ROOT / task).is_file(), task
        task_params = None
    else:
        task_params = _params("task", task)
    solver = next((v for n, v in options if n == "--solver"), None)
    if solver is None and task_params is not None:
        solver = "mle_inspect/react_agent"  # the split tasks' default agent
    solver_params = _params("solver", solver) if solver else None
    for name, value in options:
        if name in ("-T", "-S") and value is not None:
            params = task_params if name == "-T" else solver_params
            if params is not None:
                assert value.split("=")[0] in params, f"{name} {value}: {shlex.join(words)}"


def check_command(words: list[str], tmp_path: Path) -> str:
    """Check one README command; returns how (for the test's summary)."""
    program = words[0]
    if program == "mle-inspect":
        args = build_parser().parse_args(words[1:])  # argument names exist (exits otherwise)
        assert callable(args.func)
        return "run" if tuple(words[1:]) in OFFLINE_RUNS else "parsed"
    if program == "inspect":
        check_inspect_command(words)
        return "parsed"
    if program == "python":
        script = ROOT / words[1]
        assert script.is_file(), words
        for option in (w.split("=")[0] for w in words[2:] if w.startswith("--")):
            assert option in script.read_text(encoding="utf-8"), (option, words)
        return "parsed"
    if program == "pip":
        assert words[1:3] == ["install", "-e"] or words[1] == "install", words
        extras = set(
            tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
        )
        target = words[-1]
        assert not target.startswith("mle-inspect[") or " @ git+" in target, (
            f"mle-inspect is not on PyPI: {shlex.join(words)}"
        )
        for extra in re.findall(r"\[([\w,-]+)\]", target):
            assert set(extra.split(",")) <= extras, (extra, words)
        return "parsed"
    if program == "make":
        makefile = (ROOT / "Makefile").read_text()
        for target in (w for w in words[1:] if "=" not in w):
            assert re.search(rf"^{re.escape(target)}:", makefile, re.M), target
        return "parsed"
    if program == "pytest":
        markers = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"][
            "ini_options"
        ]["markers"]
        names = {m.split(":")[0] for m in markers}
        for name, value in _options(words[1:]):
            if name == "-m":
                assert value in names, value
        assert all((ROOT / w).exists() for w in words[1:] if w.startswith("tests")), words
        return "parsed"
    if program == "python3.11" and words[1:3] == ["-m", "venv"]:
        return "parsed"
    assert program in NOT_RUNNABLE_HERE, f"no rule checks this README command: {shlex.join(words)}"
    return "not runnable here"


def test_every_readme_command_parses_and_offline_ones_run(
    digits_data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    commands = readme_commands()
    assert len(commands) > 30  # the parser found the README's code blocks
    how = {shlex.join(words): check_command(words, tmp_path) for words in commands}
    ran = {c for c, h in how.items() if h == "run"}
    assert ran == {shlex.join(["mle-inspect", *argv]) for argv in OFFLINE_RUNS}, ran

    # the offline ones, for real, in a scratch folder with the files they name
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MLE_INSPECT_DATA_DIR", str(digits_data_dir))
    answers = digits_data_dir / "demo-digits" / "prepared" / "private" / "test.csv"
    pd.read_csv(answers).to_csv("submission.csv", index=False)
    line = {"competition_id": "demo-digits", "submission_path": "submission.csv"}
    Path("subs.jsonl").write_text(json.dumps(line) + "\n")
    for argv in sorted(OFFLINE_RUNS):
        assert main(list(argv)) == 0, argv
    out = capsys.readouterr().out
    assert "75 competitions in split 'full'" in out
    assert "7 competitions in split 'dev'" in out
    assert list(Path("out").glob("*_grading_report.json"))


def test_the_parser_reads_continuations_heredocs_and_chains() -> None:
    commands = [shlex.join(c) for c in readme_commands()]
    assert any(
        c.startswith("inspect eval mle_inspect/mle_bench -T split=lite -T sandbox=k8s")
        and c.endswith("--max-sandboxes 22")
        for c in commands
    )  # joined across backslashes
    assert not any(c.startswith(("apiVersion", "metadata")) for c in commands)  # heredoc body
    assert ["source", ".venv/bin/activate"] in readme_commands()  # second half of an &&


def test_a_pypi_install_line_would_be_caught(tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match="not on PyPI"):
        check_command(["pip", "install", "mle-inspect[kaggle]"], tmp_path)
    with pytest.raises(AssertionError, match="has no option"):
        check_command(["inspect", "eval", "mle_inspect/demo", "--solvr", "x"], tmp_path)
    with pytest.raises(AssertionError, match="-T splt=dev"):
        check_command(["inspect", "eval", "mle_inspect/mle_bench", "-T", "splt=dev"], tmp_path)
