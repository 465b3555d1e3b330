"""``mle-inspect report``: MLE-bench-comparable numbers from Inspect logs.

Reads log headers and sample summaries (never whole transcripts), lines samples up into
competition × seed runs, counts every failure, and aggregates as MLE-bench does. Also writes
MLE-bench grading reports. Names load on first use: ``grading_report`` needs no inspect_ai.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "Report": "._build",
    "build_reports": "._build",
    "render": "._render",
    "write_grading_reports": "._render",
    "plot_reports": "._plot",
    "PlotUnavailable": "._plot",
    "CompetitionEntry": ".grading_report",
    "grade_submissions": ".grading_report",
    "write_grading_report": ".grading_report",
}

__all__ = [
    "CompetitionEntry",
    "PlotUnavailable",
    "Report",
    "build_reports",
    "grade_submissions",
    "plot_reports",
    "render",
    "write_grading_report",
    "write_grading_reports",
]

if TYPE_CHECKING:
    from ._build import Report, build_reports
    from ._plot import PlotUnavailable, plot_reports
    from ._render import render, write_grading_reports
    from .grading_report import CompetitionEntry, grade_submissions, write_grading_report


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(module, __name__), name)
