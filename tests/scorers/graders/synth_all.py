"""One door to every competition's synthetic answers: ``synth_case(cid)`` for all 82.

The family modules build data in each competition's real format with different shapes of
result; this gives the three frames every caller needs (answers as stored in ``private/``,
the sample submission, a perfect submission), for the fuzz test and the full-split fixture.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from mle_inspect.competitions import split_ids

from . import (
    synth_agreement,
    synth_classification,
    synth_fscore,
    synth_geometry,
    synth_logloss,
    synth_ranking,
    synth_regression,
    synth_text,
)
from .common import csv_roundtrip


@dataclass(frozen=True)
class SynthCase:
    """Answers, sample submission and a perfect submission for one competition.

    ``answers`` of a JSON-lines competition (``grading.answers_format == "jsonl"``) holds
    one record a row, as the grader reads it.
    """

    competition_id: str
    answers: pd.DataFrame
    sample: pd.DataFrame
    gold: pd.DataFrame


Builder = Callable[[str, int, int], Any]
"""``builder(competition_id, seed, rows)``: the family module's synthetic result."""


def _builders() -> dict[str, Builder]:
    import numpy as np

    def rng(seed: int) -> np.random.Generator:
        return np.random.default_rng(seed)

    families: list[tuple[Iterable[str], Builder]] = [
        (synth_agreement.BUILDERS, lambda c, s, n: synth_agreement.build(c, s)),
        (synth_classification.BUILDERS, lambda c, s, n: synth_classification.make(c, n=n, seed=s)),
        (synth_fscore.BUILDERS, lambda c, s, n: synth_fscore.build(c, s)),
        (synth_geometry.GENERATORS, lambda c, s, n: synth_geometry.make(c, s)),
        (synth_ranking.BUILDERS, lambda c, s, n: synth_ranking.build(c, s)),
        (synth_text.BUILDERS, lambda c, s, n: synth_text.build(c, s)),
        (["tensorflow2-question-answering"], lambda c, s, n: synth_geometry.qa(rng(s))),
        (synth_logloss.BUILDERS, lambda c, s, n: synth_logloss.BUILDERS[c](rng(s))),
        (synth_regression.BUILDERS, lambda c, s, n: synth_regression.BUILDERS[c](rng(s))),
    ]
    table: dict[str, Builder] = {}
    for ids, call in families:
        for cid in ids:
            table.setdefault(cid, call)
    return table


BUILDERS = _builders()
"""Competition id -> builder, for every competition a synthetic family module covers."""


def covered_ids() -> list[str]:
    """Ids with synthetic data, in registry order (the 75 and the 7 dev competitions)."""
    wanted = [*split_ids("all"), *split_ids("dev")]
    return [cid for cid in wanted if cid in BUILDERS]


def synth_case(competition_id: str, seed: int = 0, rows: int = 48) -> SynthCase:
    """The competition's synthetic frames; KeyError when no family module covers it.

    ``rows`` sizes the classification family's cases (the other families have fixed sizes);
    that family's answers come back as the grader loads them (a CSV round trip).
    """
    built = BUILDERS[competition_id](competition_id, seed, rows)
    answers = built.answers
    if competition_id in synth_classification.BUILDERS:
        answers = csv_roundtrip(answers)
    return SynthCase(competition_id, answers, built.sample, built.gold)
