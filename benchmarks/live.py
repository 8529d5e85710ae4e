"""The live methods the live and scaling benchmarks compare, over NSD on 127.0.0.1.

NSD is started with the project's own harness (``tests/integration/nsd.py``),
serving one zone per generated domain plus the provider's zones (``ovh.com``,
``mail.ovh.net`` with every DKIM key). Each method takes the same domains and
returns a ``dict`` of what it counted, which :func:`harness.measure` keeps:
wall time is measured around it, CPU time inside it (this process, its
children, and NSD's process group), and for the checker its diagnoses are
compared with the injected defects.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from harness import ROOT
from zones import BenchDomain, Defect, assert_findings, provider_zones

from emailpro_core.checker._bulk import check_domains
from emailpro_core.checker._diagnosis import Diagnosis
from emailpro_core.records._setup import DomainSetup
from emailpro_core.sources._answers import Answer, AsyncRecordSource, Query
from emailpro_core.sources._live import AsyncResolverSource
from emailpro_core.sources._static import StaticSource
from emailpro_core.sources._stub import AsyncStubSource

sys.path.insert(0, str(ROOT / "tests"))
from integration.nsd import HOST, NsdServer  # the project's NSD harness

__all__ = [
    "HOST",
    "Cpu",
    "NsdServer",
    "checker_questions",
    "findings_verdict",
    "start_nsd",
]

#: The EDNS payload size every client here advertises (RFC 6891; DNS flag day 2020).
EDNS_PAYLOAD = 1232


def start_nsd(domains: Sequence[BenchDomain], *, startup_timeout: float = 60.0) -> NsdServer:
    """NSD serving every domain's zone and the provider's zones on 127.0.0.1."""
    zones = {d.zone: d.zone_text() for d in domains}
    zones.update(provider_zones(domains))
    return NsdServer(zones, startup_timeout=startup_timeout).start()


def _group_cpu(pgid: int) -> float:
    """User + system CPU seconds of every live process in group ``pgid`` (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command: state ppid pgrp ...; utime and stime are fields 14 and 15.
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


class Cpu:
    """CPU seconds used between :meth:`start` and :meth:`stop` by us, our children and NSD."""

    def __init__(self, server: NsdServer | None) -> None:
        process = getattr(server, "_process", None)
        self.pgid = process.pid if process is not None else None
        self.marks: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def _now(self) -> tuple[float, float, float]:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        server = _group_cpu(self.pgid) if self.pgid is not None else 0.0
        return time.process_time(), children.ru_utime + children.ru_stime, server

    def start(self) -> None:
        """Take the first reading."""
        self.marks = self._now()

    def stop(self) -> dict[str, float]:
        """The CPU seconds since :meth:`start`: ``client_cpu`` (us + children), ``server_cpu``."""
        now = self._now()
        own, children, server = (b - a for a, b in zip(self.marks, now, strict=True))
        return {"client_cpu": own + children, "server_cpu": server}


class _Recorder:
    """A sync source recording the questions asked before answering them from ``source``."""

    def __init__(self, source: StaticSource, asked: list[Query]) -> None:
        self.source = source
        self.asked = asked

    def lookup(self, name: str, rdtype: str, /) -> Answer:
        self.asked.append(Query(name, rdtype))
        return self.source.lookup(name, rdtype)


def checker_questions(domains: Sequence[BenchDomain], records: StaticSource) -> list[Query]:
    """The distinct questions the checker asks for ``domains``, in order (found offline)."""
    from emailpro_core.checker import check_domain

    asked: list[Query] = []
    recorder = _Recorder(records, asked)
    for domain in domains:
        check_domain(domain.setup, recorder)
    return list(dict.fromkeys(asked))


def findings_verdict(
    diagnoses: Iterable[Diagnosis], defects: dict[str, Defect]
) -> dict[str, object]:
    """``{"findings": counts}`` if all diagnoses match their defects, else ``{"mismatch": ...}``."""
    try:
        return {"findings": dict(sorted(assert_findings(diagnoses, defects).items()))}
    except AssertionError as exc:
        return {"mismatch": str(exc)}


async def _collect(
    setups: Sequence[DomainSetup], source: AsyncRecordSource, concurrency: int
) -> list[Diagnosis]:
    return [d async for d in check_domains(setups, source, concurrency=concurrency)]


def run_checker(
    setups: Sequence[DomainSetup],
    defects: dict[str, Defect],
    make_source: Callable[[], AsyncStubSource | AsyncResolverSource],
    cpu: Cpu,
    *,
    concurrency: int,
) -> dict[str, object]:
    """``check_domains`` over a fresh source (empty cache); findings checked after timing."""
    source = make_source()
    cpu.start()

    async def run() -> list[Diagnosis]:
        try:
            return await _collect(setups, source, concurrency)
        finally:
            if isinstance(source, AsyncStubSource):
                source.close()

    found = asyncio.run(run())
    used = cpu.stop()
    return {**used, "queries": source.queries_sent, **findings_verdict(found, defects)}


def stub_source(port: int) -> Callable[[], AsyncStubSource]:
    """A factory of stub sources asking NSD."""
    return lambda: AsyncStubSource(HOST, port=port)


def resolver_source(port: int) -> Callable[[], AsyncResolverSource]:
    """A factory of dnspython-based sources asking NSD (EDNS, 2 s timeout, 5 s lifetime)."""

    def make() -> AsyncResolverSource:
        return AsyncResolverSource(nameservers=[HOST], port=port)

    return make


def run_cli(
    setups: Sequence[DomainSetup],
    defects: dict[str, Defect],
    port: int,
    workdir: Path,
    cpu: Cpu,
    *,
    concurrency: int,
    workers: int = 1,
) -> dict[str, object]:
    """``emailpro-core check-many FILE --nameserver 127.0.0.1:PORT`` in a subprocess."""
    source = workdir / "setups.jsonl"
    if not source.exists():
        source.write_text("".join(json.dumps(s.to_dict()) + "\n" for s in setups))
    output = workdir / "results.jsonl"
    command = [
        str(Path(sys.executable).with_name("emailpro-core")),
        "check-many",
        str(source),
        "--nameserver",
        f"{HOST}:{port}",
        "--concurrency",
        str(concurrency),
        "--workers",
        str(workers),
    ]
    cpu.start()
    with output.open("wb") as out:
        done = subprocess.run(command, stdout=out, stderr=subprocess.PIPE, check=False)
    used = cpu.stop()
    lines = [json.loads(line) for line in output.read_text().splitlines() if line.strip()]
    found = [Diagnosis.from_dict({k: v for k, v in d.items() if k != "line"}) for d in lines]
    return {**used, "exit": done.returncode, **findings_verdict(found, defects)}


def _questions_of(questions: Sequence[Query]) -> list[tuple[str, str]]:
    return [(q.name + ".", q.rdtype) for q in questions]


def run_dnspython_sequential(questions: Sequence[Query], port: int, cpu: Cpu) -> dict[str, object]:
    """dnspython's ``Resolver``, the checker's questions one after the other (EDNS 1232)."""
    import dns.resolver

    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [HOST]
    resolver.port = port
    resolver.use_edns(0, 0, EDNS_PAYLOAD)
    errors = (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer)
    answered = 0
    cpu.start()
    for name, rdtype in _questions_of(questions):
        try:
            resolver.resolve(name, rdtype, search=False)
            answered += 1
        except errors:
            pass
    return {**cpu.stop(), "queries": len(questions), "answered": answered}


def run_dnspython_async(
    questions: Sequence[Query], port: int, cpu: Cpu, *, in_flight: int
) -> dict[str, object]:
    """A bare ``dns.asyncresolver`` loop: the same questions, ``in_flight`` at a time."""
    import dns.asyncresolver
    import dns.resolver

    resolver = dns.asyncresolver.Resolver(configure=False)
    resolver.nameservers = [HOST]
    resolver.port = port
    resolver.use_edns(0, 0, EDNS_PAYLOAD)
    errors = (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer)
    pending = _questions_of(questions)

    async def worker() -> int:
        answered = 0
        while pending:
            name, rdtype = pending.pop()
            try:
                await resolver.resolve(name, rdtype, search=False)
                answered += 1
            except errors:
                pass
        return answered

    async def run() -> int:
        return sum(await asyncio.gather(*(worker() for _ in range(in_flight))))

    cpu.start()
    answered = asyncio.run(run())
    return {**cpu.stop(), "queries": len(questions), "answered": answered}


def run_stub_questions(
    questions: Sequence[Query], port: int, cpu: Cpu, *, in_flight: int
) -> dict[str, object]:
    """``AsyncStubSource`` alone: the checker's questions, ``in_flight`` at a time, no logic."""
    source = AsyncStubSource(HOST, port=port)
    pending = [(q.name, q.rdtype) for q in questions]

    async def worker() -> int:
        answered = 0
        while pending:
            name, rdtype = pending.pop()
            answer = await source.lookup_async(name, rdtype)
            answered += answer.status.value == "answer"
        return answered

    async def run() -> int:
        try:
            return sum(await asyncio.gather(*(worker() for _ in range(in_flight))))
        finally:
            source.close()

    cpu.start()
    answered = asyncio.run(run())
    return {**cpu.stop(), "queries": source.queries_sent, "answered": answered}


def run_pycares(
    questions: Sequence[Query], port: int, cpu: Cpu, *, in_flight: int
) -> dict[str, object]:
    """pycares (c-ares, in C): the checker's questions, ``in_flight`` at a time, no logic.

    The C-backed resolver the issue suggests as an optional extra. Its results
    stay pycares' own objects (nothing is turned into an ``Answer``), and a CNAME
    that leaves NSD's zone is not followed: it does less than the stub source.
    Its sockets are opened in C, out of the loopback guard's sight, so the
    channel is given 127.0.0.1 as its only server.
    """
    import threading

    import pycares

    types = {name: getattr(pycares, f"QUERY_TYPE_{name}") for name in {q.rdtype for q in questions}}
    # Without sock_state_cb, pycares runs c-ares' own event thread; callbacks come from it.
    channel = pycares.Channel(servers=[HOST], udp_port=port, tcp_port=port, timeout=2.0, tries=2)
    pending = [(q.name, types[q.rdtype]) for q in questions]
    # Every query is sent from this thread. With c-ares' event thread running the
    # callbacks, a callback that sends the next query deadlocks against a query
    # being sent here (each holds the lock the other wants), so a callback only
    # counts and frees a place for this thread to fill.
    places = threading.Semaphore(in_flight)
    lock = threading.Lock()
    finished = threading.Event()
    counts = {"ended": 0, "answered": 0}

    def ended(result: object, error: int | None) -> None:
        with lock:
            counts["ended"] += 1
            counts["answered"] += error is None and bool(getattr(result, "answer", ()))
            last = counts["ended"] == len(questions)
        places.release()
        if last:
            finished.set()

    cpu.start()
    for name, rdtype in pending:
        places.acquire()
        channel.query(name, rdtype, callback=ended)
    # c-ares gives up on a question after its tries: all end well within this.
    if pending and not finished.wait(timeout=600):
        raise RuntimeError(f"pycares: {len(questions) - counts['ended']} questions never ended")
    used = cpu.stop()
    channel.close()
    return {**used, "queries": len(questions), "answered": counts["answered"]}


def _clear_checkdmarc_caches() -> None:
    # checkdmarc keeps module-level caches (DNS answers, DNSKEYs, ...): a repeat
    # must start as cold as the first run. Its warnings (no DS record for the
    # provider's hosts, ...) are about the test zones, not the benchmark: quiet.
    logging.getLogger("checkdmarc").setLevel(logging.ERROR)
    from expiringdict import ExpiringDict  # type: ignore[import-untyped]

    for name, module in list(sys.modules.items()):
        if name.startswith("checkdmarc"):
            for value in vars(module).values():
                if isinstance(value, ExpiringDict):
                    value.clear()


def _checkdmarc_nameservers(port: int) -> list[Any]:
    # checkdmarc takes dnspython Nameserver objects as they are (utils.
    # _nameservers_to_resolver_input), so a Do53Nameserver carries the port.
    from dns.nameserver import Do53Nameserver

    return [Do53Nameserver(HOST, port)]


def run_checkdmarc(
    names: Sequence[str], port: int, cpu: Cpu, counter: Callable[[], int]
) -> dict[str, object]:
    """checkdmarc's ``check_domains`` (its own checks, sequential), cold caches."""
    import checkdmarc  # type: ignore[import-untyped]

    _clear_checkdmarc_caches()
    sent = counter()
    cpu.start()
    results = checkdmarc.check_domains(list(names), nameservers=_checkdmarc_nameservers(port))
    used = cpu.stop()
    count = len(results) if isinstance(results, list) else 1
    return {**used, "queries": counter() - sent, "results": count}


def run_checkdmarc_spf_mx(
    names: Sequence[str], port: int, cpu: Cpu, counter: Callable[[], int]
) -> dict[str, object]:
    """checkdmarc's ``check_spf`` and ``check_mx`` for each domain, cold caches."""
    from checkdmarc.smtp import check_mx  # type: ignore[import-untyped]
    from checkdmarc.spf import check_spf  # type: ignore[import-untyped]

    _clear_checkdmarc_caches()
    nameservers = _checkdmarc_nameservers(port)
    sent = counter()
    cpu.start()
    for name in names:
        check_spf(name, nameservers=nameservers)
        check_mx(name, nameservers=nameservers)
    return {**cpu.stop(), "queries": counter() - sent}


def run_parallel(
    setups: Sequence[DomainSetup],
    defects: dict[str, Defect],
    port: int,
    cpu: Cpu,
    *,
    workers: int,
    concurrency: int,
) -> dict[str, object]:
    """``check_domains_parallel``: chunks of setups over ``workers`` processes.

    Each chunk is checked by ``check_domains`` over its own stub source (and
    cache); setups go in and diagnoses come back pickled. The pool's start is timed.
    """
    from emailpro_core.checker._parallel import check_domains_parallel

    factory = functools.partial(AsyncStubSource, HOST, port=port)
    cpu.start()
    found = list(check_domains_parallel(setups, factory, workers=workers, concurrency=concurrency))
    return {**cpu.stop(), **findings_verdict(found, defects)}
