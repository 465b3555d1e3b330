"""The react agent's ``bash`` and ``python`` tools: Inspect's, plus two things it needs.

- Every call's output ends with its exit status (``[exit status 1]``), so a failure is never
  mistaken for silence.
- The placeholder trap: the public data is read-only, so a file copied from it
  (``cp /home/data/sample_submission.csv /home/submission/submission.csv``) keeps mode 0444
  and a later overwrite fails with PermissionError. After each call, whatever the call
  created or changed in the writable dirs (ctime newer than the call's start) gets ``u+w``.
  This is done in the tool, not the sandbox, so it holds in every sandbox type.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from inspect_ai.tool import Tool, ToolDef, tool
from inspect_ai.util import sandbox

_WRAPPER = """\
stamp=$(mktemp 2>/dev/null || echo /tmp/.mle-exec-stamp-$$)
touch "$stamp"
{inner}
status=$?
find {dirs} -xdev -cnewer "$stamp" \\( -type f -o -type d \\) ! -perm -u=w \
  -user "$(id -u)" -exec chmod u+w {{}} + 2>/dev/null
rm -f "$stamp"
exit $status
"""

_BASH_DESCRIPTION = """\
Run a bash command (each call starts a fresh shell; the output ends with the exit status).

Calls stop after {timeout} seconds. Run longer work in the background and poll it in later \
calls: `nohup python train.py > /home/logs/train.log 2>&1 & echo "PID $!"`, then \
`tail -n 50 /home/logs/train.log` and `ps -p <PID>`."""


def exit_status_note(returncode: int) -> str:
    """The line appended to every call's output."""
    return f"[exit status {returncode}]"


def _script(inner: str, writable: Sequence[str]) -> str:
    dirs = " ".join(shlex.quote(d) for d in writable) or "/nonexistent"
    return _WRAPPER.format(inner=inner, dirs=dirs)


def _render(stdout: str, stderr: str, returncode: int) -> str:
    output = f"{stderr}\n" if stderr else ""
    output += stdout
    if output and not output.endswith("\n"):
        output += "\n"
    return output + exit_status_note(returncode)


@tool(name="bash", parallel=True)
def bash_with_status(timeout: int | None = None, writable: Sequence[str] = ()) -> Tool:
    """``bash`` that reports the exit status and keeps new files in ``writable`` writable.

    Args:
        timeout: Seconds a call may run.
        writable: Sandbox dirs whose new files must be writable by the agent.

    Returns:
        A tool named ``bash`` whose output ends with the command's exit status.
    """

    async def execute(command: str) -> str:
        """Run a bash command.

        Args:
            command: The bash command to run.
        """
        result = await sandbox().exec(
            ["bash", "-c", _script('bash --login -c "$1"', writable), "mle-bash", command],
            timeout=timeout,
        )
        return _render(result.stdout, result.stderr, result.returncode)

    return ToolDef(
        execute,
        name="bash",
        description=_BASH_DESCRIPTION.format(timeout=timeout or "no limit of"),
        parameters={"command": "The bash command to run."},
    ).as_tool()


@tool(name="python", parallel=True)
def python_with_status(timeout: int | None = None, writable: Sequence[str] = ()) -> Tool:
    """``python`` that reports the exit status and keeps new files in ``writable`` writable.

    Args:
        timeout: Seconds a call may run.
        writable: Sandbox dirs whose new files must be writable by the agent.

    Returns:
        A tool named ``python`` whose output ends with the script's exit status.
    """

    async def execute(code: str) -> str:
        """Run a Python script in a fresh process.

        No state is kept between calls; print what you want to see. The output ends with the exit
        status.

        Args:
            code: The Python code to run.
        """
        result = await sandbox().exec(
            ["bash", "-c", _script("bash --login -c 'python3 -'", writable)],
            input=code,
            timeout=timeout,
        )
        return _render(result.stdout, result.stderr, result.returncode)

    return execute
