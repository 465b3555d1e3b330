"""What the log viewer shows: the journal in the sample store, node cards, the tree summary."""

from __future__ import annotations

from typing import Any

from inspect_ai.util import StoreModel
from pydantic import Field

from .journal import Journal, Node, step_name

CARD_OUTPUT_CHARS = 4000


class AideStore(StoreModel):
    """The search journal in the sample's store (``AideStore:nodes`` ... in the log)."""

    nodes: list[Node] = Field(default_factory=list)
    config: dict[str, Any] = Field(default_factory=dict)
    """The resolved solver settings (preset, defaults and overrides applied)."""
    best_id: int | None = None
    stop_reason: str | None = None


def span_name(node: Node) -> str:
    """``step 3: improve of node 1``."""
    return step_name(node.id, node.stage, node.parent_id, node.other_parent_id)


def _metric(node: Node) -> str:
    if node.metric is None:
        return "none"
    arrow = "lower" if node.lower_is_better else "higher"
    source = f", from {node.metric_source}" if node.metric_source else ""
    return f"{node.metric:.6g} ({arrow} is better{source})"


def _fenced(text: str, language: str = "") -> str:
    fence = "````" if "```" in text else "```"
    return f"{fence}{language}\n{text.rstrip()}\n{fence}"


_BUG_SOURCES = {"code": "found by the checks", "reviewer": "found by the reviewer"}


def node_card(node: Node, is_best: bool) -> str:
    """Markdown card for one node."""
    output = node.output
    if len(output) > CARD_OUTPUT_CHARS:
        half = CARD_OUTPUT_CHARS // 2
        output = output[:half] + "\n[...]\n" + output[-half:]
    if node.buggy:
        status = f"buggy ({_BUG_SOURCES.get(node.bug_source or '', 'unknown')}): "
        status += node.bug_reason or "?"
    else:
        status = "works"
    parent = "none" if node.parent_id is None else f"node {node.parent_id}"
    if node.other_parent_id is not None:
        parent += f" and node {node.other_parent_id}"
    rows = [
        ("stage", node.stage),
        ("parent", parent),
        ("policy", node.reason or "-"),
        ("metric", _metric(node)),
        ("status", status + (" (new best)" if is_best else "")),
        ("validator", node.validator_message or "not run"),
        ("run time", f"{node.exec_time:.1f}s" + (" (timed out)" if node.timed_out else "")),
    ]
    table = "| | |\n|---|---|\n" + "\n".join(
        f"| {k} | {v.replace('|', '/').replace(chr(10), ' ')} |" for k, v in rows
    )
    parts = [
        f"### Node {node.id}: {node.stage}",
        table,
        f"**Plan.** {node.plan or '(none given)'}",
    ]
    if node.analysis:
        parts.append(f"**Review.** {node.analysis}")
    parts += [
        "**Code**",
        _fenced(node.code or "(no code)", "python"),
        "**Output (head and tail)**",
        _fenced(output or "(no output)"),
    ]
    return "\n\n".join(parts)


def tree_summary(journal: Journal, stop_reason: str | None = None) -> str:
    """Indented tree of all nodes, best marked with a star."""
    best = journal.best()
    lines: list[str] = []
    children: dict[int | None, list[Node]] = {}
    for node in journal.nodes:
        children.setdefault(node.parent_id, []).append(node)
    # iterative depth-first walk: long improve chains must not hit the recursion limit
    stack = [(root, 0) for root in reversed(children.get(None, []))]
    while stack:
        node, depth = stack.pop()
        if node.buggy:
            what = f"buggy ({node.bug_reason})"
        else:
            what = f"{node.metric:.6g}" if node.metric is not None else "no metric"
        star = " ★ best" if best is not None and node.id == best.id else ""
        other = f" (with node {node.other_parent_id})" if node.other_parent_id is not None else ""
        lines.append(f"{'    ' * depth}- node {node.id} {node.stage}{other}: {what}{star}")
        stack.extend((child, depth + 1) for child in reversed(children.get(node.id, [])))
    head = f"**Search tree** ({len(journal.nodes)} nodes"
    head += f", stopped: {stop_reason})" if stop_reason else ")"
    if best is not None:
        head += f"; best: node {best.id}, metric {best.metric:.6g}"
    else:
        head += "; no working node"
    return head + "\n\n" + ("\n".join(lines) or "(empty)")
