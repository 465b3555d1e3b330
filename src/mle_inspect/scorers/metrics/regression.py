"""Regression error metrics beyond plain RMSE/MAE (those live in ``basic``).

Each takes aligned numpy arrays; graders have already checked ids, lengths and numbers.
"""

from __future__ import annotations

import numpy as np

from . import register_metric

LOG_MAE_FLOOR = 1e-9
"""champs: a coupling type predicted exactly gives log(0) = -inf in the original grader, a
score our contract cannot carry (non-finite scores are invalid). We floor the MAE at 1e-9 as
Kaggle's own metric does; medals are unchanged (log(1e-9) = -20.7 is far past gold)."""

EARTH_RADIUS_M = 6_371_000.0


@register_metric("mcrmse", "number")
def mcrmse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean column-wise RMSE (stanford-covid-vaccine): RMSE per target column, then the mean."""
    from sklearn.metrics import root_mean_squared_error

    y_true, y_pred = np.atleast_2d(y_true.T).T, np.atleast_2d(y_pred.T).T
    errors = [root_mean_squared_error(y_true[:, k], y_pred[:, k]) for k in range(y_true.shape[1])]
    return float(np.mean(errors))


@register_metric("mean_columnwise_rmsle", "number")
def mean_columnwise_rmsle(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean over target columns of RMSLE = sqrt(mean((ln(1+pred) - ln(1+true))^2)).

    Values must be >= 0 (the reference scikit-learn 1.5.1 refuses negatives; the grader checks).
    """
    y_true, y_pred = np.atleast_2d(y_true.T).T, np.atleast_2d(y_pred.T).T
    errors = np.sqrt(np.mean((np.log1p(y_true) - np.log1p(y_pred)) ** 2, axis=0))
    return float(np.mean(errors))


@register_metric("mae_rounded_int", "number")
def mae_rounded_int(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """MAE rounded to an integer, half to even (predict-volcanic-eruptions).

    The original does ``int(round(mae))``, so fractions of a second never count.
    """
    from sklearn.metrics import mean_absolute_error

    return float(int(round(float(mean_absolute_error(y_true, y_pred)))))


@register_metric("group_log_mae", "custom")
def group_log_mae(
    y_true: np.ndarray, y_pred: np.ndarray, groups: np.ndarray, floor: float = LOG_MAE_FLOOR
) -> float:
    """Mean over groups (champs: coupling types) of ln(MAE within the group)."""
    import pandas as pd

    error = pd.Series(np.abs(np.asarray(y_true, float) - np.asarray(y_pred, float)))
    per_group = error.groupby(np.asarray(groups), sort=True).mean().to_numpy()
    return float(np.mean(np.log(np.maximum(per_group, floor))))


@register_metric("mean_angular_error", "number")
def mean_angular_error(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean great-circle angle (radians) between directions given as (azimuth, zenith) rows.

    Written as the icecube competition's metric: unit vectors' dot product, clipped to [-1, 1].
    """
    az1, zen1 = y_true[:, 0], y_true[:, 1]
    az2, zen2 = y_pred[:, 0], y_pred[:, 1]
    dot = np.sin(zen1) * np.sin(zen2) * (
        np.cos(az1) * np.cos(az2) + np.sin(az1) * np.sin(az2)
    ) + np.cos(zen1) * np.cos(zen2)
    return float(np.mean(np.abs(np.arccos(np.clip(dot, -1.0, 1.0)))))


def haversine_m(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    """Great-circle distance in metres between points given in degrees (Earth radius 6371 km)."""
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(a, float)) for a in (lat1, lon1, lat2, lon2))
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a))


@register_metric("trip_haversine_p50_p95", "custom")
def trip_haversine_p50_p95(y_true: np.ndarray, y_pred: np.ndarray, trips: np.ndarray) -> float:
    """Smartphone-decimeter: per trip, mean of the 50th and 95th percentile haversine error.

    Percentiles are numpy's linear quantiles; the score is the mean over trips. Rows are (latitude,
    longitude).
    """
    distance = haversine_m(y_true[:, 0], y_true[:, 1], y_pred[:, 0], y_pred[:, 1])
    codes, _ = _codes(trips)
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    scores = [
        (np.quantile(d, 0.50) + np.quantile(d, 0.95)) / 2 for d in np.split(distance[order], bounds)
    ]
    return float(np.mean(scores))


def _codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    import pandas as pd

    return pd.factorize(np.asarray(values), sort=False)


@register_metric("laplace_log_likelihood", "custom")
def laplace_log_likelihood(y_true: np.ndarray, y_pred: np.ndarray, confidence: np.ndarray) -> float:
    """osic: modified Laplace log likelihood, higher is better.

    sigma = max(confidence, 70), delta = min(|true - pred|, 1000),
    score = mean(-sqrt(2) * delta / sigma - ln(sqrt(2) * sigma)).
    """
    sigma = np.maximum(np.asarray(confidence, float), 70.0)
    delta = np.minimum(np.abs(np.asarray(y_true, float) - np.asarray(y_pred, float)), 1000.0)
    return float(np.mean(-np.sqrt(2) * delta / sigma - np.log(np.sqrt(2) * sigma)))
