"""The DMARC check: one valid record at ``_dmarc.<domain>``.

DMARC is beyond the provider's own checks, so a missing record is a warning.
The record is read leniently, as RFC 9989 asks receivers to: unknown tags give
warnings; a record receivers would not apply, or invalid values, give an error.
``p=none`` is a note (status ``OK``, code ``dmarc.policy_none``): it is the
profile's own first step, monitoring only.
"""

from __future__ import annotations

from collections.abc import Callable

from ...dmarc import DmarcPolicy, is_dmarc_record, parse_dmarc
from ...i18n._catalog import register
from ...records import ExpectedRecord
from ...sources._answers import TXT, Query, Resolution
from .._findings import Check, Finding, FixAction, FixLine, Status
from .._make import finding
from .._phrases import coded, phrase
from .base import (
    Context,
    absolute,
    alias_lines,
    remove_lines,
    undetermined,
)

#: The findings of the DMARC check (RFC 9989, RFC 7489 §6.6.3). A warning of the
#: parser is quoted as ``{problem}`` under its own code.
MESSAGES = register(
    {
        "finding.dmarc.missing": (
            "{name} has no DMARC record: receivers cannot tell what to do with mail "
            "that fails SPF and DKIM; add one (p=none first, to monitor)"
        ),
        "finding.dmarc.multiple_records": (
            "{name} has {count} DMARC records: receivers then apply none; keep one"
        ),
        "finding.dmarc.invalid": "the DMARC record at {name} is invalid: {problems}",
        "finding.dmarc.warning": "the DMARC record at {name}: {problem}",
        "checker.reason.dmarc_as_is": (
            "receivers apply the record as it is: edit it by hand if you mean to"
        ),
        "finding.dmarc.policy_none": (
            "{name} has p=none: failing mail is only reported; move to quarantine "
            "or reject once the reports show all your mail passes"
        ),
        "finding.dmarc.ok": "{name} has a DMARC policy of {policy}",
        "checker.what.dmarc": "the DMARC record",
    }
)


def _keep_one(
    ctx: Context,
    found: tuple[TXT, ...],
    lines: tuple[str, ...],
    expected: tuple[ExpectedRecord, ...],
    aliased: tuple[str, ...],
    rewrite: Callable[[str, str], tuple[FixLine, ...]],
) -> tuple[FixLine, ...]:
    """The fix of several records: keep the first valid one, else publish the profile's."""
    kept = next((i for i, r in enumerate(found) if _valid(r.text)), None)
    if aliased:
        value = found[kept].text if kept is not None else expected[0].value or ""
        return rewrite(value, lines[0])
    if kept is None:
        return remove_lines(lines) + ctx.add(expected)
    return remove_lines(lines[:kept] + lines[kept + 1 :])


def _valid(text: str) -> bool:
    parsed = parse_dmarc(text)
    return parsed.record is not None and not parsed.errors


def check_dmarc(ctx: Context, /) -> Resolution[tuple[Finding, ...]]:
    """The DMARC record: present, single, valid; its policy noted."""
    expected = ctx.expected(Check.DMARC)
    (record,) = expected
    (answer,) = yield (Query(record.name, "TXT"),)  # lookup(), without its generator
    if answer.is_failure:
        return (undetermined(Check.DMARC, answer, phrase("checker.what.dmarc")),)
    owner = absolute(record.name)
    wanted = ctx.lines(expected)
    # A record reached through a CNAME lives in another zone, maybe another's: the fix
    # puts the record at the name, in place of the alias (a CNAME owns its name alone,
    # RFC 1034 §3.6.2). Asked only when the answer followed a CNAME.
    aliased = yield from alias_lines(ctx, record.name, answer)

    def rewrite(value: str, old: str) -> tuple[FixLine, ...]:
        line = ctx.line(record.name, answer.ttl or record.ttl, "TXT", value)
        if aliased:
            return (*remove_lines(aliased), FixLine(FixAction.ADD, line))
        return (FixLine(FixAction.REPLACE, line, old),)

    # RFC 9989 §4.10 (RFC 7489 §6.6.3): records not starting with v=DMARC1 are ignored.
    found = tuple(r for r in answer.records if isinstance(r, TXT) and is_dmarc_record(r.text))
    if not found:
        return (
            finding(
                Check.DMARC,
                Status.WARNING,
                "dmarc.missing",
                owner,
                {"name": owner},
                expected=wanted,
                observed=aliased,
                fix=remove_lines(aliased) + ctx.add(expected),
            ),
        )
    lines = ctx.observed(answer, found)
    if len(found) > 1:
        # RFC 7489 §6.6.3: more than one record means no DMARC processing at all.
        return (
            finding(
                Check.DMARC,
                Status.ERROR,
                "dmarc.multiple_records",
                owner,
                {"name": owner, "count": len(found)},
                expected=wanted,
                observed=lines,
                fix=_keep_one(ctx, found, lines, expected, aliased, rewrite),
            ),
        )
    parsed = parse_dmarc(found[0].text)
    if parsed.record is None or parsed.errors:
        problems = coded(parsed.errors)
        # Keep what receivers understood; with nothing usable, start from the profile's.
        value = parsed.record.to_text() if parsed.record is not None else record.value or ""
        return (
            finding(
                Check.DMARC,
                Status.ERROR,
                "dmarc.invalid",
                owner,
                {"name": owner, "problems": problems},
                expected=wanted,
                observed=lines,
                fix=rewrite(value, lines[0]),
            ),
        )
    # A warning's fix is the record as receivers read it (an unknown tag dropped,
    # the default policy written out), when that differs from the text published.
    understood = parsed.record.to_text()
    fix: tuple[FixLine, ...] = ()
    if understood != found[0].text:
        fix = rewrite(understood, lines[0])
    reason = "" if fix else "checker.reason.dmarc_as_is"
    findings = [
        finding(
            Check.DMARC,
            Status.WARNING,
            warning.code,
            owner,
            {"name": owner, "problem": warning},
            variant="dmarc.warning",
            expected=wanted,
            observed=lines,
            fix=fix,
            reason=reason,
        )
        for warning in parsed.warnings
    ]
    if parsed.record.policy is DmarcPolicy.NONE:
        findings.append(
            finding(
                Check.DMARC,
                Status.OK,
                "dmarc.policy_none",
                owner,
                {"name": owner},
                expected=wanted,
                observed=lines,
            )
        )
    else:
        findings.append(
            finding(
                Check.DMARC,
                Status.OK,
                "dmarc.ok",
                owner,
                {"name": owner, "policy": parsed.record.policy.value},
                expected=wanted,
                observed=lines,
            )
        )
    return tuple(findings)
