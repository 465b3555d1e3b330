"""Synthetic answers and sample submissions for the accuracy and ROC AUC competitions.

Each builder returns frames in the competition's real file format (column names, id formats,
label vocabularies and the sample submission's constant, per ../shared/reference/specs).
Tests write them to CSV and read them back, so the graders see what pandas parses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .common import csv_roundtrip, hex_ids, roundtrip


@dataclass(frozen=True)
class Synth:
    answers: pd.DataFrame
    sample: pd.DataFrame
    gold: pd.DataFrame
    """The answers in submission form: scores the best possible value."""
    id_column: str
    pred_columns: list[str]
    notes: dict[str, object] = field(default_factory=dict)


def _hex(rng: np.random.Generator, n: int, width: int) -> list[str]:
    """Hex ids (numeric-looking ones allowed) in an order shuffled by ``rng``."""
    return sorted(hex_ids(rng, n, width, text_only=False), key=lambda _: rng.random())


def _binary(rng: np.random.Generator, n: int) -> np.ndarray:
    labels = rng.integers(0, 2, n)
    labels[:2] = [0, 1]  # both classes always present
    return labels


def _labels(rng: np.random.Generator, vocabulary: list, n: int) -> list:
    picks = [vocabulary[i % len(vocabulary)] for i in range(n)]
    rng.shuffle(picks)
    return picks


# ---------------------------------------------------------------------------------- accuracy

SPEECH_WORDS = (
    "bed bird cat dog down eight five four go happy house left marvin nine no off on one "
    "right seven sheila six stop three tree two up wow yes zero _background_noise_"
).split()
PADDY_CLASSES = (
    "bacterial_leaf_blight bacterial_leaf_streak bacterial_panicle_blight blast brown_spot "
    "dead_heart downy_mildew hispa normal tungro"
).split()


def _simple(
    id_column: str, ids: list, target: str, labels: list, constant: object, **extra: list
) -> Synth:
    answers = pd.DataFrame({id_column: ids, **extra, target: labels})
    sample = pd.DataFrame({id_column: ids, target: [constant] * len(ids)})
    return Synth(answers, sample, answers[[id_column, target]].copy(), id_column, [target])


def cassava(rng: np.random.Generator, n: int) -> Synth:
    ids = [f"{i}.jpg" for i in rng.choice(10**9, n, replace=False) + 10**9]
    return _simple("image_id", ids, "label", _labels(rng, [0, 1, 2, 3, 4], n), 4)


def cdiscount(rng: np.random.Generator, n: int) -> Synth:
    ids = sorted(rng.choice(10**7, n, replace=False).tolist())
    categories = [1000010653, 1000004079, 1000018290, 1000010538]
    return _simple("_id", ids, "category_id", _labels(rng, categories, n), 1000010653)


def iwildcam(rng: np.random.Generator, n: int) -> Synth:
    ids = [f"{h[:8]}-21bc-11ea-a13a-{h[8:]}" for h in _hex(rng, n, 20)]
    synth = _simple("Id", ids, "Category", _labels(rng, [0, 3, 8, 372, 675], n), 0)
    synth.sample["Category"] = np.random.default_rng(0).integers(0, 676, n)
    return synth


def tabular_dec(rng: np.random.Generator, n: int) -> Synth:
    ids = rng.choice(4_000_000, n, replace=False).tolist()
    features = {"Elevation": rng.integers(2000, 3500, n).tolist()}
    return _simple("Id", ids, "Cover_Type", _labels(rng, [1, 2, 2, 2, 3, 7], n), 2, **features)


def speech(rng: np.random.Generator, n: int) -> Synth:
    ids = [f"clip_{i:08d}.wav" for i in range(n)]
    return _simple("fname", ids, "label", _labels(rng, SPEECH_WORDS, n), "silence")


def text_normalization(rng: np.random.Generator, n: int) -> Synth:
    """``after`` is often ``before``; some answers are empty (NA-like tokens lost their text)."""
    ids = [f"{s}_{t}" for s in range(n // 4 + 1) for t in range(4)][:n]
    before = _labels(rng, ["the", "2009", "Mr.", "NA", "null", ",", "3 kg", "о"], n)
    spoken = {"2009": "two thousand nine", "Mr.": "mister", "3 kg": "three kilograms"}
    after = [
        "" if b in ("NA", "null") else spoken.get(b, b) if rng.random() < 0.8 else b for b in before
    ]
    answers = pd.DataFrame({"id": ids, "after": after})
    sample = pd.DataFrame({"id": ids, "after": ["" if b in ("NA", "null") else b for b in before]})
    return Synth(answers, sample, answers.copy(), "id", ["after"])


def ml2021(rng: np.random.Generator, n: int) -> Synth:
    return _simple("Id", list(range(n)), "ClassId", _labels(rng, list(range(39)), n), 0)


def movie_review(rng: np.random.Generator, n: int) -> Synth:
    ids = rng.choice(156_061, n, replace=False) + 1
    extra = {"SentenceId": (ids // 30).tolist(), "Phrase": [f"phrase {i}" for i in ids]}
    labels = _labels(rng, [0, 1, 2, 2, 3, 4], n)
    synth = _simple("PhraseId", ids.tolist(), "Sentiment", labels, 2, **extra)
    return synth


def paddy(rng: np.random.Generator, n: int) -> Synth:
    ids = [f"{i}.jpg" for i in rng.choice(900_000, n, replace=False) + 100_000]
    extra = {"variety": ["ADT45"] * n, "age": rng.integers(45, 82, n).tolist()}
    synth = _simple("image_id", ids, "label", _labels(rng, PADDY_CLASSES, n), "", **extra)
    synth.answers.insert(1, "label", synth.answers.pop("label"))
    return synth


def spaceship(rng: np.random.Generator, n: int) -> Synth:
    ids = [
        f"{g:04d}_{p:02d}"
        for g, p in zip(rng.choice(9280, n, replace=False), rng.integers(1, 4, n), strict=True)
    ]
    extra = {
        "HomePlanet": _labels(rng, ["Earth", "Europa", "Mars"], n),
        "Age": rng.integers(0, 80, n).tolist(),
    }
    return _simple(
        "PassengerId", ids, "Transported", [bool(v) for v in _binary(rng, n)], False, **extra
    )


def inaturalist(rng: np.random.Generator, n: int) -> Synth:
    ids = rng.choice(300_000, n, replace=False).tolist()
    classes = list(range(0, 1010, 37)) + [654]
    return _simple("id", ids, "predicted", _labels(rng, classes, n), 654)


# ----------------------------------------------------------------------------------- ROC AUC


def _binary_case(
    id_column: str, ids: list, target: str, labels: np.ndarray, constant: float, **extra: list
) -> Synth:
    answers = pd.DataFrame({id_column: ids, **extra, target: labels})
    sample = pd.DataFrame({id_column: ids, target: constant})
    return Synth(answers, sample, answers[[id_column, target]].copy(), id_column, [target])


def cactus(rng: np.random.Generator, n: int) -> Synth:
    ids = [f"{h}.jpg" for h in _hex(rng, n, 32)]
    return _binary_case("id", ids, "has_cactus", _binary(rng, n), 0.5)


def insults(rng: np.random.Generator, n: int) -> Synth:
    """Comment text is the id and repeats (with different labels for one repeated text)."""
    texts = [f'"comment number {i}, you are {rng.choice(["kind", "an idiot"])}"' for i in range(n)]
    texts[3] = texts[1] = texts[5] = '"you idiot"'
    texts[7] = texts[8] = '"ok"'
    labels = _binary(rng, n)
    labels[[1, 3, 5]] = [1, 0, 1]
    dates = [f"201206{rng.integers(10, 30)}192155Z" if rng.random() < 0.7 else "" for _ in range(n)]
    answers = pd.DataFrame(
        {"Insult": labels, "Date": dates, "Comment": texts, "Usage": "PrivateTest"}
    )
    gold = answers[["Insult", "Date", "Comment"]].copy()
    sample = gold.assign(Insult=0)
    return Synth(answers, sample, gold, "Comment", ["Insult"])


def histopathology(rng: np.random.Generator, n: int) -> Synth:
    return _binary_case("id", _hex(rng, n, 40), "label", _binary(rng, n), 0)


def mlsp_birds(rng: np.random.Generator, n: int) -> Synth:
    recordings = sorted(rng.choice(322, max(2, n // 19), replace=False).tolist())
    ids = [r * 100 + s for r in recordings for s in range(19)]
    return _binary_case("Id", ids, "Probability", _binary(rng, len(ids)), 0)


def pizza(rng: np.random.Generator, n: int) -> Synth:
    ids = [f"t3_{h}" for h in _hex(rng, n, 5)]
    return _binary_case("request_id", ids, "requester_received_pizza", _binary(rng, n), 0)


def brain_tumor(rng: np.random.Generator, n: int) -> Synth:
    ids = [f"{i:05d}" for i in sorted(rng.choice(1010, n, replace=False))]
    return _binary_case("BraTS21ID", ids, "MGMT_value", _binary(rng, n), 0.5)


def seti(rng: np.random.Generator, n: int) -> Synth:
    return _binary_case("id", _hex(rng, n, 15), "target", _binary(rng, n), 0.5)


def melanoma(rng: np.random.Generator, n: int) -> Synth:
    ids = [f"ISIC_{i:07d}" for i in rng.choice(10**7, n, replace=False)]
    return _binary_case("image_name", ids, "target", _binary(rng, n), 0)


def tabular_may(rng: np.random.Generator, n: int) -> Synth:
    ids = list(range(800_000, 800_000 + n))
    extra = {"f_00": rng.normal(size=n).round(6).tolist(), "f_27": ["ABABDADBAB"] * n}
    return _binary_case("id", ids, "target", _binary(rng, n), 0.5, **extra)


def right_whale(rng: np.random.Generator, n: int) -> Synth:
    ids = [f"200903{30 + k // (n // 2 + 1)}_{k:06d}_002s3ms_Test{k}.aif" for k in range(n)]
    return _binary_case("clip", ids, "probability", _binary(rng, n), 0)


def invasive(rng: np.random.Generator, n: int) -> Synth:
    ids = (rng.choice(2295, n, replace=False) + 1).tolist()
    return _binary_case("name", ids, "invasive", _binary(rng, n), 0.5)


JIGSAW_CLASSES = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]
PLANT_CLASSES = ["healthy", "multiple_diseases", "rust", "scab"]
RANZCR_CLASSES = [
    "ETT - Abnormal", "ETT - Borderline", "ETT - Normal", "NGT - Abnormal", "NGT - Borderline",
    "NGT - Incompletely Imaged", "NGT - Normal", "CVC - Abnormal", "CVC - Borderline",
]  # fmt: skip
RANZCR_UNSCORED = ["CVC - Normal", "Swan Ganz Catheter Present"]
EC_COLUMNS = [f"EC{i}" for i in range(1, 7)]


def _multilabel(rng: np.random.Generator, n: int, columns: list[str]) -> dict[str, np.ndarray]:
    return {c: _binary(rng, n) for c in columns}


def jigsaw_toxic(rng: np.random.Generator, n: int) -> Synth:
    """Answers mark rows Kaggle did not score with -1 in every class."""
    ids = _hex(rng, n, 16)
    labels = pd.DataFrame(_multilabel(rng, n, JIGSAW_CLASSES))
    unscored = np.zeros(n, dtype=bool)
    unscored[rng.choice(np.arange(6, n), n // 4, replace=False)] = True  # rows 0-5 scored
    labels.loc[unscored, :] = -1
    answers = pd.concat([pd.DataFrame({"id": ids}), labels], axis=1)
    sample = answers.assign(**{c: 0.5 for c in JIGSAW_CLASSES})
    return Synth(answers, sample, answers.copy(), "id", JIGSAW_CLASSES, {"unscored": unscored})


def plant_pathology(rng: np.random.Generator, n: int) -> Synth:
    picks = np.arange(n) % 4
    rng.shuffle(picks)
    onehot = {c: (picks == i).astype(int) for i, c in enumerate(PLANT_CLASSES)}
    answers = pd.DataFrame({"image_id": [f"Test_{i}" for i in range(n)], **onehot})
    sample = answers.assign(**{c: 0.25 for c in PLANT_CLASSES})
    return Synth(answers, sample, answers.copy(), "image_id", PLANT_CLASSES)


def ranzcr(rng: np.random.Generator, n: int) -> Synth:
    ids = [f"1.2.826.0.1.3680043.8.498.{i}" for i in rng.choice(10**11, n, replace=False)]
    labels = _multilabel(rng, n, RANZCR_CLASSES + RANZCR_UNSCORED)
    answers = pd.DataFrame({"StudyInstanceUID": ids, **labels, "PatientID": "ec8a4fba1"})
    sample = answers[["StudyInstanceUID"]].assign(**{c: 0 for c in RANZCR_CLASSES})
    gold = answers[["StudyInstanceUID", *RANZCR_CLASSES]].copy()
    return Synth(answers, sample, gold, "StudyInstanceUID", RANZCR_CLASSES)


def enzymes(rng: np.random.Generator, n: int) -> Synth:
    ids = rng.choice(14_838, n, replace=False).tolist()
    answers = pd.DataFrame(
        {"id": ids, "BertzCT": rng.normal(400, 50, n).round(3), **_multilabel(rng, n, EC_COLUMNS)}
    )
    sample = answers[["id"]].assign(EC1=0.5, EC2=0.5)
    return Synth(answers, sample, answers[["id", "EC1", "EC2"]].copy(), "id", ["EC1", "EC2"])


def alaska2(rng: np.random.Generator, n: int) -> Synth:
    ids = [f"{k:04d}.jpg" for k in range(1, n + 1)]
    return _binary_case("Id", ids, "Label", _binary(rng, n), 0)


JIGSAW_IDENTITIES = [
    "male", "female", "homosexual_gay_or_lesbian", "christian", "jewish", "muslim", "black",
    "white", "psychiatric_or_mental_illness",
]  # fmt: skip


def jigsaw_bias(rng: np.random.Generator, n: int) -> Synth:
    """Fractional toxicity and identity scores (some identities missing), as Kaggle released.

    Every identity gets toxic and non-toxic members and non-members, so every subgroup,
    BPSN and BNSP set holds both classes.
    """
    n = max(n, 4 * len(JIGSAW_IDENTITIES) + 8)
    toxicity = rng.choice([0.0, 0.1, 0.3, 0.5, 0.7, 1.0], n).round(2)
    toxicity[:4] = [0.0, 1.0, 0.2, 0.8]
    identities = {}
    for k, name in enumerate(JIGSAW_IDENTITIES):
        scores = rng.choice([0.0, 0.0, 0.0, 0.2, 0.6, 1.0, np.nan], n)
        members = 4 + 2 * k + np.arange(2)
        scores[members] = 1.0
        toxicity[members] = [0.9, 0.1]
        identities[name] = scores
    answers = pd.DataFrame(
        {"id": rng.choice(10**7, n, replace=False) + 7_000_000, "comment_text": "text",
         "toxicity": toxicity, "severe_toxicity": 0.0, **identities}
    )  # fmt: skip
    sample = answers[["id"]].assign(prediction=0.0)
    gold = answers[["id", "toxicity"]].rename(columns={"toxicity": "prediction"})
    return Synth(answers, sample, gold, "id", ["prediction"])


BUILDERS: dict[str, Callable[[np.random.Generator, int], Synth]] = {
    "cassava-leaf-disease-classification": cassava,
    "cdiscount-image-classification-challenge": cdiscount,
    "iwildcam-2020-fgvc7": iwildcam,
    "tabular-playground-series-dec-2021": tabular_dec,
    "tensorflow-speech-recognition-challenge": speech,
    "text-normalization-challenge-english-language": text_normalization,
    "text-normalization-challenge-russian-language": text_normalization,
    "ml2021spring-hw2": ml2021,
    "movie-review-sentiment-analysis-kernels-only": movie_review,
    "paddy-disease-classification": paddy,
    "spaceship-titanic": spaceship,
    "inaturalist-2019-fgvc6": inaturalist,
    "aerial-cactus-identification": cactus,
    "detecting-insults-in-social-commentary": insults,
    "histopathologic-cancer-detection": histopathology,
    "mlsp-2013-birds": mlsp_birds,
    "random-acts-of-pizza": pizza,
    "rsna-miccai-brain-tumor-radiogenomic-classification": brain_tumor,
    "seti-breakthrough-listen": seti,
    "siim-isic-melanoma-classification": melanoma,
    "tabular-playground-series-may-2022": tabular_may,
    "the-icml-2013-whale-challenge-right-whale-redux": right_whale,
    "invasive-species-monitoring": invasive,
    "jigsaw-toxic-comment-classification-challenge": jigsaw_toxic,
    "plant-pathology-2020-fgvc7": plant_pathology,
    "ranzcr-clip-catheter-line-classification": ranzcr,
    "playground-series-s3e18": enzymes,
    "alaska2-image-steganalysis": alaska2,
    "jigsaw-unintended-bias-in-toxicity-classification": jigsaw_bias,
}

ACCURACY_IDS = list(BUILDERS)[:12]
AUC_IDS = list(BUILDERS)[12:]


def make(competition_id: str, n: int = 48, seed: int = 0) -> Synth:
    return BUILDERS[competition_id](np.random.default_rng(seed), n)


def score_frames(competition_id: str, answers: pd.DataFrame, submission: pd.DataFrame) -> float:
    """Grade as the harness does: answers via ``pd.read_csv``, the submission via
    ``read_submission_csv``, both from the CSV text of the frames."""
    from mle_inspect.scorers import score_submission

    return score_submission(competition_id, roundtrip(submission), csv_roundtrip(answers))


def merged(synth: Synth, submission: pd.DataFrame) -> pd.DataFrame:
    """Truth and prediction side by side, paired by id (suffixes ``_true`` / ``_pred``)."""
    return synth.answers.merge(
        submission, on=synth.id_column, suffixes=("_true", "_pred"), validate="one_to_one"
    )


MALFORMED = [
    "missing_prediction_column",
    "missing_id_column",
    "missing_row",
    "extra_row",
    "duplicate_id",
    "unknown_id",
    "empty",
]
"""Ways a submission's rows or columns can be wrong, for every competition here."""


def malformed(kind: str, synth: Synth) -> pd.DataFrame:
    """The gold submission broken in one of the ``MALFORMED`` ways."""
    gold, id_column = synth.gold, synth.id_column
    if kind == "missing_prediction_column":
        return gold.drop(columns=[synth.pred_columns[0]])
    if kind == "missing_id_column":
        return gold.drop(columns=[id_column])
    if kind == "missing_row":
        return gold.iloc[1:]
    if kind == "extra_row":
        return pd.concat([gold, gold.iloc[:1]])
    if kind == "duplicate_id":
        return pd.concat([gold.iloc[1:], gold.iloc[1:2]])
    if kind == "unknown_id":
        frame = gold.astype({id_column: object})
        frame.iloc[0, frame.columns.get_loc(id_column)] = "no-such-id"
        return frame
    if kind == "empty":
        return gold.iloc[:0]
    raise AssertionError(kind)
