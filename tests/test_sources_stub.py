"""The stub sources, against the fault-injection responder on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator, Sequence

import pytest

from emailpro_core.sources import _stub as source_stub
from emailpro_core.sources._answers import MX, SRV, TXT, Answer, AnswerStatus, FailureCause, Query
from emailpro_core.sources._cache import DnsCache
from emailpro_core.sources._livebase import chase
from emailpro_core.sources._stub import AsyncStubSource, StubSource
from emailpro_core.sources._wire import stubport
from emailpro_core.sources._wire.stubasync import AsyncStubTransport, ReplyCallback
from faults import Fault, FaultResponder, FaultRule, cname_loop

RECORDS = {
    "example.org": {
        "MX": ["1 mx0.mail.ovh.net.", "5 mx1.mail.ovh.net."],
        "TXT": ['"v=spf1 include:mx.ovh.com ~all"'],
    },
    "_autodiscover._tcp.example.org": {"SRV": ["0 0 443 pro1.mail.ovh.net."]},
    "www.example.org": {"CNAME": ["host.example.org."]},
    "host.example.org": {"A": ["192.0.2.10"], "AAAA": ["2001:db8::10"]},
    **cname_loop("a.loop.example.org", "b.loop.example.org"),
}
FAULTS: dict[str | tuple[str, str], Fault | FaultRule] = {
    "drop.example.org": Fault.DROP,
    "servfail.example.org": Fault.SERVFAIL,
    "refused.example.org": Fault.REFUSED,
    "garbage.example.org": Fault.GARBAGE,
    "wrongid.example.org": Fault.WRONG_ID,
    ("example.org", "MX"): Fault.TRUNCATE,
    "tcpfail.example.org": FaultRule(udp=Fault.TRUNCATE, tcp=Fault.DROP),
    "tcpgarbage.example.org": FaultRule(udp=Fault.TRUNCATE, tcp=Fault.GARBAGE),
    "tcptrunc.example.org": FaultRule(udp=Fault.TRUNCATE, tcp=Fault.TRUNCATE),
}


@pytest.fixture(scope="module")
def responder() -> Iterator[FaultResponder]:
    """One misbehaving server for the whole module."""
    with FaultResponder(RECORDS, faults=FAULTS) as running:
        yield running


def _sources(responder: FaultResponder) -> tuple[StubSource, AsyncStubSource]:
    options = {"port": responder.port, "timeout": 0.3, "tries": 1}
    return StubSource(responder.host, **options), AsyncStubSource(responder.host, **options)  # type: ignore[arg-type]


def _warm(responder: FaultResponder, name: str, rdtype: str, *, tries: int = 1) -> Answer:
    """A lookup on a socket already open (another lookup opened it)."""
    source = AsyncStubSource(responder.host, port=responder.port, timeout=0.3, tries=tries)

    async def run() -> Answer:
        await source.lookup_async("host.example.org", "A")  # opens the socket
        try:
            return await source.lookup_async(name, rdtype)
        finally:
            source.close()

    return asyncio.run(run())


def _both(responder: FaultResponder, name: str, rdtype: str) -> tuple[Answer, Answer, Answer]:
    """The sync lookup, the async one on a new socket, and the async one on an open socket."""
    sync, asynchronous = _sources(responder)
    return (
        sync.lookup(name, rdtype),
        asynchronous.lookup(name, rdtype),
        _warm(responder, name, rdtype),
    )


@pytest.mark.parametrize(
    ("name", "rdtype", "records", "canonical"),
    [
        (
            "example.org",
            "MX",
            {MX(1, "mx0.mail.ovh.net"), MX(5, "mx1.mail.ovh.net")},
            "example.org",
        ),
        ("Example.ORG.", "TXT", {TXT((b"v=spf1 include:mx.ovh.com ~all",))}, "example.org"),
        (
            "_autodiscover._tcp.example.org",
            "SRV",
            {SRV(0, 0, 443, "pro1.mail.ovh.net")},
            "_autodiscover._tcp.example.org",
        ),
        ("www.example.org", "A", {"192.0.2.10"}, "host.example.org"),
        ("www.example.org", "AAAA", {"2001:db8::10"}, "host.example.org"),
        ("www.example.org", "CNAME", {"host.example.org"}, "www.example.org"),
    ],
)
def test_answers(
    responder: FaultResponder, name: str, rdtype: str, records: set[object], canonical: str
) -> None:
    """Both stub sources read records, follow CNAMEs and retry truncated replies over TCP."""
    for answer in _both(responder, name, rdtype):
        assert (answer.status, set(answer.records), answer.canonical_name) == (
            AnswerStatus.ANSWER,
            records,
            canonical,
        )
        assert answer.query == Query(name, rdtype)


@pytest.mark.parametrize(
    ("name", "rdtype", "status", "cause"),
    [
        ("missing.example.org", "A", AnswerStatus.NXDOMAIN, None),
        ("host.example.org", "MX", AnswerStatus.NODATA, None),
        ("drop.example.org", "A", AnswerStatus.FAILURE, FailureCause.TIMEOUT),
        ("wrongid.example.org", "A", AnswerStatus.FAILURE, FailureCause.TIMEOUT),
        ("servfail.example.org", "A", AnswerStatus.FAILURE, FailureCause.SERVFAIL),
        ("refused.example.org", "A", AnswerStatus.FAILURE, FailureCause.REFUSED),
        ("garbage.example.org", "A", AnswerStatus.FAILURE, FailureCause.MALFORMED),
        ("a.loop.example.org", "A", AnswerStatus.FAILURE, FailureCause.CNAME_LOOP),
        ("tcpfail.example.org", "A", AnswerStatus.FAILURE, FailureCause.TIMEOUT),
        ("tcpgarbage.example.org", "A", AnswerStatus.FAILURE, FailureCause.MALFORMED),
        ("tcptrunc.example.org", "A", AnswerStatus.FAILURE, FailureCause.MALFORMED),
    ],
)
def test_outcomes(
    responder: FaultResponder,
    name: str,
    rdtype: str,
    status: AnswerStatus,
    cause: FailureCause | None,
) -> None:
    """Negative answers and every server fault become answers with their cause, on both paths."""
    for answer in _both(responder, name, rdtype):
        assert (answer.status, answer.cause) == (status, cause)


def test_cache_and_counters(responder: FaultResponder) -> None:
    """A second lookup is a cache hit; the sources count what they send."""
    cache = DnsCache()
    source = StubSource(responder.host, port=responder.port, cache=cache)
    first = source.lookup("host.example.org", "A")
    second = source.lookup("host.example.org", "A")
    assert (first.records, second.records) == (("192.0.2.10",), ("192.0.2.10",))
    assert (source.queries_sent, source.cache_hits, source.transport.sent) == (1, 1, 1)
    shared = AsyncStubSource(responder.host, port=responder.port, cache=cache)
    assert shared.lookup("host.example.org", "A").records == ("192.0.2.10",)
    assert shared.queries_sent == 0


def test_concurrent_lookups_share_one_query(responder: FaultResponder) -> None:
    """Concurrent async lookups of one question send one query on one socket."""
    source = AsyncStubSource(responder.host, port=responder.port)

    async def many() -> list[Answer]:
        answers = await asyncio.gather(
            *(source.lookup_async("_autodiscover._tcp.example.org", "SRV") for _ in range(20))
        )
        answers += await asyncio.gather(
            *(source.lookup_async(f"n{i}.example.org", "A") for i in range(50))
        )
        source.close()
        return answers

    before = responder.count("_autodiscover._tcp.example.org")
    answers = asyncio.run(many())
    assert responder.count("_autodiscover._tcp.example.org") - before == 1
    assert (source.queries_sent, source.queries_shared) == (51, 19)
    assert {a.status for a in answers[20:]} == {AnswerStatus.NXDOMAIN}


def test_no_server_listening() -> None:
    """A port where nothing listens gives a failure, never an exception."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    for source in (
        StubSource("127.0.0.1", port=port, timeout=0.2, tries=1),
        AsyncStubSource("127.0.0.1", port=port, timeout=0.2, tries=1),
    ):
        answer = source.lookup("example.org", "A")
        assert answer.status is AnswerStatus.FAILURE
        assert answer.cause in (FailureCause.NO_NAMESERVER, FailureCause.TIMEOUT)


@pytest.mark.parametrize(
    ("name", "rdtype", "detail"),
    [
        ("a" * 64 + ".org", "A", "cannot encode label"),
        ("example.org", "HINFO", "unsupported record type"),
    ],
)
def test_questions_that_cannot_be_sent(
    responder: FaultResponder, name: str, rdtype: str, detail: str
) -> None:
    """A question the codec cannot encode is a failure that says why."""
    for answer in _both(responder, name, rdtype):
        assert (answer.status, answer.cause) == (AnswerStatus.FAILURE, FailureCause.OTHER)
        assert detail in answer.detail


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"nameserver": "ns.example.org"}, "must be an IP address"),
        ({"port": 0}, "port must be between"),
        ({"timeout": 0}, "timeout must be a positive"),
        ({"tries": 0}, "tries must be at least 1"),
    ],
)
def test_bad_options(kwargs: dict[str, object], message: str) -> None:
    """Bad options raise a ValueError that names the option."""
    nameserver = kwargs.pop("nameserver", "127.0.0.1")
    with pytest.raises(ValueError, match=message):
        StubSource(nameserver, **kwargs)  # type: ignore[arg-type]


def test_repr_and_type_errors() -> None:
    """Reprs name the server; a non-str name is a TypeError."""
    assert repr(AsyncStubSource("::1", port=53)) == "<AsyncStubSource ::1:53>"
    with pytest.raises(TypeError, match="a nameserver must be a str"):
        StubSource(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="a name must be a str"):
        StubSource("127.0.0.1").lookup(b"x", "A")  # type: ignore[arg-type]


def test_async_source_from_a_running_loop_uses_lookup_async(responder: FaultResponder) -> None:
    """The sync wrapper of StubSource works from inside an event loop through lookup_async."""
    source = StubSource(responder.host, port=responder.port)
    answer = asyncio.run(source.lookup_async("host.example.org", "A"))
    assert answer.records == ("192.0.2.10",)


def _drive(
    query: Query, replies: Sequence[tuple[Answer, str | None]]
) -> tuple[Answer, list[Query]]:
    steps = chase(query)
    asked = [next(steps)]
    try:
        for reply in replies:
            asked.append(steps.send(reply))
    except StopIteration as done:
        return done.value, asked
    raise AssertionError("the chase did not finish")


def test_chase_follows_targets_and_stops_loops() -> None:
    """Open CNAME targets are asked for in turn; a loop or an endless chain is a failure."""
    q = Query("mail.example.org", "MX")
    hop1 = Answer(q, AnswerStatus.NODATA, canonical_name="x.example.net")
    final = Answer(
        Query("x.example.net", "MX"), AnswerStatus.ANSWER, (MX(1, "mx.example.net"),), ttl=60
    )
    answer, asked = _drive(q, [(hop1, "x.example.net"), (final, None)])
    assert [a.name for a in asked] == ["mail.example.org", "x.example.net"]
    assert (answer.query, answer.records, answer.canonical_name, answer.ttl) == (
        q,
        (MX(1, "mx.example.net"),),
        "x.example.net",
        0,
    )
    looped, _ = _drive(q, [(hop1, "x.example.net"), (hop1, "mail.example.org")])
    assert looped.cause is FailureCause.CNAME_LOOP
    longest = [(hop1, f"h{i}.example.net") for i in range(7)] + [(final, None)]
    answer, asked = _drive(q, [(hop1, "x.example.net"), *longest])
    assert (AnswerStatus.ANSWER, 9) == (answer.status, len(asked))
    endless = [(hop1, f"h{i}.example.net") for i in range(20)]
    answer, asked = _drive(q, endless)
    assert (answer.cause, answer.detail, len(asked)) == (
        FailureCause.CNAME_LOOP,
        "CNAME chain too long",
        9,
    )


def test_transport_survives_a_new_event_loop(responder: FaultResponder) -> None:
    """One async source used from two successive event loops reopens its socket."""
    source = AsyncStubSource(responder.host, port=responder.port)

    async def ask(rdtype: str) -> Answer:
        try:
            return await source.lookup_async("host.example.org", rdtype)
        finally:
            source.close()

    first = asyncio.run(ask("A"))
    second = asyncio.run(ask("AAAA"))
    assert (first.records, second.records) == (("192.0.2.10",), ("2001:db8::10",))


class HeldTransport(AsyncStubTransport):
    """A transport whose questions end when the test says so (no network)."""

    def __init__(self) -> None:
        super().__init__("127.0.0.1", 53, timeout=1.0, tries=1)
        self.asked: list[tuple[Query, ReplyCallback]] = []

    def ask_then(
        self,
        query: Query,
        done: ReplyCallback,
        expires: float | None = None,
        *,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> float:
        assert loop is asyncio.get_running_loop()  # the source passes the loop it runs in
        self.asked.append((query, done))
        return 1.0 if expires is None else expires

    @property
    def is_open(self) -> bool:
        return True


def _held() -> tuple[AsyncStubSource, HeldTransport]:
    source = AsyncStubSource("127.0.0.1", port=53)
    transport = source.transport = HeldTransport()
    return source, transport


def _found(query: Query) -> Answer:
    return Answer(query, AnswerStatus.ANSWER, ("192.0.2.1",), ttl=60)


def test_lookup_soon_shares_one_query() -> None:
    """lookup_soon: a future per lookup, one query per question; each answers its own question."""
    source, transport = _held()

    async def run() -> tuple[Answer, Answer, Answer | asyncio.Future[Answer]]:
        first = source.lookup_soon("example.org", "A")
        second = source.lookup_soon("Example.ORG.", "type1")
        assert isinstance(first, asyncio.Future)
        assert isinstance(second, asyncio.Future)
        query, done = transport.asked[0]
        done((_found(query), None))
        answers = await first, await second
        return *answers, source.lookup_soon("example.org", "A")

    first, second, cached = asyncio.run(run())
    assert (("192.0.2.1",), ("192.0.2.1",)) == (first.records, second.records)
    assert (Query("example.org", "A"), Query("example.org", "TYPE1")) == (first.query, second.query)
    assert isinstance(cached, Answer)
    assert ("192.0.2.1",) == cached.records
    assert (1, 1, 1, 1) == (
        len(transport.asked),
        source.queries_sent,
        source.queries_shared,
        source.cache_hits,
    )


def test_lookup_soon_cancelled_waiter_leaves_the_query() -> None:
    """Cancelling one lookup's future does not cancel the query another waits for."""
    source, transport = _held()

    async def run() -> Answer:
        leaving = source.lookup_soon("example.org", "A")
        staying = source.lookup_soon("example.org", "A")
        assert isinstance(leaving, asyncio.Future)
        assert isinstance(staying, asyncio.Future)
        leaving.cancel()
        await asyncio.sleep(0)
        query, done = transport.asked[0]
        done((_found(query), None))
        return await staying

    assert ("192.0.2.1",) == asyncio.run(run()).records


def test_lookup_then_chases_and_answers_each_waiter() -> None:
    """lookup_then: a CNAME target left open is asked next; each waiter gets its own spelling."""
    source, transport = _held()
    got: list[Answer | Exception] = []

    async def run() -> None:
        assert source.lookup_then("www.example.org", "A", got.append) is None
        assert source.lookup_then("WWW.example.org.", "a", got.append) is None
        query, done = transport.asked[0]
        cname = Answer(query, AnswerStatus.NODATA, ttl=300, canonical_name="web.example.net")
        done((cname, "web.example.net"))
        assert [] == got  # waiting for the target
        target, done = transport.asked[1]
        assert Query("web.example.net", "A") == target
        done((Answer(target, AnswerStatus.ANSWER, ("192.0.2.7",), ttl=60), None))

    asyncio.run(run())
    answers = [a for a in got if isinstance(a, Answer)]
    assert [Query("www.example.org", "A")] * 2 == [a.query for a in answers]
    assert [("192.0.2.7",)] * 2 == [a.records for a in answers]
    assert [60, 60] == [a.ttl for a in answers]
    assert (2, 1, 1) == (len(transport.asked), source.queries_sent, source.queries_shared)


def test_each_question_waits_its_own_timeout(responder: FaultResponder) -> None:
    """Questions sent at different times each time out `timeout` seconds after they were sent."""
    source = AsyncStubSource(responder.host, port=responder.port, timeout=0.3, tries=1)

    async def timed(rdtype: str, after: float) -> tuple[Answer, float]:
        await asyncio.sleep(after)
        started = time.monotonic()
        answer = await source.lookup_async("drop.example.org", rdtype)
        return answer, time.monotonic() - started

    async def run() -> tuple[tuple[Answer, float], tuple[Answer, float]]:
        try:
            return await asyncio.gather(timed("A", 0.0), timed("AAAA", 0.15))
        finally:
            source.close()

    for answer, took in asyncio.run(run()):
        assert (AnswerStatus.FAILURE, FailureCause.TIMEOUT) == (answer.status, answer.cause)
        assert 0.25 < took < 1.0


def test_closed_source_reopens_on_the_same_loop(responder: FaultResponder) -> None:
    """Closing an async stub source between lookups of one event loop opens a new socket."""
    source = AsyncStubSource(responder.host, port=responder.port)

    async def run() -> list[Answer]:
        first = await source.lookup_async("host.example.org", "A")
        source.close()
        second = await source.lookup_async("host.example.org", "AAAA")
        source.close()
        return [first, second]

    first, second = asyncio.run(run())
    assert (("192.0.2.10",), ("2001:db8::10",)) == (first.records, second.records)


def test_an_open_socket_retries(responder: FaultResponder) -> None:
    """On a socket already open a dropped question is sent `tries` times, then times out."""
    before = responder.count("drop.example.org")
    answer = _warm(responder, "drop.example.org", "TXT", tries=2)
    assert (answer.status, answer.cause) == (AnswerStatus.FAILURE, FailureCause.TIMEOUT)
    assert answer.detail == "no reply after 2 tries"
    assert responder.count("drop.example.org") - before == 2


def test_an_open_socket_to_no_server() -> None:
    """An ICMP error on the open socket reaches the next questions too."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    source = AsyncStubSource("127.0.0.1", port=port, timeout=0.3, tries=1)

    async def run() -> list[Answer]:
        first = await source.lookup_async("example.org", "A")
        try:
            return [first, await source.lookup_async("example.org", "MX")]
        finally:
            source.close()

    for answer in asyncio.run(run()):
        assert answer.status is AnswerStatus.FAILURE
        assert answer.cause in (FailureCause.NO_NAMESERVER, FailureCause.TIMEOUT)


def test_a_bug_in_reading_a_reply_reaches_the_caller(
    responder: FaultResponder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An exception while handling a reply is raised by the lookup, never lost in the loop."""
    source = AsyncStubSource(responder.host, port=responder.port, timeout=0.3, tries=1)

    def broken(wire: bytes, query: Query, qid: int) -> object:
        raise RuntimeError("a bug in decoding")

    async def run() -> Answer:
        await source.lookup_async("example.org", "TXT")
        monkeypatch.setattr(stubport, "decode_answer", broken)
        try:
            return await source.lookup_async("host.example.org", "AAAA")
        finally:
            source.close()

    with pytest.raises(RuntimeError, match="a bug in decoding"):
        asyncio.run(run())


def test_a_bug_in_the_chase_reaches_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    """An exception while following a reply (a CNAME target left open) is raised by the lookup."""
    source, transport = _held()

    def broken(query: Query) -> Iterator[Query]:
        yield query
        raise RuntimeError("a bug in the chase")

    monkeypatch.setattr(source_stub, "chase", broken)

    async def run() -> Answer:
        waiting = source.lookup_soon("www.example.org", "A")
        assert isinstance(waiting, asyncio.Future)
        query, done = transport.asked[0]
        cname = Answer(query, AnswerStatus.NODATA, ttl=300, canonical_name="web.example.net")
        done((cname, "web.example.net"))
        return await waiting

    with pytest.raises(RuntimeError, match="a bug in the chase"):
        asyncio.run(run())
