"""The checker against a real authoritative server (NSD) on 127.0.0.1.

Every broken case of ``tests/test_checker.py`` becomes a zone of its own
(``c<N>.example``, with its own DKIM targets), served by one NSD together with
the provider's zones. Each case is diagnosed through ``ResolverSource`` and,
all at once, through ``check_domains`` over ``AsyncResolverSource``: both paths
must give what the same records give in memory.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import attrs
import pytest

from emailpro_core.checker import Diagnosis, Status, check_domain, check_domains
from emailpro_core.records._setup import DkimSelector, DomainSetup
from emailpro_core.records._zonetext import zone_line
from emailpro_core.sources._live import AsyncResolverSource, ResolverSource
from emailpro_core.sources._static import StaticSource
from emailpro_core.sources._stub import AsyncStubSource, StubSource
from test_checker import CASES
from test_checker_zones import DOMAIN, SETUP, Records, changed

from .nsd import NsdFactory, NsdServer, zone_text

pytestmark = pytest.mark.integration

TTL = 3600
#: Zones every case shares: the provider's include and DKIM keys, foreign hosts,
#: the parent of the case zones (so a missing case domain is NXDOMAIN), and the
#: empty zone of the names no case holds (x.test., a CNAME target: NXDOMAIN,
#: as in memory, rather than REFUSED).
SHARED = ("ovh.com", "dkim.mail.ovh.net", "mail.ovh.net", "example.net", "example", "test")
#: Cases that change a record every domain shares (the provider's include) stay offline.
OFFLINE_ONLY = {"provider without network"}


@attrs.frozen
class Case:
    """One broken (or correct) domain: its setup and records, renamed to its own zone."""

    name: str
    domain: str
    setup: DomainSetup
    records: Records


def _rename(text: str, index: int) -> str:
    # Each case has its own names, foreign hosts and DKIM targets included.
    return (
        text.replace(DOMAIN, f"c{index}.example")
        .replace("example.net", f"n{index}.example.net")
        .replace("1675.ac", f"{1000 + index}.ac")
    )


def _case(index: int, name: str, change: Callable[[Records], None], setup: DomainSetup) -> Case:
    records = changed(change, setup)
    renamed: Records = {
        _rename(owner, index): {
            rdtype: [_rename(value, index) for value in values] for rdtype, values in types.items()
        }
        for owner, types in records.items()
    }
    selectors = tuple(
        DkimSelector(s.name, None if s.target is None else _rename(s.target, index))
        for s in setup.dkim_selectors
    )
    domain = f"c{index}.example"
    return Case(name, domain, attrs.evolve(setup, domain=domain, dkim_selectors=selectors), renamed)


def _cases() -> list[Case]:
    found = [_case(0, "correct", lambda records: None, SETUP)]
    for index, (name, change, setup, *_) in enumerate(CASES, start=1):
        if name not in OFFLINE_ONLY:
            found.append(_case(index, name, change, setup))
    # A domain no zone holds: its parent answers NXDOMAIN.
    found.append(Case("nxdomain", "gone.example", attrs.evolve(SETUP, domain="gone.example"), {}))
    return found


def _zones(cases: list[Case]) -> dict[str, str]:
    lines: dict[str, list[str]] = {zone: [] for zone in SHARED}
    for case in cases:
        if case.records:
            lines.setdefault(case.domain, [])
        for owner, types in case.records.items():
            # Every name of the cases is in one of the zones.
            zone = next(z for z in (case.domain, *SHARED) if owner == z or owner.endswith("." + z))
            for rdtype, values in types.items():
                lines[zone].extend(zone_line(owner, TTL, rdtype, value) for value in values)
    return {zone: zone_text(zone, *dict.fromkeys(text)) for zone, text in lines.items()}


@pytest.fixture(scope="session")
def served(nsd: NsdFactory) -> tuple[NsdServer, list[Case]]:
    """One NSD serving the zone of every case, and the shared zones (stopped by ``nsd``)."""
    cases = _cases()
    return nsd(_zones(cases)), cases


def _offline(case: Case, cases: list[Case]) -> Diagnosis:
    """What the same records give in memory (the shared names included)."""
    records: Records = {}
    for other in cases:
        for owner, types in other.records.items():
            if (
                owner == case.domain
                or owner.endswith("." + case.domain)
                or not any(owner.endswith(c.domain) for c in cases)
            ):
                records.setdefault(owner, {}).update(types)
    return check_domain(case.setup, StaticSource(records))


def _source(server: NsdServer) -> ResolverSource:
    return ResolverSource(nameservers=[server.host], port=server.port, timeout=2, lifetime=4)


def test_correct_domain_is_all_ok(served: tuple[NsdServer, list[Case]]) -> None:
    """The correct domain, served by NSD, is all OK."""
    server, cases = served
    diagnosis = check_domain(cases[0].setup, _source(server))
    assert {Status.OK} == {f.status for f in diagnosis.findings}, diagnosis.to_text()


def test_every_case_matches_the_offline_diagnosis(served: tuple[NsdServer, list[Case]]) -> None:
    """Each broken domain over NSD gives exactly the diagnosis of its records in memory."""
    server, cases = served
    source = _source(server)
    for case in cases:
        live = check_domain(case.setup, source)
        assert _offline(case, cases) == live, f"{case.name}:\n{live.to_text()}"


def test_every_expected_code_is_found(served: tuple[NsdServer, list[Case]]) -> None:
    """Each case's code, status and fix lines come through the real server."""
    server, cases = served
    source = _source(server)
    by_name = {case.name: case for case in cases}
    for index, (name, _, _, code, status, fix) in enumerate(CASES, start=1):
        if name in OFFLINE_ONLY:
            continue
        diagnosis = check_domain(by_name[name].setup, source)
        found = [f for f in diagnosis.findings if f.code == code]
        assert len(found) == 1, f"{name}: {diagnosis.to_text()}"
        texts = [line.to_text() for line in found[0].fix]
        assert (status, [_rename(line, index) for line in fix]) == (found[0].status, texts)
    gone = check_domain(by_name["nxdomain"].setup, source)
    assert ["domain.nxdomain"] + ["dns.skipped"] * 6 == list(gone.codes)


def test_bulk_gives_the_same_diagnoses(served: tuple[NsdServer, list[Case]]) -> None:
    """check_domains over AsyncResolverSource gives what ResolverSource gives, per domain."""
    server, cases = served
    sync = {case.domain: check_domain(case.setup, _source(server)) for case in cases}

    async def run() -> list[Diagnosis]:
        source = AsyncResolverSource(
            nameservers=[server.host], port=server.port, timeout=2, lifetime=4
        )
        setups = (case.setup for case in cases)
        return [d async for d in check_domains(setups, source, concurrency=16, deadline=30)]

    bulk = {d.domain: d for d in asyncio.run(run())}
    assert sync == bulk


def test_bulk_over_the_stub_source_gives_the_same_diagnoses(
    served: tuple[NsdServer, list[Case]],
) -> None:
    """check_domains over AsyncStubSource gives what ResolverSource and StubSource give.

    Every source asks again for a CNAME target the server leaves open: the DKIM
    targets are in another zone of the same server, and a target no zone holds
    is REFUSED, so UNKNOWN, never "no data".
    """
    server, cases = served
    sync = {case.domain: check_domain(case.setup, _source(server)) for case in cases}
    stub = StubSource(server.host, port=server.port)
    assert sync == {case.domain: check_domain(case.setup, stub) for case in cases}
    source = AsyncStubSource(server.host, port=server.port, timeout=2)

    async def run() -> list[Diagnosis]:
        setups = (case.setup for case in cases)
        try:
            return [d async for d in check_domains(setups, source, concurrency=16, deadline=30)]
        finally:
            source.close()

    bulk = {d.domain: d for d in asyncio.run(run())}
    assert sync == bulk
    # The DKIM targets live in another zone: NSD answers the CNAME, the source asks on.
    assert source.queries_sent > len(cases) * 10
