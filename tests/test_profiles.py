"""Provider profiles: the OVH E-mail Pro values, their helpers, another provider's profile."""

from __future__ import annotations

import pickle
import re
import xml.etree.ElementTree as ET
from typing import Any

import attrs
import dns.zone
import pytest

from emailpro_core.errors import ValidationError
from emailpro_core.naming._logins import LoginPolicy
from emailpro_core.password._policy import PasswordPolicy
from emailpro_core.records import expected_records
from emailpro_core.records._client import autoconfig_xml, client_settings
from emailpro_core.records._profiles import (
    OVH_EMAIL_PRO,
    EndpointSpec,
    MailProtocol,
    Profile,
    Security,
    check_server_number,
    dkim_owner,
    dmarc_owner,
)
from emailpro_core.records._recordset import Requirement
from emailpro_core.records._setup import DkimSelector, DomainSetup, check_setup
from emailpro_core.sources._answers import MX

# --- the OVH values ----------------------------------------------------------


def test_ovh_mx_set() -> None:
    """The MX set is mx0..mx4.mail.ovh.net at 1/5/50/100/200 (D-MX, EU)."""
    expected = (
        MX(1, "mx0.mail.ovh.net"),
        MX(5, "mx1.mail.ovh.net"),
        MX(50, "mx2.mail.ovh.net"),
        MX(100, "mx3.mail.ovh.net"),
        MX(200, "mx4.mail.ovh.net"),
    )
    assert expected == OVH_EMAIL_PRO.mx


@pytest.mark.parametrize(
    ("attribute", "expected"),
    [
        ("spf_include", "mx.ovh.com"),
        ("spf_value", "v=spf1 include:mx.ovh.com ~all"),
        ("autodiscover_name", "_autodiscover._tcp"),
        ("autodiscover_priority", 0),
        ("autodiscover_weight", 0),
        ("autodiscover_port", 443),
        ("ownership_suffix", "-check"),
        ("ownership_target", "ovh.com"),
        ("dkim_selector_prefix", "ovhemp"),
        ("default_relay_target", "mx1.mail.ovh.net"),
        ("relay_targets", tuple(f"mx{i}.mail.ovh.net" for i in range(5))),
        ("default_ttl", 3600),
        ("dmarc_value", "v=DMARC1; p=none"),
        ("server_host_format", "pro{number}.mail.ovh.net"),
        ("login_policy", LoginPolicy.default()),
        ("password_policy", PasswordPolicy.default()),
    ],
)
def test_ovh_values(attribute: str, expected: object) -> None:
    """Each documented value of the default profile."""
    assert expected == getattr(OVH_EMAIL_PRO, attribute)


@pytest.mark.parametrize(
    ("protocol", "port", "security"),
    [
        (MailProtocol.IMAP, 993, Security.SSL_TLS),
        (MailProtocol.POP3, 995, Security.SSL_TLS),
        (MailProtocol.SMTP, 587, Security.STARTTLS),
    ],
)
def test_ovh_endpoints(protocol: MailProtocol, port: int, security: Security) -> None:
    """IMAP 993 SSL/TLS, POP3 995 SSL/TLS, SMTP 587 STARTTLS (D-EP1)."""
    assert EndpointSpec(protocol, port, security) == OVH_EMAIL_PRO.endpoint(protocol)


def test_endpoint_missing() -> None:
    """A provider without POP3 has no POP3 endpoint."""
    profile = attrs.evolve(OVH_EMAIL_PRO, client_endpoints=OVH_EMAIL_PRO.client_endpoints[::2])
    assert profile.endpoint(MailProtocol.POP3) is None


@pytest.mark.parametrize(
    ("protocol", "incoming"),
    [(MailProtocol.IMAP, True), (MailProtocol.POP3, True), (MailProtocol.SMTP, False)],
)
def test_protocol_direction(protocol: MailProtocol, incoming: bool) -> None:
    """IMAP and POP3 read mail; SMTP sends it."""
    assert incoming == protocol.incoming


# --- server hosts --------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "host"),
    [(1, "pro1.mail.ovh.net"), (2, "pro2.mail.ovh.net"), (42, "pro42.mail.ovh.net")],
)
def test_server_host(number: int, host: str) -> None:
    """The service host is pro<N>.mail.ovh.net (D-EP1, D-OLA-FR)."""
    assert host == OVH_EMAIL_PRO.server_host(number)


@pytest.mark.parametrize(
    ("host", "number"),
    [
        ("pro1.mail.ovh.net", 1),
        ("PRO12.Mail.OVH.net.", 12),
        ("pro0.mail.ovh.net", None),
        ("pro01.mail.ovh.net", None),
        ("pro.mail.ovh.net", None),
        ("ex1.mail.ovh.net", None),
        ("pro1.mail.ovh.net.evil.example", None),
        ("", None),
    ],
)
def test_server_number_of(host: str, number: int | None) -> None:
    """A service host gives its number; anything else gives None."""
    assert number == OVH_EMAIL_PRO.server_number_of(host)


@pytest.mark.parametrize(
    ("number", "codes"),
    [
        (1, []),
        (10**54, []),
        (0, ["setup.bad_server_number"]),
        (-3, ["setup.bad_server_number"]),
        (10**55, ["setup.bad_server_number"]),
    ],
)
def test_check_server_number(number: int, codes: list[str]) -> None:
    """Server numbers start at 1 and keep the host's first label within 63 octets."""
    assert codes == [v.code for v in check_server_number(number)]


@pytest.mark.parametrize("value", [True, "1", 1.0, None])
def test_check_server_number_type(value: object) -> None:
    """A server number that is not an int is a TypeError."""
    with pytest.raises(TypeError, match="server number must be an int"):
        check_server_number(value)  # type: ignore[arg-type]


def test_server_host_bad_number() -> None:
    """server_host refuses a bad number with the setup code."""
    with pytest.raises(ValidationError) as info:
        OVH_EMAIL_PRO.server_host(0)
    expected = ("setup.bad_server_number",)
    assert expected == info.value.codes


# --- DKIM and ownership ---------------------------------------------------------


@pytest.mark.parametrize(
    ("selector", "valid"),
    [
        ("ovhemp123456-selector1", True),
        ("ovhemp1140077-selector2", True),
        ("OVHEMP1-Selector1", True),
        ("ovhemp123456-selector3", False),
        ("ovhex123456-selector1", False),
        ("ovhemp-selector1", False),
        ("ovhemp1-selector1x", False),
        ("", False),
    ],
)
def test_is_dkim_selector(selector: str, valid: bool) -> None:
    """Selectors are ovhemp<digits>-selector1/2 (D-DKIM)."""
    assert valid == OVH_EMAIL_PRO.is_dkim_selector(selector)


@pytest.mark.parametrize(
    ("target", "valid"),
    [
        ("ovhemp1-selector1._domainkey.1675.ac.dkim.mail.ovh.net.", True),
        ("ovhemp1-selector1._domainkey.4115282.dq.dkim.mail.ovh.net", True),
        ("OVHEMP1-SELECTOR1._DOMAINKEY.1500.AB.DKIM.MAIL.OVH.NET", True),
        ("ovhemp1-selector2._domainkey.1675.ac.dkim.mail.ovh.net", False),
        ("ovhemp1-selector1._domainkey.1675.abc.dkim.mail.ovh.net", False),
        ("ovhemp1-selector1._domainkey.x.ac.dkim.mail.ovh.net", False),
        ("ovhemp1-selector1._domainkey.1675.ac.dkim.mail.ovh.net.evil", False),
        ("ovhemp1xselector1._domainkey.1675.ac.dkim.mail.ovh.net", False),
    ],
)
def test_dkim_target_regex(target: str, valid: bool) -> None:
    """The target is <selector>._domainkey.<digits>.<2 letters>.dkim.mail.ovh.net (inferred)."""
    regex = OVH_EMAIL_PRO.dkim_target_regex("ovhemp1-selector1")
    assert valid == (regex.fullmatch(target) is not None)


@pytest.mark.parametrize(
    ("token", "label"),
    [("ab1cd", "ab1cd-check"), ("ab1cd-check", "ab1cd-check"), ("AB1CD-CHECK", "ab1cd-check")],
)
def test_ownership_label(token: str, label: str) -> None:
    """The -check suffix is added once, whether the token has it or not (D-CNAME)."""
    assert label == OVH_EMAIL_PRO.ownership_label(token)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (OVH_EMAIL_PRO.autodiscover_owner("Example.ORG."), "_autodiscover._tcp.example.org"),
        (OVH_EMAIL_PRO.ownership_owner("ab1cd", "example.org"), "ab1cd-check.example.org"),
        (
            dkim_owner("OVHEMP1-selector1", "example.org"),
            "ovhemp1-selector1._domainkey.example.org",
        ),
        (dmarc_owner("example.org."), "_dmarc.example.org"),
    ],
)
def test_owner_names(name: str, expected: str) -> None:
    """Owner names of the records, lower case without the trailing dot."""
    assert expected == name


# --- building profiles --------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"default_ttl": -1}, ValueError),
        ({"default_ttl": 2**31}, ValueError),
        ({"default_ttl": True}, ValueError),
        ({"autodiscover_port": 0}, ValueError),
        ({"mx": ("mx.example.net",)}, TypeError),
        ({"client_endpoints": ((MailProtocol.IMAP, 993),)}, TypeError),
        ({"login_policy": "default"}, TypeError),
        ({"password_policy": None}, TypeError),
    ],
)
def test_profile_refuses(changes: dict[str, Any], error: type[Exception]) -> None:
    """A profile with an impossible value is refused when it is built."""
    with pytest.raises(error):
        attrs.evolve(OVH_EMAIL_PRO, **changes)


@pytest.mark.parametrize(("port", "ok"), [(1, True), (65535, True), (0, False), (65536, False)])
def test_endpoint_port(port: int, ok: bool) -> None:
    """Endpoint ports are 1..65535."""
    if ok:
        assert port == EndpointSpec(MailProtocol.IMAP, port, Security.NONE).port
    else:
        with pytest.raises(ValueError, match="port"):
            EndpointSpec(MailProtocol.IMAP, port, Security.NONE)


def test_profile_pickles() -> None:
    """The default profile survives pickling."""
    expected = OVH_EMAIL_PRO
    assert expected == pickle.loads(pickle.dumps(OVH_EMAIL_PRO))


def test_profile_accepts_compiled_patterns() -> None:
    """A compiled regex is kept as given."""
    pattern = re.compile(r"mail(?P<number>[0-9]+)\.example\.net")
    profile = attrs.evolve(OVH_EMAIL_PRO, server_host_pattern=pattern)
    assert pattern is profile.server_host_pattern


# --- a made-up provider ----------------------------------------------------------

EXAMPLE_MAIL = Profile(
    name="Example Mail",
    mx=(MX(10, "in1.example-mail.net."), MX(20, "in2.example-mail.net.")),
    spf_include="_spf.example-mail.net",
    spf_all="-all",
    server_host_format="box{number}.example-mail.net",
    server_host_pattern=r"box(?P<number>[1-9][0-9]*)\.example-mail\.net",
    autodiscover_name="_autodiscover._tcp",
    autodiscover_priority=10,
    autodiscover_weight=5,
    autodiscover_port=8443,
    ownership_suffix="-verify",
    ownership_target="verify.example-mail.net",
    dkim_selector_prefix="em",
    dkim_selector_pattern=r"em[0-9]{4}",
    dkim_target_template=r"{selector}\.dkim\.example-mail\.net",
    relay_targets=("relay.example-mail.net",),
    default_relay_target="relay.example-mail.net",
    client_endpoints=(
        EndpointSpec(MailProtocol.IMAP, 143, Security.STARTTLS),
        EndpointSpec(MailProtocol.SMTP, 465, Security.SSL_TLS),
    ),
    default_ttl=300,
    dmarc_value="v=DMARC1; p=quarantine",
)


def test_other_provider_setup() -> None:
    """check_setup uses the profile's selectors, targets and tokens."""
    setup = DomainSetup(
        "example.org",
        server_number=3,
        ownership_token="tok123",
        dkim_selectors=[
            DkimSelector("em0001", "em0001.dkim.example-mail.net."),
            "ovhemp1-selector1",
        ],
        mode="nonAuthoritative",
        relay_target="box3.example-mail.net",
    )
    expected = ["relay.loop", "setup.bad_selector"]
    assert expected == [v.code for v in check_setup(setup, profile=EXAMPLE_MAIL)]


def test_other_provider_records() -> None:
    """expected_records builds every record from the profile, nothing from OVH."""
    setup = DomainSetup(
        "example.org",
        server_number=3,
        ownership_token="tok123",
        dkim_selectors=[DkimSelector("em0001", "em0001.dkim.example-mail.net."), "em0002"],
        dkim_enabled=True,
    )
    records = expected_records(setup, profile=EXAMPLE_MAIL)
    expected = [
        ("example.org", "MX", 300, "10 in1.example-mail.net."),
        ("example.org", "MX", 300, "20 in2.example-mail.net."),
        ("example.org", "TXT", 300, "v=spf1 include:_spf.example-mail.net -all"),
        ("_autodiscover._tcp.example.org", "SRV", 300, "10 5 8443 box3.example-mail.net."),
        ("tok123-verify.example.org", "CNAME", 300, "verify.example-mail.net."),
        ("em0001._domainkey.example.org", "CNAME", 300, "em0001.dkim.example-mail.net."),
        ("_dmarc.example.org", "TXT", 300, "v=DMARC1; p=quarantine"),
    ]
    assert expected == [(r.name, r.type, r.ttl, r.value) for r in records if r.is_exact]
    (pending,) = [r for r in records if not r.is_exact]
    expected_pending = ("em0002._domainkey.example.org", Requirement.REQUIRED)
    assert expected_pending == (pending.name, pending.requirement)
    assert pending.accepts("em0002.dkim.example-mail.net.")
    assert not pending.accepts("em0001.dkim.example-mail.net.")
    expected_rrsets = {
        (str(rrset.name), rrset.rdtype, rrset.ttl, frozenset(rrset))
        for rrset in records.to_rrsets()
    }
    assert expected_rrsets == _rrsets_of_zone(records.to_zone_text(), "example.org.")


def _rrsets_of_zone(text: str, origin: str) -> set[tuple[str, int, int, frozenset[object]]]:
    zone = dns.zone.from_text(text, origin=origin, relativize=False, check_origin=False)
    return {
        (str(name), rdataset.rdtype, rdataset.ttl, frozenset(rdataset))
        for name, node in zone.nodes.items()
        for rdataset in node
    }


def test_other_provider_client() -> None:
    """Client settings and autoconfig use the profile's host and endpoints."""
    settings = client_settings(3, profile=EXAMPLE_MAIL, address="ann@example.org")
    expected = [
        ("imap", "box3.example-mail.net", 143, "STARTTLS"),
        ("smtp", "box3.example-mail.net", 465, "SSL"),
    ]
    assert expected == [
        (e.protocol.value, e.host, e.port, e.security.value) for e in settings.endpoints
    ]
    root = ET.fromstring(autoconfig_xml(3, profile=EXAMPLE_MAIL, domain="example.org"))
    expected_xml = (["imap"], ["465"], "Example Mail")
    assert expected_xml == (
        [s.get("type") for s in root.iter("incomingServer")],
        [s.findtext("port") for s in root.iter("outgoingServer")],
        root.findtext("emailProvider/displayName"),
    )
