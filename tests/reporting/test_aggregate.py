"""Mean ± SEM over seeds with MLE-bench's arithmetic (scipy.stats.sem, ddof=1)."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from mle_inspect.reporting._aggregate import mean_sem, seed_metrics
from mle_inspect.reporting._read import Run


@pytest.mark.parametrize("values", [[40.0, 45.5, 12.25], [0.0, 100.0], [3.0, 3.0, 3.0, 4.0]])
def test_mean_and_sem_match_scipy(values: list[float]) -> None:
    stat = mean_sem(values)
    assert stat.mean == pytest.approx(sum(values) / len(values))
    assert stat.standard_error == pytest.approx(stats.sem(values, ddof=1))
    assert stat.ci_upper == pytest.approx(stat.mean + 1.96 * stats.sem(values, ddof=1))


def test_a_single_seed_has_zero_standard_error_and_no_seed_is_nan() -> None:
    assert mean_sem([25.0]).standard_error == 0.0
    assert math.isnan(mean_sem([]).mean)


def test_failed_runs_count_in_the_denominator_and_as_zero_percentile() -> None:
    runs = [
        Run(competition_id="a", split="low", status="scored", valid_submission=True,
            submission_exists=True, gold=True, percentile=90.0, normalized_score=1.0),
        Run(competition_id="b", split="low", status="errored"),
        Run(competition_id="c", split="low", status="missing"),
        Run(competition_id="d", split="low", status="scored", valid_submission=True,
            submission_exists=True, percentile=math.nan),
    ]  # fmt: skip
    metrics = seed_metrics(runs)
    assert metrics["any_medal"] == 25.0 and metrics["valid_submission"] == 50.0
    assert metrics["percentile"] == pytest.approx(30.0)  # (90 + 0 + 0) / 3: d is unknown
