"""Graders for the four competitions scored on boxes (or points) in prediction strings.

Each parses the prediction strings into :mod:`mle_inspect.scorers.metrics.boxes` structures
and validates them: token counts, numbers, positive sizes and the competition's label
vocabulary (``params.labels``). MLE-bench ignores unknown labels silently; here they are an
InvalidSubmission, since a misspelt class can only lower the score.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import checks
from .._errors import GradingError
from ..metrics import get_metric
from ..metrics.boxes import Boxes2D, Boxes3D, Points, require_geometry
from . import _common

if TYPE_CHECKING:
    import pandas as pd

    from ...competitions import GradingSpec


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _groups(tokens: list[str], size: int, fields: str) -> np.ndarray:
    if len(tokens) % size:
        raise ValueError(
            f"{len(tokens)} tokens is not a multiple of {size} ({fields}; tokens are "
            f"separated by single spaces)"
        )
    return np.array(tokens, dtype=object).reshape(-1, size)


def _floats(values: np.ndarray, what: str) -> np.ndarray:
    try:
        numbers = np.array([float(v) for v in values.ravel()]).reshape(values.shape)
    except ValueError:
        bad = next(v for v in values.ravel() if not _is_float(v))
        raise ValueError(f"{what} {bad!r} is not a number") from None
    if not np.isfinite(numbers).all():
        raise ValueError(f"{what} {numbers[~np.isfinite(numbers)][0]} is not a finite number")
    return numbers


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _known(labels: np.ndarray, vocabulary: Sequence[Any] | None) -> None:
    if vocabulary is None:
        return
    allowed = set(vocabulary)
    unknown = [v for v in labels.tolist() if v not in allowed]
    if unknown:
        raise ValueError(f"unknown class {unknown[0]!r}; classes are {sorted(allowed, key=str)}")


def _parsed(
    aligned: pd.DataFrame,
    answers: pd.DataFrame,
    spec: GradingSpec,
    parse_pred: Callable[[Any], Any],
    parse_truth: Callable[[Any], Any],
) -> tuple[list[Any], list[Any]]:
    id_col = _common.id_column_of(spec)
    truth = _common.parse_answers(answers, spec.truth_columns[0], parse_truth, id_col)
    pred = checks.parse_column(aligned, spec.target_columns[0], parse_pred, id_column=id_col)
    return truth, pred


# -------------------------------------------------------------------- Lyft 3D detection

_LYFT_FIELDS = "confidence center_x center_y center_z width length height yaw class_name"


def _lyft_parser(labels: Sequence[str] | None) -> Callable[[Any], Boxes3D]:
    def parse(value: Any) -> Boxes3D:
        if _is_missing(value) or not str(value).strip():
            no_boxes = np.zeros((0, 3))
            return Boxes3D(np.array([], dtype=str), np.zeros(0), no_boxes, no_boxes, np.zeros(0))
        groups = _groups(str(value).split(" "), 9, _LYFT_FIELDS)
        numbers = _floats(groups[:, :8], "a box value")
        names = groups[:, 8].astype(str)
        _known(names, labels)
        if (numbers[:, 4:7] <= 0).any():
            raise ValueError("box sizes (width, length, height) must be positive")
        return Boxes3D(names, numbers[:, 0], numbers[:, 1:4], numbers[:, 4:7], numbers[:, 7])

    return parse


def lyft_3d(submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec) -> float:
    """Lyft 3D object detection: per-sample 3D mAP over IoU 0.5–0.95 (``boxes_3d_map``).

    An empty cell is a sample without detections.
    """
    require_geometry("shapely")
    aligned = _common.aligned(submission, answers, spec)
    parse = _lyft_parser(spec.params.get("labels"))
    truth, pred = _parsed(aligned, answers, spec, parse, parse)
    if any(len(t) == 0 for t in truth):
        raise GradingError("an answers row has no boxes: the metric is undefined; re-prepare")
    return get_metric("boxes_3d_map").fn(truth, pred)


# -------------------------------------------------------------------- SIIM COVID-19

_SIIM_FIELDS = "label confidence x_min y_min x_max y_max"


def _siim_parser(labels: Sequence[str] | None) -> Callable[[Any], Boxes2D]:
    def parse(value: Any) -> Boxes2D:
        if _is_missing(value):
            raise ValueError("empty cell (every row needs a prediction, e.g. 'none 1 0 0 1 1')")
        groups = _groups(str(value).split(), 6, _SIIM_FIELDS)
        names = groups[:, 0].astype(str)
        _known(names, labels)
        numbers = _floats(groups[:, 1:], "a confidence or coordinate")
        return Boxes2D(names, numbers[:, 0], numbers[:, 1:5])

    return parse


def siim_covid19(submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec) -> float:
    """SIIM-COVID19: study and image rows pooled, per-class AP at IoU 0.5 (``boxes_siim_map``)."""
    aligned = _common.aligned(submission, answers, spec)
    truth, pred = _parsed(
        aligned, answers, spec, _siim_parser(spec.params.get("labels")), _siim_parser(None)
    )
    return get_metric("boxes_siim_map").fn(truth, pred, iou=float(spec.params.get("iou", 0.5)))


# -------------------------------------------------------------------- VinBigData

_VIN_FIELDS = "class_id confidence x_min y_min x_max y_max"


def _vin_parser(n_classes: int) -> Callable[[Any], Boxes2D]:
    def parse(value: Any) -> Boxes2D:
        if _is_missing(value) or not str(value).strip():
            raise ValueError(
                "empty cell (every image needs a prediction, e.g. '14 1 0 0 1 1' for no finding)"
            )
        numbers = _floats(_groups(str(value).split(" "), 6, _VIN_FIELDS), "a value")
        classes = numbers[:, 0]
        bad = (classes != np.round(classes)) | (classes < 0) | (classes >= n_classes)
        if bad.any():
            raise ValueError(
                f"unknown class_id {classes[bad][0]:g}; class ids are 0..{n_classes - 1}"
            )
        return Boxes2D(classes.astype(int), numbers[:, 1], numbers[:, 2:6])

    return parse


def _rows_by_image(image_of_row: np.ndarray, n_images: int) -> list[np.ndarray]:
    """Row indices of each image, in row order (one stable sort instead of n filters)."""
    order = np.argsort(image_of_row, kind="stable")
    bounds = np.searchsorted(image_of_row[order], np.arange(1, n_images))
    return np.split(order, bounds)


def vinbigdata(submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec) -> float:
    """VinBigData: COCO AP at IoU 0.4 by pycocotools (``boxes_coco_map``).

    As in MLE-bench, several rows for one image are allowed and their boxes pooled; every
    image needs at least one box. The answers hold one row per (image, class).

    QUIRK kept on purpose: MLE-bench numbers the COCO annotations from 0, the truth boxes in
    answers-file order and the predicted boxes in submission-file order. pycocotools stores
    a match as the partner's id and reads id 0 as "no match", so the answers' first box can
    never be a true positive, and the submission's first box (first box of its first row)
    never uses up the truth box it matches. A submission equal to the answers scores below 1,
    and the score depends on which row comes first. Published scores carry this, so it stays.
    """
    require_geometry("pycocotools")
    import pandas as pd

    id_col, pred_col = _common.id_column_of(spec), spec.target_columns[0]
    box_columns = ["x_min", "y_min", "x_max", "y_max"]
    checks.require_answer_columns(answers, [id_col, "class_id", *box_columns])
    if answers[box_columns].isna().any().any():
        raise GradingError("the answers have missing box coordinates: re-prepare them")
    checks.require_not_empty(submission)
    checks.require_columns(submission, [id_col, pred_col])
    checks.require_same_id_set(submission, answers, id_col)

    image_ids = pd.Index(answers[id_col].astype(str).unique())
    labels = answers["class_id"].astype(int).to_numpy()
    boxes = answers[box_columns].to_numpy(dtype=float)
    truth = [
        Boxes2D(labels[rows], np.ones(len(rows)), boxes[rows])
        for rows in _rows_by_image(
            image_ids.get_indexer(answers[id_col].astype(str)), len(image_ids)
        )
    ]
    parsed = checks.parse_column(
        submission, pred_col, _vin_parser(int(spec.params.get("n_classes", 15))), id_column=id_col
    )
    pred_image = image_ids.get_indexer(submission[id_col].astype(str))
    pred = [
        Boxes2D(
            *(
                np.concatenate([getattr(parsed[r], f) for r in rows])
                for f in ("labels", "scores", "boxes")
            )
        )
        for rows in _rows_by_image(pred_image, len(image_ids))
    ]
    return get_metric("boxes_coco_map").fn(
        truth,
        pred,
        iou=float(spec.params.get("iou", 0.4)),
        # the answers' first row is box 0 of image 0 (images are numbered in order of first
        # appearance); the submission's first row is the first of its image's rows
        truth_zero_id=(0, 0),
        pred_zero_id=(int(pred_image[0]), 0),
    )


# -------------------------------------------------------------------- Kuzushiji


def _kuzushiji_pred(value: Any) -> Points | None:
    if _is_missing(value):
        return None  # an empty cell: no characters predicted on this page
    groups = _groups(str(value).split(" "), 3, "unicode x y")
    return Points(groups[:, 0].astype(str), _floats(groups[:, 1:], "a coordinate"))


def _kuzushiji_truth(value: Any) -> Boxes2D | None:
    if _is_missing(value):
        return None
    groups = _groups(str(value).split(" "), 5, "unicode x y width height")
    x, y, w, h = _floats(groups[:, 1:], "a coordinate").T
    boxes = np.column_stack([x, y, x + w, y + h])
    return Boxes2D(groups[:, 0].astype(str), np.ones(len(groups)), boxes)


def kuzushiji(submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec) -> float:
    """Kuzushiji: F1 of predicted character centres inside truth boxes (``boxes_centre_f1``).

    An empty cell is a page without predictions. Labels are not checked against a
    vocabulary (the grader has no list of the Unicode code points used).
    """
    aligned = _common.aligned(submission, answers, spec)
    truth, pred = _parsed(aligned, answers, spec, _kuzushiji_pred, _kuzushiji_truth)
    return get_metric("boxes_centre_f1").fn(truth, pred)
