"""The two kinds of grading failure: the agent's fault, and ours."""

from __future__ import annotations


class InvalidSubmission(ValueError):
    """The submission is malformed (the agent's fault): it scores as invalid, never raises."""


class GradingError(RuntimeError):
    """An infrastructure fault (answers missing or corrupt): raised so the sample can be retried."""
