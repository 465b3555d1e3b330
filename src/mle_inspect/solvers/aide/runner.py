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
    """What running one node's script did."""

    exit_code: int | None
    timed_out: bool
    exec_time: float
    output: str
    """Head and tail of the combined output."""
    tag_lines: list[str] = []
    """The last lines carrying the metric tag, read from the whole output (not just head/tail)."""


class SandboxFacts(BaseModel):
    """What the prompts say about the sandbox: description, data preview, environment."""

    description: str
    data_preview: str
    environment: str


class Workspace(Protocol):
    """Where node scripts run and their submissions live (the sandbox, or a fake in tests)."""

    async def run(self, node_id: int, code: str, timeout: int) -> RunResult:
        """Run the node's script with a timeout; never raises for the script's own failure."""
        ...

    def submission_path(self, node_id: int) -> str:
        """Where the node's script writes its submission (a sandbox path)."""
        ...

    async def promote(self, node_id: int) -> None:
        """Copy the node's submission and code to the graded places."""
        ...

    def final_path(self) -> str:
        """The submission that will be graded (a sandbox path)."""
        ...


def trim_output(text: str, head: int, tail: int) -> str:
    """Keep the first ``head`` and last ``tail`` characters, marking what was skipped."""
    if len(text) <= head + tail:
        return text
    skipped = len(text) - head - tail
    return text[:head] + TAIL_MARK.format(skipped=skipped) + (text[-tail:] if tail else "")


_RUN_SCRIPT = """\
mkdir -p {dir} && cd {dir} || exit 90
cat > solution.py || exit 90
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
        """The node's own directory in the sandbox workspace."""
        return f"{self.root}/node-{node_id:03d}"

    async def facts(self, preview_chars: int | None) -> SandboxFacts:
        """Description, data preview (None: off) and environment, read from the sandbox."""
        from inspect_ai.util import sandbox

        from .overview import ENVIRONMENT_PROGRAM, PREVIEW_PROGRAM

        try:
            description = await sandbox().read_file(f"{self.paths.data}/description.md")
        except (FileNotFoundError, UnicodeDecodeError, PermissionError):
            description = "(no description.md in the data directory)"
        preview = "(data preview turned off)"
        if preview_chars is not None:
            preview = await self._program(
                "data preview", PREVIEW_PROGRAM, self.paths.data, str(preview_chars)
            )
        environment = await self._program("environment probe", ENVIRONMENT_PROGRAM)
        return SandboxFacts(
            description=description[: self.max_context_chars],
            data_preview=preview,
            environment=environment,
        )

    async def _program(self, what: str, program: str, *args: str) -> str:
        from inspect_ai.util import sandbox

        try:
            result = await sandbox().exec([self.python, "-c", program, *args], timeout=120)
        except TimeoutError:
            return f"({what} timed out)"
        return (
            result.stdout.strip() if result.success else f"({what} failed: {result.stderr[-500:]})"
        )

    async def run(self, node_id: int, code: str, timeout: int) -> RunResult:
        """Run the node's script in the sandbox, its output trimmed to head and tail."""
        from inspect_ai.util import sandbox

        script = self.run_script(node_id, timeout)
        started = time.monotonic()
        try:
            # the script arrives on stdin: one sandbox call per run, not a write and a run
            result = await sandbox().exec(
                ["bash", "-c", script], input=code, timeout=int(timeout) + self.grace + 60
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
        """The bash script that runs the node's script and reports on it.

        It saves its stdin as the node's ``solution.py`` first.
        """
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

    def submission_path(self, node_id: int) -> str:
        """Where the node's script writes its submission (a sandbox path)."""
        return f"{self.node_dir(node_id)}/submission.csv"

    async def promote(self, node_id: int) -> None:
        """Copy the node's submission and code to the graded places (atomically)."""
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

    def final_path(self) -> str:
        """The submission that will be graded (a sandbox path)."""
        return self.paths.submission_file


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
