"""Mail platforms: the hosts that reach them, their domains, mailboxes and aliases.

A :class:`Platform` is one mail service (an E-mail Pro service, an MX Plan, an
external server): a name, the host names that reach it, and its domains, each
held in a :class:`~emailpro_core.routing.DomainMode` with, when non-authoritative,
a relay target (API ``mxRelay``). Platforms are values: every change returns a
new platform.

>>> pro = Platform("emailpro-zz1111111-1", hosts="pro1.mail.ovh.net")
>>> pro = pro.with_domain("mydomain.ovh", mode=DomainMode.NON_AUTHORITATIVE,
...                       relay="mx1.mail.ovh.net")
>>> pro = pro.with_mailbox("mary.johnson@mydomain.ovh")
>>> pro.hosted("MyDomain.OVH.").relay
'mx1.mail.ovh.net'
>>> [v.code for v in check_relay_target("pro1.mail.ovh.net.", platform=pro,
...                                     mode=DomainMode.NON_AUTHORITATIVE)]
['relay.loop']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

import attrs

from .._violation import templated
from ..domains import Domain, normalize_domain
from ..errors import InvalidRelayTarget, RoutingError, Violation, require_str
from ..i18n._catalog import register
from ..naming import Address, parse_address
from ._modes import DomainMode, relay_analysis, relay_form

_T = TypeVar("_T")


#: The English templates of the platform rules; the French is in the package's
#: gettext catalog.
MESSAGES = register(
    {
        "platform.invalid_name": "a platform name is a non-empty line of printable characters",
        "platform.no_host": "a platform is reached through at least one host name",
        "platform.duplicate_domain": "a platform holds a domain only once",
        "platform.address_taken:alias": (
            "{address} is already an alias; an address is a mailbox or an alias"
        ),
        "platform.address_taken": (
            "{address} is already a mailbox; an address is a mailbox or an alias"
        ),
        "platform.unknown_mailbox": (
            "an alias delivers to a mailbox of the same platform; {mailbox} is not one"
        ),
        "platform.domain_not_hosted": (
            "the platform does not hold the domain {domain}; add it first"
        ),
    }
)


def _refuse(code: str, variant: str = "", /, **params: object) -> RoutingError:
    return RoutingError((templated(code, params, variant=variant),))


# --- domains as a platform holds them ------------------------------------------


def _as_domain(value: str | Domain) -> Domain:
    return value if isinstance(value, Domain) else normalize_domain(value)


def _login(value: str) -> str:
    # Mailbox look-up ignores the case of the login, as Address equality does.
    return require_str(value, "a login").lower()


def _logins(value: Iterable[str]) -> frozenset[str]:
    if isinstance(value, str):
        raise TypeError("mailboxes must be a collection of logins, not one str")
    return frozenset(_login(login) for login in value)


def _instances(value: Iterable[object], cls: type[_T], what: str) -> tuple[_T, ...]:
    """``value`` as a tuple, every item checked to be a ``cls`` (``TypeError`` if not)."""
    items: list[_T] = []
    for item in value:
        if not isinstance(item, cls):
            raise TypeError(f"{what} must be {cls.__name__} values, not {type(item).__name__}")
        items.append(item)
    return tuple(items)


def _aliases(value: Iterable[Alias]) -> frozenset[Alias]:
    return frozenset(_instances(value, Alias, "aliases"))


@attrs.frozen
class Alias:
    """An alias address of a domain, delivering to a mailbox of the same platform.

    Attributes:
        login: The alias's local part, in lower case (look-up ignores case).
        mailbox: The mailbox that receives the alias's mail.
    """

    login: str = attrs.field(converter=_login)
    mailbox: Address = attrs.field(validator=attrs.validators.instance_of(Address))


@attrs.frozen
class HostedDomain:
    """A domain as one platform holds it. Built by :meth:`Platform.with_domain`.

    Attributes:
        name: The domain.
        mode: Authoritative or non-authoritative.
        relay: The relay target (API ``mxRelay``), normalized; ``None`` when
            authoritative.
        mailboxes: The logins of the domain's mailboxes, in lower case.
        aliases: The domain's aliases.
    """

    name: Domain = attrs.field(converter=_as_domain)
    mode: DomainMode = attrs.field(validator=attrs.validators.instance_of(DomainMode))
    relay: str | None = attrs.field(default=None, converter=relay_form)
    mailboxes: frozenset[str] = attrs.field(default=frozenset(), converter=_logins)
    aliases: frozenset[Alias] = attrs.field(default=frozenset(), converter=_aliases)

    def resolve(self, login: str, /) -> Address | None:
        """The mailbox that receives mail for ``login`` (itself, or an alias's target).

        ``None`` when ``login`` is neither a mailbox nor an alias. Case is ignored.
        """
        key = login.lower()
        if key in self.mailboxes:
            return Address(key, self.name)
        return next((a.mailbox for a in self.aliases if a.login == key), None)


# --- platforms ----------------------------------------------------------------


def _check_name(instance: Platform, attribute: attrs.Attribute[str], value: str) -> None:
    require_str(value, "a platform name")
    if not value.strip() or not value.isprintable():
        raise _refuse("platform.invalid_name", name=value[:40])


def _host_names(value: str | Iterable[str]) -> tuple[str, ...]:
    hosts = (value,) if isinstance(value, str) else tuple(value)
    normalized = tuple(dict.fromkeys(normalize_domain(h).ascii for h in hosts))
    if not normalized:
        raise _refuse("platform.no_host")
    return normalized


def _sorted_domains(value: Iterable[HostedDomain]) -> tuple[HostedDomain, ...]:
    # One order whatever the order of the changes, so equal platforms compare equal.
    domains = _instances(value, HostedDomain, "domains")
    return tuple(sorted(domains, key=lambda hosted: hosted.name.ascii))


@attrs.frozen
class Platform:
    """One mail platform: its name, the hosts that reach it, and its domains.

    Change it with :meth:`with_domain`, :meth:`with_mailbox` and :meth:`with_alias`;
    each returns a new platform and checks the whole platform again.

    Attributes:
        name: The platform's name (for instance the service name
            ``emailpro-zz1111111-1``).
        hosts: The host names that reach it, normalized (a single ``str`` is one host).
        domains: Its domains, sorted by name.

    Raises:
        RoutingError: an empty name, no host, a domain listed twice, or an alias
            whose mailbox is missing or whose login is also a mailbox.
        InvalidRelayTarget: a domain's relay target breaks the relay rules.
        InvalidDomain: a host name is not a valid domain name.
    """

    name: str = attrs.field(validator=_check_name)
    hosts: tuple[str, ...] = attrs.field(kw_only=True, converter=_host_names)
    domains: tuple[HostedDomain, ...] = attrs.field(
        kw_only=True, default=(), converter=_sorted_domains
    )

    def __attrs_post_init__(self) -> None:
        names = [hosted.name.ascii for hosted in self.domains]
        if len(set(names)) != len(names):
            raise _refuse("platform.duplicate_domain")
        relay_problems = [
            v
            for hosted in self.domains
            for v in check_relay_target(hosted.relay, platform=self, mode=hosted.mode)
        ]
        if relay_problems:
            raise InvalidRelayTarget(relay_problems)
        alias_problems = [
            v
            for hosted in self.domains
            for alias in hosted.aliases
            for v in self._alias_violations(hosted, alias.login, alias.mailbox)
        ]
        if alias_problems:
            raise RoutingError(alias_problems)

    def hosted(self, domain: str | Domain, /) -> HostedDomain | None:
        """How this platform holds ``domain``, or ``None`` if it does not.

        Raises:
            InvalidDomain: ``domain`` is not a valid domain name.
        """
        name = _as_domain(domain).ascii
        return next((hosted for hosted in self.domains if hosted.name.ascii == name), None)

    def with_domain(
        self, domain: str | Domain, /, *, mode: DomainMode, relay: str | None = None
    ) -> Platform:
        """Add ``domain`` in ``mode``, or change the mode and relay of a domain it holds.

        The guide allows changing the mode later [D-EP1]; the domain keeps its
        mailboxes and aliases.

        Raises:
            InvalidRelayTarget: ``relay`` breaks :func:`check_relay_target`.
            InvalidDomain: ``domain`` is not a valid domain name.
        """
        name = _as_domain(domain)
        host = validate_relay_target(relay, platform=self, mode=mode)
        current = self.hosted(name)
        if current is None:
            updated = HostedDomain(name, mode, host)
        else:
            updated = attrs.evolve(current, mode=mode, relay=host)
        return self._replace(updated)

    def with_mailbox(self, address: str | Address, /) -> Platform:
        """Add a mailbox on one of the platform's domains (adding it again changes nothing).

        Raises:
            RoutingError: ``platform.domain_not_hosted``, or
                ``platform.address_taken`` when an alias has that address.
            ValidationError: ``address`` is not a valid address (see
                :func:`~emailpro_core.naming.parse_address`).
        """
        mailbox = _as_address(address)
        hosted = self.hosted(mailbox.domain)
        if hosted is None:
            raise RoutingError((_not_hosted(mailbox),))
        receiver = hosted.resolve(mailbox.login)
        if receiver is not None and receiver != mailbox:
            raise _refuse("platform.address_taken", "alias", address=str(mailbox))
        return self._replace(attrs.evolve(hosted, mailboxes=hosted.mailboxes | {mailbox.login}))

    def with_alias(self, alias: str | Address, /, *, mailbox: str | Address) -> Platform:
        """Add an alias delivering to ``mailbox`` (or point an existing alias there).

        Raises:
            RoutingError: every problem at once: ``platform.domain_not_hosted``,
                ``platform.unknown_mailbox``, ``platform.address_taken``.
            ValidationError: an address is not valid.
        """
        alias_address, target = _as_address(alias), _as_address(mailbox)
        hosted = self.hosted(alias_address.domain)
        violations = [] if hosted is not None else [_not_hosted(alias_address)]
        violations += self._alias_violations(hosted, alias_address.login, target)
        if violations or hosted is None:  # (hosted is None implies violations; for mypy)
            raise RoutingError(violations)
        key = alias_address.login.lower()
        others = frozenset(a for a in hosted.aliases if a.login != key)
        return self._replace(attrs.evolve(hosted, aliases=others | {Alias(key, target)}))

    def _alias_violations(
        self, hosted: HostedDomain | None, login: str, target: Address
    ) -> list[Violation]:
        found = []
        home = self.hosted(target.domain)
        if home is None or target.login.lower() not in home.mailboxes:
            found.append(templated("platform.unknown_mailbox", {"mailbox": str(target)}))
        if hosted is not None and login.lower() in hosted.mailboxes:
            found.append(
                templated("platform.address_taken", {"address": f"{login}@{hosted.name.ascii}"})
            )
        return found

    def _replace(self, updated: HostedDomain) -> Platform:
        others = [hosted for hosted in self.domains if hosted.name != updated.name]
        return attrs.evolve(self, domains=[*others, updated])


def _as_address(value: str | Address) -> Address:
    return value if isinstance(value, Address) else parse_address(value)


def _not_hosted(address: Address) -> Violation:
    return templated("platform.domain_not_hosted", {"domain": address.domain.ascii})


def check_relay_target(
    target: str | None, /, *, platform: Platform, mode: DomainMode
) -> tuple[Violation, ...]:
    """Every relay rule ``target`` breaks for a domain of ``platform`` in ``mode``.

    ``None``, or a string of only white space, means "no relay target". Rules
    [api ``mxRelay``; mgr M-DOM]: required in non-authoritative mode
    (``relay.required``) and refused in authoritative mode (``relay.not_allowed``);
    at most 255 characters (``relay.too_long``); a valid host name, one trailing dot
    tolerated (``relay.invalid_host``); never one of the platform's own hosts
    (``relay.loop``).

    Raises:
        TypeError: ``target`` is neither ``None`` nor a ``str``, or ``mode`` is not
            a :class:`DomainMode`.
    """
    return relay_analysis(target, mode, platform.hosts)[1]


def validate_relay_target(
    target: str | None, /, *, platform: Platform, mode: DomainMode
) -> str | None:
    """Return the relay target in normalized form if it is valid for ``platform`` in ``mode``.

    Returns:
        The host in A-labels, lower case, without its trailing dot; ``None`` when
        there is no relay target (``None`` or blank, as authoritative mode requires).

    Raises:
        InvalidRelayTarget: carrying every violation of :func:`check_relay_target`.
        TypeError: as :func:`check_relay_target`.
    """
    host, violations = relay_analysis(target, mode, platform.hosts)
    if violations:
        raise InvalidRelayTarget(violations)
    return host
