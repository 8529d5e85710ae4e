"""The DNS wire codec: ``encode_query`` and ``decode_answer`` against dnspython's.

Run: ``/tmp/benchenv/bin/python benchmarks/bench_wire.py`` (``--count``, ``--repeat``).

The answers are the ones a diagnosis meets, built by dnspython as a server sends
them (names compressed): MX with one and five records, an apex TXT set with SPF,
an SRV, a CNAME chain ending at a TXT the size of a 2048-bit DKIM key, an
NXDOMAIN and a no-data answer with the zone's SOA in the authority section.
Each kind is built for ``--count`` distinct domains, so that no question or
name repeats, as in a bulk run. Per kind:

* **decode**: ``decode_answer(wire, query, qid)`` over the ``--count`` answers,
  each question having been encoded before the timing starts (a stub source
  encodes the question it sends, then decodes the reply); against
  ``dns.message.from_wire(wire)`` (a full message);
* **round trip**: ``encode_query`` then ``decode_answer``, per domain, from cold
  caches: what one question costs a stub source; against
  ``make_query(name, rdtype, use_edns=0, payload=1232).to_wire()`` then
  ``from_wire``;
* **objects**: building the same :class:`Answer` and records from their values,
  which any decoder into these types pays: the part of the time that is not
  the codec's;
* with ``--before``, the codec as it was before it was made faster (the frozen
  copy in ``tests/property/wire_oracle.py``), timed in the same run.

``encode_query`` alone is timed over distinct questions of the kinds a
diagnosis asks (a first encoding: nothing remembered).
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

import attrs
import dns.flags
import dns.message
import dns.rcode
import dns.rrset
from harness import ROOT, Result, add_common_options, clear_caches, print_environment, save_results

from emailpro_core.sources._answers import MX, SRV, TXT, Answer, AnswerStatus, Query, RData
from emailpro_core.sources._wire.codec import EDNS_PAYLOAD, decode_answer, encode_query

QID = 0x2B2B
Decode = Callable[[bytes, Query, int], tuple[Answer, str | None]]
Encode = Callable[..., bytes]
Answer_ = list[tuple[str, str, list[str]]]

# A 2048-bit RSA key in base64 is 392 characters: with the tags, a DKIM record
# is two character-strings (RFC 6376 §3.6.2.2 splits it at 255 octets).
_DKIM = "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA" + "x" * 336 + "IDAQAB"
_SPF = ['"v=spf1 include:mx.ovh.com ~all"', '"google-site-verification=0123456789abcdefABCDEFG"']
KINDS = (
    "MX, 1 record",
    "MX, 5 records",
    "apex TXT with SPF",
    "SRV",
    "CNAME chain to DKIM TXT",
    "NXDOMAIN + SOA",
    "NODATA + SOA",
)


@dataclass(frozen=True)
class Case:
    """One answer to decode: its question and its wire form."""

    query: Query
    wire: bytes


def _response(
    query: Query,
    answer: Answer_ = [],  # noqa: B006 - never changed
    *,
    rcode: dns.rcode.Rcode = dns.rcode.NOERROR,
    soa_zone: str | None = None,
) -> Case:
    request = dns.message.make_query(query.name, query.rdtype, use_edns=0, payload=EDNS_PAYLOAD)
    request.id = QID
    response = dns.message.make_response(request)
    response.flags |= dns.flags.RA
    response.set_rcode(rcode)
    for owner, rtype, values in answer:
        response.answer.append(dns.rrset.from_text(owner, 3600, "IN", rtype, *values))
    if soa_zone is not None:
        soa = "dns1.registrar.example. tech.registrar.example. 2024010101 10800 3600 604800 300"
        response.authority.append(dns.rrset.from_text(soa_zone, 3600, "IN", "SOA", soa))
    wire: bytes = response.to_wire(want_shuffle=False)
    return Case(query, wire)


def case(kind: str, apex: str) -> Case:
    """The answer of ``kind`` for the domain ``apex``, built by dnspython."""
    if kind == "MX, 1 record":
        return _response(Query(apex, "MX"), [(apex + ".", "MX", ["1 mx0.mail.ovh.net."])])
    if kind == "MX, 5 records":
        mx5 = [f"{10 * i} mx{i}.mail.ovh.net." for i in range(1, 6)]
        return _response(Query(apex, "MX"), [(apex + ".", "MX", mx5)])
    if kind == "apex TXT with SPF":
        return _response(Query(apex, "TXT"), [(apex + ".", "TXT", _SPF)])
    if kind == "SRV":
        srv = f"_autodiscover._tcp.{apex}"
        return _response(Query(srv, "SRV"), [(srv + ".", "SRV", ["0 0 443 pro1.mail.ovh.net."])])
    if kind == "CNAME chain to DKIM TXT":
        dkim = f"ovhex123456-selector1._domainkey.{apex}"
        middle = f"ovhex123456-selector1._domainkey.{apex}.dkim.ovh."
        key = "selector1._domainkey.mail.ovh.net."
        chain = [
            (dkim + ".", "CNAME", [middle]),
            (middle, "CNAME", [key]),
            (key, "TXT", [f'"{_DKIM[:255]}" "{_DKIM[255:]}"']),
        ]
        return _response(Query(dkim, "TXT"), chain)
    if kind == "NXDOMAIN + SOA":
        return _response(
            Query(f"_dmarc.{apex}", "TXT"), rcode=dns.rcode.NXDOMAIN, soa_zone=apex + "."
        )
    assert kind == "NODATA + SOA"
    return _response(Query(f"www.{apex}", "MX"), soa_zone=apex + ".")


def questions(count: int) -> list[tuple[str, str]]:
    """``count`` distinct questions of the kinds a diagnosis asks."""
    kinds = (
        ("", "MX"),
        ("", "TXT"),
        ("_dmarc.", "TXT"),
        ("_autodiscover._tcp.", "SRV"),
        ("ovhex123456-selector1._domainkey.", "CNAME"),
    )
    out = []
    for i in range(count):
        prefix, rdtype = kinds[i % len(kinds)]
        out.append((f"{prefix}domain-{i // len(kinds)}.example{i % 7}.fr", rdtype))
    return out


def _load_before() -> tuple[Encode, Decode]:
    path = ROOT / "tests" / "property" / "wire_oracle.py"
    spec = importlib.util.spec_from_file_location("wire_oracle", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return cast(Encode, module.encode_query), cast(Decode, module.decode_answer)


def timed(
    name: str,
    items: int,
    run: Callable[[], object],
    *,
    repeat: int,
    prepare: Callable[[], object] | None = None,
) -> Result:
    """Like ``harness.measure``, but ``prepare()`` runs after the caches are cleared."""
    seconds = []
    for _ in range(repeat):
        clear_caches()
        if prepare is not None:
            prepare()
        gc.collect()
        start = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - start)
    result = Result(name, items, tuple(seconds))
    print(f"  {name}: {result.per_item_us:.2f} µs each", file=sys.stderr, flush=True)
    return result


def _decoding(decode: Decode, cases: Sequence[Case]) -> Callable[[], None]:
    def run() -> None:
        for case in cases:
            decode(case.wire, case.query, QID)

    return run


def _round_trips(encode: Encode, decode: Decode, cases: Sequence[Case]) -> Callable[[], None]:
    def run() -> None:
        for case in cases:
            query = case.query
            encode(QID, query.name, query.rdtype)
            decode(case.wire, query, QID)

    return run


def _encoding(encode: Encode, cases: Sequence[Case]) -> Callable[[], None]:
    def run() -> None:
        for case in cases:
            encode(QID, case.query.name, case.query.rdtype)

    return run


def _dnspython_decoding(cases: Sequence[Case]) -> Callable[[], None]:
    from_wire = dns.message.from_wire

    def run() -> None:
        for case in cases:
            from_wire(case.wire)

    return run


def _dnspython_round_trips(cases: Sequence[Case]) -> Callable[[], None]:
    make_query, from_wire = dns.message.make_query, dns.message.from_wire

    def run() -> None:
        for case in cases:
            query = case.query
            make_query(query.name, query.rdtype, use_edns=0, payload=EDNS_PAYLOAD).to_wire()
            from_wire(case.wire)

    return run


def _constructor(record: RData) -> tuple[Callable[..., RData], tuple[object, ...]]:
    if isinstance(record, MX):
        return MX, (record.preference, record.exchange)
    if isinstance(record, SRV):
        return SRV, (record.priority, record.weight, record.port, record.target)
    if isinstance(record, TXT):
        return TXT, (record.strings,)
    return str, (record,)


def _objects(answers: Sequence[Answer]) -> Callable[[], None]:
    # The constructors a decoder into these types calls, with the values ready.
    calls = [(a, [_constructor(r) for r in a.records]) for a in answers]

    def run() -> None:
        for a, records in calls:
            values = tuple([make(*args) for make, args in records])
            Answer(a.query, a.status, values, a.ttl, a.canonical_name)

    return run


def _check(cases: Sequence[Case], before: Decode | None) -> list[Answer]:
    answers = []
    for case in cases:
        answer, chase = decode_answer(case.wire, case.query, QID)
        assert chase is None
        assert answer.status is not AnswerStatus.FAILURE, answer
        if before is not None:
            assert before(case.wire, case.query, QID) == (answer, chase)
        assert attrs.evolve(answer) == answer
        answers.append(answer)
    return answers


def _us(result: Result | None) -> str:
    return "–" if result is None else f"{result.per_item_us:.1f}"


def _ratio(slow: Result | None, fast: Result) -> str:
    return "–" if slow is None else f"{slow.median / fast.median:.2f}×"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the wire benchmark; print one table (µs per operation and ratios)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="domains per kind of answer")
    parser.add_argument(
        "--before",
        action="store_true",
        help="also time the codec as it was (tests/property/wire_oracle.py)",
    )
    add_common_options(parser)
    args = parser.parse_args(argv)
    count, repeat = args.count, args.repeat
    old_encode, old_decode = _load_before() if args.before else (None, None)

    names = questions(count)
    for qid, (name, rdtype) in enumerate(names[:50]):
        theirs = dns.message.make_query(name, rdtype, use_edns=0, payload=EDNS_PAYLOAD)
        theirs.id = qid
        assert encode_query(qid, name, rdtype) == theirs.to_wire(), name
        assert old_encode is None or old_encode(qid, name, rdtype) == theirs.to_wire()

    print(f"# Wire codec: {count:,} domains per kind, median of {repeat}\n")
    print_environment()
    results: list[Result] = []
    questions_as_cases = [Case(Query(name, rdtype), b"") for name, rdtype in names]
    ours = timed("encode_query", count, _encoding(encode_query, questions_as_cases), repeat=repeat)
    make_query = dns.message.make_query
    peer = timed(
        "dnspython make_query().to_wire()",
        count,
        lambda: [make_query(n, t, use_edns=0, payload=EDNS_PAYLOAD).to_wire() for n, t in names],
        repeat=repeat,
    )
    before = None
    if old_encode is not None:
        before = timed(
            "before encode_query", count, _encoding(old_encode, questions_as_cases), repeat=repeat
        )
    results += [r for r in (ours, peer, before) if r is not None]
    encode_row = (
        f"| encode_query | {_us(ours)} | {_us(before)} | {_ratio(before, ours)} | "
        f"{_us(peer)} | {_ratio(peer, ours)} |"
    )

    rows = []
    for kind in KINDS:
        cases = [case(kind, f"shop-{i}.example{i % 7}.fr") for i in range(count)]
        answers = _check(cases, old_decode)
        size = sum(len(c.wire) for c in cases) // count
        label = f"{kind} ({size} B)"
        encode_all = _encoding(encode_query, cases)
        got = {
            "decode": timed(
                f"decode {label}",
                count,
                _decoding(decode_answer, cases),
                repeat=repeat,
                prepare=encode_all,
            ),
            "trip": timed(
                f"round trip {label}",
                count,
                _round_trips(encode_query, decode_answer, cases),
                repeat=repeat,
            ),
            "peer decode": timed(
                f"dnspython from_wire {label}", count, _dnspython_decoding(cases), repeat=repeat
            ),
            "peer trip": timed(
                f"dnspython round trip {label}", count, _dnspython_round_trips(cases), repeat=repeat
            ),
            "objects": timed(f"objects {label}", count, _objects(answers), repeat=repeat),
        }
        if old_encode is not None and old_decode is not None:
            got["before decode"] = timed(
                f"before decode {label}", count, _decoding(old_decode, cases), repeat=repeat
            )
            got["before trip"] = timed(
                f"before round trip {label}",
                count,
                _round_trips(old_encode, old_decode, cases),
                repeat=repeat,
            )
        results += got.values()
        rows.append((label, got))

    print("\n## µs per operation (median), ratios from this run\n")
    print("| encode | ours µs | before µs | before / ours | dnspython µs | dnspython / ours |")
    print("|---|---:|---:|---:|---:|---:|")
    print(encode_row)
    print()
    print(
        "| answer | decode µs | before µs | before / ours | objects µs | "
        "codec-own before / ours | dnspython µs | dnspython / ours | "
        "round trip µs | before µs | before / ours | dnspython / ours |"
    )
    print("|---|" + "---:|" * 12)
    for label, got in rows:
        decode, trip, objects = got["decode"], got["trip"], got["objects"]
        old, old_trip = got.get("before decode"), got.get("before trip")
        own = "–"
        if old is not None:
            own = f"{(old.median - objects.median) / (decode.median - objects.median):.2f}×"
        print(
            f"| {label} | {_us(decode)} | {_us(old)} | {_ratio(old, decode)} | {_us(objects)} | "
            f"{own} | {_us(got['peer decode'])} | {_ratio(got['peer decode'], decode)} | "
            f"{_us(trip)} | {_us(old_trip)} | {_ratio(old_trip, trip)} | "
            f"{_ratio(got['peer trip'], trip)} |"
        )
    save_results(args.json, "wire", results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
