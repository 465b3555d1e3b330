"""Steps, wall time and tokens left, with a reserve kept back for finishing.

The solver's own limits (``-S steps=... time_limit=... token_limit=...``) combine with the
sample's limits (``sample_limits()``): whichever leaves less wins. A clock and the sample-limit
readers are injected so tests run on fake time.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class Budget:
    """Steps, time and tokens left to the search, and the time each script may run.

    Args:
        max_steps: Nodes to make at most.
        time_limit: Seconds for the whole search (None: only the sample's limit).
        token_limit: Model tokens for the whole search (None: only the sample's limit).
        reserve_seconds: Time kept back to re-validate and promote submissions at the end
            (None: a share of the time available).
        exec_timeout: Seconds a script may run at most.
        min_exec_timeout: Shortest timeout a script gets; the search stops when less is left.
        clock: Monotonic clock, injectable for tests.
        sample_time_left: Seconds the sample has left (None: no limit).
        sample_tokens_left: Tokens the sample has left (None: no limit).
    """

    def __init__(
        self,
        max_steps: int,
        time_limit: float | None = None,
        token_limit: int | None = None,
        reserve_seconds: float | None = None,
        exec_timeout: int = 3600,
        min_exec_timeout: int = 30,
        clock: Callable[[], float] = time.monotonic,
        sample_time_left: Callable[[], float | None] = lambda: None,
        sample_tokens_left: Callable[[], float | None] = lambda: None,
    ) -> None:
        self.max_steps = max_steps
        self.time_limit = time_limit
        self.token_limit = token_limit
        self.exec_timeout_cap = exec_timeout
        self.min_exec_timeout = min_exec_timeout
        self.clock = clock
        self.sample_time_left = sample_time_left
        self.sample_tokens_left = sample_tokens_left
        self.start = clock()
        self.steps = 0
        self.tokens = 0
        self.max_node_tokens = 0
        total = self.time_left()
        if reserve_seconds is None:
            # enough to re-validate and copy a few submissions, but a small share of short runs
            reserve_seconds = 0.0 if total is None else min(600.0, max(10.0, 0.05 * total))
        self.reserve = reserve_seconds

    def time_left(self) -> float | None:
        """Seconds left: the smaller of the search's and the sample's (None: unlimited)."""
        left = [self.sample_time_left()]
        if self.time_limit is not None:
            left.append(self.time_limit - (self.clock() - self.start))
        known = [x for x in left if x is not None]
        return min(known) if known else None

    def tokens_left(self) -> float | None:
        """Tokens left: the smaller of the search's and the sample's (None: unlimited)."""
        left = [self.sample_tokens_left()]
        if self.token_limit is not None:
            left.append(self.token_limit - self.tokens)
        known = [x for x in left if x is not None]
        return min(known) if known else None

    def record_node(self, tokens: int) -> None:
        """Count one more node and the tokens it used."""
        self.steps += 1
        self.tokens += tokens
        self.max_node_tokens = max(self.max_node_tokens, tokens)

    def stop_reason(self) -> str | None:
        """Why no further node should be started, or None."""
        if self.steps >= self.max_steps:
            return "steps"
        time_left = self.time_left()
        if time_left is not None and time_left - self.reserve < self.min_exec_timeout:
            return "time"
        tokens_left = self.tokens_left()
        if tokens_left is not None and tokens_left <= self.max_node_tokens:
            return "tokens"
        return None

    def exec_timeout(self) -> int:
        """The next script's timeout: the cap, shrunk to what is left beyond the reserve."""
        time_left = self.time_left()
        if time_left is None:
            return self.exec_timeout_cap
        usable = int(time_left - self.reserve)
        return max(self.min_exec_timeout, min(self.exec_timeout_cap, usable))

    def describe(self) -> str:
        """One sentence for the prompts."""
        steps_left = self.max_steps - self.steps
        parts = [f"{steps_left} step{'s' if steps_left != 1 else ''} (scripts) left"]
        time_left = self.time_left()
        if time_left is not None:
            parts.append(f"about {_duration(max(0.0, time_left - self.reserve))} of time left")
        tokens_left = self.tokens_left()
        if tokens_left is not None:
            parts.append(f"about {int(tokens_left):,} tokens left")
        return "You have " + ", ".join(parts) + "."


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} hours"
    if seconds >= 120:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds:.0f} seconds"
