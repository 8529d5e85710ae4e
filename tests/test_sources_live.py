"""ResolverSource and AsyncResolverSource against an in-process responder on 127.0.0.1."""

from __future__ import annotations

import asyncio
import collections
import socket
import threading
import time
from collections.abc import Iterator

import dns.asyncresolver
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdataset
import dns.rdatatype
import dns.resolver
import dns.rrset
import dns.zone
import pytest

from emailpro_core.sources import AsyncResolverSource, DnsCache, ResolverSource
from emailpro_core.sources._answers import MX, TXT, Answer, AnswerStatus, FailureCause, Query, RData

LOOPBACK = "127.0.0.1"
# The TXT record of wide.example.test: four 225-byte strings, more than the
# 512 bytes of plain DNS, as a 2048-bit DKIM key record is.
WIDE_STRINGS = (b"k" * 225,) * 4
WIDE_TEXT_SIZE = sum(len(part) + 1 for part in WIDE_STRINGS)
ZONE = dns.zone.from_text(
    """
$TTL 600
@          SOA   ns hostmaster 1 7200 900 1209600 120
@          NS    ns
@          MX    10 mx.example.net.
@          TXT   "v=spf1 " "include:mx.ovh.com ~all"
@          A     192.0.2.1
ns         A     192.0.2.53
www   300  CNAME @
dangling   CNAME gone
big        TXT   "big"
xn--bcher-kva CNAME @
away       CNAME host.other.test.
lost       CNAME nothing.other.test.
wide       TXT   """
    + " ".join(f'"{part.decode()}"' for part in WIDE_STRINGS),
    origin="example.test",
    relativize=False,
)
# The zone another server would hold: its names are answered when asked directly.
OTHER = dns.zone.from_text(
    """
$TTL 300
@          SOA   ns hostmaster 1 7200 900 1209600 60
@          NS    ns
host       A     192.0.2.20
""",
    origin="other.test",
    relativize=False,
)
# A responder's behaviour is chosen by the first label of the question.
SILENT, GARBAGE, SLOW = "silent", "garbage", "slow"


class Responder:
    """A UDP (and TCP) DNS responder on 127.0.0.1 that answers from ZONE or misbehaves."""

    def __init__(self) -> None:
        self.udp, self.tcp = _bind_pair()
        self.port = self.udp.getsockname()[1]
        self.received: collections.Counter[tuple[str, str]] = collections.Counter()
        self.over_tcp = 0
        self.payloads: list[int] = []
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._serve_udp, daemon=True),
            threading.Thread(target=self._serve_tcp, daemon=True),
        ]

    def __enter__(self) -> Responder:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()
        self.udp.close()
        self.tcp.close()

    def count(self, name: str, rdtype: str) -> int:
        """How many queries for (name, rdtype) arrived, over UDP and TCP."""
        return self.received[(name, rdtype)]

    def _serve_udp(self) -> None:
        self.udp.settimeout(0.05)
        while not self._stop.is_set():
            try:
                wire, peer = self.udp.recvfrom(4096)
            except TimeoutError:
                continue
            reply = self._reply(wire, tcp=False)
            if reply is not None:
                self.udp.sendto(reply, peer)

    def _serve_tcp(self) -> None:
        self.tcp.settimeout(0.05)
        while not self._stop.is_set():
            try:
                conn, _ = self.tcp.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(1.0)
                size = int.from_bytes(conn.recv(2), "big")
                reply = self._reply(conn.recv(size), tcp=True)
                if reply is not None:
                    conn.sendall(len(reply).to_bytes(2, "big") + reply)

    def _reply(self, wire: bytes, *, tcp: bool) -> bytes | None:
        query = dns.message.from_wire(wire)
        question = query.question[0]
        name = question.name.to_text(omit_final_dot=True)
        rdtype = dns.rdatatype.to_text(question.rdtype)
        self.received[(name, rdtype)] += 1
        self.over_tcp += tcp
        # dnspython reports a query without EDNS as edns == -1, payload 0.
        self.payloads.append(query.payload if query.edns >= 0 else 512)
        mode = name.split(".")[0]
        if mode == SILENT:
            return None
        if mode == GARBAGE:
            return b"\x13\x37 not a DNS message"
        if mode == SLOW:
            time.sleep(0.1)
        response = dns.message.make_response(query)
        if mode in ("servfail", "refused", "formerr", "yxdomain"):
            response.set_rcode(dns.rcode.from_text(mode.upper()))
        elif mode == "big" and not tcp:
            response.flags |= dns.flags.TC
        elif mode == "wide" and not tcp and self.payloads[-1] < WIDE_TEXT_SIZE:
            # Like a real server: an answer larger than the offered payload
            # is truncated (RFC 6891 section 7; RFC 1035 section 4.2.1).
            response.flags |= dns.flags.TC
        elif mode == "cut":
            return None if tcp else _truncated(response)
        elif mode == "contradict":
            response.set_rcode(dns.rcode.NXDOMAIN)
            response.answer.append(dns.rrset.from_text(question.name, 60, "IN", "A", "192.0.2.9"))
        elif mode == "chain":
            for i in range(20):
                response.answer.append(
                    dns.rrset.from_text(
                        f"c{i}.{name}." if i else question.name,
                        60,
                        "IN",
                        "CNAME",
                        f"c{i + 1}.{name}.",
                    )
                )
        else:
            _answer_from_zone(response, question.name, question.rdtype)
        return response.to_wire()


def _truncated(response: dns.message.Message) -> bytes:
    response.flags |= dns.flags.TC
    return response.to_wire()


def _answer_from_zone(
    response: dns.message.Message, qname: dns.name.Name, rdtype: dns.rdatatype.RdataType
) -> None:
    """Answer like an authoritative server: follow CNAMEs, SOA in negative answers.

    A name outside the zone is another server's: the answer stops at the CNAME
    that leads there, with no SOA (asked directly, it is answered from OTHER).
    """
    assert OTHER.origin is not None
    zone = OTHER if qname.is_subdomain(OTHER.origin) else ZONE
    origin = zone.origin
    assert origin is not None
    name = qname
    for _ in range(8):
        if not name.is_subdomain(origin):
            return
        node = zone.get_node(name)
        if node is None:
            response.set_rcode(dns.rcode.NXDOMAIN)
            break
        found = node.get_rdataset(dns.rdataclass.IN, rdtype)
        alias = node.get_rdataset(dns.rdataclass.IN, dns.rdatatype.CNAME)
        if found is not None:
            response.answer.append(_rrset(name, found))
            return
        if alias is None:
            break
        response.answer.append(_rrset(name, alias))
        name = alias[0].target
    soa = zone.get_rdataset(origin, "SOA")
    assert soa is not None
    response.authority.append(_rrset(origin, soa))


def _rrset(name: dns.name.Name, rdataset: dns.rdataset.Rdataset) -> dns.rrset.RRset:
    return dns.rrset.from_rdata_list(name, rdataset.ttl, list(rdataset))


def _bind_pair() -> tuple[socket.socket, socket.socket]:
    """A UDP and a TCP socket on the same free port of 127.0.0.1."""
    for _ in range(50):
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.bind((LOOPBACK, 0))
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            tcp.bind((LOOPBACK, udp.getsockname()[1]))
        except OSError:
            udp.close()
            tcp.close()
            continue
        tcp.listen(8)
        return udp, tcp
    raise RuntimeError("no free port pair on 127.0.0.1")  # pragma: no cover


@pytest.fixture
def responder() -> Iterator[Responder]:
    """A responder running for one test."""
    with Responder() as running:
        yield running


def sync_source(responder: Responder, **options: object) -> ResolverSource:
    """A ResolverSource asking the responder, with short timeouts."""
    return ResolverSource(
        nameservers=[LOOPBACK],
        port=responder.port,
        timeout=0.2,
        lifetime=0.5,
        **options,  # type: ignore[arg-type]
    )


def async_source(responder: Responder, **options: object) -> AsyncResolverSource:
    """An AsyncResolverSource asking the responder, with short timeouts."""
    return AsyncResolverSource(
        nameservers=[LOOPBACK],
        port=responder.port,
        timeout=0.2,
        lifetime=0.5,
        **options,  # type: ignore[arg-type]
    )


def ask(kind: str, source: ResolverSource | AsyncResolverSource, name: str, rdtype: str) -> Answer:
    """One lookup through the sync or the async entry point."""
    if kind == "sync":
        return source.lookup(name, rdtype)
    return asyncio.run(source.lookup_async(name, rdtype))


def make_source(
    kind: str, responder: Responder, **options: object
) -> ResolverSource | AsyncResolverSource:
    """A source of the asked kind pointed at the responder."""
    return (
        sync_source(responder, **options) if kind == "sync" else async_source(responder, **options)
    )


KINDS = pytest.mark.parametrize("kind", ["sync", "async"])
BOTH = (TXT((b"v=spf1 ", b"include:mx.ovh.com ~all")),)
OK, NODATA, NX = AnswerStatus.ANSWER, AnswerStatus.NODATA, AnswerStatus.NXDOMAIN
MXS = (MX(10, "mx.example.net"),)


@KINDS
@pytest.mark.parametrize(
    ("name", "rdtype", "status", "records", "ttl", "canonical"),
    [
        ("example.test", "MX", OK, MXS, 600, "example.test"),
        ("Example.TEST.", "mx", OK, MXS, 600, "example.test"),
        ("example.test", "TXT", OK, BOTH, 600, "example.test"),
        ("www.example.test", "A", OK, ("192.0.2.1",), 300, "example.test"),
        ("www.example.test", "CNAME", OK, ("example.test",), 300, "www.example.test"),
        ("bücher.example.test", "A", OK, ("192.0.2.1",), 600, "example.test"),
        ("big.example.test", "TXT", OK, (TXT((b"big",)),), 600, "big.example.test"),
        ("example.test", "AAAA", NODATA, (), 120, "example.test"),
        ("www.example.test", "AAAA", NODATA, (), 120, "example.test"),
        ("nope.example.test", "A", NX, (), 120, "nope.example.test"),
        ("dangling.example.test", "A", NX, (), 120, "gone.example.test"),
        # The target is another server's: the answer stops at the CNAME; it is asked next.
        ("away.example.test", "A", OK, ("192.0.2.20",), 300, "host.other.test"),
        ("lost.example.test", "A", NX, (), 60, "nothing.other.test"),
        ("away.example.test", "CNAME", OK, ("host.other.test",), 600, "away.example.test"),
    ],
)
def test_answers(
    kind: str,
    responder: Responder,
    name: str,
    rdtype: str,
    status: AnswerStatus,
    records: tuple[RData, ...],
    ttl: int,
    canonical: str,
) -> None:
    """Answers, no data and no such name come back with records, TTL and canonical name."""
    answer = ask(kind, make_source(kind, responder), name, rdtype)
    assert (status, records, ttl, canonical, None) == (
        answer.status,
        answer.records,
        answer.ttl,
        answer.canonical_name,
        answer.cause,
    )
    assert Query(name, rdtype) == answer.query


@KINDS
@pytest.mark.parametrize(
    ("name", "rdtype", "cause", "detail"),
    [
        ("servfail.example.test", "A", FailureCause.SERVFAIL, "answered SERVFAIL"),
        ("refused.example.test", "MX", FailureCause.REFUSED, "answered REFUSED"),
        ("formerr.example.test", "A", FailureCause.OTHER, "answered FORMERR"),
        ("silent.example.test", "A", FailureCause.TIMEOUT, "lifetime expired"),
        ("garbage.example.test", "TXT", FailureCause.TIMEOUT, "lifetime expired"),
        ("contradict.example.test", "A", FailureCause.MALFORMED, "NXDOMAIN"),
        ("cut.example.test", "A", FailureCause.MALFORMED, "answered"),
        ("chain.example.test", "A", FailureCause.CNAME_LOOP, "answered"),
        ("yxdomain.example.test", "A", FailureCause.OTHER, "YXDOMAIN"),
        ("example.test", "ANY", FailureCause.OTHER, "meta-type"),
        ("example.test", "NOSUCHTYPE", FailureCause.OTHER, "UnknownRdatatype"),
        ("a..example.test", "A", FailureCause.OTHER, "EmptyLabel"),
        ("x" * 64 + ".example.test", "A", FailureCause.OTHER, "LabelTooLong"),
        ("\ud800.example.test", "A", FailureCause.OTHER, "not allowed"),
    ],
)
def test_failures(
    kind: str, responder: Responder, name: str, rdtype: str, cause: FailureCause, detail: str
) -> None:
    """Every way a lookup can fail is a FAILURE answer with its cause, never an exception."""
    answer = ask(kind, make_source(kind, responder), name, rdtype)
    assert (AnswerStatus.FAILURE, cause, ()) == (answer.status, answer.cause, answer.records)
    assert detail in answer.detail


@KINDS
def test_no_nameserver(kind: str) -> None:
    """A source with no nameserver answers NO_NAMESERVER."""
    source: ResolverSource | AsyncResolverSource = (
        ResolverSource(nameservers=[]) if kind == "sync" else AsyncResolverSource(nameservers=[])
    )
    answer = ask(kind, source, "example.test", "A")
    assert (answer.status, answer.cause) == (AnswerStatus.FAILURE, FailureCause.NO_NAMESERVER)
    assert answer.detail == "no nameserver to ask for example.test A"


class Clock:
    """A clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@KINDS
@pytest.mark.parametrize(
    ("name", "rdtype", "lifetime"),
    [
        ("example.test", "MX", 600),
        ("www.example.test", "A", 300),
        ("nope.example.test", "A", 120),
        ("example.test", "AAAA", 120),
        ("servfail.example.test", "A", 5),
    ],
)
def test_cache_honours_ttl(
    kind: str, responder: Responder, name: str, rdtype: str, lifetime: int
) -> None:
    """An answer is served from the cache until its TTL runs out, then asked again."""
    clock = Clock()
    source = make_source(kind, responder, cache=DnsCache(clock=clock))
    first = ask(kind, source, name, rdtype)
    clock.now += lifetime - 1
    second = ask(kind, source, name, rdtype)
    assert (responder.count(name, rdtype), source.queries_sent, source.cache_hits) == (1, 1, 1)
    assert (first.status, first.records, 1) == (second.status, second.records, second.ttl)
    clock.now += 1
    ask(kind, source, name, rdtype)
    assert (responder.count(name, rdtype), source.queries_sent, source.cache_hits) == (2, 2, 1)


@KINDS
def test_large_answers_come_over_udp_with_edns(kind: str, responder: Responder) -> None:
    """EDNS0 offers 1232 bytes, so a DKIM-sized answer needs no TCP retry."""
    answer = ask(kind, make_source(kind, responder), "wide.example.test", "TXT")
    assert answer.status is OK
    assert answer.records == (TXT(WIDE_STRINGS),)
    assert responder.payloads == [1232]
    assert responder.over_tcp == 0


@KINDS
def test_failures_not_cached_when_failure_ttl_is_zero(kind: str, responder: Responder) -> None:
    """failure_ttl=0 sends the question again after every failure."""
    source = make_source(kind, responder, cache=DnsCache(failure_ttl=0))
    for _ in range(3):
        ask(kind, source, "refused.example.test", "A")
    assert (
        responder.count("refused.example.test", "A"),
        source.queries_sent,
        source.cache_hits,
    ) == (3, 3, 0)


def test_one_cache_serves_sync_and_async(responder: Responder) -> None:
    """A cache shared by a sync and an async source answers both from one query."""
    cache = DnsCache()
    sync, async_ = sync_source(responder, cache=cache), async_source(responder, cache=cache)
    first = sync.lookup("example.test", "MX")
    second = asyncio.run(async_.lookup_async("example.test", "mx"))
    assert (first.records, Query("example.test", "mx")) == (second.records, second.query)
    assert (
        responder.count("example.test", "MX"),
        sync.queries_sent,
        async_.queries_sent,
        async_.cache_hits,
    ) == (1, 1, 0, 1)


def test_inflight_queries_are_shared(responder: Responder) -> None:
    """Concurrent lookups of one question send one query and get the same records."""
    source = async_source(responder)

    async def many() -> list[Answer]:
        return list(
            await asyncio.gather(
                *(source.lookup_async("slow.example.test", t) for t in ("A", "a", "A", "TYPE1"))
            )
        )

    answers = asyncio.run(many())
    assert responder.count("slow.example.test", "A") == 1
    assert (source.queries_sent, source.queries_shared, source.cache_hits) == (1, 3, 0)
    assert [Query("slow.example.test", t) for t in ("A", "a", "A", "TYPE1")] == [
        a.query for a in answers
    ]
    assert {AnswerStatus.NXDOMAIN} == {a.status for a in answers}


def test_shared_query_survives_a_cancelled_waiter(responder: Responder) -> None:
    """Cancelling the lookup that sent a query does not cancel it for the other waiters."""
    source = async_source(responder)

    async def scenario() -> Answer:
        first = asyncio.ensure_future(source.lookup_async("slow.example.test", "MX"))
        second = asyncio.ensure_future(source.lookup_async("slow.example.test", "MX"))
        await asyncio.sleep(0.01)
        first.cancel()
        answer = await second
        assert first.cancelled()
        return answer

    answer = asyncio.run(scenario())
    assert (answer.status, responder.count("slow.example.test", "MX")) == (AnswerStatus.NXDOMAIN, 1)


def test_async_source_sync_lookup(responder: Responder) -> None:
    """AsyncResolverSource.lookup works with and without a running event loop."""
    source = async_source(responder)
    outside = source.lookup("example.test", "A")

    async def inside() -> Answer:
        return source.lookup("www.example.test", "A")

    within = asyncio.run(inside())
    assert (outside.records, within.records) == (("192.0.2.1",), ("192.0.2.1",))
    assert source.queries_sent == 2


def test_sync_source_async_lookup(responder: Responder) -> None:
    """ResolverSource.lookup_async answers through a worker thread."""
    source = sync_source(responder)
    answer = asyncio.run(source.lookup_async("example.test", "MX"))
    assert (MX(10, "mx.example.net"),) == answer.records


@KINDS
def test_prebuilt_resolver(kind: str, responder: Responder) -> None:
    """A resolver passed in is used as it is."""
    source: ResolverSource | AsyncResolverSource
    if kind == "sync":
        resolver: dns.resolver.BaseResolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [LOOPBACK]
        resolver.port = responder.port
        source = ResolverSource(resolver)  # type: ignore[arg-type]
    else:
        resolver = dns.asyncresolver.Resolver(configure=False)
        resolver.nameservers = [LOOPBACK]
        resolver.port = responder.port
        source = AsyncResolverSource(resolver)
    assert resolver is source.resolver
    assert ask(kind, source, "example.test", "A").records == ("192.0.2.1",)


@pytest.mark.parametrize(
    ("args", "options", "error", "message"),
    [
        ((), {}, TypeError, "give a resolver or the nameservers to ask"),
        ((dns.resolver.Resolver(configure=False),), {"port": 53}, TypeError, "not both"),
        ((object(),), {}, TypeError, "resolver must be a dns.resolver.Resolver, not object"),
        ((), {"nameservers": "127.0.0.1"}, TypeError, "not one str"),
        ((), {"nameservers": [1]}, TypeError, "a nameserver must be a str, not int"),
        ((), {"nameservers": ["not an address"]}, ValueError, "invalid nameservers"),
        ((), {"nameservers": [LOOPBACK], "cache": {}}, TypeError, "cache must be a DnsCache"),
    ],
)
def test_bad_construction(
    args: tuple[object, ...], options: dict[str, object], error: type[Exception], message: str
) -> None:
    """Bad constructor arguments raise a clear TypeError or ValueError."""
    with pytest.raises(error, match=message):
        ResolverSource(*args, **options)  # type: ignore[arg-type]


def test_async_rejects_sync_resolver() -> None:
    """AsyncResolverSource wants an async resolver."""
    with pytest.raises(TypeError, match=r"dns\.asyncresolver\.Resolver"):
        AsyncResolverSource(dns.resolver.Resolver(configure=False))  # type: ignore[arg-type]


@KINDS
def test_lookup_wants_str(kind: str, responder: Responder) -> None:
    """A non-str name is a TypeError, not a DNS outcome."""
    with pytest.raises(TypeError, match="a name must be a str, not bytes"):
        ask(kind, make_source(kind, responder), b"example.test", "A")  # type: ignore[arg-type]


def test_repr(responder: Responder) -> None:
    """The repr names the nameservers."""
    assert repr(sync_source(responder)) == "<ResolverSource ['127.0.0.1']>"
    assert repr(async_source(responder)) == "<AsyncResolverSource ['127.0.0.1']>"
