"""Ranking metrics: mean average precision at k, label-weighted label-ranking AP (lwlrap)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np

from . import register_metric


def average_precision_at_k(actual: Collection[str], predicted: Sequence[str], k: int) -> float:
    """AP@k as Kaggle defines it; 0 when nothing is relevant.

    A prediction scores at its first occurrence only, and the sum of precisions at hits is divided
    by min(|actual|, k).
    """
    if not actual:
        return 0.0
    hits = 0
    total = 0.0
    seen: set[str] = set()
    for rank, item in enumerate(predicted[:k], start=1):
        if item in actual and item not in seen:
            hits += 1
            total += hits / rank
        seen.add(item)
    return total / min(len(actual), k)


@register_metric("map_at_k", "custom")
def map_at_k(
    y_true: Sequence[Collection[str]], y_pred: Sequence[Sequence[str]], k: int = 5
) -> float:
    """Mean over rows of AP@k (rows = images or customers)."""
    if len(y_true) == 0:
        raise ValueError("MAP@k of no rows is undefined")
    return float(
        np.mean([average_precision_at_k(a, p, k) for a, p in zip(y_true, y_pred, strict=True)])
    )


@register_metric("lwlrap", "score")
def lwlrap(y_true: np.ndarray, y_score: np.ndarray) -> float:
    """Label-weighted label-ranking average precision (Freesound 2019).

    sklearn's LRAP with each row weighted by its number of true labels; rows with none are left out.
    """
    from sklearn.metrics import label_ranking_average_precision_score

    truth = np.asarray(y_true) > 0
    weights = truth.sum(axis=1)
    keep = weights > 0
    return float(
        label_ranking_average_precision_score(
            truth[keep], np.asarray(y_score)[keep], sample_weight=weights[keep]
        )
    )
