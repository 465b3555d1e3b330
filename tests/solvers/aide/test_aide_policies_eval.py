"""End to end: each search policy on a demo competition (local sandbox, scripted models),
with one node writing a submission above Inspect's 100 MiB read limit."""

from __future__ import annotations

import re
from pathlib import Path

from inspect_ai import eval as inspect_eval
from inspect_ai.event import InfoEvent, SpanBeginEvent
from inspect_ai.log import read_eval_log
from inspect_ai.model import ModelOutput, ModelUsage, get_model
from pydantic import TypeAdapter

from mle_inspect.solvers.aide import Node, aide
from mle_inspect.tasks import mle_bench

CID = "demo-tumor-diagnosis"
USAGE = ModelUsage(input_tokens=100, output_tokens=50, total_tokens=150)

TRIVIAL = """\
import os, shutil
shutil.copy(os.path.join(os.environ["MLE_DATA_DIR"], "sample_submission.csv"), "submission.csv")
print("VALIDATION_METRIC={metric}")
"""
# a header, then a sparse hole: 101 MiB on paper, nothing on disk
HUGE = """\
with open("submission.csv", "wb") as f:
    f.write(b"patient_id,malignant\\n")
    f.truncate(101 * 1024 * 1024)
print("VALIDATION_METRIC=0.99")
"""


def coder_model():
    def respond(messages, tools, tool_choice, config) -> ModelOutput:  # noqa: ANN001
        system, prompt = messages[0].text, messages[1].text
        left = int(re.search(r"You have (\d+) steps? \(scripts\) left", prompt).group(1))  # type: ignore[union-attr]
        # the data preview and the environment reach every coder call, in its system prompt
        assert "# Data preview" in system and "shape: " in system, system[:2000]
        assert "Installed packages:" in system and "CPUs:" in system
        assert config.temperature == 0.5
        code = HUGE if left == 5 else TRIVIAL.format(metric=0.5 + left / 100)
        out = ModelOutput.from_content("mockllm", f"Plan for {left}.\n\n```python\n{code}```")
        out.usage = USAGE
        return out

    return get_model("mockllm/model", custom_outputs=respond)


def reviewer_model():
    def respond(messages, tools, tool_choice, config) -> ModelOutput:  # noqa: ANN001
        out = ModelOutput.for_tool_call(
            "mockllm",
            "submit_review",
            {"summary": "Ran.", "is_bug": False, "metric": None},
            tool_call_id="review",
        )
        out.usage = USAGE
        return out

    return get_model("mockllm/model", custom_outputs=respond)


def test_every_policy_runs_with_reasons_and_survives_a_huge_submission(
    prepare_demo, tmp_path: Path
) -> None:  # noqa: ANN001
    demo_data_dir = prepare_demo(CID)  # one competition only
    settings = {
        "greedy": {},
        "mcts": {"uct_c": 0.5},
        "evolutionary": {"crossover_prob": 1.0},
    }
    tasks = [
        mle_bench(
            split="demo",
            competitions=CID,
            data_dir=str(demo_data_dir),
            solver=aide(steps=6, num_drafts=3, debug_prob=0.0, seed=1, policy=name, **extra),
        )
        for name, extra in settings.items()
    ]
    logs = inspect_eval(
        tasks,
        model=coder_model(),
        model_roles={"reviewer": reviewer_model()},
        log_dir=str(tmp_path / "logs"),
        display="none",
    )
    reasons: dict[str, list[str]] = {}
    for name, log in zip(settings, logs, strict=True):
        assert log.status == "success", log.error
        [sample] = read_eval_log(log.location, resolve_attachments=True).samples or []
        nodes = TypeAdapter(list[Node]).validate_python(sample.store["AideStore:nodes"])
        assert sample.store["AideStore:config"]["policy"] == name
        assert len(nodes) == 6 and sample.metadata["aide"]["stop_reason"] == "steps"
        # node 1 wrote 101 MiB: buggy, with the reason, and the search went on
        huge = nodes[1]
        assert huge.buggy and huge.bug_source == "code", huge
        assert huge.bug_reason.startswith("invalid submission:"), huge.bug_reason
        assert "no file" not in huge.bug_reason
        assert all(not n.buggy for n in nodes if n.id != 1)
        # the graded submission is a working node's, re-validated at the end
        assert sample.metadata["aide"]["submitted_node"] != 1
        assert sample.scores["mle_scorer"].value["valid_submission"] == 1.0
        # the tree and the policy's reasons are in the transcript
        cards = [str(e.data) for e in sample.events if isinstance(e, InfoEvent)]
        node_cards = [c for c in cards if c.startswith("### Node")]
        assert len(node_cards) == 6
        assert all("| policy | " in c for c in node_cards)
        assert any(c.startswith("**Search tree** (6 nodes") for c in cards)
        spans = [
            e.name for e in sample.events if isinstance(e, SpanBeginEvent) and e.type == "aide-node"
        ]
        assert len(spans) == 6
        reasons[name] = [n.reason for n in nodes[3:]]
        if name == "evolutionary":
            crossovers = [n for n in nodes if n.stage == "crossover"]
            assert crossovers and all(n.other_parent_id is not None for n in crossovers)
            assert any(" and node " in s for s in spans)
    assert all(r.startswith("greedy: improve the best") for r in reasons["greedy"])
    assert all(r.startswith("UCT path: ") for r in reasons["mcts"])
    assert all(r.startswith("crossover of node") for r in reasons["evolutionary"])


def test_a_token_limit_hit_in_the_review_ends_the_search_cleanly(
    prepare_demo, tmp_path: Path
) -> None:  # noqa: ANN001
    # nodes cost 300 tokens (coder 150, reviewer 150) until the review of node 2 costs 1000:
    # the budget's own check lets node 2 start, and the sample's limit hits inside its review
    def respond(messages, tools, tool_choice, config) -> ModelOutput:  # noqa: ANN001
        out = ModelOutput.for_tool_call(
            "mockllm", "submit_review", {"summary": "Ran.", "is_bug": False, "metric": None}
        )
        big = "Plan for 4." in messages[-1].text
        out.usage = ModelUsage(input_tokens=100, output_tokens=900 if big else 50)
        out.usage.total_tokens = out.usage.input_tokens + out.usage.output_tokens
        return out

    task = mle_bench(
        split="demo",
        competitions=CID,
        data_dir=str(prepare_demo(CID)),
        token_limit=1000,
        solver=aide(steps=6, num_drafts=3, debug_prob=0.0, seed=1),
    )
    [log] = inspect_eval(
        task,
        model=coder_model(),
        model_roles={"reviewer": get_model("mockllm/model", custom_outputs=respond)},
        log_dir=str(tmp_path),
        display="none",
    )
    [sample] = read_eval_log(log.location).samples or []
    meta = sample.metadata["aide"]
    assert meta["stop_reason"] == "token limit" and meta["nodes"] == 2, meta
    assert sample.scores["mle_scorer"].value["valid_submission"] == 1.0
