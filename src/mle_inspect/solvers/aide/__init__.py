"""AIDE-style tree search: a journal of complete scripts grown by draft, debug and improve steps.

Modules: ``journal`` (nodes), ``policy`` (the policy base and greedy), ``mcts``,
``evolutionary``, ``policies`` (the registry), ``config`` (defaults and presets),
``prompts``, ``extract`` (code from responses), ``runner`` (sandbox execution),
``overview`` (data preview and environment probes), ``evaluate`` (metric and verdict),
``budget``, ``search`` (the loop, Inspect-free), ``viewer`` (store, cards, tree), ``solver``.
"""

from .config import PRESETS, AideConfig
from .evolutionary import EvolutionaryPolicy
from .journal import Journal, Node
from .mcts import MctsPolicy
from .policies import POLICIES
from .policy import GreedyPolicy
from .solver import aide
from .viewer import AideStore

__all__ = [
    "POLICIES",
    "PRESETS",
    "AideConfig",
    "AideStore",
    "EvolutionaryPolicy",
    "GreedyPolicy",
    "Journal",
    "MctsPolicy",
    "Node",
    "aide",
]
