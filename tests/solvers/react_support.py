"""Shared pieces of the react agent tests: a hand-driven clock, scripted models, log readers."""

from __future__ import annotations

import base64
import gzip
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog, EvalSample
from inspect_ai.model import (
    ChatMessageTool,
    ChatMessageUser,
    Model,
    ModelOutput,
    ModelUsage,
    get_model,
)

from mle_inspect.solvers.react import MESSAGE_TAG
from mle_inspect.tasks import mle_bench


class FakeClock:
    """A clock the test moves by hand (both wall-clock and working time)."""

    def __init__(self) -> None:
        self.now = 0.0

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def elapsed(self) -> float:
        return self.now

    def working(self) -> float:
        return self.now


def tool_call(tool: str, arguments: dict[str, Any], thought: str = "") -> ModelOutput:
    """One scripted model turn, with ``usage`` set so mockllm counts no tokens itself."""
    output = ModelOutput.for_tool_call(
        model="mockllm/model", tool_name=tool, tool_arguments=arguments, content=thought or None
    )
    output.usage = ModelUsage(input_tokens=100, output_tokens=10, total_tokens=110)
    return output


def scripted_model(
    outputs: Iterable[ModelOutput],
    clock: FakeClock | None = None,
    seconds_per_turn: float = 0.0,
    inputs: list[list[Any]] | None = None,
    then: Callable[[], ModelOutput] | None = None,
    chars_per_token: int | None = None,
) -> Model:
    """mockllm replaying ``outputs``; each turn moves the clock and records the model input.

    After the script, ``then`` makes further turns (default: the script running out fails).
    With ``chars_per_token``, each turn's reported input tokens are the input's size in
    characters divided by it (compaction calibrates its token count on this usage).
    """
    remaining = iter(outputs)

    def generate(input, tools, tool_choice, config) -> ModelOutput:  # noqa: ANN001 - mockllm hook
        if clock is not None:
            clock.advance(seconds_per_turn)
        if inputs is not None:
            inputs.append(list(input))
        output = next(remaining, None)
        if output is None:
            if then is None:
                raise AssertionError("the scripted model ran out of turns")
            output = then()
        if chars_per_token is not None:
            size = sum(len(m.text) for m in input) // chars_per_token
            output.usage = ModelUsage(input_tokens=size, output_tokens=10, total_tokens=size + 10)
        return output

    return get_model("mockllm/model", custom_outputs=generate)


def run_competition(
    competition_id: str, data_dir: Path, solver: Any, model: Model, log_dir: Path, **task_args: Any
) -> EvalSample:
    task = mle_bench(
        split="demo",
        competitions=competition_id,
        data_dir=str(data_dir),
        solver=solver,
        **task_args,
    )
    [log] = inspect_eval(task, model=model, log_dir=str(log_dir), display="none")
    assert log.status == "success", (log.status, log.error, [s.error for s in log.samples or []])
    return only_sample(log)


_PREPARED: dict[str, Path] = {}


def private_copy(competition_id: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A writable data dir holding one prepared demo competition.

    Only this competition is prepared (once per session), not every demo one as
    ``demo_data_dir`` does: on a busy machine that is minutes instead of seconds.
    """
    from mle_inspect.competitions import get_competition
    from mle_inspect.data import competition_paths, prepare_competition

    if competition_id not in _PREPARED:
        root = tmp_path_factory.mktemp(f"prepared-{competition_id}")
        prepare_competition(
            get_competition(competition_id), competition_paths(competition_id, root)
        )
        _PREPARED[competition_id] = root
    target = tmp_path_factory.mktemp("data")
    shutil.copytree(_PREPARED[competition_id] / competition_id, target / competition_id)
    for path in [target, *target.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target


def only_sample(log: EvalLog) -> EvalSample:
    """The log's one sample, read back with long strings (info events...) resolved."""
    from inspect_ai.log import read_eval_log

    samples = read_eval_log(log.location, resolve_attachments=True).samples
    assert samples is not None and len(samples) == 1
    return samples[0]


def tool_texts(sample: EvalSample) -> list[str]:
    """Everything the tools said to the model: results and error messages."""
    texts = []
    for message in sample.messages:
        if isinstance(message, ChatMessageTool):
            texts.append(message.text)
            if message.error is not None:
                texts.append(message.error.message)
    return texts


def agent_notes(sample: EvalSample, kind: str = "status") -> list[ChatMessageUser]:
    """The messages the agent added itself, of one kind (status, wrap_up, nudge)."""
    return [
        m
        for m in sample.messages
        if isinstance(m, ChatMessageUser)
        and kind in str((m.metadata or {}).get(MESSAGE_TAG, "")).split()
    ]


def kept_submission(sample: EvalSample) -> pd.DataFrame:
    """The graded submission as the scorer kept it in the sample store."""
    import io

    [packed] = [v for k, v in sample.store.items() if k.endswith(":gzip_b64")]
    return pd.read_csv(io.BytesIO(gzip.decompress(base64.b64decode(packed))))


def with_distinct_answers(data_dir: Path, competition_id: str, column: str) -> pd.DataFrame:
    """Shift a regression competition's private answers to values found nowhere else.

    Real answers often also occur in public files (a label, a common number), so a leak test
    on them could not tell a leak from a coincidence. Shifted answers with six decimals can
    only reach a tool's output by leaking. Returns the new answers.
    """
    answers_path = data_dir / competition_id / "prepared" / "private" / "test.csv"
    answers = pd.read_csv(answers_path)
    answers[column] = answers[column] + 0.123457 + 0.000013 * pd.Series(range(len(answers)))
    answers.to_csv(answers_path, index=False, float_format="%.6f")
    return pd.read_csv(answers_path)


def answer_leaks(texts: Iterable[str], values: Iterable[float]) -> list[str]:
    """Answer values (at 4 decimals or more) that occur in any of the texts."""
    import re

    wanted = {round(v, 4) for v in values}
    found = []
    for text in texts:
        for token in re.findall(r"-?\d+\.\d{4,}", text):
            if round(float(token), 4) in wanted:
                found.append(token)
    return found
