"""Host-side submission checks as agent tools: ``validate_submission`` and a gated ``submit``.

The CSV is read from the sandbox and checked on the host against the private answers with the
competition's own grader, so the agent learns whether its file would be graded and, if not,
why. The tools report valid or the grader's reason, never a score: the reasons name columns,
counts and submission-side values only (see ``scorers.grading.validate_content``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import anyio
from inspect_ai.tool import Tool, ToolError, tool
from inspect_ai.util import sandbox
from pydantic import BaseModel, ConfigDict

from ...sandboxes.paths import sandbox_paths
from ...scorers.limits import cap_message
from .._common import sample_metadata


class SubmissionTarget(BaseModel):
    """Which competition a submission belongs to and where its answers are prepared."""

    model_config = ConfigDict(frozen=True)

    competition_id: str
    data_dir: str | None = None

    @classmethod
    def from_metadata(cls, metadata: Mapping[str, Any]) -> SubmissionTarget:
        """The target of a sample built by mle_inspect's tasks."""
        return cls(
            competition_id=str(metadata["competition_id"]), data_dir=metadata.get("data_dir")
        )

    async def check_content(self, content: bytes | Path | None) -> tuple[bool, str]:
        """Check CSV bytes or a host file (None: no file) with the grader, off the event loop."""
        from ...scorers.grading import validate_content

        return await anyio.to_thread.run_sync(
            validate_content, self.competition_id, content, self.data_dir
        )


class SubmissionCheck(BaseModel):
    """Outcome of one check: the file's path, whether it is valid and the grader's reason."""

    path: str
    valid: bool
    message: str

    def render(self) -> str:
        """One line for the agent: VALID or INVALID, the path and the reason."""
        verdict = "VALID" if self.valid else "INVALID"
        return f"{verdict}: {self.path}: {self.message}"


def current_target() -> SubmissionTarget:
    """The running sample's competition, from the metadata our tasks put on every sample."""
    return SubmissionTarget.from_metadata(
        sample_metadata("validate_submission (or pass it a SubmissionTarget)")
    )


async def check_submission(
    path: str | None = None, target: SubmissionTarget | None = None
) -> SubmissionCheck:
    """Read a CSV from the sandbox (default: the graded submission file) and validate it."""
    from ...scorers._submission_io import fetch_submission

    target = target or current_target()
    path = path or sandbox_paths().submission_file
    async with fetch_submission(sandbox(), path) as fetched:
        if fetched.status == "missing":
            return SubmissionCheck(path=path, valid=False, message="no file at this path")
        if fetched.status == "refused":
            return SubmissionCheck(path=path, valid=False, message=fetched.message)
        valid, message = await target.check_content(fetched.local_copy)
    return SubmissionCheck(path=path, valid=valid, message=cap_message(message))


@tool
def validate_submission(target: SubmissionTarget | None = None) -> Tool:
    """Check a submission CSV with the competition's grader (valid or the reason; no score).

    Args:
        target: Competition and data dir; by default taken from the running sample.

    Returns:
        A tool that answers VALID or INVALID with the reason, never a score.
    """

    async def execute(path: str = "") -> str:
        """Check whether a submission CSV would be accepted by the grader.

        Reports VALID, or INVALID with the reason (missing or extra ids, wrong columns,
        values out of range...). It never reports a score: measure quality on your own
        hold-out or cross-validation. Call it after every new submission.

        Args:
            path: CSV to check (relative paths start in the working directory); empty means the graded file, submission.csv in the submission directory.

        Returns:
            VALID or INVALID, the path and the reason.
        """
        check = await check_submission(path or None, target)
        return check.render()

    return execute


@tool(name="submit")
def gated_submit(target: SubmissionTarget | None = None) -> Tool:
    """``submit`` that refuses while the graded submission file is missing or invalid.

    The refusal is a tool error, so the agent keeps working.

    Args:
        target: Competition and data dir; by default taken from the running sample.

    Returns:
        A ``submit`` tool that ends the agent's work only once the submission is valid.
    """

    async def execute(summary: str) -> str:
        """Finish the task. The graded submission file must already be in place and valid.

        Call this only when you are done: it ends your work. If the submission file is
        missing or invalid the call is refused with the reason, and you can fix it and
        call submit again.

        Args:
            summary: One or two sentences on the final model and its validation score.

        Returns:
            Confirmation that the run is over.
        """
        check = await check_submission(None, target)
        if not check.valid:
            raise ToolError(
                f"submission refused: {check.path} is not valid ({check.message}). Fix it, "
                "check it with validate_submission, then call submit again."
            )
        return summary

    return execute
