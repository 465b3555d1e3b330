"""Metrics whose denominator is every planned run, not only the runs that were scored.

Inspect computes metrics over the samples that produced a score: a sample that errored
before scoring (a sandbox that never started, a grading fault after the retries) silently
leaves the denominator, which inflates every rate. MLE-bench counts a missing run as a
failed attempt, and so do these metrics:

- the plan (sample ids x epochs) is taken from the eval spec when the task starts (an
  Inspect hook stores it in a context variable that the task's metric computation sees);
  the scorer also copies it, per split, into each Score's metadata so ``inspect score``
  keeps the same denominator when it recomputes metrics from a log;
- a planned run without a score counts 0 in every key and is reported as ``missing``; a run
  scored after a sample error (``score_on_error``) is already a 0 and counts as ``errored``.

Metrics see every epoch (``scores="unreduced"``): each epoch is one attempt, as in MLE-bench.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from contextvars import ContextVar
from typing import Any

from inspect_ai.hooks import Hooks, TaskStart, hooks
from inspect_ai.scorer import Metric, SampleScore, Value, metric
from pydantic import BaseModel, ConfigDict

MEAN_METRIC = "mle_inspect/mean"
"""The log's key for the mean of a score (Inspect prefixes a package's metrics with it)."""
GROUP_KEY = "complexity"
PLAN_KEY = "planned_runs"
"""Score.metadata key holding the RunPlan of the eval the score belongs to."""
ERROR_KEY = "sample_error"
"""Score.metadata key: the sample's error message when it was scored after an error."""
EXISTS_KEY = "submission_exists"


class RunPlan(BaseModel):
    """How many runs an eval planned: sample ids per complexity split, times epochs."""

    model_config = ConfigDict(frozen=True)

    eval_id: str | None = None
    epochs: int = 1
    samples: dict[str, int]
    """Planned sample ids per complexity split (``unknown`` for ids outside the registry)."""

    @property
    def total(self) -> int:
        return self.epochs * sum(self.samples.values())

    def planned(self, group: str | None = None) -> int:
        return self.total if group is None else self.epochs * self.samples.get(group, 0)

    @classmethod
    def from_ids(cls, sample_ids: Sequence[str | int], epochs: int, eval_id: str | None) -> RunPlan:
        from ..competitions import UnknownCompetition, get_competition

        groups: Counter[str] = Counter()
        for sample_id in sample_ids:
            try:
                groups[str(get_competition(str(sample_id)).complexity)] += 1
            except UnknownCompetition:
                groups["unknown"] += 1
        return cls(eval_id=eval_id, epochs=max(int(epochs), 1), samples=dict(groups))


_started: ContextVar[RunPlan | None] = ContextVar("mle_inspect_run_plan", default=None)

_unknown: dict[str, dict[str, set[tuple[str, int, str]]]] = {}
"""eval id -> key -> runs (sample id, epoch, group) whose value for that key is unknown (NaN).

Inspect hands a key's metrics only the non-NaN values, so without this a valid run with an
unknown percentile would be mistaken for a missing run. Filled by the scorer (live and under
``inspect score``); a few entries per eval."""


@hooks(
    name="run_plan",
    description="Records each task's planned samples x epochs for mle_inspect's metrics.",
)
class RecordRunPlan(Hooks):
    """Keeps the eval spec's sample ids and epochs where the task's scorer and metrics see them.

    ``on_task_start`` is awaited in the task's own context, before its samples start and
    before its metrics are computed, so concurrent tasks each see their own plan.
    """

    async def on_task_start(self, data: TaskStart) -> None:
        ids = list(data.spec.dataset.sample_ids or [])
        _started.set(RunPlan.from_ids(ids, int(data.spec.config.epochs or 1), data.eval_id))


def current_plan() -> RunPlan | None:
    """The running eval's plan (None outside an eval, e.g. under ``inspect score``)."""
    return _started.get()


def note_unknown(
    plan: RunPlan | None, sample_id: str | int | None, epoch: int, group: str, value: dict[str, Any]
) -> None:
    """Record which keys of one run's Score.value are NaN (see ``_unknown``)."""
    if plan is None or plan.eval_id is None:
        return
    for key, number in value.items():
        if isinstance(number, float) and math.isnan(number):
            runs = _unknown.setdefault(plan.eval_id, {}).setdefault(key, set())
            runs.add((str(sample_id), epoch, group))


def _plan_of(scores: list[SampleScore]) -> RunPlan | None:
    """The live plan, else the one the scorer recorded in the scores (``inspect score``)."""
    plan = current_plan()
    if plan is not None:
        return plan
    for sample_score in scores:
        recorded = (sample_score.score.metadata or {}).get(PLAN_KEY)
        if recorded:
            return RunPlan.model_validate(recorded)
    return None


def _expected(plan: RunPlan | None, key: str, group: str | None, scored: int) -> int:
    """Runs that count in the mean of ``key``: planned runs less those whose value is unknown."""
    if plan is None:
        return scored
    unknown = _unknown.get(plan.eval_id or "", {}).get(key, set())
    if group is not None:
        unknown = {run for run in unknown if run[2] == group}
    return max(plan.planned(group) - len(unknown), scored)


def _group(sample_score: SampleScore) -> str:
    return str((sample_score.sample_metadata or {}).get(GROUP_KEY, "unknown"))


def _value(sample_score: SampleScore, key: str) -> float:
    value = sample_score.score.value
    raw: Any = value.get(key, math.nan) if isinstance(value, dict) else value
    try:
        return float(raw)
    except (TypeError, ValueError):
        return math.nan


def _padded(values: list[float], expected: int) -> list[float]:
    """The scored values plus a 0 for every expected run that has no score."""
    return values + [0.0] * max(expected - len(values), 0)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else math.nan


def _stderr(values: list[float]) -> float:
    n = len(values)
    if n < 2:
        return 0.0 if n == 1 else math.nan
    mean = _mean(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1) / n)


def _runs(scores: list[SampleScore], key: str, group: str | None = None) -> list[float]:
    """The values of ``key`` (of one split, or all), padded with a 0 per missing run."""
    plan = _plan_of(scores)
    values = [_value(s, key) for s in scores if group is None or _group(s) == group]
    return _padded(values, _expected(plan, key, group, len(values)))


@metric(name="mean", scores="unreduced")
def planned_mean(key: str) -> Metric:
    """Mean of ``key`` over every planned run; a run with no score counts 0.

    Args:
        key: The score value field to average, e.g. ``any_medal``.

    Returns:
        A metric over unreduced scores (one per epoch), so missing runs count against it.
    """

    def compute(scores: list[SampleScore]) -> Value:
        return _mean(_runs(scores, key))

    return compute


@metric(name="stderr", scores="unreduced")
def planned_stderr(key: str) -> Metric:
    """Standard error of that mean (sample standard deviation / sqrt(planned runs)).

    Args:
        key: The score value field, e.g. ``any_medal``.

    Returns:
        A metric over unreduced scores (one per epoch).
    """

    def compute(scores: list[SampleScore]) -> Value:
        return _stderr(_runs(scores, key))

    return compute


@metric(name="complexity", scores="unreduced")
def planned_by_complexity(key: str) -> Metric:
    """Mean of ``key`` per complexity split (``low``, ``medium`` ...).

    Each is over that split's planned runs (the mean over all of them is ``mean``).

    Args:
        key: The score value field, e.g. ``any_medal``.

    Returns:
        A metric whose value maps each complexity split to its mean.
    """

    def compute(scores: list[SampleScore]) -> Value:
        plan = _plan_of(scores)
        groups = sorted({_group(s) for s in scores} | set(plan.samples if plan else ()))
        return {group: _mean(_runs(scores, key, group)) for group in groups}

    return compute


class RunCounts(BaseModel):
    """How the planned runs ended: what tells a failed agent from a broken harness."""

    planned: int
    scored: int
    errored: int
    """Scored as a failure because the sample ended in error (after Inspect's retries)."""
    missing: int
    """Planned but never scored (e.g. the sandbox never started); counted as failures."""
    no_submission: int
    """Scored without error, but no submission file was found."""


def run_counts_of(scores: list[SampleScore]) -> RunCounts:
    plan = _plan_of(scores)
    planned = max(plan.total if plan else 0, len(scores))
    metadata = [s.score.metadata or {} for s in scores]
    errored = sum(1 for m in metadata if m.get(ERROR_KEY))
    no_submission = sum(1 for m in metadata if not m.get(ERROR_KEY) and not m.get(EXISTS_KEY))
    return RunCounts(
        planned=planned,
        scored=len(scores),
        errored=errored,
        missing=planned - len(scores),
        no_submission=no_submission,
    )


@metric(name="samples", scores="unreduced")
def run_counts() -> Metric:
    """Run counts, where each epoch of a sample is one run.

    Logged as ``mle_inspect/samples_planned``, ``..._scored``, ``..._errored``, ``..._missing`` and
    ``..._no_submission``.

    Returns:
        A metric whose value maps each count's name to the number of runs.
    """

    def compute(scores: list[SampleScore]) -> Value:
        counts = run_counts_of(scores)
        return {k: float(v) for k, v in counts.model_dump().items()}

    return compute


def planned_metrics(keys: Sequence[str], counts_key: str) -> dict[str, list[Metric]]:
    """For each key: mean, stderr and the per-split means; run counts under ``counts_key``."""
    metrics: dict[str, list[Metric]] = {
        key: [planned_mean(key), planned_stderr(key), planned_by_complexity(key)] for key in keys
    }
    metrics[counts_key].append(run_counts())
    return metrics
