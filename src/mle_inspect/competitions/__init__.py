"""The competition registry: one source of truth per competition."""

from ._catalog import (
    SPLIT_NAMES,
    UnknownCompetition,
    all_competitions,
    get_competition,
    resolve_ids,
    split_ids,
)
from ._model import Competition, Complexity, GradingSpec, MedalThresholds

__all__ = [
    "SPLIT_NAMES",
    "Competition",
    "Complexity",
    "GradingSpec",
    "MedalThresholds",
    "UnknownCompetition",
    "all_competitions",
    "get_competition",
    "resolve_ids",
    "split_ids",
]
