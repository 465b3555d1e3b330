"""Ranking graders: MAP@k on space-separated predictions, lwlrap on class scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mle_inspect.scorers import InvalidSubmission, score_submission
from mle_inspect.scorers.metrics import compute

from .common import check_malformed, check_row_order, check_score, columns_of, roundtrip
from .synth_io import MUTATIONS, mutate
from .synth_ranking import BUILDERS, build

CIDS = list(BUILDERS)
MAP_K = {
    "whale-categorization-playground": 5,
    "hotel-id-2021-fgvc8": 5,
    "h-and-m-personalized-fashion-recommendations": 12,
}
FREESOUND = "freesound-audio-tagging-2019"


def _ap_by_hand(actual: list[str], predicted: list[str], k: int) -> float:
    """Kaggle's AP@k, written as the metric page states it."""
    predicted = predicted[:k]
    score = 0.0
    hits = 0
    for i, p in enumerate(predicted):
        if p in actual and p not in predicted[:i]:
            hits += 1
            score += hits / (i + 1)
    return score / min(len(actual), k) if actual else 0.0


def _lwlrap_by_hand(truth: np.ndarray, scores: np.ndarray) -> float:
    """Mean over every (clip, true label) of precision at that label's rank."""
    precisions = []
    for t, s in zip(truth, scores, strict=True):
        for label in np.flatnonzero(t):
            at_or_above = s >= s[label]
            precisions.append(t[at_or_above].sum() / at_or_above.sum())
    return float(np.mean(precisions))


def _text(value: object) -> str:
    return "nan" if pd.isna(value) else str(value)


def _expected(cid: str, answers: pd.DataFrame, sub: pd.DataFrame) -> float:
    id_col, target = columns_of(cid)
    if cid == FREESOUND:
        merged = answers.merge(sub, on=id_col, suffixes=("", "_pred"))
        classes = [c for c in answers.columns if c != id_col]
        return _lwlrap_by_hand(
            merged[classes].to_numpy(), merged[[f"{c}_pred" for c in classes]].to_numpy(float)
        )
    merged = answers[[id_col, target]].merge(sub[[id_col, target]], on=id_col, how="left")
    return float(
        np.mean(
            [
                _ap_by_hand(sorted(set(_text(t).split())), _text(p).split(" "), MAP_K[cid])
                for t, p in zip(merged[f"{target}_x"], merged[f"{target}_y"], strict=True)
            ]
        )
    )


def _random_submission(cid: str, synth, rng: np.random.Generator) -> pd.DataFrame:
    id_col, target = columns_of(cid)
    if cid == FREESOUND:
        sub = synth.gold.copy()
        classes = list(sub.columns[1:])
        sub[classes] = np.round(sub[classes].to_numpy() * 0.5 + rng.random((len(sub), 80)), 4)
        return roundtrip(sub)
    truth = synth.gold[target].astype(str).tolist()
    pool = sorted({tok for t in truth for tok in t.split()})
    ranked = []
    for t in truth:  # a few guesses with the right answer somewhere, or nowhere
        guesses = list(rng.choice(pool, MAP_K[cid] - 1))
        guesses.insert(int(rng.integers(0, MAP_K[cid] + 2)), t.split()[0])
        ranked.append(" ".join(guesses))
    return roundtrip(synth.gold[[id_col]].assign(**{target: ranked}))


@pytest.mark.parametrize("cid", CIDS)
def test_answers_as_submission_score_one(cid: str) -> None:
    synth = build(cid)
    assert score_submission(cid, synth.gold, synth.answers) == 1.0


@pytest.mark.parametrize("cid", CIDS)
def test_sample_submission_scores_what_the_metric_says(cid: str) -> None:
    synth = build(cid)
    check_score(_expected, cid, synth.sample, synth.answers)


def test_fashion_sample_with_zero_padded_articles_scores_zero() -> None:
    cid = "h-and-m-personalized-fashion-recommendations"
    synth = build(cid)
    assert len(synth.sample) > len(synth.answers)  # every customer, not only buyers
    assert score_submission(cid, synth.sample, synth.answers) == 0.0


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


ACCEPTED: dict[str, set[str]] = {cid: {"nan", "bad_value"} for cid in MAP_K}
ACCEPTED["hotel-id-2021-fgvc8"].add("extra_column")  # whale and H&M need exact columns
ACCEPTED[FREESOUND] = set()


@pytest.mark.parametrize("kind", list(MUTATIONS))
@pytest.mark.parametrize("cid", CIDS)
def test_malformed_submission_is_invalid(cid: str, kind: str) -> None:
    synth = build(cid)
    sub = mutate(kind, synth.gold, cid, synth.bad_value)
    check_malformed(cid, sub, synth.answers, kind in ACCEPTED[cid], _expected)


def test_fashion_ignores_rows_for_customers_without_purchases() -> None:
    cid = "h-and-m-personalized-fashion-recommendations"
    synth = build(cid)
    others = synth.sample[~synth.sample["customer_id"].isin(synth.answers["customer_id"])]
    padded = pd.concat([synth.gold, others], ignore_index=True)
    assert score_submission(cid, padded, synth.answers) == 1.0


def test_whale_counts_empty_tokens_from_doubled_spaces_as_ranks() -> None:
    cid = "whale-categorization-playground"
    synth = build(cid)
    spaced = synth.gold.assign(Id="  " + synth.gold["Id"])  # two empty tokens first
    assert score_submission(cid, spaced, synth.answers) == pytest.approx(1 / 3, abs=1e-5)


def test_hotel_ids_read_as_floats_never_match() -> None:
    cid = "hotel-id-2021-fgvc8"
    synth = build(cid)
    floats = roundtrip(synth.gold.assign(hotel_id=synth.gold["hotel_id"].astype(float)))
    assert score_submission(cid, floats, synth.answers) == 0.0


def test_freesound_rejects_class_columns_out_of_order() -> None:
    synth = build(FREESOUND)
    columns = list(synth.gold.columns)
    columns[1], columns[2] = columns[2], columns[1]
    with pytest.raises(InvalidSubmission, match="out of order"):
        score_submission(FREESOUND, synth.gold[columns], synth.answers)


# ----------------------------------------------------------------- property tests

tokens = st.sampled_from(["a", "b", "c", "d", "e", "f", ""])


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.sets(tokens, max_size=3), st.lists(tokens, max_size=8)), min_size=1),
    st.integers(1, 12),
)
def test_map_at_k_matches_the_kaggle_definition(rows, k) -> None:
    truth = [set(a) for a, _ in rows]
    pred = [p for _, p in rows]
    got = compute("map_at_k", truth, pred, k=k)
    assert 0.0 <= got <= 1.0
    expected = np.mean([_ap_by_hand(list(a), p, k) for a, p in zip(truth, pred, strict=True)])
    assert got == pytest.approx(expected)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 8), st.integers(2, 6), st.randoms(use_true_random=False))
def test_lwlrap_matches_the_per_label_definition(rows, labels, rnd) -> None:
    truth = np.array([[rnd.random() < 0.4 for _ in range(labels)] for _ in range(rows)], int)
    truth[0, 0] = 1
    scores = np.array(
        [[rnd.choice([0.0, 0.5, 1.0, rnd.random()]) for _ in range(labels)] for _ in range(rows)]
    )
    assert compute("lwlrap", truth, scores) == pytest.approx(_lwlrap_by_hand(truth, scores))


def test_fashion_aligns_ids_held_in_chunked_arrow_arrays() -> None:
    """Filtering a large text column leaves pandas' arrow data in chunks; ids still match."""
    import pyarrow as pa

    cid = "h-and-m-personalized-fashion-recommendations"
    synth = build(cid)
    ids = synth.gold["customer_id"].tolist()
    chunked = pa.chunked_array([pa.array(ids[:10]), pa.array(ids[10:])])
    sub = synth.gold.assign(customer_id=pd.Series(pd.arrays.ArrowExtensionArray(chunked)))
    shuffled = sub.sample(frac=1, random_state=0).reset_index(drop=True)
    assert score_submission(cid, sub, synth.answers) == 1.0
    assert score_submission(cid, shuffled, synth.answers) == 1.0
