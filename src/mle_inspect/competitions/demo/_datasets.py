"""Four small Kaggle-shaped competitions built from datasets that ship inside scikit-learn.

Every builder is deterministic given its seed, so prepare and the leaderboard ladder see the
same split without storing anything in between. The seed comes from the data dir's secret
salt (``mle_inspect.data.salt``): the data and this code are importable inside a sandbox, so
a fixed seed would let an agent regenerate the answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

TEST_SIZE = 0.25

Task = Literal["label", "probability", "distribution", "number"]


@dataclass
class DemoData:
    """One split: feature frames with an id column, targets, and how to write the files."""

    id_column: str
    target: str
    task: Task
    train: pd.DataFrame  # id, features..., target
    test: pd.DataFrame  # id, features..., target (target removed before publishing)
    classes: list[str] | None = None  # distribution tasks: submission column per class
    images: dict[str, np.ndarray] | None = None  # image tasks: id -> uint8 array

    def features(self, frame: pd.DataFrame) -> np.ndarray:
        if self.images is not None:
            return np.stack([self.images[i].ravel() for i in frame[self.id_column]]).astype(float)
        return frame.drop(columns=[self.id_column, self.target]).to_numpy(dtype=float)


def _split(
    frame: pd.DataFrame, stratify: str | None, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    from sklearn.model_selection import train_test_split

    train, test = train_test_split(
        frame,
        test_size=TEST_SIZE,
        random_state=seed,
        stratify=frame[stratify] if stratify else None,
    )
    return train.reset_index(drop=True), test.reset_index(drop=True)


def _ids(n: int, prefix: str, rng: np.random.Generator) -> list[str]:
    """Opaque ids, so row order and id carry no information about the label."""
    numbers = rng.choice(10**6, size=n, replace=False)
    return [f"{prefix}{k:06d}" for k in numbers]


def digits(seed: int) -> DemoData:
    from sklearn.datasets import load_digits

    bunch = load_digits()
    rng = np.random.default_rng(seed)
    ids = _ids(len(bunch.target), "img_", rng)
    frame = pd.DataFrame({"id": ids, "label": bunch.target})
    # scale 0..16 intensities to 0..255 and invert nothing: a dark background, light strokes
    pixels = (bunch.images * (255.0 / 16.0)).round().astype(np.uint8)
    images = dict(zip(ids, pixels, strict=True))
    train, test = _split(frame, stratify="label", seed=seed)
    return DemoData("id", "label", "label", train, test, images=images)


def tumors(seed: int) -> DemoData:
    from sklearn.datasets import load_breast_cancer

    bunch = load_breast_cancer(as_frame=True)
    rng = np.random.default_rng(seed)
    features = bunch.data.copy()
    features.columns = [c.replace(" ", "_") for c in features.columns]
    # a few gaps, as in real clinical tables: missing values the agent has to handle
    for column in ("mean_smoothness", "worst_symmetry", "texture_error"):
        features.loc[rng.random(len(features)) < 0.03, column] = np.nan
    frame = features.round(5)
    frame.insert(0, "patient_id", _ids(len(frame), "P", rng))
    frame["malignant"] = (bunch.target == 0).astype(int)  # sklearn codes malignant as 0
    train, test = _split(frame, stratify="malignant", seed=seed)
    return DemoData("patient_id", "malignant", "probability", train, test)


CULTIVARS = ["cultivar_a", "cultivar_b", "cultivar_c"]


def wines(seed: int) -> DemoData:
    from sklearn.datasets import load_wine

    bunch = load_wine(as_frame=True)
    rng = np.random.default_rng(seed)
    frame = bunch.data.copy()
    frame.columns = [c.replace("/", "_per_") for c in frame.columns]
    frame.insert(0, "wine_id", _ids(len(frame), "W", rng))
    frame["cultivar"] = [CULTIVARS[t] for t in bunch.target]
    train, test = _split(frame, stratify="cultivar", seed=seed)
    return DemoData("wine_id", "cultivar", "distribution", train, test, classes=CULTIVARS)


def diabetes(seed: int) -> DemoData:
    from sklearn.datasets import load_diabetes

    bunch = load_diabetes(as_frame=True, scaled=False)
    rng = np.random.default_rng(seed)
    frame = bunch.data.copy()
    frame = frame.rename(
        columns={"s1": "tc", "s2": "ldl", "s3": "hdl", "s4": "tch", "s5": "ltg", "s6": "glu"}
    )
    frame.insert(0, "patient_id", _ids(len(frame), "D", rng))
    frame["progression"] = bunch.target.astype(float)
    train, test = _split(frame, stratify=None, seed=seed)
    return DemoData("patient_id", "progression", "number", train, test)


def write_competition(data: DemoData, public: Path, private: Path) -> None:
    """Write the Kaggle-shaped files: train, test without labels, sample submission, answers."""
    from PIL import Image

    from ...data.progress import progress

    idc, target = data.id_column, data.target
    if data.images is not None:
        for split, frame in (("train", data.train), ("test", data.test)):
            folder = public / split
            folder.mkdir()
            for image_id in progress(frame[idc], unit="images", stage=f"{split} images"):
                Image.fromarray(data.images[image_id], mode="L").save(folder / f"{image_id}.png")
        data.train[[idc, target]].to_csv(public / "train.csv", index=False)
    else:
        data.train.to_csv(public / "train.csv", index=False)
        data.test.drop(columns=[target]).to_csv(public / "test.csv", index=False)
    sample = pd.DataFrame({idc: data.test[idc]})
    if data.task == "distribution":
        assert data.classes is not None
        for name in data.classes:
            sample[name] = round(1.0 / len(data.classes), 6)
    elif data.task == "label":
        sample[target] = data.train[target].mode().iloc[0]
    elif data.task == "probability":
        sample[target] = 0.5
    else:
        sample[target] = round(float(data.train[target].mean()), 4)
    sample.to_csv(public / "sample_submission.csv", index=False)
    data.test[[idc, target]].to_csv(private / "test.csv", index=False)
