"""The asynchronous stub transport: many questions in flight on one UDP socket, no task each.

:class:`AsyncStubTransport` is the network half of
:class:`~.source_stub.AsyncStubSource`. Every question is a small record in a
table keyed by message ID; a reply is matched by ID and then by question (RFC
5452 §4.2, checked by :func:`~.dnswire.decode_answer`) and handed to the
question's callback. Nothing per question goes through the event loop's
scheduler: at ~12 questions a domain, futures, tasks and one loop turn per
datagram cost several times more than encoding, sending, receiving and decoding
the question together (measured in ``docs/performance.md``).

* The socket is read by :class:`_Receiver`, which takes every reply waiting at
  each wake-up rather than one datagram per turn of the loop.
* Timeouts are kept by :class:`_Deadlines`: every question waits the same time,
  so their deadlines come in the order they were sent, and one timer for the
  head of a queue does the work of a timer each.
* A truncated reply is asked again over TCP (RFC 7766 §5), in a task: that is rare.
"""

from __future__ import annotations

import asyncio
import socket
from collections import deque
from collections.abc import Callable

from .dnsdata import Answer, FailureCause, Query
from .dnswire import WireError, encode_query, response_id
from .stubwire import LENGTH, decode, failure, is_truncated, new_id

__all__ = ["AsyncStubTransport", "Reply", "ReplyCallback"]

#: What a question ends with: its answer, and a CNAME target left to chase (or ``None``).
Reply = tuple[Answer, str | None]
#: Called once with the :data:`Reply` of a question, or the exception that
#: handling it raised (a bug, which the asker raises in turn).
ReplyCallback = Callable[[Reply | Exception], None]

# A receive buffer that holds the replies to a few thousand questions in flight.
_RECEIVE_BUFFER = 4 * 1024 * 1024


class _Question:
    """One question waiting for its reply."""

    __slots__ = ("done", "qid", "query", "tries_left", "wire")

    def __init__(self, query: Query, done: ReplyCallback, tries_left: int) -> None:
        self.query = query
        self.done = done
        self.tries_left = tries_left
        self.qid = -1
        self.wire = b""


class _Receiver:
    """The socket, and the reader that takes every reply waiting at each wake-up.

    The event loop's datagram transport reads one datagram per turn of the loop
    (a readiness poll each); with hundreds of questions in flight the replies
    queue up, and reading them all at once costs a fraction of that.
    """

    #: Replies read in one wake-up at most, so that other callbacks get their turn.
    BATCH = 256

    def __init__(self, sock: socket.socket, owner: AsyncStubTransport) -> None:
        self.sock = sock
        self.owner = owner

    def drain(self) -> None:
        """Read the replies waiting (the socket's reader callback)."""
        recv = self.sock.recv
        pending = self.owner.pending
        for _ in range(self.BATCH):
            try:
                data = recv(65535)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                # An ICMP error (port unreachable) reported on the connected socket:
                # every question in flight went to a server that is not there.
                self.owner.fail_all(exc)
                return
            question = pending.pop(response_id(data), None)
            if question is not None:
                self.owner.received(question, data)


class _Deadlines:
    """When each question times out, with one timer for them all."""

    def __init__(self, loop: asyncio.AbstractEventLoop, owner: AsyncStubTransport) -> None:
        self._loop = loop
        self._owner = owner
        self._queue: deque[tuple[float, _Question, int]] = deque()
        self._timer: asyncio.TimerHandle | None = None

    def add(self, question: _Question) -> None:
        """Time ``question`` (under its current ID) out ``timeout`` seconds from now."""
        self._queue.append((self._loop.time() + self._owner.timeout, question, question.qid))
        if self._timer is None:
            self._timer = self._loop.call_at(self._queue[0][0], self._expire)

    def _expire(self) -> None:
        self._timer = None
        now = self._loop.time()
        queue = self._queue
        pending = self._owner.pending
        while queue:
            when, question, qid = queue[0]
            if pending.get(qid) is not question:
                queue.popleft()  # answered, or sent again under a new ID
            elif when <= now:
                queue.popleft()
                del pending[qid]
                self._owner.timed_out(question)
            else:
                break
        # A question sent again above may have started the timer already.
        if queue and self._timer is None:
            self._timer = self._loop.call_at(queue[0][0], self._expire)

    def cancel(self) -> None:
        """Stop the timer (the socket is closed)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._queue.clear()


class AsyncStubTransport:
    """Asynchronous transport: many questions in flight on one UDP socket.

    Use it from one event loop at a time; a question asked from another loop
    opens a socket there (the old one is closed).
    """

    def __init__(self, host: str, port: int, *, timeout: float, tries: int) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self.tries = tries
        self.sent = 0
        #: The questions waiting for a reply, by message ID.
        self.pending: dict[int, _Question] = {}
        self._receiver: _Receiver | None = None
        self._deadlines: _Deadlines | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def is_open(self) -> bool:
        """Whether a socket is open (between the first question and :meth:`close`)."""
        return self._receiver is not None

    def _open(self, loop: asyncio.AbstractEventLoop) -> _Receiver:
        if self._loop is not loop:
            # A new event loop (a second asyncio.run): the old socket was
            # watched by a loop that is gone.
            self.close()
            self._loop = loop
            self._deadlines = _Deadlines(loop, self)
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_DGRAM)
        try:
            sock.setblocking(False)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, _RECEIVE_BUFFER)
            # Connected: the kernel drops datagrams from any other address and
            # reports an ICMP "port unreachable" to this socket.
            sock.connect((self.host, self.port))
            receiver = _Receiver(sock, self)
            loop.add_reader(sock.fileno(), receiver.drain)
        except BaseException:
            sock.close()
            raise
        self._receiver = receiver
        return receiver

    def ask_then(self, query: Query, done: ReplyCallback) -> None:
        """Ask ``query``; call ``done`` with its :data:`Reply` once, later.

        Call it from a running event loop. ``done`` is never called before this
        returns, and always called: a failure is an answer too.
        """
        loop = asyncio.get_running_loop()
        question = _Question(query, done, self.tries)
        if self._receiver is None or self._loop is not loop:
            try:
                self._open(loop)
            except OSError as exc:
                loop.call_soon(done, (failure(query, FailureCause.NO_NAMESERVER, str(exc)), None))
                return
        assert self._receiver is not None  # opened above
        self._send(question, self._receiver)

    def _send(self, question: _Question, receiver: _Receiver) -> None:
        qid = new_id(self.pending)
        try:
            wire = encode_query(qid, question.query.name, question.query.rdtype)
        except WireError as exc:
            self._finish(question, failure(question.query, FailureCause.OTHER, str(exc)))
            return
        question.qid, question.wire = qid, wire
        question.tries_left -= 1
        self.pending[qid] = question
        assert self._deadlines is not None  # set with the loop, by _open
        self._deadlines.add(question)
        assert self._loop is not None  # set with the deadlines
        self.sent += 1
        try:
            receiver.sock.send(wire)
        except (BlockingIOError, InterruptedError):
            pass  # the send buffer is full: as good as lost, and the deadline retries
        except OSError as exc:
            # Later: this may run inside ask_then, whose callback must not come first.
            self._loop.call_soon(self.fail_all, exc)

    def _finish(self, question: _Question, answer: Answer) -> None:
        # Later: _send runs inside ask_then, whose callback must not come first.
        assert self._loop is not None
        self._loop.call_soon(question.done, (answer, None))

    def received(self, question: _Question, wire: bytes) -> None:
        """Hand the reply ``wire`` to ``question`` (already taken off the table)."""
        try:
            answer, target = decode(wire, question.query, question.qid)
        except Exception as error:  # a bug: raised where the question was asked, not lost here
            question.done(error)
            return
        if is_truncated(answer):
            assert self._loop is not None
            asking = self._tcp_ask(question.query, question.wire, question.qid)
            task = self._loop.create_task(asking)
            task.add_done_callback(lambda ended: _tcp_ended(question, ended))
        else:
            question.done((answer, target))

    def timed_out(self, question: _Question) -> None:
        """``question`` got no reply in time: send it again, or give up."""
        if question.tries_left > 0 and self._receiver is not None:
            self._send(question, self._receiver)
        else:
            detail = f"no reply after {self.tries} tries"
            question.done((failure(question.query, FailureCause.TIMEOUT, detail), None))

    def fail_all(self, error: OSError) -> None:
        """End every question in flight: ``error`` says the server is not there."""
        waiting = list(self.pending.values())
        self.pending.clear()
        for question in waiting:
            question.done((failure(question.query, FailureCause.NO_NAMESERVER, str(error)), None))

    async def _tcp_ask(self, query: Query, wire: bytes, qid: int) -> Reply:
        try:
            async with asyncio.timeout(self.timeout):
                reader, writer = await asyncio.open_connection(self.host, self.port)
                try:
                    self.sent += 1
                    writer.write(LENGTH.pack(len(wire)) + wire)
                    (size,) = LENGTH.unpack(await reader.readexactly(2))
                    reply = await reader.readexactly(size)
                finally:
                    writer.close()
                    await writer.wait_closed()
        except TimeoutError:
            return failure(query, FailureCause.TIMEOUT, "no reply over TCP"), None
        except (OSError, asyncio.IncompleteReadError) as exc:
            return failure(query, FailureCause.NO_NAMESERVER, f"TCP: {exc}"), None
        answer, chase = decode(reply, query, qid)
        if is_truncated(answer):
            return failure(query, FailureCause.MALFORMED, "truncated over TCP"), None
        return answer, chase

    def close(self) -> None:
        """Close the socket; questions still waiting end as failures.

        A later question opens a new socket.

        Call it before the event loop that opened the socket ends: the socket
        is watched by that loop.
        """
        receiver, self._receiver = self._receiver, None
        if receiver is None:
            return
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.remove_reader(receiver.sock.fileno())
        receiver.sock.close()
        assert self._deadlines is not None  # set with the loop, before any socket
        self._deadlines.cancel()
        waiting = list(self.pending.values())
        self.pending.clear()
        for question in waiting:
            question.done((failure(question.query, FailureCause.OTHER, "source closed"), None))


def _tcp_ended(question: _Question, task: asyncio.Task[Reply]) -> None:
    if task.cancelled():
        # The event loop is ending with the question unanswered.
        question.done((failure(question.query, FailureCause.OTHER, "cancelled"), None))
        return
    error = task.exception()
    if error is not None:
        question.done(error if isinstance(error, Exception) else RuntimeError(repr(error)))
    else:
        question.done(task.result())
