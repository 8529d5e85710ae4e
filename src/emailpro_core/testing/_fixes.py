"""Applying a diagnosis's fix lines to a zone's text, as a user pasting them would.

It needs no Hypothesis: :mod:`emailpro_core.testing` re-exports :func:`apply_fixes`.
"""

from __future__ import annotations

from collections.abc import Iterable

import dns.exception
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.zone

from ..checker import FixAction, FixLine

#: A zone's records: (owner, type) → rdata → TTL, in the order first met.
_Records = dict[tuple[dns.name.Name, dns.rdatatype.RdataType], dict[dns.rdata.Rdata, int]]


def _parse_line(line: str, origin: dns.name.Name) -> tuple[dns.name.Name, int, dns.rdata.Rdata]:
    """One fix line (``owner ttl IN type data``, owner absolute) as dnspython values."""
    parts = line.split(None, 4)
    if len(parts) != 5 or not parts[0].endswith(".") or parts[2].upper() != "IN":
        raise ValueError(f"not a fix line (absolute owner, TTL, IN, type, data): {line!r}")
    owner, ttl, _, rdtype, data = parts
    try:
        name = dns.name.from_text(owner)
        rdata = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.from_text(rdtype), data)
        seconds = int(ttl)
    except (dns.exception.DNSException, ValueError) as exc:
        raise ValueError(f"not a valid record: {line!r} ({exc})") from None
    if not name.is_subdomain(origin):
        raise ValueError(f"{owner} is outside the zone {origin}")
    return name, seconds, rdata


def apply_fixes(zone: str, fixes: Iterable[FixLine], /, *, origin: str) -> str:
    """The zone text after applying ``fixes``, as a user pasting them would.

    ``REMOVE`` deletes the record its line names (owner, type and data; the TTL
    does not matter), ``ADD`` adds one (a record already there is kept once),
    ``REPLACE`` does both. The result is master-file text with absolute names,
    the SOA first; nothing checks it, so a fix that leaves a zone no server
    loads (a CNAME beside other data) shows when it is loaded.

    >>> from emailpro_core.checker import FixAction, FixLine
    >>> zone = "@ 300 IN SOA ns1 hm 1 7200 900 1209600 300\\n@ 300 IN MX 10 old.example.\\n"
    >>> fix = FixLine(FixAction.REPLACE, "example.org. 3600 IN MX 1 mx0.mail.ovh.net.",
    ...               "example.org. 300 IN MX 10 old.example.")
    >>> print(apply_fixes(zone, [fix], origin="example.org"))
    example.org. 300 IN SOA ns1.example.org. hm.example.org. 1 7200 900 1209600 300
    example.org. 3600 IN MX 1 mx0.mail.ovh.net.
    <BLANKLINE>

    Raises:
        ValueError: the zone text cannot be read, a fix line is not a record of
            the zone, or a line to remove is not in the zone.
    """
    apex = dns.name.from_text(origin)
    try:
        loaded = dns.zone.from_text(zone, origin=apex, relativize=False, check_origin=False)
    except (dns.exception.DNSException, ValueError, KeyError) as exc:
        raise ValueError(f"cannot read the zone: {exc}") from None
    records: _Records = {}
    for name, ttl, rdata in loaded.iterate_rdatas():
        records.setdefault((name, rdata.rdtype), {})[rdata] = ttl
    for fix in fixes:
        if fix.action is not FixAction.ADD:
            _remove(records, fix.old if fix.action is FixAction.REPLACE else fix.line, apex)
        if fix.action is not FixAction.REMOVE:
            name, ttl, rdata = _parse_line(fix.line, apex)
            records.setdefault((name, rdata.rdtype), {})[rdata] = ttl
    soa = [key for key in records if key[1] == dns.rdatatype.SOA]
    lines = [
        f"{name.to_text()} {ttl} IN {dns.rdatatype.to_text(rdtype)} {rdata.to_text()}"
        for name, rdtype in [*soa, *(key for key in records if key not in soa)]
        for rdata, ttl in records[name, rdtype].items()
    ]
    return "\n".join(lines) + "\n"


def _remove(records: _Records, line: str, apex: dns.name.Name) -> None:
    name, _, rdata = _parse_line(line, apex)
    held = records.get((name, rdata.rdtype), {})
    if rdata not in held:
        raise ValueError(f"the zone has no record {line!r} to remove")
    del held[rdata]
    if not held:
        del records[name, rdata.rdtype]
