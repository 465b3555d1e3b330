"""Text graders: character and token edit distances, word-level Jaccard."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mle_inspect.competitions import get_competition
from mle_inspect.scorers import InvalidSubmission, score_submission
from mle_inspect.scorers.metrics import compute

from .common import check_malformed, check_row_order, check_score, columns_of, paired, roundtrip
from .synth_io import MUTATIONS, mutate
from .synth_text import BUILDERS, build

CIDS = list(BUILDERS)
CHAII, TWEETS = "chaii-hindi-and-tamil-question-answering", "tweet-sentiment-extraction"
GESTURES = "multi-modal-gesture-recognition"


def _edit_distance(a, b) -> int:
    """Textbook dynamic programme (unit costs)."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, y in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def _jaccard(truth: str, pred: str) -> float:
    a, b = set(truth.lower().split()), set(pred.lower().split())
    return len(a & b) / len(a | b) if a | b else 0.0


def _expected(cid: str, answers: pd.DataFrame, sub: pd.DataFrame) -> float:
    pairs = list(zip(*paired(cid, answers, sub), strict=True))
    if cid == GESTURES:
        total = sum(_edit_distance(str(t).split(), str(p).split()) for t, p in pairs)
        return total / sum(len(str(t).split()) for t, _ in pairs)
    if cid in (CHAII, TWEETS):
        blank = [("" if pd.isna(t) else str(t), "" if pd.isna(p) else str(p)) for t, p in pairs]
        return float(np.mean([_jaccard(t, p) for t, p in blank]))
    return float(
        np.mean([_edit_distance(str(t), "nan" if pd.isna(p) else str(p)) for t, p in pairs])
    )


def _best(cid: str) -> float:
    return 0.0 if get_competition(cid).lower_is_better else 1.0


def _random_submission(cid: str, synth, rng: np.random.Generator) -> pd.DataFrame:
    id_col, target = columns_of(cid)
    sub = synth.gold[[id_col, target]].copy()
    values = sub[target].astype(str).tolist()
    noisy = []
    for v in values:
        tokens = v.split()
        if rng.random() < 0.5:
            tokens = list(rng.permutation(tokens))[: max(1, len(tokens) - 1)]
        if rng.random() < 0.3:
            tokens.append(tokens[0].upper() if cid != GESTURES else "7")
        noisy.append(" ".join(tokens))
    return roundtrip(sub.assign(**{target: noisy}))


@pytest.mark.parametrize("cid", CIDS)
def test_answers_as_submission_score_the_best_value(cid: str) -> None:
    synth = build(cid)
    assert score_submission(cid, synth.gold, synth.answers) == _best(cid)


@pytest.mark.parametrize("cid", CIDS)
def test_sample_submission_scores_what_the_metric_says(cid: str) -> None:
    synth = build(cid)
    check_score(_expected, cid, synth.sample, synth.answers)


@pytest.mark.parametrize("cid", CIDS)
def test_random_submission_scores_what_the_metric_says(cid: str) -> None:
    synth = build(cid)
    sub = _random_submission(cid, synth, np.random.default_rng(1))
    expected = check_score(_expected, cid, sub, synth.answers)
    assert expected != _best(cid)


@pytest.mark.parametrize("cid", CIDS)
def test_shuffled_rows_give_the_same_score(cid: str) -> None:
    synth = build(cid)
    sub = _random_submission(cid, synth, np.random.default_rng(2))
    check_row_order(cid, sub, synth.answers)


ACCEPTED: dict[str, set[str]] = {
    "billion-word-imputation": {"extra_column", "bad_value"},  # 5 in a text column is text
    "bms-molecular-translation": {"extra_column", "bad_value", "nan"},  # empty is "nan"
    GESTURES: {"extra_column"},
    CHAII: {"extra_column", "bad_value", "nan"},  # empty is no words
    TWEETS: {"extra_column", "bad_value", "nan"},
}


@pytest.mark.parametrize("kind", list(MUTATIONS))
@pytest.mark.parametrize("cid", CIDS)
def test_malformed_submission_is_invalid(cid: str, kind: str) -> None:
    synth = build(cid)
    sub = mutate(kind, synth.gold, cid, synth.bad_value)
    check_malformed(cid, sub, synth.answers, kind in ACCEPTED[cid], _expected)


@pytest.mark.parametrize(
    ("cid", "valid"),
    [("billion-word-imputation", False), ("bms-molecular-translation", True), (CHAII, False),
     (TWEETS, True), (GESTURES, True)],
)  # fmt: skip
def test_a_column_read_as_numbers(cid: str, valid: bool) -> None:
    synth = build(cid)
    id_col, target = columns_of(cid)
    sub = roundtrip(synth.gold[[id_col]].assign(**{target: 17}))
    assert pd.api.types.is_integer_dtype(sub[target])
    if valid:  # scored as its text, as the original's astype(str) did
        assert score_submission(cid, sub, synth.answers) == pytest.approx(
            _expected(cid, synth.answers, sub), abs=1e-5
        )
    else:
        with pytest.raises(InvalidSubmission, match="read as numbers"):
            score_submission(cid, sub, synth.answers)


def _first_answer_blank_on_both_sides(cid: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Answers with the first row's text missing, and the gold submission missing it too."""
    synth = build(cid)
    id_col, target = columns_of(cid)
    answers = synth.answers.copy()
    answers.loc[0, target] = np.nan
    sub = synth.gold.copy()
    sub.loc[sub[id_col] == answers.loc[0, id_col], target] = np.nan
    return answers, sub


def test_tweet_with_empty_answer_and_empty_prediction_is_invalid() -> None:
    answers, sub = _first_answer_blank_on_both_sides(TWEETS)
    with pytest.raises(InvalidSubmission, match="divides by zero"):
        score_submission(TWEETS, roundtrip(sub), answers)


def test_chaii_scores_a_row_with_both_sides_empty_as_zero() -> None:
    answers, sub = _first_answer_blank_on_both_sides(CHAII)
    expected = (len(answers) - 1) / len(answers)
    assert score_submission(CHAII, roundtrip(sub), answers) == pytest.approx(expected, abs=1e-5)


def test_gesture_ids_match_with_or_without_leading_zeros() -> None:
    synth = build(GESTURES)
    assert pd.api.types.is_integer_dtype(synth.answers["Id"])
    padded = roundtrip(synth.gold.assign(Id=[f"{i:04d}" for i in synth.gold["Id"]]))
    assert score_submission(GESTURES, padded, synth.answers) == 0.0


# ----------------------------------------------------------------- property tests

short_text = st.text(alphabet="abcé ĳ", max_size=12)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(short_text, short_text), min_size=1, max_size=10))
def test_mean_levenshtein_matches_the_dynamic_programme(pairs) -> None:
    truth, pred = (list(x) for x in zip(*pairs, strict=True))
    expected = np.mean([_edit_distance(t, p) for t, p in pairs])
    assert compute("mean_levenshtein", truth, pred) == pytest.approx(expected)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.integers(1, 20), min_size=1, max_size=8),
            st.lists(st.integers(1, 20), max_size=8),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_sequence_edit_rate_is_token_edits_over_true_tokens(pairs) -> None:
    truth, pred = (list(x) for x in zip(*pairs, strict=True))
    expected = sum(_edit_distance(t, p) for t, p in pairs) / sum(len(t) for t in truth)
    assert compute("sequence_edit_rate", truth, pred) == pytest.approx(expected)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(short_text, short_text), min_size=1, max_size=10))
def test_word_jaccard_is_the_mean_set_overlap(pairs) -> None:
    truth, pred = (list(x) for x in zip(*pairs, strict=True))
    got = compute("word_jaccard", truth, pred)
    assert 0.0 <= got <= 1.0
    assert got == pytest.approx(np.mean([_jaccard(t, p) for t, p in pairs]))
    assert compute("word_jaccard", truth, [t.upper() for t in truth]) == pytest.approx(
        np.mean([1.0 if t.split() else 0.0 for t in truth])
    )
