"""Token counting that never needs the network.

Inspect counts tokens with tiktoken's ``o200k_base`` file for any provider without its own
counter (``mockllm``, the compaction thresholds, tool definitions). tiktoken downloads that
file on first use; offline (a sandboxed CI, an air-gapped cluster) the download fails and the
sample with it. ``offline_token_counting()`` wraps Inspect's text counter once per process:
tiktoken when it loads, else an estimate from the text's length (erring high, as Inspect's
own counter does, since undercounting is worse for compaction triggers).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

CHARS_PER_TOKEN_ESTIMATE = 3.0
"""Characters per token assumed by the fallback (low, so the estimate errs high)."""

_state: dict[str, bool] = {"installed": False, "tokenizer_failed": False}


def estimate_tokens(text: str) -> int:
    """Tokens in ``text`` estimated from its length, with no tokenizer."""
    return max(1, math.ceil(len(text) / CHARS_PER_TOKEN_ESTIMATE))


def _with_fallback(count: Callable[[str], int]) -> Callable[[str], int]:
    @functools.wraps(count)  # keeps ``__wrapped__``, so the original stays reachable
    def count_text_tokens(text: str) -> int:
        if not _state["tokenizer_failed"]:
            try:
                return count(text)
            except Exception:  # noqa: BLE001 - any failure to load or run the tokenizer
                _state["tokenizer_failed"] = True
        return estimate_tokens(text)

    return count_text_tokens


def offline_token_counting() -> None:
    """Make Inspect's default text token counter fall back to an estimate (idempotent)."""
    if _state["installed"]:
        return
    from .._inspect_compat import inspect_model_module

    module = inspect_model_module
    module.count_text_tokens = _with_fallback(module.count_text_tokens)  # type: ignore[assignment]  # same signature; mypy types a def more narrowly than a Callable
    _state["installed"] = True


def reset_for_tests() -> None:
    """Forget a tokenizer failure (tests that block and unblock the tokenizer)."""
    _state["tokenizer_failed"] = False
