"""SPF macros (RFC 7208 §7): syntax, expansion, target names, validated names."""

from __future__ import annotations

import ipaddress

import pytest

from emailpro_core.sources import StaticSource
from emailpro_core.sources._answers import AnswerStatus, FailureCause, run_sync
from emailpro_core.spf._macros import (
    DOMAIN_MACRO_LETTERS,
    EXPLAIN_MACRO_LETTERS,
    Macro,
    MacroContext,
    expand_with,
    needs_dns,
    parse_macro_string,
    scan_macro_string,
    target_name,
    validated_names,
)

# The context of the examples of RFC 7208 §7.4.
RFC = MacroContext.create(
    ipaddress.ip_address("192.0.2.3"),
    "email.example.com",
    "strong-bad@email.example.com",
    helo="mx.example.org",
    receiver="mx.example.net",
    timestamp=1700000000,
)


def _expand(text: str, context: MacroContext = RFC, validated: tuple[str, ...] = ()) -> str:
    spec, violations = parse_macro_string(text, spaces=True)
    assert violations == ()
    assert spec is not None
    return expand_with(spec, context, validated)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # RFC 7208 §7.4, verbatim.
        ("%{s}", "strong-bad@email.example.com"),
        ("%{o}", "email.example.com"),
        ("%{d}", "email.example.com"),
        ("%{d4}", "email.example.com"),
        ("%{d3}", "email.example.com"),
        ("%{d2}", "example.com"),
        ("%{d1}", "com"),
        ("%{dr}", "com.example.email"),
        ("%{d2r}", "example.email"),
        ("%{l}", "strong-bad"),
        ("%{l-}", "strong.bad"),
        ("%{lr}", "strong-bad"),
        ("%{lr-}", "bad.strong"),
        ("%{l1r-}", "strong"),
        ("%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com"),
        ("%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com"),
        ("%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", "bad.strong.lp.3.2.0.192.in-addr._spf.example.com"),
        ("%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", "3.2.0.192.in-addr.strong.lp._spf.example.com"),
        ("%{d2}.trusted-domains.example.net", "example.com.trusted-domains.example.net"),
        # The other letters and the escapes.
        ("%{h} %{c} %{r} %{t} %{p}", "mx.example.org 192.0.2.3 mx.example.net 1700000000 unknown"),
        ("%%%_%-", "% %20"),
        ("%{L}", "strong-bad"),
        ("%{d999}", "email.example.com"),
        ("%{d0001}", "com"),
        ("%{S}", "strong-bad%40email.example.com"),  # §7.3: upper case URL-escapes
    ],
)
def test_expansion(text: str, expected: str) -> None:
    """Macros expand as RFC 7208 §7.3 says (the §7.4 examples included)."""
    assert expected == _expand(text)


def test_ipv6_expansion() -> None:
    """IPv6: "i" is dotted nibbles (upper case, as the test suite wants), "c" the short form."""
    context = MacroContext.create(ipaddress.ip_address("2001:db8::cb01"), "example.com", "a@b.c")
    assert (
        _expand("%{ir}.%{v}._spf.%{d2}", context)
        == "1.0.B.C.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.B.D.0.1.0.0.2.ip6._spf.example.com"
    )
    assert _expand("%{c}", context) == "2001:db8::cb01"


@pytest.mark.parametrize(
    ("sender", "local", "domain", "full"),
    [
        ("alice@example.org", "alice", "example.org", "alice@example.org"),
        ("@example.org", "postmaster", "example.org", "postmaster@example.org"),  # §4.3
        ("example.org", "postmaster", "example.org", "postmaster@example.org"),
        ("a@b@example.org", "a@b", "example.org", "a@b@example.org"),
        (
            "Macro Error@e8.example.com",
            "Macro Error",
            "e8.example.com",
            "Macro Error@e8.example.com",
        ),
    ],
)
def test_sender_parts(sender: str, local: str, domain: str, full: str) -> None:
    """The sender splits at its last '@'; an empty local part becomes postmaster."""
    context = MacroContext.create(ipaddress.ip_address("192.0.2.1"), "x.example", sender)
    assert (local, domain, full) == (context.local_part, context.sender_domain, context.sender)


@pytest.mark.parametrize(
    ("validated", "domain", "expected"),
    [
        ((), "example.com", "unknown"),
        (("mx.example.org",), "example.com", "mx.example.org"),
        (("mx.example.org", "mx.e7.example.com"), "e7.example.com", "mx.e7.example.com"),
        (("other.org", "e7.example.com"), "e7.example.com", "e7.example.com"),
    ],
)
def test_p_picks_a_validated_name(validated: tuple[str, ...], domain: str, expected: str) -> None:
    """%{p}: the domain itself, else a subdomain of it, else any validated name (§7.3)."""
    context = MacroContext.create(ipaddress.ip_address("192.0.2.1"), domain, "a@b.c")
    assert expected == _expand("%{p}", context, validated)


@pytest.mark.parametrize(
    ("text", "letters", "spaces", "code"),
    [
        ("%{x}", EXPLAIN_MACRO_LETTERS, False, "spf.bad_macro"),
        ("%{c}", DOMAIN_MACRO_LETTERS, False, "spf.bad_macro"),  # §7.1: c, r, t: exp only
        ("%{r}", DOMAIN_MACRO_LETTERS, False, "spf.bad_macro"),
        ("%{t}", DOMAIN_MACRO_LETTERS, False, "spf.bad_macro"),
        ("%{d0}", DOMAIN_MACRO_LETTERS, False, "spf.bad_macro"),
        ("%{d", DOMAIN_MACRO_LETTERS, False, "spf.bad_macro"),
        ("%{dx}", DOMAIN_MACRO_LETTERS, False, "spf.bad_macro"),
        ("%(d)", DOMAIN_MACRO_LETTERS, False, "spf.bad_macro"),
        ("50%", DOMAIN_MACRO_LETTERS, False, "spf.bad_macro"),
        ("a b", DOMAIN_MACRO_LETTERS, False, "spf.syntax"),
        ("a\tb", EXPLAIN_MACRO_LETTERS, True, "spf.syntax"),
        ("é", EXPLAIN_MACRO_LETTERS, True, "spf.syntax"),
    ],
)
def test_macro_syntax_errors(text: str, letters: frozenset[str], spaces: bool, code: str) -> None:
    """Malformed macro strings give one violation with a stable code."""
    spec, violations = parse_macro_string(text, letters=letters, spaces=spaces)
    assert spec is None
    assert [code] == [v.code for v in violations]


@pytest.mark.parametrize(
    ("text", "ends_with_macro", "parts"),
    [
        ("", False, ()),
        ("example.org", False, ("example.org",)),
        ("%{d}", True, (Macro("d"),)),
        ("x.%{D2r-=}", True, ("x.", Macro("d", 2, True, "-=", True))),
        ("a%%b%_c%-", True, ("a%b c%20",)),
        ("%{i}.x", False, (Macro("i"), ".x")),
    ],
)
def test_scan(text: str, ends_with_macro: bool, parts: tuple[object, ...]) -> None:
    """Scanning gives literal text and macros, and whether a macro ends the string."""
    scan = scan_macro_string(text, EXPLAIN_MACRO_LETTERS)
    assert scan.value is not None
    assert (ends_with_macro, parts) == (scan.ends_with_macro, scan.value.parts)


def test_needs_dns() -> None:
    """Only %{p} needs the validated names."""
    with_p, _ = parse_macro_string("%{p}.x")
    without, _ = parse_macro_string("%{d}.%{i}")
    assert with_p is not None
    assert without is not None
    assert (needs_dns(with_p), needs_dns(without)) == (True, False)


def test_parse_macro_string_needs_str() -> None:
    """A non-str macro string is a TypeError."""
    with pytest.raises(TypeError, match="a macro string must be a str"):
        parse_macro_string(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mail.Example.COM", "mail.example.com"),
        ("example.com.", "example.com"),
        ("single", "single"),
        ("mail.example...com", None),
        (".example.com", None),
        ("", None),
        ("a" * 64 + ".example.com", None),
        ("a" * 63 + ".example.com", "a" * 63 + ".example.com"),
        ("bücher.example", None),
        (
            ".".join(["x" * 50] * 6) + ".example.com",  # 317 characters: cut on the left (§7.3)
            ".".join(["x" * 50] * 4) + ".example.com",
        ),
    ],
)
def test_target_name(text: str, expected: str | None) -> None:
    """Expanded names are cut to 253 characters on the left, and refused when malformed."""
    assert expected == target_name(text)


ZONE = StaticSource(
    {
        "3.2.0.192.in-addr.arpa": {
            "PTR": ["a.example.org.", "b.example.org.", "gone.example.org.", "slow.example.org."]
        },
        "a.example.org": {"A": "192.0.2.3"},
        "b.example.org": {"A": "192.0.2.99"},
        "slow.example.org": {},
    },
    failures={"slow.example.org": FailureCause.TIMEOUT},
)


@pytest.mark.parametrize(
    ("ip", "limit", "names", "status"),
    [
        ("192.0.2.3", 10, ("a.example.org",), AnswerStatus.ANSWER),
        ("192.0.2.3", 0, (), AnswerStatus.ANSWER),
        ("192.0.2.4", 10, (), AnswerStatus.NXDOMAIN),
    ],
)
def test_validated_names(ip: str, limit: int, names: tuple[str, ...], status: AnswerStatus) -> None:
    """Only PTR names whose addresses include the client count; failures are skipped (§5.5)."""
    found = run_sync(validated_names(ipaddress.ip_address(ip), limit), ZONE)
    assert (names, status) == (found.names, found.ptr.status)
