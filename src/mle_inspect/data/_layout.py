"""Where a competition's files live: the MLE-bench data-dir layout (DESIGN §3)."""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass
from pathlib import Path

DATA_DIR_ENV = "MLE_INSPECT_DATA_DIR"
MARKER_NAME = ".mle-inspect-prepared.json"
OBFUSCATED_DESCRIPTION = "description_obfuscated.md"
"""Beside public/ (never inside it): shown in place of description.md with -T description=obfuscated."""


def user_cache_root() -> Path:
    """The user cache dir of mle-inspect (``~/.cache/mle-inspect`` on Linux)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("mle-inspect", appauthor=False))


def default_data_dir() -> Path:
    """``$MLE_INSPECT_DATA_DIR`` or the user cache dir ``.../mle-inspect/data``."""
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    return user_cache_root() / "data"


def resolve_data_dir(data_dir: str | os.PathLike[str] | None) -> Path:
    return Path(data_dir).expanduser().resolve() if data_dir else default_data_dir().resolve()


@dataclass(frozen=True)
class CompetitionPaths:
    """The paths of one competition under a data dir."""

    data_dir: Path
    competition_id: str

    @property
    def root(self) -> Path:
        return self.data_dir / self.competition_id

    @property
    def raw(self) -> Path:
        return self.root / "raw"

    @property
    def prepared(self) -> Path:
        return self.root / "prepared"

    @property
    def public(self) -> Path:
        return self.prepared / "public"

    @property
    def private(self) -> Path:
        return self.prepared / "private"

    @property
    def obfuscated_description(self) -> Path:
        return self.prepared / OBFUSCATED_DESCRIPTION

    @property
    def marker(self) -> Path:
        return self.prepared / MARKER_NAME

    def leaderboard_candidates(self) -> list[Path]:
        """Leaderboard files in order of preference (ours, then one beside the data)."""
        return [self.prepared / "leaderboard.csv", self.root / "leaderboard.csv"]


def competition_paths(
    competition_id: str, data_dir: str | os.PathLike[str] | None = None
) -> CompetitionPaths:
    return CompetitionPaths(resolve_data_dir(data_dir), competition_id)


def prepare_command(competition_id: str, data_dir: Path | None = None) -> str:
    """The shell command that prepares a competition: quoted in error messages."""
    return prepare_many_command([competition_id], data_dir)


def prepare_many_command(competition_ids: list[str], data_dir: Path | None = None) -> str:
    """One shell command that prepares every competition named (``-c`` repeats)."""
    suffix = f" --data-dir {shlex.quote(str(data_dir))}" if data_dir is not None else ""
    return "mle-inspect prepare " + " ".join(f"-c {cid}" for cid in competition_ids) + suffix
