"""The asynchronous stub transport: many questions in flight, no task each.

:class:`AsyncStubTransport` is the network half of
:class:`~emailpro_core.sources.AsyncStubSource`. Every question is a small record in the
table of the socket it was sent on, keyed by message ID; a reply is matched by
ID and then by question (RFC 5452 §9.1, checked by
:func:`~emailpro_core.sources._wire.codec.decode_answer`) and handed to the question's callback. A
datagram with a question's ID that is not its reply (QR unset, another question) is dropped, and
the question keeps waiting (:class:`~emailpro_core.sources._wire.codec.Mismatch`). Nothing per
question goes through the event loop's scheduler: at ~12 questions a domain, futures, tasks and one
loop turn per datagram cost several times more than encoding, sending, receiving and
decoding the question together (measured in ``docs/performance.md``).

* Source ports are random per query (RFC 5452 §9.2): each question is sent from
  a socket chosen at random among a pool of :data:`MAX_SOCKETS`, each bound to a
  port the kernel picked at random; a socket serves :data:`SOCKET_USES`
  questions, then is closed once their replies are in, and a new one (a new
  random port) takes its place. A port an attacker learns (from a question
  about a domain it serves) is one of 64, and serves 64 questions at most. A
  socket holds at most :data:`MAX_IN_FLIGHT` questions. (A socket of its own
  for every question, as dnspython does, nearly doubled the CPU time of a
  bulk run: ``docs/sources.md``.)
* A socket is read by its ``_Port`` (``stubport.py``), which takes every reply waiting at each
  wake-up rather than one datagram per turn of the loop; the pool is watched by
  :class:`~emailpro_core.sources._wire.poll.Watcher`, one event-loop callback a turn for all the
  sockets that have replies.
* Timeouts are kept by :class:`~emailpro_core.sources._wire.timers.Deadlines`, one timer for them
all. Each try
  waits ``timeout``; a lookup (its tries, a TCP retry, the CNAME targets asked
  after it) ends by the ``expires`` it was given, ``timeout × tries`` after it
  started unless told otherwise.
* A truncated reply is asked again over TCP (RFC 7766 §5), in a task: that is rare.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable

from .._answers import Answer, FailureCause, Query
from .codec import Mismatch, encode_query
from .names import WireError
from .poll import Watcher
from .stub import IdsExhausted, failure, new_id, random16
from .stubport import Reply as Reply
from .stubport import ReplyCallback as ReplyCallback
from .stubport import _Port, _Question
from .tcp import ask_over_tcp, hand_over
from .timers import Deadlines

#: The pool: sockets questions are sent from, each chosen at random (below the
#: usual limit of 1,024 open files, with room for those that wait for their
#: last replies before they close).
MAX_SOCKETS = 64
#: Questions sent from one socket before it leaves the pool (it closes once
#: their replies are in): a port serves that many questions at most. 1 gives every
#: question a socket of its own.
SOCKET_USES = 64
#: Questions waiting on one socket, at most (1.6 % of the message IDs): a
#: question that finds no socket with room fails at once, as a question that
#: finds no free ID does (:class:`~emailpro_core.sources._wire.stub.IdsExhausted`).
MAX_IN_FLIGHT = 1024
# A receive buffer for a socket shared by many questions (the kernel caps it).
_RECEIVE_BUFFER = 1024 * 1024
# Random picks of an open socket with room before giving up.
_PICKS = 8


def _clock_of(loop: asyncio.AbstractEventLoop) -> Callable[[], float]:
    """The time of ``loop`` (``loop.time``): ``time.monotonic`` itself for asyncio's loops.

    Read at every send; asyncio's own ``time()`` returns ``time.monotonic()``,
    so that is called directly rather than through a method of the loop.
    """
    if getattr(loop.time, "__func__", None) is asyncio.BaseEventLoop.time:
        return time.monotonic
    return loop.time


class AsyncStubTransport:
    """Asynchronous transport: many questions in flight, each from a random source port.

    Use it from one event loop at a time; a question asked from another loop
    closes the sockets of the first.

    Args:
        host: The server's address.
        port: Its port.
        timeout: Seconds one try waits for its reply.
        tries: Sends over UDP before a question times out.
        max_sockets: Sockets open at once, at most (:data:`MAX_SOCKETS`).
        socket_uses: Questions sent from a socket before it is closed
            (:data:`SOCKET_USES`).
    """

    def __init__(
        self,
        host: str,
        port: int,
        *,
        timeout: float,
        tries: int,
        max_sockets: int = MAX_SOCKETS,
        socket_uses: int = SOCKET_USES,
    ) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self.tries = tries
        self.max_sockets = max_sockets
        self.socket_uses = socket_uses
        self.sent = 0
        #: The pool: the sockets questions are sent from.
        self.ports: list[_Port] = []
        #: The sockets out of the pool that wait for their last replies.
        self.draining: set[_Port] = set()
        self._open_source = False
        self._deadlines: Deadlines | None = None
        self._watcher: Watcher | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._clock: Callable[[], float] = time.monotonic
        self._family = socket.AF_INET6 if ":" in host else socket.AF_INET

    @property
    def lifetime(self) -> float:
        """Seconds one lookup may take in all: ``timeout`` for each try."""
        return self.timeout * self.tries

    @property
    def is_open(self) -> bool:
        """Whether the transport is in use (between the first question and :meth:`close`)."""
        return self._open_source

    @property
    def in_flight(self) -> int:
        """Questions waiting for a reply over UDP."""
        return sum(len(port.pending) for port in (*self.ports, *self.draining))

    def _open(self) -> _Port:
        watcher = self._watcher
        assert watcher is not None  # set by ask_then
        sock = socket.socket(self._family, socket.SOCK_DGRAM)
        try:
            sock.setblocking(False)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, _RECEIVE_BUFFER)
            # Connected: the kernel picks a random free port (RFC 5452 §9.2:
            # Linux, the BSDs and Windows all do), drops datagrams from any
            # other address and reports an ICMP "port unreachable" here.
            sock.connect((self.host, self.port))
            port = _Port(sock, self, len(self.ports))
            watcher.add(sock.fileno(), port.drain)
        except BaseException:
            sock.close()
            raise
        self.ports.append(port)
        return port

    def _pick(self) -> _Port:
        """Another socket with room, at random: the one picked first was full."""
        ports = self.ports
        for _ in range(_PICKS):
            port = ports[random16() % len(ports)]
            if len(port.pending) < MAX_IN_FLIGHT:
                return port
        raise IdsExhausted(f"{MAX_IN_FLIGHT} questions waiting on each socket tried")

    def _retire(self, port: _Port) -> None:
        """Take ``port`` out of the pool; it closes once its questions are done."""
        port.retired = True
        ports = self.ports
        last = ports.pop()
        if last is not port:
            ports[port.index] = last
            last.index = port.index
        if port.pending:
            self.draining.add(port)
        else:
            self._close_port(port)

    def _release(self, port: _Port) -> None:
        """A question left ``port``: close it if it is out of the pool and done."""
        if port.retired and not port.pending:
            self.draining.discard(port)
            self._close_port(port)

    def _close_port(self, port: _Port) -> None:
        sock, port.sock = port.sock, None
        if sock is None:  # pragma: no cover - closed already (by close(), then an ICMP error)
            return
        if self._watcher is not None:
            self._watcher.remove(sock.fileno())
        sock.close()

    def ask_then(
        self,
        query: Query,
        done: ReplyCallback,
        expires: float | None = None,
        *,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> float:
        """Ask ``query``; call ``done`` with its :data:`Reply` once, later.

        ``expires`` is the event loop's time by which the lookup ends (now plus
        :attr:`lifetime` when not given); it is returned, for the questions
        asked after this one in the same lookup (a CNAME target). Call it from
        a running event loop: ``loop``, when the caller knows it (looking it up
        costs CPython 3.11 a ``getpid`` system call, its check for a fork, and
        this runs for every question). ``done`` is never called before this
        returns, and always called: a failure is an answer too.
        """
        if loop is None:
            loop = asyncio.get_running_loop()
        if self._loop is not loop:
            # A new event loop (a second asyncio.run): the old sockets were
            # watched by a loop that is gone.
            self.close()
            self._loop = loop
            self._clock = _clock_of(loop)
            self._deadlines = Deadlines(loop, self.timed_out)
        if self._watcher is None:
            self._watcher = Watcher(loop)
        self._open_source = True
        now = self._clock()
        if expires is None:
            expires = now + self.timeout * self.tries
        self._send(_Question(query, done, self.tries, expires), now)
        return expires

    def _send(self, question: _Question, now: float) -> None:
        """Send ``question`` (a first try or another) at ``now``, the event loop's time."""
        ports = self.ports
        try:
            if len(ports) < self.max_sockets:
                port = self._open()
            else:
                # A socket at random (the pool is full nearly always).
                port = ports[random16() % len(ports)]
                if len(port.pending) >= MAX_IN_FLIGHT:
                    port = self._pick()
        except OSError as exc:
            self._finish(question, failure(question.query, FailureCause.NO_NAMESERVER, str(exc)))
            return
        except IdsExhausted as exc:
            self._finish(question, failure(question.query, FailureCause.OTHER, str(exc)))
            return
        pending = port.pending
        query = question.query
        try:
            qid = new_id(pending)
            wire = encode_query(qid, query.name, query.rdtype)
        except (WireError, IdsExhausted) as exc:
            self._finish(question, failure(query, FailureCause.OTHER, str(exc)))
            return
        question.qid = qid
        question.wire = wire
        question.tries_left -= 1
        pending[qid] = question
        port.uses += 1
        if port.uses >= self.socket_uses:
            self._retire(port)
        # This try ends after timeout, and no later than the lookup.
        ends = now + self.timeout
        expires = question.expires
        deadlines = self._deadlines
        assert deadlines is not None  # set with the loop, by ask_then
        deadlines.add(question, port, qid, ends if ends < expires else expires)
        self.sent += 1
        sock = port.sock
        assert sock is not None  # open while in the list
        try:
            sock.send(wire)
        except (BlockingIOError, InterruptedError):
            pass  # the send buffer is full: as good as lost, and the deadline retries
        except OSError as exc:
            # Later: this may run inside ask_then, whose callback must not come first.
            assert self._loop is not None  # set with the deadlines
            self._loop.call_soon(self.fail_port, port, exc)

    def _finish(self, question: _Question, answer: Answer) -> None:
        # Later: _send runs inside ask_then, whose callback must not come first.
        assert self._loop is not None
        self._loop.call_soon(question.done, (answer, None))

    def refused(self, port: _Port, question: _Question, error: Exception) -> None:
        """A reply under ``question``'s ID that did not decode to its answer (``error``)."""
        if isinstance(error, Mismatch):
            return  # not its reply (RFC 5452 §9.1): dropped; the question waits on
        del port.pending[question.qid]
        self._release(port)
        if isinstance(error, WireError):
            question.done((failure(question.query, FailureCause.MALFORMED, str(error)), None))
        else:
            question.done(error)  # a bug: raised where the question was asked, not lost here

    def truncated(self, port: _Port, question: _Question) -> None:
        """A truncated reply to ``question``: asked again over TCP (RFC 7766 §5)."""
        del port.pending[question.qid]
        self._release(port)
        assert self._loop is not None
        # Rare: a task of its own, within what is left of the lookup.
        left = min(self.timeout, question.expires - self._clock())
        self.sent += 1
        query = question.query
        asking = ask_over_tcp(self.host, self.port, query, question.wire, left)
        task = self._loop.create_task(asking)
        task.add_done_callback(lambda ended: hand_over(question.done, query, ended))

    def timed_out(self, port: _Port, question: _Question) -> None:
        """``question`` got no reply in time on ``port``: send it again, or give up."""
        self._release(port)
        now = self._clock()
        if question.tries_left > 0 and now < question.expires:
            self._send(question, now)
        else:
            detail = f"no reply after {self.tries - question.tries_left} tries"
            question.done((failure(question.query, FailureCause.TIMEOUT, detail), None))

    def fail_port(self, port: _Port, error: OSError) -> None:
        """End the questions waiting on ``port``: ``error`` says the server is not there."""
        waiting = list(port.pending.values())
        port.pending.clear()
        if port.retired:
            self._release(port)
        elif port.sock is not None:
            self._retire(port)
        for question in waiting:
            question.done((failure(question.query, FailureCause.NO_NAMESERVER, str(error)), None))

    def close(self) -> None:
        """Close the sockets; questions still waiting end as failures.

        A later question opens new sockets.

        Call it before the event loop that opened the sockets ends: they are
        watched by that loop.
        """
        self._open_source = False
        ports = [*self.ports, *self.draining]
        self.ports, self.draining = [], set()
        waiting: list[_Question] = []
        for port in ports:
            self._close_port(port)
            waiting.extend(port.pending.values())
            port.pending.clear()
        if self._watcher is not None:
            self._watcher.close()
            self._watcher = None
        if self._deadlines is not None:
            self._deadlines.cancel()
        for question in waiting:
            question.done((failure(question.query, FailureCause.OTHER, "source closed"), None))
