"""Where node scripts run: a per-node directory in the sandbox, a timeout, bounded output.

``Workspace`` is what the search needs from the sandbox; ``SandboxWorkspace`` implements it
with ``sandbox().exec`` (tests use a fake). Each script runs in a fresh process in its own
directory ``<workspace>/aide/node-NNN`` and writes ``submission.csv`` there; its stdout and
stderr go to a file of which only the head and tail are read back.
"""

from __future__ import annotations

import shlex
import time
from typing import Protocol

from pydantic import BaseModel

from ...sandboxes.paths import SandboxPaths

TAIL_MARK = "\n[... {skipped} characters skipped ...]\n"
RESULT_LINE = "__AIDE_RESULT__"
TAG_LINE = "__AIDE_TAGS__"
BODY_LINE = "__AIDE_OUTPUT__"


class RunResult(BaseModel):
    exit_code: int | None
    timed_out: bool
    exec_time: float
    output: str
    """Head and tail of the combined output."""
    tag_lines: list[str] = []
    """The last lines carrying the metric tag, read from the whole output (not just head/tail)."""


class Workspace(Protocol):
    async def context(self) -> tuple[str, str]:
        """(competition description, data overview) for the prompts."""
        ...

    async def run(self, node_id: int, code: str, timeout: int) -> RunResult: ...

    async def read_submission(self, node_id: int) -> bytes | None: ...

    async def promote(self, node_id: int) -> None:
        """Copy the node's submission and code to the graded places."""
        ...

    async def read_final(self) -> bytes | None:
        """The submission that will be graded."""
        ...


def trim_output(text: str, head: int, tail: int) -> str:
    """Keep the first ``head`` and last ``tail`` characters, marking what was skipped."""
    if len(text) <= head + tail:
        return text
    skipped = len(text) - head - tail
    return text[:head] + TAIL_MARK.format(skipped=skipped) + (text[-tail:] if tail else "")


_RUN_SCRIPT = """\
cd {dir} || exit 90
start=$(date +%s.%N)
timeout -k {grace} {timeout} {python} solution.py > output.log 2>&1 < /dev/null
code=$?
end=$(date +%s.%N)
size=$(wc -c < output.log)
echo "{result} $code $start $end $size"
echo "{tags}"
grep -a -F {tag} output.log | tail -n 5 | cut -c1-300
echo "{body}"
if [ "$size" -le {both} ]; then cat output.log; else head -c {head} output.log; \
echo; echo "[... $((size - {both})) bytes skipped ...]"; tail -c {tail} output.log; fi
"""


class SandboxWorkspace:
    """Runs node scripts in the current sample's sandbox."""

    def __init__(
        self,
        paths: SandboxPaths,
        metric_tag: str,
        python: str = "python3",
        output_head: int = 3000,
        output_tail: int = 7000,
        kill_grace: int = 10,
        max_context_chars: int = 30_000,
    ) -> None:
        self.paths = paths
        self.root = f"{paths.workspace}/aide"
        self.metric_tag = metric_tag
        self.python = python
        self.head = output_head
        self.tail = output_tail
        self.grace = kill_grace
        self.max_context_chars = max_context_chars

    def node_dir(self, node_id: int) -> str:
        return f"{self.root}/node-{node_id:03d}"

    async def context(self) -> tuple[str, str]:
        from inspect_ai.util import sandbox

        from .overview import OVERVIEW_PROGRAM

        try:
            description = await sandbox().read_file(f"{self.paths.data}/description.md")
        except (FileNotFoundError, UnicodeDecodeError, PermissionError):
            description = "(no description.md in the data directory)"
        result = await sandbox().exec(
            [
                self.python,
                "-c",
                OVERVIEW_PROGRAM,
                self.paths.data,
                str(self.max_context_chars // 2),
            ],
            timeout=120,
        )
        overview = (
            result.stdout if result.success else f"(data overview failed: {result.stderr[-500:]})"
        )
        return description[: self.max_context_chars], overview

    async def run(self, node_id: int, code: str, timeout: int) -> RunResult:
        from inspect_ai.util import sandbox

        await sandbox().write_file(f"{self.node_dir(node_id)}/solution.py", code)
        script = self.run_script(node_id, timeout)
        started = time.monotonic()
        try:
            result = await sandbox().exec(
                ["bash", "-c", script], timeout=int(timeout) + self.grace + 60
            )
        except TimeoutError:
            return RunResult(
                exit_code=None,
                timed_out=True,
                exec_time=float(timeout),
                output="(the sandbox did not return after the timeout)",
            )
        return parse_run_stdout(
            result.stdout, timeout, result.stderr, host_elapsed=time.monotonic() - started
        )

    def run_script(self, node_id: int, timeout: int) -> str:
        """The bash script that runs a node's ``solution.py`` and reports on it."""
        return _RUN_SCRIPT.format(
            dir=shlex.quote(self.node_dir(node_id)),
            grace=self.grace,
            timeout=int(timeout),
            python=shlex.quote(self.python),
            result=RESULT_LINE,
            tags=TAG_LINE,
            tag=shlex.quote(self.metric_tag),
            body=BODY_LINE,
            both=self.head + self.tail,
            head=self.head,
            tail=self.tail,
        )

    async def read_submission(self, node_id: int) -> bytes | None:
        return await _read_bytes(f"{self.node_dir(node_id)}/submission.csv")

    async def promote(self, node_id: int) -> None:
        from inspect_ai.util import sandbox

        q = shlex.quote
        directory = self.node_dir(node_id)
        staging = f"{self.paths.submission}/.aide-staging.csv"
        # copy to a staging name then rename, so the graded file is never half-written
        script = (
            f"cp {q(directory + '/submission.csv')} {q(staging)} && "
            f"mv -f {q(staging)} {q(self.paths.submission_file)} && "
            f"cp {q(directory + '/solution.py')} {q(self.paths.code + '/solution.py')}"
        )
        result = await sandbox().exec(["bash", "-c", script], timeout=300)
        if not result.success:
            raise RuntimeError(f"could not copy node {node_id}'s submission: {result.stderr}")

    async def read_final(self) -> bytes | None:
        return await _read_bytes(self.paths.submission_file)


async def _read_bytes(path: str) -> bytes | None:
    from inspect_ai.util import OutputLimitExceededError, sandbox

    try:
        return await sandbox().read_file(path, text=False)
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        return None
    except OutputLimitExceededError:
        raise RuntimeError(f"{path} is too large to read back from the sandbox") from None


def parse_run_stdout(
    stdout: str, timeout: int, stderr: str = "", host_elapsed: float = 0.0
) -> RunResult:
    """Parse what ``_RUN_SCRIPT`` printed (``host_elapsed``: fallback where ``date`` lacks %N)."""
    head, _, rest = stdout.partition(f"{TAG_LINE}\n")
    tags, _, body = rest.partition(f"{BODY_LINE}\n")
    fields = head.strip().split()
    if len(fields) != 5 or fields[0] != RESULT_LINE:
        return RunResult(
            exit_code=None,
            timed_out=False,
            exec_time=0.0,
            output=f"(the runner failed: {stdout[-1000:]} {stderr[-1000:]})",
        )
    code = int(fields[1])
    try:
        elapsed = max(0.0, float(fields[3]) - float(fields[2]))
    except ValueError:
        elapsed = host_elapsed
    # `timeout` exits 124 after TERM and 137 when it had to KILL; a script can exit 124 itself,
    # so require that the time was actually used up
    timed_out = code in (124, 137) and elapsed >= timeout * 0.95
    return RunResult(
        exit_code=code,
        timed_out=timed_out,
        exec_time=elapsed,
        output=body,
        tag_lines=[line for line in tags.splitlines() if line.strip()],
    )
