"""Record values read from the wire: the types the codec's decoder does not read in line.

TXT character-strings, AAAA addresses (as RFC 5952 writes it), SRV, and the
name-valued types (CNAME, NS, PTR). A value that does not fill its record
exactly is a :class:`~.names.WireError`. And the MX and TXT values the decoder
met before, kept to be reused (:func:`kept_mx`, :func:`kept_txt`).
"""

from __future__ import annotations

import socket
import struct

from .._answers import MX, SRV, TXT, RData
from .names import Names, WireError, read_name

_SRV = struct.Struct("!HHH")


def read_rdata(wire: bytes, rtype: int, start: int, end: int, names: Names) -> RData:
    """The value of a record of type ``rtype`` at ``wire[start:end]``.

    For the types the codec's decoder does not read itself (it reads MX, most
    TXT, A and the records of a question for CNAME in line): here, the others,
    and the records it refuses (an A record not of 4 octets).
    """
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
    if rtype == 1:  # decode_answer reads those of 4 octets
        raise WireError("A record of the wrong size")
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
        return ipv6_text(wire[start:end])
    if rtype in (2, 5, 12):
        return read_target(wire, start, end, names)
    # A question for SOA: its records are not read (the checks never ask for them).
    raise WireError(f"no reader for type {rtype}")


_MAPPED = b"\x00" * 10 + b"\xff\xff"


def ipv6_text(packed: bytes) -> str:
    """An IPv6 address as RFC 5952 writes it.

    §4: lower-case hexadecimal, the longest run of zero fields as ``::``; §5: the
    dotted IPv4 form only for an IPv4-mapped address (``::ffff:192.0.2.1``). The
    C library writes the deprecated IPv4-compatible form (``::192.0.2.1``)
    dotted as well; that one is written in hexadecimal here.

    >>> ipv6_text(bytes.fromhex("00000000000000000000ffffc0000201"))
    '::ffff:192.0.2.1'
    >>> ipv6_text(bytes.fromhex("000000000000000000000000c0000201"))
    '::c000:201'
    """
    if packed.startswith(_MAPPED):
        return "::ffff:" + socket.inet_ntop(socket.AF_INET, packed[12:])
    text = socket.inet_ntop(socket.AF_INET6, packed)
    if "." in text:
        high, low = struct.unpack_from("!HH", packed, 12)
        text = f"::{high:x}:{low:x}" if high else f"::{low:x}"
    return text


def read_target(wire: bytes, start: int, end: int, names: Names) -> str:
    """The name a CNAME, NS or PTR record holds, which must fill its record."""
    target, stop = read_name(wire, start, names)
    if stop != end:
        raise WireError("name record of the wrong size")
    return target


# Record values met before, by what they hold: the same mail exchangers and the
# same SPF records come back in reply after reply, and the values are frozen, so
# one object serves them all (and an MX hashes once: it keeps its hash). Each
# table is emptied when full, so bounded whatever the replies hold (a TXT value
# kept here is one character-string: 255 octets at most).
#: Values each table keeps at most.
KEPT = 1024
#: MX values by preference and exchange (read by the codec's decoder in line).
MXS: dict[tuple[int, str], MX] = {}
#: TXT values of one character-string, by that string.
TXTS: dict[bytes, TXT] = {}


def kept_mx(preference: int, exchange: str) -> MX:
    """``MX(preference, exchange)``, kept in :data:`MXS` for the replies after this one."""
    if len(MXS) >= KEPT:
        MXS.clear()
    mx = MXS[preference, exchange] = MX(preference, exchange)
    return mx


def kept_txt(string: bytes) -> TXT:
    """``TXT((string,))``, kept in :data:`TXTS` for the replies after this one."""
    if len(TXTS) >= KEPT:
        TXTS.clear()
    txt = TXTS[string] = TXT((string,))
    return txt
