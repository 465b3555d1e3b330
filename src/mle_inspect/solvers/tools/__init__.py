"""Tools for the MLE agents: host-side submission validation and a submit gated on it."""

from .validate import (
    SubmissionCheck,
    SubmissionTarget,
    check_submission,
    gated_submit,
    validate_submission,
)

__all__ = [
    "SubmissionCheck",
    "SubmissionTarget",
    "check_submission",
    "gated_submit",
    "validate_submission",
]
