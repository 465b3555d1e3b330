"""AIDE-style tree search: a journal of complete scripts grown by draft, debug and improve steps.

Modules: ``journal`` (nodes), ``policy`` (what to do next), ``prompts``, ``extract`` (code from
responses), ``runner`` (sandbox execution), ``evaluate`` (metric and verdict), ``budget``,
``search`` (the loop, Inspect-free), ``viewer`` (store, cards, tree), ``solver`` (the entry).
"""

from .journal import Journal, Node
from .policy import GreedyPolicy
from .solver import aide
from .viewer import AideStore

__all__ = ["AideStore", "GreedyPolicy", "Journal", "Node", "aide"]
