"""Mail-client settings (IMAP, POP3, SMTP) and Thunderbird-style autoconfig documents.

Every E-mail Pro account connects to its service's host ``pro<N>.mail.ovh.net``,
``N`` being the server number shown in the control panel's Connection box, with the
full e-mail address as the user name (D-EP1, D-OUTLOOK, D-ANDROID, D-GMAIL).

>>> from emailpro_core.records import OVH_EMAIL_PRO
>>> settings = client_settings(2, profile=OVH_EMAIL_PRO, address="mary@example.org")
>>> for e in settings.endpoints:
...     print(e.protocol.value, e.host, e.port, e.security.value)
imap pro2.mail.ovh.net 993 SSL
pop3 pro2.mail.ovh.net 995 SSL
smtp pro2.mail.ovh.net 587 STARTTLS
>>> settings.username
'mary@example.org'
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import attrs

from .._violation import templated
from ..domains import Domain, normalize_domain
from ..errors import ValidationError, require_str
from ..i18n._catalog import register
from ..naming import Address, parse_address
from ._profiles import OVH_EMAIL_PRO, MailProtocol, Profile, Security

_XML_BAD = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")

#: The autoconfig placeholder a client replaces with the address typed by the user.
AUTOCONFIG_USERNAME = "%EMAILADDRESS%"


@attrs.frozen
class Endpoint:
    """Where and how a mail client connects for one protocol.

    Attributes:
        protocol: IMAP, POP3 or SMTP.
        host: The server host (lower case, no trailing dot).
        port: The TCP port.
        security: Implicit TLS (``SSL``), ``STARTTLS`` or none.
    """

    protocol: MailProtocol
    host: str
    port: int
    security: Security


@attrs.frozen
class ClientSettings:
    """A mail client's settings for one account.

    Attributes:
        host: The service host (``pro<N>.mail.ovh.net``).
        username: The user name (the full address) when an address was given,
            else ``None``: the user name is then the account's full address.
        endpoints: The endpoints, in the profile's order (IMAP, POP3, SMTP).
    """

    host: str
    username: str | None
    endpoints: tuple[Endpoint, ...]

    def endpoint(self, protocol: MailProtocol, /) -> Endpoint | None:
        """The preferred endpoint for ``protocol``, or ``None``."""
        return next((e for e in self.endpoints if e.protocol is protocol), None)

    @property
    def incoming(self) -> tuple[Endpoint, ...]:
        """The endpoints for reading mail (IMAP, POP3)."""
        return tuple(e for e in self.endpoints if e.protocol.incoming)

    @property
    def outgoing(self) -> tuple[Endpoint, ...]:
        """The endpoints for sending mail (SMTP)."""
        return tuple(e for e in self.endpoints if not e.protocol.incoming)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready view: ``{"host", "username", "endpoints": [{...}]}``."""
        return {
            "host": self.host,
            "username": self.username,
            "endpoints": [
                {
                    "protocol": e.protocol.value,
                    "host": e.host,
                    "port": e.port,
                    "security": e.security.value,
                }
                for e in self.endpoints
            ],
        }


def client_settings(
    server_number: int,
    /,
    *,
    profile: Profile = OVH_EMAIL_PRO,
    address: str | Address | None = None,
) -> ClientSettings:
    """The client settings of the service with ``server_number`` (``pro<N>``).

    Raises:
        ValidationError: the server number is below 1 or too long for a host
            (``setup.bad_server_number``), or ``address`` is not a valid address
            (``address.*``, ``login.*`` or ``domain.*`` codes).
        TypeError: ``server_number`` is not an ``int``, or ``address`` not a ``str``.
    """
    host = profile.server_host(server_number)
    username = None
    if address is not None:
        if not isinstance(address, Address):
            address = parse_address(require_str(address, "an address"), policy=profile.login_policy)
        # D-EP1, D-OUTLOOK, D-ANDROID, D-GMAIL: the user name is the full address.
        username = address.ascii
    endpoints = tuple(
        Endpoint(spec.protocol, host, spec.port, spec.security) for spec in profile.client_endpoints
    )
    return ClientSettings(host, username, endpoints)


#: The English templates of the client-settings rules, one wording per field (the
#: variant); the French is in the package's gettext catalog.
MESSAGES = register(
    {
        f"client.bad_xml_text:{what.replace(' ', '_')}": (
            f"the {what} contains {{character}}, which XML cannot carry as is"
        )
        for what in ("display name", "display short name")
    }
)


def _xml_text(value: str, what: str) -> str:
    # XML 1.0 §2.2 Char: no NUL, no C0 controls but tab/LF/CR, no surrogates, no FFFE/FFFF.
    # CR is refused too: §2.11 end-of-line handling turns it into LF when read back.
    require_str(value, f"a {what}")
    bad = _XML_BAD.search(value)
    if bad is not None:
        raise ValidationError(
            (
                templated(
                    "client.bad_xml_text",
                    {"position": bad.start(), "character": f"U+{ord(bad.group()):04X}"},
                    variant=what.replace(" ", "_"),
                ),
            ),
            what,
        )
    return value


def _server(parent: ET.Element, tag: str, endpoint: Endpoint) -> None:
    server = ET.SubElement(parent, tag, {"type": endpoint.protocol.value})
    ET.SubElement(server, "hostname").text = endpoint.host
    ET.SubElement(server, "port").text = str(endpoint.port)
    ET.SubElement(server, "socketType").text = endpoint.security.value
    ET.SubElement(server, "username").text = AUTOCONFIG_USERNAME
    # Over TLS the password is sent as is (AUTH PLAIN/LOGIN); no guide mentions
    # a challenge-response mechanism for E-mail Pro.
    ET.SubElement(server, "authentication").text = "password-cleartext"


def autoconfig_xml(
    server_number: int,
    /,
    *,
    domain: str | Domain,
    profile: Profile = OVH_EMAIL_PRO,
    display_name: str | None = None,
    display_short_name: str | None = None,
) -> str:
    """A Thunderbird autoconfig document (``config-v1.1.xml``) for ``domain``.

    The document has one ``incomingServer`` per IMAP and POP3 endpoint (IMAP
    first: clients take the first they can use), one ``outgoingServer`` per SMTP
    endpoint, and ``%EMAILADDRESS%`` as the user name. It is UTF-8 XML with its
    declaration.

    Raises:
        ValidationError: a bad server number, ``InvalidDomain`` for ``domain``, or
            ``client.bad_xml_text`` for a name with a character XML cannot carry.
        TypeError: an argument has the wrong type.
    """
    settings = client_settings(server_number, profile=profile)
    if not isinstance(domain, Domain):
        domain = normalize_domain(require_str(domain, "a domain"))
    root = ET.Element("clientConfig", {"version": "1.1"})
    provider = ET.SubElement(root, "emailProvider", {"id": domain.ascii})
    ET.SubElement(provider, "domain").text = domain.ascii
    long_name = profile.name if display_name is None else display_name
    short_name = domain.unicode if display_short_name is None else display_short_name
    ET.SubElement(provider, "displayName").text = _xml_text(long_name, "display name")
    ET.SubElement(provider, "displayShortName").text = _xml_text(short_name, "display short name")
    for endpoint in settings.incoming:
        _server(provider, "incomingServer", endpoint)
    for endpoint in settings.outgoing:
        _server(provider, "outgoingServer", endpoint)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
