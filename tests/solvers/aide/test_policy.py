"""The greedy policy: drafts first, debugs buggy leaves within depth, improves the best."""

from __future__ import annotations

import random

from mle_inspect.solvers.aide.journal import Journal, Node
from mle_inspect.solvers.aide.policy import Action, GreedyPolicy


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
    )


def journal(*nodes: Node) -> Journal:
    j = Journal()
    for n in nodes:
        j.add(n)
    return j


def test_drafts_until_num_drafts_exist():
    policy = GreedyPolicy(num_drafts=3, debug_prob=1.0)
    j = journal(node(0, metric=0.5), node(1))
    assert policy.next_action(j, random.Random(0)) == Action(stage="draft")


def test_buggy_drafts_count_towards_num_drafts():
    # one working and one buggy draft make two: the policy moves on instead of drafting again
    policy = GreedyPolicy(num_drafts=2, debug_prob=0.0)
    j = journal(node(0, metric=0.5), node(1))
    assert policy.next_action(j, random.Random(0)) == Action(stage="improve", parent_id=0)


def test_drafts_while_nothing_works():
    policy = GreedyPolicy(num_drafts=2, debug_prob=0.0)
    j = journal(node(0), node(1))
    assert policy.next_action(j, random.Random(0)) == Action(stage="draft")


def test_debugs_only_buggy_leaves():
    # node 0 is buggy but already has a child; node 2 is a buggy leaf; node 3 works
    policy = GreedyPolicy(num_drafts=1, debug_prob=1.0, max_debug_depth=3)
    j = journal(node(0), node(1, "debug", 0, depth=1), node(2, "improve", 1), node(3, metric=0.1))
    j.nodes[1].buggy = False
    j.nodes[1].metric = 0.7
    actions = {policy.next_action(j, random.Random(seed)) for seed in range(20)}
    assert actions == {Action(stage="debug", parent_id=2)}


def test_debug_chain_depth_is_capped():
    chain = journal(
        node(0),
        node(1, "debug", 0, depth=1),
        node(2, "debug", 1, depth=2),
        node(3, metric=0.4),
    )
    capped = GreedyPolicy(num_drafts=2, debug_prob=1.0, max_debug_depth=2)
    assert capped.next_action(chain, random.Random(0)) == Action(stage="improve", parent_id=3)
    deeper = GreedyPolicy(num_drafts=2, debug_prob=1.0, max_debug_depth=3)
    assert deeper.next_action(chain, random.Random(0)) == Action(stage="debug", parent_id=2)
    off = GreedyPolicy(num_drafts=2, debug_prob=1.0, max_debug_depth=0)
    assert (
        off.next_action(journal(node(0), node(1, metric=0.2)), random.Random(0)).stage == "improve"
    )


def test_improves_the_best_node_in_the_metric_direction():
    higher = journal(node(0, metric=0.3), node(1, metric=0.2), node(2, "improve", 0, metric=0.25))
    policy = GreedyPolicy(num_drafts=2, debug_prob=0.0)
    assert policy.next_action(higher, random.Random(0)) == Action(stage="improve", parent_id=0)
    lower = journal(
        node(0, metric=0.3, lower=True),
        node(1, metric=0.2, lower=True),
        node(2, "improve", 0, metric=0.25, lower=True),
    )
    assert policy.next_action(lower, random.Random(0)) == Action(stage="improve", parent_id=1)


def test_same_seed_same_choices_different_seed_different_choices():
    policy = GreedyPolicy(num_drafts=1, debug_prob=0.5, max_debug_depth=3)
    j = journal(node(0, metric=0.5), *(node(i) for i in range(1, 6)))

    def sequence(seed: int) -> list[Action]:
        rng = random.Random(seed)
        return [policy.next_action(j, rng) for _ in range(40)]

    assert sequence(7) == sequence(7)
    assert sequence(7) != sequence(8)
    stages = {a.stage for a in sequence(7)}
    assert stages == {"debug", "improve"}
