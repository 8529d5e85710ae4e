"""Properties of the DNS wire codec."""

from __future__ import annotations

import contextlib
import ipaddress

import dns.message
import dns.rrset
import pytest
from hypothesis import given
from hypothesis import strategies as st

from emailpro_core.sources._answers import MX, AnswerStatus, Query
from emailpro_core.sources._wire.codec import Mismatch, decode_answer, encode_query
from emailpro_core.sources._wire.names import WireError
from emailpro_core.sources._wire.rdata import ipv6_text

labels = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=20)
names = st.lists(labels, min_size=2, max_size=4).map(".".join)


def _mx_response(qid: int, name: str, records: list[tuple[int, str]]) -> bytes:
    query = dns.message.from_wire(encode_query(qid, name, "MX"))
    response = dns.message.make_response(query)
    if records:
        response.answer.append(
            dns.rrset.from_text(name + ".", 60, "IN", "MX", *(f"{p} {h}." for p, h in records))
        )
    wire: bytes = response.to_wire()
    return wire


@given(
    st.integers(0, 0xFFFF), names, st.lists(st.tuples(st.integers(0, 0xFFFF), names), max_size=6)
)
def test_decodes_what_dnspython_encodes(
    qid: int, name: str, records: list[tuple[int, str]]
) -> None:
    """Any MX answer dnspython writes decodes to the same set of records."""
    answer, chase = decode_answer(_mx_response(qid, name, records), Query(name, "MX"), qid)
    assert chase is None
    assert set(answer.records) == {MX(p, h) for p, h in records}
    assert answer.status is (AnswerStatus.ANSWER if records else AnswerStatus.NODATA)


@given(st.binary(max_size=300), st.integers(0, 0xFFFF))
def test_random_bytes_only_raise_wire_error(wire: bytes, qid: int) -> None:
    """Garbage never raises anything but WireError."""
    with contextlib.suppress(WireError):
        decode_answer(wire, Query("example.org", "MX"), qid)


@given(names, st.data())
def test_mutated_answers_only_raise_wire_error(name: str, data: st.DataObject) -> None:
    """A real answer with bytes flipped or cut decodes or raises WireError, nothing else."""
    wire = bytearray(_mx_response(9, name, [(10, "mx." + name), (20, "mx2." + name)]))
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(wire) - 1))
        wire[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(wire)))
    with contextlib.suppress(WireError):
        decode_answer(bytes(wire[:cut]), Query(name, "MX"), 9)


def _a_response(qid: int, name: str, ttl: int, *, ext_rcode: int = 0) -> bytes:
    """An A answer for ``name``: one record of TTL ``ttl``, then an OPT record."""
    query = dns.message.from_wire(encode_query(qid, name, "A", edns=False))
    response = dns.message.make_response(query)
    response.answer.append(dns.rrset.from_text(name + ".", 60, "IN", "A", "192.0.2.1"))
    wire = bytearray(response.to_wire())
    # The record's TTL sits 10 octets before its address: type, class, TTL, length.
    wire[-10:-6] = ttl.to_bytes(4, "big")
    # RFC 6891 §6.1.3: OPT's TTL field starts with the upper 8 bits of the RCODE.
    wire[10:12] = b"\x00\x01"
    return bytes(wire) + b"\x00\x00\x29\x04\xd0" + bytes([ext_rcode, 0, 0, 0]) + b"\x00\x00"


@given(names, st.integers(0, 0xFFFFFFFF))
def test_a_ttl_with_the_top_bit_set_is_zero(name: str, ttl: int) -> None:
    """RFC 2181 §8: a TTL reads as itself below 2^31, and as 0 from there."""
    answer, _ = decode_answer(_a_response(5, name, ttl), Query(name, "A"), 5)
    assert answer.ttl == (ttl if ttl < 0x80000000 else 0)


@given(names, st.integers(1, 0xFF))
def test_an_extended_rcode_is_always_a_failure(name: str, upper: int) -> None:
    """RFC 6891 §6.1.3: any upper RCODE bits make the answer a failure, never records."""
    answer, _ = decode_answer(_a_response(5, name, 60, ext_rcode=upper), Query(name, "A"), 5)
    assert (answer.status, answer.records, answer.detail) == (
        AnswerStatus.FAILURE,
        (),
        f"RCODE {upper << 4}",
    )


@given(st.binary(min_size=16, max_size=16))
def test_ipv6_text_is_rfc_5952(packed: bytes) -> None:
    """The text reads back as the address; mapped addresses dotted, all others hexadecimal."""
    text = ipv6_text(packed)
    assert ipaddress.IPv6Address(text).packed == packed
    if packed[:12] == bytes(10) + b"\xff\xff":
        assert text == "::ffff:" + str(ipaddress.IPv4Address(packed[12:]))
    else:
        assert text == ipaddress.IPv6Address(packed).compressed


@given(names, st.sampled_from(["qr", "opcode", "qdcount", "name", "type", "class"]), st.data())
def test_a_reply_to_another_question_is_a_mismatch(
    name: str, what: str, data: st.DataObject
) -> None:
    """RFC 5452 §9.1: a reply with our ID that is not to our question raises Mismatch."""
    wire = bytearray(_a_response(5, name, 60))
    qend = 12 + len(name) + 2
    if what == "qr":
        wire[2] &= 0x7F
    elif what == "opcode":
        wire[2] |= data.draw(st.integers(1, 15)) << 3
    elif what == "qdcount":
        wire[4:6] = data.draw(st.sampled_from([0, 2, 3, 0xFFFF])).to_bytes(2, "big")
    elif what == "name":
        position = data.draw(st.integers(13, qend - 2))
        wire[position] = data.draw(st.sampled_from(b"!.#{")) if wire[position] != 0 else 1
    elif what == "type":
        wire[qend : qend + 2] = data.draw(st.sampled_from([2, 5, 15, 16, 28])).to_bytes(2, "big")
    else:
        wire[qend + 2 : qend + 4] = data.draw(st.sampled_from([3, 4, 255])).to_bytes(2, "big")
    with pytest.raises(Mismatch):
        decode_answer(bytes(wire), Query(name, "A"), 5)
