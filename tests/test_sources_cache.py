"""Example tables for DnsCache: lifetimes, expiry with an injected clock, LRU bound, sizes."""

from __future__ import annotations

import gc

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from emailpro_core.sources import DnsCache
from emailpro_core.sources._answers import (
    MX,
    SRV,
    TXT,
    Answer,
    AnswerStatus,
    FailureCause,
    Query,
    RData,
    answer_for,
)
from emailpro_core.sources._cache import answer_size


class Clock:
    """A clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def answer(name: str, status: AnswerStatus = AnswerStatus.ANSWER, ttl: int = 60) -> Answer:
    """An answer for (name, A) with the given status and TTL."""
    records = ("192.0.2.1",) if status is AnswerStatus.ANSWER else ()
    cause = FailureCause.TIMEOUT if status is AnswerStatus.FAILURE else None
    return Answer(Query(name, "A"), status, records, ttl=ttl, cause=cause)


@pytest.mark.parametrize(
    ("status", "ttl", "options", "lifetime"),
    [
        (AnswerStatus.ANSWER, 60, {}, 60),
        (AnswerStatus.ANSWER, 10**9, {}, 3_600),
        (AnswerStatus.ANSWER, 10**9, {"max_ttl": 100}, 100),
        (AnswerStatus.ANSWER, 0, {}, 0),
        (AnswerStatus.ANSWER, -5, {}, 0),
        (AnswerStatus.NXDOMAIN, 300, {}, 300),
        (AnswerStatus.NODATA, 10**6, {}, 900),
        (AnswerStatus.NODATA, 10**6, {"max_negative_ttl": 30}, 30),
        (AnswerStatus.FAILURE, 0, {}, 5),
        (AnswerStatus.FAILURE, 999, {"failure_ttl": 0}, 0),
        (AnswerStatus.FAILURE, 0, {"failure_ttl": 60}, 60),
        (AnswerStatus.OUTSIDE_ZONE, 999, {}, 0),
    ],
)
def test_lifetime(status: AnswerStatus, ttl: int, options: dict[str, int], lifetime: int) -> None:
    """Each kind of answer lives its TTL within the caps, failures failure_ttl."""
    assert lifetime == DnsCache(**options).lifetime(answer("a.example", status, ttl))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "ttl", "alive_at", "gone_at"),
    [
        (AnswerStatus.ANSWER, 60, 59.5, 60.0),
        (AnswerStatus.NXDOMAIN, 120, 119.0, 120.0),
        (AnswerStatus.FAILURE, 0, 4.9, 5.0),
    ],
)
def test_expiry(status: AnswerStatus, ttl: int, alive_at: float, gone_at: float) -> None:
    """An entry is served with its remaining TTL until it expires, then dropped."""
    clock = Clock()
    cache = DnsCache(clock=clock)
    cache.put(answer("a.example", status, ttl))
    clock.now += alive_at
    hit = cache.get(Query("A.example.", "a"))
    assert hit is not None
    assert (status, 1, Query("A.example.", "a")) == (hit.status, hit.ttl, hit.query)
    clock.now = 50.0 + gone_at
    assert cache.get(Query("a.example", "A")) is None
    assert (len(cache), cache.hits, cache.misses) == (0, 1, 1)


def test_types_are_keyed_by_mnemonic() -> None:
    """TYPE1 and A are one question."""
    cache = DnsCache()
    cache.put(answer("a.example"))
    hit = cache.get(Query("a.example", "TYPE1"))
    assert hit is not None
    assert Query("a.example", "TYPE1") == hit.query


def test_lru_bound() -> None:
    """Beyond max_entries the least recently used entry is dropped."""
    cache = DnsCache(max_entries=2)
    cache.put(answer("a.example"))
    cache.put(answer("b.example"))
    assert cache.get(Query("a.example", "A")) is not None  # a is now the most recent
    cache.put(answer("c.example"))
    kept = [n for n in ("a.example", "b.example", "c.example") if cache.get(Query(n, "A"))]
    assert kept == ["a.example", "c.example"]
    assert len(cache) == 2


def test_many_entries_stay_bounded() -> None:
    """Ten thousand answers in a cache of 100 leave 100."""
    cache = DnsCache(max_entries=100)
    for i in range(10_000):
        cache.put(answer(f"d{i}.example"))
    assert len(cache) == 100


def test_zero_entries_caches_nothing() -> None:
    """max_entries=0 turns caching off."""
    cache = DnsCache(max_entries=0)
    cache.put(answer("a.example"))
    assert (len(cache), cache.get(Query("a.example", "A"))) == (0, None)


def test_put_replaces() -> None:
    """A newer answer to the same question replaces the older one."""
    cache = DnsCache()
    cache.put(answer("a.example", AnswerStatus.ANSWER))
    cache.put(answer("a.example", AnswerStatus.NXDOMAIN))
    hit = cache.get(Query("a.example", "A"))
    assert hit is not None
    assert (hit.status, len(cache)) == (AnswerStatus.NXDOMAIN, 1)


def test_clear_and_repr() -> None:
    """clear forgets every answer; the repr shows the fill."""
    cache = DnsCache(max_entries=10)
    cache.put(answer("a.example"))
    assert repr(cache) == "<DnsCache: 1 of 10 entries>"
    cache.clear()
    assert repr(cache) == "<DnsCache: 0 of 10 entries>"


@pytest.mark.parametrize(
    "options",
    [{"max_entries": -1}, {"max_ttl": 1.5}, {"failure_ttl": True}, {"max_negative_ttl": -3}],
)
def test_bad_options(options: dict[str, object]) -> None:
    """Negative or non-int limits raise ValueError."""
    with pytest.raises(ValueError, match="must be a non-negative int"):
        DnsCache(**options)  # type: ignore[arg-type]


def _size_record_by_record(answer: Answer) -> int:
    """answer_size spelled out: the entry, then each record by its type."""
    size = 600 + len(answer.detail) + len(answer.canonical_name)
    for record in answer.records:
        if isinstance(record, TXT):
            size += 64 + (34 + 8) * len(record.strings) + sum(len(s) for s in record.strings)
        elif isinstance(record, str):
            size += 8 + 50 + len(record)
        elif isinstance(record, MX):
            size += 8 + 64 + 50 + len(record.exchange)
        else:
            size += 8 + 64 + 50 + len(record.target)
    return size


@pytest.mark.parametrize(
    ("records", "size"),
    [
        ((), 600 + 11),
        (("192.0.2.1",), 611 + 58 + 9),
        ((TXT((b"v=spf1 -all",)),), 611 + 106 + 11),
        ((TXT((b"ab", b"cde")),), 611 + 64 + 84 + 5),
        ((MX(10, "mx.example.net"),), 611 + 122 + 14),
        ((SRV(0, 1, 443, "mail.example.net"),), 611 + 122 + 16),
        (("192.0.2.1", TXT((b"x",)), MX(1, "a.b")), 611 + 67 + 107 + 125),
    ],
    ids=["none", "address", "one-string-txt", "two-string-txt", "mx", "srv", "mixed"],
)
def test_answer_size_examples(records: tuple[RData, ...], size: int) -> None:
    """The estimate of an answer in bytes: the entry, then each record by its type."""
    found = Answer(Query("example.org", "TXT"), AnswerStatus.ANSWER, records, 60)
    assert size == answer_size(found)


_RECORDS = st.one_of(
    st.text(max_size=40),
    st.builds(TXT, st.lists(st.binary(max_size=300), min_size=1, max_size=4).map(tuple)),
    st.builds(
        MX, st.integers(0, 65535), st.from_regex(r"[a-z]{1,10}(\.[a-z]{1,10}){0,3}", fullmatch=True)
    ),
    st.builds(
        SRV,
        st.integers(0, 65535),
        st.integers(0, 65535),
        st.integers(0, 65535),
        st.from_regex(r"[a-z]{1,10}(\.[a-z]{1,10}){0,3}", fullmatch=True),
    ),
)


@given(records=st.lists(_RECORDS, max_size=6).map(tuple), detail=st.text(max_size=30))
def test_answer_size_counts_every_record_by_its_type(
    records: tuple[RData, ...], detail: str
) -> None:
    """Whatever the records (of one type or mixed), the estimate is the record-by-record sum."""
    found = Answer(Query("example.org", "TXT"), AnswerStatus.ANSWER, records, 60, detail=detail)
    assert _size_record_by_record(found) == answer_size(found)


class Name(str):
    """A str subclass: a record type the sources never make, kept as it is."""


_ASKED = Query("Example.ORG.", "txt")
_KINDS = {
    "address": Answer(
        Query("example.org", "A"), AnswerStatus.ANSWER, ("192.0.2.1", "192.0.2.2"), 60
    ),
    "cname": Answer(Query("www.example.org", "CNAME"), AnswerStatus.ANSWER, ("example.org",), 60),
    "via-cname": Answer(
        Query("www.example.org", "AAAA"),
        AnswerStatus.ANSWER,
        ("2001:db8::1",),
        60,
        canonical_name="example.org",
    ),
    "mx": Answer(
        Query("example.org", "MX"),
        AnswerStatus.ANSWER,
        (MX(10, "mx1.example.net"), MX(20, "mx2.example.net")),
        60,
    ),
    "null-mx": Answer(Query("example.org", "MX"), AnswerStatus.ANSWER, (MX(0, ""),), 60),
    "srv": Answer(
        Query("_autodiscover._tcp.example.org", "SRV"),
        AnswerStatus.ANSWER,
        (SRV(0, 1, 443, "mail.example.net"),),
        60,
    ),
    "txt": Answer(
        Query("example.org", "TXT"),
        AnswerStatus.ANSWER,
        (TXT((b"v=spf1 ", b"-all")), TXT((b"\xff",)), TXT(())),
        60,
    ),
    "mixed": Answer(
        Query("example.org", "ANY"),
        AnswerStatus.ANSWER,
        ("192.0.2.1", TXT((b"x",)), MX(1, "a.b"), SRV(1, 2, 3, "c.d")),
        60,
    ),
    "other-type": Answer(
        Query("example.org", "A"), AnswerStatus.ANSWER, (Name("192.0.2.9"), MX(5, "e.f")), 60
    ),
    "nxdomain": Answer(Query("nowhere.example.org", "A"), AnswerStatus.NXDOMAIN, ttl=300),
    "nodata": Answer(Query("example.org", "SRV"), AnswerStatus.NODATA, ttl=30),
    "failure": Answer(
        Query("example.org", "MX"),
        AnswerStatus.FAILURE,
        cause=FailureCause.SERVFAIL,
        detail="the server failed",
    ),
}


@pytest.mark.parametrize("original", list(_KINDS.values()), ids=list(_KINDS))
def test_round_trip_examples(original: Answer) -> None:
    """A hit equals the answer put, given to the question asked with the TTL left."""
    clock = Clock()
    cache = DnsCache(clock=clock)
    cache.put(original)
    clock.now += 1.5
    asked = Query(original.query.name.upper() + ".", original.query.rdtype.lower())
    expected = answer_for(asked, original, cache.lifetime(original) - 1)
    assert expected == cache.get(asked)
    assert expected == cache.get(asked)  # a second hit too: nothing was consumed


_TRACKED_KINDS = ("address", "cname", "mx", "srv", "txt", "nxdomain", "failure")


@pytest.mark.parametrize("kind", _TRACKED_KINDS)
def test_kept_answers_add_no_tracked_objects(kind: str) -> None:
    """1,000 answers kept add nothing the collector walks: their entries are untracked."""
    template = _KINDS[kind]
    answers = [
        attrs.evolve(template, query=Query(f"d{i}.{template.query.name}", template.query.rdtype))
        for i in range(1_000)
    ]
    cache = DnsCache()
    gc.collect()
    before = len(gc.get_objects())
    for found in answers:
        cache.put(found)
    gc.collect()
    after = len(gc.get_objects())
    assert len(cache) == 1_000
    # Kept as Answer objects the entries were 1,000 tracked tuples or more.
    assert after - before < 20
    assert not any(gc.is_tracked(entry) for entry in cache._entries.values())


_STATUSES = st.sampled_from(
    [AnswerStatus.ANSWER, AnswerStatus.NXDOMAIN, AnswerStatus.NODATA, AnswerStatus.FAILURE]
)


@given(
    records=st.lists(_RECORDS, max_size=6).map(tuple),
    status=_STATUSES,
    ttl=st.integers(1, 10**6),
    canonical=st.one_of(
        st.none(), st.from_regex(r"[a-z]{1,10}(\.[a-z]{1,10}){0,2}", fullmatch=True)
    ),
    cause=st.one_of(st.none(), st.sampled_from(FailureCause)),
    detail=st.text(max_size=30),
)
def test_round_trip(
    records: tuple[RData, ...],
    status: AnswerStatus,
    ttl: int,
    canonical: str | None,
    cause: FailureCause | None,
    detail: str,
) -> None:
    """Whatever the answer kept, a hit is that answer for the question asked, with the TTL left."""
    original = Answer(Query("example.org", "TXT"), status, records, ttl, canonical, cause, detail)
    cache = DnsCache()
    cache.put(original)
    asked = Query("EXAMPLE.org", "txt")
    assert answer_for(asked, original, cache.lifetime(original)) == cache.get(asked)
    gc.collect()
    assert not any(gc.is_tracked(entry) for entry in cache._entries.values())
