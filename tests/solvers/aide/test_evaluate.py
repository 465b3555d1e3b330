"""Metric parsing, the reviewer's arguments, direction and the buggy verdict."""

from __future__ import annotations

import math

from mle_inspect.solvers.aide.evaluate import (
    Review,
    judge,
    metric_in_output,
    parse_metric,
    parse_review,
)
from mle_inspect.solvers.aide.journal import Journal, Node, better
from mle_inspect.solvers.aide.runner import RunResult

TAG = "VALIDATION_METRIC"


def test_last_tagged_value_wins_and_formats_vary():
    text = "epoch 1\nVALIDATION_METRIC=0.5\nnoise 0.99\nvalidation_metric: 7.5e-1\n"
    assert parse_metric(text, TAG) == 0.75
    assert parse_metric(["VALIDATION_METRIC = -3"], TAG) == -3.0
    assert parse_metric("VALIDATION_METRIC=.25", TAG) == 0.25


def test_missing_tag_gives_none_and_nan_stays_nan():
    assert parse_metric("score 0.9", TAG) is None
    assert math.isnan(parse_metric("VALIDATION_METRIC=nan", TAG))  # type: ignore[arg-type]
    assert parse_metric("VALIDATION_METRIC=inf", TAG) == math.inf


def test_review_arguments_are_coerced():
    assert parse_review({"summary": "ok", "metric": 0.5}).metric == 0.5
    assert parse_review({"summary": "ok", "metric": "0.25"}).metric == 0.25
    assert parse_review({"summary": "ok", "metric": None}).metric is None
    assert parse_review({"summary": "ok", "metric": True}).metric is None
    assert parse_review({}).summary == ""


def test_direction_decides_better_and_ranking():
    assert better(0.2, 0.3, lower_is_better=True)
    assert not better(0.2, 0.3, lower_is_better=False)
    assert not better(0.3, 0.3, lower_is_better=True)
    j = Journal()
    for i, m in enumerate([0.4, 0.1, 0.4, 0.9]):
        j.add(Node(id=i, stage="draft", metric=m, buggy=False, lower_is_better=True))
    assert [n.id for n in j.ranked()] == [1, 0, 2, 3]
    for n in j.nodes:
        n.lower_is_better = False
    assert [n.id for n in j.ranked()] == [3, 0, 2, 1]


def _run(exit_code: int | None = 0, timed_out: bool = False) -> RunResult:
    return RunResult(exit_code=exit_code, timed_out=timed_out, exec_time=12.0, output="")


def test_buggy_reasons_in_order():
    assert judge(_run(), 0.5, True, "ok").buggy is False
    assert "timed out" in judge(_run(124, timed_out=True), 0.5, True, "ok").reason
    assert "exception" in judge(_run(1), 0.5, True, "ok").reason
    assert "no validation metric" in judge(_run(), None, True, "ok").reason
    assert "not finite" in judge(_run(), math.nan, True, "ok").reason
    verdict = judge(_run(), 0.5, False, "missing column id")
    assert verdict.buggy and verdict.reason == "invalid submission: missing column id"
    assert verdict.source == "code"


def test_the_reviewer_can_call_a_node_buggy_and_the_verdict_says_who():
    leaky = Review(summary="The validation uses the test labels.\nMore.", is_bug=True)
    verdict = judge(_run(), 0.5, True, "ok", leaky)
    assert verdict.buggy and verdict.source == "reviewer"
    assert verdict.reason == "the reviewer found a bug: The validation uses the test labels."
    # a failure the checks see is reported as theirs, whatever the reviewer said
    assert judge(_run(1), 0.5, True, "ok", leaky).source == "code"
    assert judge(_run(), 0.5, True, "ok", Review(is_bug=False)).buggy is False


def test_review_is_bug_is_coerced():
    assert parse_review({"summary": "x", "is_bug": True, "metric": None}).is_bug is True
    assert parse_review({"summary": "x", "is_bug": "false", "metric": None}).is_bug is False
    assert parse_review({"summary": "x", "metric": None}).is_bug is None


def test_reviewer_metric_must_be_printed_in_the_output():
    output = "fold scores 0.81, 0.83\nmean auc 0.812345\n"
    assert metric_in_output(0.812345, output)
    assert metric_in_output(0.8123, output)  # rounded by the reviewer
    assert metric_in_output(0.83, output)
    assert not metric_in_output(0.99, output)  # made up
    assert not metric_in_output(0.8124, output)
    assert not metric_in_output(math.nan, "nan")
