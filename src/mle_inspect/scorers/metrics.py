"""The metric library: each metric once, on aligned numpy arrays, from scikit-learn where it can.

A metric here knows nothing about files, ids or competitions; graders align and validate
first (see :mod:`mle_inspect.scorers.checks`) and pass plain arrays.
"""

from __future__ import annotations

import warnings

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

PredictionKind = Literal["label", "score", "probability", "distribution", "number"]
"""What a metric expects in the prediction columns:

- ``label``: class labels compared for equality with the truth;
- ``score``: one numeric column of any finite values (ranking metrics such as AUC);
- ``probability``: one numeric column in [0, 1];
- ``distribution``: several numeric columns in [0, 1], each row summing to 1;
- ``number``: numeric, finite (regression).
"""


@dataclass(frozen=True)
class MetricDef:
    fn: Callable[..., float]
    prediction: PredictionKind


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    from sklearn.metrics import accuracy_score

    return float(accuracy_score(y_true, y_pred))


def roc_auc(y_true: np.ndarray, y_score: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y_true, y_score))


def binary_log_loss(y_true: np.ndarray, y_prob: np.ndarray) -> float:
    from sklearn.metrics import log_loss

    return float(log_loss(y_true, y_prob, labels=[0, 1]))


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


def rmse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    from sklearn.metrics import root_mean_squared_error

    return float(root_mean_squared_error(y_true, y_pred))


def mae(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    from sklearn.metrics import mean_absolute_error

    return float(mean_absolute_error(y_true, y_pred))


METRICS: dict[str, MetricDef] = {
    "accuracy": MetricDef(accuracy, "label"),
    "roc_auc": MetricDef(roc_auc, "score"),
    "binary_log_loss": MetricDef(binary_log_loss, "probability"),
    "multiclass_log_loss": MetricDef(multiclass_log_loss, "distribution"),
    "rmse": MetricDef(rmse, "number"),
    "mae": MetricDef(mae, "number"),
}


def get_metric(name: str) -> MetricDef:
    try:
        return METRICS[name]
    except KeyError:
        raise KeyError(f"unknown metric {name!r}; known: {', '.join(sorted(METRICS))}") from None


def compute(name: str, y_true: Any, y_pred: Any, **params: Any) -> float:
    return get_metric(name).fn(y_true, y_pred, **params)
