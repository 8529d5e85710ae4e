"""SPF (RFC 7208): the ``check_host()`` evaluation over any record source.

One copy of the logic, :func:`spf_resolution`, is a resolution: a generator that
yields the DNS questions it needs (see :class:`~emailpro_core.sources.Resolution`).
:func:`check_host` drives it with a synchronous source, :func:`check_host_async`
with an asynchronous one, and the checker composes it with ``yield from``.

>>> from emailpro_core.sources import StaticSource
>>> zone = StaticSource({
...     "example.org": {"TXT": "v=spf1 include:mx.ovh.com ~all"},
...     "mx.ovh.com": {"TXT": "v=spf1 ip4:192.0.2.0/24 -all"},
... })
>>> result = check_host("192.0.2.10", "example.org", "alice@example.org", zone)
>>> result.result, result.term, result.dns_lookups
(<SpfOutcome.PASS: 'pass'>, 'include:mx.ovh.com', 1)
>>> check_host("198.51.100.1", "example.org", "alice@example.org", zone).result
<SpfOutcome.SOFTFAIL: 'softfail'>
"""

from __future__ import annotations

from ._macros import Macro, MacroString
from ._merge import SpfMerge, merge_spf
from ._ranges import MAX_EVALUATIONS, RangeReport, Span, SpanVerdict, judge_spans, spans_of
from ._result import DEFAULT_LIMITS, SpfLimits, SpfOutcome, SpfResult
from ._spf import check_host, check_host_async, spf_resolution
from ._syntax import is_spf_text, parse_spf
from ._terms import Mechanism, MechanismKind, Modifier, Qualifier, SpfParse, SpfRecord

__all__ = [
    "DEFAULT_LIMITS",
    "MAX_EVALUATIONS",
    "Macro",
    "MacroString",
    "Mechanism",
    "MechanismKind",
    "Modifier",
    "Qualifier",
    "RangeReport",
    "Span",
    "SpanVerdict",
    "SpfLimits",
    "SpfMerge",
    "SpfOutcome",
    "SpfParse",
    "SpfRecord",
    "SpfResult",
    "check_host",
    "check_host_async",
    "is_spf_text",
    "judge_spans",
    "merge_spf",
    "parse_spf",
    "spans_of",
    "spf_resolution",
]
