"""Hostile name servers: each attack on the DNS stack, reproduced on 127.0.0.1, and its bound.

A server a domain owner controls can lie, stall, forge and flood. The responder
of ``tests/faults.py`` does each on command; every test here is one attack, and
asserts what the threat model of ``docs/sources.md`` promises: the lookup ends
on time, a forged reply is not believed, a failure never reads as "missing",
and the work one domain causes is bounded.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable

import dns.flags
import dns.message
import dns.rdatatype
import pytest

from emailpro_core.checker import Check, Status, check_domain, check_domain_async
from emailpro_core.checker._checks.mx import MAX_MX_LOOKUPS
from emailpro_core.sources._answers import TXT, Answer, AnswerStatus, FailureCause, Query
from emailpro_core.sources._cache import DEFAULT_MAX_BYTES, DnsCache, answer_size
from emailpro_core.sources._live import AsyncResolverSource, ResolverSource
from emailpro_core.sources._stub import AsyncStubSource, StubSource
from emailpro_core.sources._wire import stub as stubwire
from emailpro_core.sources._wire import stubasync
from emailpro_core.sources._wire.codec import MAX_CNAME_CHAIN, encode_query
from emailpro_core.sources._wire.timers import Deadlines
from faults import FORGERIES, Fault, FaultResponder, FaultRule
from test_checker_zones import DOMAIN, SETUP, correct_records, presentation

#: The sources that talk to a server, by name.
KINDS = ["stub", "stub-async", "resolver", "resolver-async"]
STUBS = ["stub", "stub-async"]
# How late a bounded wait may end on a loaded 2-core machine (the attacks below
# stretched the same waits by 5 to 30 seconds).
SLACK = 0.8


def _lookup(
    kind: str, responder: FaultResponder, name: str, rdtype: str, *, timeout: float, tries: int = 1
) -> tuple[Answer, float]:
    """``kind``'s answer to ``(name, rdtype)`` from ``responder``, and the seconds it took."""
    host, port = responder.address
    started = time.monotonic()
    if kind == "stub":
        answer = StubSource(host, port=port, timeout=timeout, tries=tries).lookup(name, rdtype)
    elif kind == "stub-async":
        answer = AsyncStubSource(host, port=port, timeout=timeout, tries=tries).lookup(name, rdtype)
    else:
        cls = ResolverSource if kind == "resolver" else AsyncResolverSource
        lifetime = timeout * tries
        source = cls(nameservers=[host], port=port, timeout=timeout, lifetime=lifetime)
        answer = source.lookup(name, rdtype)
    return answer, time.monotonic() - started


# -- 2. every lookup has an overall time bound -----------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_trickled_wrong_ids_do_not_stretch_a_lookup(kind: str) -> None:
    """Datagrams that are not the reply, every 0.2 s, do not start a try's clock again."""
    rule = FaultRule(udp=Fault.TRICKLE, tcp=Fault.DROP, interval=0.2)
    with FaultResponder({"victim.example.org": {"A": ["192.0.2.1"]}}, faults={"*": rule}) as r:
        answer, took = _lookup(kind, r, "victim.example.org", "A", timeout=0.5, tries=2)
    assert (AnswerStatus.FAILURE, FailureCause.TIMEOUT) == (answer.status, answer.cause)
    assert took < 1.0 + SLACK  # timeout × tries; the trickle lasts 10 s


@pytest.mark.parametrize("kind", KINDS)
def test_a_dripped_tcp_reply_does_not_stretch_a_lookup(kind: str) -> None:
    """A truncated UDP reply, then a TCP reply one octet every 0.1 s: the lookup still ends."""
    rule = FaultRule(udp=Fault.TRUNCATE, tcp=Fault.DRIP, interval=0.1)
    with FaultResponder({"victim.example.org": {"A": ["192.0.2.1"]}}, faults={"*": rule}) as r:
        answer, took = _lookup(kind, r, "victim.example.org", "A", timeout=0.5, tries=2)
    assert AnswerStatus.FAILURE is answer.status
    assert answer.cause in (FailureCause.TIMEOUT, FailureCause.MALFORMED)
    assert took < 1.0 + SLACK  # the drip takes ~5 s


def test_check_domain_ends_by_its_deadline_plus_one_lookup() -> None:
    """Sync: a server trickling on every name; the run ends one lookup after its deadline."""
    rule = FaultRule(udp=Fault.TRICKLE, tcp=Fault.DROP, interval=0.2)
    with FaultResponder(presentation(correct_records()), faults={"*": rule}) as r:
        source = StubSource(r.host, port=r.port, timeout=0.5, tries=1)
        started = time.monotonic()
        diagnosis = check_domain(SETUP, source, deadline=1.0)
        took = time.monotonic() - started
    assert took < 1.0 + 0.5 + SLACK  # the deadline, and the lookup under way then
    assert all(f.status is Status.UNKNOWN for f in diagnosis.findings)


def test_check_domain_async_ends_by_its_deadline() -> None:
    """Async: the same server; the run ends at its deadline."""
    rule = FaultRule(udp=Fault.TRICKLE, tcp=Fault.DROP, interval=0.2)
    with FaultResponder(presentation(correct_records()), faults={"*": rule}) as r:
        source = AsyncStubSource(r.host, port=r.port, timeout=0.5, tries=4)

        async def run() -> float:
            started = time.monotonic()
            try:
                await check_domain_async(SETUP, source, deadline=1.0)
            finally:
                source.close()
            return time.monotonic() - started

        took = asyncio.run(run())
    assert took < 1.0 + SLACK


# -- 6. forged replies are ignored, not believed and not fatal -------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("forgery", FORGERIES, ids=lambda f: f.name.lower())
def test_a_forged_reply_is_dropped_and_the_genuine_one_taken(kind: str, forgery: Fault) -> None:
    """Our ID but not our reply (QR unset, another question, one label for three): dropped."""
    rule = FaultRule(udp=forgery, forged_records={"A": ["192.0.2.66"]})
    with FaultResponder(
        {"victim.example.org": {"A": ["192.0.2.1"]}}, faults={"victim.example.org": rule}
    ) as r:
        answer, _ = _lookup(kind, r, "victim.example.org", "A", timeout=2.0)
    assert (AnswerStatus.ANSWER, ("192.0.2.1",)) == (answer.status, answer.records)


def test_a_spray_to_the_port_of_an_earlier_query_poisons_nothing() -> None:
    """RFC 5452 §9.2: the port of one query tells nothing of the next one's.

    The attacker owns a domain in the run, so it sees the source port of the
    question about it; it then sprays all 65,536 IDs of a forged answer for the
    victim's question to that port, from the server's address. With one socket
    for the whole run that poisoned the cache every time.
    """
    records = {
        "attacker.example.org": {"A": ["192.0.2.9"]},
        "victim.example.org": {"MX": ["10 mx1.mail.ovh.net."]},
    }
    faults: dict[str | tuple[str, str], Fault | FaultRule] = {
        "victim.example.org": FaultRule(delay=1.0)
    }
    with FaultResponder(records, faults=faults) as r:
        source = AsyncStubSource(r.host, port=r.port, timeout=3.0, tries=1)
        forged = dns.message.make_response(dns.message.make_query("victim.example.org", "MX"))
        template = forged.to_wire()  # NOERROR, no MX: the poison reads "mx.missing"

        async def run() -> Answer:
            try:
                await source.lookup_async("attacker.example.org", "A")
                [learnt] = {q.source_port for q in r.queries if q.name == "attacker.example.org"}
                victim = asyncio.ensure_future(source.lookup_async("victim.example.org", "MX"))
                await asyncio.sleep(0.1)  # the victim's question is out
                wires = [qid.to_bytes(2, "big") + template[2:] for qid in range(0x10000)]
                await asyncio.to_thread(r.spray, learnt, wires)
                return await victim
            finally:
                source.close()

        answer = asyncio.run(run())
        ports = {q.source_port for q in r.queries}
    assert (AnswerStatus.ANSWER, 1) == (answer.status, len(answer.records))
    assert 2 == len(ports)


def test_every_query_leaves_from_a_port_of_its_own() -> None:
    """Twelve questions at once, twelve source ports; a retry too leaves from a new one."""
    records = {f"h{i}.example.org": {"A": [f"192.0.2.{i + 1}"]} for i in range(12)}
    with FaultResponder(records, faults={"drop.example.org": Fault.DROP}) as r:
        source = AsyncStubSource(r.host, port=r.port, timeout=0.3, tries=2)

        async def run() -> list[Answer]:
            try:
                return await asyncio.gather(
                    *(source.lookup_async(f"h{i}.example.org", "A") for i in range(12)),
                    source.lookup_async("drop.example.org", "A"),
                )
            finally:
                source.close()

        answers = asyncio.run(run())
        ports = [q.source_port for q in r.queries]
        open_after = len(source.transport.ports)
    assert 12 == sum(a.status is AnswerStatus.ANSWER for a in answers)
    assert 14 == len(ports) == len(set(ports))
    assert 0 == open_after


def test_a_full_pool_picks_sockets_at_random_and_renews_them() -> None:
    """Pool of 4, 8 questions a socket: 64 questions use 8 ports or more, none over 8 times."""
    records = {f"h{i}.example.org": {"A": ["192.0.2.1"]} for i in range(64)}
    with FaultResponder(records) as r:
        source = AsyncStubSource(r.host, port=r.port, timeout=2.0, tries=1)
        source.transport.max_sockets = 4
        source.transport.socket_uses = 8

        async def run() -> list[Answer]:
            try:
                return await asyncio.gather(
                    *(source.lookup_async(f"h{i}.example.org", "A") for i in range(64))
                )
            finally:
                source.close()

        answers = asyncio.run(run())
        ports = [q.source_port for q in r.queries]
    assert all(a.status is AnswerStatus.ANSWER for a in answers)
    assert len(set(ports)) >= 8
    assert max(ports.count(p) for p in set(ports)) <= 8
    assert ([], set()) == (source.transport.ports, source.transport.draining)


# -- 1. the work one domain causes is bounded -----------------------------------


def test_a_domain_with_thousands_of_mx_hosts_causes_a_few_dozen_questions() -> None:
    """1,500 foreign MX hosts: addresses of MAX_MX_LOOKUPS looked up, the rest reported."""
    records = correct_records()
    hosts = [f"10 h{i}.mx.example.net." for i in range(1500)]
    records[DOMAIN] = {**records[DOMAIN], "MX": hosts}
    with FaultResponder(presentation(records)) as r:
        source = AsyncStubSource(r.host, port=r.port, timeout=2.0, tries=1)

        async def run() -> None:
            try:
                diagnosis = await check_domain_async(SETUP, source, deadline=20.0)
            finally:
                source.close()
            codes = {f.code: f for f in diagnosis.findings if f.check is Check.MX}
            assert Status.WARNING is codes["mx.exchanges_not_checked"].status
            assert "mx.missing" in codes
            assert "1490 were not looked up" in codes["mx.exchanges_not_checked"].message

        asyncio.run(run())
        asked = r.count(name=None)
        host_questions = sum(1 for q in r.queries if q.name.endswith(".mx.example.net"))
    assert host_questions == 2 * MAX_MX_LOOKUPS
    assert asked < 100


def test_questions_on_one_socket_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past MAX_IN_FLIGHT questions waiting on every socket, a question fails at once."""
    monkeypatch.setattr(stubasync, "MAX_IN_FLIGHT", 2)
    with FaultResponder({}, faults={"*": Fault.DROP}) as r:
        source = AsyncStubSource(r.host, port=r.port, timeout=1.0, tries=1)
        source.transport.max_sockets = 1
        source.transport.socket_uses = 1_000_000

        async def run() -> tuple[list[Answer], float]:
            try:
                started = time.monotonic()
                waiting = [source.lookup_soon(f"n{i}.example.org", "A") for i in range(3)]
                third = waiting[2]
                assert isinstance(third, asyncio.Future)
                failed = await third
                return [failed], time.monotonic() - started
            finally:
                source.close()

        [failed], took = asyncio.run(run())
    assert (AnswerStatus.FAILURE, FailureCause.OTHER) == (failed.status, failed.cause)
    assert "questions waiting" in failed.detail
    assert took < 0.5


def test_id_allocation_fails_fast_when_every_id_is_taken() -> None:
    """No free ID: an error after MAX_ID_DRAWS draws, never a loop."""
    started = time.monotonic()
    with pytest.raises(stubwire.IdsExhausted):
        stubwire.new_id(range(0x10000))
    assert time.monotonic() - started < 1.0


def test_a_question_with_no_free_id_fails_and_the_others_go_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The transport turns IdsExhausted into a failure of that question alone."""

    def exhausted(busy: object = ()) -> int:
        raise stubwire.IdsExhausted("no free message ID")

    with FaultResponder({"example.org": {"A": ["192.0.2.1"]}}) as r:
        source = AsyncStubSource(r.host, port=r.port, timeout=1.0, tries=1)
        with monkeypatch.context() as patch:
            patch.setattr(stubasync, "new_id", exhausted)
            failed = source.lookup("example.org", "A")
        answered = source.lookup("other.example.org", "A")
    assert (AnswerStatus.FAILURE, FailureCause.OTHER) == (failed.status, failed.cause)
    assert AnswerStatus.NXDOMAIN is answered.status


# -- 4. answers are bounded in memory -------------------------------------------


def test_the_cache_is_bounded_in_bytes() -> None:
    """60 KB TXT answers: the cache keeps what fits in max_bytes, not max_entries of them."""
    big = Answer(Query("x0.example", "TXT"), AnswerStatus.ANSWER, (TXT((b"a" * 60_000,)),), 300)
    cache = DnsCache(max_bytes=1_000_000)
    for i in range(100):
        cache.put(Answer(Query(f"x{i}.example", "TXT"), big.status, big.records, 300))
    assert cache.size <= 1_000_000
    assert len(cache) == 1_000_000 // answer_size(big)
    assert cache.get(Query("x99.example", "TXT")) is not None  # the newest stay
    assert cache.get(Query("x0.example", "TXT")) is None
    assert DEFAULT_MAX_BYTES <= 64 * 1024 * 1024


# -- 7, 8, 9: failures never read as "missing" -----------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_an_extended_rcode_is_a_failure(kind: str) -> None:
    """BADVERS (16) has 0 in the header's RCODE: it is a failure, not an empty answer."""
    with FaultResponder(
        {"_dmarc.example.org": {"TXT": ['"v=DMARC1; p=none"']}},
        faults={"_dmarc.example.org": Fault.BADVERS},
    ) as r:
        answer, _ = _lookup(kind, r, "_dmarc.example.org", "TXT", timeout=1.0)
    assert AnswerStatus.FAILURE is answer.status


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("end", ["nxdomain", "data"])
def test_a_chain_past_the_limit_is_a_cname_loop(kind: str, end: str) -> None:
    """20 CNAMEs, ending nowhere or at data: CNAME_LOOP on every path."""
    links = 20
    records: dict[str, dict[str, list[str]]] = {
        f"c{i}.example.org": {"CNAME": [f"c{i + 1}.example.org."]} for i in range(links)
    }
    if end == "data":
        records[f"c{links}.example.org"] = {"TXT": ['"v=spf1 -all"']}
    with FaultResponder(records) as r:
        answer, _ = _lookup(kind, r, "c0.example.org", "TXT", timeout=1.0)
    assert (AnswerStatus.FAILURE, FailureCause.CNAME_LOOP) == (answer.status, answer.cause)
    assert MAX_CNAME_CHAIN == 16


@pytest.mark.parametrize("kind", KINDS)
def test_truncated_over_tcp_too_is_a_failure(kind: str) -> None:
    """TC over UDP and over TCP: a failure, never "no such record" (spf.missing)."""
    with FaultResponder(
        {"example.org": {"TXT": ['"v=spf1 -all"']}}, faults={"example.org": Fault.TC_ALWAYS}
    ) as r:
        answer, _ = _lookup(kind, r, "example.org", "TXT", timeout=1.0)
    assert (AnswerStatus.FAILURE, FailureCause.MALFORMED) == (answer.status, answer.cause)


def test_check_through_a_resolver_with_tc_everywhere_is_unknown() -> None:
    """The checker over ResolverSource (``check --nameserver``): UNKNOWN, not spf.missing."""
    with FaultResponder(
        presentation(correct_records()), faults={(DOMAIN, "TXT"): Fault.TC_ALWAYS}
    ) as r:
        source = ResolverSource(nameservers=[r.host], port=r.port, timeout=1.0, lifetime=2.0)
        diagnosis = check_domain(SETUP, source, deadline=10.0)
    spf = [f for f in diagnosis.findings if f.check is Check.SPF]
    assert spf
    assert all(f.status is Status.UNKNOWN for f in spf)


# -- 10. codec details, the same on every path ------------------------------------

Kind = Callable[[FaultResponder], Answer]


@pytest.mark.parametrize("kind", KINDS)
def test_an_ipv4_mapped_address_reads_as_rfc_5952_writes_it(kind: str) -> None:
    """RFC 5952 §5: ``::ffff:192.0.2.1``, whichever source reads it."""
    with FaultResponder({"v6.example.org": {"AAAA": ["::ffff:192.0.2.1", "::1:0"]}}) as r:
        answer, _ = _lookup(kind, r, "v6.example.org", "AAAA", timeout=1.0)
    assert ["::1:0", "::ffff:192.0.2.1"] == sorted(str(a) for a in answer.records)


@pytest.mark.parametrize("kind", KINDS)
def test_a_cname_to_the_root_keeps_via_cname(kind: str) -> None:
    """A CNAME to "." is followed: the answer is the root's (here NXDOMAIN), via_cname set."""
    with FaultResponder({"alias.example.org": {"CNAME": ["."]}}) as r:
        answer, _ = _lookup(kind, r, "alias.example.org", "TXT", timeout=1.0)
    assert (AnswerStatus.NXDOMAIN, "", True) == (
        answer.status,
        answer.canonical_name,
        answer.via_cname,
    )


@pytest.mark.parametrize("kind", KINDS)
def test_nodata_without_a_soa_is_cached_for_the_stated_ttl(kind: str) -> None:
    """No SOA in a negative answer: 300 s (dnspython's NEGATIVE_TTL_WITHOUT_SOA), on every path."""
    with FaultResponder({"example.org": {"A": ["192.0.2.1"]}}) as r:
        answer, _ = _lookup(kind, r, "example.org", "TXT", timeout=1.0)
    assert (AnswerStatus.NODATA, 300) == (answer.status, answer.ttl)


def test_dnspython_sees_the_extended_rcode_too() -> None:
    """The responder's BADVERS is what RFC 6891 says: header 0, OPT's upper bits 1."""
    with FaultResponder({}, faults={"*": Fault.BADVERS}) as r:
        import dns.query

        query = dns.message.make_query("example.org", dns.rdatatype.A, use_edns=0)
        response = dns.query.udp(query, r.host, port=r.port, timeout=1.0)
    assert (response.flags & 0xF, response.rcode()) == (0, 16)


# -- the edges of the transports -------------------------------------------------


class _UdpOnly:
    """A server that answers every UDP query truncated, with no TCP listener behind it."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.05)
        self.port: int = self.sock.getsockname()[1]
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                wire, peer = self.sock.recvfrom(512)
            except TimeoutError:
                continue
            response = dns.message.make_response(dns.message.from_wire(wire))
            response.flags |= dns.flags.TC
            self.sock.sendto(response.to_wire(), peer)

    def __enter__(self) -> _UdpOnly:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.thread.join()
        self.sock.close()


@pytest.mark.parametrize("kind", STUBS)
def test_a_tcp_retry_nobody_answers_is_no_nameserver(kind: str) -> None:
    """Truncated over UDP, and no TCP server on that port: NO_NAMESERVER, at once."""
    with _UdpOnly() as server:
        host_port = ("127.0.0.1", server.port)
        if kind == "stub":
            source: StubSource | AsyncStubSource = StubSource(host_port[0], port=host_port[1])
        else:
            source = AsyncStubSource(host_port[0], port=host_port[1])
        answer = source.lookup("example.org", "TXT")
    assert (AnswerStatus.FAILURE, FailureCause.NO_NAMESERVER) == (answer.status, answer.cause)
    assert answer.detail.startswith("TCP:")


def test_the_sync_transport_edges() -> None:
    """No deadline given is one lifetime; a deadline passed, a cut stream, a TCP mismatch."""
    with FaultResponder({"example.org": {"A": ["192.0.2.1"]}}) as r:
        transport = stubwire.StubTransport(r.host, r.port, timeout=1.0, tries=1)
        answer, _ = transport.ask(Query("example.org", "A"))
    assert ("192.0.2.1",) == answer.records
    with pytest.raises(TimeoutError):
        stubwire._left(time.monotonic() - 1)
    left, right = socket.socketpair()
    with left, right:
        right.sendall(b"\x00")
        right.close()
        with pytest.raises(EOFError):
            stubwire._recv_exactly(left, 2, time.monotonic() + 1)
    wire = encode_query(7, "other.example.org", "A")
    reply = bytes([wire[0], wire[1], 0x81, 0x80]) + wire[4:]
    failed, _ = stubwire.decode_tcp(reply, Query("example.org", "A"), 7)
    assert (FailureCause.MALFORMED, "TCP: response to another question") == (
        failed.cause,
        failed.detail,
    )


def test_an_earlier_deadline_moves_the_timer() -> None:
    """A question with less time left than those before it is timed out first."""
    ended: list[str] = []

    class Port:
        def __init__(self) -> None:
            self.pending: dict[int, object] = {}

    class Question:
        def __init__(self, name: str) -> None:
            self.name = name
            self.ends = 0.0

    async def run() -> None:
        loop = asyncio.get_running_loop()
        deadlines = Deadlines(loop, lambda port, question: ended.append(question.name))
        port = Port()
        late, early = Question("late"), Question("early")
        port.pending = {1: late, 2: early}
        now = loop.time()
        deadlines.add(late, port, 1, now + 0.4)
        deadlines.add(early, port, 2, now + 0.1)
        await asyncio.sleep(0.25)
        assert ["early"] == ended
        await asyncio.sleep(0.3)
        deadlines.cancel()

    asyncio.run(run())
    assert ["early", "late"] == ended


def test_questions_in_flight_are_counted_and_oversized_answers_not_kept() -> None:
    """``in_flight`` counts the questions waiting; an answer over max_bytes is not cached."""
    with FaultResponder({}, faults={"*": Fault.DROP}) as r:
        source = AsyncStubSource(r.host, port=r.port, timeout=1.0, tries=1)

        async def run() -> int:
            try:
                source.lookup_soon("a.example.org", "A")
                source.lookup_soon("b.example.org", "A")
                await asyncio.sleep(0)
                return source.transport.in_flight
            finally:
                source.close()

        assert 2 == asyncio.run(run())
    cache = DnsCache(max_bytes=1000)
    cache.put(Answer(Query("x.example", "TXT"), AnswerStatus.ANSWER, (TXT((b"a" * 2000,)),), 60))
    assert (0, 0) == (len(cache), cache.size)
