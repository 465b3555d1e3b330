"""Resolve ``"module:callable"`` strings: registry entries name code without importing it."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache
from typing import Any


@cache
def load_hook(spec: str) -> Callable[..., Any]:
    module_name, _, attr = spec.partition(":")
    if not attr:
        raise ValueError(f"hook {spec!r} must look like 'package.module:function'")
    return getattr(importlib.import_module(module_name), attr)
