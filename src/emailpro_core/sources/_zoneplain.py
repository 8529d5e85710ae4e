"""A quick reader for plain zone text, with dnspython's reader for everything else.

Reading a zone with ``dns.zone.from_text`` costs several times as much as
checking the domain in it (``docs/performance.md``): its tokenizer, its
transactions and its rdata classes serve the whole master-file format. Most zone
files, and every zone this package writes, keep to a plain part of it
(RFC 1035 §5.1): ``$ORIGIN`` and ``$TTL``, one record per line or a record
spread over lines by parentheses, owner names of letters, digits, hyphens and
underscores, decimal TTLs, class ``IN``, and the types a mail setup uses.

:func:`read_plain` reads that part and gives what ``source_zone`` would have
taken out of dnspython's zone: the apex, the record sets of every name, and the
negative-answer TTL. On anything else (an escape, a quoted string over lines, a
TTL with units, another type or class, a name outside the zone, ``$INCLUDE``,
a record dnspython would refuse) it gives ``None`` and dnspython reads the text,
which also finds and words the errors. It never accepts text dnspython would
refuse, and never reads it differently: ``tests/property/test_zoneplain_props.py``
compares the two on generated zones.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from ._answers import MX, SRV, TXT, RData
from ._memtable import RRSet
from ._wire.rdata import ipv6_text

#: A zone as the sources hold it: the apex, every owner's record sets by type, and the
#: negative-answer TTL.
ZoneData = tuple[str, dict[str, dict[str, RRSet]], int]

# RFC 2181 §8: a TTL is at most 2**31 - 1; larger ones are left to dnspython.
_MAX_TTL = 2**31 - 1
_UINT16 = 0xFFFF
_UINT32 = 0xFFFFFFFF
# An absolute name of labels of letters, digits, hyphens and underscores, "*" only
# as a whole first label (a wildcard).
_NAME = re.compile(r"(?:\*\.)?(?:[A-Za-z0-9_-]{1,63}\.)+")
_DIGITS = re.compile(r"[0-9]{1,10}")
_ADDRESS6 = re.compile(r"[0-9A-Fa-f:.]+")
# A token: a quoted string (no quote inside: escapes are left to dnspython), or a
# run of anything but blanks, quotes, parentheses and comments.
_TOKEN = re.compile(r'[ \t]*(?:"(?P<quoted>[^"]*)"|(?P<word>[^ \t";()]+)|(?P<other>[;()"]))')
# One record's data by type: how many tokens, exactly (TXT: at least one).
_ARITY = {"A": 1, "AAAA": 1, "NS": 1, "CNAME": 1, "PTR": 1, "MX": 2, "SRV": 4, "SOA": 7}


class _NotPlain(Exception):
    """The text leaves the plain part: dnspython reads it."""


# A token and whether it was quoted.
_Token = tuple[str, bool]


def _entries(text: str) -> Iterator[tuple[bool, list[_Token]]]:
    """Each entry (a line, or lines joined by parentheses): whether it starts blank, its tokens."""
    tokens: list[_Token] = []
    blank_start = False
    depth = 0
    for line in text.split("\n"):
        if not depth:
            blank_start = line[:1] in (" ", "\t")
        position, end = 0, len(line)
        while position < end:
            found = _TOKEN.match(line, position)
            if found is None:
                break  # only blanks are left
            position = found.end()
            if found["quoted"] is not None:
                tokens.append((found["quoted"], True))
            elif found["word"] is not None:
                tokens.append((found["word"], False))
            elif found["other"] == ";":
                break
            elif found["other"] == "(":
                depth += 1
            elif found["other"] == ")" and depth:
                depth -= 1
            else:
                raise _NotPlain  # a ")" without "(", or a quote left open
        if not depth and tokens:
            yield blank_start, tokens
            tokens = []
    if depth:
        raise _NotPlain


class _Names:
    """Owner and rdata names, made absolute as dnspython does, in two forms.

    The key form is lower case without the trailing dot (what ``name_text``
    gives). The shown form, for the presentation text of other types (SOA),
    keeps the case as written, except that a name inside the zone ends with
    the zone's name as the zone's origin spells it: dnspython keeps such names
    relative to the origin and writes the origin back.
    """

    def __init__(self, zone_origin: str) -> None:
        self.zone = zone_origin  # as written, absolute, with its trailing dot
        self.zone_key = _key(zone_origin)

    def absolute(self, token: str, origin: str) -> str:
        """``token`` made absolute on ``origin`` (both as written, with trailing dots)."""
        if token == "@":
            return origin
        name = token if token.endswith(".") else f"{token}.{origin}"
        _check_name(name)
        return name

    def shown(self, name: str) -> str:
        """The form dnspython's ``to_text(origin=zone, relativize=False)`` prints."""
        key = _key(name)
        if key == self.zone_key:
            return self.zone
        if key.endswith("." + self.zone_key):
            inside = name[: len(name) - len(self.zone_key) - 1]  # "label." kept as written
            return inside + self.zone
        return name


def _key(name: str) -> str:
    return name.rstrip(".").lower()


def _check_name(name: str) -> None:
    """A name of plain labels, of at most 255 octets on the wire (RFC 1035 §2.3.4).

    On the wire, each label's length octet takes the place of its dot, and the
    root's zero octet ends it: one octet more than the absolute text. The root
    itself is left to dnspython.
    """
    if len(name) > 254 or not _NAME.fullmatch(name):
        raise _NotPlain


def _number(token: _Token, highest: int) -> int:
    text, quoted = token
    if quoted or not _DIGITS.fullmatch(text):
        raise _NotPlain
    value = int(text)
    if value > highest:
        raise _NotPlain
    return value


class _Reader:
    """The state of one reading: origins, the default TTL, the records so far."""

    def __init__(self, origin: str | None) -> None:
        self.names: _Names | None = None
        self.origin: str | None = None
        if origin is not None:
            self._set_origin(origin if origin.endswith(".") else origin + ".")
        self.default_ttl: int | None = None
        self.last_owner: str | None = None
        # Each record set as a dict used as an ordered set: a record is kept once,
        # found in constant time (a list would make a large record set quadratic).
        self.nodes: dict[str, dict[str, dict[RData, None]]] = {}
        self.ttls: dict[tuple[str, str], int] = {}
        self.soa_minimum: int | None = None

    def _set_origin(self, origin: str) -> None:
        _check_name(origin)
        self.origin = origin
        if self.names is None:
            self.names = _Names(origin)  # the first origin is the zone's

    def _where(self) -> tuple[_Names, str]:
        """The zone's names and the current origin; no origin yet is not plain."""
        if self.names is None or self.origin is None:
            raise _NotPlain  # dnspython says the origin is unknown
        return self.names, self.origin

    def directive(self, tokens: list[_Token]) -> None:
        """``$ORIGIN`` (the zone's, absolute) or ``$TTL`` (seconds); any other is not plain."""
        if len(tokens) != 2 or tokens[1][1]:
            raise _NotPlain
        keyword, (value, _) = tokens[0][0].upper(), tokens[1]
        if keyword == "$ORIGIN" and value.endswith("."):
            # Only the zone's own origin: dnspython's handling of an origin that
            # changes in the middle of a zone is its own business.
            if self.origin is not None and value != self.origin:
                raise _NotPlain
            self._set_origin(value)
        elif keyword == "$TTL":
            self.default_ttl = _number(tokens[1], _MAX_TTL)
        else:
            raise _NotPlain

    def record(self, blank_start: bool, tokens: list[_Token]) -> None:
        """One resource record: ``[owner] [ttl] [IN] type data...`` (TTL and class either way)."""
        names, origin = self._where()
        rest = iter(tokens)
        if blank_start:
            owner = self.last_owner
        else:
            text, quoted = next(rest)
            if quoted:
                raise _NotPlain
            owner = names.absolute(text, origin)
        if owner is None:
            raise _NotPlain
        self.last_owner = owner
        ttl: int | None = None
        seen_class = False
        for text, quoted in rest:
            if quoted:
                raise _NotPlain
            if ttl is None and _DIGITS.fullmatch(text):
                ttl = _number((text, quoted), _MAX_TTL)
            elif not seen_class and text.upper() == "IN":
                seen_class = True
            else:
                rdtype = text.upper()
                break
        else:
            raise _NotPlain  # no type
        if ttl is None:
            ttl = self.default_ttl
        if ttl is None:
            raise _NotPlain  # dnspython's rules for a TTL taken from elsewhere
        self._add(names, origin, owner, ttl, rdtype, list(rest))

    def _add(
        self, names: _Names, origin: str, owner: str, ttl: int, rdtype: str, data: list[_Token]
    ) -> None:
        zone_key = names.zone_key
        owner_key = _key(owner)
        if owner_key != zone_key and not owner_key.endswith("." + zone_key):
            raise _NotPlain  # dnspython drops names outside the zone: left to it
        arity = _ARITY.get(rdtype)
        if rdtype == "TXT":
            if not data:
                raise _NotPlain
        elif arity is None or len(data) != arity:
            raise _NotPlain
        if rdtype == "SOA" and owner_key != zone_key:
            raise _NotPlain  # an SOA below the apex: dnspython refuses the zone, and says why
        value = _value(names, origin, rdtype, data)
        rrsets = self.nodes.setdefault(owner_key, {})
        if rdtype in ("CNAME", "SOA") and rdtype in rrsets:
            raise _NotPlain  # a second record of a singleton type: dnspython's rules decide
        if rrsets and (rdtype == "CNAME" or "CNAME" in rrsets):
            raise _NotPlain  # CNAME and other data (RFC 1034 §3.6.2): dnspython's rules decide
        rrsets.setdefault(rdtype, {})[value] = None  # a record set holds each record once
        key = (owner_key, rdtype)
        # A record set's TTL is the smallest of its records' (dnspython's rule).
        self.ttls[key] = min(ttl, self.ttls.get(key, ttl))
        if rdtype == "SOA":
            self.soa_minimum = _number(data[6], _MAX_TTL)

    def zone(self) -> ZoneData:
        """What was read, as ``source_zone`` takes it; not plain without SOA and NS at the apex."""
        apex = self._where()[0].zone_key
        at_apex = self.nodes.get(apex, {})
        if "SOA" not in at_apex or "NS" not in at_apex or self.soa_minimum is None:
            raise _NotPlain  # dnspython refuses such a zone, and words why
        nodes = {
            name: {
                rdtype: RRSet(tuple(records), self.ttls[name, rdtype])
                for rdtype, records in rrsets.items()
            }
            for name, rrsets in self.nodes.items()
        }
        # RFC 2308 §5: a negative answer lives min(SOA TTL, SOA MINIMUM).
        negative_ttl = min(self.ttls[apex, "SOA"], self.soa_minimum)
        return apex, nodes, negative_ttl


def _value(names: _Names, origin: str, rdtype: str, data: list[_Token]) -> RData:
    """One record's value, from its data tokens (their number already checked)."""
    if rdtype == "TXT":
        return TXT(tuple(_string(token) for token in data))
    words = [_word(token) for token in data]
    if rdtype == "A":
        return _address(words[0], 4)
    if rdtype == "AAAA":
        return _address(words[0], 6)
    if rdtype == "MX":
        exchange = names.absolute(words[1], origin)
        return MX(_number(data[0], _UINT16), exchange)
    if rdtype == "SRV":
        priority, weight, port = (_number(token, _UINT16) for token in data[:3])
        return SRV(priority, weight, port, names.absolute(words[3], origin))
    if rdtype == "SOA":
        shown = [names.shown(names.absolute(word, origin)) for word in words[:2]]
        serial = _number(data[2], _UINT32)
        timers = [_number(token, _MAX_TTL) for token in data[3:]]
        return " ".join([*shown, str(serial), *map(str, timers)])
    return _key(names.absolute(words[0], origin))  # NS, CNAME, PTR


def _word(token: _Token) -> str:
    text, quoted = token
    if quoted:
        raise _NotPlain
    return text


def _string(token: _Token) -> bytes:
    text, _ = token
    if not text.isascii() or len(text) > 255:
        raise _NotPlain  # other octets, or longer than a character-string (RFC 1035 §3.3)
    return text.encode("ascii")


def _address(text: str, version: int) -> str:
    # ipaddress and dnspython agree on dotted quads (no leading zeros) and on IPv6
    # text without a zone index; anything else goes to dnspython.
    try:
        if version == 4:
            return str(ipaddress.IPv4Address(text))
        if not _ADDRESS6.fullmatch(text):
            raise _NotPlain
        return ipv6_text(ipaddress.IPv6Address(text).packed)  # as the other sources
    except ipaddress.AddressValueError:
        raise _NotPlain from None


def read_plain(text: str, origin: str | None = None) -> ZoneData | None:
    """The zone in ``text`` if it keeps to the plain part of the format, else ``None``.

    ``origin`` is the zone's name unless ``$ORIGIN`` comes first, as for
    ``dns.zone.from_text``. ``None`` means nothing but "let dnspython read it":
    the text may be valid or not.
    """
    if "\\" in text or "\r" in text:
        return None  # escapes, and line ends dnspython's tokenizer handles its own way
    try:
        reader = _Reader(origin)
        for blank_start, tokens in _entries(text):
            if not blank_start and tokens[0][0].startswith("$") and not tokens[0][1]:
                reader.directive(tokens)
            else:
                reader.record(blank_start, tokens)
        return reader.zone()
    except _NotPlain:
        return None
