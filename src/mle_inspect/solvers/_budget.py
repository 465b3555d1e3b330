"""Time and step awareness for long agent runs: what is used, what is left, when to wrap up.

Limits come from Inspect's sample limits (``time_limit``, ``working_limit``,
``message_limit``, ``token_limit``, ``turn_limit``) and from the agent's own settings
(``time_limit``, ``max_steps``); where both are set the tighter one counts, so the agent
never believes it has more than the eval grants. Usage is read through a :class:`Clock`,
injectable so tests can drive time by hand.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

#: Messages one step adds when the agent makes a single tool call: the assistant message,
#: the tool result and the status message. Used to turn a message limit into steps.
MESSAGES_PER_STEP = 3


class Clock(Protocol):
    """Seconds used by the running sample."""

    def elapsed(self) -> float:
        """Wall-clock seconds since the sample started."""
        ...

    def working(self) -> float:
        """Working seconds (wall clock minus waits for rate limits and shared resources)."""
        ...


class SampleClock:
    """Inspect's own accounting of the running sample (wall clock since creation outside one)."""

    def __init__(self) -> None:
        self._created = time.monotonic()

    def elapsed(self) -> float:
        return self._read("time")

    def working(self) -> float:
        return self._read("working")

    def _read(self, kind: str) -> float:
        from inspect_ai.util import sample_limits

        try:
            return float(getattr(sample_limits(), kind).usage)
        except RuntimeError:  # no running sample
            return time.monotonic() - self._created


@dataclass(frozen=True)
class SampleCeilings:
    """Inspect's limits on the running sample (None = not limited) and token usage."""

    time: float | None = None
    working: float | None = None
    messages: int | None = None
    tokens: int | None = None
    turns: int | None = None
    tokens_used: int | None = None
    turns_used: int | None = None


def inspect_ceilings() -> SampleCeilings:
    """Read the current sample's limits; all None outside a sample."""
    from inspect_ai.util import sample_limits

    try:
        limits = sample_limits()
    except RuntimeError:
        return SampleCeilings()

    def value(kind: str) -> float | None:
        limit = getattr(limits, kind).limit
        return None if limit is None else float(limit)

    def as_int(number: float | None) -> int | None:
        return None if number is None else int(number)

    tokens = as_int(value("token"))
    return SampleCeilings(
        time=value("time"),
        working=value("working"),
        messages=as_int(value("message")),
        tokens=tokens,
        turns=as_int(value("turn")),
        tokens_used=int(limits.token.usage) if tokens is not None else None,
        turns_used=int(limits.turn.usage),
    )


class BudgetSettings(BaseModel):
    """The agent's own budget and its wrap-up reserve."""

    model_config = ConfigDict(frozen=True)

    time_limit: float | None = Field(default=None, gt=0)
    """Wall-clock seconds the agent allows itself (the eval's time limit still applies)."""
    max_steps: int | None = Field(default=None, gt=0)
    """Model turns the agent allows itself."""
    reserve_fraction: float = Field(default=0.1, ge=0, le=1)
    """Share of each budget kept back for wrapping up."""
    reserve_minutes: float = Field(default=15, ge=0)
    """Cap on the time reserve: the reserve is the smaller of the fraction and this."""


def _tighter(*values: float | None) -> float | None:
    present = [v for v in values if v is not None]
    return min(present) if present else None


def hms(seconds: float) -> str:
    """``1:02:03`` (negative values shown as 0)."""
    whole = max(0, int(round(seconds)))
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


@dataclass(frozen=True)
class Budget:
    """One reading of the budget, taken after a step."""

    step: int
    elapsed: float
    working: float
    time_limit: float | None
    working_limit: float | None
    max_steps: int | None
    messages: int
    message_limit: int | None
    tokens: int | None
    token_limit: int | None
    settings: BudgetSettings

    @property
    def time_left(self) -> float | None:
        """Seconds left under the tightest of the wall-clock and working-time limits."""
        wall = None if self.time_limit is None else self.time_limit - self.elapsed
        work = None if self.working_limit is None else self.working_limit - self.working
        return _tighter(wall, work)

    @property
    def steps_left(self) -> int | None:
        by_steps = None if self.max_steps is None else self.max_steps - self.step
        by_messages = (
            None
            if self.message_limit is None
            else (self.message_limit - self.messages) // MESSAGES_PER_STEP
        )
        left = _tighter(by_steps, by_messages)
        return None if left is None else int(left)

    @property
    def tokens_left(self) -> int | None:
        if self.token_limit is None or self.tokens is None:
            return None
        return self.token_limit - self.tokens

    @property
    def time_reserve(self) -> float | None:
        limit = _tighter(self.time_limit, self.working_limit)
        if limit is None:
            return None
        return min(self.settings.reserve_fraction * limit, self.settings.reserve_minutes * 60)

    @property
    def steps_reserve(self) -> int | None:
        total = _tighter(
            self.max_steps,
            None if self.message_limit is None else self.message_limit // MESSAGES_PER_STEP,
        )
        return None if total is None else max(1, math.ceil(self.settings.reserve_fraction * total))

    def reserve_reached(self) -> str | None:
        """What has run into its reserve ("time", "steps", "tokens"), or None."""
        if self.time_left is not None and self.time_reserve is not None:
            if self.time_left <= self.time_reserve:
                return "time"
        if self.steps_left is not None and self.steps_reserve is not None:
            if self.steps_left <= self.steps_reserve:
                return "steps"
        if self.tokens_left is not None and self.token_limit is not None:
            if self.tokens_left <= self.settings.reserve_fraction * self.token_limit:
                return "tokens"
        return None

    @property
    def exhausted(self) -> bool:
        """True when the agent's own time or step budget is spent (Inspect enforces its own)."""
        own_time = self.settings.time_limit
        if own_time is not None and self.elapsed >= own_time:
            return True
        return self.max_steps is not None and self.step >= self.max_steps

    def status(self) -> str:
        """One line for the agent: elapsed and remaining time, steps and tokens."""
        parts = [f"step {self.step}" + (f" of {self.max_steps}" if self.max_steps else "")]
        if self.steps_left is not None:
            parts[0] += f" ({self.steps_left} left)"
        if self.time_limit is not None:
            parts.append(
                f"time used {hms(self.elapsed)} of {hms(self.time_limit)}, "
                f"{hms(self.time_limit - self.elapsed)} left"
            )
        else:
            parts.append(f"time used {hms(self.elapsed)} (no time limit)")
        if self.working_limit is not None:
            parts.append(
                f"working time {hms(self.working)} of {hms(self.working_limit)}, "
                f"{hms(self.working_limit - self.working)} left"
            )
        if self.message_limit is not None:
            parts.append(f"messages {self.messages} of {self.message_limit}")
        if self.token_limit is not None and self.tokens is not None:
            parts.append(f"tokens {self.tokens:,} of {self.token_limit:,}")
        return "[budget] " + " | ".join(parts)


class BudgetTracker:
    """Counts steps and reads the clock and the sample's limits after each one."""

    def __init__(
        self,
        settings: BudgetSettings | None = None,
        clock: Clock | None = None,
        ceilings: SampleCeilings | None = None,
    ) -> None:
        self.settings = settings or BudgetSettings()
        self.clock: Clock = clock or SampleClock()
        self._fixed_ceilings = ceilings
        self.step = 0

    def ceilings(self) -> SampleCeilings:
        return self._fixed_ceilings or inspect_ceilings()

    def reading(self, messages: int) -> Budget:
        """The budget now, without counting a step (for the opening prompt)."""
        ceilings = self.ceilings()
        turns_left = (
            None
            if ceilings.turns is None
            else ceilings.turns - (ceilings.turns_used or 0) + self.step
        )
        max_steps = _tighter(self.settings.max_steps, turns_left)
        return Budget(
            step=self.step,
            elapsed=self.clock.elapsed(),
            working=self.clock.working(),
            time_limit=_tighter(self.settings.time_limit, ceilings.time),
            working_limit=ceilings.working,
            max_steps=None if max_steps is None else int(max_steps),
            messages=messages,
            message_limit=ceilings.messages,
            tokens=ceilings.tokens_used,
            token_limit=ceilings.tokens,
            settings=self.settings,
        )

    def observe(self, messages: int) -> Budget:
        """Count one step (one model turn) and read the budget."""
        self.step += 1
        return self.reading(messages)
