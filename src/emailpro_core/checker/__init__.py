"""The checker: diagnose a domain's DNS against the records the provider expects.

:func:`check_domain` asks a :class:`~emailpro_core.sources.RecordSource` (a live
resolver, a zone file, records in memory) and returns a :class:`Diagnosis`: one
or more findings per check, each with a stable code, the records expected and
observed, and the zone lines that fix it. A DNS failure gives ``UNKNOWN`` with
its cause, never "missing".

>>> from emailpro_core.records import DomainSetup
>>> from emailpro_core.sources import StaticSource
>>> source = StaticSource({"example.org": {"MX": "10 mail.example.net."}})
>>> diagnosis = check_domain(DomainSetup("example.org", server_number=1), source)
>>> diagnosis.ok, diagnosis.status_of(Check.MX)
(False, <Status.ERROR: 'error'>)

Each check is written once, as a resolution; :func:`check_domain` drives them
over a sync source, :func:`check_domain_async` over an async one,
:func:`check_domains` over many domains at once,
:func:`check_domains_parallel` over many domains in several processes, and
:func:`check_domains_dask` over many domains on a Dask cluster (``distributed``,
the optional extra ``emailpro-core[dask]``, imported only when it is called).

:func:`second_opinion` sets a diagnosis against what the control panel shows
(:class:`PanelState`, read from the API's own flags), badge by badge.
"""

from __future__ import annotations

from ..records import OVH_EMAIL_PRO, DomainSetup, Profile
from ..sources import AsyncRecordSource, RecordSource, require_zone_holds
from ._bulk import DEFAULT_CONCURRENCY, DEFAULT_DEADLINE, check_domains
from ._dask import check_domains_dask
from ._diagnosis import Diagnosis
from ._findings import (
    DEADLINE,
    SCHEMA_VERSION,
    Check,
    Finding,
    FixAction,
    FixLine,
    Status,
)
from ._opinion import PanelOpinion, PanelVerdict, SecondOpinion, second_opinion
from ._panel import Badge, PanelBadge, PanelSelector, PanelState
from ._parallel import DEFAULT_CHUNK_SIZE, SourceFactory, check_domains_parallel
from ._runner import make_context, run_async_checks, run_sync_checks

__all__ = [
    "DEADLINE",
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_CONCURRENCY",
    "DEFAULT_DEADLINE",
    "SCHEMA_VERSION",
    "Badge",
    "Check",
    "Diagnosis",
    "Finding",
    "FixAction",
    "FixLine",
    "PanelBadge",
    "PanelOpinion",
    "PanelSelector",
    "PanelState",
    "PanelVerdict",
    "SecondOpinion",
    "SourceFactory",
    "Status",
    "check_domain",
    "check_domain_async",
    "check_domains",
    "check_domains_dask",
    "check_domains_parallel",
    "second_opinion",
]


def check_domain(
    setup: DomainSetup,
    source: RecordSource,
    /,
    *,
    profile: Profile = OVH_EMAIL_PRO,
    deadline: float | None = None,
) -> Diagnosis:
    """Diagnose one domain over a synchronous source.

    ``deadline`` (seconds) bounds the run. It is checked before each lookup, so
    a run ends at most one lookup (bounded by the source's own timeout) after
    it; the checks not finished by then are ``UNKNOWN`` with cause ``"deadline"``.

    A source that raises for a question (a bug in a source of one's own) does
    not end the run: the checks that needed that answer are ``UNKNOWN`` with
    cause ``"other"``, and the message names the exception's type.

    Raises:
        InvalidSetup: the setup contradicts itself or the profile.
        DomainOutsideZone: ``source`` is a :class:`~emailpro_core.sources.ZoneSource`
            (or a chain of them) that does not hold the domain, and nothing else answers.
        TypeError: ``setup`` is not a :class:`~emailpro_core.records.DomainSetup`.
    """
    ctx = make_context(setup, profile=profile)
    require_zone_holds(source, ctx.domain)
    return run_sync_checks(ctx, source, deadline=deadline)


async def check_domain_async(
    setup: DomainSetup,
    source: AsyncRecordSource,
    /,
    *,
    profile: Profile = OVH_EMAIL_PRO,
    deadline: float | None = None,
) -> Diagnosis:
    """Diagnose one domain over an async source; each round of lookups runs concurrently.

    ``deadline`` (seconds) bounds the whole run; the checks not finished by then
    are ``UNKNOWN`` with cause ``"deadline"``.

    A lookup that raises is ``UNKNOWN`` with cause ``"other"``, as in :func:`check_domain`.

    Raises:
        InvalidSetup: the setup contradicts itself or the profile.
        DomainOutsideZone: ``source`` is a zone (or a chain of zones) that does not
            hold the domain, and nothing else answers.
        TypeError: ``setup`` is not a :class:`~emailpro_core.records.DomainSetup`.
    """
    ctx = make_context(setup, profile=profile)
    require_zone_holds(source, ctx.domain)
    return await run_async_checks(ctx, source, deadline=deadline)
