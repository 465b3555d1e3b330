"""Search policies: which operator to apply next, and to which node(s).

A policy is a small class with ``next_action(journal, rng) -> Action`` over the one journal;
every random choice comes from the ``rng`` it is given, so a seed fixes the whole search. The
action carries the policy's reason, which the node card shows. A new policy is a new file
registered in ``policies.POLICIES``.

``max_debug_depth`` means what it means in the original AIDE: a buggy leaf may be debugged
while its debug depth (the number of debug steps that led to it) is at most
``max_debug_depth``, so one line of fixes holds up to ``max_debug_depth + 1`` debug nodes;
a negative value turns debugging off.
"""

from __future__ import annotations

import random
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from .journal import Journal, Node, Stage


class Action(BaseModel):
    """One search step to take: its stage, the parent(s) and why."""

    model_config = ConfigDict(frozen=True)

    stage: Stage
    parent_id: int | None = None
    other_parent_id: int | None = None
    """The second parent of a crossover."""
    reason: str = ""


class SearchPolicy(Protocol):
    """Chooses the next step from the journal so far."""

    def next_action(self, journal: Journal, rng: random.Random) -> Action:
        """The next step; random draws come from ``rng`` only, so a seed replays the search."""
        ...


class PolicySettings(BaseModel):
    """Knobs every policy shares (the original AIDE's, with its defaults)."""

    num_drafts: int = 5
    debug_prob: float = 0.5
    max_debug_depth: int = 3

    def next_action(self, journal: Journal, rng: random.Random) -> Action:
        """The next step; each policy (a subclass registered in ``POLICIES``) defines it."""
        raise NotImplementedError(f"{type(self).__name__} does not choose steps")

    def initial_draft(self, journal: Journal) -> Action | None:
        """A draft while fewer than ``num_drafts`` have been made, else None."""
        made = len(journal.drafts())
        if made < self.num_drafts:
            return Action(stage="draft", reason=f"initial drafts: {made} of {self.num_drafts} made")
        return None

    def maybe_debug(self, journal: Journal, rng: random.Random) -> Action | None:
        """With ``debug_prob``, debug a random debuggable leaf (always draws one number)."""
        wants_debug = rng.random() < self.debug_prob
        if not wants_debug:
            return None
        debuggable = journal.debuggable(self.max_debug_depth)
        if not debuggable:
            return None
        chosen = rng.choice(debuggable)
        return Action(
            stage="debug",
            parent_id=chosen.id,
            reason=f"debug: node {chosen.id} picked at random from "
            f"{len(debuggable)} debuggable buggy leaves (depth {chosen.debug_depth} "
            f"<= max_debug_depth {self.max_debug_depth})",
        )


def describe(node: Node) -> str:
    """``node 3 (metric 0.91)``: how reasons name a node."""
    metric = "no metric" if node.metric is None else f"metric {node.metric:.6g}"
    return f"node {node.id} ({metric})"


class GreedyPolicy(PolicySettings):
    """The original AIDE's policy.

    Draft a few solutions, sometimes debug a broken leaf, otherwise improve the best node (drafting
    again while nothing works).
    """

    def next_action(self, journal: Journal, rng: random.Random) -> Action:
        """Initial drafts, a debug now and then, else improve the best node."""
        if (action := self.initial_draft(journal)) is not None:
            return action
        # always draw, so the sequence of random numbers does not depend on the journal's state
        if (action := self.maybe_debug(journal, rng)) is not None:
            return action
        best = journal.best()
        if best is None:
            return Action(stage="draft", reason="no working node yet: draft again")
        return Action(
            stage="improve", parent_id=best.id, reason=f"greedy: improve the best, {describe(best)}"
        )
