"""The search tree: one node per complete script, and queries the policy and the final step need."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, Field

Stage = Literal["draft", "debug", "improve"]


class Node(BaseModel):
    """One script the coder wrote, what running it did, and the verdicts on it."""

    id: int
    """Step at which the node was made (also its position in the journal)."""
    parent_id: int | None = None
    stage: Stage
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
    analysis: str = ""
    """The reviewer's summary of the run."""
    valid_submission: bool = False
    validator_message: str | None = None
    debug_depth: int = 0
    """Number of consecutive debug steps that led to this node (0 unless it is a debug node)."""
    tokens: int = 0

    @property
    def working(self) -> bool:
        """A node the search may build on: it ran, reported a finite metric and a valid submission."""
        return not self.buggy and self.metric is not None and math.isfinite(self.metric)


def step_name(node_id: int, stage: Stage, parent_id: int | None) -> str:
    """``step 3: improve of node 1``: the name of the span in which a node is made."""
    parent = f" of node {parent_id}" if parent_id is not None else ""
    return f"step {node_id}: {stage}{parent}"


def better(a: float, b: float, lower_is_better: bool) -> bool:
    """Whether metric ``a`` beats ``b`` in the competition's direction (ties do not)."""
    return a < b if lower_is_better else a > b


class Journal(BaseModel):
    """All nodes in the order they were made."""

    nodes: list[Node] = Field(default_factory=list)

    def add(self, node: Node) -> None:
        if node.id != len(self.nodes):
            raise ValueError(f"node id {node.id} is not the next step ({len(self.nodes)})")
        self.nodes.append(node)

    def get(self, node_id: int) -> Node:
        return self.nodes[node_id]

    def drafts(self) -> list[Node]:
        """Every draft, buggy or not (the policy counts all of them)."""
        return [n for n in self.nodes if n.stage == "draft"]

    def buggy_leaves(self) -> list[Node]:
        """Buggy nodes nothing was built on yet."""
        parents = {n.parent_id for n in self.nodes}
        return [n for n in self.nodes if n.buggy and n.id not in parents]

    def ranked(self) -> list[Node]:
        """Working nodes, best first; ties keep the earlier node first."""
        working = [n for n in self.nodes if n.working]
        if not working:
            return []
        lower = working[0].lower_is_better
        return sorted(working, key=lambda n: ((n.metric if lower else -n.metric), n.id))  # type: ignore[operator]

    def best(self) -> Node | None:
        ranked = self.ranked()
        return ranked[0] if ranked else None

    def debug_chain(self, node: Node) -> list[Node]:
        """The node and the ancestors its debug steps went through, oldest first."""
        chain = [node]
        while chain[0].stage == "debug" and chain[0].parent_id is not None:
            chain.insert(0, self.get(chain[0].parent_id))
        return chain
