"""The quick zone reader against dnspython's: never a different reading, never a looser one.

Zones are generated from parts that are plain (what ``read_plain`` reads) and
parts that are not (escapes, units, other types and classes, names outside the
zone, broken data). Whatever the text, when ``read_plain`` gives a zone,
dnspython reads the same text to the very same records; when dnspython refuses
the text, ``read_plain`` gives ``None``. A second strategy keeps to plain parts
only, so the quick reader is seen to read them, not just to decline.
"""

from __future__ import annotations

import dns.exception
import dns.zone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from emailpro_core.sources._zone import ZoneSource, _read_zone
from emailpro_core.sources._zoneplain import ZoneData, read_plain

_ORIGINS = ["example.org.", "Example.ORG.", "d1.test.", "a-b_c.example."]
_LABELS = [
    "www",
    "Mail",
    "_dmarc",
    "_autodiscover._tcp",
    "x.y",
    "*",
    "ns1",
    "a-b",
    "sel._domainkey",
]
_BAD_LABELS = ["a\\.b", "é", "a b", "-", "a..b", "x" * 64, "*.*", "a*"]
_HOSTS = ["mx0.mail.ovh.net.", "MX1.Mail.OVH.net.", "ns1", "@", "www", "pro1.mail.ovh.net."]
_TEXTS = ['"v=spf1 include:mx.ovh.com ~all"', '"a" "b"', "word", '""', '"semi;colon"', '"x(y)"']
_BAD_TEXTS = ['"esc\\"aped"', '"\\065"', '"' + "z" * 256 + '"', '"é"', '"open', "", '"\\\\"']


# Any ASCII but line ends, quotes and backslashes, control characters included;
# words are also without blanks, parentheses and semicolons.
_QUOTED = st.text(st.characters(max_codepoint=127, exclude_characters='\n\r"\\'), max_size=6)
_WORDS = st.text(
    st.characters(max_codepoint=127, exclude_characters=' \t\n\r";()\\'),
    min_size=1,
    max_size=6,
)


def _data(rdtype: str, plain: bool) -> st.SearchStrategy[str]:
    """Record data for a type: plain, or anything from good to broken."""
    host = st.sampled_from(_HOSTS)
    good = st.one_of(st.integers(0, 65535).map(str), st.just("007"))
    number = good if plain else st.one_of(good, st.sampled_from(["70000", "1h", "-1", "x"]))
    if rdtype == "A":
        bad = ["192.0.2.01", "1.2.3", "::1"]
        return st.sampled_from(["192.0.2.1", "198.51.100.10", *([] if plain else bad)])
    if rdtype == "AAAA":
        bad = ["fe80::1%eth0", "1::2::3", "1.2.3.4"]
        good_v6 = ["2001:db8::1", "2001:DB8:0:0:0:0:0:1", "::ffff:1.2.3.4", "::"]
        return st.sampled_from(good_v6 + ([] if plain else bad))
    if rdtype in ("NS", "CNAME", "PTR"):
        return host
    if rdtype == "MX":
        return st.builds(lambda n, h: f"{n} {h}", number, host)
    if rdtype == "SRV":
        return st.builds(lambda a, b, c, h: f"{a} {b} {c} {h}", number, number, number, host)
    if rdtype == "TXT":
        texts = _TEXTS if plain else _TEXTS + _BAD_TEXTS
        strings = st.one_of(st.sampled_from(texts), _QUOTED.map(lambda t: f'"{t}"'), _WORDS)
        return st.lists(strings, min_size=1, max_size=3).map(" ".join)
    if rdtype == "SOA":
        return st.just("ns1 hostmaster 1 7200 900 1209600 300")
    return st.sampled_from(['0 issue "letsencrypt.org"', "10 x.example."])  # CAA, others


_PLAIN_TYPES = ["A", "AAAA", "NS", "MX", "SRV", "TXT", "mx", "txt"]


@st.composite
def _record(draw: st.DrawFn, origin: str, plain: bool) -> str:
    labels = _LABELS if plain else _LABELS + _BAD_LABELS
    owners = [
        st.sampled_from(labels),
        st.just("@"),
        st.sampled_from(labels).map(lambda label: f"{label}.{origin}"),
        st.just(" "),
    ]
    if not plain:
        owners.append(st.sampled_from(["\t", "outside.example.net.", "www.EXAMPLE.org."]))
    owner = draw(st.one_of(owners))
    ttl = draw(st.sampled_from(["", "300", "3600"] if plain else ["", "300", "1h", "4294967296"]))
    klass = draw(st.sampled_from(["", "IN", "in"] if plain else ["", "IN", "CH", "CLASS1"]))
    # SOA away from the apex: dnspython refuses the zone (and so must the quick reader).
    types = _PLAIN_TYPES if plain else [*_PLAIN_TYPES, "CNAME", "CAA", "SPF", "TYPE99", "SOA"]
    rdtype = draw(st.sampled_from(types))
    data = draw(_data(rdtype.upper(), plain))
    first = [ttl, klass] if draw(st.booleans()) else [klass, ttl]
    fields = [owner.strip(), *first, rdtype, data]
    line = " ".join(field for field in fields if field)
    if owner.isspace():
        line = owner + line
    if draw(st.booleans()):
        line += " ; a comment (with parentheses)"
    if draw(st.booleans()):
        line = line.replace(f" {rdtype} ", f" {rdtype} (\n  ", 1) + "\n )"
    return line


@st.composite
def zone_texts(draw: st.DrawFn, *, plain: bool = False) -> tuple[str, str | None]:
    """Zone text and the origin to read it with (``None``: the text's ``$ORIGIN``).

    ``plain``: only the parts the quick reader reads (and one CNAME, at a name of
    its own). Otherwise most records are plain, and any may not be.
    """
    origin = draw(st.sampled_from(_ORIGINS))
    lines = []
    given_origin: str | None = origin.rstrip(".") if draw(st.booleans()) else origin
    if draw(st.booleans()):
        # The zone's origin in the text, alone or beside the same (or another) given one.
        written = (
            origin if plain else draw(st.sampled_from([origin, origin.upper(), "sub." + origin]))
        )
        lines.append(f"$ORIGIN {written}")
        given_origin = draw(st.sampled_from([None, origin]))
    if plain or draw(st.integers(0, 4)):
        lines.append(f"$TTL {draw(st.sampled_from(['3600', '300'] if plain else ['3600', '1d']))}")
    soa = "@ {ttl}SOA ns1 hostmaster.{o} 1 7200 900 1209600 {minimum}"
    soa = soa.format(
        ttl=draw(st.sampled_from(["", "600 "])),
        o=origin if draw(st.booleans()) else origin.upper(),
        minimum=draw(st.sampled_from(["300", "86400"])),
    )
    if draw(st.booleans()):
        soa = soa.replace(" 1 ", " ( 1\n ", 1) + " )"
    if plain or draw(st.integers(0, 9)):
        lines.append(soa)
    if plain or draw(st.integers(0, 9)):
        lines.append("@ NS ns1")
    lines += draw(st.lists(_record(origin, plain or draw(st.integers(0, 5)) > 0), max_size=8))
    if plain:
        lines.append(f"alias IN CNAME {draw(st.sampled_from(_HOSTS))}")
    elif not draw(st.integers(0, 4)):
        odd = ["$INCLUDE other.zone", "$FOO", "\r", ")", "(", "x", f"$ORIGIN sub.{origin}"]
        lines.append(draw(st.sampled_from([*odd, "$ORIGIN sub", f"$ORIGIN {origin}"])))
    if not plain and not draw(st.integers(0, 4)):
        lines = draw(st.permutations(lines))
    return "\n".join(lines) + "\n", given_origin


def _dnspython(text: str, origin: str | None) -> ZoneData | None:
    try:
        return _read_zone(dns.zone.from_text(text, origin=origin))
    except (dns.exception.DNSException, ValueError, KeyError):
        return None


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(zone_texts())
def test_never_reads_differently(zone: tuple[str, str | None]) -> None:
    """What the quick reader reads, dnspython reads alike; what dnspython refuses, it declines."""
    text, origin = zone
    quick = read_plain(text, origin)
    event("read quickly" if quick is not None else "left to dnspython")
    if quick is not None:
        assert quick == _dnspython(text, origin)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(zone_texts(plain=True))
def test_reads_plain_zones(zone: tuple[str, str | None]) -> None:
    """Plain zones are read quickly, to the records dnspython reads."""
    text, origin = zone
    expected = _dnspython(text, origin)
    assert expected is not None
    assert read_plain(text, origin) == expected


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(zone_texts())
def test_zone_source_same_either_way(zone: tuple[str, str | None]) -> None:
    """ZoneSource.from_text answers as a ZoneSource built on dnspython's zone does."""
    text, origin = zone
    try:
        quick = ZoneSource.from_text(text, origin=origin)
    except ValueError:
        assert _dnspython(text, origin) is None
        return
    slow = ZoneSource(dns.zone.from_text(text, origin=origin))
    for name in sorted(slow.names | quick.names):
        for rdtype in ("A", "AAAA", "MX", "TXT", "SRV", "CNAME", "NS", "SOA"):
            assert quick.lookup(name, rdtype) == slow.lookup(name, rdtype)
