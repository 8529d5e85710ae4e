"""Properties of the SPF parser, evaluator and merge (RFC 7208)."""

from __future__ import annotations

import asyncio
import ipaddress
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import any_text, non_str

from emailpro_core.sources import StaticSource
from emailpro_core.spf import Mechanism, MechanismKind, merge_spf, parse_spf
from emailpro_core.spf._macros import MacroContext, expand_with, parse_macro_string, target_name
from emailpro_core.spf._result import SpfLimits, SpfOutcome
from emailpro_core.spf._spf import check_host, check_host_async

# Names the zone below knows, so that generated records reach real answers.
KNOWN = ["example.org", "inc.example.org", "mx.example.org", "loop.example.org", "gone.example"]
_LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
_TOP = st.from_regex(r"[a-z]{2,5}", fullmatch=True)
_MACRO = st.sampled_from(
    ["%{d}", "%{d2}", "%{ir}", "%{l1r-}", "%{o}", "%{s}", "%{h}", "%{v}", "%{p}", "%{D}", "%%"]
)


def domain_specs() -> st.SearchStrategy[str]:
    """Valid domain-specs (§7.1): known names, plain names, names built with macros."""
    plain = st.tuples(st.lists(_LABEL, min_size=1, max_size=3), _TOP).map(
        lambda t: ".".join([*t[0], t[1]])
    )
    macros = st.tuples(st.lists(st.one_of(_LABEL, _MACRO), min_size=1, max_size=3), _TOP).map(
        lambda t: ".".join([*t[0], t[1]])
    )
    ending_in_macro = st.tuples(_LABEL, _MACRO).map(lambda t: f"{t[0]}.{t[1]}")
    dotted = plain.map(lambda name: name + ".")
    return st.one_of(st.sampled_from(KNOWN), plain, macros, ending_in_macro, dotted)


def _opt(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.just(""), strategy)


_CIDR4 = st.integers(0, 32).map(lambda n: f"/{n}")
_CIDR6 = st.integers(0, 128).map(lambda n: f"//{n}")
_DUAL = st.tuples(_opt(_CIDR4), _opt(_CIDR6)).map("".join)
_MECHANISMS = st.one_of(
    st.just("all"),
    domain_specs().map(lambda d: f"include:{d}"),
    st.tuples(st.sampled_from(["a", "mx"]), _opt(domain_specs().map(":".__add__)), _DUAL).map(
        "".join
    ),
    st.one_of(st.just("ptr"), domain_specs().map(lambda d: f"ptr:{d}")),
    st.tuples(st.ip_addresses(v=4), _opt(st.integers(0, 32).map(lambda n: f"/{n}"))).map(
        lambda t: f"ip4:{t[0]}{t[1]}"
    ),
    st.tuples(st.ip_addresses(v=6), _opt(st.integers(0, 128).map(lambda n: f"/{n}"))).map(
        lambda t: f"ip6:{t[0]}{t[1]}"
    ),
    domain_specs().map(lambda d: f"exists:{d}"),
)
_TERMS = st.tuples(st.sampled_from(["", "+", "-", "~", "?"]), _MECHANISMS).map("".join)
_UNKNOWN = st.tuples(
    st.from_regex(r"[a-z][a-z0-9_.-]{0,6}", fullmatch=True).filter(
        lambda n: n not in ("redirect", "exp")
    ),
    st.from_regex(r"([a-z0-9:/+=.-]|%\{[slodiphvcrt]([1-9][0-9]?)?r?\}|%%)*", fullmatch=True),
).map(lambda t: f"{t[0]}={t[1]}")


@st.composite
def spf_records(draw: st.DrawFn, max_terms: int = 8) -> str:
    """Valid SPF records: mechanisms, at most one redirect= and exp=, unknown modifiers."""
    terms = draw(st.lists(_TERMS, max_size=max_terms))
    terms += draw(st.lists(_UNKNOWN, max_size=2))
    for name in ("redirect", "exp"):
        if draw(st.booleans()):
            terms.append(f"{name}={draw(domain_specs())}")
    ordered = draw(st.permutations(terms))
    version = draw(st.sampled_from(["v=spf1", "V=SPF1"]))
    spaces = draw(st.sampled_from([" ", "  "]))
    return spaces.join([version, *ordered]) + draw(st.sampled_from(["", " "]))


def _zone(record: str) -> StaticSource:
    text = record.encode("utf-8", "surrogatepass")
    return StaticSource(
        {
            "example.org": {"TXT": text, "A": "192.0.2.1", "MX": "10 mx.example.org."},
            "inc.example.org": {"TXT": "v=spf1 a:mx.example.org ptr -all"},
            "mx.example.org": {"A": ["192.0.2.2", "198.51.100.2"], "AAAA": "2001:db8::2"},
            "loop.example.org": {"TXT": "v=spf1 include:loop.example.org"},
            "2.0.2.192.in-addr.arpa": {"PTR": ["mx.example.org.", "gone.example."]},
        }
    )


_LIMITS = st.builds(
    SpfLimits,
    dns_terms=st.integers(0, 10),
    void_lookups=st.integers(0, 3),
    mx_names=st.integers(0, 10),
    ptr_names=st.integers(0, 10),
)
_IPS = st.one_of(
    st.ip_addresses(),
    st.sampled_from(["192.0.2.1", "192.0.2.2", "2001:db8::2", "::ffff:192.0.2.2"]).map(
        ipaddress.ip_address
    ),
)
_RECORD_TEXT = st.one_of(spf_records(), st.text(max_size=60).map("v=spf1 ".__add__), any_text())


@given(any_text(max_size=200))
def test_parse_never_raises(text: str) -> None:
    """Any str parses to a record or to violations that point at the bad term."""
    parsed = parse_spf(text)
    assert (parsed.record is None) == bool(parsed.violations)
    for violation in parsed.violations:
        assert violation.code.startswith("spf.")
        position = violation.params["position"]
        term = violation.params["term"]
        assert isinstance(position, int)
        assert isinstance(term, str)
        assert term == text[position : position + len(term)]


@given(st.text(max_size=80).map("v=spf1 ".__add__))
def test_parse_never_raises_after_the_version(text: str) -> None:
    """Arbitrary terms after the version never make the parser raise."""
    parsed = parse_spf(text)
    assert parsed.ok == (not parsed.violations)


@given(non_str())
def test_parse_needs_str(value: object) -> None:
    """Only str is parsed; anything else is a TypeError."""
    try:
        parse_spf(value)  # type: ignore[arg-type]
    except TypeError:
        return
    raise AssertionError("parse_spf accepted a non-str")


@given(spf_records())
def test_generated_records_round_trip(text: str) -> None:
    """Valid records parse, and parse(to_text(parse(x))) == parse(x)."""
    parsed = parse_spf(text)
    assert parsed.violations == ()
    assert parsed.record is not None
    assert parsed == parse_spf(parsed.record.to_text())


@given(st.text(alphabet="v=spf1 +-~?allincludemxptrip46exists:/.%{}dr0123456789", max_size=40))
def test_round_trip_of_anything_that_parses(text: str) -> None:
    """Whatever parses renders back to text with the same meaning."""
    parsed = parse_spf("v=spf1 " + text)
    if parsed.record is not None:
        assert parsed == parse_spf(parsed.record.to_text())


def _query_bound(limits: SpfLimits) -> int:
    # The record, each DNS-querying term with its own lookups (mx: one per name),
    # the client's validated names (asked once), and the explanation.
    return 1 + limits.dns_terms * (1 + limits.mx_names) + (1 + limits.ptr_names) + 1


@settings(max_examples=150)
@given(_RECORD_TEXT, _IPS, _LIMITS, any_text(max_size=20))
def test_check_host_never_raises_and_keeps_the_limits(
    record: str, ip: ipaddress.IPv4Address | ipaddress.IPv6Address, limits: SpfLimits, local: str
) -> None:
    """Any record and client give a result within the limits, never an exception."""
    source = _zone(record)
    found = check_host(ip, "example.org", f"{local}@example.org", source, limits=limits)
    assert isinstance(found.result, SpfOutcome)
    assert found.dns_lookups <= limits.dns_terms
    assert found.void_lookups <= limits.void_lookups + 1
    if found.void_lookups > limits.void_lookups:
        assert (found.result, found.code) == (SpfOutcome.PERMERROR, "spf.too_many_void_lookups")
    assert source.queries_sent <= _query_bound(limits)
    if found.result is not SpfOutcome.FAIL:
        assert found.explanation is None


@settings(max_examples=50)
@given(_RECORD_TEXT, _IPS)
def test_check_host_is_deterministic(
    record: str, ip: ipaddress.IPv4Address | ipaddress.IPv6Address
) -> None:
    """The same source gives the same result, sync or async, every time."""
    source = _zone(record)
    first = check_host(ip, "example.org", "a@example.org", source, timestamp=1)
    again = check_host(ip, "example.org", "a@example.org", source, timestamp=1)
    awaited = asyncio.run(check_host_async(ip, "example.org", "a@example.org", source, timestamp=1))
    assert first == again == awaited


def _includes_of(text: str, include: str) -> list[Mechanism]:
    record = parse_spf(text).record
    assert record is not None
    wanted = include.rstrip(".").lower()
    return [
        m
        for m in record.mechanisms
        if m.kind is MechanismKind.INCLUDE
        and m.domain is not None
        and m.domain.text.rstrip(".").lower() == wanted
    ]


@given(
    st.one_of(
        st.none(),
        spf_records(max_terms=11),
        st.lists(st.one_of(spf_records(), st.sampled_from(["hello", "v=spf10"])), max_size=3),
    ),
    domain_specs(),
)
def test_merge_holds_the_include_once(existing: str | list[str] | None, include: str) -> None:
    """A merged record always parses and holds the include exactly once; else violations."""
    merged = merge_spf(existing, include)
    if merged.record is None:
        assert merged.violations
        assert merged.changed is False
        return
    assert merged.violations == ()
    assert parse_spf(merged.record).ok
    assert len(_includes_of(merged.record, include)) == 1
    if not merged.changed:
        return
    # Every term of the published record is kept, in order, as written.
    texts = [] if existing is None else [existing] if isinstance(existing, str) else existing
    published = [t for t in texts if t[:6].lower() == "v=spf1" and t[6:7] in ("", " ")]
    if published:
        kept = [t for t in merged.record.split(" ")[1:] if t != f"include:{include}"]
        assert [t for t in published[0].split(" ")[1:] if t] == kept


@given(any_text(max_size=30))
def test_escaped_macros_are_url_safe(local: str) -> None:
    """Upper-case macros expand to unreserved characters and %XX escapes only (§7.3)."""
    context = MacroContext.create(ipaddress.ip_address("192.0.2.1"), "example.org", f"{local}@x")
    spec, _ = parse_macro_string("%{L}.%{S}")
    assert spec is not None
    assert re.fullmatch(r"([A-Za-z0-9._~-]|%[0-9A-F]{2})*", expand_with(spec, context))


@given(any_text(max_size=300))
def test_target_names_are_queryable(text: str) -> None:
    """A target name is ASCII, at most 253 characters, with labels of 1 to 63."""
    name = target_name(text)
    if name is not None:
        assert name.isascii()
        assert len(name) <= 253
        assert all(0 < len(label) <= 63 for label in name.split("."))
