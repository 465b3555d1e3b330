"""Judging a run: the metric tag, the reviewer's forced tool call, and whether the node is buggy.

The metric's direction is never asked of a model: it comes from the sample metadata.
"""

from __future__ import annotations

import math
import re
from typing import Any

from pydantic import BaseModel

from .runner import RunResult

REVIEW_TOOL = "submit_review"
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|inf|infinity)"


def parse_metric(lines: list[str] | str, tag: str) -> float | None:
    """The value of the last ``<tag>=<number>`` (or ``<tag>: <number>``) line; None if absent.

    Non-finite values are returned as they are so the caller can call the node buggy for it.
    """
    text = lines if isinstance(lines, str) else "\n".join(lines)
    pattern = re.compile(rf"{re.escape(tag)}\s*[=:]\s*({_NUMBER})\b", re.I)
    matches = pattern.findall(text)
    if not matches:
        return None
    try:
        return float(matches[-1])
    except ValueError:
        return None


class Review(BaseModel):
    summary: str = ""
    metric: float | None = None


def review_tool_info() -> Any:
    """The tool the reviewer is forced to call."""
    from inspect_ai.tool import ToolInfo, ToolParams

    return ToolInfo(
        name=REVIEW_TOOL,
        description="Record your review of one run of a solution script.",
        parameters=ToolParams(
            properties={
                "summary": {
                    "type": "string",
                    "description": "What the run did and showed, and what went wrong if "
                    "anything did, in a few sentences.",
                },
                "metric": {
                    "type": ["number", "null"],
                    "description": "The validation score the output reports, if it reports "
                    "one; null if it reports none.",
                },
            },
            required=["summary", "metric"],
        ),
    )


def parse_review(arguments: dict[str, Any]) -> Review:
    """Review from tool-call arguments, tolerating numbers sent as text."""
    metric = arguments.get("metric")
    if isinstance(metric, str):
        metric = parse_metric(f"m={metric.strip()}", "m")
    elif isinstance(metric, bool) or not isinstance(metric, int | float):
        metric = None
    return Review(summary=str(arguments.get("summary") or ""), metric=metric)


class Verdict(BaseModel):
    buggy: bool
    reason: str | None = None


def judge(
    run: RunResult,
    metric: float | None,
    submission_present: bool,
    valid: bool,
    validator_message: str,
) -> Verdict:
    """A node is buggy on the first of these that applies, in this order."""
    if run.timed_out:
        return Verdict(buggy=True, reason=f"timed out after {run.exec_time:.0f}s")
    if run.exit_code is None:
        return Verdict(buggy=True, reason="the script could not be run")
    if run.exit_code != 0:
        return Verdict(buggy=True, reason=f"exception (exit status {run.exit_code})")
    if metric is None:
        return Verdict(buggy=True, reason="no validation metric reported")
    if not math.isfinite(metric):
        return Verdict(buggy=True, reason=f"validation metric is not finite ({metric})")
    if not submission_present:
        return Verdict(buggy=True, reason="no submission.csv written")
    if not valid:
        return Verdict(buggy=True, reason=f"invalid submission: {validator_message}")
    return Verdict(buggy=False)
