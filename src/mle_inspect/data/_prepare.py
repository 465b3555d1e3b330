"""Prepare orchestration: atomic, idempotent, never overwriting a finished preparation."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from .._hooks import load_hook
from ..competitions import Competition
from ._context import Preparation, ProgressSink, preparing
from ._layout import MARKER_NAME, CompetitionPaths
from ._lock import competition_lock
from .descriptions import copy_obfuscated_description, resolve_mlebench_dir
from .kaggle import local_archive
from .public_sample import SampleArchiveError, extract_public_sample

if TYPE_CHECKING:
    from .kaggle import KaggleClient

PREPARE_FORMAT_VERSION = 1
RAW_MARKER = ".mle-inspect-raw.json"
"""Written into raw/ once the Kaggle archive is fully extracted there (resume point)."""

Progress = ProgressSink
"""``progress(stage, done, total, unit)``: for the progress bars of each competition."""


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


def needs_kaggle(competition: Competition) -> bool:
    """Benchmark competitions come from Kaggle; the demo ships with scikit-learn."""
    return competition.complexity != "demo"


def plan_competition(competition: Competition, paths: CompetitionPaths, force: bool = False) -> str:
    """What prepare would do, without doing it (for ``--dry-run``)."""
    if is_prepared(paths, competition) and not force:
        return "skip (already prepared)"
    if competition.prepare is None:
        return "cannot prepare (no prepare function yet)"
    if not needs_kaggle(competition):
        return "prepare (offline data, no download)"
    if (paths.raw / RAW_MARKER).is_file():
        return "prepare from raw/"
    archive = local_archive(competition.id, paths.root)
    if archive is not None:
        return f"verify and extract {archive.name}, then prepare"
    if paths.raw.is_dir() and any(paths.raw.iterdir()):
        return "prepare from existing raw/"
    return "download from Kaggle, extract, prepare"


def ensure_raw(
    competition: Competition,
    paths: CompetitionPaths,
    *,
    client: KaggleClient | None,
    skip_verify: bool = False,
    log: Callable[[str], None] = lambda _msg: None,
    progress: Progress | None = None,
) -> str:
    """Make ``raw/`` hold the extracted Kaggle archive; resumable. Returns what it did.

    A finished extraction is marked in raw/; a raw/ filled by someone else (an MLE-bench
    download) is used as it is when no archive sits beside it.
    """
    from .checksums import checksums_for
    from .extract import extract_atomically
    from .kaggle import download_archive

    marker = paths.raw / RAW_MARKER
    if marker.is_file():
        return "raw/ already extracted"
    if (
        local_archive(competition.id, paths.root) is None
        and paths.raw.is_dir()
        and any(paths.raw.iterdir())
    ):
        log(f"{competition.id}: using the existing raw/ (no archive beside it)")
        return "existing raw/"
    archive = download_archive(
        client,
        competition.id,
        paths.root,
        expected_md5=checksums_for(competition.id).zip_md5,
        skip_verify=skip_verify,
        log=log,
        progress=None
        if progress is None
        else (lambda done, total: progress("md5", done, total, "bytes")),
    )
    log(f"{competition.id}: extracting {archive.name}")
    extract_atomically(
        archive,
        paths.raw,
        None
        if progress is None
        else (lambda done, total: progress("extract", done, total, "bytes")),
    )
    marker.write_text(json.dumps({"archive": archive.name}))
    return f"extracted {archive.name}"


def prepare_competition(
    competition: Competition,
    paths: CompetitionPaths,
    *,
    force: bool = False,
    log: Callable[[str], None] = lambda _msg: None,
    client: KaggleClient | None = None,
    skip_verify: bool = False,
    mlebench_dir: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
) -> PrepareStatus:
    """Prepare one competition into ``paths.prepared``.

    Kaggle competitions are downloaded (``client``, default the real Kaggle API) and
    extracted into raw/ first; prepared files are checked against MLE-bench's MD5s.
    Everything is written into a temporary directory beside the target and renamed into
    place at the end, so an interrupted run leaves no half-written preparation behind.
    ``mlebench_dir`` (else ``$MLE_INSPECT_MLEBENCH_DIR``) supplies description.md, the
    obfuscated description and leaderboard.csv from an MLE-bench checkout.
    One process at a time prepares a competition: a second one waits for the first and
    then reuses its result. Prepare hooks run inside a context that gives them
    ``mle_inspect.data.progress`` and the data dir's salt.
    """
    if is_prepared(paths, competition) and not force:
        return PrepareStatus.SKIPPED
    if competition.prepare is None:
        raise PreparationError(
            f"{competition.id}: no prepare function is implemented yet "
            "(see `mle-inspect list`, column 'ready')."
        )
    prepare = load_hook(competition.prepare)
    checkout = resolve_mlebench_dir(mlebench_dir)  # else $MLE_INSPECT_MLEBENCH_DIR
    with competition_lock(paths.root, competition.id, log) as waited:
        if is_prepared(paths, competition) and (waited or not force):
            if waited:
                log(f"{competition.id}: reusing the preparation the other process finished")
            return PrepareStatus.SKIPPED
        _remove_stale_temps(paths.root)  # safe: only the lock holder makes temporary dirs
        with preparing(Preparation(paths, progress)):
            _prepare_locked(
                competition, paths, prepare, checkout, log, client, skip_verify, progress
            )
    return PrepareStatus.PREPARED


def _prepare_locked(
    competition: Competition,
    paths: CompetitionPaths,
    prepare: Callable[[Path, Path, Path], None],
    checkout: Path | None,
    log: Callable[[str], None],
    client: KaggleClient | None,
    skip_verify: bool,
    progress: Progress | None,
) -> None:
    """Download, extract, prepare into a temp dir and rename it into place (lock held)."""
    started = time.monotonic()
    facts: dict[str, object] = {}
    if needs_kaggle(competition):
        if client is None:
            from .kaggle import KaggleApiClient

            client = KaggleApiClient()
        facts["raw"] = ensure_raw(
            competition,
            paths,
            client=client,
            skip_verify=skip_verify,
            log=log,
            progress=progress,
        )
    tmp = Path(tempfile.mkdtemp(prefix=".prepare-", dir=paths.root))
    try:
        public, private = tmp / "public", tmp / "private"
        public.mkdir()
        private.mkdir()
        log(f"{competition.id}: preparing")
        prepare(paths.raw, public, private)
        _check_outputs(competition, tmp)
        if needs_kaggle(competition):
            facts.update(_finish_kaggle(competition, tmp, client, skip_verify, checkout, log))
        obfuscated = copy_obfuscated_description(competition.id, tmp, checkout)
        if obfuscated is not None:
            facts["description_obfuscated"] = obfuscated
        if competition.leaderboard is not None:
            log(f"{competition.id}: building leaderboard")
            board = load_hook(competition.leaderboard)(public, private)
            board.to_csv(tmp / "leaderboard.csv", index=False)
        try:  # the agent's copy of a sample submission kept private (before public/ is locked)
            extract_public_sample(competition, tmp)
        except SampleArchiveError as ex:
            raise PreparationError(f"{ex} (a bug in the prepare function)") from ex
        _make_read_only(public)
        (tmp / MARKER_NAME).write_text(
            json.dumps(
                {
                    "competition_id": competition.id,
                    "format_version": PREPARE_FORMAT_VERSION,
                    "prepared_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "seconds": round(time.monotonic() - started, 2),
                    **facts,
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


def _finish_kaggle(
    competition: Competition,
    tmp: Path,
    client: KaggleClient | None,
    skip_verify: bool,
    mlebench_dir: Path | None,
    log: Callable[[str], None],
) -> dict[str, object]:
    """Checksums, description and leaderboard of a Kaggle competition (inside the temp dir)."""
    from .checksums import verify_prepared
    from .descriptions import write_description
    from .leaderboards import fetch_leaderboard

    verified, mismatches = verify_prepared(competition.id, tmp)
    if mismatches and not skip_verify:
        raise PreparationError(
            f"{competition.id}: prepared files differ from MLE-bench's (scores would not be "
            "comparable with its leaderboard):\n  "
            + "\n  ".join(map(str, mismatches))
            + "\nRerun with --skip-verify to keep this preparation anyway."
        )
    for mismatch in mismatches:
        log(f"{competition.id}: {mismatch} (kept: --skip-verify)")
    facts: dict[str, object] = {
        "checksums_verified": verified,
        "checksums_mismatched": [str(m) for m in mismatches],
    }
    public = tmp / "public"
    if not (public / "description.md").exists():
        facts["description"] = write_description(competition, public, mlebench_dir)
    facts["leaderboard"] = fetch_leaderboard(
        competition.id, tmp, mlebench_dir=mlebench_dir, client=client, log=log
    )
    return facts


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
    """Leftovers of an interrupted run (prepare or replace) are never reused.

    Call only with the competition's lock held: then no live process owns them.
    """
    for leftover in [*root.glob(".prepare-*"), *root.glob(".old-*")]:
        _make_writable(leftover)
        shutil.rmtree(leftover, ignore_errors=True)


def _make_writable(tree: Path) -> None:
    for path in [tree, *tree.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
