"""One question to one server: what a reply means, and the transport's bounds.

Replies are built with dnspython; the transport is tested against a small
server on 127.0.0.1 written here (UDP that truncates, TCP that answers).
"""

from __future__ import annotations

import asyncio
import socket
import socketserver
import struct
import threading
from collections.abc import Iterator

import dns.exception
import dns.flags
import dns.message
import dns.rcode
import dns.rrset
import pytest

from emailpro_core.propagation._wire import (
    Ask,
    ask_async,
    ask_sync,
    reply_of,
    reply_of_error,
    too_late,
)
from emailpro_core.sources._answers import TXT, AnswerStatus, FailureCause, Query

ASK = Ask("127.0.0.1", 53, Query("example.org", "TXT"), False)
SOA_ASK = Ask("127.0.0.1", 53, Query("example.org", "SOA"), False)


def response(
    ask: Ask = ASK, *, aa: bool = True, rcode: dns.rcode.Rcode = dns.rcode.NOERROR
) -> dns.message.Message:
    """An empty reply to ``ask``, AA and RCODE as given."""
    query = dns.message.make_query(ask.query.name, ask.query.rdtype)
    reply = dns.message.make_response(query)
    reply.flags = dns.flags.QR | (dns.flags.AA if aa else 0)
    reply.set_rcode(rcode)
    return reply


def add(
    message: dns.message.Message, section: str, name: str, rdtype: str, ttl: int, *values: str
) -> None:
    """Add records to a section of ``message`` (through its index, as parsing does)."""
    rrset = dns.rrset.from_text(name, ttl, "IN", rdtype, *values)
    found = message.find_rrset(
        getattr(message, section), rrset.name, rrset.rdclass, rrset.rdtype, create=True
    )
    found.update(rrset)  # type: ignore[no-untyped-call]


SOA = "ns1.example.org. hostmaster.example.org. 7 3600 600 86400 60"


def test_an_authoritative_answer() -> None:
    """An AA answer: its records, TTL, and no SOA."""
    reply = response()
    add(reply, "answer", "example.org.", "TXT", 300, '"v=spf1 -all"')
    found = reply_of(ASK, reply)
    assert (True, AnswerStatus.ANSWER, 300) == (
        found.authoritative,
        found.answer.status,
        found.answer.ttl,
    )
    assert (TXT((b"v=spf1 -all",)),) == found.answer.records


def test_the_soa_gives_zone_and_serial() -> None:
    """The SOA of the answer section gives the zone and its serial."""
    reply = response(SOA_ASK)
    add(reply, "answer", "example.org.", "SOA", 3600, SOA)
    found = reply_of(SOA_ASK, reply)
    assert ("example.org", 7) == (found.zone, found.serial)


def test_negative_ttl_is_the_smaller_of_soa_ttl_and_minimum() -> None:
    """RFC 2308 §5: a negative answer lasts min(SOA TTL, SOA MINIMUM)."""
    reply = response(rcode=dns.rcode.NXDOMAIN)
    add(reply, "authority", "example.org.", "SOA", 25, SOA)
    found = reply_of(ASK, reply)
    assert (AnswerStatus.NXDOMAIN, 25) == (found.answer.status, found.answer.ttl)
    reply = response()
    add(reply, "authority", "example.org.", "SOA", 3600, SOA)
    assert (AnswerStatus.NODATA, 60) == (
        reply_of(ASK, reply).answer.status,
        reply_of(ASK, reply).answer.ttl,
    )


def test_without_a_soa_a_negative_answer_gets_the_stated_ttl() -> None:
    """No SOA: the package's negative TTL (300 s)."""
    assert 300 == reply_of(ASK, response()).answer.ttl


def test_a_referral_is_not_authoritative() -> None:
    """No AA, NS in the authority section: a referral."""
    reply = response(aa=False)
    add(reply, "authority", "example.org.", "NS", 300, "ns.elsewhere.example.")
    found = reply_of(ASK, reply)
    assert (False, True) == (found.authoritative, found.referral)


def test_an_alias_out_of_the_zone_is_left_open() -> None:
    """A CNAME without data or SOA: the target is left open for the asker."""
    reply = response()
    add(reply, "answer", "example.org.", "CNAME", 40, "target.example.net.")
    found = reply_of(ASK, reply)
    assert "target.example.net" == found.open_target
    assert (AnswerStatus.NODATA, "target.example.net", 40) == (
        found.answer.status,
        found.answer.canonical_name,
        found.answer.ttl,
    )


@pytest.mark.parametrize(
    ("rcode", "cause"),
    [
        (dns.rcode.REFUSED, FailureCause.REFUSED),
        (dns.rcode.SERVFAIL, FailureCause.SERVFAIL),
        (dns.rcode.NOTIMP, FailureCause.OTHER),
    ],
)
def test_error_rcodes_are_failures(rcode: dns.rcode.Rcode, cause: FailureCause) -> None:
    """REFUSED, SERVFAIL and other errors are failures with their cause."""
    found = reply_of(ASK, response(rcode=rcode))
    assert (AnswerStatus.FAILURE, cause) == (found.answer.status, found.answer.cause)


def test_truncated_over_tcp_is_malformed() -> None:
    """A TCP reply with TC set cannot be read as complete."""
    reply = response()
    reply.flags |= dns.flags.TC
    assert FailureCause.MALFORMED == reply_of(ASK, reply).answer.cause


def test_a_chain_that_contradicts_itself_is_malformed() -> None:
    """Records with NXDOMAIN make dnspython's chain reading fail: malformed."""
    reply = response(rcode=dns.rcode.NXDOMAIN)
    add(reply, "answer", "example.org.", "TXT", 300, '"x"')
    assert FailureCause.MALFORMED == reply_of(ASK, reply).answer.cause


DNS_TIMEOUT = dns.exception.Timeout()  # type: ignore[no-untyped-call]
FORM_ERROR = dns.exception.FormError("bad")  # type: ignore[no-untyped-call]


@pytest.mark.parametrize(
    ("error", "cause"),
    [
        (DNS_TIMEOUT, FailureCause.TIMEOUT),
        (TimeoutError(), FailureCause.TIMEOUT),
        (ConnectionRefusedError(111, "refused"), FailureCause.NO_NAMESERVER),
        (OSError(), FailureCause.NO_NAMESERVER),
        (FORM_ERROR, FailureCause.MALFORMED),
    ],
)
def test_errors_become_failures(error: BaseException, cause: FailureCause) -> None:
    """Each exception of asking is a failure with its cause."""
    assert cause == reply_of_error(ASK, error).answer.cause


def test_too_late_is_marked_cut() -> None:
    """A question the deadline left no time for says so."""
    found = too_late(ASK)
    assert found.cut
    assert FailureCause.TIMEOUT == found.answer.cause


class _Truncating(socketserver.BaseRequestHandler):
    """UDP: an empty reply with TC set; TCP: the whole answer (RFC 7766 §5)."""

    def handle(self) -> None:
        if isinstance(self.request, tuple):
            data, sock = self.request
            reply = dns.message.make_response(dns.message.from_wire(data))
            reply.flags |= dns.flags.TC | dns.flags.AA
            sock.sendto(reply.to_wire(), self.client_address)
            return
        size = struct.unpack("!H", self.request.recv(2))[0]
        query = dns.message.from_wire(self.request.recv(size))
        reply = dns.message.make_response(query)
        reply.flags |= dns.flags.AA
        add(reply, "answer", "example.org.", "TXT", 300, '"over tcp"')
        wire = reply.to_wire()
        self.request.sendall(struct.pack("!H", len(wire)) + wire)


@pytest.fixture
def truncating() -> Iterator[int]:
    """A server on 127.0.0.1 that truncates over UDP; its port."""
    tcp = socketserver.TCPServer(("127.0.0.1", 0), _Truncating)
    port = tcp.server_address[1]
    udp = socketserver.UDPServer(("127.0.0.1", port), _Truncating)
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (tcp, udp)]
    for thread in threads:
        thread.start()
    yield port
    for server in (tcp, udp):
        server.shutdown()
        server.server_close()


def test_sync_asks_again_over_tcp(truncating: int) -> None:
    """A truncated UDP reply is asked again over TCP."""
    ask = Ask("127.0.0.1", truncating, ASK.query, False)
    found = ask_sync(ask, 2.0)
    assert (TXT((b"over tcp",)),) == found.answer.records


def test_async_asks_again_over_tcp(truncating: int) -> None:
    """The async twin does the same."""
    ask = Ask("127.0.0.1", truncating, ASK.query, False)
    found = asyncio.run(ask_async(ask, 2.0))
    assert (TXT((b"over tcp",)),) == found.answer.records


def _silent_port() -> tuple[socket.socket, int]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    return sock, sock.getsockname()[1]


def test_a_silent_server_times_out_within_the_budget() -> None:
    """No reply: a timeout, sync and async, within the budget given."""
    sock, port = _silent_port()
    with sock:
        ask = Ask("127.0.0.1", port, ASK.query, False)
        assert FailureCause.TIMEOUT == ask_sync(ask, 0.05).answer.cause
        assert FailureCause.TIMEOUT == asyncio.run(ask_async(ask, 0.05)).answer.cause


def test_sync_budget_spent_before_tcp(monkeypatch: pytest.MonkeyPatch, truncating: int) -> None:
    """A truncated reply arriving when the budget is spent: a timeout, no TCP."""
    import time

    times = iter([0.0, 10.0])
    monkeypatch.setattr(time, "monotonic", lambda: next(times))
    ask = Ask("127.0.0.1", truncating, ASK.query, False)
    assert FailureCause.TIMEOUT == ask_sync(ask, 1.0).answer.cause


def test_where_names_the_port() -> None:
    """Addresses show their port unless it is 53; IPv6 in brackets."""
    assert "192.0.2.1" == Ask("192.0.2.1", 53, ASK.query, True).where
    assert "192.0.2.1:5300" == Ask("192.0.2.1", 5300, ASK.query, True).where
    assert "[2001:db8::1]:5300" == Ask("2001:db8::1", 5300, ASK.query, True).where


def test_an_alias_to_a_missing_target_is_negative() -> None:
    """A CNAME whose target does not exist (the SOA says so): NXDOMAIN, nothing left open."""
    reply = response(rcode=dns.rcode.NXDOMAIN)
    add(reply, "answer", "example.org.", "CNAME", 40, "gone.example.org.")
    add(reply, "authority", "example.org.", "SOA", 3600, SOA)
    found = reply_of(ASK, reply)
    assert (AnswerStatus.NXDOMAIN, "gone.example.org", 40, None) == (
        found.answer.status,
        found.answer.canonical_name,
        found.answer.ttl,
        found.open_target,
    )


class _Plain(socketserver.BaseRequestHandler):
    """UDP: the answer at once."""

    def handle(self) -> None:
        data, sock = self.request
        reply = dns.message.make_response(dns.message.from_wire(data))
        reply.flags |= dns.flags.AA
        add(reply, "answer", "example.org.", "TXT", 300, '"over udp"')
        sock.sendto(reply.to_wire(), self.client_address)


def test_a_plain_answer_over_udp() -> None:
    """A reply that fits in UDP is read as it is, sync and async."""
    server = socketserver.UDPServer(("127.0.0.1", 0), _Plain)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        ask = Ask("127.0.0.1", server.server_address[1], ASK.query, False)
        for found in (ask_sync(ask, 2.0), asyncio.run(ask_async(ask, 2.0))):
            assert (True, (TXT((b"over udp",)),)) == (found.authoritative, found.answer.records)
    finally:
        server.shutdown()
        server.server_close()
