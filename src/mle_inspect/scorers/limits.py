"""Limits every grading path shares: the largest submission graded and the longest message kept.

One source of truth, read by the scorer (sandbox reads), the CLI (``mle-inspect grade``) and
the validator tool, so a file is judged the same way wherever it is graded. Light: no
pandas, numpy or inspect_ai here.
"""

from __future__ import annotations

import os

DEFAULT_MAX_SUBMISSION_BYTES = 4 * 1024**3
"""4 GiB: well above the largest real MLE-bench submission; larger files are invalid."""

MAX_SUBMISSION_ENV = "MLE_INSPECT_MAX_SUBMISSION_BYTES"

MESSAGE_LIMIT = 2_000
"""Characters of a validation or grading message kept in the log and printed by the CLI."""


def max_submission_bytes() -> int:
    """The submission size cap: ``$MLE_INSPECT_MAX_SUBMISSION_BYTES`` or 4 GiB.

    Raises:
        ValueError: the variable is set but is not a positive whole number of bytes.
    """
    raw = os.environ.get(MAX_SUBMISSION_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_SUBMISSION_BYTES
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(
            f"{MAX_SUBMISSION_ENV}={raw!r}: expected a positive whole number of bytes"
        ) from None
    if value <= 0:
        raise ValueError(f"{MAX_SUBMISSION_ENV}={raw!r}: expected a positive whole number of bytes")
    return value


def cap_message(message: str, limit: int = MESSAGE_LIMIT) -> str:
    """``message`` cut to ``limit`` characters, saying how much was cut when it was.

    Keeps the start (what went wrong) and the end (often the offending value's context).
    """
    if len(message) <= limit:
        return message
    room = max(limit - 48, 0)  # 48 characters leave space for the note
    head = room * 3 // 4
    tail = room - head
    cut = len(message) - head - tail
    return f"{message[:head]} … [{cut:,} characters cut] … {message[len(message) - tail :]}"
