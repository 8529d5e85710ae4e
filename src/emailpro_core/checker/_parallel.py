"""Diagnosing many domains in several processes, to use every core of a machine.

:func:`~emailpro_core.checker.check_domains` runs in one process, and with a fast
source its cost is CPU: reading answers and running the checks. One Python
process uses one core. :func:`check_domains_parallel` splits the setups into
chunks and runs ``check_domains`` over each chunk in a worker process, with a
source of its own built by ``source_factory`` (a socket cannot cross processes).
The checks are the same code, so the findings are the same as in one process.

The setups are read lazily and at most ``2 × workers`` chunks are out at once, so
memory grows with the chunk size, not with the input.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import multiprocessing.context
import pickle
import signal
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from ..records import OVH_EMAIL_PRO, DomainSetup, Profile
from ..sources import AsyncRecordSource
from ._bulk import DEFAULT_CONCURRENCY, DEFAULT_DEADLINE, check_domains
from ._collector import PausedCollector
from ._diagnosis import Diagnosis
from ._packed import Packed, pack, unpack

#: Setups sent to a worker at once, unless told otherwise: large enough that
#: each chunk's start (a new source, the provider's sending address learned
#: again) is a small share of its work.
DEFAULT_CHUNK_SIZE = 250

#: Builds a worker's source. It is pickled to reach the worker, so it must be
#: a module-level function or class, or a :func:`functools.partial` of one.
SourceFactory = Callable[[], AsyncRecordSource]


def _positive(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{what} must be an int of at least 1, not {value!r}")
    return value


def _picklable(value: object, what: str) -> None:
    try:
        pickle.dumps(value)
    except Exception as exc:  # pickle raises several types; all mean "cannot send it"
        raise TypeError(
            f"{what} must be picklable to reach the worker processes "
            f"(a module-level function or class, or a functools.partial of one): {exc}"
        ) from None


def _close(source: AsyncRecordSource) -> None:
    close = getattr(source, "close", None)
    if callable(close):
        close()


async def _check_chunk_async(
    chunk: list[DomainSetup],
    source_factory: SourceFactory,
    profile: Profile,
    concurrency: int,
    deadline: float | None,
) -> list[Packed]:
    source = source_factory()
    try:
        return [
            pack(diagnosis)
            async for diagnosis in check_domains(
                chunk, source, profile=profile, concurrency=concurrency, deadline=deadline
            )
        ]
    finally:
        # A stub source's socket belongs to this event loop, which ends with the chunk.
        _close(source)


def _check_chunk(
    chunk: list[DomainSetup],
    source_factory: SourceFactory,
    profile: Profile,
    concurrency: int,
    deadline: float | None,
) -> list[Packed]:
    """The work of one chunk, in a worker process: its own event loop and source.

    Each diagnosis is packed alone as it finishes, and rebuilt in the caller's
    process only when it is yielded (see :mod:`emailpro_core.checker._packed`).

    The worker is this package's own process: automatic garbage collection is
    off while the chunk runs, and what the chunk left is collected after it
    (see :mod:`emailpro_core.checker._collector`); what the worker inherited from the caller was
    frozen when it started (:func:`_start_worker`), so that collection skips it.
    """
    with PausedCollector(every=1) as collector:
        try:
            return asyncio.run(
                _check_chunk_async(chunk, source_factory, profile, concurrency, deadline)
            )
        finally:
            collector.tick()


def _chunks(setups: Iterable[DomainSetup], size: int) -> Iterator[list[DomainSetup]]:
    items = iter(setups)
    while chunk := list(islice(items, size)):
        for setup in chunk:
            if not isinstance(setup, DomainSetup):
                raise TypeError(f"setups must be DomainSetup values, not {type(setup).__name__}")
        yield chunk


def check_domains_parallel(
    setups: Iterable[DomainSetup],
    source_factory: SourceFactory,
    /,
    *,
    workers: int,
    profile: Profile = OVH_EMAIL_PRO,
    concurrency: int = DEFAULT_CONCURRENCY,
    deadline: float | None = DEFAULT_DEADLINE,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    mp_context: multiprocessing.context.BaseContext | None = None,
) -> Iterator[Diagnosis]:
    """Diagnose every setup in ``workers`` processes; yield the diagnoses chunk by chunk.

    Args:
        setups: The domains, read lazily (a generator of any length).
        source_factory: Builds the source of each chunk in its worker (see
            :data:`SourceFactory`), for example
            ``functools.partial(AsyncStubSource, "192.0.2.53")``.
        workers: How many processes (at least 1).
        profile: The provider's profile.
        concurrency: Domains in flight at once in each worker (at least 1).
        deadline: Seconds each domain may take (as in ``check_domains``).
        chunk_size: Setups per chunk (at least 1).
        mp_context: The :mod:`multiprocessing` context that starts the workers
            (default: the platform's).

    Diagnoses come a chunk at a time, in the order the chunks finish; within a
    chunk, in the order its domains finished. Closing the iterator early (or
    an interrupt) stops the workers at once. Workers ignore ``SIGINT``: Ctrl-C
    is for the caller's process to handle.

    Raises:
        ValueError: ``workers``, ``concurrency`` or ``chunk_size`` is below 1.
        TypeError: ``source_factory`` or ``profile`` cannot be pickled, or a
            setup is not a :class:`~emailpro_core.records.DomainSetup`.
        concurrent.futures.process.BrokenProcessPool: a worker died (killed,
            out of memory) while iterating; the other workers are stopped.
        Exception: what ``source_factory`` (or a check) raised in a worker.
    """
    _positive(workers, "workers")
    _positive(concurrency, "concurrency")
    _positive(chunk_size, "chunk_size")
    if not callable(source_factory):
        raise TypeError(f"source_factory must be callable, not {type(source_factory).__name__}")
    _picklable(source_factory, "source_factory")
    _picklable(profile, "profile")
    return _run(
        setups, source_factory, workers, profile, concurrency, deadline, chunk_size, mp_context
    )


def _start_worker() -> None:
    """Set a worker process up: Ctrl-C left to the caller, the inherited heap frozen."""
    # Ctrl-C reaches the whole process group: the caller's process handles it
    # (and stops the workers); a worker must not die on its own half-way.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A forked worker starts with a copy of the caller's whole heap (its setups,
    # whatever else it holds), which the collection after each chunk would walk
    # again: 50 ms a chunk when the caller held the live benchmark's 2,000
    # generated domains, as long as checking 30 of them. Frozen, those objects
    # are left out of every collection (what the gc module's documentation
    # advises for forked workers); the collection walks what the worker made.
    gc.freeze()


def _run(
    setups: Iterable[DomainSetup],
    source_factory: SourceFactory,
    workers: int,
    profile: Profile,
    concurrency: int,
    deadline: float | None,
    chunk_size: int,
    mp_context: multiprocessing.context.BaseContext | None,
) -> Iterator[Diagnosis]:
    chunks = _chunks(setups, chunk_size)
    pool = concurrent.futures.ProcessPoolExecutor(
        workers, mp_context=mp_context, initializer=_start_worker
    )
    pending: set[concurrent.futures.Future[list[Packed]]] = set()
    completed = False
    try:
        exhausted = False
        while True:
            # Two chunks per worker: one running, one ready to start at once.
            while not exhausted and len(pending) < 2 * workers:
                chunk = next(chunks, None)
                if chunk is None:
                    exhausted = True
                else:
                    args = (chunk, source_factory, profile, concurrency, deadline)
                    pending.add(pool.submit(_check_chunk, *args))
            if not pending:
                completed = True
                return
            # A worker that dies (killed, out of memory) breaks the pool: its
            # future raises BrokenProcessPool here rather than waiting forever.
            done, pending = concurrent.futures.wait(
                pending, return_when=concurrent.futures.FIRST_COMPLETED
            )
            for future in done:
                yield from unpack(future.result())
    finally:
        if completed:
            pool.shutdown(wait=True)
        else:
            _stop(pool)


def _stop(pool: concurrent.futures.ProcessPoolExecutor) -> None:
    """Stop at once (closed early, interrupted, or a chunk failed): the running chunks are
    of no use to anyone, and waiting for them could take a whole chunk's deadlines."""
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14
    if callable(terminate):  # pragma: no cover - this project's CI runs Python 3.11
        terminate()
        return
    # Before 3.14 there is no public way to stop the workers: take them before
    # shutdown() forgets them, then end them.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join()
