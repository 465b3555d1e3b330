"""Synthetic answers and sample submissions for the text competitions, in each competition's
real format (columns, id formats, constant or redacted sample predictions from the specs)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .common import hex_ids
from .synth_io import Synth, read_back

WORDS = ["the", "a", "market", "rose", "by", "3.5", "%", "on", "Monday", ",", '"', "said", "Smith",
         "after", "shares", "in", "London", "fell", "."]  # fmt: skip
HINDI = ["भारत", "की", "राजधानी", "नई", "दिल्ली", "है", "१९४७", "में"]
TAMIL = ["சென்னை", "தமிழ்நாடு", "தலைநகரம்", "ஆகும்", "1956"]


def _sentence(rng: np.random.Generator, low: int = 4, high: int = 14) -> list[str]:
    return list(rng.choice(WORDS, int(rng.integers(low, high))))


def billion_words(rng: np.random.Generator, n: int = 50) -> Synth:
    sentences = [_sentence(rng) for _ in range(n)]
    redacted = []
    for words in sentences:
        drop = int(rng.integers(1, len(words) - 1))  # never the first or last word
        redacted.append(" ".join(words[:drop] + words[drop + 1 :]))
    answers = pd.DataFrame({"id": np.arange(n), "sentence": [" ".join(w) for w in sentences]})
    sample = pd.DataFrame({"id": np.arange(n), "sentence": redacted})
    return read_back(answers, sample, answers, bad_value=5)


def inchi(rng: np.random.Generator, n: int = 40) -> Synth:
    formulas = [
        f"InChI=1S/C{rng.integers(5, 30)}H{rng.integers(5, 40)}N{rng.integers(0, 5)}O{rng.integers(0, 6)}"
        f"/c1-{rng.integers(2, 9)}-{rng.integers(10, 20)}(2){rng.integers(3, 9)}-7-11/h3-8H,1-2H3"
        for _ in range(n)
    ]
    ids = hex_ids(rng, n, 12)
    answers = pd.DataFrame({"image_id": ids, "InChI": formulas})
    sample = answers.assign(InChI="InChI=1S/H2O/h1H2")
    return read_back(answers, sample, answers, bad_value=12)


def gestures(rng: np.random.Generator, n: int = 30) -> Synth:
    ids = [f"{i:04d}" for i in range(300, 300 + n)]  # zero-padded; the CSV reader makes ints
    truth = [" ".join(str(g) for g in rng.integers(1, 21, int(rng.integers(8, 13)))) for _ in ids]
    answers = pd.DataFrame({"Id": ids, "Sequence": truth})
    permutations = [" ".join(str(g) for g in rng.permutation(np.arange(1, 21))) for _ in ids]
    sample = pd.DataFrame({"Id": ids, "Sequence": permutations})
    return read_back(answers, sample, answers, bad_value="3.0 4")


def chaii(rng: np.random.Generator, n: int = 40) -> Synth:
    vocab = HINDI + TAMIL + ["Dummy", "TEXT"]
    answers = pd.DataFrame(
        {
            "id": hex_ids(rng, n, 9),
            "PredictionString": [
                " ".join(rng.choice(vocab, int(rng.integers(1, 4)))) for _ in range(n)
            ],
        }
    )
    sample = answers.assign(PredictionString="dummy text")
    return read_back(answers, sample, answers, bad_value=1947)


def tweets(rng: np.random.Generator, n: int = 50) -> Synth:
    texts = [" ".join(_sentence(rng, 3, 12)) for _ in range(n)]
    selected = []
    for text in texts:
        words = text.split()
        start = int(rng.integers(0, len(words)))
        selected.append(" ".join(words[start : start + int(rng.integers(1, 4))]))
    answers = pd.DataFrame(
        {
            "textID": hex_ids(rng, n, 10),
            "text": texts,
            "selected_text": selected,
            "sentiment": rng.choice(["positive", "negative", "neutral"], n),
        }
    )
    sample = answers[["textID"]].assign(selected_text="")
    gold = answers[["textID", "selected_text"]]
    return read_back(answers, sample, gold, bad_value=42)


BUILDERS = {
    "billion-word-imputation": billion_words,
    "bms-molecular-translation": inchi,
    "multi-modal-gesture-recognition": gestures,
    "chaii-hindi-and-tamil-question-answering": chaii,
    "tweet-sentiment-extraction": tweets,
}


def build(cid: str, seed: int = 0) -> Synth:
    return BUILDERS[cid](np.random.default_rng(seed))
