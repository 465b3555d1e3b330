"""The preparation in progress in this thread: what prepare hooks may ask for without arguments.

Prepare hooks have a fixed signature ``prepare(raw, public, private)``; the orchestration sets
this context around them, so that a hook can report progress (``mle_inspect.data.progress``)
or read the data dir's salt (``preparation_salt``) without new parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from ._layout import CompetitionPaths

ProgressSink = Callable[[str, int, "int | None", str], None]
"""``sink(stage, done, total, unit)``: ``total`` None when unknown; unit "bytes", "files"..."""


@dataclass(frozen=True)
class Preparation:
    """One competition being prepared: its paths and where progress goes."""

    paths: CompetitionPaths
    sink: ProgressSink | None = None


_CURRENT: ContextVar[Preparation | None] = ContextVar("mle_inspect_preparation", default=None)


@contextmanager
def preparing(preparation: Preparation) -> Iterator[Preparation]:
    token = _CURRENT.set(preparation)
    try:
        yield preparation
    finally:
        _CURRENT.reset(token)


def current_preparation() -> Preparation | None:
    """The preparation running in this context, or None outside ``prepare_competition``."""
    return _CURRENT.get()


def preparation_salt() -> str:
    """The secret salt of the data dir being prepared (created on first use).

    Raises RuntimeError outside a preparation: a split that depends on the salt must never
    silently fall back to a predictable one.
    """
    from .salt import data_dir_salt

    preparation = current_preparation()
    if preparation is None:
        raise RuntimeError("preparation_salt() is only available inside prepare_competition()")
    return data_dir_salt(preparation.paths.data_dir)
