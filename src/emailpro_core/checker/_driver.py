"""Driving one domain's checks over an async source: answers in, checks advanced.

:class:`Driver` runs every check of a domain side by side. A check goes on as
soon as the answers to its batch are in, and each question is asked once per
domain, whichever checks ask it. An :class:`~emailpro_core.sources.AsyncStubSource`
is asked by callback (no task, future or closure per question); any other async
source gets a task per question. What a source raises becomes an answer
(:func:`raised`), so a check that needed it is ``UNKNOWN``, not a crashed run.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable

from ..sources._answers import (
    Answer,
    AnswerStatus,
    AsyncRecordSource,
    FailureCause,
    Query,
    Resolution,
)
from ..sources._stub import AsyncStubSource, QueryThen
from ._findings import Finding

#: How much of a source's exception text a message repeats.
_SHOWN_ERROR = 100


def raised(query: Query, error: Exception, /) -> Answer:
    """The answer to ``query`` when the source raised ``error``: ``FAILURE``, cause ``OTHER``.

    A source's exception (a source of one's own, a bug) must not end a run over
    thousands of domains, nor read as a missing record: the checks that needed
    the answer are ``UNKNOWN``, and the message names the exception's type.
    """
    text = " ".join(str(error).split())
    if len(text) > _SHOWN_ERROR:
        text = text[: _SHOWN_ERROR - 3] + "..."
    detail = f"the record source raised {type(error).__name__}" + (f": {text}" if text else "")
    return Answer(query, AnswerStatus.FAILURE, cause=FailureCause.OTHER, detail=detail)


def _query_then(source: AsyncRecordSource, loop: asyncio.AbstractEventLoop) -> QueryThen | None:
    """What asks ``source`` a ``Query`` by callback, if it can; ``None``: a task per lookup.

    Only an :class:`~emailpro_core.sources.AsyncStubSource` whose lookups are the shared
    ones qualifies: a subclass that overrides ``lookup_then`` or ``lookup_async``
    (to count, to fail on purpose) is asked through those. The source is told
    ``loop``, the running one, once, rather than looking it up at every question
    (a system call each in CPython 3.11).
    """
    if not isinstance(source, AsyncStubSource):
        return None
    kind = type(source)
    if kind.lookup_then is AsyncStubSource.lookup_then and (
        kind.lookup_async is AsyncStubSource.lookup_async
    ):
        return functools.partial(source._query_then_in, loop)
    return None


#: What a lookup ended with: its answer, or what ended it (a cancellation; what
#: a source raised, which :func:`_settled` turns into an answer).
_Outcome = Answer | BaseException


def _outcome(task: asyncio.Task[Answer]) -> _Outcome:
    if task.cancelled():
        return asyncio.CancelledError()
    return task.exception() or task.result()


def _settled(query: Query, outcome: _Outcome) -> _Outcome:
    """An exception from the source is the answer :func:`raised` makes; a cancellation stays."""
    return raised(query, outcome) if isinstance(outcome, Exception) else outcome


class _Arrival:
    """Hands a question's outcome to the driver that asked it (:meth:`Driver._arrived`).

    A closure over the driver, key and query was five objects the garbage
    collector tracks, kept while the question is in flight, so promoted by its
    young collections: what brings the full collections on.
    """

    __slots__ = ("driver", "key", "query")

    def __init__(self, driver: Driver, key: tuple[str, str], query: Query) -> None:
        self.driver = driver
        self.key = key
        self.query = query

    def __call__(self, outcome: _Outcome) -> None:
        self.driver._arrived(self.key, _settled(self.query, outcome))


class Driver:
    """One domain's checks over an async source, advanced by callbacks, not a task per check.

    A check goes on as soon as the answers to its batch are in, so a slow name
    holds back only the checks that asked it. Each question is asked once per
    domain, whichever checks ask it. Tasks, futures and event-loop turns are the
    main cost of a bulk run: a source with ``lookup_then`` is driven without any
    per lookup; any other async source gets a task per question.
    """

    def __init__(self, source: AsyncRecordSource) -> None:
        self._source = source
        #: The loop it runs in, looked up once a domain.
        self.loop = asyncio.get_running_loop()
        self._then = _query_then(source, self.loop)
        self._tasks: list[asyncio.Task[Answer]] = []
        # Per question (name, type): its outcome, or the checks waiting for it.
        self._asked: dict[tuple[str, str], _Outcome | list[int]] = {}
        self._running: dict[int, Resolution[tuple[Finding, ...]]] = {}
        # Per check waiting: its batch, and how many of its answers are still out.
        self._batches: dict[int, tuple[Query, ...]] = {}
        self._missing: dict[int, int] = {}
        self.results: dict[int, tuple[Finding, ...]] = {}
        self.error: BaseException | None = None
        #: Done when every check has finished, or one raised.
        self.finished: asyncio.Future[None] = self.loop.create_future()

    def _task_then(self, query: Query, done: Callable[[_Outcome], None]) -> None:
        task = self.loop.create_task(self._source.lookup_async(query.name, query.rdtype))
        self._tasks.append(task)
        task.add_done_callback(lambda ended: done(_outcome(ended)))

    def start(self, resolutions: list[Resolution[tuple[Finding, ...]]]) -> None:
        """Run each check until it waits for answers (or ends)."""
        # All are registered first: the run is finished when none is left running.
        self._running = dict(enumerate(resolutions))
        for index in range(len(resolutions)):
            self._advance(index, None)

    def _ask(self, query: Query, index: int) -> bool:
        """Ask ``query`` for check ``index``; whether its outcome is known already."""
        key = (query.name, query.rdtype)
        found = self._asked.get(key)
        if found is None:
            self._asked[key] = [index]
            then = self._then or self._task_then
            answer = then(query, _Arrival(self, key, query))
            if answer is None:
                return False
            self._asked[key] = answer
            return True
        if isinstance(found, list):
            found.append(index)
            return False
        return True

    def _arrived(self, key: tuple[str, str], outcome: _Outcome) -> None:
        waiting = self._asked.get(key)
        self._asked[key] = outcome
        if not isinstance(waiting, list) or self.finished.done():
            return
        for index in waiting:
            self._missing[index] -= 1
            if not self._missing[index] and index in self._running and not self.finished.done():
                self._advance(index, self._batches.pop(index))

    def _advance(self, index: int, batch: tuple[Query, ...] | None) -> None:
        """Give a check the outcomes of ``batch`` (none: start it); go on until it waits."""
        resolution = self._running[index]
        asked = self._asked
        try:
            while True:
                if batch is None:
                    batch = next(resolution)
                else:
                    answers = []
                    for query in batch:
                        outcome = asked[(query.name, query.rdtype)]
                        if isinstance(outcome, BaseException):
                            raise outcome
                        assert isinstance(outcome, Answer)  # not waiting: the batch is in
                        answers.append(outcome)
                    batch = resolution.send(tuple(answers))
                missing = 0
                for query in batch:
                    if not self._ask(query, index):
                        missing += 1
                if missing:
                    self._batches[index] = batch
                    self._missing[index] = missing
                    return
        except StopIteration as done:
            self.results[index] = done.value
        except asyncio.CancelledError:
            pass  # a lookup cancelled by someone else: the check did not finish
        except Exception as error:  # a bug in a check (not a source's: see _settled): raised
            self.error = error
        del self._running[index]
        if (self.error is not None or not self._running) and not self.finished.done():
            self.finished.set_result(None)

    def stop_waiting(self) -> None:
        """End the wait for the checks (the deadline passed); those unfinished stay so."""
        if not self.finished.done():
            self.finished.set_result(None)

    async def close(self) -> None:
        """Stop the checks still running and the lookup tasks still in flight.

        Lookups by callback go on: their answers are cached for whoever asks next.
        """
        for resolution in self._running.values():
            resolution.close()
        self._running.clear()
        self.stop_waiting()
        # Usually every task is done by now: nothing to cancel, nothing to wait for.
        tasks = [task for task in self._tasks if not task.done()]
        if tasks:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
