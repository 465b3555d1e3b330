"""Task setup step, before any solver runs.

Record the sample's hardware and fit the instructions to the sandbox's real paths.
"""

from __future__ import annotations

from logging import getLogger

from inspect_ai.model import ChatMessageUser
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import sandbox

from ..sandboxes.paths import CANONICAL_PATHS, SandboxPaths, sandbox_paths
from ._hardware import measure_hardware
from ._instructions import INSTRUCTIONS_FILE, VALIDATE_COMMAND

logger = getLogger(__name__)


@solver
def resolve_sandbox_paths() -> Solver:
    """Record the sample's hardware, then fit paths in user messages to local sandboxes.

    The hardware goes in the metadata (``hardware``); canonical paths (``/home/data`` ...) are
    rewritten.
    """

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        state.metadata["hardware"] = await measure_hardware()
        paths = sandbox_paths()
        if paths != CANONICAL_PATHS:
            for message in state.messages:
                if isinstance(message, ChatMessageUser) and isinstance(message.content, str):
                    message.content = paths.rewrite(message.content)
        await provide_agent_files(state, paths)
        return state

    return solve


async def provide_agent_files(state: TaskState, paths: SandboxPaths) -> None:
    """Put the instructions and the ``validate_submission`` command into the sandbox.

    The instructions go to ``/home/instructions.txt``, for agents that start from a shell (issue 17
    item 4).
    """
    from ..solvers.validate_command import (
        agent_home,
        install_validate_command,
        write_sandbox_file,
    )

    home = agent_home(paths.submission)
    moved = {
        INSTRUCTIONS_FILE: f"{home}/instructions.txt",
        VALIDATE_COMMAND: f"{home}/validate_submission",
    }
    text = ""
    for message in state.messages:
        if isinstance(message, ChatMessageUser) and isinstance(message.content, str):
            for canonical, real in moved.items():
                message.content = message.content.replace(canonical, real)
            text = text or message.content
    if not state.metadata.get("competition_id"):
        return  # not one of our samples
    try:
        await write_sandbox_file(sandbox(), moved[INSTRUCTIONS_FILE], text)
        await install_validate_command(sandbox(), moved[VALIDATE_COMMAND])
    except PermissionError as ex:  # Inspect solvers do not need them: say so and go on
        from inspect_ai.log import transcript

        logger.warning("agent files not written: %s", ex)
        transcript().info(f"agent files not written: {ex}", source="setup")
