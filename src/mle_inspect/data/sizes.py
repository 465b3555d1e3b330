"""Known sizes of each competition's download and preparation (package copy of sizes.tsv).

Figures come with their source; an empty cell means unknown, and callers print "unknown"
rather than a guess (``mle-inspect prepare --dry-run``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class SizeFacts:
    """Bytes of the Kaggle download and of ``prepared/``; None when unknown."""

    download: int | None = None
    prepared: int | None = None
    source: str = ""


@cache
def load_sizes() -> dict[str, SizeFacts]:
    """Every competition's known sizes from the packaged sizes.tsv (read once)."""
    text = resources.files(__package__).joinpath("sizes.tsv").read_text(encoding="utf-8")
    facts: dict[str, SizeFacts] = {}
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    for line in lines[1:]:  # after the header
        cid, download, prepared, source = line.split("\t")
        facts[cid] = SizeFacts(
            int(download) if download else None, int(prepared) if prepared else None, source
        )
    return facts


def sizes_for(competition_id: str) -> SizeFacts:
    """The known sizes of one competition (all unknown when not listed)."""
    return load_sizes().get(competition_id, SizeFacts())


def human_bytes(n: int | None) -> str:
    """``1.2 GB`` (decimal units, as Kaggle states sizes) or ``unknown``."""
    if n is None:
        return "unknown"
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"
