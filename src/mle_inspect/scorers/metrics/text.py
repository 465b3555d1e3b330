"""Text metrics: Levenshtein distances (rapidfuzz) and word-level Jaccard similarity."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np

from . import register_metric


def levenshtein_distances(
    y_true: Sequence[Sequence[Hashable]], y_pred: Sequence[Sequence[Hashable]]
) -> np.ndarray:
    """Unit-cost edit distance of each pair: characters for strings, items for lists."""
    from rapidfuzz.distance import Levenshtein
    from rapidfuzz.process import cpdist

    if len(y_true) != len(y_pred):
        raise ValueError("pairs of unequal length")
    if len(y_true) == 0:
        return np.zeros(0)
    distances = cpdist(y_true, y_pred, scorer=Levenshtein.distance, workers=-1)
    return np.asarray(distances, dtype=float)


@register_metric("mean_levenshtein", "custom")
def mean_levenshtein(y_true: Sequence[str], y_pred: Sequence[str]) -> float:
    """Mean character edit distance per row (billion-word, BMS InChI)."""
    return float(np.mean(levenshtein_distances(y_true, y_pred)))


@register_metric("sequence_edit_rate", "custom")
def sequence_edit_rate(y_true: Sequence[Sequence[int]], y_pred: Sequence[Sequence[int]]) -> float:
    """Summed token edit distance over the total number of true tokens (can exceed 1)."""
    total = sum(len(t) for t in y_true)
    if total == 0:
        raise ValueError("the truth holds no tokens")
    return float(levenshtein_distances(y_true, y_pred).sum() / total)


def word_sets(texts: Sequence[str]) -> list[set[str]]:
    """Lower-cased whitespace-separated word sets (order and repeats ignored)."""
    return [set(t.lower().split()) for t in texts]


def jaccards(y_true: Sequence[str], y_pred: Sequence[str], *, empty: float | None) -> np.ndarray:
    """Per-row |A & B| / |A | B| on word sets.

    ``empty`` is the value when both are empty (None: undefined, returned as NaN).
    """
    out = np.empty(len(y_true))
    for i, (a, b) in enumerate(zip(word_sets(y_true), word_sets(y_pred), strict=True)):
        union = len(a | b)
        out[i] = len(a & b) / union if union else (np.nan if empty is None else empty)
    return out


@register_metric("word_jaccard", "custom")
def word_jaccard(y_true: Sequence[str], y_pred: Sequence[str], empty: float | None = 0.0) -> float:
    """Mean word-level Jaccard; a row with both sides empty scores ``empty``."""
    return float(np.mean(jaccards(y_true, y_pred, empty=empty)))
