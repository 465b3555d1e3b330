"""Accuracy and top-1 error graders: best and sample scores, id alignment, label type rules
of the original (scikit-learn 1.5) and every malformed submission as InvalidSubmission."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mle_inspect.scorers import InvalidSubmission

from .synth_classification import ACCURACY_IDS, MALFORMED, make, malformed, merged, score_frames

TOP1 = "inaturalist-2019-fgvc6"
TEXT_MODE = {
    "text-normalization-challenge-english-language",
    "text-normalization-challenge-russian-language",
}
NUMERIC_LABELS = [
    "cassava-leaf-disease-classification",
    "cdiscount-image-classification-challenge",
    "iwildcam-2020-fgvc7",
    "tabular-playground-series-dec-2021",
    "ml2021spring-hw2",
    "movie-review-sentiment-analysis-kernels-only",
]


def expected_accuracy(cid: str, submission: pd.DataFrame) -> float:
    """Share of exact matches, paired by id with a pandas merge of the raw frames."""
    synth = make(cid)
    column = synth.pred_columns[0]
    pairs = merged(synth, submission)
    hits = float((pairs[f"{column}_true"] == pairs[f"{column}_pred"]).mean())
    return 1.0 - hits if cid == TOP1 else hits


@pytest.mark.parametrize("cid", ACCURACY_IDS)
def test_gold_submission_scores_best(cid: str) -> None:
    synth = make(cid)
    assert score_frames(cid, synth.answers, synth.gold) == (0.0 if cid == TOP1 else 1.0)


@pytest.mark.parametrize("cid", ACCURACY_IDS)
def test_sample_submission_scores_share_of_its_constant(cid: str) -> None:
    synth = make(cid)
    expected = expected_accuracy(cid, synth.sample)
    assert score_frames(cid, synth.answers, synth.sample) == pytest.approx(expected, abs=1e-5)


@pytest.mark.parametrize("cid", ACCURACY_IDS)
def test_permuted_labels_in_shuffled_rows_score_by_id(cid: str) -> None:
    synth = make(cid)
    column = synth.pred_columns[0]
    rng = np.random.default_rng(1)
    guess = synth.gold.assign(**{column: rng.permutation(synth.gold[column].to_numpy())})
    expected = expected_accuracy(cid, guess)
    shuffled = guess.sample(frac=1, random_state=3)
    assert score_frames(cid, synth.answers, shuffled) == pytest.approx(expected, abs=1e-5)
    assert score_frames(cid, synth.answers, guess) == score_frames(cid, synth.answers, shuffled)


@pytest.mark.parametrize("kind", MALFORMED)
@pytest.mark.parametrize("cid", ACCURACY_IDS)
def test_malformed_submission_is_invalid(cid: str, kind: str) -> None:
    synth = make(cid)
    with pytest.raises(InvalidSubmission):
        score_frames(cid, synth.answers, malformed(kind, synth))


@pytest.mark.parametrize("cid", [c for c in ACCURACY_IDS if c not in TEXT_MODE])
def test_missing_label_is_invalid_except_where_blank_counts_as_text(cid: str) -> None:
    synth = make(cid)
    column = synth.pred_columns[0]
    holes = synth.gold.astype({column: object})
    holes.iloc[[2, 5], holes.columns.get_loc(column)] = None
    if cid == "paddy-disease-classification":  # missing labels become "" and miss
        expected = (len(holes) - 2) / len(holes)
        assert score_frames(cid, synth.answers, holes) == pytest.approx(expected, abs=1e-5)
    else:
        with pytest.raises(InvalidSubmission, match="missing|decimal"):
            score_frames(cid, synth.answers, holes)


@pytest.mark.parametrize("cid", sorted(TEXT_MODE))
def test_text_normalization_missing_prediction_matches_na_like_answer(cid: str) -> None:
    """QUIRK: both sides were cast to text, so an empty answer equals an empty guess or "nan"."""
    synth = make(cid)
    empty = synth.answers["after"] == ""
    assert empty.any()
    literal = synth.gold.assign(after=synth.gold["after"].replace("", "nan"))
    assert score_frames(cid, synth.answers, literal) == 1.0
    wrong = synth.gold.assign(after=np.where(empty, "something", synth.gold["after"]))
    expected = 1.0 - empty.mean()
    assert score_frames(cid, synth.answers, wrong) == pytest.approx(expected, abs=1e-5)


@pytest.mark.parametrize("cid", NUMERIC_LABELS)
def test_numeric_labels_accept_whole_floats_and_reject_fractions(cid: str) -> None:
    synth = make(cid)
    column = synth.pred_columns[0]
    as_float = synth.gold.assign(**{column: synth.gold[column].astype(float)})
    assert score_frames(cid, synth.answers, as_float) == 1.0
    fraction = as_float.copy()
    fraction.iloc[3, fraction.columns.get_loc(column)] = 2.5
    with pytest.raises(InvalidSubmission, match="whole numbers"):
        score_frames(cid, synth.answers, fraction)
    infinite = as_float.copy()
    infinite.iloc[3, infinite.columns.get_loc(column)] = np.inf
    with pytest.raises(InvalidSubmission):
        score_frames(cid, synth.answers, infinite)


@pytest.mark.parametrize("cid", NUMERIC_LABELS)
def test_text_labels_against_numeric_answers_match_nothing(cid: str) -> None:
    """QUIRK: scikit-learn 1.5 compared text with numbers without error: no row matched."""
    synth = make(cid)
    column = synth.pred_columns[0]
    words = synth.gold.assign(**{column: [f"class {v}" for v in synth.gold[column]]})
    assert score_frames(cid, synth.answers, words) == 0.0


def test_spaceship_accepts_zero_one_and_rejects_two_word_text() -> None:
    cid = "spaceship-titanic"
    synth = make(cid)
    ones = synth.gold.assign(Transported=synth.gold["Transported"].astype(int))
    assert score_frames(cid, synth.answers, ones) == 1.0
    words = synth.gold.assign(Transported=synth.gold["Transported"].map({True: "yes", False: "no"}))
    with pytest.raises(InvalidSubmission, match="same type"):
        score_frames(cid, synth.answers, words)


def test_extra_columns_are_ignored() -> None:
    cid = "cassava-leaf-disease-classification"
    synth = make(cid)
    assert score_frames(cid, synth.answers, synth.gold.assign(notes="x")) == 1.0


def test_top1_error_counts_only_the_first_of_space_separated_ids() -> None:
    synth = make(TOP1)
    truth = synth.gold["predicted"]
    first_right = synth.gold.assign(predicted=[f"{v} 3 4" for v in truth])
    assert score_frames(TOP1, synth.answers, first_right) == 0.0
    second_right = synth.gold.assign(predicted=[f"{(v + 1) % 1010} {v}" for v in truth])
    assert score_frames(TOP1, synth.answers, second_right) == 1.0


@pytest.mark.parametrize("bad", [[1.5], ["x"], [""], ["3.0"]])
def test_top1_error_rejects_values_without_a_leading_integer(bad: list) -> None:
    synth = make(TOP1)
    frame = synth.gold.astype({"predicted": object})
    frame.iloc[4, frame.columns.get_loc("predicted")] = bad[0]
    with pytest.raises(InvalidSubmission):
        score_frames(TOP1, synth.answers, frame)


@settings(max_examples=25, deadline=None)
@given(
    labels=st.lists(
        st.sampled_from(["bed", "cat", "yes", "_background_noise_"]), min_size=3, max_size=30
    ),
    data=st.data(),
)
def test_accuracy_is_share_of_matches_in_any_row_order(labels: list[str], data) -> None:  # noqa: ANN001
    cid = "tensorflow-speech-recognition-challenge"
    ids = [f"clip_{i:08d}.wav" for i in range(len(labels))]
    guesses = data.draw(
        st.lists(
            st.sampled_from(["bed", "cat", "silence"]), min_size=len(labels), max_size=len(labels)
        )
    )
    order = data.draw(st.permutations(range(len(labels))))
    answers = pd.DataFrame({"fname": ids, "label": labels})
    submission = pd.DataFrame({"fname": ids, "label": guesses}).iloc[list(order)]
    expected = sum(g == t for g, t in zip(guesses, labels, strict=True)) / len(labels)
    assert score_frames(cid, answers, submission) == pytest.approx(expected, abs=1e-5)


@settings(max_examples=25, deadline=None)
@given(pairs=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), min_size=1, max_size=30))
def test_top1_error_is_one_minus_accuracy(pairs: list[tuple[int, int]]) -> None:
    ids = list(range(100, 100 + len(pairs)))
    answers = pd.DataFrame({"id": ids, "predicted": [t for t, _ in pairs]})
    submission = pd.DataFrame({"id": ids, "predicted": [f"{g} 9 9" for _, g in pairs]})
    wrong = sum(t != g for t, g in pairs) / len(pairs)
    assert score_frames(TOP1, answers, submission) == pytest.approx(wrong, abs=1e-5)
