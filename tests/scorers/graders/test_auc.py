"""ROC AUC graders (binary, column-wise, ALASKA2 weighted, Jigsaw bias): best and sample
scores, scores equal to scikit-learn on id-paired rows, quirks of the originals, and every
malformed submission as InvalidSubmission."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score, roc_curve

from mle_inspect.scorers import InvalidSubmission
from mle_inspect.scorers.metrics import compute

from .synth_classification import (
    AUC_IDS,
    JIGSAW_CLASSES,
    JIGSAW_IDENTITIES,
    MALFORMED,
    PLANT_CLASSES,
    Synth,
    make,
    malformed,
    merged,
    score_frames,
)

ALASKA = "alaska2-image-steganalysis"
INSULTS = "detecting-insults-in-social-commentary"
JIGSAW_TOXIC = "jigsaw-toxic-comment-classification-challenge"
JIGSAW_BIAS = "jigsaw-unintended-bias-in-toxicity-classification"
PLANT = "plant-pathology-2020-fgvc7"
NO_RANGE_CHECK = {ALASKA, JIGSAW_TOXIC, JIGSAW_BIAS, PLANT, "playground-series-s3e18"}
RANGE_CHECKED = [c for c in AUC_IDS if c not in NO_RANGE_CHECK]
UNIQUE_IDS = [c for c in AUC_IDS if c != INSULTS]


def alaska_by_integration(y_true: np.ndarray, y_score: np.ndarray) -> float:
    """Weighted AUC as the integral over FPR of the ROC curve clipped to each TPR band."""
    fpr, tpr, _ = roc_curve(y_true, y_score)
    grid = np.linspace(0.0, 1.0, 200_001)
    curve = np.interp(grid, fpr, tpr)  # vertical ROC steps have zero width
    bands = [((0.0, 0.4), 2.0), ((0.4, 1.0), 1.0)]
    area = sum(w * np.trapezoid(np.clip(curve, lo, hi) - lo, grid) for (lo, hi), w in bands)
    return float(area / (0.4 * 2.0 + 0.6 * 1.0))


def jigsaw_bias_by_hand(frame: pd.DataFrame) -> float:
    """Final Jigsaw bias metric on id-paired rows: 0/1 truth, prediction and identities."""
    tox = (frame["toxicity"] >= 0.5).to_numpy()
    pred = (frame["prediction"].fillna(0) >= 0.5).to_numpy().astype(int)
    sub, bpsn, bnsp = [], [], []
    for name in JIGSAW_IDENTITIES:
        member = (frame[name] >= 0.5).to_numpy()
        sub.append(roc_auc_score(tox[member], pred[member]))
        rows = (member & ~tox) | (~member & tox)
        bpsn.append(roc_auc_score(tox[rows], pred[rows]))
        rows = (member & tox) | (~member & ~tox)
        bnsp.append(roc_auc_score(tox[rows], pred[rows]))
    power = [np.mean(np.array(v) ** -5.0) ** (-1 / 5) for v in (sub, bpsn, bnsp)]
    return 0.25 * roc_auc_score(tox, pred) + 0.25 * sum(power)


def expected_score(cid: str, synth: Synth, submission: pd.DataFrame) -> float:
    """The metric computed with scikit-learn on rows paired by a pandas merge."""
    if cid == JIGSAW_BIAS:
        return jigsaw_bias_by_hand(merged(synth, submission))
    columns = synth.pred_columns
    pairs = merged(synth, submission)
    if cid == JIGSAW_TOXIC:
        pairs = pairs[pairs[[f"{c}_true" for c in columns]].sum(axis=1) >= 0]
    truth = pairs[[f"{c}_true" for c in columns]].to_numpy()
    guess = pairs[[f"{c}_pred" for c in columns]].to_numpy()
    if cid == ALASKA:
        return alaska_by_integration(truth[:, 0], guess[:, 0])
    return float(np.mean([roc_auc_score(truth[:, k], guess[:, k]) for k in range(len(columns))]))


def random_submission(synth: Synth, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    noisy = synth.gold.copy()
    for column in synth.pred_columns:
        truth = (synth.gold[column].to_numpy(dtype=float) >= 0.5).astype(float)
        noisy[column] = np.clip(0.3 * truth + 0.7 * rng.random(len(noisy)), 0, 1).round(4)
    return noisy


@pytest.mark.parametrize("cid", AUC_IDS)
def test_gold_submission_scores_one(cid: str) -> None:
    synth = make(cid)
    assert score_frames(cid, synth.answers, synth.gold) == 1.0


@pytest.mark.parametrize("cid", AUC_IDS)
def test_constant_sample_submission_scores_chance(cid: str) -> None:
    """A constant gives the diagonal ROC: AUC 0.5. ALASKA2 weighs the diagonal's band areas:
    [0, 0.4] has 1 * 0.4 - 0.4**2 / 2 = 0.32 and [0.4, 1] has 0.6**2 / 2 = 0.18."""
    synth = make(cid)
    expected = (2 * 0.32 + 1 * 0.18) / 1.4 if cid == ALASKA else 0.5
    assert score_frames(cid, synth.answers, synth.sample) == pytest.approx(expected, abs=1e-5)


@pytest.mark.parametrize("cid", UNIQUE_IDS)
def test_noisy_scores_in_shuffled_rows_match_sklearn_by_id(cid: str) -> None:
    synth = make(cid)
    guess = random_submission(synth)
    expected = expected_score(cid, synth, guess)
    assert 0.5 < expected < 1.0
    shuffled = guess.sample(frac=1, random_state=7)
    assert score_frames(cid, synth.answers, shuffled) == pytest.approx(expected, abs=2e-5)


VALUE_KINDS = {"text_value": "high", "missing_value": None, "infinite_value": np.inf}
"""A bad value in the first prediction column (row 2), on top of the shared malformed kinds."""


def _malformed(kind: str, synth: Synth) -> pd.DataFrame:
    if kind not in VALUE_KINDS:
        return malformed(kind, synth)
    column = synth.pred_columns[0]
    frame = synth.gold.astype({column: object})
    frame.iloc[2, frame.columns.get_loc(column)] = VALUE_KINDS[kind]
    return frame


@pytest.mark.parametrize("kind", [*MALFORMED, *VALUE_KINDS])
@pytest.mark.parametrize("cid", AUC_IDS)
def test_malformed_submission_is_invalid(cid: str, kind: str) -> None:
    synth = make(cid)
    frame = _malformed(kind, synth)
    if cid == JIGSAW_BIAS and kind in ("missing_value", "infinite_value"):
        # QUIRK: the original thresholds at 0.5 first: missing counts as 0, inf as 1
        assert 0.0 <= score_frames(cid, synth.answers, frame) <= 1.0
        return
    with pytest.raises(InvalidSubmission):
        score_frames(cid, synth.answers, frame)


@pytest.mark.parametrize("value", [1.5, -0.01])
@pytest.mark.parametrize("cid", AUC_IDS)
def test_values_outside_zero_one_are_invalid_where_the_original_checked(
    cid: str, value: float
) -> None:
    synth = make(cid)
    frame = synth.gold.astype({synth.pred_columns[0]: float})
    frame.iloc[3, frame.columns.get_loc(synth.pred_columns[0])] = value
    if cid in NO_RANGE_CHECK:
        assert 0.0 <= score_frames(cid, synth.answers, frame) <= 1.0
    else:
        with pytest.raises(InvalidSubmission, match=r"outside \[0.0, 1.0\]"):
            score_frames(cid, synth.answers, frame)


def test_insult_comments_repeat_and_pair_like_the_original_sort() -> None:
    synth = make(INSULTS)
    assert synth.answers["Comment"].duplicated().any()
    assert score_frames(INSULTS, synth.answers, synth.gold.sample(frac=1, random_state=2)) > 0.9
    same_per_text = synth.gold.assign(Insult=synth.gold["Comment"].str.len() % 7 / 7)
    expected = roc_auc_score(synth.answers["Insult"], same_per_text["Insult"])
    shuffled = same_per_text.sample(frac=1, random_state=4)
    assert score_frames(INSULTS, synth.answers, shuffled) == pytest.approx(expected, abs=1e-5)
    one_copy_short = synth.gold.copy()
    one_copy_short.loc[3, "Comment"] = synth.gold.loc[0, "Comment"]
    with pytest.raises(InvalidSubmission, match="different number of times"):
        score_frames(INSULTS, synth.answers, one_copy_short)


def test_brain_tumor_ids_match_with_or_without_zero_padding() -> None:
    cid = "rsna-miccai-brain-tumor-radiogenomic-classification"
    synth = make(cid)
    unpadded = synth.gold.assign(BraTS21ID=synth.gold["BraTS21ID"].astype(int).astype(str))
    assert score_frames(cid, synth.answers, unpadded) == 1.0


def test_jigsaw_toxic_skips_unscored_rows_and_pairs_columns_by_position() -> None:
    synth = make(JIGSAW_TOXIC)
    unscored = synth.notes["unscored"]
    holes = synth.gold.astype({"toxic": object})
    holes.loc[unscored, "toxic"] = None
    assert score_frames(JIGSAW_TOXIC, synth.answers, holes) == 1.0
    guess = random_submission(synth)
    reordered = guess[["id", *JIGSAW_CLASSES[::-1]]]
    # QUIRK: the k-th prediction column is scored against the k-th class, whatever its name
    as_positions = reordered.set_axis(["id", *JIGSAW_CLASSES], axis=1)
    expected = expected_score(JIGSAW_TOXIC, synth, as_positions)
    assert score_frames(JIGSAW_TOXIC, synth.answers, reordered) == pytest.approx(expected, abs=2e-5)
    with pytest.raises(InvalidSubmission, match="unexpected column"):
        score_frames(JIGSAW_TOXIC, synth.answers, synth.gold.assign(comment_text="x"))


def test_plant_pathology_rejects_extra_columns_and_accepts_any_order() -> None:
    synth = make(PLANT)
    assert score_frames(PLANT, synth.answers, synth.gold[["image_id", *PLANT_CLASSES[::-1]]]) == 1.0
    with pytest.raises(InvalidSubmission, match="unexpected column"):
        score_frames(PLANT, synth.answers, synth.gold.assign(extra=0.1))


def test_ranzcr_ignores_the_two_unscored_label_columns() -> None:
    cid = "ranzcr-clip-catheter-line-classification"
    synth = make(cid)
    with_all = synth.gold.assign(**{"CVC - Normal": 0.0, "Swan Ganz Catheter Present": 2.0})
    assert score_frames(cid, synth.answers, with_all) == 1.0


def test_jigsaw_bias_accepts_toxicity_column_and_binarises_at_half() -> None:
    synth = make(JIGSAW_BIAS)
    assert score_frames(JIGSAW_BIAS, synth.answers, synth.answers[["id", "toxicity"]]) == 1.0
    shrunk = synth.gold.assign(prediction=np.where(synth.gold["prediction"] >= 0.5, 0.51, 0.49))
    assert score_frames(JIGSAW_BIAS, synth.answers, shrunk) == 1.0
    with pytest.raises(InvalidSubmission, match="not both"):
        score_frames(JIGSAW_BIAS, synth.answers, synth.gold.assign(toxicity=0.3))
    guess = random_submission(synth).sample(frac=1, random_state=5)
    expected = expected_score(JIGSAW_BIAS, synth, guess)
    assert score_frames(JIGSAW_BIAS, synth.answers, guess) == pytest.approx(expected, abs=1e-5)


# --------------------------------------------------------------------- metric properties

binary_data = st.integers(4, 60).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 1), min_size=n, max_size=n).filter(lambda v: 0 < sum(v) < n),
        st.lists(st.integers(0, 20), min_size=n, max_size=n),
    )
)


@settings(max_examples=40, deadline=None)
@given(binary_data)
def test_weighted_auc_with_one_band_is_plain_auc(data: tuple[list[int], list[int]]) -> None:
    y, s = np.array(data[0]), np.array(data[1], dtype=float)
    one_band = compute("weighted_auc_alaska2", y, s, tpr_breakpoints=(0.0, 1.0), weights=(1.0,))
    assert one_band == pytest.approx(roc_auc_score(y, s), abs=1e-9)


@settings(max_examples=25, deadline=None)
@given(binary_data)
def test_weighted_auc_matches_band_integral_and_ignores_monotone_rescaling(
    data: tuple[list[int], list[int]],
) -> None:
    y, s = np.array(data[0]), np.array(data[1], dtype=float)
    value = compute("weighted_auc_alaska2", y, s)
    assert value == pytest.approx(alaska_by_integration(y, s), abs=1e-4)
    assert compute("weighted_auc_alaska2", y, np.exp(s / 5) - 3) == pytest.approx(value, abs=1e-12)
    assert 0.0 <= value <= 1.0


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 5))
def test_mean_column_auc_is_mean_of_single_column_aucs(seed: int, width: int) -> None:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, (30, width))
    y[:2] = [[0] * width, [1] * width]
    s = rng.random((30, width))
    expected = np.mean([roc_auc_score(y[:, k], s[:, k]) for k in range(width)])
    assert compute("mean_column_roc_auc", y, s) == pytest.approx(expected, abs=1e-12)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000))
def test_jigsaw_bias_auc_is_one_when_perfect_and_within_zero_one(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 80
    y = rng.integers(0, 2, n)
    groups = rng.integers(0, 2, (n, 3)).astype(bool)
    groups[:4] = [[True] * 3, [True] * 3, [False] * 3, [False] * 3]
    y[:4] = [0, 1, 0, 1]
    assert compute("jigsaw_bias_auc", y, y, identities=groups) == pytest.approx(1.0)
    guess = rng.integers(0, 2, n)
    value = compute("jigsaw_bias_auc", y, guess, identities=groups)
    assert 0.0 <= value <= 1.0


@settings(max_examples=30, deadline=None)
@given(binary_data, st.data())
def test_binary_auc_grader_equals_sklearn_in_any_row_order(data, draw) -> None:  # noqa: ANN001
    cid = "aerial-cactus-identification"
    labels, raw = data
    probs = np.array(raw, dtype=float) / 20
    ids = [f"{i:032x}.jpg" for i in range(len(labels))]
    order = draw.draw(st.permutations(range(len(labels))))
    answers = pd.DataFrame({"id": ids, "has_cactus": labels})
    submission = pd.DataFrame({"id": ids, "has_cactus": probs}).iloc[list(order)]
    expected = roc_auc_score(labels, probs)
    assert score_frames(cid, answers, submission) == pytest.approx(expected, abs=1e-5)
