"""Inspect entry point: importing this registers every task, solver, agent, scorer and sandbox."""

from .sandboxes.local import MleLocalSandbox
from .scorers.scorer import mle_scorer
from .solvers.aide import aide
from .solvers.baseline import baseline
from .solvers.dummy import dummy
from .solvers.react import react_agent
from .tasks import demo, dev, full, high, lite, low, medium, mle_bench

__all__ = [
    "MleLocalSandbox",
    "aide",
    "baseline",
    "demo",
    "dev",
    "dummy",
    "full",
    "high",
    "lite",
    "low",
    "medium",
    "mle_bench",
    "mle_scorer",
    "react_agent",
]
