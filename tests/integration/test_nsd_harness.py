"""The NSD harness: a real authoritative server on 127.0.0.1 answers what its zones say."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import pytest

from . import conftest
from .nsd import HOST, NsdError, NsdFactory, NsdServer, find_nsd, free_port, zone_text

pytestmark = pytest.mark.integration

ORG = zone_text(
    "example.org",
    "@ MX 10 mx1.mail.ovh.net.",
    "@ MX 20 mx2.mail.ovh.net.",
    '@ TXT "v=spf1 include:mx.ovh.com ~all"',
    '_dmarc TXT "v=DMARC1; p=none; " "rua=mailto:d@example.org"',
    "_autodiscover._tcp SRV 0 0 443 pro1.mail.ovh.net.",
    "token-check CNAME ovh.com.",
)
NET = zone_text(
    "example.net",
    "@ MX 0 .",
    "ovhemp1-selector1._domainkey CNAME ovhemp1-selector1._domainkey.1500.ab.dkim.mail.ovh.net.",
)

Ask = Callable[[str, str], dns.message.Message]


@pytest.fixture(scope="module")
def server(nsd: NsdFactory) -> NsdServer:
    """NSD serving example.org and example.net."""
    return nsd({"example.org": ORG, "example.net.": NET})


@pytest.fixture(params=["udp", "tcp"])
def ask(request: pytest.FixtureRequest, server: NsdServer) -> Ask:
    """Send one query to the server over UDP or TCP."""

    def send(name: str, rdtype: str) -> dns.message.Message:
        query = dns.message.make_query(name, rdtype)
        if request.param == "udp":
            return dns.query.udp(query, server.host, port=server.port, timeout=2)
        return dns.query.tcp(query, server.host, port=server.port, timeout=2)

    return send


def _texts(response: dns.message.Message) -> list[str]:
    return sorted(rdata.to_text() for rrset in response.answer for rdata in rrset)


@pytest.mark.parametrize(
    ("name", "rdtype", "expected"),
    [
        ("example.org", "MX", ["10 mx1.mail.ovh.net.", "20 mx2.mail.ovh.net."]),
        ("example.org", "TXT", ['"v=spf1 include:mx.ovh.com ~all"']),
        ("_dmarc.example.org", "TXT", ['"v=DMARC1; p=none; " "rua=mailto:d@example.org"']),
        ("_autodiscover._tcp.example.org", "SRV", ["0 0 443 pro1.mail.ovh.net."]),
        ("token-check.example.org", "CNAME", ["ovh.com."]),
        ("example.net", "MX", ["0 ."]),
        (
            "ovhemp1-selector1._domainkey.example.net",
            "CNAME",
            ["ovhemp1-selector1._domainkey.1500.ab.dkim.mail.ovh.net."],
        ),
        ("EXAMPLE.ORG.", "MX", ["10 mx1.mail.ovh.net.", "20 mx2.mail.ovh.net."]),
    ],
)
def test_answers_records(ask: Ask, name: str, rdtype: str, expected: list[str]) -> None:
    """Each record of the zones comes back, authoritative, over UDP and TCP."""
    response = ask(name, rdtype)
    assert response.rcode() == dns.rcode.NOERROR
    assert expected == _texts(response)
    assert response.flags & dns.flags.AA


def test_nxdomain_for_a_missing_name(ask: Ask) -> None:
    """A name that does not exist in a served zone is NXDOMAIN, with the zone's SOA."""
    response = ask("missing.example.org", "TXT")
    assert response.rcode() == dns.rcode.NXDOMAIN
    assert [rrset.rdtype for rrset in response.authority] == [dns.rdatatype.SOA]


def test_nodata_for_a_missing_type(ask: Ask) -> None:
    """An existing name without the asked type answers NOERROR with no records."""
    response = ask("example.net", "TXT")
    assert (response.rcode(), response.answer) == (dns.rcode.NOERROR, [])


def test_refused_outside_the_zones(ask: Ask) -> None:
    """A name outside every served zone is REFUSED."""
    assert ask("example.com", "MX").rcode() == dns.rcode.REFUSED


def test_many_zones_load(nsd: NsdFactory) -> None:
    """Hundreds of zones load at start, and the last one answers."""
    zones = {
        f"d{i}.test": zone_text(f"d{i}.test", f"@ MX 10 mx{i}.example.net.") for i in range(300)
    }
    server = nsd(zones)
    query = dns.message.make_query("d299.test", "MX")
    response = dns.query.udp(query, server.host, port=server.port, timeout=2)
    assert _texts(response) == ["10 mx299.example.net."]


def test_zone_errors_raise(nsd_path: str) -> None:
    """A zone NSD cannot read stops the start with NSD's own error lines."""
    server = NsdServer({"broken.test": zone_text("broken.test", "x BOGUS 1")}, binary=nsd_path)
    with pytest.raises(NsdError, match="unrecognized RR type 'BOGUS'"):
        server.start()
    assert not server.running
    server.stop()


def test_zone_errors_allowed_give_servfail(nsd: NsdFactory) -> None:
    """With allow_zone_errors, a broken zone is served as SERVFAIL."""
    server = nsd({"broken.test": zone_text("broken.test", "x BOGUS 1")}, allow_zone_errors=True)
    query = dns.message.make_query("broken.test", "SOA")
    response = dns.query.udp(query, server.host, port=server.port, timeout=2)
    assert response.rcode() == dns.rcode.SERVFAIL


def test_busy_port_raises(nsd_path: str) -> None:
    """A fixed port that is taken makes start fail with NSD's bind error."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as busy:
        busy.bind((HOST, 0))
        port = busy.getsockname()[1]
        server = NsdServer({"example.org": ORG}, binary=nsd_path, port=port)
        with pytest.raises(NsdError, match="Address already in use"):
            server.start()
    server.stop()


def test_context_manager_stops_and_cleans_up(nsd_path: str) -> None:
    """Leaving the with block stops NSD and removes its directory."""
    with NsdServer({"example.org": ORG}, binary=nsd_path) as server:
        workdir = server.workdir
        assert server.running
        assert (workdir / "nsd.conf").exists()
        assert "nsd started" in server.log_text()
        assert f"<NsdServer {HOST}:{server.port} zones=1 running>" == repr(server)
    assert (server.running, workdir.exists()) == (False, False)
    assert server.log_text() == ""


def test_no_binary_raises() -> None:
    """Without a binary, start says how to install NSD."""
    server = NsdServer({"example.org": ORG})
    server.binary = None
    with pytest.raises(NsdError, match="apt-get install nsd"):
        server.start()


def test_needs_a_zone() -> None:
    """A server with no zone is refused at construction."""
    with pytest.raises(ValueError, match="at least one zone"):
        NsdServer({})


def test_free_port_is_free_for_udp_and_tcp() -> None:
    """free_port gives a port that both a UDP and a TCP socket can bind."""
    port = free_port()
    with (
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp,
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp,
    ):
        udp.bind((HOST, port))
        tcp.bind((HOST, port))


def test_zone_text_layout() -> None:
    """zone_text writes the origin, TTL, SOA, NS and glue, then the records."""
    expected = (
        "$ORIGIN example.org.\n"
        "$TTL 60\n"
        "@ IN SOA ns1.example.org. hostmaster.example.org. 7 3600 600 86400 60\n"
        "@ IN NS ns1.example.org.\n"
        "ns1 IN A 127.0.0.1\n"
        "@ MX 10 mx.example.net.\n"
    )
    assert expected == zone_text("example.org.", "@ MX 10 mx.example.net.", ttl=60, serial=7)


def test_missing_nsd_skips_or_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without NSD the tests skip, unless EMAILPRO_REQUIRE_NSD=1 makes them fail."""
    monkeypatch.setattr(conftest, "find_nsd", lambda: None)
    monkeypatch.delenv(conftest.REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"apt-get install nsd"):
        conftest.nsd_binary()
    monkeypatch.setenv(conftest.REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match=r"EMAILPRO_REQUIRE_NSD=1 makes"):
        conftest.nsd_binary()


def test_find_nsd(monkeypatch: pytest.MonkeyPatch) -> None:
    """find_nsd looks on PATH, then in Debian's /usr/sbin."""
    assert conftest.nsd_binary() == find_nsd()
    monkeypatch.setenv("PATH", "/nonexistent")
    debian = "/usr/sbin/nsd" if os.access("/usr/sbin/nsd", os.X_OK) else None
    assert find_nsd() == debian
