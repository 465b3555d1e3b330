"""File moves for the high-complexity prepares: hard links instead of copies.

MLE-bench copies media (DICOM, NIfTI, npy, mp4, parquet) byte for byte; the bytes are what
matter, so a hard link gives the same public tree without doubling hundreds of GB on disk or
reading them. Where the file system refuses a link (another device, a link limit), the file is
copied. Walks are sorted so nothing depends on the file system's listing order.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from ._common import need


def link_file(source: Path, destination: Path) -> None:
    """``destination`` gets ``source``'s bytes: a hard link where possible, else a copy."""
    need(source)
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, destination)
    except OSError:
        shutil.copyfile(source, destination)


def link_files(pairs: Iterable[tuple[Path, Path]]) -> int:
    """Link (source, destination) pairs; returns how many."""
    count = 0
    for source, destination in pairs:
        link_file(source, destination)
        count += 1
    return count


def walk_files(folder: Path) -> list[Path]:
    """Every file under ``folder``, in sorted path order."""
    return sorted(p for p in need(folder).rglob("*") if p.is_file())


def link_tree(source: Path, destination: Path, *, skip: frozenset[str] = frozenset()) -> int:
    """``shutil.copytree`` by links; returns the number of files.

    Same relative paths, empty folders kept, names in ``skip`` left out.
    """
    count = 0
    destination.mkdir(parents=True, exist_ok=True)
    for path in sorted(need(source).rglob("*")):
        target = destination / path.relative_to(source)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif path.name not in skip:
            link_file(path, target)
            count += 1
    return count
