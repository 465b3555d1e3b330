"""The rule-violation judge under a scripted judge model, live and on an existing log."""

from __future__ import annotations

import json
import math
from pathlib import Path

import anyio
import pytest
from inspect_ai import Task
from inspect_ai import eval as inspect_eval
from inspect_ai import score as inspect_score
from inspect_ai.dataset import Sample
from inspect_ai.model import ChatMessageUser, ModelOutput, ModelUsage, get_model
from inspect_ai.solver import Generate, Solver, TaskState, solver

from mle_inspect.integrity.export import CodeExport, ExportedFile
from mle_inspect.integrity.judge import QUESTIONS, chunk_text, judge_record, rule_judge

HAND_LABELS = "preds = {0: 'cat', 1: 'dog', 2: 'cat'}  # I looked at the test images myself\n"


def _reply(**answers: str) -> ModelOutput:
    body = {
        key: {"answer": answers.get(key, "no"), "evidence": f"evidence for {key}"}
        for key in QUESTIONS
    }
    output = ModelOutput.from_content("mockllm/model", "Here you go:\n" + json.dumps(body))
    output.usage = ModelUsage(input_tokens=100, output_tokens=20, total_tokens=120)
    return output


def _judge(outputs: list[ModelOutput]):  # noqa: ANN202
    return get_model("mockllm/model", custom_outputs=outputs, memoize=False)


def test_chunks_cover_the_record_and_fit_the_window() -> None:
    text = "\n".join(f"line {i} " + "x" * (i % 50) for i in range(2000))
    chunks = chunk_text(text, 1000)
    assert all(len(c) <= 1000 for c in chunks)
    assert "".join(chunks) == text
    assert chunk_text("y" * 2500, 1000) == ["y" * 1000, "y" * 1000, "y" * 500]


def test_a_yes_in_any_chunk_flags_the_question_with_its_evidence() -> None:
    judge = _judge([_reply(), _reply(hand_labelled="yes"), _reply()])
    block = ("x" * 99 + "\n") * 40  # 4000 chars: one block per 4500-char chunk
    record = block + HAND_LABELS + block[: -len(HAND_LABELS)] + block

    verdicts = anyio.run(judge_record, record, judge, 1500)  # 4500 chars per chunk

    assert verdicts["hand_labelled"].answer == "yes"
    assert verdicts["hand_labelled"].chunks_yes == [2]
    assert "evidence for hand_labelled" in verdicts["hand_labelled"].justification
    assert verdicts["external_llm"].answer == "no"
    assert verdicts["unauthorized_access"].answer == "no"


def test_an_unreadable_reply_is_unclear_not_clean() -> None:
    bad = ModelOutput.from_content("mockllm/model", "I cannot tell.")
    bad.usage = ModelUsage(input_tokens=10, output_tokens=3, total_tokens=13)
    verdicts = anyio.run(judge_record, "record", _judge([bad]), None)
    assert {v.answer for v in verdicts.values()} == {"unclear"}


@solver
def hand_labeller() -> Solver:
    """Leaves a hand-labelling script in the exported code, as a cheating run would."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        export = CodeExport()
        export.files = [ExportedFile(path="/home/code/predict.py", size=60, content=HAND_LABELS)]
        export.done = True
        state.messages.append(ChatMessageUser(content="I will label the test set myself."))
        return state

    return solve


def test_rule_judge_scores_an_existing_log(tmp_path: Path) -> None:
    task = Task(dataset=[Sample(input="solve it", id="s1")], solver=hand_labeller())
    [log] = inspect_eval(task, model="none/none", log_dir=str(tmp_path), display="none")
    assert log.status == "success"
    judge = _judge([_reply(hand_labelled="yes")])

    scored = inspect_score(log, rule_judge(), action="append", model_roles={"judge": judge})

    [sample] = scored.samples or []
    result = sample.scores["rule_judge"]
    assert result.value["flagged"] == 1.0
    assert result.value["hand_labelled"] == 1.0
    assert result.value["external_llm"] == 0.0
    meta = result.metadata or {}
    assert meta["questions"]["hand_labelled"]["answer"] == "yes"
    assert "evidence for hand_labelled" in meta["questions"]["hand_labelled"]["justification"]
    assert "mockllm" in meta["judge_model"]
    assert meta["code_files"] == 1
    # what the judge read: the transcript and the exported code
    [judged] = [e for e in sample.events if e.event == "model"] or [None]
    if judged is not None:
        prompt = judged.input[-1].text
        assert "predict.py" in prompt and "label the test set myself" in prompt
    assert not math.isnan(result.value["unauthorized_access"])


def test_inspect_score_cli_runs_the_judge_without_asking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner
    from inspect_ai._cli.score import score_command
    from inspect_ai.log import read_eval_log
    from inspect_ai.model._providers.mockllm import MockLLM

    async def fixed_usage(self: MockLLM, output: ModelOutput, *args: object) -> None:
        output.usage = ModelUsage(input_tokens=100, output_tokens=10, total_tokens=110)

    monkeypatch.setattr(MockLLM, "_ensure_default_usage", fixed_usage)  # no tokenizer download
    task = Task(dataset=[Sample(input="solve it", id="s1")], solver=hand_labeller())
    [log] = inspect_eval(task, model="none/none", log_dir=str(tmp_path), display="none")
    arguments = [
        log.location, "--scorer", "mle_inspect/rule_judge", "--model-role",
        "judge=mockllm/model", "--action", "append", "--overwrite", "--display", "none",
    ]  # fmt: skip
    done = CliRunner().invoke(score_command, arguments, input="")
    assert done.exit_code == 0, done.output
    [sample] = read_eval_log(log.location).samples or []
    verdict = sample.scores["rule_judge"]
    # mockllm's default reply is not the JSON asked for: every question is unclear, not clean
    assert {q["answer"] for q in verdict.metadata["questions"].values()} == {"unclear"}
    assert verdict.value["flagged"] == 0.0
