"""DnsCache: a bounded, TTL-honouring cache of answers shared by the live sources.

>>> now = [0.0]
>>> cache = DnsCache(clock=lambda: now[0])
>>> cache.put(Answer(Query("example.org", "A"), AnswerStatus.ANSWER, ("192.0.2.1",), ttl=60))
>>> cache.get(Query("Example.org.", "a")).ttl
60
>>> now[0] = 45.0
>>> cache.get(Query("example.org", "A")).ttl
15
>>> now[0] = 60.0
>>> cache.get(Query("example.org", "A")) is None
True
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

import attrs

from .dnsdata import Answer, AnswerStatus, Query, answer_for
from .memtable import rdtype_key

__all__ = [
    "DEFAULT_FAILURE_TTL",
    "DEFAULT_MAX_ENTRIES",
    "DEFAULT_MAX_NEGATIVE_TTL",
    "DEFAULT_MAX_TTL",
    "DnsCache",
]

#: Enough for the distinct questions of a few thousand domains checked at once;
#: the oldest unused entries go first beyond it, so memory stays bounded.
DEFAULT_MAX_ENTRIES = 20_000
#: One day: a huge TTL must not pin an answer for the life of a long run.
DEFAULT_MAX_TTL = 86_400
#: RFC 2308 §5: negative answers are not cached longer than a few hours.
DEFAULT_MAX_NEGATIVE_TTL = 10_800
#: RFC 9520 §3.2: a resolver caches a resolution failure for at least 1 second
#: (and at most 5 minutes), so a failing server is not asked again in a burst.
DEFAULT_FAILURE_TTL = 5

_Key = tuple[str, str]


@attrs.frozen
class _Entry:
    answer: Answer
    expires: float


class DnsCache:
    """Answers kept until their TTL runs out, at most ``max_entries`` of them.

    One cache can serve several sources at once, sync and async (it is guarded by
    a lock, so threads may share it too). A positive answer lives its ``ttl``
    (the smallest TTL of its records and of the CNAMEs that led to them), capped
    at ``max_ttl``; a negative answer (``NXDOMAIN``, ``NODATA``) lives its
    ``ttl`` (the SOA minimum of the response, or dnspython's 300-second default
    when the response had no SOA), capped at ``max_negative_ttl``; a failure
    lives ``failure_ttl`` seconds (``0`` keeps none). ``OUTSIDE_ZONE`` answers,
    which only offline sources give, are not kept. A hit returns the answer with
    the seconds it has left as ``ttl``. Beyond ``max_entries`` the least
    recently used entry is dropped; ``max_entries=0`` turns caching off.

    Args:
        max_entries: The most answers kept.
        clock: Seconds as a float, monotonic (``time.monotonic``); inject a fake in tests.
        max_ttl: The longest a positive answer is kept.
        max_negative_ttl: The longest a negative answer is kept.
        failure_ttl: How long a failure is kept.
    """

    def __init__(
        self,
        *,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
        max_ttl: int = DEFAULT_MAX_TTL,
        max_negative_ttl: int = DEFAULT_MAX_NEGATIVE_TTL,
        failure_ttl: int = DEFAULT_FAILURE_TTL,
    ) -> None:
        for what, value in (
            ("max_entries", max_entries),
            ("max_ttl", max_ttl),
            ("max_negative_ttl", max_negative_ttl),
            ("failure_ttl", failure_ttl),
        ):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{what} must be a non-negative int, not {value!r}")
        self.max_entries = max_entries
        self._clock = clock
        self._max_ttl = max_ttl
        self._max_negative_ttl = max_negative_ttl
        self._failure_ttl = failure_ttl
        self._entries: OrderedDict[_Key, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def _key(query: Query) -> _Key:
        return (query.name, rdtype_key(query.rdtype))

    def lifetime(self, answer: Answer) -> int:
        """How many seconds ``answer`` would be kept."""
        ttl = max(answer.ttl, 0)
        if answer.status is AnswerStatus.ANSWER:
            return min(ttl, self._max_ttl)
        if answer.status in (AnswerStatus.NXDOMAIN, AnswerStatus.NODATA):
            return min(ttl, self._max_negative_ttl)
        if answer.status is AnswerStatus.FAILURE:
            return self._failure_ttl
        return 0

    def get(self, query: Query, /) -> Answer | None:
        """The cached answer to ``query`` with its remaining TTL, or ``None``.

        The answer's ``query`` is the one asked (its type spelling included).
        """
        key = self._key(query)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                left = entry.expires - self._clock()
                if left > 0:
                    self._entries.move_to_end(key)
                    self.hits += 1
                    return answer_for(query, entry.answer, math.ceil(left))
                del self._entries[key]
            self.misses += 1
            return None

    def put(self, answer: Answer, /) -> None:
        """Keep ``answer`` for its lifetime (nothing happens if that is 0)."""
        lifetime = self.lifetime(answer)
        if lifetime <= 0 or self.max_entries <= 0:
            return
        key = self._key(answer.query)
        with self._lock:
            self._entries[key] = _Entry(answer, self._clock() + lifetime)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every answer (the hit and miss counts stay)."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def __repr__(self) -> str:
        return f"<DnsCache: {len(self)} of {self.max_entries} entries>"
