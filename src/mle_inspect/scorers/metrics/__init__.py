"""The metric library: each metric once, on aligned numpy arrays, from well-kept libraries.

A metric knows nothing about files, ids or competitions: graders align and validate first
(:mod:`mle_inspect.scorers.checks`) and pass plain arrays. Family modules in this package
register their metrics with :func:`register_metric`; they are discovered on first lookup, so
adding a family needs no edit here.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

PredictionKind = Literal["label", "score", "probability", "distribution", "number", "custom"]
"""What a metric expects in the prediction columns (the generic grader validates by it):

- ``label``: class labels compared for equality with the truth;
- ``score``: one numeric column of any finite values (ranking metrics such as AUC);
- ``probability``: numeric columns in [0, 1];
- ``distribution``: several numeric columns in [0, 1], each row summing to 1;
- ``number``: numeric, finite (regression);
- ``custom``: the competition's own grader function validates (strings, lists, masks...).
"""


@dataclass(frozen=True)
class MetricDef:
    """A registered metric: its name, function and the kind of prediction it takes."""

    name: str
    fn: Callable[..., float]
    prediction: PredictionKind


METRICS: dict[str, MetricDef] = {}
_F = TypeVar("_F", bound=Callable[..., float])
_discovered = False


def register_metric(name: str, prediction: PredictionKind) -> Callable[[_F], _F]:
    """Decorator: add a metric function to the library under ``name``."""

    def decorate(fn: _F) -> _F:
        if name in METRICS and METRICS[name].fn is not fn:
            raise ValueError(f"metric {name!r} is registered twice")
        METRICS[name] = MetricDef(name, fn, prediction)
        return fn

    return decorate


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    _discovered = True


def get_metric(name: str) -> MetricDef:
    """The metric registered as ``name``; unknown names raise with the known ones."""
    _discover()
    try:
        return METRICS[name]
    except KeyError:
        raise KeyError(f"unknown metric {name!r}; known: {', '.join(sorted(METRICS))}") from None


def compute(name: str, y_true: Any, y_pred: Any, **params: Any) -> float:
    """Compute metric ``name`` on true and predicted values."""
    return get_metric(name).fn(y_true, y_pred, **params)


def all_metrics() -> dict[str, MetricDef]:
    """A copy of every registered metric by name."""
    _discover()
    return dict(METRICS)
