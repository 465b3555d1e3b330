"""Judging a run: the metric tag, the reviewer's forced tool call, and whether the node is buggy.

The metric's direction is never asked of a model: it comes from the sample metadata.
"""

from __future__ import annotations

import math
import re
from typing import Any, Literal

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
    """The reviewer's verdict on one run, as its forced tool call gives it."""

    summary: str = ""
    metric: float | None = None
    is_bug: bool | None = None
    """The reviewer's verdict (None: it gave none)."""


def metric_in_output(metric: float, output: str) -> bool:
    """Whether ``metric`` is one of the numbers printed in ``output``.

    A reviewer may round what it read (0.8123 for 0.812345), so a printed number matches when
    it rounds to the reviewer's value at the reviewer's precision; made-up numbers do not.
    """
    if not math.isfinite(metric):
        return False
    text = repr(float(metric))
    decimals = len(text.split(".")[1]) if "." in text and "e" not in text else 12
    tolerance = 0.5 * 10.0**-decimals + 1e-12 * max(1.0, abs(metric))
    for match in re.finditer(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", output):
        try:
            value = float(match.group())
        except ValueError:
            continue
        if abs(value - metric) <= tolerance:
            return True
    return False


def review_tool_info() -> Any:
    """The tool the reviewer is forced to call."""
    from inspect_ai.tool import ToolInfo, ToolParams
    from inspect_ai.util import JSONSchema

    return ToolInfo(
        name=REVIEW_TOOL,
        description="Record your review of one run of a solution script.",
        parameters=ToolParams(
            properties={
                "summary": JSONSchema(
                    type="string",
                    description="What the run did and showed, and what went wrong if "
                    "anything did, in a few sentences.",
                ),
                "is_bug": JSONSchema(
                    type="boolean",
                    description="true if the output shows that the run failed or has a "
                    "bug (an error, a wrong or leaking validation, no submission written), "
                    "otherwise false.",
                ),
                "metric": JSONSchema(
                    type=["number", "null"],
                    description="The validation score the output reports, copied from the "
                    "output; null if it reports none.",
                ),
            },
            required=["summary", "is_bug", "metric"],
        ),
    )


def parse_review(arguments: dict[str, Any]) -> Review:
    """Review from tool-call arguments, tolerating numbers sent as text."""
    metric = arguments.get("metric")
    if isinstance(metric, str):
        metric = parse_metric(f"m={metric.strip()}", "m")
    elif isinstance(metric, bool) or not isinstance(metric, int | float):
        metric = None
    is_bug = arguments.get("is_bug")
    if isinstance(is_bug, str):
        is_bug = {"true": True, "false": False}.get(is_bug.strip().lower())
    return Review(
        summary=str(arguments.get("summary") or ""),
        metric=metric,
        is_bug=is_bug if isinstance(is_bug, bool) else None,
    )


class Verdict(BaseModel):
    """Whether a node is buggy, why, and who said so."""

    buggy: bool
    reason: str | None = None
    source: Literal["code", "reviewer"] | None = None
    """Who found the bug: the harness's own checks or the reviewer."""


def judge(
    run: RunResult,
    metric: float | None,
    valid: bool,
    validator_message: str,
    review: Review | None = None,
) -> Verdict:
    """Whether a node is buggy: the first of these checks that applies, in this order.

    The harness's checks (exit status, timeout, metric, submission), then the reviewer's ``is_bug``.
    """
    reason = _code_bug(run, metric, valid, validator_message)
    if reason is not None:
        return Verdict(buggy=True, reason=reason, source="code")
    if review is not None and review.is_bug:
        summary = review.summary.strip().split("\n")[0][:300] or "no reason given"
        return Verdict(buggy=True, reason=f"the reviewer found a bug: {summary}", source="reviewer")
    return Verdict(buggy=False)


def _code_bug(run: RunResult, metric: float | None, valid: bool, message: str) -> str | None:
    if run.timed_out:
        return f"timed out after {run.exec_time:.0f}s"
    if run.exit_code is None:
        return "the script could not be run"
    if run.exit_code != 0:
        return f"exception (exit status {run.exit_code})"
    if metric is None:
        return "no validation metric reported"
    if not math.isfinite(metric):
        return f"validation metric is not finite ({metric})"
    if not valid:
        return f"invalid submission: {message}"
    return None
