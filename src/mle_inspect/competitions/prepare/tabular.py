"""Prepare functions of table and text competitions.

The common pattern is a :class:`TableSplit` declaration; each function below it adds only
what its competition does differently. Facts come from ``specs/<id>.md`` of the reference.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from ._classes import JIGSAW_CLASSES, SPOOKY_AUTHORS
from ._common import (
    TableSplit,
    copy_files,
    expect,
    need,
    read_csv,
    run_table_split,
    split,
    unpack,
    unpack_if_missing,
    write_csv,
    write_sample,
    write_split_outputs,
    zip_members,
    zip_single,
)

# ----------------------------------------------------------------- declarative: the common pattern

SPACESHIP_TITANIC = TableSplit(
    source="train.csv",
    id_column="PassengerId",
    targets=("Transported",),
    test_size=0.1,
    sample_values={"Transported": False},
)

PLAYGROUND_S3E18 = TableSplit(
    source="train.csv",
    id_column="id",
    targets=("EC1", "EC2", "EC3", "EC4", "EC5", "EC6"),
    test_size=0.1,
    sample_values={"EC1": 0.5, "EC2": 0.5},
)

TPS_DEC_2021 = TableSplit(
    source="train.csv",
    id_column="Id",
    targets=("Cover_Type",),
    test_size=0.1,
    sample_values={"Cover_Type": 2},  # the majority class
)

TPS_MAY_2022 = TableSplit(
    source="train.csv",
    id_column="id",
    targets=("target",),
    test_size=100_000,
    sample_values={"target": 0.5},
)

NOMAD_2018 = TableSplit(
    source="train.csv/train.csv",  # a folder named train.csv, as the original
    id_column="id",
    targets=("formation_energy_ev_natom", "bandgap_energy_ev"),
    test_size=0.1,
    sample_values={"formation_energy_ev_natom": 0.1779, "bandgap_energy_ev": 1.8892},
)

NYC_TAXI = TableSplit(
    source="train.csv",
    id_column="key",
    targets=("fare_amount",),
    test_size=9914,  # the size of Kaggle's original test set
    public_train="labels.csv",  # MLE-bench names the new train set labels.csv
    sample_values={"fare_amount": 11.35},
)

SPOOKY = TableSplit(
    source="train.csv",
    id_column="id",
    targets=("author",),
    test_size=0.1,
    one_hot=("author", SPOOKY_AUTHORS),
    # Kaggle's own sample-submission priors, which MLE-bench copies.
    sample_values={"EAP": 0.403493538995863, "HPL": 0.287808366106543, "MWS": 0.308698094897594},
)


def spaceship_titanic(raw: Path, public: Path, private: Path) -> None:
    """Split Kaggle's train table into train and held-out test."""
    run_table_split(SPACESHIP_TITANIC, raw, public, private)


def playground_series_s3e18(raw: Path, public: Path, private: Path) -> None:
    """Split Kaggle's train table into train and held-out test."""
    run_table_split(PLAYGROUND_S3E18, raw, public, private)


def tabular_playground_series_dec_2021(raw: Path, public: Path, private: Path) -> None:
    """Split Kaggle's train table into train and held-out test."""
    train, test = run_table_split(TPS_DEC_2021, raw, public, private)
    expect(not set(train["Id"]) & set(test["Id"]), "train and test ids are disjoint")


def tabular_playground_series_may_2022(raw: Path, public: Path, private: Path) -> None:
    """Ids are renumbered: train 0..n_train-1, test continues from n_train (split order)."""
    import numpy as np

    spec = TPS_MAY_2022
    frame = read_csv(need(raw / spec.source))
    train, test = split(frame, spec.test_size)
    train, test = train.copy(), test.copy()
    train["id"] = np.arange(len(train))
    test["id"] = np.arange(len(train), len(train) + len(test))
    write_split_outputs(spec, train, test, public, private)
    write_csv(test[["id", "target"]], private / "gold_submission.csv")


def new_york_city_taxi_fare_prediction(raw: Path, public: Path, private: Path) -> None:
    """Split the fares and ship Kaggle's coupon instructions with the public files."""
    run_table_split(NYC_TAXI, raw, public, private)
    shutil.copyfile(
        need(raw / "GCP-Coupons-Instructions.rtf"), public / "GCP-Coupons-Instructions.rtf"
    )


def spooky_author_identification(raw: Path, public: Path, private: Path) -> None:
    """Unpack Kaggle's train zip, then split it into train and held-out test."""
    unpack_if_missing(raw, "train.csv", "train.zip")
    run_table_split(SPOOKY, raw, public, private)


# ----------------------------------------------------------------- competitions that differ


def detecting_insults_in_social_commentary(raw: Path, public: Path, private: Path) -> None:
    """No re-split: Kaggle's labelled test set is the test set."""
    shutil.copyfile(need(raw / "train.csv"), public / "train.csv")
    shutil.copyfile(need(raw / "test_with_solutions.csv"), private / "test.csv")
    test = read_csv(raw / "test_with_solutions.csv")
    write_csv(test.drop(columns=["Insult", "Usage"]), public / "test.csv")
    gold = test[["Insult", "Date", "Comment"]]
    write_csv(gold, private / "gold_submission.csv")
    write_sample(gold, public / "sample_submission_null.csv", {"Insult": 0})


def jigsaw_toxic_comment_classification_challenge(raw: Path, public: Path, private: Path) -> None:
    """No re-split: Kaggle's released test labels are the answers (rows of -1 included)."""
    for name in ("train.csv", "test.csv", "test_labels.csv", "sample_submission.csv"):
        unpack_if_missing(raw, name, f"{name}.zip")
    train = read_csv(raw / "train.csv")
    test = read_csv(raw / "test.csv")
    labels = read_csv(raw / "test_labels.csv")
    sample = read_csv(raw / "sample_submission.csv")
    expect(len(labels) == len(sample), "answers and sample have the same length")
    expect(sorted(labels["id"]) == sorted(test["id"]) == sorted(sample["id"]), "same test ids")
    expect(not set(train["id"]) & set(test["id"]), "train and test ids are disjoint")
    write_csv(train, public / "train.csv")
    write_csv(test, public / "test.csv")
    write_csv(labels, private / "test.csv")
    write_sample(sample, public / "sample_submission.csv", dict.fromkeys(JIGSAW_CLASSES, 0.5))


def movie_review_sentiment_analysis_kernels_only(raw: Path, public: Path, private: Path) -> None:
    """Phrase-level split 0.3; public tables are tab-separated and zipped."""
    import pandas as pd

    unpack_if_missing(raw, "train.tsv", "train.tsv.zip")
    frame = pd.read_csv(need(raw / "train.tsv"), sep="\t")  # plain read_csv, as the original
    train, test = split(frame, 0.3)
    expect(not set(train["PhraseId"]) & set(test["PhraseId"]), "phrase ids are disjoint")
    write_csv(train, public / "train.tsv", sep="\t")
    write_csv(test.drop(columns=["Sentiment"]), public / "test.tsv", sep="\t")
    zip_single(public / "train.tsv", public / "train.tsv.zip")
    zip_single(public / "test.tsv", public / "test.tsv.zip")
    write_csv(test, private / "answers.csv")
    write_sample(test[["PhraseId"]], public / "sampleSubmission.csv", {"Sentiment": 2})


def _text_normalization(prefix: str, raw: Path, public: Path, private: Path) -> None:
    """Split by sentence (10%); sentence ids renumbered per part; CSVs quote non-numerics."""
    import zipfile

    import pandas as pd

    name = f"{prefix}_train.csv"
    unpack_if_missing(raw, name, f"{name}.zip")
    frame = read_csv(need(raw / name))
    train_ids, test_ids = split(frame["sentence_id"].unique(), 0.1)
    train = frame[frame["sentence_id"].isin(train_ids)].copy()
    test = frame[frame["sentence_id"].isin(test_ids)].copy()
    expect(not set(train_ids) & set(test_ids), "sentence ids are disjoint")
    for part in (train, test):  # k-th distinct sentence (first appearance) becomes k
        part["sentence_id"] = pd.factorize(part["sentence_id"])[0]
    ids = test["sentence_id"].astype(str) + "_" + test["token_id"].astype(str)
    answers = pd.DataFrame({"id": ids.to_numpy(), "after": test["after"].to_numpy()})
    sample = pd.DataFrame({"id": ids.to_numpy(), "after": test["before"].to_numpy()})
    quoted = {"quoting": csv.QUOTE_NONNUMERIC, "quotechar": '"'}
    write_csv(answers, private / "answers.csv", **quoted)
    write_csv(sample, private / "sample_submission.csv", **quoted)
    for frame_out, out_name in (
        (train, f"{prefix}_train.csv"),
        (test[["sentence_id", "token_id", "before"]], f"{prefix}_test_2.csv"),
        (sample, f"{prefix}_sample_submission_2.csv"),
    ):
        write_csv(frame_out, public / out_name, **quoted)
        zip_single(public / out_name, public / f"{out_name}.zip", compression=zipfile.ZIP_STORED)


def text_normalization_challenge_english_language(raw: Path, public: Path, private: Path) -> None:
    """Prepare the English text normalization data by sentence."""
    _text_normalization("en", raw, public, private)


def text_normalization_challenge_russian_language(raw: Path, public: Path, private: Path) -> None:
    """Prepare the Russian text normalization data by sentence."""
    _text_normalization("ru", raw, public, private)


def _json_records(raw: Path, name: str) -> list[dict]:
    """``raw/<name>`` (also found inside ``<name>.zip`` or a ``<stem>/`` folder)."""
    candidates = [raw / name, raw / Path(name).stem / name]
    if not any(p.is_file() for p in candidates) and (raw / f"{name}.zip").is_file():
        unpack(raw, f"{name}.zip")
    path = next((p for p in candidates if p.is_file()), candidates[0])
    return json.loads(need(path).read_text(encoding="utf-8"))


def random_acts_of_pizza(raw: Path, public: Path, private: Path) -> None:
    """Split the train records with Kaggle's train/test ratio; public test keeps test fields."""
    import pandas as pd

    train_records = _json_records(raw, "train.json")
    test_records = _json_records(raw, "test.json")
    train_keys, test_keys = set(train_records[0]), list(test_records[0])
    expect(all(set(r) == train_keys for r in train_records), "train records share their keys")
    expect(all(set(r) == set(test_keys) for r in test_records), "test records share their keys")
    ratio = len(test_records) / (len(train_records) + len(test_records))
    new_train, new_test = split(train_records, ratio)
    with (public / "train.json").open("w") as handle:
        json.dump(new_train, handle, indent=4)
    with (public / "test.json").open("w") as handle:
        json.dump([{k: r[k] for k in test_keys} for r in new_test], handle, indent=4)
    for stem in ("train", "test"):  # each zip holds the one json at its root; json kept too
        zip_members(public / f"{stem}.zip", [(public / f"{stem}.json", f"{stem}.json")])
    answers = pd.DataFrame(
        {
            "request_id": [r["request_id"] for r in new_test],
            "requester_received_pizza": [int(r["requester_received_pizza"]) for r in new_test],
        }
    )
    write_csv(answers, private / "test.csv")
    write_sample(answers, public / "sampleSubmission.csv", {"requester_received_pizza": 0})


def nomad2018_predict_transparent_conductors(raw: Path, public: Path, private: Path) -> None:
    """Split 0.1; ids renumbered 1..n per part in split order; geometry files follow."""
    import numpy as np

    unpack(raw, "train.zip", raw / "train")
    unpack(raw, "train.csv.zip", raw / "train.csv")
    spec = NOMAD_2018
    frame = read_csv(need(raw / spec.source))
    train, test = split(frame, spec.test_size)
    train, test = train.copy(), test.copy()
    for part, folder in ((train, "train"), (test, "test")):
        old_ids = part["id"].to_numpy()
        part["id"] = np.arange(1, len(part) + 1)
        copied = copy_files(
            (
                raw / "train" / "train" / str(old) / "geometry.xyz",
                public / folder / str(new) / "geometry.xyz",
            )
            for old, new in zip(old_ids, part["id"], strict=True)
        )
        expect(copied == len(part), f"{folder} geometry files match the rows")
    write_split_outputs(spec, train, test, public, private)
