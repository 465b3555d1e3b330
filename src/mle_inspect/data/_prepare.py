"""Prepare orchestration: atomic, idempotent, never overwriting a finished preparation."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from .._hooks import load_hook
from ..competitions import Competition
from ._layout import MARKER_NAME, CompetitionPaths

PREPARE_FORMAT_VERSION = 1


class PrepareStatus(StrEnum):
    PREPARED = "prepared"
    SKIPPED = "skipped (already prepared)"


class PreparationError(RuntimeError):
    """A competition could not be prepared (the message says why and what to do)."""


def is_prepared(paths: CompetitionPaths, competition: Competition) -> bool:
    """True when a finished preparation is in place.

    Ours carry a marker file; a data dir prepared by the original MLE-bench in the
    same layout has no marker, so it counts when its answers and sample submission exist.
    """
    if paths.marker.is_file():
        return True
    return (
        paths.public.is_dir()
        and (paths.prepared / competition.answers).is_file()
        and (paths.prepared / competition.sample_submission).is_file()
    )


def prepare_competition(
    competition: Competition,
    paths: CompetitionPaths,
    *,
    force: bool = False,
    log: Callable[[str], None] = lambda _msg: None,
) -> PrepareStatus:
    """Prepare one competition into ``paths.prepared``.

    Everything is written into a temporary directory beside the target and renamed into
    place at the end, so an interrupted run leaves no half-written preparation behind.
    """
    if is_prepared(paths, competition) and not force:
        return PrepareStatus.SKIPPED
    if competition.prepare is None:
        raise PreparationError(
            f"{competition.id}: no prepare function is implemented yet "
            "(see `mle-inspect list`, column 'ready')."
        )
    prepare = load_hook(competition.prepare)
    paths.root.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(paths.root)
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix=".prepare-", dir=paths.root))
    try:
        public, private = tmp / "public", tmp / "private"
        public.mkdir()
        private.mkdir()
        log(f"{competition.id}: preparing")
        prepare(paths.raw, public, private)
        _check_outputs(competition, tmp)
        if competition.leaderboard is not None:
            log(f"{competition.id}: building leaderboard")
            board = load_hook(competition.leaderboard)(public, private)
            board.to_csv(tmp / "leaderboard.csv", index=False)
        _make_read_only(public)
        (tmp / MARKER_NAME).write_text(
            json.dumps(
                {
                    "competition_id": competition.id,
                    "format_version": PREPARE_FORMAT_VERSION,
                    "prepared_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "seconds": round(time.monotonic() - started, 2),
                },
                indent=2,
            )
        )
        if paths.prepared.exists():
            old = paths.root / f".old-{tmp.name}"
            paths.prepared.rename(old)
            tmp.rename(paths.prepared)
            _make_writable(old)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(paths.prepared)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return PrepareStatus.PREPARED


def _check_outputs(competition: Competition, tmp: Path) -> None:
    for rel in (competition.answers, competition.sample_submission):
        if not (tmp / rel).is_file():
            raise PreparationError(
                f"{competition.id}: the prepare function did not write {rel} "
                "(a bug in the prepare function)."
            )


def _make_read_only(public: Path) -> None:
    """Agents get public data read-only; this guards non-root processes (bind mounts do more)."""
    for path in sorted(public.rglob("*"), reverse=True):
        if path.is_file():
            path.chmod(0o444)
    for path in [*public.rglob("*"), public]:
        if path.is_dir():
            path.chmod(0o555)


def _remove_stale_temps(root: Path) -> None:
    """Leftovers of an interrupted run (prepare or replace) are never reused."""
    for leftover in [*root.glob(".prepare-*"), *root.glob(".old-*")]:
        _make_writable(leftover)
        shutil.rmtree(leftover, ignore_errors=True)


def _make_writable(tree: Path) -> None:
    for path in [tree, *tree.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
