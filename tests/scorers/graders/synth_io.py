"""Shared pieces of the synthetic-data helpers for the agreement, F-score, ranking and text
grader tests: the case shape, a CSV round trip, and malformed variants of a submission."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mle_inspect.competitions import get_competition
from mle_inspect.scorers import read_submission_csv


@dataclass
class Synth:
    """A small answers file, the competition's sample submission, and a perfect submission
    (the answers in submission form), all as pandas reads them back from CSV."""

    answers: pd.DataFrame
    sample: pd.DataFrame
    gold: pd.DataFrame
    bad_value: object = "not-a-label"
    """A cell value of the wrong kind for the prediction column."""
    notes: dict[str, object] = field(default_factory=dict)


def roundtrip_answers(frame: pd.DataFrame) -> pd.DataFrame:
    """As ``load_answers`` reads the prepared file."""
    import io

    return pd.read_csv(io.StringIO(frame.to_csv(index=False)))


def roundtrip(frame: pd.DataFrame, *, index: bool = False) -> pd.DataFrame:
    """As the grader reads an agent's CSV."""
    return read_submission_csv(frame.to_csv(index=index).encode())


def hex_ids(rng: np.random.Generator, n: int, width: int) -> list[str]:
    """Distinct lower-case hex ids that pandas keeps as text (at least one letter each)."""
    out: dict[str, None] = {}
    while len(out) < n:
        value = "".join(rng.choice(list("0123456789abcdef"), width))
        try:
            float(value)  # "1234" or "12e4" would be read back as a number
        except ValueError:
            out[value] = None
    return list(out)


def columns_of(cid: str) -> tuple[str, str]:
    spec = get_competition(cid).grading
    assert spec is not None and spec.id_column is not None
    return spec.id_column, spec.target_columns[0]


def _with_value(frame: pd.DataFrame, column: str, value: object) -> pd.DataFrame:
    out = frame.copy()
    out[column] = out[column].astype(object)
    out.iloc[0, out.columns.get_loc(column)] = value
    return out


def _new_id(ids: pd.Series) -> object:
    return -987654 if pd.api.types.is_integer_dtype(ids) else "zz-not-a-test-id"


MUTATIONS: dict[str, Callable[[pd.DataFrame, str, str, object], pd.DataFrame]] = {
    "empty": lambda s, i, t, b: s.iloc[:0],
    "missing_id": lambda s, i, t, b: s.drop(columns=[i]),
    "missing_target": lambda s, i, t, b: s.drop(columns=[t]),
    "unknown_id": lambda s, i, t, b: _with_value(s, i, _new_id(s[i])),
    "duplicate_id": lambda s, i, t, b: _with_value(s, i, s[i].iloc[1]),
    "missing_row": lambda s, i, t, b: s.iloc[:-1],
    "nan": lambda s, i, t, b: _with_value(s, t, None),
    "bad_value": lambda s, i, t, b: _with_value(s, t, b),
    "extra_column": lambda s, i, t, b: s.assign(extra_column=1),
}
"""Malformed variants: ``fn(submission, id_column, target_column, bad_value)``."""


def mutate(kind: str, submission: pd.DataFrame, cid: str, bad_value: object) -> pd.DataFrame:
    """A malformed variant of ``submission``, written to CSV and read back."""
    id_col, target = columns_of(cid)
    return roundtrip(MUTATIONS[kind](submission, id_col, target, bad_value))
