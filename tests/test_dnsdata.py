"""DNS data values and the sync / async resolution drivers."""

from __future__ import annotations

import asyncio

import attrs
import pytest

from emailpro_core.sources._answers import (
    MX,
    SRV,
    TXT,
    Answer,
    AnswerStatus,
    FailureCause,
    Query,
    Resolution,
    answer_for,
    lookup,
    lookup_many,
    normalize_name,
    run_async,
    run_sync,
)


class Table:
    """A minimal source answering from a dict, for both drivers; it logs each question."""

    def __init__(self, data: dict[tuple[str, str], Answer]) -> None:
        self.data = data
        self.asked: list[tuple[str, str]] = []

    def lookup(self, name: str, rdtype: str, /) -> Answer:
        self.asked.append((name, rdtype))
        return self.data.get((name, rdtype), Answer(Query(name, rdtype), AnswerStatus.NXDOMAIN))

    async def lookup_async(self, name: str, rdtype: str, /) -> Answer:
        await asyncio.sleep(0)
        return self.lookup(name, rdtype)


def _mx_then_addresses(domain: str) -> Resolution[list[str]]:
    mx = yield from lookup(domain, "MX")
    hosts = sorted(r.exchange for r in mx.records if isinstance(r, MX))
    answers = yield from lookup_many(*(Query(h, "A") for h in hosts))
    nothing = yield from lookup_many()
    assert nothing == ()
    return [f"{a.query.name}={','.join(map(str, a.records))}" for a in answers]


TABLE = {
    ("example.org", "MX"): Answer(
        Query("example.org", "MX"),
        AnswerStatus.ANSWER,
        (MX(10, "b.example.org."), MX(5, "A.example.org")),
    ),
    ("a.example.org", "A"): Answer(
        Query("a.example.org", "A"), AnswerStatus.ANSWER, ("192.0.2.1",)
    ),
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Example.ORG.", "example.org"), ("example.org", "example.org"), (".", ""), ("", "")],
)
def test_normalize_name(text: str, expected: str) -> None:
    """Names compare lower case without the trailing dot; the root is the empty name."""
    assert normalize_name(text) == expected


def test_values_normalize_names() -> None:
    """Record values and queries store normalized names and upper-case types."""
    assert Query("WWW.Example.org.", "mx") == Query("www.example.org", "MX")
    assert MX(0, ".").exchange == ""
    assert SRV(0, 0, 443, "Pro1.Mail.OVH.net.").target == "pro1.mail.ovh.net"
    assert TXT((b"v=spf1 ", b"-all")).text == "v=spf1 -all"
    assert TXT((b"\xff",)).text == "\ufffd"


def test_answer_properties() -> None:
    """Answers tell existence, failure and CNAME use apart."""
    q = Query("www.example.org", "A")
    plain = Answer(q, AnswerStatus.ANSWER, ("192.0.2.1",))
    assert (plain.exists, plain.is_failure, plain.via_cname) == (True, False, False)
    assert plain.canonical_name == "www.example.org"
    aliased = Answer(q, AnswerStatus.ANSWER, ("192.0.2.1",), canonical_name="Host.example.org.")
    assert aliased.via_cname
    assert aliased.canonical_name == "host.example.org"
    nodata = Answer(q, AnswerStatus.NODATA)
    assert (nodata.exists, nodata.is_failure) == (True, False)
    timeout = Answer(q, AnswerStatus.FAILURE, cause=FailureCause.TIMEOUT)
    assert (timeout.exists, timeout.is_failure) == (False, True)
    offline = Answer(q, AnswerStatus.OUTSIDE_ZONE)
    assert (offline.exists, offline.is_failure) == (False, True)
    assert not Answer(q, AnswerStatus.NXDOMAIN).exists


def test_run_sync_and_async_agree() -> None:
    """The same resolution gives the same result over the sync and the async driver."""
    table = Table(TABLE)
    expected = ["a.example.org=192.0.2.1", "b.example.org="]
    assert run_sync(_mx_then_addresses("example.org"), table) == expected
    assert asyncio.run(run_async(_mx_then_addresses("example.org"), table)) == expected
    assert (
        table.asked
        == [
            ("example.org", "MX"),
            ("a.example.org", "A"),
            ("b.example.org", "A"),
        ]
        * 2
    )


def test_resolution_without_questions() -> None:
    """A resolution that asks nothing returns at once on both drivers."""

    def constant() -> Resolution[int]:
        yield from lookup_many()
        return 7

    table = Table({})
    assert run_sync(constant(), table) == 7
    assert asyncio.run(run_async(constant(), table)) == 7
    assert table.asked == []


_ASKED = Query("Example.ORG.", "type15")
_MX = Query("example.org", "MX")


@pytest.mark.parametrize(
    ("answer", "ttl"),
    [
        (Answer(_MX, AnswerStatus.ANSWER, (MX(1, "mx.example.net"),), ttl=60), None),
        (Answer(_MX, AnswerStatus.ANSWER, (MX(1, "mx.example.net"),), ttl=60), 12),
        (Answer(_MX, AnswerStatus.NXDOMAIN, ttl=300, canonical_name="gone.example.org"), 5),
        (Answer(_MX, AnswerStatus.FAILURE, cause=FailureCause.TIMEOUT, detail="no reply"), 0),
    ],
)
def test_answer_for(answer: Answer, ttl: int | None) -> None:
    """answer_for gives another question (and TTL) the same answer, as attrs.evolve would."""
    expected = attrs.evolve(answer, query=_ASKED, ttl=answer.ttl if ttl is None else ttl)
    assert expected == answer_for(_ASKED, answer, ttl)
    assert (_ASKED, answer.canonical_name) == (expected.query, expected.canonical_name)
