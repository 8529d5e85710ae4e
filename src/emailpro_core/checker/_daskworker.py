"""The worker side of :func:`~emailpro_core.checker.check_domains_dask`.

This module imports ``distributed`` at the top: only Dask workers and the
client side of a Dask run import it (see ``_dask.py``), never the core library.

A chunk is a Dask task that runs in one of the worker's threads. The source
its domains are asked through is built once per worker, by the caller's
factory, and kept by a :class:`WorkerSources` plugin with an event loop of its
own in a thread: a socket belongs to one event loop, and Dask's task threads
have none. Every chunk the worker runs shares that source, and so its cache
(the provider's records are asked once per worker, not once per chunk). The
plugin's ``teardown`` (when the run unregisters it, or the worker closes)
closes the source and stops the thread.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any

from distributed import WorkerPlugin, get_worker

from ..records import DomainSetup, Profile
from ..sources import AsyncRecordSource
from ..sources._answers import Answer
from ._bulk import check_domains
from ._packed import Packed, pack
from ._parallel import SourceFactory

#: Seconds the worker waits for its source to close when the plugin goes.
_CLOSE_TIMEOUT = 10.0


class SourceUnavailable(RuntimeError):
    """The source of a chunk could not be had: its factory raised, or its task failed."""


class UnavailableSource:
    """A source that raises for every question: the checks end ``UNKNOWN``, cause ``other``.

    The runner turns a source's exception into an answer that failed
    (``_runner.raised``), so a chunk without a source is reported the same way
    as a lookup whose source broke: each check ``UNKNOWN``, the message naming
    the error. No domain is dropped, none reads as "missing".
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def lookup(self, name: str, rdtype: str, /) -> Answer:
        raise SourceUnavailable(self.reason)

    async def lookup_async(self, name: str, rdtype: str, /) -> Answer:
        raise SourceUnavailable(self.reason)


async def check_setups(
    chunk: list[DomainSetup],
    source: AsyncRecordSource,
    profile: Profile,
    concurrency: int,
    deadline: float | None,
) -> list[Packed]:
    """Every diagnosis of ``chunk`` over ``source``, packed, in the order they finish.

    Each is packed alone as it finishes, and rebuilt on the client only when
    the run yields it (see :mod:`emailpro_core.checker._packed`).
    """
    return [
        pack(diagnosis)
        async for diagnosis in check_domains(
            chunk, source, profile=profile, concurrency=concurrency, deadline=deadline
        )
    ]


def _close(source: object) -> None:
    close = getattr(source, "close", None)
    if callable(close):
        close()


class _Loop:
    """An event loop running in a thread of its own, and the source built on it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(
            target=self.loop.run_forever, name="emailpro-core-checks", daemon=True
        )
        self.thread.start()
        self.source: AsyncRecordSource | None = None

    def run(self, coroutine: Coroutine[Any, Any, list[Packed]]) -> list[Packed]:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    async def _shut(self) -> None:
        # A chunk still running (its run was closed early: Dask cannot stop a
        # running task) is cancelled, so that its task thread, waiting for it,
        # gets CancelledError rather than waiting for ever on a stopped loop.
        current = asyncio.current_task()
        running = [task for task in asyncio.all_tasks() if task is not current]
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        # A stub source's socket was opened on this loop: closed on it too.
        _close(self.source)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._shut(), self.loop).result(_CLOSE_TIMEOUT)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(_CLOSE_TIMEOUT)
        self.loop.close()


class WorkerSources(WorkerPlugin):
    """A Dask worker plugin: the run's source on this worker, built once by ``factory``.

    Only the factory travels to the worker; the loop starts with the first
    chunk. When the factory raises, that chunk's domains are ``UNKNOWN`` and
    the next chunk tries again (the failure may pass).
    """

    def __init__(self, factory: SourceFactory) -> None:
        self.factory = factory
        self._lock = threading.Lock()
        self._loop: _Loop | None = None
        self._closed = False

    def __reduce__(self) -> tuple[Any, ...]:
        # The factory alone travels: a lock and a loop belong to one process.
        return (WorkerSources, (self.factory,))

    def _running(self) -> _Loop:
        # Dask runs a worker's tasks in several threads: one loop for them all.
        with self._lock:
            if self._closed:
                # A chunk of a run that is over (cancelled, not yet started): no new loop.
                raise SourceUnavailable("the run is over: its sources are closed")
            if self._loop is None:
                self._loop = _Loop()
            return self._loop

    def check(
        self,
        chunk: list[DomainSetup],
        profile: Profile,
        concurrency: int,
        deadline: float | None,
    ) -> list[Packed]:
        """Diagnose ``chunk`` on the worker's loop, over the worker's source."""
        running = self._running()
        return running.run(self._check(running, chunk, profile, concurrency, deadline))

    async def _check(
        self,
        running: _Loop,
        chunk: list[DomainSetup],
        profile: Profile,
        concurrency: int,
        deadline: float | None,
    ) -> list[Packed]:
        # On the loop's thread: one chunk at a time reaches this point, so the
        # source is built once even when two chunks start together.
        source: AsyncRecordSource
        if running.source is None:
            try:
                running.source = self.factory()
            except Exception as error:  # any failure of the caller's factory
                source = UnavailableSource(f"the source factory raised {describe(error)}")
                return await check_setups(chunk, source, profile, concurrency, deadline)
        source = running.source
        return await check_setups(chunk, source, profile, concurrency, deadline)

    def teardown(self, worker: object) -> None:
        """Close the source and stop the loop (the run is over, or the worker closes)."""
        with self._lock:
            running, self._loop = self._loop, None
            self._closed = True
        if running is not None:
            running.stop()


def describe(error: BaseException) -> str:
    """The type of ``error`` and its text, on one line, shortened."""
    text = " ".join(str(error).split())
    if len(text) > 200:
        text = text[:197] + "..."
    return type(error).__name__ + (f": {text}" if text else "")


def check_chunk(
    plugin: str,
    chunk: list[DomainSetup],
    profile: Profile,
    concurrency: int,
    deadline: float | None,
) -> list[Packed]:
    """The Dask task of one chunk: its diagnoses over the worker's source."""
    sources = get_worker().plugins[plugin]
    assert isinstance(sources, WorkerSources)  # registered under this name by the run
    return sources.check(chunk, profile, concurrency, deadline)
