"""F-score metrics: macro F1 on integer classes, pooled multi-label F1, probabilistic F1."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from . import register_metric


@register_metric("macro_f1_int", "number")
def macro_f1_int(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Unweighted mean of per-class F1 over every label in truth or predictions.

    Same value as sklearn's ``f1_score(average="macro")`` (per class 2TP / (true + predicted);
    every class here was seen, so no zero division), counted with ``bincount`` because
    sklearn's label encoding dominates the time with ~15,000 classes and 10^6 rows.
    Quirk kept on purpose: the original cast each prediction with Python ``int()``, so a
    fractional prediction is truncated toward zero (3.7 -> class 3) instead of rejected.
    """
    import pandas as pd

    truth = np.trunc(np.asarray(y_true, dtype=float))
    pred = np.trunc(np.asarray(y_pred, dtype=float))
    positions, labels = pd.factorize(np.concatenate([truth, pred]))  # hashing, no sort
    t_pos, p_pos = positions[: len(truth)], positions[len(truth) :]
    k = len(labels)
    n_true = np.bincount(t_pos, minlength=k)
    n_pred = np.bincount(p_pos, minlength=k)
    tp = np.bincount(t_pos[t_pos == p_pos], minlength=k)
    return float(np.mean(2.0 * tp / (n_true + n_pred)))


def multilabel_counts(
    y_true: Iterable[Iterable[str]], y_pred: Iterable[Iterable[str]]
) -> tuple[int, int, int]:
    """(true positives, predicted labels kept, true labels) over all rows.

    Labels never seen in the truth are dropped from the predictions first, as sklearn's
    MultiLabelBinarizer (fitted on the answers) did in the original: they never count as
    false positives.
    """
    truths = [set(t) for t in y_true]
    vocabulary: set[str] = set().union(*truths) if truths else set()
    tp = kept = n_true = 0
    for truth, pred in zip(truths, y_pred, strict=True):
        known = set(pred) & vocabulary
        tp += len(known & truth)
        kept += len(known)
        n_true += len(truth)
    return tp, kept, n_true


@register_metric("multilabel_micro_f1", "custom")
def multilabel_micro_f1(y_true: Sequence[Iterable[str]], y_pred: Sequence[Iterable[str]]) -> float:
    """Micro F1 = 2 TP / (2 TP + FP + FN) pooled over (row, label) cells; 0 when all empty."""
    tp, kept, n_true = multilabel_counts(y_true, y_pred)
    denominator = kept + n_true  # = 2 TP + FP + FN
    return 2.0 * tp / denominator if denominator else 0.0


@register_metric("probabilistic_f1", "number")
def probabilistic_f1(y_true: np.ndarray, y_pred: np.ndarray, beta: float = 1.0) -> float:
    """Kaggle's probabilistic F-beta (RSNA mammography).

    Predictions are clipped to [0, 1] (out-of-range values are not errors); 0 when precision or
    recall is 0 or undefined.
    """
    p = np.clip(np.asarray(y_pred, dtype=float), 0.0, 1.0)
    positive = np.asarray(y_true).astype(bool)
    ctp, cfp = float(p[positive].sum()), float(p[~positive].sum())
    n_pos = int(positive.sum())
    if ctp + cfp == 0 or n_pos == 0:
        return 0.0
    precision, recall = ctp / (ctp + cfp), ctp / n_pos
    if precision <= 0 or recall <= 0:
        return 0.0
    b2 = beta * beta
    return (1 + b2) * precision * recall / (b2 * precision + recall)
