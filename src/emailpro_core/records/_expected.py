"""The records a domain setup needs: :func:`expected_records`.

Each record comes from the profile (its MX hosts, SPF include, autodiscover
target, DKIM and DMARC owners) and the setup (its domain, server number, mode,
DKIM selectors), marked required or recommended and tied to the check it
belongs to [D-EP1; docs/sources-of-truth.md].
"""

from __future__ import annotations

import functools
from typing import NamedTuple

from ..i18n._catalog import register
from ._profiles import OVH_EMAIL_PRO, Profile, dkim_owner, dmarc_owner
from ._recordset import ExpectedRecord, Omission, RecordSet, Requirement
from ._setup import DomainSetup, validate_setup

#: The English templates of the records that cannot be listed (the French is in the
#: package's gettext catalog).
MESSAGES = register(
    {
        "records.ownership_token_unknown": (
            "the zone is not managed in the same account, so an ownership CNAME {record} "
            "is needed; give the API's cnameToCheck"
        ),
        "records.dkim_selectors_unknown": (
            "no DKIM selector is given; list the domain's selectors (API dkimSelector) "
            "to get their CNAMEs ({selectors})"
        ),
    }
)


class _Shared(NamedTuple):
    """What the records of every domain share with the profile's other domains."""

    mx_values: tuple[str, ...]
    mx_why: str
    spf_value: str
    spf_why: str
    srv: str  # priority, weight and port of the autodiscover SRV


# Every domain of a diagnosis has the same profile: its values are written once.
@functools.lru_cache(maxsize=16)
def _shared(profile: Profile) -> _Shared:
    return _Shared(
        tuple(f"{mx.preference} {mx.exchange}." for mx in profile.mx),
        f"delivers the domain's mail to {profile.name} (D-MX)",
        profile.spf_value,
        f"authorizes {profile.name}'s servers to send for the domain (D-SPF, RFC 7208)",
        f"{profile.autodiscover_priority} {profile.autodiscover_weight} "
        f"{profile.autodiscover_port}",
    )


def _records(setup: DomainSetup, profile: Profile, out: list[ExpectedRecord | Omission]) -> None:
    # The builders append to ``out`` rather than yield: a domain has a dozen records.
    add = out.append
    domain, ttl, required = setup.domain.ascii, profile.default_ttl, Requirement.REQUIRED
    shared = _shared(profile)
    for value in shared.mx_values:
        add(ExpectedRecord(domain, "MX", ttl, value, required, "mx", shared.mx_why))
    add(ExpectedRecord(domain, "TXT", ttl, shared.spf_value, required, "spf", shared.spf_why))
    srv = shared.srv
    owner = profile.autodiscover_owner(domain)
    why = "lets mail clients find their settings (SRV values inferred from D-EXDIAG, [obs])"
    if setup.server_number is None:
        # The target is the service host, whose number is not known: only its shape
        # is expected. The zone text shows it as a comment to complete.
        host = profile.server_host_format.format(number="<N>")
        why = f"{why}; the server number is unknown: the target is the service host ({host}.)"
        pattern = rf"{srv} (?:{profile.server_host_pattern.pattern})\.?"
        add(ExpectedRecord(owner, "SRV", ttl, None, required, "autodiscover", why, pattern))
    else:
        value = f"{srv} {profile.server_host(setup.server_number)}."
        add(ExpectedRecord(owner, "SRV", ttl, value, required, "autodiscover", why))
    _ownership(setup, profile, out)
    _dkim(setup, profile, out)
    why = (
        "tells receivers what to do with mail that fails SPF and DKIM (RFC 7489 §6.1); "
        "beyond the provider's own checks"
    )
    value, recommended = profile.dmarc_value, Requirement.RECOMMENDED
    add(ExpectedRecord(dmarc_owner(domain), "TXT", ttl, value, recommended, "dmarc", why))


def _ownership(setup: DomainSetup, profile: Profile, out: list[ExpectedRecord | Omission]) -> None:
    if setup.managed_in_account:
        # D-CNAME: "If the domain name ... is managed in the same customer account as
        # the email service, configuring the CNAME record is not necessary."
        return
    domain = setup.domain.ascii
    if setup.ownership_token is None:
        omission = Omission.of(
            "ownership",
            "records.ownership_token_unknown",
            record=f"<token>{profile.ownership_suffix}.{domain}. -> {profile.ownership_target}.",
        )
        out.append(omission)
        return
    owner = profile.ownership_owner(setup.ownership_token, domain)
    value = f"{profile.ownership_target}."
    why = "proves the domain is yours while its zone is managed elsewhere (D-CNAME, D-ADD)"
    out.append(
        ExpectedRecord(
            owner, "CNAME", profile.default_ttl, value, Requirement.REQUIRED, "ownership", why
        )
    )


def _dkim(setup: DomainSetup, profile: Profile, out: list[ExpectedRecord | Omission]) -> None:
    if not setup.dkim_selectors:
        omission = Omission.of(
            "dkim",
            "records.dkim_selectors_unknown",
            selectors=f"{profile.dkim_selector_prefix}<digits>-selector1/2",
        )
        out.append(omission)
        return
    # D-DKIM: the provider keeps the key; the domain publishes a CNAME per selector
    # (RFC 6376 §3.6.2.1 <selector>._domainkey.<domain>). Before signing is enabled
    # the records are only recommended (a selector must be "ready" before enable).
    requirement = Requirement.REQUIRED if setup.dkim_enabled else Requirement.RECOMMENDED
    ttl = profile.default_ttl
    why = "publishes the DKIM key the provider signs with (D-DKIM)"
    for selector in setup.dkim_selectors:
        owner = dkim_owner(selector.name, setup.domain.ascii)
        if selector.target is not None:
            value = f"{selector.target}."
            out.append(ExpectedRecord(owner, "CNAME", ttl, value, requirement, "dkim", why))
        else:
            copy = f"{why}; copy the exact target (API targetRecord) from the provider"
            pattern = profile.dkim_target_pattern(selector.name)
            out.append(
                ExpectedRecord(owner, "CNAME", ttl, None, requirement, "dkim", copy, pattern)
            )


def expected_records(setup: DomainSetup, /, *, profile: Profile = OVH_EMAIL_PRO) -> RecordSet:
    """The records ``setup`` needs with ``profile``, in the order of :data:`CHECKS`.

    A record whose exact value cannot be known yet (the autodiscover SRV without a
    server number, a DKIM CNAME without its target) is listed with ``value=None``
    and a ``pattern``; an ownership CNAME without a token, and DKIM without
    selectors, are listed in ``omitted``.

    Raises:
        InvalidSetup: ``setup`` contradicts itself or the profile (:func:`check_setup`).
        TypeError: ``setup`` is not a :class:`DomainSetup`.
    """
    validate_setup(setup, profile=profile)
    built: list[ExpectedRecord | Omission] = []
    _records(setup, profile, built)
    records = tuple(item for item in built if isinstance(item, ExpectedRecord))
    omitted = tuple(item for item in built if isinstance(item, Omission))
    return RecordSet(setup.domain.ascii, profile.name, records, omitted)
