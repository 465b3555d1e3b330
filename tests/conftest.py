"""Shared fixtures: a prepared demo data dir (built once per session) and env isolation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

DEMO_IDS = (
    "demo-digits",
    "demo-tumor-diagnosis",
    "demo-wine-cultivars",
    "demo-diabetes-progression",
)


@pytest.fixture(scope="session")
def demo_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with every demo competition prepared (read-only for tests: copy to modify)."""
    from mle_inspect.competitions import get_competition
    from mle_inspect.data import competition_paths, prepare_competition

    root = tmp_path_factory.mktemp("demo-data")
    for cid in DEMO_IDS:
        prepare_competition(get_competition(cid), competition_paths(cid, root))
    return root


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
