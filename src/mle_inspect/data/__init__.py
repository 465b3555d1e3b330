"""Data dir layout and preparation (DESIGN §3)."""

from ._layout import (
    DATA_DIR_ENV,
    CompetitionPaths,
    competition_paths,
    default_data_dir,
    prepare_command,
    prepare_many_command,
    resolve_data_dir,
)
from ._prepare import (
    PreparationError,
    PrepareStatus,
    ensure_raw,
    is_prepared,
    plan_competition,
    prepare_competition,
)

__all__ = [
    "DATA_DIR_ENV",
    "CompetitionPaths",
    "PreparationError",
    "PrepareStatus",
    "competition_paths",
    "default_data_dir",
    "ensure_raw",
    "is_prepared",
    "plan_competition",
    "prepare_command",
    "prepare_many_command",
    "prepare_competition",
    "resolve_data_dir",
]
