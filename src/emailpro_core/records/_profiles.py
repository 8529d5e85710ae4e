"""Provider profiles: the provider-specific values behind the records and the client settings.

Everything that differs from one hosted e-mail provider to another lives in a
frozen :class:`Profile`, never in code. :data:`OVH_EMAIL_PRO` is the default: the
EU values of OVHcloud E-mail Pro, each with its source. Build your own ``Profile``
(or ``attrs.evolve`` this one) for another provider.

>>> OVH_EMAIL_PRO.server_host(3)
'pro3.mail.ovh.net'
>>> OVH_EMAIL_PRO.server_number_of("PRO12.mail.ovh.net.")
12
>>> OVH_EMAIL_PRO.spf_value
'v=spf1 include:mx.ovh.com ~all'
>>> OVH_EMAIL_PRO.is_dkim_selector("ovhemp123456-selector1")
True
>>> OVH_EMAIL_PRO.ownership_label("ab1cd")
'ab1cd-check'
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterable

import attrs

from .._violation import templated
from ..errors import ValidationError, Violation
from ..i18n._catalog import register
from ..naming import LoginPolicy
from ..password import PasswordPolicy
from ..sources._answers import MX, normalize_name

# RFC 2181 §8: a TTL is an unsigned 31-bit number of seconds.
_MAX_TTL = 2**31 - 1
# RFC 1035 §2.3.4: a label is at most 63 octets; the server host's first label must fit.
_MAX_LABEL = 63


class MailProtocol(enum.Enum):
    """A mail-client protocol; values are the ``type`` names of Thunderbird autoconfig."""

    IMAP = "imap"
    POP3 = "pop3"
    SMTP = "smtp"

    @property
    def incoming(self) -> bool:
        """Whether clients read mail with it (IMAP, POP3) rather than send (SMTP)."""
        return self is not MailProtocol.SMTP


class Security(enum.Enum):
    """How a client connection is protected; values are autoconfig ``socketType`` names."""

    SSL_TLS = "SSL"  # TLS from the first byte (implicit TLS, RFC 8314 §3)
    STARTTLS = "STARTTLS"  # plain connection upgraded with STARTTLS (RFC 3207, RFC 2595)
    NONE = "plain"


def _check_port(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise ValueError(f"{attribute.name} must be an int port in 1..65535, not {value!r}")


@attrs.frozen
class EndpointSpec:
    """One client endpoint of a provider, on the server host of the service.

    Attributes:
        protocol: IMAP, POP3 or SMTP.
        port: The TCP port.
        security: Implicit TLS, STARTTLS or none.
    """

    protocol: MailProtocol = attrs.field(validator=attrs.validators.instance_of(MailProtocol))
    port: int = attrs.field(validator=_check_port)
    security: Security = attrs.field(validator=attrs.validators.instance_of(Security))


def _compile(value: str | re.Pattern[str]) -> re.Pattern[str]:
    # Host names and selectors compare case-insensitively (RFC 4343).
    if isinstance(value, re.Pattern):
        return value
    return re.compile(value, re.IGNORECASE)


def _names(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(normalize_name(v) for v in values)


def _mx_records(values: Iterable[MX]) -> tuple[MX, ...]:
    out = tuple(values)
    if not all(isinstance(v, MX) for v in out):
        raise TypeError("mx must be a sequence of dnsdata.MX values")
    return out


def _endpoints(values: Iterable[EndpointSpec]) -> tuple[EndpointSpec, ...]:
    out = tuple(values)
    if not all(isinstance(v, EndpointSpec) for v in out):
        raise TypeError("client_endpoints must be a sequence of EndpointSpec values")
    return out


def _check_ttl(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_TTL:
        raise ValueError(f"default_ttl must be an int in 0..{_MAX_TTL}, not {value!r}")


#: The English template of the server-number rule; the French is in the package's
#: gettext catalog.
MESSAGES = register(
    {
        "setup.bad_server_number": (
            "the server number must be a whole number from 1 (pro1), not {number}"
        ),
    }
)


def check_server_number(number: int, /) -> tuple[Violation, ...]:
    """Return the violations of a service's server number (``N`` in ``pro<N>.mail.ovh.net``).

    >>> [v.code for v in check_server_number(0)]
    ['setup.bad_server_number']
    >>> check_server_number(2)
    ()

    Raises:
        TypeError: ``number`` is not an ``int`` (a ``bool`` is refused too).
    """
    if isinstance(number, bool) or not isinstance(number, int):
        raise TypeError(f"a server number must be an int, not {type(number).__name__}")
    # pro1 is the first server (D-OLA-FR: pro1.mail.ovh.net, pro2.mail.ovh.net, etc.);
    # the number must also keep the host's first label within 63 octets.
    if number < 1 or len(str(number)) > _MAX_LABEL - 8:
        return (templated("setup.bad_server_number", {"number": number, "minimum": 1}),)
    return ()


@functools.lru_cache(maxsize=64)
def _template_regex(template: str) -> re.Pattern[str]:
    # The selector becomes a group; a second mention must repeat the first.
    body = template.replace("{selector}", "(?P<selector>.+?)", 1)
    body = body.replace("{selector}", "(?P=selector)")
    return re.compile(rf"(?:{body})\.?", re.IGNORECASE)


# A profile keys what is remembered per profile (the provider's sending address,
# the values every domain shares), once per domain checked: its hash, over all
# its fields and policies, is made once.
@attrs.frozen(cache_hash=True, repr=False)
class Profile:
    """The provider-specific values of a hosted e-mail service.

    Host names are kept lower case without a trailing dot; regular expressions
    accept a ``str`` (compiled case-insensitively) or a compiled pattern and are
    used with ``fullmatch``. The repr shows the name alone
    (``<Profile 'OVHcloud E-mail Pro (EU)'>``); equality and the hash still
    compare every field.

    Attributes:
        name: A human name for the profile.
        mx: The MX records the domain must publish (preference, exchange).
        spf_include: The domain the SPF record includes (``include:<spf_include>``).
        spf_all: The final ``all`` term of the recommended SPF record.
        server_host_format: ``str.format`` template of the service host, with ``{number}``.
        server_host_pattern: Regex of a service host, with a group ``number``.
        autodiscover_name: The owner of the autodiscover SRV, relative to the domain.
        autodiscover_priority: Its priority.
        autodiscover_weight: Its weight.
        autodiscover_port: Its port (its target is the service host).
        ownership_suffix: Appended to the ownership token to make the CNAME's label.
        ownership_target: The target of the ownership CNAME.
        dkim_selector_prefix: How the provider's DKIM selectors start.
        dkim_selector_pattern: Regex of a valid selector name.
        dkim_target_template: Regex of a DKIM CNAME target, where the literal text
            ``{selector}`` stands for the (escaped) selector; see :meth:`dkim_target_regex`.
        relay_targets: Hosts that relay to the provider's other mailboxes.
        default_relay_target: The relay target the control panel suggests.
        client_endpoints: IMAP, POP3 and SMTP endpoints, preferred first per protocol.
        default_ttl: The TTL of every expected record.
        dmarc_value: The recommended DMARC record.
        login_policy: The rules of account logins (the strict default of
            :meth:`LoginPolicy.default`).
        password_policy: The rules of passwords (:meth:`PasswordPolicy.default`).
    """

    name: str
    mx: tuple[MX, ...] = attrs.field(converter=_mx_records)
    spf_include: str = attrs.field(converter=normalize_name)
    server_host_format: str
    server_host_pattern: re.Pattern[str] = attrs.field(converter=_compile)
    ownership_target: str = attrs.field(converter=normalize_name)
    dkim_selector_prefix: str
    dkim_selector_pattern: re.Pattern[str] = attrs.field(converter=_compile)
    dkim_target_template: str
    relay_targets: tuple[str, ...] = attrs.field(converter=_names)
    default_relay_target: str = attrs.field(converter=normalize_name)
    client_endpoints: tuple[EndpointSpec, ...] = attrs.field(converter=_endpoints)
    spf_all: str = "~all"
    autodiscover_name: str = "_autodiscover._tcp"
    autodiscover_priority: int = 0
    autodiscover_weight: int = 0
    autodiscover_port: int = attrs.field(default=443, validator=_check_port)
    ownership_suffix: str = "-check"
    default_ttl: int = attrs.field(default=3600, validator=_check_ttl)
    dmarc_value: str = "v=DMARC1; p=none"
    login_policy: LoginPolicy = attrs.field(
        factory=LoginPolicy.default, validator=attrs.validators.instance_of(LoginPolicy)
    )
    password_policy: PasswordPolicy = attrs.field(
        factory=PasswordPolicy.default, validator=attrs.validators.instance_of(PasswordPolicy)
    )

    def __repr__(self) -> str:
        # Short on purpose: the profile is the default of many signatures, and a
        # repr of every field would fill help() and inspect.signature() with it.
        return f"<Profile {self.name!r}>"

    @property
    def spf_value(self) -> str:
        """The recommended SPF record (RFC 7208 §4.5 ``v=spf1``, an include, then ``all``)."""
        return f"v=spf1 include:{self.spf_include} {self.spf_all}"

    def server_host(self, number: int, /) -> str:
        """The service host for a server number (``pro<N>.mail.ovh.net``).

        Raises:
            ValidationError: the number is below 1 or too long for a host name.
            TypeError: ``number`` is not an ``int``.
        """
        violations = check_server_number(number)
        if violations:
            raise ValidationError(violations, subject="server number")
        return normalize_name(self.server_host_format.format(number=number))

    def server_number_of(self, host: str, /) -> int | None:
        """The server number in a service host, or ``None`` when ``host`` is not one."""
        match = self.server_host_pattern.fullmatch(normalize_name(host))
        if match is None:
            return None
        return int(match.group("number"))

    def is_dkim_selector(self, selector: str, /) -> bool:
        """Whether ``selector`` is named as the provider names its DKIM selectors."""
        return self.dkim_selector_pattern.fullmatch(selector) is not None

    def dkim_target_pattern(self, selector: str, /) -> str:
        """The regex text a DKIM CNAME target of ``selector`` matches (trailing dot optional).

        >>> pattern = OVH_EMAIL_PRO.dkim_target_pattern("ovhemp1-selector1")
        >>> bool(re.fullmatch(pattern, "ovhemp1-selector1._domainkey.1500.ab.dkim.mail.ovh.net"))
        True
        """
        # str.replace, not str.format: the template's regex braces ({2}) stay as they are.
        body = self.dkim_target_template.replace("{selector}", re.escape(selector))
        return rf"(?:{body})\.?"

    def dkim_target_regex(self, selector: str, /) -> re.Pattern[str]:
        """:meth:`dkim_target_pattern`, compiled (case-insensitive).

        >>> rx = OVH_EMAIL_PRO.dkim_target_regex("ovhemp1-selector1")
        >>> bool(rx.fullmatch("ovhemp1-selector1._domainkey.1675.ac.dkim.mail.ovh.net."))
        True
        >>> bool(rx.fullmatch("ovhemp2-selector1._domainkey.1675.ac.dkim.mail.ovh.net"))
        False
        """
        return re.compile(self.dkim_target_pattern(selector), re.IGNORECASE)

    def is_dkim_target(self, selector: str, target: str, /) -> bool:
        """Whether ``target`` matches :meth:`dkim_target_regex` of ``selector``.

        The same answer without compiling a regex per selector: the template is
        compiled once with the selector as a group, and the group is compared.

        >>> OVH_EMAIL_PRO.is_dkim_target("ovhemp1-selector1",
        ...     "OVHemp1-selector1._domainkey.1675.ac.dkim.mail.ovh.net.")
        True
        >>> OVH_EMAIL_PRO.is_dkim_target("ovhemp1-selector1",
        ...     "ovhemp2-selector1._domainkey.1675.ac.dkim.mail.ovh.net")
        False
        """
        match = _template_regex(self.dkim_target_template).fullmatch(target)
        return match is not None and match.group("selector").lower() == selector.lower()

    def ownership_label(self, token: str, /) -> str:
        """The label of the ownership CNAME: ``token`` with the suffix, added once."""
        token = token.lower()
        if self.ownership_suffix and token.endswith(self.ownership_suffix.lower()):
            return token
        return token + self.ownership_suffix.lower()

    def autodiscover_owner(self, domain: str, /) -> str:
        """The owner name of the autodiscover SRV under ``domain`` (no trailing dot)."""
        return _below(self.autodiscover_name, domain)

    def ownership_owner(self, token: str, domain: str, /) -> str:
        """The owner name of the ownership CNAME (``<token>-check.<domain>``)."""
        return _below(self.ownership_label(token), domain)

    def endpoint(self, protocol: MailProtocol, /) -> EndpointSpec | None:
        """The preferred endpoint for ``protocol``, or ``None`` if the provider has none."""
        return next((e for e in self.client_endpoints if e.protocol is protocol), None)


def _below(label: str, domain: str) -> str:
    domain = normalize_name(domain)
    return f"{label.lower()}.{domain}" if label else domain


def dkim_owner(selector: str, domain: str, /) -> str:
    """The owner name of a DKIM key record (RFC 6376 §3.6.2.1: ``<s>._domainkey.<d>``)."""
    return f"{selector.lower()}._domainkey.{normalize_name(domain)}"


def dmarc_owner(domain: str, /) -> str:
    """The owner name of a DMARC record (RFC 7489 §6.1: ``_dmarc.<domain>``)."""
    return f"_dmarc.{normalize_name(domain)}"


def _ovh_email_pro() -> Profile:
    return Profile(
        name="OVHcloud E-mail Pro (EU)",
        # D-MX (EU, "must be configured"): mx0..mx4.mail.ovh.net. at 1/5/50/100/200,
        # TTL 3600. Whether the provider's own mxIsValid accepts a subset is UNCONFIRMED.
        mx=(
            MX(1, "mx0.mail.ovh.net"),
            MX(5, "mx1.mail.ovh.net"),
            MX(50, "mx2.mail.ovh.net"),
            MX(100, "mx3.mail.ovh.net"),
            MX(200, "mx4.mail.ovh.net"),
        ),
        # D-SPF: "the OVHcloud SPF is: v=spf1 include:mx.ovh.com ~all" (E-mail Pro listed).
        spf_include="mx.ovh.com",
        spf_all="~all",
        # D-EP1, D-OUTLOOK, D-OLA-FR: pro?.mail.ovh.net, "?" the server number
        # (pro1, pro2, ...). The regex is inferred from those examples.
        server_host_format="pro{number}.mail.ovh.net",
        server_host_pattern=r"pro(?P<number>[1-9][0-9]*)\.mail\.ovh\.net",
        # Inferred (UNCONFIRMED for E-mail Pro): D-EXDIAG gives 0 0 443 <host> for
        # Exchange; [obs] _autodiscover._tcp.securas.fr SRV 0 0 443 pro1.mail.ovh.net.
        autodiscover_name="_autodiscover._tcp",
        autodiscover_priority=0,
        autodiscover_weight=0,
        autodiscover_port=443,
        # D-CNAME: sub-domain "xxxxx-check", target "ovh.com."; M-DOM cnameRedirection.
        ownership_suffix="-check",
        ownership_target="ovh.com",
        # D-DKIM: ovhemp<digits>-selector1/2 (observed with 6-7 digits; any count
        # accepted). The target regex is inferred from the guide's examples (1675.ac,
        # 1500.ab) and observed values, not documented.
        dkim_selector_prefix="ovhemp",
        dkim_selector_pattern=r"ovhemp[0-9]+-selector[12]",
        dkim_target_template=r"{selector}\._domainkey\.[0-9]+\.[a-z]{2}\.dkim\.mail\.ovh\.net",
        # D-EP1: "mx1.mail.ovh.net (works the same way with mx0 ... mx4)";
        # M-DOM add.constants.js DEFAULT_OVH_TARGET_SERVER_URL = 'mx1.mail.ovh.net'.
        relay_targets=tuple(f"mx{i}.mail.ovh.net" for i in range(5)),
        default_relay_target="mx1.mail.ovh.net",
        # D-EP1, D-OUTLOOK, D-ANDROID, D-GMAIL: IMAP 993 SSL/TLS, POP3 995 SSL/TLS,
        # SMTP 587 STARTTLS.
        client_endpoints=(
            EndpointSpec(MailProtocol.IMAP, 993, Security.SSL_TLS),
            EndpointSpec(MailProtocol.POP3, 995, Security.SSL_TLS),
            EndpointSpec(MailProtocol.SMTP, 587, Security.STARTTLS),
        ),
        # D-MX: TTL 3600 in the guide's records.
        default_ttl=3600,
        # Beyond the provider's own checks: a monitoring-only policy (RFC 7489 §6.3
        # p=none) is the safe first step; not an OVHcloud requirement.
        dmarc_value="v=DMARC1; p=none",
        # The strict intersections of guide and control panel (D-EP1 ∩ M-ACC, M-PWD):
        # a value they accept is accepted by every source.
        login_policy=LoginPolicy.default(),
        password_policy=PasswordPolicy.default(),
    )


#: The default profile: OVHcloud E-mail Pro, EU values (the product looks EU-only;
#: no CA or US E-mail Pro host was found, UNCONFIRMED).
OVH_EMAIL_PRO: Profile = _ovh_email_pro()
