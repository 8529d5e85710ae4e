"""Mail-client settings and the autoconfig document."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import attrs
import pytest

from emailpro_core.domains import normalize_domain
from emailpro_core.errors import InvalidDomain, InvalidLogin, ValidationError
from emailpro_core.naming._naming import make_address
from emailpro_core.records._client import (
    AUTOCONFIG_USERNAME,
    ClientSettings,
    Endpoint,
    autoconfig_xml,
    client_settings,
)
from emailpro_core.records._profiles import OVH_EMAIL_PRO, EndpointSpec, MailProtocol, Security


@pytest.mark.parametrize(
    ("protocol", "port", "security"),
    [
        (MailProtocol.IMAP, 993, Security.SSL_TLS),
        (MailProtocol.POP3, 995, Security.SSL_TLS),
        (MailProtocol.SMTP, 587, Security.STARTTLS),
    ],
)
def test_endpoints(protocol: MailProtocol, port: int, security: Security) -> None:
    """Each protocol on pro<N>.mail.ovh.net with its port and security (D-EP1)."""
    settings = client_settings(3)
    expected = Endpoint(protocol, "pro3.mail.ovh.net", port, security)
    assert expected == settings.endpoint(protocol)


def test_incoming_outgoing() -> None:
    """IMAP and POP3 are incoming, SMTP outgoing."""
    settings = client_settings(1)
    expected = ([MailProtocol.IMAP, MailProtocol.POP3], [MailProtocol.SMTP])
    assert expected == (
        [e.protocol for e in settings.incoming],
        [e.protocol for e in settings.outgoing],
    )


@pytest.mark.parametrize(
    ("address", "username"),
    [
        (None, None),
        ("mary.johnson@example.org", "mary.johnson@example.org"),
        ("Mary@Bücher.Example.", "Mary@xn--bcher-kva.example"),
        (make_address("ann", "example.org"), "ann@example.org"),
    ],
)
def test_username_is_full_address(address: str | None, username: str | None) -> None:
    """The user name is the full address (D-EP1, D-OUTLOOK, D-ANDROID, D-GMAIL)."""
    assert username == client_settings(1, address=address).username


@pytest.mark.parametrize(
    ("address", "error", "codes"),
    [
        ("no-at-sign", ValidationError, ("address.missing_at",)),
        ("a@example.org", InvalidLogin, ("login.too_short",)),
        ("mary@bad..example", InvalidDomain, ("domain.empty_label",)),
    ],
)
def test_bad_address(address: str, error: type[ValidationError], codes: tuple[str, ...]) -> None:
    """An invalid address is refused with its codes."""
    with pytest.raises(error) as info:
        client_settings(1, address=address)
    assert codes == info.value.codes


@pytest.mark.parametrize("number", [0, -1, 10**60])
def test_bad_server_number(number: int) -> None:
    """A server number below 1 (or too long for a host) is a clear error."""
    with pytest.raises(ValidationError, match="server number") as info:
        client_settings(number)
    expected = ("setup.bad_server_number",)
    assert expected == info.value.codes


@pytest.mark.parametrize("number", ["1", None, 1.5, True])
def test_server_number_type(number: object) -> None:
    """A server number that is not an int is a TypeError."""
    with pytest.raises(TypeError, match="server number must be an int"):
        client_settings(number)  # type: ignore[arg-type]


def test_address_type() -> None:
    """An address that is not a str is a TypeError."""
    with pytest.raises(TypeError, match="address must be a str"):
        client_settings(1, address=b"a@b.example")  # type: ignore[arg-type]


def test_settings_to_dict() -> None:
    """The JSON view of the settings."""
    expected = {
        "host": "pro1.mail.ovh.net",
        "username": "mary@example.org",
        "endpoints": [
            {"protocol": "imap", "host": "pro1.mail.ovh.net", "port": 993, "security": "SSL"},
            {"protocol": "pop3", "host": "pro1.mail.ovh.net", "port": 995, "security": "SSL"},
            {"protocol": "smtp", "host": "pro1.mail.ovh.net", "port": 587, "security": "STARTTLS"},
        ],
    }
    assert expected == client_settings(1, address="mary@example.org").to_dict()


def test_settings_missing_protocol() -> None:
    """endpoint() is None for a protocol the provider does not offer."""
    settings = ClientSettings("h.example", None, ())
    assert settings.endpoint(MailProtocol.IMAP) is None


# --- autoconfig -----------------------------------------------------------------


def servers(root: ET.Element, tag: str) -> list[dict[str, str | None]]:
    """The servers of one kind in an autoconfig document, as dicts."""
    return [
        {"type": s.get("type")} | {child.tag: child.text for child in s} for s in root.iter(tag)
    ]


def test_autoconfig_document() -> None:
    """The document parses back with the expected servers (Thunderbird config-v1.1)."""
    text = autoconfig_xml(2, domain="Example.ORG")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<clientConfig version="1.1">')
    root = ET.fromstring(text)
    provider = root.find("emailProvider")
    assert provider is not None
    expected_head = ("1.1", "example.org", "example.org", "OVHcloud E-mail Pro (EU)", "example.org")
    assert expected_head == (
        root.get("version"),
        provider.get("id"),
        provider.findtext("domain"),
        provider.findtext("displayName"),
        provider.findtext("displayShortName"),
    )
    common = {
        "hostname": "pro2.mail.ovh.net",
        "username": AUTOCONFIG_USERNAME,
        "authentication": "password-cleartext",
    }
    expected_incoming = [
        {"type": "imap", "port": "993", "socketType": "SSL"} | common,
        {"type": "pop3", "port": "995", "socketType": "SSL"} | common,
    ]
    expected_outgoing = [{"type": "smtp", "port": "587", "socketType": "STARTTLS"} | common]
    assert expected_incoming == servers(root, "incomingServer")
    assert expected_outgoing == servers(root, "outgoingServer")


def test_autoconfig_child_order() -> None:
    """Server children come in the order clients expect."""
    root = ET.fromstring(autoconfig_xml(1, domain="example.org"))
    expected = ["hostname", "port", "socketType", "username", "authentication"]
    for server in [*root.iter("incomingServer"), *root.iter("outgoingServer")]:
        assert expected == [child.tag for child in server]


def test_autoconfig_names() -> None:
    """Display names are escaped; an IDN domain shows as A-labels and U-labels."""
    text = autoconfig_xml(
        1,
        domain=normalize_domain("bücher.example"),
        display_name='<Bücher & "Co">',
        display_short_name="B&C",
    )
    root = ET.fromstring(text)
    expected = ("xn--bcher-kva.example", '<Bücher & "Co">', "B&C")
    assert expected == (
        root.findtext("emailProvider/domain"),
        root.findtext("emailProvider/displayName"),
        root.findtext("emailProvider/displayShortName"),
    )
    short = ET.fromstring(autoconfig_xml(1, domain="bücher.example")).findtext(
        "emailProvider/displayShortName"
    )
    assert short == "bücher.example"


def test_autoconfig_plain_socket() -> None:
    """An endpoint without TLS is socketType plain."""
    profile = attrs.evolve(
        OVH_EMAIL_PRO, client_endpoints=(EndpointSpec(MailProtocol.IMAP, 143, Security.NONE),)
    )
    root = ET.fromstring(autoconfig_xml(1, profile=profile, domain="example.org"))
    expected = ["plain"]
    assert expected == [s.findtext("socketType") for s in root.iter("incomingServer")]


@pytest.mark.parametrize(
    ("kwargs", "character"),
    [
        ({"display_name": "a\x00b"}, "U+0000"),
        ({"display_short_name": "a\x1bb"}, "U+001B"),
        ({"display_name": "\ud800"}, "U+D800"),
        ({"display_name": "\uffff"}, "U+FFFF"),
    ],
)
def test_autoconfig_bad_text(kwargs: dict[str, str], character: str) -> None:
    """A character XML cannot carry is refused with its code point."""
    with pytest.raises(ValidationError) as info:
        autoconfig_xml(
            1,
            domain="example.org",
            display_name=kwargs.get("display_name"),
            display_short_name=kwargs.get("display_short_name"),
        )
    (violation,) = info.value.violations
    expected = ("client.bad_xml_text", character)
    assert expected == (violation.code, violation.params["character"])


def test_autoconfig_tab_newline_allowed() -> None:
    """Tab and newline are valid XML characters."""
    text = autoconfig_xml(1, domain="example.org", display_name="a\tb\nc")
    expected = "a\tb\nc"
    assert expected == ET.fromstring(text).findtext("emailProvider/displayName")


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"domain": "bad..example"}, InvalidDomain),
        ({"domain": 3}, TypeError),
        ({"domain": "example.org", "display_name": 3}, TypeError),
    ],
)
def test_autoconfig_bad_arguments(kwargs: dict[str, object], error: type[Exception]) -> None:
    """Bad domains and names are refused."""
    with pytest.raises(error):
        autoconfig_xml(1, **kwargs)  # type: ignore[arg-type]


def test_autoconfig_bad_server_number() -> None:
    """A bad server number is the same clear error as for client_settings."""
    with pytest.raises(ValidationError) as info:
        autoconfig_xml(0, domain="example.org")
    expected = ("setup.bad_server_number",)
    assert expected == info.value.codes
