"""What the grader test modules share: CSV round trips as the harness reads files, hex ids,
and the checks each runs on its own synthetic data (score against a reference, row order,
malformed files refused or, where the original accepted them, scored).
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from mle_inspect.competitions import get_competition
from mle_inspect.scorers import InvalidSubmission, read_submission_csv, score_submission

Reference = Callable[[str, pd.DataFrame, pd.DataFrame], float]
"""``reference(cid, answers, submission)``: the score worked out independently of the grader."""


def csv_roundtrip(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame written to CSV and read back with pandas defaults, as answers are loaded."""
    return pd.read_csv(io.StringIO(frame.to_csv(index=False)))


def roundtrip(frame: pd.DataFrame, *, index: bool = False) -> pd.DataFrame:
    """The frame written to CSV and read back as the grader reads an agent's submission."""
    return read_submission_csv(frame.to_csv(index=index).encode())


def hex_ids(rng: np.random.Generator, n: int, width: int, *, text_only: bool = True) -> list[str]:
    """Distinct random lower-case hex strings, in the order drawn. ``text_only`` skips those
    a CSV reader would parse as numbers ("1234", "12e4"), so ids stay text."""
    out: dict[str, None] = {}
    while len(out) < n:
        value = "".join(rng.choice(list("0123456789abcdef"), width))
        if not (text_only and _reads_as_number(value)):
            out[value] = None
    return list(out)


def _reads_as_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def columns_of(cid: str) -> tuple[str, str]:
    """The competition's id column and first target column."""
    spec = get_competition(cid).grading
    assert spec is not None and spec.id_column is not None
    return spec.id_column, spec.target_columns[0]


def paired(cid: str, answers: pd.DataFrame, sub: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Truth and prediction of the target column, paired by id with a pandas merge."""
    id_col, target = columns_of(cid)
    merged = answers[[id_col, target]].merge(sub[[id_col, target]], on=id_col)
    return merged[f"{target}_x"].to_numpy(), merged[f"{target}_y"].to_numpy()


def shuffled(frame: pd.DataFrame, seed: int = 3) -> pd.DataFrame:
    """The rows in another order, renumbered: a grader that pairs by id must not notice."""
    return frame.sample(frac=1, random_state=seed).reset_index(drop=True)


def check_row_order(cid: str, sub: pd.DataFrame, answers: pd.DataFrame, seed: int = 3) -> None:
    """The same score with the submission's rows shuffled."""
    shuffled_sub = shuffled(sub, seed)
    assert score_submission(cid, shuffled_sub, answers) == score_submission(cid, sub, answers)


def check_score(reference: Reference, cid: str, sub: pd.DataFrame, answers: pd.DataFrame) -> float:
    """The grader's score equals the reference's to 1e-5; returns the reference value."""
    expected = reference(cid, answers, sub)
    assert score_submission(cid, sub, answers) == pytest.approx(expected, abs=1e-5)
    return expected


def check_malformed(
    cid: str,
    sub: pd.DataFrame,
    answers: pd.DataFrame,
    accepted: bool,
    reference: Reference | None = None,
) -> None:
    """InvalidSubmission, or where the original accepted the file: the reference's score
    (any finite score when there is no reference)."""
    if not accepted:
        with pytest.raises(InvalidSubmission):
            score_submission(cid, sub, answers)
    elif reference is None:
        assert np.isfinite(score_submission(cid, sub, answers))
    else:
        check_score(reference, cid, sub, answers)
