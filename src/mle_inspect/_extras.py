"""How to install an optional extra.

mle-inspect is not on PyPI, so ``pip install "mle-inspect[x]"`` finds nothing. Every message that
names an extra uses ``install_hint``.
"""

from __future__ import annotations


def _extra_requirements(extra: str) -> list[str]:
    """The extra's packages as the installed distribution declares them (pyproject.toml)."""
    from importlib import metadata

    try:
        requires = metadata.requires("mle-inspect") or []
    except metadata.PackageNotFoundError:
        return []
    marker = f'extra == "{extra}"'
    return [r.split(";")[0].strip() for r in requires if marker in r]


def install_hint(extra: str) -> str:
    """The commands that install ``extra``: from a checkout, or its packages directly."""
    text = f'pip install -e ".[{extra}]" in a checkout of mle-inspect'
    packages = _extra_requirements(extra)
    if packages:
        text += " (or: pip install " + " ".join(f"'{p}'" for p in packages) + ")"
    return text
