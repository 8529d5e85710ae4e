"""Assertions for your own tests, and (in :mod:`.strategies`) Hypothesis strategies.

:func:`assert_zone_ready` checks a zone file offline and fails with every
finding to fix and the zone lines that fix it; :func:`assert_diagnosis_ready`
does the same for a diagnosis you already have (a live check, say). Both read
well in a failing test: their own frames are hidden from pytest's traceback,
and the message names the checks that were skipped. Neither needs Hypothesis.

>>> from emailpro_core.checker import Check, Diagnosis, Finding, Status
>>> spf = Finding(Check.SPF, Status.SKIPPED, "spf.not_evaluated", "not evaluated",
...               "example.org.")
>>> assert_diagnosis_ready(Diagnosis("example.org", (spf,))).domain
'example.org'
>>> assert_diagnosis_ready(Diagnosis("example.org", (spf,)), fail_on={"skipped"})
Traceback (most recent call last):
  ...
AssertionError: example.org is not ready: 1 finding(s) to fix (fail_on: skipped)
  SKIPPED spf.not_evaluated (spf): not evaluated

The strategies (``valid_logins``, ``domains``, ...) live in
:mod:`emailpro_core.testing.strategies`, which needs Hypothesis (the
``emailpro-core[testing]`` extra); importing them from here still works.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import dns.zone

from ..checker import Diagnosis, Finding, Status, check_domain
from ..cli._setup import read_zone_file
from ..records import OVH_EMAIL_PRO, DomainSetup, Profile
from ..sources import DualSource, ZoneSource
from ._fixes import apply_fixes

if TYPE_CHECKING:  # the types of the names __getattr__ gives
    from .strategies import LOGIN_ALPHABET as LOGIN_ALPHABET
    from .strategies import domains as domains
    from .strategies import invalid_logins as invalid_logins
    from .strategies import invalid_logins_with_codes as invalid_logins_with_codes
    from .strategies import valid_logins as valid_logins
    from .strategies import valid_passwords as valid_passwords

__all__ = [
    "DEFAULT_FAIL_ON",
    "apply_fixes",
    "assert_diagnosis_ready",
    "assert_zone_ready",
]

#: The statuses that fail unless ``fail_on=`` says otherwise: a wrong record, and a
#: check whose DNS answer could not be read (nothing proves the zone ready).
DEFAULT_FAIL_ON = frozenset({Status.ERROR, Status.UNKNOWN})

# The names the strategies module provides; `from emailpro_core.testing import
# valid_logins` still works, and loads Hypothesis only then.
_STRATEGIES = frozenset(
    {
        "LOGIN_ALPHABET",
        "domains",
        "invalid_logins",
        "invalid_logins_with_codes",
        "valid_logins",
        "valid_passwords",
    }
)
# Statuses in the order a failure message lists them.
_ORDER = (Status.ERROR, Status.UNKNOWN, Status.WARNING, Status.SKIPPED)


def __getattr__(name: str) -> Any:
    if name in _STRATEGIES:
        from . import strategies

        return getattr(strategies, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_STRATEGIES})


def _statuses(fail_on: Iterable[Status | str]) -> frozenset[Status]:
    if isinstance(fail_on, (str, Status)):
        raise TypeError("fail_on must be a collection of statuses, such as {'error', 'warning'}")
    found = set()
    for item in fail_on:
        try:
            status = item if isinstance(item, Status) else Status(item)
        except ValueError:
            raise ValueError(
                f"fail_on holds {item!r}: give statuses among error, warning, unknown, skipped"
            ) from None
        if status is Status.OK:
            raise ValueError("fail_on cannot hold ok: a finding that is right never fails")
        found.add(status)
    return frozenset(found)


def _describe(finding: Finding) -> list[str]:
    line = f"  {finding.status.name} {finding.code} ({finding.check.value}): {finding.message}"
    if finding.cause and finding.status is Status.UNKNOWN:
        line += f" [cause: {finding.cause}]"
    lines = [line]
    for fix in finding.fix:
        text = fix.to_text().replace("\n", "\n" + " " * 9)
        lines.append(f"    fix: {text}")
    if not finding.fix and finding.fix_reason:
        lines.append(f"    no fix: {finding.fix_reason}")
    return lines


def _skipped_line(findings: list[Finding]) -> str:
    names = ", ".join(f"{f.check.value} ({f.code})" for f in findings)
    return f"skipped, not failing: {names}"


def assert_diagnosis_ready(
    diagnosis: Diagnosis,
    /,
    *,
    fail_on: Iterable[Status | str] = DEFAULT_FAIL_ON,
) -> Diagnosis:
    """Fail with every finding of ``diagnosis`` whose status is in ``fail_on``.

    Args:
        diagnosis: A diagnosis, from :func:`~emailpro_core.checker.check_domain`
            or read back with ``Diagnosis.from_json``.
        fail_on: The statuses that fail, as :class:`Status` values or their
            names: any of ``error``, ``warning``, ``unknown``, ``skipped``.
            By default :data:`DEFAULT_FAIL_ON`, ``{error, unknown}``.

    Returns:
        ``diagnosis``, when nothing fails.

    Raises:
        AssertionError: a finding has a status of ``fail_on``. The message lists
            each such finding and the zone lines that fix it, then the checks
            that were skipped (when skipped ones do not fail).
        ValueError: ``fail_on`` holds ``ok`` or something that is not a status.
        TypeError: an argument has the wrong type.
    """
    __tracebackhide__ = True
    if not isinstance(diagnosis, Diagnosis):
        raise TypeError(f"expected a Diagnosis, not {type(diagnosis).__name__}")
    failing = _statuses(fail_on)
    bad = sorted(
        (f for f in diagnosis.findings if f.status in failing),
        key=lambda f: _ORDER.index(f.status),
    )
    if not bad:
        return diagnosis
    shown = ", ".join(s.value for s in _ORDER if s in failing)
    lines = [f"{diagnosis.domain} is not ready: {len(bad)} finding(s) to fix (fail_on: {shown})"]
    for finding in bad:
        lines.extend(_describe(finding))
    skipped = [f for f in diagnosis.findings if f.status is Status.SKIPPED]
    if skipped and Status.SKIPPED not in failing:
        lines.append(_skipped_line(skipped))
    raise AssertionError("\n".join(lines))


def assert_zone_ready(
    zone: ZoneSource | dns.zone.Zone | str | os.PathLike[str],
    setup: DomainSetup | str,
    /,
    *,
    profile: Profile = OVH_EMAIL_PRO,
    fallback: DualSource | None = None,
    fail_on: Iterable[Status | str] = DEFAULT_FAIL_ON,
    fail_on_warning: bool = False,
) -> Diagnosis:
    """Check ``setup`` against ``zone`` offline; fail with every finding to fix.

    Args:
        zone: A :class:`~emailpro_core.sources.ZoneSource`, a ``dns.zone.Zone``,
            or the path of a zone file (its ``$ORIGIN``, else the setup's domain,
            is its origin).
        setup: The domain's setup, or just its name.
        profile: The provider's profile.
        fallback: A source for the names outside the zone (the provider's own
            records, for instance); without one, those checks are ``SKIPPED``.
            Give it only with a zone file or a ``dns.zone.Zone``: a
            ``ZoneSource`` already has its own.
        fail_on: The statuses that fail (see :func:`assert_diagnosis_ready`);
            by default ``{error, unknown}``.
        fail_on_warning: Fail on ``WARNING`` findings too (the first spelling of
            ``fail_on={"error", "unknown", "warning"}``, kept).

    Returns:
        The diagnosis, when nothing fails.

    Raises:
        AssertionError: a finding has a status of ``fail_on``; the message
            lists each one and its fix, then the checks that were skipped.
        ZoneFileError: the zone file cannot be read.
        DomainOutsideZone: the zone does not hold the domain (its origin is
            neither the domain nor a parent of it) and no fallback answers:
            every check would be ``SKIPPED``, a pass that proves nothing.
        InvalidSetup: the setup contradicts itself or the profile.
        ValueError: ``fail_on`` holds ``ok`` or something that is not a status.
        TypeError: an argument has the wrong type.
    """
    __tracebackhide__ = True
    failing = _statuses(fail_on) | ({Status.WARNING} if fail_on_warning else set())
    if isinstance(setup, str):
        setup = DomainSetup(setup)
    if isinstance(zone, ZoneSource):
        if fallback is not None:
            raise TypeError("give the fallback when building the ZoneSource, not here")
        source = zone
    elif isinstance(zone, dns.zone.Zone):
        source = ZoneSource(zone, fallback=fallback)
    else:
        path = os.fspath(zone)
        source = read_zone_file(path, default_origin=setup.domain.ascii, fallback=fallback)
    diagnosis = check_domain(setup, source, profile=profile)
    return assert_diagnosis_ready(diagnosis, fail_on=failing)
