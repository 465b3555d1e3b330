"""The environment a local sandbox's commands get: an allow-list, never the host's as it is.

A host environment holds API keys, database URLs and tokens under names no pattern can
foresee (``AZURE_OPENAI_KEY``, ``DATABASE_URL``, ``GITHUB_PAT``), so nothing passes unless it
is named here or by the user (``-T env_allow=NAME,...``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping

from .options import THREAD_VARS

PASSED = frozenset({"LANG", "LANGUAGE", "TZ", "TERM", "CUDA_VISIBLE_DEVICES", "CUDA_DEVICE_ORDER"})
"""Host variables passed as they are: locale, time zone, terminal and GPU selection."""
_LOCALE = re.compile(r"^LC_[A-Z_]+$")


def allowed_host_env(
    extra: Iterable[str] = (), host: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The host variables a sandbox may see: the fixed list, ``LC_*`` and ``extra``."""
    host = os.environ if host is None else host
    names = PASSED | set(extra)
    return {k: v for k, v in host.items() if k in names or _LOCALE.match(k)}


def agent_env(
    *,
    path: str,
    home: str,
    paths: Mapping[str, str],
    threads: int,
    markers: Mapping[str, str],
    extra: Iterable[str] = (),
    requested: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The whole environment of one command, in order of precedence (last wins).

    Thread-pool sizes come from the sample's CPU share unless the user passed the host's
    value on by naming it in ``extra``; ``requested`` is what the caller of ``exec`` set.
    """
    extra = tuple(extra)
    env = {name: str(threads) for name in THREAD_VARS}
    env |= allowed_host_env(extra)
    env |= {"PATH": path, "HOME": home, **paths, **(requested or {}), **markers}
    return env


def env_command(env: Mapping[str, str], cmd: list[str]) -> list[str]:
    """``cmd`` run with exactly ``env`` (Inspect's subprocess would add the host's)."""
    return ["env", "-i", *(f"{k}={v}" for k, v in env.items()), *cmd]
