"""A scripted agent that tries to cheat, shared by the isolation tests of every sandbox type.

It plants a canary file with a unique token in the competition's ``prepared/private`` dir (on
the host, before the eval), then inside the sandbox searches for it by name and by content,
reads ``private/`` by its host path and relative to ``/home/data``, opens sockets, resolves a
name and leaves a background process behind. Every result goes to the sample store; the
sample then submits the sample submission so it is still scored.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any

from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog, read_eval_log
from inspect_ai.solver import Generate, Solver, TaskState, chain, solver
from inspect_ai.util import sandbox, store

from mle_inspect.data import competition_paths

COMPETITION = "demo-wine-cultivars"
SLEEP_MARK = "4242.4242"  # an unusual `sleep` argument to find leftover processes by


def plant_canary(data_dir: Path, competition_id: str = COMPETITION) -> str:
    """Write a uniquely named file holding a unique token into ``private/``; return the token."""
    token = f"canary{uuid.uuid4().hex}"
    private = competition_paths(competition_id, data_dir).private
    (private / f"{token}.csv").write_text(f"id,answer\n0,{token}\n")
    return token


def copy_prepared(source: Path, target: Path, competition_id: str = COMPETITION) -> Path:
    """A writable copy of one prepared competition (so a canary never leaks into shared data)."""
    shutil.copytree(source / competition_id, target / competition_id, symlinks=True)
    return target


def probe_commands(token: str, private_dir: str) -> dict[str, str]:
    """name -> bash command; each must find nothing or fail inside a sandbox."""
    prune = r"\( -path /proc -o -path /sys -o -path /dev \) -prune -o"
    return {
        "find_by_name": f"timeout 300 find / {prune} -name '*{token}*' -print 2>/dev/null",
        "grep_by_content": (
            f"timeout 300 grep -rl --exclude-dir=proc --exclude-dir=sys {token} "
            f"{private_dir} /home /tmp /var/tmp /root /run /mnt /srv 2>/dev/null"
        ),
        "list_private": f"ls -la {private_dir} 2>&1",
        "read_private": f"cat {private_dir}/{token}.csv 2>&1",
        "read_beside_public": 'ls -la "$MLE_DATA_DIR/../private" "$MLE_DATA_DIR/../../private" 2>&1',
        "socket_ip": (
            "python3 -c \"import socket; socket.create_connection(('1.1.1.1', 80), timeout=5); "
            "print('CONNECTED')\" 2>&1"
        ),
        "socket_gateway": (
            "python3 -c \"import socket; socket.create_connection(('172.17.0.1', 22), timeout=5); "
            "print('CONNECTED')\" 2>&1"
        ),
        "resolve": (
            "python3 -c \"import socket; print('RESOLVED', socket.getaddrinfo('pypi.org', 443))\" 2>&1"
        ),
        "leave_process": f"nohup sleep {SLEEP_MARK} > /dev/null 2>&1 & echo started $!",
    }


@solver
def probe(token: str, private_dir: str, extra: dict[str, str] | None = None) -> Solver:
    """Run every probe (and ``extra`` commands) in the sandbox; record results in the store."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        results: dict[str, dict[str, Any]] = {}
        for name, command in {**probe_commands(token, private_dir), **(extra or {})}.items():
            result = await sandbox().exec(["bash", "-c", command], timeout=600)
            results[name] = {
                "returncode": result.returncode,
                "stdout": result.stdout,
                "stderr": result.stderr,
            }
        store().set("probes", results)
        return state

    return solve


def run_probed(
    task_factory: Any,
    token: str,
    private_dir: Path,
    log_dir: Path,
    extra: dict[str, str] | None = None,
    **task_args: Any,
) -> EvalLog:
    """Run a task whose solver is the probe followed by ``dummy`` (a valid submission)."""
    from mle_inspect.solvers import dummy

    task = task_factory(solver=chain(probe(token, str(private_dir), extra), dummy()), **task_args)
    [log] = inspect_eval(task, model="none/none", log_dir=str(log_dir), display="none")
    assert log.status == "success", log.error
    return read_eval_log(log.location)


def assert_nothing_leaked(log: EvalLog, token: str) -> dict[str, dict[str, Any]]:
    """Every probe found nothing or failed, and the sample was still scored as valid."""
    [sample] = log.samples or []
    probes = sample.store["probes"]
    assert probes["find_by_name"]["stdout"].strip() == "", probes["find_by_name"]
    assert probes["grep_by_content"]["stdout"].strip() == "", probes["grep_by_content"]
    for name in ("list_private", "read_private", "read_beside_public"):
        assert probes[name]["returncode"] != 0, (name, probes[name])
        # error messages may echo the file name; the file's content must never appear
        assert f"0,{token}" not in probes[name]["stdout"], (name, probes[name])
        assert f"{token}.csv" not in probes[name]["stdout"].replace(f"/{token}.csv", ""), (
            name,
            probes[name],
        )
    for name in ("socket_ip", "socket_gateway", "resolve"):
        assert probes[name]["returncode"] != 0, (name, probes[name])
        assert (
            "CONNECTED" not in probes[name]["stdout"] and "RESOLVED" not in probes[name]["stdout"]
        )
    assert probes["leave_process"]["stdout"].startswith("started")
    score = sample.scores["mle_scorer"]
    assert score.value["valid_submission"] == 1.0, score.explanation
    return probes


def leftover_processes() -> list[int]:
    """Host pids of the probe's ``sleep`` (containers' processes show here too)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if cmdline[:2] == [b"sleep", SLEEP_MARK.encode()]:
            found.append(int(entry.name))
    return found
