"""Each high-complexity competition prepares from a synthetic Kaggle download as MLE-bench does.

The text outputs are compared byte for byte with references written here from the facts of
MLE-bench's prepare scripts (``/work/shared/reference/specs/<id>.md``): each reference redoes
the split with sklearn/pandas/random directly, independently of the prepare modules.
(Outside CI, MLE-bench's own prepare.py run under pandas 2.2.2 / numpy 1.26.4 / sklearn 1.5.1
on these same fixtures gave byte-identical files for all 15 competitions.)
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import train_test_split

from mle_inspect.competitions import get_competition, split_ids
from mle_inspect.data import competition_paths, prepare_competition
from mle_inspect.data._layout import MARKER_NAME

from . import _synthetic_high  # noqa: F401  (registers the builders)
from ._synthetic import build

IDS = split_ids("high")

EXPECTED: dict[str, tuple[set[str], set[str]]] = {
    "3d-object-detection-for-autonomous-vehicles": (
        {"train.csv", "sample_submission.csv", "train_data", "test_data", "train_maps", "test_maps"}
        | {"train_images", "test_images", "train_lidar", "test_lidar"},
        {"test.csv"},
    ),
    "bms-molecular-translation": (
        {"train_labels.csv", "train", "test", "sample_submission.csv", "extra_approved_InChIs.csv"},
        {"test.csv"},
    ),
    "google-research-identify-contrails-reduce-global-warming": (
        {"train", "test", "validation", "validation_metadata.json", "train_metadata.json"}
        | {"sample_submission.csv"},
        {"answers.csv"},
    ),
    "hms-harmful-brain-activity-classification": (
        {"train.csv", "test.csv", "sample_submission.csv", "example_figures", "train_eegs"}
        | {"test_eegs", "train_spectrograms", "test_spectrograms"},
        {"test.csv", "gold_submission.csv"},
    ),
    "iwildcam-2019-fgvc6": (
        {"train.csv", "test.csv", "sample_submission.csv", "train_images.zip", "test_images.zip"},
        {"test.csv", "answers.csv"},
    ),
    "nfl-player-contact-detection": (
        {"train", "test", "train_labels.csv", "sample_submission.csv"}
        | {
            f"{s}_{t}.csv"
            for s in ("train", "test")
            for t in ("baseline_helmets", "player_tracking", "video_metadata")
        },
        {"test.csv"},
    ),
    "predict-volcanic-eruptions-ingv-oe": (
        {"train.csv", "sample_submission.csv", "train", "test"},
        {"test.csv"},
    ),
    "rsna-2022-cervical-spine-fracture-detection": (
        {"train.csv", "train_bounding_boxes.csv", "test.csv", "sample_submission.csv"}
        | {"segmentations", "train_images", "test_images"},
        {"answers.csv"},
    ),
    "rsna-breast-cancer-detection": (
        {"train.csv", "test.csv", "sample_submission.csv", "train_images", "test_images"},
        {"answers.csv"},
    ),
    "rsna-miccai-brain-tumor-radiogenomic-classification": (
        {"train", "test", "train_labels.csv", "sample_submission.csv"},
        {"test.csv"},
    ),
    "siim-covid19-detection": (
        {
            "train_study_level.csv",
            "train_image_level.csv",
            "train",
            "test",
            "sample_submission.csv",
        },
        {"test.csv"},
    ),
    "smartphone-decimeter-2022": (
        {"train", "test", "metadata", "sample_submission.csv"},
        {"test.csv"},
    ),
    "stanford-covid-vaccine": ({"train.json", "test.json", "sample_submission.csv"}, {"test.csv"}),
    "vesuvius-challenge-ink-detection": (
        {"train", "test", "sample_submission.csv"},
        {"inklabels_rle.csv", "gold_submission.csv"},
    ),
    "vinbigdata-chest-xray-abnormalities-detection": (
        {"train.csv", "sample_submission.csv", "train", "test"},
        {"answers.csv", "gold_submission.csv"},
    ),
}

# (sample id column, answers id column, same row order?)
ID_COLUMNS: dict[str, tuple[str, str, bool]] = {
    "3d-object-detection-for-autonomous-vehicles": ("Id", "Id", True),
    "bms-molecular-translation": ("image_id", "image_id", True),
    "google-research-identify-contrails-reduce-global-warming": ("record_id", "record_id", True),
    "hms-harmful-brain-activity-classification": ("eeg_id", "eeg_id", True),
    "iwildcam-2019-fgvc6": ("Id", "Id", True),
    "nfl-player-contact-detection": ("contact_id", "contact_id", True),
    "predict-volcanic-eruptions-ingv-oe": ("segment_id", "segment_id", True),
    "rsna-2022-cervical-spine-fracture-detection": ("row_id", "row_id", True),
    "rsna-breast-cancer-detection": ("prediction_id", "prediction_id", True),
    "rsna-miccai-brain-tumor-radiogenomic-classification": ("BraTS21ID", "BraTS21ID", True),
    "siim-covid19-detection": ("id", "id", True),
    "smartphone-decimeter-2022": ("tripId", "tripId", True),
    "stanford-covid-vaccine": ("id_seqpos", "id_seqpos", True),
    "vesuvius-challenge-ink-detection": ("Id", "Id", True),
    "vinbigdata-chest-xray-abnormalities-detection": ("image_id", "image_id", False),
}


@pytest.fixture(scope="module")
def raw_of(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """The synthetic raw download of a competition, rebuilt from the same seed."""
    done: dict[str, Path] = {}

    def get(cid: str) -> Path:
        if cid not in done:
            done[cid] = build(cid, tmp_path_factory.mktemp("raw") / cid)
        return done[cid]

    return get


def test_every_high_competition_has_a_prepare_hook_and_synthetic_data() -> None:
    assert len(IDS) == 15
    assert set(EXPECTED) == set(IDS)
    assert all(get_competition(c).prepare and get_competition(c).ready for c in IDS)


@pytest.mark.parametrize("cid", IDS)
def test_prepare_writes_exactly_the_expected_public_and_private_files(cid: str, prepared) -> None:  # noqa: ANN001
    root = prepared(cid)
    public, private = EXPECTED[cid]
    assert {p.name for p in (root / "public").iterdir()} == public | {"description.md"}
    assert {p.name for p in (root / "private").iterdir()} == private
    competition = get_competition(cid)
    assert (root / competition.answers).is_file()
    assert (root / competition.sample_submission).is_file()


@pytest.mark.parametrize("cid", IDS)
def test_sample_submission_ids_agree_with_the_answers(cid: str, prepared) -> None:  # noqa: ANN001
    root = prepared(cid)
    competition = get_competition(cid)
    sample_column, answer_column, ordered = ID_COLUMNS[cid]
    sample = pd.read_csv(root / competition.sample_submission)[sample_column].tolist()
    answers = pd.read_csv(root / competition.answers)[answer_column].tolist()
    assert sample, "the test set is not empty"
    if ordered:
        assert sample == answers
    else:
        assert sorted(set(sample)) == sorted(set(answers))


@pytest.mark.parametrize("cid", IDS)
def test_sample_submission_is_valid_under_the_competitions_grader(cid: str, prepared) -> None:  # noqa: ANN001
    from mle_inspect.scorers.grading import grade

    root = prepared(cid)
    competition = get_competition(cid)
    report = grade(cid, root / competition.sample_submission, data_dir=root.parent.parent)
    assert report.valid_submission, report.message
    assert report.score is not None


# ------------------------------------------------------------------------- references


def _rt(path: Path, **kwargs) -> pd.DataFrame:  # noqa: ANN003
    """MLE-bench's round-trip reader (the default parser of pandas >= 3.1)."""
    return pd.read_csv(path, **kwargs)


def _csv(frame: pd.DataFrame, **kwargs) -> bytes:  # noqa: ANN003
    return frame.to_csv(index=False, **kwargs).encode()


def _tts(data: Any, test_size: float | int, seed: int = 0) -> Any:
    return train_test_split(data, test_size=test_size, random_state=seed)


def _first_seen(values: pd.Series) -> list:
    return list(dict.fromkeys(values.tolist()))


def _ref_volcanic(raw: Path) -> dict[str, bytes]:
    train, test = _tts(_rt(raw / "train.csv"), 0.1)
    return {
        "private/test.csv": _csv(test),
        "public/train.csv": _csv(train),
        "public/sample_submission.csv": _csv(test.assign(time_to_eruption=0)),
    }


def _ref_bms(raw: Path) -> dict[str, bytes]:
    train, test = _tts(pd.read_csv(raw / "train_labels.csv"), 0.2)
    return {
        "public/train_labels.csv": _csv(train),
        "private/test.csv": _csv(test),
        "public/sample_submission.csv": _csv(test.assign(InChI="InChI=1S/H2O/h1H2")),
        "public/extra_approved_InChIs.csv": (raw / "extra_approved_InChIs.csv").read_bytes(),
    }


def _ref_miccai(raw: Path) -> dict[str, bytes]:
    frame = _rt(raw / "train_labels.csv", dtype={"BraTS21ID": str, "MGMT_value": int})
    train, test = _tts(frame, 0.1)
    return {
        "public/train_labels.csv": _csv(train),
        "private/test.csv": _csv(test),
        "public/sample_submission.csv": _csv(test.assign(MGMT_value=0.5)),
    }


def _ref_nfl(raw: Path) -> dict[str, bytes]:
    labels = pd.read_csv(raw / "train_labels.csv")
    train_plays, test_plays = _tts(_first_seen(labels["game_play"]), 0.1)
    out = {
        "public/train_labels.csv": _csv(labels[labels["game_play"].isin(train_plays)]),
        "private/test.csv": _csv(labels[labels["game_play"].isin(test_plays)]),
    }
    for table in ("baseline_helmets", "player_tracking", "video_metadata"):
        frame = pd.read_csv(raw / f"train_{table}.csv")
        for side, plays in (("train", train_plays), ("test", test_plays)):
            out[f"public/{side}_{table}.csv"] = _csv(frame[frame["game_play"].isin(plays)])
    test = labels[labels["game_play"].isin(test_plays)]
    lines = ["contact_id,contact", *(f"{c},0" for c in test["contact_id"])]
    out["public/sample_submission.csv"] = ("\n".join(lines) + "\n").encode()
    return out


def _ref_iwildcam(raw: Path) -> dict[str, bytes]:
    frame = _rt(raw / "train.csv")
    _, test_locations = _tts(_first_seen(frame["location"]), 0.1, seed=8)
    in_test = frame["location"].isin(test_locations)
    answers = frame[in_test]
    lines = [
        ",Id,Category",
        *(f"{k},{i},0" for k, i in zip(answers.index, answers["id"], strict=True)),
    ]
    gold = answers[["id", "category_id"]].set_axis(["Id", "Category"], axis=1)
    return {
        "private/test.csv": _csv(answers),
        "private/answers.csv": _csv(gold),
        "public/train.csv": _csv(frame[~in_test]),
        "public/test.csv": _csv(answers.drop(columns="category_id")),
        "public/sample_submission.csv": ("\n".join(lines) + "\n").encode(),
    }


def _ref_hms(raw: Path) -> dict[str, bytes]:
    frame = _rt(raw / "train.csv")
    _, test_specs = _tts(_first_seen(frame["spectrogram_id"]), 0.1)
    in_test = frame["spectrogram_id"].isin(test_specs)
    test = frame[in_test]
    votes = list(_synthetic_high.HMS_VOTES)
    probabilities = test[votes].to_numpy(float) / test[votes].to_numpy(float).sum(1, keepdims=True)
    gold = pd.DataFrame(probabilities, columns=votes, index=test.index)
    gold.insert(0, "eeg_id", test["eeg_id"])
    return {
        "public/train.csv": _csv(frame[~in_test]),
        "private/test.csv": _csv(test),
        "public/test.csv": _csv(test[["spectrogram_id", "eeg_id", "patient_id"]]),
        "private/gold_submission.csv": _csv(gold),
        "public/sample_submission.csv": _csv(gold.assign(**dict.fromkeys(votes, 1 / 6))),
    }


def _ref_covid(raw: Path) -> dict[str, bytes]:
    frame = pd.read_json(raw / "train.json", lines=True)
    test_columns = pd.read_json(raw / "test.json", lines=True).columns
    chosen = frame[frame["SN_filter"] > 0].sample(n=len(frame) // 10, random_state=0).index
    train, test = frame.drop(index=chosen), frame.loc[sorted(chosen)]
    targets = _synthetic_high.COVID_TARGETS
    answers, sample = (
        ["id_seqpos," + ",".join(targets) + ",keep"],
        ["id_seqpos," + ",".join(targets)],
    )
    for _, row in test.iterrows():
        for j in range(row["seq_length"]):
            scored = j < row["seq_scored"]
            values = [row[t][j] if scored else 0.0 for t in targets]
            answers.append(
                f"{row['id']}_{j}," + ",".join(f"{v:.10f}" for v in values) + f",{scored}"
            )
            sample.append(f"{row['id']}_{j}," + ",".join(["0.0000000000"] * 5))
    public_test = test[list(test_columns)].assign(index=range(len(test)))
    return {
        "private/test.csv": ("\n".join(answers) + "\n").encode(),
        "public/sample_submission.csv": ("\n".join(sample) + "\n").encode(),
        "public/train.json": train.assign(index=range(len(train)))
        .to_json(orient="records", lines=True)
        .encode(),
        "public/test.json": public_test.to_json(orient="records", lines=True).encode(),
    }


def _ref_vinbig(raw: Path) -> dict[str, bytes]:
    frame = _rt(raw / "train.csv")
    train_ids, test_ids = _tts(_first_seen(frame["image_id"]), 0.1)
    test = frame[frame["image_id"].isin(test_ids)]
    firsts: dict[tuple[str, int], dict] = {}
    for record in test.to_dict("records"):  # first non-missing value of each column
        slot = firsts.setdefault((record["image_id"], record["class_id"]), {})
        for key, value in record.items():
            if key not in slot or pd.isna(slot[key]):
                slot[key] = value
    rows = []
    for (image, cls), slot in sorted(firsts.items()):
        boxes = [
            0.0 if pd.isna(slot[k]) else float(slot[k])
            for k in ("x_min", "y_min", "x_max", "y_max")
        ]
        if cls == 14:
            boxes[2:] = [1.0, 1.0]
        rows.append([image, cls, slot["class_name"], slot["rad_id"], *boxes])
    columns = ["image_id", "class_id", "class_name", "rad_id", "x_min", "y_min", "x_max", "y_max"]
    answers = pd.DataFrame(rows, columns=columns)
    strings: dict[str, list[str]] = {}
    for image, cls, _, _, *boxes in rows:
        strings.setdefault(image, []).append(f"{cls} 1.0 " + " ".join(map(str, boxes)))
    gold = "image_id,PredictionString\n" + "".join(
        f"{i},{' '.join(s)}\n" for i, s in sorted(strings.items())
    )
    sample = "image_id,PredictionString\n" + "".join(f"{i},14 1 0 0 1 1\n" for i in test_ids)
    return {
        "public/train.csv": _csv(frame[frame["image_id"].isin(train_ids)]),
        "private/answers.csv": _csv(answers),
        "private/gold_submission.csv": gold.encode(),
        "public/sample_submission.csv": sample.encode(),
    }


def _ref_siim(raw: Path) -> dict[str, bytes]:
    studies = _rt(raw / "train_study_level.csv")
    train, test = (part.sort_values("id") for part in _tts(studies, 0.1))
    images = _rt(raw / "train_image_level.csv")
    of_study = images["StudyInstanceUID"] + "_study"
    test_images = images[of_study.isin(test["id"])].sort_values("id")
    names = ["negative", "typical", "indeterminate", "atypical"]
    labels = [names[int(np.argmax(r))] for r in test.iloc[:, 1:].to_numpy()]
    answers = [f"{i},{label} 1 0 0 1 1" for i, label in zip(test["id"], labels, strict=True)]
    answers += [
        f"{i},{label}" for i, label in zip(test_images["id"], test_images["label"], strict=True)
    ]
    sample = [f"{i},negative 1 0 0 1 1" for i in test["id"]]
    sample += [f"{i},none 1 0 0 1 1" for i in test_images["id"]]
    return {
        "public/train_study_level.csv": _csv(train),
        "public/train_image_level.csv": _csv(images[of_study.isin(train["id"])].sort_values("id")),
        "private/test.csv": ("id,PredictionString\n" + "\n".join(answers) + "\n").encode(),
        "public/sample_submission.csv": (
            "id,PredictionString\n" + "\n".join(sample) + "\n"
        ).encode(),
    }


def _ref_breast(raw: Path) -> dict[str, bytes]:
    frame = _rt(raw / "train.csv")
    _, test_patients = _tts(_first_seen(frame["patient_id"]), 0.1, seed=42)
    in_test = frame["patient_id"].isin(test_patients)
    train, test = frame[~in_test], frame[in_test]
    columns = [
        "site_id",
        "patient_id",
        "image_id",
        "laterality",
        "view",
        "age",
        "implant",
        "machine_id",
    ]
    public_test = test[columns].assign(
        prediction_id=[
            f"{p}_{s}" for p, s in zip(test["patient_id"], test["laterality"], strict=True)
        ]
    )
    first: dict[str, int] = {}
    for pid, cancer in zip(public_test["prediction_id"], test["cancer"], strict=True):
        first.setdefault(pid, cancer)
    keys = sorted(first)
    answers = pd.DataFrame({"prediction_id": keys, "cancer": [first[k] for k in keys]})
    return {
        "public/train.csv": _csv(train),
        "public/test.csv": _csv(public_test),
        "private/answers.csv": _csv(answers),
        "public/sample_submission.csv": _csv(answers.assign(cancer=train["cancer"].mean())),
    }


def _ref_spine(raw: Path) -> dict[str, bytes]:
    rng = random.Random(0)
    frame = _rt(raw / "train.csv")
    boxes = _rt(raw / "train_bounding_boxes.csv")
    box_ids = sorted(set(boxes["StudyInstanceUID"]))
    seg_ids = sorted(p.name[: -len(".nii")] for p in (raw / "segmentations").iterdir())
    both = [u for u in box_ids if u in seg_ids]
    picked = rng.sample(both, round(len(both) / 10))
    segs = picked + rng.sample(
        [u for u in seg_ids if u not in both], round(len(seg_ids) / 10) - len(picked)
    )
    with_boxes = picked + rng.sample(
        [u for u in box_ids if u not in both], round(len(box_ids) / 10) - len(picked)
    )
    chosen = list(dict.fromkeys(segs + with_boxes))
    chosen += rng.sample(
        [u for u in frame["StudyInstanceUID"] if u not in chosen],
        round(len(frame) / 10) - len(chosen),
    )
    rest = frame[~frame["StudyInstanceUID"].isin(chosen)]
    rows = [
        (uid, target, rest.loc[k, target])
        for target in frame.columns[1:]
        for k, uid in zip(rest.index, rest["StudyInstanceUID"], strict=True)
    ]
    answers = pd.DataFrame(rows, columns=["StudyInstanceUID", "prediction_type", "fractured"])
    answers["row_id"] = [f"{u}_{t}" for u, t, _ in rows]
    return {
        "public/train.csv": _csv(frame[frame["StudyInstanceUID"].isin(chosen)]),
        "public/train_bounding_boxes.csv": _csv(boxes[boxes["StudyInstanceUID"].isin(with_boxes)]),
        "private/answers.csv": _csv(answers),
        "public/sample_submission.csv": _csv(answers[["row_id"]].assign(fractured=0.5)),
        "public/test.csv": _csv(answers[["StudyInstanceUID", "prediction_type", "row_id"]]),
    }


def _ref_smartphone(raw: Path) -> dict[str, bytes]:
    drives = sorted(os.listdir(raw / "train"))
    day = {d: "-".join(p.zfill(2) for p in d.split("-")[:3]) for d in drives}
    _, test_days = _tts(sorted(set(day.values())), 0.1)
    frames = []
    for drive in (d for d in drives if day[d] in test_days):
        for phone in sorted(os.listdir(raw / "train" / drive)):
            truth = pd.read_csv(raw / "train" / drive / phone / "ground_truth.csv")
            truth.insert(0, "tripId", f"{drive}-{phone}")
            frames.append(
                truth[["tripId", "UnixTimeMillis", "LatitudeDegrees", "LongitudeDegrees"]]
            )
    answers = pd.concat(frames, ignore_index=True)
    sample = answers.assign(LatitudeDegrees=37.904611315634504, LongitudeDegrees=-86.48107806249548)
    return {"private/test.csv": _csv(answers), "public/sample_submission.csv": _csv(sample)}


def _ref_lyft(raw: Path) -> dict[str, bytes]:
    data = raw / "train_data"
    logs = json.loads((data / "log.json").read_text())
    train_logs, test_logs = _tts([g["token"] for g in logs], 0.2)
    samples = json.loads((data / "sample.json").read_text())
    side = {s["token"]: ("test" if s["scene_token"] in test_logs else "train") for s in samples}
    table = pd.read_csv(raw / "train.csv")
    is_test = table["Id"].map(side) == "test"
    test = table[is_test].copy()
    test["PredictionString"] = [
        " ".join(
            " ".join(["1.0", *t.split(" ")[k : k + 8]]) for k in range(0, len(t.split(" ")), 8)
        )
        for t in test["PredictionString"]
    ]
    maps = json.loads((data / "map.json").read_text())
    maps[0]["log_tokens"] = test_logs
    out = {
        "public/train.csv": _csv(table[~is_test]),
        "private/test.csv": _csv(test),
        "public/sample_submission.csv": (
            "Id,PredictionString\n" + "".join(f"{i},\n" for i in test["Id"])
        ).encode(),
        "public/train_data/map.json": json.dumps(maps).encode(),
        "public/test_data/map.json": json.dumps(maps).encode(),
    }
    for name, logs_of_side in (("train", train_logs), ("test", test_logs)):
        out[f"public/{name}_data/log.json"] = json.dumps(
            [g for g in logs if g["token"] in logs_of_side]
        ).encode()
        out[f"public/{name}_data/sample.json"] = json.dumps(
            [s for s in samples if side[s["token"]] == name]
        ).encode()
    return out


def _ref_contrails(raw: Path) -> dict[str, bytes]:
    train_meta = json.loads((raw / "train_metadata.json").read_text())
    n_validation = len(json.loads((raw / "validation_metadata.json").read_text()))
    train, test = _tts(train_meta, n_validation)
    lines = []
    for record in test:
        folder = raw / "train" / record["record_id"]
        mask = np.load(folder / "human_pixel_masks.npy")[:, :, 0]
        height, width = np.load(folder / "band_08.npy").shape[:2]
        runs: list[list[int]] = []
        for position, (row, col) in enumerate((r, c) for c in range(width) for r in range(height)):
            if mask[row, col] == 1:
                if runs and runs[-1][0] + runs[-1][1] - 1 == position:
                    runs[-1][1] += 1
                else:
                    runs.append([position + 1, 1])
        encoded = " ".join(f"{s} {n}" for s, n in runs) or "-"
        lines.append((record["record_id"], encoded, height, width))
    random.seed(0)
    choices = [random.choice(["1 3 10 5", "-"]) for _ in lines]
    header = "record_id,encoded_pixels,height,width\n"
    return {
        "private/answers.csv": (
            header + "".join(f"{r},{e},{h},{w}\n" for r, e, h, w in lines)
        ).encode(),
        "public/sample_submission.csv": (
            header
            + "".join(f"{r},{c},{h},{w}\n" for (r, _, h, w), c in zip(lines, choices, strict=True))
        ).encode(),
        "public/train_metadata.json": json.dumps(train).encode(),
        "public/validation_metadata.json": (raw / "validation_metadata.json").read_bytes(),
    }


def _ref_vesuvius(raw: Path) -> dict[str, bytes]:
    from PIL import Image

    fragment = raw / "train" / "3"
    rle = (fragment / "inklabels_rle.csv").read_text().splitlines()[1].split(",", 1)[1]
    width, height = Image.open(fragment / "ir.png").size
    return {
        "private/inklabels_rle.csv": f"Id,Predicted,width,height\na,{rle},{width},{height}\n".encode(),
        "private/gold_submission.csv": f"Id,Predicted\na,{rle}\n".encode(),
        "public/sample_submission.csv": b"Id,Predicted\na,1 1 5 1\n",
    }


REFERENCES: dict[str, Callable[[Path], dict[str, bytes]]] = {
    "3d-object-detection-for-autonomous-vehicles": _ref_lyft,
    "bms-molecular-translation": _ref_bms,
    "google-research-identify-contrails-reduce-global-warming": _ref_contrails,
    "hms-harmful-brain-activity-classification": _ref_hms,
    "iwildcam-2019-fgvc6": _ref_iwildcam,
    "nfl-player-contact-detection": _ref_nfl,
    "predict-volcanic-eruptions-ingv-oe": _ref_volcanic,
    "rsna-2022-cervical-spine-fracture-detection": _ref_spine,
    "rsna-breast-cancer-detection": _ref_breast,
    "rsna-miccai-brain-tumor-radiogenomic-classification": _ref_miccai,
    "siim-covid19-detection": _ref_siim,
    "smartphone-decimeter-2022": _ref_smartphone,
    "stanford-covid-vaccine": _ref_covid,
    "vesuvius-challenge-ink-detection": _ref_vesuvius,
    "vinbigdata-chest-xray-abnormalities-detection": _ref_vinbig,
}


@pytest.mark.parametrize("cid", IDS)
def test_text_outputs_are_byte_identical_to_an_independent_reference(
    cid: str,
    prepared,
    raw_of,  # noqa: ANN001
) -> None:
    root = prepared(cid)
    expected = REFERENCES[cid](raw_of(cid))
    for rel, data in expected.items():
        actual = (root / rel).read_bytes()
        assert actual == data, f"{cid}: {rel} differs from the reference"


# ------------------------------------------------------------------- media and parity quirks


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_smartphone_test_drives_lose_ground_truth_but_keep_span_logs(prepared) -> None:  # noqa: ANN001
    public = prepared("smartphone-decimeter-2022") / "public"
    test_files = _files(public / "test")
    assert test_files and not any(f.endswith("ground_truth.csv") for f in test_files)
    assert any(f.endswith("span_log.nmea") for f in test_files)  # MLE-bench issue #93, kept
    train_drives = {p.name for p in (public / "train").iterdir()}
    assert not train_drives & {p.name for p in (public / "test").iterdir()}
    answers = pd.read_csv(prepared("smartphone-decimeter-2022") / "private" / "test.csv")
    assert {t.rsplit("-", 1)[0] for t in answers["tripId"]} == {
        p.name for p in (public / "test").iterdir()
    }


def test_contrail_test_records_hold_only_the_nine_bands(prepared) -> None:  # noqa: ANN001
    root = prepared("google-research-identify-contrails-reduce-global-warming")
    answers = pd.read_csv(root / "private" / "answers.csv", dtype={"record_id": str})
    for record in answers["record_id"]:
        assert _files(root / "public" / "test" / record) == {
            f"band_{b:02}.npy" for b in range(8, 17)
        }
    for folder in (root / "public" / "train").iterdir():
        assert {"human_pixel_masks.npy", "human_individual_masks.npy"} <= _files(folder)


def test_vesuvius_test_fragment_hides_labels_and_infrared(prepared) -> None:  # noqa: ANN001
    public = prepared("vesuvius-challenge-ink-detection") / "public"
    assert _files(public / "test" / "a") == {"mask.png"} | {
        f"surface_volume/0{k}.tif" for k in range(3)
    }
    assert "inklabels.png" in _files(public / "train" / "1")


def test_lyft_test_tables_have_no_annotations_and_media_follow_the_split(prepared) -> None:  # noqa: ANN001
    public = prepared("3d-object-detection-for-autonomous-vehicles") / "public"
    assert {"sample_annotation.json", "instance.json"} <= _files(public / "train_data")
    assert not {"sample_annotation.json", "instance.json"} & _files(public / "test_data")
    test_data = json.loads((public / "test_data" / "sample_data.json").read_text())
    expected = {Path(d["filename"]).name for d in test_data}
    assert _files(public / "test_images") | _files(public / "test_lidar") == expected


def test_rsna_2022_keeps_mlebench_ten_percent_train_share(prepared) -> None:  # noqa: ANN001
    root = prepared("rsna-2022-cervical-spine-fracture-detection")
    train = pd.read_csv(root / "public" / "train.csv")
    answers = pd.read_csv(root / "private" / "answers.csv")
    assert len(train) == 6 and answers["StudyInstanceUID"].nunique() == 54  # of 60: v1 parity
    assert {p.name for p in (root / "public" / "train_images").iterdir()} == set(
        train["StudyInstanceUID"]
    )


def test_media_are_hard_linked_not_copied(raw_of, tmp_path: Path) -> None:  # noqa: ANN001
    from mle_inspect.competitions.prepare import h_tables

    raw = raw_of("rsna-breast-cancer-detection")
    public, private = tmp_path / "public", tmp_path / "private"
    public.mkdir(), private.mkdir()
    h_tables.rsna_breast_cancer_detection(raw, public, private)
    images = sorted((public / "test_images").rglob("*.dcm"))
    assert images
    for image in images:
        source = raw / "train_images" / image.parent.name / image.name
        assert os.path.samefile(image, source)


def test_link_falls_back_to_a_copy_when_links_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mle_inspect.competitions.prepare import h_files

    def refuse(*_args: object) -> None:
        raise OSError(18, "Invalid cross-device link")

    source = tmp_path / "a.dcm"
    source.write_bytes(b"dicom")
    monkeypatch.setattr(h_files.os, "link", refuse)
    h_files.link_file(source, tmp_path / "out" / "a.dcm")
    assert (tmp_path / "out" / "a.dcm").read_bytes() == b"dicom"
    assert not os.path.samefile(source, tmp_path / "out" / "a.dcm")


@pytest.mark.parametrize("cid", IDS)
def test_two_runs_produce_identical_bytes(
    cid: str, prepared, session_kaggle, tmp_path: Path
) -> None:  # noqa: ANN001
    def digests(root: Path) -> dict[str, str]:
        return {
            p.relative_to(root).as_posix(): hashlib.md5(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))
            if p.is_file() and p.name not in (MARKER_NAME, "leaderboard.source.json")  # timestamps
        }

    paths = competition_paths(cid, tmp_path)
    prepare_competition(get_competition(cid), paths, client=session_kaggle, skip_verify=True)
    assert digests(paths.prepared) == digests(prepared(cid))


# pandas 2.2's default CSV float parser (MLE-bench's plain read_csv), recorded by running
# pandas 2.2.2 on these texts: each differs from the correctly rounded value pandas 3.1 gives.
PANDAS_2_PARSES = {
    "7735937052917.3720703": 7735937052917.373,
    "31.010853061213509818": 31.010853061213506,
    "0.000108052869064833": 0.0001080528690648,
    "0.0003341852936031615": 0.0003341852936031,
    "-8.18337599171458498560e+21": -8.183375991714586e21,
    "-9.0221415276266601e+22": -9.022141527626658e22,
}


@pytest.mark.parametrize("text", sorted(PANDAS_2_PARSES))
def test_legacy_float_reproduces_pandas_2_default_parser(text: str) -> None:
    from mle_inspect.competitions.prepare.h_floats import legacy_float

    assert float(text) != PANDAS_2_PARSES[text]  # pandas >= 3.1 and Python round correctly
    assert legacy_float(text) == PANDAS_2_PARSES[text]


def test_read_csv_legacy_reparses_only_long_values(tmp_path: Path) -> None:
    from mle_inspect.competitions.prepare.h_floats import read_csv_legacy

    texts = sorted(PANDAS_2_PARSES)
    path = tmp_path / "t.csv"
    rows = [f"{k},{t},0.25,s{k}" for k, t in enumerate(texts)] + ["9,,1.5,x"]
    path.write_text("i,x,y,s\n" + "\n".join(rows) + "\n")
    frame = read_csv_legacy(path, chunksize=4)  # the fix-up spans several chunks
    assert frame["x"].tolist()[:-1] == [PANDAS_2_PARSES[t] for t in texts]
    assert pd.isna(frame["x"].iloc[-1])
    assert frame["y"].tolist() == [0.25] * len(texts) + [1.5]
    assert frame["i"].dtype.kind == "i" and frame["s"].tolist()[-1] == "x"
