"""Running the checks of one domain, sync or async, within a deadline.

Every check is one resolution, written once. :func:`run_sync_checks` runs them
one after the other over a sync source; :func:`run_async_checks` runs each as its
own task over an async source, so a slow name holds back only the checks that ask
it. Either way a question is sent once per domain, and :func:`assemble` turns
what finished into a :class:`~emailpro_core.findings.Diagnosis`: a check cut
short by the deadline is ``UNKNOWN`` with cause ``"deadline"``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from .check_base import Context, absolute
from .check_dkim import check_dkim
from .check_dmarc import check_dmarc
from .check_mx import check_exists, check_mx
from .check_spf import ProviderSender, check_spf
from .check_srv import check_autodiscover, check_ownership
from .dnsdata import Answer, AsyncRecordSource, Query, RecordSource, Resolution, run_async
from .findings import DEADLINE, Check, Diagnosis, Finding, Status
from .profiles import OVH_EMAIL_PRO, Profile
from .records import expected_records
from .setup import DomainSetup

__all__ = ["assemble", "make_context", "run_async_checks", "run_sync_checks"]

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
)


def make_context(setup: DomainSetup, /, profile: Profile = OVH_EMAIL_PRO) -> Context:
    """The context of one domain: its setup, the profile and its expected records.

    Raises:
        InvalidSetup: the setup contradicts itself or the profile.
        TypeError: ``setup`` is not a :class:`~emailpro_core.setup.DomainSetup`.
    """
    return Context(setup, profile, expected_records(setup, profile))


def _missing(results: dict[int, tuple[Finding, ...]]) -> bool:
    return any(f.code == "domain.nxdomain" for f in results.get(0, ()))


def assemble(
    ctx: Context, results: dict[int, tuple[Finding, ...]], /, *, deadline: float | None
) -> Diagnosis:
    """The diagnosis from the finished checks; an unfinished one ran out of time."""
    missing = _missing(results)
    findings: list[Finding] = []
    for index, (check, _) in enumerate(_CHECKS):
        if index and missing:
            findings.append(
                Finding(
                    check,
                    Status.SKIPPED,
                    "dns.skipped",
                    "not checked: the domain does not exist",
                    absolute(ctx.domain),
                )
            )
        elif index in results:
            findings.extend(results[index])
        else:
            findings.append(
                Finding(
                    check,
                    Status.UNKNOWN,
                    "dns.unknown",
                    f"not finished within the deadline of {deadline} s",
                    absolute(ctx.domain),
                    cause=DEADLINE,
                )
            )
    return Diagnosis(ctx.domain, tuple(findings))


def _drive(
    resolution: Resolution[tuple[Finding, ...]],
    source: RecordSource,
    known: dict[Query, Answer],
    until: float | None,
) -> tuple[Finding, ...] | None:
    """Run one check; ``None`` when the deadline passed first. Answers are kept in ``known``."""
    try:
        batch = next(resolution)
        while True:
            answers = []
            for query in batch:
                if query not in known:
                    if until is not None and time.monotonic() >= until:
                        return None
                    known[query] = source.lookup(query.name, query.rdtype)
                answers.append(known[query])
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
    known: dict[Query, Answer] = {}
    results: dict[int, tuple[Finding, ...]] = {}
    for index, (_, run) in enumerate(_CHECKS):
        findings = _drive(run(ctx, None), source, known, until)
        if findings is None:
            break
        results[index] = findings
        if _missing(results):
            break
    return assemble(ctx, results, deadline=deadline)


class _Shared:
    """One domain's view of an async source: each question is sent once, answers shared."""

    def __init__(self, source: AsyncRecordSource) -> None:
        self._source = source
        self._asked: dict[Query, asyncio.Task[Answer]] = {}

    async def lookup_async(self, name: str, rdtype: str, /) -> Answer:
        query = Query(name, rdtype)
        task = self._asked.get(query)
        if task is None:
            task = asyncio.ensure_future(self._source.lookup_async(name, rdtype))
            self._asked[query] = task
        return await task

    def tasks(self) -> list[asyncio.Task[Answer]]:
        """Every lookup sent, after cancelling those still running."""
        for task in self._asked.values():
            task.cancel()
        return list(self._asked.values())


async def _run_one(
    resolution: Resolution[tuple[Finding, ...]], source: _Shared
) -> tuple[Finding, ...]:
    try:
        return await run_async(resolution, source)
    finally:
        resolution.close()


async def run_async_checks(
    ctx: Context,
    source: AsyncRecordSource,
    /,
    *,
    deadline: float | None,
    sender: ProviderSender | None = None,
) -> Diagnosis:
    """Diagnose one prepared domain over an async source, within ``deadline`` seconds.

    Each check runs as its own task, so a slow name holds back only the checks
    that ask it; the checks share one view of the source, so a question two
    checks ask is sent once.
    """
    shared = _Shared(source)
    tasks = [asyncio.ensure_future(_run_one(run(ctx, sender), shared)) for _, run in _CHECKS]
    try:
        await asyncio.wait(tasks, timeout=deadline)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, *shared.tasks(), return_exceptions=True)
    results = {index: task.result() for index, task in enumerate(tasks) if not task.cancelled()}
    return assemble(ctx, results, deadline=deadline)
