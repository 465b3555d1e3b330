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


SHARED_DEMO_ENV = "MLE_INSPECT_TEST_SHARED_DEMO"
"""Set by the xdist controller: a data dir with every demo prepared before any worker began."""


def pytest_configure(config: pytest.Config) -> None:
    """Under xdist, the controller prepares the demo competitions once, before the workers
    start (they inherit the environment), instead of each worker preparing its own. No two
    processes ever prepare the same dir, and the workers only read it."""
    if hasattr(config, "workerinput") or not config.getoption("numprocesses", default=None):
        return
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="mle-inspect-test-demo-"))
    DemoPreparer(root)(*DEMO_IDS)
    os.environ[SHARED_DEMO_ENV] = str(root)


def pytest_unconfigure(config: pytest.Config) -> None:
    shared = os.environ.get(SHARED_DEMO_ENV)
    if shared and not hasattr(config, "workerinput"):
        shutil.rmtree(shared, ignore_errors=True)


@pytest.fixture(scope="session")
def prepare_demo(tmp_path_factory: pytest.TempPathFactory) -> DemoPreparer:
    shared = os.environ.get(SHARED_DEMO_ENV)
    return DemoPreparer(Path(shared) if shared else tmp_path_factory.mktemp("demo-data"))


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
