"""Record values in zone-file form: TXT character-strings, RFC 1035 lines, dnspython rdata.

The renderings of :class:`~emailpro_core.records.RecordSet` are built from these.

>>> split_txt("v=spf1 ~all")
(b'v=spf1 ~all',)
>>> [len(s) for s in split_txt("a" * 600)]
[255, 255, 90]
>>> zone_line("example.org", 3600, "TXT", "v=spf1 include:mx.ovh.com ~all")
'example.org. 3600 IN TXT "v=spf1 include:mx.ovh.com ~all"'
"""

from __future__ import annotations

import functools
import re

import dns.exception
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.ANY.TXT
import dns.rrset

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


# Rendering a value through dnspython (parse, then print) costs tens of
# microseconds, and a diagnosis renders a dozen lines per domain. The values the
# checker renders are almost always plain: a name of letters, digits, "-" and
# "_", canonical numbers, printable ASCII text. For those, dnspython's text is
# known exactly, so it is written directly; anything else takes dnspython's
# round trip, which also raises for invalid data. (A property test holds the two
# paths equal.)
_LABEL = r"[A-Za-z0-9_-]{1,63}"
# A name dnspython prints as written: no escapes, labels of at most 63 octets
# (the total length is checked apart), relative or absolute, or the root.
_NAME = rf"(?P<name>{_LABEL}(?:\.{_LABEL})*\.?|\.)"
# A 16-bit number in canonical form (0 to 65535, no leading zero): dnspython
# reads it as an int and prints it back the same.
_U16 = (
    r"(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}"
    r"|[1-9][0-9]{0,3}|0)"
)
# A canonical dotted quad (dnspython accepts only that form, and prints it back).
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_PLAIN = {
    "MX": re.compile(rf"{_U16} {_NAME}"),
    "SRV": re.compile(rf"{_U16} {_U16} {_U16} {_NAME}"),
    "CNAME": re.compile(_NAME),
    "NS": re.compile(_NAME),
    "PTR": re.compile(_NAME),
    "A": re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}"),
}
#: RFC 1035 §3.1: 255 octets on the wire, so at most 253 in text without the final dot.
_MAX_NAME_TEXT = 253
# TXT: dnspython quotes each character-string and escapes '"' and '\\' with a
# backslash and any octet outside printable ASCII as \DDD (decimal).
_TXT_PLAIN = re.compile(rb"[ !#-\[\]-~]*")
_TXT_PLAIN_TEXT = re.compile(r"[ !#-\[\]-~]*")
_TXT_ESCAPES = tuple(
    "\\" + chr(octet)
    if octet in b'"\\'
    else chr(octet)
    if 0x20 <= octet < 0x7F
    else f"\\{octet:03d}"
    for octet in range(256)
)


def _quoted(string: bytes) -> str:
    if _TXT_PLAIN.fullmatch(string):
        return f'"{string.decode("ascii")}"'
    return '"' + "".join(_TXT_ESCAPES[octet] for octet in string) + '"'


# Types whose value is a name, with at most a few numbers before it: a name is at
# most 255 octets (RFC 1035 §2.3.4), each written in at most 4 characters (\DDD).
_NAME_VALUED = frozenset({"CNAME", "DNAME", "NS", "PTR", "MX", "SRV"})
_MAX_NAMED_VALUE = 4 * 255 + 32


# Values repeat from one domain to the next (the provider's hosts, the SPF and
# DMARC texts): each is rendered once.
@functools.lru_cache(maxsize=4096)
def _rdata_text(rdtype: str, value: str) -> str:
    """The presentation text dnspython gives ``value`` (see :func:`zone_line`)."""
    if rdtype == "TXT":
        if _TXT_PLAIN_TEXT.fullmatch(value):
            # Printable ASCII without '"' or '\\': one octet per character, nothing to
            # escape, so each 255-character piece is a character-string as it is
            # (what split_txt and _quoted give; DKIM keys are such long values).
            pieces = range(0, len(value), MAX_CHARACTER_STRING)
            return " ".join([f'"{value[i : i + MAX_CHARACTER_STRING]}"' for i in pieces]) or '""'
        return " ".join(_quoted(string) for string in split_txt(value))
    if rdtype in _NAME_VALUED and len(value) > _MAX_NAMED_VALUE:
        # Refused before dnspython reads it: some of its versions take more than
        # linear time to refuse a name this long (64 KiB: seconds).
        raise ValueError(f"not a valid {rdtype} value: {len(value)} characters is too long")
    pattern = _PLAIN.get(rdtype)
    plain = pattern.fullmatch(value) if pattern is not None else None
    if plain is not None and len(plain.groupdict().get("name", "").rstrip(".")) <= _MAX_NAME_TEXT:
        return value
    return to_rdata(rdtype, value).to_text()


def zone_line(name: str, ttl: int, rdtype: str, value: str, /) -> str:
    """One RFC 1035 §5.1 master-file line with an absolute owner name, class IN.

    The value is in dnspython's presentation form: TXT values are quoted and
    split into character-strings (``"``, ``\\`` and non-printable octets
    escaped), numbers and names as dnspython prints them.

    Raises:
        ValueError: ``value`` is not valid presentation data of ``rdtype``.
    """
    owner = name if name.endswith(".") else name + "."
    return f"{owner} {ttl} IN {rdtype} {_rdata_text(rdtype, value)}"
