"""The SPF check over the provider's whole sending space, live and offline (a stand-in)."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from emailpro_core.checker import Check, Finding, check_domain
from emailpro_core.checker._checks.sender import STAND_IN, stand_in_record
from emailpro_core.checker._checks.spf_fix import Rewrite, cleaned
from emailpro_core.errors import Violation
from emailpro_core.records._setup import DomainSetup
from emailpro_core.sources._answers import run_sync
from emailpro_core.sources._static import StaticSource
from emailpro_core.sources._zone import ZoneSource
from emailpro_core.spf._ranges import Span, judge_spans, spans_of

DOMAIN = "example.org"
SETUP = DomainSetup(DOMAIN, server_number=1, managed_in_account=True)
HEAD = (
    "example.org. 3600 IN SOA ns1.example.org. h.example.org. 1 7200 900 1209600 300\n"
    "example.org. 3600 IN NS ns1.example.org.\n"
    'own.example.org. 3600 IN TXT "v=spf1 include:mx.ovh.com -all"\n'
    'other.example.org. 3600 IN TXT "v=spf1 ip4:192.0.2.0/24 -all"\n'
)
PROVIDER = "v=spf1 ip4:198.51.100.0/24 ip4:203.0.113.0/24 -all"


def offline(record: str) -> tuple[Finding, ...]:
    """The SPF findings of a zone holding ``record`` and no provider record."""
    text = HEAD + f'example.org. 3600 IN TXT "{record}"\n'
    return check_domain(SETUP, ZoneSource.from_text(text, origin=DOMAIN)).of(Check.SPF)


def live(
    record: str, provider: str = PROVIDER, more: Mapping[str, Mapping[str, object]] | None = None
) -> tuple[Finding, ...]:
    """The SPF findings of ``record`` with the provider's record ``provider``."""
    records: dict[str, Mapping[str, object]] = {
        DOMAIN: {"TXT": record},
        "mx.ovh.com": {"TXT": provider},
        **(more or {}),
    }
    return check_domain(SETUP, StaticSource(records)).of(Check.SPF)


def codes(findings: tuple[Finding, ...]) -> list[tuple[str, str]]:
    return [(f.status.value, f.code) for f in findings]


SKIP_COUNT = ("skipped", "dns.outside_zone")


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        pytest.param("v=spf1 -all", [("error", "spf.provider_not_authorized")], id="-all"),
        pytest.param(
            "v=spf1 include:_spf.google.com ~all",
            [("error", "spf.provider_not_authorized"), SKIP_COUNT],
            id="another provider only",
        ),
        pytest.param(
            "v=spf1 -all include:mx.ovh.com",
            [("error", "spf.provider_not_authorized")],
            id="include after -all",
        ),
        pytest.param(
            "v=spf1 ~include:mx.ovh.com -all",
            [("error", "spf.provider_not_authorized")],
            id="qualified include",
        ),
        pytest.param(
            "v=spf1 ip4:192.0.2.0/24 -all", [("error", "spf.provider_not_authorized")], id="ip4"
        ),
        pytest.param("v=spf1 include:mx.ovh.com ~all", [("ok", "spf.ok")], id="the profile's"),
        pytest.param("v=spf1 include:own.example.org ~all", [("ok", "spf.ok")], id="own include"),
        pytest.param("v=spf1 redirect=own.example.org", [("ok", "spf.ok")], id="own redirect"),
        pytest.param(
            "v=spf1 include:other.example.org -all",
            [("error", "spf.provider_not_authorized")],
            id="own include, no provider",
        ),
        pytest.param(
            "v=spf1 include:_spf.google.com include:mx.ovh.com ~all",
            [("ok", "spf.ok"), SKIP_COUNT],
            id="third party first, can only add passes",
        ),
        pytest.param(
            "v=spf1 -include:_spf.google.com include:mx.ovh.com ~all",
            [SKIP_COUNT, SKIP_COUNT],
            id="third party first, can take the pass away",
        ),
        pytest.param(
            "v=spf1 include:mx.ovh.com -include:_spf.google.com ~all",
            [("ok", "spf.ok"), SKIP_COUNT],
            id="third party after the provider",
        ),
        pytest.param(
            "v=spf1 redirect=_spf.google.com", [SKIP_COUNT], id="redirect to a third party"
        ),
        pytest.param(
            "v=spf1 +all",
            [("warning", "spf.permissive_all"), ("ok", "spf.ok")],
            id="+all",
        ),
    ],
)
def test_offline_spf_is_judged(record: str, expected: list[tuple[str, str]]) -> None:
    """Offline, the domain's terms decide against the stand-in; SKIPPED only when it depends."""
    assert expected == codes(offline(record))


@pytest.mark.parametrize(
    "record",
    ["v=spf1 -all", "v=spf1 include:_spf.google.com ~all", "v=spf1 include:mx.ovh.com ~all"],
)
def test_offline_message_names_the_stand_in(record: str) -> None:
    """The first SPF finding says the provider's record was not read, and what stood in."""
    first = offline(record)[0]
    assert "mx.ovh.com was not read (offline)" in first.message
    assert stand_in_record() in first.message
    assert STAND_IN in stand_in_record()


def test_offline_skip_names_the_third_party() -> None:
    """A verdict that depends on an unreadable include names it."""
    first = offline("v=spf1 -include:_spf.google.com include:mx.ovh.com ~all")[0]
    assert ("dns.outside_zone", "outside_zone") == (first.code, first.cause)
    assert "include:_spf.google.com" in first.message


def test_offline_unknown_include_is_presumed_not_to_list_the_provider() -> None:
    """The ERROR says which include was taken as not listing the provider."""
    first = offline("v=spf1 include:_spf.google.com ~all")[0]
    assert "include:_spf.google.com could not be read (offline)" in first.message
    assert [f.line for f in first.fix] == [
        'example.org. 3600 IN TXT "v=spf1 include:_spf.google.com include:mx.ovh.com ~all"'
    ]


@pytest.mark.parametrize(
    ("record", "expected", "failing"),
    [
        pytest.param(
            "v=spf1 ip4:198.51.100.1 -all",
            [("error", "spf.provider_partly_authorized"), ("warning", "spf.provider_by_address")],
            "198.51.100.0/32, 198.51.100.2-198.51.100.255, 203.0.113.0/24",
            id="one address of two ranges",
        ),
        pytest.param(
            "v=spf1 ip4:198.51.100.0/24 -all",
            [("error", "spf.provider_partly_authorized"), ("warning", "spf.provider_by_address")],
            "203.0.113.0/24",
            id="one range of two",
        ),
        pytest.param(
            "v=spf1 ip4:198.51.100.0/24 ip4:203.0.113.0/24 -all",
            [("ok", "spf.ok"), ("warning", "spf.provider_by_address")],
            None,
            id="both ranges by address",
        ),
        pytest.param(
            "v=spf1 ip4:198.51.100.0/23 ip4:203.0.113.0/24 include:mx.ovh.com -all",
            [("ok", "spf.ok")],
            None,
            id="by address, and the include",
        ),
        pytest.param(
            "v=spf1 -ip4:203.0.113.128/25 include:mx.ovh.com -all",
            [("error", "spf.provider_partly_authorized")],
            "203.0.113.128/25",
            id="part excluded before the include",
        ),
        pytest.param("v=spf1 include:mx.ovh.com -all", [("ok", "spf.ok")], None, id="include"),
        pytest.param(
            "v=spf1 ip4:192.0.2.0/24 -all",
            [("error", "spf.provider_not_authorized")],
            None,
            id="none of it",
        ),
        pytest.param(
            "v=spf1 a:relay.example.org -all",
            [("error", "spf.provider_partly_authorized"), ("warning", "spf.provider_by_address")],
            "198.51.100.0-198.51.100.6, 198.51.100.8-198.51.100.255, 203.0.113.0/24",
            id="an a mechanism",
        ),
    ],
)
def test_live_whole_sending_space(
    record: str, expected: list[tuple[str, str]], failing: str | None
) -> None:
    """Live, every range of the provider's record is judged; failing ranges are listed."""
    found = live(record, more={"relay.example.org": {"A": "198.51.100.7"}})
    assert expected == codes(found)
    if failing is not None:
        assert f": {failing} get fail" in found[0].message


def test_partly_authorized_fix_rechecks_clean() -> None:
    """The fix of a partly authorized record, applied, re-checks without ERROR."""
    (first, _) = live("v=spf1 ip4:198.51.100.1 -all")
    (fix,) = first.fix
    new = fix.line.split(" IN TXT ", 1)[1].strip('"')
    assert "v=spf1 ip4:198.51.100.1 include:mx.ovh.com -all" == new
    assert [("ok", "spf.ok")] == codes(live(new))


def test_provider_exclusions_shrink_its_space() -> None:
    """A part the provider's own record excludes is not asked of the domain."""
    provider = "v=spf1 -ip4:203.0.113.0/24 ip4:198.51.100.0/24 ip4:203.0.113.0/24 -all"
    assert [("ok", "spf.ok"), ("warning", "spf.provider_by_address")] == codes(
        live("v=spf1 ip4:198.51.100.0/24 -all", provider)
    )


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("v=spf1 -all", [("198.51.100.0/24", "fail")]),
        (
            "v=spf1 ip4:198.51.100.64/26 ~all",
            [
                ("198.51.100.0/26", "softfail"),
                ("198.51.100.64/26", "pass"),
                ("198.51.100.128/25", "softfail"),
            ],
        ),
        (
            "v=spf1 -ip4:198.51.100.7 ip4:198.51.100.0/24 -all",
            [
                ("198.51.100.0/30 198.51.100.4/31 198.51.100.6/32", "pass"),
                ("198.51.100.7/32", "fail"),
                (
                    "198.51.100.8/29 198.51.100.16/28 198.51.100.32/27 198.51.100.64/26 "
                    "198.51.100.128/25",
                    "pass",
                ),
            ],
        ),
        ("v=spf1 ip6:2001:db8::/32 -all", [("198.51.100.0/24", "fail")]),
    ],
)
def test_judge_spans_splits_on_tested_networks(
    policy: str, expected: list[tuple[str, str]]
) -> None:
    """A span is split where the policy's networks cut it, and only there."""
    source = StaticSource({DOMAIN: {"TXT": policy}})
    report = run_sync(judge_spans(spans_of(["198.51.100.0/24"]), DOMAIN), source)
    assert expected == [(v.span.text(), v.result.result.value) for v in report.verdicts]


def test_judge_spans_is_bounded() -> None:
    """Past the budget, the spans left are judged as not decided, never walked."""
    terms = " ".join(f"ip4:198.51.100.{2 * n}" for n in range(60))
    source = StaticSource({DOMAIN: {"TXT": f"v=spf1 {terms} -all"}})
    report = run_sync(judge_spans(spans_of(["198.51.100.0/24"]), DOMAIN, budget=5), source)
    assert 5 == report.evaluations
    assert any(v.result.code == "spf.work_bound" for v in report.verdicts)
    assert sum(v.span.size for v in report.verdicts) == 256


def test_spans_of_merges_overlaps() -> None:
    """Overlapping and adjacent networks make one span; families stay apart."""
    assert (
        Span(4, 3325256704, 3325257215),
        Span(6, 0x20010DB8 << 96, (0x20010DB8 << 96) + 2**96 - 1),
    ) == spans_of(["198.51.100.0/24", "198.51.101.0/24", "198.51.100.7", "2001:db8::/32"])


# A provider whose own record already needs more than the RFC's 10 lookups: no record
# that includes it can be within the limits.
HEAVY: dict[str, Mapping[str, object]] = {
    "mx.ovh.com": {"TXT": " ".join(["v=spf1", *(f"include:h{n}.ovh.com" for n in range(10))])},
    **{f"h{n}.ovh.com": {"TXT": f"v=spf1 ip4:198.51.100.{n} -all"} for n in range(10)},
}


def test_no_rewrite_within_the_limits_says_why() -> None:
    """When the provider's include alone is over the limit, no fix is invented, and why is said."""
    records = {DOMAIN: {"TXT": "v=spf1 include:mx.ovh.com ~all"}, **HEAVY}
    found = check_domain(SETUP, StaticSource(records)).of(Check.SPF)
    limit = next(f for f in found if f.code == "spf.too_many_lookups")
    assert () == limit.fix
    assert "no rewrite within the limits: include:mx.ovh.com and the terms" in limit.message


@pytest.mark.parametrize(
    ("texts", "code"),
    [
        (["v=spf1 include:mx.ovh.com ~all", "v=spf1 a ~all"], "spf.multiple_records"),
        (["v=spf1 ip4:1.2.3 include:mx.ovh.com ~all"], "spf.syntax"),
    ],
)
def test_unmergeable_records_fall_back_or_say_why(texts: list[str], code: str) -> None:
    """Two records fall back to the profile's; a bad record says why it has no fix."""
    records: dict[str, Mapping[str, object]] = {DOMAIN: {"TXT": texts}, **HEAVY}
    (found,) = check_domain(SETUP, StaticSource(records)).of(Check.SPF)
    assert code == found.code
    if code == "spf.multiple_records":
        assert 'example.org. 3600 IN TXT "v=spf1 include:mx.ovh.com ~all"' == found.fix[-1].line
    else:
        assert () == found.fix
        assert "correct it (the record would have" not in found.message
        assert "correct it (" in found.message


@pytest.mark.parametrize(
    ("violation", "reason"),
    [
        (Violation("spf.x", "?", {}), "the parser did not say which term is wrong"),
        (Violation("spf.x", "?", {"position": 0}), "the version tag itself is wrong"),
    ],
)
def test_cleaned_without_a_position(violation: Violation, reason: str) -> None:
    """A violation that names no term of the record leaves nothing to drop."""
    assert Rewrite(None, (), reason) == cleaned("v=spf1 a -all", (violation,))
