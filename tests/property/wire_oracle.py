"""The DNS wire decoder as it was before it was made faster: the oracle of the properties.

A frozen copy of ``emailpro_core.sources._wire.codec`` (``encode_query``, ``decode_answer``
and what they use) taken before the fast path; the properties in
``test_dnswire_oracle_props.py`` assert that the optimised codec gives the same
bytes, the same answers and the same errors. Do not change it to follow the
codec: it is the reference. It changes only with a rule decided for the codec,
written here the plain way (the rules on hostile replies: which replies are not
ours, pointers that point backwards only, the TTL's top bit, the negative TTL
without a SOA, the TTL of a chain, the extended RCODE, the chain limit, RFC 5952
addresses).
"""

from __future__ import annotations

import socket
import struct

from emailpro_core.sources._answers import (
    MX,
    SRV,
    TXT,
    Answer,
    AnswerStatus,
    FailureCause,
    Query,
    RData,
)
from emailpro_core.sources._wire.codec import Mismatch
from emailpro_core.sources._wire.names import WireError
from emailpro_core.sources._wire.rdata import ipv6_text

__all__ = ["decode_answer", "encode_query"]

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
_RR_FIXED = struct.Struct("!HHIH")
_SHORT = struct.Struct("!H")
_SRV = struct.Struct("!HHH")
#: The UDP payload size offered with EDNS0: the DNS Flag Day 2020 value, which
#: avoids IP fragmentation yet holds a 2048-bit DKIM key record.
EDNS_PAYLOAD = 1232
# RFC 6891 §6.1.2 OPT pseudo-record: root owner, type 41, the payload size in
# the class field, no extended flags, no options.
_OPT = b"\x00" + struct.pack("!HHIH", 41, EDNS_PAYLOAD, 0, 0)
_MAX_CHAIN = 16
_MAX_POINTERS = 64
_NEGATIVE_TTL_WITHOUT_SOA = 300


#: The detail of the failure that stands for a truncated (TC) UDP reply.
TRUNCATED = "truncated"


def encode_query(qid: int, name: str, rdtype: str, *, edns: bool = True) -> bytes:
    """A recursion-desired query for ``name``/``rdtype`` with ID ``qid``.

    Raises:
        WireError: a label longer than 63 octets, a name over 255, an unknown type.
    """
    code = RDTYPES.get(rdtype)
    if code is None:
        raise WireError(f"unsupported record type {rdtype!r}")
    # RD set (RFC 1035 §4.1.1): a recursive server may answer for other zones too.
    header = _HEADER.pack(qid, 0x0100, 1, 0, 0, 1 if edns else 0)
    return (
        header + _encode_name(name) + struct.pack("!HH", code, _CLASS_IN) + (_OPT if edns else b"")
    )


def _encode_name(name: str) -> bytes:
    name = name.rstrip(".")
    out = bytearray()
    if name:
        for label in name.split("."):
            raw = label.encode("ascii", "strict") if label.isascii() else b""
            if not raw or len(raw) > 63:
                raise WireError(f"cannot encode label {label!r}")
            out.append(len(raw))
            out += raw
    out.append(0)
    if len(out) > 255:
        raise WireError("name longer than 255 octets")
    return bytes(out)


def response_id(wire: bytes) -> int:
    """The message ID of a response (``-1`` when it is too short to have one)."""
    return int.from_bytes(wire[:2], "big") if len(wire) >= 2 else -1


def _read_name(wire: bytes, offset: int) -> tuple[str, int]:
    """Read a possibly compressed name; return it (lower case, no dot) and the next offset."""
    labels: list[bytes] = []
    end = -1
    jumps = 0
    length = len(wire)
    lowest = offset
    while True:
        if offset >= length:
            raise WireError("name runs past the end of the message")
        size = wire[offset]
        if size == 0:
            offset += 1
            break
        if size & 0xC0 == 0xC0:
            if offset + 1 >= length:
                raise WireError("truncated compression pointer")
            jumps += 1
            if jumps > _MAX_POINTERS:
                raise WireError("compression pointer loop")
            if end < 0:
                end = offset + 2
            offset = ((size & 0x3F) << 8) | wire[offset + 1]
            if offset >= lowest:
                raise WireError("compression pointer that does not point backwards")
            lowest = offset
            continue
        if size & 0xC0:
            raise WireError("unknown label type")
        start = offset + 1
        offset = start + size
        if offset > length:
            raise WireError("label runs past the end of the message")
        labels.append(wire[start:offset])
    # Latin-1 maps each octet to one character, and lower case works character by
    # character in that range: one decode and one lower() for the whole name.
    name = b".".join(labels).decode("latin-1").lower()
    if len(name) > 253:
        raise WireError("name longer than 255 octets")
    return name, (end if end >= 0 else offset)


def _rdata(wire: bytes, rtype: int, start: int, end: int) -> RData:
    if rtype == 1:
        if end - start != 4:
            raise WireError("A record of the wrong size")
        return socket.inet_ntop(socket.AF_INET, wire[start:end])
    if rtype == 28:
        if end - start != 16:
            raise WireError("AAAA record of the wrong size")
        return ipv6_text(wire[start:end])
    if rtype == 15:
        if end - start < 3:
            raise WireError("MX record too short")
        (preference,) = _SHORT.unpack_from(wire, start)
        exchange, stop = _read_name(wire, start + 2)
        if stop != end:
            raise WireError("MX record of the wrong size")
        return MX(preference, exchange)
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
    if rtype == 33:
        if end - start < 7:
            raise WireError("SRV record too short")
        priority, weight, port = _SRV.unpack_from(wire, start)
        target, stop = _read_name(wire, start + 6)
        if stop != end:
            raise WireError("SRV record of the wrong size")
        return SRV(priority, weight, port, target)
    if rtype in (2, 5, 12):
        target, stop = _read_name(wire, start)
        if stop != end:
            raise WireError("name record of the wrong size")
        return target
    raise WireError(f"no reader for type {rtype}")  # pragma: no cover - types are filtered


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
    if len(wire) < _HEADER.size:
        raise WireError("message shorter than a DNS header")
    rid, flags, qdcount, ancount, nscount, arcount = _HEADER.unpack_from(wire)
    if rid != qid or not flags & 0x8000 or flags & 0x7800:
        raise Mismatch("not a response to this query")
    if qdcount != 1:
        raise Mismatch("response without exactly one question")
    try:
        sent = _encode_name(query.name)
    except WireError:
        raise Mismatch("response to a query that cannot be sent") from None
    offset = _HEADER.size + len(sent)
    if offset + 4 > len(wire):
        raise WireError("question runs past the end of the message")
    qtype, qclass = struct.unpack_from("!HH", wire, offset)
    offset += 4
    code = RDTYPES.get(query.rdtype)
    if wire[_HEADER.size : _HEADER.size + len(sent)].lower() != sent.lower() or (
        qtype,
        qclass,
    ) != (code, _CLASS_IN):
        raise Mismatch("response to another question")
    if flags & 0x0200:
        return _failure(query, FailureCause.OTHER, TRUNCATED), None
    rcode = flags & 0x000F
    if rcode not in (0, 3):
        return _rcode_failure(query, rcode), None
    answers: list[tuple[str, int, int, RData]] = []
    soa_ttl = -1
    for index in range(ancount + nscount):
        owner, offset = _read_name(wire, offset)
        if offset + _RR_FIXED.size > len(wire):
            raise WireError("resource record runs past the end of the message")
        rtype, rclass, ttl, rdlength = _RR_FIXED.unpack_from(wire, offset)
        if ttl > 0x7FFFFFFF:
            ttl = 0  # RFC 2181 §8
        start = offset + _RR_FIXED.size
        offset = start + rdlength
        if offset > len(wire):
            raise WireError("rdata runs past the end of the message")
        if index >= ancount:
            if rtype == _SOA and rdlength >= 22:
                # RFC 2308 §5: negative TTL = min(SOA TTL, SOA MINIMUM).
                (minimum,) = struct.unpack_from("!I", wire, offset - 4)
                soa_ttl = min(ttl, minimum)
            continue
        if rclass != _CLASS_IN or (rtype != code and rtype != _CNAME):
            continue
        answers.append((owner, rtype, ttl, _rdata(wire, rtype, start, offset)))
    last = len(wire) - 11
    if (
        arcount
        and last >= offset
        and wire[last : last + 3] == b"\x00\x00\x29"
        and wire[-2:] == b"\0\0"
    ):
        # An OPT record without options ends the message: read there (the rule
        # the codec follows; OPT elsewhere is found by the walk).
        arcount = 0
        rcode |= wire[-6] << 4
    for _ in range(arcount):
        # RFC 6891 §6.1.3: the OPT record holds the upper 8 bits of the RCODE.
        _, offset = _read_name(wire, offset)
        if offset + _RR_FIXED.size > len(wire):
            raise WireError("resource record runs past the end of the message")
        rtype, _, ttl, rdlength = _RR_FIXED.unpack_from(wire, offset)
        if rtype == 41:
            rcode |= (ttl >> 24) << 4
            break
        offset += _RR_FIXED.size + rdlength
    if rcode not in (0, 3):
        return _rcode_failure(query, rcode), None
    return _assemble(query, code, rcode, answers, soa_ttl)


def _failure(query: Query, cause: FailureCause, detail: str) -> Answer:
    return Answer(query, AnswerStatus.FAILURE, cause=cause, detail=detail)


def _rcode_failure(query: Query, rcode: int) -> Answer:
    if rcode == 2:
        return _failure(query, FailureCause.SERVFAIL, "SERVFAIL")
    if rcode == 5:
        return _failure(query, FailureCause.REFUSED, "REFUSED")
    return _failure(query, FailureCause.OTHER, f"RCODE {rcode}")


def _assemble(
    query: Query, code: int | None, rcode: int, answers: list[tuple[str, int, int, RData]], soa: int
) -> tuple[Answer, str | None]:
    current = query.name
    chain: list[int] = []  # the TTLs of the links followed
    if code != _CNAME:
        # Follow the chain inside the answer section (RFC 1034 §3.6.2).
        seen = {current}
        while len(chain) < _MAX_CHAIN:
            link = next(
                ((r, ttl) for o, t, ttl, r in answers if t == _CNAME and o == current),
                None,
            )
            if link is None or not isinstance(link[0], str):
                break
            target = link[0]
            if target in seen:
                return _failure(query, FailureCause.CNAME_LOOP, f"CNAME loop at {target}"), None
            chain.append(link[1])
            seen.add(target)
            current = target
        if len(chain) == _MAX_CHAIN:
            detail = f"CNAME chain of {_MAX_CHAIN} links or more"
            return _failure(query, FailureCause.CNAME_LOOP, detail), None
    records = tuple(r for o, t, _, r in answers if t == code and o == current)
    if records:
        ttl = min([ttl for o, t, ttl, _ in answers if t == code and o == current] + chain)
        return Answer(query, AnswerStatus.ANSWER, records, ttl=ttl, canonical_name=current), None
    if rcode == 0 and soa < 0 and current != query.name and current:
        # A chain that stops at a CNAME with neither data nor a SOA: the server
        # is not authoritative for the target; someone must ask for it.
        return Answer(query, AnswerStatus.NODATA, ttl=min(chain), canonical_name=current), current
    status = AnswerStatus.NXDOMAIN if rcode == 3 else AnswerStatus.NODATA
    ttl = min([soa if soa >= 0 else _NEGATIVE_TTL_WITHOUT_SOA, *chain])
    return Answer(query, status, ttl=ttl, canonical_name=current), None


def type_name(code: int) -> str:
    """The mnemonic of a record type code (``"TYPE99"`` when unknown)."""
    return _TYPE_NAMES.get(code, f"TYPE{code}")
