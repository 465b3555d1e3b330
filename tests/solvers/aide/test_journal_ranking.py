"""The journal ranks and normalises nodes in the competition's direction (DirectedMetric)."""

from __future__ import annotations

import pytest

from mle_inspect.solvers.aide.journal import DirectedMetric, Journal, Node, better


def _journal(metrics: list[float | None], lower_is_better: bool) -> Journal:
    journal = Journal()
    for i, metric in enumerate(metrics):
        journal.add(
            Node(
                id=i,
                stage="draft",
                metric=metric,
                lower_is_better=lower_is_better,
                buggy=metric is None,
            )
        )
    return journal


@pytest.mark.parametrize("lower", [True, False])
def test_a_metric_beats_another_only_in_its_direction_and_never_on_a_tie(lower: bool) -> None:
    small, large = DirectedMetric(0.2, lower), DirectedMetric(0.8, lower)
    assert small.beats(large) is lower
    assert large.beats(small) is not lower
    assert not small.beats(DirectedMetric(0.2, lower))
    assert better(0.2, 0.8, lower) is lower


def test_ranking_puts_the_lowest_first_when_lower_is_better_and_keeps_ties_in_order() -> None:
    journal = _journal([0.5, None, 0.1, 0.5, 0.9], lower_is_better=True)
    assert [n.id for n in journal.ranked()] == [2, 0, 3, 4]
    best = journal.best()
    assert best is not None and best.id == 2


def test_ranking_puts_the_highest_first_when_higher_is_better() -> None:
    journal = _journal([0.5, None, 0.1, 0.9], lower_is_better=False)
    assert [n.id for n in journal.ranked()] == [3, 0, 2]


@pytest.mark.parametrize("lower", [True, False])
def test_values_map_the_worst_working_node_to_0_the_best_to_1_and_buggy_ones_to_0(
    lower: bool,
) -> None:
    journal = _journal([0.2, None, 0.6, 0.4], lower_is_better=lower)
    values = journal.values()
    assert values[1] == 0.0
    assert values[3] == pytest.approx(0.5)
    assert (values[0], values[2]) == ((1.0, 0.0) if lower else (0.0, 1.0))


def test_an_empty_or_all_buggy_journal_has_no_best_and_zero_values() -> None:
    journal = _journal([None, None], lower_is_better=False)
    assert journal.ranked() == [] and journal.best() is None
    assert journal.values() == [0.0, 0.0]
