"""``mle-inspect build-image``: the docker command it runs and the Dockerfile it builds."""

from __future__ import annotations

import shlex

import pytest

from mle_inspect.cli import main
from mle_inspect.sandboxes.image import ImageBuild, dockerfile_dir


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
