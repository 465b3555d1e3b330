"""GradeReport: what grading one submission found, as a pydantic model (JSON on the CLI)."""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict, field_validator

from .limits import cap_message


class GradeReport(BaseModel):
    """The result of grading one submission, in MLE-bench's grading-report fields."""

    model_config = ConfigDict(frozen=True)

    competition_id: str
    score: float | None
    """The raw metric value, rounded to 5 decimals; None when the submission is invalid."""
    valid_submission: bool
    submission_exists: bool
    message: str
    """Why a submission is invalid, or a short summary when it is valid; at most
    ``limits.MESSAGE_LIMIT`` characters, saying what was cut (it is stored in logs twice
    and printed by the CLI, and an agent's file can make it arbitrarily long)."""
    is_lower_better: bool
    gold_threshold: float | None = None
    silver_threshold: float | None = None
    bronze_threshold: float | None = None
    median_threshold: float | None = None
    thresholds_source: str | None = None
    gold_medal: bool = False
    silver_medal: bool = False
    bronze_medal: bool = False
    above_median: bool = False
    percentile: float = math.nan
    """0-100 share of leaderboard entries beaten (ties count half); NaN with no leaderboard."""
    normalized_score: float = math.nan
    sample_submission_score: float | None = None
    leaderboard_source: str | None = None
    leaderboard_size: int | None = None
    leaderboard_note: str | None = None
    submission_path: str | None = None
    submission_sha256: str | None = None

    @field_validator("message")
    @classmethod
    def _capped(cls, message: str) -> str:
        return cap_message(message)

    @property
    def any_medal(self) -> bool:
        """Whether any of gold, silver or bronze was reached."""
        return self.gold_medal or self.silver_medal or self.bronze_medal

    def summary(self) -> str:
        """One line for humans: score, medal, percentile."""
        if not self.valid_submission:
            return f"{self.competition_id}: invalid submission: {self.message}"
        medal = next((m for m in ("gold", "silver", "bronze") if getattr(self, f"{m}_medal")), None)
        parts = [f"{self.competition_id}: score {self.score:g}"]
        parts.append(f"{medal} medal" if medal else "no medal")
        if self.above_median:
            parts.append("above median")
        if not math.isnan(self.percentile):
            parts.append(f"beats {self.percentile:.1f}% of the leaderboard")
        return ", ".join(parts)

    def to_json_dict(self) -> dict[str, object]:
        """The report as JSON-ready values: NaN becomes None, plus ``any_medal``."""
        data = self.model_dump()
        data["any_medal"] = self.any_medal
        return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in data.items()}
