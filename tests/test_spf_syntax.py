"""SPF record syntax (RFC 7208 §4.5, §4.6.1, §5, §6, §7.1): parser tables."""

from __future__ import annotations

import ipaddress

import pytest

from emailpro_core.spf import (
    MacroString,
    Mechanism,
    MechanismKind,
    Modifier,
    Qualifier,
    SpfParse,
    SpfRecord,
    is_spf_text,
    parse_spf,
)


def _codes(parsed: SpfParse) -> list[tuple[str, int, str]]:
    return [
        (v.code, int(str(v.params["position"])), str(v.params["term"])) for v in parsed.violations
    ]


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("v=spf1", "v=spf1"),
        ("V=SPF1 -ALL", "v=spf1 -all"),
        ("v=spf1 include:mx.ovh.com ~all", "v=spf1 include:mx.ovh.com ~all"),
        ("v=spf1  +a   -all ", "v=spf1 a -all"),  # §4.6.1: 1*SP between terms
        ("v=spf1 a/24//64 mx:mx.example.org/0", "v=spf1 a/24//64 mx:mx.example.org/0"),
        ("v=spf1 a//0 mx//128", "v=spf1 a//0 mx//128"),
        ("v=spf1 ip4:192.0.2.0/24 ip6:2001:DB8::/32", "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32"),
        ("v=spf1 ip6:::1.1.1.1/0", "v=spf1 ip6:::101:101/0"),
        ("v=spf1 ptr ?ptr:example.org", "v=spf1 ptr ?ptr:example.org"),
        ("v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d}", "v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d}"),
        ("v=spf1 a:foo:bar/baz.example.com", "v=spf1 a:foo:bar/baz.example.com"),  # §7.1
        ("v=spf1 a:foo.example.xn--zckzah", "v=spf1 a:foo.example.xn--zckzah"),
        ("v=spf1 a:example.com.", "v=spf1 a:example.com."),
        ("v=spf1 a:%{d}", "v=spf1 a:%{d}"),  # a domain-spec may end with a macro
        ("v=spf1 a:x.%%", "v=spf1 a:x.%%"),  # ...or with "%%", "%_", "%-"
        ("v=spf1 redirect=_spf.example.org", "v=spf1 redirect=_spf.example.org"),
        ("v=spf1 -all exp=explain.%{d}", "v=spf1 -all exp=explain.%{d}"),
        ("v=spf1 Moo.Cow-far_out=man:dog/cat", "v=spf1 moo.cow-far_out=man:dog/cat"),
        ("v=spf1 default=+ other= x=%{c}%{r}%{t}", "v=spf1 default=+ other= x=%{c}%{r}%{t}"),
    ],
)
def test_valid_records(text: str, canonical: str) -> None:
    """Valid records parse, and render back canonically (lower-case names, no '+')."""
    parsed = parse_spf(text)
    assert (parsed.ok, parsed.violations) == (True, ())
    assert parsed.record is not None
    assert canonical == parsed.record.to_text()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", [("spf.not_spf", 0, "")]),
        ("v=spf10 -all", [("spf.not_spf", 0, "v=spf10")]),
        ("v=spf1-all", [("spf.not_spf", 0, "v=spf1-all")]),
        ("v=spf2.0/pra -all", [("spf.not_spf", 0, "v=spf2.0/pra")]),
        ("v=spf1 moo", [("spf.unknown_mechanism", 7, "moo")]),
        ("v=spf1 redirect:x.example.org", [("spf.unknown_mechanism", 7, "redirect:x.example.org")]),
        ("v=spf1 moo.cow/far_out=man", [("spf.unknown_mechanism", 7, "moo.cow/far_out=man")]),
        ("v=spf1 -", [("spf.syntax", 7, "-")]),
        ("v=spf1 1up=foo", [("spf.syntax", 7, "1up=foo")]),
        ("v=spf1 =all", [("spf.syntax", 7, "=all")]),
        ("v=spf1 -all:foo", [("spf.syntax", 7, "-all:foo")]),
        ("v=spf1 -all/8", [("spf.syntax", 7, "-all/8")]),
        ("v=spf1 include", [("spf.bad_domain", 7, "include")]),
        ("v=spf1 include:", [("spf.bad_domain", 7, "include:")]),
        ("v=spf1 exists", [("spf.bad_domain", 7, "exists")]),
        ("v=spf1 exists/24", [("spf.syntax", 7, "exists/24")]),
        ("v=spf1 a:", [("spf.bad_domain", 7, "a:")]),
        ("v=spf1 a:foo-bar", [("spf.bad_domain", 7, "a:foo-bar")]),
        ("v=spf1 a:museum.", [("spf.bad_domain", 7, "a:museum.")]),
        ("v=spf1 a:abc.123", [("spf.bad_domain", 7, "a:abc.123")]),
        ("v=spf1 a:example.-com", [("spf.bad_domain", 7, "a:example.-com")]),
        ("v=spf1 a:example.com:8080", [("spf.bad_domain", 7, "a:example.com:8080")]),
        ("v=spf1 include:x.example.org/24", [("spf.bad_domain", 7, "include:x.example.org/24")]),
        ("v=spf1 exp=", [("spf.bad_domain", 7, "exp=")]),
        ("v=spf1 redirect=-all", [("spf.bad_domain", 7, "redirect=-all")]),
        ("v=spf1 a/33", [("spf.bad_cidr", 7, "a/33")]),
        ("v=spf1 a//129", [("spf.bad_cidr", 7, "a//129")]),
        ("v=spf1 a/24/64", [("spf.bad_cidr", 7, "a/24/64")]),
        ("v=spf1 ip4:1.2.3.4/032", [("spf.bad_cidr", 7, "ip4:1.2.3.4/032")]),
        ("v=spf1 ip4:1.2.3.4//32", [("spf.bad_cidr", 7, "ip4:1.2.3.4//32")]),
        ("v=spf1 ip6:::1/129", [("spf.bad_cidr", 7, "ip6:::1/129")]),
        ("v=spf1 ptr/0", [("spf.bad_cidr", 7, "ptr/0")]),
        ("v=spf1 ip4", [("spf.bad_ip", 7, "ip4")]),
        ("v=spf1 ip4:1.2.3", [("spf.bad_ip", 7, "ip4:1.2.3")]),
        ("v=spf1 ip4:01.2.3.4", [("spf.bad_ip", 7, "ip4:01.2.3.4")]),
        ("v=spf1 ip4:1.2.3.4:8080", [("spf.bad_ip", 7, "ip4:1.2.3.4:8080")]),
        ("v=spf1 ip6::CAFE::BABE", [("spf.bad_ip", 7, "ip6::CAFE::BABE")]),
        ("v=spf1 ip6:fe80::1%eth0", [("spf.bad_ip", 7, "ip6:fe80::1%eth0")]),
        ("v=spf1 exists:%{x}.example.org", [("spf.bad_macro", 7, "exists:%{x}.example.org")]),
        ("v=spf1 exists:%(ir).example.org", [("spf.bad_macro", 7, "exists:%(ir).example.org")]),
        ("v=spf1 exists:foo%.example.org", [("spf.bad_macro", 7, "exists:foo%.example.org")]),
        ("v=spf1 exists:%{d0}.example.org", [("spf.bad_macro", 7, "exists:%{d0}.example.org")]),
        ("v=spf1 exists:%{d", [("spf.bad_macro", 7, "exists:%{d")]),
        ("v=spf1 -all exp=%{r}.example.org", [("spf.bad_macro", 12, "exp=%{r}.example.org")]),
        ("v=spf1 foo=%abc", [("spf.bad_macro", 7, "foo=%abc")]),
        ("v=spf1 a:x.example.org\rptr", [("spf.syntax", 7, "a:x.example.org\rptr")]),
        ("v=spf1 a:x.example.org\x00", [("spf.syntax", 7, "a:x.example.org\x00")]),
        ("v=spf1 \x80a", [("spf.non_ascii", 7, "\x80a")]),
        ("v=spf1 a:\ufeffx.example.org", [("spf.non_ascii", 7, "a:\ufeffx.example.org")]),
        ("v=spf1 a:\ud800.org", [("spf.non_ascii", 7, "a:\ud800.org")]),
        ("v=spf1 exp=a.org exp=b.org", [("spf.duplicate_modifier", 17, "exp=b.org")]),
        (
            "v=spf1 redirect=a.org -all REDIRECT=b.org",
            [("spf.duplicate_modifier", 27, "REDIRECT=b.org")],
        ),
        (
            "v=spf1 ip4:1.2.3 moo -all mx:x.123",
            [
                ("spf.bad_ip", 7, "ip4:1.2.3"),
                ("spf.unknown_mechanism", 17, "moo"),
                ("spf.bad_domain", 26, "mx:x.123"),
            ],
        ),
    ],
)
def test_violations(text: str, expected: list[tuple[str, int, str]]) -> None:
    """Each bad term gives its code, its character offset and its text; all are reported."""
    parsed = parse_spf(text)
    assert parsed.record is None
    assert expected == _codes(parsed)


def test_violation_message_names_the_term() -> None:
    """The human message quotes the term it is about."""
    (violation,) = parse_spf("v=spf1 a/33").violations
    assert "'a/33'" in violation.message


@pytest.mark.parametrize("value", [None, b"v=spf1 -all", 7, ["v=spf1"]])
def test_parse_needs_str(value: object) -> None:
    """A non-str is a TypeError with a clear message, never a violation."""
    with pytest.raises(TypeError, match="an SPF record must be a str"):
        parse_spf(value)  # type: ignore[arg-type]


def test_typed_terms() -> None:
    """Terms parse into typed mechanisms and modifiers."""
    record = parse_spf(
        "v=spf1 -ip4:192.0.2.0/24 ~a:%{d}/28//64 ?include:_spf.example.org redirect=x.example.org"
    ).record
    assert record is not None
    ip4, a, include, redirect = record.terms
    assert (
        Mechanism(
            MechanismKind.IP4, Qualifier.FAIL, address=ipaddress.IPv4Address("192.0.2.0"), cidr4=24
        )
        == ip4
    )
    assert isinstance(a, Mechanism)
    assert (a.kind, a.qualifier, a.cidr4, a.cidr6) == (MechanismKind.A, Qualifier.SOFTFAIL, 28, 64)
    assert a.domain is not None
    assert a.domain.text == "%{d}"
    assert isinstance(include, Mechanism)
    assert (include.qualifier, include.to_text()) == (
        Qualifier.NEUTRAL,
        "?include:_spf.example.org",
    )
    assert isinstance(redirect, Modifier)
    assert redirect.name == "redirect"


@pytest.mark.parametrize(
    ("text", "dns_terms", "redirect", "exp"),
    [
        ("v=spf1 -all", 0, None, None),
        ("v=spf1 ip4:192.0.2.1 ip6:::1 all", 0, None, None),
        ("v=spf1 a mx ptr exists:x.org include:y.org -all", 5, None, None),
        ("v=spf1 a redirect=r.example.org exp=e.example.org", 2, "r.example.org", "e.example.org"),
        ("v=spf1 foo=bar exp=e.example.org -all", 0, None, "e.example.org"),
    ],
)
def test_record_properties(
    text: str, dns_terms: int, redirect: str | None, exp: str | None
) -> None:
    """A record counts its own DNS-querying terms (§4.6.4) and exposes its modifiers."""
    record = parse_spf(text).record
    assert record is not None
    assert dns_terms == record.dns_terms
    assert redirect == (record.redirect.text if record.redirect else None)
    assert exp == (record.explanation.text if record.explanation else None)


def test_mechanisms_and_modifiers_in_order() -> None:
    """Mechanisms keep their evaluation order; modifiers are listed apart."""
    record = parse_spf("v=spf1 exp=e.example.org a foo=bar -all").record
    assert record is not None
    assert [m.to_text() for m in record.mechanisms] == ["a", "-all"]
    assert [m.name for m in record.modifiers] == ["exp", "foo"]


def test_record_built_in_code_renders() -> None:
    """A record built from terms renders as a valid record."""
    record = SpfRecord(
        (
            Mechanism(MechanismKind.MX),
            Mechanism(MechanismKind.INCLUDE, domain=MacroString("mx.ovh.com", ("mx.ovh.com",))),
            Mechanism(MechanismKind.ALL, Qualifier.SOFTFAIL),
        )
    )
    assert record.to_text() == "v=spf1 mx include:mx.ovh.com ~all"
    assert record == parse_spf(record.to_text()).record


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("v=spf1", True),
        ("v=spf1 -all", True),
        ("V=Spf1 ~all", True),
        ("v=spf1\t-all", False),
        ("v=spf10", False),
        ("v=spf1mx", False),
        (" v=spf1 -all", False),
        ("", False),
        ("v=DMARC1; p=none", False),
    ],
)
def test_is_spf_text(text: str, expected: bool) -> None:
    """A TXT value is an SPF record when it starts with v=spf1 then a space or the end (§4.5)."""
    assert expected == is_spf_text(text)
