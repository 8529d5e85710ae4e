"""Running the checks of one domain, sync or async, within a deadline.

Every check is one resolution, written once. :func:`run_sync_checks` runs them
one after the other over a sync source; :func:`run_async_checks` runs each as its
own task over an async source, so a slow name holds back only the checks that ask
it. Either way a question is sent once per domain, and :func:`assemble` turns
what finished into a :class:`~emailpro_core.checker.Diagnosis`: a check cut
short by the deadline is ``UNKNOWN`` with cause ``"deadline"``.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable

from ..i18n._catalog import register
from ..records import OVH_EMAIL_PRO, DomainSetup, Profile, expected_records
from ..sources._answers import (
    Answer,
    AnswerStatus,
    AsyncRecordSource,
    FailureCause,
    Query,
    RecordSource,
    Resolution,
)
from ..sources._memtable import direct_answerer
from ..sources._stub import AsyncStubSource, QueryThen
from ._checks.base import Context, absolute
from ._checks.dkim import check_dkim
from ._checks.dmarc import check_dmarc
from ._checks.mx import check_exists, check_mx
from ._checks.relay import check_relay, relay_host
from ._checks.sender import ProviderSender
from ._checks.spf import check_spf
from ._checks.srv import check_autodiscover, check_ownership
from ._diagnosis import Diagnosis
from ._findings import DEADLINE, Check, Finding, Status
from ._make import finding

_Run = Callable[[Context, ProviderSender | None], Resolution[tuple[Finding, ...]]]

#: The checks, in report order. The domain check comes first: when the domain
#: does not exist, the other checks are skipped.
_CHECKS: tuple[tuple[Check, _Run], ...] = (
    (Check.DOMAIN, lambda ctx, _: check_exists(ctx)),
    (Check.MX, lambda ctx, _: check_mx(ctx)),
    (Check.SPF, check_spf),
    (Check.AUTODISCOVER, lambda ctx, _: check_autodiscover(ctx)),
    (Check.OWNERSHIP, lambda ctx, _: check_ownership(ctx)),
    (Check.DKIM, lambda ctx, _: check_dkim(ctx)),
    (Check.DMARC, lambda ctx, _: check_dmarc(ctx)),
    (Check.RELAY, lambda ctx, _: check_relay(ctx)),
)


def make_context(setup: DomainSetup, /, *, profile: Profile = OVH_EMAIL_PRO) -> Context:
    """The context of one domain: its setup, the profile and its expected records.

    Raises:
        InvalidSetup: the setup contradicts itself or the profile.
        TypeError: ``setup`` is not a :class:`~emailpro_core.records.DomainSetup`.
    """
    return Context(setup, profile, expected_records(setup, profile=profile))


#: The findings of checks that did not run: the domain does not exist, or time ran out.
MESSAGES = register(
    {
        "finding.dns.skipped": "not checked: the domain does not exist",
        "checker.reason.no_zone_yet": (
            "there is no zone to change yet: create it, then check again"
        ),
        "finding.dns.unknown:deadline": "not finished within the deadline of {deadline} s",
        "checker.reason.deadline": (
            "the check did not finish, so nothing is known to be wrong: "
            "retry with a longer deadline"
        ),
    }
)

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


def _missing(results: dict[int, tuple[Finding, ...]]) -> bool:
    return any(f.code == "domain.nxdomain" for f in results.get(0, ()))


def assemble(
    ctx: Context, results: dict[int, tuple[Finding, ...]], /, *, deadline: float | None
) -> Diagnosis:
    """The diagnosis from the finished checks; an unfinished one ran out of time."""
    missing = _missing(results)
    findings: list[Finding] = []
    for index, (check, _) in enumerate(_CHECKS):
        if check is Check.RELAY and relay_host(ctx.setup) is None:
            continue  # only a non-authoritative domain with a relay target has one
        if index and missing:
            findings.append(
                finding(
                    check,
                    Status.SKIPPED,
                    "dns.skipped",
                    absolute(ctx.domain),
                    {"name": absolute(ctx.domain)},
                    reason="checker.reason.no_zone_yet",
                )
            )
        elif index in results:
            findings.extend(results[index])
        else:
            findings.append(
                finding(
                    check,
                    Status.UNKNOWN,
                    "dns.unknown",
                    absolute(ctx.domain),
                    {"deadline": deadline, "cause": DEADLINE},
                    variant="deadline",
                    cause=DEADLINE,
                    reason="checker.reason.deadline",
                )
            )
    return Diagnosis(ctx.domain, tuple(findings))


def _drive(
    resolution: Resolution[tuple[Finding, ...]],
    source: RecordSource,
    known: dict[tuple[str, str], Answer],
    until: float | None,
    direct: Callable[[Query], Answer] | None = None,
) -> tuple[Finding, ...] | None:
    """Run one check; ``None`` when the deadline passed first. Answers are kept in ``known``.

    ``direct`` is ``direct_answerer(source)`` when it is one, to skip rebuilding questions.
    """
    try:
        batch = next(resolution)
        while True:
            answers = []
            for query in batch:
                # Keyed by (name, type), as Query equality does, without its __eq__ calls.
                key = (query.name, query.rdtype)
                answer = known.get(key)
                if answer is None:
                    if until is not None and time.monotonic() >= until:
                        return None
                    try:
                        answer = (
                            source.lookup(query.name, query.rdtype)
                            if direct is None
                            else direct(query)
                        )
                    except Exception as error:  # a source's bug: this answer is unknown
                        answer = raised(query, error)
                    known[key] = answer
                answers.append(answer)
            batch = resolution.send(tuple(answers))
    except StopIteration as done:
        findings: tuple[Finding, ...] = done.value
        return findings
    finally:
        resolution.close()


def run_sync_checks(ctx: Context, source: RecordSource, /, *, deadline: float | None) -> Diagnosis:
    """Diagnose one prepared domain over a sync source, one check after the other.

    A question two checks ask is sent once. The deadline is checked before each
    lookup; the checks finished by then are kept. When the domain does not
    exist, the other checks are not run.
    """
    until = None if deadline is None else time.monotonic() + deadline
    known: dict[tuple[str, str], Answer] = {}
    results: dict[int, tuple[Finding, ...]] = {}
    direct = direct_answerer(source)
    for index, (_, run) in enumerate(_CHECKS):
        findings = _drive(run(ctx, None), source, known, until, direct)
        if findings is None:
            break
        results[index] = findings
        # Only the domain check (the first) can find the domain missing.
        if not index and _missing(results):
            break
    return assemble(ctx, results, deadline=deadline)


def _query_then(
    source: AsyncRecordSource, loop: asyncio.AbstractEventLoop | None = None
) -> QueryThen | None:
    """What asks ``source`` a ``Query`` by callback, if it can; ``None``: a task per lookup.

    Only an :class:`~emailpro_core.sources.AsyncStubSource` whose lookups are the shared
    ones qualifies: a subclass that overrides ``lookup_then`` or ``lookup_async``
    (to count, to fail on purpose) is asked through those. Given the running
    ``loop``, the source is told it once rather than looking it up at every
    question (a system call each in CPython 3.11).
    """
    if not isinstance(source, AsyncStubSource):
        return None
    kind = type(source)
    if kind.lookup_then is AsyncStubSource.lookup_then and (
        kind.lookup_async is AsyncStubSource.lookup_async
    ):
        return source.query_then if loop is None else functools.partial(source._query_then_in, loop)
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
    """Hands a question's outcome to the driver that asked it (:meth:`_Driver._arrived`).

    A closure over the driver, key and query was five objects the garbage
    collector tracks, kept while the question is in flight, so promoted by its
    young collections: what brings the full collections on.
    """

    __slots__ = ("driver", "key", "query")

    def __init__(self, driver: _Driver, key: tuple[str, str], query: Query) -> None:
        self.driver = driver
        self.key = key
        self.query = query

    def __call__(self, outcome: _Outcome) -> None:
        self.driver._arrived(self.key, _settled(self.query, outcome))


class _Driver:
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


async def run_async_checks(
    ctx: Context,
    source: AsyncRecordSource,
    /,
    *,
    deadline: float | None,
    sender: ProviderSender | None = None,
) -> Diagnosis:
    """Diagnose one prepared domain over an async source, within ``deadline`` seconds.

    The checks run side by side, so a slow name holds back only the checks that
    ask it; a question two checks ask is sent once.
    """
    driver = _Driver(source)
    timer: asyncio.TimerHandle | None = None
    try:
        driver.start([run(ctx, sender) for _, run in _CHECKS])
        if not driver.finished.done():
            # A timer, not asyncio.wait(timeout=...): two coroutines, a closure
            # and a future a domain, kept (and walked by the collector) while it runs.
            if deadline is not None:
                timer = driver.loop.call_later(deadline, driver.stop_waiting)
            await driver.finished
    finally:
        if timer is not None:
            timer.cancel()
        await driver.close()
    if driver.error is not None:
        raise driver.error
    return assemble(ctx, driver.results, deadline=deadline)
