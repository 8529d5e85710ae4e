"""The results of an SPF evaluation, and the limits it runs under (RFC 7208).

:mod:`emailpro_core.spf._eval` produces them; :mod:`emailpro_core.spf._spf` re-exports them.
"""

from __future__ import annotations

import enum

import attrs

from ..errors import Violation
from ..sources._answers import FailureCause


class SpfOutcome(enum.Enum):
    """The results of ``check_host()`` (RFC 7208 §2.6)."""

    PASS = "pass"
    FAIL = "fail"
    SOFTFAIL = "softfail"
    NEUTRAL = "neutral"
    NONE = "none"
    PERMERROR = "permerror"
    TEMPERROR = "temperror"


# Limits above the RFC's are accepted (to diagnose "how far over"), within a
# bound that keeps include chains shallow.
_LIMIT = [attrs.validators.instance_of(int), attrs.validators.ge(0), attrs.validators.le(50)]


@attrs.frozen
class SpfLimits:
    """The processing limits of RFC 7208 §4.6.4.

    Attributes:
        dns_terms: DNS-querying terms (include, a, mx, ptr, exists, redirect) per check.
        void_lookups: Lookups of those terms that may find nothing (NXDOMAIN or no data).
        mx_names: Exchanges an ``mx`` mechanism may look up; more is a permerror.
        ptr_names: PTR names ``ptr`` and ``%{p}`` validate; the others are ignored.
    """

    dns_terms: int = attrs.field(default=10, validator=_LIMIT)
    void_lookups: int = attrs.field(default=2, validator=_LIMIT)
    mx_names: int = attrs.field(default=10, validator=_LIMIT)
    ptr_names: int = attrs.field(default=10, validator=_LIMIT)


#: The limits the RFC sets.
DEFAULT_LIMITS = SpfLimits()


@attrs.frozen
class SpfResult:
    """The outcome of one ``check_host()``.

    Attributes:
        result: pass, fail, softfail, neutral, none, permerror or temperror.
        code: Why, as a stable code: ``spf.matched`` (a mechanism matched),
            ``spf.default`` (none did: neutral), ``spf.no_record``, ``spf.no_domain``,
            ``spf.invalid_domain``, ``spf.invalid_ip``, ``spf.multiple_records``,
            ``spf.too_many_lookups``, ``spf.too_many_void_lookups``, ``spf.too_many_mx``,
            ``spf.include_none``, ``spf.redirect_none``, ``spf.dns_failure``,
            ``spf.outside_zone``, ``spf.work_bound`` (a range left unjudged by
            :mod:`emailpro_core.spf._ranges`), or the first syntax code of :func:`parse_spf`.
        detail: A sentence for humans (which include failed, the DNS cause).
        domain: The domain whose record decided (the include or redirect target
            where an error happened).
        term: The term that decided (``-all``, ``include:mx.ovh.com``), if any.
        explanation: The expanded ``exp=`` text of a ``fail`` (§6.2), if any.
        dns_lookups: DNS-querying terms evaluated (at most ``limits.dns_terms``).
        void_lookups: Their lookups that found nothing (one over the limit when it stopped there).
        cause: The DNS failure behind a temperror, when there is one.
        violations: The syntax violations behind a permerror, when there are.
        record: The SPF record of the checked domain, as published, if one was found.
    """

    result: SpfOutcome
    code: str
    detail: str
    domain: str
    term: str | None = None
    explanation: str | None = None
    dns_lookups: int = 0
    void_lookups: int = 0
    cause: FailureCause | None = None
    violations: tuple[Violation, ...] = ()
    record: str | None = None
