"""The react agent's bash/python wrapper: exit status kept, copies of read-only files made
writable (the placeholder trap), run as the real script on this machine."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

from mle_inspect.solvers._exec_tools import _render, _script


def _run(command: str, writable: list[Path], stdin: str | None = None) -> int:
    script = _script('bash --login -c "$1"', [str(p) for p in writable])
    done = subprocess.run(
        ["bash", "-c", script, "mle-bash", command],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.returncode


def test_a_copy_of_a_read_only_file_lands_writable(tmp_path: Path) -> None:
    data, submission, elsewhere = tmp_path / "data", tmp_path / "submission", tmp_path / "other"
    for d in (data, submission, elsewhere):
        d.mkdir()
    source = data / "sample_submission.csv"
    source.write_text("id,y\n1,0\n")
    source.chmod(0o444)
    (data / "images").mkdir()
    (data / "images" / "a.png").write_bytes(b"png")
    (data / "images" / "a.png").chmod(0o444)
    (data / "images").chmod(0o555)
    command = (
        f"cp {source} {submission}/submission.csv && cp -r {data}/images {submission}/ "
        f"&& cp {source} {elsewhere}/copy.csv"
    )
    assert _run(command, [submission]) == 0
    for path in (submission / "submission.csv", submission / "images", submission / "images/a.png"):
        assert path.stat().st_mode & stat.S_IWUSR, path
    # the overwrite that used to fail with PermissionError
    (submission / "submission.csv").write_text("id,y\n1,1\n")
    (submission / "images" / "b.png").write_bytes(b"png")
    # only the writable dirs are touched: the source and other dirs keep their modes
    assert not source.stat().st_mode & stat.S_IWUSR
    assert not (elsewhere / "copy.csv").stat().st_mode & stat.S_IWUSR
    (data / "images").chmod(0o755)


def test_the_exit_status_survives_the_fix_up(tmp_path: Path) -> None:
    assert _run("exit 3", [tmp_path]) == 3
    assert _run("false", [tmp_path]) == 1
    assert _run("true", [tmp_path]) == 0


def test_output_ends_with_the_exit_status() -> None:
    assert _render("out\n", "", 0) == "out\n[exit status 0]"
    assert _render("partial", "Traceback...\n", 1) == "Traceback...\n\npartial\n[exit status 1]"
    assert _render("", "", 137) == "[exit status 137]"
