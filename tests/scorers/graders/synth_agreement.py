"""Synthetic answers and sample submissions for the agreement and correlation competitions,
in each competition's real format (columns, id formats, label values from the specs)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mle_inspect.competitions import get_competition

from .common import hex_ids
from .synth_io import Synth, read_back


def aptos(rng: np.random.Generator, n: int = 60) -> Synth:
    ids = hex_ids(rng, n, 12)
    answers = pd.DataFrame({"id_code": ids, "diagnosis": rng.integers(0, 5, n)})
    sample = answers.assign(diagnosis=0)
    return read_back(answers, sample, answers, bad_value=2.5)


def essay_scoring(rng: np.random.Generator, n: int = 60) -> Synth:
    ids = hex_ids(rng, n, 7)
    answers = pd.DataFrame(
        {
            "essay_id": ids,
            "full_text": [f"Essay number {i}, about cars." for i in range(n)],
            "score": rng.integers(1, 7, n),
        }
    )
    sample = pd.DataFrame(
        {"essay_id": ids, "score": np.random.RandomState(42).randint(1, 7, size=n)}
    )
    gold = answers[["essay_id", "score"]]
    return read_back(answers, sample, gold, bad_value="six")


def patent_phrases(rng: np.random.Generator, n: int = 60) -> Synth:
    ids = hex_ids(rng, n, 16)
    answers = pd.DataFrame(
        {
            "id": ids,
            "anchor": ["abatement"] * n,
            "target": [f"phrase {i}" for i in range(n)],
            "context": rng.choice(["A47", "F16", "H04"], n),
            "score": rng.choice([0.0, 0.25, 0.5, 0.75, 1.0], n),
        }
    )
    sample = pd.DataFrame({"id": ids, "score": 0})
    gold = answers[["id", "score"]]
    return read_back(answers, sample, gold, bad_value="high")


def google_quest(rng: np.random.Generator, n: int = 50) -> Synth:
    spec = get_competition("google-quest-challenge").grading
    assert spec is not None
    targets = spec.target_columns
    ids = rng.permutation(np.arange(100, 100 + 7 * n, 7))  # ints, not in sorted order
    answers = pd.DataFrame({"qa_id": ids})
    for col in targets:  # ratings in thirds, never constant
        values = rng.integers(0, 4, n) / 3
        values[:2] = [0.0, 1.0]
        answers[col] = values
    sample = pd.DataFrame({"qa_id": ids, **{c: np.linspace(0, 1, n) for c in targets}})
    return read_back(answers, sample, answers, bad_value="x")


def ai4code(rng: np.random.Generator, n: int = 40) -> Synth:
    ids = hex_ids(rng, n, 14)
    orders = []
    for _ in range(n):
        cells = hex_ids(rng, int(rng.integers(2, 12)), 8)
        orders.append(" ".join(cells))
    answers = pd.DataFrame({"id": ids, "cell_order": orders})
    shuffled = [
        " ".join(rng.permutation(o.split())) for o in orders
    ]  # cells as the JSON lists them
    sample = pd.DataFrame({"id": ids, "cell_order": shuffled})
    return read_back(answers, sample, answers, bad_value="deadbeef")


def nfl_contact(rng: np.random.Generator, n: int = 80) -> Synth:
    ids = [
        f"58168_003392_{int(s)}_{int(a)}_{'G' if g else int(b)}"
        for s, a, b, g in zip(
            rng.integers(0, 200, n),
            rng.integers(35000, 48000, n),
            rng.integers(35000, 48000, n),
            rng.random(n) < 0.1,
            strict=True,
        )
    ]
    ids = list(dict.fromkeys(ids))
    n = len(ids)
    contact = (rng.random(n) < 0.2).astype(int)
    contact[:2] = [0, 1]
    answers = pd.DataFrame(
        {"contact_id": ids, "game_play": "58168_003392", "step": 0, "contact": contact}
    )
    sample = pd.DataFrame({"contact_id": ids, "contact": 0})
    gold = answers[["contact_id", "contact"]]
    return read_back(answers, sample, gold, bad_value=0.5)


BUILDERS = {
    "aptos2019-blindness-detection": aptos,
    "learning-agency-lab-automated-essay-scoring-2": essay_scoring,
    "us-patent-phrase-to-phrase-matching": patent_phrases,
    "google-quest-challenge": google_quest,
    "AI4Code": ai4code,
    "nfl-player-contact-detection": nfl_contact,
}


def build(cid: str, seed: int = 0) -> Synth:
    return BUILDERS[cid](np.random.default_rng(seed))
