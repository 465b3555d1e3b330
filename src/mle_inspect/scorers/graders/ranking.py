"""Graders for ranking competitions: MAP@k on space-separated lists, and lwlrap."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import checks
from .._errors import InvalidSubmission
from ..grading import grade_columns
from ..metrics import compute
from ._common import aligned, id_column_of, legacy_str, paused_gc

if TYPE_CHECKING:
    import pandas as pd

    from ...competitions import GradingSpec


def map_at_k(submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec) -> float:
    """MAP@k of ranked, space-separated predictions against each row's true id set.

    ``params``: ``k``; ``exact_columns`` (no other columns allowed); ``extra_ids`` (rows for
    ids outside the answers are allowed and ignored: H&M's file lists every customer, only
    buyers in the test window are scored).

    Kept from the original on purpose: predictions are split on single spaces, so doubled,
    leading or trailing spaces make empty tokens that take rank slots, and an empty cell is
    the one token ``"nan"`` (pandas 2 ``astype(str)``).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    params = dict(spec.params)
    k = int(params.get("k", 5))
    exact = bool(params.get("exact_columns", False))
    id_col, column = id_column_of(spec), spec.target_columns[0]
    if params.get("extra_ids", False):
        checks.require_not_empty(submission)
        checks.require_columns(submission, [id_col, column], exact=exact)
        ids, known = checks._comparable_ids(submission[id_col], answers[id_col])
        # pyarrow's hash lookup: several times faster than Series.isin on 10^6 text ids
        keep = pc.is_in(pa.array(ids), value_set=pa.array(known))
        submission = submission[keep.to_numpy(zero_copy_only=False)]
        if len(submission) == 0:
            raise InvalidSubmission(f"no row of the submission has an id ({id_col!r}) to score")
    sub = aligned(submission, answers, spec, exact_columns=exact)
    with paused_gc():
        predicted = [s.split(" ") for s in legacy_str(sub[column])]
        truth = [set(s.split(" ")) for s in legacy_str(answers[spec.truth_columns[0]])]
        return compute("map_at_k", truth, predicted, k=k)


def ordered_class_scores(
    submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec
) -> float:
    """Freesound: the header must be the id column then every class column, in order."""
    expected = [spec.id_column, *spec.target_columns]
    if list(submission.columns) != expected:
        extra = [c for c in submission.columns if c not in expected]
        missing = [c for c in expected if c not in submission.columns]
        detail = (
            f"missing {checks._preview(missing)}"
            if missing
            else f"unexpected {checks._preview(extra)}"
            if extra
            else "the columns are out of order"
        )
        raise InvalidSubmission(
            f"the header must be {expected[0]!r} followed by the {len(expected) - 1} class "
            f"columns in the sample submission's order; {detail}"
        )
    return grade_columns(submission, answers, spec)
