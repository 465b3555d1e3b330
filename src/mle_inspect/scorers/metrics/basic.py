"""Basic metrics: accuracy, ROC AUC, log loss, RMSE, MAE (scikit-learn).

``multiclass_log_loss`` clips as the installed scikit-learn does (the demo's metric); the
benchmark's log losses, with the original graders' clipping, are in :mod:`.probabilistic`.
"""

from __future__ import annotations

import warnings

import numpy as np

from . import register_metric


@register_metric("accuracy", "label")
def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Fraction of exact matches."""
    from sklearn.metrics import accuracy_score

    return float(accuracy_score(y_true, y_pred))


@register_metric("roc_auc", "score")
def roc_auc(y_true: np.ndarray, y_score: np.ndarray) -> float:
    """Area under the ROC curve of the scores."""
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y_true, y_score))


@register_metric("roc_auc_of_probabilities", "probability")
def roc_auc_of_probabilities(y_true: np.ndarray, y_prob: np.ndarray) -> float:
    """ROC AUC where every prediction must lie in [0, 1], as the original binary AUC graders require."""
    return roc_auc(y_true, y_prob)


@register_metric("multiclass_log_loss", "distribution")
def multiclass_log_loss(
    y_true: np.ndarray, y_prob: np.ndarray, classes: list[str] | None = None
) -> float:
    """Log loss where ``y_true`` holds one-hot rows (or class names with ``classes``)."""
    from sklearn.metrics import log_loss

    y_true = np.asarray(y_true)
    if y_true.ndim == 1:
        if classes is None:
            raise ValueError("class names are needed when the truth is a label column")
        index = {str(c): i for i, c in enumerate(classes)}
        labels = np.array([index[str(v)] for v in y_true])
    else:
        labels = y_true.argmax(axis=1)
    with warnings.catch_warnings():
        # rows were checked to sum to 1 within 1e-6; CSV rounding below that is not an error
        warnings.filterwarnings("ignore", message=".*do not sum to one.*")
        return float(log_loss(labels, y_prob, labels=list(range(y_prob.shape[1]))))


@register_metric("rmse", "number")
def rmse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Root mean squared error."""
    from sklearn.metrics import root_mean_squared_error

    return float(root_mean_squared_error(y_true, y_pred))


@register_metric("mae", "number")
def mae(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean absolute error."""
    from sklearn.metrics import mean_absolute_error

    return float(mean_absolute_error(y_true, y_pred))
