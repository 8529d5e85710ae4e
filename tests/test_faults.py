"""The fault-injection responder, checked with plain dnspython queries."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator

import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rcode
import pytest

from faults import Fault, FaultResponder, FaultRule, ReceivedQuery, cname_loop

RECORDS = {
    "example.org": {
        "MX": ["10 mx1.mail.ovh.net.", "20 mx2.mail.ovh.net."],
        "TXT": ['"v=spf1 include:mx.ovh.com ~all"'],
    },
    "big.example.org": {"TXT": [f'"{n}{"a" * 250}"' for n in range(4)]},
    "alias.example.org": {"CNAME": ["example.org."]},
    "dangling.example.org": {"CNAME": ["nowhere.example.org."]},
    **cname_loop("a.example.org", "b.example.org"),
}
FAULTS: dict[str | tuple[str, str], Fault | FaultRule] = {
    "drop.example.org": Fault.DROP,
    "servfail.example.org": Fault.SERVFAIL,
    "refused.example.org": Fault.REFUSED,
    "big.example.org": Fault.TRUNCATE,
    "tc-then-servfail.example.org": FaultRule(udp=Fault.TRUNCATE, tcp=Fault.SERVFAIL),
    "garbage.example.org": Fault.GARBAGE,
    "wrong-id.example.org": Fault.WRONG_ID,
    ("example.org", "TXT"): Fault.SERVFAIL,
    "slow.example.org": FaultRule(delay=0.3),
    "udp-only-drop.example.org": FaultRule(udp=Fault.DROP),
}
TIMEOUT = 0.3

Ask = Callable[..., dns.message.Message]


@pytest.fixture
def responder() -> Iterator[FaultResponder]:
    """A running responder with the records and faults above."""
    with FaultResponder(RECORDS, faults=FAULTS) as running:
        yield running


def _asker(responder: FaultResponder, transport: str) -> Ask:
    def ask(name: str, rdtype: str, **options: object) -> dns.message.Message:
        query = dns.message.make_query(name, rdtype, **options)  # type: ignore[arg-type]
        send = dns.query.udp if transport == "udp" else dns.query.tcp
        return send(query, responder.host, port=responder.port, timeout=TIMEOUT)

    return ask


@pytest.fixture(params=["udp", "tcp"])
def ask(request: pytest.FixtureRequest, responder: FaultResponder) -> Ask:
    """Send one query over UDP or over TCP."""
    return _asker(responder, request.param)


def _texts(response: dns.message.Message) -> list[str]:
    # dnspython shuffles the records of an RRset on the wire: sort within each RRset.
    return [
        text
        for rrset in response.answer
        for text in sorted(f"{rrset.name} {rd.to_text()}" for rd in rrset)
    ]


def test_answers_from_the_records(ask: Ask) -> None:
    """A name without a fault gets its records, authoritative."""
    response = ask("example.org", "MX")
    assert _texts(response) == [
        "example.org. 10 mx1.mail.ovh.net.",
        "example.org. 20 mx2.mail.ovh.net.",
    ]
    assert (response.rcode(), bool(response.flags & dns.flags.AA)) == (dns.rcode.NOERROR, True)


@pytest.mark.parametrize(
    ("name", "rdtype", "rcode", "answer"),
    [
        ("missing.example.org", "A", dns.rcode.NXDOMAIN, []),
        ("example.org", "AAAA", dns.rcode.NOERROR, []),
        (
            "alias.example.org",
            "MX",
            dns.rcode.NOERROR,
            [
                "alias.example.org. example.org.",
                "example.org. 10 mx1.mail.ovh.net.",
                "example.org. 20 mx2.mail.ovh.net.",
            ],
        ),
        ("alias.example.org", "CNAME", dns.rcode.NOERROR, ["alias.example.org. example.org."]),
        (
            "dangling.example.org",
            "A",
            dns.rcode.NXDOMAIN,
            [
                "dangling.example.org. nowhere.example.org.",
            ],
        ),
        (
            "a.example.org",
            "A",
            dns.rcode.NOERROR,
            [
                "a.example.org. b.example.org.",
                "b.example.org. a.example.org.",
            ],
        ),
    ],
)
def test_negative_answers_and_cnames(
    ask: Ask, name: str, rdtype: str, rcode: int, answer: list[str]
) -> None:
    """NXDOMAIN, NODATA, CNAME chains, and a CNAME loop that stops where it comes back."""
    response = ask(name, rdtype)
    assert (response.rcode(), _texts(response)) == (rcode, answer)


def test_drop_times_out(ask: Ask) -> None:
    """DROP never answers: the client times out, over UDP and TCP."""
    with pytest.raises(dns.exception.Timeout):
        ask("drop.example.org", "A")


@pytest.mark.parametrize(
    ("name", "rcode"),
    [
        ("servfail.example.org", dns.rcode.SERVFAIL),
        ("refused.example.org", dns.rcode.REFUSED),
    ],
)
def test_error_rcodes(ask: Ask, name: str, rcode: int) -> None:
    """SERVFAIL and REFUSED answer with that RCODE and no records."""
    response = ask(name, "A")
    assert (response.rcode(), response.answer) == (rcode, [])


def test_truncate_over_udp_then_answer_over_tcp(responder: FaultResponder) -> None:
    """TRUNCATE sets TC=1 with no records over UDP; TCP gets the full answer."""
    udp = _asker(responder, "udp")("big.example.org", "TXT", use_edns=0)
    tcp = _asker(responder, "tcp")("big.example.org", "TXT")
    assert (bool(udp.flags & dns.flags.TC), udp.answer) == (True, [])
    assert (bool(tcp.flags & dns.flags.TC), len(tcp.answer[0])) == (False, 4)


def test_truncate_then_fault_over_tcp(responder: FaultResponder) -> None:
    """A rule can truncate over UDP and fail over TCP."""
    udp = _asker(responder, "udp")("tc-then-servfail.example.org", "A")
    tcp = _asker(responder, "tcp")("tc-then-servfail.example.org", "A")
    assert bool(udp.flags & dns.flags.TC)
    assert tcp.rcode() == dns.rcode.SERVFAIL


def test_large_answer_truncated_without_edns() -> None:
    """An answer over 512 bytes is truncated for a client without EDNS, not for 1232."""
    records = {"big.example.org": RECORDS["big.example.org"]}
    with FaultResponder(records) as responder:
        ask = _asker(responder, "udp")
        plain = ask("big.example.org", "TXT", use_edns=False)
        edns = ask("big.example.org", "TXT", use_edns=0, payload=1232)
    assert (bool(plain.flags & dns.flags.TC), plain.answer) == (True, [])
    assert (bool(edns.flags & dns.flags.TC), len(edns.answer[0])) == (False, 4)


def test_garbage_is_malformed(ask: Ask) -> None:
    """GARBAGE sends the query's ID then bytes dnspython cannot parse."""
    with pytest.raises(dns.exception.FormError):
        ask("garbage.example.org", "A")


def test_wrong_id_is_rejected(ask: Ask) -> None:
    """WRONG_ID answers under another ID: dnspython rejects the reply."""
    with pytest.raises(dns.query.BadResponse):
        ask("wrong-id.example.org", "A")


def test_wrong_id_ignored_times_out(responder: FaultResponder) -> None:
    """A client that ignores bad replies waits for the right one, in vain."""
    query = dns.message.make_query("wrong-id.example.org", "A")
    with pytest.raises(dns.exception.Timeout):
        dns.query.udp(
            query, responder.host, port=responder.port, timeout=TIMEOUT, ignore_errors=True
        )


def test_fault_per_name_and_type(ask: Ask) -> None:
    """A (name, type) fault applies to that type only."""
    assert ask("example.org", "TXT").rcode() == dns.rcode.SERVFAIL
    assert ask("example.org", "MX").rcode() == dns.rcode.NOERROR


def test_fault_on_one_transport(responder: FaultResponder) -> None:
    """A rule for UDP only leaves TCP answering normally."""
    with pytest.raises(dns.exception.Timeout):
        _asker(responder, "udp")("udp-only-drop.example.org", "A")
    assert _asker(responder, "tcp")("udp-only-drop.example.org", "A").rcode() == dns.rcode.NXDOMAIN


def test_delay(responder: FaultResponder) -> None:
    """A delayed rule answers correctly, after the delay."""
    query = dns.message.make_query("slow.example.org", "A")
    started = time.monotonic()
    response = dns.query.udp(query, responder.host, port=responder.port, timeout=2)
    assert time.monotonic() - started >= 0.3
    assert response.rcode() == dns.rcode.NXDOMAIN


def test_counts_queries(responder: FaultResponder) -> None:
    """Every query is counted, by name, type and transport, dropped ones included."""
    udp, tcp = _asker(responder, "udp"), _asker(responder, "tcp")
    udp("Example.ORG.", "MX")
    tcp("example.org", "mx")
    with pytest.raises(dns.exception.Timeout):
        udp("drop.example.org", "A")
    assert responder.queries == (
        ReceivedQuery("udp", "example.org", "MX"),
        ReceivedQuery("tcp", "example.org", "MX"),
        ReceivedQuery("udp", "drop.example.org", "A"),
    )
    assert responder.query_count == 3
    assert (
        responder.count("example.org"),
        responder.count("example.org", "mx", "tcp"),
        responder.count(rdtype="A"),
        responder.count(transport="udp"),
    ) == (2, 1, 1, 2)
    responder.reset()
    assert responder.query_count == 0


def test_not_a_query_is_ignored(responder: FaultResponder) -> None:
    """Bytes that are not a DNS query get no reply and are not counted."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
        client.settimeout(TIMEOUT)
        client.sendto(b"hello", responder.address)
        with pytest.raises(TimeoutError):
            client.recv(512)
    assert responder.query_count == 0


def test_tcp_serves_several_queries_on_one_connection(responder: FaultResponder) -> None:
    """Queries sent back to back on one TCP connection each get their answer."""
    first = dns.message.make_query("example.org", "MX").to_wire()
    second = dns.message.make_query("missing.example.org", "A").to_wire()
    frames = b"".join(len(wire).to_bytes(2, "big") + wire for wire in (first, second))
    with socket.create_connection(responder.address, timeout=2) as client:
        client.sendall(frames)
        rcodes = [dns.query.receive_tcp(client, time.time() + 2)[0].rcode() for _ in range(2)]
    assert rcodes == [dns.rcode.NOERROR, dns.rcode.NXDOMAIN]


def test_stop_ends_a_pending_tcp_drop() -> None:
    """Stopping the responder does not wait for a client stuck on a dropped TCP query."""
    responder = FaultResponder(faults={"drop.example.org": Fault.DROP}).start()
    wire = dns.message.make_query("drop.example.org", "A").to_wire()
    with socket.create_connection(responder.address, timeout=2) as client:
        client.sendall(len(wire).to_bytes(2, "big") + wire)
        while responder.query_count == 0:
            time.sleep(0.01)
        started = time.monotonic()
        responder.stop()
        assert time.monotonic() - started < 1
        assert client.recv(2) == b""  # the responder closed the connection


def test_bad_record_data_is_refused() -> None:
    """Records that are not valid presentation format fail at construction."""
    with pytest.raises(ValueError, match=r"bad record data for example\.org"):
        FaultResponder({"example.org": {"MX": ["not an mx"]}})


def test_fault_rule_of() -> None:
    """A bare fault applies to both transports, except TRUNCATE (TCP answers)."""
    assert FaultRule.of(Fault.SERVFAIL) == FaultRule(Fault.SERVFAIL, Fault.SERVFAIL)
    assert FaultRule.of(Fault.TRUNCATE) == FaultRule(Fault.TRUNCATE, None)


def test_cname_loop() -> None:
    """cname_loop links each name to the next and the last back to the first."""
    assert cname_loop("a.test", "b.test.", "c.test") == {
        "a.test": {"CNAME": ["b.test."]},
        "b.test.": {"CNAME": ["c.test."]},
        "c.test": {"CNAME": ["a.test."]},
    }


def test_address_and_port() -> None:
    """The responder listens on 127.0.0.1, on one port for UDP and TCP."""
    with FaultResponder() as responder:
        assert responder.address == ("127.0.0.1", responder.port)
        assert responder.port > 0
