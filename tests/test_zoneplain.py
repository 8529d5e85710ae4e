"""The quick zone reader: what it reads, to which records, and what it leaves to dnspython."""

from __future__ import annotations

import dns.zone
import pytest

from emailpro_core.errors import ZoneFileError
from emailpro_core.sources._answers import MX, SRV, TXT, AnswerStatus
from emailpro_core.sources._memtable import RRSet
from emailpro_core.sources._zone import ZoneSource, _read_zone
from emailpro_core.sources._zoneplain import read_plain

HEAD = """$ORIGIN example.org.
$TTL 3600
@ SOA ns1 hostmaster 1 7200 900 1209600 300
@ NS ns1
"""


def test_reads_a_plain_zone() -> None:
    """Every supported type, owner forms, TTL and class in either order, parentheses, comments."""
    text = (
        HEAD
        + """ns1 300 IN A 192.0.2.53
   IN AAAA 2001:DB8:0:0:0:0:0:1 ; the owner of the line above
@ IN 600 MX 10 mx1.mail.ovh.net.
@ MX 1 Mx0.Mail.OVH.net.
@ TXT "v=spf1 include:mx.ovh.com ~all"
_autodiscover._tcp SRV 0 0 443 pro1.mail.ovh.net.
www.example.org. CNAME @
sel._domainkey TXT ( "v=DKIM1; k=rsa; " ; the key goes on
  "p=ABC" )
*.wild TXT word "two words" ""
"""
    )
    apex, nodes, negative_ttl = read_plain(text) or ("", {}, 0)
    assert apex == "example.org"
    assert negative_ttl == 300
    assert nodes["ns1.example.org"] == {
        "A": RRSet(("192.0.2.53",), 300),
        "AAAA": RRSet(("2001:db8::1",), 3600),
    }
    assert nodes["example.org"]["MX"] == RRSet(
        (MX(10, "mx1.mail.ovh.net"), MX(1, "mx0.mail.ovh.net")), 600
    )
    assert nodes["example.org"]["SOA"] == RRSet(
        ("ns1.example.org. hostmaster.example.org. 1 7200 900 1209600 300",), 3600
    )
    assert nodes["_autodiscover._tcp.example.org"]["SRV"].records == (
        SRV(0, 0, 443, "pro1.mail.ovh.net"),
    )
    assert nodes["www.example.org"]["CNAME"].records == ("example.org",)
    assert nodes["sel._domainkey.example.org"]["TXT"].records == (
        TXT((b"v=DKIM1; k=rsa; ", b"p=ABC")),
    )
    assert nodes["*.wild.example.org"]["TXT"].records == (TXT((b"word", b"two words", b"")),)
    assert read_plain(text) == _read_zone(dns.zone.from_text(text))


def test_origin_given_and_records_merged() -> None:
    """The origin argument (no trailing dot needed); repeats dropped; a set's TTL is its least."""
    text = """@ 60 SOA ns1 hostmaster 1 2 3 4 5
@ 60 NS ns1
@ 300 A 192.0.2.1
@ 100 A 192.0.2.2
@ 200 A 192.0.2.1
"""
    zone = read_plain(text, "Example.ORG")
    assert zone is not None
    assert zone[1]["example.org"]["A"] == RRSet(("192.0.2.1", "192.0.2.2"), 100)
    assert zone[2] == 5  # min(SOA TTL 60, MINIMUM 5)
    assert zone[1]["example.org"]["SOA"].records == (
        "ns1.Example.ORG. hostmaster.Example.ORG. 1 2 3 4 5",
    )
    assert zone == _read_zone(dns.zone.from_text(text, origin="Example.ORG"))


#: Text outside the plain part, and why: dnspython reads (or refuses) it.
NOT_PLAIN = [
    ("an escape", HEAD + 'x TXT "a\\"b"\n'),
    ("a carriage return", HEAD.replace("\n", "\r\n")),
    ("a TTL with units", HEAD + "x 1h A 192.0.2.1\n"),
    ("$TTL with units", HEAD.replace("$TTL 3600", "$TTL 1h")),
    ("$INCLUDE", HEAD + "$INCLUDE other.zone\n"),
    ("an unknown directive", HEAD + "$FOO bar\n"),
    ("a relative $ORIGIN", HEAD + "$ORIGIN sub\nx A 192.0.2.1\n"),
    ("another type", HEAD + 'x CAA 0 issue "ca.example"\n'),
    ("another class", HEAD + "x CH A 192.0.2.1\n"),
    ("a name outside the zone", HEAD + "mx.ovh.com. A 192.0.2.1\n"),
    ("a label with other characters", HEAD + "caf\u00e9 A 192.0.2.1\n"),
    ("a label too long", HEAD + "x" * 64 + " A 192.0.2.1\n"),
    ("a wildcard not first", HEAD + "a.*.b A 192.0.2.1\n"),
    ("the root as a target", HEAD + "@ MX 0 .\n"),
    ("CNAME and other data", HEAD + "x CNAME y\nx A 192.0.2.1\n"),
    ("two CNAMEs", HEAD + "x CNAME y\nx CNAME z\n"),
    ("a quoted string left open", HEAD + 'x TXT "open\n'),
    ("a parenthesis left open", HEAD + "x TXT ( a\n"),
    ("a parenthesis never opened", HEAD + "x TXT a )\n"),
    ("a TXT string too long", HEAD + f'x TXT "{"z" * 256}"\n'),
    ("TXT with other octets", HEAD + 'x TXT "\u00e9"\n'),
    ("TXT with no string", HEAD + "x TXT\n"),
    ("a quoted type", HEAD + 'x "A" 192.0.2.1\n'),
    ("a quoted owner", HEAD + '"x" A 192.0.2.1\n'),
    ("a quoted name in data", HEAD + 'x CNAME "y"\n'),
    ("no type", HEAD + "x 300 IN\n"),
    ("too many data tokens", HEAD + "x A 192.0.2.1 192.0.2.2\n"),
    ("an address with a leading zero", HEAD + "x A 192.0.2.01\n"),
    ("an IPv6 zone index", HEAD + "x AAAA fe80::1%eth0\n"),
    ("an IPv6 address in A", HEAD + "x A ::1\n"),
    ("a port out of range", HEAD + "x SRV 0 0 65536 y\n"),
    ("no origin", "@ SOA ns1 hostmaster 1 2 3 4 5\n"),
    ("no SOA", "$ORIGIN example.org.\n$TTL 60\n@ NS ns1\n"),
    ("no NS", "$ORIGIN example.org.\n$TTL 60\n@ SOA ns1 hostmaster 1 2 3 4 5\n"),
    ("no TTL known", "$ORIGIN example.org.\n@ 60 SOA ns1 h 1 2 3 4 5\n@ NS ns1\n"),
    ("a blank start with no owner yet", "$ORIGIN example.org.\n$TTL 60\n  A 192.0.2.1\n"),
    ("nothing", ""),
    ("an SOA below the apex", HEAD + "x SOA ns1 hostmaster 1 2 3 4 5\n"),
    ("an SOA below the apex, absolute", HEAD + "x.example.org. SOA ns1 h 1 2 3 4 5\n"),
]


@pytest.mark.parametrize("text", [pytest.param(t, id=why) for why, t in NOT_PLAIN])
def test_leaves_the_rest_to_dnspython(text: str) -> None:
    """Outside the plain part, read_plain declines; ZoneSource reads or refuses as before."""
    assert read_plain(text) is None
    try:
        expected = ZoneSource(dns.zone.from_text(text))
    except Exception:  # dnspython's own refusal, whatever its class
        with pytest.raises(ZoneFileError):
            ZoneSource.from_text(text)
    else:
        source = ZoneSource.from_text(text)
        assert source.names == expected.names
        assert source.lookup("x.example.org", "TXT") == expected.lookup("x.example.org", "TXT")


def test_zone_source_reads_plain_text_quickly() -> None:
    """ZoneSource.from_text answers from the quick reading as from dnspython's."""
    text = HEAD + "@ MX 10 mx1.mail.ovh.net.\nx TXT hello\n"
    source = ZoneSource.from_text(text)
    assert source.lookup("example.org", "MX").records == (MX(10, "mx1.mail.ovh.net"),)
    assert source.lookup("nope.example.org", "A").status is AnswerStatus.NXDOMAIN
    assert source.lookup("nope.example.org", "A").ttl == 300
    assert repr(source) == repr(ZoneSource(dns.zone.from_text(text)))


def test_soa_names_as_dnspython_prints_them() -> None:
    """SOA names: the apex as the origin spells it, names outside the zone as written."""
    text = "$TTL 60 \n@ SOA @ Host.Provider.example. 1 2 3 4 5   \n@ NS ns1\t\n"
    zone = read_plain(text, "Example.org.")
    assert zone is not None
    assert zone[1]["example.org"]["SOA"].records == (
        "Example.org. Host.Provider.example. 1 2 3 4 5",
    )
    assert zone == _read_zone(dns.zone.from_text(text, origin="Example.org."))


@pytest.mark.parametrize(
    "below", ["x", "a.b", "X.Example.ORG.", "*"], ids=["one label", "two", "absolute", "wildcard"]
)
def test_an_soa_below_the_apex_is_refused(below: str) -> None:
    """An SOA away from the apex: dnspython refuses the zone, so the quick reader declines."""
    text = HEAD + f"{below} SOA ns1 hostmaster 1 2 3 4 5\n"
    assert read_plain(text) is None
    with pytest.raises(ZoneFileError, match="non-origin SOA"):
        ZoneSource.from_text(text)


def test_large_record_sets_keep_each_record_once_in_order() -> None:
    """Records of one set are kept once each, in the order written, however many there are."""
    lines = [f'x TXT "v{i % 3000}"\n' for i in range(6000)]
    zone = read_plain(HEAD + "".join(lines))
    assert zone is not None
    records = zone[1]["x.example.org"]["TXT"].records
    assert [TXT((f"v{i}".encode(),)) for i in range(3000)] == list(records)
