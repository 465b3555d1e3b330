"""Monte-Carlo tree search over the journal, with UCT selection.

The tree's root is virtual (its children are the drafts). Each node's value is its
normalised validation metric (``Journal.values``: 0 for buggy nodes, the best working node so
far 1); a node's statistics are its subtree's size ``N`` and mean value ``Q``, recomputed from
the journal at every step, so values are backed up as normalisation moves. Selection walks
from the root to the first expandable node, taking the child of highest
``Q + uct_c * sqrt(ln N_parent / N_child)`` (ties: the older node). A working node is expanded
by an improve (up to ``max_children`` children), a buggy one by a debug (one child, within
``max_debug_depth``), the root by a draft (up to ``num_drafts``).
"""

from __future__ import annotations

import math
import random

from .journal import Journal, Node
from .policy import Action, PolicySettings


class MctsPolicy(PolicySettings):
    """Monte Carlo tree search over the journal, with UCT selection."""

    uct_c: float = 1.0
    """Exploration constant of UCT."""
    max_children: int = 3
    """Most improve children per working node."""

    def _expandable(self, journal: Journal, node: Node, n_children: int) -> bool:
        if node.buggy:
            return (
                n_children == 0
                and node.debug_depth <= self.max_debug_depth
                and journal.code_source(node) is not None
            )
        return n_children < self.max_children

    def next_action(self, journal: Journal, rng: random.Random) -> Action:
        """Initial drafts, a debug now and then, else improve the node UCT selects."""
        nodes = journal.nodes
        values = journal.values()
        count = [1] * len(nodes)
        total = list(values)
        n_children = [0] * len(nodes)
        for node in reversed(nodes):  # children always come after their parent
            if node.parent_id is not None:
                count[node.parent_id] += count[node.id]
                total[node.parent_id] += total[node.id]
                n_children[node.parent_id] += 1
        is_open = [False] * len(nodes)
        for node in reversed(nodes):
            is_open[node.id] = is_open[node.id] or self._expandable(
                journal, node, n_children[node.id]
            )
            if node.parent_id is not None and is_open[node.id]:
                is_open[node.parent_id] = True

        drafts = journal.drafts()
        if len(drafts) < self.num_drafts:
            return Action(
                stage="draft", reason=f"expand the root: {len(drafts)} of {self.num_drafts} drafts"
            )
        children = journal.children()
        path: list[str] = []
        options = [n for n in drafts if is_open[n.id]]
        parent_count = len(nodes)
        while options:
            scored = [
                (
                    total[n.id] / count[n.id]
                    + self.uct_c * math.sqrt(math.log(parent_count) / count[n.id]),
                    -n.id,
                    n,
                )
                for n in options
            ]
            uct, _, chosen = max(scored, key=lambda item: (item[0], item[1]))
            path.append(
                f"node {chosen.id} (UCT {uct:.3f}, Q {total[chosen.id] / count[chosen.id]:.3f}, "
                f"N {count[chosen.id]})"
            )
            kids = children.get(chosen.id, [])
            if self._expandable(journal, chosen, len(kids)):
                route = "UCT path: " + " → ".join(path)
                if chosen.buggy:
                    return Action(stage="debug", parent_id=chosen.id, reason=route + "; debug it")
                return Action(
                    stage="improve",
                    parent_id=chosen.id,
                    reason=route + f"; improve it (child {len(kids) + 1} of {self.max_children})",
                )
            parent_count = count[chosen.id]
            options = [n for n in kids if is_open[n.id]]
        return Action(stage="draft", reason="every branch is fully expanded: a new draft")
