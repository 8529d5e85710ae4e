"""The blocking stub transport, and what it shares with the async one
(:mod:`emailpro_core.sources._wire.stubasync`).

:class:`StubTransport` is the network half of :class:`~emailpro_core.sources.StubSource`:
one question to one server, over UDP with TCP fallback. It sends the queries
that :mod:`emailpro_core.sources._wire.codec` encodes and hands back what it decodes; every way a
server can fail becomes an :class:`~emailpro_core.sources.Answer` with a
:class:`~emailpro_core.sources.FailureCause`.
"""

from __future__ import annotations

import os
import socket
import struct
import time
from collections.abc import Container

from .._answers import Answer, AnswerStatus, FailureCause, Query
from .codec import TRUNCATED, Mismatch, decode_answer, encode_query
from .names import WireError

#: The length prefix of a message over TCP (RFC 1035 §4.2.2).
LENGTH = struct.Struct("!H")


def failure(query: Query, cause: FailureCause, detail: str) -> Answer:
    """A failed answer to ``query``."""
    return Answer(query, AnswerStatus.FAILURE, cause=cause, detail=detail)


def decode(wire: bytes, query: Query, qid: int) -> tuple[Answer, str | None]:
    """The answer in ``wire`` (a reply to ``query`` with ID ``qid``); malformed is a failure.

    Raises:
        Mismatch: ``wire`` is not the reply to this query (over UDP, a possible
            forgery: the caller drops it and keeps waiting).
    """
    try:
        return decode_answer(wire, query, qid)
    except Mismatch:
        raise
    except WireError as exc:
        return failure(query, FailureCause.MALFORMED, str(exc)), None


def decode_tcp(wire: bytes, query: Query, qid: int) -> tuple[Answer, str | None]:
    """:func:`decode` for a reply over TCP: there a mismatch ends the lookup as malformed.

    The connection is the server's own (no off-path forgery), so a reply to
    another question is a broken server; it is not cached any longer than a failure.
    """
    try:
        answer, chase = decode(wire, query, qid)
    except Mismatch as exc:
        return failure(query, FailureCause.MALFORMED, f"TCP: {exc}"), None
    if is_truncated(answer):
        return failure(query, FailureCause.MALFORMED, "truncated over TCP"), None
    return answer, chase


def is_truncated(answer: Answer) -> bool:
    """Whether ``answer`` stands for a truncated UDP reply (to be asked over TCP)."""
    return answer.cause is FailureCause.OTHER and answer.detail == TRUNCATED


# RFC 5452 §9.2: message IDs must be unpredictable. They come from the system's
# CSPRNG (what `secrets` uses), drawn 512 at a time: one os.urandom call per
# question cost as much as encoding it. A forked child draws its own.
_ID_BATCH = 512
_IDS: list[int] = []
os.register_at_fork(after_in_child=_IDS.clear)
#: Draws of a random ID before :func:`new_id` gives up. With at most
#: :data:`~emailpro_core.sources._wire.stubasync.MAX_IN_FLIGHT` IDs in use on a socket (1.6 % of
#: them) a draw is free 98 % of the time; even with 99 % in use, failing takes odds of
#: 10^-17. It bounds the work when every ID is taken.
MAX_ID_DRAWS = 4096


class IdsExhausted(RuntimeError):
    """No free message ID was found: too many questions wait on one socket."""


def random16() -> int:
    """A random 16-bit number from the system's CSPRNG (drawn ahead, in batches)."""
    try:
        return _IDS.pop()  # atomic: threads never get the same number
    except IndexError:
        _IDS.extend(memoryview(os.urandom(2 * _ID_BATCH)).cast("H"))
        return _IDS.pop()


def new_id(busy: Container[int] = ()) -> int:
    """A random message ID not in ``busy`` (those already waiting for a reply).

    Raises:
        IdsExhausted: none found in :data:`MAX_ID_DRAWS` draws.
    """
    # The first draw in line (it is nearly always free): one call a question.
    try:
        qid = _IDS.pop()
    except IndexError:
        qid = random16()
    if qid not in busy:
        return qid
    for _ in range(MAX_ID_DRAWS - 1):
        qid = random16()
        if qid not in busy:
            return qid
    raise IdsExhausted(f"no free message ID in {MAX_ID_DRAWS} draws")


class StubTransport:
    """Blocking transport: one question at a time to ``host``:``port``.

    Every lookup (its tries, the TCP retry, the CNAME targets asked after it)
    ends by the ``expires`` given to :meth:`ask`: a server that trickles
    datagrams that are not the reply, or drips a TCP reply an octet at a time,
    cannot stretch it. Each UDP try waits ``timeout`` at most.
    """

    def __init__(self, host: str, port: int, *, timeout: float, tries: int) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self.tries = tries
        self.sent = 0

    @property
    def lifetime(self) -> float:
        """Seconds one lookup may take in all: ``timeout`` for each try."""
        return self.timeout * self.tries

    def ask(self, query: Query, expires: float | None = None) -> tuple[Answer, str | None]:
        """Ask ``query``; return the answer and a CNAME target left to chase.

        ``expires`` is the :func:`time.monotonic` time by which the lookup ends
        (now plus :attr:`lifetime` when not given).
        """
        if expires is None:
            expires = time.monotonic() + self.lifetime
        for _ in range(self.tries):
            qid = new_id()
            try:
                wire = encode_query(qid, query.name, query.rdtype)
            except WireError as exc:
                return failure(query, FailureCause.OTHER, str(exc)), None
            try:
                reply = self._udp(query, wire, qid, expires)
            except TimeoutError:
                continue
            except OSError as exc:
                return failure(query, FailureCause.NO_NAMESERVER, str(exc)), None
            if is_truncated(reply[0]):
                return self._tcp_ask(query, wire, qid, expires)
            return reply
        return failure(query, FailureCause.TIMEOUT, f"no reply after {self.tries} tries"), None

    def _udp(
        self, query: Query, wire: bytes, qid: int, expires: float
    ) -> tuple[Answer, str | None]:
        ends = min(expires, time.monotonic() + self.timeout)
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        with socket.socket(family, socket.SOCK_DGRAM) as sock:
            sock.connect((self.host, self.port))
            self.sent += 1
            sock.send(wire)
            while True:
                # Each wait is what is left of this try: datagrams that are not
                # the reply do not start the clock again.
                _wait(sock, ends)
                try:
                    return decode(sock.recv(65535), query, qid)
                except Mismatch:
                    continue  # RFC 5452 §9.1: not ours; the reply may still come

    def _tcp_ask(
        self, query: Query, wire: bytes, qid: int, expires: float
    ) -> tuple[Answer, str | None]:
        try:
            with socket.create_connection(
                (self.host, self.port), timeout=min(self.timeout, _left(expires))
            ) as sock:
                self.sent += 1
                sock.sendall(LENGTH.pack(len(wire)) + wire)
                (size,) = LENGTH.unpack(_recv_exactly(sock, 2, expires))
                reply = _recv_exactly(sock, size, expires)
        except TimeoutError:
            return failure(query, FailureCause.TIMEOUT, "no reply over TCP"), None
        except (OSError, EOFError) as exc:
            return failure(query, FailureCause.NO_NAMESERVER, f"TCP: {exc}"), None
        return decode_tcp(reply, query, qid)


def _left(expires: float) -> float:
    """Seconds left until ``expires``.

    Raises:
        TimeoutError: none left.
    """
    left = expires - time.monotonic()
    if left <= 0:
        raise TimeoutError("lookup deadline passed")
    return left


def _wait(sock: socket.socket, expires: float) -> None:
    sock.settimeout(_left(expires))


def _recv_exactly(sock: socket.socket, size: int, expires: float) -> bytes:
    data = bytearray()
    while len(data) < size:
        _wait(sock, expires)  # the whole reply by the deadline, however it is cut
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise EOFError("connection closed early")
        data += chunk
    return bytes(data)
