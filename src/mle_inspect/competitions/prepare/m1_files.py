"""Media placement for the medium prepares: hard links where possible, copies otherwise.

MLE-bench copies media into public/; a hard link gives the same file (same bytes, same
name) without doubling the disk used by 50-250 GB downloads, and leaves raw/ intact so an
interrupted preparation can simply run again. Across file systems a copy is made instead.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from ._common import need


def place(source: Path, destination: Path) -> None:
    """``destination`` becomes the same file as ``source`` (hard link, else a copy)."""
    need(source)
    try:
        os.link(source, destination)
    except FileExistsError:
        destination.unlink()
        os.link(source, destination)
    except OSError:
        shutil.copyfile(source, destination)


def place_files(
    pairs: Iterable[tuple[Path, Path]], total: int | None = None, stage: str = "link media"
) -> int:
    """Place (source, destination) pairs, creating folders; returns how many were placed.

    Reported to the preparation's progress bar (files, with ``total`` when known).
    """
    from ...data.progress import progress

    made: set[Path] = set()
    count = 0
    for source, destination in progress(pairs, total=total, unit="files", stage=stage):
        if destination.parent not in made:
            destination.parent.mkdir(parents=True, exist_ok=True)
            made.add(destination.parent)
        place(source, destination)
        count += 1
    return count


def place_tree(source: Path, destination: Path, skip: Iterable[str] = ()) -> int:
    """``copytree`` with links; returns the number of files placed.

    Every file under ``source`` is placed (names in ``skip`` left out at the top level).
    """
    skipped = set(skip)
    pairs = (
        (path, destination / path.relative_to(source))
        for path in sorted(need(source).rglob("*"))
        if path.is_file() and path.relative_to(source).parts[0] not in skipped
    )
    return place_files(pairs)
