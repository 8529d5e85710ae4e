"""Properties of the DNS wire codec."""

from __future__ import annotations

import contextlib

import dns.message
import dns.rrset
from hypothesis import given
from hypothesis import strategies as st

from emailpro_core.dnsdata import MX, AnswerStatus, Query
from emailpro_core.dnswire import WireError, decode_answer, encode_query

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
