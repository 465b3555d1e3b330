"""Shared pieces of the synthetic-data helpers for the agreement, F-score, ranking and text
grader tests: the case shape and malformed variants of a submission."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from .common import columns_of, csv_roundtrip, roundtrip


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


def read_back(
    answers: pd.DataFrame, sample: pd.DataFrame, gold: pd.DataFrame, *, bad_value: object
) -> Synth:
    """The case as the grader meets it: each frame written to CSV and read back."""
    return Synth(csv_roundtrip(answers), roundtrip(sample), roundtrip(gold), bad_value=bad_value)


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
