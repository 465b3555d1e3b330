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


# Families add their scenarios here (one per metric family, at a realistic or 1M-row size).
SCENARIOS: list[Scenario] = [
    Scenario("auc (demo-tumor-diagnosis)", "demo-tumor-diagnosis", _binary_auc),
    Scenario("rmse (demo-diabetes-progression)", "demo-diabetes-progression", _regression),
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
    submission.head(5).to_csv(paths.prepared / competition.sample_submission, index=False)
    (paths.prepared / MARKER_NAME).write_text("{}")
    sub_path = root / f"{scenario.competition_id}-submission.csv"
    submission.to_csv(sub_path, index=False)

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
