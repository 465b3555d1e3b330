"""Sandbox specs and providers; the same agent-facing paths in every one."""

from .paths import CANONICAL_PATHS, SandboxPaths, sandbox_paths

__all__ = ["CANONICAL_PATHS", "SandboxPaths", "sandbox_paths"]
