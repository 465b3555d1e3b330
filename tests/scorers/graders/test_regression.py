"""Graders of the regression-error competitions: best, sample and random submissions score
what an independent computation says; malformed ones are InvalidSubmission, except where the
original grader accepted them (quirks pinned here on purpose)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import (
    mean_absolute_error,
    root_mean_squared_error,
    root_mean_squared_log_error,
)
from sklearn.metrics.pairwise import haversine_distances

from mle_inspect.scorers import InvalidSubmission
from mle_inspect.scorers.metrics import get_metric

from .synth_logloss import (
    Case,
    check_reference,
    check_row_order,
    fresh_case,
    malformed,
    malformed_params,
    score_case,
)
from .synth_regression import BUILDERS, COVID_TARGETS

IDS = sorted(BUILDERS)


def _case(cid: str) -> Case:
    return fresh_case(BUILDERS[cid])


# ------------------------------------------------------------------ independent references


def _merge(case: Case, sub: pd.DataFrame) -> pd.DataFrame:
    columns = [c for c in sub.columns if c != case.id_column]
    return case.answers.merge(
        sub[[case.id_column, *columns]], on=case.id_column, suffixes=("", "_p")
    )


def _ref_rmse(column: str):
    def reference(case: Case, sub: pd.DataFrame) -> float:
        merged = _merge(case, sub)
        return root_mean_squared_error(merged[column], merged[f"{column}_p"])

    return reference


def _ref_covid(case: Case, sub: pd.DataFrame) -> float:
    merged = _merge(case, sub)
    kept = merged[merged["keep"]]
    scored = ["reactivity", "deg_Mg_pH10", "deg_Mg_50C"]
    return float(np.mean([root_mean_squared_error(kept[c], kept[f"{c}_p"]) for c in scored]))


def _ref_nomad(case: Case, sub: pd.DataFrame) -> float:
    targets = ["formation_energy_ev_natom", "bandgap_energy_ev"]
    return float(np.mean([root_mean_squared_log_error(case.answers[c], sub[c]) for c in targets]))


def _ref_volcano(case: Case, sub: pd.DataFrame) -> float:
    merged = _merge(case, sub)
    return float(
        round(mean_absolute_error(merged["time_to_eruption"], merged["time_to_eruption_p"]))
    )


def _ref_ventilator(case: Case, sub: pd.DataFrame) -> float:
    merged = _merge(case, sub)
    merged = merged[merged["u_out"] == 0]
    return mean_absolute_error(merged["pressure"], merged["pressure_p"])


def _ref_champs(case: Case, sub: pd.DataFrame) -> float:
    merged = _merge(case, sub)
    logs = [
        math.log(
            max(
                mean_absolute_error(g["scalar_coupling_constant"], g["scalar_coupling_constant_p"]),
                1e-9,
            )
        )
        for _, g in merged.groupby("type")
    ]
    return float(np.mean(logs))


def _ref_icecube(case: Case, sub: pd.DataFrame) -> float:
    merged = _merge(case, sub)

    def unit(az: pd.Series, zen: pd.Series) -> np.ndarray:
        return np.stack([np.sin(zen) * np.cos(az), np.sin(zen) * np.sin(az), np.cos(zen)], axis=1)

    u = unit(merged["azimuth"], merged["zenith"])
    v = unit(merged["azimuth_p"], merged["zenith_p"])
    return float(np.mean(np.arccos(np.clip(np.einsum("ij,ij->i", u, v), -1, 1))))


def _ref_smartphone(case: Case, sub: pd.DataFrame) -> float:
    """Rows in test order; distances from scikit-learn's haversine (unit sphere) x 6371 km."""
    scores = []
    for trip in case.answers["tripId"].unique():
        truth = case.answers.loc[
            case.answers["tripId"] == trip, ["LatitudeDegrees", "LongitudeDegrees"]
        ]
        pred = sub.loc[sub["tripId"] == trip, ["LatitudeDegrees", "LongitudeDegrees"]]
        d = np.diag(haversine_distances(np.radians(truth.to_numpy()), np.radians(pred.to_numpy())))
        d = d * 6_371_000
        scores.append((np.percentile(d, 50) + np.percentile(d, 95)) / 2)
    return float(np.mean(scores))


def _ref_osic(case: Case, sub: pd.DataFrame) -> float:
    answers = case.answers.dropna(subset=["FVC"])
    last3 = answers.sort_values("Weeks").groupby("Patient").tail(3)
    merged = last3.merge(sub, on="Patient_Week", suffixes=("", "_p"))
    values = []
    for _, row in merged.iterrows():
        confidence = 0.0 if pd.isna(row["Confidence_p"]) else row["Confidence_p"]
        sigma = max(confidence, 70)
        delta = min(abs(row["FVC"] - row["FVC_p"]), 1000)
        values.append(-math.sqrt(2) * delta / sigma - math.log(math.sqrt(2) * sigma))
    return float(np.mean(values))


REFERENCE = {
    "denoising-dirty-documents": _ref_rmse("value"),
    "new-york-city-taxi-fare-prediction": _ref_rmse("fare_amount"),
    "petfinder-pawpularity-score": _ref_rmse("Pawpularity"),
    "stanford-covid-vaccine": _ref_covid,
    "nomad2018-predict-transparent-conductors": _ref_nomad,
    "predict-volcanic-eruptions-ingv-oe": _ref_volcano,
    "ventilator-pressure-prediction": _ref_ventilator,
    "champs-scalar-coupling": _ref_champs,
    "icecube-neutrinos-in-deep-ice": _ref_icecube,
    "smartphone-decimeter-2022": _ref_smartphone,
    "osic-pulmonary-fibrosis-progression": _ref_osic,
}


def _noisy(case: Case, rng: np.random.Generator) -> pd.DataFrame:
    """A valid imperfect submission: the truth plus noise, kept inside any allowed range."""
    sub = case.gold.copy()
    for column in case.pred_columns:
        values = sub[column].to_numpy(dtype=float)
        values = values + rng.normal(0, values.std() / 3 + 1e-3, len(values))
        if column == "Pawpularity":
            values = np.clip(values, 1, 100)
        if column in ("formation_energy_ev_natom", "bandgap_energy_ev"):
            values = np.abs(values)
        sub[column] = values
    if "Confidence" in sub.columns:
        sub["Confidence"] = rng.uniform(40, 400, len(sub))
        sub.loc[case.scored_row, "Confidence"] = np.nan  # counts as 70
    return sub


# ------------------------------------------------------------------------------- tests


@pytest.mark.parametrize("cid", IDS)
def test_gold_submission_scores_the_best_value(cid: str) -> None:
    case = _case(cid)
    assert score_case(cid, case.gold, case) == pytest.approx(round(case.best, 5), abs=1e-9)


@pytest.mark.parametrize("cid", IDS)
@pytest.mark.parametrize("which", ["sample", "noisy"])
def test_submission_scores_what_an_independent_computation_says(cid: str, which: str) -> None:
    case = _case(cid)
    sub = case.sample if which == "sample" else _noisy(case, np.random.default_rng(1))
    check_reference(REFERENCE[cid], cid, sub, case)


@pytest.mark.parametrize("cid", [c for c in IDS if _case(c).shuffle_invariant])
def test_row_order_does_not_change_the_score(cid: str) -> None:
    case = _case(cid)
    sub = _noisy(case, np.random.default_rng(2))
    check_row_order(cid, sub, case)


@pytest.mark.parametrize(("cid", "kind"), malformed_params(BUILDERS))
def test_malformed_submission_is_invalid(cid: str, kind: str) -> None:
    case = _case(cid)
    sub = malformed(case, kind)
    assert sub is not None
    if kind in case.accepted or (kind == "extra_column" and case.extra_column_ok):
        assert math.isfinite(score_case(cid, sub, case))  # the original graded these: see quirks
        return
    with pytest.raises(InvalidSubmission):
        score_case(cid, sub, case)


def test_taxi_pairs_rows_by_sorted_key_without_comparing_keys() -> None:
    cid = "new-york-city-taxi-fare-prediction"
    case = _case(cid)
    sub = case.gold.copy()
    sub["key"] = sub["key"].str.replace("20", "19", n=1, regex=False)  # other keys, same order
    assert score_case(cid, sub, case) == 0.0


def test_nomad_pairs_rows_by_position_only() -> None:
    cid = "nomad2018-predict-transparent-conductors"
    case = _case(cid)
    reversed_rows = case.gold.iloc[::-1].reset_index(drop=True)
    expected = _ref_nomad(case, reversed_rows)
    assert expected > 0
    assert score_case(cid, reversed_rows, case) == pytest.approx(expected, abs=6e-6)


def test_covid_scores_unscored_positions_never_and_reorders_silently() -> None:
    cid = "stanford-covid-vaccine"
    case = _case(cid)
    sub = case.gold.copy()
    unscored = int(np.flatnonzero(~case.answers["keep"].to_numpy())[0])
    sub[COVID_TARGETS] = sub[COVID_TARGETS].astype(object)
    sub.loc[unscored, "reactivity"] = np.nan
    sub.loc[unscored, "deg_pH10"] = "not a number"
    assert score_case(cid, sub, case) == 0.0
    # Quirk: right ids in another order pass the id check but score the wrong rows.
    shuffled = case.gold.sample(frac=1, random_state=0).reset_index(drop=True)
    assert score_case(cid, shuffled, case) > 0.0


def test_volcano_counts_duplicated_rows_and_rounds_to_an_integer() -> None:
    cid = "predict-volcanic-eruptions-ingv-oe"
    case = _case(cid)
    sub = case.gold.copy()
    sub.loc[0, "time_to_eruption"] += 1001
    doubled = pd.concat([sub, sub.iloc[[0]]], ignore_index=True)
    n = len(case.answers)
    assert score_case(cid, sub, case) == round(1001 / n)
    assert score_case(cid, doubled, case) == round(2002 / (n + 1))


def test_ventilator_ignores_expiratory_rows() -> None:
    cid = "ventilator-pressure-prediction"
    case = _case(cid)
    sub = case.gold.copy()
    expiratory = case.answers["u_out"].to_numpy() == 1
    sub["pressure"] = sub["pressure"].astype(object)
    sub.loc[expiratory, "pressure"] = "n/a"
    assert score_case(cid, sub, case) == 0.0


def test_osic_scores_only_the_last_three_weeks_present() -> None:
    cid = "osic-pulmonary-fibrosis-progression"
    case = _case(cid)
    only_row = case.gold.iloc[[case.scored_row]]
    assert score_case(cid, only_row, case) == pytest.approx(case.best, abs=6e-6)
    doubled = pd.concat([case.gold, only_row], ignore_index=True)
    with pytest.raises(InvalidSubmission, match="duplicated"):
        score_case(cid, doubled, case)
    unscored_only = case.gold.iloc[[0]]
    with pytest.raises(InvalidSubmission, match="none of the scored"):
        score_case(cid, unscored_only, case)


def test_champs_floors_a_perfect_type_at_1e_9() -> None:
    cid = "champs-scalar-coupling"
    case = _case(cid)
    sub = case.sample.astype({"scalar_coupling_constant": float})
    perfect_type = case.answers["type"] == "1JHC"
    sub.loc[perfect_type.to_numpy(), "scalar_coupling_constant"] = case.answers.loc[
        perfect_type, "scalar_coupling_constant"
    ].to_numpy()
    check_reference(_ref_champs, cid, sub, case)


def test_icecube_refuses_boolean_angles() -> None:
    cid = "icecube-neutrinos-in-deep-ice"
    case = _case(cid)
    with pytest.raises(InvalidSubmission, match="numeric"):
        score_case(cid, case.sample.assign(zenith=True), case)


def test_smartphone_refuses_a_trip_with_the_wrong_row_count() -> None:
    cid = "smartphone-decimeter-2022"
    case = _case(cid)
    sub = case.sample.copy()
    sub.loc[0, "tripId"] = sub["tripId"].iloc[-1]  # same total, one trip short, one long
    with pytest.raises(InvalidSubmission, match="tripId"):
        score_case(cid, sub, case)


# ------------------------------------------------------------------------ properties

_finite = st.floats(-1e6, 1e6, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 30), st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_mcrmse_and_rmsle_are_column_means(n: int, k: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    y, p = rng.uniform(0, 10, (n, k)), rng.uniform(0, 10, (n, k))
    assert get_metric("mcrmse").fn(y, p) == pytest.approx(
        np.mean([root_mean_squared_error(y[:, j], p[:, j]) for j in range(k)]), rel=1e-12
    )
    assert get_metric("mean_columnwise_rmsle").fn(y, p) == pytest.approx(
        np.mean([root_mean_squared_log_error(y[:, j], p[:, j]) for j in range(k)]), rel=1e-12
    )
    assert get_metric("mcrmse").fn(y, y) == 0.0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_finite, _finite), min_size=1, max_size=30))
def test_mae_rounded_int_is_the_rounded_mae(pairs: list[tuple[float, float]]) -> None:
    y, p = np.array(pairs).T
    value = get_metric("mae_rounded_int").fn(y, p)
    assert value == round(mean_absolute_error(y, p))
    assert value == int(value)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 30), st.integers(0, 2**32 - 1))
def test_mean_angular_error_is_an_angle_and_periodic(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = np.column_stack([rng.uniform(0, 2 * np.pi, n), rng.uniform(0, np.pi, n)])
    b = np.column_stack([rng.uniform(0, 2 * np.pi, n), rng.uniform(0, np.pi, n)])
    metric = get_metric("mean_angular_error").fn
    assert 0.0 <= metric(a, b) <= np.pi
    assert metric(a, b) == pytest.approx(metric(b, a), abs=1e-12)
    assert metric(a, a) == pytest.approx(0.0, abs=1e-6)
    assert metric(a, b + [2 * np.pi, 0]) == pytest.approx(metric(a, b), abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 20), st.integers(0, 2**32 - 1))
def test_laplace_log_likelihood_is_capped_by_the_perfect_score(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    y, p = rng.uniform(1000, 4000, n), rng.uniform(1000, 4000, n)
    sigma = rng.uniform(0, 1000, n)
    metric = get_metric("laplace_log_likelihood").fn
    best = -math.log(70 * math.sqrt(2))
    assert metric(y, p, sigma) <= best + 1e-12
    assert metric(y, y, np.full(n, 70.0)) == pytest.approx(best)
    worst = -math.sqrt(2) * 1000 / 70 - math.log(70 * math.sqrt(2))
    assert metric(y, y + 5000, np.zeros(n)) == pytest.approx(worst)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 40), st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_group_metrics_do_not_depend_on_row_order(n: int, groups: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    g = rng.integers(0, groups, n).astype(str)
    y = np.column_stack([rng.uniform(37, 38, n), rng.uniform(-123, -122, n)])
    p = y + rng.normal(0, 1e-3, (n, 2))
    order = rng.permutation(n)
    for name, args in (
        ("group_log_mae", (y[:, 0], p[:, 0], g)),
        ("trip_haversine_p50_p95", (y, p, g)),
    ):
        metric = get_metric(name).fn
        permuted = tuple(a[order] for a in args)
        assert metric(*permuted) == pytest.approx(metric(*args), rel=1e-12)
    assert get_metric("trip_haversine_p50_p95").fn(y, y, g) == 0.0


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 50), min_size=1, max_size=20, unique=True),
    st.lists(st.integers(0, 60), min_size=1, max_size=30),
    st.booleans(),
)
def test_same_id_set_check_accepts_exactly_equal_sets(
    answer_ids: list[int], submitted: list[int], as_float: bool
) -> None:
    """The shared set check behind volcano/champs/hms: duplicates allowed, ints equal floats."""
    from mle_inspect.scorers.checks import require_row_count, require_same_id_set

    answers = pd.DataFrame({"id": answer_ids})
    sub = pd.DataFrame({"id": np.array(submitted, dtype=float if as_float else int)})
    if set(submitted) == set(answer_ids):
        require_same_id_set(sub, answers, "id")
    else:
        with pytest.raises(InvalidSubmission, match="'id'"):
            require_same_id_set(sub, answers, "id")
    if len(sub) != len(answers):
        with pytest.raises(InvalidSubmission, match="rows"):
            require_row_count(sub, len(answers))
