"""Throughput against concurrency when the resolver is ``--rtt-ms`` away (a delaying proxy).

Run: ``python benchmarks/bench_latency.py`` (``--count``, ``--rtt-ms``,
``--proxy-tick-ms``, ``--concurrency 16,64,256``, ``--workers``, ``--methods``,
``--repeat``).

NSD serves the generated zones (``zones.py``) on 127.0.0.1; the proxy of
``latency.py``, in a process of its own, holds every datagram half the
round-trip time each way (at least; ``--proxy-tick-ms`` makes it read and
send on a tick, and the round trips it gave are printed). Over it, in the
same run:

* ``check_domains`` (one process, one ``AsyncStubSource``), ``check_domains_parallel``
  (``--workers`` processes), and the ``check-many`` command with and without
  ``--workers``, at each concurrency of the sweep (domains in flight per process);
* each measurement in a fresh process (``--child``), so that its peak RSS
  (``ru_maxrss``, of it and of its largest child) is its own. The setups come
  from a generator and every diagnosis is checked against its domain's injected
  defect, counted and dropped, as a big ``check-many`` run would hold nothing;
* baselines: the same ``check_domains`` at the default concurrency straight to NSD
  (no delay, CPU-bound), and the proxy alone (its CPU per question, the rate
  that CPU allows);
* the dependent rounds of a domain: on a virtual clock (``tests/rounds.py``:
  what the checker's logic makes wait for what, with the run's cache), and on
  the wire (one domain at a time, through the proxy and straight to NSD: the
  difference per domain over the round-trip time, which also counts the CNAMEs
  the stub source follows).

The CPU columns add up this process's children (the measured run), NSD and the
proxy, which share the machine's cores.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any

from harness import (
    ROOT,
    LoopbackGuard,
    calibrate,
    command_start,
    precompile,
    print_environment,
    save_results,
)
from latency import DEFAULT_TICK, ProxyProcess, load, round_trips
from live import HOST, Cpu, checker_questions, start_nsd
from zones import Defect, defect_of, generate, index_of, provider_records, setup_of, verify

from emailpro_core.checker._bulk import DEFAULT_CONCURRENCY
from emailpro_core.sources._static import StaticSource

_SCRIPT = ROOT / "benchmarks" / "bench_latency.py"
#: The methods of the sweep, by the name ``--methods`` takes.
METHODS = {
    "check_domains": "check_domains, 1 process",
    "parallel": "check_domains_parallel, {w} processes",
    "cli": "check-many, 1 process",
    "cli-workers": "check-many --workers {w}",
}
#: The issue's targets: 100,000 domains in 2 minutes (1 process) and 1 (2 processes).
TARGET_ONE, TARGET_TWO, TARGET_RSS_MB = 100_000 / 120, 100_000 / 60, 300.0


#: The defect of each domain handed out and not yet checked. Working a defect out
#: seeds a random generator with a string (5 µs): the harness does it once a domain,
#: in the run's own process, rather than twice.
_DEFECTS: dict[int, Defect] = {}


def _setups(count: int) -> Iterator[Any]:
    for index in range(count):
        defect = _DEFECTS[index] = defect_of(index)
        yield setup_of(index, defect)


#: The first mismatches of a child's run, reported with its numbers.
_MISMATCHES: list[str] = []


def _check(found: Counter[str], diagnosis: Any) -> None:
    index = index_of(diagnosis.domain)
    assert index is not None, diagnosis.domain
    defect = _DEFECTS.pop(index, None)
    try:
        found[verify(diagnosis, defect_of(index) if defect is None else defect) or "ok"] += 1
    except AssertionError as error:
        found["mismatch"] += 1
        if len(_MISMATCHES) < 3:
            _MISMATCHES.append(str(error))


def _status_kb(pid: int | str, key: str) -> int:
    """A ``kB`` field of ``/proc/PID/status`` (0 when the process is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _descendants(root: int) -> list[int]:
    """The processes below ``root`` (Linux ``/proc``: each process's parent)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found, frontier = [], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        found += frontier
    return found


class TreePeak:
    """The peak of the summed RSS of this process and its descendants, sampled every 0.1 s.

    ``ru_maxrss`` cannot give it: it is the largest single process, and on
    Linux a process started with ``exec`` keeps the peak of the process it was
    forked from (here, a parent holding every zone). ``VmHWM`` of
    ``/proc/PID/status`` is each process's own, and is read at every sample.
    """

    def __init__(self, *, include_self: bool) -> None:
        import threading

        self.include_self = include_self
        self.peak_kb = 0
        self.largest_child_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.wait(0.1):
            children = [_status_kb(pid, "VmRSS") for pid in _descendants(me)]
            total = sum(children) + (_status_kb(me, "VmRSS") if self.include_self else 0)
            self.peak_kb = max(self.peak_kb, total)
            self.largest_child_kb = max([self.largest_child_kb, *children])

    def stop(self) -> dict[str, float]:
        """Stop sampling; the peaks in MB (this process's own from ``VmHWM``)."""
        self._stop.set()
        self._thread.join()
        return {
            "peak_mb": _status_kb("self", "VmHWM") / 1024,
            "tree_peak_mb": self.peak_kb / 1024,
            "child_peak_mb": self.largest_child_kb / 1024,
        }


def _child(method: str, count: int, port: int, concurrency: int, workers: int) -> dict[str, Any]:
    """One measurement, in this fresh process: the run's seconds, CPU, peak RSS, findings."""
    from emailpro_core.checker._bulk import check_domains
    from emailpro_core.checker._parallel import check_domains_parallel
    from emailpro_core.sources._stub import AsyncStubSource

    found: Counter[str] = Counter()
    # The command's processes alone: this one only writes its input and waits.
    peaks = TreePeak(include_self=not method.startswith("cli"))
    start = time.perf_counter()
    if method == "check_domains":

        async def run() -> None:
            source = AsyncStubSource(HOST, port=port)
            try:
                stream: AsyncIterator[Any] = check_domains(
                    _setups(count), source, concurrency=concurrency
                )
                async for diagnosis in stream:
                    _check(found, diagnosis)
            finally:
                source.close()

        asyncio.run(run())
    elif method == "parallel":
        factory = functools.partial(AsyncStubSource, HOST, port=port)
        for diagnosis in check_domains_parallel(
            _setups(count), factory, workers=workers, concurrency=concurrency
        ):
            _check(found, diagnosis)
    else:
        done = _command(count, port, concurrency, workers if method == "cli-workers" else 1)
        found.update(done)
    seconds = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "seconds": seconds,
        "cpu": own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime,
        **peaks.stop(),
        "found": dict(sorted(found.items())),
        "mismatches": _MISMATCHES,
    }


def _command(count: int, port: int, concurrency: int, workers: int) -> Counter[str]:
    """``python -m emailpro_core check-many FILE``; its diagnoses checked after it ends."""
    from emailpro_core.checker._diagnosis import Diagnosis

    folder = Path(tempfile.mkdtemp(prefix="emailpro-latency-"))
    setups = folder / "setups.jsonl"
    with setups.open("w") as out:
        for setup in _setups(count):
            out.write(json.dumps(setup.to_dict()) + "\n")
    output = folder / "results.jsonl"
    command = [sys.executable, "-m", "emailpro_core", "check-many", str(setups)]
    command += ["--nameserver", f"{HOST}:{port}", "--concurrency", str(concurrency)]
    command += ["--workers", str(workers)]
    with output.open("wb") as out:
        subprocess.run(command, stdout=out, stderr=subprocess.DEVNULL, check=False)
    found: Counter[str] = Counter()
    with output.open() as lines:
        for line in lines:
            data = json.loads(line)
            data.pop("line", None)
            _check(found, Diagnosis.from_dict(data))
    setups.unlink()
    output.unlink()
    folder.rmdir()
    return found


def _measure(
    label: str,
    method: str,
    count: int,
    port: int,
    concurrency: int,
    workers: int,
    *,
    cpu: Cpu,
    proxy: ProxyProcess | None,
    repeat: int,
) -> dict[str, Any]:
    """The median of ``repeat`` fresh processes, with NSD's and the proxy's CPU."""
    runs = []
    for _ in range(repeat):
        command = [sys.executable, str(_SCRIPT), "--child", method, "--count", str(count)]
        command += ["--port", str(port), "--concurrency", str(concurrency)]
        command += ["--workers", str(workers)]
        before = proxy.stats()["cpu"] if proxy is not None else 0.0
        cpu.start()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        used = cpu.stop()
        if done.returncode:
            raise RuntimeError(f"{label}: {done.stderr.strip()[-2000:]}")
        run = json.loads(done.stdout)
        run["server_cpu"] = used["server_cpu"]
        run["proxy_cpu"] = (proxy.stats()["cpu"] - before) if proxy is not None else 0.0
        runs.append(run)
    result = dict(runs[len(runs) // 2] if repeat % 2 else runs[-1])
    result["seconds_all"] = [r["seconds"] for r in runs]
    result["seconds"] = statistics.median(result["seconds_all"])
    result.update(label=label, method=method, count=count, concurrency=concurrency)
    result["workers"] = workers if method in ("parallel", "cli-workers") else 1
    result["rate"] = count / result["seconds"]
    print(
        f"  {label}, {concurrency} in flight: {result['rate']:,.0f}/s "
        f"({', '.join(f'{s:.1f}' for s in result['seconds_all'])} s), "
        f"peak {_peak(result):.0f} MB, {result['found']} {result['mismatches']}",
        file=sys.stderr,
        flush=True,
    )
    return result


def logical_rounds(count: int) -> dict[str, Any]:
    """Rounds per domain on the virtual clock, with the run's shared cache (``tests/rounds.py``)."""
    from emailpro_core.checker._checks.sender import provider_sender
    from emailpro_core.checker._runner import make_context, run_async_checks
    from emailpro_core.records import OVH_EMAIL_PRO
    from emailpro_core.sources._answers import Answer, Query, run_async
    from rounds import count_rounds

    domains = list(generate(count))
    records = StaticSource(
        {name: types for d in domains for name, types in d.records.items()}
        | provider_records(domains)
    )

    async def run() -> dict[str, Any]:
        cache: dict[Query, Answer] = {}
        sender, _ = await count_rounds(
            lambda source: run_async(provider_sender(OVH_EMAIL_PRO), source), records, cache=cache
        )
        counts: Counter[int] = Counter()
        by_defect: dict[str, Counter[int]] = {}
        asked = 0
        for domain in domains:
            check = functools.partial(
                run_async_checks, make_context(domain.setup), deadline=None, sender=sender
            )
            _, rounds = await count_rounds(check, records, cache=cache)
            counts[rounds.count] += 1
            by_defect.setdefault(domain.defect.name, Counter())[rounds.count] += 1
            asked += len(rounds.asked)
        return {
            "histogram": dict(sorted(counts.items())),
            "mean": sum(k * v for k, v in counts.items()) / count,
            "by_defect": {k: dict(sorted(v.items())) for k, v in sorted(by_defect.items())},
            "questions": asked / count,
        }

    return asyncio.run(run())


def _rows(results: Sequence[dict[str, Any]], baseline: dict[str, Any]) -> list[str]:
    rows = [
        "| method | in flight / process | domains/s | vs no delay | s | client CPU s "
        "| NSD CPU s | proxy CPU s | peak RSS MB (all / largest child) | findings |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        findings = "MISMATCH" if "mismatch" in r["found"] else "as injected"
        rows.append(
            f"| {r['label']} | {r['concurrency']} | {r['rate']:,.0f} | "
            f"{r['rate'] / baseline['rate']:.2f}× | {r['seconds']:.1f} | {r['cpu']:.1f} | "
            f"{r['server_cpu']:.1f} | {r['proxy_cpu']:.1f} | "
            f"{_peak(r):.0f} / {r['child_peak_mb']:.0f} | {findings} |"
        )
    return rows


def _peak(result: dict[str, Any]) -> float:
    """The run's peak RSS, every process summed (for check-many, the command's alone)."""
    if result["method"].startswith("cli"):
        return float(result["tree_peak_mb"])
    return float(max(result["peak_mb"], result["tree_peak_mb"]))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the sweep; print the tables and the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="generated domains")
    parser.add_argument("--rtt-ms", type=float, default=20.0, help="round trip the proxy adds")
    parser.add_argument(
        "--proxy-tick-ms",
        type=float,
        default=DEFAULT_TICK * 1000,
        help="the proxy reads and sends every this many ms (0: at every datagram)",
    )
    parser.add_argument(
        "--concurrency", default="16,32,64,128,256,512", help="domains in flight per process"
    )
    parser.add_argument("--workers", type=int, default=2, help="processes of the parallel runs")
    parser.add_argument("--methods", default=",".join(METHODS), help="which methods to sweep")
    parser.add_argument("--repeat", type=int, default=1, help="fresh processes per point")
    parser.add_argument(
        "--baseline-count", type=int, help="domains of the no-delay baseline (default: --count)"
    )
    parser.add_argument("--rounds", type=int, default=2000, help="domains whose rounds count")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        LoopbackGuard()
        found = _child(args.child, args.count, args.port, int(args.concurrency), args.workers)
        print(json.dumps(found))
        return 0

    # A benchmark stopped with SIGTERM still stops NSD and the proxy (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    guard = LoopbackGuard()
    sweep = [int(c) for c in args.concurrency.split(",")]
    methods = [m for m in args.methods.split(",") if m]
    n, rtt, workers = args.count, args.rtt_ms, args.workers
    print(f"# Throughput against concurrency, {n:,} domains, {rtt:g} ms from NSD\n")
    print_environment()
    calibration = calibrate()
    print(f"- calibration: {calibration.describe()}")
    print(f"- bytecode: {precompile()}")
    print(f"- {command_start()}")
    rounds = logical_rounds(min(args.rounds, n))
    print(
        f"- dependent rounds per domain (virtual clock, shared cache, {min(args.rounds, n):,} "
        f"domains): mean {rounds['mean']:.3f}, histogram {rounds['histogram']}, "
        f"{rounds['questions']:.2f} questions sent per domain"
    )
    print(f"  - by injected defect: {rounds['by_defect']}")
    domains = list(generate(n))
    questions = checker_questions(
        domains[:2000],
        StaticSource(
            {name: types for d in domains[:2000] for name, types in d.records.items()}
            | provider_records(domains[:2000])
        ),
    )
    started = time.perf_counter()
    # 100,000 zones take NSD minutes to load on a busy machine.
    server = start_nsd(domains, startup_timeout=max(60.0, n / 100))
    print(f"- NSD: {len(server.zones):,} zones, started in {time.perf_counter() - started:.0f} s")
    del domains
    proxy = ProxyProcess(server.port, rtt, args.proxy_tick_ms)
    results: list[dict[str, Any]] = []
    try:
        cpu = Cpu(server)
        import dns.message

        wires = [
            dns.message.make_query(q.name + ".", q.rdtype, use_edns=0, payload=1232).to_wire()
            for q in questions
        ]
        trips = sorted(round_trips(proxy, wires[:200]))
        print(
            f"- round trip through the proxy ({len(trips)} questions, one at a time, "
            f"tick {proxy.tick_ms:g} ms): min {trips[0] * 1000:.2f} ms, median "
            f"{statistics.median(trips) * 1000:.2f} ms, max {trips[-1] * 1000:.2f} ms"
        )
        alone = load(proxy, wires * max(1, 40_000 // len(wires)), window=1024)
        print(
            f"- the proxy alone ({alone['questions']:,} questions, 1,024 in flight, "
            f"{rtt:g} ms): {alone['proxy_cpu_us_per_question']:.1f} µs of CPU per question "
            f"(a datagram each way), so at most {alone['proxy_max_rate']:,.0f} questions/s on "
            f"one core; {alone['rate']:,.0f}/s reached, {alone['lost']} lost"
        )
        baseline = _measure(
            "check_domains, no delay",
            "check_domains",
            min(n, args.baseline_count or n),
            server.port,
            DEFAULT_CONCURRENCY,
            1,
            cpu=cpu,
            proxy=None,
            repeat=args.repeat,
        )
        # One domain at a time, with and without the delay: the difference is
        # the time spent waiting for answers, in round trips.
        alone_runs = [
            _measure(
                f"check_domains, one domain at a time{suffix}",
                "check_domains",
                min(n, 200),
                port,
                1,
                1,
                cpu=cpu,
                proxy=via,
                repeat=1,
            )
            for suffix, port, via in ((", no delay", server.port, None), ("", proxy.port, proxy))
        ]
        direct, wire = alone_runs
        per_domain = wire["seconds"] / wire["count"]
        waiting = per_domain - direct["seconds"] / direct["count"]
        wire_rounds = waiting / (rtt / 1000)
        print(
            f"- dependent rounds per domain on the wire (1 in flight, {wire['count']} domains): "
            f"{per_domain * 1000:.1f} ms a domain, {waiting * 1000:.1f} ms more than without "
            f"the delay = {wire_rounds:.2f} round trips of {rtt:g} ms"
        )
        print("")
        for method in methods:
            label = METHODS[method].format(w=workers)
            for concurrency in sweep:
                results.append(
                    _measure(
                        label,
                        method,
                        n,
                        proxy.port,
                        concurrency,
                        workers,
                        cpu=cpu,
                        proxy=proxy,
                        repeat=args.repeat,
                    )
                )
        total = proxy.stats()
    finally:
        proxy.stop()
        server.stop()
    print(f"\n## {n:,} domains, {rtt:g} ms round trip (medians of {args.repeat})\n")
    print("\n".join(_rows([baseline, *alone_runs, *results], baseline)))
    print(
        f"\nThe proxy relayed {total['queries']:,.0f} questions in all, "
        f"{total['cpu'] / max(total['queries'], 1) * 1e6:.1f} µs of its CPU each "
        f"(with the checker's own load); dropped {total['dropped']:.0f}."
    )
    print("\n## Targets\n")
    checks = []
    for method, target, what in (
        ("check_domains", TARGET_ONE, "1 process"),
        ("parallel", TARGET_TWO, f"{workers} processes"),
        ("cli", TARGET_ONE, "check-many, 1 process"),
        ("cli-workers", TARGET_TWO, f"check-many --workers {workers}"),
    ):
        mine = [r for r in results if r["method"] == method]
        if not mine:
            continue
        best = max(mine, key=lambda r: r["rate"])
        checks.append(
            (
                best["rate"] >= target,
                f"{what}: best {best['rate']:,.0f} domains/s at {best['concurrency']} in flight "
                f"(≥ {target:,.0f}/s: 100,000 in {100_000 / best['rate']:.0f} s)",
            )
        )
        default = [r for r in mine if r["concurrency"] == DEFAULT_CONCURRENCY]
        if default:
            share = default[0]["rate"] / best["rate"]
            checks.append(
                (
                    share >= 0.8,
                    f"{what}: the default {DEFAULT_CONCURRENCY} in flight reaches "
                    f"{share:.0%} of the best (≥ 80 %)",
                )
            )
    for r in results:
        peak = _peak(r)
        checks.append(
            (
                peak < TARGET_RSS_MB,
                f"{r['label']} at {r['concurrency']}: peak RSS {peak:.0f} MB "
                f"(< {TARGET_RSS_MB:.0f} MB, the run's processes summed)",
            )
        )
    here_one = calibration.target_here(TARGET_ONE)
    checks.append(
        (
            True,
            f"estimate, not a measurement: this machine is {calibration.slowdown:.2f}× slower "
            f"than the baseline's; {TARGET_ONE:,.0f}/s there would be {here_one:,.0f}/s here",
        )
    )
    mismatched = [r["label"] for r in [baseline, *alone_runs, *results] if "mismatch" in r["found"]]
    checks.append((not mismatched, f"findings as injected in every run: {mismatched or 'yes'}"))
    for ok, text in checks:
        print(f"- {'PASS' if ok else 'FAIL'}: {text}")
    print(f"- addresses refused by the loopback guard: {guard.refused or 'none'}")
    save_results(
        args.json,
        "latency",
        [],
        runs=[baseline, *alone_runs, *results],
        rounds=rounds,
        wire_rounds=wire_rounds,
        proxy_alone=alone,
        proxy_tick_ms=proxy.tick_ms,
        proxy_round_trips_ms=[t * 1000 for t in trips],
        calibration=calibration.__dict__,
    )
    return 1 if mismatched else 0


if __name__ == "__main__":
    raise SystemExit(main())
