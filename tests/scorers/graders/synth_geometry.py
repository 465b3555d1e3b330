"""Synthetic answers, gold and sample submissions for the mask, box and QA competitions.

Each generator returns frames in the competition's real format (columns, id formats, label
vocabularies from the reference specs), after a CSV round trip like the real files. Masks
are encoded by :func:`naive_rle`, a plain loop written independently of the package's RLE
code, so tests compare the grader with expectations it did not produce.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pytest

from mle_inspect.scorers import InvalidSubmission, score_submission

from .common import columns_of, csv_roundtrip, hex_ids


@dataclass
class Synth:
    answers: pd.DataFrame
    sample: pd.DataFrame
    gold: pd.DataFrame
    extra: dict[str, Any] = field(default_factory=dict)


def naive_rle(mask: np.ndarray, order: str = "F") -> str:
    """1-indexed ``start length`` pairs over the flattened mask, by a plain loop."""
    flat = [bool(v) for v in np.asarray(mask).flatten(order=order)]
    tokens: list[str] = []
    i = 0
    while i < len(flat):
        if flat[i]:
            j = i
            while j < len(flat) and flat[j]:
                j += 1
            tokens += [str(i + 1), str(j - i)]
            i = j
        else:
            i += 1
    return " ".join(tokens)


def naive_decode(rle: str, height: int, width: int, order: str = "F") -> np.ndarray:
    flat = np.zeros(height * width, dtype=bool)
    values = [int(t) for t in rle.split()]
    for start, length in zip(values[0::2], values[1::2], strict=True):
        flat[start - 1 : start - 1 + length] = True
    return flat.reshape((height, width), order=order)  # type: ignore[call-overload]


def blob(rng: np.random.Generator, height: int, width: int, cover: float = 0.3) -> np.ndarray:
    """A random rectangle plus speckle: several runs per column, never empty."""
    mask = np.zeros((height, width), dtype=bool)
    h, w = max(1, int(height * cover)), max(1, int(width * cover))
    y, x = rng.integers(0, height - h + 1), rng.integers(0, width - w + 1)
    mask[y : y + h, x : x + w] = True
    mask |= rng.random((height, width)) < 0.05
    return mask


# ------------------------------------------------------------------------------ masks


def hubmap(rng: np.random.Generator) -> Synth:
    shapes = [(40, 60), (30, 30), (50, 20)]
    ids = sorted(hex_ids(rng, 3, 9))
    masks = [blob(rng, h, w) for h, w in shapes]
    masks[1][:] = False  # an image without glomeruli
    answers = pd.DataFrame(
        {
            "id": ids,
            "encoding": [naive_rle(m) for m in masks],
            "width_pixels": [w for _, w in shapes],
            "height_pixels": [h for h, _ in shapes],
        }
    )
    gold = pd.DataFrame({"id": ids, "predicted": answers["encoding"]})
    sample = pd.DataFrame({"id": ids, "predicted": ""})
    return Synth(
        csv_roundtrip(answers), csv_roundtrip(sample), csv_roundtrip(gold), {"masks": masks}
    )


def contrails(rng: np.random.Generator) -> Synth:
    ids = rng.choice(np.arange(10**17, 10**17 + 10**6), 6, replace=False)
    masks = [blob(rng, 16, 16, 0.25) for _ in ids]
    masks[2][:] = False
    answers = pd.DataFrame(
        {
            "record_id": ids,
            "encoded_pixels": [naive_rle(m) or "-" for m in masks],
            "height": 16,
            "width": 16,
        }
    )
    random.seed(0)
    sample = answers.assign(
        encoded_pixels=[random.choice(["1 3 10 5", "-"]) for _ in range(len(answers))]
    )
    gold = answers[["record_id", "encoded_pixels"]]
    return Synth(
        csv_roundtrip(answers), csv_roundtrip(sample), csv_roundtrip(gold), {"masks": masks}
    )


UW_CLASSES = ("large_bowel", "small_bowel", "stomach")


def uw_madison(rng: np.random.Generator) -> Synth:
    """Two case-days of three slices, three organ rows per slice, 12 x 10 scans."""
    height, width = 12, 10
    rows = []
    for case_day in ("case7_day0", "case12_day3"):
        for s in (1, 2, 3):
            for organ in UW_CLASSES:
                mask = (
                    blob(rng, height, width, 0.3)
                    if rng.random() < 0.6
                    else np.zeros((height, width), dtype=bool)
                )
                rows.append((f"{case_day}_slice_{s:04d}", organ, mask))
    answers = pd.DataFrame(
        {
            "id": [r[0] for r in rows],
            "class": [r[1] for r in rows],
            "predicted": [naive_rle(r[2]) for r in rows],
            "image_width": float(width),
            "image_height": float(height),
        }
    )
    gold = answers[["id", "class", "predicted"]]
    sample = gold.assign(predicted="1 1 5 2")
    extra = {"masks": [r[2] for r in rows], "shape": (height, width)}
    return Synth(csv_roundtrip(answers), csv_roundtrip(sample), csv_roundtrip(gold), extra)


def tgs(rng: np.random.Generator) -> Synth:
    ids = sorted(hex_ids(rng, 8, 10))
    masks = [blob(rng, 101, 101, 0.4) for _ in ids]
    masks[0][:] = False  # no salt
    masks[1][:] = False
    masks[1][:, : int(101 * 0.7)] = True  # mostly salt: the histogram quirk matters
    answers = pd.DataFrame({"id": ids, "rle_mask": [naive_rle(m) for m in masks]})
    sample = answers.assign(rle_mask="1 1")
    return Synth(
        csv_roundtrip(answers), csv_roundtrip(sample), csv_roundtrip(answers), {"masks": masks}
    )


def vesuvius(rng: np.random.Generator) -> Synth:
    height, width = 20, 30
    mask = blob(rng, height, width, 0.4)
    row_major = naive_rle(mask, order="C")
    answers = pd.DataFrame(
        {"Id": ["a"], "Predicted": [row_major], "width": [width], "height": [height]}
    )
    gold = answers[["Id", "Predicted"]]
    sample = gold.assign(Predicted="1 1 5 1")
    return Synth(csv_roundtrip(answers), csv_roundtrip(sample), csv_roundtrip(gold), {"mask": mask})


# ------------------------------------------------------------------------------ boxes

LYFT_CLASSES = ("car", "pedestrian", "truck", "bicycle", "other_vehicle")


def lyft(rng: np.random.Generator) -> Synth:
    ids = sorted(hex_ids(rng, 4, 64))
    strings = []
    for _ in ids:
        objects = []
        for _ in range(int(rng.integers(2, 6))):
            centre = rng.uniform(-50, 50, 2).tolist() + [rng.uniform(-2, 1)]
            size = rng.uniform(0.5, 5, 3).tolist()
            yaw = rng.uniform(-np.pi, np.pi)
            name = str(rng.choice(LYFT_CLASSES))
            objects.append(" ".join(f"{v}" for v in [1.0, *centre, *size, yaw]) + f" {name}")
        strings.append(" ".join(objects))
    answers = pd.DataFrame({"Id": ids, "PredictionString": strings})
    sample = answers.assign(PredictionString="")
    return Synth(csv_roundtrip(answers), csv_roundtrip(sample), csv_roundtrip(answers))


def siim(rng: np.random.Generator) -> Synth:
    studies = [f"{s}_study" for s in sorted(hex_ids(rng, 3, 12))]
    images = [f"{s}_image" for s in sorted(hex_ids(rng, 4, 12))]
    study_labels = ["typical", "negative", "atypical"]
    strings = [f"{label} 1 0 0 1 1" for label in study_labels]
    for i, _ in enumerate(images):
        if i == 1:
            strings.append("none 1 0 0 1 1")
            continue
        boxes = []
        for _ in range(int(rng.integers(1, 3))):
            x, y = rng.uniform(0, 2000, 2)
            w, h = rng.uniform(100, 600, 2)
            boxes.append(f"opacity 1 {x:.1f} {y:.1f} {x + w:.1f} {y + h:.1f}")
        strings.append(" ".join(boxes))
    answers = pd.DataFrame({"id": studies + images, "PredictionString": strings})
    sample = answers.assign(PredictionString=["negative 1 0 0 1 1"] * 3 + ["none 1 0 0 1 1"] * 4)
    return Synth(csv_roundtrip(answers), csv_roundtrip(sample), csv_roundtrip(answers))


VIN_NAMES = {0: "Aortic enlargement", 3: "Cardiomegaly", 10: "Pleural effusion", 14: "No finding"}


def vinbigdata(rng: np.random.Generator) -> Synth:
    """Five images by sorted id: two without findings, three with boxes of classes 0/3/10."""
    ids = sorted(hex_ids(rng, 5, 32))
    rows = []
    for i, image in enumerate(ids):
        classes = [14] if i < 2 else sorted(rng.choice([0, 3, 10], 2, replace=False).tolist())
        for c in classes:
            if c == 14:
                box = [0.0, 0.0, 1.0, 1.0]
            else:
                x, y = rng.uniform(100, 1500, 2).round(1)
                w, h = rng.uniform(50, 400, 2).round(1)
                box = [x, y, x + w, y + h]
            rows.append([image, c, VIN_NAMES[c], "R9", *box])
    answers = pd.DataFrame(
        rows,
        columns=[
            "image_id",
            "class_id",
            "class_name",
            "rad_id",
            "x_min",
            "y_min",
            "x_max",
            "y_max",
        ],
    )
    gold = (
        answers.assign(
            text=[
                f"{r.class_id} 1.0 {r.x_min} {r.y_min} {r.x_max} {r.y_max}"
                for r in answers.itertuples()
            ]
        )
        .groupby("image_id")["text"]
        .agg(" ".join)
        .reset_index()
        .rename(columns={"text": "PredictionString"})
    )
    sample = pd.DataFrame({"image_id": ids, "PredictionString": "14 1 0 0 1 1"})
    return Synth(csv_roundtrip(answers), csv_roundtrip(sample), csv_roundtrip(gold))


def kuzushiji(rng: np.random.Generator) -> Synth:
    ids = [f"umgy{i:03d}-{rng.integers(10, 99)}" for i in range(4)]
    labels, golds = [], []
    for _ in ids:
        groups, centres = [], []
        for _ in range(int(rng.integers(3, 8))):
            code = f"U+{int(rng.integers(0x3041, 0x3096)):04X}"
            x, y = (int(v) for v in rng.integers(0, 2000, 2))
            w, h = (int(v) for v in rng.integers(5, 80, 2))
            groups.append(f"{code} {x} {y} {w} {h}")
            centres.append(f"{code} {x + 1} {y + 1}")
        labels.append(" ".join(groups))
        golds.append(" ".join(centres))
    answers = pd.DataFrame({"image_id": ids, "labels": labels})
    gold = pd.DataFrame({"image_id": ids, "labels": golds})
    sample = answers.assign(labels="U+003F 1 1 U+FF2F 2 2")
    return Synth(csv_roundtrip(answers), csv_roundtrip(sample), csv_roundtrip(gold))


GENERATORS: dict[str, Callable[[np.random.Generator], Synth]] = {
    "hubmap-kidney-segmentation": hubmap,
    "google-research-identify-contrails-reduce-global-warming": contrails,
    "uw-madison-gi-tract-image-segmentation": uw_madison,
    "tgs-salt-identification-challenge": tgs,
    "vesuvius-challenge-ink-detection": vesuvius,
    "3d-object-detection-for-autonomous-vehicles": lyft,
    "siim-covid19-detection": siim,
    "vinbigdata-chest-xray-abnormalities-detection": vinbigdata,
    "kuzushiji-recognition": kuzushiji,
}


def make(cid: str, seed: int = 0) -> Synth:
    return GENERATORS[cid](np.random.default_rng(seed))


# ------------------------------------------------------------------ malformed submissions
# Each takes (submission, competition id); the mask and box tests add their own.


def drop_prediction(df: pd.DataFrame, cid: str) -> pd.DataFrame:
    return df.drop(columns=[columns_of(cid)[1]])


def drop_id(df: pd.DataFrame, cid: str) -> pd.DataFrame:
    return df.drop(columns=[columns_of(cid)[0]])


def unknown_id(df: pd.DataFrame, cid: str) -> pd.DataFrame:
    id_column = columns_of(cid)[0]
    out = df.copy()
    out[id_column] = out[id_column].astype(str)
    out.loc[0, id_column] = "not-a-test-id"
    return out


def duplicate_id(df: pd.DataFrame, cid: str) -> pd.DataFrame:
    return pd.concat([df, df.iloc[[0]]], ignore_index=True)


def empty(df: pd.DataFrame, cid: str) -> pd.DataFrame:
    return df.iloc[:0]


def set_first(value: object) -> Callable[[pd.DataFrame, str], pd.DataFrame]:
    """A mutation that puts ``value`` in the first row's prediction cell."""

    def mutate(df: pd.DataFrame, cid: str) -> pd.DataFrame:
        out = df.copy()
        column = columns_of(cid)[1]
        out[column] = out[column].astype(object)
        out.loc[0, column] = value
        return out

    mutate.__name__ = f"first_prediction_{value!r}"
    return mutate


def check_refused(cid: str, bad: pd.DataFrame, answers: pd.DataFrame) -> None:
    """Written to CSV and read back (unless empty), ``bad`` is refused with a message."""
    bad = csv_roundtrip(bad) if len(bad) else bad
    with pytest.raises(InvalidSubmission) as info:
        score_submission(cid, bad, answers)
    assert str(info.value)


# ------------------------------------------------------------------ structured answers


def qa_records(rng: np.random.Generator, n: int = 12) -> list[dict[str, Any]]:
    """Natural Questions records: some unanswerable, some YES/NO, some with short spans."""
    records = []
    for i in range(n):
        start = int(rng.integers(0, 500))
        has_long = i % 4 != 0
        kind = ["span", "yes_no", "none"][i % 3] if has_long else "none"
        shorts = [{"start_token": start + 2, "end_token": start + 5}] if kind == "span" else []
        annotation = {
            "annotation_id": int(rng.integers(1, 10**9)),
            "long_answer": {
                "start_token": start if has_long else -1,
                "end_token": start + 40 if has_long else -1,
                "candidate_index": 0 if has_long else -1,
            },
            "short_answers": shorts,
            "yes_no_answer": "YES" if kind == "yes_no" else "NONE",
        }
        records.append(
            {
                "example_id": str(int(rng.integers(-(2**62), 2**62))),
                "question_text": f"question {i}",
                "document_text": "word " * 50,
                "annotations": [annotation],
            }
        )
    return records


def qa(rng: np.random.Generator) -> Synth:
    records = qa_records(rng)
    answers = pd.DataFrame.from_records(
        [{"example_id": r["example_id"], "annotations": r["annotations"]} for r in records]
    )
    rows = []
    for r in records:
        a = r["annotations"][0]
        if a["yes_no_answer"] != "NONE":
            short = a["yes_no_answer"]
        elif a["short_answers"]:
            short = f"{a['short_answers'][0]['start_token']}:{a['short_answers'][0]['end_token']}"
        else:
            short = ""
        long = a["long_answer"]
        rows.append((f"{r['example_id']}_short", short))
        rows.append(
            (
                f"{r['example_id']}_long",
                f"{long['start_token']}:{long['end_token']}" if long["start_token"] != -1 else "",
            )
        )
    gold = pd.DataFrame(rows, columns=["example_id", "PredictionString"])
    sample = gold.assign(PredictionString="")
    return Synth(answers, csv_roundtrip(sample), csv_roundtrip(gold), {"records": records})
