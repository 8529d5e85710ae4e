"""Stub sources: live DNS with no resolver layer, for speed on many domains.

:class:`StubSource` and :class:`AsyncStubSource` send each question straight to
one server (a recursive resolver, or an authoritative server for the zones it
serves) with the small wire codec of :mod:`.dnswire`. They give the same
:class:`~.dnsdata.Answer` values as :class:`~.source_live.ResolverSource`, share
the same :class:`~.dnscache.DnsCache`, and count and share queries the same way
(:class:`~.livebase.CachedSource`); what they save is the cost of building and
parsing full dnspython messages, which is where a resolver-based check of a
domain spends most of its time.

A CNAME that leads out of what the server answers for is followed by asking the
server again for its target, up to :data:`MAX_CHASE` times.
"""

from __future__ import annotations

import asyncio
import ipaddress

from .dnscache import DnsCache
from .dnsdata import Answer, Query
from .errors import require_str
from .livebase import MAX_CHASE, CachedSource, chase, make_query
from .stubwire import AsyncStubTransport, StubTransport

__all__ = ["MAX_CHASE", "AsyncStubSource", "StubSource"]

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
        try:
            question = next(steps)
            while True:
                question = steps.send(self.transport.ask(question))
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

    async def _fetch(self, query: Query) -> Answer:
        steps = chase(query)
        try:
            question = next(steps)
            while True:
                question = steps.send(await self.transport.ask(question))
        except StopIteration as done:
            answer: Answer = done.value
            return answer

    async def lookup_async(self, name: str, rdtype: str, /) -> Answer:
        """Answer ``(name, rdtype)`` from the cache, a query in flight, or a new query."""
        return await self._shared_lookup(make_query(name, rdtype), self._fetch)

    def lookup_soon(self, name: str, rdtype: str, /) -> Answer | asyncio.Future[Answer]:
        """The answer of :meth:`lookup_async` at once if the cache has it, else a future of it.

        For callers that drive many lookups with callbacks rather than a task
        each (the checker does). Call it from a running event loop. The future
        is this lookup's own: cancelling it does not cancel the query that other
        lookups of the question wait for.
        """
        return self._lookup_soon(make_query(name, rdtype), self._fetch)

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
