"""Task setup step: fit the instructions to the sandbox's real paths before any solver runs."""

from __future__ import annotations

from inspect_ai.model import ChatMessageUser
from inspect_ai.solver import Generate, Solver, TaskState, solver

from ..sandboxes.paths import CANONICAL_PATHS, sandbox_paths


@solver
def resolve_sandbox_paths() -> Solver:
    """Rewrite canonical paths (``/home/data`` ...) in user messages for local sandboxes."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        paths = sandbox_paths()
        if paths == CANONICAL_PATHS:
            return state
        for message in state.messages:
            if isinstance(message, ChatMessageUser) and isinstance(message.content, str):
                message.content = paths.rewrite(message.content)
        return state

    return solve
