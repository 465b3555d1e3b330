"""Content hashes of what decides a grade, so logs graded differently can be told apart.

Three parts, each a SHA-256 over a canonical form:
- ``registry``: every competition entry as loaded (ids, splits, metrics, paths, specs);
- ``grading``: the grading specs plus the source of the grading code (metrics, graders,
  medal and percentile rules), so a grader fix changes the hash;
- ``thresholds``: the medal and median thresholds per competition.
``content_hash`` combines the three. Tasks put them in their metadata; the report compares them.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict

from ._catalog import all_competitions

_GRADING_CODE = ("scorers/graders", "scorers/metrics")
_GRADING_FILES = ("scorers/grading.py", "scorers/medals.py", "scorers/checks.py", "scorers/rle.py")


class RegistryFingerprint(BaseModel):
    """SHA-256 hex digests of the registry, the grading specs and code, and the thresholds."""

    model_config = ConfigDict(frozen=True)

    registry: str
    grading: str
    thresholds: str
    content_hash: str

    def short(self) -> str:
        """The first 12 hex digits of the combined hash: enough to tell versions apart."""
        return self.content_hash[:12]


def _digest(value: object) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _grading_code() -> dict[str, str]:
    """SHA-256 of each grading source file, keyed by its path inside the package."""
    package = resources.files("mle_inspect")
    digests: dict[str, str] = {}
    for folder in _GRADING_CODE:
        directory = package.joinpath(folder)
        for entry in sorted(directory.iterdir(), key=lambda p: p.name):
            if entry.name.endswith(".py"):
                digests[f"{folder}/{entry.name}"] = hashlib.sha256(entry.read_bytes()).hexdigest()
    for name in _GRADING_FILES:
        entry = package.joinpath(name)
        if entry.is_file():
            digests[name] = hashlib.sha256(entry.read_bytes()).hexdigest()
    return digests


@cache
def registry_fingerprint() -> RegistryFingerprint:
    """The fingerprint of the installed package (computed once per process)."""
    competitions = sorted(all_competitions(), key=lambda c: c.id)
    registry = _digest([c.model_dump(mode="json") for c in competitions])
    grading = _digest(
        {
            "specs": {
                c.id: c.grading.model_dump(mode="json") if c.grading else None for c in competitions
            },
            "code": _grading_code(),
        }
    )
    thresholds = _digest(
        {
            c.id: [c.gold_threshold, c.silver_threshold, c.bronze_threshold, c.median_threshold]
            for c in competitions
        }
    )
    combined = _digest({"registry": registry, "grading": grading, "thresholds": thresholds})
    return RegistryFingerprint(
        registry=registry, grading=grading, thresholds=thresholds, content_hash=combined
    )


TASK_VERSION = "1.0.0"
"""The eval's version (Inspect's ``Task.version``): bump it when what a sample asks of the agent
or how it is scored changes on purpose; the content hash catches the rest."""


def version_metadata() -> dict[str, str]:
    """Task metadata naming what graded the log: package version and content hashes."""
    from .. import __version__

    fingerprint = registry_fingerprint()
    return {
        "mle_inspect_version": __version__,
        "registry_hash": fingerprint.registry,
        "grading_hash": fingerprint.grading,
        "thresholds_hash": fingerprint.thresholds,
        "content_hash": fingerprint.content_hash,
    }
