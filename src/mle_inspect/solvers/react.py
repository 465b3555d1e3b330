"""``react_agent``: Inspect's ReAct loop with shell and Python tools in the competition sandbox."""

from __future__ import annotations

from inspect_ai.agent import Agent, AgentPrompt, agent, react
from inspect_ai.tool import bash, python

_PROMPT = """\
You are an expert machine-learning engineer working alone in a sandbox with a shell and Python. \
Work step by step: read the competition description, look at the data, set up a hold-out or \
cross-validation, write a first valid submission early, then improve it. Run long training jobs \
in the background (nohup ... > log &) and poll their logs instead of blocking a tool call. \
When your best submission is in place, call submit() with a one-line summary."""


@agent
def react_agent(tool_timeout: int = 1800, attempts: int = 1) -> Agent:
    """A ReAct agent for MLE tasks.

    Args:
        tool_timeout: Seconds a single bash or python call may run.
        attempts: Submit attempts allowed (the submission file is what is graded).
    """
    return react(
        name="mle_agent",
        description="Machine-learning engineer for Kaggle-style tasks",
        prompt=AgentPrompt(instructions=_PROMPT),
        tools=[bash(timeout=tool_timeout), python(timeout=tool_timeout)],
        attempts=attempts,
    )
