"""The offline demo split: prepare and leaderboard hooks named by ``demo.toml``."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from ._datasets import DemoData

_BUILDERS = {
    "demo-digits": "digits",
    "demo-tumor-diagnosis": "tumors",
    "demo-wine-cultivars": "wines",
    "demo-diabetes-progression": "diabetes",
}


def _data(competition_id: str) -> DemoData:
    """The competition's split, seeded by the data dir's secret salt (never a fixed seed)."""
    from ...data._context import preparation_salt
    from ...data.salt import salted_seed
    from . import _datasets

    seed = salted_seed(preparation_salt(), competition_id)
    return getattr(_datasets, _BUILDERS[competition_id])(seed)


def _description(competition_id: str) -> str:
    from importlib import resources

    return (
        resources.files(__package__)
        .joinpath("descriptions", f"{competition_id}.md")
        .read_text(encoding="utf-8")
    )


def prepare(competition_id: str, raw: Path, public: Path, private: Path) -> None:
    """Write a demo competition; ``raw`` is unused since the data ships with scikit-learn."""
    from ._datasets import write_competition

    write_competition(_data(competition_id), public, private)
    (public / "description.md").write_text(_description(competition_id), encoding="utf-8")


def leaderboard(competition_id: str, public: Path, private: Path) -> pd.DataFrame:
    """The demo competition's leaderboard, built from its own baseline ladder."""
    from ._ladder import build_leaderboard

    return build_leaderboard(competition_id, _data(competition_id), private)


# The registry names hooks as "module:function" with fixed signatures; bind the id here.
prepare_digits = partial(prepare, "demo-digits")
prepare_tumors = partial(prepare, "demo-tumor-diagnosis")
prepare_wines = partial(prepare, "demo-wine-cultivars")
prepare_diabetes = partial(prepare, "demo-diabetes-progression")
leaderboard_digits = partial(leaderboard, "demo-digits")
leaderboard_tumors = partial(leaderboard, "demo-tumor-diagnosis")
leaderboard_wines = partial(leaderboard, "demo-wine-cultivars")
leaderboard_diabetes = partial(leaderboard, "demo-diabetes-progression")
