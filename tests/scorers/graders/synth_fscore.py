"""Synthetic answers and sample submissions for the F-score competitions, in each
competition's real format (columns, id formats, label vocabularies from the specs)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from .common import csv_roundtrip, hex_ids, roundtrip
from .synth_io import Synth, read_back

SEEDLING_SPECIES = [
    "Black-grass", "Charlock", "Cleavers", "Common Chickweed", "Common wheat", "Fat Hen",
    "Loose Silky-bent", "Maize", "Scentless Mayweed", "Shepherds Purse",
    "Small-flowered Cranesbill", "Sugar beet",
]  # fmt: skip
PATHOLOGY_LABELS = ["healthy", "scab", "frog_eye_leaf_spot", "rust", "complex", "powdery_mildew"]
TAGS = ["javascript", "c#", "python", "php", "java", "android", "jquery", "c++", "html", ".net",
        "ios", "mysql", "css", "sql", "asp.net", "objective-c", "ruby-on-rails", "iphone"]  # fmt: skip


def _herbarium(rng: np.random.Generator, n: int, sample_label: int) -> Synth:
    answers = pd.DataFrame({"Id": np.arange(n), "Predicted": rng.integers(0, 25, n) * 7})
    sample = answers.assign(Predicted=sample_label)
    return read_back(answers, sample, answers, bad_value="oak")


def herbarium_2020(rng: np.random.Generator, n: int = 80) -> Synth:
    return _herbarium(rng, n, 0)


def herbarium_2021(rng: np.random.Generator, n: int = 80) -> Synth:
    return _herbarium(rng, n, 0)


def herbarium_2022(rng: np.random.Generator, n: int = 80) -> Synth:
    return _herbarium(rng, n, 42)


def iwildcam_2019(rng: np.random.Generator, n: int = 80) -> Synth:
    ids = [f"{h[:8]}-23d2-11e8-a6a3-{h[8:]}" for h in hex_ids(rng, n, 20)]
    category = rng.choice([0, 1, 3, 4, 8, 10, 11, 13, 14, 16, 17, 19, 22], n)
    answers = pd.DataFrame({"Id": ids, "Category": category})
    # the original sample submission was written with its index: a leading unnamed column
    sample = pd.DataFrame({"Id": ids, "Category": 0}, index=rng.permutation(10 * n)[:n])
    sample = pd.read_csv(io.StringIO(sample.to_csv(index=True)))
    return Synth(csv_roundtrip(answers), sample, roundtrip(answers), bad_value="deer")


def plant_seedlings(rng: np.random.Generator, n: int = 70) -> Synth:
    files = [f"{h}.png" for h in hex_ids(rng, n, 9)]
    answers = pd.DataFrame({"file": files, "species": rng.choice(SEEDLING_SPECIES, n)})
    sample = answers.assign(species="Sugar beet")
    return read_back(answers, sample, answers, bad_value=3)


def _label_sets(rng: np.random.Generator, vocab: list[str], n: int, most: int) -> list[str]:
    return [
        " ".join(rng.choice(vocab, int(rng.integers(1, most + 1)), replace=False)) for _ in range(n)
    ]


def facebook_keywords(rng: np.random.Generator, n: int = 60) -> Synth:
    ids = rng.permutation(np.arange(6_000_000, 6_000_000 + 30 * n, 30))
    answers = pd.DataFrame(
        {
            "Id": ids,
            "Title": [f"How do I fix error {i}?" for i in range(n)],
            "Body": [f"<p>My code fails with error {i}.</p>" for i in range(n)],
            "Tags": _label_sets(rng, TAGS, n, 4),
        }
    )
    sample = answers[["Id", "Title", "Body"]].assign(Tags="javascript c# python php java")
    gold = answers[["Id", "Tags"]]
    return read_back(answers, sample, gold, bad_value=7)


def imet(rng: np.random.Generator, n: int = 60) -> Synth:
    vocab = [str(v) for v in rng.choice(3400, 40, replace=False)]
    answers = pd.DataFrame(
        {"id": hex_ids(rng, n, 32), "attribute_ids": _label_sets(rng, vocab, n, 5)}
    )
    sample = answers.assign(attribute_ids="0 1 2")
    return read_back(answers, sample, answers, bad_value=448)


def plant_pathology(rng: np.random.Generator, n: int = 60) -> Synth:
    images = [f"{h}.jpg" for h in hex_ids(rng, n, 16)]
    answers = pd.DataFrame({"image": images, "labels": _label_sets(rng, PATHOLOGY_LABELS, n, 2)})
    sample = answers.assign(labels="healthy")
    return read_back(answers, sample, answers, bad_value=1)


def rsna_mammography(rng: np.random.Generator, n: int = 80) -> Synth:
    patients = rng.choice(np.arange(10000, 65000), n // 2, replace=False)
    ids = sorted(f"{p}_{side}" for p in patients for side in "LR")
    cancer = (rng.random(len(ids)) < 0.15).astype(int)
    cancer[:2] = [0, 1]
    answers = pd.DataFrame({"prediction_id": ids, "cancer": cancer})
    sample = answers.assign(cancer=0.021226415094339621)  # mean of a train label column
    return read_back(answers, sample, answers, bad_value="yes")


BUILDERS = {
    "herbarium-2020-fgvc7": herbarium_2020,
    "herbarium-2021-fgvc8": herbarium_2021,
    "herbarium-2022-fgvc9": herbarium_2022,
    "iwildcam-2019-fgvc6": iwildcam_2019,
    "plant-seedlings-classification": plant_seedlings,
    "facebook-recruiting-iii-keyword-extraction": facebook_keywords,
    "imet-2020-fgvc7": imet,
    "plant-pathology-2021-fgvc8": plant_pathology,
    "rsna-breast-cancer-detection": rsna_mammography,
}


def build(cid: str, seed: int = 0) -> Synth:
    return BUILDERS[cid](np.random.default_rng(seed))
