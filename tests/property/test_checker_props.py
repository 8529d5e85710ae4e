"""Properties of the checker: it never raises, and the expected records always pass."""

from __future__ import annotations

import asyncio
import pickle
from collections.abc import Sequence

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from strategies import domains

from emailpro_core.checker import (
    Check,
    Diagnosis,
    Finding,
    Status,
    check_domain,
    check_domain_async,
)
from emailpro_core.checker._checks.relay import relay_host
from emailpro_core.checker._checks.srv import _shadow_findings, _srv_findings, check_autodiscover
from emailpro_core.checker._packed import pack, unpack
from emailpro_core.checker._runner import make_context
from emailpro_core.records import expected_records
from emailpro_core.records._setup import DkimSelector, DomainSetup
from emailpro_core.records._zonetext import zone_line
from emailpro_core.sources._answers import FailureCause, run_sync
from emailpro_core.sources._static import StaticSource
from emailpro_core.sources._zone import ZoneSource
from test_checker_zones import PROVIDER_SPF, SETUP, Records, correct_records, peer_key

DOMAIN = "example.org"
KEY = peer_key("2048_testkey_wo_markers.pub.txt")

_selectors = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=9_999_999),
        st.sampled_from(["1", "2"]),
        st.one_of(
            st.none(), st.tuples(st.integers(0, 99_999), st.from_regex("[a-z]{2}", fullmatch=True))
        ),
    ),
    max_size=2,
    unique_by=lambda t: (t[0], t[1]),
)


_EXAMPLE = st.just(DOMAIN)
#: A relay target the random zones may hold records for.
RELAY = "relay.example.net"


@st.composite
def setups(draw: st.DrawFn, domain: st.SearchStrategy[str] = _EXAMPLE) -> DomainSetup:
    """Consistent setups: any server number, token, selectors (with or without targets)."""
    selectors = []
    for number, which, target in draw(_selectors):
        name = f"ovhemp{number}-selector{which}"
        exact = (
            None
            if target is None
            else f"{name}._domainkey.{target[0]}.{target[1]}.dkim.mail.ovh.net"
        )
        selectors.append(DkimSelector(name, exact))
    relay = draw(st.sampled_from([None, None, RELAY, "mx1.mail.ovh.net"]))
    # A relay target is needed in non-authoritative mode, refused in authoritative mode.
    modes = [None, "nonAuthoritative"] if relay else [None, "authoritative"]
    mode = draw(st.sampled_from(modes))
    return DomainSetup(
        draw(domain),
        mode=mode,
        relay_target=relay,
        server_number=draw(st.one_of(st.none(), st.integers(1, 999))),
        managed_in_account=draw(st.booleans()),
        ownership_token=draw(st.one_of(st.none(), st.from_regex("[a-z0-9]{1,10}", fullmatch=True))),
        dkim_selectors=tuple(selectors),
        dkim_enabled=bool(selectors) and draw(st.booleans()),
    )


# Names a random zone may use: the ones the checker asks, and a few others.
_NAMES = [
    DOMAIN,
    f"_dmarc.{DOMAIN}",
    f"_autodiscover._tcp.{DOMAIN}",
    f"autodiscover.{DOMAIN}",
    f"ab1cd-check.{DOMAIN}",
    f"ovhemp1-selector1._domainkey.{DOMAIN}",
    f"mail.{DOMAIN}",
    f"_spf.{DOMAIN}",
    "mx.ovh.com",
    "mx0.mail.ovh.net",
    "pro1.mail.ovh.net",
    "ovhemp1-selector1._domainkey.1.ab.dkim.mail.ovh.net",
    RELAY,
]
_hosts = st.sampled_from([*_NAMES, "", "mail.example.net"])
_TXT_PARTS = [
    "v=spf1",
    "include:mx.ovh.com",
    "include:_spf.example.org",
    "redirect=_spf.example.org",
    "ip4:198.51.100.0/24",
    "ip6:2001:db8::/32",
    "a",
    "mx",
    "ptr",
    "exists:%{i}.example.org",
    "-all",
    "~all",
    "+all",
    "?all",
    "v=DMARC1;",
    "p=none;",
    "p=reject",
    "rua=mailto:d@example.org",
    "v=DKIM1;",
    "k=rsa;",
    f"p={KEY.split('p=')[1]}",
    "p=",
    "x=y",
    "%{",
    "\u00e9",
]
_txt = st.one_of(
    st.lists(st.sampled_from(_TXT_PARTS), max_size=6).map(" ".join),
    st.text(max_size=40),
)
_values = {
    "MX": st.tuples(st.integers(0, 65535), _hosts).map(lambda t: f"{t[0]} {t[1]}."),
    "TXT": _txt,
    "SRV": st.tuples(st.integers(0, 65535), st.integers(1, 65535), _hosts).map(
        lambda t: f"0 {t[0]} {t[1]} {t[2]}."
    ),
    "CNAME": _hosts.filter(bool).map(lambda h: h + "."),
    "A": st.sampled_from(["192.0.2.1", "198.51.100.1"]),
    "AAAA": st.just("2001:db8::1"),
}


@st.composite
def zones(draw: st.DrawFn) -> tuple[Records, dict[str | tuple[str, str], FailureCause]]:
    """Random records at the names the checker asks, and random failures."""
    records: Records = {}
    for name in draw(st.lists(st.sampled_from(_NAMES), max_size=8, unique=True)):
        types = draw(
            st.lists(st.sampled_from(sorted(_values)), min_size=1, max_size=3, unique=True)
        )
        if "CNAME" in types:
            types = ["CNAME"]  # RFC 1034 §3.6.2: a CNAME owner has no other data
        records[name] = {t: draw(st.lists(_values[t], min_size=1, max_size=3)) for t in types}
    failures = draw(
        st.dictionaries(st.sampled_from(_NAMES), st.sampled_from(list(FailureCause)), max_size=2)
    )
    keyed: dict[str | tuple[str, str], FailureCause] = {}
    keyed.update(failures)
    return records, keyed


def _sound(diagnosis: Diagnosis, setup: DomainSetup) -> None:
    # The relay check has findings only for a non-authoritative domain's relay target.
    relay = set() if relay_host(setup) else {Check.RELAY}
    assert {f.check for f in diagnosis.findings} == set(Check) - relay
    for finding in diagnosis.findings:
        assert finding.name.endswith(".")
        assert finding.message
        assert (finding.cause is not None) == (finding.status is Status.UNKNOWN) or (
            finding.status is Status.SKIPPED
        )
        # Every finding that is not OK has its fix, or says why there is none.
        if finding.status is not Status.OK:
            assert bool(finding.fix) != bool(finding.fix_reason), finding
    assert diagnosis == Diagnosis.from_json(diagnosis.to_json())
    assert diagnosis == pickle.loads(pickle.dumps(diagnosis))
    # As a worker sends it back: packed alone, rebuilt when read.
    (back,) = unpack([pack(diagnosis)])
    assert back == diagnosis
    assert back.to_dict() == diagnosis.to_dict()


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(zones(), setups())
def test_never_raises(
    zone: tuple[Records, dict[str | tuple[str, str], FailureCause]], setup: DomainSetup
) -> None:
    """For any records and failures, check_domain returns a sound diagnosis, sync and async."""
    records, failures = zone
    source = StaticSource(records, failures=failures)
    diagnosis = check_domain(setup, source)
    _sound(diagnosis, setup)
    assert diagnosis == asyncio.run(check_domain_async(setup, source))


def _expected_zone(setup: DomainSetup, server: int, targets: list[str]) -> tuple[Records, Records]:
    """The domain's records from expected_records, completed where only a pattern is known."""
    own: Records = {}
    provider: Records = {"mx.ovh.com": {"TXT": [PROVIDER_SPF]}}
    dkim = iter(targets)
    for record in expected_records(setup):
        value = record.value
        if value is None and record.type == "SRV":
            value = f"0 0 443 pro{server}.mail.ovh.net."
        elif value is None:
            value = next(dkim).format(selector=record.name.split(".")[0]) + "."
        own.setdefault(record.name, {}).setdefault(record.type, []).append(value)
        if record.type == "CNAME" and record.check == "dkim":
            provider[value.rstrip(".")] = {"TXT": [KEY]}
    host = relay_host(setup)
    if host is not None:
        provider[host] = {"A": ["192.0.2.25"]}  # the relay host receives mail (implicit MX)
    return own, provider


_ALLOWED_SKIPS = {"ownership.token_unknown", "dkim.no_selectors"}


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(
    setups(domains()),
    st.integers(1, 999),
    st.lists(
        st.from_regex(r"[0-9]{1,6}\.[a-z]{2}", fullmatch=True).map(
            lambda tail: "{selector}._domainkey." + tail + ".dkim.mail.ovh.net"
        ),
        min_size=2,
        max_size=2,
    ),
    st.booleans(),
)
def test_expected_records_always_pass(
    setup: DomainSetup, server: int, targets: list[str], as_zone_file: bool
) -> None:
    """A zone holding the expected records (and the provider's) diagnoses as OK."""
    domain = setup.domain.ascii
    assume(not domain.endswith(("ovh.com", "ovh.net")))
    own, provider = _expected_zone(setup, server, targets)
    if as_zone_file:
        lines = [
            f"{domain}. 3600 IN SOA ns1.{domain}. h.{domain}. 1 7200 900 1209600 300",
            f"{domain}. 3600 IN NS ns1.example.net.",
        ]
        for name, types in own.items():
            for rdtype, values in types.items():
                lines.extend(zone_line(name, 3600, rdtype, value) for value in values)
        source: StaticSource | ZoneSource = ZoneSource.from_text(
            "\n".join(lines), origin=domain, fallback=StaticSource(provider)
        )
    else:
        source = StaticSource({**own, **provider})
    diagnosis = check_domain(setup, source)
    assert diagnosis.ok, diagnosis.to_text()
    for finding in diagnosis.findings:
        assert finding.status is Status.OK or (
            finding.status is Status.SKIPPED and finding.code in _ALLOWED_SKIPS
        ), diagnosis.to_text()
    assert diagnosis.fix == ()


# The autodiscover check asks the name's CNAME and AAAA only once its A question
# shows the name exists. The reference below asks all three, as the check once
# did; over a consistent source (a name's failure fails all its types, or only
# the A question), the findings must be the same. Messages and names may differ:
# they name the question actually asked. test_checker_run shows the one case
# that differs: a CNAME or AAAA question that would fail at a name that does not exist.
_ALIAS = f"autodiscover.{DOMAIN}"
_ALIAS_DATA = st.sampled_from(
    [
        {},
        {"A": ["192.0.2.80"]},
        {"AAAA": ["2001:db8::80"]},
        {"A": ["192.0.2.80"], "AAAA": ["2001:db8::80"]},
        {"TXT": ["not an address"]},
    ]
    + [{"CNAME": [target]} for target in ("pro1.mail.ovh.net.", "www.example.net.", "x.invalid.")]
)


def _comparable(findings: Sequence[Finding]) -> list[tuple[object, ...]]:
    return [(f.check, f.status, f.code, f.cause, f.observed, f.fix) for f in findings]


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow])
@given(
    _ALIAS_DATA,
    st.booleans(),
    st.dictionaries(
        st.sampled_from([_ALIAS, (_ALIAS, "A")]),
        st.sampled_from(list(FailureCause)),
        max_size=2,
    ),
)
def test_questions_spared_change_no_finding(
    alias: dict[str, list[str]],
    below: bool,
    failures: dict[str | tuple[str, str], FailureCause],
) -> None:
    """Asking the autodiscover name's CNAME and AAAA only when it exists changes no finding."""
    records = correct_records()
    if alias:
        records[_ALIAS] = dict(alias)
    if below:
        records[f"x.{_ALIAS}"] = {"TXT": ["an empty non-terminal above"]}
    source = StaticSource(records, failures=failures)
    ctx = make_context(SETUP)
    (srv,) = ctx.expected(Check.AUTODISCOVER)
    everything = _srv_findings(ctx, srv, source.lookup(srv.name, "SRV"))
    everything += _shadow_findings(
        ctx,
        source.lookup(_ALIAS, "CNAME"),
        source.lookup(_ALIAS, "A"),
        source.lookup(_ALIAS, "AAAA"),
    )
    spared = run_sync(check_autodiscover(ctx), source)
    assert _comparable(spared) == _comparable(everything)
