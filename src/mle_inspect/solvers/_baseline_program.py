"""mle-inspect baseline: one generic scikit-learn pipeline for tabular and small-image data.

This file is copied into the sandbox and run there (it is not imported by mle_inspect). It
reads the sample submission to learn the id and prediction columns, finds the label column in
train.csv, builds features (table columns, or pixels when train/<id>.<ext> images exist), picks
a model family by cross-validation and writes a submission in the sample's format.

Where no model fits the competition (a custom metric, several targets, no train.csv, a
failed fit) it falls back to the sample submission's shape with the training majority class
or mean where the target is a train column, and the sample's own values elsewhere. Each step
is appended as a JSON line to ``--steps`` so the harness can show it in the transcript.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff")
MAX_CV_ROWS = 20_000
IMAGE_SIDE = 32


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", required=True, type=Path)
    parser.add_argument("--sample-submission", required=True, type=Path)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument(
        "--kind",
        required=True,
        choices=["label", "score", "probability", "distribution", "number", "custom"],
        help="what the metric expects in the prediction columns (custom: no generic model)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=Path, help="append one JSON line per step here")
    parser.add_argument(
        "--fallback-only", action="store_true", help="skip modelling; write the fallback"
    )
    return parser.parse_args(argv)


STEPS: list[Path] = []


def record(step: str, **fields: object) -> None:
    """Print a step and append it to the --steps file (read by the harness)."""
    print(f"baseline: {step} " + " ".join(f"{k}={v}" for k, v in fields.items()), flush=True)
    for path in STEPS:
        with path.open("a", encoding="utf-8") as out:
            out.write(json.dumps({"step": step, **fields}, default=str) + "\n")


class NoModel(Exception):
    """The generic model does not apply to this competition (the fallback does)."""


def find_label(
    train: pd.DataFrame, id_col: str, targets: list[str], kind: str, test_cols: set[str]
) -> str:
    if kind == "distribution":
        wanted = set(targets)
        for column in train.columns:
            if column != id_col and set(train[column].dropna().astype(str)) <= wanted:
                if train[column].nunique() >= 2:
                    return column
    if targets[0] in train.columns:
        return targets[0]
    candidates = [c for c in train.columns if c != id_col and c not in test_cols]
    if not candidates:
        raise NoModel("cannot tell which train.csv column is the label")
    return candidates[0]


def image_folder(data: Path, split: str, ids: pd.Series) -> dict[str, Path] | None:
    folder = data / split
    if not folder.is_dir():
        return None
    files = {p.stem: p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES}
    if files and all(str(i) in files for i in ids.head(50)):
        return files
    return None


def image_features(files: dict[str, Path], ids: pd.Series) -> np.ndarray:
    from PIL import Image

    rows = []
    for image_id in ids.astype(str):
        with Image.open(files[image_id]) as image:
            grey = image.convert("L")
            if max(grey.size) > IMAGE_SIDE:
                grey = grey.resize((IMAGE_SIDE, IMAGE_SIDE))
            rows.append(np.asarray(grey, dtype=np.float32).ravel() / 255.0)
    return np.stack(rows)


def table_features(
    train: pd.DataFrame, test: pd.DataFrame, columns: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.preprocessing import OrdinalEncoder

    numeric = [c for c in columns if pd.api.types.is_numeric_dtype(train[c])]
    categorical = [
        c
        for c in columns
        if c not in numeric and train[c].nunique() <= max(50, int(0.5 * len(train)))
    ]
    parts_train = [train[numeric].to_numpy(dtype=float)]
    parts_test = [test[numeric].to_numpy(dtype=float)]
    if categorical:
        encoder = OrdinalEncoder(
            handle_unknown="use_encoded_value", unknown_value=-1, encoded_missing_value=-2
        )
        parts_train.append(encoder.fit_transform(train[categorical].astype(str)))
        parts_test.append(encoder.transform(test[categorical].astype(str)))
    dropped = [c for c in columns if c not in numeric and c not in categorical]
    if dropped:
        print(f"baseline: dropped free-text columns {dropped}")
    return np.hstack(parts_train), np.hstack(parts_test)


def candidates(kind: str, seed: int) -> dict[str, object]:
    from sklearn.ensemble import (
        HistGradientBoostingClassifier,
        HistGradientBoostingRegressor,
        RandomForestClassifier,
        RandomForestRegressor,
    )
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    def linear(model: object) -> object:
        return make_pipeline(SimpleImputer(), StandardScaler(), model)

    if kind == "number":
        return {
            "hist-gradient-boosting": HistGradientBoostingRegressor(random_state=seed),
            "random-forest": make_pipeline(
                SimpleImputer(),
                RandomForestRegressor(300, min_samples_leaf=2, n_jobs=-1, random_state=seed),
            ),
            "ridge": linear(Ridge()),
        }
    return {
        "hist-gradient-boosting": HistGradientBoostingClassifier(random_state=seed),
        "random-forest": make_pipeline(
            SimpleImputer(), RandomForestClassifier(300, n_jobs=-1, random_state=seed)
        ),
        "logistic-regression": linear(LogisticRegression(max_iter=3000)),
    }


def choose_model(kind: str, x: np.ndarray, y: np.ndarray, seed: int) -> tuple[str, Any, float]:
    from sklearn.base import clone
    from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score

    scoring = {
        "label": "accuracy",
        "score": "roc_auc",
        "probability": "roc_auc",
        "distribution": "neg_log_loss",
        "number": "neg_root_mean_squared_error",
    }[kind]
    if len(y) > MAX_CV_ROWS:
        rows = np.random.default_rng(seed).choice(len(y), MAX_CV_ROWS, replace=False)
        x, y = x[rows], y[rows]
    if kind == "number":
        folds = KFold(5, shuffle=True, random_state=seed)
    else:
        smallest = pd.Series(y).value_counts().min()
        folds = StratifiedKFold(max(2, min(5, smallest)), shuffle=True, random_state=seed)
    best: tuple[str, Any, float] = ("", None, -np.inf)  # sklearn estimators are untyped
    for name, model in candidates(kind, seed).items():
        started = time.time()
        try:
            score = float(np.mean(cross_val_score(clone(model), x, y, cv=folds, scoring=scoring)))
        except ValueError as error:  # e.g. a class too rare for the folds
            record("cv-skipped", model=name, reason=str(error)[:300])
            continue
        if not np.isfinite(score):
            record("cv-skipped", model=name, reason=f"cv {scoring} is {score}")
            continue
        record(
            "cv",
            model=name,
            metric=scoring,
            score=round(score, 5),
            seconds=round(time.time() - started, 1),
        )
        if score > best[2]:
            best = (name, model, score)
    name, model, score = best
    if model is None:
        raise NoModel("no model could be cross-validated")
    return name, model, score


def model_submission(args: argparse.Namespace, sample: pd.DataFrame) -> pd.DataFrame:
    """Fit the generic model and predict the test rows, in the sample's format."""
    id_col, targets = sample.columns[0], list(sample.columns[1:])
    if args.kind == "custom":
        raise NoModel("the metric needs a competition-specific format")
    if len(targets) > 1 and args.kind != "distribution":
        raise NoModel(f"{len(targets)} target columns; the generic model predicts one")
    train_path = args.data / "train.csv"
    if not train_path.is_file():
        raise NoModel("no train.csv in the data")
    train = pd.read_csv(train_path)
    test_path = args.data / "test.csv"
    test = pd.read_csv(test_path) if test_path.is_file() else sample[[id_col]].copy()
    if id_col not in test.columns:
        raise NoModel(f"test.csv has no {id_col!r} column")
    label = find_label(train, id_col, targets, args.kind, set(test.columns))
    train = train[train[label].notna()].reset_index(drop=True)
    record("columns", id=id_col, label=label, targets=targets, kind=args.kind)

    train_images = image_folder(args.data, "train", train[id_col]) if id_col in train else None
    test_images = image_folder(args.data, "test", test[id_col])
    if train_images and test_images:
        record("features", source="image pixels")
        x_train, x_test = (
            image_features(train_images, train[id_col]),
            image_features(test_images, test[id_col]),
        )
    else:
        columns = [c for c in train.columns if c in test.columns and c not in (id_col, label)]
        if not columns:
            raise NoModel("train.csv and test.csv share no feature column")
        record("features", source="table columns", count=len(columns))
        x_train, x_test = table_features(train, test, columns)
    y = train[label].to_numpy()

    name, model, cv_score = choose_model(args.kind, x_train, y, args.seed)
    record("chosen", model=name, cv=round(cv_score, 5), rows=len(y))
    model.fit(x_train, y)

    submission = pd.DataFrame({id_col: test[id_col]})
    if args.kind == "distribution":
        proba = model.predict_proba(x_test)
        classes = [str(c) for c in model.classes_]
        for target in targets:
            submission[target] = proba[:, classes.index(target)] if target in classes else 0.0
    elif args.kind in ("score", "probability"):
        proba = model.predict_proba(x_test)
        labels = list(model.classes_)
        positive = 1 if 1 in labels else (True if True in labels else sorted(labels)[-1])
        submission[targets[0]] = proba[:, labels.index(positive)]
    else:
        submission[targets[0]] = model.predict(x_test)
    if set(sample[id_col].astype(str)) == set(submission[id_col].astype(str)):
        order = {k: i for i, k in enumerate(sample[id_col].astype(str))}
        submission = submission.iloc[np.argsort([order[k] for k in submission[id_col].astype(str)])]
    return submission[[id_col, *targets]]


def fallback_submission(args: argparse.Namespace, sample: pd.DataFrame) -> pd.DataFrame:
    """The sample submission with a train-based constant in each target that is a train.csv column.

    The constant is the training majority class (labels) or mean (numbers); the sample's own values
    stay elsewhere.
    """
    submission = sample.copy()
    train_path = args.data / "train.csv"
    if args.kind not in ("label", "number") or not train_path.is_file():
        record("fallback-values", source="sample submission")
        return submission
    try:
        header = pd.read_csv(train_path, nrows=0).columns
    except Exception:  # noqa: BLE001 - an unreadable train.csv leaves the sample as it is
        return submission
    targets = [c for c in sample.columns[1:] if c in header]
    if not targets:
        record("fallback-values", source="sample submission")
        return submission
    train = pd.read_csv(train_path, usecols=targets)
    for target in targets:
        values = train[target].dropna()
        if values.empty:
            continue
        if args.kind == "number" and pd.api.types.is_numeric_dtype(values):
            submission[target] = float(values.mean())
            record("fallback-values", column=target, source="training mean")
        else:
            submission[target] = values.mode().iloc[0]
            record("fallback-values", column=target, source="training majority class")
    return submission


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    if args.steps is not None:
        STEPS.append(args.steps)
    sample = pd.read_csv(args.sample_submission)
    submission = None
    if not args.fallback_only:
        try:
            submission = model_submission(args, sample)
            record("path", taken="model")
        except NoModel as why:
            record("path", taken="fallback", reason=str(why))
        except Exception as error:  # noqa: BLE001 - any modelling failure falls back
            traceback.print_exc()
            record("path", taken="fallback", reason=f"{type(error).__name__}: {error}"[:500])
    if submission is None:
        submission = fallback_submission(args, sample)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    submission.to_csv(args.out, index=False)
    record("wrote", rows=len(submission), path=str(args.out))


if __name__ == "__main__":
    main(sys.argv[1:])
