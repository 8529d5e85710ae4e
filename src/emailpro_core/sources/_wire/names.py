"""Domain names on the wire, for :mod:`emailpro_core.sources._wire.codec`: encoding, and reading
with compression.

Reading remembers the names already read from a message by the offset they
start at (:data:`Names`): compression pointers (RFC 1035 §4.1.4) point back at
names already read (the owners of the records at the question name, a mail
exchanger's domain at the one before it), so most names cost a dictionary
look-up and a label or two instead of a walk over all their labels.

>>> names = {}
>>> wire = b"\\x03mx1\\x04mail\\x00" + b"\\x03mx2\\xc0\\x04"
>>> read_name(wire, 0, names), read_name(wire, 10, names)
(('mx1.mail', 10), ('mx2.mail', 16))
"""

from __future__ import annotations

import functools
from itertools import islice

#: Compression pointers followed for one name before it is called a loop.
MAX_POINTERS = 64
# Names read before that _inside looks into for a pointer's target.
_LOOK_BACK = 4
# The longest name, as dotted text, whose wire form fits in 255 octets (RFC 1035 §3.1).
_MAX_TEXT = 253

#: Names read from one message: offset -> (the name read from there, the
#: compression pointers followed to read it).
Names = dict[int, tuple[str, int]]


class WireError(ValueError):
    """An answer that does not follow RFC 1035, or does not answer our question."""


def encode_name(name: str) -> bytes:
    """``name`` in wire form (RFC 1035 §3.1), as given (no case change).

    Raises:
        WireError: an empty label, a label over 63 octets or not ASCII, a name over 255.
    """
    name = name.rstrip(".")
    if not name:
        return b"\x00"
    if name.isascii():
        raw = name.encode("ascii")
        # The text with a dot in front is the wire form once each dot is replaced
        # by the length of the label after it (1 to 63 octets, RFC 1035 §2.3.4).
        out = bytearray(b"." + raw + b"\x00")
        position = 0
        for label in raw.split(b"."):
            size = len(label)
            if not 0 < size < 64:
                break
            out[position] = size
            position += size + 1
        else:
            if len(out) > 255:
                raise WireError("name longer than 255 octets")
            return bytes(out)
    # Not on the fast path: some label is empty, too long or not ASCII; name the first.
    bad = next(part for part in name.split(".") if not (part.isascii() and 0 < len(part) < 64))
    raise WireError(f"cannot encode label {bad!r}")


# One octet each, the length octets of labels (RFC 1035 §3.1).
_LENGTHS = tuple(bytes((size,)) for size in range(64))


@functools.lru_cache(maxsize=4096)
def encoded_name(name: str) -> bytes:
    """:func:`encode_name`, remembered, and built on the name's parent, remembered too.

    A diagnosis asks for most names with two types or three (MX and TXT, CNAME
    and TXT, CNAME, A and AAAA), and for names under a domain it asked about
    before (``_dmarc.``, ``autodiscover.``): those cost their first label.
    The codec's decoder compares the question of each reply with the one sent.
    The size covers the names of the questions in flight, and their parents.
    """
    head, _, parent = name.partition(".")
    # Not past 254 characters (127 labels): the recursion stays shallow. Anything
    # unusual (a first label empty, too long or not ASCII; no parent) is
    # encode_name's, with its errors, in the same order: a bad label first.
    if parent and len(name) < 255 and 0 < len(head) < 64 and head.isascii():
        wire = _LENGTHS[len(head)] + head.encode("ascii") + encoded_name(parent)
        if len(wire) > 255:
            raise WireError("name longer than 255 octets")
        return wire
    return encode_name(name)


def read_name(wire: bytes, offset: int, names: Names) -> tuple[str, int]:
    """Read a possibly compressed name; return it (lower case, no dot) and the next offset.

    ``names`` holds the names already read from ``wire``; this one is added.

    Raises:
        WireError: the name runs past the end, has a pointer that does not point
            backwards (a loop too), or is longer than 255 octets.
    """
    # The shapes senders write: labels ending at the root, or at a pointer to a
    # name already read. Anything else, or any doubt, takes the careful walk.
    labels: list[bytes] = []
    position = offset
    try:
        size = wire[position]
        if size >= 0xC0:
            target = ((size & 0x3F) << 8) | wire[position + 1]
            known = names.get(target) or _inside(wire, target, names)
            if known is not None and known[1] < MAX_POINTERS:
                return known[0], position + 2
            return _walk(wire, offset, names)
        while 0 < size < 0x40:
            start = position + 1
            position = start + size
            labels.append(wire[start:position])
            size = wire[position]
        if size:
            if size < 0xC0:
                return _walk(wire, offset, names)
            target = ((size & 0x3F) << 8) | wire[position + 1]
            known = names.get(target) or _inside(wire, target, names)
            if known is None or known[1] >= MAX_POINTERS:
                return _walk(wire, offset, names)
            tail, jumps = known
            jumps += 1
            position += 2
        else:
            tail, jumps = "", 0
            position += 1
    except IndexError:
        return _walk(wire, offset, names)
    # Latin-1 maps each octet to one character, and lower case works character by
    # character in that range: one decode and one lower() for the whole name.
    name = b".".join(labels).decode("latin-1").lower()
    if tail:
        name = f"{name}.{tail}" if labels else tail
    if len(name) > _MAX_TEXT:
        raise WireError("name longer than 255 octets")
    names[offset] = (name, jumps)
    return name, position


def _inside(wire: bytes, target: int, names: Names) -> tuple[str, int] | None:
    """The name at ``target`` when it starts at a label of a name already read.

    Pointers mostly aim at the domain part of a name read before (``mail.ovh.net``
    after ``mx1.``). The labels of a known name up to its first pointer are the
    start of its text, octet for character, so the name at any of them is a
    slice of the known one, with the same pointers after it.

    Only the last few names read are looked at, so that a message made of
    thousands of names costs no more than walking each of them would.
    """
    if not 0 < wire[target] < 0x40:
        return None
    for first, (name, jumps) in islice(reversed(names.items()), _LOOK_BACK):
        if first < target:
            position = first
            size = wire[position]
            while 0 < size < 0x40 and position < target:
                position += size + 1
                size = wire[position]
            if position == target:
                found = names[target] = (name[target - first :], jumps)
                return found
    return None


def _walk(wire: bytes, offset: int, names: Names) -> tuple[str, int]:
    # Label by label, checking everything, in the order the errors are reported.
    first = lowest = offset
    labels: list[bytes] = []
    end = -1
    jumps = 0
    length = len(wire)
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
            if jumps > MAX_POINTERS:
                raise WireError("compression pointer loop")
            if end < 0:
                end = offset + 2
            offset = ((size & 0x3F) << 8) | wire[offset + 1]
            # RFC 1035 §4.1.4 speaks of a "prior occurrence": a pointer aims before
            # the name it is in, and before the previous pointer's target (as
            # dnspython requires). Forward pointers and loops are refused.
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
    name = b".".join(labels).decode("latin-1").lower()
    if len(name) > _MAX_TEXT:
        raise WireError("name longer than 255 octets")
    names[first] = (name, jumps)
    return name, (end if end >= 0 else offset)
