"""The rules a domain setup must follow, over its fields (see :mod:`emailpro_core.records`).

Kept apart from the setup class so each module stays small: :func:`setup_violations`
reads any object with a setup's fields, and :func:`~emailpro_core.records.check_setup` is
its public face.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from .._violation import templated
from ..domains import MAX_LABEL_OCTETS, MAX_NAME_OCTETS, Domain
from ..errors import Violation
from ..i18n._catalog import register
from ..routing import DomainMode, Platform, check_relay_target
from ._profiles import Profile, check_server_number, dkim_owner, dmarc_owner

# RFC 1035 §2.3.4 / RFC 1123 §2.1: an LDH label of at most 63 octets.
_LDH_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
# How much of a bad input a message repeats: enough to recognise it, never megabytes.
_SHOWN = 40

_FIT = f"(labels of at most {MAX_LABEL_OCTETS} octets, names of at most {MAX_NAME_OCTETS})"
#: The English templates of the setup rules; the French is in the package's gettext
#: catalog. ``setup.name_too_long`` has one wording per record (the variant).
MESSAGES = register(
    {
        "setup.bad_token": (
            "the ownership token {token!r} does not make a valid DNS label {label!r} "
            "(letters, digits and inner hyphens, at most 63)"
        ),
        "setup.dkim_without_selectors": (
            "DKIM is to be enabled but no selector is given (ask the API's dkimSelector list)"
        ),
        "setup.duplicate_selector": "the DKIM selector {selector!r} is listed twice",
        "setup.bad_selector": (
            "{selector!r} is not a DKIM selector of {profile} "
            "(they look like {prefix}<digits>-selector1)"
        ),
        "setup.bad_dkim_target": "{target!r} is not a DKIM target for selector {selector}",
        **{
            f"setup.name_too_long:{check}": (
                f"the {check} record name {{name!r}} does not fit in DNS {_FIT}"
            )
            for check in ("autodiscover", "dmarc", "ownership", "dkim")
        },
    }
)


def shown(text: str) -> str:
    """``text`` cut to a length fit for a message."""
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "..."


class SelectorFields(Protocol):
    """What the rules read of a DKIM selector."""

    @property
    def name(self) -> str: ...

    @property
    def target(self) -> str | None: ...


class SetupFields(Protocol):
    """What the rules read of a domain setup."""

    @property
    def domain(self) -> Domain: ...

    @property
    def mode(self) -> DomainMode | None: ...

    @property
    def relay_target(self) -> str | None: ...

    @property
    def server_number(self) -> int | None: ...

    @property
    def managed_in_account(self) -> bool: ...

    @property
    def ownership_token(self) -> str | None: ...

    @property
    def dkim_selectors(self) -> Sequence[SelectorFields]: ...

    @property
    def dkim_enabled(self) -> bool: ...


def _relay_violations(setup: SetupFields, profile: Profile) -> tuple[Violation, ...]:
    mode = setup.mode
    if mode is None:
        if setup.relay_target is None:
            return ()
        # A relay target only makes sense in non-authoritative mode: check it as such.
        mode = DomainMode.NON_AUTHORITATIVE
    # The relay rules live in routing (codes relay.*); the platform's own host is
    # the service host when the server number is known.
    number = setup.server_number
    known = number is not None and not check_server_number(number)
    host = profile.server_host(number) if known and number is not None else "invalid.invalid"
    found = check_relay_target(
        setup.relay_target, platform=Platform("setup", hosts=host), mode=mode
    )
    # Without a server number the loop cannot be told; the stand-in host never counts.
    return tuple(v for v in found if known or v.code != "relay.loop")


def _token_violations(token: str, profile: Profile) -> list[Violation]:
    label = profile.ownership_label(token)
    if _LDH_LABEL.fullmatch(label) and token:
        return []
    # D-CNAME: the sub-domain is "xxxxx-check", one DNS label.
    return [templated("setup.bad_token", {"token": shown(token), "label": shown(label)})]


def _dkim_violations(setup: SetupFields, profile: Profile) -> list[Violation]:
    found: list[Violation] = []
    if setup.dkim_enabled and not setup.dkim_selectors:
        # D-DKIM: signing is enabled on a selector; without one there is nothing to enable.
        found.append(templated("setup.dkim_without_selectors"))
    seen: set[str] = set()
    for index, selector in enumerate(setup.dkim_selectors):
        name = selector.name
        if name in seen:
            found.append(
                templated("setup.duplicate_selector", {"selector": shown(name), "index": index})
            )
        seen.add(name)
        if not profile.is_dkim_selector(name):
            found.append(
                templated(
                    "setup.bad_selector",
                    {
                        "selector": shown(name),
                        "index": index,
                        "profile": profile.name,
                        "prefix": profile.dkim_selector_prefix,
                    },
                )
            )
        elif selector.target is not None and not profile.is_dkim_target(name, selector.target):
            found.append(
                templated(
                    "setup.bad_dkim_target",
                    {"selector": name, "target": shown(selector.target), "index": index},
                )
            )
    return found


# An ASCII name that fits: its labels of 1..63 characters are 1..63 octets. Most
# names are ASCII (A-labels), so the octets are counted by one match, not per label.
_FITTING_ASCII = re.compile(rf"[^.]{{1,{MAX_LABEL_OCTETS}}}(?:\.[^.]{{1,{MAX_LABEL_OCTETS}}})*")


def _fits(name: str) -> bool:
    # RFC 1035 §2.3.4: labels of 1..63 octets, names of at most 253 (presentation form).
    if name.isascii():
        return len(name) <= MAX_NAME_OCTETS and _FITTING_ASCII.fullmatch(name) is not None
    encoded = name.encode("utf-8", "surrogatepass")
    labels = encoded.split(b".")
    return len(encoded) <= MAX_NAME_OCTETS and all(
        0 < len(label) <= MAX_LABEL_OCTETS for label in labels
    )


def _name_violations(setup: SetupFields, profile: Profile) -> list[Violation]:
    domain = setup.domain.ascii
    owners = [("autodiscover", profile.autodiscover_owner(domain)), ("dmarc", dmarc_owner(domain))]
    # Names built from a value already reported as bad are not reported twice.
    token = setup.ownership_token
    if token and not setup.managed_in_account and not _token_violations(token, profile):
        owners.append(("ownership", profile.ownership_owner(token, domain)))
    for selector in setup.dkim_selectors:
        if profile.is_dkim_selector(selector.name):
            owners.append(("dkim", dkim_owner(selector.name, domain)))
            if selector.target is not None:
                owners.append(("dkim", selector.target))
    return [
        templated(
            "setup.name_too_long",
            {"check": check, "name": shown(name), "length": len(name)},
            variant=check,
        )
        for check, name in owners
        if not _fits(name)
    ]


def setup_violations(setup: SetupFields, profile: Profile, /) -> tuple[Violation, ...]:
    """Every rule ``setup`` breaks with ``profile``: relay, server number, token, DKIM, names."""
    found = list(_relay_violations(setup, profile))
    if setup.server_number is not None:
        found.extend(check_server_number(setup.server_number))
    if setup.ownership_token is not None:
        found.extend(_token_violations(setup.ownership_token, profile))
    found.extend(_dkim_violations(setup, profile))
    found.extend(_name_violations(setup, profile))
    return tuple(found)
