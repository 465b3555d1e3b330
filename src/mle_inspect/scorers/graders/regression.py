"""Graders for regression-error competitions that a declarative spec cannot describe.

Quirks of the original graders reproduced on purpose (published MLE-bench scores used them):

- new-york-city-taxi-fare-prediction: both files are sorted by ``key`` and paired by
  position; keys are never compared, so a submission of the right length with other keys is
  still scored.
- nomad2018-predict-transparent-conductors: no id is read at all; rows pair by position with
  the answers (test ids 1..n in order). Negative predictions are invalid (scikit-learn 1.5).
- stanford-covid-vaccine: the scored-row mask is applied by original row number, so a
  submission with the right ids in another row order is scored on the wrong rows without
  error. The unscored columns deg_pH10 and deg_50C are required but never read.
- predict-volcanic-eruptions-ingv-oe: only the id *set* is checked; duplicated ids add extra
  rows to the mean; the MAE is rounded to an integer.
- ventilator-pressure-prediction: only scored rows' predictions are read, so values in
  unscored rows may be anything. osic reads only scored rows too, but its FVC and Confidence
  columns must be numeric throughout.
- champs-scalar-coupling: only the id set is checked; duplicated ids add rows. A type with
  MAE 0 is floored at 1e-9 (the original gave -inf; see metrics.regression.LOG_MAE_FLOOR).
- smartphone-decimeter-2022: rows pair by position within each trip; timestamps are ignored.
- osic-pulmonary-fibrosis-progression: missing scored rows are skipped, not refused; only
  the last 3 measured weeks of each patient count; NaN Confidence counts as the minimum 70.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import checks
from .._errors import InvalidSubmission
from ..metrics.basic import mae, rmse
from ..metrics.regression import (
    group_log_mae,
    laplace_log_likelihood,
    mae_rounded_int,
    mcrmse,
    mean_angular_error,
    mean_columnwise_rmsle,
    trip_haversine_p50_p95,
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from ...competitions import GradingSpec


def _numbers(df: pd.DataFrame, columns: list[str], id_column: str | None) -> np.ndarray:
    import numpy as np

    arrays = [checks.numeric_column(df, c, id_column=id_column) for c in columns]
    return arrays[0] if len(arrays) == 1 else np.column_stack(arrays)


def _text(values: pd.Series) -> pd.Series:
    """Values as text, missing ones as "nan" (what pandas 2's ``astype(str)`` gave).

    pandas 3 keeps them missing, which would break sorting and comparisons below.
    """
    return values.astype(str).fillna("nan")


def taxi_fare(submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec) -> float:
    """RMSE of fare_amount, rows paired by position after sorting both files by key."""
    checks.require_answer_columns(answers, ["key", "fare_amount"])
    checks.require_not_empty(submission)
    checks.require_columns(submission, ["key", "fare_amount"])
    # Quirk: keys are not compared (only a length mismatch made the original fail).
    checks.require_row_count(submission, len(answers))
    sub = submission.sort_values("key", kind="stable").reset_index(drop=True)
    ans = answers.sort_values("key", kind="stable").reset_index(drop=True)
    return rmse(ans["fare_amount"].to_numpy(dtype=float), _numbers(sub, ["fare_amount"], "key"))


def pawpularity(submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec) -> float:
    """RMSE by Id; predictions outside [1, 100] are refused, not clipped."""
    checks.require_not_empty(submission)
    checks.require_columns(submission, ["Id", "Pawpularity"])
    values = checks.numeric_column(submission, "Pawpularity", id_column="Id")
    checks.require_range(submission, "Pawpularity", values, 1.0, 100.0, id_column="Id")
    aligned = checks.align_to_answers(submission, answers, "Id")
    return rmse(
        answers["Pawpularity"].to_numpy(dtype=float), aligned["Pawpularity"].to_numpy(float)
    )


COVID_SCORED = ["reactivity", "deg_Mg_pH10", "deg_Mg_50C"]
COVID_REQUIRED = ["id_seqpos", "reactivity", "deg_Mg_pH10", "deg_Mg_50C", "deg_pH10", "deg_50C"]


def covid_mcrmse(submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec) -> float:
    """MCRMSE over the three scored targets, on the positions the answers mark ``keep``."""
    import numpy as np

    checks.require_answer_columns(answers, [*COVID_SCORED, "id_seqpos", "keep"])
    checks.require_not_empty(submission)
    checks.require_row_count(submission, len(answers))
    checks.require_columns(submission, COVID_REQUIRED)
    sub_ids, ans_ids = (_text(df["id_seqpos"]).to_numpy() for df in (submission, answers))
    sub_order = np.argsort(sub_ids, kind="stable")
    ans_order = np.argsort(ans_ids, kind="stable")
    sub_ids, ans_ids = sub_ids[sub_order], ans_ids[ans_order]
    mismatch = sub_ids != ans_ids
    if mismatch.any():
        raise InvalidSubmission(
            f"column 'id_seqpos' does not hold the test ids: {int(mismatch.sum())} of "
            f"{len(sub_ids)} sorted ids differ (first: {checks._preview(sub_ids[mismatch])})"
        )
    keep = answers["keep"].to_numpy(dtype=bool)
    # Quirk: the original masked the sorted submission with the answers' keep column aligned
    # by row label, i.e. a submission row is scored iff the answers row at the same original
    # position is kept; right only when the submission is in the answers' row order.
    sub_rows = sub_order[keep[sub_order]]
    ans_rows = ans_order[keep[ans_order]]
    scored = submission.iloc[sub_rows].reset_index(drop=True)
    y_pred = _numbers(scored, COVID_SCORED, "id_seqpos")
    return mcrmse(answers[COVID_SCORED].to_numpy(dtype=float)[ans_rows], y_pred)


NOMAD_TARGETS = ["formation_energy_ev_natom", "bandgap_energy_ev"]


def nomad_rmsle(submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec) -> float:
    """Mean column-wise RMSLE, rows paired by position (the original reads no id)."""
    checks.require_not_empty(submission)
    checks.require_columns(submission, NOMAD_TARGETS)
    checks.require_row_count(submission, len(answers))
    id_column = "id" if "id" in submission.columns else None
    y_pred = _numbers(submission, NOMAD_TARGETS, id_column)
    for k, column in enumerate(NOMAD_TARGETS):
        checks.require_range(
            submission, column, y_pred[:, k], 0.0, float("inf"), id_column=id_column
        )
    return mean_columnwise_rmsle(answers[NOMAD_TARGETS].to_numpy(dtype=float), y_pred)


def _merged_on_id(
    submission: pd.DataFrame, answers: pd.DataFrame, id_column: str, target: str
) -> pd.DataFrame:
    """Answers inner-joined with the submission's predictions on the id, as the original did.

    This runs after an id-set check, so a duplicated id adds one more scored row.
    """
    import pandas as pd

    checks.require_same_id_set(submission, answers, id_column)
    sub = submission[[id_column, target]]
    left = answers
    if sub[id_column].dtype != answers[id_column].dtype:
        numeric = pd.api.types.is_numeric_dtype
        kind = float if numeric(sub[id_column]) and numeric(answers[id_column]) else str
        sub = sub.assign(**{id_column: sub[id_column].astype(kind)})
        left = answers.assign(**{id_column: answers[id_column].astype(kind)})
    return left.merge(sub, on=id_column, how="inner", suffixes=("_true", "_pred"))


def volcano_mae(submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec) -> float:
    """MAE of time_to_eruption, rounded to an integer, over the id-merged rows."""
    checks.require_not_empty(submission)
    checks.require_columns(submission, ["segment_id", "time_to_eruption"])
    merged = _merged_on_id(submission, answers, "segment_id", "time_to_eruption")
    y_pred = checks.numeric_column(merged, "time_to_eruption_pred", id_column="segment_id")
    return mae_rounded_int(merged["time_to_eruption_true"].to_numpy(dtype=float), y_pred)


def ventilator_mae(submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec) -> float:
    """MAE of pressure over the inspiratory phase (answers' u_out == 0) only."""
    checks.require_answer_columns(answers, ["id", "pressure", "u_out"])
    checks.require_not_empty(submission)
    checks.require_columns(submission, ["id", "pressure"])
    checks.require_row_count(submission, len(answers))
    aligned = checks.align_to_answers(submission, answers, "id")
    scored = (answers["u_out"] == 0).to_numpy()
    y_pred = checks.numeric_column(aligned[scored], "pressure", id_column="id")
    return mae(answers["pressure"].to_numpy(dtype=float)[scored], y_pred)


def champs_log_mae(submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec) -> float:
    """Mean over coupling types of ln(MAE) of scalar_coupling_constant."""
    target = "scalar_coupling_constant"
    checks.require_answer_columns(answers, ["id", "type", target])
    checks.require_not_empty(submission)
    checks.require_columns(submission, ["id", target])
    merged = _merged_on_id(submission, answers, "id", target)
    y_pred = checks.numeric_column(merged, f"{target}_pred", id_column="id")
    return group_log_mae(merged[f"{target}_true"].to_numpy(dtype=float), y_pred, merged["type"])


ICECUBE_COLUMNS = ["event_id", "azimuth", "zenith"]


def icecube_angular_error(
    submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec
) -> float:
    """Mean angular error between true and predicted (azimuth, zenith), by event_id."""
    import pandas as pd

    checks.require_not_empty(submission)
    checks.require_columns(submission, ICECUBE_COLUMNS, exact=True)
    for column in ("azimuth", "zenith"):
        dtype = submission[column].dtype
        # The original tested np.issubdtype(dtype, np.number): booleans are not numbers.
        if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
            raise InvalidSubmission(f"column {column!r} must be numeric; it has dtype {dtype}")
    checks.require_row_count(submission, len(answers))
    aligned = checks.align_to_answers(submission, answers, "event_id")
    y_pred = _numbers(aligned, ["azimuth", "zenith"], "event_id")
    return mean_angular_error(answers[["azimuth", "zenith"]].to_numpy(dtype=float), y_pred)


SMARTPHONE_COLUMNS = ["tripId", "UnixTimeMillis", "LatitudeDegrees", "LongitudeDegrees"]


def smartphone_haversine(
    submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec
) -> float:
    """Per trip mean of p50 and p95 haversine error; rows pair by position within a trip."""
    import numpy as np
    import pandas as pd

    checks.require_answer_columns(answers, SMARTPHONE_COLUMNS)
    checks.require_not_empty(submission)
    checks.require_columns(submission, SMARTPHONE_COLUMNS)
    checks.require_row_count(submission, len(answers))
    sub_trips = _text(submission["tripId"])
    ans_trips = _text(answers["tripId"])
    ans_counts = ans_trips.value_counts(sort=False)
    sub_counts = sub_trips.value_counts(sort=False).reindex(ans_counts.index, fill_value=0)
    wrong = ans_counts.index[(sub_counts != ans_counts).to_numpy()]
    if len(wrong):
        raise InvalidSubmission(
            f"column 'tripId': {len(wrong)} trip(s) have a different number of rows than the "
            f"test set: {checks._preview(wrong)}"
        )
    # Quirk: within a trip, rows pair by position; UnixTimeMillis is neither used nor checked.
    # A stable sort by trip keeps each file's own within-trip order.
    codes = pd.Index(ans_counts.index)
    sub_order = np.argsort(codes.get_indexer(sub_trips), kind="stable")
    ans_order = np.argsort(codes.get_indexer(ans_trips), kind="stable")
    coords = ["LatitudeDegrees", "LongitudeDegrees"]
    y_pred = _numbers(submission, coords, "tripId")[sub_order]
    y_true = answers[coords].to_numpy(dtype=float)[ans_order]
    return trip_haversine_p50_p95(y_true, y_pred, ans_trips.to_numpy()[ans_order])


def osic_laplace(submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec) -> float:
    """Modified Laplace log likelihood on each patient's last 3 measured weeks."""
    import numpy as np
    import pandas as pd

    checks.require_answer_columns(answers, ["Patient_Week", "FVC", "Patient"])
    checks.require_not_empty(submission)
    checks.require_columns(submission, ["Patient_Week", "FVC", "Confidence"])
    grid = _text(answers["Patient_Week"])
    sub_ids = _text(submission["Patient_Week"])
    unknown = sub_ids[~sub_ids.isin(grid)]
    if len(unknown):
        raise InvalidSubmission(
            f"column 'Patient_Week' has {len(unknown)} id(s) not in the test set: "
            f"{checks._preview(unknown)}"
        )
    for column in ("FVC", "Confidence"):
        if not pd.api.types.is_numeric_dtype(submission[column]):
            raise InvalidSubmission(
                f"column {column!r} must be numeric; it has dtype {submission[column].dtype}"
            )
    measured = answers[answers["FVC"].notna()]
    weeks = _text(measured["Patient_Week"]).str.rsplit("_", n=1).str[1].astype(int)
    last3 = (
        measured.assign(_week=weeks.to_numpy())
        .sort_values("_week", kind="stable")
        .groupby("Patient", sort=False)
        .tail(3)
    )
    # Quirk: scored rows missing from the submission are skipped, not refused.
    scored_ids = _text(last3["Patient_Week"])
    sub = submission.assign(Patient_Week=sub_ids)
    sub = sub[sub_ids.isin(scored_ids).to_numpy()].sort_values("Patient_Week", kind="stable")
    truth = last3.assign(Patient_Week=scored_ids)
    truth = truth[scored_ids.isin(sub["Patient_Week"]).to_numpy()].sort_values(
        "Patient_Week", kind="stable"
    )
    if len(sub) != len(truth):
        dupes = sub["Patient_Week"][sub["Patient_Week"].duplicated()].unique()
        raise InvalidSubmission(
            f"column 'Patient_Week' has {len(dupes)} duplicated scored id(s): "
            f"{checks._preview(dupes)}"
        )
    if len(sub) == 0:
        raise InvalidSubmission("the submission has none of the scored Patient_Week rows")
    fvc = sub["FVC"].to_numpy(dtype=float)
    if np.isnan(fvc).any():
        raise InvalidSubmission(
            f"column 'FVC' has {int(np.isnan(fvc).sum())} missing value(s) in scored rows: "
            f"{checks._preview(sub['Patient_Week'][np.isnan(fvc)])}"
        )
    confidence = sub["Confidence"].fillna(0).to_numpy(dtype=float)  # later clipped up to 70
    return laplace_log_likelihood(truth["FVC"].to_numpy(dtype=float), fvc, confidence)
