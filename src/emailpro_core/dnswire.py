"""A small DNS wire codec: build one question, read one answer into an :class:`Answer`.

The live sources spend most of their time turning answers into values. A general
message parser builds every name, rdata object and section; the checker needs only
the records of one type at the end of a CNAME chain. This codec reads exactly that
(RFC 1035 §4.1, name compression §4.1.4), validates what it relies on, and reports
anything else as a malformed answer rather than guessing.

Names are read by :mod:`.dnswire_names`, which remembers those of one message so
that compression pointers to them cost a look-up; the question of a reply is
compared octet for octet with the one sent.

>>> wire = encode_query(0x1234, "example.org", "MX")
>>> wire[:2].hex(), len(wire)
('1234', 40)
"""

from __future__ import annotations

import functools
import socket
import struct

from .dnsdata import MX, SRV, TXT, Answer, AnswerStatus, FailureCause, Query, RData
from .dnswire_names import MAX_POINTERS, Names, WireError, encode_name, read_name

__all__ = [
    "EDNS_PAYLOAD",
    "RDTYPES",
    "TRUNCATED",
    "WireError",
    "decode_answer",
    "encode_query",
    "response_id",
]

#: RFC 1035 §3.2.2, RFC 3596 §2.1 (AAAA), RFC 2782 (SRV), RFC 6891 (OPT).
RDTYPES: dict[str, int] = {
    "A": 1,
    "NS": 2,
    "CNAME": 5,
    "SOA": 6,
    "PTR": 12,
    "MX": 15,
    "TXT": 16,
    "AAAA": 28,
    "SRV": 33,
}
_TYPE_NAMES = {code: name for name, code in RDTYPES.items()}
_CNAME = RDTYPES["CNAME"]
_SOA = RDTYPES["SOA"]
_CLASS_IN = 1
_HEADER = struct.Struct("!HHHHHH")
_QUESTION = struct.Struct("!HH")
_RR_FIXED = struct.Struct("!HHIH")
_SHORT = struct.Struct("!H")
_LONG = struct.Struct("!I")
_SRV = struct.Struct("!HHH")
#: The UDP payload size offered with EDNS0: the DNS Flag Day 2020 value, which
#: avoids IP fragmentation yet holds a 2048-bit DKIM key record.
EDNS_PAYLOAD = 1232
# RFC 6891 §6.1.2 OPT pseudo-record: root owner, type 41, the payload size in
# the class field, no extended flags, no options.
_OPT = b"\x00" + struct.pack("!HHIH", 41, EDNS_PAYLOAD, 0, 0)
# The header after the ID (RFC 1035 §4.1.1): RD set, so that a recursive server
# may answer for other zones too; one question; one additional record (OPT) or none.
_FLAGS_EDNS = struct.pack("!HHHHH", 0x0100, 1, 0, 0, 1)
_FLAGS_PLAIN = struct.pack("!HHHHH", 0x0100, 1, 0, 0, 0)
# What follows the question name: its type and class.
_TYPE_CLASS = {name: _QUESTION.pack(code, _CLASS_IN) for name, code in RDTYPES.items()}
_MAX_CHAIN = 16

#: The detail of the failure that stands for a truncated (TC) UDP reply.
TRUNCATED = "truncated"


def encode_query(qid: int, name: str, rdtype: str, *, edns: bool = True) -> bytes:
    """A recursion-desired query for ``name``/``rdtype`` with ID ``qid``.

    Raises:
        WireError: a label longer than 63 octets, a name over 255, an unknown type.
    """
    tail = _TYPE_CLASS.get(rdtype)
    if tail is None:
        raise WireError(f"unsupported record type {rdtype!r}")
    if edns:
        return _SHORT.pack(qid) + _FLAGS_EDNS + _encoded(name) + tail + _OPT
    return _SHORT.pack(qid) + _FLAGS_PLAIN + _encoded(name) + tail


# Names in wire form, remembered: a diagnosis asks for most names with two types
# or three (MX and TXT, CNAME and TXT, CNAME, A and AAAA), and decode_answer
# compares the question of each reply with the one sent. The size covers the
# names of the questions in flight.
_encoded = functools.lru_cache(maxsize=4096)(encode_name)


def response_id(wire: bytes) -> int:
    """The message ID of a response (``-1`` when it is too short to have one)."""
    return int.from_bytes(wire[:2], "big") if len(wire) >= 2 else -1


def _rdata(wire: bytes, rtype: int, start: int, end: int, names: Names) -> RData:
    # The record types decode_answer does not read itself.
    if rtype == 16:
        strings: list[bytes] = []
        offset = start
        while offset < end:
            size = wire[offset]
            strings.append(wire[offset + 1 : offset + 1 + size])
            offset += 1 + size
        if offset != end:
            raise WireError("TXT character-string runs past its record")
        return TXT(tuple(strings))
    if rtype == 15:  # decode_answer reads those of 3 octets or more
        raise WireError("MX record too short")
    if rtype == 1:
        if end - start != 4:
            raise WireError("A record of the wrong size")
        return socket.inet_ntop(socket.AF_INET, wire[start:end])
    if rtype == 33:
        if end - start < 7:
            raise WireError("SRV record too short")
        target, stop = read_name(wire, start + 6, names)
        if stop != end:
            raise WireError("SRV record of the wrong size")
        priority, weight, port = _SRV.unpack_from(wire, start)
        return SRV(priority, weight, port, target)
    if rtype == 28:
        if end - start != 16:
            raise WireError("AAAA record of the wrong size")
        return socket.inet_ntop(socket.AF_INET6, wire[start:end])
    if rtype in (2, 5, 12):
        return _target(wire, start, end, names)
    # A question for SOA: its records are not read (the checks never ask for them).
    raise WireError(f"no reader for type {rtype}")


def _target(wire: bytes, start: int, end: int, names: Names) -> str:
    target, stop = read_name(wire, start, names)
    if stop != end:
        raise WireError("name record of the wrong size")
    return target


def decode_answer(wire: bytes, query: Query, qid: int) -> tuple[Answer, str | None]:
    """Turn a response to ``query`` into an :class:`Answer`, and a name to chase.

    The second value is set when the answer section ends with a CNAME whose
    target the server did not answer for (an authoritative server does not
    follow a CNAME out of its zone, RFC 1034 §4.3.2 step 3a): the caller asks
    again for that name. A truncated response (TC) is reported as
    ``FailureCause.OTHER`` with detail ``"truncated"`` so the caller can retry
    over TCP.

    Raises:
        WireError: the message is malformed or answers another question.
    """
    length = len(wire)
    if length < 12:
        raise WireError("message shorter than a DNS header")
    rid, flags, qdcount, ancount, nscount, _ = _HEADER.unpack_from(wire)
    if rid != qid or not flags & 0x8000:
        raise WireError("not a response to this query")
    if qdcount != 1:
        raise WireError("response without exactly one question")
    # The question is the one we sent, as we encoded it (RFC 5452 §9.1): compare
    # its octets; anything else (another case, compression) is read in full.
    qname = query.name
    code = RDTYPES.get(query.rdtype)
    try:
        sent = _encoded(qname)
    except WireError:
        sent = b""
    root = 11 + len(sent)  # the question name's last octet
    if (
        sent
        and wire.startswith(sent, 12)
        and root + 5 <= length
        and _QUESTION.unpack_from(wire, root + 1) == (code, _CLASS_IN)
    ):
        names: Names = {12: (qname, 0)}
        offset = root + 5
    else:
        names = {}
        qname, offset = read_name(wire, 12, names)
        if offset + 4 > length:
            raise WireError("question runs past the end of the message")
        qtype, qclass = _QUESTION.unpack_from(wire, offset)
        offset += 4
        if qname != query.name or qtype != code or qclass != _CLASS_IN:
            raise WireError("response to another question")
        root = 0
    if flags & 0x0200:
        return _failure(query, FailureCause.OTHER, TRUNCATED), None
    rcode = flags & 0x000F
    if rcode != 0 and rcode != 3:
        return _rcode_failure(query, rcode), None
    # The records of the asked type, as parallel lists; the first CNAME of each owner.
    owners: list[str] = []
    ttls: list[int] = []
    values: list[RData] = []
    cnames: dict[str, str] = {}
    for _ in range(ancount):
        # Owners are mostly a pointer to the question name: look it up here.
        known = (
            names.get(((wire[offset] & 0x3F) << 8) | wire[offset + 1])
            if offset + 1 < length and wire[offset] >= 0xC0
            else None
        )
        if known is not None and known[1] < MAX_POINTERS:
            owner = known[0]
            offset += 2
        else:
            owner, offset = read_name(wire, offset, names)
        if offset + 10 > length:
            raise WireError("resource record runs past the end of the message")
        rtype, rclass, ttl, rdlength = _RR_FIXED.unpack_from(wire, offset)
        start = offset + 10
        offset = start + rdlength
        if offset > length:
            raise WireError("rdata runs past the end of the message")
        if rclass != _CLASS_IN:
            continue
        if rtype == code:
            owners.append(owner)
            ttls.append(ttl)
            # The two types a diagnosis reads most, here; the others in _rdata.
            if rtype == 15 and rdlength >= 3:
                exchange, stop = read_name(wire, start + 2, names)
                if stop != offset:
                    raise WireError("MX record of the wrong size")
                values.append(MX((wire[start] << 8) | wire[start + 1], exchange))
            elif rtype == 16 and rdlength and wire[start] == rdlength - 1:
                values.append(TXT((wire[start + 1 : offset],)))  # one character-string
            else:
                values.append(_rdata(wire, rtype, start, offset, names))
        elif rtype == _CNAME:
            cnames.setdefault(owner, _target(wire, start, offset, names))
    soa_ttl = -1
    for _ in range(nscount):
        # Only the zone's SOA matters here, not the owners: a pointer into the
        # question name (the zone's apex) is a name that reads, and is skipped.
        if offset + 1 < length and wire[offset] >= 0xC0 and _in_question(wire, offset, root):
            offset += 2
        else:
            offset = read_name(wire, offset, names)[1]
        if offset + 10 > length:
            raise WireError("resource record runs past the end of the message")
        rtype, _, ttl, rdlength = _RR_FIXED.unpack_from(wire, offset)
        offset += 10 + rdlength
        if offset > length:
            raise WireError("rdata runs past the end of the message")
        if rtype == _SOA and rdlength >= 22:
            # RFC 2308 §5: negative TTL = min(SOA TTL, SOA MINIMUM).
            minimum = _LONG.unpack_from(wire, offset - 4)[0]
            soa_ttl = ttl if ttl < minimum else minimum
    if not cnames and (not owners or owners.count(qname) == len(owners)):
        # No chain, and every record belongs to the question name (the usual case).
        if values:
            return Answer(query, AnswerStatus.ANSWER, tuple(values), min(ttls), qname), None
        status = AnswerStatus.NXDOMAIN if rcode == 3 else AnswerStatus.NODATA
        return Answer(query, status, (), max(soa_ttl, 0), qname), None
    return _assemble(query, rcode, owners, ttls, values, cnames, soa_ttl)


def _in_question(wire: bytes, offset: int, root: int) -> bool:
    """Whether the pointer at ``offset`` aims at a label of the question (or its root).

    ``root`` is the offset of the root octet of a question name read without
    pointers from offset 12 (0 when it was not): the name from any of its labels
    reads without error, through one pointer.
    """
    target = ((wire[offset] & 0x3F) << 8) | wire[offset + 1]
    if not 12 <= target <= root:
        return False
    position = 12
    while position < target:
        position += wire[position] + 1
    return position == target


def _failure(query: Query, cause: FailureCause, detail: str) -> Answer:
    return Answer(query, AnswerStatus.FAILURE, cause=cause, detail=detail)


def _rcode_failure(query: Query, rcode: int) -> Answer:
    if rcode == 2:
        return _failure(query, FailureCause.SERVFAIL, "SERVFAIL")
    if rcode == 5:
        return _failure(query, FailureCause.REFUSED, "REFUSED")
    return _failure(query, FailureCause.OTHER, f"RCODE {rcode}")


def _assemble(
    query: Query,
    rcode: int,
    owners: list[str],
    ttls: list[int],
    values: list[RData],
    cnames: dict[str, str],
    soa: int,
) -> tuple[Answer, str | None]:
    current = query.name
    if cnames:
        # Follow the chain inside the answer section (RFC 1034 §3.6.2); a query
        # for CNAME itself collects no chain.
        seen = {current}
        for _ in range(_MAX_CHAIN):
            target = cnames.get(current)
            if target is None:
                break
            if target in seen:
                return _failure(query, FailureCause.CNAME_LOOP, f"CNAME loop at {target}"), None
            seen.add(target)
            current = target
    if owners:
        if owners.count(current) != len(owners):
            kept = [i for i, owner in enumerate(owners) if owner == current]
            ttls = [ttls[i] for i in kept]
            values = [values[i] for i in kept]
        if values:
            return Answer(query, AnswerStatus.ANSWER, tuple(values), min(ttls), current), None
    if rcode == 0 and soa < 0 and current != query.name:
        # A chain that stops at a CNAME with neither data nor a SOA: the server
        # is not authoritative for the target; someone must ask for it.
        return Answer(query, AnswerStatus.NODATA, canonical_name=current), current
    status = AnswerStatus.NXDOMAIN if rcode == 3 else AnswerStatus.NODATA
    return Answer(query, status, ttl=max(soa, 0), canonical_name=current), None


def type_name(code: int) -> str:
    """The mnemonic of a record type code (``"TYPE99"`` when unknown)."""
    return _TYPE_NAMES.get(code, f"TYPE{code}")
