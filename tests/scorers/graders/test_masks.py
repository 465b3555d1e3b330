"""Mask graders: gold, sample and shifted masks score what is computed here by hand or with
numpy/scipy/sklearn directly; malformed submissions are InvalidSubmission."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mle_inspect.scorers import InvalidSubmission, score_submission
from mle_inspect.scorers.metrics.masks import mean_dice
from mle_inspect.scorers.rle import RunsBatch, parse_rle

from . import synth_geometry as synth
from .common import check_row_order
from .synth_geometry import make

HUBMAP = "hubmap-kidney-segmentation"
CONTRAILS = "google-research-identify-contrails-reduce-global-warming"
UW = "uw-madison-gi-tract-image-segmentation"
TGS = "tgs-salt-identification-challenge"
VESUVIUS = "vesuvius-challenge-ink-detection"

MASKS = [HUBMAP, CONTRAILS, UW, TGS, VESUVIUS]


@pytest.mark.parametrize("cid", MASKS)
def test_gold_submission_scores_one(cid: str) -> None:
    data = make(cid)
    assert score_submission(cid, data.gold, data.answers) == 1.0


@pytest.mark.parametrize("cid", MASKS)
def test_shuffled_rows_score_the_same(cid: str) -> None:
    data = make(cid, seed=3)
    check_row_order(cid, data.sample, data.answers, seed=1)


def test_hubmap_sample_scores_the_share_of_empty_images() -> None:
    data = make(HUBMAP)
    empty = [not m.any() for m in data.extra["masks"]]
    assert score_submission(HUBMAP, data.sample, data.answers) == round(np.mean(empty), 5)


def test_contrails_sample_scores_global_dice_of_its_random_masks() -> None:
    data = make(CONTRAILS)
    truth = np.stack(data.extra["masks"])
    cells = data.sample.sort_values("record_id")["encoded_pixels"]
    order = np.argsort(data.answers["record_id"].to_numpy())
    pred = np.stack([synth.naive_decode("" if c == "-" else c, 16, 16) for c in cells])
    truth = truth[order]
    expected = 2 * (truth & pred).sum() / (truth.sum() + pred.sum())
    assert score_submission(CONTRAILS, data.sample, data.answers) == round(expected, 5)


def test_contrails_all_empty_on_both_sides_is_a_nan_score() -> None:
    data = make(CONTRAILS)
    answers = data.answers.assign(encoded_pixels="-")
    assert math.isnan(
        score_submission(CONTRAILS, answers[["record_id", "encoded_pixels"]], answers)
    )


def _tgs_histogram_iou(truth: np.ndarray, pred: np.ndarray) -> float:
    """The original's IoU, written from its description: 2-bin histograms on booleans."""
    truth, pred = truth.ravel().astype(np.uint8), pred.ravel().astype(np.uint8)
    both = np.histogram2d(truth, pred, bins=2)[0]
    area_true = np.histogram(truth, bins=2)[0][1]
    area_pred = np.histogram(pred, bins=2)[0][1]
    return both[1, 1] / (area_true + area_pred - both[1, 1])


def _tgs_expected(truths: list[np.ndarray], preds: list[np.ndarray]) -> float:
    scores = []
    for t, p in zip(truths, preds, strict=True):
        if not t.any():
            scores.append(1.0 if not p.any() else 0.0)
        else:
            iou = _tgs_histogram_iou(t, p)
            scores.append(np.mean([iou > th for th in np.arange(0.5, 1.0, 0.05)]))
    return float(np.mean(scores))


def test_tgs_sample_single_pixel_scores_the_histogram_iou_sweep() -> None:
    data = make(TGS)
    one_pixel = np.zeros((101, 101), dtype=bool)
    one_pixel[0, 0] = True
    expected = _tgs_expected(data.extra["masks"], [one_pixel] * len(data.extra["masks"]))
    assert score_submission(TGS, data.sample, data.answers) == round(expected, 5)


def test_tgs_empty_prediction_reproduces_the_histogram_quirk() -> None:
    data = make(TGS)
    empty = data.answers.assign(rle_mask=np.nan)
    masks = data.extra["masks"]
    expected = _tgs_expected(masks, [np.zeros_like(m) for m in masks])
    # by hand: the 70%-salt image scores 0.4 (IoU 0.7 > 0.5..0.65), the empty one 1, others 0
    coverage = [m.mean() for m in masks]
    by_hand = [
        1.0 if c == 0 else float(np.sum(c > np.arange(0.5, 1.0, 0.05))) / 10 for c in coverage
    ]
    assert by_hand[1] == 0.4
    assert expected == pytest.approx(np.mean(by_hand))
    assert score_submission(TGS, empty, data.answers) == round(expected, 5)


def test_shifted_square_scores_dice_and_iou_sweep_by_hand() -> None:
    truth = np.zeros((101, 101), dtype=bool)
    truth[10:20, 10:20] = True
    shifted = np.roll(truth, 2, axis=1)  # 80 shared pixels of 100 + 100
    answers = pd.DataFrame({"id": ["a1"], "rle_mask": [synth.naive_rle(truth)]})
    submission = pd.DataFrame({"id": ["a1"], "rle_mask": [synth.naive_rle(shifted)]})
    # IoU = 80 / 120 = 2/3 beats thresholds 0.5, 0.55, 0.6, 0.65: 4 of 10
    assert score_submission(TGS, submission, answers) == 0.4
    hub_answers = pd.DataFrame(
        {"id": ["a1"], "encoding": answers["rle_mask"], "width_pixels": 101, "height_pixels": 101}
    )
    hub_sub = submission.rename(columns={"rle_mask": "predicted"})
    assert score_submission(HUBMAP, hub_sub, hub_answers) == 0.8  # 2 * 80 / 200


def test_vesuvius_sample_scores_sklearn_f05_on_row_major_masks() -> None:
    from sklearn.metrics import fbeta_score

    data = make(VESUVIUS)
    truth = data.extra["mask"]
    pred = synth.naive_decode("1 1 5 1", 20, 30, order="C")
    expected = fbeta_score(truth.ravel(), pred.ravel(), beta=0.5)
    assert score_submission(VESUVIUS, data.sample, data.answers) == round(expected, 5)
    shifted = np.roll(truth, 3, axis=0)
    sub = data.sample.assign(Predicted=synth.naive_rle(shifted, order="C"))
    expected = fbeta_score(truth.ravel(), shifted.ravel(), beta=0.5)
    assert score_submission(VESUVIUS, sub, data.answers) == round(expected, 5)


def _uw_expected(truths: list[np.ndarray], preds: list[np.ndarray], ids: list[str]) -> float:
    """Written from the spec: Dice per row, Hausdorff per case-day volume (scipy)."""
    from scipy.spatial.distance import directed_hausdorff

    dice = [
        np.nan if not (t.any() or p.any()) else 2 * (t & p).sum() / (t.sum() + p.sum())
        for t, p in zip(truths, preds, strict=True)
    ]
    frame = pd.DataFrame({"id": ids, "t": truths, "p": preds})
    distances = []
    for _, day in frame.groupby(frame["id"].str.split("_slice_").str[0]):
        slices = day.groupby("id")
        t = np.stack([np.logical_or.reduce(list(g["t"])) for _, g in slices])
        p = np.stack([np.logical_or.reduce(list(g["p"])) for _, g in slices])
        if not t.any() and not p.any():
            distances.append(np.nan)
        elif (t == p).all():
            distances.append(0.0)
        elif not t.any() or not p.any() or p.sum() > 10 * t.sum():
            distances.append(1.0)
        else:
            a, b = np.argwhere(t) / t.shape, np.argwhere(p) / p.shape
            hd = max(directed_hausdorff(a, b)[0], directed_hausdorff(b, a)[0])
            distances.append(hd / np.sqrt(3))
    return 0.4 * np.nanmean(dice) + 0.6 * (1 - np.nanmean(distances))


def test_uw_madison_sample_scores_dice_hausdorff_from_scipy() -> None:
    data = make(UW)
    height, width = data.extra["shape"]
    sample_mask = synth.naive_decode("1 1 5 2", height, width)
    truths = data.extra["masks"]
    expected = _uw_expected(truths, [sample_mask] * len(truths), list(data.answers["id"]))
    assert score_submission(UW, data.sample, data.answers) == round(expected, 5)


def test_uw_madison_one_voxel_off_is_half_a_depth_step() -> None:
    """Volume (2, 4, 4): truth voxel (0,0,0); prediction adds (1,0,0), i.e. 0.5 in unit depth."""
    ids = ["case1_day1_slice_0001", "case1_day1_slice_0002"]
    voxel = np.zeros((4, 4), dtype=bool)
    voxel[0, 0] = True
    answers = pd.DataFrame(
        {
            "id": ids,
            "class": "stomach",
            "predicted": [synth.naive_rle(voxel), ""],
            "image_width": 4.0,
            "image_height": 4.0,
        }
    )
    sub = answers[["id", "class", "predicted"]].assign(predicted=[synth.naive_rle(voxel)] * 2)
    # Dice: row 1 = 1, row 2 = 0 -> 0.5; Hausdorff = 0.5 / sqrt(3)
    expected = 0.4 * 0.5 + 0.6 * (1 - 0.5 / np.sqrt(3))
    assert score_submission(UW, sub, answers) == round(expected, 5)


# ----------------------------------------------------------------------- malformed input


def _missing_row(df: pd.DataFrame, cid: str) -> pd.DataFrame:
    return df.iloc[:-1]


MUTATIONS = [
    synth.drop_prediction,
    synth.unknown_id,
    synth.duplicate_id,
    _missing_row,
    synth.empty,
    *(synth.set_first(v) for v in ("1 2 3", "-3 2", "5 2 1 2", "1 5 3 2", "1 x", 7)),
]


@pytest.mark.parametrize("cid", MASKS)
@pytest.mark.parametrize("mutate", MUTATIONS, ids=lambda m: m.__name__)
def test_malformed_submissions_are_invalid(cid: str, mutate: Callable) -> None:
    data = make(cid)
    synth.check_refused(cid, mutate(data.gold, cid), data.answers)


@pytest.mark.parametrize("cid", [TGS, VESUVIUS])
def test_extra_columns_are_invalid_where_the_original_requires_exact_columns(cid: str) -> None:
    data = make(cid)
    with pytest.raises(InvalidSubmission, match="unexpected column"):
        score_submission(cid, data.gold.assign(note="x"), data.answers)


def _two_fragments() -> pd.DataFrame:
    first = synth.vesuvius(np.random.default_rng(0)).answers
    second = synth.vesuvius(np.random.default_rng(1)).answers.assign(Id="b")
    return pd.concat([first, second], ignore_index=True)


def test_vesuvius_rows_out_of_the_answers_order_are_invalid_as_in_the_original() -> None:
    answers = _two_fragments()
    gold = answers[["Id", "Predicted"]]
    assert score_submission(VESUVIUS, gold, answers) == 1.0
    # the original paired rows by position and asserted equal ids: swapped rows failed
    with pytest.raises(InvalidSubmission, match=r"order .*'Id'.* row 1 has 'b', expected 'a'"):
        score_submission(VESUVIUS, gold.iloc[::-1].reset_index(drop=True), answers)


@pytest.mark.parametrize("cid", [CONTRAILS, VESUVIUS])
def test_empty_cells_are_invalid_where_the_original_needs_a_string(cid: str) -> None:
    data = make(cid)
    with pytest.raises(InvalidSubmission, match="empty cell"):
        score_submission(cid, synth.set_first(np.nan)(data.gold, cid), data.answers)


def test_malformed_message_names_column_count_and_ids() -> None:
    data = make(TGS)
    bad = data.gold.copy()
    bad.loc[:2, "rle_mask"] = "1 2 3"
    with pytest.raises(InvalidSubmission) as info:
        score_submission(TGS, bad, data.answers)
    message = str(info.value)
    assert "'rle_mask'" in message and "3 malformed" in message and bad.loc[0, "id"] in message


# ----------------------------------------------------------------------- properties


@settings(max_examples=40, deadline=None)
@given(pair=st.tuples(arrays(bool, (6, 5)), arrays(bool, (6, 5))))
def test_mean_dice_is_symmetric_bounded_and_one_on_itself(
    pair: tuple[np.ndarray, np.ndarray],
) -> None:
    a, b = (RunsBatch.stack([parse_rle(synth.naive_rle(m), 30)]) for m in pair)
    forward, backward = mean_dice(a, b), mean_dice(b, a)
    assert forward == pytest.approx(backward)
    assert 0.0 <= forward <= 1.0
    assert mean_dice(a, a) == 1.0


@settings(max_examples=40, deadline=None)
@given(
    pair=st.tuples(
        arrays(bool, (3, 6, 5), elements=st.booleans()),
        arrays(bool, (3, 6, 5), elements=st.booleans()),
    )
)
def test_volume_hausdorff_equals_scipy_directed_hausdorff(
    pair: tuple[np.ndarray, np.ndarray],
) -> None:
    """The distance-transform shortcut gives scipy's Hausdorff on the scaled coordinates."""
    from scipy.spatial.distance import directed_hausdorff

    from mle_inspect.scorers.metrics.masks import volume_hausdorff

    truth, pred = pair
    got = volume_hausdorff(truth, pred)
    if not truth.any() or not pred.any() or pred.sum() > 10 * truth.sum():
        return  # the special cases are pinned by the grader tests
    a, b = np.argwhere(truth) / truth.shape, np.argwhere(pred) / pred.shape
    expected = max(directed_hausdorff(a, b)[0], directed_hausdorff(b, a)[0]) / np.sqrt(3)
    assert got == pytest.approx(expected, abs=1e-12)
