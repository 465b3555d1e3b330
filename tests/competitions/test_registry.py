"""The registry holds the 82 MLE-bench competitions plus the demo ones, facts as in the reference."""

from __future__ import annotations

import csv
import math

import pytest

from mle_inspect.competitions import (
    UnknownCompetition,
    all_competitions,
    get_competition,
    resolve_ids,
    split_ids,
)
from tests.conftest import DEMO_IDS, reference_table


def test_registry_has_82_benchmark_entries_and_the_demo_split() -> None:
    by_split = {c.complexity for c in all_competitions()}
    assert by_split == {"low", "medium", "high", "dev", "demo"}
    assert len([c for c in all_competitions() if c.complexity != "demo"]) == 82
    assert sorted(split_ids("demo")) == sorted(DEMO_IDS)


@pytest.mark.parametrize(
    ("split", "count"),
    [("low", 22), ("lite", 22), ("medium", 38), ("high", 15), ("all", 75), ("dev", 7), ("demo", 4)],
)
def test_split_sizes_match_mle_bench(split: str, count: int) -> None:
    assert len(split_ids(split)) == count


def test_all_split_is_low_medium_and_high_together() -> None:
    assert set(split_ids("all")) == set(split_ids("low")) | set(split_ids("medium")) | set(
        split_ids("high")
    )


def test_registry_thresholds_match_the_reference_table() -> None:
    table = reference_table()
    if table is None:
        pytest.skip("../shared/reference/competitions.tsv is not beside this checkout")
    with table.open() as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert len(rows) == 82
    for row in rows:
        competition = get_competition(row["id"])
        assert competition.complexity == row["complexity"]
        assert competition.lower_is_better == (row["lower_is_better"] == "True")
        for field in ("gold", "silver", "bronze", "median"):
            expected = row[f"{field}_threshold"]
            actual = getattr(competition, f"{field}_threshold")
            assert actual == (float(expected) if expected else None), (row["id"], field)
        expected_sample = float(row["sample_submission_score"] or "nan")
        actual_sample = competition.sample_submission_score
        if math.isnan(expected_sample):  # blank (dev) or nan (a metric undefined on constants)
            assert actual_sample is None or math.isnan(actual_sample), row["id"]
        else:
            assert actual_sample == expected_sample, row["id"]


def test_benchmark_competitions_have_registry_thresholds_and_dev_ones_do_not() -> None:
    for cid in split_ids("all"):
        assert get_competition(cid).registry_thresholds is not None, cid
    for cid in split_ids("dev") + split_ids("demo"):
        assert get_competition(cid).registry_thresholds is None, cid


def test_demo_competitions_are_ready() -> None:
    for cid in DEMO_IDS:
        competition = get_competition(cid)
        assert competition.ready, cid
        assert competition.leaderboard is not None


def test_unknown_competition_suggests_close_ids() -> None:
    with pytest.raises(UnknownCompetition, match="Did you mean spaceship-titanic"):
        get_competition("spaceship-titanik")


def test_unknown_split_lists_the_valid_ones() -> None:
    with pytest.raises(UnknownCompetition, match="low, medium, high, all, dev, demo, lite"):
        split_ids("tiny")


def test_explicit_competitions_override_the_split() -> None:
    assert resolve_ids("lite", "demo-digits, demo-wine-cultivars") == [
        "demo-digits",
        "demo-wine-cultivars",
    ]
    with pytest.raises(UnknownCompetition):
        resolve_ids(None, ["demo-digits", "no-such-thing"])


def test_every_hook_the_registry_names_resolves_to_a_callable() -> None:
    from mle_inspect._hooks import load_hook

    for competition in all_competitions():
        hooks = [competition.prepare, competition.leaderboard]
        if competition.grading is not None:
            hooks.append(competition.grading.function)
        for hook in filter(None, hooks):
            assert callable(load_hook(hook)), (competition.id, hook)
