"""The checker's fast paths give exactly what the general paths they stand for give.

Each shortcut for the common case is compared here with the general path: a
lookup answered without the CNAME walk's generator, a question handed to a
table source as it is, an RSA key read by positions, a plain TXT value written
directly, an ASCII name measured by one match, what an SPF mechanism needs
worked out once, the side-by-side driver keyed by (name, type), the expected
records sorted by check once, and the values remembered per text or per profile.
"""

from __future__ import annotations

import asyncio
import copy
import ipaddress
import pickle
from collections.abc import Callable, Sequence
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import any_text

from emailpro_core.checker._checks.base import Context
from emailpro_core.checker._checks.srv import _service_host
from emailpro_core.checker._findings import Check
from emailpro_core.dkim import _der as dkim_der
from emailpro_core.dmarc import _dmarc as dmarc
from emailpro_core.records import _zonetext as zonetext
from emailpro_core.records import expected_records
from emailpro_core.records._profiles import OVH_EMAIL_PRO
from emailpro_core.records._setup import DkimSelector, DomainSetup
from emailpro_core.records._setup_rules import _fits
from emailpro_core.sources._answers import (
    MX,
    Answer,
    AnswerStatus,
    Batch,
    Query,
    Resolution,
    gather,
    lookup_many,
)
from emailpro_core.sources._memtable import direct_answerer, drive_sync, rdtype_key, walk
from emailpro_core.sources._static import StaticSource
from emailpro_core.sources._zone import ZoneSource
from emailpro_core.spf import _spf as spf
from emailpro_core.spf._eval import _term
from emailpro_core.spf._macros import MacroContext, expand_with, is_literal, target_name
from emailpro_core.spf._syntax import parse_spf
from emailpro_core.spf._terms import Mechanism

TYPES = ("A", "TXT", "MX", "CNAME")
LABELS = ("a", "b", "c", "d", "*")
# Names outside the zone, some of which the fallback knows.
OUTSIDE = ("p.out.test", "q.out.test", "r.out.test")


@st.composite
def zone_cases(draw: st.DrawFn) -> tuple[ZoneSource, list[tuple[str, str]]]:
    """A zone with CNAME chains inside, out of it and into loops; a fallback; questions."""
    inside = [f"{label}.z.test" for label in LABELS] + ["x.a.z.test", "z.test"]
    targets = st.sampled_from([*inside, *OUTSIDE, "missing.z.test"])
    lines = ["$ORIGIN z.test.", "$TTL 300", "@ SOA ns.z.test. h.z.test. 1 2 3 4 60", "@ NS ns"]
    owners = draw(st.lists(st.sampled_from(inside), unique=True, max_size=6))
    for owner in owners:
        ttl = draw(st.sampled_from([60, 300, 3600]))
        if owner != "z.test" and draw(st.booleans()):
            lines.append(f"{owner}. {ttl} CNAME {draw(targets)}.")
            continue
        for rdtype in draw(st.lists(st.sampled_from(TYPES[:3]), unique=True, max_size=2)):
            value = {"A": "192.0.2.1", "TXT": '"v=spf1 -all"', "MX": "10 mx.out.test."}[rdtype]
            lines.append(f"{owner}. {ttl} {rdtype} {value}")
    fallback: dict[str, dict[str, object]] = {}
    for name in draw(st.lists(st.sampled_from(OUTSIDE), unique=True, max_size=3)):
        if draw(st.booleans()):
            fallback[name] = {"CNAME": draw(targets) + "."}
        else:
            fallback[name] = {"TXT": "v=spf1 ip4:198.51.100.0/24 -all", "A": "198.51.100.7"}
    source = ZoneSource.from_text(
        "\n".join(lines) + "\n",
        fallback=StaticSource(fallback, ttl=draw(st.sampled_from([30, 3600]))),
        max_chain=draw(st.sampled_from([-1, 0, 1, 2, 16])),
    )
    names = st.sampled_from([*inside, *OUTSIDE, "missing.z.test", "other.test"])
    questions = draw(st.lists(st.tuples(names, st.sampled_from(TYPES)), min_size=1, max_size=6))
    return source, questions


def walked(source: ZoneSource, name: str, rdtype: str) -> Answer:
    """The general path: the CNAME walk, step by step, driven with the fallback."""
    key = rdtype_key(rdtype)
    steps = walk(
        Query(name, rdtype),
        lambda at: source._step(at, key),
        max_chain=source._max_chain,
    )
    return drive_sync(steps, source._fallback)


@settings(max_examples=150)
@given(zone_cases())
def test_zone_lookup_is_the_walk(case: tuple[ZoneSource, list[tuple[str, str]]]) -> None:
    """lookup (first-step answers, one CNAME inline) == the walk == lookup_async."""
    source, questions = case
    for name, rdtype in questions:
        answer = source.lookup(name, rdtype)
        assert walked(source, name, rdtype) == answer
        assert asyncio.run(source.lookup_async(name, rdtype)) == answer


@settings(max_examples=75)
@given(zone_cases())
def test_direct_answer_is_lookup(case: tuple[ZoneSource, list[tuple[str, str]]]) -> None:
    """A Query handed to a table source as it is gets what lookup(name, type) gets."""
    source, questions = case
    direct = direct_answerer(source)
    assert direct is not None
    for name, rdtype in questions:
        before = source.queries_sent
        assert source.lookup(name, rdtype) == direct(Query(name, rdtype))
        assert before + 2 == source.queries_sent


@given(any_text(), any_text(max_size=8))
def test_a_query_rebuilt_from_its_fields_is_equal(name: str, rdtype: str) -> None:
    """Normalizing is idempotent: handing a Query over as it is asks the same question."""
    query = Query(name, rdtype)
    assert query == Query(query.name, query.rdtype)


@settings(max_examples=75)
@given(zone_cases())
def test_no_wildcard_search_without_wildcards(
    case: tuple[ZoneSource, list[tuple[str, str]]],
) -> None:
    """Skipping the wildcard search in a zone without wildcards changes no answer."""
    source, questions = case
    searching = copy.copy(source)
    searching._has_wildcards = True
    for name, rdtype in questions:
        assert searching.lookup(name, rdtype) == source.lookup(name, rdtype)


def _der(tag: int, content: bytes, form: int) -> bytes:
    """A DER element; ``form`` picks the length encoding (0 minimal, 1..3 long forms)."""
    size = len(content)
    if form == 0 and size < 0x80:
        return bytes([tag, size]) + content
    count = max(form, (size.bit_length() + 7) // 8, 1)
    return bytes([tag, 0x80 | count]) + size.to_bytes(count, "big") + content


@st.composite
def rsa_keys(draw: st.DrawFn) -> bytes:
    """RSA keys as DKIM records carry them, laid out every way, some of them broken."""
    forms = st.integers(0, 3)
    modulus = draw(st.binary(max_size=300))
    exponent = draw(st.sampled_from([b"\x01\x00\x01", b"\x03", b"", b"\x00", b"\x80"]))
    key = _der(0x02, modulus, draw(forms)) + _der(0x02, exponent, draw(forms))
    rsa = _der(0x30, key + draw(st.sampled_from([b"", b"\x02\x01\x01"])), draw(forms))
    null = draw(st.sampled_from([b"\x05\x00", b"", b"\x05\x01\x00"]))
    oid = draw(st.sampled_from(["2a864886f70d010101", "2a864886f70d010105"]))
    algorithm = _der(0x30, bytes.fromhex("0609" + oid) + null, draw(forms))
    unused = draw(st.sampled_from([b"\x00", b"\x01"]))
    spki = _der(0x30, algorithm + _der(0x03, unused + rsa, draw(forms)), draw(forms))
    der = draw(st.sampled_from([spki, rsa]))
    if draw(st.booleans()) and der:
        spot = draw(st.integers(0, len(der) - 1))
        der = der[:spot] + bytes([draw(st.integers(0, 255))]) + der[spot + 1 :]
    return der[: draw(st.integers(0, len(der)))] if draw(st.booleans()) else der


def _outcome(read: Callable[[bytes], int], der: bytes) -> tuple[int | None, str | None]:
    try:
        return read(der), None
    except ValueError as error:
        return None, str(error)


@settings(max_examples=300)
@given(rsa_keys())
def test_usual_rsa_key_is_the_walk(der: bytes) -> None:
    """Read by positions, a key has the size the element-by-element walk finds, or it errs alike."""
    usual = dkim_der._usual_rsa_key_bits(der)
    walked = _outcome(dkim_der._walked_rsa_key_bits, der)
    if usual is not None:
        assert (usual, None) == walked
    assert walked == _outcome(dkim_der.rsa_key_bits, der)


@settings(max_examples=200)
@given(
    st.one_of(
        any_text(max_size=600),
        st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=800),
    )
)
def test_plain_txt_rendering_is_dnspython_form(text: str) -> None:
    """A plain TXT value written directly reads as its character-strings, quoted."""
    general = " ".join(zonetext._quoted(string) for string in zonetext.split_txt(text))
    assert general == zonetext._rdata_text.__wrapped__("TXT", text)


@given(st.one_of(any_text(max_size=300), st.from_regex(r"[a-z0-9.-]{0,300}", fullmatch=True)))
def test_ascii_names_fit_by_octets(name: str) -> None:
    """The one-match test of an ASCII name is the octet count of RFC 1035 §2.3.4."""
    encoded = name.encode("utf-8", "surrogatepass")
    by_octets = len(encoded) <= 253 and all(0 < len(label) <= 63 for label in encoded.split(b"."))
    assert by_octets == _fits(name)


_SPECS = st.sampled_from(
    ["mx.ovh.com", "Mail.Example.COM.", "a..b", "%{d}", "%{l}.x.%{d}", "x" * 70 + ".org", "%%.a"]
)


@given(
    st.lists(
        st.tuples(st.sampled_from(["", "+", "-", "~", "?"]), _SPECS),
        min_size=1,
        max_size=4,
    ),
    st.sampled_from(["include", "a", "mx", "exists", "ptr"]),
    st.sampled_from(["example.org", "d.test"]),
)
def test_mechanism_facts_are_the_mechanism(
    terms: list[tuple[str, str]], kind: str, domain: str
) -> None:
    """Text, outcome and literal target, worked out once, are what evaluation works out."""
    parsed = parse_spf(" ".join(["v=spf1", *(f"{q}{kind}:{spec}" for q, spec in terms)]))
    assert parsed.record is not None
    context = MacroContext.create(ipaddress.ip_address("192.0.2.1"), domain, f"me@{domain}")
    for mechanism in parsed.record.terms:
        assert isinstance(mechanism, Mechanism)
        spec = mechanism.domain
        assert spec is not None
        text, outcome, literal, target = _term(mechanism)
        assert (mechanism.to_text(), mechanism.qualifier.value) == (
            text,
            {"pass": "+", "fail": "-", "softfail": "~", "neutral": "?"}[outcome.value],
        )
        assert is_literal(spec) == literal
        if literal:
            assert target_name(expand_with(spec, context)) == target


def reference_gather(resolutions: Sequence[Resolution[Any]]) -> Resolution[list[Any]]:
    """The gather the checker had before its (name, type) keys: the reading to match."""
    done: dict[int, Any] = {}
    waiting: dict[int, tuple[Resolution[Any], Batch]] = {}
    known: dict[Query, Answer] = {}

    def advance(index: int, resolution: Resolution[Any], answers: Any) -> None:
        try:
            batch = next(resolution) if answers is None else resolution.send(answers)
        except StopIteration as stop:
            done[index] = stop.value
        else:
            waiting[index] = (resolution, batch)

    try:
        for index, resolution in enumerate(resolutions):
            advance(index, resolution, None)
        while waiting:
            wanted = {q: None for _, batch in waiting.values() for q in batch if q not in known}
            if wanted:
                asked = tuple(wanted)
                known.update(zip(asked, (yield asked), strict=True))
            for index, (resolution, batch) in list(waiting.items()):
                del waiting[index]
                advance(index, resolution, tuple(map(known.__getitem__, batch)))
    finally:
        for resolution, _ in waiting.values():
            resolution.close()
    return [done[index] for index in range(len(resolutions))]


Rounds = list[list[tuple[str, str]]]


def _asking(rounds: Rounds) -> Resolution[list[str]]:
    seen = []
    for questions in rounds:
        # New Query values each time: equal questions are rarely the same object.
        answers = yield from lookup_many(*(Query(name, rdtype) for name, rdtype in questions))
        seen += [f"{a.query.name}/{a.query.rdtype}/{a.ttl}" for a in answers]
    return seen


def _drive(run: Resolution[Any], answer: Callable[[Query], Answer]) -> tuple[list[Batch], Any]:
    batches: list[Batch] = []
    try:
        batch = next(run)
        while True:
            batches.append(batch)
            batch = run.send(tuple(answer(query) for query in batch))
    except StopIteration as stop:
        return batches, stop.value


_QUESTIONS = st.tuples(st.sampled_from(["a.test", "B.test.", "c.test"]), st.sampled_from(TYPES))


@given(st.lists(st.lists(st.lists(_QUESTIONS, max_size=3), max_size=3), max_size=4))
def test_gather_asks_and_answers_as_before(plans: list[Rounds]) -> None:
    """Rounds, batches and results of gather are the reference's, question for question."""
    counter = iter(range(1000))

    def answer(query: Query) -> Answer:
        return Answer(query, AnswerStatus.NODATA, ttl=next(counter))

    expected = _drive(reference_gather([_asking(plan) for plan in plans]), answer)
    counter = iter(range(1000))
    assert expected == _drive(gather([_asking(plan) for plan in plans]), answer)


_SELECTOR = st.builds(
    lambda number, which, target: DkimSelector(
        f"ovhemp{number}-selector{which}",
        None if not target else f"ovhemp{number}-selector{which}._domainkey.1.ab.dkim.mail.ovh.net",
    ),
    st.integers(1, 99),
    st.sampled_from([1, 2]),
    st.booleans(),
)


@given(
    st.one_of(st.none(), st.integers(1, 99)),
    st.booleans(),
    st.one_of(st.none(), st.from_regex("[a-z0-9]{1,8}", fullmatch=True)),
    st.lists(_SELECTOR, max_size=2, unique_by=lambda s: s.name),
)
def test_expected_by_check_is_for_check(
    server: int | None, managed: bool, token: str | None, selectors: list[DkimSelector]
) -> None:
    """The records a check expects, sorted out once, are RecordSet.for_check's."""
    setup = DomainSetup(
        "example.org",
        server_number=server,
        managed_in_account=managed,
        ownership_token=token,
        dkim_selectors=tuple(selectors),
    )
    records = expected_records(setup)
    context = Context(setup, OVH_EMAIL_PRO, records)
    for check in (*Check, *Check):  # asked again, from what was sorted out
        assert records.for_check(check.value) == context.expected(check)


@given(any_text(max_size=120))
def test_remembered_dmarc_is_parsed_dmarc(text: str) -> None:
    """A DMARC record read from memory is the one parsed now, str subclasses included."""

    class Text(str):
        """A str subclass: parsed, never remembered."""

    parsed = dmarc._parse(text)
    assert parsed == dmarc.parse_dmarc(text) == dmarc.parse_dmarc(text)
    assert parsed == dmarc.parse_dmarc(Text(text))


@given(st.one_of(any_text(max_size=40), st.sampled_from(["d.test", "D.Test.", "a", "1.2.3.4"])))
def test_remembered_initial_domain(domain: str) -> None:
    """The SPF domain check remembered per text is the check made now."""
    assert spf._check_domain(domain) == spf._initial_domain(domain) == spf._initial_domain(domain)


@given(st.integers(1, 10**6))
def test_remembered_service_host(number: int) -> None:
    """The service host remembered per number is the profile's."""
    assert OVH_EMAIL_PRO.server_host(number) == _service_host(OVH_EMAIL_PRO, number)


@given(st.integers(0, 65535), st.from_regex("[a-z]{1,8}(\\.[a-z]{1,8}){1,2}", fullmatch=True))
def test_remembered_hashes_survive_pickling(preference: int, host: str) -> None:
    """Values whose hash is made once hash and compare as before, also once unpickled."""
    mechanism = parse_spf(f"v=spf1 include:{host}").record
    assert mechanism is not None
    for value in (MX(preference, host), OVH_EMAIL_PRO, mechanism.terms[0]):
        copy = pickle.loads(pickle.dumps(value))
        assert (value, hash(value)) == (copy, hash(copy))
