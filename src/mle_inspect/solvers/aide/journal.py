"""The search tree: one node per complete script, and queries the policy and the final step need."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

Stage = Literal["draft", "debug", "improve", "crossover"]


@dataclass(frozen=True)
class DirectedMetric:
    """A metric value with its direction, so comparing two needs no ``lower_is_better`` flag."""

    value: float
    lower_is_better: bool

    @property
    def gain(self) -> float:
        """The value turned so that higher is always better (``-value`` when lower is better)."""
        return -self.value if self.lower_is_better else self.value

    def beats(self, other: DirectedMetric) -> bool:
        """Whether this metric is strictly better than ``other`` (a tie does not beat)."""
        return self.gain > other.gain


class Node(BaseModel):
    """One script the coder wrote, what running it did, and the verdicts on it."""

    id: int
    """Step at which the node was made (also its position in the journal)."""
    parent_id: int | None = None
    other_parent_id: int | None = None
    """The second parent of a crossover node."""
    stage: Stage
    reason: str = ""
    """Why the search policy chose this step (UCT values, selected parents...)."""
    plan: str = ""
    code: str = ""
    output: str = ""
    """Head and tail of the script's combined stdout and stderr."""
    exit_code: int | None = None
    timed_out: bool = False
    exec_time: float = 0.0
    """Seconds the script ran (wall clock; excluded when comparing runs)."""
    model_time: float = 0.0
    """Seconds spent waiting for the coder and reviewer models."""
    metric: float | None = None
    metric_source: Literal["tag", "reviewer"] | None = None
    lower_is_better: bool = False
    buggy: bool = True
    bug_reason: str | None = None
    bug_source: Literal["code", "reviewer"] | None = None
    """Who called the node buggy: the harness's checks (``code``) or the reviewer."""
    analysis: str = ""
    """The reviewer's summary of the run."""
    valid_submission: bool = False
    validator_message: str | None = None
    debug_depth: int = 0
    """Number of consecutive debug steps that led to this node (0 unless it is a debug node)."""
    tokens: int = 0

    def directed_metric(self) -> DirectedMetric | None:
        """The metric with the competition's direction; None while the node has none."""
        return None if self.metric is None else DirectedMetric(self.metric, self.lower_is_better)

    @property
    def working(self) -> bool:
        """A node the search may build on: it ran, reported a finite metric and a valid submission."""
        return not self.buggy and self.metric is not None and math.isfinite(self.metric)


def step_name(
    node_id: int, stage: Stage, parent_id: int | None, other_parent_id: int | None = None
) -> str:
    """``step 3: improve of node 1``: the name of the span in which a node is made."""
    parent = f" of node {parent_id}" if parent_id is not None else ""
    if other_parent_id is not None:
        parent += f" and node {other_parent_id}"
    return f"step {node_id}: {stage}{parent}"


def better(a: float, b: float, lower_is_better: bool) -> bool:
    """Whether metric ``a`` beats ``b`` in the competition's direction (ties do not)."""
    return DirectedMetric(a, lower_is_better).beats(DirectedMetric(b, lower_is_better))


class Journal(BaseModel):
    """All nodes in the order they were made."""

    nodes: list[Node] = Field(default_factory=list)

    def add(self, node: Node) -> None:
        """Append a node; its id must be the next step.

        Args:
            node: The node just made, with ``id`` equal to the number of nodes so far.

        Raises:
            ValueError: The id is not the next step.
        """
        if node.id != len(self.nodes):
            raise ValueError(f"node id {node.id} is not the next step ({len(self.nodes)})")
        self.nodes.append(node)

    def get(self, node_id: int) -> Node:
        """The node made at step ``node_id``.

        Args:
            node_id: The node's id (its position in the journal).

        Returns:
            The node.
        """
        return self.nodes[node_id]

    def drafts(self) -> list[Node]:
        """Every draft, buggy or not (the policy counts all of them)."""
        return [n for n in self.nodes if n.stage == "draft"]

    def buggy_leaves(self) -> list[Node]:
        """Buggy nodes nothing was built on yet."""
        parents = {n.parent_id for n in self.nodes}
        return [n for n in self.nodes if n.buggy and n.id not in parents]

    def debuggable(self, max_debug_depth: int) -> list[Node]:
        """Buggy leaves that may be debugged, as in the original AIDE.

        A buggy leaf qualifies while its ``debug_depth`` is at most ``max_debug_depth``; so a
        line of fixes holds at most ``max_debug_depth + 1`` debug nodes after the node that
        first failed. A negative value turns debugging off. Leaves with no code up their line
        (a draft that never got a usable response) are left out: there is nothing to fix.
        """
        return [
            n
            for n in self.buggy_leaves()
            if n.debug_depth <= max_debug_depth and self.code_source(n) is not None
        ]

    def children(self) -> dict[int | None, list[Node]]:
        """Nodes by parent id (None: the drafts)."""
        by_parent: dict[int | None, list[Node]] = {}
        for node in self.nodes:
            by_parent.setdefault(node.parent_id, []).append(node)
        return by_parent

    def code_source(self, node: Node) -> Node | None:
        """The node itself if it has code, else its nearest ancestor that has some."""
        current: Node | None = node
        while current is not None and not current.code.strip():
            current = self.get(current.parent_id) if current.parent_id is not None else None
        return current

    def ranked(self) -> list[Node]:
        """Working nodes, best first; ties keep the earlier node first."""
        return [node for _, node in sorted(self._gains(), key=lambda pair: (-pair[0], pair[1].id))]

    def _gains(self) -> list[tuple[float, Node]]:
        """(gain, node) of every working node, in the order they were made."""
        return [
            (metric.gain, n)
            for n in self.nodes
            if n.working and (metric := n.directed_metric()) is not None
        ]

    def values(self) -> list[float]:
        """Each node's value in [0, 1], normalised within this task.

        The worst working metric so far is 0, the best 1 (all 1 while they are equal); buggy nodes
        are 0.
        """
        gains = self._gains()
        values = [0.0] * len(self.nodes)
        if not gains:
            return values
        low, high = min(g for g, _ in gains), max(g for g, _ in gains)
        span = high - low
        for gain, node in gains:
            values[node.id] = (gain - low) / span if span > 0 else 1.0
        return values

    def best(self) -> Node | None:
        """The best working node (the first made among equals); None while none works."""
        ranked = self.ranked()
        return ranked[0] if ranked else None

    def debug_chain(self, node: Node) -> list[Node]:
        """The node and the ancestors its debug steps went through, oldest first."""
        chain = [node]
        while chain[0].stage == "debug" and chain[0].parent_id is not None:
            chain.insert(0, self.get(chain[0].parent_id))
        return chain
