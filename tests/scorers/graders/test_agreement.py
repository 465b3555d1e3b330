"""Agreement and correlation graders: kappa, Pearson, Spearman, Kendall tau, MCC."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import kendalltau

from mle_inspect.scorers import InvalidSubmission, score_submission
from mle_inspect.scorers.metrics import compute

from .common import check_malformed, check_row_order, check_score, columns_of, paired, roundtrip
from .synth_agreement import BUILDERS, build
from .synth_io import MUTATIONS, mutate

CIDS = list(BUILDERS)


def _qwk_by_hand(truth: np.ndarray, pred: np.ndarray) -> float:
    """Quadratic kappa with weights on positions in the sorted label set (sklearn's choice)."""
    labels = np.union1d(truth, pred)
    index = {v: i for i, v in enumerate(labels)}
    k = len(labels)
    observed = np.zeros((k, k))
    for t, p in zip(truth, pred, strict=True):
        observed[index[p], index[t]] += 1
    expected = np.outer(observed.sum(1), observed.sum(0)) / observed.sum()
    i, j = np.indices((k, k))
    weights = (i - j) ** 2
    return 1 - (weights * observed).sum() / (weights * expected).sum()


def _mcc_by_hand(truth: np.ndarray, pred: np.ndarray) -> float:
    tp = float(np.sum((truth == 1) & (pred == 1)))
    tn = float(np.sum((truth == 0) & (pred == 0)))
    fp = float(np.sum((truth == 0) & (pred == 1)))
    fn = float(np.sum((truth == 1) & (pred == 0)))
    denominator = np.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    return 0.0 if denominator == 0 else (tp * tn - fp * fn) / denominator


def _kendall_by_hand(truth: list[str], pred: list[str]) -> float:
    """Pooled over notebooks: inversions recovered from scipy's per-notebook tau."""
    inversions = pairs2 = 0.0
    for t, p in zip(truth, pred, strict=True):
        t_cells, p_cells = t.split(), p.split()
        n = len(t_cells)
        tau = kendalltau(range(n), [p_cells.index(c) for c in t_cells]).statistic
        inversions += (1 - tau) * n * (n - 1) / 4
        pairs2 += n * (n - 1)
    return 1 - 4 * inversions / pairs2


def _random_submission(cid: str, synth, rng: np.random.Generator) -> pd.DataFrame:
    id_col, target = columns_of(cid)
    sub = synth.gold.copy()
    if cid == "us-patent-phrase-to-phrase-matching":
        sub[target] = rng.random(len(sub))
    elif cid == "AI4Code":
        sub[target] = [" ".join(rng.permutation(s.split())) for s in sub[target]]
    elif cid == "google-quest-challenge":
        for col in sub.columns[1:]:
            sub[col] = rng.random(len(sub))
    else:
        truth = sub[target].to_numpy()
        sub[target] = np.where(rng.random(len(sub)) < 0.4, rng.permutation(truth), truth)
    return roundtrip(sub)


def _expected(cid: str, answers: pd.DataFrame, sub: pd.DataFrame) -> float:
    if cid == "google-quest-challenge":
        merged = answers.merge(sub, on="qa_id", suffixes=("", "_pred"))
        cols = [c for c in answers.columns if c != "qa_id"]
        return float(
            np.mean([merged[c].corr(merged[f"{c}_pred"], method="spearman") for c in cols])
        )
    truth, pred = paired(cid, answers, sub)
    if cid == "AI4Code":
        return _kendall_by_hand(list(truth), list(pred))
    if cid == "nfl-player-contact-detection":
        return _mcc_by_hand(truth, pred)
    if cid == "us-patent-phrase-to-phrase-matching":
        return float(np.corrcoef(truth, pred.astype(float))[0, 1])
    return _qwk_by_hand(truth, pred)


@pytest.mark.parametrize("cid", CIDS)
def test_answers_as_submission_score_one(cid: str) -> None:
    synth = build(cid)
    assert score_submission(cid, synth.gold, synth.answers) == 1.0


@pytest.mark.parametrize("cid", CIDS)
def test_sample_submission_scores_what_the_metric_says(cid: str) -> None:
    synth = build(cid)
    if cid == "us-patent-phrase-to-phrase-matching":
        # a constant prediction has no Pearson r: a NaN score on a valid file, as in MLE-bench
        assert math.isnan(score_submission(cid, synth.sample, synth.answers))
        return
    check_score(_expected, cid, synth.sample, synth.answers)


@pytest.mark.parametrize("cid", CIDS)
def test_random_submission_scores_what_the_metric_says(cid: str) -> None:
    synth = build(cid)
    sub = _random_submission(cid, synth, np.random.default_rng(1))
    check_score(_expected, cid, sub, synth.answers)


@pytest.mark.parametrize("cid", CIDS)
def test_shuffled_rows_give_the_same_score(cid: str) -> None:
    synth = build(cid)
    sub = _random_submission(cid, synth, np.random.default_rng(2))
    check_row_order(cid, sub, synth.answers)


ACCEPTED = {
    # extra columns are ignored everywhere except Google QUEST (exactly 31 columns)
    cid: {"extra_column"}
    for cid in CIDS
    if cid != "google-quest-challenge"
}
# Google QUEST pairs rows by sorted position without comparing ids (kept quirk)
ACCEPTED["google-quest-challenge"] = {"unknown_id", "duplicate_id"}


@pytest.mark.parametrize("kind", list(MUTATIONS))
@pytest.mark.parametrize("cid", CIDS)
def test_malformed_submission_is_invalid(cid: str, kind: str) -> None:
    synth = build(cid)
    sub = mutate(kind, synth.gold, cid, synth.bad_value)
    check_malformed(cid, sub, synth.answers, kind in ACCEPTED.get(cid, set()))


def test_quest_pairs_rows_by_sorted_id_not_by_id_value() -> None:
    synth = build("google-quest-challenge")
    renamed = synth.gold.copy()
    renamed["qa_id"] = renamed["qa_id"] * 10 + 1  # different ids, same sorted order
    assert score_submission("google-quest-challenge", renamed, synth.answers) == 1.0


def test_quest_repeated_id_pairs_tied_rows_in_file_order() -> None:
    """Departure: the original's quicksort left the order of equal ids to numpy's unstable
    sort; here tied rows keep their file order, so the score is reproducible."""
    cid = "google-quest-challenge"
    synth = build(cid)
    sub = synth.gold.copy()
    rng = np.random.default_rng(4)
    for col in sub.columns[1:]:
        sub[col] = rng.random(len(sub))
    sub.loc[0, "qa_id"] = sub["qa_id"].max()  # repeated id, still the answers' row count
    sub = roundtrip(sub)
    expected_pairs = sub.sort_values("qa_id", kind="stable").reset_index(drop=True)
    truth = synth.answers.sort_values("qa_id").reset_index(drop=True)
    cols = [c for c in synth.answers.columns if c != "qa_id"]
    expected = np.mean([truth[c].corr(expected_pairs[c], method="spearman") for c in cols])
    assert score_submission(cid, sub, synth.answers) == pytest.approx(expected, abs=1e-5)


def test_kappa_treats_an_unseen_whole_number_label_as_one_more_class() -> None:
    synth = build("aptos2019-blindness-detection")
    sub = synth.gold.copy()
    sub.loc[:4, "diagnosis"] = 7
    truth, pred = paired("aptos2019-blindness-detection", synth.answers, sub)
    got = score_submission("aptos2019-blindness-detection", sub, synth.answers)
    assert got == pytest.approx(_qwk_by_hand(truth, pred), abs=1e-5)


def test_kappa_accepts_whole_numbers_written_as_floats() -> None:
    synth = build("learning-agency-lab-automated-essay-scoring-2")
    sub = synth.sample.astype({"score": float})
    cid = "learning-agency-lab-automated-essay-scoring-2"
    assert score_submission(cid, roundtrip(sub), synth.answers) == score_submission(
        cid, synth.sample, synth.answers
    )


def test_ai4code_rejects_a_repeated_cell_with_the_right_count() -> None:
    synth = build("AI4Code")
    sub = synth.gold.copy()
    cells = sub.loc[0, "cell_order"].split()
    sub.loc[0, "cell_order"] = " ".join([cells[0], *cells[:-1]])
    with pytest.raises(InvalidSubmission, match="exactly once"):
        score_submission("AI4Code", sub, synth.answers)


# ----------------------------------------------------------------- property tests

labels = st.lists(st.integers(0, 4), min_size=2, max_size=40)


@settings(max_examples=60, deadline=None)
@given(labels, st.randoms(use_true_random=False))
def test_kappa_matches_the_weighted_formula(truth: list[int], rnd) -> None:
    pred = np.array([rnd.choice(truth) for _ in truth])
    truth_arr = np.array(truth)
    if len(np.union1d(truth_arr, pred)) < 2:
        return
    expected = _qwk_by_hand(truth_arr, pred)
    got = compute("quadratic_weighted_kappa", truth_arr, pred)
    if np.isnan(expected):
        assert np.isnan(got)
    else:
        assert got == pytest.approx(expected, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(2, 15), min_size=1, max_size=8), st.randoms(use_true_random=False))
def test_pooled_kendall_tau_is_one_for_the_truth_minus_one_reversed(sizes, rnd) -> None:
    truth = [[f"c{i}_{j}" for j in range(n)] for i, n in enumerate(sizes)]
    assert compute("pooled_kendall_tau", truth, truth) == 1.0
    assert compute("pooled_kendall_tau", truth, [t[::-1] for t in truth]) == -1.0
    shuffled = [rnd.sample(t, len(t)) for t in truth]
    joined = [" ".join(t) for t in truth], [" ".join(p) for p in shuffled]
    assert compute("pooled_kendall_tau", truth, shuffled) == pytest.approx(
        _kendall_by_hand(*joined)
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=3, max_size=30),
    st.floats(0.1, 10),
    st.floats(-5, 5),
)
def test_pearson_ignores_positive_affine_rescaling(values, scale, shift) -> None:
    truth = np.arange(len(values), dtype=float)
    pred = np.array(values)
    if np.ptp(pred) < 1e-3:
        return
    assert compute("pearson", truth, pred * scale + shift) == pytest.approx(
        compute("pearson", truth, pred), abs=1e-9
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 1)), min_size=1, max_size=50))
def test_mcc_matches_the_confusion_formula(pairs) -> None:
    truth, pred = (np.array(x) for x in zip(*pairs, strict=True))
    got = compute("matthews_corrcoef", truth, pred)
    assert -1.0 <= got <= 1.0
    assert got == pytest.approx(_mcc_by_hand(truth, pred), abs=1e-12)
