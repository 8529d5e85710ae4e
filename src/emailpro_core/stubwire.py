"""Stub-resolver transports: one question to one server, over UDP with TCP fallback.

These are the network halves of :class:`~.source_stub.StubSource` and
:class:`~.source_stub.AsyncStubSource`. They send the queries that
:mod:`.dnswire` encodes and hand back what it decodes; every way a server can fail
becomes an :class:`~.dnsdata.Answer` with a :class:`~.dnsdata.FailureCause`.

The async transport keeps one UDP socket for all questions in flight and matches
replies by message ID and question (RFC 5452 §4.2), so thousands of lookups share
one file descriptor and no per-query task is created.
"""

from __future__ import annotations

import asyncio
import secrets
import socket
import struct
from collections import deque
from collections.abc import Container

from .dnsdata import Answer, AnswerStatus, FailureCause, Query
from .dnswire import TRUNCATED, WireError, decode_answer, encode_query, response_id

__all__ = ["AsyncStubTransport", "StubTransport", "failure"]

_LENGTH = struct.Struct("!H")
# A receive buffer that holds the replies to a few thousand questions in flight.
_RECEIVE_BUFFER = 4 * 1024 * 1024


def failure(query: Query, cause: FailureCause, detail: str) -> Answer:
    """A failed answer to ``query``."""
    return Answer(query, AnswerStatus.FAILURE, cause=cause, detail=detail)


def _decode(wire: bytes, query: Query, qid: int) -> tuple[Answer, str | None]:
    try:
        return decode_answer(wire, query, qid)
    except WireError as exc:
        return failure(query, FailureCause.MALFORMED, str(exc)), None


def _is_truncated(answer: Answer) -> bool:
    return answer.cause is FailureCause.OTHER and answer.detail == TRUNCATED


def _new_id(busy: Container[int] = ()) -> int:
    # RFC 5452 §9.2: unpredictable IDs; skip those already waiting for a reply.
    while True:
        qid = secrets.randbits(16)
        if qid not in busy:
            return qid


class StubTransport:
    """Blocking transport: one question at a time to ``host``:``port``."""

    def __init__(self, host: str, port: int, *, timeout: float, tries: int) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self.tries = tries
        self.sent = 0

    def ask(self, query: Query) -> tuple[Answer, str | None]:
        """Ask ``query``; return the answer and a CNAME target left to chase."""
        for _ in range(self.tries):
            qid = _new_id()
            try:
                wire = encode_query(qid, query.name, query.rdtype)
            except WireError as exc:
                return failure(query, FailureCause.OTHER, str(exc)), None
            try:
                reply = self._udp(wire, qid)
            except TimeoutError:
                continue
            except OSError as exc:
                return failure(query, FailureCause.NO_NAMESERVER, str(exc)), None
            answer, chase = _decode(reply, query, qid)
            if _is_truncated(answer):
                return self._tcp_ask(query, wire, qid)
            return answer, chase
        return failure(query, FailureCause.TIMEOUT, f"no reply after {self.tries} tries"), None

    def _udp(self, wire: bytes, qid: int) -> bytes:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        with socket.socket(family, socket.SOCK_DGRAM) as sock:
            sock.settimeout(self.timeout)
            sock.connect((self.host, self.port))
            self.sent += 1
            sock.send(wire)
            while True:
                reply = sock.recv(65535)
                if response_id(reply) == qid:
                    return reply

    def _tcp_ask(self, query: Query, wire: bytes, qid: int) -> tuple[Answer, str | None]:
        try:
            with socket.create_connection((self.host, self.port), timeout=self.timeout) as sock:
                self.sent += 1
                sock.sendall(_LENGTH.pack(len(wire)) + wire)
                (size,) = _LENGTH.unpack(_recv_exactly(sock, 2))
                reply = _recv_exactly(sock, size)
        except TimeoutError:
            return failure(query, FailureCause.TIMEOUT, "no reply over TCP"), None
        except (OSError, EOFError) as exc:
            return failure(query, FailureCause.NO_NAMESERVER, f"TCP: {exc}"), None
        answer, chase = _decode(reply, query, qid)
        if _is_truncated(answer):
            return failure(query, FailureCause.MALFORMED, "truncated over TCP"), None
        return answer, chase


def _recv_exactly(sock: socket.socket, size: int) -> bytes:
    data = bytearray()
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise EOFError("connection closed early")
        data += chunk
    return bytes(data)


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self, pending: dict[int, asyncio.Future[bytes]]) -> None:
        self.pending = pending

    def datagram_received(self, data: bytes, addr: object) -> None:
        future = self.pending.get(response_id(data))
        if future is not None and not future.done():
            future.set_result(data)

    def error_received(self, exc: Exception) -> None:
        # An ICMP error (port unreachable) on the connected socket: every
        # question in flight went to a server that is not there.
        for future in self.pending.values():
            if not future.done():
                future.set_exception(exc)


class _Deadlines:
    """When each reply awaited on one event loop times out, with one timer for them all.

    Every question waits the same ``timeout``, so deadlines come in the order the
    questions are sent: a queue, and a timer for its head, do the work of a
    timer per question (whose creation and cancelling cost more than the rest
    of sending a question).
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, timeout: float) -> None:
        self._loop = loop
        self._timeout = timeout
        self._queue: deque[tuple[float, asyncio.Future[bytes]]] = deque()
        self._timer: asyncio.TimerHandle | None = None

    def add(self, future: asyncio.Future[bytes]) -> None:
        """Fail ``future`` with ``TimeoutError`` if it is not done ``timeout`` seconds from now."""
        self._queue.append((self._loop.time() + self._timeout, future))
        if self._timer is None:
            self._timer = self._loop.call_at(self._queue[0][0], self._expire)

    def _expire(self) -> None:
        self._timer = None
        now = self._loop.time()
        queue = self._queue
        while queue and (queue[0][1].done() or queue[0][0] <= now):
            _, future = queue.popleft()
            if not future.done():
                future.set_exception(TimeoutError())
        if queue:
            self._timer = self._loop.call_at(queue[0][0], self._expire)


class AsyncStubTransport:
    """Asynchronous transport: many questions in flight on one UDP socket."""

    def __init__(self, host: str, port: int, *, timeout: float, tries: int) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self.tries = tries
        self.sent = 0
        self._pending: dict[int, asyncio.Future[bytes]] = {}
        self._transport: asyncio.DatagramTransport | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._opening: asyncio.Lock | None = None
        self._deadlines: _Deadlines | None = None

    async def _endpoint(self) -> asyncio.DatagramTransport:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            # A new event loop (a second asyncio.run): the old socket belongs
            # to a loop that is gone.
            self.close()
            self._loop, self._opening = loop, asyncio.Lock()
            self._pending = {}
            self._deadlines = _Deadlines(loop, self.timeout)
        assert self._opening is not None
        async with self._opening:
            if self._transport is None:
                transport, _ = await loop.create_datagram_endpoint(
                    lambda: _Protocol(self._pending), remote_addr=(self.host, self.port)
                )
                sock = transport.get_extra_info("socket")
                if sock is not None:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, _RECEIVE_BUFFER)
                self._transport = transport
        return self._transport

    async def ask(self, query: Query) -> tuple[Answer, str | None]:
        """Ask ``query``; return the answer and a CNAME target left to chase."""
        loop = asyncio.get_running_loop()
        transport = self._transport if self._loop is loop else None
        if transport is None:
            try:
                transport = await self._endpoint()
            except OSError as exc:
                return failure(query, FailureCause.NO_NAMESERVER, str(exc)), None
        deadlines = self._deadlines
        assert deadlines is not None  # set with the loop, by _endpoint
        for _ in range(self.tries):
            qid = _new_id(self._pending)
            try:
                wire = encode_query(qid, query.name, query.rdtype)
            except WireError as exc:
                return failure(query, FailureCause.OTHER, str(exc)), None
            future: asyncio.Future[bytes] = loop.create_future()
            self._pending[qid] = future
            deadlines.add(future)
            self.sent += 1
            transport.sendto(wire)
            try:
                reply = await future
            except TimeoutError:
                continue
            except OSError as exc:
                return failure(query, FailureCause.NO_NAMESERVER, str(exc)), None
            finally:
                self._pending.pop(qid, None)
            answer, chase = _decode(reply, query, qid)
            if _is_truncated(answer):
                return await self._tcp_ask(query, wire, qid)
            return answer, chase
        return failure(query, FailureCause.TIMEOUT, f"no reply after {self.tries} tries"), None

    async def _tcp_ask(self, query: Query, wire: bytes, qid: int) -> tuple[Answer, str | None]:
        try:
            async with asyncio.timeout(self.timeout):
                reader, writer = await asyncio.open_connection(self.host, self.port)
                try:
                    self.sent += 1
                    writer.write(_LENGTH.pack(len(wire)) + wire)
                    (size,) = _LENGTH.unpack(await reader.readexactly(2))
                    reply = await reader.readexactly(size)
                finally:
                    writer.close()
                    await writer.wait_closed()
        except TimeoutError:
            return failure(query, FailureCause.TIMEOUT, "no reply over TCP"), None
        except (OSError, asyncio.IncompleteReadError) as exc:
            return failure(query, FailureCause.NO_NAMESERVER, f"TCP: {exc}"), None
        answer, chase = _decode(reply, query, qid)
        if _is_truncated(answer):
            return failure(query, FailureCause.MALFORMED, "truncated over TCP"), None
        return answer, chase

    def close(self) -> None:
        """Close the socket (a later question opens a new one).

        Call it before the event loop that opened the socket ends: a transport
        cannot be closed once its loop is gone.
        """
        transport, self._transport = self._transport, None
        if transport is not None and not (self._loop is not None and self._loop.is_closed()):
            transport.close()
