"""Scale: the time of ``check_domains`` against the number of domains, and the map step.

Run: ``/tmp/benchenv/bin/python benchmarks/bench_scaling.py`` (``--sizes``,
``--repeat``, ``--workers``).

NSD serves the largest size's domains (and the provider's zones) on 127.0.0.1;
each size checks the first N of them with ``check_domains`` over a fresh
``AsyncStubSource``, in this process and, as the map step of a distributed
run would, in chunks over ``--workers`` processes (setups pickled in, diagnoses
pickled back). Every diagnosis is compared with its injected defect.

It also checks, and times, what a distributed engine needs: ``DomainSetup`` and
``Diagnosis`` pickle, and round-trip through JSON lines
(``json.dumps(setup.to_dict())`` / ``DomainSetup.from_dict``,
``Diagnosis.to_json`` / ``Diagnosis.from_json``), unchanged; and the map over
processes gives the very diagnoses the single process gives.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import pickle
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from harness import (
    LoopbackGuard,
    Result,
    add_common_options,
    measure,
    print_environment,
    save_results,
)
from live import Cpu, run_checker, run_parallel, start_nsd, stub_source
from live import _collect as collect
from zones import generate

from emailpro_core.checker._diagnosis import Diagnosis
from emailpro_core.checker._parallel import check_domains_parallel
from emailpro_core.records._setup import DomainSetup
from emailpro_core.sources._stub import AsyncStubSource

T = TypeVar("T")


def _per_item(label: str, values: Sequence[T], work: Callable[[T], object]) -> str:
    start = time.perf_counter()
    for value in values:
        work(value)
    seconds = time.perf_counter() - start
    return f"| {label} | {seconds / len(values) * 1e6:.1f} |"


def round_trips(setups: Sequence[DomainSetup], diagnoses: Sequence[Diagnosis]) -> list[str]:
    """Assert that setups and diagnoses survive pickle and JSON lines; time each way."""
    for setup in setups:
        assert pickle.loads(pickle.dumps(setup)) == setup, setup
        line = json.dumps(setup.to_dict())
        assert "\n" not in line
        assert DomainSetup.from_dict(json.loads(line)) == setup, setup
    for diagnosis in diagnoses:
        assert pickle.loads(pickle.dumps(diagnosis)) == diagnosis, diagnosis.domain
        line = diagnosis.to_json()
        assert "\n" not in line
        assert Diagnosis.from_json(line) == diagnosis, diagnosis.domain
    setup_lines = [json.dumps(s.to_dict()) for s in setups]
    diagnosis_lines = [d.to_json() for d in diagnoses]
    setup_pickles = [pickle.dumps(s) for s in setups]
    diagnosis_pickles = [pickle.dumps(d) for d in diagnoses]
    return [
        "| step | µs each |",
        "|---|---:|",
        _per_item("setup → JSON line", setups, lambda s: json.dumps(s.to_dict())),
        _per_item("JSON line → setup", setup_lines, lambda t: DomainSetup.from_dict(json.loads(t))),
        _per_item("setup → pickle", setups, pickle.dumps),
        _per_item("pickle → setup", setup_pickles, pickle.loads),
        _per_item("diagnosis → JSON line", diagnoses, lambda d: d.to_json()),
        _per_item("JSON line → diagnosis", diagnosis_lines, Diagnosis.from_json),
        _per_item("diagnosis → pickle", diagnoses, pickle.dumps),
        _per_item("pickle → diagnosis", diagnosis_pickles, pickle.loads),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the scaling benchmark; print the curve and the round-trip checks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,2000,5000,10000", help="domain counts")
    parser.add_argument("--concurrency", type=int, default=64, help="domains in flight")
    parser.add_argument("--workers", type=int, default=2, help="processes of the map (0: none)")
    add_common_options(parser)
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))

    guard = LoopbackGuard()
    domains = list(generate(sizes[-1]))
    defects = {d.name: d.defect for d in domains}
    setups = [d.setup for d in domains]
    print(f"# Scaling: {', '.join(f'{s:,}' for s in sizes)} domains, median of {args.repeat}\n")
    print_environment()
    server = start_nsd(domains)
    results: list[Result] = []
    try:
        port, conc, cpu = server.port, args.concurrency, Cpu(server)
        print(f"- NSD: {len(server.zones):,} zones on {server.host}:{port}")
        curve = []
        for size in sizes:
            part = setups[:size]
            wanted = {s.domain.ascii: defects[s.domain.ascii] for s in part}
            one = measure(
                f"{size:,} domains, 1 process",
                size,
                functools.partial(
                    run_checker, part, wanted, stub_source(port), cpu, concurrency=conc
                ),
                repeat=args.repeat,
            )
            results.append(one)
            many = None
            if args.workers:
                many = measure(
                    f"{size:,} domains, {args.workers} processes",
                    size,
                    functools.partial(
                        run_parallel,
                        part,
                        wanted,
                        port,
                        cpu,
                        workers=args.workers,
                        concurrency=conc,
                    ),
                    repeat=args.repeat,
                )
                results.append(many)
            curve.append((size, one, many))

        base = curve[0][1]
        print(f"\n## Domains against time (check_domains, AsyncStubSource, {conc} in flight)\n")
        head = "| domains | 1 process: s | domains/s | rate vs smallest |"
        rule = "|---:|---:|---:|---:|"
        if args.workers:
            head += f" {args.workers} processes: s | domains/s | speed-up |"
            rule += "---:|---:|---:|"
        print(head)
        print(rule)
        for size, one, many in curve:
            row = f"| {size:,} | {one.median:.2f} | {one.rate:,.0f} | {one.rate / base.rate:.2f}× |"
            if many is not None:
                row += f" {many.median:.2f} | {many.rate:,.0f} | {many.rate / one.rate:.2f}× |"
            print(row)
        print()
        for _, one, many in curve:
            for r in (one, many):
                if r is not None and "mismatch" in r.extra:
                    print(f"- MISMATCH in {r.name}: {r.extra['mismatch']}")
        print(
            "- every diagnosis matched its injected defect"
            if not any("mismatch" in r.extra for r in results)
            else "- FAIL: see the mismatches above"
        )

        # The map step: the same diagnoses from one process and from chunks over processes.
        small = setups[: sizes[0]]
        source = AsyncStubSource(server.host, port=port)

        async def single() -> list[Diagnosis]:
            try:
                return await collect(small, source, conc)
            finally:
                source.close()

        here = sorted(asyncio.run(single()), key=lambda d: d.domain)
        factory = functools.partial(AsyncStubSource, "127.0.0.1", port=port)
        chunk = (len(small) + 1) // 2
        mapped = sorted(
            check_domains_parallel(small, factory, workers=2, chunk_size=chunk, concurrency=conc),
            key=lambda d: d.domain,
        )
        same = [a == b for a, b in zip(here, mapped, strict=True)]
        print(f"\n## Round trips ({sizes[0]:,} setups and diagnoses, asserted)\n")
        print("\n".join(round_trips(small, here)))
        print(
            f"\n- pickle and JSON lines give back equal setups and diagnoses: yes (asserted)"
            f"\n- chunked map gives the same diagnoses as one process: "
            f"{sum(same):,} of {len(same):,}"
        )
        print(f"- addresses refused by the loopback guard: {guard.refused or 'none'}")
        save_results(args.json, "scaling", results)
    finally:
        server.stop()
    return 0 if not any("mismatch" in r.extra for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
