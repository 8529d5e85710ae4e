"""Garbage collection paused for a bulk run in a process this package owns.

A bulk diagnosis allocates millions of small objects and keeps many (the answer
cache, the setups in flight). CPython's cyclic collector runs after every few
hundred net allocations and, as the heap grows, walks all of it again and again:
over a live run it took a quarter to a third of the time (``docs/performance.md``),
while the checks and the stub source leave no reference cycles behind to collect.

The library never touches the collector of a caller's process. Only
``emailpro-core check-many`` and the worker processes of
:func:`~emailpro_core.checker.check_domains_parallel` use :class:`PausedCollector`:
automatic collection off for the run, a full collection every so often (so that
whatever cycles do arise, from asyncio or an exception, are still freed), and
the collector as it was afterwards.
"""

from __future__ import annotations

import gc
from types import TracebackType


class PausedCollector:
    """Automatic garbage collection off within ``with``; a collection every ``every`` ticks.

    >>> with PausedCollector(every=2) as collector:
    ...     gc.isenabled()
    ...     collector.tick()
    ...     collector.tick()
    ...     collector.collections
    False
    1
    >>> gc.isenabled()
    True
    """

    def __init__(self, *, every: int) -> None:
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError(f"every must be an int of at least 1, not {every!r}")
        self.every = every
        self.collections = 0
        self._ticks = 0
        self._was_enabled = False

    def __enter__(self) -> PausedCollector:
        self._was_enabled = gc.isenabled()
        gc.disable()
        return self

    def tick(self) -> None:
        """Count one unit of work (a diagnosis); collect every ``every`` of them."""
        self._ticks += 1
        if self._ticks >= self.every:
            self._ticks = 0
            self.collections += 1
            gc.collect()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._was_enabled:
            gc.enable()
