"""Dask: ``check_domains_dask`` on 1 and 2 workers, processes and threads, over NSD.

Run: ``/tmp/benchenv/bin/python benchmarks/bench_dask.py`` (``--count``,
``--repeat``, ``--chunk-size``); the environment needs ``distributed``
(``pip install -e '.[dask]'``).

NSD serves ``--count`` generated domains (``zones.py``) on 127.0.0.1. The same
setups are diagnosed, in this one run, by:

* ``check_domains`` in this process over ``AsyncStubSource`` (the floor);
* ``check_domains_parallel`` on 1 and 2 processes (its pool's start included,
  as a run pays it);
* ``check_domains_dask`` on a ``distributed.LocalCluster`` of 1 and 2 workers,
  one thread each, as worker processes and as threads of this process. A
  cluster outlives a run, so its start is timed apart, once, and the runs are
  timed on a running cluster; before each repeat the workers' memo caches are
  cleared, as this process's are, so every repeat starts cold.

Every diagnosis is compared with its domain's injected defect. The overhead of
going through Dask is the difference, per domain, between a Dask run on one
worker process and ``check_domains_parallel`` on one process (the same work in
one other process: chunks pickled out, diagnoses pickled back), and between it
and ``check_domains`` here: in elapsed time, which the machine's other load
moves, and in CPU time of every process of the run, which it moves much less
(the worker processes' CPU is read on them, with ``client.run``; the pool's
processes are counted as this process's children, less the CPU of starting a
pool, measured apart with one domain). The audit hook (``harness.LoopbackGuard``) watches
this process; the workers are spawned (Dask's default), so it does not follow
them, but they are given 127.0.0.1 alone: NSD's address and the scheduler's.
"""

from __future__ import annotations

import argparse
import functools
import importlib.metadata
import logging
import resource
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from harness import (
    LoopbackGuard,
    Result,
    add_common_options,
    clear_caches,
    measure,
    print_environment,
    rate_table,
    save_results,
)
from live import HOST, Cpu, findings_verdict, run_checker, run_parallel, start_nsd, stub_source
from zones import Defect, generate

from emailpro_core.checker import check_domains_dask
from emailpro_core.records import DomainSetup
from emailpro_core.sources import AsyncStubSource

FLOOR = "check_domains, 1 process"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--count", type=int, default=2000, help="domains (default 2000)")
    parser.add_argument("--concurrency", type=int, default=64, help="domains in flight per chunk")
    parser.add_argument("--chunk-size", type=int, default=250, help="setups per chunk")
    add_common_options(parser)
    return parser.parse_args(argv)


@contextmanager
def cluster(workers: int, *, processes: bool) -> Iterator[tuple[object, float]]:
    """A running LocalCluster's client, and the seconds the cluster took to start."""
    from distributed import Client, LocalCluster

    start = time.perf_counter()
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=processes,
            # Threads too talk over TCP on the loopback: the in-process transport
            # looks for the machine's address by routing towards 8.8.8.8.
            protocol="tcp",
            host=HOST,
            dashboard_address="127.0.0.1:0",
            silence_logs=logging.ERROR,
        ) as local,
        Client(local, set_as_default=False) as client,
    ):
        client.wait_for_workers(workers)
        yield client, time.perf_counter() - start


def run_dask(
    setups: Sequence[DomainSetup],
    defects: dict[str, Defect],
    port: int,
    client: object,
    *,
    chunk_size: int,
    concurrency: int,
) -> dict[str, object]:
    """``check_domains_dask`` on a running cluster; this process's CPU is the client's.

    ``all_cpu`` adds the CPU the worker processes spent meanwhile (nothing more
    with threads: they are this process's).
    """
    factory = functools.partial(AsyncStubSource, HOST, port=port)
    workers = client.run(_own_cpu)  # type: ignore[attr-defined]
    used = time.process_time()
    found = list(
        check_domains_dask(
            setups,
            factory,
            client,  # type: ignore[arg-type]
            chunk_size=chunk_size,
            concurrency=concurrency,
        )
    )
    client_cpu = time.process_time() - used
    after = client.run(_own_cpu)  # type: ignore[attr-defined]
    # In-process workers (threads) report this process's CPU: counted once, as the client's.
    worker_cpu = sum(after[w] - workers[w] for w in after if after[w] is not None)
    return {
        "client_cpu": client_cpu,
        "all_cpu": client_cpu + worker_cpu,
        **findings_verdict(found, defects),
    }


def _own_cpu(dask_worker: object) -> float | None:
    """A worker process's CPU seconds so far (``None`` in a worker thread of this process)."""
    import multiprocessing

    if multiprocessing.parent_process() is None:
        return None
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def pool_start_cpu(setups: Sequence[DomainSetup], port: int, cpu: Cpu, *, repeat: int) -> float:
    """The CPU seconds of ``check_domains_parallel`` on 1 process for one domain (median)."""
    from emailpro_core.checker._parallel import check_domains_parallel

    factory = functools.partial(AsyncStubSource, HOST, port=port)
    spent = []
    for _ in range(repeat):
        cpu.start()
        list(check_domains_parallel(setups[:1], factory, workers=1))
        spent.append(cpu.stop()["client_cpu"])
    return sorted(spent)[len(spent) // 2]


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    guard = LoopbackGuard()
    domains = list(generate(args.count))
    defects = {d.name: d.defect for d in domains}
    setups = [d.setup for d in domains]
    count, conc, chunk = len(setups), args.concurrency, args.chunk_size
    print(f"# Dask: {count:,} domains over NSD, chunks of {chunk}, median of {args.repeat}\n")
    print_environment()
    print(f"- distributed: {importlib.metadata.version('distributed')}")
    server = start_nsd(domains)
    results: list[Result] = []
    starts: list[str] = []
    try:
        port, cpu = server.port, Cpu(server)
        print(f"- NSD: {len(server.zones):,} zones on {server.host}:{port}\n")
        results.append(
            measure(
                FLOOR,
                count,
                functools.partial(
                    run_checker, setups, defects, stub_source(port), cpu, concurrency=conc
                ),
                repeat=args.repeat,
                note="this process, one source",
            )
        )
        for workers in (1, 2):
            results.append(
                measure(
                    f"check_domains_parallel, {workers} process{'es' if workers > 1 else ''}",
                    count,
                    functools.partial(
                        run_parallel,
                        setups,
                        defects,
                        port,
                        cpu,
                        workers=workers,
                        concurrency=conc,
                    ),
                    repeat=args.repeat,
                    note="pool start included",
                )
            )
        for processes in (True, False):
            kind = "process" if processes else "thread"
            plural = "es" if processes else "s"
            for workers in (1, 2):
                with cluster(workers, processes=processes) as (client, started):
                    name = f"check_domains_dask, {workers} worker {kind}"
                    name += plural if workers > 1 else ""
                    starts.append(f"| {name.split(', ')[1]} | {started:.2f} |")
                    run = functools.partial(
                        run_dask,
                        setups,
                        defects,
                        port,
                        client,
                        chunk_size=chunk,
                        concurrency=conc,
                    )

                    def cold(client: object = client) -> None:
                        client.run(clear_caches)  # type: ignore[attr-defined]

                    results.append(
                        measure(
                            name, count, run, repeat=args.repeat, setup=cold, note="running cluster"
                        )
                    )
        pool_start = pool_start_cpu(setups, port, cpu, repeat=args.repeat)
        by_name = {r.name: r for r in results}
        print("## Rates (domains/s, higher is better)\n")
        print(
            rate_table(
                results, unit="domains", baselines=[FLOOR, "check_domains_parallel, 1 process"]
            )
        )
        print("\n## Cluster start (not in the rates above)\n")
        print("| cluster | seconds |\n|---|---:|")
        print("\n".join(starts))
        one_dask = by_name["check_domains_dask, 1 worker process"]
        one_pool = by_name["check_domains_parallel, 1 process"]
        floor = by_name[FLOOR]
        print("\n## Per domain (µs, median)\n")
        print(
            "| method | µs per domain | client CPU µs per domain | CPU of all its processes, "
            "µs per domain |\n|---|---:|---:|---:|"
        )

        def per_domain(r: Result, key: str) -> str:
            value = r.extra.get(key)
            return f"{value / r.items * 1e6:,.0f}" if isinstance(value, float) else "–"

        for r in results:
            every = "all_cpu" if "all_cpu" in r.extra else "client_cpu"
            print(
                f"| {r.name} | {r.per_item_us:,.0f} | {per_domain(r, 'client_cpu')} | "
                f"{per_domain(r, every)} |"
            )
        dask_cpu = _cpu_of(one_dask, "all_cpu")
        pool_cpu = _cpu_of(one_pool, "client_cpu") - pool_start / count
        print(
            f"\n- Dask's overhead per domain, 1 worker process: "
            f"{one_dask.per_item_us - one_pool.per_item_us:+,.0f} µs elapsed vs "
            f"check_domains_parallel on 1 process, {one_dask.per_item_us - floor.per_item_us:+,.0f}"
            f" µs vs check_domains in this process"
        )
        print(
            f"- in CPU of every process of the run: {dask_cpu * 1e6:,.0f} µs per domain with Dask "
            f"(1 worker process, the in-process scheduler included), {pool_cpu * 1e6:,.0f} µs "
            f"with check_domains_parallel on 1 process (less its pool's start, "
            f"{pool_start:.2f} s of CPU): {(dask_cpu - pool_cpu) * 1e6:+,.0f} µs per domain, "
            f"{dask_cpu / pool_cpu:.2f}×"
        )
        mismatches = [r for r in results if "mismatch" in r.extra]
        for r in mismatches:
            print(f"- MISMATCH in {r.name}: {r.extra['mismatch']}")
        print("- every diagnosis matched its injected defect" if not mismatches else "- FAIL")
        print(f"- addresses refused by the loopback guard: {guard.refused or 'none'}")
        save_results(args.json, "dask", results)
    finally:
        server.stop()
    return 0 if not any("mismatch" in r.extra for r in results) else 1


def _cpu_of(result: Result, key: str) -> float:
    value = result.extra[key]
    assert isinstance(value, float)
    return value / result.items


if __name__ == "__main__":
    sys.exit(main())
