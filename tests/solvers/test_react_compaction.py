"""Compaction keeps a long run's model input bounded while the full history keeps growing."""

from __future__ import annotations

from pathlib import Path

import pytest
from inspect_ai.event import CompactionEvent
from inspect_ai.model import (
    ChatMessage,
    CompactionAuto,
    CompactionSummary,
    CompactionTrim,
)

from mle_inspect.solvers._compaction import EditThenTrim, compaction_strategy
from mle_inspect.solvers.react import react_agent
from tests.solvers.react_support import private_copy, run_competition, scripted_model, tool_call

COMPETITION = "demo-diabetes-progression"
CHARS_PER_TOKEN = 4
OUTPUT_CHARS = 4000  # each tool result: about 1,000 tokens
THRESHOLD = 12_000  # tokens
TURNS = 30  # about 30,000 tokens of tool output in all


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("auto", CompactionAuto),
        ("summary", CompactionSummary),
        ("edit", EditThenTrim),
        ("trim", CompactionTrim),
    ],
)
def test_each_name_gives_its_strategy(name: str, kind: type) -> None:
    strategy = compaction_strategy(name, threshold=0.7)
    assert isinstance(strategy, kind) and strategy.threshold == 0.7


def test_a_threshold_above_one_is_a_token_count_and_none_turns_it_off() -> None:
    strategy = compaction_strategy("edit", threshold=50_000)
    assert strategy is not None and strategy.threshold == 50_000
    assert isinstance(strategy.threshold, int)
    assert compaction_strategy("none") is None


def test_unknown_compaction_is_rejected_when_the_agent_is_made() -> None:
    with pytest.raises(ValueError, match="compaction"):
        react_agent(compaction="everything")


def estimate(messages: list[ChatMessage]) -> int:
    return sum(len(m.text) for m in messages) // CHARS_PER_TOKEN


def test_long_run_input_stays_under_the_threshold(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # mockllm counts tokens with tiktoken, whose vocabulary is downloaded on first use;
    # offline, count characters instead (the same estimate the assertions use)
    async def count_text_tokens(self, text: str) -> int:  # noqa: ANN001 - patched method
        return max(1, len(text) // CHARS_PER_TOKEN)

    monkeypatch.setattr(
        "inspect_ai.model._providers.mockllm.MockLLM.count_text_tokens", count_text_tokens
    )
    inputs: list[list[ChatMessage]] = []
    command = f"head -c {OUTPUT_CHARS} /dev/zero | tr '\\0' x"
    model = scripted_model(
        [tool_call("bash", {"command": command}) for _ in range(TURNS)],
        inputs=inputs,
        chars_per_token=CHARS_PER_TOKEN,
    )
    sample = run_competition(
        COMPETITION,
        private_copy(COMPETITION, tmp_path_factory),
        react_agent(compaction="edit", compaction_threshold=THRESHOLD, max_steps=TURNS),
        model,
        tmp_path,
    )
    assert len(inputs) == TURNS
    compactions = [e for e in sample.events if isinstance(e, CompactionEvent)]
    assert compactions, "the conversation passed the threshold but was never compacted"
    assert estimate(sample.messages) > 2 * THRESHOLD  # the log keeps the whole history
    largest = max(estimate(i) for i in inputs)
    assert largest < THRESHOLD + 2 * OUTPUT_CHARS // CHARS_PER_TOKEN
    assert estimate(inputs[-1]) < THRESHOLD
