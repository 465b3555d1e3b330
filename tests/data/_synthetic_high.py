"""Synthetic Kaggle downloads of the 15 high-complexity competitions (tiny, seeded).

Importing this module registers each builder with ``_synthetic.BUILDERS``, so the fake Kaggle
client of ``conftest`` serves them too. File names, folder layouts and column types follow the
real downloads; media are a few bytes except where the prepare reads them (contrail masks
and band shapes, the Vesuvius infrared PNG's size).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from ._synthetic import _blob, _csv, builder


def _ids(rng: np.random.Generator, n: int, width: int = 12) -> list[str]:
    values = rng.choice(16**8, size=n, replace=False)
    return [f"{int(v):0{width}x}" for v in values]


def _json_lines(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def _dump(path: Path, value: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2))


def _npy(path: Path, array: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, array)


@builder("predict-volcanic-eruptions-ingv-oe")
def _volcanic(root: Path, rng: np.random.Generator) -> None:
    ids = rng.choice(2_000_000_000, size=60, replace=False)
    _csv(
        root / "train.csv",
        pd.DataFrame({"segment_id": ids, "time_to_eruption": rng.integers(1e5, 5e7, 60)}),
    )
    for i in ids:
        _csv(root / "train" / f"{i}.csv", pd.DataFrame({"sensor_1": [1.0, 2.5], "sensor_2": 3}))
    _csv(root / "test" / "123.csv", pd.DataFrame({"sensor_1": [0.5]}))
    _csv(root / "sample_submission.csv", pd.DataFrame({"segment_id": [123], "time_to_eruption": 0}))


@builder("bms-molecular-translation")
def _bms(root: Path, rng: np.random.Generator) -> None:
    ids = _ids(rng, 50)
    inchi = [f"InChI=1S/C{rng.integers(2, 20)}H{rng.integers(2, 30)}O/c1-2-{k}" for k in range(50)]
    _csv(root / "train_labels.csv", pd.DataFrame({"image_id": ids, "InChI": inchi}))
    for i in ids:
        _blob(root / "train" / i[0] / i[1] / i[2] / f"{i}.png", i)
    _csv(root / "extra_approved_InChIs.csv", pd.DataFrame({"InChI": inchi[:5]}))
    _csv(root / "sample_submission.csv", pd.DataFrame({"image_id": ["00aa"], "InChI": "InChI=1S"}))
    _blob(root / "test" / "0" / "0" / "a" / "00aa.png")


@builder("rsna-miccai-brain-tumor-radiogenomic-classification")
def _miccai(root: Path, rng: np.random.Generator) -> None:
    ids = [f"{i:05d}" for i in sorted(rng.choice(1000, size=40, replace=False))]
    labels = pd.DataFrame({"BraTS21ID": ids, "MGMT_value": rng.integers(0, 2, 40)})
    (root / "train_labels.csv").write_text(labels.to_csv(index=False))
    for i in ids:
        for scan in ("FLAIR", "T1w"):
            _blob(root / "train" / i / scan / "Image-1.dcm", f"{i}{scan}")
    _csv(root / "sample_submission.csv", pd.DataFrame({"BraTS21ID": ["00001"], "MGMT_value": 0.5}))


@builder("nfl-player-contact-detection")
def _nfl(root: Path, rng: np.random.Generator) -> None:
    plays = [f"58{k:03d}_00{k * 7 % 1000:04d}" for k in range(20)]
    labels, helmets, tracking, videos = [], [], [], []
    for play in plays:
        key, play_id = (int(x) for x in play.split("_"))
        for step in range(3):
            for p1, p2 in ((47795, 52493), (47795, "G")):
                labels.append(
                    {
                        "contact_id": f"{play}_{step}_{p1}_{p2}",
                        "game_play": play,
                        "datetime": f"2020-09-11T03:01:{step:02d}.000Z",
                        "step": step,
                        "nfl_player_id_1": p1,
                        "nfl_player_id_2": p2,
                        "contact": int(rng.random() < 0.3),
                    }
                )
            tracking.append(
                {
                    "game_play": play,
                    "game_key": key,
                    "play_id": play_id,
                    "nfl_player_id": 47795,
                    "step": step,
                    "team": "home",
                    "position": "CB",
                    "jersey_number": 31,
                    "datetime": f"2020-09-11T03:01:{step:02d}.000Z",
                    "x_position": round(float(rng.uniform(0, 120)), 2),
                    "y_position": round(float(rng.uniform(0, 53)), 2),
                    "speed": round(float(rng.uniform(0, 9)), 2),
                    "orientation": round(float(rng.uniform(0, 360)), 2),
                    "sa": np.nan if step == 0 else round(float(rng.normal()), 2),
                }
            )
        for view in ("Endzone", "Sideline"):
            helmets.append(
                {
                    "game_play": play,
                    "game_key": key,
                    "play_id": play_id,
                    "view": view,
                    "video": f"{play}_{view}.mp4",
                    "frame": int(rng.integers(0, 300)),
                    "nfl_player_id": 47795,
                    "player_label": "H31",
                    "left": int(rng.integers(0, 1200)),
                    "width": 20,
                    "top": 300,
                    "height": 25,
                }
            )
            videos.append(
                {
                    "game_play": play,
                    "game_key": key,
                    "play_id": play_id,
                    "view": view,
                    "start_time": "2020-09-11T03:01:43.134Z",
                    "end_time": "2020-09-11T03:01:54.971Z",
                    "snap_time": "2020-09-11T03:01:48.134Z",
                }
            )
        for view in ("All29", "Endzone", "Sideline"):
            _blob(root / "train" / f"{play}_{view}.mp4", play + view)
    _csv(root / "train_labels.csv", pd.DataFrame(labels))
    _csv(root / "train_baseline_helmets.csv", pd.DataFrame(helmets))
    _csv(root / "train_player_tracking.csv", pd.DataFrame(tracking))
    _csv(root / "train_video_metadata.csv", pd.DataFrame(videos))
    _csv(root / "sample_submission.csv", pd.DataFrame({"contact_id": ["x_0_1_2"], "contact": 0}))


@builder("iwildcam-2019-fgvc6")
def _iwildcam(root: Path, rng: np.random.Generator) -> None:
    n = 200
    ids = [
        f"{a}-{b}-{c}"
        for a, b, c in zip(_ids(rng, n, 8), _ids(rng, n, 4), _ids(rng, n, 4), strict=True)
    ]
    frame = pd.DataFrame(
        {
            "category_id": rng.choice([0, 1, 3, 8, 10, 11, 13, 16], n),
            "date_captured": "2012-03-17 03:48:44",
            "file_name": [f"{i}.jpg" for i in ids],
            "frame_num": rng.integers(1, 4, n),
            "id": ids,
            "location": rng.integers(0, 30, n),
            "rights_holder": "Justin Brown",
            "seq_id": _ids(rng, n, 8),
            "seq_num_frames": 3,
            "width": 1024,
            "height": 747,
        }
    )
    _csv(root / "train.csv", frame)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as handle:
        for i in ids:
            handle.writestr(f"{i}.jpg", f"fake jpeg {i}")
    (root / "train_images.zip").write_bytes(buffer.getvalue())
    _csv(root / "test.csv", frame.drop(columns=["category_id"]).head(3))
    _csv(root / "sample_submission.csv", pd.DataFrame({"Id": ids[:3], "Category": 0}))


HMS_VOTES = ["seizure_vote", "lpd_vote", "gpd_vote", "lrda_vote", "grda_vote", "other_vote"]


@builder("hms-harmful-brain-activity-classification")
def _hms(root: Path, rng: np.random.Generator) -> None:
    rows = []
    spectrograms = rng.choice(2**31, size=30, replace=False)
    eeg_ids = iter(rng.choice(2**31, size=60, replace=False))
    label_ids = iter(rng.choice(2**31, size=400, replace=False))
    for spec in spectrograms:
        patient = int(rng.integers(1000, 65000))
        for _ in range(int(rng.integers(1, 3))):
            eeg = int(next(eeg_ids))
            for sub in range(int(rng.integers(1, 5))):
                votes = rng.integers(0, 4, 6)
                votes[rng.integers(0, 6)] += 1
                rows.append(
                    {
                        "eeg_id": eeg,
                        "eeg_sub_id": sub,
                        "eeg_label_offset_seconds": float(sub * 2),
                        "spectrogram_id": int(spec),
                        "spectrogram_sub_id": sub,
                        "spectrogram_label_offset_seconds": float(sub * 2 + 10),
                        "label_id": int(next(label_ids)),
                        "patient_id": patient,
                        "expert_consensus": "Seizure",
                        **dict(zip(HMS_VOTES, votes.tolist(), strict=True)),
                    }
                )
    frame = pd.DataFrame(rows)
    _csv(root / "train.csv", frame)
    for eeg in frame["eeg_id"].unique():
        _blob(root / "train_eegs" / f"{eeg}.parquet", str(eeg))
    for spec in spectrograms:
        _blob(root / "train_spectrograms" / f"{spec}.parquet", str(spec))
    _blob(root / "example_figures" / "Seizure.png")
    _blob(root / "test_eegs" / "1.parquet")
    _blob(root / "test_spectrograms" / "1.parquet")
    _csv(root / "test.csv", pd.DataFrame({"spectrogram_id": [1], "eeg_id": [1], "patient_id": [1]}))
    _csv(
        root / "sample_submission.csv",
        pd.DataFrame({"eeg_id": [1], **dict.fromkeys(HMS_VOTES, 1 / 6)}),
    )


COVID_TARGETS = ["reactivity", "deg_Mg_pH10", "deg_pH10", "deg_Mg_50C", "deg_50C"]
COVID_TEST_COLUMNS = [
    "index",
    "id",
    "sequence",
    "structure",
    "predicted_loop_type",
    "seq_length",
    "seq_scored",
]


@builder("stanford-covid-vaccine")
def _covid(root: Path, rng: np.random.Generator) -> None:
    length, scored = 12, 8
    rows = []
    for k, mid in enumerate(_ids(rng, 100, 9)):
        row = {
            "index": k,
            "id": f"id_{mid}",
            "sequence": "".join(rng.choice(list("ACGU"), length)),
            "structure": "((....))" + "." * (length - 8),
            "predicted_loop_type": "SSHHHHSS" + "E" * (length - 8),
            "signal_to_noise": round(float(rng.uniform(0, 10)), 3),
            "SN_filter": int(rng.random() < 0.6),
            "seq_length": length,
            "seq_scored": scored,
        }
        for name in ("reactivity_error", "deg_error_Mg_pH10", "deg_error_pH10"):
            row[name] = [round(float(v), 4) for v in rng.random(scored)]
        for name in COVID_TARGETS:
            row[name] = [round(float(v), 4) for v in rng.normal(0.5, 0.4, scored)]
        rows.append(row)
    _json_lines(root / "train.json", rows)
    test_rows = [{c: r[c] for c in COVID_TEST_COLUMNS} for r in rows[:3]]
    _json_lines(root / "test.json", test_rows)
    _csv(
        root / "sample_submission.csv",
        pd.DataFrame({"id_seqpos": ["id_x_0"], **dict.fromkeys(COVID_TARGETS, 0.0)}),
    )
    _npy(root / "bpps" / f"{rows[0]['id']}.npy", np.zeros((2, 2)))


VINBIG_CLASSES = ["Aortic enlargement", "Cardiomegaly", "Pleural effusion"]


@builder("vinbigdata-chest-xray-abnormalities-detection")
def _vinbig(root: Path, rng: np.random.Generator) -> None:
    rows = []
    for image in _ids(rng, 40, 32):
        if rng.random() < 0.4:
            for rad in ("R1", "R2", "R3"):
                rows.append([image, "No finding", 14, rad, np.nan, np.nan, np.nan, np.nan])
            continue
        for _ in range(int(rng.integers(1, 4))):
            cls = int(rng.integers(0, 3))
            for rad in rng.choice(["R8", "R9", "R10"], int(rng.integers(1, 3)), replace=False):
                x, y = (float(v) for v in rng.integers(100, 1500, 2))
                rows.append([image, VINBIG_CLASSES[cls], cls, rad, x, y, x + 200.0, y + 150.5])
    columns = ["image_id", "class_name", "class_id", "rad_id", "x_min", "y_min", "x_max", "y_max"]
    frame = pd.DataFrame(rows, columns=columns)
    _csv(root / "train.csv", frame)
    for image in frame["image_id"].unique():
        _blob(root / "train" / f"{image}.dicom", image)
    _blob(root / "test" / "0.dicom")
    _csv(
        root / "sample_submission.csv",
        pd.DataFrame({"image_id": ["0"], "PredictionString": "14 1 0 0 1 1"}),
    )


SIIM_CLASSES = [
    "Negative for Pneumonia",
    "Typical Appearance",
    "Indeterminate Appearance",
    "Atypical Appearance",
]


@builder("siim-covid19-detection")
def _siim(root: Path, rng: np.random.Generator) -> None:
    studies, images = [], []
    for study in _ids(rng, 40):
        onehot = [0, 0, 0, 0]
        onehot[int(rng.integers(0, 4))] = 1
        studies.append([f"{study}_study", *onehot])
        series = _ids(rng, 1)[0]
        for image in _ids(rng, int(rng.integers(1, 3))):
            if onehot[0]:
                boxes, label = np.nan, "none 1 0 0 1 1"
            else:
                x, y = round(float(rng.uniform(0, 2000)), 5), round(float(rng.uniform(0, 2000)), 5)
                boxes = f"[{{'x': {x}, 'y': {y}, 'width': 500.0, 'height': 800.25}}]"
                label = f"opacity 1 {x} {y} {round(x + 500.0, 5)} {round(y + 800.25, 5)}"
            images.append([f"{image}_image", boxes, label, study])
            _blob(root / "train" / study / series / f"{image}.dcm", image)
    _csv(root / "train_study_level.csv", pd.DataFrame(studies, columns=["id", *SIIM_CLASSES]))
    _csv(
        root / "train_image_level.csv",
        pd.DataFrame(images, columns=["id", "boxes", "label", "StudyInstanceUID"]),
    )
    _csv(
        root / "sample_submission.csv",
        pd.DataFrame({"id": ["x_study"], "PredictionString": "negative 1 0 0 1 1"}),
    )
    _blob(root / "test" / "x" / "y" / "z.dcm")


@builder("rsna-breast-cancer-detection")
def _breast(root: Path, rng: np.random.Generator) -> None:
    rows = []
    image_ids = iter(rng.choice(2**31, size=400, replace=False))
    for patient in sorted(rng.choice(65000, size=40, replace=False)):
        age = float(rng.integers(40, 80)) if rng.random() < 0.9 else np.nan
        for side in ("L", "R"):
            cancer = int(rng.random() < 0.2)
            for view in ("CC", "MLO"):
                rows.append(
                    {
                        "site_id": int(rng.integers(1, 3)),
                        "patient_id": int(patient),
                        "image_id": int(next(image_ids)),
                        "laterality": side,
                        "view": view,
                        "age": age,
                        "cancer": cancer,
                        "biopsy": cancer,
                        "invasive": 0,
                        "BIRADS": np.nan if rng.random() < 0.5 else float(rng.integers(0, 3)),
                        "implant": 0,
                        "density": rng.choice(["A", "B", "C"]) if rng.random() < 0.7 else np.nan,
                        "machine_id": 49,
                        "difficult_negative_case": bool(rng.random() < 0.1),
                    }
                )
    frame = pd.DataFrame(rows)
    _csv(root / "train.csv", frame)
    for patient, image in zip(frame["patient_id"], frame["image_id"], strict=True):
        _blob(root / "train_images" / str(patient) / f"{image}.dcm", str(image))
    _csv(root / "sample_submission.csv", pd.DataFrame({"prediction_id": ["10008_L"], "cancer": 0}))
    _blob(root / "test_images" / "10008" / "1.dcm")


SPINE_TARGETS = ["patient_overall", "C1", "C2", "C3", "C4", "C5", "C6", "C7"]


@builder("rsna-2022-cervical-spine-fracture-detection")
def _spine(root: Path, rng: np.random.Generator) -> None:
    uids = [f"1.2.826.0.1.3680043.{n}" for n in rng.choice(30000, size=60, replace=False)]
    labels = rng.integers(0, 2, (60, 8))
    frame = pd.DataFrame(labels, columns=SPINE_TARGETS)
    frame.insert(0, "StudyInstanceUID", uids)
    _csv(root / "train.csv", frame)
    box_uids = uids[:22]
    seg_uids = uids[14:30]  # 8 studies have both
    boxes = [
        [uid, round(float(rng.uniform(0, 300)), 2), 150.5, 40.0, 30.25, int(rng.integers(1, 200))]
        for uid in box_uids
        for _ in range(2)
    ]
    _csv(
        root / "train_bounding_boxes.csv",
        pd.DataFrame(
            boxes, columns=["StudyInstanceUID", "x", "y", "width", "height", "slice_number"]
        ),
    )
    for uid in seg_uids:
        _blob(root / "segmentations" / f"{uid}.nii", uid)
    for uid in uids:
        for k in (1, 2):
            _blob(root / "train_images" / uid / f"{k}.dcm", f"{uid}-{k}")
    _csv(
        root / "test.csv",
        pd.DataFrame({"row_id": ["1.2_C1"], "StudyInstanceUID": "1.2", "prediction_type": "C1"}),
    )
    _csv(root / "sample_submission.csv", pd.DataFrame({"row_id": ["1.2_C1"], "fractured": 0.5}))


SMARTPHONE_TRUTH = [
    "MessageType",
    "Provider",
    "LatitudeDegrees",
    "LongitudeDegrees",
    "AltitudeMeters",
    "SpeedMps",
    "AccuracyMeters",
    "BearingDegrees",
    "UnixTimeMillis",
]


@builder("smartphone-decimeter-2022")
def _smartphone(root: Path, rng: np.random.Generator) -> None:
    days = [f"2021-{m}-{d}" for m, d in ((1, 5), (3, 16), (4, 2), (4, 22), (5, 7), (8, 12))]
    days += [f"2020-{m:02d}-{d:02d}" for m, d in ((5, 14), (6, 4), (7, 8), (9, 4), (12, 10))]
    drives = [f"{day}-US-{place}-{k}" for day in days for place, k in (("MTV", 1), ("SJC", 2))][:18]
    for drive in drives:
        for phone in rng.choice(
            ["GooglePixel4", "SamsungGalaxyS20Ultra", "XiaomiMi8"], 2, replace=False
        ):
            folder = root / "train" / drive / phone
            n = int(rng.integers(3, 7))
            start = 1_600_000_000_000 + int(rng.integers(0, 1e9))
            truth = pd.DataFrame(
                {
                    "MessageType": "Fix",
                    "Provider": "GT",
                    "LatitudeDegrees": (37.4 + rng.random(n) / 100).round(7),
                    "LongitudeDegrees": (-122.1 + rng.random(n) / 100).round(7),
                    "AltitudeMeters": (rng.random(n) * 30).round(3),
                    "SpeedMps": (rng.random(n) * 20).round(6),
                    "AccuracyMeters": 0.1,
                    "BearingDegrees": (rng.random(n) * 360).round(6),
                    "UnixTimeMillis": start + 1000 * np.arange(n),
                }
            )[SMARTPHONE_TRUTH]
            _csv(folder / "ground_truth.csv", truth)
            _csv(
                folder / "device_gnss.csv",
                pd.DataFrame({"utcTimeMillis": truth["UnixTimeMillis"], "Cn0DbHz": 30.5}),
            )
            _blob(folder / "supplemental" / "span_log.nmea", drive)
    _csv(
        root / "metadata" / "raw_state_bit_map.csv",
        pd.DataFrame({"Bit": [0, 1], "Name": ["a", "b"]}),
    )
    _csv(
        root / "sample_submission.csv",
        pd.DataFrame(
            {
                "tripId": ["x"],
                "UnixTimeMillis": [1],
                "LatitudeDegrees": 37.0,
                "LongitudeDegrees": -122.0,
            }
        ),
    )
    _blob(root / "test" / "2022-01-01-US-MTV-1" / "GooglePixel4" / "device_gnss.csv")


@builder("3d-object-detection-for-autonomous-vehicles")
def _lyft(root: Path, rng: np.random.Generator) -> None:
    data = root / "train_data"
    tokens = iter(_ids(rng, 2000, 64))
    logs = [
        {
            "token": next(tokens),
            "vehicle": "a101",
            "date_captured": "2019-05-24",
            "location": "Palo Alto",
            "logfile": f"host-a101_lidar1_{k}",
        }
        for k in range(10)
    ]
    sensors = [
        {
            "token": next(tokens),
            "sensor_token": next(tokens),
            "translation": [1.5, 0.0, 1.8],
            "rotation": [0.5, -0.5, 0.5, -0.5],
            "camera_intrinsic": [],
        }
        for _ in range(3)
    ]
    scenes, samples, sample_data, poses, annotations, instances, rows = [], [], [], [], [], [], []
    for log in logs:
        scene_samples = [next(tokens) for _ in range(5)]
        scenes.append(
            {
                "log_token": log["token"],
                "first_sample_token": scene_samples[0],
                "nbr_samples": 5,
                "token": log["token"],
                "name": "host-a101-scene",
                "last_sample_token": scene_samples[-1],
                "description": "",
            }
        )
        instance_tokens = [next(tokens) for _ in range(2)]
        for token in instance_tokens:
            instances.append(
                {
                    "token": token,
                    "category_token": "c",
                    "nbr_annotations": 5,
                    "first_annotation_token": "f",
                    "last_annotation_token": "l",
                }
            )
        for k, sample in enumerate(scene_samples):
            samples.append(
                {
                    "next": "",
                    "prev": "",
                    "token": sample,
                    "timestamp": 1.5e15 + k,
                    "scene_token": log["token"],
                    "data": {},
                }
            )
            for fmt, folder, ext in (("jpeg", "images", "jpeg"), ("bin", "lidar", "bin")):
                pose = next(tokens)
                poses.append(
                    {
                        "rotation": [0.1, 0.2, 0.3, 0.9],
                        "translation": [float(rng.uniform(0, 2000)), 1.25, -0.5],
                        "token": pose,
                    }
                )
                name = f"host-a101_{folder}_{sample[-12:]}.{ext}"
                sample_data.append(
                    {
                        "is_key_frame": True,
                        "prev": "",
                        "fileformat": fmt,
                        "token": next(tokens),
                        "timestamp": 1.5e15,
                        "next": "",
                        "ego_pose_token": pose,
                        "sample_token": sample,
                        "calibrated_sensor_token": sensors[int(rng.integers(0, 3))]["token"],
                        "filename": f"{folder}/{name}",
                        "width": 1224,
                        "height": 1024,
                    }
                )
                _blob(root / f"train_{folder}" / name, name)
            objects = []
            for inst in instance_tokens:
                annotations.append(
                    {
                        "token": next(tokens),
                        "num_lidar_pts": 10,
                        "size": [1.9, 4.5, 1.6],
                        "sample_token": sample,
                        "rotation": [0.9, 0.0, 0.0, 0.1],
                        "prev": "",
                        "translation": [1.0, 2.0, -18.5],
                        "num_radar_pts": 0,
                        "attribute_tokens": [],
                        "next": "",
                        "instance_token": inst,
                        "visibility_token": "",
                        "category_name": "car",
                    }
                )
                x, y = round(float(rng.uniform(0, 2500)), 6), round(float(rng.uniform(0, 2500)), 6)
                objects.append(
                    f"{x} {y} -18.5 1.9 4.5 1.6 {round(float(rng.uniform(-3, 3)), 6)} car"
                )
            rows.append({"Id": sample, "PredictionString": " ".join(objects)})
    _dump(data / "log.json", logs)
    _dump(data / "scene.json", scenes)
    _dump(data / "sample.json", samples)
    _dump(data / "sample_data.json", sample_data)
    _dump(data / "ego_pose.json", poses)
    _dump(data / "calibrated_sensor.json", sensors)
    _dump(data / "sample_annotation.json", annotations)
    _dump(data / "instance.json", instances)
    _dump(
        data / "map.json",
        [
            {
                "log_tokens": [g["token"] for g in logs],
                "category": "semantic_prior",
                "filename": "maps/map_raster_palo_alto.png",
                "token": "53992ee3023e5494b90c316c183be829",
            }
        ],
    )
    for name in ("attribute", "category", "sensor", "visibility"):
        _dump(data / f"{name}.json", [{"token": name, "name": f"{name} \u00e9"}])
    _csv(root / "train.csv", pd.DataFrame(rows))
    _blob(root / "train_maps" / "map_raster_palo_alto.png")
    _blob(root / "test_maps" / "map_raster_palo_alto.png")
    _csv(root / "sample_submission.csv", pd.DataFrame({"Id": ["t"], "PredictionString": [""]}))


@builder("google-research-identify-contrails-reduce-global-warming")
def _contrails(root: Path, rng: np.random.Generator) -> None:
    def record(rid: str) -> dict:
        return {
            "record_id": rid,
            "projection_wkt": 'PROJCS["unknown"]',
            "row_min": -1.5e6,
            "row_size": 2000.0,
            "col_min": -3.1e6,
            "col_size": 2000.0,
            "timestamp": 1.5e9,
        }

    ids = [str(v) for v in rng.choice(10**18, size=46, replace=False)]
    train_ids, validation_ids = ids[:40], ids[40:]
    _dump(root / "train_metadata.json", [record(r) for r in train_ids])
    _dump(root / "validation_metadata.json", [record(r) for r in validation_ids])
    for folder, rids in (("train", train_ids), ("validation", validation_ids)):
        for rid in rids:
            for band in range(8, 17):
                _npy(
                    root / folder / rid / f"band_{band:02}.npy",
                    rng.random((8, 6, 2)).astype(np.float32),
                )
            pixels = (rng.random((8, 6, 1)) < 0.15).astype(np.int32)
            _npy(root / folder / rid / "human_pixel_masks.npy", pixels)
            _npy(
                root / folder / rid / "human_individual_masks.npy",
                np.repeat(pixels[..., None], 2, axis=3),
            )
    _csv(root / "sample_submission.csv", pd.DataFrame({"record_id": ["1"], "encoded_pixels": "-"}))
    _npy(root / "test" / "1" / "band_08.npy", np.zeros((8, 6, 2), dtype=np.float32))


@builder("vesuvius-challenge-ink-detection")
def _vesuvius(root: Path, rng: np.random.Generator) -> None:
    from PIL import Image

    for fragment, (width, height) in (("1", (7, 5)), ("2", (6, 6)), ("3", (8, 6))):
        folder = root / "train" / fragment
        for layer in range(3):
            _blob(folder / "surface_volume" / f"{layer:02d}.tif", f"{fragment}-{layer}")
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("mask.png", "ir.png", "inklabels.png"):
            Image.fromarray((rng.random((height, width)) * 255).astype(np.uint8)).save(
                folder / name
            )
        (folder / "inklabels_rle.csv").write_text(f"Id,Predicted\n{fragment},2 3 10 4 30 2\n")
    _blob(root / "test" / "a" / "mask.png")
    (root / "sample_submission.csv").write_text("Id,Predicted\na,1 1 5 1\n")
