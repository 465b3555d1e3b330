"""Prepare functions of high-complexity competitions with per-folder layouts.

Lyft 3D scenes, contrail records, Vesuvius fragments and smartphone drives.

Folder structures, file names and JSON formatting are MLE-bench's, byte for byte; media are
hard-linked (see :mod:`.h_files`) and every walk is sorted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ._common import expect, need, read_csv, split, write_csv, write_sample
from .h_files import link_file, link_files, link_tree, walk_files
from .h_floats import read_csv_legacy


def _load_json(path: Path) -> Any:
    with need(path).open() as handle:
        return json.load(handle)


def _dump_json(value: Any, path: Path) -> None:
    """``json.dump`` with its default formatting, as the original writes every table."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        json.dump(value, handle)


def _split_by(
    items: Iterable[dict[str, Any]], key: str, train: set[str], test: set[str], what: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each item to train or test by ``item[key]``; an item in neither is an error."""
    to_train: list[dict[str, Any]] = []
    to_test: list[dict[str, Any]] = []
    for item in items:
        if item[key] in train:
            to_train.append(item)
        elif item[key] in test:
            to_test.append(item)
        else:
            raise ValueError(f"prepare check failed: {what} {item[key]} is in neither split")
    return to_train, to_test


def _add_confidence(objects: str) -> str:
    """Private answers carry a confidence of 1.0 before each 8-token object."""
    tokens = objects.split(" ")
    expect(len(tokens) % 8 == 0, "8 tokens per object")
    out: list[str] = []
    for i in range(0, len(tokens), 8):
        out.extend(["1.0", *tokens[i : i + 8]])
    return " ".join(out)


LYFT_SHARED = ("attribute.json", "category.json", "sensor.json", "visibility.json")
"""Tables copied unchanged into both train_data and test_data."""


def lyft_3d_object_detection(raw: Path, public: Path, private: Path) -> None:
    """Split by log (20%, seed 0); every nuScenes table, image and lidar sweep follows.

    Kept as in MLE-bench: samples are matched to logs through their ``scene_token`` (the two
    token kinds coincide in this dataset), and both map.json files list the TEST logs (the
    original edits one shared dict twice).
    """
    data = raw / "train_data"
    train_data, test_data = public / "train_data", public / "test_data"
    test_data.mkdir(parents=True, exist_ok=True)
    train_data.mkdir(parents=True, exist_ok=True)
    logs = _load_json(data / "log.json")
    log_ids = [log["token"] for log in logs]
    expect(len(log_ids) == len(set(log_ids)), "log tokens are unique")
    train_logs, test_logs = split(log_ids, 0.2)
    train_log_set, test_log_set = set(train_logs), set(test_logs)
    _dump_json([g for g in logs if g["token"] in train_log_set], train_data / "log.json")
    _dump_json([g for g in logs if g["token"] in test_log_set], test_data / "log.json")

    samples = _load_json(data / "sample.json")
    train_samples = [s for s in samples if s["scene_token"] in train_log_set]
    test_samples = [s for s in samples if s["scene_token"] in test_log_set]
    expect(len(train_samples) + len(test_samples) == len(samples), "samples cover all logs")
    _dump_json(train_samples, train_data / "sample.json")
    _dump_json(test_samples, test_data / "sample.json")

    table = read_csv_legacy(need(raw / "train.csv"))  # the original's plain read
    train_tokens = {s["token"] for s in train_samples}
    test_tokens = {s["token"] for s in test_samples}
    train = table[table["Id"].isin(train_tokens)]
    test = table[table["Id"].isin(test_tokens)].copy()
    expect(len(train) + len(test) == len(table), "train.csv rows cover all samples")
    expect(len(train) == len(train_samples), "one train.csv row per train sample")
    expect(len(test) == len(test_samples), "one train.csv row per test sample")
    write_csv(train, public / "train.csv")
    test["PredictionString"] = test["PredictionString"].apply(_add_confidence)
    write_csv(test, private / "test.csv")
    write_sample(test[["Id"]], public / "sample_submission.csv", {"PredictionString": ""})
    train_ids, test_ids = set(train["Id"]), set(test["Id"])
    del table, samples, train_samples, test_samples

    sample_data = _load_json(data / "sample_data.json")
    train_sd, test_sd = _split_by(sample_data, "sample_token", train_ids, test_ids, "sample data")
    _dump_json(train_sd, train_data / "sample_data.json")
    _dump_json(test_sd, test_data / "sample_data.json")
    _link_lyft_media(raw, public, sample_data, test_ids)
    del sample_data

    for folder in ("test_maps", "train_maps"):
        link_file(
            raw / "train_maps" / "map_raster_palo_alto.png",
            public / folder / "map_raster_palo_alto.png",
        )
    for name in LYFT_SHARED:
        link_file(data / name, train_data / name)
        link_file(data / name, test_data / name)

    sensors = {c["token"]: c for c in _load_json(data / "calibrated_sensor.json")}
    for part, out_dir in ((train_sd, train_data), (test_sd, test_data)):
        tokens = dict.fromkeys(d["calibrated_sensor_token"] for d in part)
        _dump_json([sensors[t] for t in tokens], out_dir / "calibrated_sensor.json")
    del sensors
    poses = {p["token"]: p for p in _load_json(data / "ego_pose.json")}
    for part, out_dir in ((train_sd, train_data), (test_sd, test_data)):
        _dump_json([poses[d["ego_pose_token"]] for d in part], out_dir / "ego_pose.json")
    del poses, train_sd, test_sd

    maps = _load_json(data / "map.json")
    expect(len(maps) == 1, "a single map")
    maps[0]["log_tokens"] = test_logs  # MLE-bench's shared-dict result, for both splits
    _dump_json(maps, train_data / "map.json")
    _dump_json(maps, test_data / "map.json")

    scenes = _load_json(data / "scene.json")
    train_scenes, test_scenes = _split_by(scenes, "log_token", train_log_set, test_log_set, "scene")
    _dump_json(train_scenes, train_data / "scene.json")
    _dump_json(test_scenes, test_data / "scene.json")

    annotations = _load_json(data / "sample_annotation.json")
    train_ann, test_ann = _split_by(annotations, "sample_token", train_ids, test_ids, "annotation")
    _dump_json(train_ann, train_data / "sample_annotation.json")  # no test annotations
    train_instances = {a["instance_token"] for a in train_ann}
    test_instances = {a["instance_token"] for a in test_ann}
    del annotations, train_ann, test_ann
    instances = _load_json(data / "instance.json")
    train_inst, _ = _split_by(instances, "token", train_instances, test_instances, "instance")
    _dump_json(train_inst, train_data / "instance.json")  # no test instances
    del instances, train_inst


def _link_lyft_media(
    raw: Path, public: Path, sample_data: list[dict[str, Any]], test_ids: set[str]
) -> None:
    """Move each sweep's image or lidar file to the side of its sample.

    This is done before the large annotation table is loaded, so the two never sit in memory
    together.
    """
    kinds = {"jpeg": ("train_images", "images"), "bin": ("train_lidar", "lidar")}
    for folder in ("test_images", "train_images", "test_lidar", "train_lidar"):
        (public / folder).mkdir(parents=True, exist_ok=True)
    for datum in sample_data:
        name = Path(datum["filename"]).name
        if datum["fileformat"] not in kinds:
            raise ValueError(f"unexpected fileformat {datum['fileformat']!r} in sample_data")
        source_dir, kind = kinds[datum["fileformat"]]
        expect(name.endswith(datum["fileformat"]), f"{name} ends with its file format")
        side = "test" if datum["sample_token"] in test_ids else "train"
        target = public / f"{side}_{kind}" / name
        if not target.exists():  # the original skips (and warns about) repeated files
            link_file(raw / source_dir / name, target)


def _rle(mask: Any) -> str:
    """Column-major run-length encoding of the 1-pixels, "-" when there are none.

    Transposing reverses every axis, so a (H, W, 1) mask reads down each column first.
    """
    import numpy as np

    dots = np.flatnonzero(np.asarray(mask).T.flatten() == 1)
    if dots.size == 0:
        return "-"
    breaks = np.flatnonzero(np.diff(dots) > 1)
    starts = dots[np.r_[0, breaks + 1]]
    ends = dots[np.r_[breaks, dots.size - 1]]
    pairs = np.column_stack([starts + 1, ends - starts + 1]).ravel()
    return " ".join(str(int(v)) for v in pairs)


CONTRAIL_BANDS = tuple(f"band_{i:02}.npy" for i in range(8, 17))


def google_research_identify_contrails_reduce_global_warming(
    raw: Path, public: Path, private: Path
) -> None:
    """Test = as many train records as the validation set has (seed 0).

    Answers are RLE of the human pixel masks; the sample is ``random.seed(0)`` choices between two
    fixed strings.
    """
    import random

    import numpy as np
    import pandas as pd

    train_meta = _load_json(raw / "train_metadata.json")
    validation_meta = _load_json(raw / "validation_metadata.json")
    train, test = split(train_meta, len(validation_meta))
    rows = []
    for record in test:
        folder = raw / "train" / str(record["record_id"])
        mask = np.load(need(folder / "human_pixel_masks.npy"))
        height, width, _ = np.load(need(folder / "band_08.npy"), mmap_mode="r").shape
        rows.append(
            {
                "record_id": record["record_id"],
                "encoded_pixels": _rle(mask),
                "height": height,
                "width": width,
            }
        )
    answers = pd.DataFrame(rows)
    masks = ("human_individual_masks.npy", "human_pixel_masks.npy")
    for part, side, names in (
        (train, "train", CONTRAIL_BANDS + masks),
        (test, "test", CONTRAIL_BANDS),
    ):
        for record in part:
            rid = str(record["record_id"])
            (public / side / rid).mkdir(parents=True, exist_ok=True)
            link_files((raw / "train" / rid / n, public / side / rid / n) for n in names)
    (public / "validation").mkdir(parents=True, exist_ok=True)
    if (raw / "validation").is_dir():
        link_tree(raw / "validation", public / "validation")
    link_file(raw / "validation_metadata.json", public / "validation_metadata.json")
    (public / "train_metadata.json").write_text(json.dumps(train))
    write_csv(answers, private / "answers.csv")
    rng = random.Random(0)
    sample = answers.copy()
    sample["encoded_pixels"] = [rng.choice(["1 3 10 5", "-"]) for _ in range(len(sample))]
    write_csv(sample, public / "sample_submission.csv")


VESUVIUS_HIDDEN = frozenset({"inklabels.png", "inklabels_rle.csv", "ir.png"})


def vesuvius_challenge_ink_detection(raw: Path, public: Path, private: Path) -> None:
    """Fragments 1 and 2 train; fragment 3 becomes test fragment ``a``.

    Test fragment ``a`` has no labels and no infrared image; answers add the image's width and
    height.
    """
    import pandas as pd
    from PIL import Image

    link_tree(raw / "train" / "1", public / "train" / "1")
    link_tree(raw / "train" / "2", public / "train" / "2")
    fragment = raw / "train" / "3"
    labels = read_csv(need(fragment / "inklabels_rle.csv"))
    expect(len(labels) == 1, "fragment 3 has one RLE row")
    with Image.open(need(fragment / "ir.png")) as image:
        width, height = image.size
    labels["width"] = width
    labels["height"] = height
    labels["Id"] = "a"
    write_csv(labels, private / "inklabels_rle.csv")
    write_csv(labels.drop(columns=["width", "height"]), private / "gold_submission.csv")
    for path in walk_files(fragment):
        expect(path.suffix in (".png", ".csv", ".tif"), f"{path.name} is png, csv or tif")
        if path.name not in VESUVIUS_HIDDEN:
            link_file(path, public / "test" / "a" / path.relative_to(fragment))
    sample = pd.DataFrame({"Id": ["a"], "Predicted": ["1 1 5 1"]})
    write_csv(sample, public / "sample_submission.csv")


def _drive_date(name: str) -> str:
    """``YYYY-MM-DD`` from a drive folder named ``Y-M-D-<place>``."""
    parts = name.split("-")
    expect(len(parts) >= 3 and all(p.isdigit() for p in parts[:3]), f"{name} starts with a date")
    year, month, day = parts[:3]
    return f"{year}-{month.zfill(2)}-{day.zfill(2)}"


SMARTPHONE_LATITUDE = 37.904611315634504
SMARTPHONE_LONGITUDE = -86.48107806249548


def smartphone_decimeter_2022(raw: Path, public: Path, private: Path) -> None:
    """Split by drive date (10% of dates, seed 0).

    Test drives lose ground_truth.csv, which becomes the answers (sorted path order). Kept for
    parity: span_log.nmea stays public.
    """
    import pandas as pd

    drives = sorted(p.name for p in need(raw / "train").iterdir() if p.is_dir())
    dates = sorted({_drive_date(d) for d in drives})
    train_dates, test_dates = split(dates, 0.1)
    expect(len(train_dates) >= 1 and len(test_dates) >= 1, "both sides have a date")
    test_set = set(test_dates)
    test_drives = [d for d in drives if _drive_date(d) in test_set]
    for drive in drives:
        if drive not in test_drives:
            link_tree(raw / "train" / drive, public / "train" / drive)
    truth: list[tuple[tuple[str, ...], Path]] = []
    for drive in test_drives:
        source = raw / "train" / drive
        link_tree(source, public / "test" / drive, skip=frozenset({"ground_truth.csv"}))
        for path in source.rglob("ground_truth.csv"):
            truth.append(((drive, *path.relative_to(source).parts), path))
    frames = []
    for _, path in sorted(truth, key=lambda item: item[0]):
        frame = read_csv_legacy(path)  # the original's plain read
        frame.loc[:, "tripId"] = f"{path.parent.parent.name}-{path.parent.name}"
        frames.append(frame[["tripId", "UnixTimeMillis", "LatitudeDegrees", "LongitudeDegrees"]])
    answers = pd.concat(frames, ignore_index=True)
    write_csv(answers, private / "test.csv")
    link_tree(raw / "metadata", public / "metadata")
    sample = answers.copy()
    sample.loc[:, "LatitudeDegrees"] = SMARTPHONE_LATITUDE
    sample.loc[:, "LongitudeDegrees"] = SMARTPHONE_LONGITUDE
    write_csv(sample, public / "sample_submission.csv")
