"""Synthetic Kaggle downloads: files and columns as in each competition's archive, tiny sizes.

``build(cid, root)`` writes what the competition's Kaggle zip holds into ``root``;
:class:`FakeKaggle` zips it on "download". Values are random (seeded), media files are a few
bytes (only denoising's PNGs are real images, since its answers are their pixels).
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from mle_inspect.competitions.prepare._classes import (
    DOG_BREEDS,
    JIGSAW_CLASSES,
    LEAF_SPECIES,
    PLANT_PATHOLOGY_CLASSES,
    RANZCR_RAW_LABELS,
)

BUILDERS: dict[str, Callable[[Path, np.random.Generator], None]] = {}


def builder(cid: str):  # noqa: ANN201
    def register(fn: Callable[[Path, np.random.Generator], None]):  # noqa: ANN202
        BUILDERS[cid] = fn
        return fn

    return register


def build(cid: str, root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    BUILDERS[cid](root, np.random.default_rng(zlib.crc32(cid.encode())))
    return root


def zip_tree(root: Path, archive: Path) -> Path:
    """The Kaggle download: every file under ``root`` at its relative path."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                handle.write(path, path.relative_to(root).as_posix())
    return archive


# ------------------------------------------------------------------------------------ helpers


def _csv(path: Path, frame: pd.DataFrame, **kwargs) -> None:  # noqa: ANN003
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, **kwargs)


def _blob(path: Path, text: str = "x") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(f"fake media {text}".encode())


def _zip(archive: Path, members: dict[str, bytes]) -> None:
    archive.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive, "w") as handle:
        for name, data in members.items():
            handle.writestr(name, data)


def _csv_bytes(frame: pd.DataFrame, **kwargs) -> bytes:  # noqa: ANN003
    return frame.to_csv(index=False, **kwargs).encode()


def _hex(rng: np.random.Generator, n: int, width: int = 12) -> list[str]:
    values = rng.choice(16**6, size=n * 3, replace=False)[:n]
    return [f"{int(v):0{width}x}" for v in values]


def _binary(rng: np.random.Generator, n: int) -> np.ndarray:
    """0/1 labels with both classes present in any 10% slice, near enough."""
    return (rng.random(n) < 0.5).astype(int)


# --------------------------------------------------------------------------------- tabular


@builder("spaceship-titanic")
def _spaceship(root: Path, rng: np.random.Generator) -> None:
    n = 80
    frame = pd.DataFrame(
        {
            "PassengerId": [f"{i // 2 + 1:04d}_{i % 2 + 1:02d}" for i in range(n)],
            "HomePlanet": rng.choice(["Earth", "Europa", "Mars"], n),
            "CryoSleep": rng.choice([True, False], n),
            "Cabin": [f"B/{i}/P" for i in range(n)],
            "Destination": rng.choice(["TRAPPIST-1e", "55 Cancri e"], n),
            "Age": rng.integers(1, 80, n).astype(float),
            "VIP": rng.choice([True, False], n),
            "RoomService": rng.random(n).round(3) * 100,
            "FoodCourt": rng.random(n) * 1000,
            "ShoppingMall": 0.0,
            "Spa": rng.random(n),
            "VRDeck": 1.5,
            "Name": [f"Person {i}" for i in range(n)],
            "Transported": rng.choice([True, False], n),
        }
    )
    frame.loc[3, "Age"] = np.nan
    _csv(root / "train.csv", frame)
    _csv(root / "test.csv", frame.drop(columns=["Transported"]).head(5))
    _csv(root / "sample_submission.csv", frame[["PassengerId", "Transported"]].head(5))


S3E18_FEATURES = (
    "BertzCT Chi1 Chi1n Chi1v Chi2n Chi2v Chi3v Chi4n EState_VSA1 EState_VSA2 ExactMolWt "
    "FpDensityMorgan1 FpDensityMorgan2 FpDensityMorgan3 HallKierAlpha HeavyAtomMolWt Kappa3 "
    "MaxAbsEStateIndex MinEStateIndex NumHeteroatoms PEOE_VSA10 PEOE_VSA14 PEOE_VSA6 PEOE_VSA7 "
    "PEOE_VSA8 SMR_VSA10 SMR_VSA5 SlogP_VSA3 VSA_EState9 fr_COO fr_COO2"
).split()


@builder("playground-series-s3e18")
def _s3e18(root: Path, rng: np.random.Generator) -> None:
    n = 100
    frame = pd.DataFrame({"id": np.arange(n)})
    for name in S3E18_FEATURES:
        frame[name] = rng.normal(size=n) * 10
    for k in range(1, 7):
        frame[f"EC{k}"] = _binary(rng, n)
    _csv(root / "train.csv", frame)
    _csv(root / "test.csv", frame[["id", *S3E18_FEATURES]].head(3))


TPS_DEC_FEATURES = [
    "Elevation",
    "Aspect",
    "Slope",
    "Horizontal_Distance_To_Hydrology",
    "Vertical_Distance_To_Hydrology",
    "Horizontal_Distance_To_Roadways",
    "Hillshade_9am",
    "Hillshade_Noon",
    "Hillshade_3pm",
    "Horizontal_Distance_To_Fire_Points",
    *[f"Wilderness_Area{i}" for i in range(1, 5)],
    *[f"Soil_Type{i}" for i in range(1, 41)],
]


@builder("tabular-playground-series-dec-2021")
def _tps_dec(root: Path, rng: np.random.Generator) -> None:
    n = 100
    frame = pd.DataFrame({"Id": np.arange(n)})
    for name in TPS_DEC_FEATURES:
        frame[name] = rng.integers(0, 300, n)
    frame["Cover_Type"] = rng.choice([1, 2, 2, 3, 7], n)
    _csv(root / "train.csv", frame)


@builder("tabular-playground-series-may-2022")
def _tps_may(root: Path, rng: np.random.Generator) -> None:
    n = 100_040  # the split holds out exactly 100,000 rows
    columns: dict[str, object] = {"id": np.arange(n)}
    for i in range(31):  # f_27 is a string feature; small values keep the CSV small
        columns[f"f_{i:02d}"] = (
            "ABCDEFGHIJ" if i == 27 else (rng.integers(0, 9, n) if i % 3 else 0.25)
        )
    frame = pd.DataFrame({**columns, "target": _binary(rng, n)})
    _csv(root / "train.csv", frame)


@builder("new-york-city-taxi-fare-prediction")
def _nyc(root: Path, rng: np.random.Generator) -> None:
    n = 9914 + 40  # the split holds out exactly 9,914 rows
    stamps = pd.Timestamp("2012-01-01") + pd.to_timedelta(np.arange(n) * 61, unit="s")
    frame = pd.DataFrame(
        {
            "key": [f"{s} UTC.{i:07d}" for i, s in enumerate(stamps.strftime("%Y-%m-%d %H:%M:%S"))],
            "fare_amount": rng.integers(25, 400, n) / 10,
            "pickup_datetime": stamps.strftime("%Y-%m-%d %H:%M:%S UTC"),
            "pickup_longitude": -73.9,
            "pickup_latitude": 40.7,
            "dropoff_longitude": -73.95,
            "dropoff_latitude": 40.75,
            "passenger_count": rng.integers(1, 5, n),
        }
    )
    _csv(root / "train.csv", frame)
    _csv(root / "test.csv", frame.drop(columns=["fare_amount"]).head(3))
    (root / "GCP-Coupons-Instructions.rtf").write_text("{\\rtf1 coupons}")


@builder("spooky-author-identification")
def _spooky(root: Path, rng: np.random.Generator) -> None:
    n = 60
    frame = pd.DataFrame(
        {
            "id": [f"id{10000 + i}" for i in range(n)],
            "text": [f"It was a dark night, number {i}." for i in range(n)],
            "author": rng.choice(["EAP", "HPL", "MWS"], n),
        }
    )
    _zip(root / "train.zip", {"train.csv": _csv_bytes(frame)})
    _zip(root / "test.zip", {"test.csv": _csv_bytes(frame.drop(columns=["author"]).head(3))})


@builder("detecting-insults-in-social-commentary")
def _insults(root: Path, rng: np.random.Generator) -> None:
    def comments(n: int, start: int) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "Insult": _binary(rng, n),
                "Date": [f"2012{i:04d}120000Z" if i % 3 else "" for i in range(n)],
                "Comment": [f'"you said \\"thing {start + i}\\""' for i in range(n)],
            }
        )

    _csv(root / "train.csv", comments(50, 0))
    test = comments(40, 1000)
    test["Usage"] = rng.choice(["PublicTest", "PrivateTest"], len(test))
    _csv(root / "test_with_solutions.csv", test)
    _csv(root / "test.csv", test.drop(columns=["Insult", "Usage"]))


@builder("jigsaw-toxic-comment-classification-challenge")
def _jigsaw(root: Path, rng: np.random.Generator) -> None:
    def table(ids: list[str], labels: bool) -> pd.DataFrame:
        frame = pd.DataFrame({"id": ids, "comment_text": [f"comment {i}\nline" for i in ids]})
        if labels:
            for c in JIGSAW_CLASSES:
                frame[c] = _binary(rng, len(ids))
        return frame

    train = table([f"{i:016x}" for i in range(40)], True)
    test_ids = [f"{i:016x}" for i in range(1000, 1040)]
    test = table(test_ids, False)
    labels = pd.DataFrame({"id": test_ids})
    for c in JIGSAW_CLASSES:
        labels[c] = _binary(rng, len(test_ids))
    labels.loc[:4, list(JIGSAW_CLASSES)] = -1  # rows Kaggle did not score
    sample = pd.DataFrame({"id": test_ids[::-1], **dict.fromkeys(JIGSAW_CLASSES, 0.5)})
    for name, frame in (
        ("train.csv", train),
        ("test.csv", test),
        ("test_labels.csv", labels),
        ("sample_submission.csv", sample),
    ):
        _zip(root / f"{name}.zip", {name: _csv_bytes(frame)})


@builder("movie-review-sentiment-analysis-kernels-only")
def _movies(root: Path, rng: np.random.Generator) -> None:
    n = 60
    frame = pd.DataFrame(
        {
            "PhraseId": np.arange(1, n + 1),
            "SentenceId": np.arange(n) // 5 + 1,
            "Phrase": [f"a phrase {i}" for i in range(n)],
            "Sentiment": rng.integers(0, 5, n),
        }
    )
    _zip(root / "train.tsv.zip", {"train.tsv": _csv_bytes(frame, sep="\t")})
    _csv(root / "sampleSubmission.csv", pd.DataFrame({"PhraseId": [1], "Sentiment": [2]}))


def _text_normalization(prefix: str, root: Path, rng: np.random.Generator) -> None:
    rows = []
    for sentence in range(30):
        for token in range(int(rng.integers(2, 6))):
            word = f"w{sentence}{token}" if token % 3 else "1990"
            after = word if token % 3 else "nineteen ninety"
            rows.append((sentence * 7 + 3, token, "PLAIN" if token % 3 else "DATE", word, after))
    frame = pd.DataFrame(rows, columns=["sentence_id", "token_id", "class", "before", "after"])
    _zip(root / f"{prefix}_train.csv.zip", {f"{prefix}_train.csv": _csv_bytes(frame)})
    test = frame[["sentence_id", "token_id", "before"]].head(4)
    _zip(root / f"{prefix}_test_2.csv.zip", {f"{prefix}_test_2.csv": _csv_bytes(test)})


builder("text-normalization-challenge-english-language")(
    lambda root, rng: _text_normalization("en", root, rng)
)
builder("text-normalization-challenge-russian-language")(
    lambda root, rng: _text_normalization("ru", root, rng)
)


@builder("random-acts-of-pizza")
def _pizza(root: Path, rng: np.random.Generator) -> None:
    def record(i: int, full: bool) -> dict:
        base = {
            "giver_username_if_known": "N/A",
            "request_id": f"t3_{i:05x}",
            "request_text_edit_aware": f"Hungry \u00e9 {i}",
            "request_title": f"[Request] pizza {i}",
            "requester_username": f"user{i}",
            "unix_timestamp_of_request": 1300000000.0 + i,
        }
        if full:
            base |= {
                "number_of_upvotes_of_request_at_retrieval": int(rng.integers(0, 9)),
                "request_text": f"Hungry \u00e9 {i}",
                "requester_received_pizza": bool(rng.random() < 0.4) or i % 5 == 0,
            }
        return base

    (root / "train.json").write_text(json.dumps([record(i, True) for i in range(70)], indent=4))
    (root / "test.json").write_text(json.dumps([record(i, False) for i in range(100, 130)]))


@builder("nomad2018-predict-transparent-conductors")
def _nomad(root: Path, rng: np.random.Generator) -> None:
    n = 40
    frame = pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "spacegroup": rng.choice([12, 33, 167, 206], n),
            "number_of_total_atoms": rng.choice([10.0, 20.0, 40.0, 80.0], n),
            "percent_atom_al": rng.random(n).round(4),
            "percent_atom_ga": rng.random(n).round(4),
            "percent_atom_in": rng.random(n).round(4),
            "lattice_vector_1_ang": rng.random(n) * 10,
            "lattice_vector_2_ang": rng.random(n) * 10,
            "lattice_vector_3_ang": rng.random(n) * 10,
            "lattice_angle_alpha_degree": 90.0,
            "lattice_angle_beta_degree": 90.0,
            "lattice_angle_gamma_degree": 120.0,
            "formation_energy_ev_natom": rng.random(n) * 0.3,
            "bandgap_energy_ev": rng.random(n) * 4,
        }
    )
    _zip(root / "train.csv.zip", {"train.csv": _csv_bytes(frame)})
    _zip(
        root / "train.zip",
        {f"train/{i}/geometry.xyz": f"lattice_vector {i} 0 0\n".encode() for i in frame["id"]},
    )
    _zip(root / "test.zip", {"test/1/geometry.xyz": b"lattice_vector 0 0 0\n"})
    _csv(root / "sample_submission.csv", frame[["id"]].head(2))


# ---------------------------------------------------------------------------------- images


@builder("aerial-cactus-identification")
def _cactus(root: Path, rng: np.random.Generator) -> None:
    ids = [f"{h}.jpg" for h in _hex(rng, 60, 32)]
    _csv(root / "train.csv", pd.DataFrame({"id": ids, "has_cactus": _binary(rng, 60)}))
    _zip(root / "train.zip", {f"train/{i}": f"img {i}".encode() for i in ids})
    _zip(root / "test.zip", {"test/abc.jpg": b"img"})
    _csv(root / "sample_submission.csv", pd.DataFrame({"id": ["abc.jpg"], "has_cactus": [0.5]}))


@builder("aptos2019-blindness-detection")
def _aptos(root: Path, rng: np.random.Generator) -> None:
    ids = _hex(rng, 60)
    _csv(root / "train.csv", pd.DataFrame({"id_code": ids, "diagnosis": rng.integers(0, 5, 60)}))
    for i in ids:
        _blob(root / "train_images" / f"{i}.png", i)
    _csv(root / "test.csv", pd.DataFrame({"id_code": ["ffff"]}))


@builder("dog-breed-identification")
def _dogs(root: Path, rng: np.random.Generator) -> None:
    ids = _hex(rng, 60, 32)
    _csv(root / "labels.csv", pd.DataFrame({"id": ids, "breed": rng.choice(DOG_BREEDS[:12], 60)}))
    for i in ids:
        _blob(root / "train" / f"{i}.jpg", i)
    _blob(root / "test" / "0000.jpg")


@builder("leaf-classification")
def _leaf(root: Path, rng: np.random.Generator) -> None:
    n = 50
    features = {
        f"{kind}{k}": rng.random(n).round(6)
        for kind in ("margin", "shape", "texture")
        for k in range(1, 65)
    }
    frame = pd.DataFrame(
        {"id": np.arange(1, 2 * n, 2), "species": rng.choice(LEAF_SPECIES, n), **features}
    )
    _zip(root / "train.csv.zip", {"train.csv": _csv_bytes(frame)})
    _zip(root / "images.zip", {f"images/{i}.jpg": b"leaf" for i in range(1, 2 * n + 1)})


@builder("ranzcr-clip-catheter-line-classification")
def _ranzcr(root: Path, rng: np.random.Generator) -> None:
    n = 200  # enough test rows that every scored column holds both labels
    uids = [f"1.2.826.0.1.3680043.8.498.{10**9 + i}" for i in range(n)]
    frame = pd.DataFrame({"StudyInstanceUID": uids})
    for c in RANZCR_RAW_LABELS:
        frame[c] = _binary(rng, n)
    frame["PatientID"] = [f"p{i % 20:03d}" for i in range(n)]
    _csv(root / "train.csv", frame)
    notes = pd.DataFrame(
        {
            "StudyInstanceUID": uids[::2],
            "label": "CVC - Normal",
            "data": "[[1588, 1438], [1591, 1295]]",
        }
    )
    _csv(root / "train_annotations.csv", notes)
    for u in uids:
        _blob(root / "train" / f"{u}.jpg", u)


@builder("paddy-disease-classification")
def _paddy(root: Path, rng: np.random.Generator) -> None:
    n = 60
    labels = rng.choice(["blast", "normal", "tungro", "hispa"], n)
    frame = pd.DataFrame(
        {
            "image_id": [f"{100000 + i}.jpg" for i in range(n)],
            "label": labels,
            "variety": "ADT45",
            "age": rng.integers(45, 80, n),
        }
    )
    _csv(root / "train.csv", frame)
    _csv(root / "sample_submission.csv", pd.DataFrame({"image_id": ["200001.jpg"], "label": [""]}))
    for image, label in zip(frame["image_id"], labels, strict=True):
        _blob(root / "train_images" / label / image, image)


@builder("histopathologic-cancer-detection")
def _histo(root: Path, rng: np.random.Generator) -> None:
    ids = [f"{h}{'0' * 20}" for h in _hex(rng, 60, 20)]
    _csv(root / "train_labels.csv", pd.DataFrame({"id": ids, "label": _binary(rng, 60)}))
    for i in ids:
        _blob(root / "train" / f"{i}.tif", i)
    for k in range(15):
        _blob(root / "test" / f"test{k:04d}.tif")


@builder("plant-pathology-2020-fgvc7")
def _plants(root: Path, rng: np.random.Generator) -> None:
    n = 200  # enough test rows that every class column holds both labels
    classes = rng.integers(0, 4, n)
    frame = pd.DataFrame({"image_id": [f"Train_{i}" for i in range(n)]})
    for k, c in enumerate(PLANT_PATHOLOGY_CLASSES):
        frame[c] = (classes == k).astype(int)
    _csv(root / "train.csv", frame)
    for i in range(n):
        _blob(root / "images" / f"Train_{i}.jpg", str(i))
    _blob(root / "images" / "Test_0.jpg")


@builder("dogs-vs-cats-redux-kernels-edition")
def _cats(root: Path, rng: np.random.Generator) -> None:
    members = {
        f"train/{kind}.{i}.jpg": f"{kind}{i}".encode() for kind in ("cat", "dog") for i in range(25)
    }
    _zip(root / "train.zip", members)
    _zip(root / "test.zip", {f"test/{i}.jpg": b"x" for i in range(1, 4)})


SEEDLINGS = ["Black-grass", "Charlock", "Cleavers", "Common Chickweed", "Maize", "Sugar beet"]


@builder("plant-seedlings-classification")
def _seedlings(root: Path, rng: np.random.Generator) -> None:
    for species in SEEDLINGS:
        for k in range(int(rng.integers(6, 12))):
            _blob(root / "train" / species / f"{species[:3]}{k:03d}.png", f"{species}{k}")
    (root / "train" / "notes.txt").write_text("not a folder")  # skipped: not a directory
    _blob(root / "test" / "t.png")


def _tfrecord(records: list[bytes]) -> bytes:
    """TFRecord framing around serialized Examples (CRC fields left zero)."""
    out = io.BytesIO()
    for data in records:
        out.write(struct.pack("<Q", len(data)) + b"\0" * 4 + data + b"\0" * 4)
    return out.getvalue()


def _example(image_name: str) -> bytes:
    """A tf.train.Example with a bytes feature ``image_name`` and an int feature ``target``."""

    def ld(number: int, payload: bytes) -> bytes:
        return bytes([number << 3 | 2, len(payload)]) + payload

    name_feature = ld(1, ld(1, image_name.encode()))  # Feature{bytes_list{value}}
    int_feature = ld(3, bytes([1 << 3 | 0, 1]))  # Feature{int64_list{value: 1}} (packed-free)
    entries = ld(1, ld(1, b"image_name") + ld(2, name_feature)) + ld(
        1, ld(1, b"target") + ld(2, int_feature)
    )
    return ld(1, entries)


@builder("siim-isic-melanoma-classification")
def _siim(root: Path, rng: np.random.Generator) -> None:
    names = [f"ISIC_{i:07d}" for i in range(48)]
    frame = pd.DataFrame(
        {
            "image_name": names,
            "patient_id": [f"IP_{i % 9:07d}" for i in range(48)],
            "sex": rng.choice(["male", "female"], 48),
            "age_approx": rng.choice([35.0, 50.0, 70.0], 48),
            "anatom_site_general_challenge": rng.choice(["torso", "head/neck"], 48),
            "diagnosis": "unknown",
            "benign_malignant": "benign",
            "target": _binary(rng, 48),
        }
    )
    frame.loc[frame["target"] == 1, "benign_malignant"] = "malignant"
    _csv(root / "train.csv", frame)
    for k in range(8):  # 6 images per file; train00 and train06 become the test set
        chunk = names[k * 6 : (k + 1) * 6]
        path = root / "tfrecords" / f"train{k:02d}-{len(chunk)}.tfrec"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_tfrecord([_example(n) for n in chunk]))
    (root / "tfrecords" / "test00-3.tfrec").write_bytes(_tfrecord([_example("ISIC_9")]))
    for n in names:
        _blob(root / "train" / f"{n}.dcm", n)
        _blob(root / "jpeg" / "train" / f"{n}.jpg", n)


@builder("invasive-species-monitoring")
def _invasive(root: Path, rng: np.random.Generator) -> None:
    import py7zr

    n = 50
    labels = pd.DataFrame({"name": np.arange(1, n + 1), "invasive": _binary(rng, n)})
    _zip(root / "train_labels.csv.zip", {"train_labels.csv": _csv_bytes(labels)})
    with py7zr.SevenZipFile(root / "train.7z", "w") as handle:
        for i in labels["name"]:
            handle.writestr(f"image {i}".encode(), f"train/{i}.jpg")


@builder("denoising-dirty-documents")
def _denoising(root: Path, rng: np.random.Generator) -> None:
    from PIL import Image

    noisy, clean = {}, {}
    for k in range(1, 11):
        height = 3 + k % 3
        for store, scale in ((noisy, 200), (clean, 255)):
            pixels = (rng.random((height, 4)) * scale).astype(np.uint8)
            buffer = io.BytesIO()
            Image.fromarray(pixels, mode="L").save(buffer, format="PNG")
            store[f"{k}.png"] = buffer.getvalue()
    _zip(root / "train.zip", {f"train/{n}": b for n, b in noisy.items()})
    _zip(root / "train_cleaned.zip", {f"train_cleaned/{n}": b for n, b in clean.items()})
    _zip(root / "test.zip", {"test/1.png": noisy["1.png"]})
    _csv(root / "sampleSubmission.csv", pd.DataFrame({"id": ["1_1_1"], "value": [1]}))


# ------------------------------------------------------------------------------ audio, arrays


@builder("the-icml-2013-whale-challenge-right-whale-redux")
def _whale(root: Path, rng: np.random.Generator) -> None:
    members = {}
    index = 0
    for day in ("20090328", "20090329", "20090330", "20090331"):
        for k in range(8):
            label = int(k % 3 == 0)
            name = f"{day}_{k:02d}0000_{k:03d}s{k}ms_TRAIN{index}_{label}.aif"
            members[f"train2/{name}"] = f"aif {index}".encode()
            index += 1
    _zip(root / "train2.zip", members)
    _zip(root / "test2.zip", {"test2/20090401_000000_000s0ms_Test0.aif": b"aif"})


@builder("ml2021spring-hw2")
def _timit(root: Path, rng: np.random.Generator) -> None:
    base = root / "timit_11" / "timit_11"
    base.mkdir(parents=True)
    np.save(base / "train_11.npy", rng.random((90, 39)).astype(np.float32))
    np.save(base / "train_label_11.npy", rng.integers(0, 39, 90).astype(str))
    np.save(base / "test_11.npy", rng.random((33, 39)).astype(np.float32))


@builder("mlsp-2013-birds")
def _birds(root: Path, rng: np.random.Generator) -> None:
    top = "mlsp_contest_dataset"
    recs = list(range(40))
    fold = [0 if r % 4 else 1 for r in recs]  # a quarter are Kaggle's (unlabelled) test
    files = {r: f"PC{r % 3 + 1}_2009060{r % 9}_{r:06d}" for r in recs}
    members: dict[str, bytes] = {}
    ess, sup = f"{top}/essential_data", f"{top}/supplemental_data"
    members[f"{ess}/CVfolds_2.txt"] = _csv_bytes(pd.DataFrame({"rec_id": recs, "fold": fold}))
    members[f"{ess}/rec_id2filename.txt"] = _csv_bytes(
        pd.DataFrame({"rec_id": recs, "filename": [files[r] for r in recs]})
    )
    lines = ["rec_id,[labels]"]
    for r in recs:
        if fold[r]:
            lines.append(f"{r},?")
        else:
            species = sorted({int(s) for s in rng.integers(0, 19, int(rng.integers(0, 3)))})
            lines.append(",".join(map(str, [r, *species])))
    members[f"{ess}/rec_labels_test_hidden.txt"] = ("\n".join(lines) + "\n").encode()
    members[f"{ess}/species_list.txt"] = b"class_id,code,species\n0,BRCR,Brown Creeper\n"
    for r in recs:
        members[f"{ess}/src_wavs/{files[r]}.wav"] = b"RIFF"
        for folder in ("filtered_spectrograms", "spectrograms", "supervised_segmentation"):
            members[f"{sup}/{folder}/{files[r]}.bmp"] = b"BM"
        if r % 5 == 0:
            members[f"{sup}/segmentation_examples/{files[r]}.bmp"] = b"BM"
    members[f"{sup}/segment_clusters.bmp"] = b"BM"
    members[f"{sup}/segment_mosaic.bmp"] = b"BM"
    for name, header in (
        ("histogram_of_segments.txt", "rec_id,[histogram of segment features]"),
        ("segment_features.txt", "rec_id,segment_id,[feature vector]"),
        ("segment_rectangles.txt", "rec_id,segment_id,min_x,max_x,min_y,max_y,"),
    ):
        body = [header] + [f"{r},0.1,0.2" for r in recs]
        members[f"{sup}/{name}"] = ("\n".join(body) + "\n").encode()
    _zip(root / "mlsp_contest_dataset.zip", members)
