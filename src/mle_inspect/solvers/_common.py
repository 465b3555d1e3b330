"""Small helpers shared by the solvers: sample facts and a closing message."""

from __future__ import annotations

from inspect_ai.model import ChatMessageAssistant, ModelOutput
from inspect_ai.solver import TaskState

from ..sandboxes.paths import SandboxPaths


def public_sample_submission(state: TaskState, paths: SandboxPaths) -> str:
    """The sample submission's path inside the sandbox."""
    relative = state.metadata.get("sample_submission_public")
    if not relative:
        raise ValueError(
            f"{state.metadata.get('competition_id')}: the sample submission is not in the public "
            "data, so this solver cannot use it"
        )
    return f"{paths.data}/{relative}"


def prediction_kind(state: TaskState) -> str:
    """What the metric expects (label, score, probability, distribution, number)."""
    return str(state.metadata["prediction_kind"])


def finish(state: TaskState, message: str) -> TaskState:
    """Record what a model-free solver did as the sample's output, so the viewer shows it."""
    state.messages.append(ChatMessageAssistant(content=message, source="generate"))
    state.output = ModelOutput.from_content(model="none", content=message)
    state.completed = True
    return state
