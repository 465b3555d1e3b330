"""Graders for text competitions: edit distances and word-level Jaccard."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import checks
from .._errors import GradingError, InvalidSubmission
from ..metrics import compute
from ..metrics.text import jaccards
from ._common import aligned, filled_str, legacy_str, require_no_missing_text, require_text

if TYPE_CHECKING:
    import pandas as pd

    from ...competitions import GradingSpec


def mean_edit_distance(submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec) -> float:
    """Mean character Levenshtein distance per row.

    ``params.empty``: ``"invalid"`` (billion-word: an empty cell or a number crashed the
    original) or ``"nan"`` (BMS: the original's ``astype(str)`` scored an empty cell, or any
    value, as its text, an empty cell being ``"nan"``).
    """
    sub = aligned(submission, answers, spec)
    column = spec.target_columns[0]
    if spec.params.get("empty", "invalid") == "nan":
        predicted = legacy_str(sub[column])
    else:
        require_no_missing_text(sub, column, id_column=spec.id_column)
        predicted = require_text(sub, column, id_column=spec.id_column)
    truth = legacy_str(answers[spec.truth_columns[0]])
    return compute("mean_levenshtein", truth, predicted)


def _int_tokens(text: str) -> list[int] | None:
    try:
        return [int(token) for token in text.split()]
    except ValueError:
        return None


def gesture_edit_rate(submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec) -> float:
    """Multi-modal gestures: token edit distance over space-separated integer sequences.

    Summed and divided by the number of true gestures. Every token must parse with Python ``int()``
    ("3.0" and an empty cell, read as "nan", do not).
    """
    sub = aligned(submission, answers, spec)
    column = spec.target_columns[0]
    predicted = [_int_tokens(s) for s in legacy_str(sub[column])]
    bad = [i for i, p in enumerate(predicted) if p is None]
    if bad:
        raise InvalidSubmission(
            f"column {column!r} must hold space-separated whole numbers; {len(bad)} row(s) do "
            f"not ({checks._preview(sub[column].iloc[bad])}) at ids "
            f"{checks._preview(sub[spec.id_column].iloc[bad])}"
        )
    truth = [_int_tokens(s) for s in legacy_str(answers[spec.truth_columns[0]])]
    if any(t is None for t in truth):
        raise GradingError(
            "the answers hold a gesture sequence that is not whole numbers: re-prepare them"
        )
    return compute("sequence_edit_rate", truth, predicted)


def word_jaccard(submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec) -> float:
    """Mean word-level Jaccard on lower-cased whitespace word sets; empty cells are empty text.

    ``params.both_empty``: the score of a row where prediction and truth are both empty
    (chaii: 0, as sklearn's ``jaccard_score`` gave); absent (tweets) means the original
    divided by zero, so such a row makes the submission invalid.
    ``params.numbers``: ``"text"`` scores numbers as their text (tweets' ``astype(str)``),
    otherwise a column read as numbers is invalid (chaii's ``.str.lower()`` failed).
    """
    import numpy as np

    sub = aligned(submission, answers, spec)
    column = spec.target_columns[0]
    if spec.params.get("numbers") == "text":
        predicted = filled_str(sub[column])
    else:
        predicted = require_text(sub, column, id_column=spec.id_column)
    truth = filled_str(answers[spec.truth_columns[0]])
    both_empty = spec.params.get("both_empty")
    if both_empty is not None:
        return compute("word_jaccard", truth, predicted, empty=float(both_empty))
    scores = jaccards(truth, predicted, empty=None)
    undefined = int(np.isnan(scores).sum())
    if undefined:
        # no ids named: that would tell which answers are empty
        raise InvalidSubmission(
            f"column {column!r}: {undefined} row(s) with an empty prediction cannot be scored "
            "(the metric divides by zero there); predict at least one word in every row"
        )
    return float(scores.mean())
