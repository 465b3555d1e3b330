"""Herbarium 2020/2021/2022 and iNaturalist 2019.

Per-category splits of a COCO-style metadata JSON, with renumbered test images.

MLE-bench splits every category 80:20 with ``train_test_split`` (seed 0) in the order
categories first appear, flattens the test items and shuffles them with ``random.Random(0)``;
test images get an index-based id and file name so neither reveals the label. Metadata is
written with ``json.dump(indent=4, sort_keys=True)``, as the original.

Memory: the metadata is loaded whole, as MLE-bench does (about 2 GB of Python objects for
herbarium 2021's 2.3 million images); train entries are shared rather than copied, since
they are written unchanged.
"""

from __future__ import annotations

import json
import random
import shutil
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...data.extract import extract
from ._common import expect, need, split, write_csv
from .m1_files import place_files

Item = dict[str, dict[str, Any]]
"""{"annotation": ..., "image": ...} of one training image."""


def _by_category(metadata: dict[str, Any], image_key: str) -> dict[Any, list[Item]]:
    groups: dict[Any, list[Item]] = {}
    for annotation, image in zip(metadata["annotations"], metadata["images"], strict=False):
        expect(annotation["image_id"] == image[image_key], "annotations pair with images")
        groups.setdefault(annotation["category_id"], []).append(
            {"annotation": annotation, "image": image}
        )
    return groups


def _split_category(items: list[Item], test_size: float, small_rule: bool) -> tuple[list, list]:
    """One category's split.

    With ``small_rule`` a single item stays in train and fewer than five put the last max(1, int(n *
    test_size)) in test (2020, 2021, iNaturalist).
    """
    n = len(items)
    if small_rule and n == 1:
        return items, []
    if small_rule and n < 5:
        k = max(1, int(n * test_size))
        return items[:-k], items[-k:]
    return split(items, test_size)


@dataclass(frozen=True)
class Herbarium:
    """What differs between the Herbarium 2020 and 2021 datasets."""

    root: str
    """Folder under raw/ and public/ holding train/ and test/ ("" for 2021)."""
    encoding: str
    extra_key: str
    """The per-dataset key dropped from the test metadata ("regions" or "institutions")."""


HERBARIUM_2020 = Herbarium(root="nybg2020", encoding="latin-1", extra_key="regions")
HERBARIUM_2021 = Herbarium(root="", encoding="utf-8", extra_key="institutions")


def _dump(data: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=4, sort_keys=True)


def _herbarium_2020_2021(spec: Herbarium, raw: Path, public: Path, private: Path) -> None:
    import pandas as pd

    raw_root = raw / spec.root if spec.root else raw
    out_root = public / spec.root if spec.root else public
    with need(raw_root / "train" / "metadata.json").open(encoding=spec.encoding) as handle:
        metadata = json.load(handle)
    groups = _by_category(metadata, "id")
    parts = {c: _split_category(items, 0.2, True) for c, items in groups.items()}

    train_meta = metadata.copy()
    train_meta.update({"annotations": [], "images": []})
    pairs = []
    for category, (train_items, _) in parts.items():
        (out_root / "train/images" / f"{category // 100:03d}/{category % 100:02d}").mkdir(
            parents=True, exist_ok=True
        )
        for item in train_items:
            train_meta["annotations"].append(item["annotation"])
            train_meta["images"].append(item["image"])
            name = item["image"]["file_name"]
            pairs.append((raw_root / "train" / name, out_root / "train" / name))
    place_files(pairs)
    _dump(train_meta, out_root / "train" / "metadata.json")

    test_meta = metadata.copy()
    del test_meta["categories"]
    del test_meta[spec.extra_key]
    test_meta.update({"annotations": [], "images": []})
    test_items = [item for _, items in parts.values() for item in items]
    random.Random(0).shuffle(test_items)
    pairs = []
    for idx, item in enumerate(test_items):
        new_id, new_name = str(idx), f"images/{idx // 1000:03d}/{idx}.jpg"
        annotation = item["annotation"].copy()
        annotation["image_id"] = new_id
        image = item["image"].copy()
        image["id"], image["file_name"] = new_id, new_name
        test_meta["annotations"].append(annotation)
        test_meta["images"].append(image)
        pairs.append(
            (raw_root / "train" / item["image"]["file_name"], out_root / "test" / new_name)
        )
    place_files(pairs)
    public_test = {k: v for k, v in test_meta.items() if k != "annotations"}
    expect(set(public_test) == {"images", "info", "licenses"}, "test metadata keys")
    _dump(public_test, out_root / "test" / "metadata.json")

    answers = pd.DataFrame(
        [
            {"Id": image["id"], "Predicted": annotation["category_id"]}
            for image, annotation in zip(test_meta["images"], test_meta["annotations"], strict=True)
        ],
        columns=["Id", "Predicted"],
    )
    write_csv(answers, private / "answers.csv")
    write_csv(answers[["Id"]].assign(Predicted=0), public / "sample_submission.csv")


def herbarium_2020_fgvc7(raw: Path, public: Path, private: Path) -> None:
    """Everything under nybg2020/; the metadata is read as latin-1 (utf-8 fails on it)."""
    _herbarium_2020_2021(HERBARIUM_2020, raw, public, private)


def herbarium_2021_fgvc8(raw: Path, public: Path, private: Path) -> None:
    """Prepare Herbarium 2021 with the shared 2020/2021 recipe."""
    _herbarium_2020_2021(HERBARIUM_2021, raw, public, private)


def herbarium_2022_fgvc9(raw: Path, public: Path, private: Path) -> None:
    """Every category split by train_test_split (each must have >= 2 images).

    Train images are renamed ``<category:05d>__<k:03d>``; test metadata is just the image list.
    """
    import pandas as pd

    with need(raw / "train_metadata.json").open(encoding="utf-8") as handle:
        metadata = json.load(handle)
    groups = _by_category(metadata, "image_id")
    parts = {}
    for category, items in groups.items():
        train_items, test_items = split(items, 0.2)
        expect(len(train_items) > 0 and len(test_items) > 0, f"category {category} in both")
        parts[category] = (train_items, test_items)

    train_meta = metadata.copy()
    train_meta.update({"annotations": [], "images": []})
    pairs = []
    for category, (train_items, _) in parts.items():
        subdir = f"{category // 100:03d}/{category % 100:02d}"
        (public / "train_images" / subdir).mkdir(parents=True, exist_ok=True)
        for idx, item in enumerate(train_items):
            new_id = f"{category:05d}__{idx + 1:03d}"
            new_name = f"{subdir}/{new_id}.jpg"
            annotation = item["annotation"].copy()
            annotation["image_id"] = new_id
            image = item["image"].copy()
            image["image_id"], image["file_name"] = new_id, new_name
            train_meta["annotations"].append(annotation)
            train_meta["images"].append(image)
            pairs.append(
                (
                    raw / "train_images" / item["image"]["file_name"],
                    public / "train_images" / new_name,
                )
            )
    place_files(pairs)
    _dump(train_meta, public / "train_metadata.json")

    test_images, test_annotations = [], []
    test_items = [item for _, items in parts.values() for item in items]
    random.Random(0).shuffle(test_items)
    pairs = []
    for idx, item in enumerate(test_items):
        new_id, new_name = str(idx), f"{idx // 1000:03d}/test-{idx:06d}.jpg"
        annotation = item["annotation"].copy()
        annotation["image_id"] = new_id
        image = item["image"].copy()
        image["image_id"], image["file_name"] = new_id, new_name
        test_annotations.append(annotation)
        test_images.append(image)
        pairs.append(
            (raw / "train_images" / item["image"]["file_name"], public / "test_images" / new_name)
        )
    place_files(pairs)
    _dump(test_images, public / "test_metadata.json")

    answers = pd.DataFrame(
        [
            {"Id": image["image_id"], "Predicted": annotation["category_id"]}
            for image, annotation in zip(test_images, test_annotations, strict=True)
        ],
        columns=["Id", "Predicted"],
    )
    write_csv(answers, private / "answers.csv")
    write_csv(answers[["Id"]].assign(Predicted=42), public / "sample_submission.csv")


INATURALIST_TEST_SHARE = 0.12
"""Kaggle's test/(train+val) proportion, per category."""


def _inaturalist_sample_value() -> int:
    """MLE-bench seeds a fresh ``Random(42)`` for every row: all rows get this one value."""
    return random.Random(42).randint(0, 1009)


def inaturalist_2019_fgvc6(raw: Path, public: Path, private: Path) -> None:
    """Per-category 12% test; test images keep their ids and move to ``test2019/<hash>.jpg``.

    Images are packed into uncompressed tars named ``*.tar.gz`` with member names relative to the
    folder (no ``train_val2019/`` or ``test2019/`` prefix), as MLE-bench's tar step.
    """
    import pandas as pd

    if not (raw / "train_val2019").exists():  # extracted aside, then renamed: resumable
        partial = raw / ".train_val2019.partial"
        shutil.rmtree(partial, ignore_errors=True)
        extract(need(raw / "train_val2019.tar.gz"), partial)  # capped, no escaping entries
        (partial / "train_val2019").rename(raw / "train_val2019")
        shutil.rmtree(partial, ignore_errors=True)
    with need(raw / "train2019.json").open(encoding="utf-8") as handle:
        metadata = json.load(handle)
    groups = _by_category(metadata, "id")
    parts = {c: _split_category(items, INATURALIST_TEST_SHARE, True) for c, items in groups.items()}

    train_meta = metadata.copy()
    train_meta.update({"annotations": [], "images": []})
    for train_items, _ in parts.values():
        for item in train_items:
            train_meta["annotations"].append(item["annotation"])
            train_meta["images"].append(item["image"])
    _dump(train_meta, public / "train2019.json")
    place_files([(raw / "val2019.json", public / "val2019.json")])

    test_meta = metadata.copy()
    del test_meta["categories"]
    test_meta.update({"annotations": [], "images": []})
    test_items = [item for _, items in parts.values() for item in items]
    random.Random(0).shuffle(test_items)
    test_sources: list[tuple[Path, str]] = []
    for item in test_items:
        test_meta["annotations"].append(item["annotation"].copy())
        image = item["image"].copy()
        old_name = image["file_name"]
        image["file_name"] = "test2019/" + old_name.split("/")[-1]
        test_meta["images"].append(image)
        test_sources.append((raw / old_name, old_name.split("/")[-1]))
    public_test = {k: v for k, v in test_meta.items() if k != "annotations"}
    expect(set(public_test) == {"images", "info", "licenses"}, "test metadata keys")
    _dump(public_test, public / "test2019.json")

    answers = pd.DataFrame(
        [
            {"id": image["id"], "predicted": annotation["category_id"]}
            for image, annotation in zip(test_meta["images"], test_meta["annotations"], strict=True)
        ],
        columns=["id", "predicted"],
    )
    write_csv(answers, private / "answers.csv")
    sample = answers.copy()
    sample["predicted"] = _inaturalist_sample_value()
    write_csv(sample, public / "kaggle_sample_submission.csv")

    prefix = "train_val2019/"
    train_sources = [
        (raw / item["image"]["file_name"], item["image"]["file_name"].removeprefix(prefix))
        for train_items, _ in parts.values()
        for item in train_items
    ]
    _tar(public / "test2019.tar.gz", test_sources)
    _tar(public / "train_val2019.tar.gz", train_sources)


def _tar(archive: Path, members: list[tuple[Path, str]]) -> None:
    """An uncompressed tar (despite the name, as MLE-bench), streamed from raw/."""
    with tarfile.open(archive, "w", format=tarfile.PAX_FORMAT) as handle:
        for path, name in sorted(members, key=lambda m: m[1]):
            info = handle.gettarinfo(str(need(path)), arcname=name)
            info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
            with path.open("rb") as source:
                handle.addfile(info, source)
