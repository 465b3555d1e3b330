"""``mle_scorer``: grade the sandbox's submission on the host and report medals (DESIGN §5)."""

from __future__ import annotations

import base64
import gzip
import hashlib
from pathlib import Path
from typing import Any

from inspect_ai.scorer import (
    Score,
    Scorer,
    Target,
    grouped,
    mean,
    scorer,
    stderr,
)
from inspect_ai.solver import TaskState
from inspect_ai.util import StoreModel, store_as
from pydantic import Field

from ._errors import GradingError
from .report import GradeReport

SCORE_KEYS = (
    "valid_submission",
    "above_median",
    "bronze",
    "silver",
    "gold",
    "any_medal",
    "percentile",
    "normalized_score",
)
INLINE_LIMIT = 16 * 1024 * 1024  # compressed bytes kept in the log; larger ones go to disk


class KeptSubmission(StoreModel):
    """The graded submission, kept in the sample store so ``inspect score`` can re-grade it."""

    recorded: bool = False
    exists: bool = False
    sha256: str | None = None
    size: int | None = None
    gzip_b64: str | None = Field(default=None, repr=False)
    host_copy: str | None = None

    def keep(self, content: bytes | None, spill_dir: Path) -> None:
        self.recorded, self.exists = True, content is not None
        if content is None:
            return
        self.sha256, self.size = hashlib.sha256(content).hexdigest(), len(content)
        packed = gzip.compress(content, mtime=0)
        if len(packed) <= INLINE_LIMIT:
            self.gzip_b64 = base64.b64encode(packed).decode("ascii")
        else:
            spill_dir.mkdir(parents=True, exist_ok=True)
            target = spill_dir / f"{self.sha256}.csv.gz"
            target.write_bytes(packed)
            self.host_copy = str(target)

    def content(self) -> bytes | None:
        if not self.exists:
            return None
        if self.gzip_b64 is not None:
            data = gzip.decompress(base64.b64decode(self.gzip_b64))
        elif self.host_copy is not None:
            data = gzip.decompress(Path(self.host_copy).read_bytes())
        else:
            raise GradingError("the kept submission has no content")
        if hashlib.sha256(data).hexdigest() != self.sha256:
            raise GradingError("the kept submission does not match its recorded sha256")
        return data


def _metrics() -> dict[str, list[Any]]:
    return {key: [mean(), stderr(), grouped(mean(), "complexity")] for key in SCORE_KEYS}


def score_value(report: GradeReport) -> dict[str, float]:
    """The Score.value dict: 0/1 flags, percentile and normalised score (NaN when unknown)."""
    return {
        "valid_submission": float(report.valid_submission),
        "above_median": float(report.above_median),
        "bronze": float(report.bronze_medal),
        "silver": float(report.silver_medal),
        "gold": float(report.gold_medal),
        "any_medal": float(report.any_medal),
        "percentile": report.percentile,
        "normalized_score": report.normalized_score,
    }


async def _read_submission(kept: KeptSubmission, spill: Path) -> bytes | None:
    """From the live sandbox when there is one; else (``inspect score``) the kept copy."""
    try:
        from inspect_ai.util import sandbox

        environment = sandbox()
    except Exception:
        environment = None
    if environment is None:
        if not kept.recorded:
            raise GradingError(
                "no sandbox is running and the log holds no kept submission to re-grade"
            )
        return kept.content()
    from ..sandboxes.paths import sandbox_paths

    path = sandbox_paths(environment).submission_file
    try:
        content: bytes | None = await environment.read_file(path, text=False)
    except FileNotFoundError:
        content = None
    kept.keep(content, spill)
    return content


@scorer(metrics=_metrics())
def mle_scorer(data_dir: str | None = None) -> Scorer:
    """Grade ``/home/submission/submission.csv`` against the private answers on the host.

    Args:
        data_dir: Prepared data dir; defaults to the one recorded in the sample metadata.
    """

    async def score(state: TaskState, target: Target) -> Score:
        import anyio

        from ..data import resolve_data_dir
        from .grading import grade_content

        competition_id = state.metadata["competition_id"]
        root = resolve_data_dir(data_dir or state.metadata.get("data_dir"))
        kept = store_as(KeptSubmission, instance="mle_inspect")
        content = await _read_submission(kept, root / competition_id / "submissions")
        report = await anyio.to_thread.run_sync(
            lambda: grade_content(competition_id, content, root)
        )
        return Score(
            value=score_value(report),
            answer=None if report.score is None else f"{report.score:g}",
            explanation=report.summary() if report.valid_submission else report.message,
            metadata=report.to_json_dict(),
        )

    return score

