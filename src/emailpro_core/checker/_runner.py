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
import time
from collections.abc import Callable

from ..i18n._catalog import register
from ..records import OVH_EMAIL_PRO, DomainSetup, Profile, expected_records
from ..sources._answers import Answer, AsyncRecordSource, Query, RecordSource, Resolution
from ..sources._memtable import direct_answerer
from ._checks.base import Context, absolute
from ._checks.dkim import check_dkim
from ._checks.dmarc import check_dmarc
from ._checks.mx import check_exists, check_mx
from ._checks.relay import check_relay, relay_host
from ._checks.sender import ProviderSender
from ._checks.spf import check_spf
from ._checks.srv import check_autodiscover, check_ownership
from ._diagnosis import Diagnosis
from ._driver import Driver, raised
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
    driver = Driver(source)
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
