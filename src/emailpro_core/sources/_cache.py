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
from typing import Any

from ._answers import MX, SRV, TXT, Answer, AnswerStatus, FailureCause, Query, RData
from ._memtable import rdtype_key

#: Enough for the distinct questions of a few thousand domains checked at once;
#: the oldest unused entries go first beyond it, so memory stays bounded.
DEFAULT_MAX_ENTRIES = 20_000
#: The memory the answers kept may take, as :func:`answer_size` estimates it
#: (CPython's object sizes): 32 MiB. A hostile zone can make every answer ~64 KB
#: of TXT; bounded in entries alone, 20,000 of those would take over 1 GB.
DEFAULT_MAX_BYTES = 32 * 1024 * 1024
#: One hour: a huge TTL must not pin an answer for the life of a long run, and a
#: forged answer that got in (RFC 5452) must not outlive a bulk run by much.
DEFAULT_MAX_TTL = 3_600
#: RFC 2308 §5 allows negative answers a few hours; 15 minutes here: a forged
#: "no such record" is what turns into a wrong finding (``mx.missing``).
DEFAULT_MAX_NEGATIVE_TTL = 900
#: RFC 9520 §3.2: a resolver caches a resolution failure for at least 1 second
#: (and at most 5 minutes), so a failing server is not asked again in a burst.
DEFAULT_FAILURE_TTL = 5

_Key = tuple[str, str]
# Estimated CPython sizes (64-bit): an entry with its key, Answer, Query and
# strings; then per record: a str, a bytes, a tuple slot, a record object.
_ENTRY = 600
_STR = 50
_BYTES = 34
_SLOT = 8
_RECORD = 64
# A TXT record of one string: the record, its tuple slot, the bytes object.
_ONE_STRING = _RECORD + _BYTES + _SLOT


def answer_size(answer: Answer, /) -> int:
    """The memory ``answer`` takes in a cache, estimated in bytes (the bound's unit)."""
    size = _ENTRY + len(answer.detail) + len(answer.canonical_name)
    # Every answer kept is sized: a plain loop over its few records, one-string
    # TXT records (SPF, DMARC, DKIM) without a sum (for one or two records,
    # map() and sum() cost more than they save).
    for record in answer.records:
        if isinstance(record, TXT):
            strings = record.strings
            if len(strings) == 1:
                size += _ONE_STRING + len(strings[0])
            else:
                size += _RECORD + (_BYTES + _SLOT) * len(strings) + sum(map(len, strings))
        elif isinstance(record, str):
            size += _SLOT + _STR + len(record)
        else:
            name = record.exchange if isinstance(record, MX) else record.target
            size += _SLOT + _RECORD + _STR + len(name)
    return size


# An entry: when it expires, its size, the answer's status and cause as their
# values, its canonical name and detail, whether its records are all str, then
# the records flattened (see _flatten). Nothing in it is an object CPython's
# collector tracks, and it nests no tuple: a tuple of such values is untracked
# by the first collection it lives through, whatever order the collector meets
# it in. Kept as Answer objects, 20,000 entries held ~90,000 tracked objects
# that every full collection walked, and their churn made those collections
# frequent. A plain tuple, not a class: one is made for every answer of a run.
_Entry = tuple[Any, ...]
_EXPIRES, _SIZE, _RECORDS = 0, 1, 7

# Tags before a flattened record's fields; a str record stands for itself.
_TXT, _MX, _SRV, _OTHER = 0, 1, 2, 3
_STATUSES = {status.value: status for status in AnswerStatus}
_CAUSES = {cause.value: cause for cause in FailureCause}


def _flatten(records: tuple[RData, ...], /) -> list[object]:
    """``records`` as one run of str, int and bytes values (:func:`_unflatten` reverses it)."""
    flat: list[object] = []
    for record in records:
        if type(record) is str:
            flat.append(record)
        elif type(record) is TXT:
            flat += (_TXT, len(record.strings), *record.strings)
        elif type(record) is MX:
            flat += (_MX, record.preference, record.exchange)
        elif type(record) is SRV:
            flat += (_SRV, record.priority, record.weight, record.port, record.target)
        else:
            # Not an RData the sources make: kept as it is (tracked, but exact).
            flat += (_OTHER, record)
    return flat


def _unflatten(flat: tuple[Any, ...], /) -> tuple[RData, ...]:
    """New records equal to those :func:`_flatten` made ``flat`` from."""
    records: list[RData] = []
    at, end = 0, len(flat)
    while at < end:
        tag = flat[at]
        if type(tag) is str:
            records.append(tag)
            at += 1
        elif tag == _TXT:
            count = flat[at + 1]
            records.append(TXT(flat[at + 2 : at + 2 + count]))
            at += 2 + count
        elif tag == _MX:
            records.append(MX(flat[at + 1], flat[at + 2]))
            at += 3
        elif tag == _SRV:
            records.append(SRV(*flat[at + 1 : at + 5]))
            at += 5
        else:
            records.append(flat[at + 1])
            at += 2
    return tuple(records)


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
    the seconds it has left as ``ttl``. Beyond ``max_entries`` answers, or
    ``max_bytes`` of them (:func:`answer_size`), the least recently used entries
    are dropped; an answer larger than ``max_bytes`` alone is not kept;
    ``max_entries=0`` or ``max_bytes=0`` turns caching off.

    Args:
        max_entries: The most answers kept.
        max_bytes: The most memory they take, estimated.
        clock: Seconds as a float, monotonic (``time.monotonic``); inject a fake in tests.
        max_ttl: The longest a positive answer is kept.
        max_negative_ttl: The longest a negative answer is kept.
        failure_ttl: How long a failure is kept.
    """

    def __init__(
        self,
        *,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        max_bytes: int = DEFAULT_MAX_BYTES,
        clock: Callable[[], float] = time.monotonic,
        max_ttl: int = DEFAULT_MAX_TTL,
        max_negative_ttl: int = DEFAULT_MAX_NEGATIVE_TTL,
        failure_ttl: int = DEFAULT_FAILURE_TTL,
    ) -> None:
        for what, value in (
            ("max_entries", max_entries),
            ("max_bytes", max_bytes),
            ("max_ttl", max_ttl),
            ("max_negative_ttl", max_negative_ttl),
            ("failure_ttl", failure_ttl),
        ):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{what} must be a non-negative int, not {value!r}")
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        #: The estimated size of the answers kept (:func:`answer_size`).
        self.size = 0
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
        # Comparisons rather than min() and max(): this runs for every answer
        # kept, and those two builtins cost several times more.
        ttl = answer.ttl
        if ttl < 0:
            ttl = 0
        status = answer.status
        if status is AnswerStatus.ANSWER:
            return ttl if ttl < self._max_ttl else self._max_ttl
        if status is AnswerStatus.NXDOMAIN or status is AnswerStatus.NODATA:
            return ttl if ttl < self._max_negative_ttl else self._max_negative_ttl
        if status is AnswerStatus.FAILURE:
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
                left = entry[_EXPIRES] - self._clock()
                if left > 0:
                    self._entries.move_to_end(key)
                    self.hits += 1
                    _, _, status, cause, canonical, detail, plain = entry[:_RECORDS]
                    flat = entry[_RECORDS:]
                    return Answer(
                        query,
                        _STATUSES[status],
                        flat if plain else _unflatten(flat),
                        math.ceil(left),
                        canonical,
                        None if cause is None else _CAUSES[cause],
                        detail,
                    )
                del self._entries[key]
                self.size -= entry[_SIZE]
            self.misses += 1
            return None

    def put(self, answer: Answer, /) -> None:
        """Keep ``answer`` for its lifetime (nothing happens if that is 0)."""
        lifetime = self.lifetime(answer)
        if lifetime <= 0 or self.max_entries <= 0:
            return
        size = answer_size(answer)
        if size > self.max_bytes:
            return
        key = self._key(answer.query)
        # Addresses and names (A, AAAA, CNAME, NS, PTR) are kept as they are.
        records: tuple[object, ...] | list[object] = answer.records
        plain = True
        for record in records:
            if type(record) is not str:
                plain = False
                records = _flatten(answer.records)
                break
        cause = answer.cause
        entries = self._entries
        with self._lock:
            old = entries.pop(key, None)
            if old is not None:
                self.size -= old[_SIZE]
            entries[key] = (
                self._clock() + lifetime,
                size,
                answer.status.value,
                None if cause is None else cause.value,
                answer.canonical_name,
                answer.detail,
                plain,
                *records,
            )
            self.size += size
            while len(entries) > self.max_entries or self.size > self.max_bytes:
                self.size -= entries.popitem(last=False)[1][_SIZE]

    def clear(self) -> None:
        """Forget every answer (the hit and miss counts stay)."""
        with self._lock:
            self._entries.clear()
            self.size = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def __repr__(self) -> str:
        return f"<DnsCache: {len(self)} of {self.max_entries} entries>"
