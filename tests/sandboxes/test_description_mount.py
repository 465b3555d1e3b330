"""The obfuscated description replaces /home/data/description.md in every sandbox type."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml

from mle_inspect.competitions import get_competition
from mle_inspect.data import competition_paths
from mle_inspect.sandboxes import bwrap
from mle_inspect.sandboxes.k8s import DATA_VOLUME, k8s_values
from mle_inspect.sandboxes.local import LocalSandboxConfig, MleLocalSandbox
from mle_inspect.sandboxes.options import SandboxOptions
from mle_inspect.tasks._dataset import sandbox_spec

CID = "demo-digits"
TARGET = "/home/data/description.md"


@pytest.fixture(autouse=True)
def _sandbox_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MLE_INSPECT_SANDBOX_DIR", str(tmp_path / "sandboxes"))


@pytest.fixture
def paths(tmp_path: Path):  # noqa: ANN201 - CompetitionPaths
    paths = competition_paths(CID, tmp_path / "data")
    (paths.public / "images").mkdir(parents=True)
    (paths.public / "images" / "0.png").write_bytes(b"png")
    paths.private.mkdir(parents=True)
    (paths.public / "train.csv").write_text("id,y\n1,2\n")
    (paths.public / "description.md").write_text("standard text")
    (paths.private / "answers.csv").write_text("id,y\n3,4\n")
    paths.obfuscated_description.write_text("obfuscated text")
    return paths


@pytest.mark.parametrize("isolation", ["none", "bwrap"])
def test_local_sandbox_shows_the_obfuscated_text_and_the_public_files(
    paths,  # noqa: ANN001
    isolation: str,
) -> None:
    if isolation == "bwrap" and (why := bwrap.bwrap_available()) is not None:
        pytest.skip(f"bubblewrap unavailable: {why}")
    config = LocalSandboxConfig(
        public_dir=str(paths.public),
        competition_id=CID,
        isolation=isolation,
        description_file=str(paths.obfuscated_description),
    )
    env = asyncio.run(MleLocalSandbox.sample_init("description-test", config, {}))
    sandbox = env["default"].as_type(MleLocalSandbox)
    try:
        data = sandbox.mle_paths.data
        cat = asyncio.run(sandbox.exec(["cat", f"{data}/description.md"]))
        assert cat.stdout == "obfuscated text"
        assert asyncio.run(sandbox.read_file(f"{data}/description.md")) == "obfuscated text"
        listing = asyncio.run(sandbox.exec(["ls", data]))
        assert sorted(listing.stdout.split()) == ["description.md", "images", "train.csv"]
        assert asyncio.run(sandbox.exec(["cat", f"{data}/images/0.png"])).stdout == "png"
        if isolation == "bwrap":  # a read-only bind
            write = asyncio.run(sandbox.exec(["sh", "-c", f"echo x > {data}/description.md"]))
            assert not write.success
        else:  # links, never copies
            assert all(p.is_symlink() for p in (sandbox.root / "data").iterdir())
    finally:
        root = sandbox.root
        asyncio.run(
            MleLocalSandbox.sample_cleanup("description-test", None, {"default": sandbox}, False)
        )
    assert not root.exists()
    assert (paths.public / "description.md").read_text() == "standard text"


def test_compose_file_binds_the_obfuscated_description_read_only(paths) -> None:  # noqa: ANN001
    spec = sandbox_spec(
        "docker", get_competition(CID), paths, None, SandboxOptions(), paths.obfuscated_description
    )
    service = yaml.safe_load(Path(spec.config).read_text())["services"]["default"]
    [data, description] = service["volumes"]
    assert data["source"] == str(paths.public.resolve()) and data["target"] == "/home/data"
    assert description["target"] == TARGET and description["read_only"] is True
    assert description["source"] == str(paths.obfuscated_description.resolve())
    standard = sandbox_spec("docker", get_competition(CID), paths, None, SandboxOptions())
    volumes = yaml.safe_load(Path(standard.config).read_text())["services"]["default"]["volumes"]
    assert [v["target"] for v in volumes] == ["/home/data"]


def test_k8s_values_mount_the_obfuscated_description_from_the_data_pvc() -> None:
    values = k8s_values(CID, SandboxOptions(), obfuscated_description=True)
    mounts = values["services"]["default"]["volumeMounts"]
    [mount] = [m for m in mounts if m["mountPath"] == TARGET]
    assert mount == {
        "name": DATA_VOLUME,
        "mountPath": TARGET,
        "subPath": f"{CID}/prepared/description_obfuscated.md",
        "readOnly": True,
    }
    standard = k8s_values(CID, SandboxOptions())["services"]["default"]["volumeMounts"]
    assert TARGET not in [m["mountPath"] for m in standard]
