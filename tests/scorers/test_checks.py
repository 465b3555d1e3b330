"""Shared checks: alignment by id and value checks, with property tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mle_inspect.scorers import GradingError, InvalidSubmission
from mle_inspect.scorers.checks import (
    align_to_answers,
    numeric_column,
    require_answer_columns,
    require_columns,
)

ids = st.lists(st.integers(0, 10_000), min_size=1, max_size=60, unique=True)


@given(ids, st.randoms(use_true_random=False))
def test_alignment_of_any_permutation_restores_answer_order(values: list[int], rnd) -> None:
    answers = pd.DataFrame({"id": values, "y": range(len(values))})
    shuffled = list(values)
    rnd.shuffle(shuffled)
    submission = pd.DataFrame({"id": shuffled, "p": [v * 2 for v in shuffled]})
    aligned = align_to_answers(submission, answers, "id")
    assert aligned["id"].tolist() == values
    assert (aligned["p"] == aligned["id"] * 2).all()


@given(ids, st.data())
@settings(max_examples=50)
def test_alignment_rejects_any_dropped_or_foreign_id(values: list[int], data) -> None:
    answers = pd.DataFrame({"id": values})
    drop = data.draw(st.sampled_from(values))
    with pytest.raises(InvalidSubmission, match="no row in the submission"):
        align_to_answers(pd.DataFrame({"id": [v for v in values if v != drop]}), answers, "id")
    with pytest.raises(InvalidSubmission, match="not in the test set"):
        align_to_answers(pd.DataFrame({"id": [*values, 20_001]}), answers, "id")


def test_ids_match_across_text_and_integer_columns() -> None:
    answers = pd.DataFrame({"id": ["1", "2", "3"]})
    aligned = align_to_answers(pd.DataFrame({"id": [3, 1, 2]}), answers, "id")
    assert aligned["id"].tolist() == [1, 2, 3]


def test_duplicate_ids_are_named() -> None:
    with pytest.raises(InvalidSubmission, match=r"1 duplicate id\(s\): 'b'"):
        align_to_answers(
            pd.DataFrame({"id": ["a", "b", "b"]}), pd.DataFrame({"id": ["a", "b"]}), "id"
        )


def test_long_id_lists_are_shortened() -> None:
    answers = pd.DataFrame({"id": range(100)})
    with pytest.raises(InvalidSubmission, match=r"\(95 more\)") as caught:
        align_to_answers(pd.DataFrame({"id": range(100, 200)}), answers, "id")
    assert len(str(caught.value)) < 300


@given(
    st.lists(
        st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=3)),
        min_size=1,
        max_size=30,
    )
)
def test_numeric_column_returns_finite_floats_or_raises_invalid(values: list) -> None:
    frame = pd.DataFrame({"x": pd.Series(values, dtype=object)})
    try:
        result = numeric_column(frame, "x")
    except InvalidSubmission:
        return
    assert np.isfinite(result).all() and len(result) == len(values)


def test_require_columns_exact_rejects_extras() -> None:
    frame = pd.DataFrame({"id": [1], "y": [2], "extra": [3]})
    require_columns(frame, ["id", "y"])
    with pytest.raises(InvalidSubmission, match="unexpected column 'extra'"):
        require_columns(frame, ["id", "y"], exact=True)


def test_answers_missing_a_column_is_a_grading_error_naming_it() -> None:
    answers = pd.DataFrame({"id": [1, 2]})
    require_answer_columns(answers, ["id"])
    with pytest.raises(GradingError, match=r"lacks column\(s\) \['label'\]: re-prepare"):
        require_answer_columns(answers, ["id", "label"])
