"""``agent_guard``: an agent that crashes has failed its attempt; the sample is still graded.

Without it a solver exception ends the sample in error, and Inspect drops errored samples
from the metrics. With it the crash is recorded (store, transcript, then the Score's
metadata) and the sample goes on to the scorer, which grades whatever submission exists.
Infrastructure faults still raise, so ``--retry-on-error`` retries them: limits and operator
stops (Inspect handles them), our grading faults, sandbox faults and model API errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import StoreModel, store_as

from ..scorers.limits import cap_message

if TYPE_CHECKING:
    from inspect_ai.agent import Agent

STORE_INSTANCE = "mle_inspect"

_INFRASTRUCTURE_MODULES = (
    "inspect_ai.model",
    "inspect_ai.util._sandbox",
    "mle_inspect.sandboxes",
    "mle_inspect.scorers",
    "openai",
    "anthropic",
    "httpx",
    "httpcore",
    "aiohttp",
    "google",
    "botocore",
    "grpc",
    "groq",
    "mistralai",
    "litellm",
    "docker",
    "kubernetes",
)
"""Exceptions defined in, or raised from, these packages are the harness's or a provider's."""


class AgentCrash(StoreModel):
    """The exception that ended the agent, kept for the scorer."""

    crashed: bool = False
    error_type: str | None = None
    message: str | None = None


def is_infrastructure_error(ex: BaseException) -> bool:
    """True when ``ex`` is not the agent's doing and should end the sample in error."""
    from inspect_ai.util import LimitExceededError

    from .._inspect_compat import TerminateSampleError  # not public (see there)
    from ..scorers._errors import GradingError

    if isinstance(ex, BaseExceptionGroup):
        return any(is_infrastructure_error(inner) for inner in ex.exceptions)
    if not isinstance(ex, Exception):  # cancellation, KeyboardInterrupt ...
        return True
    if isinstance(ex, LimitExceededError | TerminateSampleError | GradingError):
        return True
    modules = (type(ex).__module__ or "", _raised_in(ex))
    return any(
        module == m or module.startswith(f"{m}.")
        for module in modules
        for m in _INFRASTRUCTURE_MODULES
    )


def _raised_in(ex: BaseException) -> str:
    """The module whose code raised ``ex``.

    A dead container's RuntimeError comes from the sandbox provider, a solver's own bug from the
    solver.
    """
    name, tb = "", ex.__traceback__
    while tb is not None:
        name, tb = str(tb.tb_frame.f_globals.get("__name__", "")), tb.tb_next
    return name


def _as_solver(agent: Solver | Agent | Sequence[Solver]) -> Solver:
    """What Inspect would run for ``agent`` as a task's solver."""
    from inspect_ai.agent import as_solver, is_agent
    from inspect_ai.solver import chain

    if is_agent(agent):
        return as_solver(agent)
    if isinstance(agent, Sequence):
        return chain(*agent)
    return cast("Solver", agent)  # not an agent: is_agent's TypeGuard narrows one way only


@solver
def agent_guard(agent: Solver | Agent | Sequence[Solver]) -> Solver:
    """Run ``agent``; if it raises an agent error, record the crash and return the state.

    Args:
        agent: The solver (or agent, or solvers in sequence) to guard.

    Returns:
        A solver that lets infrastructure errors through to Inspect and turns the agent's
        own crashes into a recorded crash that is scored like any other attempt.
    """
    inner = _as_solver(agent)

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        try:
            return await inner(state, generate)
        except BaseException as ex:
            if is_infrastructure_error(ex):
                raise
            from inspect_ai.log import transcript

            from .._inspect_compat import sample_state  # no public accessor (see there)

            message = cap_message(f"{type(ex).__name__}: {ex}")
            crash = store_as(AgentCrash, instance=STORE_INSTANCE)
            crash.crashed, crash.error_type, crash.message = True, type(ex).__name__, message
            transcript().info(
                f"**The agent crashed** ({message}); the sample is graded on whatever "
                "submission it left.",
                source="mle_inspect",
            )
            return sample_state() or state

    return solve
