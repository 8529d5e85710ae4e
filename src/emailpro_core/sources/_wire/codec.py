"""A small DNS wire codec: build one question, read one answer into an :class:`Answer`.

The live sources spend most of their time turning answers into values. A general
message parser builds every name, rdata object and section; the checker needs only
the records of one type at the end of a CNAME chain. This codec reads exactly that
(RFC 1035 §4.1, name compression §4.1.4), validates what it relies on, and reports
anything else as a malformed answer rather than guessing.

Names are read by :mod:`emailpro_core.sources._wire.names`, which remembers those of one message so
that compression pointers to them cost a look-up; the question of a reply is
compared octet for octet with the one sent.

>>> wire = encode_query(0x1234, "example.org", "MX")
>>> wire[:2].hex(), len(wire)
('1234', 40)
"""

from __future__ import annotations

import socket
import struct

from .._answers import Answer, AnswerStatus, FailureCause, Query, RData
from .names import MAX_POINTERS, Names, WireError, encoded_name, read_name
from .rdata import MXS, TXTS, kept_mx, kept_txt, read_rdata, read_target

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
_ntop = socket.inet_ntop
_INET = socket.AF_INET
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
#: CNAME records followed inside one answer: a chain of this many or more is a
#: ``CNAME_LOOP`` failure, whatever it ends at (dnspython's ``MAX_CHAIN``).
MAX_CNAME_CHAIN = 16
#: The negative TTL of an NXDOMAIN or NODATA answer that carries no SOA (RFC 2308
#: §5 gives none to use): dnspython's ``NEGATIVE_TTL_WITHOUT_SOA``, so both
#: families of sources cache such an answer alike.
NEGATIVE_TTL_WITHOUT_SOA = 300
# RFC 2181 §8: a TTL with its top bit set is read as 0.
_TTL_LIMIT = 0x80000000
_OPT_TYPE = 41
# An OPT record's owner (the root) and type, as they start the record.
_OPT_LAST = b"\x00\x00\x29"

#: The detail of the failure that stands for a truncated (TC) UDP reply.
TRUNCATED = "truncated"


class Mismatch(WireError):
    """A message that is not the reply to our query: ignored over UDP as a possible forgery.

    RFC 5452 §9.1: a reply is accepted only when its ID, its QR bit, its opcode
    and its question (name, type and class) are those of the query sent.
    """


def encode_query(qid: int, name: str, rdtype: str, *, edns: bool = True) -> bytes:
    """A recursion-desired query for ``name``/``rdtype`` with ID ``qid``.

    Raises:
        WireError: a label longer than 63 octets, a name over 255, an unknown type.
    """
    tail = (_TAIL_EDNS if edns else _TYPE_CLASS).get(rdtype)
    if tail is None:
        raise WireError(f"unsupported record type {rdtype!r}")
    return _SHORT.pack(qid) + (_FLAGS_EDNS if edns else _FLAGS_PLAIN) + encoded_name(name) + tail


# What follows the question name in a query with EDNS0: its type and class, the OPT record.
_TAIL_EDNS = {name: tail + _OPT for name, tail in _TYPE_CLASS.items()}


def response_id(wire: bytes) -> int:
    """The message ID of a response (``-1`` when it is too short to have one)."""
    return int.from_bytes(wire[:2], "big") if len(wire) >= 2 else -1


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
    rid, flags, qdcount, ancount, nscount, arcount = _HEADER.unpack_from(wire)
    # QR set, opcode QUERY (0), our ID, our question: anything else is a reply to
    # some other query, or a forgery (RFC 5452 §9.1).
    if rid != qid or flags & 0xF800 != 0x8000:
        raise Mismatch("not a response to this query")
    if qdcount != 1:
        raise Mismatch("response without exactly one question")
    # The question is the one we sent (RFC 5452 §9.1): nearly always octet for
    # octet, as servers echo it; otherwise compared without case (_check_question).
    qname = query.name
    rdtype = query.rdtype
    code = RDTYPES.get(rdtype)
    try:
        sent = encoded_name(qname)
    except WireError:
        raise Mismatch("response to a query that cannot be sent") from None
    root = 11 + len(sent)  # the question name's last octet
    tail = _TYPE_CLASS.get(rdtype)
    if tail is None or not (wire.startswith(sent, 12) and wire.startswith(tail, root + 1)):
        _check_question(wire, sent, root, code)
    names: Names = {12: (qname, 0)}
    offset = root + 5
    if flags & 0x0200:
        return _failure(query, FailureCause.OTHER, TRUNCATED), None
    rcode = flags & 0x000F
    if rcode != 0 and rcode != 3:
        return _rcode_failure(query, rcode), None
    # The records of the asked type, as parallel lists; the first CNAME of each owner.
    owners: list[str] = []
    ttls: list[int] = []
    # The smallest of them, kept as they come (min() costs more than the compares).
    low_ttl = _TTL_LIMIT
    values: list[RData] = []
    # The first CNAME of each owner: its target and TTL.
    cnames: dict[str, tuple[str, int]] = {}
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
            if ttl >= _TTL_LIMIT:
                ttl = 0
            ttls.append(ttl)
            if ttl < low_ttl:
                low_ttl = ttl
            # The types a diagnosis reads most, here; the others in read_rdata.
            if rtype == 15 and rdlength >= 3:
                exchange, stop = read_name(wire, start + 2, names)
                if stop != offset:
                    raise WireError("MX record of the wrong size")
                preference = (wire[start] << 8) | wire[start + 1]
                mx = MXS.get((preference, exchange))
                values.append(kept_mx(preference, exchange) if mx is None else mx)
            elif rtype == 16 and rdlength and wire[start] == rdlength - 1:
                string = wire[start + 1 : offset]  # one character-string
                txt = TXTS.get(string)
                values.append(kept_txt(string) if txt is None else txt)
            elif rtype == 1 and rdlength == 4:
                values.append(_ntop(_INET, wire[start:offset]))
            elif rtype == _CNAME:  # a question for the CNAME itself
                values.append(read_target(wire, start, offset, names))
            else:
                values.append(read_rdata(wire, rtype, start, offset, names))
        elif rtype == _CNAME:
            target = read_target(wire, start, offset, names)  # read, so checked, always
            if owner not in cnames:
                cnames[owner] = (target, ttl if ttl < _TTL_LIMIT else 0)
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
            # RFC 2181 §8 for its TTL (as dnspython: not for MINIMUM).
            minimum = _LONG.unpack_from(wire, offset - 4)[0]
            if ttl >= _TTL_LIMIT:
                ttl = 0
            soa_ttl = ttl if ttl < minimum else minimum
    if arcount:
        # Servers put OPT last, without options in a reply to a query without any
        # (RFC 6891 §6.1.1 allows it anywhere): its upper RCODE bits are read
        # there, in line (every reply has it); an OPT elsewhere is walked to.
        if (
            wire[-2:] == b"\0\0"
            and wire.startswith(_OPT_LAST, length - 11)
            and length - 11 >= offset
        ):
            extended = wire[length - 6] << 4
        else:
            extended = _extended_rcode(wire, offset, arcount, names)
        if extended:
            # An extended RCODE (16 or more) is neither NOERROR nor NXDOMAIN.
            return _rcode_failure(query, rcode | extended), None
    if not cnames and (not owners or owners.count(qname) == len(owners)):
        # No chain, and every record belongs to the question name (the usual
        # case); the canonical name left out is the question's, as it is.
        if values:
            return Answer(query, AnswerStatus.ANSWER, tuple(values), low_ttl), None
        status = AnswerStatus.NXDOMAIN if rcode == 3 else AnswerStatus.NODATA
        ttl = soa_ttl if soa_ttl >= 0 else NEGATIVE_TTL_WITHOUT_SOA
        return Answer(query, status, (), ttl), None
    return _assemble(query, rcode, owners, ttls, values, cnames, soa_ttl)


def _check_question(wire: bytes, sent: bytes, root: int, code: int | None) -> None:
    """Check that the question of ``wire`` is the one sent (its name ``sent``, its type ``code``).

    For replies whose question is not the one sent octet for octet: another
    case (RFC 4343), or not the question at all.

    Raises:
        Mismatch: the reply is to another question (RFC 5452 §9.1).
        WireError: the question runs past the end of the message.
    """
    # The question is the one we sent, octet for octet but for case (RFC 5452
    # §9.1; RFC 4343: names compare case-insensitively). A length octet is below
    # 64, never an ASCII letter, so lower-casing leaves the label structure as it
    # is: "victim.example.org" as one label is not the three labels we asked.
    # The question is the message's first name: a pointer there points forward,
    # or at itself, and is refused by the comparison too.
    if root + 5 > len(wire):
        raise WireError("question runs past the end of the message")
    if _QUESTION.unpack_from(wire, root + 1) != (code, _CLASS_IN) or not (
        wire.startswith(sent, 12) or wire[12 : root + 1].lower() == sent.lower()
    ):
        raise Mismatch("response to another question")


def _extended_rcode(wire: bytes, offset: int, count: int, names: Names) -> int:
    """The upper 8 bits of the RCODE, from the OPT record (RFC 6891 §6.1.3), shifted.

    ``offset`` is where the additional section starts. BADVERS (16) and the other
    extended codes have 0 in the header's 4 bits: read alone, they look like
    NOERROR.
    """
    length = len(wire)
    for _ in range(count):
        if offset < length and wire[offset] == 0:
            offset += 1  # the root, OPT's owner
        else:
            offset = read_name(wire, offset, names)[1]
        if offset + 10 > length:
            raise WireError("resource record runs past the end of the message")
        rtype, _, ttl, rdlength = _RR_FIXED.unpack_from(wire, offset)
        if rtype == _OPT_TYPE:
            extended: int = ttl >> 24
            return extended << 4
        offset += 10 + rdlength
    return 0


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
    cnames: dict[str, tuple[str, int]],
    soa: int,
) -> tuple[Answer, str | None]:
    current = query.name
    chain_ttl = -1
    if cnames:
        # Follow the chain inside the answer section (RFC 1034 §3.6.2); a query
        # for CNAME itself collects no chain. Its TTL is the smallest of its links.
        seen = {current}
        for _ in range(MAX_CNAME_CHAIN):
            link = cnames.get(current)
            if link is None:
                break
            target, link_ttl = link
            if target in seen:
                return _failure(query, FailureCause.CNAME_LOOP, f"CNAME loop at {target}"), None
            chain_ttl = link_ttl if chain_ttl < 0 or link_ttl < chain_ttl else chain_ttl
            seen.add(target)
            current = target
        else:
            return _failure(
                query, FailureCause.CNAME_LOOP, f"CNAME chain of {MAX_CNAME_CHAIN} links or more"
            ), None
    if owners:
        if owners.count(current) != len(owners):
            kept = [i for i, owner in enumerate(owners) if owner == current]
            ttls = [ttls[i] for i in kept]
            values = [values[i] for i in kept]
        if values:
            ttl = min(ttls) if chain_ttl < 0 else min(chain_ttl, *ttls)
            return Answer(query, AnswerStatus.ANSWER, tuple(values), ttl, current), None
    if rcode == 0 and soa < 0 and current != query.name and current:
        # A chain that stops at a CNAME with neither data nor a SOA: the server
        # is not authoritative for the target; someone must ask for it. (Not
        # the root: a CNAME to "." leads nowhere mail can go, and is kept as
        # no data at the root, via_cname set.)
        return Answer(
            query, AnswerStatus.NODATA, ttl=max(chain_ttl, 0), canonical_name=current
        ), current
    status = AnswerStatus.NXDOMAIN if rcode == 3 else AnswerStatus.NODATA
    ttl = soa if soa >= 0 else NEGATIVE_TTL_WITHOUT_SOA
    if chain_ttl >= 0:
        ttl = min(ttl, chain_ttl)
    return Answer(query, status, ttl=ttl, canonical_name=current), None


def type_name(code: int) -> str:
    """The mnemonic of a record type code (``"TYPE99"`` when unknown)."""
    return _TYPE_NAMES.get(code, f"TYPE{code}")
