"""Properties of the transport's timeouts (``Deadlines``), on a simulated clock.

Whatever order the times come in, and whether a question timed out is sent
again from within the expiry, every question still waiting times out at its
own time: never before, and no later than the next expiry after it.
"""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Callable
from typing import Any, cast

from hypothesis import example, given
from hypothesis import strategies as st

from emailpro_core.sources._wire.timers import Deadlines


class _Handle:
    def __init__(self, when: float, callback: Callable[[], None]) -> None:
        self.when = when
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class _Clock:
    """The two methods of an event loop that ``Deadlines`` uses, on a simulated clock."""

    def __init__(self) -> None:
        self.now = 0.0
        self.timers: list[_Handle] = []

    def time(self) -> float:
        return self.now

    def call_at(self, when: float, callback: Callable[[], None]) -> _Handle:
        handle = _Handle(when, callback)
        self.timers.append(handle)
        return handle

    def run_next(self) -> bool:
        """Move the clock to the earliest live timer and fire it; False when none is left."""
        live = [t for t in self.timers if not t.cancelled]
        if not live:
            return False
        first = min(live, key=lambda t: t.when)
        self.timers.remove(first)
        self.now = max(self.now, first.when)
        first.callback()
        return True


class _Port:
    def __init__(self) -> None:
        self.pending: dict[int, Any] = {}


class _Q:
    """A question: what it stands for, and when its try ends (set by Deadlines.add)."""

    def __init__(self, what: Any) -> None:
        self.what = what
        self.ends = 0.0


@given(
    times=st.lists(st.integers(min_value=1, max_value=50), min_size=1, max_size=30),
    again=st.sets(st.integers(min_value=0, max_value=29)),
    answered=st.sets(st.integers(min_value=0, max_value=29)),
)
@example(times=[1, 2], again={0}, answered=set())  # sent again while an earlier one waits
def test_every_waiting_question_times_out_at_its_time(
    times: list[int], again: set[int], answered: set[int]
) -> None:
    clock = _Clock()
    port = _Port()
    ended: list[tuple[int, float]] = []
    due: dict[int, float] = {}
    deadlines: Deadlines

    def timed_out(_port: object, question: _Q) -> None:
        index, tries = question.what
        ended.append((index, clock.now))
        assert clock.now >= due[index]  # never before its time
        if index in again and tries == 0:
            # Sent again from within the expiry, under a new ID, 7 ticks later.
            qid = 1000 + index
            again_question = _Q((index, 1))
            port.pending[qid] = again_question
            due[index] = clock.now + 7
            deadlines.add(again_question, port, qid, due[index])

    deadlines = Deadlines(cast(asyncio.AbstractEventLoop, clock), timed_out)
    for index, when in enumerate(times):
        question = _Q((index, 0))
        port.pending[index] = question
        due[index] = float(when)
        deadlines.add(question, port, index, float(when))
    for index in answered:
        port.pending.pop(index, None)  # answered: never timed out
    while clock.run_next():
        pass
    expected = {i for i in range(len(times)) if i not in answered}
    assert {i for i, _ in ended} == expected
    assert [at for _, at in ended] == sorted(at for _, at in ended)
    for index, at in ended:
        # No later than its own time: the timer fired exactly then.
        assert at in (float(times[index]), float(times[index]) + 7)
    assert not port.pending


def test_a_question_sent_again_does_not_delay_an_earlier_one() -> None:
    """Sent again during an expiry, a question must not push back the timer of one due sooner."""
    clock = _Clock()
    port = _Port()
    ended: list[tuple[str, float]] = []
    deadlines: Deadlines

    def timed_out(_port: object, question: _Q) -> None:
        ended.append((question.what, clock.now))
        if question.what == "first":
            port.pending[9] = again = _Q("first again")
            deadlines.add(again, port, 9, clock.now + 10)

    deadlines = Deadlines(cast(asyncio.AbstractEventLoop, clock), timed_out)
    first, second = _Q("first"), _Q("second")
    port.pending = {1: first, 2: second}
    deadlines.add(first, port, 1, 1.0)
    deadlines.add(second, port, 2, 2.0)
    while clock.run_next():
        pass
    assert [("first", 1.0), ("second", 2.0), ("first again", 11.0)] == ended


def test_out_of_order_times_come_out_in_order() -> None:
    """A time earlier than the last one added (a lookup ending sooner) is kept in order."""
    clock = _Clock()
    port = _Port()
    ended: list[float] = []
    deadlines = Deadlines(
        cast(asyncio.AbstractEventLoop, clock), lambda _p, _q: ended.append(clock.now)
    )
    for qid, when in enumerate([5.0, 9.0, 3.0, 7.0, 3.0, 12.0]):
        port.pending[qid] = question = _Q(qid)
        deadlines.add(question, port, qid, when)
    while clock.run_next():
        pass
    assert [3.0, 3.0, 5.0, 7.0, 9.0, 12.0] == ended


def test_a_question_sent_again_under_the_same_id_times_out_once_at_its_new_time() -> None:
    """The entry of an earlier try under the same ID is stale: the question is due later now."""
    clock = _Clock()
    port = _Port()
    ended: list[float] = []
    deadlines = Deadlines(
        cast(asyncio.AbstractEventLoop, clock), lambda _p, _q: ended.append(clock.now)
    )
    question = _Q("again")
    port.pending[7] = question
    deadlines.add(question, port, 7, 1.0)
    deadlines.add(question, port, 7, 5.0)  # its next try, drawn the same ID
    while clock.run_next():
        pass
    assert [5.0] == ended


def test_an_answered_question_is_not_kept_by_its_deadline() -> None:
    """Once off the table, a question is freed at once, not when its time would have come."""

    class Question:
        def __init__(self) -> None:
            self.ends = 0.0

    clock = _Clock()
    port = _Port()
    deadlines = Deadlines(cast(asyncio.AbstractEventLoop, clock), lambda _p, _q: None)
    question = Question()
    port.pending[3] = question
    deadlines.add(question, port, 3, 2.0)
    alive = weakref.ref(question)
    del port.pending[3], question  # answered
    gc.collect()
    assert alive() is None
    assert clock.run_next()  # the stale entry fires nothing
    assert not clock.run_next()
