"""SPF evaluation (RFC 7208 §4, §5, §6): result tables, limits, DNS outcomes, drivers."""

from __future__ import annotations

import asyncio
import ipaddress

import pytest

from emailpro_core.sources import StaticSource
from emailpro_core.sources._answers import (
    TXT,
    Answer,
    AnswerStatus,
    Batch,
    FailureCause,
    Query,
    Resolution,
    run_sync,
)
from emailpro_core.sources._zone import ZoneSource
from emailpro_core.spf._result import SpfLimits, SpfOutcome, SpfResult
from emailpro_core.spf._spf import check_host, check_host_async, spf_resolution

PASS, FAIL, SOFTFAIL = SpfOutcome.PASS, SpfOutcome.FAIL, SpfOutcome.SOFTFAIL
NEUTRAL, NONE = SpfOutcome.NEUTRAL, SpfOutcome.NONE
PERMERROR, TEMPERROR = SpfOutcome.PERMERROR, SpfOutcome.TEMPERROR
TERMS, VOIDS = "spf.too_many_lookups", "spf.too_many_void_lookups"


def _names(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{i}.example" for i in range(count)]


RECORDS: dict[str, dict[str, object]] = {
    "ip.example": {"TXT": "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all"},
    "soft.example": {"TXT": "v=spf1 ~all"},
    "neutral.example": {"TXT": "v=spf1 ?all"},
    "default.example": {"TXT": "v=spf1 ip4:192.0.2.1"},
    "none.example": {"TXT": ["hello", "v=spf10 -all"]},
    "two.example": {"TXT": ["v=spf1 -all", "V=SPF1 ~all"]},
    "bad.example": {"TXT": "v=spf1 moo -all ip4:1.2.3"},
    "include-slow.example": {"TXT": "v=spf1 include:slow.example -all"},
    "deep.example": {"TXT": "v=spf1 include:include-slow.example -all"},
    "a.example": {"TXT": "v=spf1 a -all", "A": "192.0.2.10", "AAAA": "2001:db8::10"},
    "a24.example": {"TXT": "v=spf1 a:host.a.example/24//64 -all"},
    "host.a.example": {"A": "198.51.100.7", "AAAA": "2001:db8:1::7"},
    "mx.example": {"TXT": "v=spf1 mx -all", "MX": ["10 m1.mx.example.", "20 m2.mx.example."]},
    "m1.mx.example": {"A": "192.0.2.20"},
    "m2.mx.example": {"A": "192.0.2.21"},
    "nullmx.example": {"TXT": "v=spf1 mx ?all", "MX": "0 ."},
    "ptr.example": {"TXT": "v=spf1 ptr -all"},
    "ptr2.example": {"TXT": "v=spf1 ptr:other.example ptr:ptr.example -all exp=%{p}.why.example"},
    "liar.example.why.example": {"TXT": "%{p} may not send mail"},
    "30.2.0.192.in-addr.arpa": {"PTR": ["host.ptr.example.", "liar.example."]},
    "31.2.0.192.in-addr.arpa": {"PTR": ["host.ptr.example.", "liar.example."]},
    "host.ptr.example": {"A": "192.0.2.30"},
    "liar.example": {"A": "192.0.2.31"},
    "exists.example": {"TXT": "v=spf1 exists:%{i}.rbl.example -all"},
    "192.0.2.40.rbl.example": {"A": "127.0.0.2"},
    "include-none.example": {"TXT": "v=spf1 include:none.example -all"},
    "redirect.example": {"TXT": "v=spf1 redirect=ip.example"},
    "redirect-none.example": {"TXT": "v=spf1 redirect=missing.example"},
    "cname.example": {"CNAME": "ip.example."},
    "xn--bcher-kva.example": {"TXT": "v=spf1 -all"},
    "mxslow.example": {"TXT": "v=spf1 mx -all", "MX": "10 slow.example."},
    "include-bad.example": {"TXT": "v=spf1 include:a..example.org -all"},
    "exp-bad.example": {"TXT": "v=spf1 -all exp=a..example.org"},
    # Limits (§4.6.4).
    "terms10.example": {"TXT": "v=spf1 " + "a " * 10 + "-all", "A": "192.0.2.99"},
    "terms11.example": {"TXT": "v=spf1 " + "a " * 11 + "-all", "A": "192.0.2.99"},
    "void2.example": {"TXT": "v=spf1 a:n1.void.example mx:n2.void.example ?all"},
    "void3.example": {"TXT": "v=spf1 a:n1.void.example exists:n2.void.example ptr ?all"},
    "mx10.example": {"TXT": "v=spf1 mx -all", "MX": [f"1 {n}." for n in _names("h", 10)]},
    "mx11.example": {"TXT": "v=spf1 mx -all", "MX": [f"1 {n}." for n in _names("h", 11)]},
    **{name: {"A": "192.0.2.50"} for name in _names("h", 11)},
    "ptr11.example": {"TXT": "v=spf1 ptr:p10.example ?all"},
    "60.2.0.192.in-addr.arpa": {"PTR": [f"{n}." for n in _names("p", 11)]},
    **{name: {"A": "192.0.2.60"} for name in _names("p", 11)},
    # Explanations (§6.2).
    "exp.example": {"TXT": "v=spf1 ip4:192.0.2.1 -all exp=why.exp.example"},
    "why.exp.example": {"TXT": "%{c} may not send for %{d} (%{r}, %{t}, %{h}, %{p})"},
    "exp-redirect.example": {"TXT": "v=spf1 exp=why.exp.example redirect=ip.example"},
}
FAILURES: dict[str | tuple[str, str], FailureCause] = {
    "slow.example": FailureCause.TIMEOUT,
    "32.2.0.192.in-addr.arpa": FailureCause.SERVFAIL,
    ("mx.example", "MX"): FailureCause.SERVFAIL,
}


def zone() -> StaticSource:
    """The records every example reads."""
    return StaticSource(RECORDS, failures=FAILURES)


def check(
    ip: str, domain: str, *, source: StaticSource | None = None, **options: object
) -> SpfResult:
    """check_host with the mail from alice@<domain>."""
    return check_host(ip, domain, f"alice@{domain}", source or zone(), timestamp=0, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("ip", "domain", "result", "code", "term"),
    [
        ("192.0.2.7", "ip.example", PASS, "spf.matched", "ip4:192.0.2.0/24"),
        ("198.51.100.1", "ip.example", FAIL, "spf.matched", "-all"),
        ("2001:db8::1", "ip.example", PASS, "spf.matched", "ip6:2001:db8::/32"),
        ("::ffff:192.0.2.7", "ip.example", PASS, "spf.matched", "ip4:192.0.2.0/24"),  # §5
        ("192.0.2.7", "IP.Example.", PASS, "spf.matched", "ip4:192.0.2.0/24"),
        ("192.0.2.7", "cname.example", PASS, "spf.matched", "ip4:192.0.2.0/24"),
        ("192.0.2.7", "soft.example", SOFTFAIL, "spf.matched", "~all"),
        ("192.0.2.7", "neutral.example", NEUTRAL, "spf.matched", "?all"),
        ("192.0.2.7", "default.example", NEUTRAL, "spf.default", None),  # §4.7
        ("192.0.2.7", "none.example", NONE, "spf.no_record", None),
        ("192.0.2.7", "missing.example", NONE, "spf.no_domain", None),
        ("192.0.2.7", "two.example", PERMERROR, "spf.multiple_records", None),  # §4.5
        ("192.0.2.7", "bad.example", PERMERROR, "spf.unknown_mechanism", None),
        ("192.0.2.7", "slow.example", TEMPERROR, "spf.dns_failure", None),
        ("192.0.2.7", "include-slow.example", TEMPERROR, "spf.dns_failure", None),
        ("192.0.2.10", "a.example", PASS, "spf.matched", "a"),
        ("2001:db8::10", "a.example", PASS, "spf.matched", "a"),
        ("192.0.2.11", "a.example", FAIL, "spf.matched", "-all"),
        ("198.51.100.200", "a24.example", PASS, "spf.matched", "a:host.a.example/24//64"),
        ("2001:db8:1::ffff", "a24.example", PASS, "spf.matched", "a:host.a.example/24//64"),
        ("198.51.101.7", "a24.example", FAIL, "spf.matched", "-all"),
        ("192.0.2.21", "mx.example", TEMPERROR, "spf.dns_failure", "mx"),
        ("192.0.2.21", "mxslow.example", TEMPERROR, "spf.dns_failure", "mx"),
        ("192.0.2.7", "nullmx.example", NEUTRAL, "spf.matched", "?all"),  # RFC 7505
        ("192.0.2.30", "ptr.example", PASS, "spf.matched", "ptr"),
        ("192.0.2.31", "ptr.example", FAIL, "spf.matched", "-all"),  # does not validate
        ("192.0.2.32", "ptr.example", FAIL, "spf.matched", "-all"),  # §5.5: PTR failure
        ("192.0.2.40", "exists.example", PASS, "spf.matched", "exists:%{i}.rbl.example"),
        ("192.0.2.41", "exists.example", FAIL, "spf.matched", "-all"),
        (
            "192.0.2.7",
            "include-none.example",
            PERMERROR,
            "spf.include_none",
            "include:none.example",
        ),
        ("192.0.2.7", "include-bad.example", PERMERROR, "spf.include_none", None),
        ("192.0.2.7", "exp-bad.example", FAIL, "spf.matched", "-all"),
        ("192.0.2.7", "Bücher.example", FAIL, "spf.matched", "-all"),  # U-labels: IDNA
        ("198.51.100.1", "redirect.example", FAIL, "spf.matched", "-all"),
        ("192.0.2.7", "redirect-none.example", PERMERROR, "spf.redirect_none", None),
        ("192.0.2.7", "localhost", NONE, "spf.invalid_domain", None),  # §4.3
        ("192.0.2.7", "a..example", NONE, "spf.invalid_domain", None),
        ("192.0.2.7", "[192.0.2.7]", NONE, "spf.invalid_domain", None),
        ("192.0.2.7", "192.0.2.7", NONE, "spf.invalid_domain", None),
        ("192.0.2.7", "2001:db8::7", NONE, "spf.invalid_domain", None),
        ("192.0.2.7", "192.0.2.7.", NONE, "spf.invalid_domain", None),
        ("192.0.2.7", "192.0.2", NONE, "spf.no_domain", None),  # digits, not an address
        ("192.0.2.7", "1.2.3.4.5", NONE, "spf.no_domain", None),
        ("192.0.2.7", "\ud800.example", NONE, "spf.invalid_domain", None),
        ("192.0.2.7", "exa mple.org", NONE, "spf.invalid_domain", None),
        ("999.0.2.7", "ip.example", NONE, "spf.invalid_ip", None),
    ],
)
def test_results(ip: str, domain: str, result: SpfOutcome, code: str, term: str | None) -> None:
    """Each result kind, with the code that says why and the term that decided."""
    found = check(ip, domain)
    assert (result, code) == (found.result, found.code)
    if term is not None:
        assert term == found.term


def test_redirect_result_comes_from_the_target() -> None:
    """After redirect=, the target's record decides (§6.1); the result names it."""
    found = check("198.51.100.1", "redirect.example")
    assert (
        found.domain,
        found.dns_lookups,
        found.record,
    ) == ("ip.example", 1, "v=spf1 redirect=ip.example")


def test_permerror_carries_the_violations() -> None:
    """A syntax permerror lists every violation of the record."""
    found = check("192.0.2.7", "bad.example")
    assert [v.code for v in found.violations] == ["spf.unknown_mechanism", "spf.bad_ip"]


def test_temperror_says_which_include() -> None:
    """A DNS failure inside includes names the chain that led to it, and its cause."""
    found = check("192.0.2.7", "deep.example")
    assert (
        found.result,
        found.cause,
        found.domain,
    ) == (TEMPERROR, FailureCause.TIMEOUT, "slow.example")
    assert found.detail.startswith(
        "include:include-slow.example in deep.example: include:slow.example in "
        "include-slow.example: DNS lookup of slow.example TXT failed: timeout"
    )


def test_outside_an_offline_zone_is_temperror() -> None:
    """A name an offline zone cannot know gives temperror, code spf.outside_zone."""
    source = ZoneSource.from_text(
        "@ 3600 IN SOA ns1 hostmaster 1 7200 900 1209600 300\n"
        "@ 3600 IN NS ns1\nns1 3600 IN A 192.0.2.53\n"
        '@ 3600 IN TXT "v=spf1 include:mx.ovh.com ~all"\n',
        origin="example.org",
    )
    found = check_host("192.0.2.7", "example.org", "alice@example.org", source)
    assert (found.result, found.code, found.cause) == (TEMPERROR, "spf.outside_zone", None)
    assert "mx.ovh.com" in found.detail


@pytest.mark.parametrize(
    ("ip", "domain", "limits", "result", "code", "lookups", "voids"),
    [
        ("192.0.2.1", "terms10.example", SpfLimits(), FAIL, "spf.matched", 10, 0),
        ("192.0.2.1", "terms11.example", SpfLimits(), PERMERROR, TERMS, 10, 0),
        (
            "192.0.2.1",
            "terms10.example",
            SpfLimits(dns_terms=3),
            PERMERROR,
            "spf.too_many_lookups",
            3,
            0,
        ),
        ("192.0.2.99", "terms11.example", SpfLimits(), PASS, "spf.matched", 1, 0),
        ("192.0.2.1", "void2.example", SpfLimits(), NEUTRAL, "spf.matched", 2, 2),
        ("192.0.2.1", "void3.example", SpfLimits(), PERMERROR, VOIDS, 3, 3),
        (
            "192.0.2.1",
            "void2.example",
            SpfLimits(void_lookups=1),
            PERMERROR,
            "spf.too_many_void_lookups",
            2,
            2,
        ),
        ("192.0.2.50", "mx10.example", SpfLimits(), PASS, "spf.matched", 1, 0),
        ("192.0.2.50", "mx11.example", SpfLimits(), PERMERROR, "spf.too_many_mx", 1, 0),
        ("192.0.2.50", "mx11.example", SpfLimits(mx_names=11), PASS, "spf.matched", 1, 0),
        ("192.0.2.60", "ptr11.example", SpfLimits(), NEUTRAL, "spf.matched", 1, 0),
        ("192.0.2.60", "ptr11.example", SpfLimits(ptr_names=11), PASS, "spf.matched", 1, 0),
    ],
)
def test_limits(
    ip: str,
    domain: str,
    limits: SpfLimits,
    result: SpfOutcome,
    code: str,
    lookups: int,
    voids: int,
) -> None:
    """10 DNS-querying terms, 2 void lookups, 10 MX names (permerror), 10 PTR names (ignored)."""
    found = check(ip, domain, limits=limits)
    assert (result, code, lookups, voids) == (
        found.result,
        found.code,
        found.dns_lookups,
        found.void_lookups,
    )


def test_mx_names_beyond_the_limit_are_never_asked() -> None:
    """An over-long MX set stops before any address lookup; 10 names go in one batch."""
    source = zone()
    check("192.0.2.50", "mx11.example", source=source)
    assert [(q.name, q.rdtype) for q in source.history] == [
        ("mx11.example", "TXT"),
        ("mx11.example", "MX"),
    ]
    batches = _batches(spf_resolution("192.0.2.99", "mx10.example", "a@mx10.example"), zone())
    assert [len(batch) for batch in batches] == [1, 1, 10]


def _batches(resolution: Resolution[SpfResult], source: StaticSource) -> list[Batch]:
    """Drive a resolution by hand, keeping the batches it asks."""
    seen: list[Batch] = []
    try:
        batch = next(resolution)
        while True:
            seen.append(batch)
            batch = resolution.send(tuple(source.lookup(q.name, q.rdtype) for q in batch))
    except StopIteration:
        return seen


def test_explanation_is_expanded_on_fail() -> None:
    """exp= is fetched and expanded only for a fail, with %{c}, %{r}, %{t}, %{h}, %{p} (§6.2)."""
    found = check("198.51.100.1", "exp.example", receiver="mx.example.net", helo="helo.example")
    assert (
        found.explanation
    ) == "198.51.100.1 may not send for exp.example (mx.example.net, 0, helo.example, unknown)"
    assert found.dns_lookups == 0  # the explanation lookups are not DNS-querying terms


def test_no_explanation_lookup_without_fail() -> None:
    """A pass never looks the explanation up."""
    source = zone()
    found = check("192.0.2.1", "exp.example", source=source)
    assert (
        found.result,
        found.explanation,
        [q.name for q in source.history],
    ) == (PASS, None, ["exp.example"])


def test_redirect_drops_the_explanation() -> None:
    """The redirecting record's exp= is not used (§6.2): the target has none."""
    found = check("198.51.100.1", "exp-redirect.example")
    assert (found.result, found.explanation) == (FAIL, None)


def test_validated_names_are_asked_once() -> None:
    """ptr mechanisms and %{p} share one reverse lookup per check (§5.5, §7.3)."""
    source = zone()
    assert PASS == check("192.0.2.30", "ptr2.example", source=source).result
    assert [q.rdtype for q in source.history].count("PTR") == 1
    source = zone()
    found = check("192.0.2.31", "ptr2.example", source=source)
    assert (FAIL, "liar.example may not send mail") == (found.result, found.explanation)
    assert [q.rdtype for q in source.history].count("PTR") == 1


def test_ip_objects_and_mapped_addresses() -> None:
    """The client may be an ipaddress value; IPv4-mapped IPv6 is IPv4 (§5)."""
    mapped = ipaddress.IPv6Address("::ffff:192.0.2.10")
    assert check_host(mapped, "a.example", "a@a.example", zone()).result == PASS
    v4 = ipaddress.IPv4Address("192.0.2.10")
    assert check_host(v4, "a.example", "a@a.example", zone()).result == PASS


def test_async_gives_the_same_result() -> None:
    """check_host_async runs the same resolution over an async source."""
    sync = check("192.0.2.20", "mx.example")
    asynchronous = asyncio.run(
        check_host_async("192.0.2.20", "mx.example", "alice@mx.example", zone(), timestamp=0)
    )
    assert sync == asynchronous


def test_composes_with_yield_from() -> None:
    """A caller's resolution can run several checks with yield from."""

    def both() -> Resolution[tuple[SpfOutcome, SpfOutcome]]:
        first = yield from spf_resolution("192.0.2.7", "ip.example", "a@ip.example")
        second = yield from spf_resolution("192.0.2.7", "soft.example", "a@soft.example")
        return first.result, second.result

    assert run_sync(both(), zone()) == (PASS, SOFTFAIL)


def test_spf_type_is_never_asked() -> None:
    """Only TXT holds SPF records (RFC 7208 §3.1): the obsolete SPF type is never queried."""
    source = StaticSource({"example.org": {"SPF": "v=spf1 -all"}})
    found = check_host("192.0.2.1", "example.org", "a@example.org", source)
    assert (found.result, [q.rdtype for q in source.history]) == (NONE, ["TXT"])


class _Odd:
    """A source whose answers hold values of the wrong kind, and a failure without cause."""

    def lookup(self, name: str, rdtype: str, /) -> Answer:
        query = Query(name, rdtype)
        if rdtype == "TXT":
            values = ("v=spf1 -all", TXT((b"v=spf1 a mx -all",)))
            return Answer(query, AnswerStatus.ANSWER, values)
        if rdtype == "A":
            return Answer(query, AnswerStatus.ANSWER, ("not-an-address", "192.0.2.1"))
        return Answer(query, AnswerStatus.FAILURE)


def test_odd_answers() -> None:
    """Values of the wrong kind are skipped; a failure without a cause reads as 'other'."""
    assert check_host("192.0.2.1", "example.org", "a@b", _Odd()).result == PASS
    found = check_host("192.0.2.2", "example.org", "a@b", _Odd())
    assert (found.result, found.cause, found.term) == (TEMPERROR, FailureCause.OTHER, "mx")


@pytest.mark.parametrize(
    ("args", "options", "message"),
    [
        ((None, "example.org", "a@b"), {}, "the client IP must be a str"),
        (("192.0.2.1", None, "a@b"), {}, "the domain must be a str"),
        (("192.0.2.1", "example.org", 3), {}, "the sender must be a str"),
        (("192.0.2.1", "example.org", "a@b"), {"helo": 1}, "the HELO name must be a str"),
        (("192.0.2.1", "example.org", "a@b"), {"receiver": None}, "the receiver name must"),
        (("192.0.2.1", "example.org", "a@b"), {"limits": 10}, "limits must be SpfLimits"),
        (("192.0.2.1", "example.org", "a@b"), {"timestamp": "now"}, "timestamp must be an int"),
    ],
)
def test_wrong_types(args: tuple[object, ...], options: dict[str, object], message: str) -> None:
    """Arguments of the wrong type raise TypeError at once, before any lookup."""
    with pytest.raises(TypeError, match=message):
        spf_resolution(*args, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"dns_terms": -1}, ValueError),
        ({"void_lookups": 51}, ValueError),
        ({"mx_names": "10"}, TypeError),
    ],
)
def test_limits_are_checked(options: dict[str, object], error: type[Exception]) -> None:
    """Limits are whole numbers from 0 to 50."""
    with pytest.raises(error):
        SpfLimits(**options)  # type: ignore[arg-type]


def test_clock_is_the_default_timestamp() -> None:
    """Without a timestamp, %{t} is the current time."""
    found = check_host("198.51.100.1", "exp.example", "a@exp.example", zone())
    assert found.explanation is not None
    assert found.explanation.split(", ")[1].isdigit()
