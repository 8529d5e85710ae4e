"""Diagnosing many domains at once: :func:`check_domains`, an async stream of diagnoses.

The input is read lazily and at most ``concurrency`` domains are in flight, so
memory grows with the concurrency, not with the input. Every domain shares the
caller's source (and so its cache); the provider's sending address, which the
SPF check needs, is learned once for the whole run.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Iterable

from ..i18n._catalog import register
from ..records import OVH_EMAIL_PRO, DomainSetup, InvalidSetup, Profile
from ..sources import DomainOutsideZone, require_zone_holds
from ..sources._answers import AsyncRecordSource, run_async
from ._checks.sender import ProviderSender, provider_sender
from ._diagnosis import Diagnosis
from ._findings import Check, Status
from ._make import finding
from ._phrases import coded, phrase
from ._runner import make_context, run_async_checks

#: Domains in flight at once, unless told otherwise.
DEFAULT_CONCURRENCY = 64
#: Seconds one domain may take, unless told otherwise.
DEFAULT_DEADLINE = 30.0


async def _learn_sender(
    source: AsyncRecordSource, profile: Profile, deadline: float | None
) -> ProviderSender | None:
    # Learned once for every domain; when it fails here, each domain tries again
    # (through the shared cache) and reports the failure in its own SPF finding.
    try:
        async with asyncio.timeout(deadline):
            sender = await run_async(provider_sender(profile), source)
    except Exception:  # TimeoutError, or a source that raises (a bug there)
        return None
    return sender if sender.address is not None else None


async def _one(
    setup: DomainSetup,
    source: AsyncRecordSource,
    profile: Profile,
    sender: ProviderSender | None,
    deadline: float | None,
) -> Diagnosis:
    try:
        ctx = make_context(setup, profile=profile)
    except InvalidSetup as error:
        # One bad setup must not end a run over thousands of domains.
        return _refused(setup, "setup.invalid", error)
    try:
        require_zone_holds(source, ctx.domain)
    except DomainOutsideZone as error:
        # Nor one domain that the zones do not hold: its checks could only be SKIPPED.
        return _refused(setup, "domain.outside_zone", error)
    return await run_async_checks(ctx, source, deadline=deadline, sender=sender)


#: A domain that was not checked, and why it has no fix lines, by the code that says so.
#: ``{error}`` is the error that stopped it (its own module words it).
MESSAGES = register(
    {
        "finding.setup.invalid": "not checked: {error}",
        "checker.reason.setup.invalid": "the setup is wrong, not the zone: correct the setup",
        "finding.domain.outside_zone": "not checked: {error}",
        "checker.reason.domain.outside_zone": (
            "the zones given do not hold the domain: give its zone"
        ),
        # The errors' own words (errors.py), here so that they render in every language.
        "checker.invalid_setup": "invalid domain setup: {problems}",
        "checker.outside_zone:one": "{domain} is not in the zone {zones}",
        "checker.outside_zone:many": "{domain} is in none of the zones {zones}",
    }
)


def _said(error: Exception) -> object:
    """The error's text as a phrase, in the words of its ``str`` (a plain string else)."""
    if isinstance(error, InvalidSetup) and error.violations and error.subject == "domain setup":
        return phrase("checker.invalid_setup", problems=coded(error.violations))
    if isinstance(error, DomainOutsideZone) and error.zones:
        shown = ", ".join(zone or "." for zone in error.zones)
        key = "checker.outside_zone:one" if len(error.zones) == 1 else "checker.outside_zone:many"
        return phrase(key, domain=error.domain, zones=shown)
    return str(error)


def _refused(setup: DomainSetup, code: str, error: Exception) -> Diagnosis:
    """The diagnosis of a domain that cannot be checked: one ``ERROR`` saying why."""
    domain = setup.domain.ascii
    refused = finding(
        Check.DOMAIN,
        Status.ERROR,
        code,
        domain + ".",
        {"error": _said(error)},
        reason=f"checker.reason.{code}",
    )
    return Diagnosis(domain, (refused,))


async def check_domains(
    setups: Iterable[DomainSetup] | AsyncIterable[DomainSetup],
    source: AsyncRecordSource,
    /,
    *,
    profile: Profile = OVH_EMAIL_PRO,
    concurrency: int = DEFAULT_CONCURRENCY,
    deadline: float | None = DEFAULT_DEADLINE,
) -> AsyncIterator[Diagnosis]:
    """Diagnose every setup over ``source``; yield each diagnosis as soon as it is ready.

    Args:
        setups: The domains, read lazily (a generator of any length, sync or async).
        source: An async source; pass one with a cache so that the records every
            domain shares (the provider's SPF include) are fetched once.
        profile: The provider's profile.
        concurrency: How many domains are in flight at once (at least 1).
        deadline: Seconds each domain may take; past it, its unfinished checks
            are ``UNKNOWN`` with cause ``"deadline"``. ``None``: no limit.

    No domain ends the run. A setup that contradicts itself gives a diagnosis
    with one ``ERROR`` finding ``setup.invalid``; a domain that ``source`` cannot
    answer for (a :class:`~emailpro_core.sources.ZoneSource` that does not hold
    it, see :func:`~emailpro_core.sources.require_zone_holds`) one ``ERROR``
    finding ``domain.outside_zone``; a lookup that raises makes the checks that
    needed it ``UNKNOWN`` with cause ``"other"``. Diagnoses come in the order they finish,
    not in the input order. Stopping the iteration cancels the domains in flight.

    Raises:
        ValueError: ``concurrency`` is below 1.
    """
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ValueError(f"concurrency must be an int of at least 1, not {concurrency!r}")
    sender = await _learn_sender(source, profile, deadline)
    stream = aiter(setups) if isinstance(setups, AsyncIterable) else _as_async(setups)
    running: set[asyncio.Task[Diagnosis]] = set()
    # Each domain's task reports here when it ends: waiting for "any one of
    # `concurrency` tasks" with asyncio.wait would cost O(concurrency) per domain.
    finished: asyncio.Queue[asyncio.Task[Diagnosis]] = asyncio.Queue()
    exhausted = False
    try:
        while True:
            while not exhausted and len(running) < concurrency:
                setup = await anext(stream, None)
                if setup is None:
                    exhausted = True
                else:
                    task = asyncio.create_task(_one(setup, source, profile, sender, deadline))
                    task.add_done_callback(finished.put_nowait)
                    running.add(task)
            if not running:
                return
            task = await finished.get()
            running.discard(task)
            yield task.result()
    finally:
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)


async def _as_async(setups: Iterable[DomainSetup]) -> AsyncIterator[DomainSetup]:
    for setup in setups:
        yield setup
