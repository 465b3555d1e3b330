"""tensorflow2-question-answering: micro F1 (= accuracy) over long and short rows, JSON-lines
answers read by ``load_answers``, and malformed predictions."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mle_inspect.competitions import get_competition
from mle_inspect.data import competition_paths
from mle_inspect.data._layout import MARKER_NAME
from mle_inspect.scorers import InvalidSubmission, grade, score_submission
from mle_inspect.scorers.grading import load_answers

from . import synth_geometry as synth

QA = "tensorflow2-question-answering"


def make(seed: int = 0) -> synth.Synth:
    return synth.qa(np.random.default_rng(seed))


def _has_answer(record: dict, kind: str) -> bool:
    a = record["annotations"][0]
    if kind == "long":
        return a["long_answer"]["start_token"] != -1
    return bool(a["short_answers"]) or a["yes_no_answer"] != "NONE"


def test_gold_scores_one_and_shuffled_rows_score_the_same() -> None:
    data = make()
    assert score_submission(QA, data.gold, data.answers) == 1.0
    shuffled = data.gold.sample(frac=1.0, random_state=4).reset_index(drop=True)
    assert score_submission(QA, shuffled, data.answers) == 1.0


def test_all_empty_sample_scores_the_share_of_unanswerable_rows() -> None:
    data = make()
    records = data.extra["records"]
    unanswerable = [not _has_answer(r, k) for r in records for k in ("long", "short")]
    assert 0 < np.mean(unanswerable) < 1
    assert score_submission(QA, data.sample, data.answers) == round(np.mean(unanswerable), 5)


def test_wrong_span_and_yes_on_a_long_row_are_errors() -> None:
    data = make()
    sub = data.gold.copy()
    long_rows = sub.index[sub["example_id"].str.endswith("_long") & sub["PredictionString"].notna()]
    sub.loc[long_rows[0], "PredictionString"] = "0:1"  # a span that is not the answer
    sub.loc[long_rows[1], "PredictionString"] = "YES"
    assert score_submission(QA, sub, data.answers) == round(1 - 2 / len(sub), 5)
    # a span with spaces around it still parses: " 12 : 15 " is (12, 15)
    spaced = data.gold.copy()
    spaced.loc[long_rows[0], "PredictionString"] = spaced.loc[
        long_rows[0], "PredictionString"
    ].replace(":", " : ")
    assert score_submission(QA, spaced, data.answers) == 1.0


@pytest.mark.parametrize(
    ("value", "reason"),
    [("yes", "neither"), ("1:x", "two integers"), ("1:2:3", "neither"), ("maybe", "neither")],
)
def test_malformed_predictions_are_invalid(value: str, reason: str) -> None:
    data = make()
    sub = data.gold.copy()
    sub.loc[3, "PredictionString"] = value
    with pytest.raises(InvalidSubmission, match=f"'PredictionString'.*{reason}"):
        score_submission(QA, sub, data.answers)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda df: df.iloc[:-1],  # one row short
        lambda df: pd.concat([df, df.iloc[[0]]], ignore_index=True),  # duplicate id
        lambda df: df.assign(example_id=df["example_id"].str.replace("_long", "_lng")),
        lambda df: df.drop(columns=["PredictionString"]),
        lambda df: df.iloc[:0],
    ],
    ids=["short", "duplicate", "bad-suffix", "no-prediction-column", "empty"],
)
def test_malformed_frames_are_invalid(mutate) -> None:  # type: ignore[no-untyped-def]
    data = make()
    with pytest.raises(InvalidSubmission):
        score_submission(QA, mutate(data.gold), data.answers)


def _prepared(root: Path, records: list[dict]) -> Path:
    competition = get_competition(QA)
    paths = competition_paths(QA, root)
    answers = paths.prepared / competition.answers
    answers.parent.mkdir(parents=True, exist_ok=True)
    answers.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    (paths.prepared / MARKER_NAME).write_text("{}")
    return paths.prepared


def test_jsonl_answers_are_read_keeping_only_id_and_annotations(tmp_path: Path) -> None:
    data = make()
    _prepared(tmp_path, data.extra["records"])
    answers = load_answers(get_competition(QA), competition_paths(QA, tmp_path))
    assert list(answers.columns) == ["example_id", "annotations"]
    assert answers["example_id"].tolist() == [r["example_id"] for r in data.extra["records"]]
    sub_path = tmp_path / "submission.csv"
    data.gold.to_csv(sub_path, index=False)
    report = grade(QA, sub_path, data_dir=tmp_path)
    assert report.valid_submission and report.score == 1.0
