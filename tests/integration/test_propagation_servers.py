"""Propagation against real servers: two NSD instances and an Unbound cache, on 127.0.0.0/8.

The zone's two servers listen on 127.0.0.2 and 127.0.0.3 (one port for both,
as port 53 would be); Unbound, on 127.0.0.1, resolves the test zones through
stub zones pointing at them, and caches for real. The records have TTLs of
:data:`TTL` seconds, so a test waits out a cache in a few seconds.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Iterator

import attrs
import dns.message
import dns.query
import pytest

from emailpro_core.cli import main
from emailpro_core.propagation import Outcome, ServerState, Verdict
from emailpro_core.propagation._check import check_propagation, check_propagation_async
from emailpro_core.propagation._model import PropagationReport, RecordPropagation
from emailpro_core.records._setup import DomainSetup
from test_checker_zones import PROVIDER_SPF

from .nsd import NsdError, NsdServer, free_port
from .unbound import UnboundServer

pytestmark = pytest.mark.integration

#: The TTL of every record and the SOA's negative TTL (RFC 2308 §5), in seconds.
TTL = 3
PRIMARY = "127.0.0.2"
SECONDARY = "127.0.0.3"
DOMAIN = "example.org"
#: A zone whose secondary serves an older copy.
LAGGING = "example.com"
#: A zone the secondary does not serve (it serves the parent), with an NS name
#: that does not resolve.
LAME = "lame.test"
SETUP = DomainSetup(DOMAIN, server_number=1, managed_in_account=True)
GOOD_SPF = '"v=spf1 include:mx.ovh.com ~all"'
OLD_SPF = '"v=spf1 -all"'
DMARC = '_dmarc TXT "v=DMARC1; p=none"'
MX = [f"@ MX {p} mx{i}.mail.ovh.net." for i, p in enumerate((1, 5, 50, 100, 200))]
SRV = "_autodiscover._tcp SRV 0 0 443 pro1.mail.ovh.net."


def zone(origin: str, serial: int, *records: str, names: tuple[str, ...] = ("ns1", "ns2")) -> str:
    """A zone whose NS set is ``names`` (ns1 on PRIMARY, ns2 on SECONDARY)."""
    lines = [
        f"$ORIGIN {origin}.",
        f"$TTL {TTL}",
        f"@ SOA ns1 hostmaster {serial} 3600 600 86400 {TTL}",
        *(f"@ NS {name}" for name in names),
        f"ns1 A {PRIMARY}",
        f"ns2 A {SECONDARY}",
        *records,
    ]
    return "\n".join(lines) + "\n"


def domain_zone(serial: int, spf: str, *more: str) -> str:
    """The checked domain: MX and autodiscover right, SPF as given."""
    return zone(DOMAIN, serial, *MX, f"@ TXT {spf}", SRV, *more)


PROVIDER = {
    "ovh.com": zone("ovh.com", 1, f'mx TXT "{PROVIDER_SPF}"'),
    "mail.ovh.net": zone("mail.ovh.net", 1, "pro1 A 198.51.100.1"),
}


def _serial(server: NsdServer, origin: str) -> int | None:
    reply = dns.query.udp(
        dns.message.make_query(origin, "SOA"), server.host, port=server.port, timeout=1
    )
    return reply.answer[0][0].serial if reply.answer else None


def replace_zone(server: NsdServer, origin: str, text: str, serial: int) -> None:
    """Write a new copy of ``origin`` and reload NSD (SIGHUP); wait until it serves ``serial``."""
    index = list(server.zones).index(origin)
    (server.workdir / f"zone{index:05d}.zone").write_text(text)
    server.zones[origin] = text
    assert server._process is not None
    os.kill(server._process.pid, signal.SIGHUP)
    ends = time.monotonic() + 5
    while _serial(server, origin) != serial:
        if time.monotonic() > ends:
            raise NsdError(f"NSD did not load serial {serial}:\n{server.log_text()}")
        time.sleep(0.02)


@attrs.frozen
class Servers:
    """The two authoritative servers, their shared port, and the resolver."""

    primary: NsdServer
    secondary: NsdServer
    resolver: UnboundServer

    @property
    def port(self) -> int:
        return self.primary.port

    @property
    def resolvers(self) -> list[tuple[str, int]]:
        return [(self.resolver.host, self.resolver.port)]


def _start_pair(nsd_path: str) -> tuple[NsdServer, NsdServer]:
    lame_names = ("ns1", "ns2", "ns3")
    shared = {**PROVIDER, DOMAIN: domain_zone(1, OLD_SPF)}
    primary_zones = {
        **shared,
        LAGGING: zone(LAGGING, 2, *MX, SRV, DMARC, f"@ TXT {GOOD_SPF}"),
        LAME: zone(LAME, 1, *MX, SRV, DMARC, f"@ TXT {GOOD_SPF}", names=lame_names),
    }
    secondary_zones = {
        **shared,
        LAGGING: zone(LAGGING, 1, *MX, SRV, DMARC, f"@ TXT {OLD_SPF}"),
        # The parent of LAME, which delegates it: asked for LAME, the secondary
        # refers the asker to LAME's servers, without the AA bit.
        "test": zone("test", 1, "lame NS ns1.lame", f"ns1.lame A {PRIMARY}"),
    }
    for _ in range(5):  # a port free on both addresses
        port = free_port(PRIMARY)
        primary = NsdServer(primary_zones, binary=nsd_path, host=PRIMARY, port=port)
        try:
            primary.start()
        except NsdError:
            continue
        secondary = NsdServer(secondary_zones, binary=nsd_path, host=SECONDARY, port=port)
        try:
            return primary, secondary.start()
        except NsdError:
            primary.stop()
    raise NsdError("no port free on both loopback addresses")


@pytest.fixture(scope="module")
def servers(nsd_path: str, unbound_path: str) -> Iterator[Servers]:
    """Both NSD servers and Unbound, stopped at the end of the module."""
    primary, secondary = _start_pair(nsd_path)
    both = [(PRIMARY, primary.port), (SECONDARY, primary.port)]
    stubs = dict.fromkeys((DOMAIN, LAGGING, *PROVIDER), both)
    # The resolver reaches LAME through its working server only: the lame one is
    # found in the zone's own NS set.
    stubs[LAME] = both[:1]
    resolver = UnboundServer(stubs, binary=unbound_path)
    try:
        resolver.start()
        yield Servers(primary, secondary, resolver)
    finally:
        resolver.stop()
        primary.stop()
        secondary.stop()


def _check(servers: Servers, setup: DomainSetup = SETUP) -> PropagationReport:
    return check_propagation(
        setup, resolvers=servers.resolvers, port=servers.port, timeout=1, deadline=20
    )


def _command(servers: Servers, domain: str, *more: str) -> list[str]:
    resolver = f"{servers.resolver.host}:{servers.resolver.port}"
    port = str(servers.port)
    return ["propagation", domain, "--resolver", resolver, "--ns-port", port, *more]


def _record(report: PropagationReport, name: str, rdtype: str) -> RecordPropagation:
    (found,) = [r for r in report.records if (r.name, r.type) == (name, rdtype)]
    return found


def test_fixed_zone_is_stale_until_the_ttl_runs_out(servers: Servers) -> None:
    """Fix the SPF and add DMARC: stale while Unbound caches the old answers, then in sync."""
    before = _record(_check(servers), DOMAIN, "TXT")  # primes the cache, old SPF and no DMARC
    first = _check(servers)
    assert Outcome.ZONE_WRONG == first.outcome
    assert 1 == main(_command(servers, DOMAIN, "--server", "1", "--managed"))
    assert {Verdict.IN_SYNC} == {r.verdict for r in first.records}
    assert ("v=spf1 -all",) == before.servers[0].values
    assert {1} == {s.serial for s in first.servers}
    fixed = domain_zone(2, GOOD_SPF, DMARC)
    replace_zone(servers.primary, DOMAIN, fixed, 2)
    replace_zone(servers.secondary, DOMAIN, fixed, 2)

    stale = _check(servers)
    assert Outcome.STALE == stale.outcome, stale.to_json()
    assert stale.diagnosis is not None
    assert stale.diagnosis.ok, stale.diagnosis.to_text()
    spf = _record(stale, DOMAIN, "TXT")
    assert Verdict.STALE == spf.verdict
    assert ("v=spf1 -all",) == spf.resolvers[0].values
    assert {("v=spf1 include:mx.ovh.com ~all",)} == {s.values for s in spf.servers}
    assert 0 <= spf.resolvers[0].ttl <= TTL
    assert spf.expires_at == stale.checked_at + spf.resolvers[0].ttl
    # Negative caching: the resolver still holds the absence of the DMARC record.
    dmarc = _record(stale, f"_dmarc.{DOMAIN}", "TXT")
    assert Verdict.STALE == dmarc.verdict
    assert "nxdomain" == dmarc.resolvers[0].status
    assert 0 <= dmarc.resolvers[0].ttl <= TTL
    assert {"answer"} == {s.status for s in dmarc.servers}
    assert Verdict.IN_SYNC == _record(stale, DOMAIN, "MX").verdict
    assert 4 == main(_command(servers, DOMAIN, "--server", "1", "--managed"))

    assert stale.expires_at is not None
    # Unbound answers with TTL 0 for up to a second after the expiry.
    time.sleep(max(stale.expires_at - time.time(), 0) + 1.2)
    synced = asyncio.run(
        check_propagation_async(
            SETUP, resolvers=servers.resolvers, port=servers.port, timeout=1, deadline=20
        )
    )
    assert Outcome.IN_SYNC == synced.outcome, synced.to_json()
    assert {Verdict.IN_SYNC} == {r.verdict for r in synced.records}
    assert {2} == {s.serial for s in synced.servers}
    assert 0 == main(_command(servers, DOMAIN, "--server", "1", "--managed", "--json"))


def test_a_secondary_behind_is_named(servers: Servers) -> None:
    """The secondary serves an older serial: servers_disagree, naming both and their serials."""
    report = _check(servers, attrs.evolve(SETUP, domain=LAGGING))
    spf = _record(report, LAGGING, "TXT")
    assert Verdict.SERVERS_DISAGREE == spf.verdict
    port = servers.port
    assert ((f"{PRIMARY}:{port}",), (f"{SECONDARY}:{port}",)) == spf.disagreeing
    assert f"{PRIMARY}:{port} (serial 2)" in spf.message
    assert f"{SECONDARY}:{port} (serial 1)" in spf.message
    # The diagnosis reads the copy with the highest serial, which is right.
    assert report.diagnosis is not None
    assert report.diagnosis.ok, report.diagnosis.to_text()
    assert Outcome.SERVERS_DISAGREE == report.outcome
    # The records both copies hold alike agree.
    assert Verdict.IN_SYNC == _record(report, f"_dmarc.{LAGGING}", "TXT").verdict
    assert 5 == main(_command(servers, LAGGING, "--server", "1", "--managed"))


def test_a_secondary_behind_in_french(servers: Servers, capsys: pytest.CaptureFixture[str]) -> None:
    """The same check in French: the verdict line names each serial, the exit code stays 5."""
    argv = ["--lang", "fr", *_command(servers, LAGGING, "--server", "1", "--managed")]
    assert 5 == main(argv)
    lines = capsys.readouterr().out.splitlines()
    port = servers.port
    disagree = [line for line in lines if "les serveurs faisant autorité divergent\u00a0:" in line]
    primary = f"{PRIMARY}:{port} (numéro de série 2) sert «\u00a0v=spf1 include:mx.ovh.com ~all"
    assert any(primary in line for line in disagree), lines
    assert any(f"{SECONDARY}:{port} (numéro de série 1) sert" in line for line in disagree)
    assert lines[0].startswith(f"{LAGGING}\u00a0: SERVERS_DISAGREE – ")


def test_servers_that_do_not_serve_the_zone_are_reported(servers: Servers) -> None:
    """A lame server and an NS name without address: findings of their own, never "missing"."""
    report = _check(servers, attrs.evolve(SETUP, domain=LAME))
    states = {s.address: s.state for s in report.servers}
    port = servers.port
    expected = {f"{PRIMARY}:{port}": ServerState.AUTHORITATIVE}
    expected[f"{SECONDARY}:{port}"] = ServerState.LAME
    assert expected == states
    assert "refers the question to other servers (no AA bit)" == report.servers[1].detail
    assert {"ns1.lame.test": None, "ns2.lame.test": None, "ns3.lame.test": "nxdomain"} == {
        ns.name: ns.cause for ns in report.nameservers
    }
    spf = _record(report, LAME, "TXT")
    assert Verdict.IN_SYNC == spf.verdict
    assert "lame" == spf.servers[1].cause
    assert report.diagnosis is not None
    assert report.diagnosis.ok, report.diagnosis.to_text()
    assert Outcome.UNKNOWN == report.outcome
    assert 3 == main(_command(servers, LAME, "--server", "1", "--managed"))
