"""A domain's setup on the platform: what the expected DNS records are built from.

A :class:`DomainSetup` states what is known about one domain: its mode, its relay
target, the server number of the service, whether its zone is managed in the same
account, the ownership token, and its DKIM selectors. :func:`check_setup` returns
every contradiction at once; :func:`validate_setup` and :meth:`DomainSetup.create`
raise one :class:`InvalidSetup` carrying them all.

>>> setup = DomainSetup("Example.ORG.", server_number=2, ownership_token="AB1CD-check")
>>> setup.domain.ascii, setup.ownership_token
('example.org', 'ab1cd-check')
>>> check_setup(setup)
()
>>> [v.code for v in check_setup(DomainSetup("example.org", mode="authoritative",
...                                          relay_target="mx1.mail.ovh.net"))]
['relay.not_allowed']
>>> DomainSetup.from_dict(setup.to_dict()) == setup
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from .._apijson import at, raise_if
from .._violation import templated
from ..domains import Domain, check_domain_name, normalize_domain
from ..errors import InvalidSetup, Violation, require_str
from ..i18n._catalog import register
from ..routing._modes import DomainMode, relay_form
from ._profiles import OVH_EMAIL_PRO, Profile
from ._setup_api import read_setup, rule_path
from ._setup_rules import setup_violations, shown

#: The English templates of the setup-reading rules; the French is in the package's
#: gettext catalog.
MESSAGES = register(
    {
        "setup.unknown_key": "unknown setup key {key!r}",
        "setup.missing_domain": "a setup needs a domain",
    }
)

_KEYS = (
    "domain",
    "mode",
    "relay_target",
    "server_number",
    "managed_in_account",
    "ownership_token",
    "dkim_selectors",
    "dkim_enabled",
)


def _host(value: str | None) -> str | None:
    # One trailing dot (absolute form) and case do not matter in a host name.
    if value is None:
        return None
    value = require_str(value, "a host name").lower()
    return value[:-1] if value.endswith(".") else value


def _lower(value: str | None) -> str | None:
    return None if value is None else require_str(value, "an ownership token").lower()


def _selector_name(value: str) -> str:
    return require_str(value, "a DKIM selector").lower()


@attrs.frozen
class DkimSelector:
    """A DKIM selector of the domain, and the exact target of its CNAME when known.

    Attributes:
        name: The selector (``ovhemp123456-selector1``), lower case.
        target: The CNAME target the provider gave (API ``targetRecord``), lower
            case without a trailing dot, or ``None`` when only its pattern is known.
    """

    name: str = attrs.field(converter=_selector_name)
    target: str | None = attrs.field(default=None, converter=_host)


def _selectors(values: Iterable[DkimSelector | str]) -> tuple[DkimSelector, ...]:
    if isinstance(values, str):
        raise TypeError("dkim_selectors must be a sequence of selectors, not one str")
    out = []
    for value in values:
        if isinstance(value, str):
            value = DkimSelector(value)
        elif not isinstance(value, DkimSelector):
            raise TypeError(f"a DKIM selector must be a str or DkimSelector, not {type(value)}")
        out.append(value)
    return tuple(out)


def _domain(value: str | Domain) -> Domain:
    if isinstance(value, Domain):
        return value
    return normalize_domain(require_str(value, "a domain"))


def _mode(value: DomainMode | str | None) -> DomainMode | None:
    if value is None or isinstance(value, DomainMode):
        return value
    return DomainMode.parse(require_str(value, "a domain mode"))


def _optional_int(instance: object, attribute: attrs.Attribute[int | None], value: object) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise TypeError(f"{attribute.name} must be an int or None, not {type(value).__name__}")


_BOOL = attrs.validators.instance_of(bool)


@attrs.frozen
class DomainSetup:
    """What is known about one domain on the platform.

    Attributes:
        domain: The domain, normalized (a ``str`` is passed through
            :func:`~emailpro_core.domains.normalize_domain`).
        mode: Authoritative or non-authoritative (a ``str`` in the API or control
            panel spelling is accepted), or ``None`` when not stated: the DNS
            records do not depend on it.
        relay_target: The relay host (API ``mxRelay``) of a non-authoritative
            domain, or ``None`` (also for a blank string). A valid host name is
            normalized (A-labels, lower case, no trailing dot); an invalid one is
            kept as given for :func:`check_setup` to report.
        server_number: ``N`` of the service host ``pro<N>.mail.ovh.net``, or
            ``None`` when unknown.
        managed_in_account: Whether the DNS zone is managed in the same account
            as the e-mail service; then no ownership CNAME is needed (D-CNAME).
        ownership_token: The API's ``cnameToCheck``, lower case, kept as given:
            with or without the ``-check`` suffix (the profile adds the suffix
            when it is missing, see :meth:`Profile.ownership_label`).
        dkim_selectors: The domain's DKIM selectors, in order.
        dkim_enabled: Whether DKIM signing is to be enabled.
    """

    domain: Domain = attrs.field(converter=_domain)
    mode: DomainMode | None = attrs.field(default=None, converter=_mode, kw_only=True)
    relay_target: str | None = attrs.field(default=None, converter=relay_form, kw_only=True)
    server_number: int | None = attrs.field(default=None, validator=_optional_int, kw_only=True)
    managed_in_account: bool = attrs.field(default=False, validator=_BOOL, kw_only=True)
    ownership_token: str | None = attrs.field(default=None, converter=_lower, kw_only=True)
    dkim_selectors: tuple[DkimSelector, ...] = attrs.field(
        default=(), converter=_selectors, kw_only=True
    )
    dkim_enabled: bool = attrs.field(default=False, validator=_BOOL, kw_only=True)

    @classmethod
    def create(
        cls,
        domain: str | Domain,
        /,
        *,
        profile: Profile = OVH_EMAIL_PRO,
        **fields: Any,
    ) -> DomainSetup:
        """Build a setup and check it; raise :class:`InvalidSetup` with every violation.

        Unlike the constructor, an invalid domain name is reported together with
        the other violations (its ``domain.*`` codes).

        Raises:
            InvalidSetup: the setup breaks one or more rules.
            TypeError: a field has the wrong type.
        """
        found: tuple[Violation, ...] = ()
        if not isinstance(domain, Domain):
            found = check_domain_name(require_str(domain, "a domain"))
            if found:
                # A stand-in, never returned: lets the other fields be checked too.
                domain = Domain("invalid.invalid", "invalid.invalid")
        setup = cls(domain, **fields)
        found += check_setup(setup, profile=profile)
        if found:
            raise InvalidSetup(found)
        return setup

    @classmethod
    def from_api(
        cls,
        domain: Mapping[str, object],
        /,
        *,
        dkim: Iterable[Mapping[str, object]] = (),
        service: Mapping[str, object] | None = None,
        managed_in_account: bool = False,
        profile: Profile = OVH_EMAIL_PRO,
    ) -> DomainSetup:
        """The setup of a domain from the API's objects, as the API returns them.

        ``domain`` is the JSON object of ``GET /email/pro/{service}/domain/{domainName}``
        (``email.pro.DomainNative``); ``dkim`` the objects of
        ``GET …/domain/{domainName}/dkim/{selectorName}`` (``email.pro.Dkim``), a
        list or one object alone; ``service`` the service object, whose
        ``hostname`` gives the server number when ``expectedAutodiscoverSRV``
        does not. Required keys: ``name`` and ``type`` of the domain,
        ``selectorName`` of each DKIM object; other keys are type-checked when
        read and ignored otherwise (the table in ``docs/ovh-api.md``). The API does
        not say whether the zone is managed in the service's account:
        ``managed_in_account`` does.

        The setup is checked (:func:`check_setup`) before it is returned.

        Raises:
            InvalidApiObject: every problem at once, each with its JSON path:
                ``api.*`` codes for the objects' shape and for objects that
                disagree (``api.other_domain``, ``api.selector_mismatch``,
                ``api.server_mismatch``), and the rule's own code for a value
                that breaks it (``domain.*``, ``relay.*``, ``setup.*``).
            TypeError: ``managed_in_account`` is not a ``bool``.
        """
        if not isinstance(managed_in_account, bool):
            raise TypeError(
                f"managed_in_account must be a bool, not {type(managed_in_account).__name__}"
            )
        problems: list[Violation] = []
        fields = read_setup(domain, dkim, service, profile, problems)
        if fields is None:  # a required value could not be read
            raise_if(problems)
        assert fields is not None  # every required value was read: no problem otherwise
        pairs: list[tuple[str, str | None]] = fields.pop("dkim_selectors")  # type: ignore[assignment]
        fields["dkim_selectors"] = tuple(DkimSelector(name, target) for name, target in pairs)
        setup = cls(managed_in_account=managed_in_account, **fields)  # type: ignore[arg-type]
        # The rules are checked even beside shape problems: one error lists them all.
        problems.extend(at(rule_path(v), v) for v in check_setup(setup, profile=profile))
        raise_if(problems)
        return setup

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready view with stable keys; :meth:`from_dict` reads it back.

        ``mode`` is in the API spelling (``authoritative``, ``nonAuthoritative``)
        or ``null``; ``dkim_selectors`` is a list of ``{"name", "target"}``.
        """
        return {
            "domain": self.domain.ascii,
            "mode": None if self.mode is None else self.mode.api,
            "relay_target": self.relay_target,
            "server_number": self.server_number,
            "managed_in_account": self.managed_in_account,
            "ownership_token": self.ownership_token,
            "dkim_selectors": [{"name": s.name, "target": s.target} for s in self.dkim_selectors],
            "dkim_enabled": self.dkim_enabled,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object], /) -> DomainSetup:
        """Read a setup from :meth:`to_dict`'s form; only ``domain`` is required.

        A selector may be a string or a ``{"name", "target"}`` mapping; ``mode``
        may use either spelling. The setup is not checked (see
        :func:`check_setup`), so any setup round-trips.

        Raises:
            InvalidSetup: a key is unknown or ``domain`` is missing (codes
                ``setup.unknown_key``, ``setup.missing_domain``).
            InvalidDomain: the domain name is invalid.
            TypeError: ``data`` is not a mapping, or a value has the wrong type.
        """
        if not isinstance(data, Mapping):
            raise TypeError(f"a setup must be a mapping, not {type(data).__name__}")
        found = [
            templated("setup.unknown_key", {"key": shown(str(key)), "expected": _KEYS})
            for key in data
            if key not in _KEYS
        ]
        if "domain" not in data:
            found.append(templated("setup.missing_domain"))
        if found:
            raise InvalidSetup(found)
        fields = {key: value for key, value in data.items() if key != "domain"}
        if "dkim_selectors" in fields:
            fields["dkim_selectors"] = _selectors_from_data(fields["dkim_selectors"])
        return cls(data["domain"], **fields)  # type: ignore[arg-type]


def _selectors_from_data(value: object) -> tuple[DkimSelector, ...]:
    if not isinstance(value, list | tuple):
        raise TypeError(f"dkim_selectors must be a list, not {type(value).__name__}")
    out = []
    for item in value:
        if isinstance(item, Mapping):
            extra = set(item) - {"name", "target"}
            if extra or "name" not in item:
                raise TypeError("a DKIM selector mapping has exactly the keys name and target")
            out.append(DkimSelector(item["name"], item.get("target")))
        else:
            out.append(DkimSelector(item))
    return tuple(out)


def check_setup(
    setup: DomainSetup, /, *, profile: Profile = OVH_EMAIL_PRO
) -> tuple[Violation, ...]:
    """Return every contradiction in ``setup`` (empty when it is consistent).

    Codes: the relay rules of :func:`~emailpro_core.routing.check_relay_target`
    (``relay.required``, ``relay.not_allowed``, ``relay.too_long``,
    ``relay.invalid_host``, ``relay.loop``; a relay target with no mode stated is
    checked as non-authoritative), ``setup.bad_server_number``,
    ``setup.bad_token``, ``setup.dkim_without_selectors``,
    ``setup.duplicate_selector``, ``setup.bad_selector``, ``setup.bad_dkim_target``,
    ``setup.name_too_long``.

    An ownership token on a domain whose zone is managed in the account is not a
    violation: the API may still report a ``cnameToCheck``; the record is just
    not needed (D-CNAME).

    Raises:
        TypeError: ``setup`` is not a :class:`DomainSetup`.
    """
    if not isinstance(setup, DomainSetup):
        raise TypeError(f"setup must be a DomainSetup, not {type(setup).__name__}")
    return setup_violations(setup, profile)


def validate_setup(setup: DomainSetup, /, *, profile: Profile = OVH_EMAIL_PRO) -> DomainSetup:
    """Return ``setup`` if it is consistent.

    Returns:
        ``setup`` itself: its fields were normalized when it was built (the
        domain, the mode, the relay target, the token and the selectors).

    Raises:
        InvalidSetup: carrying every violation of :func:`check_setup`.
        TypeError: ``setup`` is not a :class:`DomainSetup`.
    """
    found = check_setup(setup, profile=profile)
    if found:
        raise InvalidSetup(found)
    return setup
