"""Prepare functions of high-complexity competitions whose split is a table split by some key.

The key is a segment, game play, camera location, spectrogram, patient or study; media are moved by
id.

Each mirrors MLE-bench's prepare for the same competition: same reader (``read_csv`` keeps
every float digit; pandas 2's default parser where the original used a plain ``pd.read_csv``,
see :mod:`.h_floats`), same split call and seed, same row and column order. Media are
hard-linked (see :mod:`.h_files`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ._common import expect, need, read_csv, split, unpack, write_csv, write_sample, zip_members
from .h_files import link_file, link_files, link_tree
from .h_floats import read_csv_legacy


def _unique(column: Any) -> Any:
    """``Series.unique()`` as a numpy array.

    pandas 3 returns an Arrow-backed array for text, which ``train_test_split`` cannot index; pandas
    2 returned the object array used here.
    """
    import numpy as np

    values = column.unique()
    return values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)


def _split_seeded(data: Any, test_size: float, seed: int) -> Any:
    """``train_test_split`` with a seed other than the usual 0 (iwildcam: 8, rsna-breast: 42)."""
    from sklearn.model_selection import train_test_split

    return train_test_split(data, test_size=test_size, random_state=seed)


def predict_volcanic_eruptions_ingv_oe(raw: Path, public: Path, private: Path) -> None:
    """10% of the segments (seed 0); each segment's sensor CSV follows its row."""
    frame = read_csv(need(raw / "train.csv"))
    train, test = split(frame, 0.1)
    expect(list(train.columns) == ["segment_id", "time_to_eruption"], "train.csv has 2 columns")
    write_csv(test, private / "test.csv")
    write_csv(train, public / "train.csv")
    write_sample(test, public / "sample_submission.csv", {"time_to_eruption": 0})
    for part, folder in ((train, "train"), (test, "test")):
        (public / folder).mkdir(exist_ok=True)
        link_files(
            (raw / "train" / f"{i}.csv", public / folder / f"{i}.csv") for i in part["segment_id"]
        )


def _bms_subpath(image_id: str) -> Path:
    """Images sit three folders deep, named by the id's first three characters."""
    return Path(image_id[0], image_id[1], image_id[2], f"{image_id}.png")


def bms_molecular_translation(raw: Path, public: Path, private: Path) -> None:
    """Split the labelled molecules 80/20 into public train labels and private answers."""
    frame = read_csv_legacy(need(raw / "train_labels.csv"))  # the original's plain read
    train, test = split(frame, 0.2)
    write_csv(train, public / "train_labels.csv")
    write_csv(test, private / "test.csv")
    for part, folder in ((train, "train"), (test, "test")):
        link_files(
            (raw / "train" / _bms_subpath(i), public / folder / _bms_subpath(i))
            for i in part["image_id"]
        )
    write_sample(test, public / "sample_submission.csv", {"InChI": "InChI=1S/H2O/h1H2"})
    link_file(raw / "extra_approved_InChIs.csv", public / "extra_approved_InChIs.csv")


def rsna_miccai_brain_tumor_radiogenomic_classification(
    raw: Path, public: Path, private: Path
) -> None:
    """Ids are read as text (zero-padded folder names); each patient's folder is moved."""
    frame = read_csv(need(raw / "train_labels.csv"), dtype={"BraTS21ID": str, "MGMT_value": int})
    train, test = split(frame, 0.1)
    for part, folder in ((train, "train"), (test, "test")):
        (public / folder).mkdir(exist_ok=True)
        for case in part["BraTS21ID"]:
            link_tree(raw / "train" / case, public / folder / case)
    write_csv(train, public / "train_labels.csv")
    write_csv(test, private / "test.csv")
    write_sample(test, public / "sample_submission.csv", {"MGMT_value": 0.5})


NFL_TABLES = ("baseline_helmets", "player_tracking", "video_metadata")
NFL_VIEWS = ("All29", "Endzone", "Sideline")


def nfl_player_contact_detection(raw: Path, public: Path, private: Path) -> None:
    """Split by game play (10%, seed 0); every side table and video follows its game play.

    Tables are read whole with pandas 2's default float parser, as the original's plain
    ``pd.read_csv`` did.
    """
    import pandas as pd

    (public / "train").mkdir(exist_ok=True)
    (public / "test").mkdir(exist_ok=True)
    labels = read_csv_legacy(need(raw / "train_labels.csv"))
    train_plays, test_plays = split(_unique(labels["game_play"]), 0.1)
    train = labels[labels["game_play"].isin(train_plays)]
    test = labels[labels["game_play"].isin(test_plays)]
    expect(not set(train["contact_id"]) & set(test["contact_id"]), "contact ids are disjoint")
    write_csv(train, public / "train_labels.csv")
    write_csv(test, private / "test.csv")
    for table in NFL_TABLES:
        frame = read_csv_legacy(need(raw / f"train_{table}.csv"))
        write_csv(frame[frame["game_play"].isin(train_plays)], public / f"train_{table}.csv")
        write_csv(frame[frame["game_play"].isin(test_plays)], public / f"test_{table}.csv")
        del frame
    for part, folder in ((train, "train"), (test, "test")):
        link_files(
            (raw / "train" / f"{play}_{view}.mp4", public / folder / f"{play}_{view}.mp4")
            for view in NFL_VIEWS
            for play in part["game_play"].unique()
        )
    sample = pd.DataFrame({"contact_id": test["contact_id"], "contact": 0})
    write_csv(sample, public / "sample_submission.csv")


def iwildcam_2019_fgvc6(raw: Path, public: Path, private: Path) -> None:
    """Split by camera location (10% of locations, seed 8); images zipped per part.

    The sample submission keeps the original's pandas index as an unnamed first column.
    """
    import pandas as pd

    frame = read_csv(need(raw / "train.csv"))
    _, test_locations = _split_seeded(_unique(frame["location"]), 0.1, 8)
    in_test = frame["location"].isin(test_locations)
    train, answers = frame[~in_test], frame[in_test]
    test = answers.drop(columns=["category_id"])
    gold = answers[["id", "category_id"]].rename(columns={"id": "Id", "category_id": "Category"})
    images = raw / "train_images"
    if (raw / "train_images.zip").is_file():  # resumable: redone only if interrupted
        unpack(raw, "train_images.zip", images)
    count = sum(1 for p in need(images).iterdir() if p.suffix == ".jpg")
    expect(count == frame["id"].nunique(), "one raw image per train id")
    expect(not set(train["location"]) & set(test["location"]), "locations are disjoint")
    write_csv(answers, private / "test.csv")
    write_csv(gold, private / "answers.csv")
    write_csv(train, public / "train.csv")
    write_csv(test, public / "test.csv")
    sample = pd.DataFrame({"Id": test["id"], "Category": 0})
    sample.to_csv(public / "sample_submission.csv", index=True)
    for part, name in ((train, "train_images"), (test, "test_images")):
        names = sorted(f"{i}.jpg" for i in part["id"])
        zip_members(public / f"{name}.zip", [(need(images / n), n) for n in names])


HMS_TARGETS = (
    "seizure_vote",
    "lpd_vote",
    "gpd_vote",
    "lrda_vote",
    "grda_vote",
    "other_vote",
)


def hms_harmful_brain_activity_classification(raw: Path, public: Path, private: Path) -> None:
    """Split by spectrogram (10%, seed 0); gold = votes normalised per row; parquet files moved."""
    frame = read_csv(need(raw / "train.csv"))
    train_specs, test_specs = split(_unique(frame["spectrogram_id"]), 0.1)
    train = frame[frame["spectrogram_id"].isin(train_specs)]
    test = frame[frame["spectrogram_id"].isin(test_specs)]
    expect(not set(train["eeg_id"]) & set(test["eeg_id"]), "eeg ids are disjoint")
    write_csv(train, public / "train.csv")
    write_csv(test, private / "test.csv")
    write_csv(test[["spectrogram_id", "eeg_id", "patient_id"]], public / "test.csv")
    targets = list(HMS_TARGETS)
    gold = test[["eeg_id", *targets]].copy()
    gold[targets] = gold[targets].div(gold[targets].sum(axis=1), axis=0)
    write_csv(gold, private / "gold_submission.csv")
    write_sample(gold, public / "sample_submission.csv", dict.fromkeys(targets, 1 / len(targets)))
    link_tree(raw / "example_figures", public / "example_figures")
    for part, folder in ((train, "train"), (test, "test")):
        for kind, column in (("eegs", "eeg_id"), ("spectrograms", "spectrogram_id")):
            (public / f"{folder}_{kind}").mkdir(parents=True, exist_ok=True)
            link_files(
                (
                    raw / f"train_{kind}" / f"{i}.parquet",
                    public / f"{folder}_{kind}" / f"{i}.parquet",
                )
                for i in part[column].unique()
            )


COVID_TARGETS = ("reactivity", "deg_Mg_pH10", "deg_pH10", "deg_Mg_50C", "deg_50C")


def stanford_covid_vaccine(raw: Path, public: Path, private: Path) -> None:
    """10% of the molecules, drawn from SN_filter > 0 rows (``DataFrame.sample``, seed 0).

    Answers are exploded per position, unscored positions zero with keep=False.
    """
    import pandas as pd

    train_raw = pd.read_json(need(raw / "train.json"), lines=True)
    test_columns = list(pd.read_json(need(raw / "test.json"), lines=True).columns)
    n_test = int(len(train_raw) * 0.1)
    picked = train_raw[train_raw["SN_filter"] > 0].sample(n=n_test, random_state=0).index
    in_test = train_raw.index.isin(picked)
    train, test = train_raw[~in_test].copy(), train_raw[in_test].copy()
    records: list[dict[str, object]] = []
    columns = ["id", "seq_scored", "seq_length", *COVID_TARGETS]
    for molecule, scored, length, *targets in zip(*(test[c] for c in columns), strict=True):
        for name, values in zip(COVID_TARGETS, targets, strict=True):
            expect(len(values) == scored, f"{name} has seq_scored values")
        expect(scored < length, "seq_scored < seq_length")
        for j in range(length):
            record: dict[str, object] = {"id_seqpos": f"{molecule}_{j}"}
            for name, values in zip(COVID_TARGETS, targets, strict=True):
                record[name] = values[j] if j < scored else 0.0
            record["keep"] = j < scored
            records.append(record)
    answers = pd.DataFrame(records)
    write_csv(answers, private / "test.csv", float_format="%.10f")
    train["index"] = range(len(train))
    train.to_json(public / "train.json", orient="records", lines=True)
    public_test = test[test_columns].copy()
    public_test["index"] = range(len(public_test))
    public_test.to_json(public / "test.json", orient="records", lines=True)
    sample = answers[["id_seqpos", *COVID_TARGETS]].copy()
    sample.loc[:, list(COVID_TARGETS)] = 0.0
    kaggle_columns = pd.read_csv(need(raw / "sample_submission.csv"), nrows=0).columns
    expect(set(sample.columns) == set(kaggle_columns), "sample columns match Kaggle's")
    write_csv(sample, public / "sample_submission.csv", float_format="%.10f")


def vinbigdata_chest_xray_abnormalities_detection(raw: Path, public: Path, private: Path) -> None:
    """Split by image (10%, seed 0).

    Answers keep one box per (image, class): the first non-missing value of each column, as
    ``groupby().first()`` gives; no-finding boxes are (0, 0, 1, 1). The original's fixed
    13,500/1,500 image-count asserts are not repeated: they hold only on the real download and do
    not change any output.
    """
    import pandas as pd

    frame = read_csv(need(raw / "train.csv"))
    train_ids, test_ids = split(_unique(frame["image_id"]), 0.1)
    train = frame[frame["image_id"].isin(train_ids)]
    answers = frame[frame["image_id"].isin(test_ids)]
    sample = pd.DataFrame({"image_id": test_ids, "PredictionString": "14 1 0 0 1 1"})
    answers = answers.groupby(by=["image_id", "class_id"]).first().reset_index()
    answers = answers.fillna(0)
    answers.loc[answers["class_id"] == 14, ["x_max", "y_max"]] = 1.0
    boxes = answers[["image_id", "class_id", "x_min", "y_min", "x_max", "y_max"]].copy()
    boxes.loc[:, "PredictionString"] = boxes.apply(
        lambda r: f"{r['class_id']} 1.0 {r['x_min']} {r['y_min']} {r['x_max']} {r['y_max']}",
        axis=1,
    )
    gold = boxes.groupby("image_id")["PredictionString"].agg(" ".join).reset_index()
    write_csv(train, public / "train.csv")
    write_csv(sample, public / "sample_submission.csv")
    write_csv(answers, private / "answers.csv")
    write_csv(gold, private / "gold_submission.csv")
    for ids, folder in ((train_ids, "train"), (test_ids, "test")):
        (public / folder).mkdir(exist_ok=True)
        link_files((raw / "train" / f"{i}.dicom", public / folder / f"{i}.dicom") for i in ids)


SIIM_STUDY_LABELS = ("negative", "typical", "indeterminate", "atypical")


def siim_covid19_detection(raw: Path, public: Path, private: Path) -> None:
    """Split by study (10%, seed 0), rows sorted by id; images follow their study.

    Study answers name the first class column holding the row's maximum, with the dummy
    box ``1 0 0 1 1``; image answers are the raw ``label`` strings.
    """
    import numpy as np
    import pandas as pd

    studies = read_csv(need(raw / "train_study_level.csv"))
    train_study, test_study = split(studies, 0.1)
    train_study = train_study.sort_values(by="id")
    test_study = test_study.sort_values(by="id")
    write_csv(train_study, public / "train_study_level.csv")
    images = read_csv(need(raw / "train_image_level.csv"))
    study_key = images["StudyInstanceUID"] + "_study"
    train_image = images[study_key.isin(train_study["id"])].sort_values(by="id")
    test_image = images[study_key.isin(test_study["id"])].sort_values(by="id")
    expect(len(train_image) + len(test_image) == len(images), "every image has a study")
    write_csv(train_image, public / "train_image_level.csv")
    for part, folder in ((train_study, "train"), (test_study, "test")):
        for study in part["id"]:
            uid = study.replace("_study", "")
            link_tree(raw / "train" / uid, public / folder / uid)
    best = np.asarray(test_study.iloc[:, 1:].to_numpy(dtype=float).argmax(axis=1))
    study_ids = test_study["id"].tolist()
    image_ids = test_image["id"].tolist()
    answers = pd.DataFrame(
        {
            "id": study_ids + image_ids,
            "PredictionString": [f"{SIIM_STUDY_LABELS[k]} 1 0 0 1 1" for k in best]
            + test_image["label"].tolist(),
        }
    )
    write_csv(answers, private / "test.csv")
    sample = pd.DataFrame(
        {
            "id": study_ids + image_ids,
            "PredictionString": ["negative 1 0 0 1 1"] * len(study_ids)
            + ["none 1 0 0 1 1"] * len(image_ids),
        }
    )
    write_csv(sample, public / "sample_submission.csv")


BREAST_TEST_COLUMNS = (
    "site_id",
    "patient_id",
    "image_id",
    "laterality",
    "view",
    "age",
    "implant",
    "machine_id",
)


def rsna_breast_cancer_detection(raw: Path, public: Path, private: Path) -> None:
    """Split by patient (10%, seed 42).

    One answer per patient and side (``prediction_id``), sorted; the sample predicts the train
    cancer rate everywhere.
    """
    frame = read_csv(need(raw / "train.csv"))
    train_patients, test_patients = _split_seeded(_unique(frame["patient_id"]), 0.1, 42)
    train = frame[frame["patient_id"].isin(set(train_patients))].copy()
    answers = frame[frame["patient_id"].isin(set(test_patients))][
        [*BREAST_TEST_COLUMNS, "cancer"]
    ].copy()
    write_csv(train, public / "train.csv")
    answers["prediction_id"] = answers["patient_id"].astype(str) + "_" + answers["laterality"]
    test = answers.drop(columns=["cancer"])
    write_csv(test, public / "test.csv")
    answers = answers[["prediction_id", "cancer"]].copy()
    answers = answers.groupby("prediction_id").first().reset_index()
    write_csv(answers, private / "answers.csv")
    write_sample(answers, public / "sample_submission.csv", {"cancer": train.cancer.mean()})
    for part, folder in ((train, "train_images"), (test, "test_images")):
        (public / folder).mkdir(exist_ok=True)
        link_files(
            (
                raw / "train_images" / str(p) / f"{i}.dcm",
                public / folder / str(p) / f"{i}.dcm",
            )
            for p, i in zip(part["patient_id"], part["image_id"], strict=True)
        )


SPINE_RATIO = 0.1
"""MLE-bench's TRAIN_RATIO: the NEW TRAIN keeps 10% of the studies and the test gets 90%."""


def rsna_2022_cervical_spine_fracture_detection(raw: Path, public: Path, private: Path) -> None:
    """The original's ``random.Random(0)`` draws, in its order.

    Studies with both boxes and segmentations, then segmentation-only, then box-only, then the rest;
    answers in long form.
    """
    import random

    rng = random.Random(0)
    frame = read_csv(need(raw / "train.csv"))
    n_train = round(len(frame) * SPINE_RATIO)
    boxes = read_csv(need(raw / "train_bounding_boxes.csv"))
    box_ids = sorted(boxes["StudyInstanceUID"].unique())
    seg_dir = need(raw / "segmentations")
    seg_ids = sorted(p.stem for p in seg_dir.glob("*.nii"))
    seg_set = set(seg_ids)
    overlap = [uid for uid in box_ids if uid in seg_set]
    overlap_set = set(overlap)
    new_overlap = rng.sample(overlap, round(len(overlap) * SPINE_RATIO))
    new_boxes, new_segs, new_train = list(new_overlap), list(new_overlap), list(new_overlap)
    extra_segs = rng.sample(
        [uid for uid in seg_ids if uid not in overlap_set],
        round(len(seg_ids) * SPINE_RATIO) - len(new_overlap),
    )
    new_segs += extra_segs
    new_train += extra_segs
    extra_boxes = rng.sample(
        [uid for uid in box_ids if uid not in overlap_set],
        round(len(box_ids) * SPINE_RATIO) - len(new_overlap),
    )
    new_boxes += extra_boxes
    new_train += extra_boxes
    chosen = set(new_train)
    new_train += rng.sample(
        [uid for uid in frame["StudyInstanceUID"] if uid not in chosen], n_train - len(new_train)
    )
    in_train = frame["StudyInstanceUID"].isin(new_train)
    train = frame[in_train].copy()
    write_csv(train, public / "train.csv")
    write_csv(boxes[boxes["StudyInstanceUID"].isin(new_boxes)], public / "train_bounding_boxes.csv")
    answers = frame[~in_train].melt(
        id_vars="StudyInstanceUID", var_name="prediction_type", value_name="fractured"
    )
    answers["row_id"] = answers["StudyInstanceUID"] + "_" + answers["prediction_type"]
    write_csv(answers, private / "answers.csv")
    write_sample(answers[["row_id"]], public / "sample_submission.csv", {"fractured": 0.5})
    write_csv(answers.drop(columns=["fractured"]), public / "test.csv")
    expect(answers["StudyInstanceUID"].nunique() * 8 == len(answers), "8 answers per study")
    (public / "segmentations").mkdir(exist_ok=True)
    link_files((seg_dir / f"{u}.nii", public / "segmentations" / f"{u}.nii") for u in new_segs)
    (public / "train_images").mkdir(exist_ok=True)
    for uid in train["StudyInstanceUID"]:
        link_tree(raw / "train_images" / uid, public / "train_images" / uid)
    (public / "test_images").mkdir(exist_ok=True)
    for uid in answers["StudyInstanceUID"].unique():
        link_tree(raw / "train_images" / uid, public / "test_images" / uid)
