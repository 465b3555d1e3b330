"""The agent's sample submission, for every competition, even where MLE-bench keeps it private.

The extraction itself is the data layer's (``data.public_sample``), done at prepare time;
a dir prepared before that, or by another tool, gets it the first time a task loads it.
"""

from __future__ import annotations

import logging

from ..competitions import Competition
from ..data import CompetitionPaths
from ..data.public_sample import PUBLIC_COPY, SampleArchiveError, extract_public_sample
from ._errors import TaskPrerequisiteError

__all__ = ["PUBLIC_COPY", "SampleSubmissionUnavailable", "agent_sample_submission"]

logger = logging.getLogger(__name__)


class SampleSubmissionUnavailable(TaskPrerequisiteError, RuntimeError):
    """The public archive that should hold the sample submission is missing or malformed."""


def agent_sample_submission(competition: Competition, paths: CompetitionPaths) -> str | None:
    """The sample submission's path relative to ``public/`` (what the agent sees), or None.

    Raises:
        SampleSubmissionUnavailable: the registry names an archive the public data lacks, or
            one that does not hold exactly one file, or the copy cannot be written.
    """
    if competition.sample_submission.startswith("public/"):
        return competition.sample_submission.removeprefix("public/")
    target = paths.public / PUBLIC_COPY
    existed = target.is_file()
    try:
        copy = extract_public_sample(competition, paths.prepared)
    except SampleArchiveError as ex:
        raise SampleSubmissionUnavailable(str(ex)) from ex
    except OSError as ex:
        archive = paths.prepared / str(competition.sample_submission_archive)
        raise SampleSubmissionUnavailable(
            f"{competition.id}: cannot write the agent's sample submission to {target} "
            f"({ex.strerror}); prepare the competition again with --force where the data dir "
            f"is writable, or extract the one file in {archive} to that path yourself"
        ) from ex
    if copy is None:
        return None
    if not existed:
        logger.info("%s: extracted the public sample submission to %s", competition.id, target)
    return PUBLIC_COPY
