"""Conversion between dnspython record data and the package's :data:`~emailpro_core.sources.RData`
values.

Every source hands the decision logic the same plain values, whatever it read:

- A and AAAA: the address text (``"192.0.2.1"``, ``"2001:db8::1"``, RFC 5952
  form, :func:`~.dnswire.ipv6_text`: an IPv4-mapped address as ``"::ffff:192.0.2.1"``);
- CNAME, PTR, NS: the target name, normalized (lower case, no trailing dot);
- MX: :class:`~emailpro_core.sources.MX` (a null MX, RFC 7505 ``0 .``, has ``exchange == ""``);
- SRV: :class:`~emailpro_core.sources.SRV`;
- TXT (and the obsolete SPF type, RFC 7208 §14.1, which has the same wire form):
  :class:`~emailpro_core.sources.TXT` with its character-strings;
- any other type: the presentation text, names absolute.

>>> parse_record("MX", "10 Mx.Example.NET.")
MX(preference=10, exchange='mx.example.net')
>>> parse_record("TXT", "v=spf1 -all")
TXT(strings=(b'v=spf1 -all',))
>>> parse_record("TXT", ("v=spf1 ", "-all"))
TXT(strings=(b'v=spf1 ', b'-all'))
>>> parse_records("A", ["192.0.2.1", "192.0.2.2"])
('192.0.2.1', '192.0.2.2')
"""

from __future__ import annotations

import ipaddress

import dns.exception
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.txtbase

from ..errors import SourceDataError
from ..i18n._catalog import register
from ._answers import MX, SRV, TXT, RData, normalize_name
from ._wire.rdata import ipv6_text

#: RFC 1035 §3.3: a <character-string> is a length octet followed by that many octets.
MAX_CHARACTER_STRING = 255

_TXT_TYPES = frozenset({"TXT", "SPF"})
_NAME_TYPES = frozenset({"CNAME", "PTR", "NS"})


def canonical_rdtype(rdtype: str) -> str:
    """The mnemonic dnspython knows a type by (``"type15"`` → ``"MX"``); else ``rdtype.upper()``.

    Never raises for a ``str``: a type nobody knows stays as given, upper-cased,
    and simply has no records.
    """
    try:
        return dns.rdatatype.to_text(dns.rdatatype.from_text(rdtype))
    except (dns.exception.DNSException, ValueError):
        return rdtype.upper()


def name_text(name: dns.name.Name, origin: dns.name.Name = dns.name.root) -> str:
    """A dnspython name as normalized text, made absolute against ``origin`` first."""
    return normalize_name(name.derelativize(origin).to_text())


def split_character_strings(data: bytes) -> tuple[bytes, ...]:
    """Cut ``data`` into character-strings of at most 255 octets (one empty string if empty).

    Consumers join them without a separator (RFC 7208 §3.3), so the cut is invisible.
    """
    if not data:
        return (b"",)
    return tuple(
        data[i : i + MAX_CHARACTER_STRING] for i in range(0, len(data), MAX_CHARACTER_STRING)
    )


def rdata_value(rdata: dns.rdata.Rdata, origin: dns.name.Name = dns.name.root) -> RData:
    """Convert one dnspython rdata to our value; relative names are made absolute on ``origin``."""
    rdtype = dns.rdatatype.to_text(rdata.rdtype)
    if isinstance(rdata, dns.rdtypes.txtbase.TXTBase):
        return TXT(tuple(rdata.strings))
    if rdtype in ("A", "AAAA"):
        # RFC 5952 text, as the wire codec writes it (dnspython writes "::1:0" as
        # "::0.1.0.0"; ipaddress writes a mapped address in hexadecimal before 3.13).
        address = ipaddress.ip_address(rdata.address)  # type: ignore[attr-defined]
        return ipv6_text(address.packed) if address.version == 6 else str(address)
    if rdtype in _NAME_TYPES:
        return name_text(rdata.target, origin)  # type: ignore[attr-defined]
    if rdtype == "MX":
        return MX(rdata.preference, name_text(rdata.exchange, origin))  # type: ignore[attr-defined]
    if rdtype == "SRV":
        return SRV(
            rdata.priority,  # type: ignore[attr-defined]
            rdata.weight,  # type: ignore[attr-defined]
            rdata.port,  # type: ignore[attr-defined]
            name_text(rdata.target, origin),  # type: ignore[attr-defined]
        )
    return str(rdata.to_text(origin=origin, relativize=False))


#: The English templates of records an offline source cannot read; the French is in
#: the package's gettext catalog (``reason`` stays in dnspython's words).
MESSAGES = register(
    {
        "source.long_character_string": (
            "a {rdtype} character-string has at most {maximum} octets (RFC 1035 §3.3); "
            "got {length}: give the text as one str to have it cut"
        ),
        "source.bad_record": "cannot read {value!r} as a {rdtype} record: {reason}",
    }
)


def _as_octets(part: object, rdtype: str) -> bytes:
    if isinstance(part, bytes):
        return part
    if isinstance(part, str):
        return part.encode("utf-8", "surrogateescape")
    raise TypeError(
        f"a {rdtype} character-string must be a str or bytes, not {type(part).__name__}"
    )


def _parse_txt(rdtype: str, value: object) -> TXT:
    if isinstance(value, TXT):
        return value
    if isinstance(value, (str, bytes)):
        # One text: cut at 255 octets, as a zone editor does for a long SPF record.
        return TXT(split_character_strings(_as_octets(value, rdtype)))
    if isinstance(value, tuple):
        strings = tuple(_as_octets(part, rdtype) for part in value)
        for part in strings:
            if len(part) > MAX_CHARACTER_STRING:
                raise SourceDataError.templated(
                    "source.long_character_string",
                    {"rdtype": rdtype, "maximum": MAX_CHARACTER_STRING, "length": len(part)},
                )
        return TXT(strings)
    raise TypeError(
        f"a {rdtype} value must be a str, bytes, a tuple of str/bytes or a TXT, "
        f"not {type(value).__name__}"
    )


def parse_record(rdtype: str, value: object, /) -> RData:
    """Read one record value given to an offline source.

    ``rdtype`` is a type mnemonic (any case). ``value`` is, for TXT and SPF, a
    ``str`` or ``bytes`` (one text, cut into 255-octet character-strings, *not*
    presentation format: no quotes needed), a ``tuple`` of ``str``/``bytes``
    (the character-strings of one record, each at most 255 octets) or a
    :class:`~emailpro_core.sources.TXT`; for MX and SRV, presentation text or an
    :class:`~emailpro_core.sources.MX` / :class:`~emailpro_core.sources.SRV`; for any other type,
    presentation text (``"192.0.2.1"``, ``"mx.example.net."``). Names in
    presentation text are absolute whether or not they end with a dot.

    Raises:
        SourceDataError: the type is unknown or the text does not parse.
        TypeError: the value is of a Python type that the record type does not take.
    """
    rdtype = canonical_rdtype(rdtype)
    if rdtype in _TXT_TYPES:
        return _parse_txt(rdtype, value)
    for cls, name in ((MX, "MX"), (SRV, "SRV")):
        if isinstance(value, cls):
            if rdtype != name:
                raise TypeError(f"an {name} value cannot be a {rdtype} record")
            return value
    if not isinstance(value, str):
        raise TypeError(
            f"a {rdtype} value must be a str (several records: a list), not {type(value).__name__}"
        )
    try:
        rdata = dns.rdata.from_text(
            dns.rdataclass.IN, rdtype, value, origin=dns.name.root, relativize=False
        )
    except (dns.exception.DNSException, ValueError) as exc:
        raise SourceDataError.templated(
            "source.bad_record", {"value": value, "rdtype": rdtype, "reason": str(exc)}
        ) from None
    return rdata_value(rdata)


def parse_records(rdtype: str, values: object, /) -> tuple[RData, ...]:
    """Read the records of one type: a ``list`` of record values, or one record value.

    Only a ``list`` means several records; a ``tuple`` is one value (for TXT, the
    character-strings of one record).
    """
    if isinstance(values, list):
        return tuple(parse_record(rdtype, v) for v in values)
    return (parse_record(rdtype, values),)
