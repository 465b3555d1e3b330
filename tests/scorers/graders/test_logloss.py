"""Graders of the log-loss and divergence competitions: best, sample and random submissions
score what an independent computation says; malformed ones are InvalidSubmission."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.stats import entropy
from sklearn.metrics import log_loss

from mle_inspect.competitions import get_competition
from mle_inspect.scorers import InvalidSubmission
from mle_inspect.scorers.metrics import get_metric

from .synth_logloss import (
    BUILDERS,
    Case,
    check_reference,
    check_row_order,
    fresh_case,
    malformed,
    malformed_params,
    score_case,
)

IDS = sorted(BUILDERS)


def _case(cid: str) -> Case:
    return fresh_case(BUILDERS[cid])


# ------------------------------------------------------------------ independent references


def _merge(case: Case, sub: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return case.answers.merge(
        sub[[case.id_column, *columns]], on=case.id_column, suffixes=("", "_p")
    )


def _ref_sklearn_log_loss(case: Case, sub: pd.DataFrame) -> float:
    """scikit-learn's log_loss (machine-epsilon clipping since 1.5, like the reference env)."""
    columns = case.pred_columns
    merged = _merge(case, sub, columns)
    if len(columns) == 1:
        return log_loss(merged[columns[0]], merged[f"{columns[0]}_p"], labels=[0, 1])
    labels = merged[columns].to_numpy().argmax(axis=1)
    probs = merged[[f"{c}_p" for c in columns]].to_numpy()
    return log_loss(labels, probs, labels=list(range(len(columns))))


def _ref_rsna(case: Case, sub: pd.DataFrame) -> float:
    merged = _merge(case, sub, ["fractured"])
    study_losses = []
    for _, study in merged.groupby("StudyInstanceUID"):
        total = weight_sum = 0.0
        for _, row in study.iterrows():
            y, p = row["fractured"], min(max(row["fractured_p"], 1e-15), 1 - 1e-15)
            weight = (7 if row["prediction_type"] == "patient_overall" else 1) * (2 if y else 1)
            total += weight * -(y * math.log(p) + (1 - y) * math.log(1 - p))
            weight_sum += weight
        study_losses.append(total / weight_sum)
    return float(np.mean(study_losses))


def _ref_hms(case: Case, sub: pd.DataFrame) -> float:
    """Rows in test order: row i of the submission is row i of the answers."""
    targets = case.pred_columns
    truth = case.answers[targets].to_numpy(float)
    pred = np.clip(sub[targets].to_numpy(float), 1e-15, 1 - 1e-15)
    return float(np.mean([entropy(t, p) for t, p in zip(truth, pred, strict=True)]))


REFERENCE = {
    "dogs-vs-cats-redux-kernels-edition": _ref_sklearn_log_loss,
    "statoil-iceberg-classifier-challenge": _ref_sklearn_log_loss,
    "dog-breed-identification": _ref_sklearn_log_loss,
    "leaf-classification": _ref_sklearn_log_loss,
    "spooky-author-identification": _ref_sklearn_log_loss,
    "lmsys-chatbot-arena": _ref_sklearn_log_loss,
    "rsna-2022-cervical-spine-fracture-detection": _ref_rsna,
    "hms-harmful-brain-activity-classification": _ref_hms,
}


def _noisy(case: Case, rng: np.random.Generator) -> pd.DataFrame:
    """A valid imperfect submission: the truth blended with random probabilities."""
    sub = case.gold.copy()
    columns = case.pred_columns
    if len(columns) == 1:
        sub[columns[0]] = np.clip(0.1 + 0.8 * sub[columns[0]] + rng.normal(0, 0.1, len(sub)), 0, 1)
        sub.loc[0, columns[0]] = 0.0  # exact 0 and 1 exercise the clipping
        sub.loc[1, columns[0]] = 1.0
    else:
        mixed = 0.6 * sub[columns].to_numpy() + 0.4 * rng.dirichlet(np.ones(len(columns)), len(sub))
        sub[columns] = mixed / mixed.sum(axis=1, keepdims=True)
    return sub


# ------------------------------------------------------------------------------- tests


@pytest.mark.parametrize("cid", IDS)
def test_gold_submission_scores_the_best_value(cid: str) -> None:
    case = _case(cid)
    assert score_case(cid, case.gold, case) == pytest.approx(case.best, abs=1e-9)


@pytest.mark.parametrize("cid", IDS)
@pytest.mark.parametrize("which", ["sample", "noisy"])
def test_submission_scores_what_an_independent_computation_says(cid: str, which: str) -> None:
    case = _case(cid)
    sub = case.sample if which == "sample" else _noisy(case, np.random.default_rng(1))
    check_reference(REFERENCE[cid], cid, sub, case)


@pytest.mark.parametrize(
    "cid",
    [
        "dogs-vs-cats-redux-kernels-edition",
        "statoil-iceberg-classifier-challenge",
        "dog-breed-identification",
        "leaf-classification",
        "lmsys-chatbot-arena",
        "rsna-2022-cervical-spine-fracture-detection",
    ],
)
def test_sample_submission_scores_the_registry_value(cid: str) -> None:
    """Uniform predictions score ln(classes): the figure MLE-bench's own tests pin."""
    case = _case(cid)
    assert score_case(cid, case.sample, case) == get_competition(cid).sample_submission_score


@pytest.mark.parametrize("cid", [c for c in IDS if _case(c).shuffle_invariant])
def test_row_order_does_not_change_the_score(cid: str) -> None:
    case = _case(cid)
    sub = _noisy(case, np.random.default_rng(2))
    check_row_order(cid, sub, case)


@pytest.mark.parametrize(("cid", "kind"), malformed_params(BUILDERS))
def test_malformed_submission_is_invalid(cid: str, kind: str) -> None:
    case = _case(cid)
    sub = malformed(case, kind)
    assert sub is not None
    if kind == "extra_column" and case.extra_column_ok:
        assert score_case(cid, sub, case) == score_case(cid, case.sample, case)
        return
    with pytest.raises(InvalidSubmission):
        score_case(cid, sub, case)


def test_spooky_refuses_an_id_that_is_not_the_first_column() -> None:
    cid = "spooky-author-identification"
    case = _case(cid)
    moved = case.sample[["EAP", "HPL", "MWS", "id"]]
    with pytest.raises(InvalidSubmission, match="first column"):
        score_case(cid, moved, case)
    reordered = case.sample[["id", "MWS", "EAP", "HPL"]]
    assert score_case(cid, reordered, case) == score_case(cid, case.sample, case)


def test_lmsys_row_sums_must_round_to_one_at_six_decimals() -> None:
    cid = "lmsys-chatbot-arena"
    case = _case(cid)
    within_isclose = case.sample.copy()
    within_isclose.loc[0, "winner_tie"] += 4e-6  # np.isclose(atol=1e-6, rtol=1e-5) would pass
    with pytest.raises(InvalidSubmission, match="6 decimals"):
        score_case(cid, within_isclose, case)


def test_dog_breed_row_sums_use_the_isclose_tolerance() -> None:
    cid = "dog-breed-identification"
    case = _case(cid)
    sub = case.sample.copy()
    first = case.pred_columns[0]
    sub.loc[0, first] += 5e-6  # within atol 1e-6 + rtol 1e-5
    assert math.isfinite(score_case(cid, sub, case))
    sub.loc[0, first] += 1e-4
    with pytest.raises(InvalidSubmission, match="sum to 1"):
        score_case(cid, sub, case)


def test_hms_pairs_repeated_eeg_ids_in_file_order() -> None:
    """Rows sharing an eeg_id are matched in order; other eeg_ids may come in any order."""
    cid = "hms-harmful-brain-activity-classification"
    case = _case(cid)
    sub = _noisy(case, np.random.default_rng(4))
    groups = [g for _, g in sub.groupby("eeg_id", sort=False)]
    reordered = pd.concat(groups[::-1], ignore_index=True)
    assert score_case(cid, reordered, case) == score_case(cid, sub, case)


def test_hms_accepts_extra_columns_only_when_they_keep_rows_summing_to_one() -> None:
    cid = "hms-harmful-brain-activity-classification"
    case = _case(cid)
    assert score_case(cid, case.sample.assign(extra=0.0), case) == score_case(
        cid, case.sample, case
    )
    with pytest.raises(InvalidSubmission):
        score_case(cid, case.sample.assign(extra="x"), case)


def test_clipping_is_machine_epsilon_for_sklearn_style_log_loss() -> None:
    """A confident wrong answer costs -ln(eps) = 36.04 (machine eps), not 34.54 (1e-15)."""
    cid = "dogs-vs-cats-redux-kernels-edition"
    case = _case(cid)
    sub = case.gold.assign(label=case.gold["label"].astype(float))
    sub.loc[0, "label"] = 1 - sub.loc[0, "label"]
    expected = -math.log(np.finfo(float).eps) / len(sub)
    assert score_case(cid, sub, case) == pytest.approx(expected, abs=6e-6)


def test_rsna_clips_at_1e_15() -> None:
    cid = "rsna-2022-cervical-spine-fracture-detection"
    case = _case(cid)
    sub = case.gold.copy()
    sub.loc[0, "fractured"] = 1 - sub.loc[0, "fractured"]
    check_reference(_ref_rsna, cid, sub, case)


# ------------------------------------------------------------------------ properties

_probs = arrays(np.float64, st.integers(2, 30), elements=st.floats(0, 1))


@settings(max_examples=60, deadline=None)
@given(_probs, st.integers(0, 2**32 - 1))
def test_logloss_binary_matches_sklearn(p: np.ndarray, seed: int) -> None:
    y = np.random.default_rng(seed).integers(0, 2, len(p))
    expected = log_loss(y, p, labels=[0, 1])
    assert get_metric("logloss_binary").fn(y, p) == pytest.approx(expected, rel=1e-12, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 6), st.integers(2, 20), st.integers(0, 2**32 - 1), st.booleans())
def test_logloss_onehot_matches_sklearn(k: int, n: int, seed: int, sharp: bool) -> None:
    rng = np.random.default_rng(seed)
    probs = rng.dirichlet(np.full(k, 0.05 if sharp else 1.0), n)
    labels = rng.integers(0, k, n)
    onehot = np.eye(k)[labels]
    expected = log_loss(labels, probs, labels=list(range(k)))
    assert get_metric("logloss_onehot").fn(onehot, probs) == pytest.approx(expected, rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 6), st.integers(1, 20), st.integers(0, 2**32 - 1))
def test_kl_divergence_is_nonnegative_and_zero_for_the_truth(k: int, n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    truth = rng.dirichlet(np.full(k, 0.3), n)
    truth[truth < 0.05] = 0.0
    truth = np.where(truth.sum(axis=1, keepdims=True) > 0, truth, 1 / k)
    truth /= truth.sum(axis=1, keepdims=True)
    pred = rng.dirichlet(np.ones(k), n)
    kl = get_metric("kl_divergence").fn
    assert kl(truth, truth) == pytest.approx(0.0, abs=1e-12)
    assert kl(truth, pred) >= -1e-12
    assert kl(truth, pred) == pytest.approx(
        np.mean([entropy(t, q) for t, q in zip(truth, pred, strict=True)])
    )


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 10), st.integers(0, 2**32 - 1))
def test_weighted_multilabel_log_loss_is_a_weighted_mean_of_cell_losses(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, (n, 8)).astype(float)
    p = rng.uniform(0, 1, (n, 8))
    metric = get_metric("weighted_multilabel_log_loss").fn
    cell = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    value = metric(y, p)
    assert cell.min() - 1e-12 <= value <= cell.max() + 1e-12
    order = rng.permutation(n)
    assert metric(y[order], p[order]) == pytest.approx(value, rel=1e-12)
    assert metric(y, y) == pytest.approx(0.0, abs=1e-12)
