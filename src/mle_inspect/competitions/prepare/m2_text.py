"""Prepare functions of medium text and table competitions (second batch of issue 11).

Each reproduces MLE-bench's split of the same raw download: ``train_test_split`` with
``random_state=0`` on the table as read (round-trip floats), rows in the order the split
returns, frames written by pandas without index. Facts come from ``specs/<id>.md``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ._common import (
    TableSplit,
    expect,
    need,
    read_csv,
    run_table_split,
    split,
    write_csv,
)

TWEET_SENTIMENT = TableSplit(
    source="train.csv",
    id_column="textID",
    targets=("selected_text",),
    test_size=0.1,
    sample_values={"selected_text": ""},
)

US_PATENT = TableSplit(
    source="train.csv",
    id_column="id",
    targets=("score",),
    test_size=0.1,
    sample_values={"score": 0},
)

LMSYS_TEST_COLUMNS = ("id", "prompt", "response_a", "response_b")
LMSYS_TARGETS = ("winner_model_a", "winner_model_b", "winner_tie")
LMSYS_UNIFORM = 0.3333333333333333
"""The sample's probability per class, written with exactly these digits."""

ESSAY_SCORES = (1, 7)
"""The sample's scores: uniform integers in [1, 7), drawn by RandomState(42)."""


def tweet_sentiment_extraction(raw: Path, public: Path, private: Path) -> None:
    """Split Kaggle's train table into train and held-out test."""
    run_table_split(TWEET_SENTIMENT, raw, public, private)


def us_patent_phrase_to_phrase_matching(raw: Path, public: Path, private: Path) -> None:
    """Split Kaggle's train table into train and held-out test."""
    run_table_split(US_PATENT, raw, public, private)


def jigsaw_unintended_bias_in_toxicity_classification(
    raw: Path, public: Path, private: Path
) -> None:
    """No split: Kaggle's released private test (with labels) is the answer file, verbatim."""
    test = read_csv(need(raw / "test_private_expanded.csv"))
    expect(test.shape[1] == 45, f"45 columns in test_private_expanded.csv (got {test.shape[1]})")
    shutil.copyfile(raw / "test_private_expanded.csv", private / "test.csv")
    shutil.copyfile(need(raw / "train.csv"), public / "train.csv")
    public_test = test[["id", "comment_text"]]
    write_csv(public_test, public / "test.csv")
    sample = public_test[["id"]].copy()
    sample["prediction"] = 0.0
    write_csv(sample, public / "sample_submission.csv")


def learning_agency_lab_automated_essay_scoring_2(raw: Path, public: Path, private: Path) -> None:
    """Answers keep every column; the sample holds seeded random scores, not a constant."""
    import numpy as np

    frame = read_csv(need(raw / "train.csv"))
    train, answers = split(frame, 0.1)
    test = answers.drop(columns=["score"])
    sample = answers[["essay_id"]].copy()
    low, high = ESSAY_SCORES
    sample["score"] = np.random.RandomState(42).randint(low, high, size=len(sample))
    expect(test.columns.tolist() == ["essay_id", "full_text"], "test columns essay_id, full_text")
    expect(set(train["essay_id"]).isdisjoint(test["essay_id"]), "essay ids are disjoint")
    write_csv(answers, private / "answers.csv")
    write_csv(train, public / "train.csv")
    write_csv(test, public / "test.csv")
    write_csv(sample, public / "sample_submission.csv")


def lmsys_chatbot_arena(raw: Path, public: Path, private: Path) -> None:
    """Public test keeps the prompt and both responses only (model names are dropped too)."""
    frame = read_csv(need(raw / "train.csv"))
    train, answers = split(frame, 0.1)
    test = answers[list(LMSYS_TEST_COLUMNS)].copy()
    sample = answers[["id"]].copy()
    for column in LMSYS_TARGETS:
        sample[column] = LMSYS_UNIFORM
    expect(set(train["id"]).isdisjoint(test["id"]), "ids are disjoint")
    write_csv(answers, private / "answers.csv")
    write_csv(train, public / "train.csv")
    write_csv(test, public / "test.csv")
    write_csv(sample, public / "sample_submission.csv")


TF2QA_CHUNK = 1_000
"""MLE-bench splits the train JSONL in chunks of 1,000 lines, each with its own 0.1 split."""
TF2QA_TEST_KEYS = ["example_id", "question_text", "document_text", "long_answer_candidates"]


def tensorflow2_question_answering(raw: Path, public: Path, private: Path) -> None:
    """Streamed: every 1,000-line chunk is split on its own and appended to the outputs.

    Only the test rows' id and annotations are kept in memory, for the gold submission
    (``<id>_short`` / ``<id>_long`` rows); the sample is the gold with empty predictions.
    """
    import pandas as pd

    source = need(raw / "simplified-nq-train.jsonl")
    outputs = {
        "train": public / "simplified-nq-train.jsonl",
        "answers": private / "test.jsonl",
        "test": public / "simplified-nq-test.jsonl",
    }
    for path in outputs.values():
        path.unlink(missing_ok=True)  # appended to below: start empty
    gold: list[dict[str, str]] = []
    total = 0
    from ...data.progress import counter

    reader = pd.read_json(source, orient="records", lines=True, chunksize=TF2QA_CHUNK)
    with reader as chunks, counter(unit="rows", stage="split") as rows:
        for chunk in chunks:
            rows.update(len(chunk))
            chunk["example_id"] = chunk["example_id"].astype(str)
            train, test = split(chunk, 0.1)
            for part, key in ((train, "train"), (test, "answers"), (test[TF2QA_TEST_KEYS], "test")):
                with outputs[key].open("a") as handle:
                    handle.write(part.to_json(orient="records", lines=True))
            for example_id, annotations in zip(
                test["example_id"], test["annotations"], strict=True
            ):
                gold.extend(_tf2qa_gold(example_id, annotations))
            total += len(chunk)
    gold_frame = pd.DataFrame(gold, columns=["example_id", "PredictionString"])
    write_csv(gold_frame, private / "gold_submission.csv")
    write_csv(gold_frame.assign(PredictionString=""), public / "sample_submission.csv")
    expect(len(gold_frame) > 0 or total == 0, "the test split is not empty")


def _tf2qa_gold(example_id: str, annotations: list[dict]) -> list[dict[str, str]]:
    """The gold short answer (yes/no, else the first short span, else "") and long answer."""
    expect(len(annotations) == 1, "one annotation per train example")
    annotation = annotations[0]
    if annotation["yes_no_answer"] != "NONE":
        short = annotation["yes_no_answer"]
    elif annotation["short_answers"]:
        first = annotation["short_answers"][0]
        short = f"{first['start_token']}:{first['end_token']}"
    else:
        short = ""
    long_answer = annotation["long_answer"]
    has_long = long_answer["start_token"] != -1
    long = f"{long_answer['start_token']}:{long_answer['end_token']}" if has_long else ""
    return [
        {"example_id": f"{example_id}_short", "PredictionString": short},
        {"example_id": f"{example_id}_long", "PredictionString": long},
    ]
