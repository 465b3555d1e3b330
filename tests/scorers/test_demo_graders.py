"""Every demo grader: a perfect and a constant submission score what the metric says, and
every malformed submission is invalid with a message (never another exception)."""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mle_inspect.competitions import get_competition
from mle_inspect.scorers import InvalidSubmission, grade_content, score_submission
from tests.conftest import DEMO_IDS, DemoPreparer


def answers(data_dir: Path, cid: str) -> pd.DataFrame:
    return pd.read_csv(data_dir / cid / "prepared" / "private" / "test.csv")


def sample(data_dir: Path, cid: str) -> pd.DataFrame:
    return pd.read_csv(data_dir / cid / "prepared" / "public" / "sample_submission.csv")


def perfect(data_dir: Path, cid: str) -> pd.DataFrame:
    """The answers in submission form: labels, one-hot probabilities or true values."""
    truth = answers(data_dir, cid)
    spec = get_competition(cid).grading
    assert spec is not None
    frame = pd.DataFrame({spec.id_column: truth[spec.id_column]})
    if spec.answer_columns:  # probability columns, one per class
        for name in spec.target_columns:
            frame[name] = (truth[spec.answer_columns[0]] == name).astype(float)
    else:
        frame[spec.target_columns[0]] = truth[spec.target_columns[0]]
    return frame


BEST = {
    "demo-digits": 1.0,
    "demo-tumor-diagnosis": 1.0,
    "demo-wine-cultivars": 0.0,
    "demo-diabetes-progression": 0.0,
}


@pytest.fixture
def data_dir(prepare_demo: DemoPreparer, cid: str) -> Path:
    """The shared demo data dir with (at least) this test's competition prepared."""
    return prepare_demo(cid)


@pytest.mark.parametrize("cid", DEMO_IDS)
def test_perfect_submission_scores_the_best_value(data_dir: Path, cid: str) -> None:
    score = score_submission(cid, perfect(data_dir, cid), answers(data_dir, cid))
    assert score == pytest.approx(BEST[cid], abs=1e-5)


@pytest.mark.parametrize("cid", DEMO_IDS)
def test_row_order_does_not_matter(data_dir: Path, cid: str) -> None:
    truth = answers(data_dir, cid)
    sub = sample(data_dir, cid)
    shuffled = sub.sample(frac=1.0, random_state=3)
    assert score_submission(cid, shuffled, truth) == score_submission(cid, sub, truth)


def expected_constant_score(cid: str, sub: pd.DataFrame, truth: pd.DataFrame) -> float:
    """What the metric's definition says a constant submission scores, computed by hand."""
    if cid == "demo-digits":
        return float((truth["label"] == sub["label"].iloc[0]).mean())
    if cid == "demo-tumor-diagnosis":
        return 0.5  # a constant ranks every pair as a tie
    if cid == "demo-wine-cultivars":
        return math.log(3)  # -log(1/3) on every row
    value = sub["progression"].iloc[0]
    return float(np.sqrt(np.mean((truth["progression"] - value) ** 2)))


@pytest.mark.parametrize("cid", DEMO_IDS)
def test_sample_submission_scores_what_the_metric_says(data_dir: Path, cid: str) -> None:
    truth, sub = answers(data_dir, cid), sample(data_dir, cid)
    assert score_submission(cid, sub, truth) == pytest.approx(
        expected_constant_score(cid, sub, truth), abs=1e-5
    )


def target(cid: str) -> str:
    spec = get_competition(cid).grading
    assert spec is not None
    return spec.target_columns[0]


def id_column(cid: str) -> str:
    spec = get_competition(cid).grading
    assert spec is not None and spec.id_column is not None
    return spec.id_column


# Each malformation: (name, mutate(frame, cid) -> frame or raw bytes, expected message part)
Mutation = Callable[[pd.DataFrame, str], "pd.DataFrame | bytes"]


def _set(frame: pd.DataFrame, column: str, row: int, value: object) -> pd.DataFrame:
    frame = frame.copy()
    frame[column] = frame[column].astype(object)
    frame.loc[row, column] = value
    return frame


MALFORMED: list[tuple[str, Mutation, str]] = [
    ("missing target column", lambda f, c: f.drop(columns=[target(c)]), "missing column"),
    ("missing id column", lambda f, c: f.drop(columns=[id_column(c)]), "missing column"),
    ("ids not in test set", lambda f, c: _set(f, id_column(c), 0, "nobody"), "not in the test set"),
    ("missing rows", lambda f, c: f.iloc[3:], "have no row in the submission"),
    ("duplicate ids", lambda f, c: pd.concat([f, f.iloc[:2]]), "duplicate id"),
    ("NaN prediction", lambda f, c: _set(f, target(c), 16, np.nan), "missing"),
    ("non-numeric prediction", lambda f, c: _set(f, target(c), 4, "seven"), "numbers"),
    ("empty file", lambda f, c: b"", "empty"),
    ("header only", lambda f, c: f.iloc[:0], "no rows"),
    ("not a CSV", lambda f, c: b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe binary", "text CSV"),
    ("written with the index", lambda f, c: f.to_csv(index=True).encode(), "unexpected column"),
    ("extra column", lambda f, c: f.assign(notes="x"), "unexpected column 'notes'"),
]


def to_bytes(value: pd.DataFrame | bytes) -> bytes:
    if isinstance(value, bytes):
        return value
    buffer = io.StringIO()
    value.to_csv(buffer, index=False)
    return buffer.getvalue().encode()


@pytest.mark.parametrize("cid", DEMO_IDS)
@pytest.mark.parametrize(("kind", "mutate", "message"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_submission_is_invalid_with_a_message(
    data_dir: Path, cid: str, kind: str, mutate: Mutation, message: str
) -> None:
    content = to_bytes(mutate(sample(data_dir, cid), cid))
    report = grade_content(cid, content, data_dir)
    assert not report.valid_submission
    assert report.score is None and report.normalized_score == 0.0
    assert not report.any_medal
    # the generic message parts differ slightly per metric kind (labels vs numbers)
    if kind == "non-numeric prediction":
        assert "non-numeric" in report.message or "numbers" in report.message
    elif kind == "NaN prediction":
        assert "missing" in report.message and "1 " in report.message
    else:
        assert message in report.message, report.message


def test_messages_name_the_offending_ids(prepare_demo: DemoPreparer) -> None:
    data_dir = prepare_demo("demo-diabetes-progression")
    cid = "demo-diabetes-progression"
    sub = sample(data_dir, cid)
    sub.loc[[5, 9], "progression"] = np.nan
    with pytest.raises(InvalidSubmission) as caught:
        score_submission(cid, sub, answers(data_dir, cid))
    message = str(caught.value)
    assert "'progression'" in message and "2 missing" in message
    assert sub.loc[5, "patient_id"] in message and sub.loc[9, "patient_id"] in message


@pytest.mark.parametrize(
    ("value", "reason"), [(1.5, "outside [0.0, 1.0]"), (-0.1, "outside [0.0, 1.0]")]
)
def test_probabilities_outside_0_1_are_invalid(
    prepare_demo: DemoPreparer, value: float, reason: str
) -> None:
    data_dir = prepare_demo("demo-tumor-diagnosis")
    cid = "demo-tumor-diagnosis"
    sub = _set(sample(data_dir, cid), "malignant", 7, value)
    report = grade_content(cid, to_bytes(sub), data_dir)
    assert not report.valid_submission and reason in report.message


def test_probability_rows_must_sum_to_one(prepare_demo: DemoPreparer) -> None:
    data_dir = prepare_demo("demo-wine-cultivars")
    cid = "demo-wine-cultivars"
    sub = sample(data_dir, cid)
    sub.loc[2, "cultivar_a"] = 0.9
    report = grade_content(cid, to_bytes(sub), data_dir)
    assert not report.valid_submission and "sum to 1" in report.message


def test_numeric_labels_written_as_floats_still_match(prepare_demo: DemoPreparer) -> None:
    data_dir = prepare_demo("demo-digits")
    cid = "demo-digits"
    sub = perfect(data_dir, cid)
    sub["label"] = sub["label"].astype(float)
    assert score_submission(cid, sub, answers(data_dir, cid)) == 1.0


def test_a_perfect_submission_wins_gold_and_the_report_is_complete(
    prepare_demo: DemoPreparer,
) -> None:
    data_dir = prepare_demo("demo-wine-cultivars")
    cid = "demo-wine-cultivars"
    report = grade_content(cid, to_bytes(perfect(data_dir, cid)), data_dir)
    assert report.valid_submission and report.gold_medal and report.any_medal
    assert report.thresholds_source and "leaderboard" in report.thresholds_source
    assert report.leaderboard_size is not None and report.leaderboard_size >= 30
    assert "not human" in (report.leaderboard_note or "")
    # every ladder entry is beaten, except any that is perfect too (a tie counts half): the
    # ladder's models are trained on a salted split, and some salts let one be perfect
    board = pd.read_csv(report.leaderboard_source)["score"]
    worse = board > report.score if report.is_lower_better else board < report.score
    expected = 100 * (worse.sum() + 0.5 * (board == report.score).sum()) / len(board)
    assert report.percentile == pytest.approx(expected) and report.percentile > 90
    assert report.normalized_score >= 1.0  # at least the ladder's gold threshold


def test_no_submission_is_invalid_and_says_so(prepare_demo: DemoPreparer) -> None:
    data_dir = prepare_demo("demo-digits")
    report = grade_content("demo-digits", None, data_dir, submission_path="/x/submission.csv")
    assert not report.valid_submission and not report.submission_exists
    assert "no submission file at /x/submission.csv" in report.message
