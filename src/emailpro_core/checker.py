"""The checker: diagnose a domain's DNS against the records the provider expects.

:func:`check_domain` asks a :class:`~emailpro_core.dnsdata.RecordSource` (a live
resolver, a zone file, records in memory) and returns a :class:`Diagnosis`: one
or more findings per check, each with a stable code, the records expected and
observed, and the zone lines that fix it. A DNS failure gives ``UNKNOWN`` with
its cause, never "missing".

>>> from emailpro_core.setup import DomainSetup
>>> from emailpro_core.source_static import StaticSource
>>> source = StaticSource({"example.org": {"MX": "10 mail.example.net."}})
>>> diagnosis = check_domain(DomainSetup("example.org", server_number=1), source)
>>> diagnosis.ok, diagnosis.status_of(Check.MX)
(False, <Status.ERROR: 'error'>)

Each check is written once, as a resolution; :func:`check_domain` drives them
over a sync source, :func:`check_domain_async` over an async one,
:func:`check_domains` over many domains at once, and
:func:`check_domains_parallel` over many domains in several processes.
"""

from __future__ import annotations

from .bulk import check_domains
from .dnsdata import AsyncRecordSource, RecordSource
from .findings import Check, Diagnosis, Finding, FixAction, FixLine, Status
from .parallel import check_domains_parallel
from .profiles import OVH_EMAIL_PRO, Profile
from .runner import make_context, run_async_checks, run_sync_checks
from .setup import DomainSetup

__all__ = [
    "Check",
    "Diagnosis",
    "Finding",
    "FixAction",
    "FixLine",
    "Status",
    "check_domain",
    "check_domain_async",
    "check_domains",
    "check_domains_parallel",
]


def check_domain(
    setup: DomainSetup,
    source: RecordSource,
    /,
    profile: Profile = OVH_EMAIL_PRO,
    *,
    deadline: float | None = None,
) -> Diagnosis:
    """Diagnose one domain over a synchronous source.

    ``deadline`` (seconds) bounds the run. It is checked before each lookup, so
    a run ends at most one lookup (bounded by the source's own timeout) after
    it; the checks not finished by then are ``UNKNOWN`` with cause ``"deadline"``.

    Raises:
        InvalidSetup: the setup contradicts itself or the profile.
        TypeError: ``setup`` is not a :class:`~emailpro_core.setup.DomainSetup`.
    """
    return run_sync_checks(make_context(setup, profile), source, deadline=deadline)


async def check_domain_async(
    setup: DomainSetup,
    source: AsyncRecordSource,
    /,
    profile: Profile = OVH_EMAIL_PRO,
    *,
    deadline: float | None = None,
) -> Diagnosis:
    """Diagnose one domain over an async source; each round of lookups runs concurrently.

    ``deadline`` (seconds) bounds the whole run; the checks not finished by then
    are ``UNKNOWN`` with cause ``"deadline"``.

    Raises:
        InvalidSetup: the setup contradicts itself or the profile.
        TypeError: ``setup`` is not a :class:`~emailpro_core.setup.DomainSetup`.
    """
    return await run_async_checks(make_context(setup, profile), source, deadline=deadline)
