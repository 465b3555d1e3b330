"""Box graders: gold, sample and shifted boxes score what is worked out here by hand (or with
sklearn directly); malformed prediction strings are InvalidSubmission."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mle_inspect.scorers import GradingError, InvalidSubmission, score_submission
from mle_inspect.scorers.metrics.boxes import Boxes3D, iou_3d, voc_ap

from . import synth_geometry as synth
from .common import check_row_order, columns_of
from .synth_geometry import make

LYFT = "3d-object-detection-for-autonomous-vehicles"
SIIM = "siim-covid19-detection"
VIN = "vinbigdata-chest-xray-abnormalities-detection"
KUZU = "kuzushiji-recognition"

BOXES = [LYFT, SIIM, VIN, KUZU]


@pytest.mark.parametrize("cid", [LYFT, SIIM, KUZU])  # VinBigData: see its id-0 quirk below
def test_gold_submission_scores_one(cid: str) -> None:
    data = make(cid)
    assert score_submission(cid, data.gold, data.answers) == 1.0


@pytest.mark.parametrize("cid", [LYFT, SIIM, KUZU])  # VinBigData: its first row matters
def test_shuffled_rows_score_the_same(cid: str) -> None:
    data = make(cid, seed=5)
    for frame in (data.sample, data.gold):
        check_row_order(cid, frame, data.answers, seed=2)


# ----------------------------------------------------------------------- Lyft 3D


def _lyft_box(x: float, yaw: float = 0.0, name: str = "car", conf: float = 1.0) -> str:
    return f"{conf} {x} 0 0 2 4 2 {yaw} {name}"  # width 2, length 4, height 2


def _lyft_score(truth: str, pred: str) -> float:
    answers = pd.DataFrame({"Id": ["s1"], "PredictionString": [truth]})
    return score_submission(LYFT, pd.DataFrame({"Id": ["s1"], "PredictionString": [pred]}), answers)


def test_lyft_sample_without_boxes_scores_zero() -> None:
    data = make(LYFT)
    assert score_submission(LYFT, data.sample, data.answers) == 0.0


def test_lyft_box_shifted_along_its_length_by_hand() -> None:
    # overlap 3.2 x 2 x 2 = 12.8 of union 16 + 16 - 12.8: IoU 2/3 beats 0.5, 0.55, 0.6, 0.65
    assert _lyft_score(_lyft_box(0), _lyft_box(0.8)) == 0.4


def test_lyft_yaw_turns_the_footprint() -> None:
    # a 2 x 4 footprint turned 90°: overlap 2 x 2 x 2 = 8 of 24, IoU 1/3 -> no threshold
    assert _lyft_score(_lyft_box(0), _lyft_box(0, yaw=np.pi / 2)) == 0.0
    assert _lyft_score(_lyft_box(0), _lyft_box(0, yaw=np.pi)) == 1.0  # same footprint


def test_lyft_averages_over_truth_classes_and_ignores_others() -> None:
    truth = " ".join([_lyft_box(0), _lyft_box(20, name="truck")])
    pred = " ".join([_lyft_box(0), _lyft_box(50, name="bus")])
    assert _lyft_score(truth, pred) == 0.5  # car AP 1, truck AP 0; bus not in the truth


def test_lyft_ranks_by_confidence_and_counts_a_duplicate_as_false_positive() -> None:
    # a low-confidence duplicate after the hit: precision 1 at recall 1 -> AP 1
    assert _lyft_score(_lyft_box(0), f"{_lyft_box(0)} {_lyft_box(0.1, conf=0.2)}") == 1.0
    # a near box (IoU 3.7/4.3 = 0.86) ranked first claims the truth at thresholds up to 0.85,
    # so the exact box after it is a false positive there (no fall-back): AP 1; at 0.9 and
    # 0.95 the near box misses and the exact one hits second: AP 0.5 -> (8 + 2 x 0.5) / 10
    score = _lyft_score(_lyft_box(0), f"{_lyft_box(0, conf=0.2)} {_lyft_box(0.3, conf=0.9)}")
    assert score == 0.9


# ----------------------------------------------------------------------- SIIM


def test_siim_sample_scores_sklearn_ap_of_hand_derived_pairs() -> None:
    from sklearn.metrics import average_precision_score

    answers = pd.DataFrame(
        {
            "id": ["s1_study", "s2_study", "i1_image", "i2_image"],
            "PredictionString": [
                "typical 1 0 0 1 1",
                "negative 1 0 0 1 1",
                "opacity 1 10 10 50 50",
                "none 1 0 0 1 1",
            ],
        }
    )
    sample = answers.assign(PredictionString=["negative 1 0 0 1 1"] * 2 + ["none 1 0 0 1 1"] * 2)
    # (hit, confidence) pairs per class, rows in order s1, s2, i1, i2
    pairs = {
        "negative": ([0, 1, 0, 0], [1, 1, 0, 0]),
        "none": ([0, 0, 0, 1], [0, 0, 1, 1]),
        "opacity": ([0, 0, 1, 0], [0, 0, 0, 0]),  # the missed box adds (1, 0)
        "typical": ([1, 0, 0, 0], [0, 0, 0, 0]),
    }
    expected = np.mean([average_precision_score(y, s) for y, s in pairs.values()])
    assert expected == 0.375
    assert score_submission(SIIM, sample, answers) == expected
    # an opacity box shifted to IoU 800/2400: a false positive (0, 0.9), the missed box (1, 0)
    shifted = answers.assign(
        PredictionString=[
            *answers["PredictionString"][:2],
            "opacity 0.9 30 10 70 50",
            "none 1 0 0 1 1",
        ]
    )
    pairs["opacity"] = ([0, 0, 0, 1, 0], [0, 0, 0.9, 0, 0])
    pairs["negative"] = ([0, 1, 0, 0], [0, 1, 0, 0])
    pairs["typical"] = ([1, 0, 0, 0], [1, 0, 0, 0])
    pairs["none"] = ([0, 0, 0, 1], [0, 0, 0, 1])
    expected = np.mean([average_precision_score(y, s) for y, s in pairs.values()])
    assert score_submission(SIIM, shifted, answers) == round(expected, 5)


# ----------------------------------------------------------------------- VinBigData


def _vin_answers(rows: list[tuple[str, int, float, float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(image, c, f"class {c}", "R1", *box) for image, c, *box in rows],
        columns=[
            "image_id",
            "class_id",
            "class_name",
            "rad_id",
            "x_min",
            "y_min",
            "x_max",
            "y_max",
        ],
    )


def _vin_sub(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["image_id", "PredictionString"])


# COCO AP by hand (pycocotools' arithmetic): detections of all images in image order (ties
# of confidence keep it), cumulative precision made non-increasing from the right, then
# read at the 101 recall points 0, 0.01, ..., 1 (the first detection reaching each recall;
# 0 past the highest recall reached), averaged. The original numbers annotations from 0,
# and pycocotools reads a match with id 0 as "no match": the answers' first box is never
# a true positive, and the submission's first box never uses up the truth box it matched.
HALF_RECALL_AT_HALF_PRECISION = 51 * 0.5 / 101  # recall points 0..0.5 at precision 0.5


def test_vinbigdata_perfect_submission_scores_what_the_originals_id_zero_arithmetic_gives() -> None:
    answers = _vin_answers([("img_a", 0, 10, 10, 50, 50), ("img_b", 0, 20, 20, 60, 60)])
    perfect = _vin_sub([("img_a", "0 1.0 10 10 50 50"), ("img_b", "0 1.0 20 20 60 60")])
    # img_a's detection matches truth id 0: a false positive; img_b's is a hit.
    # Ranked: FP, TP -> recall [0, .5], precision [0, .5] -> [.5, .5]
    assert score_submission(VIN, perfect, answers) == round(HALF_RECALL_AT_HALF_PRECISION, 5)
    assert score_submission(VIN, perfect, answers) < 1.0


def test_vinbigdata_score_depends_on_which_submission_row_comes_first() -> None:
    answers = _vin_answers([("img_a", 0, 10, 10, 50, 50), ("img_b", 0, 20, 20, 60, 60)])
    twice = "0 1.0 20 20 60 60 0 1.0 20 20 60 60"  # the same box twice on img_b
    a_first = _vin_sub([("img_a", "0 1.0 10 10 50 50"), ("img_b", twice)])
    b_first = _vin_sub([("img_b", twice), ("img_a", "0 1.0 10 10 50 50")])
    # a_first: img_b's two detections have ids 1, 2; the first takes the box, the second
    # misses. Ranked FP (img_a), TP, FP -> recall [0, .5, .5], precision [0, .5, 1/3].
    assert score_submission(VIN, a_first, answers) == round(HALF_RECALL_AT_HALF_PRECISION, 5)
    # b_first: img_b's first detection has id 0, so its box stays free and the second
    # detection hits it too. Ranked FP, TP, TP -> recall [0, .5, 1], precision
    # [0, .5, 2/3] -> 2/3 at every recall point.
    assert score_submission(VIN, b_first, answers) == round(2 / 3, 5)


def test_vinbigdata_sample_finds_only_the_no_finding_images() -> None:
    data = make(VIN)
    # "No finding" images sort first (ids 0 and 1): every image predicts "14 1 0 0 1 1".
    # Class 14, ranked in image order: FP (its truth box has id 0), TP, FP, FP, FP over 2
    # truth boxes -> precision 0.5 up to recall 0.5; every finding class scores 0
    categories = data.answers["class_id"].nunique()
    assert data.answers["class_id"].iloc[0] == 14
    expected = HALF_RECALL_AT_HALF_PRECISION / categories
    assert score_submission(VIN, data.sample, data.answers) == round(expected, 5)


def test_vinbigdata_feeds_corners_to_coco_as_xywh() -> None:
    # a first "No finding" row takes annotation id 0, so the class-3 box below can be a hit
    answers = _vin_answers([("first", 14, 0, 0, 1, 1), ("img", 3, 100, 100, 110, 110)])
    # true corner IoU is 30/170 = 0.18 (a miss at 0.4); read as (x, y, w, h) the boxes are
    # [100, 210] and [107, 224] wide: IoU 11330 / 13640 = 0.83, a hit -> AP 1 for class 3,
    # AP 0 for class 14 (its only truth box has id 0): mean 0.5
    assert 103 * 110 / (110 * 110 + 117 * 110 - 103 * 110) > 0.4
    sub = _vin_sub([("first", "14 1 0 0 1 1"), ("img", "3 0.9 107 100 117 110")])
    assert score_submission(VIN, sub, answers) == 0.5
    far = _vin_sub([("first", "14 1 0 0 1 1"), ("img", "3 0.9 300 300 310 310")])
    assert score_submission(VIN, far, answers) == 0.0


def test_vinbigdata_pools_boxes_of_repeated_image_rows() -> None:
    data = make(VIN)
    rows = []
    for image, text in zip(data.gold["image_id"], data.gold["PredictionString"], strict=True):
        tokens = text.split(" ")
        rows += [(image, " ".join(tokens[i : i + 6])) for i in range(0, len(tokens), 6)]
    split = pd.DataFrame(rows, columns=["image_id", "PredictionString"])
    assert len(split) > len(data.gold)
    # same boxes in the same order, same first box: the same score as one row per image
    assert score_submission(VIN, split, data.answers) == score_submission(
        VIN, data.gold, data.answers
    )


# ----------------------------------------------------------------------- Kuzushiji


def test_kuzushiji_sample_scores_zero_and_a_centre_outside_its_box_costs_two() -> None:
    data = make(KUZU)
    assert score_submission(KUZU, data.sample, data.answers) == 0.0
    n = sum(len(t.split(" ")) // 5 for t in data.answers["labels"])
    moved = data.gold.copy()
    tokens = moved.loc[0, "labels"].split(" ")
    tokens[1] = str(float(tokens[1]) - 5)  # centre now left of its box: one miss, one extra
    moved.loc[0, "labels"] = " ".join(tokens)
    precision = recall = (n - 1) / n
    assert score_submission(KUZU, moved, data.answers) == round(
        2 * precision * recall / (precision + recall), 5
    )


def test_kuzushiji_empty_cell_is_a_page_without_predictions() -> None:
    data = make(KUZU)
    sub = data.gold.copy()
    sub.loc[0, "labels"] = np.nan
    n = sum(len(t.split(" ")) // 5 for t in data.answers["labels"])
    missed = (
        len(data.answers.set_index("image_id").loc[sub.loc[0, "image_id"], "labels"].split(" "))
        // 5
    )
    recall = (n - missed) / n
    assert score_submission(KUZU, sub, data.answers) == round(2 * recall / (1 + recall), 5)


# ----------------------------------------------------------------------- malformed input


def _missing_row(df: pd.DataFrame, cid: str) -> pd.DataFrame:
    return df.iloc[1:]


def _truncate_first(df: pd.DataFrame, cid: str) -> pd.DataFrame:
    """Drop the last token of the first row: a box with too few fields."""
    out = df.copy()
    column = columns_of(cid)[1]
    out.loc[0, column] = " ".join(str(out.loc[0, column]).split(" ")[:-1])
    return out


COMMON = [
    synth.drop_prediction,
    synth.drop_id,
    synth.unknown_id,
    _missing_row,
    synth.empty,
    _truncate_first,
]
BAD_STRINGS = {
    LYFT: [
        "1.0 0 0 0 2 4 2 0 spaceship",
        "1.0 0 0 0 0 4 2 0 car",
        "1.0 x 0 0 2 4 2 0 car",
        "1.0 nan 0 0 2 4 2 0 car",
        "1.0  0 0 0 2 4 2 0 car",
    ],
    SIIM: ["Negative 1 0 0 1 1", "opacity high 0 0 1 1", "none 1 0 0 1", np.nan],
    VIN: ["15 1 0 0 1 1", "2.5 1 0 0 1 1", "14 1 0 0 1", "14 one 0 0 1 1", np.nan, " "],
    KUZU: ["U+3042 1", "U+3042 x 5", "U+3042 1 2  U+3044 3 4"],
}
CASES = [(cid, m) for cid in BOXES for m in COMMON]
CASES += [(cid, synth.set_first(v)) for cid, values in BAD_STRINGS.items() for v in values]
CASES += [(cid, synth.duplicate_id) for cid in (LYFT, SIIM, KUZU)]  # VinBigData pools duplicates


@pytest.mark.parametrize(("cid", "mutate"), CASES, ids=lambda v: getattr(v, "__name__", v))
def test_malformed_submissions_are_invalid(cid: str, mutate: Callable) -> None:
    data = make(cid)
    synth.check_refused(cid, mutate(data.gold, cid), data.answers)


def test_unknown_class_message_names_the_class_and_row() -> None:
    data = make(SIIM)
    with pytest.raises(InvalidSubmission, match=r"'PredictionString'.*unknown class 'Negative'"):
        score_submission(SIIM, synth.set_first("Negative 1 0 0 1 1")(data.gold, SIIM), data.answers)


@pytest.mark.parametrize(("cid", "module"), [(LYFT, "shapely"), (VIN, "pycocotools")])
def test_missing_geometry_extra_names_the_install_command(
    cid: str, module: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == module else real(name, *a)
    )
    data = make(cid)
    with pytest.raises(GradingError, match=r'pip install -e "\.\[geometry\]"'):
        score_submission(cid, data.gold, data.answers)


# ----------------------------------------------------------------------- properties

finite = st.floats(-20, 20, allow_nan=False)
sizes = st.floats(0.5, 6, allow_nan=False)
box3d = st.tuples(finite, finite, finite, sizes, sizes, sizes, st.floats(-np.pi, np.pi))


def _boxes(rows: list[tuple[float, ...]]) -> Boxes3D:
    a = np.array(rows, dtype=float).reshape(-1, 7)
    return Boxes3D(np.array(["car"] * len(a)), np.ones(len(a)), a[:, :3], a[:, 3:6], a[:, 6])


@settings(max_examples=40, deadline=None)
@given(a=st.lists(box3d, min_size=1, max_size=4), b=st.lists(box3d, min_size=1, max_size=4))
def test_iou_3d_is_symmetric_bounded_and_one_on_itself(a: list, b: list) -> None:
    boxes_a, boxes_b = _boxes(a), _boxes(b)
    forward = iou_3d(boxes_a, boxes_b)
    assert np.allclose(forward, iou_3d(boxes_b, boxes_a).T, atol=1e-9)
    assert ((forward >= 0) & (forward <= 1)).all()
    assert np.allclose(np.diag(iou_3d(boxes_a, boxes_a)), 1.0)


@settings(max_examples=60, deadline=None)
@given(hits=st.lists(st.booleans(), min_size=1, max_size=30), extra=st.integers(0, 5))
def test_voc_ap_is_bounded_and_one_only_when_hits_lead(hits: list[bool], extra: int) -> None:
    n_truth = sum(hits) + extra
    if n_truth == 0:
        return
    ap = voc_ap(np.array(hits), n_truth)
    assert 0.0 <= ap <= 1.0
    perfect = extra == 0 and all(hits[: sum(hits)]) and sum(hits) > 0
    assert (ap == pytest.approx(1.0)) == perfect
