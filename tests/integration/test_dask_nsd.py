"""check_domains_dask and ``check-many --dask`` on worker processes, over NSD on 127.0.0.1.

The domains are those of ``test_checker_nsd`` (every broken case, each in its own
zone). A cluster of two worker processes (``distributed.LocalCluster``) gives the
diagnoses one process gives; a worker killed during a run loses no domain and
repeats none; a factory that fails on the workers gives UNKNOWN; and the command
on ``--dask local:2`` prints the lines it prints without Dask. Every cluster is
closed by its test, and nothing (process, thread) is left behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client, LocalCluster

from emailpro_core.checker import Diagnosis, Status, check_domains, check_domains_dask
from emailpro_core.records._setup import DomainSetup
from emailpro_core.sources._answers import Answer
from emailpro_core.sources._stub import AsyncStubSource
from test_cli import invoke
from test_dask import left_behind

from .nsd import NsdFactory, NsdServer
from .test_checker_nsd import Case, _cases, _zones

pytestmark = pytest.mark.integration

#: Seconds each domain may take: NSD on the loopback answers in far less.
DEADLINE = 30.0


@pytest.fixture(scope="module")
def served(nsd: NsdFactory) -> tuple[NsdServer, list[Case]]:
    """One NSD serving every case's zone and the shared zones."""
    cases = _cases()
    return nsd(_zones(cases)), cases


@pytest.fixture(scope="module")
def expected(served: tuple[NsdServer, list[Case]]) -> dict[str, Diagnosis]:
    """The diagnoses of one process: check_domains over the stub source."""
    server, cases = served

    async def run() -> list[Diagnosis]:
        source = AsyncStubSource(server.host, port=server.port, timeout=2)
        try:
            setups = [case.setup for case in cases]
            return [d async for d in check_domains(setups, source, deadline=DEADLINE)]
        finally:
            source.close()

    return {d.domain: d for d in asyncio.run(run())}


@contextlib.contextmanager
def _cluster() -> Iterator[Client]:
    """Two worker processes of one thread each; closed, and nothing left, at the end."""
    threads = set(threading.enumerate())
    processes = set(multiprocessing.active_children())
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address="127.0.0.1:0",
            silence_logs=logging.CRITICAL,
        ) as local,
        Client(local, set_as_default=False) as client,
    ):
        yield client
    assert set() == set(multiprocessing.active_children()) - processes
    assert [] == left_behind(threads)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Client]:
    """A cluster the tests of this module share (except the one that kills a worker)."""
    with _cluster() as client:
        yield client


def _setups(cases: list[Case]) -> list[DomainSetup]:
    return [case.setup for case in cases]


def test_same_diagnoses_as_one_process(
    served: tuple[NsdServer, list[Case]], expected: dict[str, Diagnosis], cluster: Client
) -> None:
    """Every domain once, each with the diagnosis of check_domains in one process."""
    server, cases = served
    factory = functools.partial(AsyncStubSource, server.host, port=server.port, timeout=2)
    found = list(
        check_domains_dask(_setups(cases), factory, cluster, chunk_size=8, deadline=DEADLINE)
    )
    assert len(cases) == len(found)
    assert expected == {d.domain: d for d in found}
    # Both workers took part.
    assert 2 == len(cluster.nthreads())


class Slow:
    """The stub source, each answer held back ``delay`` seconds: a run long enough to cut."""

    def __init__(self, host: str, port: int, delay: float) -> None:
        self.inner = AsyncStubSource(host, port=port, timeout=2)
        self.delay = delay

    async def lookup_async(self, name: str, rdtype: str, /) -> Answer:
        await asyncio.sleep(self.delay)
        return await self.inner.lookup_async(name, rdtype)

    def close(self) -> None:
        self.inner.close()


def test_a_killed_worker_loses_no_domain(
    served: tuple[NsdServer, list[Case]], expected: dict[str, Diagnosis]
) -> None:
    """A worker killed in a chunk: Dask runs its chunks again; each domain comes once."""
    server, cases = served
    factory = functools.partial(Slow, server.host, server.port, 0.02)
    with _cluster() as client:
        stream = check_domains_dask(
            _setups(cases[:32]), factory, client, chunk_size=4, ahead=4, deadline=DEADLINE
        )
        found = [next(stream)]
        pids = client.run(os.getpid)
        # A worker in the middle of a chunk, with others pending behind it.
        busy = [address for address, keys in client.processing().items() if keys]
        victim = pids[busy[0]]
        os.kill(victim, signal.SIGKILL)  # as the kernel's out-of-memory killer would
        found.extend(stream)
        # The worker did die (its nanny started another): the run went on without it.
        assert victim not in client.run(os.getpid).values()
    wanted = {case.domain: expected[case.domain] for case in cases[:32]}
    assert sorted(wanted) == sorted(d.domain for d in found)  # none lost, none twice
    assert wanted == {d.domain: d for d in found}


def _fails() -> AsyncStubSource:
    raise ConnectionRefusedError("no resolver on this worker")


def test_a_failing_factory_gives_unknown(
    served: tuple[NsdServer, list[Case]], cluster: Client
) -> None:
    """A factory that raises on the workers: every domain UNKNOWN with the cause, none lost."""
    _, cases = served
    found = list(check_domains_dask(_setups(cases[:10]), _fails, cluster, chunk_size=3))
    assert sorted(c.domain for c in cases[:10]) == sorted(d.domain for d in found)
    for diagnosis in found:
        assert Status.UNKNOWN is diagnosis.status
        first = diagnosis.findings[0]
        assert ("dns.unknown", "other") == (first.code, first.cause)
        assert "the source factory raised ConnectionRefusedError: no resolver" in first.message


def _lines(text: str) -> list[dict[str, object]]:
    return sorted((json.loads(line) for line in text.splitlines()), key=lambda d: str(d["line"]))


def test_check_many_on_a_local_cluster(
    served: tuple[NsdServer, list[Case]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """--dask local:2 prints the lines the command prints without Dask, and the same summary."""
    server, cases = served
    lines = [json.dumps(case.setup.to_dict()) for case in cases[:12]]
    lines.insert(3, "not..a.domain")
    path = tmp_path / "domains.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    argv = ["check-many", str(path), "--nameserver", f"{server.host}:{server.port}"]
    threads = set(threading.enumerate())
    processes = set(multiprocessing.active_children())
    one = invoke(capsys, argv)
    dask = invoke(capsys, [*argv, "--dask", "local:2"])
    assert 2 == one.code == dask.code  # the bad line
    assert 13 == len(dask.out.splitlines())
    assert _lines(one.out) == _lines(dask.out)
    assert one.err.splitlines()[-1].split(" in ")[0] == dask.err.splitlines()[-1].split(" in ")[0]
    assert "Traceback" not in dask.err
    assert set() == set(multiprocessing.active_children()) - processes
    assert [] == left_behind(threads)


def test_check_many_on_a_running_scheduler(
    served: tuple[NsdServer, list[Case]],
    cluster: Client,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """--dask tcp://HOST:PORT uses a running cluster: the lines of one process."""
    server, cases = served
    path = tmp_path / "domains.txt"
    path.write_text("".join(json.dumps(c.setup.to_dict()) + "\n" for c in cases[:6]), "utf-8")
    argv = ["check-many", str(path), "--nameserver", f"{server.host}:{server.port}"]
    address = cluster.scheduler_info()["address"]
    one = invoke(capsys, argv)
    dask = invoke(capsys, [*argv, "--dask", address, "--no-progress"])
    assert one.code == dask.code
    assert 6 == len(dask.out.splitlines())
    assert _lines(one.out) == _lines(dask.out)
    # The cluster is the caller's: it is still there, without the run's plugin.
    assert 2 == len(cluster.nthreads())
