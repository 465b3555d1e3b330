"""Segmentation metrics on parsed masks (:class:`~mle_inspect.scorers.rle.Runs`).

Each takes the truth and the prediction as aligned batches of runs (one entry per image).
Dice, IoU and F-beta need only pixel counts, computed for all images at once, so they never
build an image.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np

from ..rle import RunsBatch
from . import register_metric

TGS_IOU_THRESHOLDS = np.arange(0.5, 1.0, 0.05)
"""0.5, 0.55, ... 0.95 as ``arange`` makes them (0.6000000000000001 ...): compared strictly."""


def _dice(overlap: np.ndarray, total: np.ndarray, both_empty: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total == 0, both_empty, 2.0 * overlap / total)


@register_metric("masks_mean_dice", "custom")
def mean_dice(truth: RunsBatch, pred: RunsBatch) -> float:
    """Mean over images of 2|P∩T| / (|P|+|T|); an image empty on both sides scores 1."""
    total = truth.counts() + pred.counts()
    return float(np.mean(_dice(truth.overlap(pred), total, 1.0)))


@register_metric("masks_global_dice", "custom")
def global_dice(truth: RunsBatch, pred: RunsBatch) -> float:
    """Dice over all pixels of all images pooled; NaN when every mask is empty."""
    total = int(truth.counts().sum() + pred.counts().sum())
    return math.nan if total == 0 else 2.0 * int(truth.overlap(pred).sum()) / total


def tgs_iou(truth: RunsBatch, pred: RunsBatch) -> np.ndarray:
    """IoU of the whole masks per image, reproducing MLE-bench's 2-bin histogram quirk.

    The original counts pixels with ``np.histogram2d(..., bins=2)`` on the booleans. When
    the prediction is all background, numpy widens its degenerate range so the zeros fall
    in the upper ("foreground") bin: the IoU becomes |T| / image size instead of 0.
    (Undefined, NaN, where both are empty: callers score those images apart.)
    """
    n_true, n_pred, overlap = truth.counts(), pred.counts(), truth.overlap(pred)
    with np.errstate(divide="ignore", invalid="ignore"):
        iou = overlap / (n_true + n_pred - overlap)
    return np.where((n_pred == 0) & (n_true > 0), n_true / truth.sizes, iou)


@register_metric("masks_iou_sweep", "custom")
def iou_threshold_precision(truth: RunsBatch, pred: RunsBatch) -> float:
    """TGS salt: mean over images of the share of thresholds 0.5..0.95 that IoU exceeds.

    Each image is one object: both empty scores 1, truth empty but prediction not scores 0.
    """
    hits = (tgs_iou(truth, pred)[:, None] > TGS_IOU_THRESHOLDS[None, :]).mean(axis=1)
    truth_empty = truth.counts() == 0
    scores = np.where(truth_empty, (pred.counts() == 0).astype(float), hits)
    return float(scores.mean())


@register_metric("masks_pixel_fbeta", "custom")
def pixel_fbeta(truth: RunsBatch, pred: RunsBatch, beta: float = 0.5) -> float:
    """Mean over images of the pixel-wise F-beta (every pixel a binary sample).

    As scikit-learn's ``fbeta_score`` gives it: 0 where it is undefined.
    """
    tp, n_pred, n_true = truth.overlap(pred), pred.counts(), truth.counts()
    b2 = beta * beta
    denominator = (1 + b2) * tp + b2 * (n_true - tp) + (n_pred - tp)
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = np.where((tp == 0) | (denominator == 0), 0.0, (1 + b2) * tp / denominator)
    return float(scores.mean())


@register_metric("masks_dice_hausdorff", "custom")
def dice_hausdorff(
    truth: RunsBatch,
    pred: RunsBatch,
    slice_ids: Sequence[str],
    shapes: Sequence[tuple[int, int]],
    dice_weight: float = 0.4,
) -> float:
    """UW-Madison: 0.4 × mean Dice per row + 0.6 × (1 − mean normalised 3D Hausdorff).

    Dice per row is NaN (skipped) when both masks are empty. For Hausdorff, the rows of one
    slice (one per organ class) are OR-ed, slices are stacked per case-day in id order, and
    each volume pair scores :func:`volume_hausdorff`; NaNs are skipped in both means.
    Masks are decoded column-major as MLE-bench does (Kaggle's own RLE is row-major).
    """
    dice = _dice(truth.overlap(pred), truth.counts() + pred.counts(), math.nan)

    slices: dict[str, list[int]] = {}
    for row, slice_id in enumerate(slice_ids):
        slices.setdefault(slice_id, []).append(row)
    volumes: dict[str, list[str]] = {}
    for slice_id in sorted(slices):
        volumes.setdefault(slice_id.split("_slice_")[0], []).append(slice_id)

    def stack(masks: RunsBatch, ids: list[str]) -> np.ndarray:
        layers = []
        for slice_id in ids:
            rows = slices[slice_id]
            height, width = shapes[rows[0]]
            layer = np.zeros((height, width), dtype=bool)
            for row in rows:
                layer |= masks[row].to_mask(height, width, "F")
            layers.append(layer)
        return np.stack(layers)

    distances = [volume_hausdorff(stack(truth, ids), stack(pred, ids)) for ids in volumes.values()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN means give NaN, as before
        dice_mean = np.nanmean(dice) if len(dice) else math.nan
        hausdorff_mean = np.nanmean(distances) if distances else math.nan
    return float(dice_weight * dice_mean + (1 - dice_weight) * (1 - hausdorff_mean))


def volume_hausdorff(truth: np.ndarray, pred: np.ndarray) -> float:
    """Symmetric Hausdorff distance of two (D, H, W) volumes in unit-cube coordinates / √3.

    Both empty: NaN; identical: 0; one empty, or the prediction over 10× the truth: 1.
    Voxel coordinates are divided by the volume shape, as MLE-bench does.
    """
    n_true, n_pred = int(truth.sum()), int(pred.sum())
    if n_true == 0 and n_pred == 0:
        return math.nan
    if np.array_equal(truth, pred):
        return 0.0
    if n_true == 0 or n_pred == 0 or n_pred > 10 * n_true:
        return 1.0
    scale = np.array(truth.shape, dtype=float)
    box = _bounding_box(truth | pred)  # holds every voxel of both: distances do not change
    truth, pred = truth[box], pred[box]
    distance = max(_directed_hausdorff(truth, pred, scale), _directed_hausdorff(pred, truth, scale))
    return distance / math.sqrt(3)


def _bounding_box(volume: np.ndarray) -> tuple[slice, ...]:
    box = []
    for axis in range(volume.ndim):
        present = np.flatnonzero(volume.any(axis=tuple(a for a in range(volume.ndim) if a != axis)))
        box.append(slice(int(present[0]), int(present[-1]) + 1))
    return tuple(box)


def _directed_hausdorff(a: np.ndarray, b: np.ndarray, scale: np.ndarray) -> float:
    """Maximum over voxels of ``a`` of the distance to the nearest voxel of ``b`` (exact).

    Equal to scipy's ``directed_hausdorff`` on the voxel coordinates divided by ``scale``,
    but linear in the volume: the exact Euclidean distance transform of the complement of
    ``b`` (with the scaled voxel spacing) holds each voxel's distance to ``b``.
    """
    from scipy.ndimage import distance_transform_edt

    outside = a & ~b
    if not outside.any():
        return 0.0
    distances = distance_transform_edt(~b, sampling=1.0 / scale)
    return float(distances[outside].max())
