"""How the checks make their findings: the message and fix reason from the catalog.

Every finding of the checker is made by :func:`finding`, which fills the
templates registered under its code (``finding.<code>``) and its fix reason's
key from the same ``params``; :func:`revised` rewords one that a later step
completes (the SPF rewrite that repairs a record).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ._findings import Check, Finding, FixLine, Status, _english, message_key


def finding(
    check: Check,
    status: Status,
    code: str,
    name: str,
    params: Mapping[str, object] | None = None,
    /,
    *,
    variant: str = "",
    reason: str = "",
    expected: Iterable[str] = (),
    observed: Iterable[str] = (),
    fix: Iterable[FixLine] = (),
    cause: str | None = None,
) -> Finding:
    """A finding whose message is its template in the catalog, filled from ``params``.

    ``reason`` is the catalog key of the fix reason, filled from the same
    params (``""``: none). The checks make their findings this way.

    Raises:
        KeyError: no template is registered for the message or the reason.
    """
    values = params if params is not None else {}
    key = f"finding.{code}" if not variant else message_key(code, variant)
    return Finding(
        check,
        status,
        code,
        _english(key, values),
        name,
        expected,
        observed,
        fix,
        cause,
        _english(reason, values) if reason else "",
        params=values,
        variant=variant,
        fix_reason_key=reason,
    )


def revised(
    found: Finding,
    /,
    *,
    variant: str | None = None,
    params: Mapping[str, object] | None = None,
    reason: str | None = None,
    fix: Iterable[FixLine] | None = None,
) -> Finding:
    """``found`` with another wording, more params, another fix reason or other fix lines.

    ``params`` are added to the finding's; the message and the fix reason are
    rendered again from their templates.
    """
    values = {**found.params, **(params or {})}
    return finding(
        found.check,
        found.status,
        found.code,
        found.name,
        values,
        variant=found.variant if variant is None else variant,
        reason=found.fix_reason_key if reason is None else reason,
        expected=found.expected,
        observed=found.observed,
        fix=found.fix if fix is None else fix,
        cause=found.cause,
    )
