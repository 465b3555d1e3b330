"""``react_agent``: Inspect's ReAct loop set up for day-long Kaggle-style work.

Tools: bash, python and the text editor in the competition sandbox, ``validate_submission``
(host-side grader checks, never a score) and a ``submit`` that refuses while the graded file
is missing or invalid. After every step the agent is told the time and steps used and left;
once a budget reaches its reserve it gets one wrap-up message. Long runs are kept inside the
context window by compaction, with trimming as the fallback on overflow.

    inspect eval mle_inspect/lite --model anthropic/... -S bash_timeout=7200 -S max_steps=500
"""

from __future__ import annotations

from inspect_ai.agent import Agent, AgentPrompt, AgentState, AgentSubmit, agent, react
from inspect_ai.model import ChatMessageUser
from inspect_ai.tool import Tool, ToolDef, ToolError, text_editor
from inspect_ai.util import sandbox

from ..sandboxes.paths import sandbox_paths
from ._budget import Budget, BudgetSettings, BudgetTracker, Clock
from ._common import sample_metadata
from ._compaction import COMPACTION_NAMES, compaction_strategy
from ._exec_tools import bash_with_status, python_with_status
from ._react_prompt import (
    HARDWARE_PROBE,
    no_tool_call_message,
    system_prompt,
    wrap_up_message,
)
from ._tokens import offline_token_counting
from ._view_image import view_image
from .tools import SubmissionTarget, gated_submit, validate_submission

#: Key in the metadata of the messages the agent adds itself (status, wrap-up, nudges).
MESSAGE_TAG = "mle_inspect"


@agent
def react_agent(
    bash_timeout: int = 3600,
    python_timeout: int = 3600,
    editor_timeout: int = 180,
    max_steps: int | None = None,
    time_limit: float | None = None,
    reserve_fraction: float = 0.1,
    reserve_minutes: float = 15,
    compaction: str = "auto",
    compaction_threshold: float = 0.8,
    image_input: bool = True,
    clock: Clock | None = None,
) -> Agent:
    """A ReAct agent for MLE-bench competitions.

    Args:
        bash_timeout: Seconds one bash call may run (use background jobs for longer work).
        python_timeout: Seconds one python call may run.
        editor_timeout: Seconds one text editor call may run.
        max_steps: Model turns the agent allows itself (on top of Inspect's limits).
        time_limit: Wall-clock seconds the agent allows itself (on top of the eval's limit).
        reserve_fraction: Share of each budget kept back for wrapping up.
        reserve_minutes: Cap on the time reserve, in minutes.
        compaction: ``auto``, ``summary``, ``edit``, ``trim`` or ``none``.
        compaction_threshold: Share of the context window (<= 1) or tokens (> 1) that
            triggers compaction.
        image_input: Whether the model accepts images: ``view_image`` shows them, else it
            answers that it cannot.
        clock: Source of elapsed time (default: Inspect's sample clock; tests pass a fake).
    """
    if compaction not in COMPACTION_NAMES:
        raise ValueError(f"compaction must be one of {', '.join(COMPACTION_NAMES)}")
    settings = BudgetSettings(
        time_limit=time_limit,
        max_steps=max_steps,
        reserve_fraction=reserve_fraction,
        reserve_minutes=reserve_minutes,
    )

    async def execute(state: AgentState) -> AgentState:
        from inspect_ai.log import transcript

        offline_token_counting()
        metadata = sample_metadata("react_agent")
        target = SubmissionTarget.from_metadata(metadata)
        paths = sandbox_paths()
        tracker = BudgetTracker(settings, clock)
        instructions = system_prompt(
            metadata,
            paths,
            await _probe_hardware(),
            tracker.reading(len(state.messages)),
            bash_timeout,
            python_timeout,
        )
        wrapped_up = False
        writable = [paths.submission, paths.code, paths.logs, paths.workspace]

        async def on_continue(agent_state: AgentState) -> bool | AgentState:
            nonlocal wrapped_up
            budget = tracker.observe(len(agent_state.messages))
            if budget.exhausted:
                transcript().info(f"react_agent: own budget spent at step {budget.step}")
                return False
            parts, kinds = [], ["status"]
            if not agent_state.output.message.tool_calls:
                parts.append(no_tool_call_message())
                kinds.append("nudge")
            parts.append(budget.status())
            reason = budget.reserve_reached()
            if reason is not None and not wrapped_up:
                wrapped_up = True
                parts.append(wrap_up_message(budget, reason, paths.submission_file))
                kinds.append("wrap_up")
            agent_state.messages.append(_tagged("\n\n".join(parts), kinds, budget))
            return agent_state

        inner = react(
            prompt=AgentPrompt(
                instructions=instructions, assistant_prompt=None, submit_prompt=None
            ),
            tools=[
                bash_with_status(timeout=bash_timeout, writable=writable),
                python_with_status(timeout=python_timeout, writable=writable),
                text_editor(timeout=editor_timeout),
                validate_submission(target),
                view_image(accepts_images=image_input),
            ],
            submit=AgentSubmit(
                tool=_logged_refusals(gated_submit(target)),
                answer_only=True,
                keep_in_messages=True,
            ),
            on_continue=on_continue,
            compaction=compaction_strategy(compaction, compaction_threshold),
            truncation="auto",
        )
        return await inner(state)

    return execute


def _logged_refusals(submit: Tool) -> Tool:
    """``submit`` whose refusals also appear in the transcript as an info event.

    The viewer then shows the reason next to the bare tool card.
    """
    from inspect_ai.log import transcript

    definition = ToolDef(submit)
    inner = definition.tool

    async def execute(summary: str) -> str:
        try:
            return str(await inner(summary=summary))
        except ToolError as ex:
            transcript().info(f"**submit refused.** {ex.message}", source="submit")
            raise

    definition.tool = execute
    return definition.as_tool()


def _tagged(text: str, kinds: list[str], budget: Budget) -> ChatMessageUser:
    """A user message marked as the agent's own, with the reading it reports.

    Scalars only, so the viewer shows plain values rather than collapsed arrays.
    """
    return ChatMessageUser(
        content=text,
        metadata={
            MESSAGE_TAG: " ".join(kinds),
            "step": budget.step,
            "elapsed": budget.elapsed,
            "time_left": budget.time_left,
            "steps_left": budget.steps_left,
        },
    )


async def _probe_hardware() -> str:
    """CPU count, memory and GPUs as the sandbox sees them."""
    try:
        result = await sandbox().exec(["bash", "-c", HARDWARE_PROBE], timeout=30)
    except (TimeoutError, RuntimeError, OSError) as ex:
        return f"unknown (probe failed: {ex})"
    lines = [f"- {line}" for line in result.stdout.splitlines() if line.strip()]
    return "\n".join(lines) if lines else "unknown"
