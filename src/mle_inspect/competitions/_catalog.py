"""Loads the competition registry from the package's TOML files, once."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

from ._model import Competition

_DATA_FILES = ("mlebench.toml", "demo.toml")
_OVERLAY_DIR = "specs"
"""Overlay files add fields to entries defined above (grading specs, prepare hooks), grouped
by family (``specs/auc.toml`` holds every ROC AUC grader). A field may be set only once."""

SPLIT_NAMES = ("low", "medium", "high", "all", "dev", "demo", "lite", "full")
"""``lite`` is MLE-bench's name for the low-complexity split; ``full`` (the task's name) and
``all`` (MLE-bench's) both mean the 75 benchmark competitions."""
_SPLIT_COMPLEXITIES = {"lite": {"low"}, "all": {"low", "medium", "high"}}
_SPLIT_COMPLEXITIES["full"] = _SPLIT_COMPLEXITIES["all"]


class UnknownCompetition(KeyError):
    """An id or split name that is not in the registry; the message lists valid ones."""

    def __str__(self) -> str:  # KeyError quotes its message; we want it plain
        return str(self.args[0])


@cache
def _load() -> dict[str, Competition]:
    entries: dict[str, dict[str, Any]] = {}
    package = resources.files(__package__)
    for name in _DATA_FILES:
        table = tomllib.loads(package.joinpath(name).read_text(encoding="utf-8"))
        for cid, fields in table.items():
            if cid in entries:
                raise ValueError(f"competition {cid!r} is defined twice ({name})")
            entries[cid] = dict(fields)
    overlays = package.joinpath(_OVERLAY_DIR)
    for overlay in sorted(overlays.iterdir(), key=lambda p: p.name) if overlays.is_dir() else []:
        if not overlay.name.endswith(".toml"):
            continue
        table = tomllib.loads(overlay.read_text(encoding="utf-8"))
        for cid, fields in table.items():
            if cid not in entries:
                raise ValueError(f"{_OVERLAY_DIR}/{overlay.name}: unknown competition {cid!r}")
            for key, value in fields.items():
                if key in entries[cid]:
                    raise ValueError(
                        f"{_OVERLAY_DIR}/{overlay.name}: {cid}.{key} is already set elsewhere"
                    )
                entries[cid][key] = value
    return {cid: Competition(id=cid, **fields) for cid, fields in entries.items()}


def all_competitions() -> list[Competition]:
    """Every registered competition: the 82 of MLE-bench and the demo ones."""
    return list(_load().values())


def get_competition(competition_id: str) -> Competition:
    """Look up one competition in the registry (benchmark, dev or demo).

    Args:
        competition_id: The Kaggle id, e.g. ``spaceship-titanic``.

    Returns:
        The competition's registry entry: metadata, splits, thresholds and grading spec.

    Raises:
        UnknownCompetition: The id is not in the registry; the message suggests close ids.
    """
    try:
        return _load()[competition_id]
    except KeyError:
        import difflib

        ids = sorted(_load())
        close = difflib.get_close_matches(competition_id, ids, n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise UnknownCompetition(
            f"Unknown competition {competition_id!r}.{hint} {list_hint()}"
        ) from None


def list_hint() -> str:
    """Where to see valid ids: ``list`` shows the benchmark split, dev and demo need a flag."""
    count = {split: len(split_ids(split)) for split in ("full", "dev", "demo")}
    return (
        f"Run `mle-inspect list` to see the {count['full']} benchmark ids, "
        f"`mle-inspect list --split dev` or `--split demo` for the {count['dev']} dev "
        f"and {count['demo']} demo ones."
    )


def split_ids(split: str) -> list[str]:
    """Competition ids of a split: low (= lite), medium, high, full (= all: the 75), dev, demo."""
    split = split.lower()
    if split not in SPLIT_NAMES:
        raise UnknownCompetition(
            f"Unknown split {split!r}; valid splits are: {', '.join(SPLIT_NAMES)}."
        )
    wanted = _SPLIT_COMPLEXITIES.get(split, {split})
    return [c.id for c in _load().values() if c.complexity in wanted]


def resolve_ids(split: str | None = None, competitions: str | list[str] | None = None) -> list[str]:
    """Ids from an explicit list (comma-separated string or list) or else a split."""
    if competitions:
        ids = competitions.split(",") if isinstance(competitions, str) else list(competitions)
        ids = [i.strip() for i in ids if i.strip()]
        for cid in ids:
            get_competition(cid)
        return ids
    return split_ids(split or "lite")
