"""Diagnoses on their way back from a worker: each packed alone, rebuilt one at a time.

A worker (a process of :func:`~emailpro_core.checker.check_domains_parallel`,
a Dask task) returns the diagnoses of a whole chunk at once. Returned as a list
of :class:`~emailpro_core.checker.Diagnosis` values, the caller's process
unpickles all of them together, and while it hands them out one by one the
rest wait: a chunk of 250 domains is about 15,000 objects that the caller's
garbage collector sees survive, promotes, and walks again in its full
collections. That cost the caller about as much CPU as unpickling itself
(``docs/performance.md``).

Packed one by one (``bytes``, which the collector does not track), a diagnosis
is only rebuilt when the caller asks for the next one, and is gone as soon as
the caller drops it. The worker packs each diagnosis as it finishes, so it
does not keep the chunk's objects either.

A packed diagnosis is the pickle of plain tuples: the findings' fields in
:data:`FINDING_FIELDS` order, enums by their values. Pickle writes and reads
those in C; a :class:`~emailpro_core.checker.Finding` pickled as itself costs a
call into Python for the finding, each enum and each fix line, both ways (a
quarter more CPU, measured in ``docs/performance.md``). The params, whose values
may be phrases or violations, are pickled as they are.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator
from typing import Any

from ._diagnosis import Diagnosis
from ._findings import Check, Finding, FixAction, FixLine, Status, _rebuild_finding

#: A diagnosis in transit.
Packed = bytes

#: The fields of a finding, in the order of a packed row; every field of
#: :class:`~emailpro_core.checker.Finding` (a test holds them equal).
FINDING_FIELDS = (
    "check",
    "status",
    "code",
    "message",
    "name",
    "expected",
    "observed",
    "fix",
    "cause",
    "fix_reason",
    "params",
    "variant",
    "fix_reason_key",
)

_CHECKS = {check.value: check for check in Check}
_STATUSES = {status.value: status for status in Status}
_ACTIONS = {action.value: action for action in FixAction}


def _row(finding: Finding) -> tuple[Any, ...]:
    fix: tuple[tuple[str, str, str], ...] = ()
    if finding.fix:  # most findings have none
        fix = tuple((line.action.value, line.line, line.old) for line in finding.fix)
    return (
        finding.check.value,
        finding.status.value,
        finding.code,
        finding.message,
        finding.name,
        finding.expected,
        finding.observed,
        fix,
        finding.cause,
        finding.fix_reason,
        dict(finding.params),  # a mapping proxy does not pickle
        finding.variant,
        finding.fix_reason_key,
    )


def pack(diagnosis: Diagnosis, /) -> Packed:
    """``diagnosis`` as bytes, for :func:`unpack` in another process of this library."""
    rows = [_row(finding) for finding in diagnosis.findings]
    return pickle.dumps((diagnosis.domain, rows), pickle.HIGHEST_PROTOCOL)


def _finding(row: tuple[Any, ...]) -> Finding:
    (check, status, code, message, name, expected, observed, fix) = row[:8]
    (cause, reason, params, variant, reason_key) = row[8:]
    if fix:  # most findings have none
        fix = tuple(FixLine(_ACTIONS[action], line, old) for action, line, old in fix)
    # Rebuilt as a pickled finding is (the message is the one the worker wrote).
    return _rebuild_finding(
        _CHECKS[check],
        _STATUSES[status],
        code,
        message,
        name,
        expected,
        observed,
        fix,
        cause,
        reason,
        params,
        variant,
        reason_key,
    )


def unpack(packed: Iterable[Packed], /) -> Iterator[Diagnosis]:
    """The diagnoses of ``packed``, each rebuilt when it is asked for."""
    # The bytes come from this library's worker, over the same channel as the
    # pool's (or Dask's) own pickles, which the caller already unpickles.
    for data in packed:
        domain, rows = pickle.loads(data)
        yield Diagnosis(domain, tuple(_finding(row) for row in rows))
