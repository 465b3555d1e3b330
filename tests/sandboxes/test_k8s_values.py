"""Helm values for inspect-k8s-sandbox: checked against the chart's own schema when installed."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from mle_inspect.competitions import get_competition
from mle_inspect.data import competition_paths
from mle_inspect.sandboxes.k8s import k8s_values, k8s_values_file
from mle_inspect.sandboxes.options import SandboxOptions
from mle_inspect.tasks._dataset import sandbox_spec


@pytest.fixture(autouse=True)
def _sandbox_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MLE_INSPECT_SANDBOX_DIR", str(tmp_path / "sandboxes"))


def _chart() -> Path | None:
    try:
        from importlib import resources

        import k8s_sandbox
    except ImportError:
        return None
    chart = Path(str(resources.files(k8s_sandbox).joinpath("resources/helm/agent-env")))
    return chart if (chart / "values.schema.json").is_file() else None


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Helm's merge of a values file over the chart's defaults (maps merge, lists replace)."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


CASES = [
    SandboxOptions(),
    SandboxOptions(
        cpus=8, memory="64g", gpus=1, shm_size="16g", image="registry.example/agent:full"
    ),
    SandboxOptions(cpus=0.5, runtime_class="CLUSTER_DEFAULT", data_pvc="shared-data"),
]


@pytest.mark.parametrize("options", CASES)
def test_values_pass_the_charts_schema(options: SandboxOptions) -> None:
    chart = _chart()
    if chart is None:
        pytest.skip("inspect-k8s-sandbox is not installed (pip install -e '.[k8s]')")
    import jsonschema

    schema = json.loads((chart / "values.schema.json").read_text())
    defaults = yaml.safe_load((chart / "values.yaml").read_text())
    values = k8s_values("spaceship-titanic", options)
    jsonschema.validate(_merge(defaults, values), schema)
    # the chart treats a string volume as a PVC it creates itself; ours must be the user's claim
    assert all(isinstance(v, dict) for v in values["services"]["default"]["volumes"])


def test_public_data_comes_read_only_from_the_competitions_subpath() -> None:
    service = k8s_values("spaceship-titanic", SandboxOptions(data_pvc="mle-data-rwx"))["services"][
        "default"
    ]
    [claim] = [v for v in service["volumes"] if "persistentVolumeClaim" in v]
    assert claim["persistentVolumeClaim"] == {"claimName": "mle-data-rwx", "readOnly": True}
    [mount] = [m for m in service["volumeMounts"] if m["name"] == claim["name"]]
    assert mount == {
        "name": claim["name"],
        "mountPath": "/home/data",
        "subPath": "spaceship-titanic/prepared/public",
        "readOnly": True,
    }
    assert "private" not in yaml.safe_dump(service)


def test_no_egress_and_a_non_root_agent() -> None:
    values = k8s_values("spaceship-titanic", SandboxOptions())
    assert (
        values["allowDomains"] == [] and values["allowCIDR"] == [] and values["allowEntities"] == []
    )
    assert values["networkPolicy"] == {"enabled": True}
    security = values["services"]["default"]["securityContext"]
    assert security["runAsNonRoot"] is True and security["runAsUser"] != 0
    assert security["allowPrivilegeEscalation"] is False


def test_resources_are_guaranteed_and_gpus_get_a_gpu_runtime() -> None:
    service = k8s_values("x", SandboxOptions(cpus=2.5, memory="12g", gpus=2, shm_size="4g"))[
        "services"
    ]["default"]
    expected = {"cpu": "2500m", "memory": f"{12 * 1024}Mi", "nvidia.com/gpu": 2}
    assert service["resources"] == {"requests": expected, "limits": expected}
    assert service["runtimeClassName"] == "nvidia"
    [shm] = [v for v in service["volumes"] if v["name"] == "dshm"]
    assert shm["emptyDir"] == {"medium": "Memory", "sizeLimit": "4096Mi"}
    cpu_only = k8s_values("x", SandboxOptions())["services"]["default"]
    assert "runtimeClassName" not in cpu_only  # the chart's default (gVisor) applies
    assert cpu_only["resources"]["limits"] == {"cpu": "4", "memory": "16384Mi"}
    explicit = k8s_values("x", SandboxOptions(gpus=1, runtime_class="gvisor-gpu"))
    assert explicit["services"]["default"]["runtimeClassName"] == "gvisor-gpu"


def test_sandbox_spec_for_k8s_points_at_the_values_file(tmp_path: Path) -> None:
    pytest.importorskip("k8s_sandbox", reason="inspect-k8s-sandbox is not installed")
    competition = get_competition("demo-digits")
    spec = sandbox_spec(
        "k8s", competition, competition_paths(competition.id, tmp_path), None, SandboxOptions()
    )
    assert spec.type == "k8s"
    loaded = yaml.safe_load(Path(spec.config).read_text())
    assert loaded == k8s_values("demo-digits", SandboxOptions())
    assert Path(spec.config) == Path(k8s_values_file("demo-digits", SandboxOptions()))


def test_k8s_without_inspect_k8s_sandbox_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "k8s_sandbox" else real(name, *a),
    )
    competition = get_competition("demo-digits")
    with pytest.raises(Exception, match=r"\[k8s\]"):  # a prerequisite error
        sandbox_spec("k8s", competition, competition_paths(competition.id, tmp_path), None)
