"""Fault injection: a misbehaving DNS server makes the affected checks UNKNOWN, on time.

The records of a correct domain are served by ``tests/faults.py``'s responder on
127.0.0.1; one name (or name and type) misbehaves at a time. The checks that ask
it must answer UNKNOWN with the right cause, the others stay OK, no record is
ever reported missing, and ``check_domain`` ends within its deadline.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import attrs
import pytest

from emailpro_core.checker import Check, Diagnosis, Status, check_domain, check_domains
from emailpro_core.sources._live import AsyncResolverSource, ResolverSource
from faults import Fault, FaultResponder, FaultRule, cname_loop
from test_checker_zones import (
    DOMAIN,
    SELECTOR1,
    SETUP,
    Records,
    correct_records,
    presentation,
)

TIMEOUT = 0.2  # seconds per reply
LIFETIME = 0.4  # seconds per lookup, retries included
DEADLINE = 3.0
#: How late a run may end: the lookup in progress at the deadline (dnspython may
#: overrun a lifetime by one timeout), and a loaded machine's scheduling.
SLACK = LIFETIME + TIMEOUT + 0.5

Faults = dict[str | tuple[str, str], Fault | FaultRule]


def _sync(port: int) -> ResolverSource:
    return ResolverSource(nameservers=["127.0.0.1"], port=port, timeout=TIMEOUT, lifetime=LIFETIME)


def _async(port: int) -> AsyncResolverSource:
    # Many domains at once: a thread-per-query responder on a loaded machine needs
    # more than the single-domain timeouts.
    return AsyncResolverSource(nameservers=["127.0.0.1"], port=port, timeout=1.0, lifetime=2.0)


def _diagnose(records: Records, faults: Faults) -> tuple[Diagnosis, float]:
    with FaultResponder(presentation(records), faults=faults) as responder:
        started = time.monotonic()
        diagnosis = check_domain(SETUP, _sync(responder.port), deadline=DEADLINE)
        return diagnosis, time.monotonic() - started


DKIM_NAME = f"{SELECTOR1}._domainkey.{DOMAIN}"

# (id, extra records, faults, the check that must be UNKNOWN, its cause)
CASES: list[tuple[str, Records, Faults, Check, str]] = [
    ("drop", {}, {DKIM_NAME: Fault.DROP}, Check.DKIM, "timeout"),
    ("servfail", {}, {f"_dmarc.{DOMAIN}": Fault.SERVFAIL}, Check.DMARC, "servfail"),
    (
        "refused",
        {},
        {f"_autodiscover._tcp.{DOMAIN}": Fault.REFUSED},
        Check.AUTODISCOVER,
        "refused",
    ),
    (
        "truncated, then no TCP answer",
        {},
        {(DOMAIN, "TXT"): FaultRule(udp=Fault.TRUNCATE, tcp=Fault.DROP)},
        Check.SPF,
        "timeout",
    ),
    (
        "cname loop",
        cname_loop(f"_dmarc.{DOMAIN}", f"loop.{DOMAIN}"),
        {},
        Check.DMARC,
        "cname_loop",
    ),
    ("garbage", {}, {f"ab1cd-check.{DOMAIN}": Fault.GARBAGE}, Check.OWNERSHIP, "timeout"),
    ("wrong id", {}, {"mx.ovh.com": Fault.WRONG_ID}, Check.SPF, "timeout"),
    (
        "garbage over TCP",
        {},
        {(f"_dmarc.{DOMAIN}", "TXT"): FaultRule(udp=Fault.TRUNCATE, tcp=Fault.GARBAGE)},
        Check.DMARC,
        "malformed",
    ),
]


@pytest.mark.parametrize(
    ("extra", "faults", "check", "cause"), [pytest.param(*c[1:], id=c[0]) for c in CASES]
)
def test_fault_gives_unknown_with_its_cause(
    extra: Records, faults: Faults, check: Check, cause: str
) -> None:
    """The check that asks the faulty name is UNKNOWN with the cause; the others are OK."""
    records = {**correct_records(), **extra}
    diagnosis, took = _diagnose(records, faults)
    unknown = [(f.check, f.cause) for f in diagnosis.findings if f.status is Status.UNKNOWN]
    assert {(check, cause)} == set(unknown), diagnosis.to_text()
    assert not any(f.code.endswith("missing") for f in diagnosis.findings)
    assert {Status.OK, Status.UNKNOWN} == {f.status for f in diagnosis.findings}
    assert took < DEADLINE + SLACK


def test_truncation_alone_is_answered_over_tcp() -> None:
    """A truncated UDP reply is retried over TCP: nothing is unknown."""
    diagnosis, _ = _diagnose(correct_records(), {(DOMAIN, "MX"): Fault.TRUNCATE})
    assert diagnosis.worst is Status.OK


def test_dead_server_ends_within_the_deadline() -> None:
    """Every query dropped: every check UNKNOWN (timeout or deadline), on time."""
    records = correct_records()
    faults: Faults = dict.fromkeys(records, Fault.DROP)
    diagnosis, took = _diagnose(records, faults)
    assert took < DEADLINE + SLACK
    assert {Status.UNKNOWN} == {f.status for f in diagnosis.findings}
    assert {"timeout", "deadline"} >= {f.cause for f in diagnosis.findings}


def test_unreachable_server_is_no_nameserver() -> None:
    """No server listening: the domain check says so (UNKNOWN, no nameserver or timeout)."""
    with FaultResponder({}) as responder:
        port = responder.port
    diagnosis = check_domain(SETUP, _sync(port), deadline=DEADLINE)
    (domain,) = diagnosis.of(Check.DOMAIN)
    assert (Status.UNKNOWN, "dns.unknown") == (domain.status, domain.code)
    assert domain.cause in ("no_nameserver", "timeout")


async def _bulk(port: int, count: int) -> list[Diagnosis]:
    source = _async(port)

    async def setups() -> AsyncIterator[object]:
        for n in range(count):
            yield attrs.evolve(SETUP, domain=f"d{n}.{DOMAIN}")

    found = []
    stream = check_domains(setups(), source, concurrency=8, deadline=DEADLINE)  # type: ignore[arg-type]
    async for diagnosis in stream:
        found.append(diagnosis)
    return found


def test_bulk_over_faults_shares_the_provider_query() -> None:
    """Twenty domains, one slow: the provider's include is asked once; faults stay local."""
    records: Records = {}
    for n in range(20):
        records.update(correct_records(attrs.evolve(SETUP, domain=f"d{n}.{DOMAIN}")))
    faults: Faults = {f"_dmarc.d3.{DOMAIN}": Fault.SERVFAIL}
    with FaultResponder(presentation(records), faults=faults) as responder:
        started = time.monotonic()
        results = asyncio.run(_bulk(responder.port, 20))
        took = time.monotonic() - started
        assert 1 == responder.count("mx.ovh.com", "TXT")
    assert took < DEADLINE + SLACK
    by_domain = {d.domain: d for d in results}
    assert 20 == len(by_domain)
    broken = by_domain[f"d3.{DOMAIN}"]
    assert [("dns.unknown", "servfail")] == [(f.code, f.cause) for f in broken.of(Check.DMARC)]
    assert all(d.ok for name, d in by_domain.items() if name != f"d3.{DOMAIN}")


def test_bulk_over_stub_source_shares_the_provider_query() -> None:
    """The stub source, driven without a task per lookup: same sharing, same local faults."""
    from emailpro_core.sources._stub import AsyncStubSource

    records: Records = {}
    for n in range(20):
        records.update(correct_records(attrs.evolve(SETUP, domain=f"d{n}.{DOMAIN}")))
    faults: Faults = {f"_dmarc.d3.{DOMAIN}": Fault.SERVFAIL}

    async def run(port: int) -> list[Diagnosis]:
        source = AsyncStubSource("127.0.0.1", port=port, timeout=1.0)
        try:
            setups = [attrs.evolve(SETUP, domain=f"d{n}.{DOMAIN}") for n in range(20)]
            return [d async for d in check_domains(setups, source, concurrency=8)]
        finally:
            source.close()

    with FaultResponder(presentation(records), faults=faults) as responder:
        results = asyncio.run(run(responder.port))
        assert 1 == responder.count("mx.ovh.com", "TXT")
    by_domain = {d.domain: d for d in results}
    broken = by_domain.pop(f"d3.{DOMAIN}")
    assert [("dns.unknown", "servfail")] == [(f.code, f.cause) for f in broken.of(Check.DMARC)]
    assert 19 == sum(d.ok for d in by_domain.values())
