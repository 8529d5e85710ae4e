"""Examples of the checker's fast paths, each beside the general path it stands for.

The properties in ``tests/property/test_fastpaths_props.py`` compare the two paths
on generated inputs; the tables here pin the cases by name: which inputs take the
shortcut, and what they give.
"""

from __future__ import annotations

import pytest

from emailpro_core.checker._checks.base import Context
from emailpro_core.checker._checks.mx import check_mx
from emailpro_core.checker._findings import Check, Finding, Status
from emailpro_core.dkim import _der as dkim_der
from emailpro_core.records import _zonetext as zonetext
from emailpro_core.records import expected_records
from emailpro_core.records._profiles import OVH_EMAIL_PRO
from emailpro_core.records._setup import DkimSelector, DomainSetup
from emailpro_core.records._setup_rules import _fits
from emailpro_core.sources._answers import (
    MX,
    Answer,
    AnswerStatus,
    FailureCause,
    Query,
    RData,
    Resolution,
    gather,
    lookup,
    lookup_many,
    run_sync,
)
from emailpro_core.sources._memtable import (
    RRSet,
    Step,
    Table,
    answer_sync,
    direct_answerer,
    drive_sync,
    rdtype_key,
    walk,
)
from emailpro_core.sources._static import StaticSource
from emailpro_core.sources._zone import ZoneSource
from emailpro_core.spf._eval import _term
from emailpro_core.spf._result import SpfOutcome
from emailpro_core.spf._spf import check_host
from emailpro_core.spf._syntax import parse_spf
from emailpro_core.spf._terms import Mechanism


def _der(tag: int, content: bytes, count: int = 0) -> bytes:
    """A DER element, its length in ``count`` octets (0: the shortest form)."""
    size = len(content)
    if not count and size < 0x80:
        return bytes([tag, size]) + content
    count = count or (size.bit_length() + 7) // 8
    return bytes([tag, 0x80 | count]) + size.to_bytes(count, "big") + content


def _rsa(bits: int, *, null: bool = True, count: int = 0, spki: bool = True) -> bytes:
    """An RSA public key with a ``bits``-bit modulus, as SPKI or bare PKCS#1."""
    modulus = (1 << (bits - 1)) | 1
    integer = modulus.to_bytes(bits // 8 + 1, "big")  # a leading 0: the sign bit is clear
    key = _der(0x30, _der(0x02, integer, count) + _der(0x02, b"\x01\x00\x01"), count)
    if not spki:
        return key
    parameters = b"\x05\x00" if null else b""
    algorithm = _der(0x30, bytes.fromhex("06092a864886f70d010101") + parameters)
    return _der(0x30, algorithm + _der(0x03, b"\x00" + key, count), count)


@pytest.mark.parametrize(
    ("der", "bits", "usual"),
    [
        (_rsa(1024), 1024, True),
        (_rsa(2048), 2048, True),
        (_rsa(4096), 4096, True),
        (_rsa(2048, count=2), 2048, True),  # two-octet lengths everywhere
        (_rsa(512, count=1), 512, True),  # lengths in a long form one octet would not need
        (_rsa(2048, count=3), 2048, False),  # three-octet lengths: the walk reads them
        (_rsa(2048, null=False), 2048, False),  # no NULL parameters (RFC 3279 allows it)
        (_rsa(1024, spki=False), 1024, False),  # a bare PKCS#1 key
    ],
)
def test_rsa_key_sizes(der: bytes, bits: int, usual: bool) -> None:
    """The usual layout is read by positions; any other is walked; the size is the same."""
    assert (bits, bits) == (dkim_der.rsa_key_bits(der), dkim_der._walked_rsa_key_bits(der))
    assert (bits if usual else None) == dkim_der._usual_rsa_key_bits(der)


@pytest.mark.parametrize(
    ("der", "message"),
    [
        (b"", "truncated element"),
        (_rsa(2048)[:-1], "truncated content"),
        (_rsa(2048) + b"\x00", "not a single SEQUENCE"),
        (_rsa(2048).replace(b"\x03\x82\x01\x0f\x00", b"\x03\x82\x01\x0f\x01"), "unused bits"),
    ],
)
def test_broken_rsa_keys_are_walked(der: bytes, message: str) -> None:
    """A key the positions do not fit is walked, and the walk says what is wrong."""
    assert dkim_der._usual_rsa_key_bits(der) is None
    with pytest.raises(ValueError, match=message):
        dkim_der.rsa_key_bits(der)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("", '""'),
        ("v=spf1 -all", '"v=spf1 -all"'),
        ("a" * 256, '"' + "a" * 255 + '" "a"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("back\\slash", '"back\\\\slash"'),
        ("é", '"\\195\\169"'),
    ],
)
def test_txt_values_as_dnspython_writes_them(text: str, shown: str) -> None:
    """Plain text is written directly, anything else escaped; both as dnspython does."""
    general = " ".join(zonetext._quoted(string) for string in zonetext.split_txt(text))
    assert (shown, shown) == (zonetext._rdata_text.__wrapped__("TXT", text), general)


@pytest.mark.parametrize(
    ("name", "fits"),
    [
        ("example.org", True),
        ("", False),
        ("a..b", False),
        ("x." + "a" * 63, True),
        ("x." + "a" * 64, False),
        (".".join(["a" * 63] * 3) + "." + "a" * 61, True),
        (".".join(["a" * 63] * 3) + "." + "a" * 62, False),
        ("é" * 32, False),  # 64 octets in UTF-8: the general count
        ("é" * 31, True),
    ],
)
def test_names_that_fit(name: str, fits: bool) -> None:
    """ASCII names are measured by one match, others by their UTF-8 octets."""
    assert fits == _fits(name)


RECORDS: dict[str, dict[str, object]] = {
    "a.test": {"A": "192.0.2.1"},
    "one.test": {"CNAME": "a.test."},
    "two.test": {"CNAME": "one.test."},
    "self.test": {"CNAME": "self.test."},
    "away.test": {"CNAME": "gone.test."},
}


def _walked(source: StaticSource, name: str, rdtype: str) -> Answer:
    key = rdtype_key(rdtype)
    steps = walk(Query(name, rdtype), lambda at: source._step(at, key), max_chain=source._max_chain)
    return drive_sync(steps, None)


@pytest.mark.parametrize(
    ("name", "max_chain", "status", "canonical", "cause"),
    [
        ("a.test", 16, AnswerStatus.ANSWER, "a.test", None),  # the first step ends it
        ("one.test", 16, AnswerStatus.ANSWER, "a.test", None),  # one CNAME, inline
        ("two.test", 16, AnswerStatus.ANSWER, "a.test", None),  # two: the walk
        ("away.test", 16, AnswerStatus.NXDOMAIN, "gone.test", None),
        ("self.test", 16, AnswerStatus.FAILURE, "self.test", FailureCause.CNAME_LOOP),
        ("one.test", 0, AnswerStatus.FAILURE, "a.test", FailureCause.CNAME_LOOP),
        ("a.test", -1, AnswerStatus.FAILURE, "a.test", FailureCause.CNAME_LOOP),
        ("nope.test", 16, AnswerStatus.NXDOMAIN, "nope.test", None),
    ],
)
def test_static_lookups_are_the_walk(
    name: str, max_chain: int, status: AnswerStatus, canonical: str, cause: FailureCause | None
) -> None:
    """Every kind of chain gives the walk's answer, whichever path answers it."""
    source = StaticSource(RECORDS, max_chain=max_chain)
    answer = source.lookup(name, "A")
    assert (status, canonical, cause) == (answer.status, answer.canonical_name, answer.cause)
    assert _walked(source, name, "A") == answer


ZONE = """$ORIGIN z.test.
$TTL 3600
@ SOA ns h 1 2 3 4 300
@ NS ns
ns A 192.0.2.53
key 600 CNAME key.out.test.
hop 900 CNAME key
far 60 CNAME nowhere.out.test.
"""


@pytest.mark.parametrize(
    ("name", "status", "canonical", "ttl"),
    [
        ("key.out.test", AnswerStatus.ANSWER, "key.out.test", 120),  # outside: the fallback
        ("key.z.test", AnswerStatus.ANSWER, "key.out.test", 120),  # one CNAME out of the zone
        ("hop.z.test", AnswerStatus.ANSWER, "key.out.test", 120),  # two CNAMEs: the walk
        ("far.z.test", AnswerStatus.NXDOMAIN, "nowhere.out.test", 60),
        ("ns.z.test", AnswerStatus.NODATA, "ns.z.test", 300),
        ("nope.z.test", AnswerStatus.NXDOMAIN, "nope.z.test", 300),
    ],
)
def test_zone_lookups_with_a_fallback(
    name: str, status: AnswerStatus, canonical: str, ttl: int
) -> None:
    """Names outside the zone and CNAMEs out of it: the fallback's answer, the chain's TTL."""
    fallback = StaticSource({"key.out.test": {"TXT": "v=DKIM1; p="}}, ttl=120)
    source = ZoneSource.from_text(ZONE, fallback=fallback)
    answer = source.lookup(name, "TXT")
    assert (status, canonical, ttl) == (answer.status, answer.canonical_name, answer.ttl)
    key = rdtype_key("TXT")

    def step(at: str) -> Step:
        return source._step(at, key)

    general = drive_sync(walk(Query(name, "TXT"), step), fallback)
    assert general == answer == answer_sync(Query(name, "TXT"), step, fallback)


class Counting(StaticSource):
    """A source that counts its lookups: its own lookup must be the one called."""

    calls = 0

    def lookup(self, name: str, rdtype: str, /) -> Answer:
        """Count, then answer."""
        self.calls += 1
        return super().lookup(name, rdtype)


@pytest.mark.parametrize(
    ("source", "direct"),
    [
        (StaticSource({}), True),
        (ZoneSource.from_text(ZONE), True),
        (Counting({}), False),  # lookup overridden: always asked through it
        (object(), False),
    ],
)
def test_which_sources_get_questions_as_they_are(source: object, direct: bool) -> None:
    """Only the package's table sources, with their own lookup, skip rebuilding a Query."""
    assert direct == (direct_answerer(source) is not None)


def test_an_overridden_fallback_is_asked_through_its_lookup() -> None:
    """A fallback whose lookup is its own code is called through it, once per question."""
    fallback = Counting({"key.out.test": {"TXT": "v=DKIM1; p="}})
    source = ZoneSource.from_text(ZONE, fallback=fallback)
    statuses = [source.lookup(n, "TXT").status for n in ("key.out.test", "key.z.test")]
    assert ([AnswerStatus.ANSWER, AnswerStatus.ANSWER], 2) == (statuses, fallback.calls)


def test_table_record_sets() -> None:
    """A table keeps the record sets of each name, and none for a name without records."""
    rrset = RRSet(("192.0.2.1",), 60)
    table = Table({"a.test": {"A": rrset}})
    assert ({"A": rrset}, {}) == (dict(table.rrsets("a.test")), dict(table.rrsets("b.test")))


@pytest.mark.parametrize(
    ("text", "term", "outcome", "literal", "target"),
    [
        ("include:mx.ovh.com", "include:mx.ovh.com", SpfOutcome.PASS, True, "mx.ovh.com"),
        (
            "~mx:Mail.Example.COM.",
            "~mx:Mail.Example.COM.",
            SpfOutcome.SOFTFAIL,
            True,
            "mail.example.com",
        ),
        ("-a:%{d}", "-a:%{d}", SpfOutcome.FAIL, False, None),
        (
            "?exists:%%.example.org",
            "?exists:%%.example.org",
            SpfOutcome.NEUTRAL,
            True,
            "%.example.org",
        ),
        ("+a:a..b", "a:a..b", SpfOutcome.PASS, True, None),  # a name no query can be made for
        ("ip4:192.0.2.0/24", "ip4:192.0.2.0/24", SpfOutcome.PASS, False, None),
    ],
)
def test_mechanism_facts(
    text: str, term: str, outcome: SpfOutcome, literal: bool, target: str | None
) -> None:
    """What evaluating a mechanism needs of it alone: text, outcome, literal target."""
    record = parse_spf(f"v=spf1 {text}").record
    assert record is not None
    (mechanism,) = record.terms
    assert isinstance(mechanism, Mechanism)
    assert (term, outcome, literal, target) == _term(mechanism)


def _twice(name: str) -> Resolution[object]:
    first = yield from lookup(name, "TXT")
    second = yield from lookup_many(Query(name, "TXT"), Query("other.test", "A"))
    return first.query, tuple(a.query for a in second)


def test_gather_asks_each_question_once() -> None:
    """Equal questions (different Query values) are asked once; known ones never again."""
    asked: list[tuple[str, ...]] = []

    class Source:
        def lookup(self, name: str, rdtype: str) -> Answer:
            asked.append((name, rdtype))
            return Answer(Query(name, rdtype), AnswerStatus.NODATA)

    results = run_sync(gather([_twice("A.test."), _twice("a.test")]), Source())
    assert [("a.test", "TXT"), ("other.test", "A")] == asked
    assert [results[0], results[0]] == results


MX_SET = tuple(OVH_EMAIL_PRO.mx)


@pytest.mark.parametrize(
    "records",
    [
        MX_SET,
        tuple(reversed(MX_SET)),
        MX_SET + MX_SET[:2],  # repeated records count once
        (MX(5, "MX1.mail.ovh.net"), *MX_SET),  # names are compared normalized
    ],
)
def test_exactly_the_provider_mx_set(records: tuple[RData, ...]) -> None:
    """Exactly the provider's MX set, in any order: one mx.ok, records shown as found."""
    setup = DomainSetup("example.org", server_number=1)
    ctx = Context(setup, OVH_EMAIL_PRO, expected_records(setup))
    answer = Answer(Query("example.org", "MX"), AnswerStatus.ANSWER, records, 3600)
    resolution = check_mx(ctx)
    assert (Query("example.org", "MX"),) == next(resolution)
    with pytest.raises(StopIteration) as done:
        resolution.send((answer,))
    found = tuple(dict.fromkeys(records))
    expected = ctx.expected(Check.MX)
    assert (
        Finding(
            Check.MX,
            Status.OK,
            "mx.ok",
            "example.org. sends its mail to the provider's MX hosts",
            "example.org.",
            expected=ctx.lines(expected),
            observed=ctx.observed(answer, found),
        ),
    ) == done.value.value


@pytest.mark.parametrize(
    ("managed", "token", "selectors", "counts"),
    [
        (False, "ab1cd", 2, {"mx": 5, "spf": 1, "autodiscover": 1, "ownership": 1, "dkim": 2}),
        (True, "ab1cd", 1, {"mx": 5, "spf": 1, "autodiscover": 1, "ownership": 0, "dkim": 1}),
        (False, None, 0, {"mx": 5, "spf": 1, "autodiscover": 1, "ownership": 0, "dkim": 0}),
    ],
)
def test_expected_records_by_check(
    managed: bool, token: str | None, selectors: int, counts: dict[str, int]
) -> None:
    """The records of each check, sorted out once, are those RecordSet.for_check lists."""
    setup = DomainSetup(
        "example.org",
        server_number=1,
        managed_in_account=managed,
        ownership_token=token,
        dkim_selectors=tuple(DkimSelector(f"ovhemp1-selector{n}") for n in range(1, selectors + 1)),
    )
    records = expected_records(setup)
    ctx = Context(setup, OVH_EMAIL_PRO, records)
    assert {**counts, "domain": 0, "dmarc": 1, "relay": 0} == {
        c.value: len(ctx.expected(c)) for c in Check
    }
    assert all(records.for_check(c.value) == ctx.expected(c) for c in Check)


@pytest.mark.parametrize(
    ("record", "code", "where"),
    [
        ("v=spf1 include:a..b -all", "spf.include_none", "include:a..b: "),
        ("v=spf1 redirect=a..b", "spf.redirect_none", "redirect=a..b: "),
        ("v=spf1 include:bad.test -all", "spf.unknown_mechanism", "include:bad.test in d.test: "),
        ("v=spf1 redirect=bad.test", "spf.unknown_mechanism", "redirect=bad.test in d.test: "),
    ],
)
def test_include_and_redirect_targets(record: str, code: str, where: str) -> None:
    """Targets no query can be made for, and broken targets: the error says where it arose."""
    source = StaticSource({"d.test": {"TXT": record}, "bad.test": {"TXT": "v=spf1 bogus"}})
    result = check_host("192.0.2.1", "d.test", "me@d.test", source)
    assert (SpfOutcome.PERMERROR, code, where) == (
        result.result,
        result.code,
        result.detail[: len(where)],
    )
