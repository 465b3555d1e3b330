"""Token counting works with no network: when tiktoken cannot load its vocabulary, counts
fall back to an estimate, for mockllm and for every compaction mode."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from inspect_ai.event import CompactionEvent
from inspect_ai.model import ModelOutput, get_model

from mle_inspect.solvers import _tokens
from mle_inspect.solvers.react import react_agent
from tests.solvers.react_support import private_copy, run_competition, scripted_model

COMPETITION = "demo-diabetes-progression"


@pytest.fixture
def no_tokenizer(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """tiktoken as it is offline: loading any encoding fails (it would download it)."""
    import tiktoken

    def offline(*args: object, **kwargs: object) -> None:
        raise ConnectionError("network is unreachable (blocked by the test)")

    monkeypatch.setattr(tiktoken, "get_encoding", offline)
    monkeypatch.setattr(tiktoken, "encoding_for_model", offline)
    _tokens.reset_for_tests()
    yield
    _tokens.reset_for_tests()


def test_the_tokenizer_is_really_blocked(no_tokenizer: None) -> None:
    from inspect_ai.model._tokens import count_text_tokens  # noqa: PLC2701 - the raw counter

    with pytest.raises(ConnectionError):
        count_text_tokens("hello")


def test_counting_falls_back_to_an_estimate(no_tokenizer: None) -> None:
    _tokens.offline_token_counting()
    model = get_model("mockllm/model")
    text = "x" * 3000
    assert asyncio.run(model.count_tokens(text)) == _tokens.estimate_tokens(text) == 1000


def _untallied(text: str) -> ModelOutput:
    """A bash call with no ``usage``: mockllm must count the tokens itself."""
    return ModelOutput.for_tool_call(
        model="mockllm/model", tool_name="bash", tool_arguments={"command": text}
    )


@pytest.mark.parametrize("mode", ["auto", "summary", "edit", "trim"])
def test_react_with_compaction_runs_offline(
    mode: str,
    no_tokenizer: None,
    tmp_path_factory: pytest.TempPathFactory,
    tmp_path: Path,
) -> None:
    command = "head -c 9000 /dev/zero | tr '\\0' x"
    model = scripted_model([], then=lambda: _untallied(command))
    sample = run_competition(
        COMPETITION,
        private_copy(COMPETITION, tmp_path_factory),
        react_agent(compaction=mode, compaction_threshold=8000, max_steps=6),
        model,
        tmp_path,
    )
    assert sample.error is None, sample.error
    assert [e for e in sample.events if isinstance(e, CompactionEvent)], "never compacted"
