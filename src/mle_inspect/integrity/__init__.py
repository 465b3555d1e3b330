"""Integrity checks on finished runs (issue 17).

The agent's code kept in the log, a rule-violation judge and code similarity to public Kaggle
kernels.

- :func:`export_code` / :class:`CodeExport`: the agent's code, in the sample's store.
- ``mle_inspect/rule_judge`` (:func:`rule_judge`): MLE-bench's three rule questions asked of
  the ``judge`` model role.
- ``mle_inspect/similarity`` (:func:`similarity`): winnowing fingerprints against the kernels
  ``mle-inspect prepare --kernels`` downloaded.

Names load on first use (``import mle_inspect.integrity`` stays light).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "CodeExport": ".export",
    "export_code": ".export",
    "rule_judge": ".judge",
    "similarity": ".similarity_scorer",
    "download_kernels": ".kernels",
}

__all__ = ["CodeExport", "download_kernels", "export_code", "rule_judge", "similarity"]

if TYPE_CHECKING:
    from .export import CodeExport, export_code
    from .judge import rule_judge
    from .kernels import download_kernels
    from .similarity_scorer import similarity


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(module, __name__), name)
