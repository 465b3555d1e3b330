"""Graders for the five competitions scored on run-length encoded masks.

Every RLE goes through :func:`mle_inspect.scorers.rle.parse_rle` (column-major, 1-indexed,
validated). A malformed submission mask is an InvalidSubmission naming the rows; a malformed
answer mask is a GradingError. Image sizes come from the answers (or the spec's params).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .. import checks
from .._errors import GradingError
from ..metrics import get_metric
from ..rle import RLEError, Runs, RunsBatch, parse_rle, parse_rle_batch
from . import _common

if TYPE_CHECKING:
    import pandas as pd

    from ...competitions import GradingSpec


def _rle_text(value: object, empty_token: str | None, nan_is_empty: bool) -> object:
    """The cell as the RLE string to parse: NaN and ``empty_token`` mean an empty mask."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        if not nan_is_empty:
            hint = f" (write {empty_token!r} for an empty mask)" if empty_token else ""
            raise RLEError(f"empty cell{hint}")
        return ""
    if empty_token is not None and value == empty_token:
        return ""
    return value


def _mask_column(
    frame: pd.DataFrame,
    column: str,
    sizes: Sequence[int],
    id_column: str,
    *,
    answers: bool = False,
    empty_token: str | None = None,
    nan_is_empty: bool = True,
) -> RunsBatch:
    """Parse a column of RLE cells in one go; on failure, name every bad row.

    The batch parser stops at the first problem, so the error path parses cell by cell to
    report how many rows are bad and which.
    """
    import pandas as pd

    cells = frame[column].tolist()
    try:
        texts = [_rle_text(v, empty_token, nan_is_empty) for v in cells]
        return parse_rle_batch(texts, sizes)
    except RLEError as first:
        table = pd.DataFrame(
            {id_column: frame[id_column].to_numpy(), column: list(zip(cells, sizes, strict=True))}
        )

        def parse(cell: tuple[object, int]) -> Runs:
            return parse_rle(_rle_text(cell[0], empty_token, nan_is_empty), cell[1])

        if answers:
            _common.parse_answers(table, column, parse, id_column)
        else:
            checks.parse_column(table, column, parse, id_column=id_column)
        raise first  # unreachable unless the two parsers disagree


def _sizes(answers: pd.DataFrame, height: str, width: str) -> list[int]:
    import pandas as pd

    checks.require_answer_columns(answers, [height, width])
    h = pd.to_numeric(answers[height], errors="raise").astype(int)
    w = pd.to_numeric(answers[width], errors="raise").astype(int)
    return (h * w).tolist()


def _score(name: str, truth: RunsBatch, pred: RunsBatch, **kwargs: Any) -> float:
    return get_metric(name).fn(truth, pred, **kwargs)


def hubmap(submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec) -> float:
    """HuBMAP kidney: mean Dice per image (both empty = 1); empty cells are empty masks.

    Full-resolution kidney masks have over a billion pixels: Dice is counted on the runs.
    """
    aligned = _common.aligned(submission, answers, spec)
    sizes = _sizes(answers, spec.params["height_column"], spec.params["width_column"])
    (pred_col,), truth_col = spec.target_columns, spec.truth_columns[0]
    id_col = _common.id_column_of(spec)
    truth = _mask_column(answers, truth_col, sizes, id_col, answers=True)
    pred = _mask_column(aligned, pred_col, sizes, id_col)
    return _score("masks_mean_dice", truth, pred)


def contrails(submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec) -> float:
    """Contrails: global Dice over every pixel of every record.

    ``-`` is an empty mask; an empty cell is invalid, as in MLE-bench (it reads as NaN,
    which the original rejects). Extra columns (the sample has height and width) are allowed.
    """
    expected = {_common.id_column_of(spec), *spec.truth_columns, "height", "width"}
    if set(answers.columns) != expected:
        raise GradingError(
            f"the answers columns are {list(answers.columns)}, not {sorted(expected)}"
        )
    aligned = _common.aligned(submission, answers, spec)
    sizes = _sizes(answers, "height", "width")
    (pred_col,), truth_col = spec.target_columns, spec.truth_columns[0]
    id_col = _common.id_column_of(spec)
    truth = _mask_column(answers, truth_col, sizes, id_col, answers=True, empty_token="-")
    pred = _mask_column(aligned, pred_col, sizes, id_col, empty_token="-", nan_is_empty=False)
    return _score("masks_global_dice", truth, pred)


def tgs_salt(submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec) -> float:
    """TGS salt: mean over images of the IoU-threshold sweep on fixed-size images.

    Columns must be exactly ``id, rle_mask``; empty cells are empty masks.
    """
    aligned = _common.aligned(submission, answers, spec, exact_columns=True)
    size = int(spec.params["height"]) * int(spec.params["width"])
    sizes = [size] * len(answers)
    (pred_col,), truth_col = spec.target_columns, spec.truth_columns[0]
    id_col = _common.id_column_of(spec)
    truth = _mask_column(answers, truth_col, sizes, id_col, answers=True)
    pred = _mask_column(aligned, pred_col, sizes, id_col)
    return _score("masks_iou_sweep", truth, pred)


def vesuvius(submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec) -> float:
    """Vesuvius ink: mean per fragment of the pixel F0.5; columns exactly ``Id, Predicted``.

    The competition numbers pixels row-major; F-beta counts pixels, so the order is moot
    here (both sides are parsed alike, cut at the same image end). An empty cell is invalid.
    As in the original, which paired rows by position and asserted equal ids, the rows must
    be in the answers' (the sample submission's) order.
    """
    aligned = _common.aligned(submission, answers, spec, exact_columns=True)
    checks.require_answer_order(submission, answers, _common.id_column_of(spec))
    sizes = _sizes(answers, "height", "width")
    (pred_col,), truth_col = spec.target_columns, spec.truth_columns[0]
    id_col = _common.id_column_of(spec)
    truth = _mask_column(answers, truth_col, sizes, id_col, answers=True)
    pred = _mask_column(aligned, pred_col, sizes, id_col, nan_is_empty=False)
    return _score("masks_pixel_fbeta", truth, pred, beta=float(spec.params.get("beta", 0.5)))


def uw_madison(submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec) -> float:
    """UW-Madison GI tract: 0.4 × Dice + 0.6 × (1 − 3D Hausdorff), see ``masks_dice_hausdorff``.

    Deliberate difference: MLE-bench pairs rows by position without checking ids (a reordered
    or shorter submission is silently mis-scored); here rows are matched on (id, class) and
    every test (id, class) must appear once. In-order submissions score the same.
    """
    import pandas as pd

    id_col, class_col = _common.id_column_of(spec), spec.params["class_column"]
    (pred_col,), truth_col = spec.target_columns, spec.truth_columns[0]
    checks.require_not_empty(submission)
    checks.require_columns(submission, [id_col, class_col, pred_col])
    checks.require_answer_columns(answers, [id_col, class_col, truth_col])
    key = f"{id_col}+{class_col}"

    def keyed(frame: pd.DataFrame) -> pd.DataFrame:
        out = frame.copy()
        out[key] = frame[id_col].astype(str) + "+" + frame[class_col].astype(str)
        return out

    aligned = checks.align_to_answers(keyed(submission), keyed(answers), key)
    heights = pd.to_numeric(answers["image_height"], errors="raise").astype(int).tolist()
    widths = pd.to_numeric(answers["image_width"], errors="raise").astype(int).tolist()
    sizes = [h * w for h, w in zip(heights, widths, strict=True)]
    truth = _mask_column(answers, truth_col, sizes, id_col, answers=True)
    pred = _mask_column(aligned, pred_col, sizes, key)
    return _score(
        "masks_dice_hausdorff",
        truth,
        pred,
        slice_ids=answers[id_col].astype(str).tolist(),
        shapes=list(zip(heights, widths, strict=True)),
    )
