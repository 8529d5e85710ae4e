"""Stub sources: live DNS with no resolver layer, for speed on many domains.

:class:`StubSource` and :class:`AsyncStubSource` send each question straight to
one server (a recursive resolver, or an authoritative server for the zones it
serves) with the small wire codec of :mod:`emailpro_core.sources._wire.codec`. They give the same
:class:`~emailpro_core.sources.Answer` values as :class:`~emailpro_core.sources.ResolverSource`,
share the same :class:`~emailpro_core.sources.DnsCache`, and count and share queries the same way
(:class:`~emailpro_core.sources._livebase.CachedSource`); what they save is the cost of building and
parsing full dnspython messages, which is where a resolver-based check of a
domain spends most of its time.

A CNAME that leads out of what the server answers for is followed by asking the
server again for its target, up to :data:`MAX_CHASE` times.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from collections.abc import Callable

from ..errors import require_str
from ._answers import Answer, Query
from ._cache import DnsCache
from ._livebase import CachedSource, Chase, as_asked, chase, make_query
from ._memtable import rdtype_key
from ._wire.stub import StubTransport
from ._wire.stubasync import AsyncStubTransport, Reply

#: Called once with the answer of a lookup (:meth:`AsyncStubSource.lookup_then`),
#: or the exception that finding it raised (a bug, to be raised by the asker).
AnswerCallback = Callable[[Answer | Exception], None]
#: Asks a question, and gives its answer at once (cached) or to the callback later.
QueryThen = Callable[[Query, AnswerCallback], Answer | None]
_Waiter = tuple[Query, AnswerCallback]
# A question in flight: its event loop, name and type.
_Key = tuple[asyncio.AbstractEventLoop, str, str]

DEFAULT_TIMEOUT = 2.0
DEFAULT_TRIES = 2


def _server(nameserver: str, port: int, timeout: float, tries: int) -> tuple[str, int]:
    require_str(nameserver, "a nameserver")
    try:
        ipaddress.ip_address(nameserver)
    except ValueError:
        raise ValueError(f"nameserver must be an IP address, not {nameserver!r}") from None
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        raise ValueError(f"port must be between 1 and 65535, not {port!r}")
    if not isinstance(timeout, int | float) or timeout <= 0:
        raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
    if not isinstance(tries, int) or isinstance(tries, bool) or tries < 1:
        raise ValueError(f"tries must be at least 1, not {tries!r}")
    return nameserver, port


class StubSource(CachedSource):
    """Blocking lookups sent straight to one server.

    Args:
        nameserver: The server's IP address (``"127.0.0.1"``).
        port: Its port (53).
        timeout: Seconds to wait for one reply (2).
        tries: Sends over UDP before giving up as a timeout (2).
        cache: A cache to share; each source has its own otherwise.

    >>> StubSource("127.0.0.1", port=5353)
    <StubSource 127.0.0.1:5353>
    """

    def __init__(
        self,
        nameserver: str,
        /,
        *,
        port: int = 53,
        timeout: float = DEFAULT_TIMEOUT,
        tries: int = DEFAULT_TRIES,
        cache: DnsCache | None = None,
    ) -> None:
        super().__init__(cache)
        host, port = _server(nameserver, port, timeout, tries)
        self.transport = StubTransport(host, port, timeout=timeout, tries=tries)

    def lookup(self, name: str, rdtype: str, /) -> Answer:
        """Answer ``(name, rdtype)`` from the cache or the server; never raises for DNS."""
        query = make_query(name, rdtype)
        cached = self._cached(query)
        if cached is not None:
            return cached
        self._count_sent()
        steps = chase(query)
        # One deadline for the whole lookup, the CNAME targets asked after it too.
        expires = time.monotonic() + self.transport.lifetime
        try:
            question = next(steps)
            while True:
                question = steps.send(self.transport.ask(question, expires))
        except StopIteration as done:
            answer: Answer = done.value
        self.cache.put(answer)
        return answer

    async def lookup_async(self, name: str, rdtype: str, /) -> Answer:
        """The answer of :meth:`lookup`, computed in a worker thread."""
        return await asyncio.to_thread(self.lookup, name, rdtype)

    def __repr__(self) -> str:
        return f"<StubSource {self.transport.host}:{self.transport.port}>"


class AsyncStubSource(CachedSource):
    """Asynchronous lookups sent straight to one server, all on one UDP socket.

    Same arguments as :class:`StubSource`. Concurrent lookups of one question
    share one query. ``lookup`` (sync) runs the async lookup on an event loop
    of its own.
    """

    def __init__(
        self,
        nameserver: str,
        /,
        *,
        port: int = 53,
        timeout: float = DEFAULT_TIMEOUT,
        tries: int = DEFAULT_TRIES,
        cache: DnsCache | None = None,
    ) -> None:
        super().__init__(cache)
        host, port = _server(nameserver, port, timeout, tries)
        self.transport = AsyncStubTransport(host, port, timeout=timeout, tries=tries)
        # The lookups waiting for each question in flight, by event loop and question.
        self._waiting: dict[_Key, _Chaser] = {}

    def lookup_then(self, name: str, rdtype: str, done: AnswerCallback, /) -> Answer | None:
        """The cached answer to ``(name, rdtype)``; else ``None``, and ``done(answer)`` later.

        For callers that drive many lookups with callbacks rather than a task
        or a future each (the checker does). Call it from a running event loop.
        ``done`` is called once, never before this returns, with an answer to
        the question as asked; it must not raise. Lookups of one question in
        flight share one query.
        """
        return self.query_then(make_query(name, rdtype), done)

    def query_then(self, query: Query, done: AnswerCallback, /) -> Answer | None:
        """:meth:`lookup_then` for a :class:`~emailpro_core.sources.Query` (already checked and
        normalized)."""
        return self._query_then_in(asyncio.get_running_loop(), query, done)

    def _query_then_in(
        self, loop: asyncio.AbstractEventLoop, query: Query, done: AnswerCallback, /
    ) -> Answer | None:
        """:meth:`query_then` from ``loop``, the running loop, which the caller knows.

        The checker asks a dozen questions a domain from the loop it runs in;
        looking the loop up costs CPython 3.11 a ``getpid`` system call (its check
        for a fork), and it was looked up twice a question.
        """
        # _cached in line: this runs for every question the checker asks.
        cached = self.cache.get(query)
        if cached is not None:
            with self._lock:
                self._hits += 1
            return cached
        self._join(loop, query, done)
        return None

    def _join(self, loop: asyncio.AbstractEventLoop, query: Query, done: AnswerCallback) -> None:
        """Wait for ``query``'s answer: the query in flight, or a new one."""
        key: _Key = (loop, query.name, rdtype_key(query.rdtype))
        lookup = self._waiting.get(key)
        if lookup is not None:
            with self._lock:
                self._shared += 1
            lookup.join(query, done)
            return
        with self._lock:
            self._sent += 1
        lookup = _Chaser(self, key, query, done)
        # Asked first: if that raises, no waiter is left behind. Its callbacks
        # come later, never from within this call.
        lookup.expires = self.transport.ask_then(query, lookup.step, loop=loop)
        self._waiting[key] = lookup

    def _settle(self, lookup: _Chaser, outcome: Answer | Exception) -> None:
        """End ``lookup`` with ``outcome``: cache it, and give it to every waiter."""
        if isinstance(outcome, Exception):
            self._waiting.pop(lookup.key, None)
            for _, done in lookup.waiters():
                done(outcome)
            return
        if self.transport.is_open:
            # Not an answer that ended because the source was closed.
            self.cache.put(outcome)
        self._waiting.pop(lookup.key, None)
        query = lookup.query
        # The first waiter asked the question answered (nearly always the only one).
        lookup.done(outcome if outcome.query is query else as_asked(query, outcome))
        if lookup.others is not None:
            for query, done in lookup.others:
                done(as_asked(query, outcome))

    async def lookup_async(self, name: str, rdtype: str, /) -> Answer:
        """Answer ``(name, rdtype)`` from the cache, a query in flight, or a new query."""
        found = self.lookup_soon(name, rdtype)
        return found if isinstance(found, Answer) else await found

    def lookup_soon(self, name: str, rdtype: str, /) -> Answer | asyncio.Future[Answer]:
        """The answer of :meth:`lookup_async` at once if the cache has it, else a future of it.

        Call it from a running event loop. The future is this lookup's own:
        cancelling it does not cancel the query that other lookups of the
        question wait for.
        """
        query = make_query(name, rdtype)
        cached = self._cached(query)
        if cached is not None:
            return cached
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[Answer] = loop.create_future()

        def settle(outcome: Answer | Exception) -> None:
            if waiter.done():
                return
            if isinstance(outcome, Exception):
                waiter.set_exception(outcome)
            else:
                waiter.set_result(outcome)

        self._join(loop, query, settle)
        return waiter

    def lookup(self, name: str, rdtype: str, /) -> Answer:
        """The answer of :meth:`lookup_async`, for sync callers outside an event loop.

        The socket opened on the temporary event loop is closed with it.
        """

        async def once() -> Answer:
            try:
                return await self.lookup_async(name, rdtype)
            finally:
                self.close()

        return asyncio.run(once())

    def close(self) -> None:
        """Close the socket; a later lookup opens a new one."""
        self.transport.close()

    def __repr__(self) -> str:
        return f"<AsyncStubSource {self.transport.host}:{self.transport.port}>"


class _Chaser:
    """One lookup over the async transport, and who waits for it: each reply goes to :meth:`step`.

    A class rather than a closure that passes itself on: such a closure is a
    reference cycle, which only the garbage collector frees, and at a dozen
    lookups a domain collecting them took a third of a bulk run's time.

    Nearly every lookup is one question answered at once (no CNAME target left
    to ask): :meth:`step` settles it in line. The :func:`chase` of the others
    starts with their first reply.
    """

    __slots__ = ("done", "expires", "key", "others", "query", "source", "steps")

    def __init__(
        self, source: AsyncStubSource, key: _Key, query: Query, done: AnswerCallback
    ) -> None:
        self.source = source
        self.key = key
        #: The question asked, and the lookup that asked it first.
        self.query = query
        self.done = done
        #: The lookups of the same question that came after it.
        self.others: list[_Waiter] | None = None
        self.steps: Chase | None = None
        # One deadline for the whole lookup, the CNAME targets asked after it
        # too: the transport sets it with the first question.
        self.expires: float | None = None

    def join(self, query: Query, done: AnswerCallback) -> None:
        """Give this lookup's answer to ``done`` too, as an answer to ``query``."""
        if self.others is None:
            self.others = [(query, done)]
        else:
            self.others.append((query, done))

    def waiters(self) -> list[_Waiter]:
        """Every lookup waiting, the first first."""
        return [(self.query, self.done), *(self.others or ())]

    def step(self, reply: Reply | Exception) -> None:
        """Go on with ``reply``: ask the next question, or settle the lookup."""
        steps = self.steps
        if steps is None and type(reply) is tuple:
            answer, target = reply
            if target is None and answer.query is self.query:
                # The answer to the question as asked, final: what chase() returns.
                self.source._settle(self, answer)
                return
        try:
            if isinstance(reply, Exception):
                raise reply
            if steps is None:
                steps = self.steps = chase(self.query)
                next(steps)  # the question already asked
            question = steps.send(reply)
        except StopIteration as done:
            self.source._settle(self, done.value)
        except Exception as error:  # a bug: every waiter raises it
            self.source._settle(self, error)
        else:
            # The key's loop: the one the lookup was asked from, running this reply.
            self.source.transport.ask_then(question, self.step, self.expires, loop=self.key[0])
