"""Prepare functions of medium competitions split by group (breaths, patients): issue 11.

Whole groups go to one side of the split: ``train_test_split`` with ``random_state=0`` shuffles
the list of groups, as MLE-bench does, so row order follows the shuffled groups.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ._common import expect, need, read_csv, split, write_csv

VENTILATOR_DTYPES = {
    "id": "int32",
    "breath_id": "int32",
    "R": "int8",
    "C": "int8",
    "time_step": "float64",
    "u_in": "float64",
    "u_out": "int8",
    "pressure": "float64",
}
VENTILATOR_FLOATS = "%.10g"
"""MLE-bench writes every ventilator CSV with this float format (10 significant digits)."""

OSIC_CONFIDENCE = 100
OSIC_SAMPLE_FVC = 2000


def ventilator_pressure_prediction(raw: Path, public: Path, private: Path) -> None:
    """Split by breath; ids renumbered from 1 on each side; floats cut to 10 digits."""
    frame = read_csv(need(raw / "train.csv"), dtype=VENTILATOR_DTYPES)
    positions = frame.groupby("breath_id").indices  # key -> row positions, in row order
    groups = [positions[key].tolist() for key in sorted(positions)]
    train_groups, test_groups = split(groups, 0.1)
    train = frame.loc[[i for group in train_groups for i in group]]
    test = frame.loc[[i for group in test_groups for i in group]]
    train["id"] = range(1, len(train) + 1)
    test["id"] = range(1, len(test) + 1)
    expect(set(train["breath_id"]).isdisjoint(test["breath_id"]), "breaths are disjoint")
    expect(len(train) + len(test) == len(frame), "split sizes add up")
    public_test = test.drop(columns=["pressure"])
    sample = public_test[["id"]].copy()
    sample["pressure"] = 0
    for part, path in (
        (train, public / "train.csv"),
        (public_test, public / "test.csv"),
        (sample, public / "sample_submission.csv"),
        (test, private / "test.csv"),
    ):
        write_csv(part, path, float_format=VENTILATOR_FLOATS)


def osic_pulmonary_fibrosis_progression(raw: Path, public: Path, private: Path) -> None:
    """Split by patient; public test = each patient's earliest visit; answers = every week.

    The earliest visit is found with pandas' default (quicksort) sort on ``Weeks``, as in
    MLE-bench: for a patient with two rows at the same first week, which one is "first" can
    depend on numpy's sort implementation (see docs/data.md).
    """
    import pandas as pd

    frame = read_csv(need(raw / "train.csv"))
    train_groups, test_groups = split(list(frame.groupby("Patient")), 0.1)
    train = pd.concat([group for _, group in train_groups])
    test = pd.concat([group for _, group in test_groups])
    expect(set(train["Patient"]).isdisjoint(test["Patient"]), "patients are disjoint")
    public_test = test.sort_values(by="Weeks").groupby("Patient").first().reset_index()
    weeks = range(test["Weeks"].min(), test["Weeks"].max() + 1)
    grid = pd.DataFrame(
        [(patient, week) for patient in test["Patient"].unique() for week in weeks],
        columns=["Patient", "Weeks"],
    )
    answers = grid.merge(test, on=["Patient", "Weeks"], how="left")
    answers["Patient_Week"] = answers["Patient"] + "_" + answers["Weeks"].astype(str)
    answers["Confidence"] = OSIC_CONFIDENCE
    sample = answers[["Patient_Week"]].copy()
    sample["FVC"] = OSIC_SAMPLE_FVC
    sample["Confidence"] = OSIC_CONFIDENCE
    write_csv(train, public / "train.csv")
    write_csv(public_test, public / "test.csv")
    write_csv(answers, private / "test.csv")
    write_csv(sample, public / "sample_submission.csv")
    from ...data.progress import progress

    for part, folder in ((train, "train"), (answers, "test")):
        patients = part["Patient"].unique()
        for patient in progress(patients, total=len(patients), unit="patients", stage=folder):
            shutil.copytree(need(raw / "train" / patient), public / folder / patient)
    expect(answers.shape[1] == 9 and public_test.shape[1] == 7, "answers 9 columns, test 7 columns")
