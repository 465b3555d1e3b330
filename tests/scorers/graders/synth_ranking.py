"""Synthetic answers and sample submissions for the ranking competitions, in each
competition's real format (columns, id formats, constant sample predictions from the specs)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mle_inspect.competitions import get_competition

from .common import hex_ids
from .synth_io import Synth, read_back

WHALE_SAMPLE = "new_whale w_1287fbc w_98baff9 w_7554f44 w_1eafe46"
HOTEL_SAMPLE = "36363 53586 18807 64314 60181"


def whales(rng: np.random.Generator, n: int = 60) -> Synth:
    images = [f"{h}.jpg" for h in hex_ids(rng, n, 8)]
    pool = WHALE_SAMPLE.split() + [f"w_{h}" for h in hex_ids(rng, 15, 7)]
    answers = pd.DataFrame({"Image": images, "Id": rng.choice(pool, n)})
    sample = answers.assign(Id=WHALE_SAMPLE)
    return read_back(answers, sample, answers, bad_value=3)


def hotels(rng: np.random.Generator, n: int = 60) -> Synth:
    images = [f"{h}.jpg" for h in hex_ids(rng, n, 16)]
    pool = [int(h) for h in HOTEL_SAMPLE.split()] + list(rng.integers(100, 99999, 20))
    answers = pd.DataFrame(
        {
            "image": images,
            "chain": rng.integers(0, 90, n),
            "hotel_id": rng.choice(pool, n),
            "timestamp": "2018-04-18 23:41:42",
        }
    )
    sample = pd.DataFrame({"image": images, "hotel_id": HOTEL_SAMPLE})
    gold = answers[["image", "hotel_id"]]
    return read_back(answers, sample, gold, bad_value=1.5)


def fashion(rng: np.random.Generator, n: int = 50, extra: int = 30) -> Synth:
    customers = hex_ids(rng, n + extra, 64)
    articles = rng.integers(108775015, 959461001, 40)
    buyers = sorted(customers[:n])
    bought = [
        " ".join(str(a) for a in rng.choice(articles, int(rng.integers(1, 6)))) for _ in buyers
    ]
    answers = pd.DataFrame({"customer_id": buyers, "prediction": bought})
    # Kaggle's sample: every customer, the same 12 zero-padded article ids
    padded = " ".join(f"0{a}" for a in articles[:12])
    sample = pd.DataFrame({"customer_id": customers, "prediction": padded})
    # answers keep repeat purchases; the best submission lists each article once
    gold = answers.assign(prediction=[" ".join(dict.fromkeys(b.split())) for b in bought])
    return read_back(answers, sample, gold, bad_value=7)


def freesound(rng: np.random.Generator, n: int = 40) -> Synth:
    spec = get_competition("freesound-audio-tagging-2019").grading
    assert spec is not None
    classes = spec.target_columns
    truth = np.zeros((n, len(classes)), dtype=int)
    for row in truth:
        row[rng.choice(len(classes), int(rng.integers(1, 4)), replace=False)] = 1
    fnames = [f"{h}.wav" for h in hex_ids(rng, n, 8)]
    answers = pd.DataFrame(truth, columns=classes).assign(fname=fnames)[["fname", *classes]]
    sample = answers.copy()
    sample[classes] = 0
    return read_back(answers, sample, answers, bad_value="x")


BUILDERS = {
    "whale-categorization-playground": whales,
    "hotel-id-2021-fgvc8": hotels,
    "h-and-m-personalized-fashion-recommendations": fashion,
    "freesound-audio-tagging-2019": freesound,
}


def build(cid: str, seed: int = 0) -> Synth:
    return BUILDERS[cid](np.random.default_rng(seed))
