"""The registry content hash: stable, and changed by any threshold or grading-spec change."""

from __future__ import annotations

import pytest

from mle_inspect.competitions import _fingerprint, all_competitions
from mle_inspect.competitions._fingerprint import registry_fingerprint, version_metadata


@pytest.fixture(autouse=True)
def _fresh() -> None:
    registry_fingerprint.cache_clear()
    yield
    registry_fingerprint.cache_clear()


def test_the_hash_is_stable_and_in_the_task_metadata() -> None:
    first = registry_fingerprint()
    registry_fingerprint.cache_clear()
    assert registry_fingerprint() == first
    metadata = version_metadata()
    assert metadata["content_hash"] == first.content_hash
    assert metadata["thresholds_hash"] == first.thresholds


def test_a_changed_threshold_changes_thresholds_and_content_hash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = registry_fingerprint()
    competitions = all_competitions()
    index = next(i for i, c in enumerate(competitions) if c.gold_threshold is not None)
    moved = competitions[index].model_copy(
        update={"gold_threshold": competitions[index].gold_threshold + 1e-6}
    )
    changed = [*competitions[:index], moved, *competitions[index + 1 :]]
    monkeypatch.setattr(_fingerprint, "all_competitions", lambda: changed)
    registry_fingerprint.cache_clear()
    after = registry_fingerprint()
    assert after.thresholds != before.thresholds and after.content_hash != before.content_hash
    assert after.grading == before.grading


def test_a_changed_grading_spec_changes_the_grading_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    before = registry_fingerprint()
    competitions = all_competitions()
    index = next(i for i, c in enumerate(competitions) if c.grading is not None)
    spec = competitions[index].grading
    assert spec is not None
    flipped = spec.model_copy(update={"exact_columns": not spec.exact_columns})
    changed = [*competitions]
    changed[index] = competitions[index].model_copy(update={"grading": flipped})
    monkeypatch.setattr(_fingerprint, "all_competitions", lambda: changed)
    registry_fingerprint.cache_clear()
    after = registry_fingerprint()
    assert after.grading != before.grading and after.thresholds == before.thresholds
