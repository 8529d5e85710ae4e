"""Properties of the SPF check over ranges: range verdicts agree with check_host; fixes work."""

from __future__ import annotations

import ipaddress
import itertools

import dns.rdata
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emailpro_core.checker import Check, Finding, FixAction, Status, check_domain
from emailpro_core.records._setup import DomainSetup
from emailpro_core.sources._answers import run_sync
from emailpro_core.sources._static import StaticSource
from emailpro_core.sources._zone import ZoneSource
from emailpro_core.spf._ranges import judge_spans, spans_of
from emailpro_core.spf._spf import check_host

DOMAIN = "example.org"
SETUP = DomainSetup(DOMAIN, server_number=1, managed_in_account=True)
# A small space, so that generated networks overlap often: 198.51.100.0/22.
BASE = int(ipaddress.IPv4Address("198.51.100.0"))


@st.composite
def networks(draw: st.DrawFn) -> str:
    """An ip4 network inside 198.51.100.0/22, host bits set at random."""
    length = draw(st.integers(22, 32))
    address = ipaddress.IPv4Address(BASE + draw(st.integers(0, 1023)))
    return f"{address}/{length}"


_QUALIFIER = st.sampled_from(["", "+", "-", "~", "?"])


@st.composite
def policies(draw: st.DrawFn) -> dict[str, dict[str, object]]:
    """A domain's record of ip4, a and include terms (nested records and A records too)."""
    terms = []
    records: dict[str, dict[str, object]] = {}
    for index in range(draw(st.integers(0, 5))):
        kind = draw(st.sampled_from(["ip4", "ip4", "a", "include"]))
        qualifier = draw(_QUALIFIER)
        if kind == "ip4":
            terms.append(f"{qualifier}ip4:{draw(networks())}")
        elif kind == "a":
            name = f"h{index}.example.org"
            address = ipaddress.IPv4Address(BASE + draw(st.integers(0, 1023)))
            records[name] = {"A": str(address)}
            terms.append(f"{qualifier}a:{name}/{draw(st.integers(22, 32))}")
        else:
            name = f"i{index}.example.org"
            inner = " ".join(
                f"{draw(_QUALIFIER)}ip4:{draw(networks())}" for _ in range(draw(st.integers(1, 3)))
            )
            records[name] = {"TXT": f"v=spf1 {inner} {draw(_QUALIFIER)}all"}
            terms.append(f"{qualifier}include:{name}")
    terms.append(f"{draw(_QUALIFIER)}all")
    records[DOMAIN] = {"TXT": " ".join(["v=spf1", *terms])}
    return records


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(policies(), st.lists(networks(), min_size=1, max_size=4), st.data())
def test_range_verdicts_agree_with_check_host(
    records: dict[str, dict[str, object]], provider: list[str], data: st.DataObject
) -> None:
    """Every address of a span gets the span's result (first, last and one drawn between)."""
    source = StaticSource(records)
    spans = spans_of(provider)
    report = run_sync(judge_spans(spans, DOMAIN), source)
    verdicts = report.verdicts
    # The verdicts cover the spans exactly, in order, without overlap.
    assert sum(v.span.size for v in verdicts) == sum(s.size for s in spans)
    assert all(a.span.last < b.span.first for a, b in itertools.pairwise(verdicts))
    for verdict in verdicts:
        span = verdict.span
        offsets = {0, span.size - 1, data.draw(st.integers(0, span.size - 1))}
        for offset in offsets:
            expected = check_host(span.address(offset), DOMAIN, f"postmaster@{DOMAIN}", source)
            assert expected.result is verdict.result.result, (span.text(), offset)


_TOKENS = st.sampled_from(
    [
        "ip4:198.51.100.0/24",
        "ip4:203.0.113.7",
        "-ip4:198.51.100.0/25",
        "ip4:0.0.0.0/0",
        "ptr",
        "include:mx.ovh.com",
        "-include:mx.ovh.com",
        "~include:mx.ovh.com",
        "?include:mx.ovh.com",
        "include:own.example.org",
        "a:void1.example.org",
        "a:void2.example.org",
        "a:void3.example.org",
        "mx",
        "foo",
        "ip4:1.2.3",
        "include:",
        "-all",
        "~all",
        "?all",
        "+all",
        "redirect=own.example.org",
    ]
    + [f"include:s{n}.example.org" for n in range(6)]
)


def _text(line: str) -> str:
    """The TXT value of a zone line."""
    rdata = line.split(" IN TXT ", 1)[1]
    parsed = dns.rdata.from_text("IN", "TXT", rdata)
    return b"".join(parsed.strings).decode()  # type: ignore[attr-defined]


def _applied(texts: list[str], findings: tuple[Finding, ...]) -> list[str]:
    """``texts`` after every SPF fix line (each distinct line once)."""
    done = set()
    texts = list(texts)
    for finding in findings:
        for fix in finding.fix:
            if fix in done:
                continue
            done.add(fix)
            if fix.action is FixAction.ADD:
                texts.append(_text(fix.line))
            elif fix.action is FixAction.REMOVE:
                texts.remove(_text(fix.line))
            else:
                texts[texts.index(_text(fix.old))] = _text(fix.line)
    return texts


def _records(texts: list[str]) -> dict[str, dict[str, object]]:
    records: dict[str, dict[str, object]] = {
        DOMAIN: {"TXT": texts, "MX": "10 mail.example.org."},
        "mail.example.org": {"A": "198.51.100.25"},
        "own.example.org": {"TXT": "v=spf1 ip4:192.0.2.0/24 a:h.example.org ~all"},
        "h.example.org": {"A": "192.0.2.99"},
        "mx.ovh.com": {"TXT": "v=spf1 ip4:198.51.100.0/24 include:o.ovh.com -all"},
        "o.ovh.com": {"TXT": "v=spf1 ip4:203.0.113.0/24 -all"},
    }
    for n in range(6):
        records[f"s{n}.example.org"] = {"TXT": f"v=spf1 a:t{n}.example.org mx -all"}
        records[f"t{n}.example.org"] = {"A": "192.0.2.1"}
    return records


def _zone(texts: list[str]) -> ZoneSource:
    """The same records in a zone file, without the provider's (outside the zone)."""
    lines = [
        "example.org. 3600 IN SOA ns1.example.org. h.example.org. 1 7200 900 1209600 300",
        "example.org. 3600 IN NS ns1.example.org.",
    ]
    for name, by_type in _records(texts).items():
        if not name.endswith(DOMAIN):
            continue
        for rdtype, values in by_type.items():
            for value in [values] if isinstance(values, str) else list(values):  # type: ignore[call-overload]
                text = str(value)
                # A character-string holds at most 255 bytes (RFC 1035 §3.3).
                chunks = [text[i : i + 255] for i in range(0, len(text), 255)] or [""]
                shown = " ".join(f'"{c}"' for c in chunks) if rdtype == "TXT" else text
                lines.append(f"{name}. 3600 IN {rdtype} {shown}")
    return ZoneSource.from_text("\n".join(lines), origin=DOMAIN)


_RECORDS = st.lists(
    st.lists(_TOKENS, min_size=0, max_size=12).map(lambda t: " ".join(["v=spf1", *t])),
    min_size=1,
    max_size=2,
    unique=True,  # an RRset holds no two equal records
)


def _fixable(findings: tuple[Finding, ...]) -> bool:
    """Whether some finding has a fix, and every ERROR one."""
    errors = [f for f in findings if f.status is Status.ERROR]
    return any(f.fix for f in findings) and all(f.fix for f in errors)


def _errors(findings: tuple[Finding, ...]) -> list[tuple[str, str]]:
    return [(f.code, f.message) for f in findings if f.status is Status.ERROR]


def _explained(findings: tuple[Finding, ...]) -> None:
    """Every finding that is not OK has its fix, or says why there is none (not both).

    A replacement changes the record: never the same record for itself.
    """
    for finding in findings:
        if finding.status is not Status.OK:
            assert bool(finding.fix) != bool(finding.fix_reason), finding
        for fix in finding.fix:
            if fix.action is FixAction.REPLACE:
                assert _text(fix.line) != _text(fix.old), finding


def _unfixable(findings: tuple[Finding, ...]) -> list[tuple[str, str]]:
    """The ERROR and UNKNOWN findings that have a fix (none should be left after the fixes)."""
    return [
        (f.code, f.message)
        for f in findings
        if f.status in (Status.ERROR, Status.UNKNOWN) and f.fix
    ]


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(_RECORDS)
def test_spf_fixes_recheck_clean_live(texts: list[str]) -> None:
    """Applying every SPF fix line gives a record that re-checks with no ERROR (live).

    Where some ERROR has no fix, its reason says why; after the fixes, no ERROR
    is left that a fix would repair.
    """
    findings = check_domain(SETUP, StaticSource(_records(texts))).of(Check.SPF)
    _explained(findings)
    fixed = _applied(texts, findings)
    again = check_domain(SETUP, StaticSource(_records(fixed))).of(Check.SPF)
    _explained(again)
    assert [] == (_errors(again) if _fixable(findings) else _unfixable(again)), (texts, fixed)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(_RECORDS)
def test_spf_fixes_recheck_clean_offline(texts: list[str]) -> None:
    """Offline too: the stand-in's verdict after the fixes has no ERROR."""
    findings = check_domain(SETUP, _zone(texts)).of(Check.SPF)
    _explained(findings)
    fixed = _applied(texts, findings)
    again = check_domain(SETUP, _zone(fixed)).of(Check.SPF)
    _explained(again)
    assert [] == (_errors(again) if _fixable(findings) else _unfixable(again)), (texts, fixed)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(policies(), st.lists(networks(), min_size=1, max_size=4), st.data())
def test_through_the_provider_gives_the_same_verdicts(
    records: dict[str, dict[str, object]], provider: list[str], data: st.DataObject
) -> None:
    """Deciding spans by the path to the provider's include agrees with check_host."""
    include = "p.example.net"
    records = dict(records)
    records[include] = {"TXT": " ".join(["v=spf1", *(f"ip4:{n}" for n in provider), "-all"])}
    text = str(records[DOMAIN]["TXT"])
    # The provider's include somewhere among the domain's terms.
    tokens = text.split(" ")
    tokens.insert(data.draw(st.integers(1, len(tokens))), f"include:{include}")
    records[DOMAIN] = {"TXT": " ".join(tokens)}
    source = StaticSource(records)
    space = run_sync(judge_spans(spans_of(provider), include), source)
    passing = [n for v in space.verdicts for n in v.span.networks()]
    report = run_sync(judge_spans(spans_of(passing), DOMAIN, through=include), source)
    for verdict in report.verdicts:
        span = verdict.span
        for offset in {0, span.size - 1, data.draw(st.integers(0, span.size - 1))}:
            expected = check_host(span.address(offset), DOMAIN, f"postmaster@{DOMAIN}", source)
            assert expected.result is verdict.result.result, (span.text(), offset)
