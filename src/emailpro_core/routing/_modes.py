"""Domain modes (authoritative, non-authoritative) and the relay-target rules.

A platform holds each of its domains in one of two modes (guide D-EP1; §9 of the
reference). In **authoritative** mode the platform alone hosts the domain, and mail to
an address it does not know bounces. In **non-authoritative** mode the platform
relays that mail to another server, the domain's relay target (API field
``mxRelay``).

The API and the control panel spell the modes differently; :class:`DomainMode`
converts both ways. :func:`check_relay_target` applies the control panel's rules
to a relay target.

>>> DomainMode.from_api("nonAuthoritative")
<DomainMode.NON_AUTHORITATIVE: 'nonAuthoritative'>
>>> DomainMode.AUTHORITATIVE.control_panel
'AUTHORITATIVE'
>>> default_mode(False)
<DomainMode.NON_AUTHORITATIVE: 'nonAuthoritative'>
>>> default_mode(True) is None
True
"""

from __future__ import annotations

import enum

from .._violation import templated
from ..domains import normalize_domain
from ..errors import (
    InvalidDomain,
    InvalidMode,
    Violation,
    require_str,
)
from ..i18n._catalog import register

#: The OVHcloud incoming servers a platform relays to when the other mailboxes of the
#: domain are on OVHcloud too (Exchange or MX Plan). Guide D-EP1: "Enter
#: mx1.mail.ovh.net as the target email server (works the same way with mx0, mx2, mx3,
#: mx4)".
OVH_RELAY_TARGETS: tuple[str, ...] = tuple(f"mx{n}.mail.ovh.net" for n in range(5))
#: The control panel's default relay target (M-DOM ``DEFAULT_OVH_TARGET_SERVER_URL``).
DEFAULT_RELAY_TARGET = "mx1.mail.ovh.net"
#: The control panel refuses longer relay targets (M-DOM: "Warning: 255 characters
#: maximum!").
MAX_RELAY_TARGET_LENGTH = 255

# How much of a bad input an error message repeats: enough to recognise it, never
# megabytes of it.
_SHOWN_CHARS = 40

#: The English templates of the mode and relay-target rules; the French is in the
#: package's gettext catalog. ``mode.unknown`` has one wording per spelling asked
#: for (the variant): ``api``, ``control_panel``, or both (no variant).
MESSAGES = register(
    {
        "mode.unknown:api": (
            "{value!r} is not a domain mode in the API spelling; expected one of {choices}"
        ),
        "mode.unknown:control_panel": (
            "{value!r} is not a domain mode in the control panel spelling; expected one of "
            "{choices}"
        ),
        "mode.unknown": (
            "{value!r} is not a domain mode in the API or control panel spelling; expected "
            "one of {choices}"
        ),
        "relay.not_allowed": (
            "an authoritative domain has no relay target: mail to unknown addresses bounces; "
            "remove mxRelay or switch to non-authoritative mode"
        ),
        "relay.required": (
            "a non-authoritative domain needs a relay target (mxRelay) for mail to addresses "
            "this platform does not know, e.g. mx1.mail.ovh.net"
        ),
        "relay.too_long": "a relay target has at most {maximum} characters, not {length}",
        "relay.invalid_host": "the relay target is not a valid host name: {causes}",
        "relay.loop": "{host} is a host of this platform: relaying to it would loop forever",
    }
)
_SPELLINGS = {"API": "api", "control panel": "control_panel", "API or control panel": ""}


class DomainMode(enum.Enum):
    """How a platform holds a domain.

    The value is the API spelling (``DomainTypeEnum``: ``authoritative``,
    ``nonAuthoritative``); the name is the control panel's spelling (its 2API sends
    ``AUTHORITATIVE`` / ``NON_AUTHORITATIVE``) [api API-TS, mgr M-DOM].
    """

    #: Only this platform hosts the domain: mail to an unknown address bounces.
    AUTHORITATIVE = "authoritative"
    #: Mail to an address this platform does not know is relayed to ``mxRelay``.
    NON_AUTHORITATIVE = "nonAuthoritative"

    @property
    def api(self) -> str:
        """The API spelling (``authoritative`` or ``nonAuthoritative``)."""
        return self.value

    @property
    def control_panel(self) -> str:
        """The control panel spelling (``AUTHORITATIVE`` or ``NON_AUTHORITATIVE``)."""
        return self.name

    @classmethod
    def from_api(cls, text: str, /) -> DomainMode:
        """The mode spelled as in the API (exactly; the API enum is case-sensitive).

        Raises:
            InvalidMode: ``text`` is not ``authoritative`` or ``nonAuthoritative``.
            TypeError: ``text`` is not a ``str``.
        """
        return _lookup(text, {mode.api: mode for mode in cls}, "API")

    @classmethod
    def from_control_panel(cls, text: str, /) -> DomainMode:
        """The mode spelled as in the control panel (exactly).

        Raises:
            InvalidMode: ``text`` is not ``AUTHORITATIVE`` or ``NON_AUTHORITATIVE``.
            TypeError: ``text`` is not a ``str``.
        """
        return _lookup(text, {mode.control_panel: mode for mode in cls}, "control panel")

    @classmethod
    def parse(cls, text: str, /) -> DomainMode:
        """The mode in either spelling (API or control panel), exactly as written.

        Raises:
            InvalidMode: ``text`` is none of the four spellings.
            TypeError: ``text`` is not a ``str``.
        """
        spellings = {mode.api: mode for mode in cls} | {mode.control_panel: mode for mode in cls}
        return _lookup(text, spellings, "API or control panel")


def _lookup(text: str, spellings: dict[str, DomainMode], source: str) -> DomainMode:
    require_str(text, "a domain mode")
    try:
        return spellings[text]
    except KeyError:
        pass
    shown = text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "..."
    expected = sorted(spellings)
    raise InvalidMode(
        (
            templated(
                "mode.unknown",
                {
                    "value": shown,
                    "expected": tuple(expected),
                    "choices": ", ".join(repr(s) for s in expected),
                },
                variant=_SPELLINGS[source],
            ),
        )
    )


def relay_form(value: str | None, /) -> str | None:
    """How platforms and setups store a relay target (``mxRelay``).

    Blank means none; a valid host name is normalized (A-labels, no trailing
    dot, M-DOM strips one); an invalid one is kept as given, so that
    :func:`check_relay_target` reports it with the ``relay.*`` codes, which say
    more than the ``domain.*`` ones would.
    """
    if value is None or not require_str(value, "a relay target").strip():
        return None
    try:
        return normalize_domain(value).ascii
    except InvalidDomain:
        return value


def default_mode(managed_in_account: bool, /) -> DomainMode | None:
    """The mode a new domain gets when nobody chooses one.

    Guide D-EP1: a domain that is not managed in the same OVHcloud account (or not
    at OVHcloud at all) is added in non-authoritative mode. For a domain managed in
    the account the control panel offers the choice and there is no default: this
    function returns ``None``, meaning "ask". Either way the mode can be changed
    later.

    Raises:
        TypeError: ``managed_in_account`` is not a ``bool``.
    """
    if not isinstance(managed_in_account, bool):
        raise TypeError(
            f"managed_in_account must be a bool, not {type(managed_in_account).__name__}"
        )
    return None if managed_in_account else DomainMode.NON_AUTHORITATIVE


def relay_analysis(
    target: str | None, mode: DomainMode, own_hosts: tuple[str, ...]
) -> tuple[str | None, tuple[Violation, ...]]:
    """The normalized target (``None`` when absent or wrong) and every violation."""
    if target is not None and not require_str(target, "a relay target").strip():
        target = None  # the control panel's empty field: no relay target
    if not isinstance(mode, DomainMode):
        raise TypeError(f"mode must be a DomainMode, not {type(mode).__name__}")
    if mode is DomainMode.AUTHORITATIVE:
        if target is None:
            return None, ()
        # The control panel deletes mxRelay in authoritative mode [mgr M-DOM]: the
        # platform alone hosts the domain, so there is nowhere to relay to.
        return None, (templated("relay.not_allowed"),)
    if target is None:
        return None, (templated("relay.required"),)
    found: list[Violation] = []
    if len(target) > MAX_RELAY_TARGET_LENGTH:
        found.append(
            templated("relay.too_long", {"maximum": MAX_RELAY_TARGET_LENGTH, "length": len(target)})
        )
    try:
        # One trailing dot, case and U-labels are all normalized here, as the
        # control panel strips one trailing dot before its checks [mgr M-DOM].
        host = normalize_domain(target).ascii
    except InvalidDomain as exc:
        found.append(templated("relay.invalid_host", {"reasons": exc.codes}, causes=exc.violations))
        return None, tuple(found)
    if host in own_hosts:
        # M-DOM: "Warning: Infinite loop!" — the platform would relay to itself.
        found.append(templated("relay.loop", {"host": host}))
    return (None if found else host), tuple(found)
