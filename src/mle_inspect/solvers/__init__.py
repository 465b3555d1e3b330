"""Agent scaffolds: model-free baselines here; the ReAct agent and AIDE search follow."""

from .baseline import baseline
from .dummy import dummy
from .react import react_agent

__all__ = ["baseline", "dummy", "react_agent"]
