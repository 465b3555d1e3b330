"""description.md for public/: from an MLE-bench checkout when given, else a brief of facts.

Kaggle's description text is not ours to ship, so without a checkout we write a short brief
from registry facts (task, files, metric, direction, submission format).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Literal

from ..competitions import Competition
from ._layout import OBFUSCATED_DESCRIPTION

MLEBENCH_DIR_ENV = "MLE_INSPECT_MLEBENCH_DIR"
Variant = Literal["standard", "obfuscated"]
_FILES = {"standard": "description.md", "obfuscated": OBFUSCATED_DESCRIPTION}


def resolve_mlebench_dir(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The MLE-bench checkout from the argument or ``$MLE_INSPECT_MLEBENCH_DIR``."""
    value = explicit or os.environ.get(MLEBENCH_DIR_ENV)
    return Path(value).expanduser().resolve() if value else None


def checkout_competition_dir(mlebench_dir: Path | None, competition_id: str) -> Path | None:
    """``<checkout>/mlebench/competitions/<id>`` (also accepts the competitions dir itself)."""
    if mlebench_dir is None:
        return None
    for candidate in (
        mlebench_dir / "mlebench" / "competitions" / competition_id,
        mlebench_dir / "competitions" / competition_id,
        mlebench_dir / competition_id,
    ):
        if candidate.is_dir():
            return candidate
    return None


def checkout_description(
    competition_id: str, mlebench_dir: Path | None, variant: Variant = "standard"
) -> Path | None:
    """The checkout's description file for ``variant``, or None without one."""
    folder = checkout_competition_dir(mlebench_dir, competition_id)
    path = folder / _FILES[variant] if folder else None
    return path if path is not None and path.is_file() else None


def write_description(
    competition: Competition, public: Path, mlebench_dir: Path | None = None
) -> str:
    """Write ``public/description.md``; returns where it came from (for the prepare marker)."""
    target = public / "description.md"
    source = checkout_description(competition.id, mlebench_dir)
    if source is not None:
        shutil.copyfile(source, target)
        return f"mlebench checkout {source}"
    target.write_text(brief(competition, public), encoding="utf-8")
    return "brief written from the registry"


def copy_obfuscated_description(
    competition_id: str, prepared: Path, mlebench_dir: Path | None
) -> str | None:
    """Copy the checkout's obfuscated text beside ``public/``; returns its source, if any.

    ``mlebench_dir`` is already resolved (:func:`resolve_mlebench_dir`) by the caller.
    """
    source = checkout_description(competition_id, mlebench_dir, "obfuscated")
    if source is None:
        return None
    target = prepared / OBFUSCATED_DESCRIPTION
    shutil.copyfile(source, target)
    target.chmod(0o444)
    return f"mlebench checkout {source}"


def description_text(
    competition: Competition,
    public: Path,
    variant: Variant = "standard",
    mlebench_dir: str | os.PathLike[str] | None = None,
) -> str:
    """The description an agent should see; ``obfuscated`` needs an MLE-bench checkout."""
    checkout = resolve_mlebench_dir(mlebench_dir)
    if variant == "obfuscated":
        path = checkout_description(competition.id, checkout, "obfuscated")
        if path is None:
            raise FileNotFoundError(
                f"{competition.id}: the obfuscated description needs an MLE-bench checkout; "
                f"pass its path with --mlebench-dir or ${MLEBENCH_DIR_ENV}"
            )
        return path.read_text(encoding="utf-8")
    existing = public / "description.md"
    if existing.is_file():
        return existing.read_text(encoding="utf-8")
    path = checkout_description(competition.id, checkout)
    return path.read_text(encoding="utf-8") if path else brief(competition, public)


def _listing(public: Path, limit: int = 30) -> list[str]:
    lines = []
    for path in sorted(public.iterdir()) if public.is_dir() else []:
        if path.name == "description.md":
            continue
        if path.is_dir():
            count = sum(1 for p in path.rglob("*") if p.is_file())
            lines.append(f"- `{path.name}/`: a folder of {count} files")
        else:
            lines.append(f"- `{path.name}`")
        if len(lines) == limit:
            lines.append("- ...")
            break
    return lines


def _header(path: Path) -> list[str] | None:
    try:
        with path.open(encoding="utf-8") as handle:
            first = handle.readline().strip()
    except (OSError, UnicodeDecodeError):
        return None
    return [c.strip('"') for c in first.split(",")] if first else None


def brief(competition: Competition, public: Path) -> str:
    """Facts only, in our words: enough to start, never Kaggle's text."""
    direction = "lower is better" if competition.lower_is_better else "higher is better"
    notes = f" ({competition.metric_notes})" if competition.metric_notes else ""
    parts = [
        f"# {competition.name}",
        "",
        f"A {competition.category.lower()} task from the Kaggle competition "
        f"`{competition.id}`, as prepared by MLE-bench. The test set was carved out of "
        "labelled data where Kaggle's own test labels were not released.",
        "",
        "## Evaluation",
        f"Metric: `{competition.metric}`{notes}; {direction}.",
        "",
        "## Files",
        *_listing(public),
        "",
        "## Submission",
    ]
    sample_rel = competition.sample_submission
    if sample_rel.startswith("public/"):
        name = sample_rel.removeprefix("public/")
        header = _header(public / name)
        columns = f" with the columns {', '.join(f'`{c}`' for c in header)}" if header else ""
        parts.append(
            f"A CSV file{columns}, one row per test item, in the format of `{name}` "
            "(which shows every expected id)."
        )
    else:
        parts.append(
            "A CSV file in the format of the sample submission provided (zipped) in this folder."
        )
    parts += [
        "",
        "_This brief was generated from registry facts. For the full competition description, "
        "prepare with `--mlebench-dir` pointing at an MLE-bench checkout._",
        "",
    ]
    return "\n".join(parts)
