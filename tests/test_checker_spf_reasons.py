"""SPF findings without a fix say why (``Finding.fix_reason``), and a fix is never a no-op."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

import pytest

from emailpro_core.checker import Check, Finding, Status, check_domain
from emailpro_core.checker._checks import spf_reasons as reasons
from emailpro_core.checker._checks.base import OUTSIDE_REASON, UNKNOWN_REASON
from emailpro_core.records._setup import DomainSetup
from emailpro_core.sources._answers import FailureCause
from emailpro_core.sources._static import StaticSource
from emailpro_core.sources._zone import ZoneSource

DOMAIN = "example.org"
SETUP = DomainSetup(DOMAIN, server_number=1, managed_in_account=True)
PROVIDER = {"mx.ovh.com": {"TXT": "v=spf1 ip4:198.51.100.0/24 -all"}}
# The provider's record alone needs 11 lookups (RFC 7208 §4.6.4 allows 10): no
# record that includes it is within the limits.
HEAVY: dict[str, Mapping[str, object]] = {
    "mx.ovh.com": {"TXT": " ".join(["v=spf1", *(f"include:h{n}.ovh.com" for n in range(10))])},
    **{f"h{n}.ovh.com": {"TXT": f"v=spf1 ip4:198.51.100.{n} -all"} for n in range(10)},
}
# Ten hosts of the domain's own, each with an address: ten DNS-querying terms.
TEN_HOSTS = " ".join(f"a:h{n}.example.org" for n in range(10))
HOSTS: dict[str, Mapping[str, object]] = {
    f"h{n}.example.org": {"A": f"192.0.2.{n}"} for n in range(10)
}
MANY_MX: dict[str, Mapping[str, object]] = {
    "m.example.org": {"MX": [f"{n} h{n}.example.org." for n in range(11)]}
}


def findings(
    record: str,
    more: Mapping[str, Mapping[str, object]] | None = None,
    failures: Mapping[str | tuple[str, str], FailureCause] | None = None,
) -> tuple[Finding, ...]:
    """The SPF findings of ``record``, with the provider's record unless ``more`` replaces it."""
    records: dict[str, Mapping[str, object]] = {DOMAIN: {"TXT": record}, **PROVIDER, **(more or {})}
    return check_domain(SETUP, StaticSource(records, failures=dict(failures or {}))).of(Check.SPF)


def offline(record: str) -> tuple[Finding, ...]:
    """The SPF findings of a zone holding ``record`` and nothing of the provider's."""
    text = (
        "example.org. 3600 IN SOA ns1.example.org. h.example.org. 1 7200 900 1209600 300\n"
        "example.org. 3600 IN NS ns1.example.org.\n"
        f'example.org. 3600 IN TXT "{record}"\n'
    )
    return check_domain(SETUP, ZoneSource.from_text(text, origin=DOMAIN)).of(Check.SPF)


def only(found: tuple[Finding, ...], code: str) -> Finding:
    (finding,) = (f for f in found if f.code == code)
    return finding


# (id, the findings, code, status, a part of the reason: what is at fault or what to do)
CASES: list[tuple[str, Callable[[], tuple[Finding, ...]], str, Status, str]] = [
    (
        "ptr",
        partial(findings, "v=spf1 ptr include:mx.ovh.com ~all"),
        "spf.ptr",
        Status.WARNING,
        reasons.PTR,
    ),
    (
        "include without record",
        partial(findings, "v=spf1 include:none.example.org include:mx.ovh.com ~all"),
        "spf.permerror",
        Status.ERROR,
        "or remove include:none.example.org from this record",
    ),
    (
        "redirect without record",
        partial(findings, "v=spf1 redirect=none.example.org"),
        "spf.permerror",
        Status.ERROR,
        "or remove redirect=none.example.org from this record",
    ),
    (
        "error in a record reached through includes",
        partial(
            findings,
            "v=spf1 include:_spf.example.org include:mx.ovh.com ~all",
            {
                "_spf.example.org": {"TXT": "v=spf1 include:x.example.net ~all"},
                "x.example.net": {"TXT": "v=spf1 ip4:1.2.3 -all"},
            },
        ),
        "spf.permerror",
        Status.ERROR,
        "the error is in the SPF record of x.example.net",
    ),
    (
        "mx with too many hosts",
        partial(findings, "v=spf1 mx:m.example.org include:mx.ovh.com ~all", MANY_MX),
        "spf.permerror",
        Status.ERROR,
        "instead of mx:m.example.org",
    ),
    (
        "lookups, no rewrite",
        partial(findings, "v=spf1 include:mx.ovh.com ~all", HEAVY),
        "spf.too_many_lookups",
        Status.ERROR,
        "include:mx.ovh.com and the terms that query no name already need 11 lookups",
    ),
    (
        "syntax, no rewrite",
        partial(findings, "v=spf1 ip4:1.2.3 include:mx.ovh.com ~all", HEAVY),
        "spf.syntax",
        Status.ERROR,
        "already need 11 lookups",
    ),
    (
        "not authorized, no include fits",
        partial(findings, f"v=spf1 {TEN_HOSTS} -all", {**HEAVY, **HOSTS}),
        "spf.provider_not_authorized",
        Status.ERROR,
        "the record would have 11 DNS-querying terms",
    ),
    (
        "fixes that disagree, none repairs both",
        partial(findings, "v=spf1 mx ?all", HEAVY),
        "spf.permissive_all",
        Status.WARNING,
        "ask for different replacements",
    ),
    (
        "nested include fails",
        partial(
            findings,
            "v=spf1 include:_spf.example.org include:mx.ovh.com ~all",
            failures={"_spf.example.org": FailureCause.SERVFAIL},
        ),
        "spf.temperror",
        Status.UNKNOWN,
        UNKNOWN_REASON,
    ),
    (
        "provider's record fails",
        partial(
            findings,
            "v=spf1 include:mx.ovh.com ~all",
            failures={("mx.ovh.com", "TXT"): FailureCause.TIMEOUT},
        ),
        "spf.temperror",
        Status.UNKNOWN,
        UNKNOWN_REASON,
    ),
    (
        "provider without network",
        partial(
            findings, "v=spf1 include:mx.ovh.com ~all", {"mx.ovh.com": {"TXT": "v=spf1 a -all"}}
        ),
        "spf.provider_unknown",
        Status.SKIPPED,
        reasons.PROVIDER_UNKNOWN,
    ),
    (
        "third party offline",
        partial(offline, "v=spf1 include:_spf.example.net include:mx.ovh.com ~all"),
        "dns.outside_zone",
        Status.SKIPPED,
        OUTSIDE_REASON,
    ),
]


@pytest.mark.parametrize(
    ("found", "code", "status", "reason"), [pytest.param(*c[1:], id=c[0]) for c in CASES]
)
def test_finding_without_fix_says_why(
    found: Callable[[], tuple[Finding, ...]], code: str, status: Status, reason: str
) -> None:
    """The finding has no fix line, and its reason names what is at fault or what to do."""
    finding = only(found(), code)
    assert (status, ()) == (finding.status, finding.fix)
    assert reason in finding.fix_reason
    assert f"no fix: {finding.fix_reason}" in finding.to_text()


@pytest.mark.parametrize(
    ("record", "code"),
    [
        (f"v=spf1 {TEN_HOSTS} -all", "spf.provider_not_authorized"),
        (f"v=spf1 ip4:198.51.100.0/24 {TEN_HOSTS} -all", "spf.provider_by_address"),
    ],
)
def test_finding_with_a_fix_has_no_reason(record: str, code: str) -> None:
    """A rewrite that repairs the record clears the reason its finding had before it."""
    # Alone, adding the include gives 11 terms; the rewrite drops one host instead.
    found = findings(record, HOSTS)
    finding = only(found, code)
    assert ("", 1) == (finding.fix_reason, len(finding.fix))
    assert "a:h0.example.org" not in finding.fix[0].line


@pytest.mark.parametrize(
    "record",
    [
        "v=spf1 ip4:0.0.0.0/0 include:mx.ovh.com -all",
        # No all: the merge would move the include to the end, the rewrite keep it.
        "v=spf1 ip4:0.0.0.0/0 include:mx.ovh.com ip4:198.51.100.0/24",
    ],
)
def test_include_in_effect_after_an_address_is_no_warning(record: str) -> None:
    """An include that takes effect after a term passing the provider needs no change.

    Regression: the provider's addresses matched ``ip4:0.0.0.0/0`` first, so a
    warning asked to include the provider, with a fix that replaced the record by
    itself; its renumbered addresses still pass through the include.
    """
    found = findings(record)
    assert [(Status.OK, "spf.ok", ())] == [(f.status, f.code, f.fix) for f in found]
