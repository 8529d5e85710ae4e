"""Live sources: DNS questions sent to name servers through dnspython.

Both sources take a dnspython resolver, or build one from ``nameservers``,
``port``, ``timeout`` and ``lifetime`` with ``configure=False``: they never read
``/etc/resolv.conf`` and never touch dnspython's shared default resolver. Every
outcome is an :class:`~emailpro_core.sources.Answer` (see
:mod:`emailpro_core.sources._liveanswers`); answers are kept in a
:class:`~emailpro_core.sources.DnsCache`, which several sources may share. A CNAME target the
server leaves open (an authoritative server asked about an alias into a zone it does not serve) is
asked for next (:func:`~emailpro_core.sources._livebase.chase`).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Sequence
from typing import TypeVar

import dns.asyncresolver
import dns.resolver

from ..errors import require_str
from ._answers import Answer, Query
from ._cache import DnsCache
from ._liveanswers import (
    RESOLVE_ERRORS,
    answer_from_error,
    answer_from_result,
    open_target,
    qname_of,
)
from ._livebase import CachedSource, chase, make_query
from ._rdataconv import canonical_rdtype
from ._wire.codec import EDNS_PAYLOAD

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
    # EDNS0 (RFC 6891) with the payload size the stub sources offer: a 2048-bit
    # DKIM key does not fit in 512 bytes, and without EDNS every such answer is
    # truncated and asked again over TCP, which loaded servers may drop.
    built.use_edns(0, 0, EDNS_PAYLOAD)
    return built


class ResolverSource(CachedSource):
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
        query = make_query(name, rdtype)
        cached = self._cached(query)
        if cached is not None:
            return cached
        self._count_sent()
        steps = chase(query)
        try:
            question = next(steps)
            while True:
                question = steps.send(self._ask(question))
        except StopIteration as done:
            answer: Answer = done.value
        self.cache.put(answer)
        return answer

    def _ask(self, query: Query) -> tuple[Answer, str | None]:
        try:
            result = self.resolver.resolve(
                qname_of(query), canonical_rdtype(query.rdtype), search=False
            )
        except RESOLVE_ERRORS as exc:
            return answer_from_error(query, exc), open_target(exc)
        return answer_from_result(query, result), None

    async def lookup_async(self, name: str, rdtype: str, /) -> Answer:
        """The answer of :meth:`lookup`, computed in a worker thread."""
        return await asyncio.to_thread(self.lookup, name, rdtype)

    def __repr__(self) -> str:
        return f"<ResolverSource {self.resolver.nameservers!r}>"


class AsyncResolverSource(CachedSource):
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

    async def _fetch(self, query: Query) -> Answer:
        steps = chase(query)
        try:
            question = next(steps)
            while True:
                question = steps.send(await self._ask(question))
        except StopIteration as done:
            answer: Answer = done.value
            return answer

    async def _ask(self, query: Query) -> tuple[Answer, str | None]:
        try:
            result = await self.resolver.resolve(
                qname_of(query), canonical_rdtype(query.rdtype), search=False
            )
        except RESOLVE_ERRORS as exc:
            return answer_from_error(query, exc), open_target(exc)
        return answer_from_result(query, result), None

    async def lookup_async(self, name: str, rdtype: str, /) -> Answer:
        """Answer ``(name, rdtype)`` from the cache, a query in flight, or a new query."""
        return await self._shared_lookup(make_query(name, rdtype), self._fetch)

    def lookup(self, name: str, rdtype: str, /) -> Answer:
        """The answer of :meth:`lookup_async`, for sync callers."""
        query = make_query(name, rdtype)
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(self.lookup_async(query.name, rdtype))
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, self.lookup_async(query.name, rdtype)).result()

    def __repr__(self) -> str:
        return f"<AsyncResolverSource {self.resolver.nameservers!r}>"
