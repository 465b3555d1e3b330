"""Synthetic answers and submissions for the log-loss and divergence competitions.

Each builder returns a :class:`Case` in the competition's real format: the columns, id
formats and class vocabularies of ``../shared/reference/specs/<id>.md``, at a small size.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest

from mle_inspect.competitions import get_competition
from mle_inspect.scorers.grading import score_submission

from .common import csv_roundtrip, hex_ids, shuffled


@dataclass
class Case:
    """One competition's synthetic data and what its grader is expected to do with it."""

    answers: pd.DataFrame
    sample: pd.DataFrame
    """The sample submission, built as the competition's prepare step builds it."""
    gold: pd.DataFrame
    """A perfect submission in submission format."""
    best: float
    """The score of ``gold``, worked out by hand."""
    id_column: str | None
    pred_columns: list[str]
    """Prediction columns (corrupted by the malformed-submission tests)."""
    scored_row: int = 0
    """A submission row whose prediction is scored (NaN or text there must be refused)."""
    out_of_range: float | None = None
    """A prediction value the original refused, or None when every finite number is allowed."""
    accepted: set[str] = field(default_factory=set)
    """Malformed kinds the original grader accepted (quirks reproduced on purpose)."""
    extra_column_ok: bool = True
    shuffle_invariant: bool = True
    """The original pairs rows by id (row order of the submission does not matter)."""


def shuffled_hex_ids(rng: np.random.Generator, n: int, width: int) -> list[str]:
    """Hex ids that CSV readers keep as text, in an order shuffled by ``rng``."""
    return sorted(hex_ids(rng, n, width), key=lambda _: rng.random())


def one_hot(labels: np.ndarray, classes: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        (np.asarray(labels)[:, None] == np.arange(len(classes))[None, :]).astype(int),
        columns=classes,
    )


def targets(cid: str) -> list[str]:
    spec = get_competition(cid).grading
    assert spec is not None
    return list(spec.target_columns)


def dogs_vs_cats(rng: np.random.Generator) -> Case:
    n = 40
    answers = pd.DataFrame({"id": np.arange(1, n + 1), "label": rng.integers(0, 2, n)})
    answers.loc[:1, "label"] = [0, 1]
    sample = answers.assign(label=0.5)
    return Case(answers, sample, answers.copy(), 0.0, "id", ["label"], out_of_range=1.5)


def statoil(rng: np.random.Generator) -> Case:
    n = 30
    answers = pd.DataFrame({"id": shuffled_hex_ids(rng, n, 8), "is_iceberg": rng.integers(0, 2, n)})
    answers.loc[:1, "is_iceberg"] = [0, 1]
    sample = answers.assign(is_iceberg=0.5)
    return Case(answers, sample, answers.copy(), 0.0, "id", ["is_iceberg"], out_of_range=-0.1)


def _onehot_case(
    cid: str, ids: list, sample_row: list[float], rng: np.random.Generator, **kwargs: object
) -> Case:
    classes = targets(cid)
    labels = rng.integers(0, len(classes), len(ids))
    answers = pd.concat([pd.DataFrame({"id": ids}), one_hot(labels, classes)], axis=1)
    sample = pd.DataFrame({"id": ids, **{c: sample_row[k] for k, c in enumerate(classes)}})
    gold = answers.astype({c: float for c in classes})
    return Case(answers, sample, gold, 0.0, "id", classes, out_of_range=1.25, **kwargs)  # type: ignore[arg-type]


def dog_breed(rng: np.random.Generator) -> Case:
    k = len(targets("dog-breed-identification"))
    return _onehot_case("dog-breed-identification", shuffled_hex_ids(rng, 25, 32), [1 / k] * k, rng)


def leaf(rng: np.random.Generator) -> Case:
    k = len(targets("leaf-classification"))
    ids = rng.choice(np.arange(1, 1585), 30, replace=False).tolist()
    return _onehot_case("leaf-classification", ids, [1 / k] * k, rng, extra_column_ok=False)


SPOOKY_SAMPLE = [0.403493538995863, 0.287808366106543, 0.308698094897594]


def spooky(rng: np.random.Generator) -> Case:
    ids = [f"id{v:05d}" for v in rng.choice(27971, 30, replace=False)]
    return _onehot_case(
        "spooky-author-identification", ids, SPOOKY_SAMPLE, rng, extra_column_ok=False
    )


def lmsys(rng: np.random.Generator) -> Case:
    cid = "lmsys-chatbot-arena"
    ids = rng.choice(4_294_000_000, 30, replace=False).tolist()
    case = _onehot_case(cid, ids, [0.3333333333333333] * 3, rng)
    n = len(ids)
    text = pd.DataFrame(
        {
            "model_a": rng.choice(["gpt-4-1106-preview", "claude-2.1", "llama-2-70b-chat"], n),
            "model_b": rng.choice(["mixtral-8x7b-instruct-v0.1", "gemini-pro"], n),
            "prompt": [f'["Question {i}, with a comma?"]' for i in range(n)],
            "response_a": [f'["Answer A {i}"]' for i in range(n)],
            "response_b": [f'["Answer B\\n{i}"]' for i in range(n)],
        }
    )
    classes = targets(cid)
    case.answers = pd.concat([case.answers[["id"]], text, case.answers[classes]], axis=1)
    return case


RSNA_TARGETS = ["patient_overall", "C1", "C2", "C3", "C4", "C5", "C6", "C7"]


def rsna_cervical(rng: np.random.Generator) -> Case:
    uids = [f"1.2.826.0.1.3680043.{v}" for v in rng.choice(32000, 12, replace=False)]
    wide = pd.DataFrame(rng.integers(0, 2, (len(uids), 7)), columns=RSNA_TARGETS[1:])
    wide.insert(0, "patient_overall", wide.max(axis=1))
    wide.insert(0, "StudyInstanceUID", uids)
    answers = wide.melt(
        id_vars="StudyInstanceUID", var_name="prediction_type", value_name="fractured"
    )
    answers["row_id"] = answers["StudyInstanceUID"] + "_" + answers["prediction_type"]
    sample = answers[["row_id"]].assign(fractured=0.5)
    gold = answers[["row_id", "fractured"]].astype({"fractured": float})
    return Case(answers, sample, gold, 0.0, "row_id", ["fractured"], out_of_range=2.0)


HMS_TARGETS = ["seizure_vote", "lpd_vote", "gpd_vote", "lrda_vote", "grda_vote", "other_vote"]


def hms(rng: np.random.Generator) -> Case:
    eegs = rng.choice(4_294_000_000, 8, replace=False)
    eeg_id = np.repeat(eegs, rng.integers(1, 4, len(eegs)))  # eeg_id repeats, as in the test set
    n = len(eeg_id)
    votes = rng.integers(0, 4, (n, 6))
    votes[votes.sum(axis=1) == 0, 0] = 3
    answers = pd.DataFrame(
        {
            "eeg_id": eeg_id,
            "eeg_sub_id": np.arange(n),
            "eeg_label_offset_seconds": rng.integers(0, 600, n) * 2.0,
            "spectrogram_id": rng.integers(0, 2**31, n),
            "spectrogram_sub_id": np.arange(n),
            "spectrogram_label_offset_seconds": rng.integers(0, 600, n) * 2.0,
            "label_id": rng.integers(0, 2**31, n),
            "patient_id": rng.integers(0, 65000, n),
            "expert_consensus": "Other",
        }
    )
    answers = pd.concat([answers, pd.DataFrame(votes, columns=HMS_TARGETS)], axis=1)
    sample = pd.DataFrame({"eeg_id": eeg_id, **{c: 1 / 6 for c in HMS_TARGETS}})
    gold = pd.DataFrame(votes / votes.sum(axis=1, keepdims=True), columns=HMS_TARGETS)
    gold.insert(0, "eeg_id", eeg_id)
    return Case(
        answers,
        sample,
        gold,
        0.0,
        "eeg_id",
        HMS_TARGETS,
        out_of_range=1.5,
        extra_column_ok=False,
        shuffle_invariant=False,
    )


BUILDERS: dict[str, Callable[[np.random.Generator], Case]] = {
    "dogs-vs-cats-redux-kernels-edition": dogs_vs_cats,
    "statoil-iceberg-classifier-challenge": statoil,
    "dog-breed-identification": dog_breed,
    "leaf-classification": leaf,
    "spooky-author-identification": spooky,
    "lmsys-chatbot-arena": lmsys,
    "rsna-2022-cervical-spine-fracture-detection": rsna_cervical,
    "hms-harmful-brain-activity-classification": hms,
}


MALFORMED_KINDS = (
    "missing_pred",
    "missing_id",
    "extra_column",
    "wrong_ids",
    "duplicate",
    "wrong_length",
    "nan",
    "text",
    "out_of_range",
    "empty",
)


def malformed(case: Case, kind: str) -> pd.DataFrame | None:
    """The sample submission broken in one way, or None when ``kind`` does not apply."""
    sub = case.sample.copy()
    column, row = case.pred_columns[0], case.scored_row
    if kind == "missing_pred":
        return sub.drop(columns=[column])
    if kind == "missing_id":
        return None if case.id_column is None else sub.drop(columns=[case.id_column])
    if kind == "extra_column":
        return sub.assign(extra=0.25)
    if kind == "wrong_ids":
        ids = sub[case.id_column]
        unknown = ids.max() + 1000 if pd.api.types.is_numeric_dtype(ids) else "zz_not_a_test_id"
        sub[case.id_column] = ids.astype(object).where(sub.index != row, unknown)
        return sub
    if kind == "duplicate":
        return pd.concat([sub, sub.iloc[[0]]], ignore_index=True)
    if kind == "wrong_length":
        return sub.iloc[:-1]
    if kind in ("nan", "text"):
        sub[column] = sub[column].astype(object)
        sub.loc[row, column] = np.nan if kind == "nan" else "abc"
        return sub
    if kind == "out_of_range":
        if case.out_of_range is None:
            return None
        sub[column] = sub[column].astype(float)
        sub.loc[row, column] = case.out_of_range
        return sub
    if kind == "empty":
        return sub.iloc[:0]
    raise ValueError(kind)


@functools.cache
def _built(builder: Callable[[np.random.Generator], Case]) -> Case:
    case = builder(np.random.default_rng(0))
    case.answers = csv_roundtrip(case.answers)
    return case


def fresh_case(builder: Callable[[np.random.Generator], Case]) -> Case:
    """A fresh copy of a competition's synthetic case (each builder runs once per session)."""
    return copy.deepcopy(_built(builder))


def score_case(cid: str, submission: pd.DataFrame, case: Case) -> float:
    """Grade ``submission`` as the harness reads it (a CSV round trip) against the case."""
    return score_submission(cid, csv_roundtrip(submission), case.answers)


def check_reference(
    reference: Callable[[Case, pd.DataFrame], float], cid: str, sub: pd.DataFrame, case: Case
) -> None:
    """The grader's score equals ``reference(case, submission as read)`` to 6e-6."""
    expected = reference(case, csv_roundtrip(sub))
    assert score_case(cid, sub, case) == pytest.approx(expected, abs=6e-6)


def check_row_order(cid: str, sub: pd.DataFrame, case: Case) -> None:
    assert score_case(cid, shuffled(sub), case) == score_case(cid, sub, case)


def malformed_params(builders: dict[str, Callable[[np.random.Generator], Case]]) -> list:
    """(competition, kind) for every malformed kind that applies to the competition's case."""
    return [
        (cid, kind)
        for cid in sorted(builders)
        for kind in MALFORMED_KINDS
        if malformed(fresh_case(builders[cid]), kind) is not None
    ]
