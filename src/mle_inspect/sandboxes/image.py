"""Build the agent image (``mle-inspect build-image``) from the Dockerfile shipped in the package."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from .options import AGENT_UID

PROFILES = ("light", "full")
DEFAULT_BASE_IMAGE = "python:3.11-slim-bookworm"
"""Public base for the light profile; use an ``nvidia/cuda`` image for CUDA builds of full."""


def default_tag(profile: str) -> str:
    return f"mle-inspect/agent:{profile}"


def dockerfile_dir() -> Path:
    """The build context: the package's ``sandboxes/docker`` directory."""
    return Path(str(resources.files(__package__).joinpath("docker")))


class ImageBuild(BaseModel):
    """One ``docker build`` of the agent image."""

    model_config = ConfigDict(frozen=True)

    profile: str = "light"
    base_image: str = DEFAULT_BASE_IMAGE
    tag: str | None = None
    python: str = "python3.11"
    agent_uid: int = AGENT_UID
    index_url: str | None = None
    extra_index_url: str | None = None
    network: str | None = None
    """``docker build --network`` (``host`` when the bridge cannot reach the package index)."""
    no_cache: bool = False

    def command(self, docker: str = "docker") -> list[str]:
        if self.profile not in PROFILES:
            raise ValueError(f"profile must be one of {PROFILES}, not {self.profile!r}")
        args = {
            "BASE_IMAGE": self.base_image,
            "PROFILE": self.profile,
            "PYTHON": self.python,
            "AGENT_UID": str(self.agent_uid),
            "INDEX_URL": self.index_url or "",
            "EXTRA_INDEX_URL": self.extra_index_url or "",
        }
        context = dockerfile_dir()
        cmd = [docker, "build", "-t", self.tag or default_tag(self.profile)]
        for name, value in args.items():
            cmd += ["--build-arg", f"{name}={value}"]
        if self.network:
            cmd += ["--network", self.network]
        if self.no_cache:
            cmd.append("--no-cache")
        cmd += ["-f", str(context / "Dockerfile"), str(context)]
        return cmd


def build_image(build: ImageBuild, extra_args: Sequence[str] = ()) -> int:
    """Run ``docker build`` (streaming its output); return its exit code."""
    docker = shutil.which("docker")
    if docker is None:
        raise FileNotFoundError("the docker CLI is not on PATH; install Docker to build the image")
    command = build.command(docker)
    command[2:2] = list(extra_args)
    return subprocess.call(command)
