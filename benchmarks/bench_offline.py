"""Offline diagnosis: ``check_domain`` over ``ZoneSource`` for generated domains.

Run: ``/tmp/benchenv/bin/python benchmarks/bench_offline.py`` (``--count``,
``--repeat``, ``--profile``).

Each generated domain (see ``zones.py``) is read from its zone text into a
``ZoneSource`` once, before timing, with the provider's records (``mx.ovh.com``,
the DKIM keys) in one ``StaticSource`` as the fallback, as ``emailpro-core check
--zone`` does; that reading is timed once, by ``ZoneSource.from_text`` and by
dnspython's zone reader. The methods, over the same domains:

* source floor: the very lookups the checker makes for each domain (recorded
  beforehand), answered by the same sources, with no checker logic;
* ``make_context``: the setup checks and the expected records, no DNS;
* ``check_domain`` over ``ZoneSource``, and over ``StaticSource`` (the same
  records handed over as a mapping).

Every diagnosis is compared with the defect injected into its domain.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

import dns.zone
from harness import (
    Result,
    add_common_options,
    calibrate,
    clear_caches,
    measure,
    print_environment,
    profile_tables,
    rate_table,
    save_results,
)
from zones import BenchDomain, assert_findings, expected_counts, generate, provider_records

from emailpro_core.checker import check_domain
from emailpro_core.checker._runner import make_context
from emailpro_core.sources._answers import Answer, Query, RecordSource
from emailpro_core.sources._static import StaticSource
from emailpro_core.sources._zone import ZoneSource


class Recorder:
    """A sync source that records the questions it is asked, then asks ``source``."""

    def __init__(self, source: ZoneSource, asked: list[Query]) -> None:
        self.source = source
        self.asked = asked

    def lookup(self, name: str, rdtype: str, /) -> Answer:
        """Record the question; answer it from the wrapped source."""
        self.asked.append(Query(name, rdtype))
        return self.source.lookup(name, rdtype)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the offline benchmark; print the table and the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="generated domains")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true", help="also profile check_domain")
    add_common_options(parser)
    args = parser.parse_args(argv)

    domains: list[BenchDomain] = list(generate(args.count, seed=args.seed))
    defects = {d.name: d.defect for d in domains}
    provider = StaticSource(provider_records(domains))
    texts = [d.zone_text() for d in domains]
    start = time.perf_counter()
    zones = [ZoneSource.from_text(text, fallback=provider) for text in texts]
    parse_seconds = time.perf_counter() - start
    # The same texts read by dnspython's zone reader (what from_text falls back on).
    start = time.perf_counter()
    for text in texts:
        ZoneSource(dns.zone.from_text(text), fallback=provider)
    dnspython_seconds = time.perf_counter() - start
    statics = [StaticSource({**d.records, **provider_records([d])}) for d in domains]
    asked: list[list[Query]] = []
    for domain, zone in zip(domains, zones, strict=True):
        questions: list[Query] = []
        check_domain(domain.setup, Recorder(zone, questions))
        asked.append(questions)
    lookups = sum(len(q) for q in asked)

    print(f"# Offline diagnosis: {args.count:,} domains, median of {args.repeat}\n")
    print_environment()
    calibration = calibrate()
    print(f"- calibration: {calibration.describe()}")
    print(
        f"- lookups per domain: {lookups / args.count:.2f}; "
        f"defects injected: {dict(sorted(expected_counts(domains).items()))}"
    )
    setups = [d.setup for d in domains]

    def floor() -> None:
        for zone, questions in zip(zones, asked, strict=True):
            for query in questions:
                zone.lookup(query.name, query.rdtype)

    def contexts() -> None:
        for setup in setups:
            make_context(setup)

    def over(sources: Sequence[RecordSource]) -> dict[str, object]:
        found = [check_domain(s, src) for s, src in zip(setups, sources, strict=True)]
        return {"findings": dict(assert_findings(found, defects))}

    n = args.count
    results: list[Result] = [
        Result("ZoneSource.from_text", n, (parse_seconds,), "zone text → source, once"),
        Result(
            "ZoneSource(dns.zone.from_text)",
            n,
            (dnspython_seconds,),
            "the same through dnspython's zone reader, once",
        ),
        measure("source floor", n, floor, repeat=args.repeat, note="the checker's lookups only"),
        measure(
            "make_context", n, contexts, repeat=args.repeat, note="setup checks + expected records"
        ),
        measure(
            "check_domain, ZoneSource",
            n,
            lambda: over(zones),
            repeat=args.repeat,
            note="the diagnosis, findings asserted",
        ),
        measure(
            "check_domain, StaticSource",
            n,
            lambda: over(statics),
            repeat=args.repeat,
            note="same records as a mapping",
        ),
    ]
    profile = ""
    if args.profile:
        clear_caches()
        profile = profile_tables(lambda: over(zones), items=n)
    print(f"\n## check_domain, {n:,} domains\n")
    print(rate_table(results, unit="domains", baselines=["source floor"], per_item=True))
    (checker,) = (r for r in results if r.name == "check_domain, ZoneSource")
    print("\n## Target\n")
    verdict = "PASS" if checker.rate >= 3000 else "FAIL"
    print(f"- {verdict}: check_domain over ZoneSource: {checker.rate:,.0f} domains/s (≥ 3,000/s)")
    here = calibration.target_here(3000)
    print(
        f"- estimate, not a measurement: the 3,000/s of the baseline's machine is "
        f"{here:,.0f}/s on this one ({calibration.slowdown:.2f}× slower); "
        f"measured {checker.rate / here:.2f}× that"
    )
    print(f"- findings per injected defect (asserted): {checker.extra['findings']}")
    if profile:
        print("\n## Profile: check_domain over ZoneSource (caches cold)\n")
        print(profile)
    save_results(args.json, "offline", results, calibration=calibration.__dict__)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
