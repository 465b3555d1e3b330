"""The pydantic shape of one competition: every fact the harness needs, in one place."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Complexity = Literal["low", "medium", "high", "dev", "demo"]


class GradingSpec(BaseModel):
    """Declarative grading: which metric from the library, on which columns.

    Most competitions need nothing more; one that truly differs names a ``function``
    (``"module:callable"`` taking ``(submission_df, answers_df, spec)``) instead.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    metric: str | None = None
    """Name of a function in :mod:`mle_inspect.scorers.metrics`."""
    id_column: str | None = None
    target_columns: list[str] = Field(default_factory=list)
    """Prediction columns the submission must have."""
    answer_columns: list[str] | None = None
    """Columns of the answers holding the truth; defaults to ``target_columns``."""
    params: dict[str, Any] = Field(default_factory=dict)
    function: str | None = None
    exact_columns: bool = False
    """Reject columns beyond the id and targets (for the generic grader; most originals allow them)."""
    answers_format: Literal["csv", "jsonl"] = "csv"
    """How the answers file is read; for ``jsonl``, only ``answer_columns`` (plus
    ``id_column``) are kept when given, since records can hold whole documents."""

    @property
    def truth_columns(self) -> list[str]:
        return self.answer_columns or self.target_columns


class MedalThresholds(BaseModel):
    """Scores needed for each medal and for the median, with where they came from."""

    model_config = ConfigDict(frozen=True)

    gold: float
    silver: float
    bronze: float
    median: float
    source: str


class Competition(BaseModel):
    """One MLE-bench (or demo) competition. Loaded from the package's TOML files."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    complexity: Complexity
    category: str
    metric: str
    metric_notes: str = ""
    lower_is_better: bool
    awards_medals: bool = True
    gold_threshold: float | None = None
    silver_threshold: float | None = None
    bronze_threshold: float | None = None
    median_threshold: float | None = None
    sample_submission_score: float | None = None
    answers: str = "private/test.csv"
    """Answers file, relative to the prepared directory."""
    sample_submission: str = "public/sample_submission.csv"
    """Sample submission, relative to the prepared directory."""
    sample_submission_archive: str | None = None
    """Where MLE-bench keeps the sample submission private, the public archive (relative to
    the prepared directory) whose one member is the agent's copy of it: extracted on the host
    to ``public/sample_submission.csv`` when a sample is built (see ``tasks._public_sample``)."""
    split_notes: str = ""
    grading: GradingSpec | None = None
    prepare: str | None = None
    """``"module:callable"`` with signature ``prepare(raw, public, private)``."""
    leaderboard: str | None = None
    """``"module:callable"`` that builds a leaderboard at prepare time (demo only)."""
    leaderboard_note: str = ""
    """Shown in score metadata, e.g. that a leaderboard is not made of human teams."""

    @property
    def ready_for_grading(self) -> bool:
        return self.grading is not None

    @property
    def ready_for_prepare(self) -> bool:
        return self.prepare is not None

    @property
    def ready(self) -> bool:
        return self.ready_for_grading and self.ready_for_prepare

    @property
    def registry_thresholds(self) -> MedalThresholds | None:
        """The medal thresholds the published MLE-bench results were graded with."""
        gold, silver = self.gold_threshold, self.silver_threshold
        bronze, median = self.bronze_threshold, self.median_threshold
        if gold is None or silver is None or bronze is None or median is None:
            return None
        return MedalThresholds(
            gold=gold, silver=silver, bronze=bronze, median=median, source="registry"
        )
