"""Diagnosing many domains at once: :func:`check_domains`, an async stream of diagnoses.

The input is read lazily and at most ``concurrency`` domains are in flight, so
memory grows with the concurrency, not with the input. Every domain shares the
caller's source (and so its cache); the provider's sending address, which the
SPF check needs, is learned once for the whole run.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Iterable

from .check_spf import ProviderSender, provider_sender
from .dnsdata import AsyncRecordSource, run_async
from .findings import Check, Diagnosis, Finding, Status
from .profiles import OVH_EMAIL_PRO, Profile
from .runner import make_context, run_async_checks
from .setup import DomainSetup, InvalidSetup

__all__ = ["DEFAULT_CONCURRENCY", "DEFAULT_DEADLINE", "check_domains"]

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
    except TimeoutError:
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
        ctx = make_context(setup, profile)
    except InvalidSetup as error:
        # One bad setup must not end a run over thousands of domains.
        return Diagnosis(
            setup.domain.ascii,
            (
                Finding(
                    Check.DOMAIN,
                    Status.ERROR,
                    "setup.invalid",
                    f"not checked: {error}",
                    setup.domain.ascii + ".",
                    fix_reason="the setup is wrong, not the zone: correct the setup",
                ),
            ),
        )
    return await run_async_checks(ctx, source, deadline=deadline, sender=sender)


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

    A setup that contradicts itself gives a diagnosis with one ``setup.invalid``
    finding rather than ending the run. Diagnoses come in the order they finish,
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
