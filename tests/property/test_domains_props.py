"""Properties of domain normalization."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import any_text, domains, non_str

from emailpro_core.domains import (
    MAX_LABEL_OCTETS,
    MAX_NAME_OCTETS,
    Domain,
    check_domain_name,
    is_subdomain,
    normalize_domain,
)
from emailpro_core.errors import InvalidDomain

# Text that is often almost a domain: LDH characters, dots, a few mapped or
# disallowed characters (fullwidth stop, ideographic stop, ß, an accent, a joiner).
near_domains = st.text(alphabet="aZ09-._．。ßü\u200d ", max_size=30)
# Only ASCII letters: str.upper() also changes the name ("ß" becomes "SS").
_ASCII_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)
texts = st.one_of(domains(), near_domains, any_text())


def _normalize_or_none(text: str) -> Domain | None:
    try:
        return normalize_domain(text)
    except InvalidDomain:
        return None


@given(domains())
def test_generated_domains_are_valid(text: str) -> None:
    """Every generated domain passes."""
    assert check_domain_name(text) == ()


@given(texts)
def test_valid_iff_normalize_succeeds(text: str) -> None:
    """check_domain_name finds nothing exactly when normalize_domain succeeds."""
    violations = check_domain_name(text)
    domain = _normalize_or_none(text)
    assert (violations == ()) == (domain is not None)
    if domain is None:
        with pytest.raises(InvalidDomain) as info:
            normalize_domain(text)
        assert violations == info.value.violations


@given(texts)
def test_normalize_is_idempotent(text: str) -> None:
    """Normalizing either form of a normalized name gives the same name."""
    domain = _normalize_or_none(text)
    if domain is not None:
        assert domain == normalize_domain(domain.ascii) == normalize_domain(domain.unicode)


@given(texts)
def test_ascii_form(text: str) -> None:
    """The ASCII form is lower-case LDH, no trailing dot, within the RFC 1035 limits."""
    domain = _normalize_or_none(text)
    if domain is not None:
        assert domain.ascii.isascii()
        assert domain.ascii == domain.ascii.lower()
        assert not domain.ascii.endswith(".")
        assert len(domain.ascii) <= MAX_NAME_OCTETS
        assert all(1 <= len(label) <= MAX_LABEL_OCTETS for label in domain.labels)
        assert len(domain.labels) >= 2
        assert domain.unicode.count(".") == domain.ascii.count(".")


@given(domains())
def test_case_and_trailing_dot_do_not_matter(text: str) -> None:
    """ASCII upper case and one trailing dot give the same domain."""
    base = text.removesuffix(".")
    upper = base.translate(_ASCII_UPPER)
    assert normalize_domain(base) == normalize_domain(upper + ".")


@given(any_text(max_size=200))
def test_check_never_raises(text: str) -> None:
    """Any str (surrogates, NUL, controls) gives domain.* violations or none."""
    assert all(v.code.startswith("domain.") for v in check_domain_name(text))


@given(st.text(max_size=4).map(lambda s: s * 600))
def test_long_input_never_raises(text: str) -> None:
    """Long repetitive input is answered, never an exception."""
    assert all(v.code.startswith("domain.") for v in check_domain_name(text))


@given(non_str())
def test_non_str_is_type_error(value: object) -> None:
    """Anything but a str is a TypeError from both entry points."""
    with pytest.raises(TypeError):
        check_domain_name(value)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        normalize_domain(value)  # type: ignore[arg-type]


@given(domains(), st.from_regex(r"[a-z0-9]{1,10}", fullmatch=True))
def test_subdomains(text: str, label: str) -> None:
    """A name with one more label lies below the domain; the domain does not lie below it."""
    domain = normalize_domain(text).ascii
    assert is_subdomain(f"{label}.{domain}", domain)
    assert is_subdomain(domain, domain)
    assert not is_subdomain(domain, f"{label}.{domain}")
    assert not is_subdomain(f"{label}{domain}", domain)
