"""Synthetic answers and submissions for the regression-error competitions (real formats)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from .synth_logloss import Case, shuffled_hex_ids


def denoising(rng: np.random.Generator) -> Case:
    rows = []
    for stem, (height, width) in (("1", (3, 4)), ("10", (2, 5)), ("4", (4, 3))):
        for r in range(height):
            for c in range(width):
                rows.append((f"{stem}_{r + 1}_{c + 1}", rng.integers(0, 256) / 255.0))
    answers = pd.DataFrame(rows, columns=["id", "value"])
    sample = answers.assign(value=1)
    return Case(answers, sample, answers.copy(), 0.0, "id", ["value"])


def taxi(rng: np.random.Generator) -> Case:
    n = 40
    stamps = pd.Timestamp("2009-01-01") + pd.to_timedelta(rng.integers(0, 2e8, n), unit="s")
    keys = [f"{t:%Y-%m-%d %H:%M:%S}.{i:07d}" for i, t in enumerate(stamps)]
    answers = pd.DataFrame(
        {
            "key": keys,
            "fare_amount": np.round(rng.gamma(2.0, 5.0, n) + 2.5, 2),
            "pickup_datetime": [f"{t:%Y-%m-%d %H:%M:%S} UTC" for t in stamps],
            "pickup_longitude": rng.normal(-73.97, 0.03, n),
            "pickup_latitude": rng.normal(40.75, 0.03, n),
            "dropoff_longitude": rng.normal(-73.97, 0.03, n),
            "dropoff_latitude": rng.normal(40.75, 0.03, n),
            "passenger_count": rng.integers(1, 7, n),
        }
    )
    sample = answers[["key"]].assign(fare_amount=11.35)
    gold = answers[["key", "fare_amount"]]
    return Case(answers, sample, gold, 0.0, "key", ["fare_amount"], accepted={"wrong_ids"})


PETFINDER_FEATURES = [
    "Subject Focus", "Eyes", "Face", "Near", "Action", "Accessory",
    "Group", "Collage", "Human", "Occlusion", "Info", "Blur",
]  # fmt: skip


def petfinder(rng: np.random.Generator) -> Case:
    n = 30
    answers = pd.DataFrame({"Id": shuffled_hex_ids(rng, n, 32)})
    for column in PETFINDER_FEATURES:
        answers[column] = rng.integers(0, 2, n)
    answers["Pawpularity"] = rng.integers(1, 101, n)
    sample = answers[["Id"]].assign(
        Pawpularity=np.round(np.random.default_rng(0).uniform(1, 100, size=n), 2)
    )
    gold = answers[["Id", "Pawpularity"]]
    return Case(answers, sample, gold, 0.0, "Id", ["Pawpularity"], out_of_range=100.5)


COVID_TARGETS = ["reactivity", "deg_Mg_pH10", "deg_pH10", "deg_Mg_50C", "deg_50C"]


def covid(rng: np.random.Generator) -> Case:
    length, scored = 107, 68
    frames = []
    for molecule in shuffled_hex_ids(rng, 3, 9):
        values = np.round(np.abs(rng.normal(0.5, 0.4, (length, 5))), 10)
        values[scored:] = 0.0
        frame = pd.DataFrame(values, columns=COVID_TARGETS)
        frame.insert(0, "id_seqpos", [f"id_{molecule}_{j}" for j in range(length)])
        frame["keep"] = np.arange(length) < scored
        frames.append(frame)
    answers = pd.concat(frames, ignore_index=True)
    sample = answers[["id_seqpos"]].assign(**{c: 0.0 for c in COVID_TARGETS})
    gold = answers[["id_seqpos", *COVID_TARGETS]]
    return Case(
        answers, sample, gold, 0.0, "id_seqpos", ["reactivity", "deg_Mg_50C"],
        shuffle_invariant=False,
    )  # fmt: skip


NOMAD_FEATURES = [
    "spacegroup", "number_of_total_atoms", "percent_atom_al", "percent_atom_ga",
    "percent_atom_in", "lattice_vector_1_ang", "lattice_vector_2_ang", "lattice_vector_3_ang",
    "lattice_angle_alpha_degree", "lattice_angle_beta_degree", "lattice_angle_gamma_degree",
]  # fmt: skip


def nomad(rng: np.random.Generator) -> Case:
    n = 30
    answers = pd.DataFrame({"id": np.arange(1, n + 1)})
    for column in NOMAD_FEATURES:
        answers[column] = np.round(rng.uniform(0, 100, n), 4)
    answers["formation_energy_ev_natom"] = np.round(rng.uniform(0, 0.6, n), 4)
    answers["bandgap_energy_ev"] = np.round(rng.uniform(0.1, 5.5, n), 4)
    sample = pd.DataFrame(
        {"id": answers["id"], "formation_energy_ev_natom": 0.1779, "bandgap_energy_ev": 1.8892}
    )
    gold = answers[["id", "formation_energy_ev_natom", "bandgap_energy_ev"]]
    return Case(
        answers, sample, gold, 0.0, "id", ["formation_energy_ev_natom", "bandgap_energy_ev"],
        out_of_range=-0.5, accepted={"wrong_ids", "missing_id"}, shuffle_invariant=False,
    )  # fmt: skip


def volcano(rng: np.random.Generator) -> Case:
    n = 30
    answers = pd.DataFrame(
        {
            "segment_id": rng.choice(2**31, n, replace=False),
            "time_to_eruption": rng.integers(6000, 49_000_000, n),
        }
    )
    sample = answers.assign(time_to_eruption=0)
    return Case(
        answers, sample, answers.copy(), 0.0, "segment_id", ["time_to_eruption"],
        accepted={"duplicate"},
    )  # fmt: skip


def ventilator(rng: np.random.Generator) -> Case:
    breaths, steps = 3, 80
    n = breaths * steps
    answers = pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "breath_id": np.repeat(rng.choice(125_000, breaths, replace=False), steps),
            "R": np.repeat(rng.choice([5, 20, 50], breaths), steps),
            "C": np.repeat(rng.choice([10, 20, 50], breaths), steps),
            "time_step": np.tile(np.arange(steps) * 0.0335, breaths),
            "u_in": rng.uniform(0, 100, n),
            "u_out": np.tile((np.arange(steps) >= 30).astype(int), breaths),
            "pressure": np.round(rng.uniform(-1.9, 64.8, n), 6),
        }
    )
    sample = answers[["id"]].assign(pressure=0)
    gold = answers[["id", "pressure"]]
    return Case(answers, sample, gold, 0.0, "id", ["pressure"])


CHAMPS_TYPES = ["1JHC", "1JHN", "2JHC", "2JHH", "2JHN", "3JHC", "3JHH", "3JHN"]


def champs(rng: np.random.Generator) -> Case:
    n = 64
    answers = pd.DataFrame(
        {
            "id": 4_658_147 + rng.choice(10 * n, n, replace=False),
            "molecule_name": [f"dsgdb9nsd_{v:06d}" for v in rng.integers(1, 133_885, n)],
            "atom_index_0": rng.integers(0, 28, n),
            "atom_index_1": rng.integers(0, 28, n),
            "type": np.array(CHAMPS_TYPES)[np.arange(n) % len(CHAMPS_TYPES)],
            "scalar_coupling_constant": rng.normal(10, 30, n),
        }
    )
    sample = answers[["id"]].assign(scalar_coupling_constant=0)
    gold = answers[["id", "scalar_coupling_constant"]]
    return Case(
        answers, sample, gold, math.log(1e-9), "id", ["scalar_coupling_constant"],
        accepted={"duplicate"},
    )  # fmt: skip


def icecube(rng: np.random.Generator) -> Case:
    n = 40
    answers = pd.DataFrame(
        {
            "event_id": np.sort(rng.choice(3_000_000, n, replace=False)),
            "azimuth": rng.uniform(0, 2 * np.pi, n),
            "zenith": rng.uniform(0, np.pi, n),
        }
    )
    sample = answers[["event_id"]].assign(azimuth=1, zenith=1)
    return Case(
        answers, sample, answers.copy(), 0.0, "event_id", ["azimuth", "zenith"],
        extra_column_ok=False,
    )  # fmt: skip


SMARTPHONE_SAMPLE = (37.904611315634504, -86.48107806249548)


def smartphone(rng: np.random.Generator) -> Case:
    frames = []
    for trip, rows in (
        ("2021-04-22-US-SJC-1-Pixel4", 20),
        ("2021-04-22-US-SJC-1-SamsungS20Ultra", 30),
        ("2022-01-11-US-MTV-1-XiaomiMi8", 25),
    ):
        start = np.array([37.4, -122.1]) + rng.normal(0, 0.05, 2)
        path = start + np.cumsum(rng.normal(0, 1e-4, (rows, 2)), axis=0)
        frames.append(
            pd.DataFrame(
                {
                    "tripId": trip,
                    "UnixTimeMillis": 1_619_100_000_000 + 1000 * np.arange(rows),
                    "LatitudeDegrees": path[:, 0],
                    "LongitudeDegrees": path[:, 1],
                }
            )
        )
    answers = pd.concat(frames, ignore_index=True)
    sample = answers.assign(
        LatitudeDegrees=SMARTPHONE_SAMPLE[0], LongitudeDegrees=SMARTPHONE_SAMPLE[1]
    )
    return Case(
        answers, sample, answers.copy(), 0.0, "tripId", ["LatitudeDegrees", "LongitudeDegrees"],
        shuffle_invariant=False,
    )  # fmt: skip


def osic(rng: np.random.Generator) -> Case:
    patients = [f"ID00{v:021d}" for v in rng.choice(10**12, 4, replace=False)]
    measured = []
    for patient in patients:
        weeks = np.sort(rng.choice(np.arange(-5, 60), rng.integers(4, 8), replace=False))
        for week in weeks:
            measured.append((patient, int(week), float(rng.integers(1500, 4000))))
    visits = pd.DataFrame(measured, columns=["Patient", "Weeks", "FVC"])
    visits["Percent"] = visits["FVC"] / 40
    visits["Age"] = 65
    visits["Sex"] = "Male"
    visits["SmokingStatus"] = "Ex-smoker"
    weeks = np.arange(visits["Weeks"].min(), visits["Weeks"].max() + 1)
    grid = pd.DataFrame(
        {"Patient": np.repeat(patients, len(weeks)), "Weeks": np.tile(weeks, len(patients))}
    )
    answers = grid.merge(visits, on=["Patient", "Weeks"], how="left")
    answers["Patient_Week"] = answers["Patient"] + "_" + answers["Weeks"].astype(str)
    answers["Confidence"] = 100
    sample = answers[["Patient_Week"]].assign(FVC=2000, Confidence=100)
    gold = answers[["Patient_Week"]].assign(FVC=answers["FVC"].fillna(2000), Confidence=70)
    last_week = visits.groupby("Patient")["Weeks"].max()[patients[0]]
    scored_row = int(np.flatnonzero(answers["Patient_Week"] == f"{patients[0]}_{last_week}")[0])
    return Case(
        answers, sample, gold, -math.log(70 * math.sqrt(2)), "Patient_Week", ["FVC"],
        scored_row=scored_row, accepted={"wrong_length", "duplicate"},
    )  # fmt: skip


BUILDERS: dict[str, Callable[[np.random.Generator], Case]] = {
    "denoising-dirty-documents": denoising,
    "new-york-city-taxi-fare-prediction": taxi,
    "petfinder-pawpularity-score": petfinder,
    "stanford-covid-vaccine": covid,
    "nomad2018-predict-transparent-conductors": nomad,
    "predict-volcanic-eruptions-ingv-oe": volcano,
    "ventilator-pressure-prediction": ventilator,
    "champs-scalar-coupling": champs,
    "icecube-neutrinos-in-deep-ice": icecube,
    "smartphone-decimeter-2022": smartphone,
    "osic-pulmonary-fibrosis-progression": osic,
}
