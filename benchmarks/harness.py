"""What every benchmark shares: timing (median of repeats), tables with ratios, the loopback guard.

The machine is shared and noisy, so every measurement is repeated (3 times by
default) and the *median* is reported, with the spread (min–max); ratios are
taken between medians measured in the same run, which drift less than absolute
numbers. Tables are Markdown, ready to paste into ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "ROOT",
    "Calibration",
    "LoopbackGuard",
    "Result",
    "add_common_options",
    "calibrate",
    "clear_caches",
    "environment",
    "measure",
    "precompile",
    "rate_table",
    "save_results",
]

#: The repository's root (``benchmarks/..``).
ROOT = Path(__file__).resolve().parent.parent
#: The only address a benchmark may talk to.
LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class Result:
    """The repeated timing of one method.

    Attributes:
        name: The method, as the table shows it.
        items: Items (logins, domains, ...) handled by one repeat.
        seconds: The wall-clock seconds of each repeat.
        note: What the method is, shown in the table.
        extra: Other numbers worth keeping (queries sent, RSS, ...).
    """

    name: str
    items: int
    seconds: tuple[float, ...]
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float:
        """The median seconds of a repeat."""
        return statistics.median(self.seconds)

    @property
    def rate(self) -> float:
        """Items per second at the median."""
        return self.items / self.median if self.median > 0 else float("inf")

    @property
    def per_item_us(self) -> float:
        """Microseconds per item at the median."""
        return self.median / self.items * 1e6

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {
            "name": self.name,
            "items": self.items,
            "seconds": list(self.seconds),
            "median": self.median,
            "rate": self.rate,
            "note": self.note,
            **self.extra,
        }


def clear_caches(prefixes: tuple[str, ...] = ("emailpro_core",)) -> int:
    """Empty the memo caches (``functools.lru_cache``) of the modules named ``prefixes...``.

    The package memoizes what every domain shares (the provider's records, its
    SPF include); the values of one domain would also hit on a second pass over
    the same domains, which a real run never makes. Clearing them (and the
    ``re`` module's cache) before each repeat makes every repeat as cold as the
    first. Returns how many caches were cleared.
    """
    re.purge()
    cleared = 0
    for name, module in list(sys.modules.items()):
        if not name.startswith(prefixes):
            continue
        for value in list(vars(module).values()):
            clear = getattr(value, "cache_clear", None)
            if callable(clear):
                clear()
                cleared += 1
    return cleared


def measure(
    name: str,
    items: int,
    run: Callable[[], object],
    *,
    repeat: int = 3,
    note: str = "",
    setup: Callable[[], object] | None = None,
) -> Result:
    """Time ``run()`` ``repeat`` times, each after ``setup()``, :func:`clear_caches` and a GC.

    Before each repeat, what the process holds already (the generated inputs,
    the results of the methods measured before) is moved out of the garbage
    collector's reach with ``gc.freeze()``: its walks over the benchmark's own
    data would otherwise be billed to whichever method runs next, more the
    more has been generated. What the method allocates is collected as usual.

    The value ``run`` returns on its last repeat is kept in ``extra["value"]``
    only when it is a ``dict`` (for counters a method wants to report).
    """
    seconds = []
    value: object = None
    for _ in range(repeat):
        if setup is not None:
            setup()
        clear_caches()
        gc.collect()
        gc.freeze()
        start = time.perf_counter()
        value = run()
        seconds.append(time.perf_counter() - start)
    extra = dict(value) if isinstance(value, dict) else {}
    result = Result(name, items, tuple(seconds), note, extra)
    print(
        f"  {name}: median {result.median:.3f} s ({result.rate:,.0f}/s) "
        f"over {repeat}: {', '.join(f'{s:.3f}' for s in seconds)}",
        file=sys.stderr,
        flush=True,
    )
    return result


def _ratio(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}×"
    if value >= 10:
        return f"{value:.1f}×"
    return f"{value:.2f}×"


def rate_table(
    results: Sequence[Result], *, unit: str, baselines: Sequence[str], per_item: bool = False
) -> str:
    """A Markdown table: rate (median, spread), and the rate's ratio to each baseline.

    A ratio above 1 means faster than that baseline. ``per_item`` adds a
    µs-per-item column.
    """
    by_name = {r.name: r for r in results}
    head = ["method", f"{unit}/s (median)", "min–max /s"]
    if per_item:
        head.append("µs each")
    head += [f"vs {b}" for b in baselines]
    head.append("note")
    rows = [
        "| " + " | ".join(head) + " |",
        "|" + "|".join(["---"] + ["---:"] * (len(head) - 2) + ["---"]) + "|",
    ]
    for r in results:
        slow, fast = max(r.seconds), min(r.seconds)
        cells = [r.name, f"{r.rate:,.0f}", f"{r.items / slow:,.0f}–{r.items / fast:,.0f}"]
        if per_item:
            cells.append(f"{r.per_item_us:.2f}")
        for b in baselines:
            base = by_name.get(b)
            cells.append(_ratio(r.rate / base.rate) if base is not None else "–")
        cells.append(r.note)
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def environment() -> dict[str, str]:
    """What the numbers were measured on."""
    import dns.version

    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "machine": platform.machine(),
        "cpus": str(os.cpu_count()),
        "dnspython": dns.version.version,
        "load average at start": " ".join(f"{x:.2f}" for x in load),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
    }


#: The baseline machine's own timings of two dnspython operations, in µs
#: (``shared/reference/performance-baseline.md``, "Where dnspython's time goes").
BASELINE_FROM_WIRE_US = 290.0
BASELINE_MAKE_QUERY_US = 28.0


@dataclass(frozen=True)
class Calibration:
    """How fast this machine runs Python, against the machine the baseline was measured on.

    The targets of the performance issue are absolute rates "on this kind of
    machine", and these shared machines differ from day to day by several times.
    The baseline document gives its machine's timing of two pure-Python
    dnspython operations; timing the same two operations in the same run as the
    methods gives a factor that turns a target into what it means here. A
    scaled figure is an estimate, and is always printed as one.

    Attributes:
        from_wire_us: ``dns.message.from_wire`` of a 5-record MX answer, here.
        make_query_us: ``dns.message.make_query(...).to_wire()``, here.
    """

    from_wire_us: float
    make_query_us: float

    @property
    def slowdown(self) -> float:
        """How many times slower than the baseline's machine (the geometric mean of the two)."""
        return math.sqrt(
            self.from_wire_us / BASELINE_FROM_WIRE_US * self.make_query_us / BASELINE_MAKE_QUERY_US
        )

    def describe(self) -> str:
        """One line for the environment list."""
        return (
            f"dnspython from_wire (5 MX) {self.from_wire_us:.0f} µs "
            f"(baseline {BASELINE_FROM_WIRE_US:.0f}), make_query+to_wire "
            f"{self.make_query_us:.0f} µs (baseline {BASELINE_MAKE_QUERY_US:.0f}): "
            f"this machine is {self.slowdown:.2f}× slower than the baseline's"
        )

    def target_here(self, target: float) -> float:
        """What an absolute rate target of the baseline's machine comes to on this one."""
        return target / self.slowdown


def calibrate(repeat: int = 5, number: int = 300) -> Calibration:
    """Time the baseline's two dnspython operations; the best of ``repeat`` rounds of each.

    The best round, not the median: a calibration asks what the machine can do
    when the noise of its neighbours is least, the same for both operations.
    """
    import dns.message
    import dns.rrset

    query = dns.message.make_query("d1.test.", "MX")
    response = dns.message.make_response(query)
    hosts = [f"{i * 10} mx{i}.mail.ovh.net." for i in range(5)]
    response.answer.append(dns.rrset.from_text("d1.test.", 3600, "IN", "MX", *hosts))
    wire = response.to_wire()

    def best(run: Callable[[], object]) -> float:
        rounds = []
        for _ in range(repeat):
            start = time.perf_counter()
            for _ in range(number):
                run()
            rounds.append((time.perf_counter() - start) / number * 1e6)
        return min(rounds)

    return Calibration(
        from_wire_us=best(lambda: dns.message.from_wire(wire)),
        make_query_us=best(lambda: dns.message.make_query("d1.test.", "MX").to_wire()),
    )


def precompile() -> str:
    """Compile the package's modules to bytecode files, as installing a package does.

    The command benchmarks start ``emailpro-core`` in subprocesses. Where
    ``PYTHONDONTWRITEBYTECODE`` is set (it is on these machines) and no bytecode
    file exists, each start compiles every module from source: 0.2 s of CPU
    here that an installed package does not spend. Returns a line for the
    environment list.
    """
    import compileall

    import emailpro_core

    folder = Path(emailpro_core.__file__).parent
    compileall.compile_dir(folder, quiet=1)
    flag = os.environ.get("PYTHONDONTWRITEBYTECODE", "")
    return f"package modules compiled beforehand (PYTHONDONTWRITEBYTECODE={flag or 'unset'})"


def command_start(repeat: int = 5) -> str:
    """The CPU time of starting the command: ``import emailpro_core.cli`` in a fresh interpreter.

    The median over ``repeat`` fresh processes (user + system, from the
    children's resource usage), and whether dnspython's resolver was loaded.
    Returns a line for the environment list.
    """
    probe = "import sys, emailpro_core.cli; print('dns.resolver' in sys.modules)"
    seconds, loaded = [], ""
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        seconds.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        loaded = done.stdout.strip()
    spread = ", ".join(f"{s:.2f}" for s in sorted(seconds))
    return (
        f"command start (import emailpro_core.cli): median {statistics.median(seconds):.2f} s "
        f"of CPU ({spread}); dnspython's resolver loaded: {loaded}"
    )


def print_environment() -> None:
    """Print :func:`environment` as one line per key."""
    for key, value in environment().items():
        print(f"- {key}: {value}")


def add_common_options(parser: argparse.ArgumentParser) -> None:
    """``--repeat`` and ``--json``."""
    parser.add_argument("--repeat", type=int, default=3, help="repeats per method (median)")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")


def save_results(path: Path | None, name: str, results: Iterable[Result], **more: Any) -> None:
    """Write the results (and ``more``) as JSON to ``path``, when given."""
    if path is None:
        return
    data = {
        "benchmark": name,
        "environment": environment(),
        "results": [r.to_dict() for r in results],
        **more,
    }
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")


def _address_host(address: object) -> str | None:
    if isinstance(address, tuple) and address and isinstance(address[0], str):
        return address[0]
    return None


class LoopbackGuard:
    """Refuses every socket address but 127.0.0.1, and counts what is sent there.

    An audit hook (PEP 578) sees every ``connect``, ``sendto`` and
    ``getaddrinfo`` of this process (and of forked children), the peers'
    libraries included; any other address raises ``PermissionError`` (an
    ``OSError``, which the libraries treat as a network failure) and is listed
    in :attr:`refused`. :attr:`datagrams` counts ``sendto`` calls to
    127.0.0.1 (one per UDP query of an unconnected socket, as dnspython sends
    them) and :attr:`connections` TCP and UDP ``connect`` calls.
    """

    def __init__(self) -> None:
        self.refused: list[str] = []
        self.datagrams = 0
        self.connections = 0
        sys.addaudithook(self._hook)

    def _hook(self, event: str, args: tuple[Any, ...]) -> None:
        if event == "socket.sendto" or event == "socket.connect":
            host = _address_host(args[1])
        elif event == "socket.getaddrinfo":
            host = args[0] if isinstance(args[0], str) else None
        else:
            return
        if host is None:
            return
        if host != LOOPBACK:
            self.refused.append(f"{event} {host}")
            raise PermissionError(f"benchmarks talk to {LOOPBACK} only, not {host}")
        if event == "socket.sendto":
            self.datagrams += 1
        elif event == "socket.connect":
            self.connections += 1

    def sent(self) -> int:
        """UDP datagrams sent with ``sendto`` plus connections opened, so far."""
        return self.datagrams + self.connections


def _where(key: tuple[str, int, str]) -> str:
    path, line, func = key
    if path == "~":
        return func  # a built-in
    marker = "emailpro_core/"
    if marker in path:
        return (
            f"emailpro_core.{path.split(marker, 1)[1].removesuffix('.py').replace('/', '.')}.{func}"
        )
    for lib in ("site-packages/", "/lib/python3."):
        if lib in path:
            tail = path.split(lib, 1)[1]
            if lib != "site-packages/":
                tail = tail.split("/", 1)[1] if "/" in tail else tail
            return f"{tail.removesuffix('.py').replace('/', '.')}.{func}"
    return f"{Path(path).stem}.{func}:{line}"


def profile_tables(run: Callable[[], object], *, items: int, limit: int = 20) -> str:
    """Profile ``run()`` with cProfile; Markdown tables of where the time goes.

    Two tables: functions by their own CPU time (every module), and the package's
    functions by cumulative CPU time (time spent in them and what they call).
    Shares are of the profiled total; "µs/item" divides by ``items``. cProfile
    slows Python code about 2–4×, unevenly: read shares, not absolute times.
    """
    import cProfile
    import pstats

    # CPU time, not wall time: on a shared machine, time spent descheduled (NSD or
    # another process running on our core) must not be charged to a function.
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    run()
    profiler.disable()
    stats = pstats.Stats(profiler)
    entries: dict[tuple[str, int, str], tuple[int, float, float]] = {
        key: (value[1], value[2], value[3])
        for key, value in stats.stats.items()  # type: ignore[attr-defined]
    }
    total = max(stats.total_tt, 1e-9)  # type: ignore[attr-defined]

    def rows(chosen: list[tuple[tuple[str, int, str], tuple[int, float, float]]]) -> list[str]:
        out = ["| function | calls/item | own % | cumulative % | cumulative µs/item |"]
        out.append("|---|---:|---:|---:|---:|")
        for key, (calls, own, cumulative) in chosen:
            out.append(
                f"| `{_where(key)}` | {calls / items:.2f} | {own / total:.1%} | "
                f"{cumulative / total:.1%} | {cumulative / items * 1e6:,.0f} |"
            )
        return out

    by_own = sorted(entries.items(), key=lambda kv: -kv[1][1])[:limit]
    ours = [kv for kv in entries.items() if "emailpro_core/" in kv[0][0]]
    by_cumulative = sorted(ours, key=lambda kv: -kv[1][2])[:limit]
    lines = [f"Profiled CPU total: {total:.2f} s for {items:,} items.", "", "By own time:", ""]
    lines += rows(by_own)
    lines += ["", "emailpro_core functions by cumulative time:", ""]
    lines += rows(by_cumulative)
    return "\n".join(lines)
