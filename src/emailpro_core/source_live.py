"""Live sources: DNS questions sent to name servers through dnspython.

Both sources take a dnspython resolver, or build one from ``nameservers``,
``port``, ``timeout`` and ``lifetime`` with ``configure=False``: they never read
``/etc/resolv.conf`` and never touch dnspython's shared default resolver. Every
outcome is an :class:`~.dnsdata.Answer` (see :mod:`.liveanswers`); answers are
kept in a :class:`~.dnscache.DnsCache`, which several sources may share.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Sequence
from typing import TypeVar

import attrs
import dns.asyncresolver
import dns.resolver

from .dnscache import DnsCache
from .dnsdata import Answer, Query
from .errors import require_str
from .liveanswers import RESOLVE_ERRORS, answer_from_error, answer_from_result, qname_of
from .rdataconv import canonical_rdtype

__all__ = ["DEFAULT_LIFETIME", "DEFAULT_TIMEOUT", "AsyncResolverSource", "ResolverSource"]

#: Seconds to wait for one server's reply before trying again.
DEFAULT_TIMEOUT = 2.0
#: Seconds one lookup may take in all, retries included.
DEFAULT_LIFETIME = 5.0

R = TypeVar("R", bound=dns.resolver.BaseResolver)


def _configure(
    resolver_type: type[R],
    resolver: R | None,
    nameservers: Sequence[str] | None,
    port: int | None,
    timeout: float | None,
    lifetime: float | None,
) -> R:
    if resolver is not None:
        if not isinstance(resolver, resolver_type):
            raise TypeError(
                f"resolver must be a {resolver_type.__module__}.{resolver_type.__name__}, "
                f"not {type(resolver).__name__}"
            )
        if (nameservers, port, timeout, lifetime) != (None, None, None, None):
            raise TypeError("give a resolver or its options (nameservers, ...), not both")
        return resolver
    if nameservers is None:
        raise TypeError("give a resolver or the nameservers to ask")
    if isinstance(nameservers, str):
        raise TypeError("nameservers must be a sequence of addresses, not one str")
    built = resolver_type(configure=False)
    try:
        built.nameservers = [require_str(ns, "a nameserver") for ns in nameservers]
    except ValueError as exc:
        raise ValueError(f"invalid nameservers {list(nameservers)!r}: {exc}") from None
    built.port = 53 if port is None else port
    built.timeout = DEFAULT_TIMEOUT if timeout is None else timeout
    built.lifetime = DEFAULT_LIFETIME if lifetime is None else lifetime
    return built


class _Counted:
    """The cache and counters both live sources have."""

    def __init__(self, cache: DnsCache | None) -> None:
        if cache is not None and not isinstance(cache, DnsCache):
            raise TypeError(f"cache must be a DnsCache, not {type(cache).__name__}")
        self.cache = DnsCache() if cache is None else cache
        self._lock = threading.Lock()
        self._sent = 0
        self._hits = 0

    @property
    def queries_sent(self) -> int:
        """Lookups sent to the resolver (one per cache miss; dnspython may retry on the wire)."""
        return self._sent

    @property
    def cache_hits(self) -> int:
        """Lookups answered from the cache."""
        return self._hits

    def _cached(self, query: Query) -> Answer | None:
        answer = self.cache.get(query)
        if answer is not None:
            with self._lock:
                self._hits += 1
        return answer

    def _count_sent(self) -> None:
        with self._lock:
            self._sent += 1


def _query(name: str, rdtype: str) -> Query:
    return Query(require_str(name, "a name"), require_str(rdtype, "a record type"))


class ResolverSource(_Counted):
    """Sends questions with a synchronous ``dns.resolver.Resolver``.

    Args:
        resolver: A resolver to use as it is; or else give
        nameservers: Addresses to ask (``["127.0.0.1"]``); an empty list makes
            every lookup a ``NO_NAMESERVER`` failure.
        port: Their port (53).
        timeout: Seconds to wait for one reply (2).
        lifetime: Seconds one lookup may take in all (5).
        cache: A cache to share; each source has its own otherwise.

    ``lookup_async`` runs ``lookup`` in a worker thread.
    """

    def __init__(
        self,
        resolver: dns.resolver.Resolver | None = None,
        /,
        *,
        nameservers: Sequence[str] | None = None,
        port: int | None = None,
        timeout: float | None = None,
        lifetime: float | None = None,
        cache: DnsCache | None = None,
    ) -> None:
        super().__init__(cache)
        self.resolver = _configure(
            dns.resolver.Resolver, resolver, nameservers, port, timeout, lifetime
        )

    def lookup(self, name: str, rdtype: str, /) -> Answer:
        """Answer ``(name, rdtype)`` from the cache or the resolver; never raises for DNS."""
        query = _query(name, rdtype)
        cached = self._cached(query)
        if cached is not None:
            return cached
        self._count_sent()
        try:
            result = self.resolver.resolve(
                qname_of(query), canonical_rdtype(query.rdtype), search=False
            )
        except RESOLVE_ERRORS as exc:
            answer = answer_from_error(query, exc)
        else:
            answer = answer_from_result(query, result)
        self.cache.put(answer)
        return answer

    async def lookup_async(self, name: str, rdtype: str, /) -> Answer:
        """The answer of :meth:`lookup`, computed in a worker thread."""
        return await asyncio.to_thread(self.lookup, name, rdtype)

    def __repr__(self) -> str:
        return f"<ResolverSource {self.resolver.nameservers!r}>"


class AsyncResolverSource(_Counted):
    """Sends questions with a ``dns.asyncresolver.Resolver``; same options as ResolverSource.

    Concurrent lookups of one question share one query: the first sends it, the
    others wait for its answer (``queries_shared`` counts them). A lookup that is
    cancelled does not cancel the query the others wait for.

    ``lookup`` (sync) runs the async lookup on an event loop of its own (in a
    worker thread when the calling thread already runs one).
    """

    def __init__(
        self,
        resolver: dns.asyncresolver.Resolver | None = None,
        /,
        *,
        nameservers: Sequence[str] | None = None,
        port: int | None = None,
        timeout: float | None = None,
        lifetime: float | None = None,
        cache: DnsCache | None = None,
    ) -> None:
        super().__init__(cache)
        self.resolver = _configure(
            dns.asyncresolver.Resolver, resolver, nameservers, port, timeout, lifetime
        )
        # Keyed by event loop too: a task belongs to the loop that runs it.
        self._inflight: dict[tuple[asyncio.AbstractEventLoop, str, str], asyncio.Task[Answer]]
        self._inflight = {}
        self._shared = 0

    @property
    def queries_shared(self) -> int:
        """Lookups that waited for a query another lookup had already sent."""
        return self._shared

    async def _fetch(self, query: Query) -> Answer:
        self._count_sent()
        try:
            result = await self.resolver.resolve(
                qname_of(query), canonical_rdtype(query.rdtype), search=False
            )
        except RESOLVE_ERRORS as exc:
            answer = answer_from_error(query, exc)
        else:
            answer = answer_from_result(query, result)
        self.cache.put(answer)
        return answer

    async def lookup_async(self, name: str, rdtype: str, /) -> Answer:
        """Answer ``(name, rdtype)`` from the cache, a query in flight, or a new query."""
        query = _query(name, rdtype)
        cached = self._cached(query)
        if cached is not None:
            return cached
        loop = asyncio.get_running_loop()
        key = (loop, query.name, canonical_rdtype(query.rdtype))
        task = self._inflight.get(key)
        if task is None:
            task = loop.create_task(self._fetch(query))
            self._inflight[key] = task
            task.add_done_callback(lambda _: self._inflight.pop(key, None))
        else:
            with self._lock:
                self._shared += 1
        # shield: one waiter's cancellation must not cancel the others' query.
        answer = await asyncio.shield(task)
        return answer if answer.query == query else attrs.evolve(answer, query=query)

    def lookup(self, name: str, rdtype: str, /) -> Answer:
        """The answer of :meth:`lookup_async`, for sync callers."""
        query = _query(name, rdtype)
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(self.lookup_async(query.name, rdtype))
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, self.lookup_async(query.name, rdtype)).result()

    def __repr__(self) -> str:
        return f"<AsyncResolverSource {self.resolver.nameservers!r}>"
