"""Synthetic raw Kaggle downloads of 19 medium competitions (helper m1): real file names,
layouts and column types, a few hundred rows, media files of a few bytes.

``BUILDERS[cid](root)`` writes the extracted download into ``root``; values are seeded.
"""

from __future__ import annotations

import io
import json
import struct
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from ._synthetic import BUILDERS, _example, _tfrecord, build, builder

# registered with the shared table, so the fake Kaggle client serves these downloads too
__all__ = ["BUILDERS", "build", "builder"]


def _csv(path: Path, frame: pd.DataFrame) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)


def _blob(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(f"media {text}".encode())


def _put(handle: zipfile.ZipFile, name: str, data: bytes | str) -> None:
    """A zip member with a fixed timestamp: two builds give identical archives."""
    handle.writestr(zipfile.ZipInfo(name, (2019, 1, 1, 0, 0, 0)), data)


def _hexes(rng: np.random.Generator, n: int, width: int = 16) -> list[str]:
    values = rng.choice(16**8, size=n, replace=False)
    return [f"{v:0{width}x}" for v in values]


WORDS = 'the a of cat dog runs quickly under blue sky river stone "quoted" , . it\'s x'.split()


def _sentence(rng: np.random.Generator, n_words: int) -> str:
    return " ".join(rng.choice(WORDS, n_words))


# ------------------------------------------------------------------------------ text & tables


@builder("chaii-hindi-and-tamil-question-answering")
def _chaii(root: Path, rng: np.random.Generator) -> None:
    n = 120
    answers = rng.choice(["१९४७", "சென்னை", "गंगा नदी", "1,200"], n)
    _csv(
        root / "train.csv",
        pd.DataFrame(
            {
                "id": _hexes(rng, n, 9),
                "context": [f'संदर्भ {i}, "quoted"\nline two {a}' for i, a in enumerate(answers)],
                "question": [f"प्रश्न {i}?" for i in range(n)],
                "answer_text": answers,
                "answer_start": rng.integers(0, 500, n),
                "language": rng.choice(["hindi", "tamil"], n),
            }
        ),
    )


@builder("facebook-recruiting-iii-keyword-extraction")
def _facebook(root: Path, rng: np.random.Generator) -> None:
    n = 200
    frame = pd.DataFrame(
        {
            "Id": [str(i) for i in range(1, n + 1)],
            "Title": [_sentence(rng, 4) for _ in range(n)],
            "Body": [f'<p>{_sentence(rng, 6)}</p>\n<pre>x = "1"\n</pre>' for _ in range(n)],
            "Tags": [
                " ".join(rng.choice(["c#", "java", "php", "python", "null"], 2)) for _ in range(n)
            ],
        }
    )
    frame.loc[3, "Title"] = "NA"  # pandas reads it as missing: written back empty
    frame.loc[5, "Body"] = ""
    frame.loc[6, "Title"] = "1e5"  # numeric-looking text stays text
    frame.loc[8, "Body"] = '<p>windows\r\nline, "end"</p>'
    buffer = frame.to_csv(index=False).encode()
    with zipfile.ZipFile(root / "Train.zip", "w") as handle:
        _put(handle, "Train.csv", buffer)


GOOGLE_QUEST_TEXT = (
    "qa_id question_title question_body question_user_name question_user_page answer "
    "answer_user_name answer_user_page url category host"
).split()


@builder("google-quest-challenge")
def _google_quest(root: Path, rng: np.random.Generator) -> None:
    from mle_inspect.competitions import get_competition

    targets = get_competition("google-quest-challenge").grading.target_columns
    n = 150
    frame = pd.DataFrame({c: [f'{c} {i}, "x"' for i in range(n)] for c in GOOGLE_QUEST_TEXT})
    frame["qa_id"] = rng.choice(10_000, n, replace=False)
    frame["category"] = rng.choice(["TECHNOLOGY", "CULTURE"], n)
    levels = np.array([0.0, 1 / 3, 0.5, 2 / 3, 1.0, 0.833333333333333])
    for column in targets:
        frame[column] = rng.choice(levels, n)
    frame["question_type_spelling"] = 0.0
    # rare, and only in rows that land in train: MLE-bench then swaps one into the test
    from sklearn.model_selection import train_test_split

    train_rows, _ = train_test_split(list(range(n)), test_size=0.1, random_state=0)
    frame.loc[sorted(train_rows[5:8]), "question_type_spelling"] = 1 / 3
    _csv(root / "train.csv", frame)


@builder("billion-word-imputation")
def _billion(root: Path, rng: np.random.Generator) -> None:
    lines = [_sentence(rng, int(k)) for k in rng.integers(1, 12, 1500)]
    lines[10] = 'He said " hello " to them .'
    text = "".join(f"{line}\n" for line in lines)
    with zipfile.ZipFile(root / "train_v2.txt.zip", "w") as handle:
        _put(handle, "train_v2.txt", text.encode())


@builder("AI4Code")
def _ai4code(root: Path, rng: np.random.Generator) -> None:
    n = 60
    ids = _hexes(rng, n, 14)
    ancestors = [ids[int(rng.integers(0, 20))] for _ in range(n)]  # families of varied size
    parents = [None if k % 3 else ids[(k + 1) % n] for k in range(n)]
    _csv(
        root / "train_ancestors.csv",
        pd.DataFrame({"id": ids, "ancestor_id": ancestors, "parent_id": parents}),
    )
    orders = []
    for notebook in ids:
        cells = _hexes(rng, int(rng.integers(2, 6)), 8)
        kinds = {c: ("code" if k % 2 else "markdown") for k, c in enumerate(cells)}
        data = {"cell_type": kinds, "source": {c: f"print({k})" for k, c in enumerate(cells)}}
        path = root / "train" / f"{notebook}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data))
        orders.append(" ".join(rng.permutation(cells)))
    _csv(root / "train_orders.csv", pd.DataFrame({"id": ids, "cell_order": orders}))


@builder("champs-scalar-coupling")
def _champs(root: Path, rng: np.random.Generator) -> None:
    molecules = [f"dsgdb9nsd_{i:06d}" for i in rng.choice(999, 30, replace=False)]
    rows = []
    for m in molecules:
        for _ in range(int(rng.integers(2, 8))):
            rows.append(
                (
                    m,
                    int(rng.integers(0, 9)),
                    int(rng.integers(0, 9)),
                    str(rng.choice(["1JHC", "2JHH", "3JHN"])),
                )
            )
    frame = pd.DataFrame(rows, columns=["molecule_name", "atom_index_0", "atom_index_1", "type"])
    frame.insert(0, "id", range(len(frame)))
    frame["scalar_coupling_constant"] = rng.normal(10, 20, len(frame))
    _csv(root / "train.csv", frame)
    atoms = pd.DataFrame(
        {"molecule_name": np.repeat(molecules, 3), "atom_index": np.tile([0, 1, 2], 30)}
    )
    _csv(
        root / "structures.csv",
        atoms.assign(atom=rng.choice(["C", "H"], 90), x=rng.normal(size=90), y=0.1, z=-1.5e-05),
    )
    _csv(
        root / "dipole_moments.csv",
        pd.DataFrame({"molecule_name": molecules, "X": rng.normal(size=30), "Y": 0.0, "Z": 1e-7}),
    )
    _csv(root / "magnetic_shielding_tensors.csv", atoms.assign(XX=rng.normal(size=90), YX=0.5))
    _csv(root / "mulliken_charges.csv", atoms.assign(mulliken_charge=rng.normal(size=90)))
    _csv(
        root / "potential_energy.csv",
        pd.DataFrame({"molecule_name": molecules, "potential_energy": rng.normal(-400, 40, 30)}),
    )
    _csv(
        root / "scalar_coupling_contributions.csv",
        frame[["molecule_name", "atom_index_0", "atom_index_1", "type"]].assign(
            fc=rng.normal(size=len(frame)), sd=0.25
        ),
    )
    for m in molecules:
        _blob(root / "structures" / f"{m}.xyz", m)


@builder("h-and-m-personalized-fashion-recommendations")
def _hm(root: Path, rng: np.random.Generator) -> None:
    n = 400
    customers = _hexes(rng, 40, 64)
    articles = [f"0{a}" for a in rng.choice(range(108775015, 108775999), 25, replace=False)]
    dates = pd.date_range("2020-09-01", "2020-09-22").strftime("%Y-%m-%d")
    frame = pd.DataFrame(
        {
            "t_dat": sorted(rng.choice(dates, n)),
            "customer_id": rng.choice(customers, n),
            "article_id": rng.choice(articles, n),
            "price": rng.choice([0.0508305084745762, 0.0304915254237288, 0.0169322033898305], n),
            "sales_channel_id": rng.choice([1, 2], n),
        }
    )
    _csv(root / "transactions_train.csv", frame)
    _csv(root / "articles.csv", pd.DataFrame({"article_id": articles, "prod_name": "Strap top"}))
    _csv(
        root / "customers.csv",
        pd.DataFrame({"customer_id": customers, "age": rng.integers(18, 80, 40)}),
    )
    _csv(
        root / "sample_submission.csv",
        pd.DataFrame({"customer_id": customers, "prediction": "0706016001 0706016002"}),
    )
    for a in articles[:5]:
        _blob(root / "images" / a[:3] / f"{a}.jpg", a)


@builder("icecube-neutrinos-in-deep-ice")
def _icecube(root: Path, rng: np.random.Generator) -> None:
    batches = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233]
    per = 20
    event_ids = np.arange(len(batches) * per) * 3 + 24
    meta = pd.DataFrame(
        {
            "batch_id": np.repeat(batches, per).astype("int64"),
            "event_id": event_ids.astype("int64"),
            "first_pulse_index": np.arange(len(event_ids), dtype="int64") * 10,
            "last_pulse_index": np.arange(len(event_ids), dtype="int64") * 10 + 9,
            "azimuth": rng.uniform(0, 2 * np.pi, len(event_ids)),
            "zenith": rng.uniform(0, np.pi, len(event_ids)),
        }
    )
    meta.to_parquet(root / "train_meta.parquet", index=False, row_group_size=50)
    for b in batches:
        path = root / "train" / f"batch_{b}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        pd.DataFrame({"sensor_id": [b, b + 1], "time": [5928, 6000]}).to_parquet(path)
    _csv(
        root / "sensor_geometry.csv",
        pd.DataFrame({"sensor_id": [0, 1], "x": [-256.14, -249.86], "y": 0.5, "z": 1e-3}),
    )


def bson_document(fields: list[tuple[str, object]]) -> bytes:
    """A tiny BSON encoder for the fixture (int32, binary, arrays of documents)."""

    def element(name: str, value: object) -> bytes:
        key = name.encode() + b"\x00"
        if isinstance(value, int):
            return b"\x10" + key + struct.pack("<i", value)
        if isinstance(value, bytes):
            return b"\x05" + key + struct.pack("<i", len(value)) + b"\x00" + value
        if isinstance(value, list):
            return b"\x04" + key + bson_document([(str(i), v) for i, v in enumerate(value)])
        if isinstance(value, dict):
            return b"\x03" + key + bson_document(list(value.items()))
        raise TypeError(type(value))

    body = b"".join(element(k, v) for k, v in fields) + b"\x00"
    return struct.pack("<i", len(body) + 4) + body


def cdiscount_documents(rng: np.random.Generator) -> list[list[tuple[str, object]]]:
    ids = sorted(rng.choice(50_000, 250, replace=False).tolist())
    docs = []
    for product in rng.permutation(ids).tolist():
        category = int(rng.choice([1000010653, 1000010667, 1000004079]))
        images = [
            {"picture": f"jpeg {product}-{k}".encode()} for k in range(int(rng.integers(1, 4)))
        ]
        docs.append([("_id", product), ("category_id", category), ("imgs", images)])
    return docs


@builder("cdiscount-image-classification-challenge")
def _cdiscount(root: Path, rng: np.random.Generator) -> None:
    docs = cdiscount_documents(rng)
    (root / "train.bson").write_bytes(b"".join(bson_document(d) for d in docs))
    (root / "train_example.bson").write_bytes(b"".join(bson_document(d) for d in docs[:100]))
    (root / "test.bson").write_bytes(bson_document([("_id", 10), ("imgs", [])]))
    _csv(
        root / "category_names.csv",
        pd.DataFrame(
            {
                "category_id": [1000010653, 1000010667],
                "category_level1": ["ABONNEMENT / SERVICES", "AUTO"],
            }
        ),
    )
    _csv(root / "sample_submission.csv", pd.DataFrame({"_id": [10], "category_id": [1000010653]}))


# ----------------------------------------------------------------------------------- media


@builder("freesound-audio-tagging-2019")
def _freesound(root: Path, rng: np.random.Generator) -> None:
    from mle_inspect.competitions import get_competition

    classes = get_competition("freesound-audio-tagging-2019").grading.target_columns
    test = [f"{h[-8:]}.wav" for h in _hexes(rng, 30)]
    labels = [",".join(rng.choice(classes, int(rng.integers(1, 3)), replace=False)) for _ in test]
    usage = ["Private" if k % 3 else "Public" for k in range(30)]
    private = [f for f, u in zip(test, usage, strict=True) if u == "Private"]
    sample = pd.DataFrame(0, index=range(len(private)), columns=["fname", *classes])
    sample["fname"] = sorted(private)
    _csv(root / "sample_submission.csv", sample)
    for part in ("train_curated", "train_noisy"):
        names = [f"{h[-8:]}.wav" for h in _hexes(rng, 10)]
        _csv(
            root / f"{part}.csv", pd.DataFrame({"fname": names, "labels": rng.choice(classes, 10)})
        )
        with zipfile.ZipFile(root / f"{part}.zip", "w") as handle:
            for name in names:
                _put(handle, name, b"RIFF audio")
    with zipfile.ZipFile(root / "test.zip", "w") as handle:
        for name in private:
            _put(handle, name, b"RIFF audio")
    meta = pd.DataFrame(
        {"fname": test, "labels": labels, "usage": usage, "freesound_id": range(30)}
    )
    with zipfile.ZipFile(root / "FSDKaggle2019.meta.zip", "w") as handle:
        _put(handle, "FSDKaggle2019.meta/test_post_competition.csv", meta.to_csv(index=False))
        _put(handle, "FSDKaggle2019.meta/train_curated_post_competition.csv", "fname\n")
    (root / ".mle-inspect-raw.json").write_text("{}")  # our extraction marker: never published


@builder("alaska2-image-steganalysis")
def _alaska2(root: Path, rng: np.random.Generator) -> None:
    for k in range(1, 41):
        for folder in ("Cover", "JMiPOD", "JUNIWARD", "UERD"):
            _blob(root / folder / f"{k:05d}.jpg", f"{folder} {k}")
    for k in range(1, 4):
        _blob(root / "Test" / f"{k:04d}.jpg", f"test {k}")


@builder("cassava-leaf-disease-classification")
def _cassava(root: Path, rng: np.random.Generator) -> None:
    names = [f"{v}.jpg" for v in rng.choice(10**9, 60, replace=False)]
    _csv(root / "train.csv", pd.DataFrame({"image_id": names, "label": rng.integers(0, 5, 60)}))
    for k in range(12):
        chunk = names[k * 5 : (k + 1) * 5]
        path = root / "train_tfrecords" / f"ld_train{k:02d}-{len(chunk)}.tfrec"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_tfrecord([_example(n) for n in chunk]))
    for n in names:
        _blob(root / "train_images" / n, n)
    (root / "label_num_to_disease_map.json").write_text(
        '{"0": "Cassava Bacterial Blight (CBB)", "4": "Healthy"}'
    )


@builder("hotel-id-2021-fgvc8")
def _hotel(root: Path, rng: np.random.Generator) -> None:
    n = 80
    images = [f"{h}.jpg" for h in _hexes(rng, n)]
    images[4] = images[9] = "ce27d36c9147cc19.jpg"
    frame = pd.DataFrame(
        {
            "image": images,
            "chain": rng.choice([0, 3, 88], n),
            "hotel_id": rng.choice([36363, 53586, 18807, 64314], n),
            "timestamp": "2018-04-18 19:57:54",
        }
    )
    _csv(root / "train.csv", frame)
    for image, chain in zip(frame["image"], frame["chain"], strict=True):
        _blob(root / "train_images" / str(chain) / image, image)


@builder("imet-2020-fgvc7")
def _imet(root: Path, rng: np.random.Generator) -> None:
    ids = _hexes(rng, 80, 32)
    attrs = [" ".join(map(str, sorted(rng.choice(50, 3, replace=False)))) for _ in ids]
    _csv(root / "train.csv", pd.DataFrame({"id": ids, "attribute_ids": attrs}))
    _csv(
        root / "labels.csv",
        pd.DataFrame(
            {"attribute_id": range(50), "attribute_name": [f"country::{i}" for i in range(50)]}
        ),
    )
    for i in ids:
        _blob(root / "train" / f"{i}.png", i)


@builder("hubmap-kidney-segmentation")
def _hubmap(root: Path, rng: np.random.Generator) -> None:
    ids = [f"{h[-9:]}" for h in _hexes(rng, 20)]
    train_ids = ids[:15]
    encodings = [
        " ".join(
            f"{100 * k + int(rng.integers(1, 50))} {int(rng.integers(1, 40))}" for k in range(1, 4)
        )
        for _ in train_ids
    ]
    _csv(root / "train.csv", pd.DataFrame({"id": train_ids, "encoding": encodings}))
    info = pd.DataFrame(
        {
            "image_file": [f"{i}.tiff" for i in ids],
            "width_pixels": rng.integers(30_000, 50_000, 20),
            "height_pixels": rng.integers(20_000, 40_000, 20),
            "anatomical_structures_segmention_file": [
                f"{i}-anatomical-structure.json" for i in ids
            ],
            "glomerulus_segmentation_file": [f"{i}.json" for i in ids],
            "patient_number": rng.integers(60000, 70000, 20),
            "weight_kilograms": rng.uniform(50, 120, 20).round(1),
        }
    )
    _csv(root / "HuBMAP-20-dataset_information.csv", info)
    for i in train_ids:
        for pattern in ("{}.tiff", "{}.json", "{}-anatomical-structure.json"):
            _blob(root / "train" / pattern.format(i), pattern.format(i))


@builder("herbarium-2020-fgvc7")
def _herbarium_2020(root: Path, rng: np.random.Generator) -> None:
    _herbarium_2020_2021(root / "nybg2020", rng, "regions", "latin-1")


@builder("herbarium-2021-fgvc8")
def _herbarium_2021(root: Path, rng: np.random.Generator) -> None:
    _herbarium_2020_2021(root, rng, "institutions", "utf-8")


def _herbarium_2020_2021(base: Path, rng: np.random.Generator, extra: str, encoding: str) -> None:
    def name(cat: int, image_id: int) -> str:
        return f"images/{cat // 100:03d}/{cat % 100:02d}/{image_id}.jpg"

    # category 3 gets one image, 7 a few, the rest many
    cats = [3] + [7] * 3 + [int(c) for c in rng.choice([15504, 211, 99], 80)]
    meta = {"images": [], "annotations": []}
    for k, cat in enumerate(cats):
        image_id = 1000 + k
        meta["images"].append(
            {
                "id": image_id,
                "file_name": name(cat, image_id),
                "height": 1000,
                "width": 680,
                "license": 0,
            }
        )
        meta["annotations"].append(
            {"category_id": cat, "id": image_id, "image_id": image_id, "region_id": 1}
        )
        _blob(base / "train" / name(cat, image_id), str(image_id))
    meta |= {
        "categories": [
            {"id": c, "name": f"Sp\u00e9cies {c}", "family": "F", "genus": "G"}
            for c in (3, 7, 99, 211, 15504)
        ],
        "info": {"year": 2020, "version": "1", "contributor": "NYBG"},
        "licenses": [{"id": 0, "name": "CC", "url": "http://x"}],
        extra: [{"id": 1, "name": "Région"}],
    }
    path = base / "train" / "metadata.json"
    path.write_text(json.dumps(meta, ensure_ascii=False), encoding=encoding)
    (base / "test" / "metadata.json").parent.mkdir(parents=True, exist_ok=True)
    (base / "test" / "metadata.json").write_text(
        json.dumps({"images": [], "info": {}, "licenses": []})
    )


@builder("herbarium-2022-fgvc9")
def _herbarium_2022(root: Path, rng: np.random.Generator) -> None:
    cats = [2] * 2 + [int(c) for c in rng.choice([15504, 211, 99], 80)]
    meta = {"images": [], "annotations": []}
    for k, cat in enumerate(cats):
        image_id = f"{cat:05d}__{k + 1:03d}"
        name = f"{cat // 100:03d}/{cat % 100:02d}/{image_id}.jpg"
        meta["images"].append(
            {"image_id": image_id, "file_name": name, "license": 0, "scientific_name": "x"}
        )
        meta["annotations"].append(
            {"category_id": cat, "genus_id": 1, "image_id": image_id, "institution_id": 0}
        )
        _blob(root / "train_images" / name, image_id)
    meta |= {
        "categories": [{"category_id": c, "scientific_name": "Abies"} for c in (2, 99, 211, 15504)],
        "genera": [{"genus_id": 1, "genus": "Abies"}],
        "distances": [{"genus_id_x": 1, "genus_id_y": 1, "distance": 0.0}],
        "institutions": [{"institution_id": 0, "collectionCode": "A"}],
        "license": [{"id": 0, "name": "CC"}],
    }
    (root / "train_metadata.json").write_text(json.dumps(meta))
    (root / "test_metadata.json").write_text("[]")


@builder("inaturalist-2019-fgvc6")
def _inaturalist(root: Path, rng: np.random.Generator) -> None:
    cats = [5] + [6] * 4 + [int(c) for c in rng.choice([400, 401, 1009], 70)]
    meta = {"images": [], "annotations": []}
    members = {}
    for k, cat in enumerate(cats):
        name = f"train_val2019/Plants/{cat}/{k:032x}.jpg"
        meta["images"].append(
            {"id": 265_000 + k, "file_name": name, "width": 800, "height": 600, "license": 1}
        )
        meta["annotations"].append({"id": 265_000 + k, "image_id": 265_000 + k, "category_id": cat})
        members[name] = f"jpeg {k}".encode()
    meta |= {
        "categories": [
            {"id": c, "name": f"c{c}", "kingdom": "Plantae"} for c in (5, 6, 400, 401, 1009)
        ],
        "info": {"year": 2019, "description": "iNat"},
        "licenses": [{"id": 1, "name": "CC"}],
    }
    (root / "train2019.json").write_text(json.dumps(meta))
    (root / "val2019.json").write_text(json.dumps({"images": [], "annotations": [], "note": "val"}))
    (root / "test2019.json").write_text(json.dumps({"images": []}))
    with tarfile.open(root / "train_val2019.tar.gz", "w:gz") as handle:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            handle.addfile(info, io.BytesIO(data))
