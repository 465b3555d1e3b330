"""The private inspect_ai names we depend on still exist, and only the compat module imports them."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import mle_inspect

PRIVATE_IMPORT = re.compile(r"^\s*(from|import)\s+inspect_ai\.(\w+\.)*_\w+", re.M)


def test_every_compat_symbol_imports() -> None:
    compat = importlib.import_module("mle_inspect._inspect_compat")
    assert compat.__all__
    for name in compat.__all__:
        assert getattr(compat, name) is not None, name
    assert isinstance(compat.SANDBOX_CLI, str) and compat.SANDBOX_CLI.startswith("/")
    assert callable(compat.sample_state)
    from inspect_ai.util import SandboxEnvironment

    assert issubclass(compat.LocalSandboxEnvironment, SandboxEnvironment)
    assert issubclass(compat.DockerSandboxEnvironment, SandboxEnvironment)


def test_no_private_inspect_import_outside_the_compat_module() -> None:
    package = Path(mle_inspect.__file__).parent
    offenders = [
        f"{path.relative_to(package)}: {match.group(0).strip()}"
        for path in package.rglob("*.py")
        if path.name != "_inspect_compat.py"
        for match in PRIVATE_IMPORT.finditer(path.read_text())
    ]
    assert offenders == []
