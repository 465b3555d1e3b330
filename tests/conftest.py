"""Shared fixtures: demo competitions prepared on demand (once per session) and env isolation."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

DEMO_IDS = (
    "demo-digits",
    "demo-tumor-diagnosis",
    "demo-wine-cultivars",
    "demo-diabetes-progression",
)


class DemoPreparer:
    """Prepares demo competitions on demand, each once per session, into one shared data dir.

    Tests ask only for what they use (``prepare_demo("demo-digits")``), so a test needing one
    competition never waits for all four. The returned dir is shared: read it, copy to modify.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def __call__(self, *competition_ids: str) -> Path:
        from mle_inspect.competitions import get_competition
        from mle_inspect.data import competition_paths, prepare_competition

        for cid in competition_ids:
            prepare_competition(get_competition(cid), competition_paths(cid, self.root))
        return self.root


@pytest.fixture(scope="session")
def prepare_demo(tmp_path_factory: pytest.TempPathFactory) -> DemoPreparer:
    """One data dir for the whole run: xdist workers share it (each competition's prepare
    lock makes the others wait and reuse it), so each demo is prepared once, not per worker."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's base temp dir, above each worker's own
    shared = root / "demo-data"
    shared.mkdir(exist_ok=True)
    return DemoPreparer(shared)


@pytest.fixture(scope="session")
def demo_data_dir(prepare_demo: DemoPreparer) -> Path:
    """A data dir with every demo competition prepared (read-only for tests: copy to modify)."""
    return prepare_demo(*DEMO_IDS)


@pytest.fixture(scope="session")
def digits_data_dir(prepare_demo: DemoPreparer) -> Path:
    """A data dir with demo-digits prepared (maybe others too: do not rely on their absence)."""
    return prepare_demo("demo-digits")


@pytest.fixture
def demo_copy(demo_data_dir: Path, tmp_path: Path) -> Path:
    """A private, writable copy of the prepared demo data dir."""
    target = tmp_path / "data"
    shutil.copytree(demo_data_dir, target, symlinks=True)
    for path in [target, *target.rglob("*")]:
        if path.is_dir():
            path.chmod(0o755)
    return target


@pytest.fixture(autouse=True)
def _isolated_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never touch the user's real data dir unless they pass one explicitly."""
    monkeypatch.setenv("MLE_INSPECT_DATA_DIR", str(tmp_path / "default-data-dir"))
    monkeypatch.setenv("INSPECT_LOG_DIR", str(tmp_path / "logs"))


def reference_table() -> Path | None:
    """The project's reference table (``../shared/reference``) when this checkout has it."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "reference" / "competitions.tsv"
        if candidate.is_file():
            return candidate
    return None
