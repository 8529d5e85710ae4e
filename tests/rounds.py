"""Counting the dependent rounds of questions a diagnosis needs, on a virtual clock.

Over a resolver ``r`` seconds away, a domain takes at least ``rounds × r``:
a question asked only after another's answer (the A and AAAA of a foreign MX
host after the MX, an SPF include after the record that names it, the TXT
behind a DKIM CNAME) waits one round trip more. :class:`RoundSource` is an async
source that answers nothing until everything the event loop can run has run,
then answers every question asked so far at once, as one round trip: the
round in which a question went out is then its depth on the critical path, and
the number of rounds is the length of that path. No wall clock is involved, so
the count is the same on a loaded machine as on an idle one.

Used by ``tests/test_checker_rounds.py`` (which pins the count of the example
domain) and by ``benchmarks/bench_latency.py`` (which reports it per domain).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import attrs

from emailpro_core.sources._answers import Answer, Query, RecordSource

__all__ = ["RoundSource", "Rounds", "count_rounds"]

T = TypeVar("T")

#: Event-loop turns a round waits for the callbacks and tasks its answers wake to
#: settle. An answer reaches the check that asked for it through a few turns
#: (future, task step, callback); the checks' own chains are short.
_SETTLE_TURNS = 50


@attrs.frozen
class Rounds:
    """The questions of one run, by the round they went out in (0: the first).

    Attributes:
        asked: ``(round, query)`` for every question, in the order asked.
    """

    asked: tuple[tuple[int, Query], ...]

    @property
    def count(self) -> int:
        """How many dependent rounds the run needed (0 when nothing was asked)."""
        return 1 + max((r for r, _ in self.asked), default=-1)

    def by_round(self) -> list[list[Query]]:
        """The questions of each round, in the order asked."""
        rounds: list[list[Query]] = [[] for _ in range(self.count)]
        for index, query in self.asked:
            rounds[index].append(query)
        return rounds


class RoundSource:
    """An async source over a sync one that answers in rounds, each one round trip.

    Questions asked while the current round is open are recorded with its
    number; :meth:`answer_round` answers them all and opens the next. With a
    ``cache`` (a dict that may outlive the source, as a bulk run's cache
    outlives each domain), a question answered before is answered at once,
    costs no round, and is not recorded.
    """

    def __init__(self, inner: RecordSource, cache: dict[Query, Answer] | None = None) -> None:
        self.inner = inner
        self.cache = cache
        self.round = 0
        self.asked: list[tuple[int, Query]] = []
        self._pending: list[tuple[asyncio.Future[Answer], Query]] = []

    async def lookup_async(self, name: str, rdtype: str, /) -> Answer:
        """Record the question in the current round; answer when the round ends."""
        query = Query(name, rdtype)
        if self.cache is not None and query in self.cache:
            return self.cache[query]
        self.asked.append((self.round, query))
        waiting: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        self._pending.append((waiting, query))
        return await waiting

    def answer_round(self) -> int:
        """Answer every question of the round; how many there were."""
        pending, self._pending = self._pending, []
        self.round += 1
        for waiting, query in pending:
            answer = self.inner.lookup(query.name, query.rdtype)
            if self.cache is not None:
                self.cache[query] = answer
            if not waiting.done():
                waiting.set_result(answer)
        return len(pending)


async def _settle() -> None:
    for _ in range(_SETTLE_TURNS):
        await asyncio.sleep(0)


async def count_rounds(
    run: Callable[[RoundSource], Awaitable[T]],
    inner: RecordSource,
    /,
    *,
    cache: dict[Query, Answer] | None = None,
) -> tuple[T, Rounds]:
    """``run(source)`` over a :class:`RoundSource` of ``inner``; its result and rounds.

    ``cache``: see :class:`RoundSource`.

    Raises:
        RuntimeError: the run waits for something other than the source's answers.
    """
    source = RoundSource(inner, cache)
    task = asyncio.ensure_future(run(source))
    while True:
        await _settle()
        if task.done():
            break
        if not source.answer_round():
            task.cancel()
            raise RuntimeError("the run waits, but not for an answer of the source")
    return task.result(), Rounds(tuple(source.asked))
