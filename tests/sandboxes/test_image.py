"""``mle-inspect build-image``: the docker command it runs and the Dockerfile it builds."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from mle_inspect.cli import main
from mle_inspect.sandboxes.image import (
    ImageBuild,
    build_image,
    default_tag,
    describe_packages,
    dockerfile_dir,
    image_profile,
    import_name,
    profile_packages,
)


def _build_args(command: list[str]) -> dict[str, str]:
    pairs = [command[i + 1] for i, arg in enumerate(command) if arg == "--build-arg"]
    return dict(pair.split("=", 1) for pair in pairs)


def test_the_dockerfile_ships_with_the_package() -> None:
    text = (dockerfile_dir() / "Dockerfile").read_text()
    for needle in ("ARG BASE_IMAGE", "ARG PROFILE", "USER agent", "/home/submission", "/home/data"):
        assert needle in text


def test_default_build_is_the_light_profile_tagged_for_the_task_default() -> None:
    from mle_inspect.sandboxes.options import DEFAULT_IMAGE

    command = ImageBuild().command()
    assert command[:4] == ["docker", "build", "-t", DEFAULT_IMAGE]
    assert _build_args(command)["PROFILE"] == "light"
    assert command[-1] == str(dockerfile_dir())


def test_cli_prints_the_build_with_base_profile_tag_and_index(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(
        [
            "build-image", "--print", "--profile", "full", "--base-image", "nvidia/cuda:12.4.1-runtime-ubuntu22.04",
            "--tag", "me/agent:gpu", "--index-url", "http://mirror/simple", "--network", "host",
        ]
    )  # fmt: skip
    assert code == 0
    command = shlex.split(capsys.readouterr().out)
    args = _build_args(command)
    assert args["PROFILE"] == "full" and args["INDEX_URL"] == "http://mirror/simple"
    assert args["BASE_IMAGE"] == "nvidia/cuda:12.4.1-runtime-ubuntu22.04"
    assert command[command.index("-t") + 1] == "me/agent:gpu"
    assert command[command.index("--network") + 1] == "host"


def test_unknown_profiles_are_refused() -> None:
    with pytest.raises(ValueError, match="profile"):
        ImageBuild(profile="huge").command()
    with pytest.raises(SystemExit):
        main(["build-image", "--profile", "huge", "--print"])


# -- profiles: package lists -------------------------------------------------------------------

MLEBENCH_MIRROR = Path("/work/.mirror/openai+mle-bench/repo")


def _pins(text: str) -> dict[str, str]:
    pins = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[name.strip().lower()] = version.strip()
    return pins


def test_the_mlebench_profile_is_mlebenchs_package_set_at_its_versions() -> None:
    shipped = (dockerfile_dir() / "mlebench-requirements.txt").read_text()
    pins = _pins(shipped)
    assert len(pins) == 92 and all(pins.values())  # every package pinned
    # the versions MLE-bench's agents had (its README and Dockerfile name these)
    for name, version in {"torch": "2.2.0", "tensorflow": "2.17.0", "pydicom": "2.4.4",
                          "timm": "0.9.7", "transformers": "4.44.2", "lightgbm": "4.5.0",
                          "xgboost": "2.1.1", "catboost": "1.2.5", "numpy": "1.26.4"}.items():  # fmt: skip
        assert pins[name] == version
    assert profile_packages("mlebench") == pins
    # the Dockerfile installs exactly that file for the profile
    dockerfile = (dockerfile_dir() / "Dockerfile").read_text()
    assert "pip install -r mlebench-requirements.txt" in dockerfile
    assert "COPY light.txt full.txt mlebench-requirements.txt" in dockerfile


@pytest.mark.skipif(not MLEBENCH_MIRROR.is_dir(), reason="no MLE-bench checkout to compare with")
def test_the_shipped_copy_matches_mlebenchs_own_file() -> None:
    upstream = subprocess.run(
        ["git", "-C", str(MLEBENCH_MIRROR), "show", "HEAD:environment/requirements.txt"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert _pins((dockerfile_dir() / "mlebench-requirements.txt").read_text()) == _pins(upstream)


def test_light_and_full_keep_current_versions_and_full_includes_light() -> None:
    light, full = profile_packages("light"), profile_packages("full")
    assert {"numpy", "pandas", "scikit-learn", "lightgbm", "xgboost"} <= light.keys()
    assert light.keys() < full.keys() and {"torch", "timm", "transformers"} <= full.keys()
    assert not any(light.values()) and not any(full.values())
    assert "torch==2.2.0" in describe_packages("mlebench")
    assert describe_packages("light").startswith("lightgbm, matplotlib, numpy")


def test_the_mlebench_profile_builds_on_a_cuda_base_by_default() -> None:
    args = _build_args(ImageBuild(profile="mlebench").command())
    assert args["PROFILE"] == "mlebench" and args["BASE_IMAGE"].startswith("nvidia/cuda:")
    assert _build_args(ImageBuild().command())["BASE_IMAGE"] == "python:3.11-slim-bookworm"


def test_import_names_of_packages_whose_module_differs() -> None:
    assert [import_name(p) for p in ("scikit-learn", "pillow", "pytorch-lightning", "numpy")] == [
        "sklearn",
        "PIL",
        "pytorch_lightning",
        "numpy",
    ]


# -- the light image, built ---------------------------------------------------------------------

LOCAL_BASE = "mle-inspect/debian-python:bookworm"
"""The base CI builds on (made offline by ../shared/tools/base-image.sh)."""


def _docker_or_skip() -> None:
    why = None
    if shutil.which("docker") is None:
        why = "the docker CLI is not on PATH"
    elif subprocess.run(["docker", "version"], capture_output=True).returncode != 0:
        why = "no Docker engine reachable"
    if why:
        if os.environ.get("MLE_INSPECT_REQUIRE_DOCKER") == "1":
            pytest.fail(f"docker tests required but {why}")
        pytest.skip(why)


@pytest.mark.docker
def test_the_light_image_builds_and_imports_every_light_package() -> None:
    _docker_or_skip()
    base = os.environ.get("MLE_INSPECT_BASE_IMAGE")
    if (
        base is None
        and subprocess.run(
            ["docker", "image", "inspect", LOCAL_BASE], capture_output=True
        ).returncode
        == 0
    ):
        base = LOCAL_BASE
    build = ImageBuild(profile="light", base_image=base)
    assert build_image(build) == 0
    modules = sorted({import_name(p) for p in profile_packages("light")})
    script = f"import importlib\nfor m in {modules!r}:\n    importlib.import_module(m)\nprint('ok')"
    run = subprocess.run(
        [
            "docker",
            "run",
            "--rm",
            "--network",
            "none",
            default_tag("light"),
            "python",
            "-c",
            script,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr[-2000:]


def test_an_images_profile_is_read_from_its_default_tag() -> None:
    assert [image_profile(default_tag(p)) for p in ("light", "full", "mlebench")] == [
        "light",
        "full",
        "mlebench",
    ]
    assert image_profile("registry.example/agent:light") is None
