"""Prepare functions of medium image competitions (second batch of issue 11).

Each splits the labelled table as MLE-bench does and copies each part's images (MLE-bench
copies, never moves, for these competitions); tables are read with round-trip floats and
written without index.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..._extras import install_hint
from ._common import (
    expect,
    need,
    present,
    read_csv,
    split,
    unpack,
    write_csv,
    zip_members,
)
from .m2_files import copy_media

if TYPE_CHECKING:
    import pandas as pd

PETFINDER_SEED = 0
"""The sample's Pawpularity: ``default_rng(0).uniform(1, 100)`` rounded to 2 decimals."""

KUZUSHIJI_SAMPLE = "U+003F 1 1 U+FF2F 2 2"
TGS_SAMPLE = "1 1"
WHALE_SAMPLE = "new_whale w_1287fbc w_98baff9 w_7554f44 w_1eafe46"
WHALE_NEW = "new_whale"
UW_MADISON_SAMPLE = "1 1 5 2"
UW_MADISON_DAYS_KEPT = 4
"""Train cases keep their first four scan days; later days move to test."""
IWILDCAM_TEST_SHARE = 0.22
IWILDCAM_CLASSES = 676
STATOIL_TEST_SHARE = 0.2


def _copy_images(source: Path, target: Path, names: Any, suffix: str = "") -> int:
    pairs = [(source / f"{n}{suffix}", target / f"{n}{suffix}") for n in names]
    return copy_media(pairs, stage=f"copy {target.name}")


def petfinder_pawpularity_score(raw: Path, public: Path, private: Path) -> None:
    """Split the pets 90/10 and place each one's image under train or test."""
    import numpy as np

    frame = read_csv(need(raw / "train.csv"))
    rng = np.random.default_rng(PETFINDER_SEED)
    train, test = split(frame, 0.1)
    sample = test[["Id", "Pawpularity"]].copy()
    sample["Pawpularity"] = rng.uniform(1, 100, len(sample)).round(2)
    write_csv(train, public / "train.csv")
    write_csv(test, private / "test.csv")
    write_csv(test.drop(columns=["Pawpularity"]), public / "test.csv")
    write_csv(sample, public / "sample_submission.csv")
    _copy_images(raw / "train", public / "train", train["Id"], ".jpg")
    _copy_images(raw / "train", public / "test", test["Id"], ".jpg")


def plant_pathology_2021_fgvc8(raw: Path, public: Path, private: Path) -> None:
    """No public test table: the test images and the sample's ``image`` column list them."""
    frame = read_csv(need(raw / "train.csv"))
    train, answers = split(frame, 0.2)
    sample = answers.copy()
    sample["labels"] = "healthy"
    expect(set(train["image"]).isdisjoint(answers["image"]), "images are disjoint")
    write_csv(answers, private / "answers.csv")
    write_csv(train, public / "train.csv")
    write_csv(sample, public / "sample_submission.csv")
    _copy_images(raw / "train_images", public / "train_images", train["image"])
    _copy_images(raw / "train_images", public / "test_images", answers["image"])


def seti_breakthrough_listen(raw: Path, public: Path, private: Path) -> None:
    """Arrays stay in folders named by the id's first character; old_leaky_data is copied."""
    frame = read_csv(need(raw / "train_labels.csv"))
    train, test = split(frame, 0.1)
    write_csv(train, public / "train_labels.csv")
    write_csv(test, private / "test.csv")
    shutil.copytree(need(raw / "old_leaky_data"), public / "old_leaky_data", dirs_exist_ok=True)
    for part, folder in ((train, "train"), (test, "test")):
        copy_media(
            [
                (raw / "train" / i[0] / f"{i}.npy", public / folder / i[0] / f"{i}.npy")
                for i in part["id"]
            ],
            stage=f"copy {folder}",
        )
    sample = test.copy()
    sample["target"] = 0.5
    write_csv(sample, public / "sample_submission.csv")


def whale_categorization_playground(raw: Path, public: Path, private: Path) -> None:
    """Whales with 2+ images get one in each side; singletons go to test with p=0.1.

    The rest is a plain 0.1 split; a test whale never seen in train becomes ``new_whale``.
    """
    import numpy as np

    frame = read_csv(need(raw / "train.csv"))
    frame["split"] = "undecided"
    share = 0.1
    rng = np.random.default_rng(0)
    for _, images in frame.groupby("Id", sort=False):  # first-appearance order, as unique()
        if len(images) >= 2:
            chosen = images.sample(2, random_state=0)
            frame.loc[chosen.index[0], "split"] = "train"
            frame.loc[chosen.index[1], "split"] = "test"
        else:
            side = rng.choice(["train", "test"], replace=False, p=[1 - share, share])
            frame.loc[images.index[0], "split"] = side
    rest = frame[frame["split"] == "undecided"]
    rest_train, rest_test = split(rest, share)
    frame.loc[rest_train.index, "split"] = "train"
    frame.loc[rest_test.index, "split"] = "test"
    train = frame[frame["split"] == "train"].drop(columns=["split"]).copy()
    answers = frame[frame["split"] == "test"].drop(columns=["split"]).copy()
    unseen = set(answers["Id"]) - set(train["Id"])
    answers.loc[answers["Id"].isin(unseen), "Id"] = WHALE_NEW
    sample = answers.copy()
    sample["Id"] = WHALE_SAMPLE
    expect(len(train) + len(answers) == len(frame), "split sizes add up")
    write_csv(answers, private / "test.csv")
    write_csv(train, public / "train.csv")
    write_csv(sample, public / "sample_submission.csv")
    _copy_images(raw / "train", public / "train", train["Image"])
    _copy_images(raw / "train", public / "test", answers["Image"])


def kuzushiji_recognition(raw: Path, public: Path, private: Path) -> None:
    """Images re-zipped per part (files at the zip root); a gold submission is kept private.

    The gold labels are each box's class and its top-left corner shifted by +1 pixel.
    """
    unpack(raw, "train_images.zip", raw / "train")
    frame = read_csv(need(raw / "train.csv"))
    train, test = split(frame, 0.1)
    write_csv(train, public / "train.csv")
    write_csv(test, private / "test.csv")
    for part, name in ((train, "train_images.zip"), (test, "test_images.zip")):
        files = sorted(f"{i}.jpg" for i in part["image_id"])
        zip_members(public / name, [(need(raw / "train" / f), f) for f in files])
    shutil.copyfile(need(raw / "unicode_translation.csv"), public / "unicode_translation.csv")
    sample = test.copy()
    sample["labels"] = KUZUSHIJI_SAMPLE
    write_csv(sample, public / "sample_submission.csv")
    gold = test.copy()
    gold["labels"] = [_kuzushiji_gold(label) for label in test["labels"]]
    write_csv(gold, private / "gold_submission.csv")


def _kuzushiji_gold(label: object) -> str:
    expect(isinstance(label, str), "every test image has labels (as MLE-bench requires)")
    parts = str(label).split()
    expect(len(parts) % 5 == 0, "labels are 'class x y w h' groups")
    return " ".join(
        f"{c} {int(x) + 1} {int(y) + 1}"
        for c, x, y in zip(parts[0::5], parts[1::5], parts[2::5], strict=True)
    )


def tgs_salt_identification_challenge(raw: Path, public: Path, private: Path) -> None:
    """A 0.25 split; every table sorted by id; empty masks written as empty strings."""
    unpack(raw, "competition_data.zip")
    data = raw / "competition_data"
    frame = read_csv(need(data / "train.csv")).fillna("")
    train, test = split(frame, 0.25)
    write_csv(train.sort_values(by="id"), public / "train.csv")
    write_csv(test.sort_values(by="id"), private / "test.csv")
    images = sorted(p.stem for p in (data / "train" / "images").glob("*.png"))
    expect(len(images) == len(frame), "one image per train row")
    train_ids, test_ids = set(train["id"]), set(test["id"])
    pairs = []
    for stem in images:
        name = f"{stem}.png"
        if stem in train_ids:
            pairs.append((data / "train" / "images" / name, public / "train" / "images" / name))
            pairs.append((data / "train" / "masks" / name, public / "train" / "masks" / name))
        elif stem in test_ids:
            pairs.append((data / "train" / "images" / name, public / "test" / "images" / name))
    copy_media(pairs, stage="copy images")
    sample = test.drop(columns=["rle_mask"]).copy()
    sample["rle_mask"] = TGS_SAMPLE
    write_csv(sample.sort_values(by="id"), public / "sample_submission.csv")
    depths = read_csv(need(raw / "depths.csv"))
    write_csv(depths[depths["id"].isin(train_ids)].sort_values(by="id"), public / "depths.csv")
    expect(
        all(isinstance(v, str) for part in (train, test) for v in part.to_numpy().ravel()),
        "every cell of the split tables is a string",
    )


# ------------------------------------------------------------------------------- iwildcam-2020


def _records(raw_records: list[dict[str, Any]], frame: pd.DataFrame, mask: Any) -> list[dict]:
    """``frame[mask].to_dict(orient="records")`` as pandas 2 returns it.

    pandas 3 stores text columns as ``str``, turning an explicit JSON null into NaN; pandas 2
    kept the original object (None stays null). Numeric columns come from the frame (where
    pandas upcasts, e.g. ints to floats beside a missing value); any other column takes the
    raw value, NaN where the record lacks the key, as pandas 2 did.
    """
    import numpy as np

    numeric = [c for c in frame.columns if frame[c].dtype.kind in "biufc"]
    positions = np.flatnonzero(np.asarray(mask))
    numbers = frame.iloc[positions][numeric].to_dict(orient="records")
    out = []
    for pos, values in zip(positions, numbers, strict=True):
        record = raw_records[pos]
        out.append(
            {c: values[c] if c in values else record.get(c, math.nan) for c in frame.columns}
        )
    return out


def iwildcam_2020_fgvc7(raw: Path, public: Path, private: Path) -> None:
    """Split by camera location (0.22), then locations moved one by one towards that share.

    MLE-bench's share test divides by (all train images + test images), test counted twice;
    kept as is. The sample holds seeded random categories (legacy ``np.random.seed(0)``).
    """
    import numpy as np
    import pandas as pd

    with need(raw / "iwildcam2020_train_annotations.json").open() as handle:
        train_json = json.load(handle)
    with need(raw / "iwildcam2020_test_information.json").open() as handle:
        test_json = json.load(handle)
    annotations = pd.DataFrame(train_json["annotations"])
    images = pd.DataFrame(train_json["images"])
    categories = pd.DataFrame(train_json["categories"])
    test_categories = pd.DataFrame(test_json["categories"])

    locations = images["location"].unique()
    train_locs, test_locs = split(locations, IWILDCAM_TEST_SHARE)

    def share(test_mask: Any) -> float:
        return int(test_mask.sum()) / (len(images) + int(test_mask.sum()))

    test_mask = images["location"].isin(test_locs)
    while share(test_mask) < IWILDCAM_TEST_SHARE:
        train_locs, test_locs = train_locs[:-1], np.append(test_locs, train_locs[-1])
        test_mask = images["location"].isin(test_locs)
    while share(test_mask) > IWILDCAM_TEST_SHARE:
        test_locs, train_locs = test_locs[:-1], np.append(train_locs, test_locs[-1])
        test_mask = images["location"].isin(test_locs)
    train_mask = images["location"].isin(train_locs)
    train_ids = images.loc[train_mask, "id"].unique()
    test_ids = images.loc[test_mask, "id"].unique()
    train_ann = annotations["image_id"].isin(train_ids)
    test_ann = annotations["image_id"].isin(test_ids)
    expect(len(train_ids) + len(test_ids) == len(images), "every image on one side")

    answers = annotations.loc[test_ann, ["image_id", "category_id"]].rename(
        columns={"image_id": "Id", "category_id": "Category"}
    )
    sample = answers.copy()
    np.random.seed(0)
    sample["Category"] = np.random.randint(0, IWILDCAM_CLASSES, size=len(sample))
    write_csv(answers, private / "answers.csv")
    write_csv(sample, public / "sample_submission.csv")

    everything = np.ones(len(categories), dtype=bool)
    new_train = {
        "annotations": _records(train_json["annotations"], annotations, train_ann),
        "images": _records(train_json["images"], images, train_mask),
        "categories": _records(train_json["categories"], categories, everything),
        "info": train_json["info"],
    }
    new_test = {
        "images": _records(train_json["images"], images, test_mask),
        "categories": _records(
            test_json["categories"], test_categories, np.ones(len(test_categories), dtype=bool)
        ),
        "info": test_json["info"],
    }
    expect(new_train.keys() == train_json.keys(), "train JSON keeps Kaggle's keys")
    expect(new_test.keys() == test_json.keys(), "test JSON keeps Kaggle's keys")
    del train_json, test_json
    with (public / "iwildcam2020_train_annotations.json").open("w") as handle:
        json.dump(new_train, handle)
    with (public / "iwildcam2020_test_information.json").open("w") as handle:
        json.dump(new_test, handle)
    shutil.copyfile(
        need(raw / "iwildcam2020_megadetector_results.json"),
        public / "iwildcam2020_megadetector_results.json",
    )
    (public / "train").mkdir(exist_ok=True)
    (public / "test").mkdir(exist_ok=True)
    _copy_images(raw / "train", public / "train", train_ids, ".jpg")
    _copy_images(raw / "train", public / "test", test_ids, ".jpg")


# ---------------------------------------------------------------------------- uw-madison


def uw_madison_gi_tract_image_segmentation(raw: Path, public: Path, private: Path) -> None:
    """Split by case (0.1, ``random_state=42``), then train cases' days after the 4th go to test.

    Answers gain each test slice's image width and height (floats), read from the scan's
    file name ``slice_<n>_<width>_<height>_...png``.
    """
    import numpy as np

    frame = read_csv(need(raw / "train.csv"))
    parts = frame["id"].str.split("_")
    frame["case"] = parts.str[0]
    frame["day"] = parts.str[1]
    frame["slice"] = parts.str[-1]
    cases = frame["case"].unique()
    train_cases, test_cases = split_with_seed(cases, 0.1, 42)
    test_case_set = set(test_cases)
    frame["set"] = np.where(frame["case"].isin(test_case_set), "test", "train")
    moved: set[tuple[str, str]] = set()
    in_train = frame[frame["set"] == "train"]
    for case, days in in_train.groupby("case")["day"].apply(set).items():
        if len(days) > UW_MADISON_DAYS_KEPT:
            later = sorted(days, key=lambda d: int(d[len("day") :]))[UW_MADISON_DAYS_KEPT:]
            moved.update((str(case), d) for d in later)
            hit = frame["case"].eq(case) & frame["day"].isin(later)
            frame.loc[hit, "set"] = "test"

    source = raw / "train"
    train_case_set = set(train_cases)
    from ...data.progress import progress

    for case in progress(cases, total=len(cases), unit="cases", stage="copy cases"):
        if case not in train_case_set:
            shutil.copytree(need(source / case), public / "test" / case, dirs_exist_ok=True)
            continue
        for entry in sorted(need(source / case).iterdir()):
            day = entry.name[len(case) + 1 :] if entry.name.startswith(f"{case}_") else None
            side = "test" if (case, day) in moved and entry.is_dir() else "train"
            target = public / side / case / entry.name
            target.parent.mkdir(parents=True, exist_ok=True)
            if entry.is_dir():
                shutil.copytree(entry, target, dirs_exist_ok=True)
            else:
                shutil.copyfile(entry, target)
    (public / "train").mkdir(exist_ok=True)
    (public / "test").mkdir(exist_ok=True)

    train = frame[frame["set"] == "train"].copy()
    test = frame[frame["set"] == "test"].copy()
    sizes: dict[tuple[str, str], dict[str, tuple[int, int]]] = {}
    widths, heights = [], []
    for case, day, piece in zip(test["case"], test["day"], test["slice"], strict=True):
        if (case, day) not in sizes:
            scans = need(source / case / f"{case}_{day}" / "scans")
            table: dict[str, list[tuple[int, int]]] = {}
            for path in scans.glob("slice_*.png"):
                fields = path.stem.split("_")
                table.setdefault(fields[1], []).append((int(fields[2]), int(fields[3])))
            sizes[(case, day)] = {k: v[0] for k, v in table.items() if len(v) == 1}
        width, height = present(
            sizes[(case, day)].get(piece), f"exactly one scan for {case}_{day} slice {piece}"
        )
        widths.append(width)
        heights.append(height)
    if len(test):  # set row by row in MLE-bench: a float column, NaN-initialised
        test["image_width"] = np.asarray(widths, dtype="float64")
        test["image_height"] = np.asarray(heights, dtype="float64")
    helper = ["set", "case", "day", "slice"]
    train = train.drop(columns=helper)
    test = test.drop(columns=helper)
    sample = test.copy()
    sample["segmentation"] = UW_MADISON_SAMPLE
    sample = sample.drop(columns=["image_height", "image_width"])
    sample = sample.rename(columns={"segmentation": "predicted"})
    write_csv(sample, public / "sample_submission.csv", na_rep="")
    test = test.rename(columns={"segmentation": "predicted"})
    write_csv(test, private / "test.csv", na_rep="")
    write_csv(train, public / "train.csv", na_rep="")
    public_test = test.drop(columns=["predicted", "image_width", "image_height"])
    write_csv(public_test, public / "test.csv", na_rep="")
    expect(len(train) + len(test) == len(frame), "split sizes add up")


def split_with_seed(data: Any, test_size: float, seed: int) -> Any:
    """``train_test_split`` with a seed other than MLE-bench's usual 0."""
    from sklearn.model_selection import train_test_split

    return train_test_split(data, test_size=test_size, random_state=seed)


# ------------------------------------------------------------------------------- statoil


def statoil_iceberg_classifier_challenge(raw: Path, public: Path, private: Path) -> None:
    """A 0.2 split of the train JSON records; public gets 7z archives only.

    As in MLE-bench, the sample submission exists unzipped only in private/ (public has it
    inside ``sample_submission.csv.7z``).
    """
    import pandas as pd

    unpack(raw, "train.json.7z")
    unpack(raw, "test.json.7z")
    with need(raw / "data" / "processed" / "train.json").open() as handle:
        records = json.load(handle)
    test_fields = list(_first_json_record(need(raw / "data" / "processed" / "test.json")))
    fields = set(records[0])
    expect(all(set(r) == fields for r in records), "every train record has the same fields")
    train, test = split(records, STATOIL_TEST_SHARE)
    public_test = [{key: r[key] for key in test_fields} for r in test]
    scratch = private / "tmp_data"
    scratch.mkdir(exist_ok=True)
    for name, content in (("train.json", train), ("test.json", public_test)):
        with (scratch / name).open("w") as handle:
            json.dump(content, handle)
        _write_7z(public / f"{name}.7z", scratch / name, name)
    del records, train, public_test
    answers = pd.DataFrame([{"id": r["id"], "is_iceberg": int(r["is_iceberg"])} for r in test])
    write_csv(answers, private / "test.csv")
    sample = answers.copy()
    sample["is_iceberg"] = 0.5
    write_csv(sample, private / "sample_submission.csv")
    _write_7z(public / "sample_submission.csv.7z", private / "sample_submission.csv")
    shutil.rmtree(scratch)


def _first_json_record(path: Path, chunk: int = 1 << 20) -> dict[str, Any]:
    """The first object of a JSON array file, read incrementally (Kaggle's test.json is GBs).

    MLE-bench loads the whole file and also checks every test record has the same fields;
    only the first record's keys decide the output, so only it is read here.
    """
    decoder = json.JSONDecoder()
    text = ""
    with path.open(encoding="utf-8") as handle:
        while True:
            more = handle.read(chunk)
            text += more
            start = text.find("{")
            if start >= 0:
                try:
                    record, _ = decoder.raw_decode(text, start)
                    return record
                except json.JSONDecodeError:
                    if not more:
                        raise
            elif not more:
                raise ValueError(f"{path.name}: no JSON record found")


def _write_7z(archive: Path, path: Path, name: str | None = None) -> None:
    try:
        import py7zr
    except ImportError as ex:  # pragma: no cover - depends on the environment
        raise RuntimeError("py7zr is needed: " + install_hint("kaggle")) from ex
    with py7zr.SevenZipFile(archive, mode="w") as handle:
        handle.write(path, arcname=name or path.name)
