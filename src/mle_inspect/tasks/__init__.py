"""Inspect tasks: ``mle_bench`` and the named splits."""

from ._dataset import CompetitionNotPrepared, competition_dataset, competition_sample
from ._tasks import demo, dev, full, high, lite, low, medium, mle_bench

__all__ = [
    "CompetitionNotPrepared",
    "competition_dataset",
    "competition_sample",
    "demo",
    "dev",
    "full",
    "high",
    "lite",
    "low",
    "medium",
    "mle_bench",
]
