"""Classification metrics beyond the basics: ROC AUC variants and top-1 error.

Accuracy and binary ROC AUC (of scores or of probabilities) live in :mod:`.basic`; the
names here cover what the original MLE-bench graders compute on top of them: the mean of
column-wise AUCs, ALASKA2's weighted AUC, Jigsaw's bias-weighted AUC and top-1 error.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import register_metric
from .basic import roc_auc


def _mean_column_auc(y_true: np.ndarray, y_score: np.ndarray) -> float:
    """Unweighted mean over columns of the per-column ROC AUC (sklearn's ``macro``)."""
    from sklearn.metrics import roc_auc_score

    y_true, y_score = np.asarray(y_true), np.asarray(y_score)
    if y_true.ndim == 1:
        return float(roc_auc_score(y_true, y_score))
    return float(roc_auc_score(y_true, y_score, average="macro"))


@register_metric("mean_column_roc_auc", "score")
def mean_column_roc_auc(y_true: np.ndarray, y_score: np.ndarray) -> float:
    """Mean column-wise ROC AUC on any finite scores (no [0, 1] check)."""
    return _mean_column_auc(y_true, y_score)


@register_metric("mean_column_roc_auc_probability", "probability")
def mean_column_roc_auc_probability(y_true: np.ndarray, y_prob: np.ndarray) -> float:
    """Mean column-wise ROC AUC where every prediction must lie in [0, 1]."""
    return _mean_column_auc(y_true, y_prob)


@register_metric("weighted_auc_alaska2", "score")
def weighted_auc_alaska2(
    y_true: np.ndarray,
    y_score: np.ndarray,
    tpr_breakpoints: Sequence[float] = (0.0, 0.4, 1.0),
    weights: Sequence[float] = (2.0, 1.0),
) -> float:
    """ALASKA2's weighted AUC: ROC area in TPR bands, each band weighted, normalised to 1.

    The curve gets a point at every breakpoint (linearly interpolated in FPR) before the
    bands are cut, as the MLE-bench grader does (the popular public kernel did not).
    """
    from sklearn.metrics import auc, roc_curve

    fpr, tpr, _ = roc_curve(np.asarray(y_true), np.asarray(y_score), pos_label=1)
    for point in tpr_breakpoints:
        if np.any(tpr == point):
            continue
        i = int(np.argmax(tpr > point))  # first index above the breakpoint
        fpr_at = fpr[i - 1] + (fpr[i] - fpr[i - 1]) * (point - tpr[i - 1]) / (tpr[i] - tpr[i - 1])
        tpr, fpr = np.insert(tpr, i, point), np.insert(fpr, i, fpr_at)
    total = 0.0
    for (low, high), weight in zip(
        zip(tpr_breakpoints[:-1], tpr_breakpoints[1:], strict=True), weights, strict=True
    ):
        inside = (tpr >= low) & (tpr <= high)
        if not inside.any():
            continue
        xs = np.append(fpr[inside], 1.0)
        ys = np.append(tpr[inside], high) - low
        total += weight * float(auc(xs, ys))
    widths = np.diff(np.asarray(tpr_breakpoints, dtype=float))
    return total / float(np.dot(widths, np.asarray(weights, dtype=float)))


def _power_mean(values: np.ndarray, power: float) -> float:
    with np.errstate(divide="ignore"):  # an AUC of 0 gives inf here and a mean of 0 below
        return float(np.mean(np.power(values, power)) ** (1.0 / power))


@register_metric("jigsaw_bias_auc", "custom")
def jigsaw_bias_auc(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    identities: np.ndarray,
    power: float = -5.0,
    overall_weight: float = 0.25,
) -> float:
    """Jigsaw Unintended Bias score on 0/1 arrays (truth, prediction, one identity per column).

    ``overall_weight * AUC + (1 - overall_weight) / 3 * (M_subgroup + M_bpsn + M_bnsp)``, each M
    the power mean over identities of the AUC on that identity's subgroup, its background-
    positive/subgroup-negative rows and its background-negative/subgroup-positive rows.
    """
    y_true, y_pred = np.asarray(y_true).astype(bool), np.asarray(y_pred)
    members = np.asarray(identities).astype(bool)
    subgroup, bpsn, bnsp = [], [], []
    for g in members.T:
        subgroup.append(roc_auc(y_true[g], y_pred[g]))
        rows = (g & ~y_true) | (~g & y_true)
        bpsn.append(roc_auc(y_true[rows], y_pred[rows]))
        rows = (g & y_true) | (~g & ~y_true)
        bnsp.append(roc_auc(y_true[rows], y_pred[rows]))
    bias = [_power_mean(np.asarray(aucs), power) for aucs in (subgroup, bpsn, bnsp)]
    bias_weight = (1.0 - overall_weight) / len(bias)
    return overall_weight * roc_auc(y_true, y_pred) + bias_weight * sum(bias)


@register_metric("top1_error", "custom")
def top1_error(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Share of rows whose (first) predicted class is wrong: 1 - accuracy."""
    return 1.0 - float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))
