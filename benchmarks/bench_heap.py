"""The caller's heap and ``check_domains_parallel``: what the workers' collections cost.

Run: ``/tmp/benchenv/bin/python benchmarks/bench_heap.py`` (``--count``,
``--held``, ``--repeat``).

A caller that holds many setups (a list read from a database, say) forks worker
processes that start with a copy of its whole heap. Each worker collects garbage
after each chunk (``collector.PausedCollector``); unless the inherited objects
are frozen, that collection walks all of them again. This measures:

* a full collection over a heap holding ``--held`` generated domains, as it is
  and once frozen (``gc.freeze()``, what a worker now does when it starts);
* ``check_domains_parallel`` over NSD on 127.0.0.1 for the first ``--count``
  domains while this process holds ``--held``, with the workers as the package
  starts them and, for comparison, as they started before (SIGINT ignored,
  nothing frozen). The two alternate, ``--repeat`` times each; each reports
  the workers' collection time (``gc.callbacks``), the rate and the CPU time.

Unlike the other benchmarks, nothing here calls ``gc.freeze()`` in this
process: the heap of a caller that never heard of it is the point.
"""

from __future__ import annotations

import argparse
import functools
import gc
import signal
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from harness import LoopbackGuard, print_environment
from live import HOST, Cpu, findings_verdict, start_nsd
from zones import generate

from emailpro_core.checker import _parallel as parallel
from emailpro_core.sources._stub import AsyncStubSource

# What the collection callback keeps: the start of the collection under way.
_started: list[float] = []


def _timed_collections(log: Path, phase: str, _info: dict[str, int]) -> None:
    # A gc callback in a worker: append the CPU milliseconds of each collection to ``log``.
    if phase == "start":
        _started[:] = [time.process_time()]
    elif _started:
        with log.open("a") as out:
            out.write(f"{(time.process_time() - _started[0]) * 1e3:.3f}\n")


def _as_before() -> None:
    # How workers started before they froze their inherited heap.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _worker_start(start: Callable[[], None], log: Path) -> None:
    start()
    gc.callbacks.append(functools.partial(_timed_collections, log))


def _full_collection_ms(repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        began = time.process_time()
        gc.collect()
        best = min(best, time.process_time() - began)
    return best * 1e3


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print its tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="domains checked")
    parser.add_argument("--held", type=int, default=20_000, help="domains the caller holds")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each kind of worker")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    held = list(generate(max(args.held, args.count), seed=0))
    domains = held[: args.count]
    defects = {d.name: d.defect for d in domains}
    setups = [d.setup for d in domains]
    print(
        f"# check_domains_parallel, {args.count:,} domains, the caller holding "
        f"{len(held):,}, {args.workers} workers\n"
    )
    print_environment()
    gc.unfreeze()
    print(f"- tracked objects in this process: {len(gc.get_objects()):,}")
    unfrozen = _full_collection_ms()
    gc.freeze()
    frozen = _full_collection_ms()
    gc.unfreeze()
    print(f"- a full collection over that heap: {unfrozen:.1f} ms; once frozen: {frozen:.2f} ms\n")

    starts = {"as the package starts them": parallel._start_worker, "as before": _as_before}
    rows: dict[str, list[tuple[float, float, float, int]]] = {name: [] for name in starts}
    server = start_nsd(domains)
    factory = functools.partial(AsyncStubSource, HOST, port=server.port)
    original = parallel._start_worker
    guard = LoopbackGuard()
    try:
        with tempfile.TemporaryDirectory() as folder:
            for round_ in range(args.repeat):
                for name, start in starts.items():
                    log = Path(folder) / f"{round_}-{len(rows[name])}-{start.__name__}.txt"
                    log.touch()
                    parallel._start_worker = functools.partial(_worker_start, start, log)
                    gc.collect()
                    cpu = Cpu(server)
                    cpu.start()
                    began = time.perf_counter()
                    found = list(
                        parallel.check_domains_parallel(setups, factory, workers=args.workers)
                    )
                    wall = time.perf_counter() - began
                    used = cpu.stop()
                    verdict = findings_verdict(found, defects)
                    if "findings" not in verdict:
                        raise SystemExit(f"findings differ from the injected defects: {verdict}")
                    times = [float(line) for line in log.read_text().split()]
                    rows[name].append((wall, used["client_cpu"], sum(times), len(times)))
                    print(
                        f"  {name}: {args.count / wall:,.0f} domains/s, "
                        f"{used['client_cpu'] / args.count * 1e3:.2f} ms CPU a domain, "
                        f"{len(times)} collections in the workers: {sum(times):,.1f} ms"
                    )
    finally:
        parallel._start_worker = original
        server.stop()
    print("\n| workers | domains/s (median) | client CPU ms/domain | collections | their ms |")
    print("|---|---:|---:|---:|---:|")
    for name, runs in rows.items():
        rate = statistics.median(args.count / wall for wall, *_ in runs)
        cpu_ms = statistics.median(c for _, c, _, _ in runs) / args.count * 1e3
        gc_ms = statistics.median(g for _, _, g, _ in runs)
        count = statistics.median(n for *_, n in runs)
        print(f"| {name} | {rate:,.0f} | {cpu_ms:.2f} | {count:.0f} | {gc_ms:,.1f} |")
    print("\n- findings asserted against the injected defects on every run")
    print(f"- addresses refused by the loopback guard: {guard.refused or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
