"""RLE parsing and encoding: round trips, pixel counts on runs, and every malformed string."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mle_inspect.scorers.rle import (
    RLEError,
    RunsBatch,
    decode_rle,
    encode_rle,
    parse_rle,
    parse_rle_batch,
)

from .synth_geometry import naive_decode, naive_rle

masks = st.integers(1, 12).flatmap(
    lambda h: st.integers(1, 12).flatmap(lambda w: arrays(bool, (h, w)))
)


@settings(max_examples=60, deadline=None)
@given(mask=masks, order=st.sampled_from(["F", "C"]))
def test_encode_matches_a_plain_loop_and_decodes_back(mask: np.ndarray, order: str) -> None:
    text = encode_rle(mask, order=order)  # type: ignore[arg-type]
    assert text == naive_rle(mask, order)
    assert np.array_equal(decode_rle(text, *mask.shape, order=order), mask)  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(
    pair=st.integers(1, 10).flatmap(lambda h: st.tuples(arrays(bool, (h, 7)), arrays(bool, (h, 7))))
)
def test_overlap_and_count_on_runs_equal_pixel_counts(pair: tuple[np.ndarray, np.ndarray]) -> None:
    a, b = pair
    runs_a = parse_rle(naive_rle(a), a.size)
    runs_b = parse_rle(naive_rle(b), b.size)
    assert runs_a.count == a.sum()
    assert runs_a.overlap(runs_b) == (a & b).sum() == runs_b.overlap(runs_a)


@settings(max_examples=100, deadline=None)
@given(text=st.text(alphabet="0123456789 -x.\t", max_size=30))
def test_arbitrary_text_parses_or_raises_rle_error_only(text: str) -> None:
    try:
        runs = parse_rle(text, 50)
    except RLEError as ex:
        assert str(ex)
    else:
        assert 0 <= runs.count <= 50


@settings(max_examples=60, deadline=None)
@given(
    cells=st.lists(
        st.one_of(arrays(bool, (5, 4)).map(naive_rle), st.sampled_from(["", " ", "+3 2", "19 8"])),
        min_size=1,
        max_size=6,
    ),
    bad=st.sampled_from([None, "1 2 3", "0 4", "4 2 1 1", "1 x", "-2 1"]),
)
def test_batch_parser_agrees_with_the_single_parser(cells: list[str], bad: str | None) -> None:
    """The fast path (digits only) and the fallback give the same runs and the same errors."""
    if bad is not None:
        cells = [*cells, bad]
    sizes = [20] * len(cells)
    try:
        single = RunsBatch.stack([parse_rle(c, 20) for c in cells])
    except RLEError:
        with pytest.raises(RLEError):
            parse_rle_batch(cells, sizes)
        return
    batch = parse_rle_batch(cells, sizes)
    for name in ("starts", "ends", "rows", "sizes"):
        assert np.array_equal(getattr(batch, name), getattr(single, name))
    other = parse_rle_batch(list(reversed(cells)), sizes)
    expected = [single[i].to_mask(5, 4) & other[i].to_mask(5, 4) for i in range(len(cells))]
    assert batch.overlap(other).tolist() == [int(m.sum()) for m in expected]
    assert batch.counts().tolist() == [
        int(single[i].to_mask(5, 4).sum()) for i in range(len(cells))
    ]


def test_column_major_numbering_goes_down_each_column_first() -> None:
    mask = decode_rle("2 2 7 1", 3, 3)
    expected = np.zeros((3, 3), dtype=bool)
    expected[1, 0] = expected[2, 0] = expected[0, 2] = True
    assert np.array_equal(mask, expected)
    assert np.array_equal(decode_rle("2 2", 3, 3, order="C")[0], [False, True, True])


def test_adjacent_runs_are_allowed_and_runs_past_the_end_are_cut() -> None:
    assert parse_rle("1 2 3 2", 10).count == 4
    assert parse_rle("8 10", 10).count == 3
    assert parse_rle("20 5", 10).count == 0


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1 2 3", "odd number of tokens"),
        ("0 3", "not positive"),
        ("-4 3", "not positive"),
        ("4 0", "length 0 is not positive"),
        ("5 2 1 2", "not in ascending order"),
        ("1 5 3 2", "overlapping"),
        ("1 x", "'x' is not an integer"),
        ("1.5 2", "'1.5' is not an integer"),
    ],
)
def test_malformed_strings_raise_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(RLEError, match=reason):
        parse_rle(text, 100)


def test_non_strings_are_rejected_and_blank_is_empty() -> None:
    with pytest.raises(RLEError, match="expected an RLE string"):
        parse_rle(float("nan"), 10)
    assert parse_rle("  ", 10).empty
    assert naive_decode("", 2, 2).sum() == 0
