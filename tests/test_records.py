"""Domain setups, the expected records, and their zone-text, JSON and rrset renderings."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
from pathlib import Path
from typing import Any

import attrs
import dns.rdatatype
import dns.zone
import pytest

from emailpro_core.domains import normalize_domain
from emailpro_core.errors import InvalidDomain, InvalidMode, InvalidSetup
from emailpro_core.records import expected_records
from emailpro_core.records._profiles import OVH_EMAIL_PRO
from emailpro_core.records._recordset import (
    CHECKS,
    SCHEMA_VERSION,
    ExpectedRecord,
    Omission,
    RecordSet,
    Requirement,
)
from emailpro_core.records._setup import DkimSelector, DomainSetup, check_setup, validate_setup
from emailpro_core.records._zonetext import comment, split_txt, to_rdata, zone_line
from emailpro_core.routing._modes import DomainMode
from emailpro_core.sources._answers import MX, SRV, TXT

SEL1 = "ovhemp123456-selector1"
SEL2 = "ovhemp123456-selector2"
TARGET1 = f"{SEL1}._domainkey.1675.ac.dkim.mail.ovh.net"
TARGET2 = f"{SEL2}._domainkey.1675.ac.dkim.mail.ovh.net"
REQUIRED = Requirement.REQUIRED
RECOMMENDED = Requirement.RECOMMENDED


def codes(setup: DomainSetup) -> list[str]:
    """The codes check_setup gives, in order."""
    return [v.code for v in check_setup(setup)]


# --- DomainSetup: normalization --------------------------------------------------


@pytest.mark.parametrize(
    ("setup", "field", "expected"),
    [
        (DomainSetup("Example.ORG."), "domain", normalize_domain("example.org")),
        (
            DomainSetup(normalize_domain("bücher.example")),
            "domain",
            normalize_domain("xn--bcher-kva.example"),
        ),
        (DomainSetup("example.org"), "mode", None),
        (DomainSetup("example.org", mode="nonAuthoritative"), "mode", DomainMode.NON_AUTHORITATIVE),
        (DomainSetup("example.org", mode="AUTHORITATIVE"), "mode", DomainMode.AUTHORITATIVE),
        (
            DomainSetup("example.org", relay_target="MX1.Mail.OVH.net."),
            "relay_target",
            "mx1.mail.ovh.net",
        ),
        (
            DomainSetup("example.org", relay_target="Bücher.example"),
            "relay_target",
            "xn--bcher-kva.example",
        ),
        (DomainSetup("example.org", relay_target="  "), "relay_target", None),
        (DomainSetup("example.org", relay_target="bad..host"), "relay_target", "bad..host"),
        (
            DomainSetup("example.org", ownership_token="AB1CD-Check"),
            "ownership_token",
            "ab1cd-check",
        ),
        (DomainSetup("example.org", ownership_token="ab1cd"), "ownership_token", "ab1cd"),
        (DomainSetup("example.org"), "managed_in_account", False),
        (DomainSetup("example.org"), "dkim_enabled", False),
        (DomainSetup("example.org"), "server_number", None),
        (
            DomainSetup("example.org", dkim_selectors=["OVHEMP1-Selector1"]),
            "dkim_selectors",
            (DkimSelector("ovhemp1-selector1"),),
        ),
        (
            DomainSetup("example.org", dkim_selectors=[DkimSelector(SEL1, TARGET1.upper() + ".")]),
            "dkim_selectors",
            (DkimSelector(SEL1, TARGET1),),
        ),
    ],
)
def test_setup_normalizes(setup: DomainSetup, field: str, expected: object) -> None:
    """Fields are kept in one form: names lower case without trailing dot, modes as enums."""
    assert expected == getattr(setup, field)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"domain": 3}, "domain must be a str"),
        ({"domain": "example.org", "server_number": "1"}, "server_number must be an int"),
        ({"domain": "example.org", "server_number": True}, "server_number must be an int"),
        ({"domain": "example.org", "managed_in_account": 1}, "managed_in_account"),
        ({"domain": "example.org", "dkim_enabled": "yes"}, "dkim_enabled"),
        ({"domain": "example.org", "dkim_selectors": SEL1}, "not one str"),
        ({"domain": "example.org", "dkim_selectors": [3]}, "a DKIM selector must be"),
        ({"domain": "example.org", "mode": 1}, "domain mode must be a str"),
        ({"domain": "example.org", "relay_target": b"mx1"}, "relay target must be a str"),
        ({"domain": "example.org", "ownership_token": 12}, "ownership token must be a str"),
    ],
)
def test_setup_type_errors(kwargs: dict[str, Any], message: str) -> None:
    """A value of the wrong type is a TypeError naming the field."""
    domain = kwargs.pop("domain")
    with pytest.raises(TypeError, match=message):
        DomainSetup(domain, **kwargs)


def test_setup_bad_domain() -> None:
    """The constructor normalizes the domain and raises InvalidDomain."""
    with pytest.raises(InvalidDomain) as info:
        DomainSetup("bad..example")
    expected = ("domain.empty_label",)
    assert expected == info.value.codes


def test_setup_bad_mode() -> None:
    """An unknown mode spelling raises InvalidMode."""
    with pytest.raises(InvalidMode):
        DomainSetup("example.org", mode="sometimes")


# --- check_setup: one row per code -------------------------------------------------


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (DomainSetup("example.org"), []),
        (DomainSetup("example.org", mode="authoritative", managed_in_account=True), []),
        (DomainSetup("example.org", mode="nonAuthoritative"), ["relay.required"]),
        (
            DomainSetup("example.org", mode="nonAuthoritative", relay_target="mx1.mail.ovh.net"),
            [],
        ),
        (
            DomainSetup("example.org", mode="authoritative", relay_target="mx1.mail.ovh.net"),
            ["relay.not_allowed"],
        ),
        (DomainSetup("example.org", relay_target="mx1.mail.ovh.net"), []),
        (DomainSetup("example.org", relay_target="bad..host"), ["relay.invalid_host"]),
        (
            DomainSetup("example.org", relay_target="a." * 130 + "net"),
            ["relay.too_long", "relay.invalid_host"],
        ),
        (
            DomainSetup("example.org", relay_target="pro2.mail.ovh.net.", server_number=2),
            ["relay.loop"],
        ),
        (DomainSetup("example.org", relay_target="pro2.mail.ovh.net", server_number=1), []),
        (DomainSetup("example.org", relay_target="pro2.mail.ovh.net"), []),
        (DomainSetup("example.org", server_number=1), []),
        (DomainSetup("example.org", server_number=0), ["setup.bad_server_number"]),
        (
            DomainSetup("example.org", server_number=0, relay_target="pro0.mail.ovh.net"),
            ["setup.bad_server_number"],
        ),
        (DomainSetup("example.org", ownership_token="ab1cd"), []),
        (DomainSetup("example.org", ownership_token="ab1cd-check"), []),
        (DomainSetup("example.org", ownership_token=""), ["setup.bad_token"]),
        (DomainSetup("example.org", ownership_token="-check"), ["setup.bad_token"]),
        (DomainSetup("example.org", ownership_token="ab_cd"), ["setup.bad_token"]),
        (DomainSetup("example.org", ownership_token="ab.cd"), ["setup.bad_token"]),
        (DomainSetup("example.org", ownership_token="-ab"), ["setup.bad_token"]),
        (DomainSetup("example.org", ownership_token="a\x00b"), ["setup.bad_token"]),
        (DomainSetup("example.org", ownership_token="a" * 58), ["setup.bad_token"]),
        (
            DomainSetup("example.org", ownership_token="a" * 58, managed_in_account=True),
            ["setup.bad_token"],
        ),
        (DomainSetup("example.org", ownership_token="a" * 57), []),
        (DomainSetup("example.org", ownership_token="a" * 57 + "-check"), []),
        (DomainSetup("example.org", ownership_token="ab1cd", managed_in_account=True), []),
        (DomainSetup("example.org", dkim_enabled=True), ["setup.dkim_without_selectors"]),
        (DomainSetup("example.org", dkim_enabled=True, dkim_selectors=[SEL1, SEL2]), []),
        (DomainSetup("example.org", dkim_selectors=["selector1"]), ["setup.bad_selector"]),
        (DomainSetup("example.org", dkim_selectors=["ovhex1-selector1"]), ["setup.bad_selector"]),
        (DomainSetup("example.org", dkim_selectors=[SEL1, SEL1]), ["setup.duplicate_selector"]),
        (
            DomainSetup("example.org", dkim_selectors=[DkimSelector(SEL1, TARGET1)]),
            [],
        ),
        (
            DomainSetup("example.org", dkim_selectors=[DkimSelector(SEL1, TARGET2)]),
            ["setup.bad_dkim_target"],
        ),
        (
            DomainSetup("example.org", dkim_selectors=[DkimSelector(SEL1, "ovh.com")]),
            ["setup.bad_dkim_target"],
        ),
        (
            DomainSetup("a" * 50 + "." + "b" * 60 + "." + "c" * 60 + "." + "d" * 60 + ".org"),
            ["setup.name_too_long"],
        ),
        (
            DomainSetup("example.org", dkim_selectors=["ovhemp" + "1" * 60 + "-selector1"]),
            ["setup.name_too_long"],
        ),
        (
            DomainSetup(
                "example.org",
                dkim_selectors=[
                    DkimSelector(SEL1, f"{SEL1}._domainkey.{'1' * 64}.ac.dkim.mail.ovh.net")
                ],
            ),
            ["setup.name_too_long"],
        ),
        (
            DomainSetup(
                "b" * 60 + "." + "c" * 60 + "." + "d" * 60 + "." + "e" * 40 + ".org",
                ownership_token="x" * 30,
            ),
            ["setup.name_too_long"],
        ),
        (
            DomainSetup(
                "example.org",
                mode="authoritative",
                relay_target="mx1.mail.ovh.net",
                server_number=-1,
                ownership_token="",
                dkim_enabled=True,
            ),
            [
                "relay.not_allowed",
                "setup.bad_server_number",
                "setup.bad_token",
                "setup.dkim_without_selectors",
            ],
        ),
    ],
)
def test_check_setup(setup: DomainSetup, expected: list[str]) -> None:
    """Every contradiction has its code, and all of them are reported at once."""
    assert expected == codes(setup)


def test_check_setup_params() -> None:
    """Violations carry what they are about (the selector and its position)."""
    setup = DomainSetup("example.org", dkim_selectors=[SEL1, "nope"])
    (violation,) = check_setup(setup)
    expected = {
        "selector": "nope",
        "index": 1,
        "profile": "OVHcloud E-mail Pro (EU)",
        "prefix": "ovhemp",
    }
    assert expected == dict(violation.params)


def test_check_setup_long_input_shortened() -> None:
    """A huge bad value is not repeated whole in the message."""
    setup = DomainSetup("example.org", ownership_token="_" * 100_000, dkim_selectors=["x" * 10**5])
    found = check_setup(setup)
    expected = ["setup.bad_token", "setup.bad_selector"]
    assert expected == [v.code for v in found]
    assert all(len(v.message) + len(repr(v.params)) < 400 for v in found)


def test_check_setup_type() -> None:
    """check_setup takes a DomainSetup only."""
    with pytest.raises(TypeError, match="setup must be a DomainSetup"):
        check_setup("example.org")  # type: ignore[arg-type]


def test_validate_setup() -> None:
    """validate_setup returns a consistent setup and raises InvalidSetup otherwise."""
    good = DomainSetup("example.org", server_number=1)
    assert good is validate_setup(good)
    with pytest.raises(InvalidSetup) as info:
        validate_setup(DomainSetup("example.org", server_number=0, dkim_enabled=True))
    expected = ("setup.bad_server_number", "setup.dkim_without_selectors")
    assert expected == info.value.codes


def test_create_reports_everything() -> None:
    """create() reports a bad domain together with the other violations."""
    with pytest.raises(InvalidSetup) as info:
        DomainSetup.create("bad..example", server_number=0, mode="nonAuthoritative")
    expected = ("domain.empty_label", "relay.required", "setup.bad_server_number")
    assert expected == info.value.codes
    assert isinstance(info.value, ValueError)


def test_create_valid() -> None:
    """create() returns the setup when it is consistent."""
    expected = DomainSetup("example.org", server_number=4, dkim_selectors=[SEL1])
    assert expected == DomainSetup.create("Example.org", server_number=4, dkim_selectors=[SEL1])
    assert expected == DomainSetup.create(
        normalize_domain("example.org"), server_number=4, dkim_selectors=[SEL1]
    )


def test_create_uses_profile() -> None:
    """create() checks against the given profile."""
    profile = attrs.evolve(OVH_EMAIL_PRO, dkim_selector_pattern=r"s[0-9]")
    with pytest.raises(InvalidSetup) as info:
        DomainSetup.create("example.org", dkim_selectors=[SEL1], profile=profile)
    expected = ("setup.bad_selector",)
    assert expected == info.value.codes


# --- DomainSetup: dict and pickle --------------------------------------------------

FULL = DomainSetup(
    "Bücher.example",
    mode="nonAuthoritative",
    relay_target="mx1.mail.ovh.net",
    server_number=2,
    managed_in_account=False,
    ownership_token="ab1cd",
    dkim_selectors=[SEL1, DkimSelector(SEL2, TARGET2)],
    dkim_enabled=True,
)


def test_setup_to_dict() -> None:
    """to_dict gives stable keys, the API mode spelling, and selectors as objects."""
    expected = {
        "domain": "xn--bcher-kva.example",
        "mode": "nonAuthoritative",
        "relay_target": "mx1.mail.ovh.net",
        "server_number": 2,
        "managed_in_account": False,
        "ownership_token": "ab1cd",
        "dkim_selectors": [{"name": SEL1, "target": None}, {"name": SEL2, "target": TARGET2}],
        "dkim_enabled": True,
    }
    assert expected == FULL.to_dict()
    assert expected == json.loads(json.dumps(FULL.to_dict()))


@pytest.mark.parametrize(
    "setup", [FULL, DomainSetup("example.org"), DomainSetup("example.org", mode="authoritative")]
)
def test_setup_round_trips(setup: DomainSetup) -> None:
    """from_dict(to_dict()) and pickle give the same setup back."""
    assert setup == DomainSetup.from_dict(setup.to_dict())
    assert setup == pickle.loads(pickle.dumps(setup))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"domain": "example.org"}, DomainSetup("example.org")),
        (
            {"domain": "example.org", "mode": "AUTHORITATIVE"},
            DomainSetup("example.org", mode="authoritative"),
        ),
        (
            {"domain": "example.org", "dkim_selectors": [SEL1]},
            DomainSetup("example.org", dkim_selectors=[SEL1]),
        ),
        (
            {"domain": "example.org", "dkim_selectors": [{"name": SEL1}]},
            DomainSetup("example.org", dkim_selectors=[SEL1]),
        ),
    ],
)
def test_setup_from_dict(data: dict[str, object], expected: DomainSetup) -> None:
    """from_dict needs only the domain and accepts the friendly forms."""
    assert expected == DomainSetup.from_dict(data)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, ("setup.missing_domain",)),
        ({"domain": "example.org", "colour": 1}, ("setup.unknown_key",)),
        (
            {"colour": 1, "size": 2},
            ("setup.unknown_key", "setup.unknown_key", "setup.missing_domain"),
        ),
    ],
)
def test_setup_from_dict_invalid(data: dict[str, object], expected: tuple[str, ...]) -> None:
    """Unknown keys and a missing domain are all reported."""
    with pytest.raises(InvalidSetup) as info:
        DomainSetup.from_dict(data)
    assert expected == info.value.codes


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (["example.org"], "must be a mapping"),
        ({"domain": "example.org", "dkim_selectors": SEL1}, "must be a list"),
        ({"domain": "example.org", "dkim_selectors": [{"selector": SEL1}]}, "exactly the keys"),
        ({"domain": "example.org", "dkim_selectors": [{"name": SEL1, "x": 1}]}, "exactly the keys"),
        ({"domain": "example.org", "dkim_selectors": [None]}, "DKIM selector must be a str"),
        ({"domain": "example.org", "server_number": "2"}, "server_number must be an int"),
        ({"domain": None}, "domain must be a str"),
    ],
)
def test_setup_from_dict_types(data: Any, message: str) -> None:
    """Values of the wrong type are TypeErrors."""
    with pytest.raises(TypeError, match=message):
        DomainSetup.from_dict(data)


# --- expected_records: one table per check ---------------------------------------


def rows(setup: DomainSetup, check: str) -> list[tuple[str, str, str | None, Requirement]]:
    """(name, type, value, requirement) of the records of one check."""
    return [
        (r.name, r.type, r.value, r.requirement) for r in expected_records(setup).for_check(check)
    ]


BASIC = DomainSetup("example.org", server_number=1)


def test_mx_records() -> None:
    """Five MX records at the apex, required (D-MX)."""
    expected = [
        ("example.org", "MX", "1 mx0.mail.ovh.net.", REQUIRED),
        ("example.org", "MX", "5 mx1.mail.ovh.net.", REQUIRED),
        ("example.org", "MX", "50 mx2.mail.ovh.net.", REQUIRED),
        ("example.org", "MX", "100 mx3.mail.ovh.net.", REQUIRED),
        ("example.org", "MX", "200 mx4.mail.ovh.net.", REQUIRED),
    ]
    assert expected == rows(BASIC, "mx")


def test_spf_record() -> None:
    """One SPF TXT at the apex, required (D-SPF)."""
    expected = [("example.org", "TXT", "v=spf1 include:mx.ovh.com ~all", REQUIRED)]
    assert expected == rows(BASIC, "spf")


@pytest.mark.parametrize(
    ("number", "value"), [(1, "0 0 443 pro1.mail.ovh.net."), (27, "0 0 443 pro27.mail.ovh.net.")]
)
def test_autodiscover_record(number: int, value: str) -> None:
    """The autodiscover SRV targets the service host."""
    expected = [("_autodiscover._tcp.example.org", "SRV", value, REQUIRED)]
    assert expected == rows(DomainSetup("example.org", server_number=number), "autodiscover")


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        ("0 0 443 pro1.mail.ovh.net.", True),
        ("0 0 443 PRO12.mail.ovh.net", True),
        ("0 0 443 pro0.mail.ovh.net.", False),
        ("10 0 443 pro1.mail.ovh.net.", False),
        ("0 0 443 ex1.mail.ovh.net.", False),
    ],
)
def test_autodiscover_unknown_server(value: str, accepted: bool) -> None:
    """Without a server number the SRV is listed by its pattern, not its value."""
    (record,) = expected_records(DomainSetup("example.org")).for_check("autodiscover")
    expected = (None, False, REQUIRED)
    assert expected == (record.value, record.is_exact, record.requirement)
    assert accepted == record.accepts(value)


@pytest.mark.parametrize(
    ("setup", "expected", "omitted"),
    [
        (
            DomainSetup("example.org", ownership_token="AB1CD"),
            [("ab1cd-check.example.org", "CNAME", "ovh.com.", REQUIRED)],
            [],
        ),
        (
            DomainSetup("example.org", ownership_token="ab1cd-check"),
            [("ab1cd-check.example.org", "CNAME", "ovh.com.", REQUIRED)],
            [],
        ),
        (DomainSetup("example.org", ownership_token="ab1cd", managed_in_account=True), [], []),
        (DomainSetup("example.org", managed_in_account=True), [], []),
        (DomainSetup("example.org"), [], ["records.ownership_token_unknown"]),
    ],
)
def test_ownership_record(
    setup: DomainSetup, expected: list[tuple[str, str, str, Requirement]], omitted: list[str]
) -> None:
    """The ownership CNAME only for a zone managed elsewhere, and only with a token (D-CNAME)."""
    records = expected_records(setup)
    assert expected == rows(setup, "ownership")
    assert omitted == [o.code for o in records.omitted if o.check == "ownership"]


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (DomainSetup("example.org"), []),
        (
            DomainSetup("example.org", dkim_selectors=[DkimSelector(SEL1, TARGET1)]),
            [(f"{SEL1}._domainkey.example.org", "CNAME", TARGET1 + ".", RECOMMENDED)],
        ),
        (
            DomainSetup(
                "example.org",
                dkim_selectors=[DkimSelector(SEL1, TARGET1), DkimSelector(SEL2, TARGET2)],
                dkim_enabled=True,
            ),
            [
                (f"{SEL1}._domainkey.example.org", "CNAME", TARGET1 + ".", REQUIRED),
                (f"{SEL2}._domainkey.example.org", "CNAME", TARGET2 + ".", REQUIRED),
            ],
        ),
        (
            DomainSetup("example.org", dkim_selectors=[SEL1], dkim_enabled=True),
            [(f"{SEL1}._domainkey.example.org", "CNAME", None, REQUIRED)],
        ),
    ],
)
def test_dkim_records(
    setup: DomainSetup, expected: list[tuple[str, str, str, Requirement]]
) -> None:
    """A CNAME per selector: required once DKIM is to be enabled, exact when the target is known."""
    assert expected == rows(setup, "dkim")


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        (TARGET1 + ".", True),
        ("ovhemp123456-selector1._domainkey.1500.ab.dkim.mail.ovh.net", True),
        (TARGET2 + ".", False),
        ("ovh.com.", False),
    ],
)
def test_dkim_pattern(value: str, accepted: bool) -> None:
    """A selector without a target is listed with the target pattern of the profile."""
    (record,) = expected_records(DomainSetup("example.org", dkim_selectors=[SEL1])).for_check(
        "dkim"
    )
    assert accepted == record.accepts(value)


def test_dkim_omitted_without_selectors() -> None:
    """No selectors: DKIM is listed as omitted, with what to do."""
    records = expected_records(DomainSetup("example.org"))
    expected = ["records.dkim_selectors_unknown"]
    assert expected == [o.code for o in records.omitted if o.check == "dkim"]


def test_dmarc_record() -> None:
    """A recommended DMARC TXT at _dmarc, p=none by default."""
    expected = [("_dmarc.example.org", "TXT", "v=DMARC1; p=none", RECOMMENDED)]
    assert expected == rows(BASIC, "dmarc")


def test_record_order_and_ttl() -> None:
    """Records come in the order of CHECKS, all with the profile's TTL."""
    records = expected_records(FULL)
    checks = [r.check for r in records]
    assert checks == sorted(checks, key=CHECKS.index)
    expected = {3600}
    assert expected == {r.ttl for r in records}
    assert len(records.records) == len(records)


def test_expected_records_refuses_bad_setup() -> None:
    """A contradictory setup raises InvalidSetup; a non-setup a TypeError."""
    with pytest.raises(InvalidSetup):
        expected_records(DomainSetup("example.org", server_number=0))
    with pytest.raises(TypeError):
        expected_records("example.org")  # type: ignore[arg-type]


# --- ExpectedRecord ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("record", "rdata"),
    [
        (
            ExpectedRecord("a.example.", "mx", 60, "5 MX.example.", REQUIRED, "mx", ""),
            MX(5, "mx.example"),
        ),
        (
            ExpectedRecord(
                "a.example", "SRV", 60, "0 0 443 h.example.", REQUIRED, "autodiscover", ""
            ),
            SRV(0, 0, 443, "h.example"),
        ),
        (
            ExpectedRecord("a.example", "TXT", 60, "v=spf1 -all", REQUIRED, "spf", ""),
            TXT((b"v=spf1 -all",)),
        ),
        (
            ExpectedRecord("a.example", "CNAME", 60, "Ovh.COM.", REQUIRED, "ownership", ""),
            "ovh.com",
        ),
        (ExpectedRecord("a.example", "CNAME", 60, None, REQUIRED, "dkim", "", pattern="x"), None),
    ],
)
def test_record_rdata(record: ExpectedRecord, rdata: object) -> None:
    """rdata gives the value as dnsdata values, for comparing with answers."""
    assert rdata == record.rdata


class _Text(str):
    """A str subclass: values of this kind are read each time, not remembered."""


def test_record_rdata_of_a_str_subclass() -> None:
    """A value given as a str subclass reads like the same text."""
    record = ExpectedRecord("a.example", "MX", 60, _Text("5 MX.example."), REQUIRED, "mx", "")
    assert MX(5, "mx.example") == record.rdata


def test_record_normalizes() -> None:
    """Names lose their trailing dot and case; types are upper case."""
    record = ExpectedRecord("Example.ORG.", "mx", 60, "1 a.example.", REQUIRED, "mx", "")
    expected = ("example.org", "MX")
    assert expected == (record.name, record.type)


@pytest.mark.parametrize(
    ("record", "value", "accepted"),
    [
        (
            ExpectedRecord("a.example", "TXT", 60, "v=spf1 -all", REQUIRED, "spf", ""),
            "v=spf1 -all",
            True,
        ),
        (
            ExpectedRecord("a.example", "TXT", 60, "v=spf1 -all", REQUIRED, "spf", ""),
            "V=SPF1 -all",
            False,
        ),
        (
            ExpectedRecord("a.example", "CNAME", 60, "ovh.com.", REQUIRED, "ownership", ""),
            "OVH.com",
            True,
        ),
        (
            ExpectedRecord("a.example", "CNAME", 60, "ovh.com.", REQUIRED, "ownership", ""),
            "ovh.net.",
            False,
        ),
    ],
)
def test_record_accepts(record: ExpectedRecord, value: str, accepted: bool) -> None:
    """TXT compares exactly, names case- and trailing-dot-insensitively."""
    assert accepted == record.accepts(value)


def test_record_to_dict() -> None:
    """A record's JSON view has the documented keys."""
    record = ExpectedRecord(
        "_dmarc.example.org", "TXT", 3600, "v=DMARC1; p=none", RECOMMENDED, "dmarc", "why"
    )
    expected = {
        "name": "_dmarc.example.org",
        "type": "TXT",
        "ttl": 3600,
        "value": "v=DMARC1; p=none",
        "pattern": None,
        "requirement": "recommended",
        "check": "dmarc",
        "why": "why",
    }
    assert expected == record.to_dict()


def test_pending_record_zone_line() -> None:
    """A record whose value is unknown renders as a comment saying why."""
    record = ExpectedRecord(
        "a.example", "SRV", 60, None, REQUIRED, "autodiscover", "find\nit", pattern="x"
    )
    expected = "; a.example. 60 IN SRV ? ; find it"
    assert expected == record.to_zone_line()


# --- renderings -------------------------------------------------------------------


def test_zone_text_without_comments() -> None:
    """The bare zone text of a full setup, line by line."""
    expected = f"""\
xn--bcher-kva.example. 3600 IN MX 1 mx0.mail.ovh.net.
xn--bcher-kva.example. 3600 IN MX 5 mx1.mail.ovh.net.
xn--bcher-kva.example. 3600 IN MX 50 mx2.mail.ovh.net.
xn--bcher-kva.example. 3600 IN MX 100 mx3.mail.ovh.net.
xn--bcher-kva.example. 3600 IN MX 200 mx4.mail.ovh.net.
xn--bcher-kva.example. 3600 IN TXT "v=spf1 include:mx.ovh.com ~all"
_autodiscover._tcp.xn--bcher-kva.example. 3600 IN SRV 0 0 443 pro2.mail.ovh.net.
ab1cd-check.xn--bcher-kva.example. 3600 IN CNAME ovh.com.
{SEL2}._domainkey.xn--bcher-kva.example. 3600 IN CNAME {TARGET2}.
_dmarc.xn--bcher-kva.example. 3600 IN TXT "v=DMARC1; p=none"
"""
    assert expected == expected_records(FULL).to_zone_text(comments=False)


def test_zone_text_with_comments() -> None:
    """Comments name the domain, group records by check, and show what is pending."""
    text = expected_records(DomainSetup("example.org", dkim_selectors=[SEL1])).to_zone_text()
    lines = text.splitlines()
    expected_first = "; records for example.org. (OVHcloud E-mail Pro (EU))"
    assert expected_first == lines[0]
    mx_headings = [line for line in lines if line.startswith("; mx, required:")]
    assert len(mx_headings) == 1
    assert "; _autodiscover._tcp.example.org. 3600 IN SRV ?" in lines
    assert f"; {SEL1}._domainkey.example.org. 3600 IN CNAME ?" in lines
    assert lines[-1].startswith("; not listed (records.ownership_token_unknown):")


def zone_contents(text: str, origin: str) -> set[tuple[str, int, int, frozenset[object]]]:
    """(owner, type, ttl, rdatas) of every rdataset in a zone text."""
    zone = dns.zone.from_text(text, origin=origin, relativize=False, check_origin=False)
    return {
        (str(name), rdataset.rdtype, rdataset.ttl, frozenset(rdataset))
        for name, node in zone.nodes.items()
        for rdataset in node
    }


def rrset_contents(records: RecordSet) -> set[tuple[str, int, int, frozenset[object]]]:
    """(owner, type, ttl, rdatas) of every rrset of a record set."""
    return {(str(r.name), r.rdtype, r.ttl, frozenset(r)) for r in records.to_rrsets()}


@pytest.mark.parametrize("comments", [True, False])
def test_zone_text_parses_back(comments: bool) -> None:
    """dnspython reads the zone text back into the same records as to_rrsets."""
    records = expected_records(FULL)
    parsed = zone_contents(records.to_zone_text(comments=comments), "xn--bcher-kva.example.")
    assert rrset_contents(records) == parsed
    expected_types = {"MX", "TXT", "SRV", "CNAME"}
    assert expected_types == {dns.rdatatype.RdataType(t).name for _, t, _, _ in parsed}


def test_to_rrsets() -> None:
    """One rrset per (name, type); pending records are left out."""
    records = expected_records(DomainSetup("example.org", dkim_selectors=[SEL1]))
    expected = [
        ("example.org.", "MX", 5),
        ("example.org.", "TXT", 1),
        ("_dmarc.example.org.", "TXT", 1),
    ]
    assert expected == [(str(r.name), r.rdtype.name, len(r)) for r in records.to_rrsets()]


LONG_DMARC = "v=DMARC1; p=reject; rua=" + ",".join(
    f"mailto:dmarc-report-{i}@reports.example.net" for i in range(12)
)


def test_long_txt_is_split() -> None:
    """A TXT value over 255 octets becomes several character-strings (RFC 1035 §3.3.14)."""
    assert len(LONG_DMARC) > 255
    profile = attrs.evolve(OVH_EMAIL_PRO, dmarc_value=LONG_DMARC)
    records = expected_records(BASIC, profile=profile)
    (dmarc,) = records.for_check("dmarc")
    line = dmarc.to_zone_line()
    assert line.count('" "') == len(LONG_DMARC) // 255
    parsed = zone_contents(records.to_zone_text(), "example.org.")
    (rdataset,) = [rds for name, t, _, rds in parsed if name == "_dmarc.example.org."]
    (rdata,) = rdataset
    expected = LONG_DMARC.encode()
    assert expected == b"".join(rdata.strings)  # type: ignore[attr-defined]
    assert all(len(s) <= 255 for s in rdata.strings)  # type: ignore[attr-defined]
    assert isinstance(dmarc.rdata, TXT)
    assert dmarc.rdata.text == expected.decode()


def test_to_dict_schema() -> None:
    """to_dict has the documented keys and order; to_json is the same data."""
    records = expected_records(DomainSetup("example.org", server_number=1, managed_in_account=True))
    data = records.to_dict()
    expected_keys = ["version", "domain", "profile", "records", "omitted"]
    assert expected_keys == list(data)
    expected_head = (SCHEMA_VERSION, "example.org", "OVHcloud E-mail Pro (EU)")
    assert expected_head == (
        data["version"],
        data["domain"],
        data["profile"],
    )
    expected_omitted = [
        {
            "check": "dkim",
            "code": "records.dkim_selectors_unknown",
            "message": records.omitted[0].message,
        }
    ]
    assert expected_omitted == data["omitted"]
    assert data == json.loads(records.to_json())
    assert data == json.loads(records.to_json(indent=None))
    assert "\n" not in records.to_json(indent=None)


def test_to_json_keeps_unicode() -> None:
    """JSON keeps non-ASCII characters as they are."""
    profile = attrs.evolve(OVH_EMAIL_PRO, name="Courriel Pro é")
    assert "Courriel Pro é" in expected_records(BASIC, profile=profile).to_json()


def test_omission_to_dict() -> None:
    """An omission's JSON view."""
    expected = {"check": "dkim", "code": "c", "message": "m"}
    assert expected == Omission("dkim", "c", "m").to_dict()


NSD_CHECKZONE = shutil.which("nsd-checkzone") or (
    "/usr/sbin/nsd-checkzone" if Path("/usr/sbin/nsd-checkzone").exists() else None
)


@pytest.mark.integration
def test_nsd_accepts_zone_text(tmp_path: Path) -> None:
    """NSD's zone checker loads the zone text (with an SOA and NS added)."""
    if NSD_CHECKZONE is None:
        if os.environ.get("EMAILPRO_REQUIRE_NSD"):
            pytest.fail("nsd-checkzone is required (EMAILPRO_REQUIRE_NSD is set)")
        pytest.skip("NSD is not installed")
    profile = attrs.evolve(OVH_EMAIL_PRO, dmarc_value=LONG_DMARC)
    text = expected_records(FULL, profile=profile).to_zone_text()
    head = (
        "xn--bcher-kva.example. 3600 IN SOA ns.xn--bcher-kva.example. "
        "hostmaster.xn--bcher-kva.example. 1 3600 600 86400 300\n"
        "xn--bcher-kva.example. 3600 IN NS ns.xn--bcher-kva.example.\n"
        "ns.xn--bcher-kva.example. 3600 IN A 192.0.2.1\n"
    )
    zone = tmp_path / "zone"
    zone.write_text(head + text, encoding="utf-8")
    done = subprocess.run(
        [NSD_CHECKZONE, "xn--bcher-kva.example", str(zone)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr


# --- zonetext helpers -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lengths"),
    [
        ("", [0]),
        ("a", [1]),
        ("a" * 255, [255]),
        ("a" * 256, [255, 1]),
        ("a" * 510, [255, 255]),
        ("a" * 254 + "é", [254, 2]),
        ("é" * 200, [254, 146]),
    ],
)
def test_split_txt(text: str, lengths: list[int]) -> None:
    """Strings of at most 255 octets, never cutting a UTF-8 sequence."""
    chunks = split_txt(text)
    assert lengths == [len(c) for c in chunks]
    assert text.encode() == b"".join(chunks)


def test_split_txt_lone_surrogate() -> None:
    """A lone surrogate does not raise."""
    expected = (b"\xed\xa0\x80",)
    assert expected == split_txt("\ud800")


def test_to_rdata_invalid() -> None:
    """Presentation text dnspython cannot read is a ValueError."""
    with pytest.raises(ValueError, match="not valid MX data"):
        to_rdata("MX", "ten mx.example.")


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("example.org", 60, "MX", "1 a.example."), "example.org. 60 IN MX 1 a.example."),
        (("example.org.", 60, "CNAME", "b.example."), "example.org. 60 IN CNAME b.example."),
        (("example.org", 60, "TXT", 'say "hi"\\'), 'example.org. 60 IN TXT "say \\"hi\\"\\\\"'),
        # Values dnspython prints as written.
        (("a.example", 1, "MX", "0 ."), "a.example. 1 IN MX 0 ."),
        (("a.example", 1, "MX", "65535 Mx_1.example"), "a.example. 1 IN MX 65535 Mx_1.example"),
        (("a.example", 1, "SRV", "0 5 443 h.example."), "a.example. 1 IN SRV 0 5 443 h.example."),
        (("a.example", 1, "A", "192.0.2.255"), "a.example. 1 IN A 192.0.2.255"),
        (("a.example", 1, "PTR", "h.example."), "a.example. 1 IN PTR h.example."),
        (("a.example", 1, "TXT", ""), 'a.example. 1 IN TXT ""'),
        (("a.example", 1, "TXT", "é\x00"), 'a.example. 1 IN TXT "\\195\\169\\000"'),
        (("a.example", 1, "TXT", "x" * 256), f'a.example. 1 IN TXT "{"x" * 255}" "x"'),
        # Values dnspython reads and prints otherwise.
        (("a.example", 1, "MX", "010  h.example."), "a.example. 1 IN MX 10 h.example."),
        (("a.example", 1, "CNAME", "h@x.example."), "a.example. 1 IN CNAME h\\@x.example."),
        (("a.example", 1, "AAAA", "2001:DB8::1"), "a.example. 1 IN AAAA 2001:db8::1"),
        (("a.example", 1, "mx", "1 h.example."), "a.example. 1 IN mx 1 h.example."),
    ],
)
def test_zone_line(args: tuple[str, int, str, str], line: str) -> None:
    """Absolute owner, class IN, TXT quoted and escaped."""
    assert line == zone_line(*args)


def test_comment() -> None:
    """Comments are one line."""
    expected = "a b c"
    assert expected == comment("a\nb\r\n c")
