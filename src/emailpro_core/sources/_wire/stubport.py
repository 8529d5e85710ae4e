"""A socket of the asynchronous stub transport, and the questions waiting on it.

:class:`_Port` is one connected UDP socket of
:class:`~emailpro_core.sources._wire.stubasync.AsyncStubTransport`'s pool: the table
of its questions by message ID, and the reader that takes every reply waiting at
each wake-up and hands each one to its question (the hot path of a bulk run: a
reply that decodes to an answer never leaves it). What is rare (a reply that is
not the question's, a truncated one, a socket the kernel reports unreachable)
goes back to the transport.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Protocol

from .._answers import Answer, FailureCause, Query
from .codec import TRUNCATED, decode_answer

#: What a question ends with: its answer, and a CNAME target left to chase (or ``None``).
Reply = tuple[Answer, str | None]
#: Called once with the :data:`Reply` of a question, or the exception that
#: handling it raised (a bug, which the asker raises in turn).
ReplyCallback = Callable[[Reply | Exception], None]

# What a truncated reply is decoded to (RFC 7766 §5: it is asked again over TCP).
_TRUNCATED_CAUSE = FailureCause.OTHER


class _Owner(Protocol):
    """What a socket's reader hands back to its transport (``AsyncStubTransport``)."""

    def fail_port(self, port: _Port, error: OSError) -> None: ...

    def refused(self, port: _Port, question: _Question, error: Exception) -> None: ...

    def truncated(self, port: _Port, question: _Question) -> None: ...

    def _release(self, port: _Port) -> None: ...


class _Question:
    """One question waiting for its reply."""

    __slots__ = ("done", "ends", "expires", "qid", "query", "tries_left", "wire")

    def __init__(self, query: Query, done: ReplyCallback, tries_left: int, expires: float) -> None:
        self.query = query
        self.done = done
        self.tries_left = tries_left
        #: When the lookup ends, its tries and CNAME targets included.
        self.expires = expires
        #: When the current try times out (set by Deadlines.add).
        self.ends = expires
        self.qid = -1
        self.wire = b""


class _Port:
    """One connected UDP socket, its questions, and the reader of its replies.

    The event loop's datagram transport reads one datagram per turn of the loop
    (a readiness poll each); with hundreds of questions in flight the replies
    queue up, and reading them all at once costs a fraction of that.
    """

    __slots__ = ("index", "owner", "pending", "retired", "sock", "uses")

    #: Replies read in one wake-up at most, so that other callbacks get their turn.
    BATCH = 256

    def __init__(self, sock: socket.socket, owner: _Owner, index: int) -> None:
        self.sock: socket.socket | None = sock
        self.owner = owner
        self.index = index
        self.uses = 0
        #: Out of the pool: it closes once its last question is done.
        self.retired = False
        #: The questions waiting for a reply on this socket, by message ID.
        self.pending: dict[int, _Question] = {}

    def drain(self) -> None:
        """Read the replies waiting (the socket's reader callback).

        A reply that decodes to an answer is handed over here, in line (nearly
        every reply); the rest goes to the transport (its ``refused``, ``truncated``
        and ``fail_port``).
        """
        pending = self.pending
        owner = self.owner
        # As many reads as replies are awaited (one at least: the socket is
        # readable): a read more would only end in EAGAIN, an exception each.
        reads = len(pending)
        if reads > self.BATCH:
            reads = self.BATCH
        while True:
            sock = self.sock
            if sock is None:
                return  # pragma: no cover - a callback closed the source meanwhile
            try:
                data = sock.recv(65535)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                # An ICMP error (port unreachable) reported on the connected socket:
                # its questions went to a server that is not there.
                owner.fail_port(self, exc)
                return
            # The message ID, in line (a datagram too short to hold one is dropped).
            question = pending.get((data[0] << 8) | data[1]) if len(data) > 1 else None
            if question is not None:
                try:
                    reply = decode_answer(data, question.query, question.qid)
                except Exception as exc:
                    owner.refused(self, question, exc)
                else:
                    answer = reply[0]
                    if answer.cause is _TRUNCATED_CAUSE and answer.detail == TRUNCATED:
                        owner.truncated(self, question)
                    else:
                        del pending[question.qid]
                        if self.retired and not pending:
                            owner._release(self)
                        question.done(reply)
            reads -= 1
            if reads <= 0:
                return
