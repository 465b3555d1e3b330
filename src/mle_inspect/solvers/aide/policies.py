"""The search policies by name (``-S policy=...``); register a new policy's class here."""

from __future__ import annotations

from .evolutionary import EvolutionaryPolicy
from .mcts import MctsPolicy
from .policy import GreedyPolicy, PolicySettings

POLICIES: dict[str, type[PolicySettings]] = {
    "greedy": GreedyPolicy,
    "mcts": MctsPolicy,
    "evolutionary": EvolutionaryPolicy,
}
