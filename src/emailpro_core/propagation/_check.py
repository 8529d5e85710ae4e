"""Is the fix live everywhere? The authoritative servers against the resolvers, with time left.

The implementation behind :mod:`emailpro_core.propagation`, which re-exports its public names.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Sequence

from ..checker import Diagnosis
from ..checker._runner import make_context, run_async_checks, run_sync_checks
from ..errors import require_str
from ..records import OVH_EMAIL_PRO, DomainSetup, Profile
from ..sources._answers import Query
from ._flow import Gathered, Plan, gather
from ._model import (
    PropagationReport,
    RecordPropagation,
)
from ._run import (
    AsyncSend,
    SyncSend,
    async_view_source,
    drive_async,
    drive_sync,
    view_source,
)
from ._verdict import decide
from ._wire import ask_async, ask_sync

#: Seconds one question to one server may take.
DEFAULT_TIMEOUT = 2.0
#: Resolvers asked at most: every question goes to each.
MAX_RESOLVERS = 8


def questions_of(setup: DomainSetup, /, *, profile: Profile = OVH_EMAIL_PRO) -> tuple[Query, ...]:
    """The questions a propagation check asks: each name and type of the expected records.

    Raises:
        InvalidSetup: the setup contradicts itself or the profile.
    """
    records = make_context(setup, profile=profile).records
    return tuple(dict.fromkeys(Query(record.name, record.type) for record in records))


def _resolver(value: object) -> tuple[str, int]:
    host: object = value
    port: object = 53
    if isinstance(value, tuple) and len(value) == 2:
        host, port = value
    host = require_str(host, "a resolver address")
    try:
        address = str(ipaddress.ip_address(host))
    except ValueError:
        raise ValueError(f"a resolver must be an IP address, not {host!r}") from None
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        raise ValueError(f"a resolver's port must be between 1 and 65535, not {port!r}")
    return address, port


def _plan(
    setup: DomainSetup,
    profile: Profile,
    resolvers: Sequence[str | tuple[str, int]],
    port: int,
    timeout: float,
    ipv6: bool,
) -> Plan:
    if isinstance(resolvers, str) or not isinstance(resolvers, Sequence):
        raise TypeError("resolvers must be a sequence of addresses (or (address, port) pairs)")
    found = tuple(dict.fromkeys(_resolver(value) for value in resolvers))
    if not found:
        raise ValueError("give at least one resolver")
    if len(found) > MAX_RESOLVERS:
        raise ValueError(f"at most {MAX_RESOLVERS} resolvers, not {len(found)}")
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        raise ValueError(f"port must be between 1 and 65535, not {port!r}")
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
    questions = questions_of(setup, profile=profile)
    return Plan(setup.domain.ascii, questions, found, port, bool(ipv6))


def _until(deadline: float | None) -> float | None:
    if deadline is None:
        return None
    if isinstance(deadline, bool) or not isinstance(deadline, int | float) or not deadline > 0:
        raise ValueError(f"deadline must be a positive number of seconds, not {deadline!r}")
    return time.monotonic() + deadline


def _left(until: float | None) -> float | None:
    return None if until is None else max(until - time.monotonic(), 0.0)


def _report(
    plan: Plan, gathered: Gathered, diagnosis: Diagnosis | None, now: float
) -> PropagationReport:
    records: list[RecordPropagation] = [
        decide(query.name, query.rdtype, servers, resolvers, now=now)
        for query, servers, resolvers in gathered.records
    ]
    resolvers = tuple(host if port == 53 else f"{host}:{port}" for host, port in plan.resolvers)
    cause = gathered.cause
    return PropagationReport(
        plan.domain,
        gathered.zone,
        now,
        gathered.nameservers,
        gathered.servers,
        resolvers,
        tuple(records),
        diagnosis,
        None if cause is None else cause.render(),
        cause_phrase=cause,
    )


def check_propagation(
    setup: DomainSetup,
    /,
    *,
    profile: Profile = OVH_EMAIL_PRO,
    resolvers: Sequence[str | tuple[str, int]],
    port: int = 53,
    timeout: float = DEFAULT_TIMEOUT,
    deadline: float | None = None,
    ipv6: bool = True,
) -> PropagationReport:
    """What the zone's servers and ``resolvers`` serve for the records ``setup`` needs.

    Args:
        setup: The domain and what is known about it.
        profile: The provider's profile.
        resolvers: The resolvers to compare: IP addresses, or ``(address, port)``
            pairs. The first one also finds the zone's NS set and addresses.
        port: The port the authoritative servers are asked on.
        timeout: Seconds one question to one server may take.
        deadline: Seconds the whole check may take; the questions not sent by
            then are ``unknown`` with cause ``"deadline"``, as in ``check_domain``.
        ipv6: Whether to ask the servers' IPv6 addresses too.

    Raises:
        InvalidSetup: the setup contradicts itself or the profile.
        ValueError: a resolver, the port, the timeout or the deadline is invalid.
        TypeError: ``resolvers`` is not a sequence.
    """
    return _check(setup, profile, resolvers, port, timeout, deadline, ipv6, ask_sync)


def _check(
    setup: DomainSetup,
    profile: Profile,
    resolvers: Sequence[str | tuple[str, int]],
    port: int,
    timeout: float,
    deadline: float | None,
    ipv6: bool,
    send: SyncSend,
) -> PropagationReport:
    plan = _plan(setup, profile, resolvers, port, timeout, ipv6)
    until = _until(deadline)
    gathered = drive_sync(gather(plan), timeout=timeout, until=until, send=send)
    now = time.time()
    diagnosis = None
    if gathered.reference is not None:
        source = view_source(plan, gathered, timeout=timeout, until=until, send=send)
        diagnosis = run_sync_checks(
            make_context(setup, profile=profile), source, deadline=_left(until)
        )
    return _report(plan, gathered, diagnosis, now)


async def check_propagation_async(
    setup: DomainSetup,
    /,
    *,
    profile: Profile = OVH_EMAIL_PRO,
    resolvers: Sequence[str | tuple[str, int]],
    port: int = 53,
    timeout: float = DEFAULT_TIMEOUT,
    deadline: float | None = None,
    ipv6: bool = True,
) -> PropagationReport:
    """:func:`check_propagation` on the running event loop, questions side by side.

    Raises:
        InvalidSetup: the setup contradicts itself or the profile.
        ValueError: a resolver, the port, the timeout or the deadline is invalid.
        TypeError: ``resolvers`` is not a sequence.
    """
    return await _check_async(setup, profile, resolvers, port, timeout, deadline, ipv6, ask_async)


async def _check_async(
    setup: DomainSetup,
    profile: Profile,
    resolvers: Sequence[str | tuple[str, int]],
    port: int,
    timeout: float,
    deadline: float | None,
    ipv6: bool,
    send: AsyncSend,
) -> PropagationReport:
    plan = _plan(setup, profile, resolvers, port, timeout, ipv6)
    until = _until(deadline)
    gathered = await drive_async(gather(plan), timeout=timeout, until=until, send=send)
    now = time.time()
    diagnosis = None
    if gathered.reference is not None:
        source = async_view_source(plan, gathered, timeout=timeout, until=until, send=send)
        ctx = make_context(setup, profile=profile)
        diagnosis = await run_async_checks(ctx, source, deadline=_left(until))
    return _report(plan, gathered, diagnosis, now)
