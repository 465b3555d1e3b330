r"""``mle_inspect/bridge_agent``: run any agent program inside the sandbox (issue 17 item 4).

The program is started with a shell command in the sandbox, as MLE-bench started its agents
(``start.sh``). Its model calls go to Inspect's agent bridge, a proxy inside the sandbox that
speaks the OpenAI (Chat Completions and Responses), Anthropic and Google APIs and forwards
every request to the eval's model, so the agent's trajectory shows in the viewer and counts
against the sample's limits. The program finds:

- ``OPENAI_BASE_URL`` / ``ANTHROPIC_BASE_URL`` / ``GOOGLE_GEMINI_BASE_URL`` pointing at the
  bridge, dummy API keys, and ``MLE_MODEL=inspect`` (the model name to ask for);
- ``MLE_INSTRUCTIONS_FILE``: the benchmark instructions (``/home/instructions.txt``), and
  ``validate_submission`` (see ``validate_command``) to check its submission;
- ``{instructions_file}`` and ``{model}`` in the command are replaced by the same values.

Example::

    inspect eval mle_inspect/lite --model openai/gpt-4o \
        --solver mle_inspect/bridge_agent -S command="python3 /opt/agent/run.py"
"""

from __future__ import annotations

import json
import shlex
import socket
from typing import Any

from inspect_ai.model import ModelOutput
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import StoreModel

DEFAULT_PORT = 13131
OUTPUT_TAIL = 4000


class BridgeRun(StoreModel):
    """How the agent program ended, in the sample's store."""

    command: str = ""
    returncode: int | None = None
    stdout_tail: str = ""
    stderr_tail: str = ""
    error: str | None = None


def _free_port() -> int:
    """A free port on this host (for sandboxes that share the host's network)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bridge_env(port: int, instructions_file: str) -> dict[str, str]:
    """What the agent program needs to reach the bridge and the task."""
    base = f"http://localhost:{port}"
    return {
        "OPENAI_BASE_URL": f"{base}/v1",
        "OPENAI_API_KEY": "inspect-bridge",
        "ANTHROPIC_BASE_URL": base,
        "ANTHROPIC_API_KEY": "inspect-bridge",
        "GOOGLE_GEMINI_BASE_URL": base,
        "GEMINI_API_KEY": "inspect-bridge",
        "MLE_MODEL": "inspect",
        "MLE_INSTRUCTIONS_FILE": instructions_file,
    }


@solver
def bridge_agent(
    command: str | list[str],
    env: dict[str, str] | None = None,
    timeout: int | None = None,
    cwd: str | None = None,
    port: int | None = None,
    user: str | None = None,
) -> Solver:
    """Run an agent program in the sandbox with its model calls routed to the eval's model.

    Args:
        command: Shell command (run with ``bash -lc``) or argv list.
        env: Extra environment variables for the program.
        timeout: Seconds before the program is killed (default: the sample's time limit).
        cwd: Working directory (default: the workspace).
        port: Port of the bridge inside the sandbox (default 13131; a free host port where
            the sandbox shares the host's network, the local sandbox without bubblewrap).
        user: Sandbox user to run the program as (default: the sandbox's default user).
    """

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        from inspect_ai.agent import AgentState, sandbox_agent_bridge
        from inspect_ai.log import transcript
        from inspect_ai.util import sandbox, store_as

        from ..sandboxes.paths import CANONICAL_PATHS, sandbox_paths
        from .validate_command import agent_home

        paths = sandbox_paths()
        shared_network = paths != CANONICAL_PATHS  # host paths: the host's network too
        chosen = port or (_free_port() if shared_network else DEFAULT_PORT)
        instructions_file = f"{agent_home(paths.submission)}/instructions.txt"
        values = {"{instructions_file}": instructions_file, "{model}": "inspect"}
        argv = ["bash", "-lc", command] if isinstance(command, str) else list(command)
        for placeholder, value in values.items():  # not str.format: code has braces
            argv = [part.replace(placeholder, value) for part in argv]
        run = store_as(BridgeRun)
        run.command = shlex.join(argv)
        agent_state = AgentState(messages=list(state.messages))
        if shared_network:
            _clear_stale_service_dir()
        async with sandbox_agent_bridge(agent_state, port=chosen) as bridge:
            try:
                result = await sandbox().exec(
                    argv,
                    env={**bridge_env(chosen, instructions_file), **(env or {})},
                    cwd=cwd or paths.workspace,
                    timeout=timeout,
                    user=user,
                )
                run.returncode = result.returncode
                run.stdout_tail = result.stdout[-OUTPUT_TAIL:]
                run.stderr_tail = result.stderr[-OUTPUT_TAIL:]
            except TimeoutError as ex:
                run.error = f"the agent program timed out: {ex}"
            transcript().info(_summary(run), source="bridge_agent")
            final = bridge.state
        if shared_network:
            _clear_stale_service_dir(check_in_use=False)  # ours: no other uid could use it
        state.messages = final.messages
        if final.output.completion or final.output.choices:
            state.output = final.output
        else:
            summary = json.dumps(_summary(run), indent=2)
            state.output = ModelOutput.from_content(model="bridge", content=summary)
        return state

    return solve


BRIDGE_SERVICE_DIR = "/var/tmp/sandbox-services/bridge_model_service"


def _clear_stale_service_dir(path: str = BRIDGE_SERVICE_DIR, check_in_use: bool = True) -> None:
    """Remove the bridge's service dir left by an earlier sample of the local sandbox.

    Without bubblewrap the sandbox shares the host's ``/var/tmp``, and as root each sample runs
    under a uid of its own: the bridge's service dir (one name per host) made by one sample
    is refused to the next. A dir owned by such a uid that no process uses any more is
    garbage; one in use means another bridge sample runs now, which this mode cannot share.
    """
    import os
    import shutil
    from pathlib import Path

    from ..sandboxes import _procs
    from ..sandboxes.local import AGENT_UID_BASE

    folder = Path(path)
    try:
        owner = folder.lstat().st_uid
    except FileNotFoundError:
        return
    if os.geteuid() != 0 or owner < AGENT_UID_BASE:
        return  # not a per-sample uid's (same user for every sample: shared safely)
    in_use = check_in_use and any(i.uid == owner for i in _procs.scan(details=False).values())
    if in_use:
        raise RuntimeError(
            "bridge_agent: another sample's agent bridge is running in the local sandbox "
            "without bubblewrap, which cannot share it; run one sample at a time "
            "(--max-samples 1), or use bubblewrap or -T sandbox=docker"
        )
    shutil.rmtree(folder, ignore_errors=True)


def _summary(run: BridgeRun) -> dict[str, Any]:
    return {
        "command": run.command,
        "returncode": run.returncode,
        "error": run.error,
        "stdout (tail)": run.stdout_tail,
        "stderr (tail)": run.stderr_tail,
    }
