"""Record values in zone-file form: TXT character-strings, RFC 1035 lines, dnspython rdata.

The renderings of :class:`~emailpro_core.records.RecordSet` live here.

>>> split_txt("v=spf1 ~all")
(b'v=spf1 ~all',)
>>> [len(s) for s in split_txt("a" * 600)]
[255, 255, 90]
>>> zone_line("example.org", 3600, "TXT", "v=spf1 include:mx.ovh.com ~all")
'example.org. 3600 IN TXT "v=spf1 include:mx.ovh.com ~all"'
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import dns.exception
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.ANY.TXT
import dns.rrset

if TYPE_CHECKING:
    from .records import ExpectedRecord, RecordSet

__all__ = [
    "MAX_CHARACTER_STRING",
    "comment",
    "render_zone",
    "rrsets_of",
    "split_txt",
    "to_rdata",
    "zone_line",
]

#: RFC 1035 §3.3: a <character-string> is a length octet and at most 255 octets.
MAX_CHARACTER_STRING = 255


def split_txt(text: str, /) -> tuple[bytes, ...]:
    """Split a TXT value into character-strings of at most 255 octets (UTF-8).

    RFC 1035 §3.3.14: TXT data is one or more character-strings; RFC 7208 §3.3 and
    RFC 7489 §6.4 (via RFC 6376 §3.6.2.2) join them without a separator, so where
    the value is cut does not change its meaning. A cut never falls inside a UTF-8
    sequence, so each string stays readable. An empty value is one empty string.
    """
    data = text.encode("utf-8", "surrogatepass")
    if not data:
        return (b"",)
    chunks = []
    start = 0
    while start < len(data):
        end = min(start + MAX_CHARACTER_STRING, len(data))
        # Back off over continuation bytes (0b10xxxxxx) so a character stays whole.
        while end < len(data) and end > start + 1 and data[end] & 0xC0 == 0x80:
            end -= 1
        chunks.append(data[start:end])
        start = end
    return tuple(chunks)


def to_rdata(rdtype: str, value: str, /) -> dns.rdata.Rdata:
    """The dnspython rdata of a value (TXT: the text; other types: presentation form).

    Raises:
        ValueError: ``value`` is not valid presentation data of ``rdtype``.
    """
    kind = dns.rdatatype.from_text(rdtype)
    if kind == dns.rdatatype.TXT:
        return dns.rdtypes.ANY.TXT.TXT(dns.rdataclass.IN, kind, split_txt(value))
    try:
        return dns.rdata.from_text(dns.rdataclass.IN, kind, value)
    except (dns.exception.DNSException, ValueError) as exc:
        raise ValueError(f"{value!r} is not valid {rdtype} data: {exc}") from None


def comment(text: str, /) -> str:
    """``text`` made safe after ``;`` on one line of a zone file."""
    return " ".join(text.split())


def zone_line(name: str, ttl: int, rdtype: str, value: str, /) -> str:
    """One RFC 1035 §5.1 master-file line with an absolute owner name, class IN.

    TXT values are quoted and split into character-strings by dnspython's
    presentation (``"``, ``\\`` and non-printable octets escaped).
    """
    owner = name if name.endswith(".") else name + "."
    return f"{owner} {ttl} IN {rdtype} {to_rdata(rdtype, value).to_text()}"


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
