"""The integrity line: validate_submission calls are counted from tool events only, and a
result that carries a score (or is not a verdict) is flagged."""

from __future__ import annotations

from pathlib import Path

import pytest
from inspect_ai.event import ToolEvent
from inspect_ai.log import read_eval_log, write_eval_log
from inspect_ai.model import ChatMessageAssistant, ChatMessageTool
from inspect_ai.tool import ToolCall

from mle_inspect.reporting._integrity import count_calls, scan_log
from tests.conftest import DemoPreparer
from tests.reporting._logs import DEMO_ID, run_demo

LONG = "VALID: submission.csv: valid submission (45 rows)" + " " * 3000  # becomes an attachment


def events_log(template: Path, target: Path, results: list[str]) -> Path:
    """A log whose one sample made one validate_submission call per result, with the calls
    also present in its messages (which must not be counted)."""
    log = read_eval_log(str(template))
    sample = (log.samples or [])[0]
    events, messages = [], []
    for n, result in enumerate(results):
        call = ToolCall(id=f"c{n}", function="validate_submission", arguments={})
        messages += [
            ChatMessageAssistant(content="check", tool_calls=[call]),
            ChatMessageTool(content=result, tool_call_id=f"c{n}", function="validate_submission"),
        ]
        events.append(
            ToolEvent(id=f"c{n}", function="validate_submission", arguments={}, result=result)
        )
    events.append(ToolEvent(id="b", function="bash", arguments={"cmd": "ls"}, result="0.98765"))
    log.samples = [sample.model_copy(update={"events": events, "messages": messages})]
    write_eval_log(log, str(target))
    return target


@pytest.fixture(scope="module")
def template(prepare_demo: DemoPreparer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_demo(prepare_demo(DEMO_ID), tmp_path_factory.mktemp("logs"), epochs=1)


def test_counts_tool_events_not_messages_and_sees_verdicts(template: Path, tmp_path: Path) -> None:
    log = events_log(
        template, tmp_path / "ok.eval", ["VALID: a.csv: ok", "INVALID: a.csv: no", LONG]
    )
    [(key, calls)] = scan_log(log, {(DEMO_ID, 1): "0.98765"}).items()
    assert key == (DEMO_ID, 1)
    assert (calls.calls, calls.not_verdicts, calls.score_leaks) == (3, 0, 0)


def test_a_result_carrying_the_score_is_flagged(template: Path, tmp_path: Path) -> None:
    leaked = "VALID: submission.csv: valid submission, score 0.98765"
    log = events_log(template, tmp_path / "leak.eval", ["VALID: ok", leaked, "your score: 0.5"])
    calls = scan_log(log, {(DEMO_ID, 1): "0.98765"})[(DEMO_ID, 1)]
    assert (calls.calls, calls.score_leaks, calls.not_verdicts) == (3, 1, 1)


def test_count_calls_reads_serialised_events() -> None:
    event = ToolEvent(id="x", function="validate_submission", arguments={}, result="INVALID: y")
    other = ToolEvent(id="y", function="validate_submissions", arguments={}, result="?")
    blob = ("[" + event.model_dump_json() + "," + other.model_dump_json() + "]").encode()
    assert count_calls(blob).calls == 1


def test_json_format_logs_are_scanned_through_inspect(template: Path, tmp_path: Path) -> None:
    log = events_log(template, tmp_path / "log.json", ["VALID: a", "INVALID: b"])
    calls = scan_log(log, {(DEMO_ID, 1): None})[(DEMO_ID, 1)]
    assert (calls.calls, calls.not_verdicts) == (2, 0)
