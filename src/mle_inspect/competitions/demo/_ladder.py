"""A leaderboard made by a ladder of reference models of graded strength (not human teams).

Strength varies along two axes: model family (from a class prior to gradient boosting) and
the share of training rows it sees. Every entry is graded by the competition's own grader.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._datasets import DemoData

if TYPE_CHECKING:
    from ...data.progress import Counter

TRAIN_FRACTIONS = (0.08, 0.15, 0.3, 0.55, 1.0)
LADDER_SEED = 7
MIN_PER_CLASS = 5
"""Rows of each class kept in every training share (as many as the class has, if fewer)."""


def _families(task: str) -> list[tuple[str, Callable[[], Any]]]:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.dummy import DummyClassifier, DummyRegressor
    from sklearn.ensemble import (
        HistGradientBoostingClassifier,
        HistGradientBoostingRegressor,
        RandomForestClassifier,
        RandomForestRegressor,
    )
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC, SVR
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

    def pipe(model: Any) -> Any:
        return make_pipeline(SimpleImputer(), StandardScaler(), model)

    if task == "number":
        return [
            ("mean", lambda: DummyRegressor()),
            ("stump", lambda: pipe(DecisionTreeRegressor(max_depth=1, random_state=0))),
            ("tree-d3", lambda: pipe(DecisionTreeRegressor(max_depth=3, random_state=0))),
            ("knn-15", lambda: pipe(KNeighborsRegressor(15))),
            ("ridge", lambda: pipe(Ridge(alpha=1.0))),
            (
                "forest",
                lambda: pipe(RandomForestRegressor(200, min_samples_leaf=3, random_state=0)),
            ),
            (
                "boosting",
                lambda: HistGradientBoostingRegressor(
                    max_iter=150, learning_rate=0.05, random_state=0
                ),
            ),
            ("svm-rbf", lambda: pipe(SVR(C=30.0, epsilon=5.0))),
        ]
    return [
        ("prior", lambda: DummyClassifier(strategy="prior")),
        ("stump", lambda: pipe(DecisionTreeClassifier(max_depth=1, random_state=0))),
        ("tree-d3", lambda: pipe(DecisionTreeClassifier(max_depth=3, random_state=0))),
        ("knn-15", lambda: pipe(KNeighborsClassifier(15))),
        ("logistic-weak", lambda: pipe(LogisticRegression(C=0.01, max_iter=2000))),
        ("logistic", lambda: pipe(LogisticRegression(C=1.0, max_iter=2000))),
        ("forest", lambda: pipe(RandomForestClassifier(200, min_samples_leaf=2, random_state=0))),
        # 50 rounds at rate 0.2 score as 100 at 0.1 here, in half the time (10 classes: 10 trees a round)
        (
            "boosting",
            lambda: HistGradientBoostingClassifier(max_iter=50, learning_rate=0.2, random_state=0),
        ),
        ("svm-rbf", lambda: pipe(CalibratedClassifierCV(SVC(C=10.0), ensemble=False))),
    ]


def _subsample(data: DemoData, fraction: float, rng: np.random.Generator) -> pd.DataFrame:
    train = data.train
    if fraction >= 1.0:
        return train
    n = max(int(round(fraction * len(train))), 20)
    if data.task != "number":
        # keep every class present, MIN_PER_CLASS times where it can, so probabilities have a
        # column per class and the calibrated SVM's internal 5-fold CV sees every class in
        # each training fold (one row of a class broke it on some salted splits)
        picks = [g.index[:MIN_PER_CLASS] for _, g in train.groupby(data.target)]
        rest = rng.permutation(train.index.difference(np.concatenate(picks)))
        chosen = np.concatenate([*picks, rest[: max(n - len(picks), 0)]])
        return train.loc[np.sort(chosen)]
    return train.iloc[np.sort(rng.choice(len(train), size=n, replace=False))]


def predict_submission(data: DemoData, model: Any, train: pd.DataFrame) -> pd.DataFrame:
    """Fit on ``train`` and write predictions for the test rows in submission format."""
    model.fit(data.features(train), train[data.target].to_numpy())
    features = data.features(data.test)
    submission = pd.DataFrame({data.id_column: data.test[data.id_column]})
    if data.task == "distribution":
        proba = model.predict_proba(features)
        for name, column in zip(model.classes_, proba.T, strict=True):
            submission[name] = column
        # classes unseen in training get probability 0
        for name in data.classes or []:
            if name not in submission:
                submission[name] = 0.0
    elif data.task == "probability":
        proba = model.predict_proba(features)
        submission[data.target] = proba[:, list(model.classes_).index(1)]
    else:
        submission[data.target] = model.predict(features)
    return submission


def build_leaderboard(competition_id: str, data: DemoData, private: Path) -> pd.DataFrame:
    """Grade every rung of the ladder with the competition's grader; best first.

    Fits run single-threaded: on these few hundred rows threads only add overhead, and with
    default pools several preparations or evals side by side oversubscribe the CPUs (a
    0.6 s boosting fit took minutes that way).
    """
    import warnings

    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1), warnings.catch_warnings():
        # small training shares leave a class with fewer rows than CV folds: expected here
        warnings.filterwarnings("ignore", message="The least populated class", category=UserWarning)
        return _ladder(competition_id, data, private)


def _ladder(competition_id: str, data: DemoData, private: Path) -> pd.DataFrame:
    from ...data.progress import counter

    answers = pd.read_csv(private / "test.csv")
    rng = np.random.default_rng(LADDER_SEED)
    rows = []
    families = _families(data.task)
    rungs = counter(len(families) * len(TRAIN_FRACTIONS), unit="models", stage="leaderboard")
    with rungs:
        for family, make in families:
            rows.extend(_rungs(competition_id, data, family, make, answers, rng, rungs))
    board = pd.DataFrame(rows)
    from ...competitions import get_competition

    ascending = get_competition(competition_id).lower_is_better
    return board.sort_values("score", ascending=ascending, kind="stable").reset_index(drop=True)


def _rungs(
    competition_id: str,
    data: DemoData,
    family: str,
    make: Callable[[], Any],
    answers: pd.DataFrame,
    rng: np.random.Generator,
    done: Counter,
) -> list[dict[str, object]]:
    """One model family fitted on growing shares of the training rows, each graded."""
    from ...scorers.grading import score_submission

    rows: list[dict[str, object]] = []
    for fraction in TRAIN_FRACTIONS:
        train = _subsample(data, fraction, rng)
        submission = predict_submission(data, make(), train)
        rows.append(
            {
                "teamName": f"reference-{family}-{int(fraction * 100)}pct",
                "score": score_submission(competition_id, submission, answers),
                "model": family,
                "train_fraction": fraction,
                "source": "reference-model ladder (not human teams)",
            }
        )
        done.update(1)
    return rows
