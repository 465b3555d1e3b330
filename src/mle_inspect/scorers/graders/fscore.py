"""Graders for F-score competitions whose predictions are text labels.

Integer-class macro F1 and probabilistic F1 are declarative (``specs/fscore.toml``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import checks
from .._errors import InvalidSubmission
from ..metrics import compute
from ._common import aligned, filled_str, paused_gc, require_text

if TYPE_CHECKING:
    import pandas as pd

    from ...competitions import GradingSpec


def text_label_micro_f1(
    submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec
) -> float:
    """Single-label micro F1, which equals accuracy: exact, case-sensitive label match.

    Numbers are invalid: sklearn refused a mix of text and numbers. As in the original, an
    empty cell is a wrong prediction (sklearn took the NaN for one more label), unless every
    cell is empty (sklearn then refused the NaN input).
    """
    sub = aligned(submission, answers, spec)
    column = spec.target_columns[0]
    if sub[column].isna().all():
        raise InvalidSubmission(f"column {column!r} is empty in every row")
    predicted = require_text(sub, column, id_column=spec.id_column)  # empty -> "", a miss
    truth = [str(v) for v in answers[spec.truth_columns[0]].tolist()]
    return compute("accuracy", truth, predicted)


def multilabel_micro_f1(
    submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec
) -> float:
    """Space-separated label sets scored by pooled micro F1.

    Kept from the original on purpose: an empty cell is an empty prediction, labels absent
    from every answer row are ignored rather than counted as false positives, and a column
    pandas reads as numbers is invalid (the original's ``.str`` call failed on it).
    """
    sub = aligned(submission, answers, spec)
    predicted = require_text(sub, spec.target_columns[0], id_column=spec.id_column)
    truth = filled_str(answers[spec.truth_columns[0]])
    with paused_gc():
        return compute(
            "multilabel_micro_f1", [t.split() for t in truth], [p.split() for p in predicted]
        )


def probabilistic_f1(submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec) -> float:
    """RSNA mammography: probabilistic F1 of the ``cancer`` probabilities (``probabilistic_f1``).

    QUIRK kept on purpose: a missing (NaN) prediction, even in every row, makes the score 0,
    as in the original, where the NaN ran through its sums and failed the final ``> 0``
    test. Text and ±inf are invalid (the original crashed on text and clipped ±inf to 1 / 0:
    a departure, since no family here accepts non-finite numbers). Finite values are
    clipped to [0, 1].
    """
    import numpy as np
    import pandas as pd

    sub = aligned(submission, answers, spec)
    column = spec.target_columns[0]
    missing = sub[column].isna()
    # text and ±inf are refused first, wherever the NaN cells are
    values = checks.numeric_column(
        sub.assign(**{column: sub[column].astype(object).where(~missing, 0.0)}),
        column,
        id_column=spec.id_column,
    )
    if missing.any():
        return 0.0
    truth = pd.to_numeric(answers[spec.truth_columns[0]], errors="raise").to_numpy()
    return compute(spec.metric or "probabilistic_f1", truth, np.asarray(values), **spec.params)
