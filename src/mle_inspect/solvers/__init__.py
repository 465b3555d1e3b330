"""Agent scaffolds: the ReAct agent, AIDE tree search, and the model-free baseline and dummy."""

from .aide import aide
from .baseline import baseline
from .dummy import dummy
from .react import react_agent

__all__ = ["aide", "baseline", "dummy", "react_agent"]
