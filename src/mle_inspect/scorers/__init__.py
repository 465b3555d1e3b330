"""Host-side grading (DESIGN §4) and the Inspect scorer (DESIGN §5).

The grading names import without inspect_ai; ``mle_scorer`` is loaded on first use.
"""

from typing import TYPE_CHECKING, Any

from ._errors import GradingError, InvalidSubmission
from .grading import (
    grade,
    grade_content,
    read_submission_csv,
    score_submission,
    validate_content,
)
from .medals import medal_positions, normalized_score, percentile, thresholds_from_leaderboard
from .report import GradeReport

if TYPE_CHECKING:
    from .scorer import mle_scorer

__all__ = [
    "GradeReport",
    "GradingError",
    "InvalidSubmission",
    "grade",
    "grade_content",
    "medal_positions",
    "mle_scorer",
    "normalized_score",
    "percentile",
    "read_submission_csv",
    "score_submission",
    "thresholds_from_leaderboard",
    "validate_content",
]


def __getattr__(name: str) -> Any:
    if name == "mle_scorer":
        from .scorer import mle_scorer

        return mle_scorer
    raise AttributeError(name)
