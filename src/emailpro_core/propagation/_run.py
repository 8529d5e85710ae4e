"""Driving a propagation check, sync or async, and the authoritative view it diagnoses.

:func:`drive_sync` and :func:`drive_async` send the batches of
:func:`~emailpro_core.propagation._flow.gather` (one after the other, or side by side), each
question within its timeout and what is left of the overall deadline; once the
deadline has passed, a question is not sent and its reply says so, so the
steps still end, with ``UNKNOWN`` where time ran out.

:class:`ViewSource` and :class:`AsyncViewSource` are record sources over the
*authoritative view*: a name of the zone is answered by the server with the
highest serial, asked directly (what the zone says, whatever the caches hold);
any other name (the provider's hosts, an SPF include) by the first resolver.
The diagnosis of that view tells "the zone is wrong" from "the world has not
caught up yet".
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from ..sources._answers import Answer
from ..sources._livebase import chase, make_query
from ._flow import Flow, Gathered, Plan
from ._wire import Ask, Reply, ask_async, ask_sync, too_late

#: Questions in flight at once in the async driver.
MAX_IN_FLIGHT = 32


def _budget(timeout: float, until: float | None) -> float:
    """The seconds a question may take: its timeout, within the overall deadline."""
    return timeout if until is None else min(timeout, until - time.monotonic())


#: Sends one question within a budget of seconds (blocking).
SyncSend = Callable[[Ask, float], Reply]
#: Sends one question within a budget of seconds (async).
AsyncSend = Callable[[Ask, float], Awaitable[Reply]]


def drive_sync(
    flow: Flow, /, *, timeout: float, until: float | None, send: SyncSend = ask_sync
) -> Gathered:
    """Run ``flow`` with blocking questions (``send``), one after the other."""
    try:
        batch = next(flow)
        while True:
            replies = []
            for ask in batch:
                budget = _budget(timeout, until)
                replies.append(send(ask, budget) if budget > 0 else too_late(ask))
            batch = flow.send(tuple(replies))
    except StopIteration as done:
        gathered: Gathered = done.value
        return gathered


async def drive_async(
    flow: Flow, /, *, timeout: float, until: float | None, send: AsyncSend = ask_async
) -> Gathered:
    """Run ``flow`` on the running event loop (``send``), a batch's questions side by side."""
    limit = asyncio.Semaphore(MAX_IN_FLIGHT)

    async def one(ask: Ask) -> Reply:
        async with limit:
            budget = _budget(timeout, until)
            return await send(ask, budget) if budget > 0 else too_late(ask)

    try:
        batch = next(flow)
        while True:
            replies = await asyncio.gather(*(one(ask) for ask in batch))
            batch = flow.send(tuple(replies))
    except StopIteration as done:
        gathered: Gathered = done.value
        return gathered


class _View:
    """Which server a question of the diagnosis goes to, and what is known already."""

    def __init__(
        self, plan: Plan, gathered: Gathered, *, timeout: float, until: float | None
    ) -> None:
        self.zone = gathered.zone or ""
        self.reference = gathered.reference
        self.resolver = plan.resolvers[0]
        self.known = dict(gathered.known)
        self.timeout = timeout
        self.until = until

    def ask_for(self, name: str, rdtype: str) -> tuple[Ask, Reply | None]:
        """The question for ``name``/``rdtype``, and its reply if it is known already."""
        query = make_query(name, rdtype)
        inside = query.name == self.zone or query.name.endswith("." + self.zone)
        if self.reference is not None and inside:
            host, port = self.reference
            ask = Ask(host, port, query, False)
            return ask, self.known.get((query.name, query.rdtype))
        host, port = self.resolver
        return Ask(host, port, query, True), None

    def budget(self) -> float:
        """The seconds the next question may take."""
        return _budget(self.timeout, self.until)


class ViewSource:
    """A sync record source over the authoritative view (see the module)."""

    def __init__(self, view: _View, send: SyncSend = ask_sync) -> None:
        self._view = view
        self._send = send

    def _reply(self, name: str, rdtype: str) -> Reply:
        ask, reply = self._view.ask_for(name, rdtype)
        if reply is not None:
            return reply
        budget = self._view.budget()
        return self._send(ask, budget) if budget > 0 else too_late(ask)

    def lookup(self, name: str, rdtype: str, /) -> Answer:
        """The view's answer: a CNAME target the zone's server leaves open is asked on."""
        steps = chase(make_query(name, rdtype))
        try:
            question = next(steps)
            while True:
                reply = self._reply(question.name, question.rdtype)
                question = steps.send((reply.answer, reply.open_target))
        except StopIteration as done:
            answer: Answer = done.value
            return answer


class AsyncViewSource:
    """An async record source over the authoritative view (see the module)."""

    def __init__(self, view: _View, send: AsyncSend = ask_async) -> None:
        self._view = view
        self._send = send

    async def _reply(self, name: str, rdtype: str) -> Reply:
        ask, reply = self._view.ask_for(name, rdtype)
        if reply is not None:
            return reply
        budget = self._view.budget()
        return await self._send(ask, budget) if budget > 0 else too_late(ask)

    async def lookup_async(self, name: str, rdtype: str, /) -> Answer:
        """The view's answer: a CNAME target the zone's server leaves open is asked on."""
        steps = chase(make_query(name, rdtype))
        try:
            question = next(steps)
            while True:
                reply = await self._reply(question.name, question.rdtype)
                question = steps.send((reply.answer, reply.open_target))
        except StopIteration as done:
            answer: Answer = done.value
            return answer


def view_source(
    plan: Plan, gathered: Gathered, *, timeout: float, until: float | None, send: SyncSend
) -> ViewSource:
    """The sync source over the authoritative view ``gathered`` found."""
    return ViewSource(_View(plan, gathered, timeout=timeout, until=until), send)


def async_view_source(
    plan: Plan, gathered: Gathered, *, timeout: float, until: float | None, send: AsyncSend
) -> AsyncViewSource:
    """The async source over the authoritative view ``gathered`` found."""
    return AsyncViewSource(_View(plan, gathered, timeout=timeout, until=until), send)
