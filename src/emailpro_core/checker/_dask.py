"""Diagnosing many domains on a Dask cluster: :func:`check_domains_dask`.

:func:`~emailpro_core.checker.check_domains_parallel` uses the cores of one
machine. A Dask cluster spreads the same work over many: the setups go out in
chunks, each chunk a Dask task that runs ``check_domains`` on a worker, over a
source that the worker builds once with the caller's factory and keeps for
every chunk it runs (see ``_daskworker.py``). The checks are the same code, so
the diagnoses are those of ``check_domains`` on the same inputs.

``distributed`` is an optional dependency (``pip install 'emailpro-core[dask]'``):
it is imported when :func:`check_domains_dask` is called, never by
``import emailpro_core``.

The client holds at most ``ahead`` chunks at once, each until its diagnoses
are yielded, so its memory grows with ``ahead × chunk_size``, not with the
input. A worker that dies (killed, out of memory) loses the chunks it held;
the scheduler runs them again elsewhere, and each chunk's future completes
once, so each chunk's diagnoses are yielded once: no domain lost, none twice.

A cluster with no worker, or whose workers hang, finishes no chunk: the run
waits ``stall_timeout`` seconds for the next one at most, then gives every
domain not yet diagnosed ``UNKNOWN`` saying so (see ``default_stall``).
"""

from __future__ import annotations

import math
import queue
import uuid
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from ..records import OVH_EMAIL_PRO, DomainSetup, InvalidSetup, Profile
from ._bulk import DEFAULT_CONCURRENCY, DEFAULT_DEADLINE, _refused
from ._diagnosis import Diagnosis
from ._packed import Packed, unpack
from ._parallel import DEFAULT_CHUNK_SIZE, SourceFactory, _chunks, _positive
from ._runner import make_context, run_sync_checks

if TYPE_CHECKING:
    from distributed import Client, Future

#: What to install when ``distributed`` is missing.
INSTALL_HINT = "pip install 'emailpro-core[dask]'"
#: Seconds added to the longest a healthy chunk can take, for a worker to start
#: (a process, its imports, the source factory) or to replace one that died.
STALL_MARGIN = 60.0


def default_stall(chunk_size: int, concurrency: int, deadline: float | None) -> float | None:
    """How long a run waits for its next chunk by default (``None``: no deadline, no bound).

    A chunk of ``chunk_size`` domains, ``concurrency`` at a time, each within
    ``deadline`` seconds, takes at most ``ceil(chunk_size / concurrency) *
    deadline``; a chunk may wait behind one other on its worker (the run keeps
    twice the cluster's threads in chunks out), hence twice that, plus
    :data:`STALL_MARGIN`.

    >>> default_stall(250, 64, 30.0)
    300.0
    """
    if deadline is None:
        return None
    return 2 * math.ceil(chunk_size / concurrency) * deadline + STALL_MARGIN


def check_domains_dask(
    setups: Iterable[DomainSetup],
    source_factory: SourceFactory,
    client: Client | str,
    /,
    *,
    profile: Profile = OVH_EMAIL_PRO,
    concurrency: int = DEFAULT_CONCURRENCY,
    deadline: float | None = DEFAULT_DEADLINE,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    ahead: int | None = None,
    stall_timeout: float | None = None,
) -> Iterator[Diagnosis]:
    """Diagnose every setup on a Dask cluster; yield the diagnoses chunk by chunk.

    Args:
        setups: The domains, read lazily (a generator of any length).
        source_factory: Builds the source of each worker, once per worker (see
            :data:`SourceFactory`), for example
            ``functools.partial(AsyncStubSource, "192.0.2.53")``. It is pickled
            (by Dask, with cloudpickle) and called on the workers: what it
            names must be importable there.
        client: A :class:`distributed.Client`, or a scheduler's address
            (``"tcp://192.0.2.10:8786"``): then a client is made for the run
            and closed at its end.
        profile: The provider's profile.
        concurrency: Domains in flight at once in each chunk (at least 1).
        deadline: Seconds each domain may take (as in ``check_domains``).
        chunk_size: Setups per chunk, one Dask task each (at least 1).
        ahead: Chunks submitted and not yet yielded, at most (at least 1);
            by default twice the cluster's worker threads when the run starts.
        stall_timeout: Seconds the run waits for the next chunk to finish
            (``math.inf``: for ever). ``None``, the default: twice the longest
            a chunk can take, ``ceil(chunk_size / concurrency) * deadline``,
            plus a minute (300 s with the defaults; for ever without a
            deadline).

    Diagnoses come a chunk at a time, in the order the chunks finish (not the
    input order: each diagnosis names its domain); within a chunk, in the order
    its domains finished.

    No chunk ends the run. When the factory raises on a worker, or a chunk's
    task fails (its workers died more often than the scheduler's
    ``allowed-failures``), that chunk's domains are diagnosed without a
    source: each check ``UNKNOWN`` with cause ``"other"``, the message naming
    the error. Closing the iterator early cancels the chunks still out.

    Nor does a cluster that does nothing hang the run: when no chunk finishes
    within ``stall_timeout`` seconds (no worker has joined, or the workers
    hang), the chunks still out are cancelled, and they and the rest of the
    input are diagnosed without a source, each check ``UNKNOWN`` with cause
    ``"other"`` and a message saying that the cluster finished no chunk in
    time. Every domain still gets its diagnosis; none is sent to the cluster
    after that.

    Raises:
        ValueError: ``concurrency``, ``chunk_size`` or ``ahead`` is below 1,
            or ``stall_timeout`` is not a positive number (or ``None``).
        TypeError: ``source_factory`` is not callable, ``client`` is neither
            a client nor an address, or (while iterating) a setup is not a
            :class:`~emailpro_core.records.DomainSetup`.
        ImportError: ``distributed`` is not installed.
        OSError: (while iterating) the scheduler at ``client`` cannot be reached.
    """
    _positive(concurrency, "concurrency")
    _positive(chunk_size, "chunk_size")
    if ahead is not None:
        _positive(ahead, "ahead")
    stall = stall_timeout
    if stall is None:
        stall = default_stall(chunk_size, concurrency, deadline)
    elif isinstance(stall, bool) or not isinstance(stall, int | float) or not stall > 0:
        raise ValueError(f"stall_timeout must be a positive number of seconds, not {stall!r}")
    elif math.isinf(stall):
        stall = None
    if not callable(source_factory):
        raise TypeError(f"source_factory must be callable, not {type(source_factory).__name__}")
    try:
        import distributed
    except ImportError:
        raise ImportError(f"check_domains_dask needs Dask's distributed: {INSTALL_HINT}") from None
    if not isinstance(client, str | distributed.Client):
        raise TypeError(
            f"client must be a distributed.Client or an address, not {type(client).__name__}"
        )
    return _run(
        setups, source_factory, client, profile, concurrency, deadline, chunk_size, ahead, stall
    )


def _run(
    setups: Iterable[DomainSetup],
    source_factory: SourceFactory,
    client_or_address: Client | str,
    profile: Profile,
    concurrency: int,
    deadline: float | None,
    chunk_size: int,
    ahead: int | None,
    stall: float | None,
) -> Iterator[Diagnosis]:
    from distributed import Client

    from ._daskworker import WorkerSources, check_chunk, describe

    own = isinstance(client_or_address, str)
    client: Client = (
        Client(client_or_address, set_as_default=False)
        if isinstance(client_or_address, str)
        else client_or_address
    )
    try:
        # One name per run: the run's source on each worker, apart from any other run's.
        run = uuid.uuid4().hex
        plugin = f"emailpro-core-sources-{run}"
        client.register_plugin(WorkerSources(source_factory), name=plugin)
        pending: dict[Future[list[Packed]], list[DomainSetup]] = {}
        try:
            if ahead is None:
                ahead = max(2, 2 * sum(client.nthreads().values()))
            numbered = enumerate(_chunks(setups, chunk_size))
            ended: queue.SimpleQueue[Future[list[Packed]]] = queue.SimpleQueue()

            def submit() -> Future[list[Packed]] | None:
                index, chunk = next(numbered, (-1, None))
                if chunk is None:
                    return None
                args = (plugin, chunk, profile, concurrency, deadline)
                # The key names the chunk: the scheduler runs it again under that key
                # when its worker dies, and its future completes once.
                future = client.submit(check_chunk, *args, key=f"emailpro-core-{run}-{index}")
                pending[future] = chunk
                # Called from a thread of Dask's once the chunk's task is over for
                # good (a task run again on another worker ends once).
                future.add_done_callback(ended.put)
                return future

            for _ in range(ahead):
                if submit() is None:
                    break
            while pending:
                try:
                    future = ended.get(timeout=stall)
                except queue.Empty:
                    # Nothing came back in time: the cluster has no worker, or they
                    # hang. The rest is not sent; every domain still gets an answer.
                    reason = f"the Dask cluster finished no chunk within {stall:g} s"
                    client.cancel(list(pending))
                    stalled = list(pending.values())
                    pending.clear()
                    for chunk in stalled:
                        yield from unchecked(chunk, profile, reason)
                    for _, chunk in numbered:
                        yield from unchecked(chunk, profile, reason)
                    return
                chunk = pending.pop(future)
                found: Iterable[Diagnosis]
                try:
                    found = unpack(future.result())
                except Exception as error:  # the chunk's task failed for good
                    reason = f"the chunk's Dask task failed: {describe(error)}"
                    found = unchecked(chunk, profile, reason)
                future.release()
                # The next chunk goes out before these are read: the workers keep busy.
                submit()
                yield from found
        finally:
            if pending:
                client.cancel(list(pending))
            client.unregister_worker_plugin(plugin)
    finally:
        if own:
            client.close()


def unchecked(chunk: list[DomainSetup], profile: Profile, reason: str) -> list[Diagnosis]:
    """The diagnoses of a chunk that had no source: every check ``UNKNOWN`` saying why."""
    from ._daskworker import UnavailableSource

    source = UnavailableSource(reason)
    found = []
    for setup in chunk:
        try:
            ctx = make_context(setup, profile=profile)
        except InvalidSetup as error:
            found.append(_refused(setup, "setup.invalid", error))
            continue
        found.append(run_sync_checks(ctx, source, deadline=None))
    return found
