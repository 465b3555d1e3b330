"""``validate_submission`` and the gated ``submit`` inside a run, plus the step budget.

One scripted run writes broken submissions, checks each with the validator, calls submit with
no file in place, makes a turn without a tool call, and runs into its step budget.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from inspect_ai.log import EvalSample
from inspect_ai.model import ChatMessageAssistant, ChatMessageTool, ModelOutput, ModelUsage

from mle_inspect.solvers.react import react_agent
from tests.solvers.react_support import (
    agent_notes,
    answer_leaks,
    private_copy,
    run_competition,
    scripted_model,
    tool_call,
    tool_texts,
    with_distinct_answers,
)

COMPETITION = "demo-diabetes-progression"
MESSAGE_LIMIT = 80

# each file breaks one rule; the expected words come from what the rule is about
BROKEN = {
    "missing_rows.csv": ("s.iloc[5:]", "no row"),
    "nan.csv": ("s.assign(progression=[None] + list(s.progression[1:]))", "NaN"),
    "wrong_column.csv": ("s.rename(columns={'progression': 'target'})", "missing column"),
    "text.csv": ("s.assign(progression='high')", "non-numeric"),
    "extra_ids.csv": (
        "pd.concat([s, pd.DataFrame({'patient_id': ['D000000'], 'progression': [1.0]})])",
        "not in the test set",
    ),
    "duplicates.csv": ("pd.concat([s, s.iloc[:2]])", "duplicate"),
}

WRITE_BROKEN = "\n".join(
    [
        "import os",
        "import pandas as pd",
        "s = pd.read_csv(os.path.join(os.environ['MLE_DATA_DIR'], 'sample_submission.csv'))",
        *(f"{expr}.to_csv({name!r}, index=False)" for name, (expr, _) in BROKEN.items()),
        "open('empty.csv', 'w').close()",
        "print(sorted(os.listdir('.')))",
    ]
)


def thinking_only() -> ModelOutput:
    output = ModelOutput.from_content(model="mockllm/model", content="Let me think about it.")
    output.usage = ModelUsage(input_tokens=100, output_tokens=10, total_tokens=110)
    return output


SCRIPT = [
    tool_call("validate_submission", {}),
    tool_call("submit", {"summary": "nothing yet"}),
    tool_call("python", {"code": WRITE_BROKEN}),
    *(tool_call("validate_submission", {"path": name}) for name in [*BROKEN, "empty.csv"]),
    thinking_only(),
]
MAX_STEPS = len(SCRIPT) + 2  # two more turns, made by `then`, before the budget stops the loop


@pytest.fixture(scope="module")
def tools_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[EvalSample, Path]:
    data_dir = private_copy(COMPETITION, tmp_path_factory)
    with_distinct_answers(data_dir, COMPETITION, "progression")
    model = scripted_model(SCRIPT, then=lambda: tool_call("bash", {"command": "ls"}))
    sample = run_competition(
        COMPETITION,
        data_dir,
        react_agent(compaction="none", max_steps=MAX_STEPS),
        model,
        tmp_path_factory.mktemp("react-tools-logs"),
        message_limit=MESSAGE_LIMIT,
    )
    return sample, data_dir


def tool_results(sample: EvalSample, function: str) -> list[ChatMessageTool]:
    return [m for m in sample.messages if isinstance(m, ChatMessageTool) and m.function == function]


def test_validator_reports_a_missing_file_and_each_broken_rule(tools_run) -> None:  # noqa: ANN001
    sample, _ = tools_run
    results = [m.text for m in tool_results(sample, "validate_submission")]
    assert len(results) == 1 + len(BROKEN) + 1
    missing, *broken, empty = results
    assert missing.startswith("INVALID") and "no file" in missing
    for (name, (_, words)), text in zip(BROKEN.items(), broken, strict=True):
        assert text.startswith(f"INVALID: {name}:"), text
        assert words in text, (name, text)
    assert empty.startswith("INVALID") and "empty" in empty
    assert "score" not in " ".join(results).lower()


def test_submit_is_refused_without_a_submission_and_the_run_goes_on(tools_run) -> None:  # noqa: ANN001
    sample, _ = tools_run
    [refused] = tool_results(sample, "submit")
    assert refused.error is not None and "no file" in refused.error.message
    turns = [m for m in sample.messages if isinstance(m, ChatMessageAssistant)]
    assert len(turns) == MAX_STEPS  # it kept going until its step budget
    assert sample.scores["mle_scorer"].value["valid_submission"] == 0.0


def test_a_turn_without_a_tool_call_gets_a_nudge(tools_run) -> None:  # noqa: ANN001
    sample, _ = tools_run
    [nudge] = agent_notes(sample, "nudge")
    assert nudge.metadata["step"] == len(SCRIPT)
    assert "did not call a tool" in nudge.text


def test_the_step_budget_ends_the_loop_after_a_wrap_up(tools_run) -> None:  # noqa: ANN001
    sample, _ = tools_run
    statuses = agent_notes(sample, "status")
    # no status after the last step: the budget is spent and the loop ends
    assert [m.metadata["step"] for m in statuses] == list(range(1, MAX_STEPS))
    [wrap_up] = agent_notes(sample, "wrap_up")
    assert wrap_up.metadata["steps_left"] == math.ceil(0.1 * MAX_STEPS)
    assert "steps budget" in wrap_up.text


def test_status_reads_inspects_message_limit(tools_run) -> None:  # noqa: ANN001
    sample, _ = tools_run
    for status in agent_notes(sample, "status"):
        assert f" of {MESSAGE_LIMIT}" in status.text
        assert "of 24:00:00" in status.text  # the task's time limit, read from Inspect


def test_no_tool_output_contains_an_answer_value(tools_run) -> None:  # noqa: ANN001
    import pandas as pd

    sample, data_dir = tools_run
    answers = pd.read_csv(data_dir / COMPETITION / "prepared" / "private" / "test.csv")
    texts = tool_texts(sample)
    assert len(texts) >= len(SCRIPT)
    assert answer_leaks(texts, answers["progression"]) == []


def test_registered_name_and_string_options_work_like_the_cli(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    """``--solver mle_inspect/react_agent -S max_steps=2 -S compaction=none`` in Python form."""
    from inspect_ai import eval as inspect_eval
    from inspect_ai.solver import SolverSpec

    from mle_inspect.tasks import mle_bench

    task = mle_bench(
        split="demo",
        competitions=COMPETITION,
        data_dir=str(private_copy(COMPETITION, tmp_path_factory)),
    )
    options = {"max_steps": 2, "compaction": "none"}
    spec = SolverSpec("mle_inspect/react_agent", args=options, args_passed=options)
    model = scripted_model([], then=lambda: tool_call("bash", {"command": "echo working"}))
    [log] = inspect_eval(task, solver=spec, model=model, log_dir=str(tmp_path), display="none")
    assert log.status == "success", log.error
    assert log.eval.solver == "mle_inspect/react_agent"
    [sample] = log.samples or []
    turns = [m for m in sample.messages if isinstance(m, ChatMessageAssistant)]
    assert len(turns) == 2


def test_tools_outside_an_mle_inspect_sample_name_the_missing_metadata() -> None:
    from mle_inspect.solvers.tools import SubmissionTarget
    from mle_inspect.solvers.tools.validate import current_target

    with pytest.raises(RuntimeError, match="validate_submission.*'competition_id'"):
        current_target()
    target = SubmissionTarget.from_metadata({"competition_id": COMPETITION, "data_dir": "/d"})
    assert (target.competition_id, target.data_dir) == (COMPETITION, "/d")
