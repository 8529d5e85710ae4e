"""What a run refuses and what it survives: zones without the domain, sources that raise."""

from __future__ import annotations

import asyncio
import pickle
from collections.abc import Iterable, Iterator

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
from emailpro_core.errors import DomainOutsideZone, EmailProError
from emailpro_core.records import expected_records
from emailpro_core.records._setup import DomainSetup
from emailpro_core.sources._answers import Answer, Query
from emailpro_core.sources._static import StaticSource
from emailpro_core.sources._zone import ZoneSource, require_zone_holds
from test_checker_zones import DOMAIN, SETUP, correct_records


def _zone(origin: str, fallback: object = None) -> ZoneSource:
    text = "\n".join(
        [
            "$TTL 3600",
            f"@ SOA ns1.{origin}. hostmaster.{origin}. 1 7200 900 1209600 300",
            f"@ NS ns1.{origin}.",
        ]
    )
    return ZoneSource.from_text(text, origin=origin, fallback=fallback)  # type: ignore[arg-type]


def _chain(origins: Iterable[str], last: object = None) -> ZoneSource:
    """Zones asked in the order of ``origins``; the last one falls back to ``last``."""
    source: object = last
    for origin in reversed(list(origins)):
        source = _zone(origin, source)
    assert isinstance(source, ZoneSource)
    return source


# --- a zone that does not hold the domain ----------------------------------------------

# (zones in the order they answer, the domain, the zones named when refused or None)
HOLDS: list[tuple[tuple[str, ...], str, tuple[str, ...] | None]] = [
    (("example.org",), "example.org", None),
    (("example.org",), "shop.example.org", None),
    (("org",), "example.org", None),
    (("shop.example.org",), "example.org", ("shop.example.org",)),
    (("example.org",), "example.net", ("example.org",)),
    (("example.org",), "badexample.org", ("example.org",)),
    (("example.net", "example.org"), "example.org", None),
    (("example.net", "example.com"), "example.org", ("example.net", "example.com")),
]


@pytest.mark.parametrize(("zones", "domain", "refused"), HOLDS)
def test_require_zone_holds(
    zones: tuple[str, ...], domain: str, refused: tuple[str, ...] | None
) -> None:
    """A chain of zones passes when one holds the domain; else the error names all."""
    source = _chain(zones)
    if refused is None:
        require_zone_holds(source, domain)
        return
    with pytest.raises(DomainOutsideZone) as caught:
        require_zone_holds(source, domain)
    assert (domain, refused) == (caught.value.domain, caught.value.zones)
    assert domain in str(caught.value)
    assert all(zone in str(caught.value) for zone in refused)


@pytest.mark.parametrize(
    "other",
    [StaticSource({}), None],
    ids=["records in memory", "not a zone at all"],
)
def test_a_source_that_answers_any_name_passes(other: object) -> None:
    """A chain that ends in another kind of source (or no zone at all) can answer anything."""
    source = other if other is None else _chain(["example.net"], other)
    require_zone_holds(source, "example.org")
    require_zone_holds(StaticSource({}), "example.org")


def test_the_error_is_an_emailpro_error_that_pickles() -> None:
    """DomainOutsideZone is an EmailProError and a ValueError, and survives pickling."""
    error = DomainOutsideZone("example.net", ("example.org",))
    assert isinstance(error, EmailProError)
    assert isinstance(error, ValueError)
    copy = pickle.loads(pickle.dumps(error))
    assert (error.domain, error.zones, str(error)) == (copy.domain, copy.zones, str(copy))
    assert "example.net is not in the zone example.org" == str(error)


def test_root_zone_holds_every_domain() -> None:
    """A zone of the root holds every name."""
    root = ZoneSource.from_text(
        ". 3600 SOA a.root-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 86400\n"
        ". 3600 NS a.root-servers.net.",
        origin=".",
    )
    assert "" == root.apex
    require_zone_holds(root, "example.org")


def test_check_domain_refuses_a_zone_without_the_domain() -> None:
    """check_domain raises rather than returning an all-SKIPPED diagnosis."""
    with pytest.raises(DomainOutsideZone, match=r"^example\.org is not in the zone example\.net$"):
        check_domain(SETUP, _zone("example.net"))


def test_check_domain_async_refuses_a_zone_without_the_domain() -> None:
    """So does check_domain_async."""
    with pytest.raises(DomainOutsideZone, match=r"^example\.org is not in the zone example\.net$"):
        asyncio.run(check_domain_async(SETUP, _zone("example.net")))


def _bulk(setups: list[DomainSetup], source: object) -> dict[str, Diagnosis]:
    async def run() -> list[Diagnosis]:
        return [d async for d in check_domains(setups, source, concurrency=2)]  # type: ignore[arg-type]

    return {d.domain: d for d in asyncio.run(run())}


def test_check_domains_refuses_each_domain_outside_and_goes_on() -> None:
    """In bulk, a domain outside the zone gets one ERROR domain.outside_zone; the others run."""
    setups = [SETUP, attrs.evolve(SETUP, domain="example.net")]
    text = "\n".join(
        [
            f"@ 3600 SOA ns1.{DOMAIN}. hostmaster.{DOMAIN}. 1 7200 900 1209600 300",
            f"@ 3600 NS ns1.{DOMAIN}.",
            expected_records(SETUP).to_zone_text(comments=False),
        ]
    )
    zone = _zone("example.com", ZoneSource.from_text(text, origin=DOMAIN))
    results = _bulk(setups, zone)
    (outside,) = results["example.net"].findings
    assert (Check.DOMAIN, Status.ERROR, "domain.outside_zone") == (
        outside.check,
        outside.status,
        outside.code,
    )
    assert "not checked: example.net is in none of the zones example.com, example.org" == (
        outside.message
    )
    assert results[DOMAIN].ok


# --- a source that raises ---------------------------------------------------------


class _Raising:
    """A source whose lookups of some names raise ``error``; the others are answered."""

    def __init__(self, error: Exception, names: Iterable[str], records: object = None) -> None:
        self.inner = StaticSource(correct_records() if records is None else records)  # type: ignore[arg-type]
        self.error = error
        self.names = frozenset(names)

    def lookup(self, name: str, rdtype: str, /) -> Answer:
        if name.rstrip(".").lower() in self.names:
            raise self.error
        return self.inner.lookup(name, rdtype)

    async def lookup_async(self, name: str, rdtype: str, /) -> Answer:
        await asyncio.sleep(0)
        return self.lookup(name, rdtype)


# (the name whose lookups raise, the check that needs it)
RAISING: list[tuple[str, Check]] = [
    (f"_dmarc.{DOMAIN}", Check.DMARC),
    (f"_autodiscover._tcp.{DOMAIN}", Check.AUTODISCOVER),
    ("mx.ovh.com", Check.SPF),
    (f"ovhemp123456-selector1._domainkey.{DOMAIN}", Check.DKIM),
]
ERRORS = [RuntimeError("broken source"), KeyError("x"), ZeroDivisionError()]


def _only_that_check_unknown(diagnosis: Diagnosis, check: Check, error: Exception) -> None:
    unknown = [f for f in diagnosis.findings if f.status is Status.UNKNOWN]
    assert {check} == {f.check for f in unknown}, diagnosis.to_text()
    for finding in unknown:
        # SPF says it in its own words (a temperror, RFC 7208 §2.6.6); the others, dns.unknown.
        code = "spf.temperror" if check is Check.SPF else "dns.unknown"
        assert (code, "other") == (finding.code, finding.cause)
        assert f"the record source raised {type(error).__name__}" in finding.message
    assert {Status.OK, Status.UNKNOWN} == {f.status for f in diagnosis.findings}


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize(("name", "check"), RAISING, ids=[r[1].value for r in RAISING])
def test_sync_source_that_raises_is_unknown_other(
    name: str, check: Check, error: Exception
) -> None:
    """check_domain: the checks that needed the raising lookup are UNKNOWN, cause other."""
    diagnosis = check_domain(SETUP, _Raising(error, [name]))
    _only_that_check_unknown(diagnosis, check, error)


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize(("name", "check"), RAISING, ids=[r[1].value for r in RAISING])
def test_async_source_that_raises_is_unknown_other(
    name: str, check: Check, error: Exception
) -> None:
    """check_domain_async: the same."""
    diagnosis = asyncio.run(check_domain_async(SETUP, _Raising(error, [name])))
    _only_that_check_unknown(diagnosis, check, error)


def test_domain_lookup_that_raises_leaves_every_check_unknown_not_missing() -> None:
    """Every lookup raising: every check UNKNOWN with cause other, nothing reported missing."""
    names = {str(q.name) for q in _every_name()}
    diagnosis = check_domain(SETUP, _Raising(RuntimeError("down"), names))
    assert {Status.UNKNOWN} == {f.status for f in diagnosis.findings}, diagnosis.to_text()
    assert {"other"} == {f.cause for f in diagnosis.findings}
    assert not any(f.code.endswith("missing") for f in diagnosis.findings)


def _every_name() -> tuple[Query, ...]:
    # Every name the checks of SETUP ask about, from a run over a recording source.
    source = StaticSource(correct_records())
    check_domain(SETUP, source)
    return source.history


def test_the_message_never_grows_with_the_exception() -> None:
    """The exception's text is cut short in the message; its type is always named."""
    error = RuntimeError("x" * 10_000)
    diagnosis = check_domain(SETUP, _Raising(error, [f"_dmarc.{DOMAIN}"]))
    (dmarc,) = diagnosis.of(Check.DMARC)
    assert "RuntimeError" in dmarc.message
    assert len(dmarc.message) < 400


def test_check_domains_goes_on_after_a_source_raises() -> None:
    """In bulk, one domain's raising lookup is that domain's UNKNOWN; the others are checked."""
    setups = [attrs.evolve(SETUP, domain=f"d{n}.{DOMAIN}") for n in range(6)]
    records: dict[str, dict[str, object]] = {}
    for setup in setups:
        records.update(correct_records(setup))  # type: ignore[arg-type]
    source = _Raising(RuntimeError("bug"), [f"_dmarc.d3.{DOMAIN}"], records)
    results = _bulk(setups, source)
    assert 6 == len(results)
    broken = results.pop(f"d3.{DOMAIN}")
    assert [("dns.unknown", "other")] == [(f.code, f.cause) for f in broken.of(Check.DMARC)]
    assert all(d.ok for d in results.values())


def test_check_domains_goes_on_when_the_provider_lookup_raises() -> None:
    """The provider's record, asked once for the run, raising: each domain's SPF is UNKNOWN."""
    setups = [attrs.evolve(SETUP, domain=f"d{n}.{DOMAIN}") for n in range(3)]
    records: dict[str, dict[str, object]] = {}
    for setup in setups:
        records.update(correct_records(setup))  # type: ignore[arg-type]
    source = _Raising(ValueError("bug"), ["mx.ovh.com"], records)
    results = _bulk(setups, source)
    assert 3 == len(results)
    for diagnosis in results.values():
        (spf,) = diagnosis.of(Check.SPF)
        assert (Status.UNKNOWN, "spf.temperror", "other") == (spf.status, spf.code, spf.cause)
        assert "the record source raised ValueError: bug" in spf.message
        assert Status.OK is diagnosis.status_of(Check.MX)


def test_stub_source_bug_is_unknown_for_the_checks_that_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The stub source, driven by callbacks: a bug in its decoding is UNKNOWN, cause other."""
    from emailpro_core.sources._stub import AsyncStubSource
    from emailpro_core.sources._wire import stubport
    from emailpro_core.sources._wire.codec import decode_answer as real
    from faults import FaultResponder
    from test_checker_zones import presentation

    def decode(wire: bytes, query: Query, qid: int) -> object:
        if query.name == f"_dmarc.{DOMAIN}":
            raise LookupError("a bug in decoding")
        return real(wire, query, qid)

    monkeypatch.setattr(stubport, "decode_answer", decode)

    async def run(port: int) -> Diagnosis:
        source = AsyncStubSource("127.0.0.1", port=port, timeout=1.0)
        try:
            return await check_domain_async(SETUP, source)
        finally:
            source.close()

    with FaultResponder(presentation(correct_records())) as responder:
        diagnosis = asyncio.run(run(responder.port))
    (dmarc,) = diagnosis.of(Check.DMARC)
    assert (Status.UNKNOWN, "dns.unknown", "other") == (dmarc.status, dmarc.code, dmarc.cause)
    assert "the record source raised LookupError: a bug in decoding" in dmarc.message
    assert Status.OK is diagnosis.status_of(Check.MX)


def test_a_bug_in_a_check_is_still_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only what a source raises becomes UNKNOWN: a check's own bug reaches the caller."""
    from emailpro_core.checker import _runner as runner

    def broken(ctx: object) -> Iterator[tuple[Query, ...]]:
        # A resolution, as the checks are, whose first step fails.
        if ctx is not None:
            raise ZeroDivisionError("a bug in a check")
        yield ()

    monkeypatch.setattr(runner, "check_dmarc", broken)
    with pytest.raises(ZeroDivisionError, match="a bug in a check"):
        asyncio.run(check_domain_async(SETUP, _Raising(RuntimeError(), [])))
    with pytest.raises(ZeroDivisionError, match="a bug in a check"):
        check_domain(SETUP, _Raising(RuntimeError(), []))
