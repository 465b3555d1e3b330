"""The ReAct agent end to end on a demo competition in the local sandbox, with the scripted
trajectory that ``examples/scripted_react.py`` holds and shows (loaded from that file)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from inspect_ai.log import EvalSample
from inspect_ai.model import (
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageTool,
    ChatMessageUser,
)

from mle_inspect.solvers.react import react_agent
from tests.solvers.react_support import (
    FakeClock,
    agent_notes,
    answer_leaks,
    kept_submission,
    private_copy,
    run_competition,
    scripted_model,
    tool_texts,
    with_distinct_answers,
)

EXAMPLE = Path(__file__).parents[2] / "examples" / "scripted_react.py"
_spec = importlib.util.spec_from_file_location("scripted_react_example", EXAMPLE)
assert _spec is not None and _spec.loader is not None
_example = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_example)
COMPETITION_ID, STEPS, scripted_outputs = (
    _example.COMPETITION_ID,
    _example.STEPS,
    _example.scripted_outputs,
)

SECONDS_PER_TURN = 120.0
AGENT_TIME_LIMIT = 1200.0  # tighter than the task's 30 minutes, so it is the one that counts
RESERVE = min(0.1 * AGENT_TIME_LIMIT, 15 * 60)


@pytest.fixture(scope="module")
def scripted_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[EvalSample, FakeClock, Path]:
    data_dir = private_copy(COMPETITION_ID, tmp_path_factory)
    with_distinct_answers(data_dir, COMPETITION_ID, "progression")
    clock = FakeClock()
    sample = run_competition(
        COMPETITION_ID,
        data_dir,
        react_agent(compaction="none", time_limit=AGENT_TIME_LIMIT, max_steps=50, clock=clock),
        scripted_model(scripted_outputs(), clock=clock, seconds_per_turn=SECONDS_PER_TURN),
        tmp_path_factory.mktemp("react-logs"),
        time_limit=1800,
    )
    return sample, clock, data_dir


def answers(data_dir: Path) -> pd.DataFrame:
    return pd.read_csv(data_dir / COMPETITION_ID / "prepared" / "private" / "test.csv")


def test_final_submission_is_valid_and_graded_with_its_rmse(scripted_run) -> None:  # noqa: ANN001
    sample, _, data_dir = scripted_run
    score = sample.scores["mle_scorer"]
    assert score.value["valid_submission"] == 1.0, score.explanation
    truth = answers(data_dir).set_index("patient_id")["progression"]
    submitted = kept_submission(sample).set_index("patient_id")["progression"]
    test_ids = pd.read_csv(data_dir / COMPETITION_ID / "prepared" / "public" / "test.csv")
    assert list(submitted.index) == list(test_ids["patient_id"])
    rmse = float(np.sqrt(np.mean((submitted - truth.loc[submitted.index]) ** 2)))
    assert score.metadata["score"] == pytest.approx(rmse, abs=1e-5)
    sample_rmse = float(np.sqrt(np.mean((truth - truth.mean()) ** 2)))  # constant predictions
    assert rmse < 0.85 * sample_rmse  # the ridge model learned something
    assert sample.output.completion == STEPS[-1][2]["summary"]


def test_loop_continues_after_a_refused_submit(scripted_run) -> None:  # noqa: ANN001
    sample, _, _ = scripted_run
    submits = [
        (i, m)
        for i, m in enumerate(sample.messages)
        if isinstance(m, ChatMessageTool) and m.function == "submit"
    ]
    assert len(submits) == 2
    (first_at, refused), (_, accepted) = submits
    assert refused.error is not None and "submission refused" in refused.error.message
    assert "unexpected column 'Unnamed: 0'" in refused.error.message  # the validator's reason
    assert accepted.error is None
    later_turns = [m for m in sample.messages[first_at:] if isinstance(m, ChatMessageAssistant)]
    assert len(later_turns) == 4  # look, fix, validate, submit
    validations = [
        m.text
        for m in sample.messages
        if isinstance(m, ChatMessageTool) and m.function == "validate_submission"
    ]
    assert len(validations) == 1 and validations[0].startswith("VALID")


def test_status_messages_track_the_clock(scripted_run) -> None:  # noqa: ANN001
    sample, clock, _ = scripted_run
    statuses = agent_notes(sample, "status")
    # one status after every step but the last (the accepted submit ends the loop)
    assert len(statuses) == len(STEPS) - 1
    for step, message in enumerate(statuses, start=1):
        used = int(step * SECONDS_PER_TURN)
        left = int(AGENT_TIME_LIMIT - used)
        assert f"step {step} of 50" in message.text
        assert (
            f"time used {used // 3600}:{used % 3600 // 60:02d}:{used % 60:02d} of 0:20:00"
            in message.text
        )
        assert f"{left // 3600}:{left % 3600 // 60:02d}:{left % 60:02d} left" in message.text
        assert message.metadata["elapsed"] == used
    assert clock.now == len(STEPS) * SECONDS_PER_TURN


def test_wrap_up_fires_once_when_time_reaches_the_reserve(scripted_run) -> None:  # noqa: ANN001
    sample, _, _ = scripted_run
    wrap_ups = agent_notes(sample, "wrap_up")
    assert len(wrap_ups) == 1
    first_in_reserve = next(
        step
        for step in range(1, len(STEPS) + 1)
        if AGENT_TIME_LIMIT - step * SECONDS_PER_TURN <= RESERVE
    )
    assert wrap_ups[0].metadata["step"] == first_in_reserve
    assert "Wrap up now" in wrap_ups[0].text and "validate_submission" in wrap_ups[0].text


def test_system_prompt_gives_paths_budget_and_hardware(scripted_run) -> None:  # noqa: ANN001
    sample, _, _ = scripted_run
    [system] = [m for m in sample.messages if isinstance(m, ChatMessageSystem)]
    text = system.text
    # the paths are the sandbox's own, the same the task's instructions were rewritten to
    [instructions] = [m.text for m in sample.messages if isinstance(m, ChatMessageUser)][:1]
    [submission_file] = set(re.findall(r"(\S+/submission\.csv)", instructions))
    assert f"Your result is the file {submission_file}," in text
    assert (
        f"{submission_file.removesuffix('/submission/submission.csv')}/data/description.md" in text
    )
    assert "Wall-clock time: 0:20:00" in text and "Steps (model turns): 50" in text
    assert "cpus:" in text
    assert "root-mean-squared-error (lower is better)" in text


def test_no_tool_output_contains_an_answer_value(scripted_run) -> None:  # noqa: ANN001
    sample, _, data_dir = scripted_run
    values = answers(data_dir)["progression"]
    assert answer_leaks([f"row 7: {values.iloc[7]:.6f}"], values)  # the check can see a leak
    texts = tool_texts(sample)
    assert len(texts) >= len(STEPS)
    assert answer_leaks(texts, values) == []


def test_every_bash_and_python_call_reports_its_exit_status(scripted_run) -> None:  # noqa: ANN001
    sample, _, _ = scripted_run
    calls = [
        m
        for m in sample.messages
        if isinstance(m, ChatMessageTool) and m.function in ("bash", "python")
    ]
    assert len(calls) == sum(tool in ("bash", "python") for _, tool, _ in STEPS)
    assert all(m.text.rstrip().endswith("[exit status 0]") for m in calls), [m.text for m in calls]


def test_a_refused_submit_shows_its_reason_in_the_transcript(scripted_run) -> None:  # noqa: ANN001
    from inspect_ai.event import InfoEvent

    sample, _, _ = scripted_run
    notes = [
        str(e.data) for e in sample.events if isinstance(e, InfoEvent) and e.source == "submit"
    ]
    assert len(notes) == 1
    assert notes[0].startswith("**submit refused.** submission refused:"), notes
    assert "unexpected column 'Unnamed: 0'" in notes[0]


def test_status_message_metadata_is_plain_scalars(scripted_run) -> None:  # noqa: ANN001
    sample, _, _ = scripted_run
    for message in agent_notes(sample, "status"):
        assert all(
            value is None or isinstance(value, str | int | float)
            for value in (message.metadata or {}).values()
        ), message.metadata
