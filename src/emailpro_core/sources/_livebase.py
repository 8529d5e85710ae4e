"""What every live source shares: the answer cache, the counters, one query per question.

:class:`CachedSource` is the base of the dnspython sources
(:mod:`emailpro_core.sources._live`) and the stub sources (:mod:`emailpro_core.sources._stub`), so
the two families count, cache and share questions in one way.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Generator
from typing import TypeAlias

from ..errors import require_str
from ._answers import Answer, AnswerStatus, FailureCause, Query, answer_for
from ._cache import DnsCache
from ._memtable import rdtype_key


def as_asked(query: Query, answer: Answer) -> Answer:
    """``answer`` for ``query`` as spelled by its asker."""
    # A shared query may have been spelled otherwise ("mx" and "MX", "TYPE15").
    asked = answer.query
    return answer if asked is query or asked == query else answer_for(query, answer)


def make_query(name: str, rdtype: str) -> Query:
    """The :class:`Query` for a lookup, refusing non-``str`` input clearly."""
    return Query(require_str(name, "a name"), require_str(rdtype, "a record type"))


#: Out-of-server CNAME targets followed for one lookup (RFC 1034 §5.3.3 asks
#: resolvers to bound CNAME chains; 8 is what common resolvers allow).
MAX_CHASE = 8

#: One lookup: ask, then ask again for each CNAME target the server left open.
#: Each step is sent what the question got: the answer, and the target left
#: open (``None``: the answer is final).
Chase: TypeAlias = Generator[Query, tuple[Answer, str | None], Answer]


def chase(query: Query, /) -> Chase:
    """Ask ``query``, then each CNAME target a server leaves open, into one answer.

    A server that is authoritative for the alias but not for its target (any
    server asked directly rather than through a resolver) answers the CNAME
    alone; the target is asked for next, as a resolver would. The answer's
    TTL is the smallest along the chain; a loop, or more than
    :data:`MAX_CHASE` targets, is a ``CNAME_LOOP`` failure.
    """
    answer, target = yield query
    ttl = answer.ttl
    seen = {query.name}
    for _ in range(MAX_CHASE):
        if target is None:
            break
        if target in seen:
            return _loop(query, f"CNAME loop at {target}")
        seen.add(target)
        answer, target = yield Query(target, query.rdtype)
        ttl = min(ttl, answer.ttl) if answer.status is AnswerStatus.ANSWER else answer.ttl
    else:
        if target is not None:
            return _loop(query, "CNAME chain too long")
    if answer.query is query or answer.query == query:
        return answer
    return answer_for(query, answer, ttl)


def _loop(query: Query, detail: str) -> Answer:
    return Answer(query, AnswerStatus.FAILURE, cause=FailureCause.CNAME_LOOP, detail=detail)


class CachedSource:
    """The cache and counters the live sources have, and in-flight sharing for async ones."""

    def __init__(self, cache: DnsCache | None) -> None:
        if cache is not None and not isinstance(cache, DnsCache):
            raise TypeError(f"cache must be a DnsCache, not {type(cache).__name__}")
        self.cache = DnsCache() if cache is None else cache
        self._lock = threading.Lock()
        self._sent = 0
        self._hits = 0
        self._shared = 0
        # Keyed by event loop too: a task belongs to the loop that runs it.
        self._inflight: dict[tuple[asyncio.AbstractEventLoop, str, str], asyncio.Task[Answer]]
        self._inflight = {}

    @property
    def queries_sent(self) -> int:
        """Lookups sent to the network (one per cache miss; retries are not counted)."""
        return self._sent

    @property
    def cache_hits(self) -> int:
        """Lookups answered from the cache."""
        return self._hits

    @property
    def queries_shared(self) -> int:
        """Async lookups that waited for a query another lookup had already sent."""
        return self._shared

    def _cached(self, query: Query) -> Answer | None:
        answer = self.cache.get(query)
        if answer is not None:
            with self._lock:
                self._hits += 1
        return answer

    def _count_sent(self) -> None:
        with self._lock:
            self._sent += 1

    def _count_shared(self) -> None:
        with self._lock:
            self._shared += 1

    def _in_flight(
        self, query: Query, fetch: Callable[[Query], Awaitable[Answer]]
    ) -> Answer | asyncio.Task[Answer]:
        """The cached answer to ``query``, or the task of its query in flight (started if none).

        Concurrent lookups of one question share one query: the first starts it,
        the others wait for its answer.
        """
        cached = self._cached(query)
        if cached is not None:
            return cached
        loop = asyncio.get_running_loop()
        key = (loop, query.name, rdtype_key(query.rdtype))
        task = self._inflight.get(key)
        if task is None:
            task = loop.create_task(self._fetch_and_keep(query, fetch))
            self._inflight[key] = task
            task.add_done_callback(lambda _: self._inflight.pop(key, None))
        else:
            self._count_shared()
        return task

    async def _shared_lookup(
        self, query: Query, fetch: Callable[[Query], Awaitable[Answer]]
    ) -> Answer:
        """Answer from the cache, a query in flight, or ``fetch`` (whose answer is cached).

        A waiter that is cancelled does not cancel the query the others wait for.
        """
        found = self._in_flight(query, fetch)
        if isinstance(found, Answer):
            return found
        return as_asked(query, await asyncio.shield(found))

    async def _fetch_and_keep(
        self, query: Query, fetch: Callable[[Query], Awaitable[Answer]]
    ) -> Answer:
        self._count_sent()
        answer = await fetch(query)
        self.cache.put(answer)
        return answer
