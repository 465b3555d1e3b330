"""Prepare functions of the medium image competitions (classification and segmentation).

Images are hard-linked from raw/ (see :mod:`.m1_files`); tables follow MLE-bench's calls.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from ._common import expect, need, read_csv, split, write_csv, write_sample
from .m1_files import place, place_files

ALASKA2_TEST_IMAGES = 5000
ALASKA2_SEED = 42
"""alaska2 is the one split with random_state=42 (then ``random.seed(0)`` for the test)."""
ALASKA2_ALGORITHMS = ("JMiPOD", "JUNIWARD", "UERD")


def alaska2_image_steganalysis(raw: Path, public: Path, private: Path) -> None:
    """Split sorted covers (5000 test, seed 42).

    Train is renamed 00001.jpg.. in every folder; test is shuffled with ``random.seed(0)``, then
    each one is the cover or (half the time) a stego version from a random algorithm, named
    0001.jpg..
    """
    import pandas as pd
    from sklearn.model_selection import train_test_split

    covers = sorted(need(raw / "Cover").glob("*.jpg"))
    train, test = train_test_split(covers, test_size=ALASKA2_TEST_IMAGES, random_state=ALASKA2_SEED)
    for folder in ("Cover", "Test", *ALASKA2_ALGORITHMS):
        (public / folder).mkdir(parents=True, exist_ok=True)
    for k, cover in enumerate(train, start=1):
        place(cover, public / "Cover" / f"{k:05d}.jpg")
        for algorithm in ALASKA2_ALGORITHMS:
            place(raw / algorithm / cover.name, public / algorithm / f"{k:05d}.jpg")
    rng = random.Random(0)  # the same stream as random.seed(0) on the global generator
    rng.shuffle(test)
    rows = []
    for k, cover in enumerate(test, start=1):
        name = f"{k:04d}.jpg"
        if rng.choice([True, False]):
            place(cover, public / "Test" / name)
            rows.append({"Id": name, "Label": 0})
        else:
            algorithm = rng.choice(list(ALASKA2_ALGORITHMS))
            place(raw / algorithm / cover.name, public / "Test" / name)
            rows.append({"Id": name, "Label": 1})
    answers = pd.DataFrame(rows, columns=["Id", "Label"])
    write_csv(answers, private / "test.csv")
    write_csv(answers.assign(Label=0), public / "sample_submission.csv")
    expect(len(answers) == ALASKA2_TEST_IMAGES, f"{ALASKA2_TEST_IMAGES} test images")


def cassava_leaf_disease_classification(raw: Path, public: Path, private: Path) -> None:
    """Split the sorted TFRecord files (10%, seed 0).

    Test = the images named inside the test records; TFRecords are renamed ld_train<i>/ld_test<i>
    keeping their count suffix.
    """
    from ._tfrecord import string_feature_values

    records = [
        p
        for p in sorted(need(raw / "train_tfrecords").iterdir())
        if p.is_file() and p.suffix == ".tfrec"
    ]
    train_records, test_records = split(records, 0.1)
    test_ids = [i for p in test_records for i in string_feature_values(p, "image_name")]
    frame = read_csv(need(raw / "train.csv"))
    in_test = frame["image_id"].isin(test_ids)
    train, test = frame[~in_test], frame[in_test]
    write_csv(train, public / "train.csv")
    write_csv(test, private / "test.csv")
    write_sample(test[["image_id"]], public / "sample_submission.csv", {"label": 4})
    for part, records_of in (("train", train_records), ("test", test_records)):
        folder = public / f"{part}_tfrecords"
        folder.mkdir(parents=True, exist_ok=True)
        for i, path in enumerate(records_of):
            length = path.stem.split("-")[1]
            place(path, folder / f"ld_{part}{i:02d}-{length}.tfrec")
    for part, rows in (("train", train), ("test", test)):
        source = raw / "train_images"
        place_files(
            ((source / i, public / f"{part}_images" / i) for i in rows["image_id"]),
            total=len(rows),
        )
        (public / f"{part}_images").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(
        need(raw / "label_num_to_disease_map.json"), public / "label_num_to_disease_map.json"
    )
    expect(list(train.columns) == ["image_id", "label"], "train columns are image_id, label")


HOTEL_DUPLICATE_IMAGE = "ce27d36c9147cc19.jpg"
"""Listed twice in the raw train.csv; MLE-bench drops it before splitting."""
HOTEL_SAMPLE = "36363 53586 18807 64314 60181"


def hotel_id_2021_fgvc8(raw: Path, public: Path, private: Path) -> None:
    """Split the hotel images 90/10 (without the known duplicate), chain folders kept for train."""
    frame = read_csv(need(raw / "train.csv"))
    frame = frame[frame["image"] != HOTEL_DUPLICATE_IMAGE]
    train, test = split(frame, 0.1)
    write_csv(train, public / "train.csv")
    write_sample(test[["image"]], public / "sample_submission.csv", {"hotel_id": HOTEL_SAMPLE})
    source = need(raw / "train_images")
    (public / "train_images").mkdir(parents=True, exist_ok=True)
    (public / "test_images").mkdir(parents=True, exist_ok=True)
    place_files(
        (
            (source / str(c) / i, public / "train_images" / str(c) / i)
            for i, c in zip(train["image"], train["chain"], strict=True)
        ),
        total=len(train),
    )
    place_files(
        (
            (source / str(c) / i, public / "test_images" / i)
            for i, c in zip(test["image"], test["chain"], strict=True)
        ),
        total=len(test),
    )
    write_csv(test, private / "test.csv")
    expect(set(train["image"]).isdisjoint(test["image"]), "image names are disjoint")


def imet_2020_fgvc7(raw: Path, public: Path, private: Path) -> None:
    """15% test (Kaggle's proportion); answers keep every column; sample ids '0 1 2'."""
    frame = read_csv(need(raw / "train.csv"))
    train, answers = split(frame, 0.15)
    write_csv(answers, private / "answers.csv")
    write_csv(train, public / "train.csv")
    write_sample(answers, public / "sample_submission.csv", {"attribute_ids": "0 1 2"})
    shutil.copyfile(need(raw / "labels.csv"), public / "labels.csv")
    for part, rows in (("train", train), ("test", answers)):
        (public / part).mkdir(exist_ok=True)
        place_files(
            ((raw / "train" / f"{i}.png", public / part / f"{i}.png") for i in rows["id"]),
            total=len(rows),
        )


HUBMAP_MEDIA = ("{}.tiff", "{}.json", "{}-anatomical-structure.json")


def hubmap_kidney_segmentation(raw: Path, public: Path, private: Path) -> None:
    """12 train / 3 test images (seed 0).

    Answers add each image's width and height; the public sample submission is also copied into
    public/test/ (as MLE-bench does).
    """
    frame = read_csv(need(raw / "train.csv"))
    info = read_csv(need(raw / "HuBMAP-20-dataset_information.csv"))
    train, test = split(frame, test_size=3, train_size=12)
    info["id"] = info["image_file"].str.replace(".tiff", "", regex=False)
    info = info[info["id"].isin(frame["id"])]
    test = test.merge(info[["id", "width_pixels", "height_pixels"]], on="id")
    write_csv(info.drop(columns=["id"]), public / "HuBMAP-20-dataset_information.csv")
    write_csv(train, public / "train.csv")
    write_csv(test, private / "test.csv")
    sample = test[["id"]].copy()
    sample["predicted"] = ""
    write_csv(sample, public / "sample_submission.csv")
    gold = sample.copy()
    gold["predicted"] = test["encoding"]
    write_csv(gold, private / "gold_submission.csv")
    for part, rows in (("train", train), ("test", test)):
        (public / part).mkdir(parents=True, exist_ok=True)
        place_files(
            (raw / "train" / p.format(i), public / part / p.format(i))
            for i in rows["id"]
            for p in HUBMAP_MEDIA
        )
    shutil.copyfile(public / "sample_submission.csv", public / "test" / "sample_submission.csv")
    expect(len(train) + len(test) == len(frame), "12 + 3 images: the raw table has 15 rows")
