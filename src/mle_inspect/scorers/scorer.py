"""``mle_scorer``: grade the sandbox's submission on the host and report medals (DESIGN §5).

Every sample counts (DESIGN §5): the scorer stops the agent before reading its submission,
refuses files it must not read (FIFOs, directories, links, oversize files) as invalid with a
message, scores a sample that ended in error as a failed attempt, and its metrics divide by
the planned runs (``_sample_metrics``). Infrastructure faults (answers missing) raise, so
``--retry-on-error`` retries them.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspect_ai.scorer import Score, Scorer, Target, scorer
from inspect_ai.solver import TaskState
from inspect_ai.util import StoreModel, store_as
from pydantic import Field

from ._errors import GradingError
from ._sample_metrics import (
    ERROR_KEY,
    PLAN_KEY,
    RunPlan,
    current_plan,
    note_unknown,
    planned_metrics,
)
from .limits import cap_message
from .report import GradeReport

if TYPE_CHECKING:
    from inspect_ai.util import SandboxEnvironment

    from ._submission_io import FetchedSubmission

logger = logging.getLogger(__name__)

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
STORE_INSTANCE = "mle_inspect"
_CHUNK = 1024 * 1024


def writable_spill_dir(root: Path, competition_id: str) -> Path:
    """``<data_dir>/<id>/submissions``, else the same under the user cache.

    A shared data dir is often mounted read-only; a kept submission must not fail the
    sample there.
    """
    from ..data._layout import user_cache_root

    preferred = root / competition_id / "submissions"
    try:
        preferred.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=preferred):
            return preferred
    except OSError:
        fallback = user_cache_root() / "submissions" / competition_id
        fallback.mkdir(parents=True, exist_ok=True)
        logger.warning("%s is not writable: kept submissions go to %s", preferred, fallback)
        return fallback


class KeptSubmission(StoreModel):
    """The graded submission, kept in the sample store so ``inspect score`` can re-grade it.

    sha256 and size are always kept; the bytes gzip-compressed inline when small, else in a
    host file (``host_copy``); a refused file keeps only why it was refused.
    """

    recorded: bool = False
    exists: bool = False
    refused: str | None = None
    sha256: str | None = None
    size: int | None = None
    gzip_b64: str | None = Field(default=None, repr=False)
    host_copy: str | None = None

    def keep(self, fetched: FetchedSubmission, root: Path, competition_id: str) -> None:
        """Record what was fetched, streaming the copy into gzip (runs in a worker thread).

        A copy that cannot be written (a full disk) is logged and skipped: the sample is still
        graded, only a later re-grade of it is lost.
        """
        self.recorded, self.exists = True, fetched.exists
        self.refused = fetched.message if fetched.status == "refused" else None
        if fetched.local_copy is None:
            return
        self.sha256, self.size = fetched.sha256, fetched.size
        try:
            self._pack(fetched.local_copy, root, competition_id)
        except OSError as ex:
            logger.warning("%s: graded, but no copy is kept for re-grading: %s", competition_id, ex)

    def _pack(self, local_copy: Path, root: Path, competition_id: str) -> None:
        # packed beside the fetched copy (a host temp dir), so small files never touch the
        # data dir, which may be a read-only shared mount
        fd, temp = tempfile.mkstemp(dir=local_copy.parent, prefix=".keep-", suffix=".csv.gz")
        try:
            with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
                with open(local_copy, "rb") as source:
                    shutil.copyfileobj(source, gz, _CHUNK)
            if os.path.getsize(temp) <= INLINE_LIMIT:
                self.gzip_b64 = base64.b64encode(Path(temp).read_bytes()).decode("ascii")
            else:
                target = writable_spill_dir(root, competition_id) / f"{self.sha256}.csv.gz"
                shutil.move(temp, target)
                self.host_copy = str(target)
        finally:
            Path(temp).unlink(missing_ok=True)

    def restore(self, dest: Path) -> Path | None:
        """Write the kept bytes to ``dest`` (streamed), checking the sha256; None if no file."""
        if not self.exists or self.refused is not None:
            return None
        if self.gzip_b64 is not None:
            import io

            packed: Any = io.BytesIO(base64.b64decode(self.gzip_b64))
        elif self.host_copy is not None:
            packed = open(self.host_copy, "rb")  # noqa: SIM115 - closed below
        else:
            raise GradingError("the kept submission has no content")
        digest = hashlib.sha256()
        with packed, gzip.GzipFile(fileobj=packed, mode="rb") as gz, open(dest, "wb") as out:
            while chunk := gz.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != self.sha256:
            raise GradingError("the kept submission does not match its recorded sha256")
        return dest


class PlannedRuns(StoreModel):
    """The eval's run plan as the live scorer saw it, for ``inspect score``'s metrics."""

    plan: dict[str, Any] | None = None


def score_value(report: GradeReport) -> dict[str, float]:
    """The Score.value dict: 0/1 flags, percentile and normalised score.

    A failed attempt (no valid submission) is 0 in every key; a valid one has NaN where a
    figure is unknown (no leaderboard for the percentile ...).
    """
    valid = report.valid_submission
    return {
        "valid_submission": float(valid),
        "above_median": float(report.above_median),
        "bronze": float(report.bronze_medal),
        "silver": float(report.silver_medal),
        "gold": float(report.gold_medal),
        "any_medal": float(report.any_medal),
        "percentile": report.percentile if valid else 0.0,
        "normalized_score": report.normalized_score if valid else 0.0,
    }


def failed_attempt(
    competition_id: str, message: str, *, exists: bool = False, root: Path | None = None
) -> GradeReport:
    """A report for a run that is not graded (an error, a refused file): no answers needed.

    With the data dir (``root``), the thresholds and leaderboard facts are filled in as for a
    graded run, so a report's rows agree; any fault reading them leaves them empty instead.
    """
    from ..competitions import get_competition

    competition = get_competition(competition_id)
    context: dict[str, Any] = {}
    if root is not None:
        from ..data import competition_paths
        from .grading import _context

        try:
            context = _context(competition, competition_paths(competition_id, root))[2]
        except Exception as ex:  # a failure is reported whatever the data dir holds
            logger.debug("%s: no grading context for a failed attempt: %s", competition_id, ex)
    return GradeReport(
        competition_id=competition_id,
        score=None,
        valid_submission=False,
        submission_exists=exists,
        message=cap_message(message),
        is_lower_better=competition.lower_is_better,
        percentile=0.0,
        normalized_score=0.0,
        **context,
    )


def _sample_error() -> str | None:
    """The sample's error when it is being scored after one.

    That is ``score_on_error``, or a log re-scored by ``inspect score``: Inspect puts an ErrorEvent
    in the transcript first.
    """
    from inspect_ai.event import ErrorEvent
    from inspect_ai.log import transcript

    errors = [event for event in transcript().events if isinstance(event, ErrorEvent)]
    return cap_message(errors[-1].error.message) if errors else None


def _current_sandbox() -> SandboxEnvironment | None:
    try:
        from inspect_ai.util import sandbox

        return sandbox()
    except Exception:  # noqa: BLE001 - no sandbox in this context (inspect score)
        return None


async def _grade_file(
    competition_id: str, path: Path | None, root: Path, shown: str | None
) -> GradeReport:
    """Grade a host file off the event loop (``grade_content`` streams it from disk)."""
    import anyio

    from .grading import grade_content

    return await anyio.to_thread.run_sync(
        lambda: grade_content(competition_id, path, root, submission_path=shown)
    )


async def _grade_fetched(
    competition_id: str, fetched: FetchedSubmission, root: Path
) -> GradeReport:
    if fetched.status == "refused":
        report = await _grade_file(competition_id, None, root, fetched.path)
        return report.model_copy(
            update={"message": fetched.message, "submission_exists": True, "percentile": 0.0}
        )
    return await _grade_file(competition_id, fetched.local_copy, root, fetched.path)


async def _grade_live(
    competition_id: str, environment: SandboxEnvironment, kept: KeptSubmission, root: Path
) -> GradeReport:
    """Stop the agent, then fetch, keep and grade the submission it left."""
    import anyio

    from ..integrity.export import export_code
    from ..sandboxes.lifecycle import DataTampered, halt_agent
    from ..sandboxes.paths import sandbox_paths
    from ._submission_io import fetch_submission

    try:
        await halt_agent(environment)  # the submission graded is the one at the stop
    except DataTampered as ex:
        # a failed attempt, said loudly: the shared public data (maybe other samples') changed
        logger.error("%s: %s", competition_id, ex)
        return failed_attempt(
            competition_id, f"the agent changed the shared public data: {ex}", root=root
        )
    # the agent's code goes into the log now: the sandbox is gone once the sample ends
    await export_code(environment, sandbox_paths(environment))
    path = sandbox_paths(environment).submission_file
    async with fetch_submission(environment, path) as fetched:
        await anyio.to_thread.run_sync(kept.keep, fetched, root, competition_id)
        return await _grade_fetched(competition_id, fetched, root)


async def _grade_kept(competition_id: str, kept: KeptSubmission, root: Path) -> GradeReport:
    """``inspect score``: re-grade the copy kept in the log (or a host file it names)."""
    import anyio

    if not kept.recorded:
        return failed_attempt(
            competition_id,
            "no submission was recorded for this sample: it ended before it was scored",
            root=root,
        )
    if kept.refused is not None:
        return failed_attempt(competition_id, kept.refused, exists=True, root=root)
    with tempfile.TemporaryDirectory(prefix="mle-regrade-") as tmp:
        restored = await anyio.to_thread.run_sync(kept.restore, Path(tmp) / "submission.csv")
        return await _grade_file(competition_id, restored, root, None)


def _plan(state: TaskState) -> RunPlan | None:
    """The live eval's plan (saved in the store), else the one saved when it was scored."""
    record = store_as(PlannedRuns, instance=STORE_INSTANCE)
    plan = current_plan()
    if plan is not None:
        record.plan = plan.model_dump()
        return plan
    return RunPlan.model_validate(record.plan) if record.plan else None


@scorer(metrics=planned_metrics(SCORE_KEYS, counts_key="valid_submission"))
def mle_scorer(data_dir: str | None = None) -> Scorer:
    """Grade ``/home/submission/submission.csv`` against the private answers on the host.

    Args:
        data_dir: Prepared data dir; defaults to the one recorded in the sample metadata.

    Returns:
        A scorer whose value holds the grade report's fields (score, medals, percentile...),
        with a failed attempt (no score, no medal) for a sample that errored.
    """

    async def score(state: TaskState, target: Target) -> Score:
        from ..data import resolve_data_dir
        from ..solvers._guard import AgentCrash

        competition_id = state.metadata["competition_id"]
        root = resolve_data_dir(data_dir or state.metadata.get("data_dir"))
        plan = _plan(state)
        error = _sample_error()
        kept = store_as(KeptSubmission, instance=STORE_INSTANCE)
        if error is not None:
            report = failed_attempt(
                competition_id, f"the sample ended in error: {error}", root=root
            )
        elif (environment := _current_sandbox()) is not None:
            report = await _grade_live(competition_id, environment, kept, root)
        else:
            report = await _grade_kept(competition_id, kept, root)
        value = score_value(report)
        note_unknown(
            plan, state.sample_id, state.epoch, str(state.metadata.get("complexity")), value
        )
        metadata: dict[str, Any] = {
            **report.to_json_dict(),
            ERROR_KEY: error,
            "epoch": state.epoch,
            PLAN_KEY: plan.model_dump() if plan else None,
        }
        crash = store_as(AgentCrash, instance=STORE_INSTANCE)
        if crash.crashed:
            metadata["agent_crash"] = crash.message
        return Score(
            value=value,
            answer=None if report.score is None else f"{report.score:g}",
            explanation=cap_message(
                report.summary() if report.valid_submission else report.message
            ),
            metadata=metadata,
        )

    return score
