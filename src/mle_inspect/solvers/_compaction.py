"""Context management for long runs: pick one of Inspect's compaction strategies by name.

A day of Kaggle work is hundreds of turns with long tool outputs, far beyond any context
window. Compaction runs before a model call once the conversation passes a threshold;
``react()`` also trims the history (``truncation="auto"``) if the model still reports an
overflow, so the run continues instead of ending.
"""

from __future__ import annotations

from typing import Literal, get_args

from inspect_ai.model import (
    ChatMessage,
    ChatMessageUser,
    CompactionAuto,
    CompactionEdit,
    CompactionStrategy,
    CompactionSummary,
    CompactionTrim,
    Model,
)
from inspect_ai.tool import ToolInfo

CompactionName = Literal["auto", "summary", "edit", "trim", "none"]
COMPACTION_NAMES: tuple[str, ...] = get_args(CompactionName)

_INSTRUCTIONS = (
    "Keep what is needed to carry on the competition: the data layout and quirks found, "
    "every model tried with its validation score, the current best model and its files, "
    "whether a valid submission is in place, background jobs still running with their log "
    "files, and the next planned steps."
)


class EditThenTrim(CompactionStrategy):
    """Clear old tool results; where that frees nothing more, drop the oldest half.

    Inspect runs a strategy up to four times until the input fits and fails the sample if it
    still does not. Clearing tool results alone cannot shrink a history of long assistant
    messages (code written inline), so each pass that editing does not shrink trims instead.
    """

    def __init__(self, threshold: int | float, keep_tool_uses: int) -> None:
        super().__init__(type="edit", threshold=threshold)
        self._edit = CompactionEdit(threshold=threshold, keep_tool_uses=keep_tool_uses)
        self._trim = CompactionTrim(threshold=threshold, preserve=0.5)

    async def compact(
        self, model: Model, messages: list[ChatMessage], tools: list[ToolInfo]
    ) -> tuple[list[ChatMessage], ChatMessageUser | None]:
        edited, note = await self._edit.compact(model, messages, tools)
        if await model.count_tokens(edited) < await model.count_tokens(messages):
            return edited, note
        return await self._trim.compact(model, messages, tools)


def compaction_strategy(
    name: str, threshold: float = 0.8, edit_keep_tool_uses: int = 10
) -> CompactionStrategy | None:
    """The strategy for ``name``.

    Args:
        name: ``auto`` (the provider's native compaction, else a summary), ``summary``
            (the model summarises the run so far), ``edit`` (old tool results replaced by
            placeholders: no extra model call), ``trim`` (oldest messages dropped) or ``none``.
        threshold: Share of the context window (<= 1) or token count (> 1) that triggers it.
        edit_keep_tool_uses: Recent tool results ``edit`` keeps in full.
    """
    limit: int | float = int(threshold) if threshold > 1 else threshold
    if name == "none":
        return None
    if name == "auto":
        return CompactionAuto(threshold=limit, instructions=_INSTRUCTIONS)
    if name == "summary":
        return CompactionSummary(threshold=limit, instructions=_INSTRUCTIONS)
    if name == "edit":
        return EditThenTrim(threshold=limit, keep_tool_uses=edit_keep_tool_uses)
    if name == "trim":
        return CompactionTrim(threshold=limit)
    raise ValueError(f"compaction {name!r} is not one of: {', '.join(COMPACTION_NAMES)}")
