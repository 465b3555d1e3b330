"""Media copies of the second medium batch, reported to the preparation's progress bar.

MLE-bench copies (never moves) the media of these competitions, so copies are made here
too: raw/ stays intact and an interrupted preparation simply runs again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sized
from pathlib import Path

from ._common import copy_files


def copy_media(
    pairs: Iterable[tuple[Path, Path]], total: int | None = None, stage: str = "copy media"
) -> int:
    """``copy_files`` with a progress bar in files (``total`` taken from ``pairs`` if sized)."""
    from ...data.progress import progress

    if total is None and isinstance(pairs, Sized):
        total = len(pairs)
    return copy_files(progress(pairs, total=total, unit="files", stage=stage))
