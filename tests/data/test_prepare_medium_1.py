"""19 medium competitions (helper m1) prepare from synthetic raw downloads as MLE-bench does.

Each fixture is built in code (``_synthetic_medium_1``); the expected bytes of every CSV,
JSON and text output are recomputed here with pandas/sklearn calls following MLE-bench's
prepare.py, independently of the prepare modules.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import tarfile
import warnings
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import train_test_split

from mle_inspect._hooks import load_hook
from mle_inspect.competitions import get_competition
from mle_inspect.competitions.prepare import m1_images, m1_tables, m1_text

from ._synthetic_medium_1 import BUILDERS, bson_document, build, cdiscount_documents

EXPECTED: dict[str, tuple[set[str], set[str]]] = {
    "AI4Code": (
        {"train", "test", "train_orders.csv", "train_ancestors.csv", "sample_submission.csv"},
        {"test_orders.csv"},
    ),
    "alaska2-image-steganalysis": (
        {"Cover", "JMiPOD", "JUNIWARD", "UERD", "Test", "sample_submission.csv"},
        {"test.csv"},
    ),
    "billion-word-imputation": (
        {"train_v2.txt.zip", "test_v2.txt.zip"},
        {"test.csv", "sample_submission.csv"},
    ),
    "cassava-leaf-disease-classification": (
        {
            "train.csv",
            "sample_submission.csv",
            "train_tfrecords",
            "test_tfrecords",
            "train_images",
            "test_images",
            "label_num_to_disease_map.json",
        },
        {"test.csv"},
    ),
    "cdiscount-image-classification-challenge": (
        {
            "train.bson",
            "test.bson",
            "train_example.bson",
            "category_names.csv",
            "sample_submission.csv",
        },
        {"answers.csv"},
    ),
    "chaii-hindi-and-tamil-question-answering": (
        {"train.csv", "test.csv", "sample_submission.csv"},
        {"test.csv"},
    ),
    "champs-scalar-coupling": (
        {
            "train.csv",
            "test.csv",
            "sample_submission.csv",
            "structures",
            *(f"{n}.csv" for n in m1_tables.CHAMPS_EXTRA),
        },
        {"answers.csv"},
    ),
    "facebook-recruiting-iii-keyword-extraction": (
        {"train.csv", "test.csv", "sample_submission.csv"},
        {"test.csv"},
    ),
    "freesound-audio-tagging-2019": (
        {
            "sample_submission.csv",
            "train_curated.csv",
            "train_noisy.csv",
            "train_curated.zip",
            "train_noisy.zip",
            "test.zip",
        },
        {"test.csv"},
    ),
    "google-quest-challenge": ({"train.csv", "test.csv", "sample_submission.csv"}, {"test.csv"}),
    "h-and-m-personalized-fashion-recommendations": (
        {
            "transactions_train.csv",
            "articles.csv",
            "customers.csv",
            "sample_submission.csv",
            "images",
        },
        {"answers.csv"},
    ),
    "herbarium-2020-fgvc7": ({"nybg2020", "sample_submission.csv"}, {"answers.csv"}),
    "herbarium-2021-fgvc8": ({"train", "test", "sample_submission.csv"}, {"answers.csv"}),
    "herbarium-2022-fgvc9": (
        {
            "train_images",
            "test_images",
            "train_metadata.json",
            "test_metadata.json",
            "sample_submission.csv",
        },
        {"answers.csv"},
    ),
    "hotel-id-2021-fgvc8": (
        {"train.csv", "train_images", "test_images", "sample_submission.csv"},
        {"test.csv"},
    ),
    "hubmap-kidney-segmentation": (
        {
            "train.csv",
            "train",
            "test",
            "HuBMAP-20-dataset_information.csv",
            "sample_submission.csv",
        },
        {"test.csv", "gold_submission.csv"},
    ),
    "icecube-neutrinos-in-deep-ice": (
        {
            "train_meta.parquet",
            "test_meta.parquet",
            "train",
            "test",
            "sensor_geometry.csv",
            "sample_submission.csv",
        },
        {"test.csv"},
    ),
    "imet-2020-fgvc7": (
        {"train.csv", "labels.csv", "train", "test", "sample_submission.csv"},
        {"answers.csv"},
    ),
    "inaturalist-2019-fgvc6": (
        {
            "train2019.json",
            "val2019.json",
            "test2019.json",
            "train_val2019.tar.gz",
            "test2019.tar.gz",
            "kaggle_sample_submission.csv",
        },
        {"answers.csv"},
    ),
}
IDS = sorted(EXPECTED)

SMALL: dict[str, list[tuple[object, str, int]]] = {
    "AI4Code": [(m1_text, "AI4CODE_TEST_NOTEBOOKS", 15)],
    "alaska2-image-steganalysis": [(m1_images, "ALASKA2_TEST_IMAGES", 10)],
    "facebook-recruiting-iii-keyword-extraction": [
        (m1_text, "FACEBOOK_CHUNK_ROWS", 33),
        (m1_text, "FACEBOOK_BUCKET_ROWS", 50),
    ],
    "h-and-m-personalized-fashion-recommendations": [(m1_tables, "CHUNK_ROWS", 37)],
    "icecube-neutrinos-in-deep-ice": [(m1_tables, "CHUNK_ROWS", 45)],
}
"""Hold-out sizes fixed for the real data, scaled to the fixture; chunks made small so the
streaming code crosses chunk boundaries."""


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], tuple[Path, Path]]:
    """(raw, prepared root) of each competition, prepared once per module."""
    done: dict[str, tuple[Path, Path]] = {}

    def get(cid: str) -> tuple[Path, Path]:
        if cid not in done:
            base = tmp_path_factory.mktemp(cid)
            raw = build(cid, base / "raw")
            public, private = base / "prepared" / "public", base / "prepared" / "private"
            public.mkdir(parents=True)
            private.mkdir()
            hook = load_hook(get_competition(cid).prepare)
            with pytest.MonkeyPatch.context() as patch:
                for module, name, value in SMALL.get(cid, []):
                    patch.setattr(module, name, value)
                hook(raw, public, private)
            done[cid] = (raw, base / "prepared")
        return done[cid]

    return get


def _read(path: Path | io.BytesIO, **kwargs: object) -> pd.DataFrame:
    """MLE-bench's reader: round-trip float parsing (always on from pandas 3.1)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pd.read_csv(path, float_precision="round_trip", **kwargs)


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


def _md5s(folder: Path) -> set[str]:
    return {hashlib.md5(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()}


def test_every_competition_has_a_prepare_hook_and_a_fixture() -> None:
    assert set(IDS) <= set(BUILDERS)
    for cid in IDS:
        competition = get_competition(cid)
        assert competition.complexity == "medium"
        assert callable(load_hook(competition.prepare))


@pytest.mark.parametrize("cid", IDS)
def test_prepare_writes_exactly_the_expected_public_and_private_files(cid: str, prepared) -> None:  # noqa: ANN001
    _, root = prepared(cid)
    public, private = EXPECTED[cid]
    assert {p.name for p in (root / "public").iterdir()} == public
    assert {p.name for p in (root / "private").iterdir()} == private
    competition = get_competition(cid)
    assert (root / competition.answers).is_file()
    assert (root / competition.sample_submission).is_file()
    assert hashlib.md5((root / competition.answers).read_bytes()).hexdigest() not in _md5s(
        root / "public"
    )


@pytest.mark.parametrize("cid", IDS)
def test_sample_submission_ids_match_the_answers_and_it_grades_as_valid(
    cid: str,
    prepared,  # noqa: ANN001
) -> None:
    from mle_inspect.scorers.grading import read_submission_csv, score_submission

    _, root = prepared(cid)
    competition = get_competition(cid)
    sample = read_submission_csv(root / competition.sample_submission)
    answers = pd.read_csv(root / competition.answers)
    id_column = competition.grading.id_column
    if cid == "h-and-m-personalized-fashion-recommendations":  # all customers are listed
        assert set(answers[id_column]) <= set(sample[id_column])
    elif cid == "freesound-audio-tagging-2019":  # Kaggle's own sample, in its order
        assert sorted(sample[id_column]) == sorted(answers[id_column])
    else:
        assert sample[id_column].tolist() == answers[id_column].tolist()
    score = score_submission(cid, sample, answers)
    assert np.isfinite(score)


# ----------------------------------------------------------------------------------------------
# Independent references: MLE-bench's prepare.py steps, written out with pandas/sklearn here.
# Each returns {relative path under prepared/: expected bytes} for the CSV/JSON/text outputs.

Reference = Callable[[Path], dict[str, bytes]]
REFERENCES: dict[str, Reference] = {}


def reference(cid: str) -> Callable[[Reference], Reference]:
    def register(fn: Reference) -> Reference:
        REFERENCES[cid] = fn
        return fn

    return register


@reference("chaii-hindi-and-tamil-question-answering")
def _chaii(raw: Path) -> dict[str, bytes]:
    train, test = train_test_split(_read(raw / "train.csv"), test_size=0.1, random_state=0)
    answers = test[["id", "answer_text"]].rename(columns={"answer_text": "PredictionString"})
    return {
        "public/train.csv": _csv(train),
        "public/test.csv": _csv(test.drop(columns=["answer_start", "answer_text"])),
        "private/test.csv": _csv(answers),
        "public/sample_submission.csv": _csv(answers.assign(PredictionString="dummy text")),
    }


@reference("facebook-recruiting-iii-keyword-extraction")
def _facebook(raw: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(raw / "Train.zip") as archive:
        frame = _read(io.BytesIO(archive.read("Train.csv")), dtype={"Id": str, "Tags": str})
    train, test = train_test_split(frame, test_size=0.1, random_state=0)
    public_test = test.drop(columns=["Tags"])
    return {
        "public/train.csv": _csv(train),
        "public/test.csv": _csv(public_test),
        "public/sample_submission.csv": _csv(
            public_test.assign(Tags="javascript c# python php java")
        ),
        "private/test.csv": _csv(test),
    }


@reference("google-quest-challenge")
def _google_quest(raw: Path) -> dict[str, bytes]:
    classes = get_competition("google-quest-challenge").grading.target_columns
    train, test = train_test_split(_read(raw / "train.csv"), test_size=0.1, random_state=0)
    train, test = train.copy(), test.copy()
    assert test["question_type_spelling"].nunique() == 1  # the fixture exercises the swap
    donor = train.index[train["question_type_spelling"] != 0][0]
    first = test.index[0]
    held = test.loc[first].copy()
    test.loc[first] = train.loc[donor]
    train.loc[donor] = held
    answers = test[["qa_id", *classes]]
    sample = answers.copy()
    for column in classes:
        sample[column] = np.linspace(0, 1, len(sample))
    return {
        "private/test.csv": _csv(answers),
        "public/train.csv": _csv(train),
        "public/test.csv": _csv(test.drop(columns=classes)),
        "public/sample_submission.csv": _csv(sample),
    }


@reference("billion-word-imputation")
def _billion(raw: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(raw / "train_v2.txt.zip") as archive:
        lines = archive.read("train_v2.txt").decode().splitlines(keepends=True)
    rng = np.random.RandomState(0)
    train, answers, public = [], ['"id","sentence"\n'], ['"id","sentence"\n']
    for line in lines:
        draw = rng.uniform()
        words = line.split()
        if draw <= 0.01 and len(words) > 2:
            escaped = line.strip().replace('"', '""')
            tokens = escaped.split()
            cut = rng.randint(1, len(tokens) - 1)
            k = len(answers) - 1
            answers.append(f'{k},"{escaped}"\n')
            public.append(f'{k},"{" ".join(tokens[:cut] + tokens[cut + 1 :])}"\n')
        else:
            train.append(line)
    return {
        "private/test.csv": "".join(answers).encode(),
        "private/sample_submission.csv": "".join(public).encode(),
        "public/test_v2.txt.zip/test_v2.txt": "".join(public).encode(),
        "public/train_v2.txt.zip/train_v2.txt": "".join(train).encode(),
    }


@reference("AI4Code")
def _ai4code(raw: Path) -> dict[str, bytes]:
    ancestors = _read(raw / "train_ancestors.csv").sample(frac=1, random_state=0)
    ancestors = ancestors.reset_index(drop=True)
    test_ids: list[str] = []
    for _, group in ancestors.groupby("ancestor_id", sort=False):
        if len(test_ids) + len(group) <= SMALL["AI4Code"][0][2]:
            test_ids += group["id"].tolist()
    orders = _read(raw / "train_orders.csv")
    test_orders = orders[orders["id"].isin(test_ids)]
    cells = [
        " ".join(json.loads((raw / "train" / f"{i}.json").read_text())["cell_type"])
        for i in test_orders["id"]
    ]
    return {
        "public/train_orders.csv": _csv(orders[~orders["id"].isin(test_ids)]),
        "private/test_orders.csv": _csv(test_orders),
        "public/train_ancestors.csv": _csv(ancestors[~ancestors["id"].isin(test_ids)]),
        "public/sample_submission.csv": _csv(
            pd.DataFrame({"id": test_orders["id"].tolist(), "cell_order": cells})
        ),
    }


@reference("champs-scalar-coupling")
def _champs(raw: Path) -> dict[str, bytes]:
    frame = _read(raw / "train.csv")
    names = sorted(frame["molecule_name"].unique())
    train_names, test_names = train_test_split(names, test_size=0.1, random_state=0)
    train = pd.concat([frame[frame["molecule_name"] == n] for n in train_names])
    answers = pd.concat([frame[frame["molecule_name"] == n] for n in test_names])
    test = answers.drop(columns=["scalar_coupling_constant"])
    out = {
        "private/answers.csv": _csv(answers),
        "public/train.csv": _csv(train),
        "public/test.csv": _csv(test),
        "public/sample_submission.csv": _csv(test[["id"]].assign(scalar_coupling_constant=0)),
    }
    for name in m1_tables.CHAMPS_EXTRA:
        table = _read(raw / f"{name}.csv")
        out[f"public/{name}.csv"] = _csv(table[table["molecule_name"].isin(train_names)])
    return out


@reference("h-and-m-personalized-fashion-recommendations")
def _hm(raw: Path) -> dict[str, bytes]:
    frame = _read(raw / "transactions_train.csv")
    dates = pd.to_datetime(frame["t_dat"])
    recent = dates >= dates.max() - pd.Timedelta(days=7)
    test = frame[recent]
    answers = (
        test.groupby("customer_id")["article_id"]
        .agg(lambda x: " ".join(map(str, x)))
        .rename("prediction")
        .reset_index()
    )
    out = {
        "public/transactions_train.csv": _csv(frame[~recent]),
        "private/answers.csv": _csv(answers),
    }
    for name in ("sample_submission.csv", "articles.csv", "customers.csv"):
        out[f"public/{name}"] = (raw / name).read_bytes()
    return out


@reference("icecube-neutrinos-in-deep-ice")
def _icecube(raw: Path) -> dict[str, bytes]:
    meta = pd.read_parquet(raw / "train_meta.parquet")
    _, test_batches = train_test_split(meta["batch_id"].unique(), test_size=0.1, random_state=0)
    answers = meta[meta["batch_id"].isin(test_batches)][["event_id", "azimuth", "zenith"]]
    return {
        "private/test.csv": _csv(answers),
        "public/sample_submission.csv": _csv(answers.assign(azimuth=1, zenith=1)),
        "public/sensor_geometry.csv": (raw / "sensor_geometry.csv").read_bytes(),
    }


@reference("cdiscount-image-classification-challenge")
def _cdiscount(raw: Path) -> dict[str, bytes]:
    cid = "cdiscount-image-classification-challenge"
    docs = cdiscount_documents(np.random.default_rng(zlib.crc32(cid.encode())))  # as built
    frame = pd.DataFrame([{"_id": d[0][1], "category_id": d[1][1]} for d in docs])
    train, answers = train_test_split(frame, test_size=0.1, random_state=0)
    answers = answers.sort_values(by="_id")
    test_ids = set(answers["_id"])
    train_docs = [bson_document(d) for d in docs if d[0][1] not in test_ids]
    test_docs = [
        bson_document([f for f in d if f[0] != "category_id"]) for d in docs if d[0][1] in test_ids
    ]
    return {
        "private/answers.csv": _csv(answers),
        "public/sample_submission.csv": _csv(answers[["_id"]].assign(category_id=1000010653)),
        "public/train.bson": b"".join(train_docs),
        "public/test.bson": b"".join(test_docs),
        "public/train_example.bson": b"".join(train_docs[:100]),
        "public/category_names.csv": (raw / "category_names.csv").read_bytes(),
    }


@reference("freesound-audio-tagging-2019")
def _freesound(raw: Path) -> dict[str, bytes]:
    classes = get_competition("freesound-audio-tagging-2019").grading.target_columns
    with zipfile.ZipFile(raw / "FSDKaggle2019.meta.zip") as archive:
        meta = pd.read_csv(io.BytesIO(archive.read("FSDKaggle2019.meta/test_post_competition.csv")))
    meta = meta[meta["usage"] == "Private"]
    answers = pd.DataFrame({"fname": meta["fname"].tolist()})
    for c in classes:
        answers[c] = [int(c in labels.split(",")) for labels in meta["labels"]]
    out = {"private/test.csv": _csv(answers)}
    for name in ("sample_submission.csv", "train_curated.csv", "train_noisy.csv", "test.zip"):
        out[f"public/{name}"] = (raw / name).read_bytes()
    return out


@reference("alaska2-image-steganalysis")
def _alaska2(raw: Path) -> dict[str, bytes]:
    covers = sorted((raw / "Cover").glob("*.jpg"))
    _, test = train_test_split(
        covers, test_size=SMALL["alaska2-image-steganalysis"][0][2], random_state=42
    )
    random.seed(0)
    random.shuffle(test)
    labels, sources = [], []
    for cover in test:
        if random.choice([True, False]):
            labels.append(0)
            sources.append(cover)
        else:
            labels.append(1)
            sources.append(raw / random.choice(["JMiPOD", "JUNIWARD", "UERD"]) / cover.name)
    ids = [f"{k:04d}.jpg" for k in range(1, len(test) + 1)]
    out = {
        "private/test.csv": _csv(pd.DataFrame({"Id": ids, "Label": labels})),
        "public/sample_submission.csv": _csv(pd.DataFrame({"Id": ids, "Label": 0})),
    }
    out |= {f"public/Test/{i}": s.read_bytes() for i, s in zip(ids, sources, strict=True)}
    return out


@reference("cassava-leaf-disease-classification")
def _cassava(raw: Path) -> dict[str, bytes]:
    records = sorted((raw / "train_tfrecords").glob("*.tfrec"))
    _, test_records = train_test_split(records, test_size=0.1, random_state=0)
    frame = _read(raw / "train.csv")
    # the fixture writes 5 names per record, in train.csv order: ld_train<k> holds rows 5k..5k+4
    test_rows = [5 * int(p.name[8:10]) + j for p in test_records for j in range(5)]
    in_test = frame.index.isin(test_rows)
    return {
        "public/train.csv": _csv(frame[~in_test]),
        "private/test.csv": _csv(frame[in_test]),
        "public/sample_submission.csv": _csv(frame[in_test].assign(label=4)),
        "public/label_num_to_disease_map.json": (
            raw / "label_num_to_disease_map.json"
        ).read_bytes(),
    }


@reference("hotel-id-2021-fgvc8")
def _hotel(raw: Path) -> dict[str, bytes]:
    frame = _read(raw / "train.csv")
    frame = frame[frame["image"] != "ce27d36c9147cc19.jpg"]
    train, test = train_test_split(frame, test_size=0.1, random_state=0)
    sample = test[["image"]].assign(hotel_id="36363 53586 18807 64314 60181")
    return {
        "public/train.csv": _csv(train),
        "public/sample_submission.csv": _csv(sample),
        "private/test.csv": _csv(test),
    }


@reference("imet-2020-fgvc7")
def _imet(raw: Path) -> dict[str, bytes]:
    train, answers = train_test_split(_read(raw / "train.csv"), test_size=0.15, random_state=0)
    return {
        "private/answers.csv": _csv(answers),
        "public/train.csv": _csv(train),
        "public/sample_submission.csv": _csv(answers.assign(attribute_ids="0 1 2")),
        "public/labels.csv": (raw / "labels.csv").read_bytes(),
    }


@reference("hubmap-kidney-segmentation")
def _hubmap(raw: Path) -> dict[str, bytes]:
    frame = _read(raw / "train.csv")
    info = _read(raw / "HuBMAP-20-dataset_information.csv")
    train, test = train_test_split(frame, train_size=12, test_size=3, random_state=0)
    info = info[info["image_file"].str.removesuffix(".tiff").isin(frame["id"])]
    sizes = info.assign(id=info["image_file"].str.removesuffix(".tiff"))
    test = test.merge(sizes[["id", "width_pixels", "height_pixels"]], on="id")
    sample = _csv(pd.DataFrame({"id": test["id"], "predicted": ""}))
    return {
        "public/HuBMAP-20-dataset_information.csv": _csv(info),
        "public/train.csv": _csv(train),
        "private/test.csv": _csv(test),
        "public/sample_submission.csv": sample,
        "public/test/sample_submission.csv": sample,
        "private/gold_submission.csv": _csv(
            pd.DataFrame({"id": test["id"], "predicted": test["encoding"]})
        ),
    }


def _per_category(
    annotations: list[dict], images: list[dict], share: float, small_rule: bool
) -> tuple[list[tuple[dict, dict]], list[tuple[dict, dict]]]:
    """Per-category split in first-appearance order; test flattened and shuffled by Random(0)."""
    groups: dict[int, list[tuple[dict, dict]]] = {}
    for a, i in zip(annotations, images, strict=True):
        groups.setdefault(a["category_id"], []).append((a, i))
    train, test = [], []
    for items in groups.values():
        if small_rule and len(items) == 1:
            tr, te = items, []
        elif small_rule and len(items) < 5:
            k = max(1, int(len(items) * share))
            tr, te = items[:-k], items[-k:]
        else:
            tr, te = train_test_split(items, test_size=share, random_state=0)
        train.append(tr)
        test += te
    random.Random(0).shuffle(test)
    return [x for tr in train for x in tr], test


def _json(data: object) -> bytes:
    return json.dumps(data, indent=4, sort_keys=True).encode()


def _herbarium_reference(base: Path, prefix: str, encoding: str, extra: str) -> dict[str, bytes]:
    meta = json.loads((base / "train" / "metadata.json").read_text(encoding=encoding))
    train, test = _per_category(meta["annotations"], meta["images"], 0.2, True)
    train_meta = {**meta, "annotations": [a for a, _ in train], "images": [i for _, i in train]}
    test_images = [
        {**i, "id": str(k), "file_name": f"images/{k // 1000:03d}/{k}.jpg"}
        for k, (_, i) in enumerate(test)
    ]
    public_test = {k: v for k, v in meta.items() if k not in ("annotations", "categories", extra)}
    public_test["images"] = test_images
    ids = [str(k) for k in range(len(test))]
    return {
        f"public/{prefix}train/metadata.json": _json(train_meta),
        f"public/{prefix}test/metadata.json": _json(public_test),
        "private/answers.csv": _csv(
            pd.DataFrame({"Id": ids, "Predicted": [a["category_id"] for a, _ in test]})
        ),
        "public/sample_submission.csv": _csv(pd.DataFrame({"Id": ids, "Predicted": 0})),
    }


@reference("herbarium-2020-fgvc7")
def _herbarium_2020(raw: Path) -> dict[str, bytes]:
    return _herbarium_reference(raw / "nybg2020", "nybg2020/", "latin-1", "regions")


@reference("herbarium-2021-fgvc8")
def _herbarium_2021(raw: Path) -> dict[str, bytes]:
    return _herbarium_reference(raw, "", "utf-8", "institutions")


@reference("herbarium-2022-fgvc9")
def _herbarium_2022(raw: Path) -> dict[str, bytes]:
    meta = json.loads((raw / "train_metadata.json").read_text())
    train, test = _per_category(meta["annotations"], meta["images"], 0.2, False)
    annotations, images, counters = [], [], {}
    for a, i in train:
        c = a["category_id"]
        counters[c] = counters.get(c, 0) + 1
        new_id = f"{c:05d}__{counters[c]:03d}"
        annotations.append({**a, "image_id": new_id})
        name = f"{c // 100:03d}/{c % 100:02d}/{new_id}.jpg"
        images.append({**i, "image_id": new_id, "file_name": name})
    test_images = [
        {**i, "image_id": str(k), "file_name": f"{k // 1000:03d}/test-{k:06d}.jpg"}
        for k, (_, i) in enumerate(test)
    ]
    ids = [str(k) for k in range(len(test))]
    return {
        "public/train_metadata.json": _json({**meta, "annotations": annotations, "images": images}),
        "public/test_metadata.json": _json(test_images),
        "private/answers.csv": _csv(
            pd.DataFrame({"Id": ids, "Predicted": [a["category_id"] for a, _ in test]})
        ),
        "public/sample_submission.csv": _csv(pd.DataFrame({"Id": ids, "Predicted": 42})),
    }


@reference("inaturalist-2019-fgvc6")
def _inaturalist(raw: Path) -> dict[str, bytes]:
    meta = json.loads((raw / "train2019.json").read_text())
    train, test = _per_category(meta["annotations"], meta["images"], 0.12, True)
    train_meta = {**meta, "annotations": [a for a, _ in train], "images": [i for _, i in train]}
    test_images = [
        {**i, "file_name": "test2019/" + i["file_name"].rsplit("/", 1)[-1]} for _, i in test
    ]
    public_test = {"images": test_images, "info": meta["info"], "licenses": meta["licenses"]}
    ids = [i["id"] for _, i in test]
    return {
        "public/train2019.json": _json(train_meta),
        "public/test2019.json": _json(public_test),
        "public/val2019.json": (raw / "val2019.json").read_bytes(),
        "private/answers.csv": _csv(
            pd.DataFrame({"id": ids, "predicted": [a["category_id"] for a, _ in test]})
        ),
        "public/kaggle_sample_submission.csv": _csv(
            pd.DataFrame({"id": ids, "predicted": random.Random(42).randint(0, 1009)})
        ),
    }


def _actual(root: Path, rel: str) -> bytes:
    """A prepared file's bytes; ``x.zip/member`` reads a member of a zip we wrote."""
    if ".zip/" in rel:
        archive, member = rel.split(".zip/")
        with zipfile.ZipFile(root / f"{archive}.zip") as handle:
            assert handle.namelist() == [member]
            return handle.read(member)
    return (root / rel).read_bytes()


def test_every_competition_has_a_byte_reference() -> None:
    assert set(REFERENCES) == set(IDS)


@pytest.mark.parametrize("cid", IDS)
def test_outputs_are_byte_identical_to_mlebench_steps_recomputed_here(cid: str, prepared) -> None:  # noqa: ANN001
    raw, root = prepared(cid)  # prepares only add to raw/ (extractions): inputs are intact
    expected = REFERENCES[cid](raw)
    assert expected
    for rel, data in expected.items():
        assert _actual(root, rel) == data, rel


def test_media_are_hard_links_to_the_raw_files_not_copies(prepared) -> None:  # noqa: ANN001
    raw, root = prepared("imet-2020-fgvc7")
    answers = pd.read_csv(root / "private" / "answers.csv")
    for image_id in answers["id"]:
        assert (root / "public" / "test" / f"{image_id}.png").samefile(
            raw / "train" / f"{image_id}.png"
        )


def test_media_fall_back_to_copies_across_file_systems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mle_inspect.competitions.prepare import m1_files

    def no_links(*_args: object) -> None:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(m1_files.os, "link", no_links)
    source = tmp_path / "a.bin"
    source.write_bytes(b"pixels")
    m1_files.place_files([(source, tmp_path / "out" / "b.bin")])
    copy = tmp_path / "out" / "b.bin"
    assert copy.read_bytes() == b"pixels" and not copy.samefile(source)


def test_icecube_meta_tables_hold_mlebench_rows_and_columns(prepared) -> None:  # noqa: ANN001
    raw, root = prepared("icecube-neutrinos-in-deep-ice")
    meta = pd.read_parquet(raw / "train_meta.parquet")
    train_batches, test_batches = train_test_split(
        meta["batch_id"].unique(), test_size=0.1, random_state=0
    )
    train = meta[meta["batch_id"].isin(train_batches)].reset_index(drop=True)
    test = meta[meta["batch_id"].isin(test_batches)].reset_index(drop=True)
    pd.testing.assert_frame_equal(pd.read_parquet(root / "public" / "train_meta.parquet"), train)
    pd.testing.assert_frame_equal(
        pd.read_parquet(root / "public" / "test_meta.parquet"),
        test.drop(columns=["azimuth", "zenith"]),
    )
    for part, batches in (("train", train_batches), ("test", test_batches)):
        names = {p.name for p in (root / "public" / part).iterdir()}
        assert names == {f"batch_{b}.parquet" for b in batches}


def test_inaturalist_tars_hold_the_images_without_their_folder_prefix(prepared) -> None:  # noqa: ANN001
    raw, root = prepared("inaturalist-2019-fgvc6")
    with tarfile.open(raw / "train_val2019.tar.gz") as source:
        originals = {m.name: source.extractfile(m).read() for m in source.getmembers()}
    test_meta = json.loads((root / "public" / "test2019.json").read_text())
    train_meta = json.loads((root / "public" / "train2019.json").read_text())
    expected = {
        "test2019.tar.gz": {
            i["file_name"].removeprefix("test2019/"): i["file_name"] for i in test_meta["images"]
        },
        "train_val2019.tar.gz": {
            i["file_name"].removeprefix("train_val2019/"): i["file_name"]
            for i in train_meta["images"]
        },
    }
    by_base = {name.rsplit("/", 1)[-1]: data for name, data in originals.items()}
    for archive, members in expected.items():
        with tarfile.open(root / "public" / archive, "r:") as handle:  # not gzip-compressed
            got = {m.name: handle.extractfile(m).read() for m in handle.getmembers()}
        assert set(got) == set(members)
        for name, data in got.items():
            assert data == by_base[name.rsplit("/", 1)[-1]]


def test_freesound_downloads_the_zenodo_labels_when_raw_lacks_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mle_inspect.competitions.prepare import m1_audio

    raw = build("freesound-audio-tagging-2019", tmp_path / "raw")
    served = tmp_path / "zenodo.zip"
    (raw / "FSDKaggle2019.meta.zip").rename(served)
    calls: list[str] = []

    def fake_download(url: str, target: Path) -> None:
        calls.append(url)
        target.write_bytes(served.read_bytes())

    monkeypatch.setattr(m1_audio, "_download", fake_download)
    public, private = tmp_path / "public", tmp_path / "private"
    public.mkdir()
    private.mkdir()
    m1_audio.freesound_audio_tagging_2019(raw, public, private)
    assert calls == [m1_audio.FREESOUND_META_URL]
    assert (private / "test.csv").is_file()
    assert not any("FSDKaggle2019" in p.name for p in public.iterdir())
    assert not (public / ".mle-inspect-raw.json").exists()


def test_billion_word_stops_at_mlebench_line_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(m1_text, "BILLION_WORD_LINES", 300)
    raw = build("billion-word-imputation", tmp_path / "raw")
    public, private = tmp_path / "public", tmp_path / "private"
    public.mkdir()
    private.mkdir()
    m1_text.billion_word_imputation(raw, public, private)
    with zipfile.ZipFile(public / "train_v2.txt.zip") as handle:
        train_lines = handle.read("train_v2.txt").decode().count("\n")
    test_rows = len(pd.read_csv(private / "test.csv"))
    assert test_rows > 0
    assert train_lines + test_rows == 300


@pytest.mark.parametrize("cid", ["freesound-audio-tagging-2019", "hubmap-kidney-segmentation"])
def test_full_pipeline_prepares_from_a_kaggle_zip(cid: str, tmp_path: Path) -> None:
    """Download (fake), extraction, prepare, output checks and marker, as `mle-inspect prepare`."""
    from mle_inspect.data import competition_paths, prepare_competition
    from mle_inspect.data._layout import MARKER_NAME

    from ._synthetic import zip_tree
    from .conftest import FakeKaggle

    class Client(FakeKaggle):
        def archive(self, competition_id: str) -> Path:
            source = build(competition_id, self.workdir / "sources" / competition_id)
            (source / ".mle-inspect-raw.json").unlink(missing_ok=True)  # not in a Kaggle zip
            target = self.workdir / f"{competition_id}.zip"
            return zip_tree(source, target)

    paths = competition_paths(cid, tmp_path / "data")
    client = Client(tmp_path / "kaggle")
    prepare_competition(get_competition(cid), paths, client=client, skip_verify=True)
    assert (paths.prepared / MARKER_NAME).is_file()
    public, private = EXPECTED[cid]
    assert {p.name for p in (paths.prepared / "private").iterdir()} == private
    assert {p.name for p in (paths.prepared / "public").iterdir()} == public | {"description.md"}


def test_streaming_and_media_steps_report_progress(tmp_path: Path) -> None:
    from mle_inspect.data import competition_paths
    from mle_inspect.data._context import Preparation, preparing

    reports: list[tuple[str, int, int | None, str]] = []
    for cid in ("cdiscount-image-classification-challenge", "imet-2020-fgvc7"):
        raw = build(cid, tmp_path / cid / "raw")
        public, private = tmp_path / cid / "public", tmp_path / cid / "private"
        public.mkdir()
        private.mkdir()
        sink = Preparation(competition_paths(cid, tmp_path), lambda *r: reports.append(r))
        with preparing(sink):
            load_hook(get_competition(cid).prepare)(raw, public, private)
    bson_size = (tmp_path / "cdiscount-image-classification-challenge/raw/train.bson").stat()
    assert ("write bson", bson_size.st_size, bson_size.st_size, "bytes") in reports
    images = len(pd.read_csv(tmp_path / "imet-2020-fgvc7/raw/train.csv"))
    finals = [r for r in reports if r[0] == "link media" and r[1] == r[2]]
    assert sum(r[1] for r in finals) == images  # train + test images, each reported
