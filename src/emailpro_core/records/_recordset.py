"""The DNS records a domain needs for the service, and their renderings.

The implementation behind :mod:`emailpro_core.records`, which re-exports its public names.
"""

from __future__ import annotations

import enum
import functools
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType

import attrs
import dns.name
import dns.rrset

from ..i18n import _catalog
from ..sources._answers import MX, SRV, TXT, RData, normalize_name
from ._zonetext import comment, split_txt, to_rdata, zone_line

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
        """The value as :mod:`emailpro_core.sources` data, for comparing with answers.

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


def _frozen(value: Mapping[str, object]) -> Mapping[str, object]:
    return MappingProxyType(dict(value))


@attrs.frozen
class Omission:
    """A record that could not be listed, and why.

    Attributes:
        check: The check it belongs to.
        code: A stable code (``records.ownership_token_unknown``).
        message: What to do about it (English).
        params: The data behind the message, from which :meth:`render` writes it
            in another language.
    """

    check: str
    code: str
    message: str
    params: Mapping[str, object] = attrs.field(factory=dict, converter=_frozen, kw_only=True)

    @classmethod
    def of(cls, check: str, code: str, /, **params: object) -> Omission:
        """The omission ``code``, its message the catalog's template filled with ``params``."""
        return cls(check, code, _catalog.render(code, params), params=params)

    def render(self, lang: str | None = None) -> str:
        """The message in ``lang`` (``None`` is English); one made by hand keeps its words."""
        language = _catalog.normalize_language(lang)
        template = _catalog.registered_template(self.code)
        if language == _catalog.DEFAULT_LANGUAGE or template is None:
            return self.message
        return _catalog.fill(
            _catalog.translate(self.code, template, language), self.params, language
        )

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


def render_zone(records: RecordSet, /, *, comments: bool = True) -> str:
    """The master-file text of a record set (see :meth:`RecordSet.to_zone_text`)."""
    lines: list[str] = []
    if comments:
        lines.append(f"; records for {records.domain}. ({comment(records.profile)})")
    heading = None
    for record in records:
        if comments:
            this = f"; {record.check}, {record.requirement.value}: {comment(record.why)}"
            if this != heading:
                lines.append(this)
                heading = this
            if record.value is None:
                lines.append(f"; {record.name}. {record.ttl} IN {record.type} ?")
        if record.value is not None:
            lines.append(record.to_zone_line())
    if comments:
        lines.extend(f"; not listed ({o.code}): {comment(o.message)}" for o in records.omitted)
    return "\n".join(lines) + "\n"


def rrsets_of(records: Iterable[ExpectedRecord], /) -> tuple[dns.rrset.RRset, ...]:
    """dnspython rrsets of the exact records, one per (name, type), in order."""
    found: dict[tuple[str, str], dns.rrset.RRset] = {}
    for record in records:
        if record.value is None:
            continue
        key = (record.name, record.type)
        rdata = to_rdata(record.type, record.value)
        if key not in found:
            owner = dns.name.from_text(record.name + ".")
            found[key] = dns.rrset.RRset(owner, rdata.rdclass, rdata.rdtype)
        found[key].add(rdata, record.ttl)
    return tuple(found.values())
