"""Errors raised while a task loads, printed by ``inspect eval`` as one message, no traceback.

Inspect prints a ``PrerequisiteError`` as its message alone and exits non-zero; a missing
preparation or a mistyped split is the user's to fix, not a crash to debug.
"""

from __future__ import annotations

from .._inspect_compat import PrerequisiteError  # no public export (see there)


class TaskPrerequisiteError(PrerequisiteError):
    """A task cannot load until the user fixes something the message names."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.args = (message,)

    def __str__(self) -> str:
        return str(self.message)


class CompetitionNotPrepared(TaskPrerequisiteError, RuntimeError):
    """Raised at task load time, naming the command that prepares the missing data."""


class TaskArgumentError(TaskPrerequisiteError, ValueError):
    """A ``-T`` argument names no split, competition, sandbox type or variant we know."""
