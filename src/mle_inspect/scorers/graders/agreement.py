"""Graders for agreement and correlation competitions that differ from the generic grader.

QWK, Pearson and MCC competitions are declarative (``specs/agreement.toml``); these two are not:
Google QUEST pairs rows by sorted position, AI4Code scores orderings of cell ids.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import checks
from .._errors import InvalidSubmission
from ..metrics import compute
from ._common import aligned, id_column_of, legacy_str, paused_gc

if TYPE_CHECKING:
    import pandas as pd

    from ...competitions import GradingSpec


def sorted_position_spearman(
    submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec
) -> float:
    """Mean column-wise Spearman (Google QUEST).

    Quirk kept on purpose: the original sorted both files by id and paired rows by position
    without checking that the ids match, so ids are only required to be numbers; the file
    must have exactly the id column and the target columns, and as many rows as the answers.
    """
    import numpy as np

    id_col, targets = id_column_of(spec), spec.target_columns
    checks.require_not_empty(submission)
    checks.require_columns(submission, [id_col, *targets], exact=True)
    checks.require_row_count(submission, len(answers))
    sub_ids = checks.numeric_column(submission, id_col)
    sub_order = np.argsort(sub_ids, kind="stable")
    ans_order = np.argsort(answers[id_col].to_numpy(), kind="stable")
    pred = np.column_stack(
        [checks.numeric_column(submission, c, id_column=id_col)[sub_order] for c in targets]
    )
    truth = answers[targets].to_numpy(dtype=float)[ans_order]
    return compute(spec.metric or "mean_columnwise_spearman", truth, pred)


def cell_order_kendall(submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec) -> float:
    """AI4Code: each notebook's predicted cell order must be a permutation of its cells."""
    sub = aligned(submission, answers, spec)
    column = spec.target_columns[0]
    # astype(str) as in pandas 2: an empty cell becomes the one token "nan"
    with paused_gc():
        predicted = [s.split() for s in legacy_str(sub[column])]
        truth = [s.split() for s in legacy_str(answers[spec.truth_columns[0]])]
    bad = [
        i
        for i, (p, t) in enumerate(zip(predicted, truth, strict=True))
        if len(p) != len(t) or set(p) != set(t) or len(set(p)) != len(p)
    ]
    if bad:
        ids = sub[spec.id_column].iloc[bad].tolist()
        raise InvalidSubmission(
            f"column {column!r} must list each notebook's cell ids exactly once; "
            f"{len(bad)} row(s) do not (ids {checks._preview(ids)})"
        )
    return compute("pooled_kendall_tau", truth, predicted)
