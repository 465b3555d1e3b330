"""mle-inspect: MLE-bench as an Inspect AI eval suite.

``import mle_inspect`` stays light: the names below load their modules on first use.

    from mle_inspect import mle_bench, baseline, react_agent, mle_scorer, grade
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "mle_bench": "mle_inspect.tasks",
    "demo": "mle_inspect.tasks",
    "lite": "mle_inspect.tasks",
    "full": "mle_inspect.tasks",
    "baseline": "mle_inspect.solvers",
    "dummy": "mle_inspect.solvers",
    "react_agent": "mle_inspect.solvers",
    "aide": "mle_inspect.solvers.aide",
    "mle_scorer": "mle_inspect.scorers.scorer",
    "grade": "mle_inspect.scorers.grading",
    "score_submission": "mle_inspect.scorers.grading",
    "GradeReport": "mle_inspect.scorers.report",
    "InvalidSubmission": "mle_inspect.scorers._errors",
    "get_competition": "mle_inspect.competitions",
    "all_competitions": "mle_inspect.competitions",
    "split_ids": "mle_inspect.competitions",
    "Competition": "mle_inspect.competitions",
    "prepare_competition": "mle_inspect.data",
}

__all__ = [
    "Competition",
    "GradeReport",
    "InvalidSubmission",
    "aide",
    "all_competitions",
    "baseline",
    "demo",
    "dummy",
    "full",
    "get_competition",
    "grade",
    "lite",
    "mle_bench",
    "mle_scorer",
    "prepare_competition",
    "react_agent",
    "score_submission",
    "split_ids",
]

if TYPE_CHECKING:
    from .competitions import Competition, all_competitions, get_competition, split_ids
    from .data import prepare_competition
    from .scorers._errors import InvalidSubmission
    from .scorers.grading import grade, score_submission
    from .scorers.report import GradeReport
    from .scorers.scorer import mle_scorer
    from .solvers import baseline, dummy, react_agent
    from .solvers.aide import aide
    from .tasks import demo, full, lite, mle_bench


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'mle_inspect' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
