"""What ``check_host()`` says of its result (``SpfResult.detail``), in every language.

A detail is a :class:`~emailpro_core.i18n._catalog.Said`: it reads as its English
sentence wherever a string is expected, and the checker says it again in the
language a diagnosis is rendered in.
"""

from __future__ import annotations

from ..errors import Violation
from ..i18n._catalog import Said, register

MESSAGES = register(
    {
        "spf.detail.outside_zone": "cannot verify {asked} offline: the source has no data for it",
        "spf.detail.outside_zone:more": (
            "cannot verify {asked} offline: the source has no data for it; {more}"
        ),
        "spf.detail.dns_failure": "DNS lookup of {asked} failed: {cause}",
        "spf.detail.dns_failure:more": "DNS lookup of {asked} failed: {cause}; {more}",
        "spf.detail.too_many_lookups": (
            "{term} would be DNS-querying term {number}; the limit is {limit} (RFC 7208 §4.6.4)"
        ),
        "spf.detail.too_many_void_lookups": (
            "{term} found nothing at {name}: void lookup {number}; the limit is {limit} "
            "(RFC 7208 §4.6.4)"
        ),
        "spf.detail.no_domain": "{domain} does not exist",
        "spf.detail.no_record": "{domain} has no SPF record",
        "spf.detail.multiple_records": (
            "{domain} publishes {count} SPF records; one is allowed (RFC 7208 §4.5)"
        ),
        "spf.detail.invalid": "the SPF record of {domain} is invalid: {problems}",
        "spf.detail.matched": "{term} matched in the record of {domain}",
        "spf.detail.redirect_none": "{term}: the target has no SPF record (RFC 7208 §6.1)",
        "spf.detail.default": (
            "no mechanism matched in the record of {domain}: neutral (RFC 7208 §4.7)"
        ),
        "spf.detail.include_none": (
            "{term}: the included domain has no SPF record (RFC 7208 §5.2)"
        ),
        "spf.detail.inside": "{term} in {domain}: {detail}",
        "spf.detail.too_many_mx": (
            "{term}: {count} MX names; at most {limit} may be looked up (RFC 7208 §4.6.4)"
        ),
    }
)


def said(key: str, /, **params: object) -> Said:
    """The detail ``spf.detail.<key>``."""
    return Said(f"spf.detail.{key}", params)


def problems(violations: tuple[Violation, ...], /) -> tuple[Said, ...]:
    """The parser's violations as details (a violation made by its template says the same)."""
    return tuple(Said(v.key, dict(v.params)) for v in violations)
