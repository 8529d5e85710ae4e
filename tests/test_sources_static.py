"""Example tables for StaticSource and the record conversion it relies on."""

from __future__ import annotations

import asyncio

import pytest

from emailpro_core.errors import EmailProError
from emailpro_core.sources import SourceDataError, StaticSource
from emailpro_core.sources._answers import (
    MX,
    SRV,
    TXT,
    Answer,
    AnswerStatus,
    FailureCause,
    Query,
    RData,
    Resolution,
    lookup,
    run_async,
    run_sync,
)

RECORDS: dict[str, dict[str, object]] = {
    "example.org": {
        "MX": ["10 mx.example.net.", "20 Backup.Example.NET"],
        "TXT": ["v=spf1 include:mx.ovh.com ~all", ("part one ", "part two")],
        "A": "192.0.2.1",
        "AAAA": "2001:DB8::1",
    },
    "www.example.org": {"CNAME": "example.org."},
    "alias.example.org": {"CNAME": "www.example.org"},
    "dangling.example.org": {"CNAME": "gone.example.org."},
    "loop1.example.org": {"CNAME": "loop2.example.org"},
    "loop2.example.org": {"CNAME": "loop1.example.org"},
    "self.example.org": {"CNAME": "self.example.org"},
    "_autodiscover._tcp.example.org": {"SRV": "0 0 443 pro1.mail.ovh.net."},
    "null.example.org": {"MX": "0 ."},
    "empty.example.org": {},
    "deep.below.example.org": {"A": "192.0.2.9"},
    "1.2.0.192.in-addr.arpa": {"PTR": "Host.Example.org."},
    "caa.example.org": {"CAA": '0 issue "ca.example"'},
    "to-fail.example.org": {"CNAME": "slow.example.org"},
}
FAILURES: dict[str | tuple[str, str], FailureCause] = {
    "slow.example.org": FailureCause.TIMEOUT,
    ("example.org", "NS"): FailureCause.SERVFAIL,
}


def source() -> StaticSource:
    """The source every example below reads."""
    return StaticSource(RECORDS, failures=FAILURES)


@pytest.mark.parametrize(
    ("name", "rdtype", "status", "records", "canonical"),
    [
        (
            "example.org",
            "MX",
            AnswerStatus.ANSWER,
            (MX(10, "mx.example.net"), MX(20, "backup.example.net")),
            "example.org",
        ),
        (
            "EXAMPLE.org.",
            "mx",
            AnswerStatus.ANSWER,
            (MX(10, "mx.example.net"), MX(20, "backup.example.net")),
            "example.org",
        ),
        (
            "example.org",
            "TXT",
            AnswerStatus.ANSWER,
            (TXT((b"v=spf1 include:mx.ovh.com ~all",)), TXT((b"part one ", b"part two"))),
            "example.org",
        ),
        ("example.org", "A", AnswerStatus.ANSWER, ("192.0.2.1",), "example.org"),
        ("example.org", "AAAA", AnswerStatus.ANSWER, ("2001:db8::1",), "example.org"),
        ("example.org", "SRV", AnswerStatus.NODATA, (), "example.org"),
        (
            "www.example.org",
            "MX",
            AnswerStatus.ANSWER,
            (MX(10, "mx.example.net"), MX(20, "backup.example.net")),
            "example.org",
        ),
        ("www.example.org", "CNAME", AnswerStatus.ANSWER, ("example.org",), "www.example.org"),
        ("alias.example.org", "A", AnswerStatus.ANSWER, ("192.0.2.1",), "example.org"),
        ("www.example.org", "SRV", AnswerStatus.NODATA, (), "example.org"),
        ("dangling.example.org", "A", AnswerStatus.NXDOMAIN, (), "gone.example.org"),
        (
            "_autodiscover._tcp.example.org",
            "SRV",
            AnswerStatus.ANSWER,
            (SRV(0, 0, 443, "pro1.mail.ovh.net"),),
            "_autodiscover._tcp.example.org",
        ),
        ("null.example.org", "MX", AnswerStatus.ANSWER, (MX(0, ""),), "null.example.org"),
        ("empty.example.org", "A", AnswerStatus.NODATA, (), "empty.example.org"),
        ("below.example.org", "A", AnswerStatus.NODATA, (), "below.example.org"),
        ("org", "TXT", AnswerStatus.NODATA, (), "org"),
        ("x.deep.below.example.org", "A", AnswerStatus.NXDOMAIN, (), "x.deep.below.example.org"),
        ("missing.example.org", "A", AnswerStatus.NXDOMAIN, (), "missing.example.org"),
        (
            "1.2.0.192.in-addr.arpa",
            "PTR",
            AnswerStatus.ANSWER,
            ("host.example.org",),
            "1.2.0.192.in-addr.arpa",
        ),
        (
            "caa.example.org",
            "CAA",
            AnswerStatus.ANSWER,
            ('0 issue "ca.example"',),
            "caa.example.org",
        ),
        (
            "example.org",
            "TYPE15",
            AnswerStatus.ANSWER,
            (MX(10, "mx.example.net"), MX(20, "backup.example.net")),
            "example.org",
        ),
        ("example.org", "NOSUCHTYPE", AnswerStatus.NODATA, (), "example.org"),
        ("", "A", AnswerStatus.NXDOMAIN, (), ""),
    ],
)
def test_lookup_outcomes(
    name: str, rdtype: str, status: AnswerStatus, records: tuple[RData, ...], canonical: str
) -> None:
    """Each name and type gives its status, records and canonical name."""
    answer = source().lookup(name, rdtype)
    assert (status, records, canonical, None) == (
        answer.status,
        answer.records,
        answer.canonical_name,
        answer.cause,
    )
    assert Query(name, rdtype) == answer.query


@pytest.mark.parametrize(
    ("name", "rdtype", "cause", "canonical"),
    [
        ("slow.example.org", "TXT", FailureCause.TIMEOUT, "slow.example.org"),
        ("SLOW.example.org.", "A", FailureCause.TIMEOUT, "slow.example.org"),
        ("to-fail.example.org", "A", FailureCause.TIMEOUT, "slow.example.org"),
        ("example.org", "NS", FailureCause.SERVFAIL, "example.org"),
        ("loop1.example.org", "A", FailureCause.CNAME_LOOP, "loop2.example.org"),
        ("self.example.org", "TXT", FailureCause.CNAME_LOOP, "self.example.org"),
    ],
)
def test_failures(name: str, rdtype: str, cause: FailureCause, canonical: str) -> None:
    """Configured failures and CNAME loops answer FAILURE with their cause."""
    answer = source().lookup(name, rdtype)
    assert (AnswerStatus.FAILURE, cause, canonical, (), 0) == (
        answer.status,
        answer.cause,
        answer.canonical_name,
        answer.records,
        answer.ttl,
    )
    assert answer.detail


def test_example_org_other_types_do_not_fail() -> None:
    """A (name, type) failure leaves the other types of that name alone."""
    assert source().lookup("example.org", "A").status == AnswerStatus.ANSWER


def _chain(length: int) -> dict[str, dict[str, object]]:
    records: dict[str, dict[str, object]] = {
        f"c{i}.example": {"CNAME": f"c{i + 1}.example"} for i in range(length)
    }
    records[f"c{length}.example"] = {"A": "192.0.2.7"}
    return records


@pytest.mark.parametrize(
    ("length", "max_chain", "status"),
    [
        (16, 16, AnswerStatus.ANSWER),
        (17, 16, AnswerStatus.FAILURE),
        (2, 2, AnswerStatus.ANSWER),
        (3, 2, AnswerStatus.FAILURE),
        (0, 0, AnswerStatus.ANSWER),
        (1, 0, AnswerStatus.FAILURE),
    ],
)
def test_chain_limit(length: int, max_chain: int, status: AnswerStatus) -> None:
    """A chain of up to max_chain CNAMEs is followed; a longer one is a CNAME_LOOP failure."""
    answer = StaticSource(_chain(length), max_chain=max_chain).lookup("c0.example", "A")
    assert status == answer.status
    if status is AnswerStatus.FAILURE:
        assert answer.cause == FailureCause.CNAME_LOOP
    else:
        assert f"c{length}.example" == answer.canonical_name


@pytest.mark.parametrize(
    ("ttl", "name", "rdtype", "expected"),
    [
        (3600, "example.org", "A", 3600),
        (60, "example.org", "A", 60),
        (60, "www.example.org", "A", 60),
        (60, "missing.example.org", "A", 60),
        (60, "example.org", "SRV", 60),
        (60, "slow.example.org", "A", 0),
    ],
)
def test_ttl(ttl: int, name: str, rdtype: str, expected: int) -> None:
    """Records and negative answers carry the source's TTL; failures carry 0."""
    answer = StaticSource(RECORDS, failures=FAILURES, ttl=ttl).lookup(name, rdtype)
    assert expected == answer.ttl


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("www.example.org", AnswerStatus.ANSWER),
        ("example.org", AnswerStatus.NXDOMAIN),
        ("org", AnswerStatus.NXDOMAIN),
    ],
)
def test_without_empty_non_terminals(name: str, status: AnswerStatus) -> None:
    """With empty_non_terminals=False only the listed names exist."""
    src = StaticSource({"www.example.org": {"A": "192.0.2.1"}}, empty_non_terminals=False)
    assert status == src.lookup(name, "A").status


@pytest.mark.parametrize(
    ("values", "records"),
    [
        ("v=spf1 -all", (TXT((b"v=spf1 -all",)),)),
        (b"\xff\x00raw", (TXT((b"\xff\x00raw",)),)),
        ("", (TXT((b"",)),)),
        ("é", (TXT(("é".encode(),)),)),
        ("x" * 256, (TXT((b"x" * 255, b"x")),)),
        ("x" * 510, (TXT((b"x" * 255, b"x" * 255)),)),
        (("a", b"b"), (TXT((b"a", b"b")),)),
        ((), (TXT(()),)),
        (["one", "two"], (TXT((b"one",)), TXT((b"two",)))),
        ([("a", "b"), "c"], (TXT((b"a", b"b")), TXT((b"c",)))),
        (TXT((b"as", b"is")), (TXT((b"as", b"is")),)),
        ([], ()),
    ],
)
def test_txt_input_forms(values: object, records: tuple[RData, ...]) -> None:
    """TXT values: a str/bytes is one text cut at 255 octets, a tuple one record's strings."""
    src = StaticSource({"t.example": {"TXT": values}})
    answer = src.lookup("t.example", "TXT")
    expected = AnswerStatus.ANSWER if records else AnswerStatus.NODATA
    assert (expected, records) == (answer.status, answer.records)


@pytest.mark.parametrize(
    ("rdtype", "values", "records"),
    [
        ("MX", MX(5, "Mx.Example."), (MX(5, "mx.example"),)),
        ("MX", ["1 a.example", MX(2, "b.example")], (MX(1, "a.example"), MX(2, "b.example"))),
        ("SRV", SRV(1, 2, 3, "t.example."), (SRV(1, 2, 3, "t.example"),)),
        ("srv", "1 2 3 T.example", (SRV(1, 2, 3, "t.example"),)),
        ("NS", "NS1.example.", ("ns1.example",)),
        ("SPF", "v=spf1 ?all", (TXT((b"v=spf1 ?all",)),)),
        ("A", " 192.0.2.1 ", ("192.0.2.1",)),
        ("AAAA", "::0.1.0.0", ("::1:0",)),
        ("AAAA", "2001:0DB8:0000::0001", ("2001:db8::1",)),
        ("SOA", "ns.example. host.example. 1 2 3 4 5", ("ns.example. host.example. 1 2 3 4 5",)),
    ],
)
def test_other_input_forms(rdtype: str, values: object, records: tuple[RData, ...]) -> None:
    """MX, SRV and other types accept presentation text or our value classes."""
    answer = StaticSource({"t.example": {rdtype: values}}).lookup("t.example", rdtype)
    assert records == answer.records


def test_same_type_under_two_spellings_adds_up() -> None:
    """Two keys naming one type (MX, mx) add their records together."""
    src = StaticSource({"t.example": {"MX": "1 a.example", "mx": "2 b.example"}})
    assert (MX(1, "a.example"), MX(2, "b.example")) == src.lookup("t.example", "MX").records


def test_names_given_twice_merge() -> None:
    """Owner names that normalize to one name share a node."""
    src = StaticSource({"T.example.": {"A": "192.0.2.1"}, "t.example": {"AAAA": "::1"}})
    assert (
        src.lookup("t.example", "A").records[0],
        src.lookup("t.example", "AAAA").records[0],
    ) == ("192.0.2.1", "::1")


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ({"t.example": {"A": "not an address"}}, "cannot read 'not an address' as a A record"),
        ({"t.example": {"NOSUCHTYPE": "x"}}, "as a NOSUCHTYPE record"),
        ({"t.example": {"MX": "mx.example"}}, "as a MX record"),
        ({"t.example": {"TXT": ("x" * 256,)}}, "at most 255 octets"),
    ],
)
def test_bad_values_raise_source_data_error(
    records: dict[str, dict[str, object]], message: str
) -> None:
    """Unreadable values raise SourceDataError (an EmailProError and a ValueError)."""
    with pytest.raises(SourceDataError, match=message) as info:
        StaticSource(records)
    assert isinstance(info.value, EmailProError)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("records", "failures", "message"),
    [
        ([], None, "records must be a mapping, not list"),
        ({1: {"A": "192.0.2.1"}}, None, "an owner name must be a str, not int"),
        ({"t.example": ["192.0.2.1"]}, None, "must be a mapping of type to values, not list"),
        ({"t.example": {1: "x"}}, None, "a record type must be a str, not int"),
        ({"t.example": {"A": 1}}, None, "a A value must be a str"),
        ({"t.example": {"MX": ("1 a.", "2 b.")}}, None, "several records: a list"),
        ({"t.example": {"TXT": 5}}, None, "a TXT value must be"),
        ({"t.example": {"TXT": (5,)}}, None, "character-string must be a str or bytes, not int"),
        ({"t.example": {"TXT": [["a"]]}}, None, "a TXT value must be"),
        ({"t.example": {"A": MX(1, "a")}}, None, "an MX value cannot be a A record"),
        ({"t.example": {"MX": SRV(1, 2, 3, "a")}}, None, "an SRV value cannot be a MX record"),
        ({}, {"x.example": "timeout"}, "must be a FailureCause"),
        ({}, {("x.example",): FailureCause.TIMEOUT}, "a name or a \\(name, type\\) pair"),
        ({}, {1: FailureCause.TIMEOUT}, "a failing name must be a str, not int"),
        ({}, {("x.example", 1): FailureCause.TIMEOUT}, "a failing type must be a str, not int"),
    ],
)
def test_wrong_python_types_raise_type_error(
    records: object, failures: object, message: str
) -> None:
    """Inputs of the wrong Python type raise TypeError with a clear message."""
    with pytest.raises(TypeError, match=message):
        StaticSource(records, failures=failures)  # type: ignore[arg-type]


@pytest.mark.parametrize(("name", "rdtype"), [(1, "A"), ("x.example", None), (b"x", "A")])
def test_lookup_wants_str(name: object, rdtype: object) -> None:
    """A non-str name or type is a TypeError, not a DNS outcome."""
    with pytest.raises(TypeError, match="must be a str"):
        source().lookup(name, rdtype)  # type: ignore[arg-type]


def test_history_and_count() -> None:
    """Every lookup is counted and recorded, failures included."""
    src = source()
    src.lookup("example.org", "MX")
    src.lookup("slow.example.org", "A")
    asyncio.run(src.lookup_async("www.example.org", "TXT"))
    assert src.queries_sent == 3
    assert (
        Query("example.org", "MX"),
        Query("slow.example.org", "A"),
        Query("www.example.org", "TXT"),
    ) == src.history


def test_async_equals_sync() -> None:
    """lookup_async gives the answer lookup gives."""
    src = source()
    assert src.lookup("alias.example.org", "A") == asyncio.run(
        src.lookup_async("alias.example.org", "A")
    )


def test_drivers() -> None:
    """run_sync and run_async drive a resolution over a StaticSource."""

    def mx_of(name: str) -> Resolution[tuple[str, ...]]:
        answer: Answer = yield from lookup(name, "MX")
        return tuple(mx.exchange for mx in answer.records if isinstance(mx, MX))

    expected = ("mx.example.net", "backup.example.net")
    assert expected == run_sync(mx_of("www.example.org"), source())
    assert expected == asyncio.run(run_async(mx_of("www.example.org"), source()))


def test_names_and_repr() -> None:
    """names lists every existing name; repr counts them."""
    src = StaticSource({"a.b.example": {"A": "192.0.2.1"}})
    assert frozenset({"a.b.example", "b.example", "example"}) == src.names
    assert repr(src) == "<StaticSource: 3 names>"
