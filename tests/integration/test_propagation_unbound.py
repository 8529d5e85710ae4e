"""The Unbound harness itself: it starts, answers through its stub zones, and is mandatory in CI."""

from __future__ import annotations

import os

import dns.flags
import dns.message
import dns.query
import dns.rcode
import pytest

from . import conftest
from .nsd import NsdServer, zone_text
from .unbound import UnboundError, UnboundServer, find_unbound

pytestmark = pytest.mark.integration


def test_resolves_through_a_stub_zone_and_refuses_the_rest(
    nsd_path: str, unbound_path: str
) -> None:
    """A stub zone's names resolve; any other name is refused at once, never sent out."""
    zones = {"example.org": zone_text("example.org", '@ TXT "hello"', ttl=5)}
    with (
        NsdServer(zones, binary=nsd_path) as nsd,
        UnboundServer({"example.org": [nsd.address]}, binary=unbound_path) as resolver,
    ):
        ask = dns.message.make_query("example.org", "TXT")
        reply = dns.query.udp(ask, resolver.host, port=resolver.port, timeout=2)
        assert ['"hello"'] == [rdata.to_text() for rdata in reply.answer[0]]
        # Recursion available: a resolver, not an authoritative server.
        assert "RA" in dns.flags.to_text(reply.flags)
        other = dns.message.make_query("example.net", "TXT")
        reply = dns.query.udp(other, resolver.host, port=resolver.port, timeout=2)
        assert dns.rcode.REFUSED == reply.rcode()
        assert "start of service" in resolver.log_text()
        assert f"<UnboundServer {resolver.host}:{resolver.port} stubs=1 running>" == repr(resolver)
        workdir = resolver.workdir
    assert (resolver.running, workdir.exists(), resolver.log_text()) == (False, False, "")


def test_no_binary_raises() -> None:
    """Without a binary, start says how to install Unbound."""
    resolver = UnboundServer({"example.org": [("127.0.0.1", 53)]})
    resolver.binary = None
    with pytest.raises(UnboundError, match="apt-get install unbound"):
        resolver.start()
    with pytest.raises(UnboundError, match="has not been started"):
        _ = resolver.workdir


def test_needs_a_stub_zone() -> None:
    """A resolver with no stub zone is refused at construction."""
    with pytest.raises(ValueError, match="at least one stub zone"):
        UnboundServer({})


def test_missing_unbound_skips_or_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without Unbound the tests skip, unless EMAILPRO_REQUIRE_NSD=1 makes them fail."""
    monkeypatch.setattr(conftest, "find_unbound", lambda: None)
    monkeypatch.delenv(conftest.REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"apt-get install unbound"):
        conftest.unbound_binary()
    monkeypatch.setenv(conftest.REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match=r"EMAILPRO_REQUIRE_NSD=1 makes"):
        conftest.unbound_binary()


def test_find_unbound(monkeypatch: pytest.MonkeyPatch) -> None:
    """find_unbound looks on PATH, then in Debian's /usr/sbin."""
    assert conftest.unbound_binary() == find_unbound()
    monkeypatch.setenv("PATH", "/nonexistent")
    debian = "/usr/sbin/unbound" if os.access("/usr/sbin/unbound", os.X_OK) else None
    assert find_unbound() == debian
