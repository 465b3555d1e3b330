"""-T description=obfuscated: prepared beside public/, shown at /home/data/description.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import read_eval_log
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import sandbox, store

from mle_inspect.competitions import get_competition
from mle_inspect.data import competition_paths, prepare_competition
from mle_inspect.data.descriptions import MLEBENCH_DIR_ENV
from mle_inspect.sandboxes.paths import sandbox_paths
from mle_inspect.tasks import CompetitionNotPrepared, mle_bench

CID = "demo-diabetes-progression"
OBFUSCATED = "# Obfuscated\nPredict the target from the features.\n"


@pytest.fixture(autouse=True)
def _no_checkout_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MLEBENCH_DIR_ENV, raising=False)


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with the demo competition and a fake obfuscated description beside public/."""
    root = tmp_path_factory.mktemp("obfuscated-data")
    paths = competition_paths(CID, root)
    prepare_competition(get_competition(CID), paths)
    paths.obfuscated_description.write_text(OBFUSCATED)
    return root


def _checkout(tmp_path: Path) -> Path:
    folder = tmp_path / "mle-bench" / "mlebench" / "competitions" / CID
    folder.mkdir(parents=True)
    (folder / "description_obfuscated.md").write_text(OBFUSCATED)
    return tmp_path / "mle-bench"


def test_prepare_copies_the_obfuscated_description_beside_public(tmp_path: Path) -> None:
    paths = competition_paths(CID, tmp_path / "data")
    prepare_competition(get_competition(CID), paths, mlebench_dir=_checkout(tmp_path))
    assert paths.obfuscated_description.read_text() == OBFUSCATED
    assert paths.obfuscated_description.parent == paths.public.parent
    assert not list(paths.public.rglob("description_obfuscated.md"))
    assert (paths.public / "description.md").read_text() != OBFUSCATED
    facts = json.loads(paths.marker.read_text())
    assert facts["description_obfuscated"].startswith("mlebench checkout")


def test_prepare_without_a_checkout_writes_no_obfuscated_description(tmp_path: Path) -> None:
    paths = competition_paths(CID, tmp_path / "data")
    prepare_competition(get_competition(CID), paths)
    assert not paths.obfuscated_description.exists()
    assert "description_obfuscated" not in json.loads(paths.marker.read_text())


def test_unknown_description_variant_is_a_clear_error(prepared: Path) -> None:
    with pytest.raises(ValueError, match="choose one of: standard, obfuscated"):
        mle_bench(competitions=CID, data_dir=str(prepared), description="scrambled")


def test_obfuscated_without_the_file_names_the_fix(demo_data_dir: Path) -> None:
    with pytest.raises(
        CompetitionNotPrepared, match=f"mle-inspect prepare -c {CID} .*--force --mlebench-dir"
    ):
        mle_bench(competitions=CID, data_dir=str(demo_data_dir), description="obfuscated")


def test_obfuscated_instructions_drop_the_name_and_kaggle(prepared: Path) -> None:
    # issue 17 item 5: the obfuscated variant swaps the instructions too, as MLE-bench does
    [standard] = list(mle_bench(competitions=CID, data_dir=str(prepared)).dataset)
    [obfuscated] = list(
        mle_bench(competitions=CID, data_dir=str(prepared), description="obfuscated").dataset
    )
    name = get_competition(CID).name
    assert name in str(standard.input) and "Kaggle" in str(standard.input)
    assert name not in str(obfuscated.input) and "kaggle" not in str(obfuscated.input).lower()
    assert obfuscated.metadata["description"] == "obfuscated"


@solver
def read_description() -> Solver:
    async def solve(state: TaskState, generate: Generate) -> TaskState:
        data = sandbox_paths().data
        cat = await sandbox().exec(["sh", "-c", 'cat "$MLE_DATA_DIR/description.md"'])
        listing = await sandbox().exec(["ls", data])
        store().set("cat", cat.stdout)
        store().set("ls", listing.stdout.split())
        store().set("read_file", await sandbox().read_file(f"{data}/description.md"))
        return state

    return solve


def test_agent_reads_the_obfuscated_text_at_the_data_path(prepared: Path, tmp_path: Path) -> None:
    task = mle_bench(
        competitions=CID,
        data_dir=str(prepared),
        solver=read_description(),
        description="obfuscated",
    )
    [log] = inspect_eval(task, model="none/none", log_dir=str(tmp_path), display="none")
    assert log.status == "success", log.error
    [sample] = read_eval_log(log.location).samples or []
    values = sample.store
    assert values["cat"] == OBFUSCATED and values["read_file"] == OBFUSCATED
    public = competition_paths(CID, prepared).public
    assert sorted(values["ls"]) == sorted(p.name for p in public.iterdir())
