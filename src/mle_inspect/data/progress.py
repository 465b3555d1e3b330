"""Progress reporting for prepare functions: ``progress(iterable, total=..., unit=...)``.

Inside ``prepare_competition`` the reports go to the CLI's per-competition progress bar (with
rate and ETA); anywhere else these helpers cost nothing and report nowhere. Reports are
throttled, so wrapping a loop over millions of files is cheap::

    from mle_inspect.data.progress import progress, counter

    for image in progress(images, total=len(images), unit="files", stage="copy images"):
        ...
    with counter(total=archive_bytes, unit="bytes", stage="convert") as bytes_done:
        for chunk in read_chunks():
            bytes_done.update(len(chunk))

Worker threads do not inherit the context: create the ``counter`` in the calling thread and
share it (``update`` is thread-safe).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator, Sized
from types import TracebackType
from typing import TypeVar

from ._context import ProgressSink, current_preparation

T = TypeVar("T")

_MIN_INTERVAL = 0.1
"""Seconds between two reports of one counter (the last one is always sent)."""


class Counter:
    """Counts work done for one stage and forwards it, throttled, to the current sink."""

    def __init__(self, total: int | None, unit: str, stage: str, sink: ProgressSink | None) -> None:
        self.total, self.unit, self.stage, self._sink = total, unit, stage, sink
        self.done = 0
        self._last = 0.0
        self._lock = threading.Lock()

    def update(self, n: int = 1) -> None:
        """Count ``n`` more units done; forward to the sink at most every interval."""
        with self._lock:
            self.done += n
            now = time.monotonic()
            if self._sink is None or now - self._last < _MIN_INTERVAL:
                return
            self._last = now
            done = self.done
        self._sink(self.stage, done, self.total, self.unit)

    def close(self) -> None:
        """Send the final count (also when the stage ends early)."""
        if self._sink is not None:
            self._sink(
                self.stage,
                self.done,
                self.total if self.total is not None else self.done,
                self.unit,
            )

    def __enter__(self) -> Counter:
        if self._sink is not None:
            self._sink(self.stage, 0, self.total, self.unit)
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        self.close()


def counter(total: int | None = None, unit: str = "bytes", stage: str = "prepare") -> Counter:
    """A counter reporting to the preparation in this context (or nowhere)."""
    preparation = current_preparation()
    return Counter(total, unit, stage, None if preparation is None else preparation.sink)


def progress(
    iterable: Iterable[T],
    total: int | None = None,
    unit: str = "files",
    stage: str = "prepare",
) -> Iterator[T]:
    """Yield the items of ``iterable``, counting one per item (``total`` from ``len`` if any)."""
    if total is None and isinstance(iterable, Sized):
        total = len(iterable)
    with counter(total, unit, stage) as count:
        for item in iterable:
            yield item
            count.update(1)
