"""Build the agent image (``mle-inspect build-image``) from the Dockerfile shipped in the package.

Each profile's Python packages are listed in ``docker/<profile>.txt`` (``mlebench``: the copy
of MLE-bench's own ``environment/requirements.txt``). The Dockerfile installs from those
files and :func:`profile_packages` reads the same files, so what an agent's prompt says the
image holds is what it holds.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from .options import AGENT_UID

PROFILES = ("light", "full", "mlebench")
DEFAULT_BASE_IMAGE = "python:3.11-slim-bookworm"
"""Public base for the light and full profiles; use an ``nvidia/cuda`` image for CUDA builds."""
MLEBENCH_BASE_IMAGE = "nvidia/cuda:12.1.1-cudnn8-runtime-ubuntu22.04"
"""The mlebench profile's base: CUDA 12.1 and cuDNN 8, what torch 2.2.0's PyPI wheels are
built for (TensorFlow 2.17 brings its own CUDA libraries with ``tensorflow[and-cuda]``)."""
PROFILE_FILES = {"light": "light.txt", "full": "full.txt", "mlebench": "mlebench-requirements.txt"}
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:==\s*([^\s;#]+))?")


def default_base_image(profile: str) -> str:
    """The base image a profile builds on by default."""
    return MLEBENCH_BASE_IMAGE if profile == "mlebench" else DEFAULT_BASE_IMAGE


def profile_packages(profile: str = "light") -> dict[str, str | None]:
    """The Python packages a profile's image has: name -> pinned version (None: current).

    For agents' prompts ("the image has ..."): agents have no network, so what is not listed
    here they cannot install.
    """
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {PROFILES}, not {profile!r}")
    return _read_requirements(dockerfile_dir() / PROFILE_FILES[profile])


def image_profile(image: str) -> str | None:
    """The profile an image was built with, read from its default tag; None for any other image.

    ``mle-inspect/agent:full`` gives ``full``.
    """
    name, _, tag = image.rpartition(":")
    if name == default_tag("light").rpartition(":")[0] and tag in PROFILES:
        return tag
    return None


def _read_requirements(path: Path) -> dict[str, str | None]:
    packages: dict[str, str | None] = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("-r "):
            packages |= _read_requirements(path.parent / line[3:].strip())
            continue
        match = _REQUIREMENT.match(line)
        if match:
            packages[match[1].lower()] = match[2]
    return packages


IMPORT_NAMES = {
    "scikit-learn": "sklearn",
    "pillow": "PIL",
    "opencv-python": "cv2",
    "opencv-python-headless": "cv2",
    "scikit-image": "skimage",
    "xgboost-cpu": "xgboost",
    "pyyaml": "yaml",
    "biopython": "Bio",
    "imbalanced-learn": "imblearn",
    "scikit-optimize": "skopt",
    "scikit-surprise": "surprise",
    "pytorch-lightning": "pytorch_lightning",
    "faust-cchardet": "cchardet",
    "tensorflow-hub": "tensorflow_hub",
    "tf-keras": "tf_keras",
    "torch-geometric": "torch_geometric",
    "bayesian-optimization": "bayes_opt",
    "efficientnet-pytorch": "efficientnet_pytorch",
    "segmentation-models-pytorch": "segmentation_models_pytorch",
    "sentence-transformers": "sentence_transformers",
    "rouge-score": "rouge_score",
    "sklearn-pandas": "sklearn_pandas",
    "langchain-anthropic": "langchain_anthropic",
    "ipython": "IPython",
    "levenshtein": "Levenshtein",
    "pypdf": "pypdf",
}
"""Distribution name -> module name, where they differ other than by ``-`` vs ``_``."""


def import_name(package: str) -> str:
    """The module an agent imports for a distribution (``scikit-learn`` -> ``sklearn``)."""
    return IMPORT_NAMES.get(package.lower(), package.lower().replace("-", "_"))


def describe_packages(profile: str = "light") -> str:
    """One line for a prompt: ``numpy, pandas, torch==2.2.0, ...`` (sorted by name)."""
    return ", ".join(
        f"{name}=={version}" if version else name
        for name, version in sorted(profile_packages(profile).items())
    )


def default_tag(profile: str) -> str:
    """The image tag a profile is built under by default."""
    return f"mle-inspect/agent:{profile}"


def dockerfile_dir() -> Path:
    """The build context: the package's ``sandboxes/docker`` directory."""
    return Path(str(resources.files(__package__).joinpath("docker")))


class ImageBuild(BaseModel):
    """One ``docker build`` of the agent image."""

    model_config = ConfigDict(frozen=True)

    profile: str = "light"
    base_image: str | None = None
    """None: the profile's default (:func:`default_base_image`)."""
    tag: str | None = None
    python: str = "python3.11"
    agent_uid: int = AGENT_UID
    index_url: str | None = None
    extra_index_url: str | None = None
    network: str | None = None
    """``docker build --network`` (``host`` when the bridge cannot reach the package index)."""
    no_cache: bool = False

    def command(self, docker: str = "docker") -> list[str]:
        """The ``docker build`` command line for this build."""
        if self.profile not in PROFILES:
            raise ValueError(f"profile must be one of {PROFILES}, not {self.profile!r}")
        args = {
            "BASE_IMAGE": self.base_image or default_base_image(self.profile),
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
