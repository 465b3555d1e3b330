"""Log loss and divergence metrics, with the clipping each original grader used.

Clipping matters only for predictions of exactly 0 or 1, but there it decides the score, and
library versions disagree: scikit-learn >= 1.5 (MLE-bench's reference env has 1.5.1) clips at
float64 machine epsilon (~2.2e-16), older versions and Kaggle at 1e-15. So the eps is written
out here instead of trusting whichever scikit-learn is installed:

- ``logloss_binary`` / ``logloss_onehot``: sklearn.metrics.log_loss as of 1.5.1, eps = machine
  epsilon, no renormalisation of rows (dogs-vs-cats, statoil, dog-breed, leaf, spooky, lmsys);
- ``weighted_multilabel_log_loss``: eps = 1e-15, written into the original grader (rsna-2022);
- ``kl_divergence``: eps = 1e-15 on the submission only, Kaggle's metric (hms).
"""

from __future__ import annotations

import numpy as np

from . import register_metric

MACHINE_EPS = float(np.finfo(np.float64).eps)
KAGGLE_EPS = 1e-15


def _onehot_log_loss(onehot: np.ndarray, y_prob: np.ndarray, eps: float) -> float:
    """Mean over rows of -sum_k y_k ln(clip(p_k)): scikit-learn's formula, eps made explicit.

    (scikit-learn uses xlogy; after clipping ln(p) is finite, so y * ln(p) is the same.)
    """
    clipped = np.clip(np.asarray(y_prob, dtype=np.float64), eps, 1 - eps)
    per_row = np.einsum("ij,ij->i", np.asarray(onehot, dtype=np.float64), np.log(clipped))
    return float(-np.mean(per_row))


@register_metric("logloss_binary", "probability")
def logloss_binary(y_true: np.ndarray, y_prob: np.ndarray, eps: float = MACHINE_EPS) -> float:
    """Binary log loss of P(positive); like sklearn 1.5.1, both columns [1-p, p] are clipped."""
    y = np.asarray(y_true, dtype=np.float64)
    p = np.asarray(y_prob, dtype=np.float64)
    return _onehot_log_loss(np.column_stack([1 - y, y]), np.column_stack([1 - p, p]), eps)


@register_metric("logloss_onehot", "distribution")
def logloss_onehot(y_true: np.ndarray, y_prob: np.ndarray, eps: float = MACHINE_EPS) -> float:
    """Multi-class log loss with the truth as a one-hot (n, k) matrix, as MLE-bench stores it."""
    return _onehot_log_loss(y_true, y_prob, eps)


_RSNA_WEIGHTS = np.array(
    [[7, 1, 1, 1, 1, 1, 1, 1], [14, 2, 2, 2, 2, 2, 2, 2]], dtype=np.float32
)  # rows: weight of a negative / positive cell; columns: patient_overall, C1..C7


@register_metric("weighted_multilabel_log_loss", "custom")
def weighted_multilabel_log_loss(y_true: np.ndarray, y_prob: np.ndarray) -> float:
    """RSNA 2022 cervical spine: per-study weighted mean of 8 binary log losses, then the mean.

    Columns are patient_overall, C1..C7; a positive cell weighs twice a negative one and
    patient_overall seven times a vertebra. Clipped at 1e-15 as in the original grader.
    """
    y = np.asarray(y_true, dtype=np.float64)
    p = np.clip(np.asarray(y_prob, dtype=np.float64), KAGGLE_EPS, 1 - KAGGLE_EPS)
    if y.ndim != 2 or y.shape[1] != 8 or p.shape != y.shape:
        raise ValueError("expected (n_studies, 8) arrays: patient_overall, C1..C7")
    loss = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    weights = np.where(y == 1, _RSNA_WEIGHTS[1], _RSNA_WEIGHTS[0]).astype(np.float64)
    per_study = (weights * loss).sum(axis=1) / weights.sum(axis=1)
    return float(np.mean(per_study))


@register_metric("kl_divergence", "custom")
def kl_divergence(y_true: np.ndarray, y_prob: np.ndarray, eps: float = KAGGLE_EPS) -> float:
    """Kaggle's KL divergence, micro average: mean over rows of sum_k p_k ln(p_k / q_k).

    Only the submission ``q`` is clipped to [eps, 1 - eps]; terms with p_k = 0 count 0.
    """
    p = np.asarray(y_true, dtype=np.float64)
    q = np.clip(np.asarray(y_prob, dtype=np.float64), eps, 1 - eps)
    terms = np.where(p != 0, p * np.log(np.where(p != 0, p, 1.0) / q), 0.0)
    return float(np.mean(terms.sum(axis=1)))
