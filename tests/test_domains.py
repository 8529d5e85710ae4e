"""Example tables for domain normalization and every ``domain.*`` code."""

from __future__ import annotations

import pickle

import pytest

from emailpro_core.domains import (
    MAX_LABEL_OCTETS,
    MAX_NAME_OCTETS,
    Domain,
    check_domain_name,
    is_subdomain,
    normalize_domain,
)
from emailpro_core.errors import InvalidDomain


def codes(text: str) -> list[str]:
    return [v.code for v in check_domain_name(text)]


# --- accepted names -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ascii_form", "unicode_form"),
    [
        ("example.com", "example.com", "example.com"),
        ("EXAMPLE.COM", "example.com", "example.com"),
        ("Example.Com.", "example.com", "example.com"),
        ("  example.com\t", "example.com", "example.com"),
        ("mail.sub.example.co.uk", "mail.sub.example.co.uk", "mail.sub.example.co.uk"),
        ("Bücher.Example.", "xn--bcher-kva.example", "bücher.example"),
        ("xn--bcher-kva.example", "xn--bcher-kva.example", "bücher.example"),
        ("XN--BCHER-KVA.EXAMPLE", "xn--bcher-kva.example", "bücher.example"),
        ("faß.de", "xn--fa-hia.de", "faß.de"),
        ("例え.テスト", "xn--r8jz45g.xn--zckzah", "例え.テスト"),
        ("пример.рф", "xn--e1afmkfd.xn--p1ai", "пример.рф"),
        ("example。com", "example.com", "example.com"),
        ("ｅｘａｍｐｌｅ．ｃｏｍ", "example.com", "example.com"),
        ("Ⓔxample.com", "example.com", "example.com"),
        ("1.com", "1.com", "1.com"),
        ("123.example", "123.example", "123.example"),
        ("a-b.example", "a-b.example", "a-b.example"),
        ("com.1a", "com.1a", "com.1a"),
        ("א.com", "xn--4db.com", "א.com"),
        ("ab.אב", "ab.xn--4dbc", "ab.אב"),
        ("l·l.cat", "xn--ll-0ea.cat", "l·l.cat"),
        ("a" * 63 + ".com", "a" * 63 + ".com", "a" * 63 + ".com"),
    ],
)
def test_accepted(text: str, ascii_form: str, unicode_form: str) -> None:
    """Valid names normalize to lower-case A-labels without the trailing dot."""
    assert check_domain_name(text) == ()
    assert Domain(ascii_form, unicode_form) == normalize_domain(text)


def test_longest_name() -> None:
    """A name of exactly 253 characters (plus a trailing dot) is accepted."""
    name = ".".join(["a" * 63] * 3 + ["b" * 61])
    assert len(name) == MAX_NAME_OCTETS
    assert name == normalize_domain(name + ".").ascii


def test_domain_value() -> None:
    """Domain is a frozen value: labels, str, equality, pickling."""
    domain = normalize_domain("Mail.Bücher.Example")
    assert domain.labels == ("mail", "xn--bcher-kva", "example")
    assert str(domain) == "mail.xn--bcher-kva.example"
    assert domain == pickle.loads(pickle.dumps(domain))
    with pytest.raises(AttributeError):
        domain.ascii = "x"  # type: ignore[misc]


# --- every domain.* code -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # domain.empty
        ("", ["domain.empty"]),
        ("   ", ["domain.empty"]),
        (".", ["domain.empty"]),
        # domain.too_long: before mapping (absurd input) and after (A-labels).
        ("a" * 1013, ["domain.too_long"]),
        (".".join(["a" * 63] * 3 + ["b" * 62]), ["domain.too_long"]),
        ("ü" * 60 + "." + ".".join(["a" * 63] * 3), ["domain.label_too_long", "domain.too_long"]),
        # domain.ip_literal
        ("192.0.2.1", ["domain.ip_literal"]),
        ("[192.0.2.1]", ["domain.ip_literal"]),
        ("2001:db8::1", ["domain.ip_literal"]),
        ("[IPv6:2001:db8::1]", ["domain.ip_literal"]),
        # domain.idna_invalid: mapping, label, A-label, joiner, bidi across labels.
        ("⒈.com", ["domain.idna_invalid"]),
        ("\ud800.com", ["domain.idna_invalid"]),
        ("😀.com", ["domain.idna_invalid"]),
        ("xn--a.com", ["domain.idna_invalid"]),
        ("a\u200cb.com", ["domain.idna_invalid"]),
        ("a·l.com", ["domain.idna_invalid"]),
        ("0à.א", ["domain.idna_invalid"]),
        ("0a.example.אב", ["domain.idna_invalid"]),
        # domain.empty_label
        ("a..example", ["domain.empty_label"]),
        (".example.com", ["domain.empty_label"]),
        ("example.com..", ["domain.empty_label"]),
        # domain.invalid_character
        ("a_b.example", ["domain.invalid_character"]),
        ("_dmarc.example.com", ["domain.invalid_character"]),
        ("exa mple.com", ["domain.invalid_character"]),
        ("user@example.com", ["domain.invalid_character"]),
        ("a\x00.com", ["domain.invalid_character"]),
        # domain.hyphen_start / domain.hyphen_end
        ("-a.example", ["domain.hyphen_start"]),
        ("a-.example", ["domain.hyphen_end"]),
        ("-.example", ["domain.hyphen_start", "domain.hyphen_end"]),
        ("xn--.com", ["domain.hyphen_end"]),
        # domain.reserved_hyphens (RFC 5891 §4.2.3.1)
        ("ab--cd.example", ["domain.reserved_hyphens"]),
        # domain.label_too_long
        ("a" * 64 + ".com", ["domain.label_too_long"]),
        ("ü" * 60 + ".com", ["domain.label_too_long"]),
        # domain.single_label
        ("localhost", ["domain.single_label"]),
        ("localhost.", ["domain.single_label"]),
        ("bücher", ["domain.single_label"]),
        # domain.numeric_tld (RFC 3696 §2)
        ("example.123", ["domain.numeric_tld"]),
        ("1.2.3.4.5", ["domain.numeric_tld"]),
        # Several at once.
        ("-bad..example", ["domain.empty_label", "domain.hyphen_start"]),
        ("-", ["domain.hyphen_start", "domain.hyphen_end", "domain.single_label"]),
    ],
)
def test_codes(text: str, expected: list[str]) -> None:
    """Each broken rule gives its code; normalize_domain raises with the same ones."""
    assert expected == codes(text)
    with pytest.raises(InvalidDomain) as info:
        normalize_domain(text)
    assert tuple(expected) == info.value.codes


def test_invalid_character_params() -> None:
    """invalid_character names the label, the character and its position."""
    (violation,) = check_domain_name("ok.a_b.example")
    assert dict(violation.params) == {"label": 1, "number": 2, "character": "_", "position": 1}


def test_label_too_long_params() -> None:
    """label_too_long carries the label index, its length and the limit."""
    (violation,) = check_domain_name("x." + "a" * 70 + ".com")
    assert dict(violation.params) == {
        "label": 1,
        "number": 2,
        "length": 70,
        "maximum": MAX_LABEL_OCTETS,
    }


def test_too_long_params() -> None:
    """too_long carries the length and the limit."""
    (violation,) = check_domain_name(".".join(["a" * 63] * 4))
    assert dict(violation.params) == {"length": 255, "maximum": MAX_NAME_OCTETS}


def test_bidi_violation_names_the_label() -> None:
    """A left-to-right label that breaks the Bidi rule of an RTL name is named."""
    (violation,) = check_domain_name("0a.example.אב")
    assert violation.params["label"] == 0
    assert "RFC 5893" in violation.message


def test_huge_input_is_refused_quickly() -> None:
    """Megabytes of input give one too_long violation."""
    assert codes("a." * 1_000_000) == ["domain.too_long"]


@pytest.mark.parametrize("value", [None, 1, b"example.com", ["example.com"]])
def test_type_errors(value: object) -> None:
    """Non-str input is a TypeError, for every entry point."""
    with pytest.raises(TypeError, match="a domain name must be a str"):
        check_domain_name(value)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="a domain name must be a str"):
        normalize_domain(value)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be a str"):
        is_subdomain(value, "example.com")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be a str"):
        is_subdomain("example.com", value)  # type: ignore[arg-type]


# --- is_subdomain ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "domain", "expected"),
    [
        ("example.org", "example.org", True),
        ("_dmarc.example.org", "example.org", True),
        ("a.b.example.org.", "EXAMPLE.org", True),
        ("Example.ORG.", "example.org.", True),
        ("badexample.org", "example.org", False),
        ("example.org", "sub.example.org", False),
        ("org", "example.org", False),
    ],
)
def test_is_subdomain(name: str, domain: str, expected: bool) -> None:
    """A name is below a domain when it equals it or ends with '.' + domain."""
    assert expected == is_subdomain(name, domain)
