"""Every sandbox holds the instructions and a validate_submission command; code is exported.

Runs one demo sample in the local sandbox with and without bubblewrap: a scripted solver
plays an external agent (it only runs shell commands) and the test reads the log.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import sandbox, store

from mle_inspect.competitions import get_competition
from mle_inspect.data import competition_paths
from mle_inspect.integrity.export import export_code, stored_export
from mle_inspect.sandboxes import bwrap
from mle_inspect.sandboxes.paths import sandbox_paths
from mle_inspect.tasks import mle_bench

CID = "demo-digits"
WHY_NOT = bwrap.bwrap_available()


@solver
def shell_agent() -> Solver:
    """Reads the instructions file and uses the command, as an external agent would."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        paths = sandbox_paths()
        home = str(Path(paths.submission).parent)
        box = sandbox()
        found = await box.exec(["cat", f"{home}/instructions.txt"])
        store().set("instructions_txt", found.stdout)
        missing = await box.exec([f"{home}/validate_submission"])
        await box.exec(["sh", "-c", f"echo 'id,label' > {paths.workspace}/bad.csv"])
        bad = await box.exec([f"{home}/validate_submission", "bad.csv"])
        sample = f"{paths.data}/{state.metadata['sample_submission_public']}"
        await box.exec(["cp", sample, paths.submission_file])
        good = await box.exec([f"{home}/validate_submission"])
        store().set("runs", [[r.returncode, r.stdout] for r in (missing, bad, good)])
        # code to export: a script, a notebook, a big file, a link out, a FIFO, binary
        await box.write_file(f"{paths.code}/train.py", "import numpy\nprint('fit')\n")
        await box.write_file(
            f"{paths.workspace}/nb.ipynb",
            '{"cells": [{"cell_type": "code", "source": ["x = 1\\n", "print(x)"]},'
            ' {"cell_type": "markdown", "source": "notes"}]}',
        )
        await box.write_file(f"{paths.workspace}/data.csv", "not,code\n")
        await box.write_file(f"{paths.workspace}/big.py", "#" * 300_000)
        await box.exec(["ln", "-s", "/etc/passwd", f"{paths.code}/passwd.py"])
        await box.exec(["mkfifo", f"{paths.code}/pipe.py"])
        await box.write_file(f"{paths.code}/model.bin", b"\0\1\2" * 10)
        await export_code()
        return state

    return solve


def _run(data_dir: Path, tmp_path: Path, sandbox_type: str = "local") -> EvalLog:
    (tmp_path / "ws").mkdir()
    task = mle_bench(
        split="demo",
        competitions=CID,
        data_dir=str(data_dir),
        workspace_root=str(tmp_path / "ws"),
        solver=shell_agent(),
        sandbox=sandbox_type,
    )
    [log] = inspect_eval(task, model="none/none", log_dir=str(tmp_path / "logs"), display="none")
    assert log.status == "success", log.error
    assert log.samples
    return log


@pytest.mark.parametrize("use_bwrap", [True, False], ids=["bwrap", "no-bwrap"])
def test_validate_command_and_code_export_in_the_local_sandbox(
    digits_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, use_bwrap: bool
) -> None:
    if use_bwrap and WHY_NOT:
        pytest.skip(f"bubblewrap unavailable: {WHY_NOT}")
    if not use_bwrap:
        monkeypatch.setenv(bwrap.BWRAP_ENV, "0")
    bwrap.bwrap_available.cache_clear()
    try:
        log = _run(digits_data_dir, tmp_path)
    finally:
        bwrap.bwrap_available.cache_clear()
    _check_agent_files(log)


def _docker_why_not() -> str | None:
    import subprocess

    from mle_inspect.sandboxes.options import DEFAULT_IMAGE

    if shutil.which("docker") is None:
        return "the docker CLI is not on PATH"
    for probe in (["docker", "version"], ["docker", "image", "inspect", DEFAULT_IMAGE]):
        done = subprocess.run(probe, capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            return f"{' '.join(probe)} failed: {done.stderr.strip()[:200]}"
    return None


@pytest.mark.docker
def test_validate_command_and_code_export_in_docker(
    digits_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    why_not = _docker_why_not()
    if why_not:
        pytest.skip(why_not)
    monkeypatch.setenv("MLE_INSPECT_SANDBOX_DIR", str(tmp_path / "sandboxes"))
    _check_agent_files(_run(digits_data_dir, tmp_path, "docker"))


def _check_agent_files(log: EvalLog) -> None:
    assert log.samples
    sample = log.samples[0]
    assert "validate_submission" in sample.store["instructions_txt"]
    first_user = next(m for m in sample.messages if m.role == "user")
    assert sample.store["instructions_txt"].strip() == first_user.text.strip()
    (missing_rc, missing), (bad_rc, bad), (good_rc, good) = runs = sample.store["runs"]
    print(runs)  # shown when an assertion below fails
    assert missing_rc == 1 and missing.startswith("INVALID") and "no file" in missing
    assert bad_rc == 1 and bad.startswith("INVALID") and "bad.csv" in bad
    assert good_rc == 0 and good.startswith("VALID")
    assert "score" not in (missing + bad + good).lower().replace("no score", "")
    calls = sample.store["ValidateCommandCalls:calls"]
    assert [c["valid"] for c in calls] == [False, False, True]
    logged = [
        e for e in sample.events if e.event == "info" and e.source == "validate_submission command"
    ]
    assert len(logged) == 3

    export = stored_export(sample.store)
    assert export is not None and export.error is None
    kept = {Path(f.path).name: f for f in export.files}
    assert set(kept) == {"train.py", "nb.ipynb"}
    assert "print('fit')" in kept["train.py"].content
    assert "print(x)" in kept["nb.ipynb"].content and "notes" not in kept["nb.ipynb"].content
    skipped = {Path(s.path).name: s.reason for s in export.skipped}
    assert "larger than" in skipped["big.py"]
    assert "binary" in skipped["model.bin"]
    assert "passwd.py" not in kept and "pipe.py" not in kept
    shown = [e for e in sample.events if e.event == "info" and e.source == "code export"]
    data = str(shown[0].data)
    data = sample.attachments.get(data.removeprefix("attachment://"), data)
    assert "```python" in data and "print('fit')" in data


def test_obfuscated_start_never_names_the_competition(
    digits_data_dir: Path, tmp_path: Path
) -> None:
    if WHY_NOT:
        pytest.skip(
            f"bubblewrap unavailable (without it the workspace path names the id): {WHY_NOT}"
        )
    data = tmp_path / "data"
    shutil.copytree(digits_data_dir / CID, data / CID, symlinks=True)
    paths = competition_paths(CID, data)
    paths.obfuscated_description.write_text(
        "# Task\nClassify small grayscale images into ten classes.\n"
    )
    competition = get_competition(CID)
    aliases = {competition.id, competition.name, "kaggle", *competition.id.split("-")[1:]}
    aliases = {a.lower() for a in aliases if len(a) > 3}

    @solver
    def look() -> Solver:
        async def solve(state: TaskState, generate: Generate) -> TaskState:
            home = str(Path(sandbox_paths().submission).parent)
            seen = await sandbox().exec(
                ["cat", f"{home}/instructions.txt", f"{home}/data/description.md"]
            )
            store().set("seen", seen.stdout)
            return state

        return solve

    (tmp_path / "ws").mkdir()
    task = mle_bench(
        split="demo",
        competitions=CID,
        data_dir=str(data),
        workspace_root=str(tmp_path / "ws"),
        solver=look(),
        description="obfuscated",
    )
    [log] = inspect_eval(task, model="none/none", log_dir=str(tmp_path / "logs"), display="none")
    assert log.status == "success", log.error
    sample = log.samples[0]
    seen = [str(sample.input), sample.store["seen"], *(str(m.content) for m in sample.messages)]
    assert "validate_submission" in sample.store["seen"]
    for text in seen:
        for alias in aliases:
            assert alias not in text.lower(), f"{alias!r} in {text[:200]!r}"
