"""How the time a parser takes grows with its input: doubling it must about double the time.

DNS data is hostile: a record or an answer is whatever a domain owner (or a
forger) writes, up to the 65,535 octets a TCP message holds (RFC 1035 §4.2.2).
A parser that backtracks, or copies what is left at each step, takes time that
grows with the square of that: 64 KiB then blocks the event loop for seconds.

The timings hold on a loaded two-core machine: they are the thread's CPU time
(waiting for a core is not counted), each size timed as the best of several
rounds that time every size in turn, with the garbage collector off; the
smallest size is large enough for the work to dwarf the timer's noise (and a
time under :data:`FLOOR` counts as that floor); and the
bound is loose, ``time(2n) / time(n) < 3.5`` for each doubling, where linear
work gives about 2 and quadratic work about 4, and the time of the largest input
under 16 times that of the smallest (eight times the input: linear work gives
about 8, quadratic work 64). A cache or a slow spell that stretches one doubling
of linear work past 3 stays within both; a quadratic parser fails the second
even where its linear part hides it at the smallest sizes. A series that fails
is measured again, twice: noise does not repeat itself, a quadratic parser does.
"""

from __future__ import annotations

import gc
import itertools
import math
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

__all__ = [
    "FLOOR",
    "MAX_GROWTH",
    "MAX_RATIO",
    "SIZES",
    "SLOW",
    "assert_linear",
    "best_time",
    "best_times",
    "ratios",
]

T = TypeVar("T")

#: The input sizes, in octets: from 8 KiB, doubling up to 64 KiB (the most a TCP
#: answer holds, RFC 1035 §4.2.2).
SIZES = (8 * 1024, 16 * 1024, 32 * 1024, 64 * 1024)
#: time(2n) / time(n) must stay below this (linear: about 2; quadratic: about 4).
MAX_RATIO = 3.5
#: time(largest) / time(smallest) must stay below this, for inputs eight times as
#: large (linear: about 8; quadratic: about 64).
MAX_GROWTH = 16.0
_RUNS = 7
_ATTEMPTS = 3
# Times below this count as this: work that stops early (a record refused at its
# first characters) takes microseconds at every size, and their ratio is noise.
# Quadratic work at 8 KiB takes a thousand times as long.
FLOOR = 2e-4
# A time above this is measured once: linear work on 64 KiB takes a few
# milliseconds; quadratic work takes seconds, and timing it seven times over
# would only make a failing test slow.
SLOW = 0.25


def best_time(work: Callable[[T], object], value: T, *, runs: int = _RUNS) -> float:
    """The least CPU time ``work(value)`` took over ``runs`` runs, in seconds."""
    return min(best_times(work, [value], runs=runs))


def best_times(
    work: Callable[[T], object], values: Sequence[T], *, runs: int = _RUNS
) -> list[float]:
    """The least CPU time ``work(value)`` took, for each value, over ``runs`` rounds.

    The thread's CPU time, not the clock's: time spent waiting for a core while
    other processes run is not counted. Each round times every value once, so a
    slow spell of the machine falls on all sizes alike, not on one.
    """
    best = [float("inf")] * len(values)
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(runs):
            for index, value in enumerate(values):
                if SLOW < best[index] < float("inf"):
                    continue  # noise is small beside it: once is enough
                started = time.thread_time()
                work(value)
                best[index] = min(best[index], time.thread_time() - started)
    finally:
        if enabled:
            gc.enable()
    return best


def ratios(
    work: Callable[[T], object], build: Callable[[int], T], sizes: Sequence[int] = SIZES
) -> list[float]:
    """time(size[i + 1]) / time(size[i]) for the inputs ``build(size)``."""
    return _series(work, build, sizes)[0]


def _series(
    work: Callable[[T], object], build: Callable[[int], T], sizes: Sequence[int]
) -> tuple[list[float], float]:
    """The ratios, and the time of the largest input."""
    inputs = [build(size) for size in sizes]
    work(inputs[0])  # warm up: caches, lazy imports, compiled patterns
    times = [max(spent, FLOOR) for spent in best_times(work, inputs)]
    found = [later / earlier for earlier, later in itertools.pairwise(times)]
    return found, times[-1]


def assert_linear(
    work: Callable[[T], object], build: Callable[[int], T], sizes: Sequence[int] = SIZES
) -> list[float]:
    """Fail unless the time grows about linearly with the input; the ratios seen.

    Every doubling must take less than :data:`MAX_RATIO` times as long, and the
    largest input less than :data:`MAX_GROWTH` times the smallest.

    The input of each size is ``build(size)``. A series over the bound is
    measured again (three series in all) before the test fails.
    """
    seen: list[list[float]] = []
    for _ in range(_ATTEMPTS):
        found, largest = _series(work, build, sizes)
        if max(found) < MAX_RATIO and math.prod(found) < MAX_GROWTH:
            return found
        seen.append(found)
        if largest > SLOW and math.prod(found) > 2 * MAX_GROWTH:
            # Clearly quadratic and slow: measuring again only makes the failure slower.
            # A slow run near the bound (coverage tracing, a loaded machine) is measured again.
            break
    shown = "; ".join(", ".join(f"{r:.2f}" for r in series) for series in seen)
    raise AssertionError(
        f"time(2n)/time(n) reached {MAX_RATIO}, or time(largest)/time(smallest) "
        f"{MAX_GROWTH}, for sizes {list(sizes)}: ratios {shown}"
    )
