"""Grader for tensorflow2-question-answering (Natural Questions, long and short answers).

The answers are JSON lines (``answers_format = "jsonl"``): one row per example with its
``example_id`` and ``annotations``. The submission has two rows per example,
``<id>_long`` and ``<id>_short``, each holding ``start:end`` token spans, ``YES``/``NO``
or nothing.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from .. import checks
from . import _common

if TYPE_CHECKING:
    import pandas as pd

    from ...competitions import GradingSpec

Answer = tuple[int, int] | str


def _prediction(value: Any) -> Answer | None:
    """``"start:end"`` -> (start, end); YES/NO kept; blank -> None. Case-sensitive."""
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    text = text.strip()
    if not text:
        return None
    if ":" in text and len(parts := text.split(":")) == 2:
        try:
            return int(parts[0]), int(parts[1])
        except ValueError:
            raise ValueError(f"span {text!r} is not two integers 'start:end'") from None
    if text in ("YES", "NO"):
        return text
    raise ValueError(f"{text!r} is neither a 'start:end' token span, YES, NO nor empty")


def _valid_answers(annotations: Any) -> tuple[set[Answer], set[Answer]]:
    """(long answers, short answers) of one example's single annotation."""
    if not isinstance(annotations, list) or not annotations:
        raise ValueError("example has no annotation")
    annotation = annotations[0]
    long = annotation["long_answer"]
    long_answers: set[Answer] = set()
    if long["start_token"] != -1:
        long_answers.add((int(long["start_token"]), int(long["end_token"])))
    short_answers: set[Answer] = {
        (int(s["start_token"]), int(s["end_token"])) for s in annotation["short_answers"]
    }
    if annotation["yes_no_answer"] != "NONE":
        short_answers.add(annotation["yes_no_answer"])
    return long_answers, short_answers


def tensorflow2_qa(submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec) -> float:
    """Micro F1 over the long and short rows, as MLE-bench computes it.

    A non-empty prediction counts as (pred 1, true 1) when it is a valid answer and (1, 0)
    otherwise; an empty one as (0, 1) when a valid answer exists, else (0, 0). With binary
    labels, scikit-learn's micro F1 equals accuracy, so empty rows of unanswerable
    questions count as correct (the all-empty sample scores about 0.57, not Kaggle's 0).
    """
    import pandas as pd
    from sklearn.metrics import f1_score

    id_col, (pred_col,) = _common.id_column_of(spec), spec.target_columns
    truth_col = spec.truth_columns[0]
    checks.require_answer_columns(answers, [id_col, truth_col])
    checks.require_not_empty(submission)
    checks.require_columns(submission, [id_col, pred_col])
    example_ids = answers[id_col].astype(str)
    expected = pd.DataFrame(
        {id_col: pd.concat([example_ids + "_long", example_ids + "_short"], ignore_index=True)}
    )
    keyed = submission.assign(**{id_col: submission[id_col].astype(str)})
    aligned = checks.align_to_answers(keyed, expected, id_col)  # one row per <id>_long/_short

    truth = _common.parse_answers(answers, truth_col, _valid_answers, id_col)
    predictions = checks.parse_column(aligned, pred_col, _prediction, id_column=id_col)
    y_true, y_pred = [], []
    n = len(answers)
    for row, prediction in enumerate(predictions):
        long_answers, short_answers = truth[row % n]
        valid = long_answers if row < n else short_answers
        y_pred.append(int(prediction is not None))
        y_true.append(int(prediction in valid) if prediction is not None else int(bool(valid)))
    return float(f1_score(y_true, y_pred, average="micro"))
