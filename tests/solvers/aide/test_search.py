"""The search loop with a fake workspace, models and clock."""

from __future__ import annotations

import asyncio

import pytest

from mle_inspect.solvers.aide.policy import Action, GreedyPolicy
from mle_inspect.solvers.aide.search import Chat, Reply
from mle_inspect.solvers.aide.viewer import node_card, tree_summary

from .fakes import FakeClock, FakeReviewer, FakeWorkspace, ScriptedCoder, make_search, reply, script


def run(coro):
    return asyncio.run(coro)


def standard_replies() -> dict[str, list[str]]:
    return {
        "draft": [reply(script(metric="0.6"), "logistic"), reply(script(exit=1), "forest")],
        "debug": [reply(script(metric="0.7"), "fixed forest")],
        "improve": [reply(script(metric="0.65"), "worse"), reply(script(metric="0.8"), "better")],
    }


def test_journal_shape_draft_debug_improve():
    clock = FakeClock()
    search = make_search(ScriptedCoder(standard_replies()), clock=clock, steps=5)
    journal = run(search.run())
    shape = [(n.id, n.stage, n.parent_id, n.buggy) for n in journal.nodes]
    assert shape == [
        (0, "draft", None, False),
        (1, "draft", None, True),
        (2, "debug", 1, False),
        (3, "improve", 2, False),
        (4, "improve", 2, False),
    ]
    assert journal.nodes[1].bug_reason == "exception (exit status 1)"
    assert journal.nodes[2].debug_depth == 1
    assert [n.metric for n in journal.nodes] == [0.6, 0.5, 0.7, 0.65, 0.8]
    assert journal.best().id == 4  # type: ignore[union-attr]
    assert search.stop_reason == "steps"
    assert all(n.analysis.startswith("review") for n in journal.nodes)


def test_best_submission_is_copied_as_soon_as_it_becomes_best():
    clock = FakeClock()
    workspace = FakeWorkspace(clock)
    coder = ScriptedCoder(standard_replies())
    seen: list[list[int]] = []

    async def watching(chat: Chat) -> Reply:
        seen.append(list(workspace.promotions))
        return await coder(chat)

    search = make_search(watching, clock=clock, workspace=workspace, steps=5)
    run(search.run())
    # before each coder call, the copies made so far: node 0 at once, node 2 once it beat it
    assert seen == [[], [0], [0], [0, 2], [0, 2]]
    assert workspace.promotions == [0, 2, 4]
    assert workspace.final_code == workspace.code[4]


def test_final_revalidation_falls_back_through_ranked_nodes():
    clock = FakeClock()
    workspace = FakeWorkspace(clock)
    search = make_search(
        ScriptedCoder(standard_replies()), clock=clock, workspace=workspace, steps=5
    )
    run(search.run())
    workspace.final = b"overwritten by something"  # the graded file went bad after the copy
    workspace.corrupt_on_promote = {3}  # and the second-best node's copy fails too
    outcome = run(search.finalize())
    # ranked: 4 (0.8, in place), 2 (0.7), 3 (0.65), 0 (0.6)
    assert outcome.valid and outcome.node_id == 2 and outcome.fallbacks == 1
    assert workspace.final == b"good"


def test_final_check_keeps_a_valid_submission_in_place():
    clock = FakeClock()
    workspace = FakeWorkspace(clock)
    search = make_search(
        ScriptedCoder(standard_replies()), clock=clock, workspace=workspace, steps=5
    )
    run(search.run())
    outcome = run(search.finalize())
    assert (outcome.valid, outcome.node_id, outcome.fallbacks) == (True, 4, 0)
    assert workspace.promotions == [0, 2, 4]


def test_no_working_node_means_no_valid_final_submission():
    clock = FakeClock()
    replies = {"draft": [reply(script(exit=1)) for _ in range(3)]}
    search = make_search(
        ScriptedCoder(replies),
        clock=clock,
        steps=3,
        policy=GreedyPolicy(num_drafts=3, debug_prob=0.0),
    )
    run(search.run())
    outcome = run(search.finalize())
    assert not outcome.valid and outcome.node_id is None
    assert outcome.message == "no file at this path"


def test_invalid_or_missing_submission_makes_a_node_buggy():
    clock = FakeClock()
    replies = {
        "draft": [
            reply(script(metric="0.9", submission="bad")),
            reply(script(metric="0.9", submission="none")),
        ]
    }
    search = make_search(
        ScriptedCoder(replies),
        clock=clock,
        steps=2,
        policy=GreedyPolicy(num_drafts=2, debug_prob=0.0),
    )
    journal = run(search.run())
    assert journal.nodes[0].bug_reason == "invalid submission: bad content b'bad'"
    assert journal.nodes[0].validator_message == "bad content b'bad'"
    assert journal.nodes[1].bug_reason == "invalid submission: no file at this path"
    assert journal.best() is None


def test_reviewer_metric_is_used_only_without_a_tag_and_when_printed():
    clock = FakeClock()
    replies = {"draft": [reply(script(metric=None)), reply(script(metric="0.3"))]}
    search = make_search(
        ScriptedCoder(replies),
        clock=clock,
        steps=2,
        reviewer=FakeReviewer(metric=0.3),
        policy=GreedyPolicy(num_drafts=2),
    )
    journal = run(search.run())
    # node 0 prints no number at all: the reviewer's 0.3 is not in its output
    assert (journal.nodes[0].metric, journal.nodes[0].metric_source) == (None, None)
    assert journal.nodes[0].bug_reason == "no validation metric reported"
    assert (journal.nodes[1].metric, journal.nodes[1].metric_source) == (0.3, "tag")


def test_reviewer_metric_found_in_the_output_is_kept():
    clock = FakeClock()
    # the tag is misspelt, but the number is in the output
    code = "# run: exit=0 submission=good\nprint('hello')\n"
    workspace = FakeWorkspace(clock, tag="VAL_SCORE")
    original_run = workspace.run

    async def run_with_number(node_id: int, code: str, timeout: int):  # noqa: ANN202
        result = await original_run(node_id, code, timeout)
        return result.model_copy(update={"output": "val score 0.8765\n", "tag_lines": []})

    workspace.run = run_with_number  # type: ignore[method-assign]
    search = make_search(
        ScriptedCoder({"draft": [reply(code)]}),
        clock=clock,
        workspace=workspace,
        steps=1,
        reviewer=FakeReviewer(metric=0.8765),
        policy=GreedyPolicy(num_drafts=1),
    )
    node = run(search.run()).nodes[0]
    assert (node.metric, node.metric_source, node.buggy) == (0.8765, "reviewer", False)


def test_reviewer_is_bug_makes_a_node_buggy_and_the_card_says_so():
    clock = FakeClock()
    search = make_search(
        ScriptedCoder({"draft": [reply(script(metric="0.9"))]}),
        clock=clock,
        steps=1,
        reviewer=FakeReviewer(is_bug=True),
        policy=GreedyPolicy(num_drafts=1),
    )
    node = run(search.run()).nodes[0]
    assert node.buggy and node.bug_source == "reviewer" and node.metric == 0.9
    assert search.journal.best() is None
    assert "buggy (found by the reviewer): the reviewer found a bug: review 1" in node_card(
        node, is_best=False
    )


def test_metric_direction_comes_from_the_task_not_the_model():
    clock = FakeClock()
    replies = {"draft": [reply(script(metric="0.3")), reply(script(metric="0.2"))]}
    search = make_search(
        ScriptedCoder(replies),
        clock=clock,
        steps=2,
        lower_is_better=True,
        policy=GreedyPolicy(num_drafts=2),
    )
    journal = run(search.run())
    assert all(n.lower_is_better for n in journal.nodes)
    assert journal.best().id == 1  # type: ignore[union-attr]


def test_extraction_is_retried_then_gives_up():
    clock = FakeClock()
    replies = {
        "draft": [
            "I will fit a model.",
            "```python\nx = (\n```",
            reply(script(metric="0.5")),
            "no code",
            "still none",
            "nothing",
        ]
    }
    coder = ScriptedCoder(replies)
    workspace = FakeWorkspace(clock)
    search = make_search(
        coder, clock=clock, workspace=workspace, steps=2, policy=GreedyPolicy(num_drafts=2)
    )
    journal = run(search.run())
    assert not journal.nodes[0].buggy and journal.nodes[0].tokens == 3 * 100 + 10
    assert "could not be used: no code found" in coder.prompts[1]
    assert "not valid Python" in coder.prompts[2]
    assert journal.nodes[1].buggy and journal.nodes[1].bug_reason.startswith(
        "no usable code after 3"
    )
    assert list(workspace.code) == [0]  # the node without code was never run


def test_script_timeouts_shrink_and_time_runs_out():
    clock = FakeClock()
    workspace = FakeWorkspace(clock)
    replies = {
        "draft": [reply(script(metric="0.5", secs=400))],
        "improve": [reply(script(metric="0.6", secs=400)) for _ in range(5)],
    }
    search = make_search(
        ScriptedCoder(replies, clock=clock),
        clock=clock,
        workspace=workspace,
        steps=10,
        time_limit=1000,
        reserve_seconds=100,
        policy=GreedyPolicy(num_drafts=1),
    )
    journal = run(search.run())
    # 5 s per coder call; scripts take 400 s or until their timeout
    assert workspace.timeouts == [600, 495, 90]
    assert journal.nodes[2].timed_out and journal.nodes[2].buggy
    assert search.stop_reason == "time"


def test_debug_prompt_shows_the_chain_and_the_validator_message():
    clock = FakeClock()
    replies = {
        "draft": [reply(script(metric="0.5", submission="bad"), "first try")],
        "debug": [reply(script(exit=2), "second try"), reply(script(metric="0.5"), "third")],
    }
    coder = ScriptedCoder(replies)
    search = make_search(
        coder, clock=clock, steps=3, policy=GreedyPolicy(num_drafts=1, debug_prob=1.0)
    )
    journal = run(search.run())
    assert [n.debug_depth for n in journal.nodes] == [0, 1, 2]
    last = coder.prompts[2]
    assert "Failing script (node 1)" in last and "second try" in last
    assert "Earlier attempt (node 0)" in last and "Submission check: bad content" in last


def test_same_seed_gives_the_same_journal():
    def journal_for(seed: int):
        clock = FakeClock()

        async def coder(chat: Chat) -> Reply:
            # the answer depends on the prompt only, as a deterministic model would
            stage = chat[1][1].split("\n", 1)[0]
            n = len(chat[1][1]) % 7
            text = reply(script(exit=int(n < 2), metric=f"0.{n}"), f"{stage} {n}")
            return Reply(text=text, tokens=1)

        search = make_search(
            coder,
            clock=clock,
            steps=12,
            seed=seed,
            policy=GreedyPolicy(num_drafts=2, debug_prob=0.5),
        )
        return [n.model_dump(exclude={"exec_time", "model_time"}) for n in run(search.run()).nodes]

    assert journal_for(3) == journal_for(3)


def test_tree_summary_and_card_show_the_search():
    clock = FakeClock()
    search = make_search(ScriptedCoder(standard_replies()), clock=clock, steps=5)
    journal = run(search.run())
    tree = tree_summary(journal, "steps")
    lines = tree.splitlines()
    assert lines[0].startswith(
        "**Search tree** (5 nodes, stopped: steps); best: node 4, metric 0.8"
    )
    assert "- node 0 draft: 0.6" in lines
    assert "- node 1 draft: buggy (exception (exit status 1))" in lines
    assert "    - node 2 debug: 0.7" in lines
    assert "        - node 4 improve: 0.8 ★ best" in lines
    card = node_card(journal.nodes[1], is_best=False)
    assert "| parent | none |" in card
    assert "buggy (found by the checks): exception (exit status 1)" in card
    assert "| policy | initial drafts: 1 of 2 made |" in card
    assert "```python\n# run: exit=1" in card
    card = node_card(journal.nodes[4], is_best=True)
    assert "0.8 (higher is better, from tag)" in card and "(new best)" in card


def test_a_huge_submission_makes_the_node_buggy_and_the_search_goes_on():
    clock = FakeClock()
    workspace = FakeWorkspace(clock)
    replies = {
        "draft": [reply(script(metric="0.6")), reply(script(metric="0.9", submission="huge"))],
        "improve": [reply(script(metric="0.7"))],
    }
    search = make_search(
        ScriptedCoder(replies),
        clock=clock,
        workspace=workspace,
        steps=3,
        policy=GreedyPolicy(num_drafts=2, debug_prob=0.0),
    )
    journal = run(search.run())
    huge = journal.nodes[1]
    assert huge.buggy and huge.bug_source == "code"
    assert (
        huge.bug_reason
        == "invalid submission: node-1/submission.csv is 200,000,000 bytes, above the cap"
    )
    assert len(journal.nodes) == 3 and journal.best().id == 2  # type: ignore[union-attr]
    # the final check: the graded file became huge after the copy; the search falls back
    workspace.final = b"huge"
    outcome = run(search.finalize())
    assert outcome.valid and outcome.node_id == 0 and outcome.fallbacks == 1


def test_debugging_a_node_without_code_starts_from_its_parents_code():
    clock = FakeClock()
    replies = {
        "draft": [reply(script(exit=1), "first")],
        "debug": ["no code at all", "still none", "nothing", reply(script(metric="0.5"), "fix")],
    }
    coder = ScriptedCoder(replies)
    search = make_search(
        coder, clock=clock, steps=3, policy=GreedyPolicy(num_drafts=1, debug_prob=1.0)
    )
    journal = run(search.run())
    assert [(n.stage, n.parent_id, bool(n.code)) for n in journal.nodes] == [
        ("draft", None, True),
        ("debug", 0, False),
        ("debug", 1, True),
    ]
    last = coder.prompts[-1]
    assert "That step produced no script" in last
    assert "Script to fix (node 0)" in last and "# run: exit=1" in last


def test_a_debug_with_no_code_anywhere_becomes_a_draft():
    class AlwaysDebug(GreedyPolicy):
        def next_action(self, journal, rng):  # noqa: ANN001, ANN201
            if journal.nodes:
                return Action(stage="debug", parent_id=0)
            return Action(stage="draft")

    clock = FakeClock()
    replies = {"draft": ["none", "none", "none", reply(script(metric="0.5"))]}
    search = make_search(ScriptedCoder(replies), clock=clock, steps=2, policy=AlwaysDebug())
    journal = run(search.run())
    assert [n.stage for n in journal.nodes] == ["draft", "draft"]
    assert journal.nodes[1].reason.startswith("redraft: node 0")
    assert not journal.nodes[1].buggy


def test_an_error_in_the_review_reaches_the_caller_as_itself():
    class LimitHit(Exception):
        pass

    class FailingReviewer(FakeReviewer):
        async def __call__(self, system: str, prompt: str):  # noqa: ANN201
            raise LimitHit("token limit")

    clock = FakeClock()
    search = make_search(
        ScriptedCoder({"draft": [reply(script(metric="0.5"))]}),
        clock=clock,
        steps=1,
        reviewer=FailingReviewer(),
        policy=GreedyPolicy(num_drafts=1),
    )
    with pytest.raises(LimitHit):
        run(search.run())
