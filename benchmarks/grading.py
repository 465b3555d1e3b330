"""Grading speed at realistic sizes: seconds to grade vs seconds to just read both CSVs.

    python benchmarks/grading.py [--rows 1000000] [--only NAME]

Each scenario builds synthetic answers and a submission for one competition, writes both as
CSV to a temporary data dir laid out like a prepared competition, then times (a) reading both
files with pandas and (b) ``mle_inspect.scorers.grade`` on them. Target: grade <= 2x read.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd


@dataclass
class Scenario:
    name: str
    competition_id: str
    build: Callable[[int, np.random.Generator], tuple[pd.DataFrame, pd.DataFrame]]
    """(answers, submission) with ``rows`` rows."""
    max_rows: int | None = None
    """Realistic size cap for families that are not tabular (masks, boxes)."""


def _binary_auc(rows: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    ids = np.arange(rows)
    answers = pd.DataFrame({"patient_id": ids, "malignant": rng.integers(0, 2, rows)})
    submission = pd.DataFrame({"patient_id": rng.permutation(ids), "malignant": rng.random(rows)})
    return answers, submission


def _regression(rows: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    ids = np.array([f"D{i:07d}" for i in range(rows)])
    answers = pd.DataFrame({"patient_id": ids, "progression": rng.normal(150, 50, rows)})
    submission = pd.DataFrame({"patient_id": ids, "progression": rng.normal(150, 50, rows)})
    return answers, submission


def _tgs_masks(rows: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """TGS salt: ``rows`` 101x101 masks, 40% empty, the rest salt below a wavy boundary
    (one run per column, as in the real data); predictions are shifted copies."""
    from mle_inspect.scorers.rle import encode_rle

    ids = [f"{i:09x}s" for i in range(rows)]
    depth = np.arange(101)[:, None]
    truth, pred = [], []
    for _ in range(rows):
        if rng.random() < 0.4:
            truth.append("")
            pred.append("" if rng.random() < 0.8 else "1 50")
            continue
        boundary = np.clip(rng.integers(0, 101) + np.cumsum(rng.integers(-2, 3, 101)), 0, 101)
        mask = depth >= boundary[None, :]
        truth.append(encode_rle(mask))
        pred.append(encode_rle(np.roll(mask, int(rng.integers(-3, 4)), axis=0)))
    answers = pd.DataFrame({"id": ids, "rle_mask": truth})
    return answers, pd.DataFrame({"id": ids, "rle_mask": pred}).sample(frac=1.0, random_state=0)


def _vinbigdata_boxes(rows: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """VinBigData: ``rows`` images with 10 finding boxes each, predictions jittered."""
    ids = [f"{i:032x}" for i in range(rows)]
    classes = np.stack([rng.choice(14, 10, replace=False) for _ in ids])
    x, y = rng.uniform(0, 2000, (2, rows, 10))
    w, h = rng.uniform(30, 400, (2, rows, 10))
    answers = pd.DataFrame(
        {
            "image_id": np.repeat(ids, 10),
            "class_id": classes.ravel(),
            "class_name": "finding",
            "rad_id": "R1",
            "x_min": x.ravel(),
            "y_min": y.ravel(),
            "x_max": (x + w).ravel(),
            "y_max": (y + h).ravel(),
        }
    ).sort_values(["image_id", "class_id"])
    jitter = rng.normal(0, 10, (rows, 10, 4))
    boxes = np.stack([x, y, x + w, y + h], axis=-1) + jitter
    scores = rng.random((rows, 10))
    strings = [
        " ".join(
            f"{c} {s:.3f} {b[0]:.1f} {b[1]:.1f} {b[2]:.1f} {b[3]:.1f}"
            for c, s, b in zip(classes[i], scores[i], boxes[i], strict=True)
        )
        for i in range(rows)
    ]
    return answers, pd.DataFrame({"image_id": ids, "PredictionString": strings})


def _hex_ids(rows: int, width: int) -> np.ndarray:
    """Distinct hex ids that read back as text (a letter in front)."""
    return np.array([f"f{i:0{width - 1}x}" for i in range(rows)])


def _essay_kappa(rows: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Agreement family: quadratic kappa on essay scores 1..6, shuffled submission."""
    ids = _hex_ids(rows, 7)
    truth = rng.integers(1, 7, rows)
    guess = np.clip(truth + rng.integers(-1, 2, rows), 1, 6)
    answers = pd.DataFrame({"essay_id": ids, "full_text": "An essay.", "score": truth})
    submission = pd.DataFrame({"essay_id": ids, "score": guess}).sample(frac=1.0, random_state=0)
    return answers, submission


def _herbarium_macro_f1(rows: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """F-score family: macro F1 over 15,501 integer classes (Herbarium 2022's count)."""
    truth = rng.integers(0, 15_501, rows)
    guess = np.where(rng.random(rows) < 0.6, truth, rng.integers(0, 15_501, rows))
    answers = pd.DataFrame({"Id": np.arange(rows), "Predicted": truth})
    return answers, pd.DataFrame({"Id": rng.permutation(rows), "Predicted": guess})


def _fashion_map12(rows: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ranking family: MAP@12 for ``rows`` customers; a tenth of them bought in the test week."""
    ids = _hex_ids(rows, 64)
    articles = rng.integers(108_775_015, 959_461_001, 5_000).astype(str)
    buyers = np.sort(rng.choice(rows, max(1, rows // 10), replace=False))
    bought = [" ".join(rng.choice(articles, int(k))) for k in rng.integers(1, 6, len(buyers))]
    guesses = [" ".join(row) for row in rng.choice(articles, (rows, 12))]
    answers = pd.DataFrame({"customer_id": ids[buyers], "prediction": bought})
    return answers, pd.DataFrame({"customer_id": ids, "prediction": guesses})


def _inchi_levenshtein(rows: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Text family: mean Levenshtein distance on InChI-like strings (~60 characters)."""
    atoms = rng.integers(5, 40, (rows, 3))
    truth = [f"InChI=1S/C{c}H{h}N{n}O2/c1-5-9-12(16)14(18)11-7-3-10(15)8-4-6-13(11)17/h3-8H"
             for c, h, n in atoms]  # fmt: skip
    guess = [t[:-4] + "2-5H" if i % 3 else t for i, t in enumerate(truth)]
    answers = pd.DataFrame({"image_id": _hex_ids(rows, 12), "InChI": truth})
    return answers, pd.DataFrame({"image_id": answers["image_id"], "InChI": guess})


def _arena_log_loss(rows: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Log-loss family: 3-class log loss (lmsys arena), rows rounding to 1 at 6 decimals."""
    classes = ["winner_model_a", "winner_model_b", "winner_tie"]
    ids = rng.choice(4_294_000_000, rows, replace=False)
    onehot = np.eye(3, dtype=int)[rng.integers(0, 3, rows)]
    probs = rng.dirichlet(np.ones(3), rows)
    probs[:, 2] = 1.0 - probs[:, 0] - probs[:, 1]
    answers = pd.DataFrame({"id": ids, **dict(zip(classes, onehot.T, strict=True))})
    submission = pd.DataFrame({"id": ids, **dict(zip(classes, probs.T, strict=True))})
    return answers, submission.sample(frac=1.0, random_state=0)


def _ventilator_mae(rows: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Regression family: MAE on the inspiratory rows (u_out == 0) of 80-step breaths."""
    ids = np.arange(1, rows + 1)
    answers = pd.DataFrame(
        {
            "id": ids,
            "u_out": ((ids - 1) % 80 >= 30).astype(int),
            "pressure": rng.normal(11, 8, rows),
        }
    )
    submission = pd.DataFrame({"id": ids, "pressure": rng.normal(11, 8, rows)})
    return answers, submission.sample(frac=1.0, random_state=0)


def _cover_type_accuracy(rows: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Accuracy family: integer classes 1..7, shuffled submission with float labels (2.0)."""
    ids = rng.permutation(4 * rows)[:rows]
    answers = pd.DataFrame({"Id": ids, "Elevation": 2500, "Cover_Type": rng.integers(1, 8, rows)})
    guess = np.where(rng.random(rows) < 0.7, answers["Cover_Type"], 2).astype(float)
    return answers, pd.DataFrame({"Id": ids, "Cover_Type": guess}).sample(frac=1.0, random_state=0)


def _text_norm_accuracy(rows: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Accuracy family, text labels: ``s_t`` ids and short tokens, some empty (NA-like)."""
    ids = [f"{i // 8}_{i % 8}" for i in range(rows)]
    vocabulary = np.array(["the", "two thousand", "mister", "", ",", "kilograms", "sil"])
    after = vocabulary[rng.integers(0, len(vocabulary), rows)]
    guess = np.where(rng.random(rows) < 0.9, after, "the")
    answers = pd.DataFrame({"id": ids, "after": after})
    return answers, pd.DataFrame({"id": ids, "after": guess}).sample(frac=1.0, random_state=0)


def _pooled_binary_auc(rows: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """ROC AUC family (declarative, probabilities in [0, 1]), TPS May 2022's layout."""
    ids = np.arange(800_000, 800_000 + rows)
    truth = rng.integers(0, 2, rows)
    guess = np.clip(0.3 * truth + 0.7 * rng.random(rows), 0, 1).round(6)
    answers = pd.DataFrame({"id": ids, "f_00": 0.5, "target": truth})
    return answers, pd.DataFrame({"id": ids, "target": guess}).sample(frac=1.0, random_state=0)


def _toxic_columnwise_auc(rows: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Column-wise ROC AUC: Jigsaw's six classes, a quarter of rows unscored (-1)."""
    classes = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]
    ids = _hex_ids(rows, 16)
    truth = rng.integers(0, 2, (rows, 6))
    truth[rng.random(rows) < 0.25] = -1
    answers = pd.DataFrame(truth, columns=classes).assign(id=ids)[["id", *classes]]
    guess = pd.DataFrame(rng.random((rows, 6)).round(5), columns=classes).assign(id=ids)
    return answers, guess[["id", *classes]].sample(frac=1.0, random_state=0)


def _jigsaw_bias_auc(rows: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Jigsaw bias AUC: fractional toxicity and nine identity columns (some missing)."""
    identities = ["male", "female", "homosexual_gay_or_lesbian", "christian", "jewish",
                  "muslim", "black", "white", "psychiatric_or_mental_illness"]  # fmt: skip
    ids = np.arange(7_000_000, 7_000_000 + rows)
    scores = rng.choice([0.0, 0.0, 0.2, 0.6, 1.0, np.nan], (rows, len(identities)))
    answers = pd.DataFrame(scores, columns=identities)
    answers.insert(0, "toxicity", rng.random(rows).round(3))
    answers.insert(0, "id", ids)
    guess = np.clip(answers["toxicity"] + rng.normal(0, 0.3, rows), 0, 1).round(4)
    return answers, pd.DataFrame({"id": ids, "prediction": guess}).sample(frac=1.0, random_state=0)


# Families add their scenarios here (one per metric family, at a realistic or 1M-row size).
SCENARIOS: list[Scenario] = [
    Scenario("auc (demo-tumor-diagnosis)", "demo-tumor-diagnosis", _binary_auc),
    Scenario("rmse (demo-diabetes-progression)", "demo-diabetes-progression", _regression),
    Scenario(
        "masks (tgs-salt-identification-challenge)",
        "tgs-salt-identification-challenge",
        _tgs_masks,
        max_rows=18_000,
    ),
    Scenario(
        "boxes (vinbigdata-chest-xray-abnormalities-detection)",
        "vinbigdata-chest-xray-abnormalities-detection",
        _vinbigdata_boxes,
        max_rows=3_000,
    ),
    Scenario(
        "qwk (learning-agency-lab-automated-essay-scoring-2)",
        "learning-agency-lab-automated-essay-scoring-2",
        _essay_kappa,
    ),
    Scenario("macro f1 (herbarium-2022-fgvc9)", "herbarium-2022-fgvc9", _herbarium_macro_f1),
    Scenario(
        "map@12 (h-and-m-personalized-fashion-recommendations)",
        "h-and-m-personalized-fashion-recommendations",
        _fashion_map12,
    ),
    Scenario(
        "levenshtein (bms-molecular-translation)", "bms-molecular-translation", _inchi_levenshtein
    ),
    Scenario("log loss (lmsys-chatbot-arena)", "lmsys-chatbot-arena", _arena_log_loss),
    Scenario(
        "mae u_out==0 (ventilator-pressure-prediction)",
        "ventilator-pressure-prediction",
        _ventilator_mae,
    ),
    Scenario(
        "accuracy (tabular-playground-series-dec-2021)",
        "tabular-playground-series-dec-2021",
        _cover_type_accuracy,
    ),
    Scenario(
        "accuracy text (text-normalization-challenge-english-language)",
        "text-normalization-challenge-english-language",
        _text_norm_accuracy,
    ),
    Scenario(
        "roc auc (tabular-playground-series-may-2022)",
        "tabular-playground-series-may-2022",
        _pooled_binary_auc,
    ),
    Scenario(
        "column-wise auc (jigsaw-toxic-comment-classification-challenge)",
        "jigsaw-toxic-comment-classification-challenge",
        _toxic_columnwise_auc,
    ),
    Scenario(
        "bias auc (jigsaw-unintended-bias-in-toxicity-classification)",
        "jigsaw-unintended-bias-in-toxicity-classification",
        _jigsaw_bias_auc,
        max_rows=100_000,
    ),
]


def run(scenario: Scenario, rows: int, root: Path) -> tuple[int, float, float]:
    from mle_inspect.competitions import get_competition
    from mle_inspect.data import competition_paths
    from mle_inspect.data._layout import MARKER_NAME
    from mle_inspect.scorers import grade

    rows = min(rows, scenario.max_rows or rows)
    competition = get_competition(scenario.competition_id)
    answers, submission = scenario.build(rows, np.random.default_rng(0))
    paths = competition_paths(scenario.competition_id, root)
    for rel in (competition.answers, competition.sample_submission):
        (paths.prepared / rel).parent.mkdir(parents=True, exist_ok=True)
    answers.to_csv(paths.prepared / competition.answers, index=False)
    # a full-size sample submission, as every real one is: the grader sizes its limits from it
    submission.to_csv(paths.prepared / competition.sample_submission, index=False)
    (paths.prepared / MARKER_NAME).write_text("{}")
    sub_path = root / f"{scenario.competition_id}-submission.csv"
    submission.to_csv(sub_path, index=False)
    # once per process, not per file: the sample's shape and (demo) score, then cached
    warm = root / "header-only.csv"
    warm.write_text(",".join(submission.columns) + "\n")
    grade(scenario.competition_id, warm, data_dir=root)

    started = time.perf_counter()
    pd.read_csv(paths.prepared / competition.answers)
    pd.read_csv(sub_path)
    read_s = time.perf_counter() - started

    started = time.perf_counter()
    report = grade(scenario.competition_id, sub_path, data_dir=root)
    grade_s = time.perf_counter() - started
    if not report.valid_submission:
        raise SystemExit(f"{scenario.name}: synthetic submission is invalid: {report.message}")
    return rows, read_s, grade_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--only", help="run scenarios whose name contains this text")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="mle-grading-bench-"))
    started = time.perf_counter()
    import sklearn.metrics  # noqa: F401 - a one-off cost, reported apart from the scenarios

    print(f"(one-off import of scikit-learn metrics: {time.perf_counter() - started:.2f}s)")
    try:
        print(f"{'scenario':48s} {'rows':>9s} {'read s':>8s} {'grade s':>8s} {'ratio':>6s}")
        for scenario in SCENARIOS:
            if args.only and args.only not in scenario.name:
                continue
            rows, read_s, grade_s = run(scenario, args.rows, root)
            ratio = grade_s / read_s if read_s else float("nan")
            print(f"{scenario.name:48s} {rows:9d} {read_s:8.2f} {grade_s:8.2f} {ratio:6.2f}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
