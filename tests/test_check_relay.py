"""The relay check: a non-authoritative domain's relay host must receive mail (RFC 5321 §5.1)."""

from __future__ import annotations

import asyncio

import pytest

from emailpro_core.checker import Check, Diagnosis, Status, check_domain, check_domain_async
from emailpro_core.checker._checks.relay import relay_host
from emailpro_core.records._setup import DomainSetup
from emailpro_core.routing._modes import DomainMode
from emailpro_core.sources._answers import FailureCause
from emailpro_core.sources._static import StaticSource
from emailpro_core.sources._zone import ZoneSource
from test_checker_zones import Records, correct_records

RELAY = "relay.example.net"
SETUP = DomainSetup(
    "example.org",
    mode="nonAuthoritative",
    relay_target=RELAY,
    server_number=1,
    managed_in_account=True,
)
Failures = dict[str | tuple[str, str], FailureCause]


def diagnose(relay: Records, failures: Failures | None = None) -> Diagnosis:
    return check_domain(SETUP, StaticSource({**correct_records(SETUP), **relay}, failures=failures))


# (id, records of the relay host, failures, status, code, cause)
CASES: list[tuple[str, Records, Failures, Status, str, str | None]] = [
    ("mx", {RELAY: {"MX": ["10 mx.example.net."]}}, {}, Status.OK, "relay.ok", None),
    ("address only", {RELAY: {"A": ["192.0.2.25"]}}, {}, Status.OK, "relay.ok", None),
    ("ipv6 only", {RELAY: {"AAAA": ["2001:db8::25"]}}, {}, Status.OK, "relay.ok", None),
    (
        "alias to an address",
        {RELAY: {"CNAME": ["host.example.net."]}, "host.example.net": {"A": ["192.0.2.25"]}},
        {},
        Status.OK,
        "relay.ok",
        None,
    ),
    (
        "mx beside a null mx",
        {RELAY: {"MX": ["0 .", "10 mx.example.net."]}},
        {},
        Status.OK,
        "relay.ok",
        None,
    ),
    ("null mx", {RELAY: {"MX": ["0 ."]}}, {}, Status.ERROR, "relay.unresolvable", None),
    ("no such host", {}, {}, Status.ERROR, "relay.unresolvable", None),
    ("no mx, no address", {RELAY: {"TXT": ["x"]}}, {}, Status.ERROR, "relay.unresolvable", None),
    (
        "alias to nothing",
        {RELAY: {"CNAME": ["gone.example.net."]}},
        {},
        Status.ERROR,
        "relay.unresolvable",
        None,
    ),
    (
        "mx lookup fails",
        {RELAY: {"A": ["192.0.2.25"]}},
        {(RELAY, "MX"): FailureCause.TIMEOUT},
        Status.UNKNOWN,
        "dns.unknown",
        "timeout",
    ),
    (
        "address lookup fails",
        {RELAY: {"TXT": ["x"]}},
        {(RELAY, "AAAA"): FailureCause.SERVFAIL},
        Status.UNKNOWN,
        "dns.unknown",
        "servfail",
    ),
    (
        "one address answers, the other fails",
        {RELAY: {"A": ["192.0.2.25"]}},
        {(RELAY, "AAAA"): FailureCause.SERVFAIL},
        Status.OK,
        "relay.ok",
        None,
    ),
]


@pytest.mark.parametrize(
    ("relay", "failures", "status", "code", "cause"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_relay_host(
    relay: Records, failures: Failures, status: Status, code: str, cause: str | None
) -> None:
    """The relay host's MX, else its address, decides; a DNS failure is UNKNOWN, never missing."""
    diagnosis = diagnose(relay, failures)
    (found,) = diagnosis.of(Check.RELAY)
    assert (status, code, cause) == (found.status, found.code, found.cause)
    assert "relay.example.net." == found.name
    assert () == found.fix
    assert bool(found.fix_reason) == (status is not Status.OK)
    source = StaticSource({**correct_records(SETUP), **relay}, failures=failures)
    assert diagnosis == asyncio.run(check_domain_async(SETUP, source))


def test_ok_shows_what_receives_the_mail() -> None:
    """An OK finding lists the records found: the MX records, or the addresses."""
    (found,) = diagnose({RELAY: {"MX": ["10 mx.example.net."]}}).of(Check.RELAY)
    assert ("relay.example.net. 3600 IN MX 10 mx.example.net.",) == found.observed
    (found,) = diagnose({RELAY: {"A": ["192.0.2.25"], "AAAA": ["2001:db8::25"]}}).of(Check.RELAY)
    assert (
        "relay.example.net. 3600 IN A 192.0.2.25",
        "relay.example.net. 3600 IN AAAA 2001:db8::25",
    ) == found.observed


@pytest.mark.parametrize(
    ("mode", "relay", "host"),
    [
        (None, None, None),
        (DomainMode.AUTHORITATIVE, None, None),
        (DomainMode.NON_AUTHORITATIVE, RELAY, RELAY),
        (None, RELAY, RELAY),  # no mode stated: checked as non-authoritative, as check_setup does
        (None, "Relay.Example.NET.", RELAY),
    ],
)
def test_which_setups_have_a_relay(
    mode: DomainMode | None, relay: str | None, host: str | None
) -> None:
    """Only a relay target outside authoritative mode is looked up."""
    setup = DomainSetup("example.org", mode=mode, relay_target=relay, managed_in_account=True)
    assert host == relay_host(setup)
    diagnosis = check_domain(setup, StaticSource({RELAY: {"A": ["192.0.2.25"]}}))
    assert len(diagnosis.of(Check.RELAY)) == (host is not None)
    assert Check.RELAY.value in diagnosis.to_text() or host is None


def test_relay_outside_a_zone_is_skipped() -> None:
    """Offline, the relay host outside the zone is SKIPPED; a fallback holding it decides."""
    text = "@ 300 SOA ns1 hm 1 2 3 4 5\n@ 300 NS ns1\n@ 300 MX 1 mx0.mail.ovh.net.\n"
    (found,) = check_domain(SETUP, ZoneSource.from_text(text, origin="example.org")).of(Check.RELAY)
    assert (Status.SKIPPED, "dns.outside_zone", "outside_zone") == (
        found.status,
        found.code,
        found.cause,
    )
    fallback = StaticSource({RELAY: {"MX": ["0 ."]}})
    zone = ZoneSource.from_text(text, origin="example.org", fallback=fallback)
    (found,) = check_domain(SETUP, zone).of(Check.RELAY)
    assert "relay.unresolvable" == found.code


def test_missing_domain_skips_the_relay() -> None:
    """When the domain does not exist, the relay check is skipped with the others."""
    diagnosis = check_domain(SETUP, StaticSource({RELAY: {"A": ["192.0.2.25"]}}))
    assert ["domain.nxdomain"] + ["dns.skipped"] * 7 == list(diagnosis.codes)
    assert Check.RELAY is diagnosis.findings[-1].check


def test_deadline_leaves_the_relay_unknown() -> None:
    """A relay check the deadline cut short is UNKNOWN with cause deadline, as any other."""
    diagnosis = check_domain(SETUP, StaticSource(correct_records(SETUP)), deadline=0)
    (found,) = diagnosis.of(Check.RELAY)
    assert (Status.UNKNOWN, "deadline") == (found.status, found.cause)
    plain = DomainSetup("example.org", managed_in_account=True)
    assert () == check_domain(plain, StaticSource({}), deadline=0).of(Check.RELAY)
