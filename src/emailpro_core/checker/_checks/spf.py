"""The SPF check: one valid record that lets the provider's mail pass.

Whether the provider's mail would pass is *evaluated*, not string-matched. The
check first learns an address the provider sends from, by reading the SPF record
of the provider's include (``mx.ovh.com``) and the includes below it, and taking
an address from the first ``ip4:`` or ``ip6:`` network it authorises (see
:func:`provider_sender`). It then runs ``check_host`` (RFC 7208 §4) for that
address against the customer's domain, so nested includes, redirects and the
order of terms all count: a ``-all`` before the include is caught. A second
evaluation, for an address no record names, walks every term to find the
lookup limits a sender would hit (RFC 7208 §4.6.4).
"""

from __future__ import annotations

import attrs

from ...i18n._catalog import register
from ...sources._answers import TXT, Resolution, lookup, pair
from ...spf import Mechanism, MechanismKind, Qualifier, SpfRecord, is_spf_text, parse_spf
from .._findings import Check, Finding, FixAction, FixLine, Status
from .._make import finding, revised
from .._phrases import phrase
from . import spf_reasons as reasons
from .base import Context, absolute, remove_lines, undetermined
from .sender import ProviderSender, remembered_sender
from .spf_eval import LIMITS as _LIMITS
from .spf_eval import evaluate
from .spf_fix import Rewrite, cleaned, good_record, without_bad_terms

#: Findings whose fix replaces the whole record: another fix of it must be the same line.
_REPAIRED = (
    "spf.provider_not_authorized",
    "spf.provider_partly_authorized",
    "spf.provider_by_address",
)

#: The findings of the SPF record itself (RFC 7208 §4.5, §5.5); the evaluation's
#: are in spf_eval.py.
MESSAGES = register(
    {
        "finding.spf.missing": (
            "{name} has no SPF record: receivers cannot tell that the provider may "
            "send its mail; add it"
        ),
        "finding.spf.multiple_records": (
            "{name} has {count} SPF records: receivers treat that as an error "
            "(permerror, RFC 7208 §4.5); merge them into one"
        ),
        "finding.spf.syntax": (
            "the SPF record of {name} is invalid (permerror): {problems}; "
            "correct it, or publish the record without {dropped}"
        ),
        "finding.spf.syntax:unrepaired": (
            "the SPF record of {name} is invalid (permerror): {problems}; correct it ({rewrite})"
        ),
        "finding.spf.permissive_all": (
            "the SPF record of {name} has {qualifier}all: anyone may send "
            "as the domain; end it with {all}"
        ),
        "finding.spf.ptr": (
            "the SPF record of {name} uses ptr, which RFC 7208 §5.5 says not to use; "
            "name the senders with ip4:, ip6: or include:"
        ),
        "checker.what.spf": "the SPF record",
    }
)


def check_spf(ctx: Context, sender: ProviderSender | None, /) -> Resolution[tuple[Finding, ...]]:
    """The domain's SPF record: single, valid, within limits, and passing the provider's mail.

    ``sender`` is the provider's address when already learned (once for many
    domains); otherwise it is learned here, in the same rounds as the domain's.
    """
    if sender is None:
        answer, sender = yield from pair(lookup(ctx.domain, "TXT"), remembered_sender(ctx.profile))
    else:
        answer = yield from lookup(ctx.domain, "TXT")
    if answer.is_failure:
        return (undetermined(Check.SPF, answer, phrase("checker.what.spf")),)
    expected = ctx.expected(Check.SPF)
    name = absolute(ctx.domain)
    found = tuple(r for r in answer.records if isinstance(r, TXT) and is_spf_text(r.text))
    if not found:
        return (
            finding(
                Check.SPF,
                Status.ERROR,
                "spf.missing",
                name,
                {"name": name},
                expected=ctx.lines(expected),
                fix=ctx.add(expected),
            ),
        )
    lines = ctx.observed(answer, found)
    if len(found) > 1:
        # RFC 7208 §4.5: more than one record is a permerror for every sender.
        return (
            finding(
                Check.SPF,
                Status.ERROR,
                "spf.multiple_records",
                name,
                {"name": name, "count": len(found)},
                expected=ctx.lines(expected),
                observed=lines,
                fix=remove_lines(lines) + (yield from _merged(ctx, sender, found, answer.ttl)),
            ),
        )
    text = found[0].text
    parsed = parse_spf(text)
    if parsed.record is None:
        problems = tuple(
            phrase("checker.at_position", problem=v, position=v.params.get("position"))
            for v in parsed.violations
        )
        rewrite = without_bad_terms(ctx, text, parsed.violations)
        if rewrite.record is not None:
            dropped = rewrite.dropped
            rewrite = yield from good_record(ctx, sender, rewrite.record)
            rewrite = attrs.evolve(rewrite, dropped=dropped)
        why, variant = "", ""
        params: dict[str, object] = {"name": name, "problems": problems}
        if rewrite.record is None:
            fix: tuple[FixLine, ...] = ()
            why, variant = reasons.NO_REWRITE, "unrepaired"
            params["rewrite"] = rewrite.reason
        else:
            params["dropped"] = ", ".join(repr(term) for term in rewrite.dropped)
            new = ctx.line(ctx.domain, ctx.profile.default_ttl, "TXT", rewrite.record)
            fix = (FixLine(FixAction.REPLACE, new, lines[0]),)
        return (
            finding(
                Check.SPF,
                Status.ERROR,
                "spf.syntax",
                name,
                params,
                variant=variant,
                expected=ctx.lines(expected),
                observed=lines,
                fix=fix,
                reason=why,
            ),
        )
    tightened = _tightened(ctx, parsed.record, text)
    findings = _term_warnings(ctx, parsed.record, lines, tightened)
    base = tightened or text
    evaluated = yield from evaluate(ctx, sender, found[0], base, lines)
    findings.extend(evaluated)
    if not any(f.fix or f.code in _LIMITS or f.code in _REPAIRED for f in findings):
        return tuple(findings)
    # One record, one replacement: every fix of the record is the same line, the
    # one that repairs all at once (the all tightened, the include where it
    # passes all of the provider's mail, the limits met), checked by evaluating it.
    rewrite = yield from good_record(ctx, sender, base)
    if rewrite.record is None:
        # No record repairs everything: each finding keeps the fix of its own
        # problem when they agree, none otherwise.
        fixes = {f.fix for f in findings if f.fix}
        keep = len(fixes) == 1
        return tuple(
            _within(ctx, f, rewrite, lines)
            if f.code in _LIMITS
            else f
            if keep or not f.fix
            else revised(f, fix=(), reason=reasons.NOT_REPAIRED, params={"rewrite": rewrite.reason})
            for f in findings
        )
    new = ctx.line(ctx.domain, ctx.profile.default_ttl, "TXT", rewrite.record)
    repair = (FixLine(FixAction.REPLACE, new, lines[0]),)
    return tuple(
        _within(ctx, f, rewrite, lines)
        if f.code in _LIMITS
        else revised(f, fix=repair, reason="")
        if f.fix or f.code in _REPAIRED
        else f
        for f in findings
    )


def _names(mechanism: Mechanism, include: str) -> bool:
    """Whether ``mechanism`` names ``include`` (its domain-spec, case and final dot aside)."""
    spec = mechanism.domain
    return spec is not None and spec.text.rstrip(".").lower() == include


def _within(ctx: Context, found: Finding, rewrite: Rewrite, lines: tuple[str, ...]) -> Finding:
    """A lookup-limit finding with the rewrite that is within the limits."""
    if rewrite.record is None:
        return revised(
            found,
            variant="unrepaired",
            params={"rewrite": rewrite.reason},
            reason=reasons.NOT_WITHIN,
        )
    new = ctx.line(ctx.domain, ctx.profile.default_ttl, "TXT", rewrite.record)
    variant = "within"
    if rewrite.dropped:
        variant = "drop_one" if len(rewrite.dropped) == 1 else "drop_many"
    return revised(
        found,
        variant=variant,
        params={"dropped": ", ".join(rewrite.dropped)},
        fix=(FixLine(FixAction.REPLACE, new, lines[0]),),
    )


def _final(record: SpfRecord) -> tuple[int, Mechanism | None]:
    """The first ``all`` mechanism and its index among the terms (``-1`` when none)."""
    for index, term in enumerate(record.terms):
        if isinstance(term, Mechanism) and term.kind is MechanismKind.ALL:
            return index, term
    return -1, None


def _tightened(ctx: Context, record: SpfRecord, text: str) -> str | None:
    """``text`` with a ``+all`` or ``?all`` replaced by the profile's ``all``, else ``None``."""
    index, final = _final(record)
    if final is None or final.qualifier not in (Qualifier.PASS, Qualifier.NEUTRAL):
        return None
    # The terms are the record's space-separated tokens after "v=spf1", in order.
    tokens = [token for token in text.split(" ") if token]
    tokens[1 + index] = ctx.profile.spf_all
    return " ".join(tokens)


def _term_warnings(
    ctx: Context, record: SpfRecord, lines: tuple[str, ...], tightened: str | None
) -> list[Finding]:
    name = absolute(ctx.domain)
    findings: list[Finding] = []
    _, final = _final(record)
    if final is not None and tightened is not None:
        new = ctx.line(ctx.domain, ctx.profile.default_ttl, "TXT", tightened)
        findings.append(
            finding(
                Check.SPF,
                Status.WARNING,
                "spf.permissive_all",
                name,
                {"name": name, "qualifier": final.qualifier.value, "all": ctx.profile.spf_all},
                observed=lines,
                fix=(FixLine(FixAction.REPLACE, new, lines[0]),),
            )
        )
    if any(m.kind is MechanismKind.PTR for m in record.mechanisms):
        # RFC 7208 §5.5: "ptr" SHOULD NOT be used: slow, unreliable, often skipped.
        findings.append(
            finding(
                Check.SPF,
                Status.WARNING,
                "spf.ptr",
                name,
                {"name": name},
                observed=lines,
                reason=reasons.PTR_KEY,
            )
        )
    return findings


def _merged(
    ctx: Context, sender: ProviderSender, found: tuple[TXT, ...], ttl: int
) -> Resolution[tuple[FixLine, ...]]:
    """One record for several: their live terms, one ``all``, and the provider's include.

    Terms after a record's first ``all`` are never evaluated, so they are dropped;
    the ``all`` is kept when the records agree on it, else the profile's is used.
    A term that does not parse is dropped; a ``redirect=`` (used only when its
    record has no ``all``, RFC 7208 §6.1) becomes an ``include:`` of the same
    target, which keeps the senders it authorises; ``exp=`` is dropped.
    """
    include = ctx.profile.spf_include
    terms: dict[str, None] = {}
    finals: set[str] = set()
    for txt in found:
        parsed = parse_spf(txt.text)
        record = parsed.record
        if record is None:
            clean = cleaned(txt.text, parsed.violations)
            record = parse_spf(clean.record).record if clean.record is not None else None
            if record is None:
                continue
        for mechanism in record.mechanisms:
            if mechanism.kind is MechanismKind.ALL:
                finals.add(mechanism.to_text())
                break
            if mechanism.kind is MechanismKind.INCLUDE and _names(mechanism, include):
                continue  # put back once, plain, where it takes effect
            terms[mechanism.to_text()] = None
        else:
            if record.redirect is not None:
                terms[f"include:{record.redirect.text}"] = None
    final = finals.pop() if len(finals) == 1 else ctx.profile.spf_all
    merged = yield from good_record(ctx, sender, " ".join(["v=spf1", *terms, final]))
    if merged.record is None:
        # No merge passes the provider within the limits: the profile's record alone,
        # so that the fix still leaves one valid record.
        return ctx.add(ctx.expected(Check.SPF))
    return (FixLine(FixAction.ADD, ctx.line(ctx.domain, ttl, "TXT", merged.record)),)
