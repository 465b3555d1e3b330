"""Graders for F-score competitions whose predictions are text labels.

Integer-class macro F1 and probabilistic F1 are declarative (``specs/fscore.toml``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..metrics import compute
from ._common import aligned, filled_str, paused_gc, require_no_missing_text, require_text

if TYPE_CHECKING:
    import pandas as pd

    from ...competitions import GradingSpec


def text_label_micro_f1(
    submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec
) -> float:
    """Single-label micro F1, which equals accuracy: exact, case-sensitive label match.

    Empty cells and numbers are invalid: sklearn refused a mix of text and numbers.
    """
    sub = aligned(submission, answers, spec)
    column = spec.target_columns[0]
    require_no_missing_text(sub, column, id_column=spec.id_column)
    predicted = require_text(sub, column, id_column=spec.id_column)
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
