"""Properties of the offline sources, the cache and the failure mapping."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Callable

import dns.exception
import dns.message
import dns.resolver
from hypothesis import given, settings
from hypothesis import strategies as st

from emailpro_core.sources import StaticSource, ZoneSource
from emailpro_core.sources._answers import (
    MX,
    TXT,
    Answer,
    AnswerStatus,
    FailureCause,
    Query,
    RData,
    Resolution,
    lookup_many,
    run_async,
    run_sync,
)
from emailpro_core.sources._cache import DnsCache
from emailpro_core.sources._liveanswers import CAUSE_ORDER, answer_from_error

TYPES = ("A", "AAAA", "MX", "TXT", "CNAME")
labels = st.text(alphabet="abcdefghij0123456789-", min_size=1, max_size=6).filter(
    lambda label: not (label.startswith("-") or label.endswith("-"))
)
names = st.lists(labels, min_size=1, max_size=3).map(lambda parts: ".".join(parts) + ".test")
ipv4 = st.integers(0, 2**32 - 1).map(lambda n: str(ipaddress.IPv4Address(n)))
ipv6 = st.integers(0, 2**128 - 1).map(lambda n: str(ipaddress.IPv6Address(n)))
mx = st.builds(MX, st.integers(0, 65535), names)
txt = st.lists(st.binary(max_size=40), min_size=1, max_size=3).map(lambda s: TXT(tuple(s)))


def values_for(rdtype: str) -> st.SearchStrategy[list[RData]]:
    """A list of record values of ``rdtype``, as StaticSource takes them."""
    strategies: dict[str, st.SearchStrategy[RData]] = {
        "A": ipv4,
        "AAAA": ipv6,
        "MX": mx,
        "TXT": txt,
        "CNAME": names,
    }
    one = strategies[rdtype]
    return st.lists(one, min_size=1, max_size=3, unique=True)


@st.composite
def record_maps(draw: st.DrawFn) -> dict[str, dict[str, list[RData]]]:
    """A StaticSource mapping: a few names, each with a few types (a CNAME stands alone)."""
    records: dict[str, dict[str, list[RData]]] = {}
    for name in draw(st.lists(names, min_size=1, max_size=6, unique=True)):
        types = draw(st.lists(st.sampled_from(TYPES), max_size=3, unique=True))
        if "CNAME" in types:
            types = ["CNAME"]
        records[name] = {
            t: draw(values_for(t))[:1] if t == "CNAME" else draw(values_for(t)) for t in types
        }
    return records


@given(
    st.text(max_size=80),
    st.text(max_size=12),
)
def test_static_source_never_raises(name: str, rdtype: str) -> None:
    """Any str name and type gives an Answer for that question, never an exception."""
    answer = StaticSource({"example.org": {"A": "192.0.2.1"}}).lookup(name, rdtype)
    assert Query(name, rdtype) == answer.query
    assert answer.status in AnswerStatus


@given(record_maps(), st.lists(st.tuples(names, st.sampled_from(TYPES)), max_size=8))
def test_sync_and_async_drivers_agree(
    records: dict[str, dict[str, list[RData]]], questions: list[tuple[str, str]]
) -> None:
    """run_sync and run_async give equal answers over the same StaticSource."""
    known = [(name, rdtype) for name in records for rdtype in TYPES]
    queries = tuple(Query(n, t) for n, t in questions + known[:8])

    def ask_all() -> Resolution[tuple[Answer, ...]]:
        answers = yield from lookup_many(*queries)
        return answers

    source = StaticSource(records)
    assert run_sync(ask_all(), source) == asyncio.run(run_async(ask_all(), source))


@given(record_maps())
def test_static_source_answers_its_records(records: dict[str, dict[str, list[RData]]]) -> None:
    """Every record given to a StaticSource comes back for its own name and type."""
    source = StaticSource(records)
    for name, by_type in records.items():
        for rdtype, values in by_type.items():
            answer = source.lookup(name, rdtype)
            assert (AnswerStatus.ANSWER, tuple(values)) == (answer.status, answer.records)


def _presentation(rdtype: str, value: RData) -> str:
    if isinstance(value, MX):
        return f"{value.preference} {value.exchange}."
    if isinstance(value, TXT):
        return " ".join('"' + "".join(f"\\{b:03d}" for b in s) + '"' for s in value.strings)
    return f"{value}." if rdtype == "CNAME" else str(value)


@settings(max_examples=50)
@given(record_maps())
def test_zone_source_answers_its_records(records: dict[str, dict[str, list[RData]]]) -> None:
    """A ZoneSource built from random records answers each (name, type) with them."""
    lines = ["$ORIGIN test.", "$TTL 300", "@ SOA ns.test. h.test. 1 2 3 4 5", "@ NS ns.test."]
    for name, by_type in records.items():
        for rdtype, values in by_type.items():
            lines += [f"{name}. {rdtype} {_presentation(rdtype, v)}" for v in values]
    source = ZoneSource.from_text("\n".join(lines) + "\n")
    for name, by_type in records.items():
        for rdtype, values in by_type.items():
            answer = source.lookup(name, rdtype)
            assert answer.status == AnswerStatus.ANSWER
            assert set(values) == set(answer.records)
            assert answer.ttl == 300


@given(
    st.lists(
        st.tuples(st.sampled_from(["put", "get", "tick"]), names, st.integers(0, 100)),
        max_size=40,
    ),
    st.integers(0, 5),
)
def test_cache_never_serves_expired_answers(
    steps: list[tuple[str, str, int]], max_entries: int
) -> None:
    """A cache hit always has time left, and the cache never holds more than its bound."""
    now = [0.0]
    cache = DnsCache(max_entries=max_entries, clock=lambda: now[0])
    expiry: dict[str, float] = {}
    for action, name, amount in steps:
        if action == "put":
            cache.put(Answer(Query(name, "A"), AnswerStatus.ANSWER, ("192.0.2.1",), ttl=amount))
            if amount and max_entries:
                expiry[name] = now[0] + amount
        elif action == "tick":
            now[0] += amount
        else:
            hit = cache.get(Query(name, "A"))
            if hit is not None:
                assert now[0] < expiry[name]
                assert 1 <= hit.ttl <= 100
        assert len(cache) <= max_entries


def _make(cls: Callable[..., BaseException], /, **kwargs: object) -> BaseException:
    return cls(**kwargs)


server_errors = st.one_of(
    st.sampled_from(["SERVFAIL", "REFUSED", "NOTIMP", "FORMERR"]),
    st.sampled_from(
        [dns.exception.Timeout, dns.exception.FormError, EOFError, ConnectionRefusedError]
    ).map(_make),
)


@given(st.lists(server_errors, max_size=4))
def test_no_nameservers_always_maps_to_a_failure(errors: list[object]) -> None:
    """Whatever the servers did, NoNameservers becomes one FAILURE with a known cause."""
    exc = _make(
        dns.resolver.NoNameservers,
        request=dns.message.make_query("x.test.", "A"),
        errors=[("127.0.0.1", False, 53, e, None) for e in errors],
    )
    answer = answer_from_error(Query("x.test", "A"), exc)
    assert answer.status == AnswerStatus.FAILURE
    assert answer.cause in CAUSE_ORDER
    assert answer.cause is not FailureCause.CNAME_LOOP
