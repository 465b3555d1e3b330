"""Running a node script: bounded output, tags from the whole log, timeouts that kill children."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from mle_inspect.sandboxes.paths import SandboxPaths
from mle_inspect.solvers.aide.runner import SandboxWorkspace, parse_run_stdout, trim_output


def test_trim_keeps_head_and_tail_and_says_how_much_was_cut():
    text = "".join(f"line {i}\n" for i in range(1000))
    trimmed = trim_output(text, head=50, tail=80)
    assert trimmed.startswith(text[:50])
    assert trimmed.endswith(text[-80:])
    assert f"[... {len(text) - 130} characters skipped ...]" in trimmed
    assert trim_output("short", head=50, tail=80) == "short"


def _run(tmp_path: Path, code: str, timeout: int, head: int = 200, tail: int = 300):
    paths = SandboxPaths(workspace=str(tmp_path))
    workspace = SandboxWorkspace(
        paths,
        "VALIDATION_METRIC",
        python=sys.executable,
        output_head=head,
        output_tail=tail,
        kill_grace=1,
    )
    node_dir = Path(workspace.node_dir(0))
    started = time.monotonic()
    done = subprocess.run(
        ["bash", "-c", workspace.run_script(0, timeout)],
        input=code,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (node_dir / "solution.py").read_text() == code
    return parse_run_stdout(done.stdout, timeout, done.stderr), time.monotonic() - started, node_dir


def test_long_output_is_read_back_as_head_and_tail_with_tags_from_the_middle(tmp_path):
    code = (
        "for i in range(20000):\n"
        "    print('row', i)\n"
        "    if i == 10000:\n"
        "        print('VALIDATION_METRIC=0.8125')\n"
    )
    result, _, node_dir = _run(tmp_path, code, timeout=60)
    assert result.exit_code == 0 and not result.timed_out
    assert result.output.startswith("row 0\n")
    assert result.output.rstrip().endswith("row 19999")
    assert "bytes skipped" in result.output
    assert len(result.output) < 700
    assert result.tag_lines == ["VALIDATION_METRIC=0.8125"]
    assert (node_dir / "output.log").stat().st_size > 100_000


def test_exception_exit_status_and_traceback_in_output(tmp_path):
    result, _, _ = _run(tmp_path, "raise ValueError('boom')\n", timeout=60)
    assert result.exit_code == 1 and not result.timed_out
    assert "ValueError: boom" in result.output


def test_timeout_kills_the_script_and_its_children(tmp_path):
    code = (
        "import subprocess, time\n"
        "child = subprocess.Popen(['sleep', '60'])\n"
        "open('child.pid', 'w').write(str(child.pid))\n"
        "print('started', flush=True)\n"
        "time.sleep(60)\n"
    )
    result, elapsed, node_dir = _run(tmp_path, code, timeout=2)
    assert result.timed_out
    assert elapsed < 20
    assert "started" in result.output
    pid = int((node_dir / "child.pid").read_text())
    time.sleep(0.2)
    assert not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    # a zombie waiting to be reaped by init is dead for our purposes
    return not (stat.exists() and stat.read_text().split()[2] == "Z")


def test_report_without_subsecond_dates_falls_back_to_host_time():
    stdout = (
        "__AIDE_RESULT__ 0 1700000000.N 1700000003.N 6\n__AIDE_TAGS__\n__AIDE_OUTPUT__\nhello\n"
    )
    result = parse_run_stdout(stdout, timeout=60, host_elapsed=3.5)
    assert (result.exit_code, result.exec_time, result.output) == (0, 3.5, "hello\n")
    broken = parse_run_stdout("bash: timeout: command not found", timeout=60)
    assert broken.exit_code is None and "runner failed" in broken.output
