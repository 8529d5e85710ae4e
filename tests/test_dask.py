"""check_domains_dask: the bulk diagnosis as Dask tasks gives the findings of one process.

These tests run a Dask cluster of threads inside the test process (its workers'
code is measured by coverage); ``tests/integration/test_dask_nsd.py`` runs worker
processes over NSD, kills one, and runs the command.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import logging
import math
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from distributed import Client, LocalCluster
from hypothesis import given
from hypothesis import strategies as st

import emailpro_core.checker._daskworker as worker_side
from emailpro_core.checker import Diagnosis, Status, check_domains_dask
from emailpro_core.checker._dask import STALL_MARGIN, default_stall, unchecked
from emailpro_core.checker._daskworker import (
    SourceUnavailable,
    UnavailableSource,
    WorkerSources,
    describe,
)
from emailpro_core.checker._packed import unpack
from emailpro_core.records._profiles import OVH_EMAIL_PRO
from emailpro_core.records._setup import DomainSetup
from emailpro_core.sources._answers import Answer
from emailpro_core.sources._static import StaticSource
from test_parallel import COUNT, FACTORY, RECORDS, SETUPS, _broken_factory, _sequential

#: Threads Dask keeps for the whole process once it has used them: its offload pool,
#: and the pool that runs futures' done callbacks (distributed.client).
DASK_POOLS = ("Dask-Offload", "Dask-Callback-Thread")


def left_behind(before: set[threading.Thread], *, wait: float = 5.0) -> list[str]:
    """The threads started since ``before`` still alive after ``wait`` s, Dask's pools aside."""
    until = time.monotonic() + wait
    while True:
        extra = [
            t.name for t in set(threading.enumerate()) - before if not t.name.startswith(DASK_POOLS)
        ]
        if not extra or time.monotonic() > until:
            return sorted(extra)
        time.sleep(0.05)


@contextlib.contextmanager
def threads(workers: int) -> Iterator[Client]:
    """A cluster of ``workers`` worker threads in this process (one thread each), and its client."""
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=False,
            # Over TCP on the loopback: in-process transport would look for the
            # machine's address by routing towards a public one.
            protocol="tcp",
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster, set_as_default=False) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    """A cluster of two worker threads in this process (one thread each)."""
    before = set(threading.enumerate())
    with threads(2) as client:
        yield client
    assert [] == left_behind(before)


def _plugins(client: Client) -> list[list[str]]:
    found = client.run(lambda dask_worker: sorted(dask_worker.plugins))
    return [[n for n in names if n.startswith("emailpro-core")] for names in found.values()]


@pytest.mark.parametrize(("chunk_size", "ahead"), [(1, None), (5, 1), (7, 3), (100, None)])
def test_same_diagnoses_as_one_process(client: Client, chunk_size: int, ahead: int | None) -> None:
    """Every domain once, each with the diagnosis the sequential checker gives."""
    found = list(check_domains_dask(SETUPS, FACTORY, client, chunk_size=chunk_size, ahead=ahead))
    assert COUNT == len(found)
    assert _sequential() == {d.domain: d for d in found}
    # The run's plugin (its source on each worker) is gone with the run.
    assert [[], []] == _plugins(client)


def test_by_address(client: Client) -> None:
    """Given an address, the run makes its own client, and closes it."""
    address: str = client.scheduler_info()["address"]
    found = list(check_domains_dask(SETUPS[:6], FACTORY, address, chunk_size=2))
    assert {s.domain.ascii for s in SETUPS[:6]} == {d.domain for d in found}


def test_no_setups(client: Client) -> None:
    """An empty input gives nothing, and leaves nothing on the workers."""
    assert [] == list(check_domains_dask([], FACTORY, client))
    assert [[], []] == _plugins(client)


def test_reads_the_input_lazily_and_stops_early(client: Client) -> None:
    """At most ``ahead`` chunks are out; closing early cancels them and ends the run."""
    pulled = [0]

    def setups() -> Iterator[DomainSetup]:
        for setup in SETUPS:
            pulled[0] += 1
            yield setup

    stream = check_domains_dask(setups(), FACTORY, client, chunk_size=2, ahead=2)
    first = next(stream)
    assert first.domain in {s.domain.ascii for s in SETUPS[:4]}
    # Two chunks out, the next one taken when the first came back.
    assert 6 == pulled[0]
    stream.close()  # type: ignore[attr-defined]
    assert 6 == pulled[0]
    assert [[], []] == _plugins(client)


def test_one_source_per_worker(client: Client) -> None:
    """Each worker builds its source once, for all the chunks it runs."""
    built = Counted.built
    built.clear()
    factory = functools.partial(Counted, RECORDS)
    found = list(check_domains_dask(SETUPS, factory, client, chunk_size=2))
    assert COUNT == len(found)
    assert 1 <= len(built) <= 2  # one per worker that ran a chunk, out of 12 chunks
    assert built == [True] * len(built)


class Counted(StaticSource):
    built: list[bool] = []  # noqa: RUF012 - records the sources this test builds

    def __init__(self, records: Any) -> None:
        super().__init__(records)
        self.built.append(True)


def test_a_failing_factory_gives_unknown(client: Client) -> None:
    """A source that cannot be built: each domain UNKNOWN, with the factory's error."""
    found = list(check_domains_dask(SETUPS[:3], _broken_factory, client, chunk_size=2))
    assert {s.domain.ascii for s in SETUPS[:3]} == {d.domain for d in found}
    for diagnosis in found:
        assert {Status.UNKNOWN} == {f.status for f in diagnosis.findings}
        assert {"other"} == {f.cause for f in diagnosis.findings}
        assert "the source factory raised RuntimeError: no source here" in (
            diagnosis.findings[0].message
        )


def _failing_task(*args: object) -> list[Diagnosis]:
    raise MemoryError("the worker ran out")


def test_a_failed_task_gives_unknown(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    """A chunk whose task fails for good: its domains UNKNOWN, none lost, the run goes on."""
    monkeypatch.setattr(worker_side, "check_chunk", _failing_task)
    found = list(check_domains_dask(SETUPS[:5], FACTORY, client, chunk_size=2))
    assert [s.domain.ascii for s in SETUPS[:5]] == sorted(
        (d.domain for d in found), key=lambda name: int(name.split(".")[0][1:])
    )
    message = found[0].findings[0].message
    assert "the chunk's Dask task failed: MemoryError: the worker ran out" in message
    assert all(d.status is Status.UNKNOWN for d in found)


def test_a_failed_chunk_keeps_an_invalid_setup_apart() -> None:
    """Without a source, a setup that contradicts itself is still setup.invalid."""
    bad = attrs.evolve(SETUPS[0], server_number=0)
    invalid, fine = unchecked([bad, SETUPS[1]], OVH_EMAIL_PRO, "gone")
    assert ("setup.invalid",) == invalid.codes
    assert Status.UNKNOWN is fine.status


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"concurrency": 0}, ValueError, "concurrency must be an int of at least 1, not 0"),
        ({"chunk_size": True}, ValueError, "chunk_size must be an int of at least 1"),
        ({"ahead": 0}, ValueError, "ahead must be an int of at least 1, not 0"),
    ],
)
def test_bad_options(
    client: Client, options: dict[str, Any], error: type[Exception], message: str
) -> None:
    """Bad numbers are refused before anything reaches the cluster."""
    with pytest.raises(error, match=message):
        check_domains_dask(SETUPS, FACTORY, client, **options)


def test_bad_arguments(client: Client) -> None:
    """The factory must be callable; the client a client or an address."""
    with pytest.raises(TypeError, match="source_factory must be callable, not str"):
        check_domains_dask(SETUPS, "nope", client)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"client must be a distributed\.Client or an address"):
        check_domains_dask(SETUPS, FACTORY, 8786)  # type: ignore[arg-type]


def test_a_setup_of_the_wrong_type(client: Client) -> None:
    """A value that is not a DomainSetup is refused in the caller's process."""
    stream = check_domains_dask(["example.org"], FACTORY, client)  # type: ignore[list-item]
    with pytest.raises(TypeError, match="setups must be DomainSetup values, not str"):
        list(stream)
    assert [[], []] == _plugins(client)


def test_without_distributed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without distributed installed, the error says what to install."""
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ImportError, match=r"pip install 'emailpro-core\[dask\]'"):
        check_domains_dask(SETUPS, FACTORY, "tcp://127.0.0.1:8786")


def test_the_library_never_imports_distributed() -> None:
    """Importing the package, its checker and its command leaves distributed unloaded."""
    probe = (
        "import sys, emailpro_core, emailpro_core.checker, emailpro_core.cli; "
        "print(sorted(m for m in ('distributed', 'dask') if m in sys.modules))"
    )
    ran = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert "[]" == ran.stdout.strip()


# --- the worker side, run here ----------------------------------------------------


class _Closing(StaticSource):
    closed: list[bool] = []  # noqa: RUF012 - records the calls of these tests only

    def close(self) -> None:
        self.closed.append(True)


def test_worker_sources_pickle_their_factory_alone() -> None:
    """Only the factory travels: the copy starts without a loop."""
    import pickle

    sources = WorkerSources(FACTORY)
    sources.check([SETUPS[1]], OVH_EMAIL_PRO, 4, None)
    copy = pickle.loads(pickle.dumps(sources))
    assert isinstance(copy, WorkerSources)
    assert FACTORY.args == copy.factory.args  # type: ignore[attr-defined]
    sources.teardown(None)


def test_worker_sources_close_once() -> None:
    """teardown closes the source and stops the loop's thread; a second one does nothing."""
    _Closing.closed.clear()
    sources = WorkerSources(functools.partial(_Closing, RECORDS))
    before = set(threading.enumerate())
    packed = sources.check(list(SETUPS[:3]), OVH_EMAIL_PRO, 2, 10.0)
    # Each diagnosis goes back pickled alone, rebuilt on the client when yielded.
    assert [bytes] * 3 == [type(item) for item in packed]
    found = list(unpack(packed))
    again = list(unpack(sources.check(list(SETUPS[3:5]), OVH_EMAIL_PRO, 2, 10.0)))
    expected = _sequential()
    assert {d.domain: expected[d.domain] for d in [*found, *again]} == {
        d.domain: d for d in [*found, *again]
    }
    assert ["emailpro-core-checks"] == [t.name for t in set(threading.enumerate()) - before]
    sources.teardown(None)
    sources.teardown(None)
    assert [True] == _Closing.closed
    assert [] == left_behind(before, wait=0)
    # A chunk that comes after the run is over starts no loop again.
    with pytest.raises(SourceUnavailable, match="the run is over"):
        sources.check([SETUPS[1]], OVH_EMAIL_PRO, 1, None)
    assert [] == left_behind(before, wait=0)


class _Stuck:
    """A source whose every answer waits until cancelled."""

    async def lookup_async(self, name: str, rdtype: str, /) -> Answer:
        await asyncio.Event().wait()
        raise AssertionError("never set")  # pragma: no cover - the wait is cancelled


def test_a_running_chunk_ends_with_its_run() -> None:
    """teardown while a chunk runs (its run closed early): the chunk's thread is let go."""
    sources = WorkerSources(_Stuck)
    outcome: list[BaseException] = []

    def chunk() -> None:
        try:
            sources.check([SETUPS[1]], OVH_EMAIL_PRO, 1, None)
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=chunk)
    thread.start()
    time.sleep(0.2)  # the chunk is waiting for its first answer
    sources.teardown(None)
    thread.join(10)
    assert not thread.is_alive()
    assert [concurrent.futures.CancelledError] == [type(e) for e in outcome]


class _Flaky:
    """A factory that fails once, then builds the source."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> StaticSource:
        self.calls += 1
        if self.calls == 1:
            raise OSError("no socket yet")
        return StaticSource(RECORDS)


def test_worker_sources_try_again_after_a_failure() -> None:
    """The factory failed for one chunk: the next chunk tries again, and keeps the source."""
    flaky = _Flaky()
    sources = WorkerSources(flaky)
    try:
        (failed,) = unpack(sources.check([SETUPS[1]], OVH_EMAIL_PRO, 1, None))
        (fine,) = unpack(sources.check([SETUPS[1]], OVH_EMAIL_PRO, 1, None))
        sources.check([SETUPS[2]], OVH_EMAIL_PRO, 1, None)
    finally:
        sources.teardown(None)
    assert Status.UNKNOWN is failed.status
    assert "the source factory raised OSError: no socket yet" in failed.findings[0].message
    assert _sequential()["d1.example.org"] == fine
    assert 2 == flaky.calls


def test_a_source_without_close() -> None:
    """A source without close() is dropped when the plugin goes."""

    class Plain:
        async def lookup_async(self, name: str, rdtype: str, /) -> Answer:
            return StaticSource(RECORDS).lookup(name, rdtype)

    sources = WorkerSources(Plain)
    (found,) = unpack(sources.check([SETUPS[1]], OVH_EMAIL_PRO, 1, None))
    sources.teardown(None)
    assert _sequential()["d1.example.org"] == found


def test_unavailable_source_raises_both_ways() -> None:
    """The stand-in source raises its reason for every question, sync or async."""
    source = UnavailableSource("gone")
    with pytest.raises(SourceUnavailable, match="gone"):
        source.lookup("example.org", "MX")
    with pytest.raises(SourceUnavailable, match="gone"):
        asyncio.run(source.lookup_async("example.org", "MX"))


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (RuntimeError(), "RuntimeError"),
        (OSError("a\n  b"), "OSError: a b"),
        (ValueError("x" * 300), "ValueError: " + "x" * 197 + "..."),
    ],
)
def test_describe(error: Exception, expected: str) -> None:
    """An error on one line: its type, its text, at most 200 characters of it."""
    assert expected == describe(error)


@pytest.fixture(scope="module")
def empty() -> Iterator[Client]:
    """A scheduler that no worker ever joins."""
    with threads(0) as client:
        yield client


def test_a_cluster_without_workers_does_not_hang_the_run(empty: Client) -> None:
    """No chunk finishes: after the stall timeout every domain is UNKNOWN, none lost."""
    started = time.monotonic()
    found = list(check_domains_dask(SETUPS[:7], FACTORY, empty, chunk_size=2, stall_timeout=0.5))
    assert time.monotonic() - started < 20
    # The chunks out first (2 of 2), then the rest of the input, in order.
    assert [s.domain.ascii for s in SETUPS[:7]] == [d.domain for d in found]
    for diagnosis in found:
        assert {Status.UNKNOWN} == {f.status for f in diagnosis.findings}
        assert {"other"} == {f.cause for f in diagnosis.findings}
        assert "the Dask cluster finished no chunk within 0.5 s" in diagnosis.findings[0].message
    # Nothing of the run is left on the scheduler: its chunks were cancelled.
    assert not any(key.startswith("emailpro-core-") for key in empty.who_has())


def test_a_run_that_finishes_in_time_is_not_cut(client: Client) -> None:
    """A stall timeout longer than a chunk changes nothing."""
    found = list(check_domains_dask(SETUPS, FACTORY, client, chunk_size=3, stall_timeout=60))
    assert _sequential() == {d.domain: d for d in found}
    infinite = list(check_domains_dask(SETUPS[:4], FACTORY, client, stall_timeout=math.inf))
    assert 4 == len(infinite)


@pytest.mark.parametrize(
    ("chunk_size", "concurrency", "deadline", "expected"),
    [
        (250, 64, 30.0, 300.0),  # the defaults: 4 waves of 30 s, twice, and a minute
        (64, 64, 30.0, 120.0),
        (1, 64, 5.0, 70.0),
        (250, 1, 1.0, 560.0),
        (250, 64, None, None),  # no deadline: no bound
    ],
)
def test_default_stall(
    chunk_size: int, concurrency: int, deadline: float | None, expected: float | None
) -> None:
    assert expected == default_stall(chunk_size, concurrency, deadline)


@given(
    chunk_size=st.integers(1, 10_000),
    concurrency=st.integers(1, 1024),
    deadline=st.floats(0.001, 3600),
)
def test_default_stall_outlasts_a_chunk_behind_another(
    chunk_size: int, concurrency: int, deadline: float
) -> None:
    """Longer than two chunks in a row at their slowest, plus the margin for a worker."""
    stall = default_stall(chunk_size, concurrency, deadline)
    assert stall is not None
    slowest = -(-chunk_size // concurrency) * deadline
    assert stall >= 2 * slowest + STALL_MARGIN - 1e-6


@pytest.mark.parametrize("bad", [0, -1.0, True, "10", float("nan")])
def test_bad_stall_timeout(client: Client, bad: object) -> None:
    with pytest.raises(ValueError, match="stall_timeout must be a positive number of seconds"):
        check_domains_dask(SETUPS, FACTORY, client, stall_timeout=bad)  # type: ignore[arg-type]
