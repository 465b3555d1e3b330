"""Search policies: which operator to apply next, and to which node.

A policy is any object with ``next_action(journal, rng) -> Action``; every random choice must
come from the ``rng`` it is given, so a seed fixes the whole search.
"""

from __future__ import annotations

import random
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from .journal import Journal, Stage


class Action(BaseModel):
    model_config = ConfigDict(frozen=True)

    stage: Stage
    parent_id: int | None = None


class SearchPolicy(Protocol):
    def next_action(self, journal: Journal, rng: random.Random) -> Action: ...


class GreedyPolicy(BaseModel):
    """Draft a few solutions, sometimes debug a broken leaf, otherwise improve the best node.

    ``max_debug_depth`` caps how many debug steps may follow one another: a buggy leaf is
    debugged only if the new node's chain would be at most that deep (0 turns debugging off).
    """

    num_drafts: int = 5
    debug_prob: float = 0.5
    max_debug_depth: int = 3

    def next_action(self, journal: Journal, rng: random.Random) -> Action:
        if len(journal.drafts()) < self.num_drafts:
            return Action(stage="draft")
        # always draw, so the sequence of random numbers does not depend on the journal's state
        wants_debug = rng.random() < self.debug_prob
        if wants_debug:
            debuggable = [n for n in journal.buggy_leaves() if n.debug_depth < self.max_debug_depth]
            if debuggable:
                return Action(stage="debug", parent_id=rng.choice(debuggable).id)
        best = journal.best()
        if best is None:
            return Action(stage="draft")
        return Action(stage="improve", parent_id=best.id)


POLICIES = {"greedy": GreedyPolicy}
