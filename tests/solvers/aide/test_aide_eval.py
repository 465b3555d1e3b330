"""End to end: the aide solver on a demo competition in the local sandbox, scripted models."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from inspect_ai import eval as inspect_eval
from inspect_ai.event import InfoEvent, ModelEvent, SpanBeginEvent
from inspect_ai.log import EvalLog, EvalSample, read_eval_log
from inspect_ai.model import ModelOutput, ModelUsage, get_model
from pydantic import TypeAdapter

from mle_inspect.scorers.grading import grade
from mle_inspect.solvers.aide import Node, aide
from mle_inspect.solvers.aide.viewer import span_name
from mle_inspect.tasks import mle_bench

from . import scripts

CID = "demo-tumor-diagnosis"
USAGE = ModelUsage(input_tokens=100, output_tokens=50, total_tokens=150)


# the scripted coder is stateless (two epochs run at once): it answers by the steps left,
# which the prompt states, and checks that the stage is the one this scenario expects
SCENARIO = {
    6: ("draft", "Logistic regression.", scripts.LOGISTIC),
    5: ("draft", "Random forest.", scripts.BROKEN_FOREST),
    4: ("debug", "Drop the target from the features.", scripts.FOREST),
    3: ("improve", "Stronger regularisation.", scripts.WRONG_COLUMN),
    2: ("debug", "Name the column malignant.", scripts.FIXED_COLUMN),
    1: ("improve", "Much stronger regularisation.", scripts.WEAKER),
}


def coder_model():
    def respond(messages, tools, tool_choice, config) -> ModelOutput:  # noqa: ANN001
        prompt = messages[1].text
        steps_left = int(re.search(r"You have (\d+) steps? \(scripts\) left", prompt).group(1))  # type: ignore[union-attr]
        stage, plan, code = SCENARIO[steps_left]
        assert prompt.startswith(f"Stage: {stage}\n"), prompt[:40]
        # the sample's 24 h time limit, less the reserve, reaches the prompt
        assert re.search(r"about 23\.\d hours of time left", prompt)
        out = ModelOutput.from_content("mockllm", f"{plan}\n\n```python\n{code}```")
        out.usage = USAGE
        return out

    return get_model("mockllm/model", custom_outputs=respond)


def reviewer_model():
    def respond(messages, tools, tool_choice, config) -> ModelOutput:  # noqa: ANN001
        assert tool_choice.name == "submit_review"
        status = re.search(r"Run: ([^,]+),", messages[-1].text).group(1)  # type: ignore[union-attr]
        out = ModelOutput.for_tool_call(
            "mockllm",
            "submit_review",
            {"summary": f"The script ran ({status}).", "metric": None},
            tool_call_id="review",
        )
        out.usage = USAGE
        return out

    return get_model("mockllm/model", custom_outputs=respond)


def run_aide(data_dir: Path, log_dir: Path, epochs: int = 2) -> list[EvalSample]:
    """Run the search; two epochs are two independent runs with the same seed."""
    task = mle_bench(
        split="demo",
        competitions=CID,
        data_dir=str(data_dir),
        solver=aide(steps=6, num_drafts=2, debug_prob=1.0, max_debug_depth=2, seed=11),
    )
    [log] = inspect_eval(
        task,
        model=coder_model(),
        model_roles={"reviewer": reviewer_model()},
        log_dir=str(log_dir),
        display="none",
        epochs=epochs,
    )
    assert log.status == "success", log.error
    full: EvalLog = read_eval_log(log.location, resolve_attachments=True)
    assert len(full.samples or []) == epochs
    return list(full.samples or [])


def journal_of(sample: EvalSample) -> list[Node]:
    return TypeAdapter(list[Node]).validate_python(sample.store["AideStore:nodes"])


def comparable(nodes: list[Node]) -> list[dict]:
    """Node dumps without wall-clock fields and with the per-sample directory name masked."""
    dumps = [n.model_dump(exclude={"exec_time", "model_time"}) for n in nodes]
    for d in dumps:
        d["output"] = re.sub(r"mle-demo-tumor-diagnosis-[^/]+", "<sample>", d["output"])
    return dumps


def test_aide_search_on_a_demo_competition(prepare_demo, tmp_path: Path) -> None:  # noqa: ANN001
    demo_data_dir = prepare_demo(CID)  # one competition only
    sample, other = run_aide(demo_data_dir, tmp_path / "logs")
    nodes = journal_of(sample)

    # the journal's shape: 2 drafts (one broken), its debug, an improve that writes a bad
    # submission, that node's debug, then an improve of the best
    assert [(n.stage, n.parent_id) for n in nodes[:5]] == [
        ("draft", None),
        ("draft", None),
        ("debug", 1),
        ("improve", nodes[3].parent_id),
        ("debug", 3),
    ]
    assert [n.buggy for n in nodes[:5]] == [False, True, False, True, False]
    assert nodes[1].bug_reason == "exception (exit status 1)" and "KeyError" in nodes[1].output
    assert nodes[3].bug_reason.startswith("invalid submission:")
    assert "malignant" in nodes[3].validator_message
    assert all(n.metric_source == "tag" for n in nodes if not n.buggy)
    assert all(n.analysis.startswith("The script ran") for n in nodes)
    assert len(nodes) == 6 and nodes[5].stage == "improve"
    working = [n for n in nodes if not n.buggy]
    best = max(working, key=lambda n: (n.metric, -n.id))
    # each improve step built on the best working node at its time
    assert nodes[3].parent_id == max(working[:2], key=lambda n: (n.metric, -n.id)).id
    assert nodes[5].parent_id == max(working[:3], key=lambda n: (n.metric, -n.id)).id

    # spans and cards in the transcript, tree and best node in the metadata
    spans = [
        e.name for e in sample.events if isinstance(e, SpanBeginEvent) and e.type == "aide-node"
    ]
    assert spans == [span_name(n) for n in nodes]
    cards = [e.data for e in sample.events if isinstance(e, InfoEvent) and e.source == "aide"]
    assert len(cards) == len(nodes) + 1
    assert all(
        str(c).startswith(f"### Node {n.id}: {n.stage}")
        for c, n in zip(cards[:-1], nodes, strict=True)
    )
    assert str(cards[-1]).startswith("**Search tree** (6 nodes, stopped: steps)")
    meta = sample.metadata["aide"]
    assert (meta["best_node"], meta["best_metric"], meta["stop_reason"]) == (
        best.id,
        best.metric,
        "steps",
    )
    assert meta["submitted_node"] == best.id
    assert f"- node {best.id} " in meta["tree"] and "★ best" in meta["tree"]

    # every coder call shares one system message (task, description, preview), stored once
    coder_calls = [
        e for e in sample.events if isinstance(e, ModelEvent) and "Stage: " in e.input[-1].text
    ]
    coder_calls = [e for e in coder_calls if not e.input[-1].text.startswith("Stage: review")]
    assert len(coder_calls) >= len(nodes)
    assert len({e.input[0].id for e in coder_calls}) == 1
    assert "# Competition description" in coder_calls[0].input[0].text

    # the graded submission is the best node's: re-run its code independently and grade that
    score = sample.scores["mle_scorer"]
    assert score.value["valid_submission"] == 1.0, score.explanation
    rerun = tmp_path / "rerun"
    rerun.mkdir()
    env = {**os.environ, "MLE_DATA_DIR": str(demo_data_dir / CID / "prepared" / "public")}
    subprocess.run(
        [sys.executable, "-c", best.code], cwd=rerun, env=env, check=True, capture_output=True
    )
    expected = grade(CID, rerun / "submission.csv", data_dir=demo_data_dir)
    assert score.metadata["score"] == expected.score

    # the other epoch, an independent search with the same seed, made the same journal
    assert comparable(journal_of(other)) == comparable(nodes)
