"""The stub transport's short paths, by example (their properties: ``test_stubfast_props``).

Names encoded on their parent's remembered wire form, MX and TXT values reused,
replies whose question is the one sent octet for octet, lookups answered at once.
"""

from __future__ import annotations

import asyncio

import dns.message
import dns.name
import dns.rrset
import pytest

from emailpro_core.sources._answers import MX, TXT, Answer, AnswerStatus, FailureCause, Query
from emailpro_core.sources._stub import AsyncStubSource
from emailpro_core.sources._wire import rdata
from emailpro_core.sources._wire.codec import Mismatch, decode_answer, encode_query
from emailpro_core.sources._wire.names import WireError, encoded_name
from test_sources_stub import HeldTransport


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("example.org", b"\x07example\x03org\x00"),
        ("_dmarc.example.org", b"\x06_dmarc\x07example\x03org\x00"),
        ("example.org.", b"\x07example\x03org\x00"),
        ("a..", b"\x01a\x00"),
        ("", b"\x00"),
        (".", b"\x00"),
        ("org", b"\x03org\x00"),
        ("Sel.Example.org", b"\x03Sel\x07Example\x03org\x00"),
        ("a..b", "cannot encode label ''"),
        ("x." + "a" * 64 + ".org", f"cannot encode label {'a' * 64!r}"),
        ("é.example.org", "cannot encode label 'é'"),
        (".".join(["a" * 63] * 4), "name longer than 255 octets"),
        # 254 characters: 256 octets, found too long once the parent is encoded.
        ("a." + ".".join(["b" * 63] * 3) + "." + "c" * 60, "name longer than 255 octets"),
        ("a." * 200 + "org", "name longer than 255 octets"),
    ],
)
def test_names_encoded_on_their_parent(name: str, expected: bytes | str) -> None:
    """encoded_name gives the wire form of RFC 1035 §3.1, or encode_name's error."""
    if isinstance(expected, bytes):
        assert expected == encoded_name(name)
    else:
        with pytest.raises(WireError) as raised:
            encoded_name(name)
        assert expected == str(raised.value)


def test_kept_values_are_reused_and_the_tables_emptied_when_full(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A value met again is the same object; a full table starts again, so stays bounded."""
    monkeypatch.setattr(rdata, "KEPT", 2)
    monkeypatch.setattr(rdata, "MXS", {})
    first = rdata.kept_mx(10, "mx1.ovh.net")
    assert first == MX(10, "mx1.ovh.net")
    assert rdata.MXS[10, "mx1.ovh.net"] is first
    rdata.kept_mx(20, "mx2.ovh.net")
    rdata.kept_mx(30, "mx3.ovh.net")  # the table was full: emptied first
    assert [(30, "mx3.ovh.net")] == list(rdata.MXS)
    monkeypatch.setattr(rdata, "TXTS", {})
    spf = rdata.kept_txt(b"v=spf1 -all")
    assert (TXT((b"v=spf1 -all",)), spf) == (spf, rdata.TXTS[b"v=spf1 -all"])


def _reply(question: str, records: list[tuple[str, str, str]]) -> bytes:
    request = dns.message.from_wire(encode_query(7, "example.org", "MX"))
    response = dns.message.make_response(request)
    response.question[0].name = dns.name.from_text(question)
    for owner, rdtype, value in records:
        response.answer.append(dns.rrset.from_text(owner, 300, "IN", rdtype, value))
    wire: bytes = response.to_wire()
    return wire


def test_mx_values_of_two_replies_are_one_object() -> None:
    """Two replies with the same mail exchanger give the same (equal, shared) MX value."""
    records = [("example.org.", "MX", "10 mx1.mail.ovh.net.")]
    first, _ = decode_answer(_reply("example.org.", records), Query("example.org", "MX"), 7)
    again, _ = decode_answer(_reply("example.org.", records), Query("example.org", "MX"), 7)
    assert (MX(10, "mx1.mail.ovh.net"),) == first.records
    assert first.records[0] is again.records[0]


@pytest.mark.parametrize(
    ("question", "outcome"),
    [
        ("example.org.", AnswerStatus.ANSWER),  # as sent: compared by startswith
        ("EXAMPLE.org.", AnswerStatus.ANSWER),  # another case (RFC 4343): compared with care
        ("example.net.", "Mismatch"),  # another name (RFC 5452 §9.1)
        ("org.", "Mismatch"),
        ("example.org.example.org.", "Mismatch"),
    ],
)
def test_the_question_of_a_reply_is_the_one_sent(
    question: str, outcome: AnswerStatus | str
) -> None:
    """A reply is the question's when its question is the one sent, but for case."""
    wire = _reply(question, [("example.org.", "MX", "10 mx1.mail.ovh.net.")])
    query = Query("example.org", "MX")
    if isinstance(outcome, str):
        with pytest.raises(Mismatch):
            decode_answer(wire, query, 7)
    else:
        assert outcome is decode_answer(wire, query, 7)[0].status


ASKED = Query("www.example.org", "A")
OTHER = Query("WWW.example.org.", "a")  # equal to ASKED, another object


@pytest.mark.parametrize(
    ("replies", "questions", "records", "same_object"),
    [
        # Answered at once, to the question as asked: the reply's answer itself.
        ([(Answer(ASKED, AnswerStatus.ANSWER, ("192.0.2.1",), 60), None)], 1, ("192.0.2.1",), True),
        ([(Answer(ASKED, AnswerStatus.NXDOMAIN, ttl=60), None)], 1, (), True),
        # Answered for an equal question (through the chase): that answer too.
        (
            [(Answer(OTHER, AnswerStatus.ANSWER, ("192.0.2.2",), 60), None)],
            1,
            ("192.0.2.2",),
            True,
        ),
        # A CNAME target left open: asked next, then answered.
        (
            [
                (
                    Answer(ASKED, AnswerStatus.NODATA, ttl=300, canonical_name="web.example.net"),
                    "web.example.net",
                ),
                (
                    Answer(Query("web.example.net", "A"), AnswerStatus.ANSWER, ("192.0.2.3",), 60),
                    None,
                ),
            ],
            2,
            ("192.0.2.3",),
            False,
        ),
        ([(Answer(ASKED, AnswerStatus.FAILURE, cause=FailureCause.TIMEOUT), None)], 1, (), True),
    ],
)
def test_a_lookup_answered_at_once_or_chased(
    replies: list[tuple[Answer, str | None]],
    questions: int,
    records: tuple[str, ...],
    same_object: bool,
) -> None:
    """The answer each waiter gets, and the questions sent, by the replies the server gives."""
    source = AsyncStubSource("127.0.0.1", port=53)
    transport = source.transport = HeldTransport()
    got: list[Answer | Exception] = []

    async def run() -> None:
        assert source.lookup_then("www.example.org", "A", got.append) is None
        for reply in replies:
            transport.asked[-1][1](reply)

    asyncio.run(run())
    assert questions == len(transport.asked)
    (answer,) = got
    assert isinstance(answer, Answer)
    assert (ASKED, records) == (answer.query, answer.records)
    assert same_object is (answer is replies[-1][0])
