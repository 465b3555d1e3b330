"""MCTS and evolutionary policies: node choice, reasons, determinism, budgets; the registry
and the presets."""

from __future__ import annotations

import asyncio
import math
import random

import pytest

from mle_inspect.solvers.aide import aide
from mle_inspect.solvers.aide.config import AideConfig, resolve_config
from mle_inspect.solvers.aide.evolutionary import EvolutionaryPolicy
from mle_inspect.solvers.aide.journal import Journal, Node
from mle_inspect.solvers.aide.mcts import MctsPolicy
from mle_inspect.solvers.aide.policies import POLICIES
from mle_inspect.solvers.aide.search import Chat, Reply

from .fakes import FakeClock, make_search, reply, script


def node(
    id: int, stage: str = "draft", parent: int | None = None, metric: float | None = None
) -> Node:
    return Node(
        id=id,
        stage=stage,  # type: ignore[arg-type]
        parent_id=parent,
        metric=metric,
        buggy=metric is None,
        code="print(1)\n",
    )


def journal(*nodes: Node) -> Journal:
    j = Journal()
    for n in nodes:
        j.add(n)
    return j


def test_values_are_normalised_per_task_and_buggy_nodes_are_zero():
    j = journal(node(0, metric=0.5), node(1), node(2, metric=0.9), node(3, metric=0.7))
    assert j.values() == pytest.approx([0.0, 0.0, 1.0, 0.5])
    for n in j.nodes:
        n.lower_is_better = True
    assert j.values() == pytest.approx([1.0, 0.0, 0.0, 0.5])


def test_mcts_drafts_first_then_follows_the_highest_uct():
    policy = MctsPolicy(num_drafts=2, uct_c=0.0, max_children=2)
    assert policy.next_action(journal(node(0, metric=0.1)), random.Random(0)).stage == "draft"
    # with no exploration, the branch of higher mean value wins: draft 1 (value 1) over 0
    j = journal(node(0, metric=0.1), node(1, metric=0.9))
    action = policy.next_action(j, random.Random(0))
    assert (action.stage, action.parent_id) == ("improve", 1)
    assert action.reason.startswith("UCT path: node 1 (UCT 1.000, Q 1.000, N 1)")
    # node 1 full (2 children): descend to its best child
    j = journal(
        node(0, metric=0.1),
        node(1, metric=0.9),
        node(2, "improve", 1, metric=0.8),
        node(3, "improve", 1, metric=0.95),
    )
    action = policy.next_action(j, random.Random(0))
    assert (action.stage, action.parent_id) == ("improve", 3)
    assert "→ node 3" in action.reason


def test_mcts_exploration_visits_the_less_visited_branch():
    # draft 1 is better but has been expanded a lot; a large uct_c turns to draft 0
    nodes = [node(0, metric=0.5), node(1, metric=0.9)]
    nodes += [node(i, "improve", 1, metric=0.85) for i in range(2, 5)]
    j = journal(*nodes)
    greedy = MctsPolicy(num_drafts=2, uct_c=0.0, max_children=5)
    explore = MctsPolicy(num_drafts=2, uct_c=5.0, max_children=5)
    assert greedy.next_action(j, random.Random(0)).parent_id == 1
    chosen = explore.next_action(j, random.Random(0))
    expected = max(
        (0.0 + 5 * math.sqrt(math.log(5) / 1), 0),
        ((1.0 + 3 * 0.875) / 4 + 5 * math.sqrt(math.log(5) / 4), 1),
    )[1]
    assert chosen.parent_id == expected == 0


def test_mcts_debugs_buggy_nodes_within_the_depth_and_closes_dead_branches():
    policy = MctsPolicy(num_drafts=2, uct_c=1.0, max_children=1, max_debug_depth=0)
    j = journal(node(0), node(1, metric=0.4))
    j.nodes[1].metric = 0.4
    # draft 0 is buggy with depth 0 <= 0: expandable by a debug; draft 1 by an improve
    actions = {policy.next_action(j, random.Random(0)).stage}
    assert actions <= {"debug", "improve"}
    j.add(Node(id=2, stage="debug", parent_id=0, debug_depth=1, code="x=1\n"))
    j.add(node(3, "improve", 1, metric=0.5))
    # 2 is too deep to debug again and 1 is full: only node 3 is open
    action = policy.next_action(j, random.Random(0))
    assert (action.stage, action.parent_id) == ("improve", 3)


def test_evolutionary_tournament_and_crossover_reasons():
    j = journal(*(node(i, metric=m) for i, m in enumerate([0.1, 0.5, 0.9, 0.3])))
    policy = EvolutionaryPolicy(
        num_drafts=4, crossover_prob=1.0, tournament_size=4, population_size=3, debug_prob=0.0
    )
    action = policy.next_action(j, random.Random(0))
    # the population is the best 3 (nodes 2, 1, 3); a full tournament always wins with the best
    assert action.stage == "crossover" and action.parent_id == 2
    assert action.other_parent_id == 1  # best of the rest
    assert action.reason.startswith("crossover of node 2 and node 1")
    mutate = EvolutionaryPolicy(num_drafts=4, crossover_prob=0.0, tournament_size=4, debug_prob=0)
    action = mutate.next_action(j, random.Random(0))
    assert (action.stage, action.parent_id) == ("improve", 2)
    assert "tournament of nodes 0, 1, 2, 3 won by node 2" in action.reason


def test_evolutionary_fitness_proportional_selection_favours_fitter_nodes():
    j = journal(node(0, metric=0.1), node(1, metric=0.9))
    policy = EvolutionaryPolicy(
        num_drafts=2, selection="fitness", crossover_prob=0.0, debug_prob=0.0
    )
    rng = random.Random(3)
    picks = [policy.next_action(j, rng).parent_id for _ in range(400)]
    # weights 0.05 and 1.05: node 1 about 95% of the time
    assert 0.9 < picks.count(1) / len(picks) < 0.99
    assert "fitness-proportional pick" in policy.next_action(j, rng).reason


def _deterministic_coder(chat: Chat) -> Reply:
    """Answers from the prompt alone, as a model at temperature 0 would."""
    prompt = chat[1][1]
    n = sum(map(ord, prompt[-300:])) % 9
    text = reply(script(exit=int(n < 2), metric=f"0.{n + 1}"), f"plan {n}")
    return Reply(text=text, tokens=7)


@pytest.mark.parametrize("name", sorted(POLICIES))
def test_each_policy_is_deterministic_and_respects_the_step_budget(name: str):
    def nodes(seed: int) -> list[dict]:
        async def coder(chat: Chat) -> Reply:
            return _deterministic_coder(chat)

        policy = POLICIES[name](num_drafts=2, debug_prob=0.5)
        search = make_search(coder, clock=FakeClock(), steps=12, seed=seed, policy=policy)
        journal = asyncio.run(search.run())
        assert search.stop_reason == "steps"
        return [n.model_dump(exclude={"exec_time", "model_time"}) for n in journal.nodes]

    first = nodes(5)
    assert len(first) == 12 and first == nodes(5)
    assert all(n["reason"] for n in first)
    assert {n["stage"] for n in first} >= {"draft", "improve"}


@pytest.mark.parametrize("name", sorted(POLICIES))
def test_each_policy_stops_on_time_and_keeps_buggy_nodes_out_of_the_best(name: str):
    clock = FakeClock()

    async def coder(chat: Chat) -> Reply:
        clock.now += 5
        return _deterministic_coder(chat)

    search = make_search(
        coder,
        clock=clock,
        steps=1000,
        time_limit=300,
        reserve_seconds=0,
        policy=POLICIES[name](num_drafts=2),
    )
    journal = asyncio.run(search.run())
    assert search.stop_reason == "time" and 10 < len(journal.nodes) < 60
    best = journal.best()
    assert best is not None and not best.buggy
    assert any(n.buggy for n in journal.nodes)


def test_mlebench_preset_matches_mle_bench_and_explicit_values_win():
    config = resolve_config("mlebench")
    assert (config.steps, config.debug_prob, config.max_debug_depth) == (500, 1.0, 20)
    assert (config.exec_timeout, config.time_limit) == (9 * 3600, 24 * 3600)
    assert config.num_drafts == 5 and config.k_fold_validation == 5
    assert resolve_config("mlebench", steps=10, debug_prob=0.25).steps == 10
    # the original aideml's defaults when nothing is given
    plain = AideConfig()
    assert (plain.num_drafts, plain.debug_prob, plain.max_debug_depth) == (5, 0.5, 3)
    assert (plain.code_temperature, plain.feedback_temperature) == (0.5, 0.5)
    assert plain.data_preview and plain.k_fold_validation == 5
    with pytest.raises(ValueError, match="unknown AIDE preset"):
        resolve_config("nope")
    with pytest.raises(ValueError, match="unknown AIDE policy"):
        aide(policy="nope")


def test_policy_settings_reach_the_policy():
    config = resolve_config(None, policy="mcts", uct_c=0.3, max_children=7, num_drafts=2)
    policy = POLICIES[config.policy](**config.policy_settings())
    assert isinstance(policy, MctsPolicy)
    assert (policy.uct_c, policy.max_children, policy.num_drafts) == (0.3, 7, 2)
