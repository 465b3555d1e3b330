"""Sandbox specs and providers; the same agent-facing paths in every one."""

from .options import DEFAULT_IMAGE, SandboxOptions
from .paths import CANONICAL_PATHS, SandboxPaths, sandbox_paths

__all__ = ["CANONICAL_PATHS", "DEFAULT_IMAGE", "SandboxOptions", "SandboxPaths", "sandbox_paths"]
