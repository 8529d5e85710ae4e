"""The DNS wire codec, checked against messages that dnspython builds."""

from __future__ import annotations

import dns.flags
import dns.message
import dns.rcode
import dns.rrset
import pytest

from emailpro_core.sources._answers import MX, SRV, TXT, AnswerStatus, FailureCause, Query, RData
from emailpro_core.sources._wire.codec import (
    NEGATIVE_TTL_WITHOUT_SOA,
    RDTYPES,
    Mismatch,
    decode_answer,
    encode_query,
    response_id,
)
from emailpro_core.sources._wire.codec import type_name as wire_type_name
from emailpro_core.sources._wire.names import WireError
from emailpro_core.sources._wire.rdata import ipv6_text

QID = 0x4242


def respond(
    name: str,
    rdtype: str,
    answer: list[tuple[str, str, list[str]]] = (),  # type: ignore[assignment]
    *,
    rcode: int = dns.rcode.NOERROR,
    soa: bool = False,
    truncated: bool = False,
    edns: bool = True,
) -> bytes:
    """A response to our own query, built by dnspython."""
    query = dns.message.from_wire(encode_query(QID, name, rdtype, edns=edns))
    response = dns.message.make_response(query)
    response.set_rcode(dns.rcode.Rcode(rcode))
    for owner, rtype, values in answer:
        response.answer.append(dns.rrset.from_text(owner, 300, "IN", rtype, *values))
    if soa:
        response.authority.append(
            dns.rrset.from_text(
                "example.org.", 600, "IN", "SOA", "ns.example.org. h.example.org. 1 2 3 4 120"
            )
        )
    if truncated:
        response.flags |= dns.flags.TC
    wire: bytes = response.to_wire()
    return wire


@pytest.mark.parametrize(
    ("rdtype", "values", "expected"),
    [
        ("A", ["192.0.2.1", "192.0.2.2"], {"192.0.2.1", "192.0.2.2"}),
        ("AAAA", ["2001:db8::1"], {"2001:db8::1"}),
        (
            "MX",
            ["1 mx0.mail.ovh.net.", "5 MX1.Mail.OVH.net."],
            {MX(1, "mx0.mail.ovh.net"), MX(5, "mx1.mail.ovh.net")},
        ),
        ("MX", ["0 ."], {MX(0, "")}),
        (
            "TXT",
            ['"v=spf1 " "include:mx.ovh.com ~all"'],
            {TXT((b"v=spf1 ", b"include:mx.ovh.com ~all"))},
        ),
        ("TXT", ['""'], {TXT((b"",))}),
        ("SRV", ["0 0 443 pro1.mail.ovh.net."], {SRV(0, 0, 443, "pro1.mail.ovh.net")}),
        ("CNAME", ["ovh.com."], {"ovh.com"}),
        ("NS", ["ns1.example.net."], {"ns1.example.net"}),
        ("PTR", ["host.example.org."], {"host.example.org"}),
    ],
)
def test_decodes_each_record_type(rdtype: str, values: list[str], expected: set[RData]) -> None:
    """Records of every supported type decode to their values with the smallest TTL."""
    wire = respond("example.org", rdtype, [("example.org.", rdtype, values)])
    answer, chase = decode_answer(wire, Query("example.org", rdtype), QID)
    assert answer.status is AnswerStatus.ANSWER
    assert set(answer.records) == expected
    assert (answer.ttl, answer.canonical_name, chase) == (300, "example.org", None)


def test_follows_a_cname_chain() -> None:
    """A CNAME chain in the answer section is followed to the records at its end."""
    wire = respond(
        "www.example.org",
        "A",
        [
            ("www.example.org.", "CNAME", ["web.example.org."]),
            ("web.example.org.", "CNAME", ["host.example.org."]),
            ("host.example.org.", "A", ["192.0.2.7"]),
        ],
    )
    answer, chase = decode_answer(wire, Query("www.example.org", "A"), QID)
    assert (answer.status, answer.records, answer.canonical_name, chase) == (
        AnswerStatus.ANSWER,
        ("192.0.2.7",),
        "host.example.org",
        None,
    )
    assert answer.via_cname


def test_cname_query_does_not_follow() -> None:
    """Asking for the CNAME itself returns it and does not follow it."""
    wire = respond(
        "sel._domainkey.example.org",
        "CNAME",
        [("sel._domainkey.example.org.", "CNAME", ["t.dkim.example.net."])],
    )
    answer, chase = decode_answer(wire, Query("sel._domainkey.example.org", "CNAME"), QID)
    assert (answer.records, answer.canonical_name, chase) == (
        ("t.dkim.example.net",),
        "sel._domainkey.example.org",
        None,
    )


def test_chain_leaving_the_server_asks_to_chase() -> None:
    """A CNAME to a name the server does not answer for is reported with the name to ask."""
    wire = respond(
        "mail.example.org", "MX", [("mail.example.org.", "CNAME", ["elsewhere.example.net."])]
    )
    answer, chase = decode_answer(wire, Query("mail.example.org", "MX"), QID)
    assert (answer.status, answer.canonical_name, chase) == (
        AnswerStatus.NODATA,
        "elsewhere.example.net",
        "elsewhere.example.net",
    )


def test_cname_loop_is_a_failure() -> None:
    """A CNAME loop inside the answer is a failure with its cause."""
    wire = respond(
        "a.example.org",
        "A",
        [
            ("a.example.org.", "CNAME", ["b.example.org."]),
            ("b.example.org.", "CNAME", ["a.example.org."]),
        ],
    )
    answer, chase = decode_answer(wire, Query("a.example.org", "A"), QID)
    assert (answer.status, answer.cause, chase) == (
        AnswerStatus.FAILURE,
        FailureCause.CNAME_LOOP,
        None,
    )


@pytest.mark.parametrize(
    ("rcode", "soa", "status", "ttl"),
    [
        (dns.rcode.NXDOMAIN, True, AnswerStatus.NXDOMAIN, 120),
        (dns.rcode.NXDOMAIN, False, AnswerStatus.NXDOMAIN, NEGATIVE_TTL_WITHOUT_SOA),
        (dns.rcode.NOERROR, True, AnswerStatus.NODATA, 120),
        (dns.rcode.NOERROR, False, AnswerStatus.NODATA, NEGATIVE_TTL_WITHOUT_SOA),
    ],
)
def test_negative_answers(rcode: int, soa: bool, status: AnswerStatus, ttl: int) -> None:
    """NXDOMAIN and no-data answers carry the RFC 2308 negative TTL; without a SOA, 300 s."""
    answer, chase = decode_answer(
        respond("x.example.org", "TXT", rcode=rcode, soa=soa), Query("x.example.org", "TXT"), QID
    )
    assert (answer.status, answer.ttl, answer.records, chase) == (status, ttl, (), None)


@pytest.mark.parametrize(
    ("rcode", "truncated", "cause", "detail"),
    [
        (dns.rcode.SERVFAIL, False, FailureCause.SERVFAIL, "SERVFAIL"),
        (dns.rcode.REFUSED, False, FailureCause.REFUSED, "REFUSED"),
        (dns.rcode.NOTIMP, False, FailureCause.OTHER, "RCODE 4"),
        (dns.rcode.NOERROR, True, FailureCause.OTHER, "truncated"),
    ],
)
def test_failures(rcode: int, truncated: bool, cause: FailureCause, detail: str) -> None:
    """Server failures and truncation are failures with a cause, never records."""
    wire = respond("example.org", "MX", rcode=rcode, truncated=truncated)
    answer, _ = decode_answer(wire, Query("example.org", "MX"), QID)
    assert (answer.status, answer.cause, answer.detail) == (AnswerStatus.FAILURE, cause, detail)


def _patched(wire: bytes, offset: int, data: bytes) -> bytes:
    return wire[:offset] + data + wire[offset + len(data) :]


GOOD = respond("example.org", "A", [("example.org.", "A", ["192.0.2.1"])], edns=False)


@pytest.mark.parametrize(
    ("wire", "qid", "message"),
    [
        (b"\x42", QID, "shorter than a DNS header"),
        (GOOD, QID + 1, "not a response to this query"),
        (_patched(GOOD, 2, b"\x01"), QID, "not a response to this query"),
        (_patched(GOOD, 4, b"\x00\x02"), QID, "exactly one question"),
        (GOOD[:20], QID, "past the end"),
        (GOOD[:-3], QID, "past the end"),
        (GOOD[:-8], QID, "resource record runs past"),
        (_patched(GOOD, 12, b"\xc0\x0c"), QID, "another question"),
        (_patched(GOOD, 12, b"\x80"), QID, "another question"),
        (_patched(GOOD, 13, b"X"), QID, "another question"),
        (GOOD[:12] + b"\xc0", QID, "question runs past"),
        (GOOD[:27], QID, "question runs past"),
    ],
)
def test_malformed_messages(wire: bytes, qid: int, message: str) -> None:
    """Anything that breaks RFC 1035 or answers another question raises WireError."""
    with pytest.raises(WireError, match=message):
        decode_answer(wire, Query("example.org", "A"), qid)


# RFC 5452 §9.1: replies that are not ours; the transports drop them and keep waiting.
_FORGERIES = {
    "our ID, QR unset": _patched(GOOD, 2, b"\x01"),
    "our ID, opcode STATUS": _patched(GOOD, 2, b"\x90"),
    "no question": _patched(GOOD, 4, b"\x00\x00"),
    "two questions": _patched(GOOD, 4, b"\x00\x02"),
    "another name": _patched(GOOD, 13, b"X"),
    "another type": _patched(GOOD, 25, b"\x00\x1c"),
    "another class": _patched(GOOD, 27, b"\x00\x03"),
    "one label for three": respond(
        "example.org", "A", [("example.org.", "A", ["192.0.2.66"])], edns=False
    ).replace(b"\x07example\x03org\x00", b"\x0bexample.org\x00", 1),
    "a pointer for the question": _patched(GOOD, 12, b"\xc0\x0c"),
}


@pytest.mark.parametrize("wire", list(_FORGERIES.values()), ids=list(_FORGERIES))
def test_replies_to_other_queries_are_mismatches(wire: bytes) -> None:
    """A reply with our ID that is not the reply to our question raises Mismatch."""
    with pytest.raises(Mismatch):
        decode_answer(wire, Query("example.org", "A"), QID)


def test_the_question_compares_without_case() -> None:
    """RFC 4343: the question in another case is ours (octets compared but for case)."""
    wire = GOOD.replace(b"\x07example", b"\x07ExAmPlE", 1)
    answer, _ = decode_answer(wire, Query("example.org", "A"), QID)
    assert ("192.0.2.1",) == answer.records


@pytest.mark.parametrize(
    ("rdtype", "rdata", "message"),
    [
        ("A", b"\x00\x03\x01\x02\x03", "A record of the wrong size"),
        ("AAAA", b"\x00\x04\x01\x02\x03\x04", "AAAA record of the wrong size"),
        ("TXT", b"\x00\x02\x05a", "character-string runs past"),
        ("SRV", b"\x00\x03\x00\x00\x00", "SRV record too short"),
        ("SRV", b"\x00\x08\x00\x00\x00\x00\x01\xbb\x00\x00", "SRV record of the wrong size"),
        ("MX", b"\x00\x04\x00\x01\x00\x00", "MX record of the wrong size"),
        ("MX", b"\x00\x02\x00\x01", "MX record too short"),
        ("CNAME", b"\x00\x02\x00\x00", "name record of the wrong size"),
    ],
)
def test_malformed_rdata(rdtype: str, rdata: bytes, message: str) -> None:
    """Rdata whose length disagrees with its content raises WireError."""
    query_wire = encode_query(QID, "example.org", rdtype, edns=False)
    header = bytes.fromhex("4242 8180 0001 0001 0000 0000".replace(" ", ""))
    rr = b"\xc0\x0c" + RDTYPES[rdtype].to_bytes(2, "big") + b"\x00\x01\x00\x00\x01\x2c" + rdata
    wire = header + query_wire[12:] + rr
    with pytest.raises(WireError, match=message):
        decode_answer(wire, Query("example.org", rdtype), QID)


@pytest.mark.parametrize(
    ("name", "rdtype", "message"),
    [
        ("example.org", "HINFO", "unsupported record type"),
        ("a" * 64 + ".org", "A", "cannot encode label"),
        ("a..org", "A", "cannot encode label"),
        ("bücher.org", "A", "cannot encode label"),
        (".".join(["abcdefghi"] * 26), "A", "longer than 255"),
    ],
)
def test_encode_refuses(name: str, rdtype: str, message: str) -> None:
    """Questions that cannot be put on the wire raise WireError."""
    with pytest.raises(WireError, match=message):
        encode_query(1, name, rdtype)


def test_encode_query_is_what_dnspython_reads() -> None:
    """A query parses in dnspython with the question, RD and EDNS payload we set."""
    message = dns.message.from_wire(encode_query(7, "Example.org.", "SRV"))
    assert (message.id, str(message.question[0]), bool(message.flags & dns.flags.RD)) == (
        7,
        "Example.org. IN SRV",
        True,
    )
    assert (message.edns, message.payload) == (0, 1232)
    assert dns.message.from_wire(encode_query(7, ".", "NS", edns=False)).edns == -1


def test_helpers() -> None:
    """Response IDs and type names are read safely."""
    assert (response_id(b"\x12\x34rest"), response_id(b"\x01")) == (0x1234, -1)
    assert (wire_type_name(15), wire_type_name(99)) == ("MX", "TYPE99")


def _manual(qname: bytes, rrs: bytes, *, ancount: int, nscount: int = 0) -> bytes:
    header = QID.to_bytes(2, "big") + b"\x81\x80\x00\x01" + bytes([0, ancount, 0, nscount, 0, 0])
    return header + qname + b"\x00\x01\x00\x01" + rrs


def test_long_names_and_overlong_labels_are_malformed() -> None:
    """A name over 255 octets, or a label past the end, raises WireError."""
    long_name = b"".join(b"\x3f" + b"a" * 63 for _ in range(5)) + b"\x00"
    qname = b"\x07example\x03org\x00"
    fixed = b"\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\xc0\x00\x02\x01"
    with pytest.raises(WireError, match="longer than 255"):
        decode_answer(_manual(qname, long_name + fixed, ancount=1), Query("example.org", "A"), QID)
    with pytest.raises(WireError, match="label runs past"):
        decode_answer(_manual(qname, b"\x30abc", ancount=1), Query("example.org", "A"), QID)


def test_other_classes_types_and_short_soa_are_ignored() -> None:
    """Records of another class or type, and a SOA too short to read, are skipped."""
    qname = b"\x07example\x03org\x00"
    chaos_a = b"\xc0\x0c\x00\x01\x00\x03\x00\x00\x00\x3c\x00\x04\xc0\x00\x02\x09"
    hinfo = b"\xc0\x0c\x00\x0d\x00\x01\x00\x00\x00\x3c\x00\x02\x00\x00"
    short_soa = b"\xc0\x0c\x00\x06\x00\x01\x00\x00\x00\x3c\x00\x02\x00\x00"
    wire = _manual(qname, chaos_a + hinfo + short_soa, ancount=2, nscount=1)
    answer, chase = decode_answer(wire, Query("example.org", "A"), QID)
    assert (answer.status, answer.ttl, chase) == (
        AnswerStatus.NODATA,
        NEGATIVE_TTL_WITHOUT_SOA,
        None,
    )


class _Reply:
    """A reply written octet by octet, to place compression pointers by hand."""

    def __init__(self, qname: bytes, rdtype: str, *, rcode: int = 0) -> None:
        self.data = bytearray(QID.to_bytes(2, "big") + bytes([0x81, 0x80 | rcode]) + bytes(8))
        self.data[5] = 1  # one question
        self.data += qname + RDTYPES[rdtype].to_bytes(2, "big") + b"\x00\x01"

    def here(self) -> int:
        """The offset the next octet goes to."""
        return len(self.data)

    def record(self, owner: bytes, rtype: int, rdata: bytes, *, authority: bool = False) -> None:
        """Add a record of class IN and TTL 60 to the answer (or authority) section."""
        self.data += owner + rtype.to_bytes(2, "big") + b"\x00\x01\x00\x00\x00\x3c"
        self.data += len(rdata).to_bytes(2, "big") + rdata
        self.data[9 if authority else 7] += 1

    def wire(self) -> bytes:
        """The reply."""
        return bytes(self.data)


def _pointer(offset: int) -> bytes:
    return bytes([0xC0 | offset >> 8, offset & 0xFF])


EXAMPLE = b"\x07example\x03org\x00"


def _exchanges_sharing_a_domain() -> bytes:
    reply = _Reply(EXAMPLE, "MX")
    first = reply.here() + 2 + 10 + 2  # owner, fixed fields, preference
    reply.record(b"\xc0\x0c", 15, b"\x00\x0a\x03mx1\x04mail\x03ovh\x03net\x00")
    reply.record(b"\xc0\x0c", 15, b"\x00\x14\x03mx2" + _pointer(first + 4))  # at "mail"
    reply.record(b"\xc0\x0c", 15, b"\x00\x1e\x03mx3" + _pointer(first + 4))
    return reply.wire()


def _soa_of_the_parent_zone() -> bytes:
    reply = _Reply(b"\x06_dmarc" + EXAMPLE, "TXT", rcode=3)
    soa = b"\xc0\x0c" * 2 + bytes(16) + b"\x00\x00\x00\x2a"  # MINIMUM 42
    reply.record(_pointer(12 + 7), 6, soa, authority=True)  # "example.org" in the question
    return reply.wire()


def _question_in_capitals() -> bytes:
    reply = _Reply(b"\x07EXAMPLE\x03Org\x00", "A")
    reply.record(b"\xc0\x0c", 1, b"\xc0\x00\x02\x01")
    return reply.wire()


def _question_compressed_forward() -> bytes:
    # The question's domain is written later, in the rdata of a record.
    reply = _Reply(b"\x03www" + _pointer(12 + 6 + 4 + 12), "A")
    reply.record(b"\xc0\x0c", 5, EXAMPLE)  # a CNAME to example.org, whose name is there
    reply.record(_pointer(12 + 6 + 4 + 12), 1, b"\xc0\x00\x02\x07")
    return reply.wire()


def _chain(hops: int, *, again: int = 0) -> bytes:
    """An A record whose owner is ``hops`` pointers from the question, then ``again``
    more each read through the owner before it (RFC 1035 §4.1.4 sets no limit; ours is 64).
    """
    reply = _Reply(EXAMPLE, "A")
    start = reply.here() + 12
    chain = b"".join(_pointer(start + 2 * hop) for hop in range(1, hops - 1)) + b"\xc0\x0c"
    reply.record(b"\xc0\x0c", 99, chain)  # a type nobody asked for: skipped, pointed into
    owner = start
    for _ in range(again + 1):
        before = reply.here()
        reply.record(_pointer(owner), 1, b"\xc0\x00\x02\x01")
        owner = before
    return reply.wire()


def _chain_through_labels(hops: int, again: int, *, second: bool = False) -> bytes:
    """Like :func:`_chain`, but each owner is a label then a pointer to the owner before
    (``second``: two labels, and the next owner points at the second of them).
    """
    reply = _Reply(EXAMPLE, "A")
    start = reply.here() + 12
    chain = b"".join(_pointer(start + 2 * hop) for hop in range(1, hops - 1)) + b"\xc0\x0c"
    reply.record(b"\xc0\x0c", 99, chain)
    target = start
    for _ in range(again + 1):
        before = reply.here()
        if second:
            reply.record(b"\x01a\x01b" + _pointer(target), 1, b"\xc0\x00\x02\x01")
            target = before + 2
        else:
            reply.record(b"\x01a" + _pointer(target), 1, b"\xc0\x00\x02\x01")
            target = before
    return reply.wire()


def _soa_owner_inside_a_label() -> bytes:
    reply = _Reply(EXAMPLE, "TXT")
    reply.record(_pointer(13), 6, bytes(22), authority=True)  # at "e" of "example"
    return reply.wire()


def _soa_cut_short(keep: int) -> bytes:
    reply = _Reply(EXAMPLE, "TXT")
    end = reply.here()
    reply.record(b"\xc0\x0c", 6, bytes(22), authority=True)
    return reply.wire()[: end + keep]


def _two_cnames_for_one_name() -> bytes:
    reply = _Reply(EXAMPLE, "A")
    reply.record(b"\xc0\x0c", 5, b"\x01b\xc0\x0c")
    reply.record(b"\xc0\x0c", 5, b"\x01c\xc0\x0c")
    reply.record(b"\x01b\xc0\x0c", 1, b"\xc0\x00\x02\x02")
    reply.record(b"\x01c\xc0\x0c", 1, b"\xc0\x00\x02\x03")
    return reply.wire()


def _pointer_into_a_label() -> bytes:
    # "mx1" then a pointer at its "1" (0x31): read as a label of 49 octets.
    reply = _Reply(EXAMPLE, "MX")
    reply.record(b"\xc0\x0c", 15, b"\x00\x0a\x03mx1\x00")
    reply.record(b"\xc0\x0c", 15, b"\x00\x0a\x01a" + _pointer(12 + 17 + 2 + 10 + 2 + 3))
    return reply.wire()


def _name_too_long_behind_a_pointer() -> bytes:
    long_labels = b"".join(b"\x3f" + b"a" * 63 for _ in range(4))
    reply = _Reply(long_labels + _pointer(12 + 256 + 2 + 4 + 12), "A")
    reply.record(b"\xc0\x0c", 5, b"\x05abcde\x00")
    return reply.wire()


def _cname_chain(length: int) -> bytes:
    reply = _Reply(b"\x02a0" + EXAMPLE, "A")
    owner = 12
    for step in range(1, length + 1):
        here = reply.here()
        label = f"a{step}".encode()
        reply.record(_pointer(owner), 5, bytes([len(label)]) + label + _pointer(12 + 3))
        owner = here + 12
    reply.record(_pointer(owner), 1, b"\xc0\x00\x02\x01")
    return reply.wire()


def _soa_asked_and_given() -> bytes:
    reply = _Reply(EXAMPLE, "SOA")
    reply.record(b"\xc0\x0c", 6, b"\xc0\x0c" * 2 + bytes(20))
    return reply.wire()


@pytest.mark.parametrize(
    ("wire", "query", "expected"),
    [
        (
            _exchanges_sharing_a_domain(),
            Query("example.org", "MX"),
            (
                AnswerStatus.ANSWER,
                (
                    MX(10, "mx1.mail.ovh.net"),
                    MX(20, "mx2.mail.ovh.net"),
                    MX(30, "mx3.mail.ovh.net"),
                ),
                60,
                "example.org",
                None,
            ),
        ),
        (
            _soa_of_the_parent_zone(),
            Query("_dmarc.example.org", "TXT"),
            (AnswerStatus.NXDOMAIN, (), 42, "_dmarc.example.org", None),
        ),
        (
            _question_in_capitals(),
            Query("example.org", "A"),
            (AnswerStatus.ANSWER, ("192.0.2.1",), 60, "example.org", None),
        ),
        # Forward pointers are refused (RFC 1035 §4.1.4 "prior occurrence", as dnspython).
        (_question_compressed_forward(), Query("www.example.org", "A"), "another question"),
        (_chain(64), Query("example.org", "A"), "does not point backwards"),
        (_chain(62, again=2), Query("example.org", "A"), "does not point backwards"),
        (_chain(65), Query("example.org", "A"), "does not point backwards"),
        (_chain(62, again=3), Query("example.org", "A"), "does not point backwards"),
        (_chain_through_labels(62, 2), Query("example.org", "A"), "does not point backwards"),
        (_chain_through_labels(62, 3), Query("example.org", "A"), "does not point backwards"),
        (
            _chain_through_labels(63, 1, second=True),
            Query("example.org", "A"),
            "does not point backwards",
        ),
        (_soa_owner_inside_a_label(), Query("example.org", "TXT"), "unknown label type"),
        (_soa_cut_short(2 + 9), Query("example.org", "TXT"), "resource record runs past"),
        (_soa_cut_short(2 + 10 + 21), Query("example.org", "TXT"), "rdata runs past"),
        (
            _two_cnames_for_one_name(),
            Query("example.org", "A"),
            (AnswerStatus.ANSWER, ("192.0.2.2",), 60, "b.example.org", None),
        ),
        (_pointer_into_a_label(), Query("example.org", "MX"), "label runs past the end"),
        (_name_too_long_behind_a_pointer(), Query("example.org", "A"), "another question"),
        (
            _cname_chain(15),
            Query("a0.example.org", "A"),
            (AnswerStatus.ANSWER, ("192.0.2.1",), 60, "a15.example.org", None),
        ),
        # MAX_CNAME_CHAIN links or more: a failure, whatever the chain ends at.
        (
            _cname_chain(16),
            Query("a0.example.org", "A"),
            (AnswerStatus.FAILURE, (), 0, "a0.example.org", None),
        ),
        (
            _cname_chain(17),
            Query("a0.example.org", "A"),
            (AnswerStatus.FAILURE, (), 0, "a0.example.org", None),
        ),
        (_soa_asked_and_given(), Query("example.org", "SOA"), "no reader for type 6"),
    ],
)
def test_compression_and_chains(
    wire: bytes, query: Query, expected: tuple[object, ...] | str
) -> None:
    """Names compressed every way read as RFC 1035 §4.1.4 says, within the pointer limit."""
    if isinstance(expected, str):
        with pytest.raises(WireError, match=expected):
            decode_answer(wire, query, QID)
        return
    answer, chase = decode_answer(wire, query, QID)
    assert expected == (answer.status, answer.records, answer.ttl, answer.canonical_name, chase)


@pytest.mark.parametrize(
    ("name", "size"),
    [
        ("a" * 63 + ".org", 69),
        (".".join(["a" * 63] * 3 + ["b" * 61]), 255),
        (".".join(["a" * 63] * 3 + ["b" * 62]), "name longer than 255 octets"),
        ("Example.ORG.", 13),
        (".", 1),
        ("-.x", 5),
        ("x.a\u00e9", "cannot encode label 'a\u00e9'"),
        ("." + "a" * 64, "cannot encode label ''"),
    ],
)
def test_encode_names_up_to_the_limits(name: str, size: int | str) -> None:
    """Labels of 63 octets and names of 255 encode as dnspython writes them, each time alike."""
    if isinstance(size, str):
        with pytest.raises(WireError, match=f"^{size}$"):
            encode_query(9, name, "A")
        return
    expected = dns.message.make_query(name, "A", use_edns=0, payload=1232)
    expected.id = 9
    first, again = encode_query(9, name, "A"), encode_query(9, name, "A")
    assert (expected.to_wire(), expected.to_wire(), size) == (first, again, len(first) - 27)


@pytest.mark.parametrize(
    ("ttl", "read"),
    [(0, 0), (300, 300), (0x7FFFFFFF, 0x7FFFFFFF), (0x80000000, 0), (0xFFFFFFFF, 0)],
)
def test_a_ttl_with_its_top_bit_set_reads_as_zero(ttl: int, read: int) -> None:
    """RFC 2181 §8: a TTL is 31 bits; one with the top bit set is 0."""
    wire = bytearray(GOOD)
    wire[-10:-6] = ttl.to_bytes(4, "big")
    answer, _ = decode_answer(bytes(wire), Query("example.org", "A"), QID)
    assert (AnswerStatus.ANSWER, read) == (answer.status, answer.ttl)


_OPT_RR = b"\x00\x00\x29\x04\xd0"  # root owner, type OPT, payload 1232


@pytest.mark.parametrize(
    ("header_rcode", "upper", "detail"),
    [(0, 1, "RCODE 16"), (3, 1, "RCODE 19"), (0, 2, "RCODE 32"), (0, 0, "")],
)
def test_the_extended_rcode_is_part_of_the_rcode(
    header_rcode: int, upper: int, detail: str
) -> None:
    """RFC 6891 §6.1.3: BADVERS (16) has 0 in the header; it is a failure, not NOERROR."""
    wire = bytearray(GOOD)
    wire[3] = (wire[3] & 0xF0) | header_rcode
    wire[10:12] = b"\x00\x01"
    wire += _OPT_RR + bytes([upper, 0, 0, 0]) + b"\x00\x00"
    answer, _ = decode_answer(bytes(wire), Query("example.org", "A"), QID)
    if detail:
        assert (AnswerStatus.FAILURE, FailureCause.OTHER, detail) == (
            answer.status,
            answer.cause,
            answer.detail,
        )
    else:
        assert ("192.0.2.1",) == answer.records


@pytest.mark.parametrize(
    ("packed", "text"),
    [
        ("00000000000000000000ffffc0000201", "::ffff:192.0.2.1"),
        ("000000000000000000000000c0000201", "::c000:201"),
        ("00000000000000000000000000010000", "::1:0"),
        ("00000000000000000000000000000001", "::1"),
        ("00000000000000000000000000000000", "::"),
        ("20010db8000000000000000000000001", "2001:db8::1"),
        ("0064ff9b0000000000000000c0000201", "64:ff9b::c000:201"),
    ],
)
def test_ipv6_text_examples(packed: str, text: str) -> None:
    """RFC 5952: dotted only for IPv4-mapped (§5), hexadecimal otherwise (§4)."""
    assert text == ipv6_text(bytes.fromhex(packed))


def test_an_opt_record_before_others_is_found() -> None:
    """RFC 6891 §6.1.1 lets OPT stand anywhere in the additional section: it is read there too."""
    wire = bytearray(GOOD)
    wire[10:12] = b"\x00\x02"
    glue = b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\xc0\x00\x02\x02"
    wire += _OPT_RR + bytes([1, 0, 0, 0]) + b"\x00\x00" + glue
    answer, _ = decode_answer(bytes(wire), Query("example.org", "A"), QID)
    assert (AnswerStatus.FAILURE, "RCODE 16") == (answer.status, answer.detail)
    glue_only = bytearray(GOOD) + glue
    glue_only[10:12] = b"\x00\x01"
    answer, _ = decode_answer(bytes(glue_only), Query("example.org", "A"), QID)
    assert ("192.0.2.1",) == answer.records  # no OPT: no upper bits
    glue_only[10:12] = b"\x00\x02"  # a second record that is not there: malformed
    with pytest.raises(WireError, match="name runs past"):
        decode_answer(bytes(glue_only), Query("example.org", "A"), QID)


def test_a_soa_ttl_with_its_top_bit_set_reads_as_zero() -> None:
    """RFC 2181 §8 for the negative TTL too: a SOA with a TTL of 2^31 gives 0."""
    wire = respond("x.example.org", "TXT", rcode=dns.rcode.NXDOMAIN, soa=True)
    position = wire.rindex(b"\x00\x06\x00\x01") + 4  # the SOA's type and class, then its TTL
    patched = wire[:position] + b"\x80\x00\x00\x00" + wire[position + 4 :]
    answer, _ = decode_answer(patched, Query("x.example.org", "TXT"), QID)
    assert (AnswerStatus.NXDOMAIN, 0) == (answer.status, answer.ttl)
