"""A fake Kaggle client serving the synthetic downloads of ``_synthetic``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mle_inspect.competitions import get_competition
from mle_inspect.data import competition_paths, prepare_competition
from mle_inspect.data.kaggle import RulesNotAccepted

from ._synthetic import build, zip_tree


class FakeKaggle:
    """Implements the KaggleClient protocol; scripted failures, counted calls."""

    def __init__(self, workdir: Path, fail_with: list[Exception] | None = None) -> None:
        self.workdir = workdir
        self.fail_with = list(fail_with or [])
        self.downloads: list[str] = []
        self.leaderboard_calls: list[str] = []
        self.rules_refused: set[str] = set()

    def archive(self, competition_id: str) -> Path:
        """The synthetic Kaggle zip of a competition (built once per client)."""
        target = self.workdir / "archives" / f"{competition_id}.zip"
        if not target.exists():
            source = build(competition_id, self.workdir / "sources" / competition_id)
            target.parent.mkdir(parents=True, exist_ok=True)
            zip_tree(source, target)
        return target

    def download_competition(self, competition_id: str, dest_dir: Path) -> Path:
        self.downloads.append(competition_id)
        if competition_id in self.rules_refused:
            raise RulesNotAccepted(competition_id)
        if self.fail_with:
            raise self.fail_with.pop(0)
        dest_dir.mkdir(parents=True, exist_ok=True)
        target = dest_dir / f"{competition_id}.zip"
        target.write_bytes(self.archive(competition_id).read_bytes())
        return target

    def download_leaderboard(self, competition_id: str, dest_dir: Path) -> Path:
        self.leaderboard_calls.append(competition_id)
        target = dest_dir / f"{competition_id}.zip"
        import zipfile

        with zipfile.ZipFile(target, "w") as handle:
            handle.writestr(
                f"{competition_id}-publicleaderboard.csv",
                "TeamId,TeamName,SubmissionDate,Score\n1,a,2020-01-01,0.9\n2,b,2020-01-02,0.8\n",
            )
        return target


@pytest.fixture
def fake_kaggle(tmp_path: Path) -> FakeKaggle:
    return FakeKaggle(tmp_path / "fake-kaggle")


@pytest.fixture(scope="session")
def session_kaggle(tmp_path_factory: pytest.TempPathFactory) -> FakeKaggle:
    """One fake Kaggle per session: each synthetic archive is built once."""
    return FakeKaggle(tmp_path_factory.mktemp("fake-kaggle"))


@pytest.fixture(autouse=True)
def _no_mlebench_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    """A checkout named by the developer's environment must not change what tests see."""
    monkeypatch.delenv("MLE_INSPECT_MLEBENCH_DIR", raising=False)


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No Kaggle credentials anywhere: env vars unset and an empty home directory."""
    for name in ("KAGGLE_API_TOKEN", "KAGGLE_USERNAME", "KAGGLE_KEY", "KAGGLE_CONFIG_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    return tmp_path / "home"


@pytest.fixture(scope="session")
def prepared(tmp_path_factory: pytest.TempPathFactory, session_kaggle) -> Callable[[str], Path]:  # noqa: ANN001
    """Each competition prepared once per session through the whole pipeline: the fake
    download of its synthetic raw data, extraction, its prepare hook (the medium tests
    override this with a direct call of the hook)."""
    done: dict[str, Path] = {}

    def get(cid: str) -> Path:
        if cid not in done:
            root = tmp_path_factory.mktemp("data")
            paths = competition_paths(cid, root)
            prepare_competition(
                get_competition(cid), paths, client=session_kaggle, skip_verify=True
            )
            done[cid] = paths.prepared
        return done[cid]

    return get
