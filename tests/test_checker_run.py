"""Running the checker: async and bulk paths, deadlines, and offline zone files."""

from __future__ import annotations

import asyncio
import gc
import time
import types
from collections.abc import AsyncIterator, Callable, Iterator

import attrs
import pytest

from emailpro_core.checker import (
    Check,
    Diagnosis,
    Status,
    check_domain,
    check_domain_async,
    check_domains,
)
from emailpro_core.errors import InvalidSetup
from emailpro_core.records import expected_records
from emailpro_core.records._setup import DomainSetup
from emailpro_core.sources._answers import Answer, FailureCause, Query
from emailpro_core.sources._static import StaticSource
from emailpro_core.sources._stub import AsyncStubSource
from emailpro_core.sources._zone import ZoneSource
from test_checker import CASES, nothing, put
from test_checker_zones import (
    DOMAIN,
    SELECTOR1,
    SELECTOR2,
    SETUP,
    Records,
    changed,
    correct_records,
)


class Slow:
    """A source that answers from records after a delay, sync or async, for some names."""

    def __init__(self, records: Records, delay: float, names: frozenset[str] = frozenset()):
        self.inner = StaticSource(records)
        self.delay = delay
        self.names = names
        self.in_flight = 0
        self.most_in_flight = 0
        self.flying: set[tuple[str, str]] = set()
        #: The questions in flight together when the most were.
        self.peak: frozenset[tuple[str, str]] = frozenset()

    def _slow(self, name: str) -> bool:
        return not self.names or name.rstrip(".").lower() in self.names

    def lookup(self, name: str, rdtype: str, /) -> Answer:
        if self._slow(name):
            time.sleep(self.delay)
        return self.inner.lookup(name, rdtype)

    async def lookup_async(self, name: str, rdtype: str, /) -> Answer:
        self.in_flight += 1
        self.flying.add((name, rdtype))
        if self.in_flight > self.most_in_flight:
            self.most_in_flight = self.in_flight
            self.peak = frozenset(self.flying)
        try:
            if self._slow(name):
                await asyncio.sleep(self.delay)
            else:
                await asyncio.sleep(0)
            return self.inner.lookup(name, rdtype)
        finally:
            self.in_flight -= 1
            self.flying.discard((name, rdtype))


def _codes(diagnosis: Diagnosis) -> list[tuple[str, str, str]]:
    return [(f.check.value, f.status.value, f.code) for f in diagnosis.findings]


@pytest.mark.parametrize(("change", "setup"), [pytest.param(c[1], c[2], id=c[0]) for c in CASES])
def test_async_gives_the_sync_diagnosis(
    change: Callable[[Records], None], setup: DomainSetup
) -> None:
    """check_domain_async and check_domain share one logic: same diagnosis."""
    records = changed(change, setup)
    sync = check_domain(setup, StaticSource(records))
    assert sync == asyncio.run(check_domain_async(setup, StaticSource(records)))


def test_a_round_is_one_concurrent_batch() -> None:
    """The first round of a domain asks all its independent questions at once."""
    source = Slow(correct_records(), 0.0)
    asyncio.run(check_domain_async(SETUP, source))
    first_round = {
        (DOMAIN, "MX"),
        (DOMAIN, "TXT"),
        (f"_autodiscover._tcp.{DOMAIN}", "SRV"),
        (f"autodiscover.{DOMAIN}", "A"),
        (f"ab1cd-check.{DOMAIN}", "CNAME"),
        (f"{SELECTOR1}._domainkey.{DOMAIN}", "CNAME"),
        (f"{SELECTOR2}._domainkey.{DOMAIN}", "CNAME"),
        (f"{SELECTOR1}._domainkey.{DOMAIN}", "TXT"),
        (f"{SELECTOR2}._domainkey.{DOMAIN}", "TXT"),
        (f"_dmarc.{DOMAIN}", "TXT"),
    }
    assert first_round <= source.peak


def test_each_question_is_asked_once_per_domain() -> None:
    """No (name, type) is asked twice for one domain, whatever the checks share."""
    source = StaticSource(correct_records())
    check_domain(SETUP, source)
    assert len(source.history) == len(set(source.history))


ALIAS = f"autodiscover.{DOMAIN}"
_Asked = set[tuple[str, str]]
#: All three questions about the name: it exists, so CNAME and AAAA are asked too.
ALL_THREE: _Asked = {(ALIAS, "A"), (ALIAS, "CNAME"), (ALIAS, "AAAA")}

#: What the autodiscover name holds → the questions that must be asked about it,
#: and those that must not: its CNAME and AAAA only once its A question shows it exists.
QUESTIONS: list[tuple[str, Callable[[Records], None], _Asked, _Asked, str]] = [
    ("no such name", nothing, {(ALIAS, "A")}, {(ALIAS, "CNAME"), (ALIAS, "AAAA")}, "srv.ok"),
    ("an address", put(ALIAS, "A", "192.0.2.80"), ALL_THREE, set(), "autodiscover.shadowed"),
    (
        "an IPv6 address only",
        put(ALIAS, "AAAA", "2001:db8::80"),
        ALL_THREE,
        set(),
        "autodiscover.shadowed",
    ),
    (
        "an alias",
        put(ALIAS, "CNAME", "www.example.net."),
        ALL_THREE,
        set(),
        "autodiscover.shadowed",
    ),
    ("only a name below it", put(f"x.{ALIAS}", "TXT", "here"), ALL_THREE, set(), "srv.ok"),
]


@pytest.mark.parametrize(
    ("change", "asked", "spared", "code"), [pytest.param(*c[1:], id=c[0]) for c in QUESTIONS]
)
def test_questions_follow_the_records(
    change: Callable[[Records], None], asked: _Asked, spared: _Asked, code: str
) -> None:
    """A second question is asked only when the first answer leaves it open."""
    source = StaticSource(changed(change, SETUP))
    diagnosis = check_domain(SETUP, source)
    history = {(q.name, q.rdtype) for q in source.history}
    assert asked <= history
    assert not spared & history
    assert code in diagnosis.codes


@pytest.mark.parametrize("rdtype", ["CNAME", "AAAA"])
def test_no_such_autodiscover_name_is_not_asked_again(rdtype: str) -> None:
    """NXDOMAIN for the A question settles the name: a failing CNAME or AAAA question is not asked.

    A name that does not exist holds no record of any type (RFC 8020 §2).
    """
    source = StaticSource(correct_records(), failures={(ALIAS, rdtype): FailureCause.TIMEOUT})
    diagnosis = check_domain(SETUP, source)
    assert [(Status.OK, "srv.ok")] == [(f.status, f.code) for f in diagnosis.of(Check.AUTODISCOVER)]
    assert Query(ALIAS, rdtype) not in source.history


def test_sync_deadline() -> None:
    """A slow source: check_domain stops at its deadline; unfinished checks are UNKNOWN."""
    source = Slow(correct_records(), 0.05)
    started = time.monotonic()
    diagnosis = check_domain(SETUP, source, deadline=0.2)
    assert time.monotonic() - started < 0.2 + 0.05 + 0.15
    late = [f for f in diagnosis.findings if f.cause == "deadline"]
    assert late
    assert all((f.status, f.code) == (Status.UNKNOWN, "dns.unknown") for f in late)


def test_async_deadline() -> None:
    """A hanging name: check_domain_async returns at its deadline with what finished."""
    source = Slow(correct_records(), 30, frozenset({f"{SELECTOR1}._domainkey.{DOMAIN}"}))
    started = time.monotonic()
    diagnosis = asyncio.run(check_domain_async(SETUP, source, deadline=0.3))
    assert time.monotonic() - started < 2
    assert ("dkim", "unknown", "dns.unknown") in _codes(diagnosis)
    assert ("mx", "ok", "mx.ok") in _codes(diagnosis)
    assert Status.UNKNOWN is diagnosis.status_of(Check.DKIM)


def _setups(count: int, pulled: list[int]) -> Iterator[DomainSetup]:
    for n in range(count):
        pulled[0] += 1
        yield attrs.evolve(SETUP, domain=f"d{n}.example.org")


def _many(count: int) -> Records:
    records: Records = {}
    for n in range(count):
        setup = attrs.evolve(SETUP, domain=f"d{n}.example.org")
        records.update(correct_records(setup))
    return records


async def _collect(stream: AsyncIterator[Diagnosis], check: Callable[[], None]) -> list[Diagnosis]:
    found = []
    async for diagnosis in stream:
        check()
        found.append(diagnosis)
    return found


def test_bulk_bounds_the_work_in_flight() -> None:
    """The input is read lazily: never more than `concurrency` domains ahead of the output."""
    pulled = [0]
    done: list[int] = [0]

    def bounded() -> None:
        done[0] += 1
        assert pulled[0] - done[0] < 4

    stream = check_domains(_setups(40, pulled), Slow(_many(40), 0.0), concurrency=4)
    results = asyncio.run(_collect(stream, bounded))
    assert sorted(f"d{n}.example.org" for n in range(40)) == sorted(d.domain for d in results)
    assert all(d.ok and d.worst is Status.OK for d in results)


def test_bulk_deadline_per_domain() -> None:
    """A domain past its deadline gives UNKNOWN findings and does not hold the others."""
    records = _many(3)
    slow = frozenset({"_dmarc.d1.example.org"})
    setups = [attrs.evolve(SETUP, domain=f"d{n}.example.org") for n in range(3)]
    started = time.monotonic()
    results = asyncio.run(
        _collect(check_domains(setups, Slow(records, 30, slow), deadline=0.3), lambda: None)
    )
    assert time.monotonic() - started < 2
    by_domain = {d.domain: d for d in results}
    late = by_domain["d1.example.org"].of(Check.DMARC)
    assert [("dns.unknown", "deadline")] == [(f.code, f.cause) for f in late]
    assert by_domain["d0.example.org"].ok
    assert by_domain["d2.example.org"].ok


def test_bulk_takes_an_async_iterable() -> None:
    """The setups may come from an async generator."""

    async def setups() -> AsyncIterator[DomainSetup]:
        yield SETUP

    source = StaticSource(correct_records())
    results = asyncio.run(_collect(check_domains(setups(), source), lambda: None))
    assert [check_domain(SETUP, source)] == results


def test_bulk_reports_an_invalid_setup() -> None:
    """A setup that contradicts itself gives one setup.invalid finding, not a crash."""
    bad = attrs.evolve(SETUP, server_number=0)
    source = StaticSource(correct_records())
    (result,) = asyncio.run(_collect(check_domains([bad], source), lambda: None))
    assert [("domain", "error", "setup.invalid")] == _codes(result)
    with pytest.raises(InvalidSetup):
        check_domain(bad, source)


def test_bulk_stops_cleanly() -> None:
    """Leaving the iteration early cancels the domains in flight."""

    async def first() -> Diagnosis:
        stream = check_domains(_setups(10, [0]), Slow(_many(10), 0.01), concurrency=3)
        async for diagnosis in stream:
            await stream.aclose()  # type: ignore[attr-defined]
            return diagnosis
        raise AssertionError("no diagnosis")

    assert asyncio.run(first()).ok


@pytest.mark.parametrize("concurrency", [0, -1, True, 1.5])
def test_bulk_concurrency_must_be_positive(concurrency: object) -> None:
    """The concurrency is an int of at least 1."""
    stream = check_domains([SETUP], StaticSource({}), concurrency=concurrency)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="concurrency"):
        asyncio.run(_collect(stream, lambda: None))


def test_bulk_learns_the_provider_address_once() -> None:
    """The provider's include is read once for the run, then served to every domain."""
    source = StaticSource(_many(5))
    setups = [attrs.evolve(SETUP, domain=f"d{n}.example.org") for n in range(5)]
    asyncio.run(_collect(check_domains(setups, source), lambda: None))
    # Once to learn the address, once to check it, and once per domain's evaluation.
    assert 2 + 5 == source.history.count(Query("mx.ovh.com", "TXT"))


def test_bulk_provider_failure_falls_back_per_domain() -> None:
    """When the provider's records cannot be read, each domain reports it as UNKNOWN."""
    from emailpro_core.sources._answers import FailureCause

    source = StaticSource(correct_records(), failures={"mx.ovh.com": FailureCause.TIMEOUT})
    (result,) = asyncio.run(_collect(check_domains([SETUP], source), lambda: None))
    assert ("spf", "unknown", "spf.temperror") in _codes(result)


def _zone_text(setup: DomainSetup = SETUP) -> str:
    lines = [
        "$TTL 3600",
        f"{DOMAIN}. SOA ns1.{DOMAIN}. hostmaster.{DOMAIN}. 1 7200 900 1209600 300",
        f"{DOMAIN}. NS ns1.{DOMAIN}.",
        f"ns1.{DOMAIN}. A 192.0.2.53",
    ]
    text = expected_records(setup).to_zone_text(comments=False)
    return "\n".join([*lines, text])


def test_zone_file_offline_skips_what_it_cannot_know() -> None:
    """A correct zone file, offline: outside names are SKIPPED; SPF is judged by a stand-in."""
    diagnosis = check_domain(SETUP, ZoneSource.from_text(_zone_text(), origin=DOMAIN))
    assert diagnosis.ok
    skipped = [f for f in diagnosis.findings if f.status is Status.SKIPPED]
    assert {("dkim", "dns.outside_zone")} == {(f.check.value, f.code) for f in skipped}
    (spf,) = diagnosis.of(Check.SPF)
    assert (Status.OK, "spf.ok") == (spf.status, spf.code)
    assert "was not read (offline)" in spf.message
    assert "v=spf1 ip4:240.0.0.2 -all" in spf.message
    assert all(f.cause == "outside_zone" for f in skipped)
    assert {Status.OK, Status.SKIPPED} == {f.status for f in diagnosis.findings}


def test_zone_file_with_provider_fallback_is_all_ok() -> None:
    """With the provider's records as a fallback, a correct zone file is all OK."""
    provider = {k: v for k, v in correct_records().items() if not k.endswith(DOMAIN)}
    zone = ZoneSource.from_text(_zone_text(), origin=DOMAIN, fallback=StaticSource(provider))
    diagnosis = check_domain(SETUP, zone)
    assert {Status.OK} == {f.status for f in diagnosis.findings}


def test_zone_file_errors_are_still_found_offline() -> None:
    """Offline, what the zone holds is still judged: a wrong SRV is an ERROR."""
    text = _zone_text().replace("pro1.mail.ovh.net.", "pro9.mail.ovh.net.")
    diagnosis = check_domain(SETUP, ZoneSource.from_text(text, origin=DOMAIN))
    assert Status.ERROR is diagnosis.status_of(Check.AUTODISCOVER)


def test_bulk_provider_too_slow_for_the_deadline() -> None:
    """A provider include slower than the deadline leaves each domain to report it."""
    records = correct_records()
    source = Slow(records, 30, frozenset({"mx.ovh.com"}))
    started = time.monotonic()
    (result,) = asyncio.run(_collect(check_domains([SETUP], source, deadline=0.2), lambda: None))
    assert time.monotonic() - started < 2
    assert [("unknown", "deadline")] == [(f.status.value, f.cause) for f in result.of(Check.SPF)]


def test_bulk_cancels_the_domains_in_flight() -> None:
    """Leaving early while slow domains run cancels them at once."""
    records = _many(4)
    slow = frozenset({f"_dmarc.d{n}.example.org" for n in range(1, 4)})

    async def first() -> tuple[Diagnosis, float]:
        stream = check_domains(
            [attrs.evolve(SETUP, domain=f"d{n}.example.org") for n in range(4)],
            Slow(records, 30, slow),
            concurrency=4,
        )
        async for diagnosis in stream:
            started = time.monotonic()
            await stream.aclose()  # type: ignore[attr-defined]
            return diagnosis, time.monotonic() - started
        raise AssertionError("no diagnosis")

    diagnosis, took = asyncio.run(first())
    assert ("d0.example.org", True) == (diagnosis.domain, diagnosis.ok)
    assert took < 1


def test_gather_closes_what_it_runs() -> None:
    """Closing a gather early closes the resolutions still waiting."""
    from emailpro_core.sources._answers import gather, lookup

    closed = []

    def waiting() -> object:
        try:
            yield from lookup("example.org", "MX")
        finally:
            closed.append(True)

    run = gather([waiting(), waiting()])  # type: ignore[list-item]
    assert 1 == len(next(run))
    run.close()
    assert [True, True] == closed


def test_offline_include_before_the_provider_only_adds_passes() -> None:
    """Offline, an unreadable +include before the provider's cannot stop its pass."""
    text = _zone_text().replace(
        '"v=spf1 include:mx.ovh.com ~all"',
        '"v=spf1 include:_spf.example.com include:mx.ovh.com ~all"',
    )
    provider = {k: v for k, v in correct_records().items() if k == "mx.ovh.com"}
    provider_zone = ZoneSource.from_text(
        "\n".join(
            [
                "$TTL 3600",
                "ovh.com. SOA ns1.ovh.com. h.ovh.com. 1 7200 900 1209600 300",
                "ovh.com. NS ns1.ovh.com.",
                f'mx.ovh.com. TXT "{provider["mx.ovh.com"]["TXT"][0]}"',
            ]
        ),
        origin="ovh.com",
    )
    diagnosis = check_domain(
        SETUP, ZoneSource.from_text(text, origin=DOMAIN, fallback=provider_zone)
    )
    spf = diagnosis.of(Check.SPF)
    # The lookup count cannot be known without the include's record: that part is SKIPPED.
    assert [
        ("spf.ok", Status.OK, None),
        ("dns.outside_zone", Status.SKIPPED, "outside_zone"),
    ] == [(f.code, f.status, f.cause) for f in spf]


def test_offline_provider_check_outside_the_zone_uses_the_stand_in() -> None:
    """Offline, a provider record that needs names nobody holds is replaced by the stand-in."""
    provider_zone = ZoneSource.from_text(
        "\n".join(
            [
                "$TTL 3600",
                "ovh.com. SOA ns1.ovh.com. h.ovh.com. 1 7200 900 1209600 300",
                "ovh.com. NS ns1.ovh.com.",
                'mx.ovh.com. TXT "v=spf1 a:relay.ovh.net ip4:198.51.100.0/24 -all"',
            ]
        ),
        origin="ovh.com",
    )
    diagnosis = check_domain(
        SETUP, ZoneSource.from_text(_zone_text(), origin=DOMAIN, fallback=provider_zone)
    )
    (spf,) = diagnosis.of(Check.SPF)
    assert (Status.OK, "spf.ok") == (spf.status, spf.code)
    assert "stood in" in spf.message


class _Raising:
    """An async source whose lookups of one name end with ``error``; the others are answered."""

    def __init__(self, error: BaseException, name: str) -> None:
        self.inner = StaticSource(correct_records())
        self.error = error
        self.name = name

    async def lookup_async(self, name: str, rdtype: str, /) -> Answer:
        await asyncio.sleep(0)
        if name == self.name:
            raise self.error
        return self.inner.lookup(name, rdtype)


def test_async_source_that_raises_is_unknown_for_its_checks() -> None:
    """An exception from a source ends no run: the checks that needed it are UNKNOWN, other."""
    source = _Raising(RuntimeError("broken source"), f"_dmarc.{DOMAIN}")
    diagnosis = asyncio.run(check_domain_async(SETUP, source))
    (dmarc,) = diagnosis.of(Check.DMARC)
    assert ("dns.unknown", "other") == (dmarc.code, dmarc.cause)
    assert "the record source raised RuntimeError: broken source" in dmarc.message


def test_async_lookup_cancelled_elsewhere_leaves_its_check_unfinished() -> None:
    """A lookup cancelled by its source ends only the checks that need it, as unfinished."""
    source = _Raising(asyncio.CancelledError(), f"_dmarc.{DOMAIN}")
    diagnosis = asyncio.run(check_domain_async(SETUP, source))
    assert [("dns.unknown", "deadline")] == [(f.code, f.cause) for f in diagnosis.of(Check.DMARC)]
    assert Status.OK is diagnosis.status_of(Check.MX)


@pytest.mark.parametrize("at_once", [False, True], ids=["later", "at-once"])
def test_questions_in_flight_hold_no_closures(
    monkeypatch: pytest.MonkeyPatch, at_once: bool
) -> None:
    """Driven by callbacks, each question in flight holds one object to call, not a closure.

    A closure over the driver, the key and the query was five objects the garbage
    collector tracks (a function, its closure tuple, three cells) for every
    question, alive across its young collections. The diagnosis stays the same,
    whether the answers come later or at once (a warm cache: nothing to wait for).
    """
    records = correct_records()
    static = StaticSource(records)
    source = AsyncStubSource("127.0.0.1", port=53)
    held: list[object] = []

    def query_then(
        loop: asyncio.AbstractEventLoop, query: Query, done: Callable[[Answer | Exception], None]
    ) -> Answer | None:
        assert loop is asyncio.get_running_loop()
        held.append(done)
        answer = static.lookup(query.name, query.rdtype)
        if at_once:
            return answer
        # Answered later, as the transport does, never from within this call.
        loop.call_soon(done, answer)
        return None

    # What the runner asks through, given the loop it runs in.
    monkeypatch.setattr(source, "_query_then_in", query_then)
    try:
        diagnosis = asyncio.run(check_domain_async(SETUP, source))
    finally:
        source.close()
    assert check_domain(SETUP, StaticSource(records)) == diagnosis
    assert len(held) >= 10
    for done in held:
        assert not isinstance(done, types.FunctionType)
        assert [] == [cell for cell in gc.get_referents(done) if isinstance(cell, types.CellType)]
