"""When the questions of :class:`~emailpro_core.sources._wire.stubasync.AsyncStubTransport` time
out: one timer for all.

A question waits ``timeout`` for each try, and no longer than its lookup's own
deadline: the times are kept in a heap, and one timer is set for the earliest.
A question answered (or sent again under a new ID) is not taken out: its entry
is dropped when it comes to the front, cheaper than a removal each. An entry
does not hold its question either (only the socket and the message ID), so an
answered question and all it refers to are freed at once rather than when its
time would have come: at thousands of questions a second, the garbage
collector otherwise walks every question of the last ``timeout`` seconds.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol


class Timed(Protocol):
    """A question: when its current try times out (set by :meth:`Deadlines.add`)."""

    ends: float


class Waiting(Protocol):
    """A socket: the questions that wait on it, by message ID."""

    pending: dict[int, Any]


class Deadlines:
    """When each question times out, with one timer for them all.

    ``timed_out(port, question)`` is called for a question still waiting on
    ``port`` under the same ID, due at the same time, when that time comes (it
    is taken off the table first). An entry whose question was answered, or
    sent again (a new ID, a new time), is stale: whatever waits under its ID
    now is due at another time, or nothing does.

    Nearly every question times out ``timeout`` after it is sent, so the times
    come in order: those go to a queue, O(1) each. A question whose lookup ends
    sooner (its last try, a CNAME target asked late) may come out of order; those
    go to a heap. The earliest of the two heads sets the timer.
    """

    def __init__(
        self, loop: asyncio.AbstractEventLoop, timed_out: Callable[[Any, Any], None]
    ) -> None:
        self._loop = loop
        self._timed_out = timed_out
        self._queue: deque[tuple[float, Waiting, int]] = deque()
        self._heap: list[tuple[float, int, Waiting, int]] = []
        self._order = itertools.count()
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = math.inf

    def add(self, question: Timed, port: Waiting, qid: int, when: float) -> None:
        """Time ``question`` (under ID ``qid``, on ``port``) out at ``when``."""
        question.ends = when
        queue = self._queue
        if not queue or queue[-1][0] <= when:
            queue.append((when, port, qid))
        else:
            heapq.heappush(self._heap, (when, next(self._order), port, qid))
        if when < self._timer_at:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = self._loop.call_at(when, self._expire)
            self._timer_at = when

    def _expire(self) -> None:
        # No timer is set by a question sent again from here (its try may end
        # later than another question still queued): the heads decide at the end.
        self._timer, self._timer_at = None, -math.inf
        now = self._loop.time()
        queue, heap = self._queue, self._heap
        while queue:
            when, port, qid = queue[0]
            question = port.pending.get(qid)
            if question is None or question.ends != when:
                queue.popleft()  # answered, or sent again under a new ID
            elif when <= now:
                queue.popleft()
                del port.pending[qid]
                self._timed_out(port, question)
            else:
                break
        while heap:
            when, _, port, qid = heap[0]
            question = port.pending.get(qid)
            if question is None or question.ends != when:
                heapq.heappop(heap)
            elif when <= now:
                heapq.heappop(heap)
                del port.pending[qid]
                self._timed_out(port, question)
            else:
                break
        first = min(queue[0][0] if queue else math.inf, heap[0][0] if heap else math.inf)
        self._timer_at = first
        if first < math.inf:
            self._timer = self._loop.call_at(first, self._expire)

    def cancel(self) -> None:
        """Stop the timer (the sockets are closed)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer, self._timer_at = None, math.inf
        self._queue.clear()
        self._heap.clear()
