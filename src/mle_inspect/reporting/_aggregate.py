"""Per-split rates as MLE-bench's seed aggregator computes them.

Each seed holds one run per competition; a rate is the share of the split's competitions, in
percent, within a seed; the headline is the mean over seeds with the standard error of the mean
(sample standard deviation, ddof=1, over sqrt(seeds); 0 with a single seed) and a 95% interval
of mean ± 1.96 SEM. Failed runs (errored, missing) count in every denominator.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from pydantic import BaseModel

from ._read import Run

RATES: dict[str, Callable[[Run], bool]] = {
    "any_medal": lambda r: r.any_medal,
    "gold": lambda r: r.gold,
    "silver": lambda r: r.silver,
    "bronze": lambda r: r.bronze,
    "above_median": lambda r: r.above_median,
    "valid_submission": lambda r: r.valid_submission,
    "submission_exists": lambda r: r.submission_exists,
}
"""Percentages per seed (MLE-bench's ``*_percentage`` fields)."""

MEANS: dict[str, Callable[[Run], float]] = {
    "percentile": lambda r: 0.0 if r.failed else r.percentile,
    "normalized_score": lambda r: 0.0 if r.failed else r.normalized_score,
}
"""Means per seed over competitions where the value is known (failures count 0)."""

SPLIT_ORDER = ("low", "medium", "high", "all", "dev", "demo")
BENCHMARK_SPLITS = ("low", "medium", "high")


class Stat(BaseModel):
    """Mean over seeds with its standard error and 95% interval; NaN when nothing is known."""

    mean: float
    standard_error: float
    ci_lower: float
    ci_upper: float
    seeds: int


class SplitSummary(BaseModel):
    """One split's headline numbers and failure counts."""

    split: str
    competitions: int
    seeds: int
    metrics: dict[str, Stat]
    per_seed: dict[str, list[float]]
    errored: int
    missing: int
    invalid: int


def mean_sem(values: Sequence[float]) -> Stat:
    """Mean and SEM (ddof=1; 0 for a single value), NaNs left out."""
    known = [v for v in values if not math.isnan(v)]
    if not known:
        return Stat(
            mean=math.nan, standard_error=math.nan, ci_lower=math.nan, ci_upper=math.nan, seeds=0
        )
    mean = math.fsum(known) / len(known)
    if len(known) > 1:
        variance = math.fsum((v - mean) ** 2 for v in known) / (len(known) - 1)
        sem = math.sqrt(variance) / math.sqrt(len(known))
    else:
        sem = 0.0
    return Stat(
        mean=mean,
        standard_error=sem,
        ci_lower=mean - 1.96 * sem,
        ci_upper=mean + 1.96 * sem,
        seeds=len(known),
    )


def seed_metrics(runs: Sequence[Run]) -> dict[str, float]:
    """One seed's rates (percent of its runs) and means."""
    total = len(runs)
    metrics = {key: 100.0 * sum(map(test, runs)) / total for key, test in RATES.items()}
    for key, value in MEANS.items():
        known = [v for v in map(value, runs) if not math.isnan(v)]
        metrics[key] = math.fsum(known) / len(known) if known else math.nan
    return metrics


def split_members(runs: Sequence[Run]) -> dict[str, list[str]]:
    """Competition ids per split, in report order.

    ``all`` is the benchmark's three splits when any of them is present; else, with several splits,
    every competition.
    """
    by_split: dict[str, set[str]] = {}
    for run in runs:
        by_split.setdefault(run.split, set()).add(run.competition_id)
    benchmark = set().union(*(by_split.get(s, set()) for s in BENCHMARK_SPLITS))
    if benchmark:
        by_split["all"] = benchmark
    elif len(by_split) > 1:
        by_split["all"] = {r.competition_id for r in runs}
    order = [s for s in SPLIT_ORDER if s in by_split] + sorted(set(by_split) - set(SPLIT_ORDER))
    return {s: sorted(by_split[s]) for s in order}


def summarize(runs: Sequence[Run], seeds: int) -> list[SplitSummary]:
    """Per split: mean ± SEM over seeds of every metric, and counts of failed runs."""
    index = {(r.competition_id, r.seed): r for r in runs}
    summaries = []
    for split, ids in split_members(runs).items():
        chosen = [index[(cid, seed)] for seed in range(1, seeds + 1) for cid in ids]
        per_seed_runs = [chosen[i * len(ids) : (i + 1) * len(ids)] for i in range(seeds)]
        per_seed = [seed_metrics(group) for group in per_seed_runs]
        keys = [*RATES, *MEANS]
        values = {key: [m[key] for m in per_seed] for key in keys}
        summaries.append(
            SplitSummary(
                split=split,
                competitions=len(ids),
                seeds=seeds,
                metrics={key: mean_sem(values[key]) for key in keys},
                per_seed=values,
                errored=sum(r.status == "errored" for r in chosen),
                missing=sum(r.status == "missing" for r in chosen),
                invalid=sum(r.status == "scored" and not r.valid_submission for r in chosen),
            )
        )
    return summaries
