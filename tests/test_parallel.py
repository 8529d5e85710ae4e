"""check_domains_parallel: the bulk diagnosis in worker processes gives the same findings."""

from __future__ import annotations

import functools
import gc
import multiprocessing
import os
import signal
import time
import weakref
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from emailpro_core.checker import Diagnosis, check_domain
from emailpro_core.checker._packed import unpack
from emailpro_core.checker._parallel import (
    _check_chunk,
    _chunks,
    _start_worker,
    check_domains_parallel,
)
from emailpro_core.records._profiles import OVH_EMAIL_PRO
from emailpro_core.records._setup import DomainSetup
from emailpro_core.sources._answers import Answer
from emailpro_core.sources._static import StaticSource
from test_checker_zones import SETUP, Records, correct_records

COUNT = 24
SETUPS = tuple(attrs.evolve(SETUP, domain=f"d{n}.example.org") for n in range(COUNT))


def _records() -> Records:
    """Every domain's records; every third domain has no MX, every fifth no DMARC."""
    records: Records = {}
    for n, setup in enumerate(SETUPS):
        mine = correct_records(setup)
        if n % 3 == 0:
            del mine[setup.domain.ascii]["MX"]
        if n % 5 == 0:
            del mine[f"_dmarc.{setup.domain.ascii}"]
        records.update(mine)
    return records


RECORDS = _records()
FACTORY = functools.partial(StaticSource, RECORDS)


def _sequential() -> dict[str, Diagnosis]:
    source = StaticSource(RECORDS)
    return {s.domain.ascii: check_domain(s, source) for s in SETUPS}


def _broken_factory() -> StaticSource:
    raise RuntimeError("no source here")


def _dying_factory() -> StaticSource:
    os._exit(3)  # a worker killed outright (out of memory, a signal)


@pytest.mark.parametrize(("workers", "chunk_size"), [(1, 100), (2, 1), (2, 5), (3, 7)])
def test_same_diagnoses_as_one_process(workers: int, chunk_size: int) -> None:
    """Every domain once, each with the diagnosis the sequential checker gives."""
    found = list(check_domains_parallel(SETUPS, FACTORY, workers=workers, chunk_size=chunk_size))
    assert len(found) == COUNT
    by_domain = {d.domain: d for d in found}
    expected = _sequential()
    assert by_domain == expected
    assert sum(not d.ok for d in found) == len([n for n in range(COUNT) if n % 3 == 0])
    codes = [f.code for d in found for f in d.findings]
    assert codes.count("mx.missing") == 8
    assert codes.count("dmarc.missing") == 5


def test_a_yielded_diagnosis_is_gone_when_dropped() -> None:
    """The caller holds only the diagnosis it is reading: the rest of a chunk waits packed.

    Rebuilt all at once, a chunk's diagnoses would all live until the last one
    is read, and the caller's collector would walk them again and again.
    """
    seen: list[weakref.ref[Diagnosis]] = []
    alive = []
    enabled = gc.isenabled()
    gc.disable()  # freed by reference counting alone, not by a collection
    try:
        for diagnosis in check_domains_parallel(SETUPS[:8], FACTORY, workers=1, chunk_size=8):
            alive.append(sum(ref() is not None for ref in seen))
            seen.append(weakref.ref(diagnosis))
        del diagnosis
    finally:
        if enabled:
            gc.enable()
    assert alive == [0] * 8
    assert all(ref() is None for ref in seen)


def test_spawned_workers() -> None:
    """Nothing depends on fork: spawned workers receive everything pickled."""
    context = multiprocessing.get_context("spawn")
    found = list(
        check_domains_parallel(
            SETUPS[:6], FACTORY, workers=2, chunk_size=3, mp_context=context, deadline=None
        )
    )
    assert {d.domain: d for d in found} == {
        k: v for k, v in _sequential().items() if k in {s.domain.ascii for s in SETUPS[:6]}
    }


def test_reads_the_input_lazily_and_stops_early() -> None:
    """At most two chunks per worker are out; closing early ends the run."""
    pulled = [0]

    def setups() -> Any:
        for setup in SETUPS:
            pulled[0] += 1
            yield setup

    stream = check_domains_parallel(setups(), FACTORY, workers=1, chunk_size=2)
    first = next(stream)
    assert first.domain in {"d0.example.org", "d1.example.org"}
    assert pulled[0] == 4  # two chunks of two, nothing more
    stream.close()  # type: ignore[attr-defined]
    assert pulled[0] == 4


def test_a_worker_failure_is_raised() -> None:
    """A source that cannot be built is the caller's error, raised as it is."""
    with pytest.raises(RuntimeError, match="no source here"):
        list(check_domains_parallel(SETUPS[:2], _broken_factory, workers=1))


def test_a_dead_worker_ends_the_run() -> None:
    """A worker that dies breaks the run with an error; it never waits forever."""
    started = time.monotonic()
    with pytest.raises(BrokenProcessPool):
        list(check_domains_parallel(SETUPS, _dying_factory, workers=2, chunk_size=4))
    assert time.monotonic() - started < 30


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"workers": 0}, ValueError, "workers must be an int of at least 1, not 0"),
        ({"workers": True}, ValueError, "workers must be an int of at least 1, not True"),
        ({"workers": "2"}, ValueError, "workers must be an int of at least 1, not '2'"),
        ({"workers": 1, "concurrency": 0}, ValueError, "concurrency must be an int"),
        ({"workers": 1, "chunk_size": -1}, ValueError, "chunk_size must be an int"),
    ],
)
def test_bad_options(options: dict[str, Any], error: type[Exception], message: str) -> None:
    """Bad numbers are refused before any process starts."""
    with pytest.raises(error, match=message):
        check_domains_parallel(SETUPS, FACTORY, **options)


def test_bad_factories() -> None:
    """The factory must be callable and picklable (it is sent to the workers)."""
    with pytest.raises(TypeError, match="source_factory must be callable, not str"):
        check_domains_parallel(SETUPS, "nope", workers=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="source_factory must be picklable"):
        check_domains_parallel(SETUPS, lambda: StaticSource({}), workers=1)


def test_a_setup_of_the_wrong_type() -> None:
    """A value that is not a DomainSetup is refused in the caller's process."""
    stream = check_domains_parallel(["example.org"], FACTORY, workers=1)  # type: ignore[list-item]
    with pytest.raises(TypeError, match="setups must be DomainSetup values, not str"):
        list(stream)


class _Closing(StaticSource):
    closed: list[bool] = []  # noqa: RUF012 - records the calls of this test only

    def close(self) -> None:
        self.closed.append(True)


def test_a_chunk_closes_its_source() -> None:
    """The worker's own function, run here: it diagnoses the chunk and closes the source."""
    _Closing.closed.clear()
    chunk = list(SETUPS[:4])
    collections = gc.get_stats()[2]["collections"]
    packed = _check_chunk(chunk, functools.partial(_Closing, RECORDS), OVH_EMAIL_PRO, 2, None)
    # Each diagnosis comes back packed alone, to be rebuilt when it is yielded.
    assert [type(item) for item in packed] == [bytes] * 4
    found = list(unpack(packed))
    # The worker's collector is paused for the chunk, collected after it, and back on.
    assert gc.isenabled()
    assert gc.get_stats()[2]["collections"] == collections + 1
    expected = _sequential()
    assert {d.domain: d for d in found} == {s.domain.ascii: expected[s.domain.ascii] for s in chunk}
    assert _Closing.closed == [True]


def test_a_chunk_works_without_close() -> None:
    """A source without close() is simply dropped."""

    class Plain:
        def __init__(self) -> None:
            self.inner = StaticSource(RECORDS)

        async def lookup_async(self, name: str, rdtype: str, /) -> Answer:
            return self.inner.lookup(name, rdtype)

    (found,) = unpack(_check_chunk([SETUPS[1]], Plain, OVH_EMAIL_PRO, 1, None))
    assert found == _sequential()["d1.example.org"]


@given(st.integers(0, COUNT), st.integers(1, COUNT + 2))
def test_chunks_partition_the_input(count: int, size: int) -> None:
    """Chunks keep every setup once, in order, all full but the last."""
    chunks = list(_chunks(iter(SETUPS[:count]), size))
    assert [s for chunk in chunks for s in chunk] == list(SETUPS[:count])
    assert all(len(chunk) == size for chunk in chunks[:-1])
    assert all(0 < len(chunk) <= size for chunk in chunks)
    assert len(chunks) == -(-count // size)


def test_chunks_are_built_lazily() -> None:
    """Only the setups of the chunk asked for are read."""
    pulled: list[DomainSetup] = []

    def setups() -> Any:
        for setup in SETUPS:
            pulled.append(setup)
            yield setup

    first = next(_chunks(setups(), 3))
    assert first == list(SETUPS[:3]) == pulled


def test_worker_start() -> None:
    """A worker ignores SIGINT (the caller's process stops the run) and freezes its heap."""
    before = signal.getsignal(signal.SIGINT)
    assert gc.get_freeze_count() == 0
    try:
        _start_worker()
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        # What the worker inherited is out of the collections after each chunk.
        assert gc.get_freeze_count() > 1000
    finally:
        signal.signal(signal.SIGINT, before)
        gc.unfreeze()
