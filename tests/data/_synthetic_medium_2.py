"""Synthetic Kaggle downloads for the second batch of medium competitions (issue 11).

``build(cid, root)`` writes, into ``root``, what the competition's Kaggle download holds once
extracted: the real file names, nested archives and column types, at a tiny size. Values are
seeded random; media files are a few bytes unless a prepare reads them.
"""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from ._synthetic import BUILDERS, build, builder

# registered with the shared table, so the fake Kaggle client serves these downloads too
__all__ = ["BUILDERS", "build", "builder"]


def _csv(path: Path, frame: pd.DataFrame, **kwargs) -> None:  # noqa: ANN003
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, **kwargs)


def _blob(path: Path, text: str = "x") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(f"fake media {text}".encode())


def _hex(rng: np.random.Generator, n: int, width: int = 10) -> list[str]:
    values = rng.choice(16**7, size=n, replace=False)
    return [f"{int(v):0{width}x}" for v in values]


def _words(rng: np.random.Generator, n: int, k: int = 6) -> list[str]:
    vocab = np.array(["alpha", "beta", "gamma", "delta", "kappa", "sigma", "omega", "zeta"])
    return [" ".join(rng.choice(vocab, k)) for _ in range(n)]


# ------------------------------------------------------------------------------- text and tables

JIGSAW_IDENTITIES = (
    "male",
    "female",
    "homosexual_gay_or_lesbian",
    "christian",
    "jewish",
    "muslim",
    "black",
    "white",
    "psychiatric_or_mental_illness",
)
JIGSAW_OTHER = (
    "severe_toxicity obscene identity_attack insult threat asian atheist bisexual "
    "buddhist heterosexual hindu intellectual_or_learning_disability latino "
    "other_disability other_gender other_race_or_ethnicity other_religion "
    "other_sexual_orientation physical_disability transgender created_date publication_id "
    "parent_id article_id rating funny wow sad likes disagree sexual_explicit "
    "identity_annotator_count toxicity_annotator_count"
).split()


@builder("jigsaw-unintended-bias-in-toxicity-classification")
def _jigsaw_unintended(root: Path, rng: np.random.Generator) -> None:
    def table(n: int, start: int, with_target: bool) -> pd.DataFrame:
        columns: dict[str, object] = {"id": range(start, start + n)}
        columns["comment_text"] = _words(rng, n)
        if with_target:
            columns["toxicity"] = rng.choice([0.0, 0.2, 0.6, 0.9, 1 / 3], n)
        for name in (*JIGSAW_IDENTITIES, *JIGSAW_OTHER):
            columns[name] = rng.choice([0.0, 0.1, 0.75, 1.0], n)
        frame = pd.DataFrame(columns)
        frame.loc[::7, "male"] = np.nan
        return frame

    expanded = table(120, 7_000_000, True)
    expanded["toxicity"] = [0.9, 0.1] * 60  # both classes inside every identity subgroup
    for name in JIGSAW_IDENTITIES:
        expanded[name] = [1.0, 1.0, 0.0, 0.0] * 30
    expanded = expanded[["id", "toxicity", "comment_text", *expanded.columns[3:]]]
    assert expanded.shape[1] == 45
    _csv(root / "test_private_expanded.csv", expanded)
    _csv(root / "test_public_expanded.csv", expanded.head(3))
    _csv(root / "train.csv", table(60, 1, True))
    _csv(root / "test.csv", expanded[["id", "comment_text"]])
    _csv(root / "sample_submission.csv", expanded[["id"]].assign(prediction=0.0))


@builder("tweet-sentiment-extraction")
def _tweet(root: Path, rng: np.random.Generator) -> None:
    n = 200
    text = _words(rng, n)
    frame = pd.DataFrame(
        {
            "textID": _hex(rng, n),
            "text": text,
            "selected_text": [t.split(" ")[1] for t in text],
            "sentiment": rng.choice(["positive", "negative", "neutral"], n),
        }
    )
    # Kaggle's file has one empty row, and the seed puts it in train; so does row 6 here
    frame.loc[6, ["text", "selected_text"]] = np.nan
    _csv(root / "train.csv", frame)
    _csv(root / "test.csv", frame.drop(columns=["selected_text"]).head(4))
    _csv(root / "sample_submission.csv", frame[["textID", "selected_text"]].head(4))


@builder("us-patent-phrase-to-phrase-matching")
def _us_patent(root: Path, rng: np.random.Generator) -> None:
    n = 200
    frame = pd.DataFrame(
        {
            "id": _hex(rng, n, 16),
            "anchor": _words(rng, n, 2),
            "target": _words(rng, n, 3),
            "context": rng.choice(["A47", "B60", "H04"], n),
            "score": rng.choice([0.0, 0.25, 0.5, 0.75, 1.0], n),
        }
    )
    _csv(root / "train.csv", frame)
    _csv(root / "test.csv", frame.drop(columns=["score"]).head(4))
    _csv(root / "sample_submission.csv", frame[["id", "score"]].head(4))


@builder("learning-agency-lab-automated-essay-scoring-2")
def _essays(root: Path, rng: np.random.Generator) -> None:
    n = 200
    frame = pd.DataFrame(
        {
            "essay_id": _hex(rng, n, 7),
            "full_text": [f'{t}\n\nsecond "para", {i}' for i, t in enumerate(_words(rng, n))],
            "score": rng.integers(1, 7, n),
        }
    )
    _csv(root / "train.csv", frame)
    _csv(root / "test.csv", frame.drop(columns=["score"]).head(3))
    _csv(root / "sample_submission.csv", frame[["essay_id", "score"]].head(3))


@builder("lmsys-chatbot-arena")
def _lmsys(root: Path, rng: np.random.Generator) -> None:
    n = 200
    winner = rng.integers(0, 3, n)
    frame = pd.DataFrame(
        {
            "id": rng.choice(10**9, n, replace=False) + 30_000,
            "model_a": rng.choice(["gpt-4", "claude-2", "llama"], n),
            "model_b": rng.choice(["gpt-4", "claude-2", "llama"], n),
            "prompt": [f'["{w}?"]' for w in _words(rng, n, 3)],
            "response_a": [f'["{w}"]' for w in _words(rng, n)],
            "response_b": [f'["{w}", null]' for w in _words(rng, n)],
            "winner_model_a": (winner == 0).astype(int),
            "winner_model_b": (winner == 1).astype(int),
            "winner_tie": (winner == 2).astype(int),
        }
    )
    _csv(root / "train.csv", frame)
    _csv(root / "test.csv", frame[["id", "prompt", "response_a", "response_b"]].head(3))
    sample = frame[["id"]].head(3).assign(winner_model_a=0.2, winner_model_b=0.4, winner_tie=0.4)
    _csv(root / "sample_submission.csv", sample)


@builder("ventilator-pressure-prediction")
def _ventilator(root: Path, rng: np.random.Generator) -> None:
    breaths, steps = 40, 5
    n = breaths * steps
    breath_ids = np.repeat(rng.choice(np.arange(1, 500), breaths, replace=False), steps)
    frame = pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "breath_id": breath_ids,
            "R": np.repeat(rng.choice([5, 20, 50], breaths), steps),
            "C": np.repeat(rng.choice([10, 20, 50], breaths), steps),
            "time_step": np.tile(np.arange(steps) * 0.0331211090087890, breaths),
            "u_in": rng.random(n) * 30,
            "u_out": np.tile([0, 0, 0, 1, 1], breaths),
            "pressure": rng.choice([5.837491705069121, 6.329607060159187, 64.8209917386395], n),
        }
    )
    _csv(root / "train.csv", frame)
    _csv(root / "test.csv", frame.drop(columns=["pressure"]).head(steps))
    _csv(root / "sample_submission.csv", frame[["id"]].head(steps).assign(pressure=0))


@builder("osic-pulmonary-fibrosis-progression")
def _osic(root: Path, rng: np.random.Generator) -> None:
    rows = []
    for p in range(30):
        patient = f"ID{int(rng.integers(10**17, 10**18)):018d}{p:05d}"
        first = int(rng.integers(-5, 10))
        weeks = sorted({first, *(first + rng.choice(np.arange(1, 60), 5, replace=False))})
        age, sex = int(rng.integers(50, 85)), str(rng.choice(["Male", "Female"]))
        smoke = str(rng.choice(["Ex-smoker", "Never smoked", "Currently smokes"]))
        for week in weeks:
            fvc = int(rng.integers(1500, 4000))
            rows.append((patient, week, fvc, fvc / 40.123, age, sex, smoke))
        for k in range(2):
            _blob(root / "train" / patient / f"{k + 1}.dcm", f"{patient} {k}")
    columns = ["Patient", "Weeks", "FVC", "Percent", "Age", "Sex", "SmokingStatus"]
    frame = pd.DataFrame(rows, columns=columns).sample(frac=1, random_state=1)
    _csv(root / "train.csv", frame)
    test = frame.groupby("Patient").head(1).head(3)
    _csv(root / "test.csv", test)
    _blob(root / "test" / test["Patient"].iloc[0] / "1.dcm")
    _csv(root / "sample_submission.csv", pd.DataFrame({"Patient_Week": ["a_1"], "FVC": 2000}))


# ------------------------------------------------------------------------------------- images


def _png(path: Path, seed: int = 0) -> None:
    """A real 8x8 grayscale PNG."""
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    pixels = (np.arange(64, dtype=np.uint8).reshape(8, 8) * 3 + seed) % 255
    Image.fromarray(pixels.astype(np.uint8)).save(path)


def _7z(archive: Path, members: dict[str, bytes]) -> None:
    import py7zr

    archive.parent.mkdir(parents=True, exist_ok=True)
    with py7zr.SevenZipFile(archive, "w") as handle:
        for name, data in members.items():
            handle.writestr(data, name)


PETFINDER_FEATURES = (
    "Subject Focus,Eyes,Face,Near,Action,Accessory,Group,Collage,Human,Occlusion,Info,Blur"
).split(",")


@builder("petfinder-pawpularity-score")
def _petfinder(root: Path, rng: np.random.Generator) -> None:
    n = 60
    frame = pd.DataFrame({"Id": [f"{h}{'0' * 22}" for h in _hex(rng, n)]})
    for name in PETFINDER_FEATURES:
        frame[name] = rng.integers(0, 2, n)
    frame["Pawpularity"] = rng.integers(1, 101, n)
    _csv(root / "train.csv", frame)
    for i in frame["Id"]:
        _blob(root / "train" / f"{i}.jpg", i)
    _csv(root / "test.csv", frame.drop(columns=["Pawpularity"]).head(2))
    _blob(root / "test" / "4128bae22183829d2b5fea10effdb0c3.jpg")
    _csv(root / "sample_submission.csv", frame[["Id", "Pawpularity"]].head(2))


@builder("plant-pathology-2021-fgvc8")
def _plant_2021(root: Path, rng: np.random.Generator) -> None:
    n = 50
    labels = ["healthy", "scab", "frog_eye_leaf_spot complex", "rust", "scab frog_eye_leaf_spot"]
    frame = pd.DataFrame({"image": [f"{h}.jpg" for h in _hex(rng, n, 16)]})
    frame["labels"] = rng.choice(labels, n)
    _csv(root / "train.csv", frame)
    for name in frame["image"]:
        _blob(root / "train_images" / name, name)
    _blob(root / "test_images" / "85f8cb619c66b863.jpg")
    _csv(root / "sample_submission.csv", pd.DataFrame({"image": ["85f8cb619c66b863.jpg"]}))


@builder("seti-breakthrough-listen")
def _seti(root: Path, rng: np.random.Generator) -> None:
    n = 60
    frame = pd.DataFrame({"id": _hex(rng, n, 15), "target": [0, 1, 0] * 20})
    _csv(root / "train_labels.csv", frame)
    for i in frame["id"]:
        _blob(root / "train" / i[0] / f"{i}.npy", i)
    _csv(root / "sample_submission.csv", frame.head(2).assign(target=0.5))
    _blob(root / "test" / "0" / "0000799a2b2c42d.npy")
    _csv(root / "old_leaky_data" / "train_labels_old.csv", frame.head(5))
    _blob(root / "old_leaky_data" / "train_old" / "a" / "a0.npy")


@builder("whale-categorization-playground")
def _whale(root: Path, rng: np.random.Generator) -> None:
    ids = ["new_whale"] * 30 + [f"w_{h[:7]}" for h in _hex(rng, 40)]
    ids += [f"w_{h[:7]}" for h in _hex(rng, 10) for _ in range(3)]  # whales seen 3 times
    images = [f"{h[:8]}.jpg" for h in _hex(rng, len(ids))]
    frame = pd.DataFrame({"Image": images, "Id": rng.permutation(ids)})
    _csv(root / "train.csv", frame)
    for name in images:
        _blob(root / "train" / name, name)
    _blob(root / "test" / "00029b3a.jpg")
    _csv(root / "sample_submission.csv", pd.DataFrame({"Image": ["00029b3a.jpg"], "Id": "x"}))


@builder("kuzushiji-recognition")
def _kuzushiji(root: Path, rng: np.random.Generator) -> None:
    n = 40
    ids = [
        f"{b}_{int(k):03d}"
        for b, k in zip(rng.choice(["100241706", "umgy001"], n), range(n), strict=False)
    ]
    labels = []
    for _ in range(n):
        boxes = [
            f"U+{int(rng.integers(0x3041, 0x3096)):04X} {int(rng.integers(0, 900))} "
            f"{int(rng.integers(0, 900))} {int(rng.integers(10, 90))} {int(rng.integers(10, 90))}"
            for _ in range(int(rng.integers(1, 4)))
        ]
        labels.append(" ".join(boxes))
    frame = pd.DataFrame({"image_id": ids, "labels": labels})
    _csv(root / "train.csv", frame)
    members = {f"{i}.jpg": f"fake jpg {i}".encode() for i in ids}
    with zipfile.ZipFile(root / "train_images.zip", "w") as handle:
        for name, data in members.items():
            handle.writestr(name, data)
    with zipfile.ZipFile(root / "test_images.zip", "w") as handle:
        handle.writestr("test_0001.jpg", b"fake")
    _csv(root / "unicode_translation.csv", pd.DataFrame({"Unicode": ["U+3042"], "char": ["あ"]}))
    _csv(root / "sample_submission.csv", pd.DataFrame({"image_id": ["test_0001"], "labels": ""}))


@builder("tgs-salt-identification-challenge")
def _tgs(root: Path, rng: np.random.Generator) -> None:
    n = 40
    ids = _hex(rng, n)
    masks = [rng.choice(["", "1 5 20 3", "3 2"]) for _ in range(n)]
    frame = pd.DataFrame({"id": ids, "rle_mask": masks})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as handle:
        handle.writestr("competition_data/train.csv", frame.to_csv(index=False))
        for i in ids:
            handle.writestr(f"competition_data/train/images/{i}.png", f"img {i}")
            handle.writestr(f"competition_data/train/masks/{i}.png", f"mask {i}")
        handle.writestr("competition_data/test/images/ffff000000.png", "test img")
    (root / "competition_data.zip").write_bytes(buffer.getvalue())
    depths = pd.DataFrame({"id": [*ids, "ffff000000"], "z": rng.integers(50, 900, n + 1)})
    _csv(root / "depths.csv", depths.sample(frac=1, random_state=2))
    _csv(root / "sample_submission.csv", pd.DataFrame({"id": ["ffff000000"], "rle_mask": "1 1"}))


@builder("iwildcam-2020-fgvc7")
def _iwildcam(root: Path, rng: np.random.Generator) -> None:
    images, annotations = [], []
    for k in range(60):
        image_id = f"{int(rng.integers(10**7, 10**8)):08x}-21bc-11ea-a13a-137349068a90{k:02d}"
        image = {
            "seq_num_frames": 3,
            "location": int(rng.integers(0, 12)),
            "datetime": f"2013-06-{k % 28 + 1:02d} 08:00:00.000",
            "id": image_id,
            "frame_num": k % 3 + 1,
            "seq_id": f"seq{k // 3}",
            "width": 2048,
            "height": 1536,
            "file_name": f"{image_id}.jpg",
        }
        if k == 4:
            image["seq_id"] = None  # an explicit null stays null
        if k == 7:
            del image["frame_num"]  # a missing key becomes NaN (and the column float)
        images.append(image)
        annotations.append(
            {
                "count": 1,
                "image_id": image_id,
                "id": f"a{k}",
                "category_id": int(rng.integers(0, 5)),
            }
        )
        _blob(root / "train" / f"{image_id}.jpg", image_id)
    categories = [{"count": 10 * c, "id": c, "name": f"species {c}"} for c in range(5)]
    info = {"version": "1.0", "description": "synthetic"}
    train_json = {
        "annotations": annotations,
        "images": images,
        "categories": categories,
        "info": info,
    }
    (root / "iwildcam2020_train_annotations.json").write_text(json.dumps(train_json))
    test_json = {"images": images[:2], "categories": categories, "info": info}
    (root / "iwildcam2020_test_information.json").write_text(json.dumps(test_json))
    (root / "iwildcam2020_megadetector_results.json").write_text('{"images": []}')
    _csv(root / "sample_submission.csv", pd.DataFrame({"Id": ["x"], "Category": [0]}))


@builder("uw-madison-gi-tract-image-segmentation")
def _uw_madison(root: Path, rng: np.random.Generator) -> None:
    rows = []
    classes = ("large_bowel", "small_bowel", "stomach")
    for c in range(12):
        case = f"case{100 + c}"
        n_days = 6 if c % 4 == 0 else 2  # some cases with more than four days
        for d in range(n_days):
            day = f"day{d * 3 + (c % 2)}"
            size = (266, 266) if c % 2 else (310, 360)
            for s in range(1, 3):
                _blob(
                    root
                    / "train"
                    / case
                    / f"{case}_{day}"
                    / "scans"
                    / f"slice_{s:04d}_{size[0]}_{size[1]}_1.50_1.50.png",
                    f"{case}{day}{s}",
                )
                for cls in classes:
                    seg = rng.choice(["", "100 4 366 5", "2000 8"])
                    rows.append(
                        {
                            "id": f"{case}_{day}_slice_{s:04d}",
                            "class": cls,
                            "segmentation": seg or np.nan,
                        }
                    )
    _csv(root / "train.csv", pd.DataFrame(rows))
    _csv(root / "sample_submission.csv", pd.DataFrame({"id": [], "class": [], "predicted": []}))


@builder("statoil-iceberg-classifier-challenge")
def _statoil(root: Path, rng: np.random.Generator) -> None:
    def record(k: int, labelled: bool) -> dict:
        r = {
            "id": f"{int(rng.integers(16**7, 16**8)):08x}",
            "band_1": [float(v) for v in rng.normal(-20, 5, 16).round(6)],
            "band_2": [float(v) for v in rng.normal(-25, 4, 16)],
            "inc_angle": "na" if k % 9 == 0 else float(rng.uniform(30, 45)),
        }
        if labelled:
            r["is_iceberg"] = k % 2
        return r

    train = [record(k, True) for k in range(50)]
    test = [record(k, False) for k in range(4)]
    _7z(root / "train.json.7z", {"data/processed/train.json": json.dumps(train).encode()})
    _7z(root / "test.json.7z", {"data/processed/test.json": json.dumps(test).encode()})
    sample = pd.DataFrame({"id": [r["id"] for r in test], "is_iceberg": 0.5})
    _7z(
        root / "sample_submission.csv.7z",
        {"sample_submission.csv": sample.to_csv(index=False).encode()},
    )


# ------------------------------------------------------------------------------- audio, video, QA


def _wav(seconds: float = 0.1, rate: int = 8000, tone: int = 1) -> bytes:
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        frames = int(seconds * rate)
        samples = (np.sin(np.arange(frames) * tone / 10) * 3000).astype("<i2")
        handle.writeframes(samples.tobytes())
    return buffer.getvalue()


@builder("tensorflow-speech-recognition-challenge")
def _speech(root: Path, rng: np.random.Generator) -> None:
    members: dict[str, bytes] = {}
    labels = ["yes", "no", "up", "bed", "wow"]
    for k in range(40):
        label = labels[k % len(labels)]
        speaker = f"{int(rng.integers(16**7, 16**8)):08x}"
        members[f"train/audio/{label}/{speaker}_nohash_{k % 2}.wav"] = _wav(tone=k + 1)
    members["train/audio/yes/0a7c2a8d_nohash_0.wav"] = _wav(tone=50)
    members["train/audio/no/0a7c2a8d_nohash_0.wav"] = _wav(tone=51)  # same name, two labels
    members["train/audio/_background_noise_/white_noise.wav"] = _wav(tone=99)
    members["train/audio/_background_noise_/README.md"] = b"noise clips"
    members["train/validation_list.txt"] = b"yes/0a7c2a8d_nohash_0.wav\n"
    _7z(root / "train.7z", members)
    _7z(root / "test.7z", {"test/audio/clip_000044442.wav": _wav()})
    _7z(
        root / "sample_submission.7z",
        {"sample_submission.csv": b"fname,label\nclip_000044442.wav,silence\n"},
    )


@builder("multi-modal-gesture-recognition")
def _gestures(root: Path, rng: np.random.Generator) -> None:
    def tar(archive: Path, members: dict[str, bytes]) -> None:
        with tarfile.open(archive, "w:gz") as handle:
            for name, data in members.items():
                info = tarfile.TarInfo(name)
                info.size = len(data)
                handle.addfile(info, io.BytesIO(data))

    ids = [f"{i:04d}" for i in range(1, 41)]
    sequences = [" ".join(str(g) for g in rng.permutation(np.arange(1, 21))[:8]) for _ in ids]
    _csv(root / "training.csv", pd.DataFrame({"Id": ids, "Sequence": sequences}))
    for part in range(4):
        chunk = ids[part * 10 : (part + 1) * 10]
        tar(root / f"training{part + 1}.tar.gz", {f"Sample0{i}.zip": b"zip" for i in chunk})
    tar(
        root / "training4.tar.gz",
        {
            **{f"./Sample0{i}.zip": f"zip {i}".encode() for i in ids[30:]},
            "nested/Sample09999.zip": b"not top level",
            "./readme.txt": b"x",
        },
    )
    for k in (1, 2, 3):
        tar(root / f"validation{k}.tar.gz", {f"Sample0{400 + k}.zip": b"v"})
    (root / "devel01-40.7z").write_bytes(b"7z placeholder")
    (root / "valid_all_files_combined.7z").write_bytes(b"7z placeholder 2")
    (root / "sample_code_mmrgc.zip").write_bytes(b"zip placeholder")
    _csv(root / "test.csv", pd.DataFrame({"Id": ["0700"]}))
    _csv(root / "randomPredictions.csv", pd.DataFrame({"Id": ["0700"], "Sequence": ["1 2"]}))


@builder("tensorflow2-question-answering")
def _tf2qa(root: Path, rng: np.random.Generator) -> None:
    lines = []
    for k in range(1150):  # more than one 1,000-line chunk
        words = [f"w{int(v)}" for v in rng.integers(0, 50, 30)]
        kind = k % 4
        short = [{"start_token": 3, "end_token": 5}] if kind == 1 else []
        annotation = {
            "yes_no_answer": "YES" if kind == 2 else "NONE",
            "long_answer": (
                {"start_token": -1, "candidate_index": -1, "end_token": -1}
                if kind == 3
                else {"start_token": 2, "candidate_index": 0, "end_token": 12}
            ),
            "short_answers": short,
            "annotation_id": int(rng.integers(10**17, 10**18)),
        }
        record = {
            "document_text": " ".join(words) + ' <P> caf\u00e9 "q" / </P>',
            "long_answer_candidates": [{"start_token": 2, "top_level": True, "end_token": 12}],
            "question_text": f"what is {words[0]}",
            "annotations": [annotation],
            "document_url": f"https://en.wikipedia.org//w/index.php?title=T{k}",
            "example_id": int(rng.integers(-(2**62), 2**62)),
        }
        lines.append(json.dumps(record))
    (root / "simplified-nq-train.jsonl").write_text("\n".join(lines) + "\n")
    (root / "simplified-nq-test.jsonl").write_text(lines[0] + "\n")
    _csv(
        root / "sample_submission.csv",
        pd.DataFrame({"example_id": ["1_long"], "PredictionString": ""}),
    )
