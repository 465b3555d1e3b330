"""Budget arithmetic of the ReAct agent: limits combined, reserves, steps, status text."""

from __future__ import annotations

import pytest

from mle_inspect.solvers._budget import (
    BudgetSettings,
    BudgetTracker,
    SampleCeilings,
    SampleClock,
    hms,
    inspect_ceilings,
)
from tests.solvers.react_support import FakeClock

HOUR = 3600.0


def tracker(
    settings: BudgetSettings | None = None, clock: FakeClock | None = None, **ceilings: float
) -> BudgetTracker:
    return BudgetTracker(
        settings or BudgetSettings(), clock or FakeClock(), SampleCeilings(**ceilings)
    )


@pytest.mark.parametrize(
    ("limit", "reserve"),
    [(24 * HOUR, 15 * 60), (30 * 60, 3 * 60), (2 * HOUR, 12 * 60), (3 * HOUR, 15 * 60)],
)
def test_time_reserve_is_the_smaller_of_ten_percent_and_fifteen_minutes(
    limit: float, reserve: float
) -> None:
    assert tracker(time=limit).reading(0).time_reserve == pytest.approx(reserve)


def test_the_tighter_of_the_agents_and_inspects_time_limit_counts() -> None:
    assert tracker(BudgetSettings(time_limit=600), time=1800).reading(0).time_limit == 600
    assert tracker(BudgetSettings(time_limit=HOUR), time=1800).reading(0).time_limit == 1800
    assert tracker(BudgetSettings(time_limit=HOUR)).reading(0).time_limit == HOUR
    assert tracker().reading(0).time_limit is None


def test_working_time_limit_counts_working_seconds() -> None:
    clock = FakeClock()
    budget = tracker(clock=clock, time=10 * HOUR, working=HOUR)
    clock.advance(50 * 60)
    reading = budget.observe(5)
    assert reading.time_left == pytest.approx(10 * 60)  # the working limit is the tighter
    assert reading.time_reserve == pytest.approx(6 * 60)  # 10% of the 1 hour working limit
    assert reading.reserve_reached() is None
    assert "working time 0:50:00 of 1:00:00, 0:10:00 left" in reading.status()
    clock.advance(5 * 60)
    assert budget.observe(5).reserve_reached() == "time"


def test_a_message_limit_becomes_a_step_estimate() -> None:
    reading = tracker(messages=32).observe(messages=11)
    # each step adds an assistant message, a tool result and a status: 3 messages
    assert reading.steps_left == (32 - 11) // 3
    assert "messages 11 of 32" in reading.status()


def test_inspects_turn_limit_caps_the_steps() -> None:
    budget = tracker(BudgetSettings(max_steps=100), turns=10, turns_used=4)
    for _ in range(4):
        reading = budget.observe(0)
    assert reading.max_steps == 10 and reading.steps_left == 6


def test_steps_reserve_and_exhaustion_follow_max_steps() -> None:
    budget = tracker(BudgetSettings(max_steps=20))
    readings = [budget.observe(0) for _ in range(20)]
    reasons = [r.reserve_reached() for r in readings]
    assert reasons.index("steps") == 17  # step 18: 2 steps (10% of 20) left
    assert [r.exhausted for r in readings] == [False] * 19 + [True]


def test_the_agents_own_time_limit_ends_the_run_but_inspects_does_not() -> None:
    clock = FakeClock()
    own = tracker(BudgetSettings(time_limit=600), clock=clock)
    inspects = tracker(clock=clock, time=600)
    clock.advance(600)
    assert own.observe(0).exhausted
    assert not inspects.observe(0).exhausted  # Inspect stops the sample itself


def test_token_budget_reaches_its_reserve() -> None:
    assert tracker(tokens=1000, tokens_used=850).observe(0).reserve_reached() is None
    reading = tracker(tokens=1000, tokens_used=910).observe(0)
    assert reading.reserve_reached() == "tokens" and reading.tokens_left == 90
    assert "tokens 910 of 1,000" in reading.status()


def test_status_line_tracks_the_clock() -> None:
    clock = FakeClock()
    budget = tracker(BudgetSettings(max_steps=50), clock=clock, time=2 * HOUR)
    clock.advance(3725)
    assert budget.observe(4).status() == (
        "[budget] step 1 of 50 (49 left) | time used 1:02:05 of 2:00:00, 0:57:55 left"
    )


def test_status_without_limits_says_so() -> None:
    assert "(no time limit)" in tracker().observe(0).status()


def test_hms_formats_and_clamps() -> None:
    assert hms(0) == "0:00:00" and hms(86399.6) == "24:00:00" and hms(-5) == "0:00:00"


def test_outside_a_sample_there_are_no_ceilings_and_the_clock_is_wall_time() -> None:
    assert inspect_ceilings() == SampleCeilings()
    clock = SampleClock()
    first = clock.elapsed()
    assert 0 <= first <= clock.elapsed() and clock.working() >= 0


@pytest.mark.parametrize("bad", [{"reserve_fraction": 1.5}, {"max_steps": 0}, {"time_limit": -1}])
def test_settings_reject_nonsense(bad: dict) -> None:
    with pytest.raises(ValueError):
        BudgetSettings(**bad)
