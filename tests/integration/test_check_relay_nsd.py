"""The relay check against a real authoritative server (NSD) on 127.0.0.1.

The relay hosts live in a zone of their own; each is checked through
``ResolverSource`` and ``AsyncStubSource`` (through ``check_domains``), and
must give what the same records give in memory.
"""

from __future__ import annotations

import asyncio

import pytest

from emailpro_core.checker import Check, Diagnosis, Status, check_domain, check_domains
from emailpro_core.records._setup import DomainSetup
from emailpro_core.sources._live import ResolverSource
from emailpro_core.sources._static import StaticSource
from emailpro_core.sources._stub import AsyncStubSource

from .nsd import NsdFactory, NsdServer, zone_text

pytestmark = pytest.mark.integration

ZONE = "relays.example"
#: relay host label → its records (master-file lines relative to the zone), and the verdict.
HOSTS: dict[str, tuple[tuple[str, ...], Status, str]] = {
    "mx": (("mx MX 10 in.relays.example.", "in A 192.0.2.25"), Status.OK, "relay.ok"),
    "addr": (("addr A 192.0.2.26",), Status.OK, "relay.ok"),
    "v6": (("v6 AAAA 2001:db8::26",), Status.OK, "relay.ok"),
    "alias": (("alias CNAME addr",), Status.OK, "relay.ok"),
    "null": (("null MX 0 .",), Status.ERROR, "relay.unresolvable"),
    "bare": (('bare TXT "no mail here"',), Status.ERROR, "relay.unresolvable"),
    "gone": ((), Status.ERROR, "relay.unresolvable"),
    # A name outside every zone the server has: REFUSED, so nothing is known.
    "elsewhere": ((), Status.UNKNOWN, "dns.unknown"),
}


def _host(label: str) -> str:
    return "relay.elsewhere.test" if label == "elsewhere" else f"{label}.{ZONE}"


def _setup(label: str) -> DomainSetup:
    return DomainSetup(
        f"{label}.example.org",
        mode="nonAuthoritative",
        relay_target=_host(label),
        managed_in_account=True,
    )


@pytest.fixture(scope="module")
def served(nsd: NsdFactory) -> NsdServer:
    """NSD serving the relay hosts' zone, and the domains' parent zone (empty domains)."""
    lines = [line for records, _, _ in HOSTS.values() for line in records]
    domains = [f"{label} MX 1 mx0.mail.ovh.net." for label in HOSTS]
    return nsd({ZONE: zone_text(ZONE, *lines), "example.org": zone_text("example.org", *domains)})


def _relay(diagnosis: Diagnosis) -> tuple[Status, str]:
    (found,) = diagnosis.of(Check.RELAY)
    return found.status, found.code


def _in_memory(label: str) -> Diagnosis:
    records: dict[str, dict[str, list[str]]] = {
        f"{label}.example.org": {"MX": ["1 mx0.mail.ovh.net."]}
    }
    if label == "mx":
        records["mx.relays.example"] = {"MX": ["10 in.relays.example."]}
    elif label == "alias":
        records["alias.relays.example"] = {"CNAME": ["addr.relays.example."]}
        records["addr.relays.example"] = {"A": ["192.0.2.26"]}
    elif label in ("addr", "v6", "null", "bare"):
        rdtype, value = {
            "addr": ("A", "192.0.2.26"),
            "v6": ("AAAA", "2001:db8::26"),
            "null": ("MX", "0 ."),
            "bare": ("TXT", "no mail here"),
        }[label]
        records[_host(label)] = {rdtype: [value]}
    return check_domain(_setup(label), StaticSource(records))


def test_relay_hosts_over_nsd(served: NsdServer) -> None:
    """Each relay host gets its verdict through a real server, as in memory."""
    source = ResolverSource(nameservers=[served.host], port=served.port, timeout=2, lifetime=4)
    for label, (_, status, code) in HOSTS.items():
        live = check_domain(_setup(label), source)
        assert (status, code) == _relay(live), f"{label}:\n{live.to_text()}"
        if label != "elsewhere":
            assert _relay(_in_memory(label)) == _relay(live), label


def test_relay_hosts_in_bulk(served: NsdServer) -> None:
    """check_domains over AsyncStubSource gives the same verdicts."""
    source = AsyncStubSource(served.host, port=served.port, timeout=2)

    async def run() -> dict[str, Diagnosis]:
        try:
            setups = [_setup(label) for label in HOSTS]
            found = [d async for d in check_domains(setups, source, concurrency=4, deadline=30)]
        finally:
            source.close()
        return {d.domain.split(".")[0]: d for d in found}

    diagnoses = asyncio.run(run())
    assert {label: (s, c) for label, (_, s, c) in HOSTS.items()} == {
        label: _relay(d) for label, d in diagnoses.items()
    }
