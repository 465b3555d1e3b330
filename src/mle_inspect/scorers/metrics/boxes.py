"""Detection metrics on parsed boxes, one image (or sample) per list entry.

Graders parse and validate the prediction strings into :class:`Boxes2D`, :class:`Boxes3D`
or :class:`Points`, aligned with the truth; these functions only count matches.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..._extras import install_hint
from . import register_metric

LYFT_IOU_THRESHOLDS = np.linspace(0.5, 0.95, 10)
GEOMETRY_EXTRA = install_hint("geometry")


def require_geometry(*modules: str) -> None:
    """Fail with the install command when the optional geometry libraries are missing.

    A GradingError (ours, not the agent's): the host lacks an extra, the submission is fine.
    """
    from .._errors import GradingError

    missing = [
        m for m in modules or ("shapely", "pycocotools") if importlib.util.find_spec(m) is None
    ]
    if missing:
        raise GradingError(f"grading this competition needs {', '.join(missing)}: {GEOMETRY_EXTRA}")


@dataclass(frozen=True)
class Boxes2D:
    """Axis-aligned boxes ``(x_min, y_min, x_max, y_max)`` with a label and a confidence."""

    labels: np.ndarray
    scores: np.ndarray
    boxes: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)

    def take(self, index: np.ndarray) -> Boxes2D:
        """The boxes at ``index``."""
        return Boxes2D(self.labels[index], self.scores[index], self.boxes[index])


@dataclass(frozen=True)
class Boxes3D:
    """Boxes on the ground: centre (x, y, z), size (width, length, height), yaw about z."""

    labels: np.ndarray
    scores: np.ndarray
    centers: np.ndarray
    sizes: np.ndarray
    yaws: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)

    def take(self, index: np.ndarray) -> Boxes3D:
        """The boxes at ``index``."""
        return Boxes3D(
            self.labels[index],
            self.scores[index],
            self.centers[index],
            self.sizes[index],
            self.yaws[index],
        )


@dataclass(frozen=True)
class Points:
    """Labelled points (character centres for Kuzushiji)."""

    labels: np.ndarray
    xy: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)


# ----------------------------------------------------------------------------- 3D boxes


def _footprints(boxes: Boxes3D) -> np.ndarray:
    """Rotated ground rectangles as shapely polygons: length along the heading.

    The heading is read off the rotation matrix of the quaternion about z by ``yaw``
    (R[0,0] = 1 - 2 sin²(yaw/2), R[1,0] = 2 cos(yaw/2) sin(yaw/2)), as the Lyft devkit does
    with pyquaternion: a few lines instead of a dependency.
    """
    require_geometry("shapely")
    import shapely

    w, z = np.cos(boxes.yaws / 2), np.sin(boxes.yaws / 2)
    cos, sin = 1 - 2 * z * z, 2 * w * z
    half_w, half_l = boxes.sizes[:, 0] / 2, boxes.sizes[:, 1] / 2
    along = np.stack([cos * half_l, sin * half_l], axis=1)
    across = np.stack([-sin * half_w, cos * half_w], axis=1)
    centre = boxes.centers[:, :2]
    corners = np.stack(
        [
            centre + along + across,
            centre + along - across,
            centre - along - across,
            centre - along + across,
        ],
        axis=1,
    )
    return shapely.polygons(corners)


def iou_3d(a: Boxes3D, b: Boxes3D, same_label: bool = False) -> np.ndarray:
    """(len(a), len(b)) IoU of rotated 3D boxes: footprint overlap × z overlap / union."""
    return iou_3d_many([(a, b)], same_label)[0]


def iou_3d_many(
    pairs: Sequence[tuple[Boxes3D, Boxes3D]], same_label: bool = False
) -> list[np.ndarray]:
    """:func:`iou_3d` for many (a, b) pairs (one per sample) with one shapely call.

    Shapely intersects only the box pairs that can touch (circumscribed circles and z
    ranges overlapping, and the same label when ``same_label``); every other pair is 0
    exactly. Batching all samples keeps the per-call overhead out of the loop.
    """
    import shapely

    heights, candidates, footprints_a, footprints_b = [], [], [], []
    for a, b in pairs:
        top = np.minimum(
            a.centers[:, None, 2] + a.sizes[:, None, 2] / 2,
            b.centers[None, :, 2] + b.sizes[None, :, 2] / 2,
        )
        bottom = np.maximum(
            a.centers[:, None, 2] - a.sizes[:, None, 2] / 2,
            b.centers[None, :, 2] - b.sizes[None, :, 2] / 2,
        )
        height = top - bottom
        reach = (
            np.hypot(a.sizes[:, None, 0], a.sizes[:, None, 1]) / 2
            + np.hypot(b.sizes[None, :, 0], b.sizes[None, :, 1]) / 2
        )
        gap = np.hypot(
            a.centers[:, None, 0] - b.centers[None, :, 0],
            a.centers[:, None, 1] - b.centers[None, :, 1],
        )
        touch = (height > 0) & (gap <= reach)
        if same_label:
            touch &= a.labels[:, None] == b.labels[None, :]
        i, j = np.nonzero(touch)
        heights.append(height)
        candidates.append((i, j))
        footprints_a.append(a.take(i))
        footprints_b.append(b.take(j))
    areas = np.zeros(0)
    if any(len(i) for i, _ in candidates):
        polygons_a = _footprints(_concat(footprints_a))
        polygons_b = _footprints(_concat(footprints_b))
        areas = shapely.area(shapely.intersection(polygons_a, polygons_b))
    results, used = [], 0
    for (a, b), height, (i, j) in zip(pairs, heights, candidates, strict=True):
        area = np.zeros((len(a), len(b)))
        area[i, j] = areas[used : used + len(i)]
        used += len(i)
        intersection = area * np.maximum(height, 0.0)
        volume_a, volume_b = a.sizes.prod(axis=1), b.sizes.prod(axis=1)
        union = volume_a[:, None] + volume_b[None, :] - intersection
        results.append(np.clip(intersection / union, 0.0, 1.0))
    return results


def _concat(parts: Sequence[Boxes3D]) -> Boxes3D:
    return Boxes3D(
        *(
            np.concatenate([getattr(p, f) for p in parts])
            for f in ("labels", "scores", "centers", "sizes", "yaws")
        )
    )


def voc_ap(true_positive: np.ndarray, n_truth: int) -> np.ndarray | float:
    """All-point interpolated average precision (PASCAL VOC 2010+) of ranked detections.

    ``true_positive`` is one ranking (1-D) or one per row (2-D, e.g. one per IoU threshold).
    """
    hits = np.atleast_2d(true_positive)
    tp = np.cumsum(hits, axis=1)
    fp = np.cumsum(~hits, axis=1)
    recall = tp / n_truth
    precision = tp / np.maximum(tp + fp, np.finfo(np.float64).eps)
    rows = len(hits)
    recall = np.hstack([np.zeros((rows, 1)), recall, np.ones((rows, 1))])
    precision = np.hstack([np.zeros((rows, 1)), precision, np.zeros((rows, 1))])
    precision = np.maximum.accumulate(precision[:, ::-1], axis=1)[:, ::-1]
    # steps where recall does not change add 0, so summing every step is the VOC sum
    ap = np.sum((recall[:, 1:] - recall[:, :-1]) * precision[:, 1:], axis=1)
    return float(ap[0]) if np.ndim(true_positive) == 1 else ap


def _claims(best: np.ndarray, best_iou: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """(thresholds, detections) hits of ranked detections, greedy as the Lyft devkit does.

    A detection hits when the IoU with its best truth box (first argmax) exceeds the
    threshold and no higher-ranked detection claimed that box, with no fall-back to the
    next-best box. A box is claimed before detection i exactly when an earlier detection
    with the same best box exceeds the threshold: a running maximum per box decides.
    """
    n = len(best)
    order = np.lexsort((np.arange(n), best))  # grouped by best box, in rank order
    shifted = best_iou[order] + 2.0 * best[order]  # IoU <= 1: groups never mix in the max
    running = np.maximum.accumulate(shifted) - 2.0 * best[order]
    previous = np.full(n, -np.inf)
    same = best[order][1:] == best[order][:-1]
    previous[order[1:][same]] = running[:-1][same]
    return (best_iou[None, :] > thresholds[:, None]) & (previous[None, :] <= thresholds[:, None])


@register_metric("boxes_3d_map", "custom")
def map_3d(
    truth: Sequence[Boxes3D],
    pred: Sequence[Boxes3D],
    thresholds: Sequence[float] = tuple(LYFT_IOU_THRESHOLDS),
) -> float:
    """Lyft 3D detection: mAP per sample over its truth classes and IoU thresholds.

    Then the mean over samples (MLE-bench's per-sample averaging, not Kaggle's pooled one).
    """
    limits = np.asarray(thresholds, dtype=float)
    all_ious = iou_3d_many(list(zip(pred, truth, strict=True)), same_label=True)
    per_sample = []
    for t, p, ious in zip(truth, pred, all_ious, strict=True):
        classes = sorted(set(t.labels.tolist()))
        if not classes:
            per_sample.append(math.nan)
            continue
        ap = np.zeros((len(limits), len(classes)))
        for k, label in enumerate(classes):
            mine = np.flatnonzero(p.labels == label)
            if len(mine) == 0:
                continue  # AP 0 for a truth class without detections
            ranked = mine[np.argsort(-p.scores[mine], kind="stable")]
            boxes = np.flatnonzero(t.labels == label)
            class_ious = ious[np.ix_(ranked, boxes)]
            best, best_iou = class_ious.argmax(axis=1), class_ious.max(axis=1)
            ap[:, k] = voc_ap(_claims(best, best_iou, limits), len(boxes))
        per_sample.append(float(ap.mean()))
    return float(np.mean(per_sample))


# ----------------------------------------------------------------------------- 2D boxes


def iou_2d(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """IoU of one ``(x_min, y_min, x_max, y_max)`` box with many; 0 where the union is not positive."""
    width = np.maximum(0.0, np.minimum(box[2], boxes[:, 2]) - np.maximum(box[0], boxes[:, 0]))
    height = np.maximum(0.0, np.minimum(box[3], boxes[:, 3]) - np.maximum(box[1], boxes[:, 1]))
    intersection = width * height
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    union = area + areas - intersection
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(union > 0, intersection / union, 0.0)


@register_metric("boxes_siim_map", "custom")
def siim_map(truth: Sequence[Boxes2D], pred: Sequence[Boxes2D], iou: float = 0.5) -> float:
    """SIIM-COVID19 average precision as MLE-bench grades it.

    Per class, (hit, confidence) pairs of all rows are pooled and scored with scikit-learn's average
    precision; the score is the mean over truth classes.

    Per row and class, detections in confidence order each claim the unclaimed truth box of
    highest IoU above ``iou`` (a hit) or are a miss; each unclaimed truth box adds (1, 0);
    a row with neither adds a (0, 0) "true negative". Study-level rows carry dummy boxes,
    so "negative"/"typical"... behave as classification labels.
    """
    from sklearn.metrics import average_precision_score

    classes = sorted(set().union(*(t.labels.tolist() for t in truth))) if truth else []
    if not classes:
        return 0.0
    aps = []
    for label in classes:
        hits: list[float] = []
        scores: list[float] = []
        for t, p in zip(truth, pred, strict=True):
            gt = t.boxes[t.labels == label]
            ranked = np.argsort(-p.scores, kind="stable")
            ranked = ranked[p.labels[ranked] == label]
            claimed = np.zeros(len(gt), dtype=bool)
            before = len(hits)
            for j in ranked:
                overlap = iou_2d(p.boxes[j], gt) if len(gt) else np.zeros(0)
                overlap = np.where(claimed | ~(overlap > iou), -1.0, overlap)
                if len(overlap) and overlap.max() > iou:
                    claimed[int(overlap.argmax())] = True
                    hits.append(1.0)
                else:
                    hits.append(0.0)
                scores.append(float(p.scores[j]))
            n_missed = int((~claimed).sum())
            hits.extend([1.0] * n_missed)
            scores.extend([0.0] * n_missed)
            if len(hits) == before:
                hits.append(0.0)
                scores.append(0.0)
        if all(h == 1.0 for h in hits):
            # the original asserts against this (no negatives to rank): no score, so invalid
            from .._errors import InvalidSubmission

            raise InvalidSubmission(
                "every entry of one class is a hit, so its average precision is undefined "
                "(the original grader refuses such a file)"
            )
        aps.append(float(average_precision_score(hits, scores)))
    return float(np.mean(aps))


@register_metric("boxes_coco_map", "custom")
def coco_map(
    truth: Sequence[Boxes2D],
    pred: Sequence[Boxes2D],
    iou: float = 0.4,
    truth_zero_id: tuple[int, int] | None = None,
    pred_zero_id: tuple[int, int] | None = None,
) -> float:
    """COCO AP (101-point, area "all", 100 detections) at one IoU threshold, by pycocotools.

    Reproduces the VinBigData public kernel MLE-bench uses: the corner boxes
    ``(x_min, y_min, x_max, y_max)`` are handed to COCO as if they were ``(x, y, w, h)`` on
    both sides (so IoU is computed on those transformed boxes), while ``area`` is the true
    corner area. Labels are integer category ids; those without truth boxes are ignored.

    ``truth_zero_id`` / ``pred_zero_id`` name one box, as (image index, box index in that
    image), that gets annotation id 0; every other box gets an id from 1. pycocotools records
    a match as the partner's id and reads 0 as "no match", so a truth box with id 0 turns
    the detection matched to it into a false positive, and a detection with id 0 leaves the
    truth box it matched free for another detection. None (the default) gives correct COCO.
    """
    require_geometry("pycocotools")
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    categories = sorted(set().union(*(t.labels.tolist() for t in truth)))

    def dataset(
        frames: Sequence[Boxes2D], with_scores: bool, zero_id: tuple[int, int] | None
    ) -> COCO:
        annotations: list[dict[str, object]] = []
        for image_id, frame in enumerate(frames):
            areas = (frame.boxes[:, 2] - frame.boxes[:, 0]) * (
                frame.boxes[:, 3] - frame.boxes[:, 1]
            )
            for box_index, (label, score, box, area) in enumerate(
                zip(
                    frame.labels.tolist(),
                    frame.scores.tolist(),
                    frame.boxes.tolist(),
                    areas.tolist(),
                    strict=True,
                )
            ):
                zero = (image_id, box_index) == zero_id
                annotation = dict(
                    id=0 if zero else len(annotations) + 1,  # id 0 reads as "unmatched"
                    image_id=image_id,
                    category_id=int(label),
                    bbox=box,
                    area=area,
                    iscrowd=0,
                )
                if with_scores:
                    annotation["score"] = score
                annotations.append(annotation)
        coco = COCO()
        coco.dataset = dict(
            images=[dict(id=i) for i in range(len(frames))],
            categories=[dict(id=c) for c in categories],
            annotations=annotations,
        )
        coco.createIndex()
        return coco

    with contextlib.redirect_stdout(io.StringIO()):  # pycocotools prints its progress
        evaluator = COCOeval(
            dataset(truth, False, truth_zero_id),
            dataset(pred, True, pred_zero_id),
            iouType="bbox",
        )
        evaluator.params.iouThrs = np.array([iou])
        # stats[0] needs only area "all" and 100 detections: skip the other ranges and caps
        evaluator.params.areaRng, evaluator.params.areaRngLbl = [[0, 1e10]], ["all"]
        evaluator.params.maxDets = [100]
        evaluator.evaluate()
        evaluator.accumulate()
    # stats[0] of COCOeval.summarize(): mean precision over thresholds, recall points and
    # categories with truth, area "all" (index 0), the largest maxDets (index -1)
    precision = evaluator.eval["precision"][:, :, :, 0, -1]
    valid = precision[precision > -1]
    return float(valid.mean()) if valid.size else -1.0


# ----------------------------------------------------------------------------- centres


@register_metric("boxes_centre_f1", "custom")
def centre_in_box_f1(truth: Sequence[Boxes2D | None], pred: Sequence[Points | None]) -> float:
    """Kuzushiji: F1 of labelled points against labelled boxes, pooled over pages.

    Each truth box, in order, is hit by the first unused point with its label strictly
    inside it; unmatched boxes are misses, unused points false positives. ``None`` is a
    page without boxes (truth) or without predictions (an empty cell).
    """
    tp = fp = fn = 0
    for t, p in zip(truth, pred, strict=True):
        if t is None or p is None:
            fp += len(p) if p is not None else 0
            fn += len(t) if t is not None else 0
            continue
        used = np.zeros(len(p), dtype=bool)
        for label in set(t.labels.tolist()):
            candidates = np.flatnonzero(p.labels == label)
            xy = p.xy[candidates]
            for box in t.boxes[t.labels == label]:
                inside = (
                    (box[0] < xy[:, 0])
                    & (xy[:, 0] < box[2])
                    & (box[1] < xy[:, 1])
                    & (xy[:, 1] < box[3])
                )
                free = np.flatnonzero(inside & ~used[candidates])
                if len(free):
                    used[candidates[free[0]]] = True
                    tp += 1
                else:
                    fn += 1
        fp += int((~used).sum())
    if tp + fp == 0 or tp + fn == 0:
        return 0.0
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    if precision == 0 or recall == 0:
        return 0.0
    return 2 * precision * recall / (precision + recall)
