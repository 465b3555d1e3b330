"""Inspect entry point: importing this registers every task, solver, agent, scorer and sandbox."""

from .integrity.judge import rule_judge
from .integrity.similarity_scorer import similarity
from .sandboxes.docker_env import MleDockerSandbox
from .sandboxes.local import MleLocalSandbox
from .scorers.scorer import mle_scorer
from .solvers.aide import aide
from .solvers.baseline import baseline
from .solvers.bridge import bridge_agent
from .solvers.dummy import dummy
from .solvers.react import react_agent
from .tasks import demo, dev, full, high, lite, low, medium, mle_bench

__all__ = [
    "MleDockerSandbox",
    "MleLocalSandbox",
    "aide",
    "baseline",
    "bridge_agent",
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
    "rule_judge",
    "similarity",
]
