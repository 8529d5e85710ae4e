"""The callback transport of AsyncStubSource, its message IDs, and the paused collector."""

from __future__ import annotations

import asyncio
import gc
import os
import select
import socket
import time
from collections.abc import Iterator
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emailpro_core.checker import _driver as driver
from emailpro_core.checker._collector import PausedCollector
from emailpro_core.checker._diagnosis import Diagnosis
from emailpro_core.checker._runner import make_context, run_async_checks
from emailpro_core.records._setup import DomainSetup
from emailpro_core.sources._answers import Answer, AnswerStatus, FailureCause, Query
from emailpro_core.sources._stub import AsyncStubSource
from emailpro_core.sources._wire import poll as stubpoll
from emailpro_core.sources._wire import stub as stubwire
from emailpro_core.sources._wire import stubasync, stubport
from emailpro_core.sources._wire import tcp as tcp_retry
from emailpro_core.sources._wire.stubasync import AsyncStubTransport, Reply
from faults import Fault, FaultResponder

RECORDS = {
    "example.org": {"A": ["192.0.2.1"], "TXT": ['"v=spf1 -all"']},
    **{f"h{i}.example.org": {"A": [f"192.0.2.{i + 10}"]} for i in range(12)},
}


@pytest.fixture(scope="module")
def responder() -> Iterator[FaultResponder]:
    with FaultResponder(RECORDS, faults={"drop.example.org": Fault.DROP}) as running:
        yield running


class _Socket:
    """A socket whose sends fail as told, and that passes everything else on."""

    def __init__(self, real: socket.socket, failures: list[OSError]) -> None:
        self.real = real
        self.failures = failures

    def send(self, data: bytes) -> int:
        if self.failures:
            raise self.failures.pop(0)
        return self.real.send(data)

    def recv(self, size: int) -> bytes:
        return self.real.recv(size)

    def fileno(self) -> int:
        return self.real.fileno()

    def close(self) -> None:
        self.real.close()


def _one_socket(source: AsyncStubSource) -> AsyncStubSource:
    """``source`` sending every question from one socket, kept open."""
    source.transport.max_sockets = 1
    source.transport.socket_uses = 1_000_000
    return source


def _failing_sends(transport: AsyncStubTransport, failures: list[OSError]) -> None:
    [port] = transport.ports
    assert port.sock is not None
    port.sock = _Socket(port.sock, failures)  # type: ignore[assignment]


def test_replies_waiting_are_read_in_bounded_batches(
    responder: FaultResponder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each wake-up reads at most BATCH replies; every question still gets its own answer."""
    monkeypatch.setattr(stubport._Port, "BATCH", 2)
    reads: list[int] = []
    drain = stubport._Port.drain

    def counted(self: stubport._Port) -> None:
        reads.append(1)
        drain(self)

    monkeypatch.setattr(stubport._Port, "drain", counted)
    source = _one_socket(AsyncStubSource(responder.host, port=responder.port, timeout=2.0))

    async def run() -> list[Answer]:
        try:
            return await asyncio.gather(
                *(source.lookup_async(f"h{i}.example.org", "A") for i in range(12))
            )
        finally:
            source.close()

    answers = asyncio.run(run())
    assert [(f"192.0.2.{i + 10}",) for i in range(12)] == [a.records for a in answers]
    assert len(reads) >= 6  # 12 replies, at most 2 a wake-up


def test_closing_ends_the_questions_waiting_and_caches_none(responder: FaultResponder) -> None:
    """Questions still out when the source closes fail as "source closed"; that is not cached."""
    source = AsyncStubSource(responder.host, port=responder.port, timeout=5.0)

    async def run() -> tuple[Answer, bool, Answer]:
        waiting = source.lookup_soon("drop.example.org", "A")
        assert isinstance(waiting, asyncio.Future)
        await asyncio.sleep(0.05)
        source.close()
        closed = await waiting
        is_open = source.transport.is_open
        try:
            again = await source.lookup_async("example.org", "A")
        finally:
            source.close()
        return closed, is_open, again

    closed, is_open, again = asyncio.run(run())
    assert (AnswerStatus.FAILURE, FailureCause.OTHER, "source closed") == (
        closed.status,
        closed.cause,
        closed.detail,
    )
    assert not is_open
    assert source.cache.get(Query("drop.example.org", "A")) is None
    assert ("192.0.2.1",) == again.records


def test_a_full_send_buffer_is_a_lost_datagram(responder: FaultResponder) -> None:
    """A send the kernel refuses for now is retried after the timeout, like a lost reply."""
    source = _one_socket(AsyncStubSource(responder.host, port=responder.port, timeout=0.2, tries=2))

    async def run() -> Answer:
        await source.lookup_async("example.org", "TXT")  # opens the socket
        _failing_sends(source.transport, [BlockingIOError()])
        try:
            return await source.lookup_async("example.org", "A")
        finally:
            source.close()

    answer = asyncio.run(run())
    assert ("192.0.2.1",) == answer.records
    assert 3 == source.transport.sent


def test_a_send_error_ends_every_question_in_flight(responder: FaultResponder) -> None:
    """An error sending one question (no route, refused) ends the questions on its socket."""
    source = _one_socket(AsyncStubSource(responder.host, port=responder.port, timeout=5.0, tries=1))

    async def run() -> list[Answer]:
        await source.lookup_async("example.org", "TXT")
        waiting = source.lookup_soon("drop.example.org", "A")
        _failing_sends(source.transport, [OSError(101, "Network is unreachable")])
        try:
            failed = await source.lookup_async("h1.example.org", "A")
            assert isinstance(waiting, asyncio.Future)
            return [await waiting, failed]
        finally:
            source.close()

    for answer in asyncio.run(run()):
        assert (AnswerStatus.FAILURE, FailureCause.NO_NAMESERVER) == (answer.status, answer.cause)
        assert "Network is unreachable" in answer.detail


def test_a_question_that_cannot_be_encoded_fails_later() -> None:
    """A name the codec refuses is a failure, given after ask_then returns (as promised)."""
    transport = AsyncStubTransport("127.0.0.1", 53, timeout=1.0, tries=1)
    got: list[Reply | Exception] = []

    async def run() -> int:
        transport.ask_then(Query("a" * 64 + ".example.org", "A"), got.append)
        before = len(got)
        await asyncio.sleep(0)
        transport.close()
        return before

    assert 0 == asyncio.run(run())
    [reply] = got
    assert not isinstance(reply, Exception)
    assert (AnswerStatus.FAILURE, FailureCause.OTHER) == (reply[0].status, reply[0].cause)


@pytest.mark.parametrize("ending", ["cancelled", "error"])
def test_a_tcp_retry_that_ends_badly_still_answers(ending: str) -> None:
    """The TCP task's end always reaches the question: cancelled is a failure, a bug raises."""
    got: list[Reply | Exception] = []
    query = Query("example.org", "TXT")

    async def run() -> None:
        async def tcp() -> Reply:
            if ending == "error":
                raise RuntimeError("a bug over TCP")
            await asyncio.sleep(10)
            raise AssertionError("not reached")

        task = asyncio.get_running_loop().create_task(tcp())
        await asyncio.sleep(0)
        if ending == "cancelled":
            task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        tcp_retry.hand_over(got.append, query, task)

    asyncio.run(run())
    [reply] = got
    if ending == "error":
        assert isinstance(reply, RuntimeError)
    else:
        assert not isinstance(reply, Exception)
        assert ("cancelled", FailureCause.OTHER) == (reply[0].detail, reply[0].cause)


def test_a_failed_lookup_reaches_every_waiter_and_is_not_kept() -> None:
    """An exception while finding an answer reaches lookup_then and lookup_soon alike."""
    source = AsyncStubSource("127.0.0.1", port=53)
    asked: list[tuple[Query, stubasync.ReplyCallback]] = []

    def held(
        query: Query,
        done: stubasync.ReplyCallback,
        expires: float | None = None,
        *,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> float:
        asked.append((query, done))
        return 1.0

    source.transport.ask_then = held  # type: ignore[method-assign]
    got: list[Answer | Exception] = []

    async def run() -> asyncio.Future[Answer]:
        assert source.lookup_then("example.org", "A", got.append) is None
        waiting = source.lookup_soon("example.org", "A")
        assert isinstance(waiting, asyncio.Future)
        asked[0][1](RuntimeError("a bug in a source"))
        await asyncio.wait((waiting,))
        assert source.lookup_then("example.org", "A", got.append) is None  # asked again
        return waiting

    waiting = asyncio.run(run())
    assert isinstance(got[0], RuntimeError)
    with pytest.raises(RuntimeError, match="a bug in a source"):
        waiting.result()
    assert 2 == len(asked)
    assert source.cache.get(Query("example.org", "A")) is None


def test_the_running_loop_is_looked_up_once_a_domain(responder: FaultResponder) -> None:
    """Not at every question: CPython 3.11 makes a ``getpid`` system call each time.

    The driver of a domain looks the loop up once and tells the source; the
    old path looked it up twice a question (the source, then the transport).
    """
    source = AsyncStubSource(responder.host, port=responder.port, timeout=0.3, tries=1)
    contexts = [make_context(DomainSetup(f"d{i}.example.org")) for i in range(6)]
    real = asyncio.get_running_loop

    async def run() -> list[Diagnosis]:
        try:
            return [await run_async_checks(ctx, source, deadline=10) for ctx in contexts]
        finally:
            source.close()

    with mock.patch("asyncio.get_running_loop", side_effect=real) as looked_up:
        diagnoses = asyncio.run(run())
    assert [d.domain for d in diagnoses] == [ctx.domain for ctx in contexts]
    sent = source.queries_sent
    assert sent >= 5 * len(contexts)  # the first round of each domain, at least
    assert looked_up.call_count <= len(contexts)


class _Counting(AsyncStubSource):
    """A subclass that counts its lookups: the checker must ask it through lookup_async."""

    def __init__(self, host: str, port: int) -> None:
        super().__init__(host, port=port, timeout=0.3, tries=1)
        self.asked: list[tuple[str, str]] = []

    async def lookup_async(self, name: str, rdtype: str, /) -> Answer:
        self.asked.append((name, rdtype))
        return await super().lookup_async(name, rdtype)


def test_a_subclass_with_its_own_lookup_is_asked_through_it(responder: FaultResponder) -> None:
    """Only the shared lookups take the callback path; an override is always called."""
    counting = _Counting(responder.host, responder.port)
    plain = AsyncStubSource(responder.host, port=responder.port, timeout=0.3, tries=1)
    ctx = make_context(DomainSetup("example.org"))

    async def run() -> tuple[int, int]:
        try:
            one = await run_async_checks(ctx, counting, deadline=10)
            two = await run_async_checks(ctx, plain, deadline=10)
        finally:
            counting.close()
            plain.close()
        assert one == two
        return len(counting.asked), plain.queries_sent

    counted, sent = asyncio.run(run())
    assert counted >= 5
    assert counted == sent
    loop = asyncio.new_event_loop()
    try:
        assert driver._query_then(counting, loop) is None
        assert driver._query_then(plain, loop) is not None
    finally:
        loop.close()


# -- message IDs (RFC 5452 §9.2) ------------------------------------------------


@given(st.sets(st.integers(0, 0xFFFF), max_size=2000))
def test_new_ids_avoid_those_in_use(busy: set[int]) -> None:
    """Property: an ID is 16 bits and never one already waiting for a reply."""
    for _ in range(20):
        qid = stubwire.new_id(busy)
        assert 0 <= qid <= 0xFFFF
        assert qid not in busy


@pytest.mark.parametrize(
    ("busy_share", "draws"),
    [(0.0, 1000), (0.5, 1000), (0.99, 200)],
)
def test_new_ids_examples(busy_share: float, draws: int) -> None:
    """Examples: with most IDs in use the free ones are found; IDs are spread over 16 bits."""
    busy = set(range(int(0x10000 * busy_share)))
    ids = [stubwire.new_id(busy) for _ in range(draws)]
    assert not busy.intersection(ids)
    assert len(set(ids)) > draws // 2


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_draws_ids_of_its_own() -> None:
    """The pool of IDs drawn ahead is not inherited: parent and child send different IDs."""
    stubwire.new_id()  # the pool is filled
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's lines are not traced
        os.close(reading)
        os.write(writing, b",".join(str(stubwire.new_id()).encode() for _ in range(16)))
        os._exit(0)
    os.close(writing)
    with os.fdopen(reading, "rb") as pipe:
        child = [int(x) for x in pipe.read().split(b",")]
    os.waitpid(pid, 0)
    parent = [stubwire.new_id() for _ in range(16)]
    assert 16 == len(child)
    assert child != parent


# -- the paused collector -----------------------------------------------------


@pytest.mark.parametrize(
    ("every", "ticks", "collections"),
    [(1, 3, 3), (2, 3, 1), (5000, 4999, 0), (5000, 5000, 1)],
)
def test_collector_collects_every_so_often(every: int, ticks: int, collections: int) -> None:
    """Examples: automatic collection off inside, one collection every `every` ticks."""
    with PausedCollector(every=every) as collector:
        assert not gc.isenabled()
        for _ in range(ticks):
            collector.tick()
    assert collections == collector.collections
    assert gc.isenabled()


@given(st.integers(1, 50), st.integers(0, 200), st.booleans())
def test_collector_property(every: int, ticks: int, enabled_before: bool) -> None:
    """Property: ticks // every collections, and the collector left as it was found."""
    if not enabled_before:
        gc.disable()
    try:
        # Counted rather than run: a full collection of the test process is slow.
        with mock.patch.object(gc, "collect") as collect, PausedCollector(every=every) as collector:
            for _ in range(ticks):
                collector.tick()
        assert ticks // every == collector.collections == collect.call_count
        assert enabled_before == gc.isenabled()
    finally:
        gc.enable()


def test_collector_restores_after_an_error_and_refuses_bad_input() -> None:
    with pytest.raises(KeyError), PausedCollector(every=3):
        raise KeyError("boom")
    assert gc.isenabled()
    for bad in (0, -1, True, 1.5, "3"):
        with pytest.raises(ValueError, match="every must be an int of at least 1"):
            PausedCollector(every=bad)  # type: ignore[arg-type]


class _Unconnectable(socket.socket):
    """A socket whose connect fails, as it does for an address no route leads to."""

    def connect(self, address: object) -> None:
        raise OSError(101, "Network is unreachable")


def test_a_socket_that_cannot_be_opened_is_no_nameserver(monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure to open the socket ends the question as NO_NAMESERVER, later, and closes it."""
    opened: list[_Unconnectable] = []

    def factory(*args: int) -> _Unconnectable:
        sock = _Unconnectable(*args)
        opened.append(sock)
        return sock

    monkeypatch.setattr(socket, "socket", factory)
    source = AsyncStubSource("127.0.0.1", port=53, timeout=0.3, tries=1)
    answer = source.lookup("example.org", "A")
    assert (AnswerStatus.FAILURE, FailureCause.NO_NAMESERVER) == (answer.status, answer.cause)
    assert "Network is unreachable" in answer.detail
    udp = [sock for sock in opened if sock.type == socket.SOCK_DGRAM]
    assert [-1] == [sock.fileno() for sock in udp]  # the one UDP socket, closed
    assert not source.transport.is_open


def test_closing_after_the_event_loop_ended(responder: FaultResponder) -> None:
    """A source left open when its event loop ended still closes cleanly, and opens again."""
    source = AsyncStubSource(responder.host, port=responder.port, timeout=0.3, tries=1)
    first = asyncio.run(source.lookup_async("example.org", "A"))
    states = [source.transport.is_open]
    source.close()
    states.append(source.transport.is_open)
    assert [True, False] == states
    second = asyncio.run(source.lookup_async("example.org", "TXT"))
    source.close()
    assert (("192.0.2.1",), AnswerStatus.ANSWER) == (first.records, second.status)


@pytest.mark.parametrize("nested", [True, False], ids=["one-reader", "reader-each"])
def test_the_pool_is_watched_one_way_or_the_other(
    responder: FaultResponder, monkeypatch: pytest.MonkeyPatch, nested: bool
) -> None:
    """Through an epoll of its own (one event-loop reader) or socket by socket, alike.

    Sockets are opened, retired and closed as questions come (4 sockets, 3 uses
    each): every answer still arrives, and nothing is left watched after close().
    """
    monkeypatch.setattr(stubpoll, "NESTED", nested)
    source = AsyncStubSource(responder.host, port=responder.port, timeout=2.0)
    source.transport.max_sockets, source.transport.socket_uses = 4, 3
    watched: list[int] = []

    async def run() -> list[Answer]:
        loop = asyncio.get_running_loop()
        add_reader = loop.add_reader

        def counted(fd: int, callback: object, *args: object) -> None:
            watched.append(fd)
            add_reader(fd, callback, *args)  # type: ignore[arg-type]

        monkeypatch.setattr(loop, "add_reader", counted)
        try:
            return await asyncio.gather(
                *(source.lookup_async(f"h{i}.example.org", "A") for i in range(12))
            )
        finally:
            source.close()
            # Nothing of the source's is watched by the loop any more.
            assert not [fd for fd in watched if fd in loop._selector.get_map()]  # type: ignore[attr-defined]

    answers = asyncio.run(run())
    assert [(f"192.0.2.{i + 10}",) for i in range(12)] == [a.records for a in answers]
    # 12 questions at 3 a socket: 4 sockets at least, each watched by the loop
    # itself, or the one epoll instance watched for all of them.
    assert (len(watched) == 1) if nested else (len(watched) >= 4)
    assert ([], set()) == (source.transport.ports, source.transport.draining)


@pytest.mark.parametrize("nested", [True, False], ids=["one-reader", "reader-each"])
def test_a_watcher_closed_after_its_loop_ended(
    nested: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Closing after the event loop is closed leaves no error, whichever way it watched."""
    monkeypatch.setattr(stubpoll, "NESTED", nested)
    loop = asyncio.new_event_loop()
    watcher = stubpoll.Watcher(loop)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        watcher.add(sock.fileno(), lambda: None)
        loop.close()
        watcher.remove(sock.fileno())
        watcher.remove(sock.fileno())  # twice: nothing happens
        watcher.close()
        watcher.close()
    finally:
        sock.close()


def test_a_watcher_that_cannot_watch_leaves_nothing_open(monkeypatch: pytest.MonkeyPatch) -> None:
    """If the event loop refuses the epoll instance, it is closed and the error raised."""
    monkeypatch.setattr(stubpoll, "NESTED", True)
    loop = asyncio.new_event_loop()
    closed: list[bool] = []
    real_epoll = select.epoll

    class Epoll:
        def __init__(self) -> None:
            self.real = real_epoll()

        def fileno(self) -> int:
            fd: int = self.real.fileno()
            return fd

        def close(self) -> None:
            closed.append(True)
            self.real.close()

    def refuse(fd: int, callback: object) -> None:
        raise OSError("no more watches")

    monkeypatch.setattr(select, "epoll", Epoll)
    monkeypatch.setattr(loop, "add_reader", refuse)
    try:
        with pytest.raises(OSError, match="no more watches"):
            stubpoll.Watcher(loop)
    finally:
        loop.close()
    assert [True] == closed


def test_a_socket_closed_by_another_reader_of_the_batch_is_skipped() -> None:
    """Two sockets ready at once; the first reader stops watching the second: only one runs."""
    left, right = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    other_left, other_right = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    ran: list[str] = []

    async def run() -> None:
        watcher = stubpoll.Watcher(asyncio.get_running_loop())

        def first() -> None:
            ran.append("first")
            left.recv(10)
            watcher.remove(other_left.fileno())
            watcher.remove(left.fileno())

        watcher.add(left.fileno(), first)
        watcher.add(other_left.fileno(), lambda: ran.append("second"))
        right.send(b"x")
        other_right.send(b"y")
        # epoll reports ready sockets in the order they became ready: left first.
        await asyncio.sleep(0.05)
        watcher.close()

    try:
        asyncio.run(run())
    finally:
        for sock in (left, right, other_left, other_right):
            sock.close()
    assert ["first"] == ran


def test_the_clock_is_the_event_loop_s_own() -> None:
    """asyncio's loop is read through time.monotonic; a loop with a time of its own, through it."""
    loop = asyncio.new_event_loop()
    try:
        assert stubasync._clock_of(loop) is time.monotonic
        loop.time = lambda: 42.0  # type: ignore[method-assign]
        assert 42.0 == stubasync._clock_of(loop)()
    finally:
        loop.close()


def test_a_lookup_ends_when_told_or_timeout_times_tries_after_it_started(
    responder: FaultResponder,
) -> None:
    """ask_then returns the time the lookup ends by: the one given, or now + lifetime."""
    transport = AsyncStubTransport(responder.host, responder.port, timeout=0.5, tries=3)
    assert 1.5 == transport.lifetime

    async def run() -> tuple[float, float, float, list[Reply | Exception]]:
        replies: list[Reply | Exception] = []
        loop = asyncio.get_running_loop()
        try:
            started = loop.time()
            own = transport.ask_then(Query("example.org", "A"), replies.append)
            given = transport.ask_then(Query("h1.example.org", "A"), replies.append, started + 9)
            while len(replies) < 2:
                await asyncio.sleep(0.01)
        finally:
            transport.close()
        return started, own, given, replies

    started, own, given, replies = asyncio.run(run())
    assert started + 1.5 <= own < started + 2.0
    assert started + 9 == given
    assert 2 == sum(
        not isinstance(r, Exception) and r[0].status is AnswerStatus.ANSWER for r in replies
    )


def test_a_full_socket_picked_first_gives_way_to_one_with_room(
    responder: FaultResponder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two sockets, one question each at most: the pick that lands on the full one looks again."""
    monkeypatch.setattr(stubasync, "MAX_IN_FLIGHT", 1)
    source = AsyncStubSource(responder.host, port=responder.port, timeout=2.0, tries=1)
    source.transport.max_sockets, source.transport.socket_uses = 2, 1_000

    async def run() -> tuple[Answer, int, int]:
        try:
            waiting = source.lookup_soon("drop.example.org", "A")  # socket 0, never answered
            await source.lookup_async("h1.example.org", "A")  # socket 1, answered
            ports = source.transport.ports
            full = ports.index(next(p for p in ports if p.pending))
            # The first random pick lands on the full socket, the next on the other one.
            picks = iter([full, 1 - full])
            monkeypatch.setattr(stubasync, "random16", lambda: next(picks))
            answer = await source.lookup_async("h2.example.org", "A")
            assert isinstance(waiting, asyncio.Future)
            return answer, len(ports), full
        finally:
            source.close()

    answer, sockets, _ = asyncio.run(run())
    assert (("192.0.2.12",), 2) == (answer.records, sockets)
