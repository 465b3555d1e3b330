"""Per-sample compose files: what Docker gets, and that answers never enter it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mle_inspect.competitions import get_competition
from mle_inspect.data import competition_paths
from mle_inspect.sandboxes.compose import compose_config, compose_file
from mle_inspect.sandboxes.options import SandboxOptions, size_bytes
from mle_inspect.tasks._dataset import sandbox_spec


@pytest.fixture(autouse=True)
def _sandbox_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MLE_INSPECT_SANDBOX_DIR", str(tmp_path / "sandboxes"))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data dir with the prepared layout (files' content does not matter here)."""
    root = tmp_path / "data"
    for cid in ("demo-digits", "demo-wine-cultivars"):
        paths = competition_paths(cid, root)
        paths.public.mkdir(parents=True)
        paths.private.mkdir(parents=True)
        (paths.public / "train.csv").write_text("id,y\n1,2\n")
        (paths.private / "answers.csv").write_text("id,y\n3,4\n")
    return root


def _service(public: Path, **options: object) -> dict:
    return compose_config(public, SandboxOptions(**options))["services"]["default"]


def test_only_the_public_dir_is_mounted_and_read_only(data_dir: Path) -> None:
    paths = competition_paths("demo-digits", data_dir)
    service = _service(paths.public)
    [mount] = service["volumes"]
    assert mount["type"] == "bind" and mount["read_only"] is True
    assert Path(mount["source"]) == paths.public.resolve()
    assert mount["target"] == "/home/data"
    text = yaml.safe_dump(compose_config(paths.public, SandboxOptions()))
    assert str(paths.private) not in text and "private" not in text


def test_mounting_anything_but_a_public_dir_is_refused(data_dir: Path) -> None:
    paths = competition_paths("demo-digits", data_dir)
    for wrong in (paths.private, paths.prepared, paths.root):
        with pytest.raises(ValueError, match="refusing"):
            compose_config(wrong, SandboxOptions())


def test_no_network_agent_user_init_and_workdir(data_dir: Path) -> None:
    service = _service(competition_paths("demo-digits", data_dir).public)
    assert service["network_mode"] == "none"
    assert service["user"] == "agent"
    assert service["init"] is True
    assert service["working_dir"] == "/home/workspace"
    assert "no-new-privileges:true" in service["security_opt"]
    assert service["environment"]["MLE_SUBMISSION_DIR"] == "/home/submission"


def test_limits_follow_the_task_args(data_dir: Path) -> None:
    public = competition_paths("demo-digits", data_dir).public
    service = _service(public, cpus=2.5, memory="6g", shm_size="1g", gpus=2)
    assert service["cpus"] == 2.5
    assert service["mem_limit"] == service["memswap_limit"] == "6g"
    assert service["shm_size"] == "1g"
    [device] = service["deploy"]["resources"]["reservations"]["devices"]
    assert device == {"driver": "nvidia", "count": 2, "capabilities": ["gpu"]}
    unlimited = _service(public)
    assert not {"cpus", "mem_limit", "deploy"} & set(unlimited)


def test_shared_memory_must_fit_in_the_memory_limit(data_dir: Path) -> None:
    public = competition_paths("demo-digits", data_dir).public
    with pytest.raises(ValueError, match="shm_size"):
        _service(public, memory="1g", shm_size="2g")


def test_local_images_are_not_pulled_registry_images_are(data_dir: Path) -> None:
    public = competition_paths("demo-digits", data_dir).public
    assert _service(public)["x-local"] is True  # mle-inspect/agent:light is built here
    assert "x-local" not in _service(public, image="ghcr.io/acme/agent:1")


def test_inspect_accepts_the_read_only_bind(data_dir: Path) -> None:
    """Inspect refuses writable host binds; ours must pass its own check."""
    from inspect_ai.util._sandbox.docker.mounts import _validate_service_mounts

    service = _service(competition_paths("demo-digits", data_dir).public)
    assert _validate_service_mounts("default", service, {}, "proj") is not None
    writable = {**service, "volumes": [{**service["volumes"][0], "read_only": False}]}
    with pytest.raises(Exception, match="writable"):
        _validate_service_mounts("default", writable, {}, "proj")


def test_compose_files_are_cached_by_content(data_dir: Path, tmp_path: Path) -> None:
    public = competition_paths("demo-digits", data_dir).public
    first = compose_file(public, "demo-digits", SandboxOptions(cpus=1))
    mtime = first.stat().st_mtime_ns
    again = compose_file(public, "demo-digits", SandboxOptions(cpus=1))
    other = compose_file(public, "demo-digits", SandboxOptions(cpus=2))
    assert again == first and first.stat().st_mtime_ns == mtime
    assert other != first
    assert first.parent == tmp_path / "sandboxes" / "compose"
    assert yaml.safe_load(first.read_text()) == compose_config(public, SandboxOptions(cpus=1))


def test_dollar_signs_in_paths_are_not_interpolated(tmp_path: Path) -> None:
    public = tmp_path / "a$HOME" / "x" / "prepared" / "public"
    public.mkdir(parents=True)
    [mount] = _service(public)["volumes"]
    assert "a$$HOME" in mount["source"]


def test_sandbox_spec_for_docker_points_at_the_compose_file(data_dir: Path) -> None:
    competition = get_competition("demo-wine-cultivars")
    paths = competition_paths(competition.id, data_dir)
    spec = sandbox_spec("docker", competition, paths, None, SandboxOptions(memory="3g"))
    assert spec.type == "mle_docker"  # Inspect's docker provider, sized to the machine
    service = yaml.safe_load(Path(spec.config).read_text())["services"]["default"]
    assert service["mem_limit"] == "3g"
    assert Path(service["volumes"][0]["source"]) == paths.public.resolve()


def test_unknown_sandbox_types_name_the_choices(data_dir: Path) -> None:
    competition = get_competition("demo-digits")
    paths = competition_paths(competition.id, data_dir)
    with pytest.raises(ValueError, match="local, docker, k8s"):
        sandbox_spec("podman", competition, paths, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("512m", 512 * 2**20), ("16g", 16 * 2**30), ("2GiB", 2 * 2**30), ("100", 100)],
)
def test_sizes_use_dockers_binary_units(text: str, expected: int) -> None:
    assert size_bytes(text) == expected


def test_bad_sizes_are_rejected_when_the_task_is_built() -> None:
    with pytest.raises(ValueError):
        SandboxOptions(memory="lots")


def test_thread_pools_are_sized_to_the_cpu_limit(data_dir: Path) -> None:
    public = competition_paths("demo-digits", data_dir).public
    env = _service(public, cpus=2.5)["environment"]
    assert env["OMP_NUM_THREADS"] == env["OPENBLAS_NUM_THREADS"] == env["MKL_NUM_THREADS"] == "2"
    assert _service(public, cpus=0.5)["environment"]["OMP_NUM_THREADS"] == "1"
    assert "OMP_NUM_THREADS" not in _service(public)["environment"]


def test_default_shared_memory_fits_any_memory_limit(data_dir: Path) -> None:
    public = competition_paths("demo-digits", data_dir).public
    assert _service(public)["shm_size"] == "2048m"
    assert _service(public, memory="1g")["shm_size"] == "512m"
    assert _service(public, memory="64g")["shm_size"] == "2048m"


def test_named_host_variables_pass_through_without_their_values_on_disk(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLE_TEST_WANTED", "wanted-4242")
    monkeypatch.setenv("AZURE_OPENAI_KEY", "azure-4242")
    public = competition_paths("demo-digits", data_dir).public
    options = SandboxOptions(env_allow="MLE_TEST_WANTED")
    environment = _service(public, env_allow="MLE_TEST_WANTED")["environment"]
    # a name without a value: compose takes it from its own environment at `up`
    assert "MLE_TEST_WANTED" in environment and environment["MLE_TEST_WANTED"] is None
    assert "AZURE_OPENAI_KEY" not in environment
    text = compose_file(public, "demo-digits", options).read_text()
    assert "4242" not in text and "MLE_TEST_WANTED" in text
