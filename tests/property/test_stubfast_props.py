"""The stub transport's short paths give exactly what its general paths give.

* :func:`~emailpro_core.sources._wire.codec.decode_answer` accepts a reply whose
  question is the one sent octet for octet by one look-up and one comparison;
  any other reply goes through ``_check_question``, which compares without case.
  Forcing every reply through the latter changes no answer and no error.
* ``encoded_name`` builds a name on its parent's wire form (remembered): the
  octets, or the error, of ``encode_name``.
* MX and TXT values met before are reused: equal to new ones, in tables of
  bounded size.
* :class:`~emailpro_core.sources.AsyncStubSource` settles a lookup answered at
  once (no CNAME target left open) without running its
  :func:`~emailpro_core.sources._livebase.chase`: every waiter gets what the chase gives.
"""

from __future__ import annotations

import asyncio
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st
from test_dnswire_oracle_props import QID, replies

from emailpro_core.sources._answers import MX, TXT, Answer, AnswerStatus, FailureCause, Query
from emailpro_core.sources._livebase import as_asked, chase
from emailpro_core.sources._stub import AsyncStubSource
from emailpro_core.sources._wire import codec, rdata
from emailpro_core.sources._wire.names import WireError, encode_name, encoded_name
from test_sources_stub import HeldTransport

Outcome = tuple[Answer, str | None] | tuple[str, str]


def decoded(wire: bytes, query: Query) -> Outcome:
    """The answer, or the kind of error (a mismatch is dropped, a malformed reply is not)."""
    try:
        return codec.decode_answer(wire, query, QID)
    except WireError as exc:
        return (type(exc).__name__, str(exc))


def careful(wire: bytes, query: Query) -> Outcome:
    """:func:`decoded` with every question compared by ``_check_question``."""
    with mock.patch.dict(codec._TYPE_CLASS, clear=True):
        return decoded(wire, query)


@settings(max_examples=300)
@given(replies(), st.data())
def test_the_question_compared_at_once_decodes_as_the_careful_comparison(
    reply: tuple[bytes, Query], data: st.DataObject
) -> None:
    """Replies, cut or with octets of their question changed: the same answer or error."""
    wire, query = reply
    garbled = bytearray(wire)
    for _ in range(data.draw(st.integers(0, 3))):
        # Mostly in the question (from offset 12), where the two paths differ.
        where = data.draw(st.integers(12, min(len(garbled) - 1, 12 + len(query.name) + 6)))
        garbled[where] = data.draw(st.sampled_from([0x00, 0x01, 0x20, 0xC0]) | st.integers(0, 255))
    cut = data.draw(st.integers(0, len(wire)))
    for candidate in (wire, bytes(garbled), wire[:cut]):
        assert careful(candidate, query) == decoded(candidate, query)


STATUSES = [AnswerStatus.ANSWER, AnswerStatus.NODATA, AnswerStatus.NXDOMAIN, AnswerStatus.FAILURE]
TARGETS = st.none() | st.sampled_from(["web.example.net", "www.example.org", "other.example.com"])


@st.composite
def replies_of(draw: st.DrawFn, query: Query) -> tuple[Answer, str | None]:
    """A reply to ``query``: an answer to it (the same object or an equal one), and a target."""
    status = draw(st.sampled_from(STATUSES))
    asked = query if draw(st.booleans()) else Query(query.name.upper(), query.rdtype.lower())
    records = ("192.0.2.1",) if status is AnswerStatus.ANSWER else ()
    cause = FailureCause.TIMEOUT if status is AnswerStatus.FAILURE else None
    ttl = draw(st.integers(0, 3600))
    return Answer(asked, status, records, ttl, cause=cause), draw(TARGETS)


def by_chase(query: Query, given: list[tuple[Answer, str | None]]) -> tuple[Answer, int]:
    """What chase() gives for the replies ``given`` in turn, and how many it asks for."""
    steps = chase(query)
    next(steps)
    for asked, reply in enumerate(given, start=1):
        try:
            steps.send(reply)
        except StopIteration as done:
            return done.value, asked
    raise AssertionError("the chase asks for more replies than given")


@settings(max_examples=200)
@given(st.data(), st.sampled_from(["A", "a", "TXT"]), st.integers(0, 2))
def test_a_lookup_gets_what_its_chase_gives(data: st.DataObject, rdtype: str, others: int) -> None:
    """Answered at once or after CNAME targets: each waiter gets the chase's answer, as asked."""
    source = AsyncStubSource("127.0.0.1", port=53)
    transport = source.transport = HeldTransport()
    spellings = [
        Query("www.example.org", rdtype),
        *[Query("WWW.example.org.", rdtype.lower())] * others,
    ]
    got: list[Answer | Exception] = []
    given_replies: list[tuple[Answer, str | None]] = []

    async def run() -> None:
        for query in spellings:
            assert source.lookup_then(query.name, query.rdtype, got.append) is None
        while len(got) < len(spellings):
            question, done = transport.asked[-1]
            reply = data.draw(replies_of(question))
            given_replies.append(reply)
            done(reply)

    asyncio.run(run())
    expected, asked = by_chase(spellings[0], given_replies)
    assert asked == len(transport.asked)
    assert [as_asked(query, expected) for query in spellings] == got
    assert [spellings[0]] * len(got) == [a.query for a in got if isinstance(a, Answer)]


# Labels of every kind encode_name meets: ordinary, empty, 63 and 64 octets, not ASCII.
name_parts = st.sampled_from(["mx1", "_dmarc", "ovh", "a" * 63, "b" * 64, "", "é", "Sel", "."])


@settings(max_examples=300)
@given(st.lists(name_parts, max_size=8).map(".".join) | st.text(max_size=300))
def test_a_name_encoded_on_its_parent_is_what_encode_name_gives(name: str) -> None:
    """encoded_name: encode_name's octets or error, with its parents remembered or not."""
    try:
        expected: bytes | str = encode_name(name)
    except WireError as exc:
        expected = str(exc)
    for _ in range(2):  # the second time remembered, the parents too
        try:
            got: bytes | str = encoded_name(name)
        except WireError as exc:
            got = str(exc)
        assert expected == got


@settings(max_examples=200)
@given(
    st.lists(st.tuples(st.integers(0, 3), st.sampled_from(["mx1.ovh.net", "a.b", ""])), max_size=30)
)
def test_kept_values_equal_new_ones_and_stay_bounded(pairs: list[tuple[int, str]]) -> None:
    """kept_mx and kept_txt give values equal to new ones; their tables never exceed KEPT."""
    with mock.patch.object(rdata, "KEPT", 4):
        for preference, exchange in pairs:
            assert MX(preference, exchange) == rdata.kept_mx(preference, exchange)
            string = exchange.encode() * preference
            assert TXT((string,)) == rdata.kept_txt(string)
            assert len(rdata.MXS) <= 4
            assert len(rdata.TXTS) <= 4
