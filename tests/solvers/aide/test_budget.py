"""Budgets on a fake clock: steps, time with a reserve, tokens, shrinking script timeouts."""

from __future__ import annotations

from mle_inspect.solvers.aide.budget import Budget

from .fakes import FakeClock


def test_stops_after_max_steps():
    budget = Budget(max_steps=2)
    assert budget.stop_reason() is None
    budget.record_node(10)
    budget.record_node(10)
    assert budget.stop_reason() == "steps"


def test_timeout_shrinks_with_remaining_time_and_keeps_the_reserve():
    clock = FakeClock()
    budget = Budget(
        max_steps=100,
        time_limit=1000,
        reserve_seconds=100,
        exec_timeout=600,
        min_exec_timeout=30,
        clock=clock,
    )
    assert budget.exec_timeout() == 600
    clock.now += 500
    assert budget.exec_timeout() == 400
    clock.now += 350
    assert budget.stop_reason() is None and budget.exec_timeout() == 50
    clock.now += 30
    assert budget.stop_reason() == "time"


def test_sample_time_limit_wins_when_tighter():
    clock = FakeClock()
    budget = Budget(
        max_steps=100,
        time_limit=10_000,
        reserve_seconds=0,
        exec_timeout=3600,
        clock=clock,
        sample_time_left=lambda: 200.0,
    )
    assert budget.exec_timeout() == 200
    assert "3 minutes" in budget.describe()


def test_default_reserve_is_a_small_share_of_the_time():
    assert Budget(max_steps=1, time_limit=1000, clock=FakeClock()).reserve == 50
    assert Budget(max_steps=1, time_limit=24 * 3600, clock=FakeClock()).reserve == 600
    assert Budget(max_steps=1).reserve == 0


def test_stops_when_tokens_left_would_not_cover_another_node():
    budget = Budget(max_steps=100, token_limit=1000, sample_tokens_left=lambda: 5000)
    budget.record_node(400)
    assert budget.stop_reason() is None
    budget.record_node(200)
    assert budget.tokens_left() == 400
    assert budget.stop_reason() == "tokens"


def test_prompt_sentence_states_steps_and_time():
    clock = FakeClock()
    budget = Budget(max_steps=10, time_limit=7200, reserve_seconds=0, clock=clock)
    budget.record_node(1)
    assert budget.describe() == "You have 9 steps (scripts) left, about 2.0 hours of time left."
