"""The greedy policy: drafts first, debugs buggy leaves within depth, improves the best."""

from __future__ import annotations

import random

from mle_inspect.solvers.aide.journal import Journal, Node
from mle_inspect.solvers.aide.policy import Action, GreedyPolicy, PolicySettings


def node(
    id: int,
    stage: str = "draft",
    parent: int | None = None,
    metric: float | None = None,
    depth: int = 0,
    lower: bool = False,
) -> Node:
    return Node(
        id=id,
        stage=stage,  # type: ignore[arg-type]
        parent_id=parent,
        metric=metric,
        buggy=metric is None,
        debug_depth=depth,
        lower_is_better=lower,
        code="print(1)\n",
    )


def act(policy: PolicySettings, j: Journal, rng: random.Random) -> Action:
    """The policy's action without its reason text (what these tests pin)."""
    action = policy.next_action(j, rng)
    return Action(stage=action.stage, parent_id=action.parent_id)


def journal(*nodes: Node) -> Journal:
    j = Journal()
    for n in nodes:
        j.add(n)
    return j


def test_drafts_until_num_drafts_exist():
    policy = GreedyPolicy(num_drafts=3, debug_prob=1.0)
    j = journal(node(0, metric=0.5), node(1))
    assert act(policy, j, random.Random(0)) == Action(stage="draft")


def test_buggy_drafts_count_towards_num_drafts():
    # one working and one buggy draft make two: the policy moves on instead of drafting again
    policy = GreedyPolicy(num_drafts=2, debug_prob=0.0)
    j = journal(node(0, metric=0.5), node(1))
    assert act(policy, j, random.Random(0)) == Action(stage="improve", parent_id=0)


def test_drafts_while_nothing_works():
    policy = GreedyPolicy(num_drafts=2, debug_prob=0.0)
    j = journal(node(0), node(1))
    assert act(policy, j, random.Random(0)) == Action(stage="draft")


def test_debugs_only_buggy_leaves():
    # node 0 is buggy but already has a child; node 2 is a buggy leaf; node 3 works
    policy = GreedyPolicy(num_drafts=1, debug_prob=1.0, max_debug_depth=3)
    j = journal(node(0), node(1, "debug", 0, depth=1), node(2, "improve", 1), node(3, metric=0.1))
    j.nodes[1].buggy = False
    j.nodes[1].metric = 0.7
    actions = {act(policy, j, random.Random(seed)) for seed in range(20)}
    assert actions == {Action(stage="debug", parent_id=2)}


def test_max_debug_depth_follows_the_original_aide():
    # aideml debugs a buggy leaf while its debug depth <= max_debug_depth
    chain = journal(
        node(0),
        node(1, "debug", 0, depth=1),
        node(2, "debug", 1, depth=2),
        node(3, metric=0.4),
    )
    at_limit = GreedyPolicy(num_drafts=2, debug_prob=1.0, max_debug_depth=2)
    assert act(at_limit, chain, random.Random(0)) == Action(stage="debug", parent_id=2)
    below = GreedyPolicy(num_drafts=2, debug_prob=1.0, max_debug_depth=1)
    assert act(below, chain, random.Random(0)) == Action(stage="improve", parent_id=3)
    # 0 still allows one fix of a failed draft; a negative value turns debugging off
    zero = GreedyPolicy(num_drafts=2, debug_prob=1.0, max_debug_depth=0)
    pair = journal(node(0), node(1, metric=0.2))
    assert act(zero, pair, random.Random(0)) == Action(stage="debug", parent_id=0)
    off = GreedyPolicy(num_drafts=2, debug_prob=1.0, max_debug_depth=-1)
    assert act(off, pair, random.Random(0)).stage == "improve"


def test_a_draft_without_code_is_not_debugged():
    j = journal(node(0), node(1, metric=0.2))
    j.nodes[0].code = ""
    policy = GreedyPolicy(num_drafts=2, debug_prob=1.0)
    assert act(policy, j, random.Random(0)) == Action(stage="improve", parent_id=1)


def test_improves_the_best_node_in_the_metric_direction():
    higher = journal(node(0, metric=0.3), node(1, metric=0.2), node(2, "improve", 0, metric=0.25))
    policy = GreedyPolicy(num_drafts=2, debug_prob=0.0)
    assert act(policy, higher, random.Random(0)) == Action(stage="improve", parent_id=0)
    lower = journal(
        node(0, metric=0.3, lower=True),
        node(1, metric=0.2, lower=True),
        node(2, "improve", 0, metric=0.25, lower=True),
    )
    assert act(policy, lower, random.Random(0)) == Action(stage="improve", parent_id=1)


def test_same_seed_same_choices_different_seed_different_choices():
    policy = GreedyPolicy(num_drafts=1, debug_prob=0.5, max_debug_depth=3)
    j = journal(node(0, metric=0.5), *(node(i) for i in range(1, 6)))

    def sequence(seed: int) -> list[Action]:
        rng = random.Random(seed)
        return [act(policy, j, rng) for _ in range(40)]

    assert sequence(7) == sequence(7)
    assert sequence(7) != sequence(8)
    stages = {a.stage for a in sequence(7)}
    assert stages == {"debug", "improve"}
