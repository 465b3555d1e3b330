"""Medals, percentile and normalised score: Kaggle's rules, applied the same way everywhere."""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..competitions import MedalThresholds


def medal_positions(team_count: int) -> tuple[int, int, int]:
    """1-based leaderboard positions of the last gold, silver and bronze (Kaggle's rules)."""
    n = team_count
    if n < 1:
        raise ValueError("a leaderboard needs at least one team")
    if n < 100:
        return max(1, int(0.1 * n)), max(1, int(0.2 * n)), max(1, int(0.4 * n))
    if n < 250:
        return 10, max(1, int(0.2 * n)), max(1, int(0.4 * n))
    if n < 1000:
        return 10 + int(0.002 * n), 50, 100
    return 10 + int(0.002 * n), max(1, int(0.05 * n)), max(1, int(0.1 * n))


def thresholds_from_leaderboard(
    scores: Sequence[float], lower_is_better: bool, source: str = "leaderboard"
) -> MedalThresholds:
    """The score at each medal position of a leaderboard, plus its median score."""
    import numpy as np

    values = np.asarray([s for s in scores if s is not None and math.isfinite(s)], dtype=float)
    if values.size == 0:
        raise ValueError("the leaderboard has no finite scores")
    ranked = np.sort(values) if lower_is_better else np.sort(values)[::-1]
    gold, silver, bronze = medal_positions(len(ranked))
    return MedalThresholds(
        gold=float(ranked[gold - 1]),
        silver=float(ranked[silver - 1]),
        bronze=float(ranked[bronze - 1]),
        median=float(np.median(ranked)),
        source=source,
    )


def _at_least(score: float, threshold: float, lower_is_better: bool) -> bool:
    return score <= threshold if lower_is_better else score >= threshold


def medals(
    score: float | None, thresholds: MedalThresholds, lower_is_better: bool
) -> dict[str, bool]:
    """Which medals a score earns. Ties earn the medal; above-median is strict."""
    if score is None or not math.isfinite(score):
        return dict(gold=False, silver=False, bronze=False, above_median=False)
    gold = _at_least(score, thresholds.gold, lower_is_better)
    silver = not gold and _at_least(score, thresholds.silver, lower_is_better)
    bronze = not gold and not silver and _at_least(score, thresholds.bronze, lower_is_better)
    above = score < thresholds.median if lower_is_better else score > thresholds.median
    return dict(gold=gold, silver=silver, bronze=bronze, above_median=above)


def percentile(score: float | None, leaderboard: Sequence[float], lower_is_better: bool) -> float:
    """Share (0-100) of leaderboard entries the score beats, ties counting half; NaN if unknown."""
    import numpy as np

    board = np.asarray([s for s in leaderboard if s is not None and math.isfinite(s)], dtype=float)
    if score is None or not math.isfinite(score) or board.size == 0:
        return math.nan
    beaten = (board > score).sum() if lower_is_better else (board < score).sum()
    tied = (board == score).sum()
    return float(100.0 * (beaten + 0.5 * tied) / board.size)


def normalized_score(score: float | None, sample_score: float | None, gold: float | None) -> float:
    """(score - sample-submission score) / (gold - sample-submission score).

    1 is gold, 0 is no better than the sample submission; NaN when the sample submission
    already scores gold (the scale is undefined) or a figure is unknown.
    """
    if score is None or sample_score is None or gold is None:
        return math.nan
    if not all(math.isfinite(v) for v in (score, sample_score, gold)) or gold == sample_score:
        return math.nan
    return (score - sample_score) / (gold - sample_score)
