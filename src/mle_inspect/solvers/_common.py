"""Small helpers shared by the solvers: sample facts and a closing message."""

from __future__ import annotations

from typing import Any

from inspect_ai.model import ChatMessageAssistant, ModelOutput
from inspect_ai.solver import TaskState

from ..sandboxes.paths import SandboxPaths


def sample_metadata(needed_by: str) -> dict[str, Any]:
    """The running sample's metadata, which must come from an mle_inspect task.

    Args:
        needed_by: What needs it (named in the error when the metadata is not ours).
    """
    from .._inspect_compat import sample_state  # no public accessor (see there)

    state = sample_state()
    metadata = dict(state.metadata) if state is not None else {}
    if not metadata.get("competition_id"):
        raise RuntimeError(
            f"{needed_by} needs a sample from an mle_inspect task: the sample has no "
            "'competition_id' metadata"
        )
    return metadata


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
    """What the metric expects: label, score, probability, distribution or number.

    ``custom`` where a competition-specific grader reads its own format.
    """
    kind = state.metadata.get("prediction_kind")
    return str(kind) if kind and kind != "custom" else "custom"


def finish(state: TaskState, message: str) -> TaskState:
    """Record what a model-free solver did as the sample's output, so the viewer shows it."""
    state.messages.append(ChatMessageAssistant(content=message, source="generate"))
    state.output = ModelOutput.from_content(model="none", content=message)
    state.completed = True
    return state
