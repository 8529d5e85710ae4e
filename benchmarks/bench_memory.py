"""Memory: peak RSS of ``check_domains`` streaming 100,000 generated domains.

Run: ``/tmp/benchenv/bin/python benchmarks/bench_memory.py`` (``--count``,
``--repeat``, ``--live``).

Each measurement runs in a fresh interpreter (a subprocess of this script), so
its peak resident set size (``resource.getrusage(RUSAGE_SELF).ru_maxrss``) is
its own. What it does is what ``check-many`` does with a big input: the setups
come from a generator, ``check_domains`` diagnoses them (64 in flight), and
each diagnosis becomes one JSON line written to ``/dev/null`` and is checked
against its domain's injected defect (counted, not kept).

* offline (default): the records come from ``zones.GeneratedSource``, which
  builds a domain's records when it is first asked and keeps only the last 1,024
  domains: memory then depends on the checker, not on a zone held whole;
* live (``--live N``): ``AsyncStubSource`` over NSD serving N generated zones
  (NSD's own memory is not counted: it is another process).

Baselines in the same run: the interpreter with everything imported and no
domain checked, and the same stream of 1,000 domains (to show that memory does
not grow with the input).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

from harness import ROOT, print_environment

_SCRIPT = ROOT / "benchmarks" / "bench_memory.py"


def _child(mode: str, count: int, port: int) -> dict[str, Any]:
    from live import HOST
    from zones import GeneratedSource, defect_of, index_of, setup_of, verify

    from emailpro_core.checker._bulk import check_domains
    from emailpro_core.checker._diagnosis import Diagnosis
    from emailpro_core.records._setup import DomainSetup
    from emailpro_core.sources._answers import AsyncRecordSource
    from emailpro_core.sources._stub import AsyncStubSource

    def setups() -> Iterator[DomainSetup]:
        for index in range(count):
            yield setup_of(index, defect_of(index))

    async def stream(source: AsyncRecordSource) -> Counter[str]:
        found: Counter[str] = Counter()
        diagnoses: AsyncIterator[Diagnosis] = check_domains(setups(), source)
        with open("/dev/null", "w") as sink:
            async for diagnosis in diagnoses:
                sink.write(diagnosis.to_json() + "\n")
                index = index_of(diagnosis.domain)
                assert index is not None, diagnosis.domain
                code = verify(diagnosis, defect_of(index))
                found[code or "ok"] += 1
        return found

    start = time.perf_counter()
    found: Counter[str] = Counter()
    if mode == "offline":
        found = asyncio.run(stream(GeneratedSource()))
    elif mode == "live":
        stub = AsyncStubSource(HOST, port=port)

        async def live() -> Counter[str]:
            try:
                return await stream(stub)
            finally:
                stub.close()

        found = asyncio.run(live())
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    return {
        "mode": mode,
        "count": count,
        "seconds": seconds,
        "peak_mb": peak_kb / 1024,
        "found": dict(sorted(found.items())),
    }


def _measure(mode: str, count: int, port: int, repeat: int) -> dict[str, Any]:
    runs = []
    for _ in range(repeat):
        command = [sys.executable, str(_SCRIPT), "--child", mode, "--count", str(count)]
        command += ["--port", str(port)]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        runs.append(json.loads(done.stdout))
    peaks = [float(r["peak_mb"]) for r in runs]
    result = dict(runs[-1])
    result["peak_mb"] = statistics.median(peaks)
    result["peaks"] = peaks
    result["seconds"] = statistics.median(float(r["seconds"]) for r in runs)
    print(f"  {mode} {count:,}: peak {peaks} MB", file=sys.stderr, flush=True)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Measure the peaks; print the table and the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="domains streamed")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--live", type=int, default=0, metavar="N", help="also N live domains")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child, args.count, args.port)))
        return 0

    print(f"# Memory: peak RSS, median of {args.repeat} fresh processes\n")
    print_environment()
    rows = [
        ("imports only", _measure("none", 0, 0, args.repeat)),
        ("offline stream, 1,000 domains", _measure("offline", 1000, 0, args.repeat)),
        (
            f"offline stream, {args.count:,} domains",
            _measure("offline", args.count, 0, args.repeat),
        ),
    ]
    if args.live:
        from live import start_nsd
        from zones import generate

        server = start_nsd(list(generate(args.live)))
        try:
            rows.append(
                (
                    f"live stream (NSD), {args.live:,} domains",
                    _measure("live", args.live, server.port, args.repeat),
                )
            )
        finally:
            server.stop()
    floor = float(rows[0][1]["peak_mb"])
    small = float(rows[1][1]["peak_mb"])
    print("\n| run | peak RSS MB (median) | runs MB | vs imports only | vs 1,000 domains | s |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, row in rows:
        peak = float(row["peak_mb"])
        runs = ", ".join(f"{p:.1f}" for p in row["peaks"])
        print(
            f"| {label} | {peak:.1f} | {runs} | {peak / floor:.2f}× | {peak / small:.2f}× | "
            f"{float(row['seconds']):.1f} |"
        )
    big = rows[2][1]
    print(f"\n- findings of the {args.count:,}-domain stream (checked per domain): {big['found']}")
    peak = float(big["peak_mb"])
    verdict = "PASS" if peak < 200 else "FAIL"
    print(f"- {verdict}: peak RSS for {args.count:,} streamed domains: {peak:.1f} MB (< 200 MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
