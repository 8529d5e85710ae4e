"""The DNS records a domain needs for the service, and their renderings.

:func:`expected_records` turns a :class:`~emailpro_core.setup.DomainSetup` and a
:class:`~emailpro_core.profiles.Profile` into a :class:`RecordSet`: MX, SPF,
autodiscover SRV, ownership CNAME, DKIM CNAMEs and DMARC, each marked required or
recommended and tied to the checker check it belongs to. The set renders as zone
text, JSON, or dnspython rrsets. The module also offers :func:`merge_spf`
(from :mod:`.spf_merge`), the one SPF record to publish beside an existing one,
and re-exports the setup and profile types it works with.

>>> records = expected_records(DomainSetup("example.org", server_number=1))
>>> print(records.to_zone_text(comments=False))
example.org. 3600 IN MX 1 mx0.mail.ovh.net.
example.org. 3600 IN MX 5 mx1.mail.ovh.net.
example.org. 3600 IN MX 50 mx2.mail.ovh.net.
example.org. 3600 IN MX 100 mx3.mail.ovh.net.
example.org. 3600 IN MX 200 mx4.mail.ovh.net.
example.org. 3600 IN TXT "v=spf1 include:mx.ovh.com ~all"
_autodiscover._tcp.example.org. 3600 IN SRV 0 0 443 pro1.mail.ovh.net.
_dmarc.example.org. 3600 IN TXT "v=DMARC1; p=none"
"""

from __future__ import annotations

import enum
import functools
import json
import re
from collections.abc import Iterator
from typing import NamedTuple

import attrs
import dns.rrset

from .dnsdata import MX, SRV, TXT, RData, normalize_name
from .profiles import OVH_EMAIL_PRO, Profile, dkim_owner, dmarc_owner
from .setup import DkimSelector, DomainSetup, validate_setup
from .spf_merge import SpfMerge, merge_spf
from .zonetext import comment, render_zone, rrsets_of, split_txt, zone_line

__all__ = [
    "CHECKS",
    "OVH_EMAIL_PRO",
    "SCHEMA_VERSION",
    "DkimSelector",
    "DomainSetup",
    "ExpectedRecord",
    "Omission",
    "Profile",
    "RecordSet",
    "Requirement",
    "SpfMerge",
    "expected_records",
    "merge_spf",
]

#: The checker checks a record can belong to, in the order records are listed.
CHECKS = ("mx", "spf", "autodiscover", "ownership", "dkim", "dmarc")
#: The version of the :meth:`RecordSet.to_dict` schema (docs/records.md).
SCHEMA_VERSION = 1


class Requirement(enum.Enum):
    """How much a record matters."""

    #: Needed for the service to work or to pass the provider's own checks.
    REQUIRED = "required"
    #: Good practice beyond the provider's checks (DMARC), or not yet needed (DKIM
    #: before signing is enabled).
    RECOMMENDED = "recommended"


def _name(value: str) -> str:
    return normalize_name(value)


def _upper(value: str) -> str:
    return value.upper()


@attrs.frozen
class ExpectedRecord:
    """One record the domain should publish.

    Attributes:
        name: The owner name: A-labels, lower case, *without* the trailing dot
            (the package's one form for names); zone text adds the dot.
        type: The record type, upper case (``MX``, ``TXT``, ``SRV``, ``CNAME``).
        ttl: The TTL in seconds.
        value: The record data. TXT: the text itself, unquoted (the
            character-strings joined); other types: presentation form with
            absolute names (``1 mx0.mail.ovh.net.``). ``None`` when the exact
            value is not known; ``pattern`` then describes it.
        requirement: Required or recommended.
        check: The checker check it belongs to (one of :data:`CHECKS`).
        why: What the record is for, and its source.
        pattern: For a record whose exact value is unknown, a regular expression
            (full match, case-insensitive) that every acceptable ``value`` matches.
    """

    name: str = attrs.field(converter=_name)
    type: str = attrs.field(converter=_upper)
    ttl: int
    value: str | None
    requirement: Requirement
    check: str
    why: str
    pattern: str | None = None

    @property
    def is_exact(self) -> bool:
        """Whether the value is known (not only its pattern)."""
        return self.value is not None

    def accepts(self, value: str, /) -> bool:
        """Whether ``value`` (in the form of :attr:`value`) satisfies this record.

        Names compare case-insensitively; TXT text compares exactly.
        """
        if self.value is not None:
            if self.type == "TXT":
                return value == self.value
            return value.lower().rstrip(".") == self.value.lower().rstrip(".")
        pattern = self.pattern or ""
        return re.fullmatch(pattern, value, re.IGNORECASE) is not None

    @property
    def rdata(self) -> RData | None:
        """The value as :mod:`emailpro_core.dnsdata` data, for comparing with answers.

        ``None`` when the value is not known. MX, SRV, TXT give their classes;
        other types the target name (lower case, no trailing dot).
        """
        if self.value is None:
            return None
        if type(self.value) is str:
            return _shared_rdata(self.type, self.value)
        return _rdata(self.type, self.value)

    def to_zone_line(self) -> str:
        """The record as one master-file line; a ``;`` comment line when it is not exact."""
        if self.value is None:
            return f"; {self.name}. {self.ttl} IN {self.type} ? ; {comment(self.why)}"
        return zone_line(self.name, self.ttl, self.type, self.value)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready view (schema in docs/records.md)."""
        return {
            "name": self.name,
            "type": self.type,
            "ttl": self.ttl,
            "value": self.value,
            "pattern": self.pattern,
            "requirement": self.requirement.value,
            "check": self.check,
            "why": self.why,
        }


def _rdata(rdtype: str, value: str) -> RData:
    if rdtype == "TXT":
        return TXT(split_txt(value))
    fields = value.split()
    if rdtype == "MX":
        return MX(int(fields[0]), fields[1])
    if rdtype == "SRV":
        return SRV(int(fields[0]), int(fields[1]), int(fields[2]), fields[3])
    return normalize_name(value)


# Every domain expects the same few values (the provider's MX hosts, its SPF
# record), and the checks compare them often: each is read once. (Only a plain
# ``str``: a subclass may behave differently.)
_shared_rdata = functools.lru_cache(maxsize=1024)(_rdata)


@attrs.frozen
class Omission:
    """A record that could not be listed, and why.

    Attributes:
        check: The check it belongs to.
        code: A stable code (``records.ownership_token_unknown``).
        message: What to do about it.
    """

    check: str
    code: str
    message: str

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready view: ``{"check", "code", "message"}``."""
        return {"check": self.check, "code": self.code, "message": self.message}


@attrs.frozen
class RecordSet:
    """The records a domain should publish, in a stable order (by check, then as built).

    Attributes:
        domain: The domain (A-labels, no trailing dot).
        profile: The name of the profile the records come from.
        records: The records.
        omitted: Records that could not be listed, and why.
    """

    domain: str
    profile: str
    records: tuple[ExpectedRecord, ...]
    omitted: tuple[Omission, ...] = ()

    def __iter__(self) -> Iterator[ExpectedRecord]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def for_check(self, check: str, /) -> tuple[ExpectedRecord, ...]:
        """The records of one check (``"mx"``, ``"dkim"``, ...)."""
        return tuple(r for r in self.records if r.check == check)

    def to_zone_text(self, *, comments: bool = True) -> str:
        """RFC 1035 §5 master-file text: one line per record, absolute names, class IN.

        With ``comments``, a header names the domain and the profile, each run of
        records of one check is preceded by a comment saying what it is for and
        whether it is required, a record whose value is not known is a comment
        line (``... IN SRV ?``) to complete by hand, and the omitted records are
        listed at the end. The text loads in BIND, NSD and dnspython (a whole zone
        would also need its SOA and NS records).
        """
        return render_zone(self, comments=comments)

    def to_rrsets(self) -> tuple[dns.rrset.RRset, ...]:
        """The exact records as dnspython rrsets, one per (name, type), in order.

        Records whose value is not known are left out. An rrset takes the
        smallest TTL of its records.
        """
        return rrsets_of(self.records)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready view with stable keys (schema in docs/records.md)."""
        return {
            "version": SCHEMA_VERSION,
            "domain": self.domain,
            "profile": self.profile,
            "records": [r.to_dict() for r in self.records],
            "omitted": [o.to_dict() for o in self.omitted],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text (UTF-8 characters kept, keys in schema order)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


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
        omission = Omission(
            "ownership",
            "records.ownership_token_unknown",
            "the zone is not managed in the same account, so an ownership CNAME "
            f"<token>{profile.ownership_suffix}.{domain}. -> {profile.ownership_target}. "
            "is needed; give the API's cnameToCheck",
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
        omission = Omission(
            "dkim",
            "records.dkim_selectors_unknown",
            "no DKIM selector is given; list the domain's selectors (API dkimSelector) "
            f"to get their CNAMEs ({profile.dkim_selector_prefix}<digits>-selector1/2)",
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


def expected_records(setup: DomainSetup, /, profile: Profile = OVH_EMAIL_PRO) -> RecordSet:
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
