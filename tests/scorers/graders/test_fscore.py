"""F-score graders: macro F1 on integer classes, micro F1 on text labels, pF1."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import f1_score
from sklearn.preprocessing import MultiLabelBinarizer

from mle_inspect.scorers import InvalidSubmission, score_submission
from mle_inspect.scorers.metrics import compute

from .common import check_malformed, check_row_order, check_score, columns_of, paired, roundtrip
from .synth_fscore import BUILDERS, build
from .synth_io import MUTATIONS, mutate

CIDS = list(BUILDERS)
INT_CLASSES = [c for c in CIDS if c.startswith(("herbarium", "iwildcam"))]
MULTILABEL = [
    "facebook-recruiting-iii-keyword-extraction",
    "imet-2020-fgvc7",
    "plant-pathology-2021-fgvc8",
]
TEXT_LABELS = ["plant-seedlings-classification", *MULTILABEL]
RSNA = "rsna-breast-cancer-detection"


def _pf1_by_hand(truth: np.ndarray, pred: np.ndarray) -> float:
    ctp = cfp = positives = 0.0
    for label, p in zip(truth, pred, strict=True):
        p = min(max(float(p), 0.0), 1.0)
        if label:
            positives += 1
            ctp += p
        else:
            cfp += p
    if ctp + cfp == 0 or positives == 0:  # NaN precision or recall: the original returned 0
        return 0.0
    precision, recall = ctp / (ctp + cfp), ctp / positives
    # the original's test: a NaN (a missing prediction ran through the sums) fails `> 0`
    if precision > 0 and recall > 0:
        return 2 * precision * recall / (precision + recall)
    return 0.0


def _expected(cid: str, answers: pd.DataFrame, sub: pd.DataFrame) -> float:
    truth, pred = paired(cid, answers, sub)
    if cid in INT_CLASSES:
        return f1_score(truth.astype(int), pred.astype(int), average="macro")
    if cid == "plant-seedlings-classification":  # micro F1 = share of exact matches
        hits = [isinstance(p, str) and p == t for t, p in zip(truth, pred, strict=True)]
        return float(np.mean(hits))
    if cid == RSNA:
        return _pf1_by_hand(truth, pred)
    # the original recipe: binarise over the answers' label set, unknown labels dropped
    split = [str(v).split() if isinstance(v, str) else [] for v in truth]
    pred_split = [str(v).split() if isinstance(v, str) else [] for v in pred]
    binarizer = MultiLabelBinarizer(classes=sorted(set().union(*map(set, split))))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y_true = binarizer.fit_transform(split)
        y_pred = binarizer.transform(pred_split)
    return f1_score(y_true, y_pred, average="micro")


def _random_submission(cid: str, synth, rng: np.random.Generator) -> pd.DataFrame:
    id_col, target = columns_of(cid)
    sub = synth.gold[[id_col, target]].copy()
    if cid == RSNA:
        sub[target] = np.clip(sub[target] * 0.6 + rng.normal(0.2, 0.3, len(sub)), -0.2, 1.2)
    else:
        values = sub[target].to_numpy()
        sub[target] = np.where(rng.random(len(sub)) < 0.5, rng.permutation(values), values)
    return roundtrip(sub)


@pytest.mark.parametrize("cid", CIDS)
def test_answers_as_submission_score_one(cid: str) -> None:
    synth = build(cid)
    expected = _pf1_by_hand(*paired(cid, synth.answers, synth.gold)) if cid == RSNA else 1.0
    assert score_submission(cid, synth.gold, synth.answers) == pytest.approx(expected, abs=1e-5)
    if cid != RSNA:  # pF1 of the 0/1 truth itself is 1 too
        assert expected == 1.0


@pytest.mark.parametrize("cid", CIDS)
def test_sample_submission_scores_what_the_metric_says(cid: str) -> None:
    synth = build(cid)
    check_score(_expected, cid, synth.sample, synth.answers)


@pytest.mark.parametrize("cid", CIDS)
def test_random_submission_scores_what_the_metric_says(cid: str) -> None:
    synth = build(cid)
    sub = _random_submission(cid, synth, np.random.default_rng(1))
    expected = check_score(_expected, cid, sub, synth.answers)
    assert 0 < expected < 1


@pytest.mark.parametrize("cid", CIDS)
def test_shuffled_rows_give_the_same_score(cid: str) -> None:
    synth = build(cid)
    sub = _random_submission(cid, synth, np.random.default_rng(2))
    check_row_order(cid, sub, synth.answers)


ACCEPTED: dict[str, set[str]] = {cid: {"extra_column"} for cid in CIDS}
for _cid in MULTILABEL:
    ACCEPTED[_cid] |= {"nan", "bad_value"}  # an empty cell is an empty label set
ACCEPTED["plant-seedlings-classification"] |= {"bad_value", "nan"}  # wrong labels, scored
ACCEPTED[RSNA].add("nan")  # a NaN makes the original's score 0


@pytest.mark.parametrize("kind", list(MUTATIONS))
@pytest.mark.parametrize("cid", CIDS)
def test_malformed_submission_is_invalid(cid: str, kind: str) -> None:
    synth = build(cid)
    sub = mutate(kind, synth.gold, cid, synth.bad_value)
    check_malformed(cid, sub, synth.answers, kind in ACCEPTED[cid], _expected)


def _with_holes(frame: pd.DataFrame, column: str, rows: list[int]) -> pd.DataFrame:
    out = frame.astype({column: object})
    out.iloc[rows, out.columns.get_loc(column)] = None
    return roundtrip(out)


def test_plant_seedlings_empty_cells_are_misses_as_in_the_original() -> None:
    cid = "plant-seedlings-classification"
    synth = build(cid)
    holes = _with_holes(synth.gold, "species", [0, 4])
    # the original's sklearn took the NaN for one more label: each empty cell is one miss
    assert score_submission(cid, holes, synth.answers) == round(1 - 2 / len(synth.gold), 5)


def test_plant_seedlings_all_empty_is_invalid_as_in_the_original() -> None:
    cid = "plant-seedlings-classification"
    synth = build(cid)
    empty = _with_holes(synth.gold, "species", list(range(len(synth.gold))))
    with pytest.raises(InvalidSubmission, match="empty in every row"):
        score_submission(cid, empty, synth.answers)


@pytest.mark.parametrize("rows", [[3], "all"])
def test_rsna_missing_probability_scores_zero_as_in_the_original(rows: list[int] | str) -> None:
    synth = build(RSNA)
    holes = _with_holes(
        synth.gold, "cancer", list(range(len(synth.gold))) if rows == "all" else rows
    )
    assert score_submission(RSNA, synth.gold, synth.answers) == 1.0
    assert score_submission(RSNA, holes, synth.answers) == 0.0


@pytest.mark.parametrize("value", ["inf", "-inf", "abc"])
def test_rsna_infinite_or_text_probability_is_invalid_even_beside_a_nan(value: str) -> None:
    synth = build(RSNA)
    sub = _with_holes(synth.gold, "cancer", [3]).astype({"cancer": object})
    sub.loc[5, "cancer"] = value
    with pytest.raises(InvalidSubmission, match="infinite|non-numeric"):
        score_submission(RSNA, roundtrip(sub), synth.answers)


@pytest.mark.parametrize("cid", TEXT_LABELS)
def test_a_column_read_as_numbers_is_invalid(cid: str) -> None:
    synth = build(cid)
    id_col, target = columns_of(cid)
    sub = roundtrip(synth.gold[[id_col]].assign(**{target: 448}))
    with pytest.raises(InvalidSubmission, match="read as numbers"):
        score_submission(cid, sub, synth.answers)


@pytest.mark.parametrize("cid", MULTILABEL)
def test_labels_never_in_the_answers_cost_nothing(cid: str) -> None:
    synth = build(cid)
    _, target = columns_of(cid)
    padded = synth.gold.assign(**{target: synth.gold[target] + " zz_unknown_label"})
    assert score_submission(cid, padded, synth.answers) == 1.0


def test_fractional_class_predictions_are_truncated_like_int() -> None:
    cid = "herbarium-2021-fgvc8"
    synth = build(cid)
    nudged = roundtrip(synth.gold.assign(Predicted=synth.gold["Predicted"] + 0.75))
    assert score_submission(cid, nudged, synth.answers) == 1.0


def test_iwildcam_sample_with_its_index_column_is_scored() -> None:
    cid = "iwildcam-2019-fgvc6"
    synth = build(cid)
    assert "Unnamed: 0" in synth.sample.columns
    check_score(_expected, cid, synth.sample, synth.answers)


def test_pf1_clips_out_of_range_predictions() -> None:
    synth = build(RSNA)
    truth = synth.gold["cancer"]
    stretched = roundtrip(synth.gold.assign(cancer=truth * 3.0 - 1.0))  # 1 -> 2, 0 -> -1
    assert score_submission(RSNA, stretched, synth.answers) == 1.0


# ----------------------------------------------------------------- property tests

label_sets = st.lists(
    st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), max_size=4), min_size=1, max_size=25
)


@settings(max_examples=80, deadline=None)
@given(label_sets, label_sets)
def test_multilabel_micro_f1_matches_sklearn_binarised(truth, pred) -> None:
    pred = (pred * len(truth))[: len(truth)]
    vocab = sorted(set().union(*map(set, truth)))
    got = compute("multilabel_micro_f1", truth, pred)
    assert 0.0 <= got <= 1.0
    if len(vocab) < 2:  # sklearn reads a one-column indicator as binary labels, not sets
        return
    binarizer = MultiLabelBinarizer(classes=vocab)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y_true, y_pred = binarizer.fit_transform(truth), binarizer.transform(pred)
        expected = f1_score(y_true, y_pred, average="micro", zero_division=0)
    assert got == pytest.approx(expected, abs=1e-12)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 8)), min_size=1, max_size=40))
def test_macro_f1_averages_per_class_f1_over_all_seen_classes(pairs) -> None:
    truth, pred = (np.array(x) for x in zip(*pairs, strict=True))
    per_class = []
    for c in np.union1d(truth, pred):
        tp = np.sum((truth == c) & (pred == c))
        per_class.append(2 * tp / (np.sum(truth == c) + np.sum(pred == c)))
    assert compute("macro_f1_int", truth, pred) == pytest.approx(np.mean(per_class))


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 1), st.floats(-1, 2, allow_nan=False)), min_size=1, max_size=40
    )
)
def test_probabilistic_f1_matches_the_row_by_row_definition(pairs) -> None:
    truth, pred = (np.array(x) for x in zip(*pairs, strict=True))
    got = compute("probabilistic_f1", truth, pred)
    assert 0.0 <= got <= 1.0
    assert got == pytest.approx(_pf1_by_hand(truth, pred), abs=1e-9)
