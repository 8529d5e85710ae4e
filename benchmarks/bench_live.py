"""Live diagnosis: ``check_domains`` and ``check-many`` against dnspython and checkdmarc, over NSD.

Run: ``/tmp/benchenv/bin/python benchmarks/bench_live.py`` (``--count``,
``--repeat``, ``--profile``, ``--workers``).

NSD (the project's harness, ``tests/integration/nsd.py``) serves on 127.0.0.1
one zone per generated domain (correct ones and ones with one injected defect,
see ``zones.py``) and the provider's zones. Every method handles the same
domains, in this one run:

* ``check_domains`` over ``AsyncStubSource`` (the fast path) and over
  ``AsyncResolverSource`` (dnspython, which offers EDNS with 1232 octets as the
  stub source does), ``concurrency`` domains in flight;
* ``emailpro-core check-many FILE --nameserver 127.0.0.1:PORT`` (a subprocess,
  its start included), when the command exists;
* ``check_domains_parallel`` and ``emailpro-core check-many --workers N``: the
  setups in chunks, each checked by ``check_domains`` in one of N processes;
* baselines: the checker's own questions (found offline, shared ones once) sent
  by dnspython's ``Resolver`` one after the other, and by a bare
  ``dns.asyncresolver`` loop with ``--in-flight`` questions at a time, both
  with EDNS (1232 octets, as the stub source), and by ``AsyncStubSource``
  itself (the source's share of the checker's time); and, when it is
  installed, by pycares (c-ares, a resolver written in C) with as many in
  flight, to weigh the C-backed resolver the issue suggests;
* checkdmarc's ``check_domains`` (its own checks: DNSSEC, SOA, NS, MTA-STS, MX,
  SPF, DMARC, TLS-RPT, BIMI) and ``check_spf`` + ``check_mx``, sequential as it
  is, pointed at NSD with a ``dns.nameserver.Do53Nameserver`` (which carries
  the port; checkdmarc passes such objects through to dnspython untouched),
  with its caches cleared before each repeat.

Every diagnosis of the package's methods is compared with its domain's injected
defect (counts per defect printed). Nothing leaves 127.0.0.1: an audit hook
refuses any other address (``harness.LoopbackGuard``); pycares opens its sockets
in C, where the hook cannot see them, and is given 127.0.0.1 as its only server.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from harness import (
    LoopbackGuard,
    Result,
    add_common_options,
    calibrate,
    clear_caches,
    command_start,
    measure,
    precompile,
    print_environment,
    profile_tables,
    rate_table,
    save_results,
)
from live import (
    Cpu,
    checker_questions,
    resolver_source,
    run_checkdmarc,
    run_checkdmarc_spf_mx,
    run_checker,
    run_cli,
    run_dnspython_async,
    run_dnspython_sequential,
    run_parallel,
    run_pycares,
    run_stub_questions,
    start_nsd,
    stub_source,
)
from zones import expected_counts, generate, provider_records

from emailpro_core.sources._static import StaticSource

SEQUENTIAL = "dnspython Resolver, sequential"
CHECKDMARC = "checkdmarc check_domains"
STUB = "check_domains, AsyncStubSource"
PARALLEL = "check_domains_parallel, AsyncStubSource"


def _cpu_table(results: Sequence[Result]) -> str:
    rows = [
        "| method | wall ms/domain | client CPU ms/domain | NSD CPU ms/domain | "
        "queries/domain | findings |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for r in results:
        n = r.items
        client = r.extra.get("client_cpu")
        server = r.extra.get("server_cpu")
        queries = r.extra.get("queries")
        if "mismatch" in r.extra:
            findings = f"MISMATCH: {r.extra['mismatch']}"
        elif "findings" in r.extra:
            findings = "as injected"
        else:
            findings = "–"
        rows.append(
            f"| {r.name} | {r.median / n * 1e3:.2f} | "
            f"{'–' if client is None else f'{float(client) / n * 1e3:.2f}'} | "
            f"{'–' if server is None else f'{float(server) / n * 1e3:.2f}'} | "
            f"{'–' if queries is None else f'{float(queries) / n:.1f}'} | {findings} |"
        )
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the live benchmark; print the tables, the targets, and optionally a profile."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="generated domains")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--concurrency", type=int, default=64, help="domains in flight")
    parser.add_argument("--in-flight", type=int, default=64, help="asyncresolver questions")
    parser.add_argument("--workers", type=int, default=2, help="processes (check_domains_parallel)")
    parser.add_argument("--no-peers", action="store_true", help="skip checkdmarc")
    parser.add_argument("--profile", action="store_true", help="profile check_domains (stub)")
    add_common_options(parser)
    args = parser.parse_args(argv)

    guard = LoopbackGuard()
    domains = list(generate(args.count, seed=args.seed))
    defects = {d.name: d.defect for d in domains}
    setups = [d.setup for d in domains]
    names = [d.name for d in domains]
    offline = StaticSource(
        {name: types for d in domains for name, types in d.records.items()}
        | provider_records(domains)
    )
    questions = checker_questions(domains, offline)
    n, repeat = args.count, args.repeat

    print(f"# Live diagnosis: {n:,} domains over NSD on 127.0.0.1, median of {repeat}\n")
    print_environment()
    calibration = calibrate()
    print(f"- calibration: {calibration.describe()}")
    print(f"- bytecode: {precompile()}")
    print(f"- {command_start()}")
    print(f"- injected defects: {dict(sorted(expected_counts(domains).items()))}")
    print(
        f"- the checker's distinct questions: {len(questions):,} ({len(questions) / n:.2f}/domain)"
    )
    server = start_nsd(domains)
    workdir = Path(tempfile.mkdtemp(prefix="emailpro-bench-"))
    try:
        port = server.port
        cpu = Cpu(server)
        print(f"- NSD: {len(server.zones):,} zones on {server.host}:{port}\n")
        conc = args.concurrency
        results = [
            measure(
                STUB,
                n,
                lambda: run_checker(setups, defects, stub_source(port), cpu, concurrency=conc),
                repeat=repeat,
                note=f"{conc} domains in flight",
            ),
            measure(
                "check_domains, AsyncResolverSource",
                n,
                lambda: run_checker(setups, defects, resolver_source(port), cpu, concurrency=conc),
                repeat=repeat,
                note=f"{conc} domains in flight (dnspython)",
            ),
        ]
        if shutil.which("emailpro-core", path=str(Path(sys.executable).parent)):
            results.append(
                measure(
                    "emailpro-core check-many",
                    n,
                    lambda: run_cli(setups, defects, port, workdir, cpu, concurrency=conc),
                    repeat=repeat,
                    note=f"--concurrency {conc}, process start included",
                )
            )
        workers = args.workers
        if shutil.which("emailpro-core", path=str(Path(sys.executable).parent)):
            results.append(
                measure(
                    f"emailpro-core check-many --workers {workers}",
                    n,
                    lambda: run_cli(
                        setups, defects, port, workdir, cpu, concurrency=conc, workers=workers
                    ),
                    repeat=repeat,
                    note="process start included",
                )
            )
        results += [
            measure(
                PARALLEL,
                n,
                lambda: run_parallel(setups, defects, port, cpu, workers=workers, concurrency=conc),
                repeat=repeat,
                note=f"{workers} processes, pool start included",
            ),
            measure(
                SEQUENTIAL,
                n,
                lambda: run_dnspython_sequential(questions, port, cpu),
                repeat=repeat,
                note="the checker's questions, no logic",
            ),
            measure(
                f"AsyncStubSource, {args.in_flight} in flight",
                n,
                lambda: run_stub_questions(questions, port, cpu, in_flight=args.in_flight),
                repeat=repeat,
                note="the checker's questions, no logic",
            ),
            measure(
                f"dns.asyncresolver, {args.in_flight} in flight",
                n,
                lambda: run_dnspython_async(questions, port, cpu, in_flight=args.in_flight),
                repeat=repeat,
                note="the checker's questions, no logic",
            ),
        ]
        if importlib.util.find_spec("pycares") is not None:
            results.append(
                measure(
                    f"pycares, {args.in_flight} in flight",
                    n,
                    lambda: run_pycares(questions, port, cpu, in_flight=args.in_flight),
                    repeat=repeat,
                    note="the checker's questions, no logic, no Answer built",
                )
            )
        if not args.no_peers:
            results += [
                measure(
                    CHECKDMARC,
                    n,
                    lambda: run_checkdmarc(names, port, cpu, guard.sent),
                    repeat=repeat,
                    note="its own checks, sequential",
                ),
                measure(
                    "checkdmarc check_spf + check_mx",
                    n,
                    lambda: run_checkdmarc_spf_mx(names, port, cpu, guard.sent),
                    repeat=repeat,
                    note="sequential",
                ),
            ]
        profile = source_profile = ""
        if args.profile:
            clear_caches()
            profile = profile_tables(
                lambda: run_checker(setups, defects, stub_source(port), cpu, concurrency=conc),
                items=n,
            )
            source_profile = profile_tables(
                lambda: run_stub_questions(questions, port, cpu, in_flight=args.in_flight),
                items=n,
                limit=12,
            )
        bases = [SEQUENTIAL, f"dns.asyncresolver, {args.in_flight} in flight"]
        if not args.no_peers:
            bases.append(CHECKDMARC)
        print(f"\n## Throughput, {n:,} domains\n")
        print(rate_table(results, unit="domains", baselines=bases))
        print("\n## Where the time goes (last repeat; NSD shares the 2 cores)\n")
        print(_cpu_table(results))
        by = {r.name: r for r in results}
        stub = by[STUB]
        print("\n## Targets\n")
        checks = []
        for name in (STUB, PARALLEL):
            rate = by[name].rate
            checks += [
                (rate >= 1500, f"{name}: {rate:,.0f} domains/s (≥ 1,500/s)"),
                (
                    rate >= 4 * by[SEQUENTIAL].rate,
                    f"{name}: {rate / by[SEQUENTIAL].rate:.2f}× dnspython's Resolver (≥ 4×)",
                ),
            ]
            if CHECKDMARC in by:
                ratio = rate / by[CHECKDMARC].rate
                checks.append(
                    (ratio >= 20, f"{name}: {ratio:.1f}× checkdmarc check_domains (≥ 20×)")
                )
        here = calibration.target_here(1500)
        for name in (STUB, PARALLEL):
            rate = by[name].rate
            checks.append(
                (
                    rate >= here,
                    f"estimate, not a measurement: {name}: {rate / here:.2f}× the 1,500/s "
                    f"scaled to this machine ({here:,.0f}/s; {calibration.slowdown:.2f}× slower)",
                )
            )
        verdict = stub.extra.get("findings", stub.extra.get("mismatch"))
        checks.append(("findings" in stub.extra, f"findings per injected defect: {verdict}"))
        for ok, text in checks:
            print(f"- {'PASS' if ok else 'FAIL'}: {text}")
        print(f"- addresses refused by the loopback guard: {guard.refused or 'none'}")
        if profile:
            print(f"\n## Profile: {STUB} (caches cold)\n")
            print(profile)
            print("\n## Profile: AsyncStubSource alone, the checker's questions (per domain)\n")
            print(source_profile)
        save_results(
            args.json, "live", results, refused=guard.refused, calibration=calibration.__dict__
        )
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    mismatched = [r.name for r in results if "mismatch" in r.extra]
    return 1 if mismatched else 0


if __name__ == "__main__":
    raise SystemExit(main())
