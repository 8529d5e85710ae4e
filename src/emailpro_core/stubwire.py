"""The blocking stub transport, and what it shares with the async one (:mod:`.stubasync`).

:class:`StubTransport` is the network half of :class:`~.source_stub.StubSource`:
one question to one server, over UDP with TCP fallback. It sends the queries
that :mod:`.dnswire` encodes and hands back what it decodes; every way a server
can fail becomes an :class:`~.dnsdata.Answer` with a :class:`~.dnsdata.FailureCause`.
"""

from __future__ import annotations

import os
import socket
import struct
from collections.abc import Container

from .dnsdata import Answer, AnswerStatus, FailureCause, Query
from .dnswire import TRUNCATED, WireError, decode_answer, encode_query, response_id

__all__ = ["LENGTH", "StubTransport", "decode", "failure", "is_truncated", "new_id"]

#: The length prefix of a message over TCP (RFC 1035 §4.2.2).
LENGTH = struct.Struct("!H")


def failure(query: Query, cause: FailureCause, detail: str) -> Answer:
    """A failed answer to ``query``."""
    return Answer(query, AnswerStatus.FAILURE, cause=cause, detail=detail)


def decode(wire: bytes, query: Query, qid: int) -> tuple[Answer, str | None]:
    """The answer in ``wire`` (a reply to ``query`` with ID ``qid``); malformed is a failure."""
    try:
        return decode_answer(wire, query, qid)
    except WireError as exc:
        return failure(query, FailureCause.MALFORMED, str(exc)), None


def is_truncated(answer: Answer) -> bool:
    """Whether ``answer`` stands for a truncated UDP reply (to be asked over TCP)."""
    return answer.cause is FailureCause.OTHER and answer.detail == TRUNCATED


# RFC 5452 §9.2: message IDs must be unpredictable. They come from the system's
# CSPRNG (what `secrets` uses), drawn 512 at a time: one os.urandom call per
# question cost as much as encoding it. A forked child draws its own.
_ID_BATCH = 512
_IDS: list[int] = []
os.register_at_fork(after_in_child=_IDS.clear)


def new_id(busy: Container[int] = ()) -> int:
    """A random message ID not in ``busy`` (those already waiting for a reply)."""
    while True:
        try:
            qid = _IDS.pop()  # atomic: threads never get the same ID
        except IndexError:
            _IDS.extend(memoryview(os.urandom(2 * _ID_BATCH)).cast("H"))
            continue
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
            qid = new_id()
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
            answer, chase = decode(reply, query, qid)
            if is_truncated(answer):
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
                sock.sendall(LENGTH.pack(len(wire)) + wire)
                (size,) = LENGTH.unpack(_recv_exactly(sock, 2))
                reply = _recv_exactly(sock, size)
        except TimeoutError:
            return failure(query, FailureCause.TIMEOUT, "no reply over TCP"), None
        except (OSError, EOFError) as exc:
            return failure(query, FailureCause.NO_NAMESERVER, f"TCP: {exc}"), None
        answer, chase = decode(reply, query, qid)
        if is_truncated(answer):
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
