"""Kaggle's medal rules at every team-count band, ties, strict median, percentile, normalisation."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mle_inspect.competitions import MedalThresholds
from mle_inspect.scorers.medals import (
    medal_positions,
    medals,
    normalized_score,
    percentile,
    thresholds_from_leaderboard,
)


@pytest.mark.parametrize(
    ("teams", "expected"),
    [
        (1, (1, 1, 1)),
        (9, (1, 1, 3)),
        (45, (4, 9, 18)),
        (99, (9, 19, 39)),
        (100, (10, 20, 40)),
        (249, (10, 49, 99)),
        (250, (10, 50, 100)),
        (999, (11, 50, 100)),
        (1000, (12, 50, 100)),
        (4321, (18, 216, 432)),
    ],
)
def test_medal_positions_follow_kaggle_bands(teams: int, expected: tuple[int, int, int]) -> None:
    assert medal_positions(teams) == expected


def test_thresholds_are_the_scores_at_the_medal_positions() -> None:
    board = [float(s) for s in range(1, 21)]  # 20 teams, higher is better
    t = thresholds_from_leaderboard(board, lower_is_better=False)
    # positions 2, 4, 8 of the descending ranking 20, 19, 18, ...
    assert (t.gold, t.silver, t.bronze) == (19.0, 17.0, 13.0)
    assert t.median == 10.5
    t_low = thresholds_from_leaderboard(board, lower_is_better=True)
    assert (t_low.gold, t_low.silver, t_low.bronze) == (2.0, 4.0, 8.0)


def test_thresholds_ignore_missing_scores() -> None:
    t = thresholds_from_leaderboard([1.0, float("nan"), 2.0, 3.0], lower_is_better=False)
    assert t.gold == 3.0


THRESHOLDS = MedalThresholds(gold=0.9, silver=0.8, bronze=0.7, median=0.6, source="test")
LOW = MedalThresholds(gold=1.0, silver=2.0, bronze=3.0, median=4.0, source="test")


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (0.95, "gold"),
        (0.9, "gold"),  # a tie earns the medal
        (0.85, "silver"),
        (0.8, "silver"),
        (0.7, "bronze"),
        (0.65, None),
        (0.6, None),
    ],
)
def test_medals_higher_is_better_with_ties(score: float, expected: str | None) -> None:
    won = medals(score, THRESHOLDS, lower_is_better=False)
    assert [m for m in ("gold", "silver", "bronze") if won[m]] == ([expected] if expected else [])


@pytest.mark.parametrize(
    ("score", "expected"),
    [(0.5, "gold"), (1.0, "gold"), (2.0, "silver"), (3.0, "bronze"), (3.5, None)],
)
def test_medals_lower_is_better_with_ties(score: float, expected: str | None) -> None:
    won = medals(score, LOW, lower_is_better=True)
    assert [m for m in ("gold", "silver", "bronze") if won[m]] == ([expected] if expected else [])


def test_above_median_is_strict_in_both_directions() -> None:
    assert not medals(0.6, THRESHOLDS, lower_is_better=False)["above_median"]
    assert medals(0.6001, THRESHOLDS, lower_is_better=False)["above_median"]
    assert not medals(4.0, LOW, lower_is_better=True)["above_median"]
    assert medals(3.999, LOW, lower_is_better=True)["above_median"]


def test_no_score_wins_nothing() -> None:
    assert not any(medals(None, THRESHOLDS, lower_is_better=False).values())
    assert not any(medals(float("nan"), THRESHOLDS, lower_is_better=False).values())


def test_percentile_counts_ties_as_half() -> None:
    board = [1.0, 2.0, 3.0, 4.0]
    assert percentile(2.5, board, lower_is_better=False) == 50.0
    assert percentile(3.0, board, lower_is_better=False) == 62.5
    assert percentile(3.0, board, lower_is_better=True) == 37.5
    assert percentile(10.0, board, lower_is_better=False) == 100.0


def test_percentile_is_nan_without_a_leaderboard_or_score() -> None:
    assert math.isnan(percentile(1.0, [], lower_is_better=False))
    assert math.isnan(percentile(None, [1.0], lower_is_better=False))


@given(
    st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=50),
    st.floats(-1e6, 1e6),
    st.booleans(),
)
def test_percentile_is_between_0_and_100_and_monotone(
    board: list[float], score: float, lower: bool
) -> None:
    p = percentile(score, board, lower)
    assert 0.0 <= p <= 100.0
    better = score - 1.0 if lower else score + 1.0
    assert percentile(better, board, lower) >= p


@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=300), st.booleans())
def test_medal_thresholds_are_ordered_from_gold_to_bronze(board: list[float], lower: bool) -> None:
    t = thresholds_from_leaderboard(board, lower)
    if lower:
        assert t.gold <= t.silver <= t.bronze
    else:
        assert t.gold >= t.silver >= t.bronze


def test_normalized_score_is_zero_at_sample_and_one_at_gold() -> None:
    assert normalized_score(0.5, 0.5, 0.9) == 0.0
    assert normalized_score(0.9, 0.5, 0.9) == 1.0
    assert normalized_score(0.7, 0.5, 0.9) == pytest.approx(0.5)
    # lower is better: the same formula, since both differences change sign
    assert normalized_score(2.0, 10.0, 1.0) == pytest.approx(8 / 9)
    assert math.isnan(normalized_score(0.7, 0.9, 0.9))
    assert math.isnan(normalized_score(0.7, None, 0.9))
