"""Agreement and correlation metrics: weighted kappa, Pearson, Spearman, MCC, Kendall tau."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from .._errors import InvalidSubmission
from . import register_metric


def _class_indices(
    y_true: np.ndarray, y_pred: np.ndarray, metric: str
) -> tuple[np.ndarray, np.ndarray]:
    """Both label arrays as positions in their sorted union of labels.

    sklearn's classification metrics refuse fractional predictions ("continuous"), and so did
    the original; whole numbers written as floats (``3.0``) are fine, unless outside int64
    (sklearn 1.5 compared each float with its cast to int, which overflows for ``1e308``). Passing positions
    instead of labels gives the same confusion matrix (and the same kappa weights, which
    sklearn takes from positions too) while letting sklearn skip a slow per-row lookup.
    """
    import pandas as pd

    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    for values, side in ((y_pred, "predictions"), (y_true, "answers")):
        if values.dtype.kind == "f":
            outside = (values >= 2.0**63) | (values < -(2.0**63))
            fractional = values[~np.isfinite(values) | outside | (values != np.trunc(values))]
            if len(fractional):
                if side == "answers":
                    raise ValueError(f"{metric}: the answers hold fractional labels")
                raise InvalidSubmission(
                    f"{metric} needs class labels (whole numbers); {len(fractional)} "
                    f"prediction(s) are not, such as {fractional[:5].tolist()}"
                )
    positions, _ = pd.factorize(np.concatenate([y_true, y_pred]), sort=True)
    return positions[: len(y_true)], positions[len(y_true) :]


@register_metric("quadratic_weighted_kappa", "label")
def quadratic_weighted_kappa(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Cohen's kappa with quadratic weights over the sorted label set (sklearn).

    As in sklearn, weights use each label's position in the sorted union of labels seen,
    not its numeric value: equal only when the labels are contiguous integers.
    """
    from sklearn.metrics import cohen_kappa_score

    truth, pred = _class_indices(y_true, y_pred, "quadratic weighted kappa")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # 0/0 -> NaN, rejected by the caller
        return float(cohen_kappa_score(pred, truth, weights="quadratic"))


@register_metric("matthews_corrcoef", "label")
def matthews_corrcoef(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """MCC (sklearn): 0 when a marginal is empty, e.g. all-constant predictions."""
    from sklearn.metrics import matthews_corrcoef as mcc

    truth, pred = _class_indices(y_true, y_pred, "Matthews correlation")
    return float(mcc(truth, pred))


@register_metric("pearson", "number")
def pearson(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Pearson's r (scipy). Constant predictions give NaN, which grading reports as invalid."""
    from scipy.stats import pearsonr

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConstantInputWarning: the NaN result says it all
        return float(pearsonr(np.asarray(y_true, float), np.asarray(y_pred, float))[0])


@register_metric("mean_columnwise_spearman", "number")
def mean_columnwise_spearman(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean over columns of Spearman's rho (scipy); NaN if any column is constant."""
    from scipy.stats import spearmanr

    y_true, y_pred = np.atleast_2d(y_true.T).T, np.atleast_2d(y_pred.T).T
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rhos = [spearmanr(y_pred[:, j], y_true[:, j])[0] for j in range(y_true.shape[1])]
    return float(np.mean(rhos))


def count_inversions(ranks: np.ndarray) -> int:
    """Pairs i < j with ranks[i] > ranks[j] (ranks are distinct)."""
    ranks = np.asarray(ranks)
    if len(ranks) < 2:
        return 0
    return int(np.count_nonzero(np.triu(ranks[:, None] > ranks[None, :], k=1)))


@register_metric("pooled_kendall_tau", "custom")
def pooled_kendall_tau(y_true: Sequence[Sequence[str]], y_pred: Sequence[Sequence[str]]) -> float:
    """AI4Code's Kendall tau: 1 - 4 * (inversions summed over lists) / (sum of n(n-1)).

    Each predicted list must be a permutation of its true list (the grader checks that).
    """
    inversions = 0
    pairs2 = 0
    for truth, pred in zip(y_true, y_pred, strict=True):
        position = {item: i for i, item in enumerate(pred)}
        inversions += count_inversions(np.fromiter((position[t] for t in truth), int, len(truth)))
        pairs2 += len(truth) * (len(truth) - 1)
    if pairs2 == 0:
        raise ValueError("Kendall tau is undefined when no list has two items")
    return 1.0 - 4.0 * inversions / pairs2
