"""The evaluation half of the SPF check: does all of the provider's mail pass, within the limits.

:func:`evaluate` judges the domain's policy over the provider's whole sending
space (every address its include passes, see :mod:`emailpro_core.spf._ranges`), and runs
``check_host`` (RFC 7208 §4) side by side for an address no record names, whose
evaluation walks every term as a stranger's mail would, so a lookup limit hit
after the provider's include is still found (§4.6.4).

Offline, when the provider's records cannot be read, a stand-in stands for them
(:func:`~emailpro_core.checker._checks.sender.stand_in_sender`): the include authorises one reserved
address and nothing else, so the domain's own terms decide, and the finding says
so. An include of a third party that cannot be read offline is taken as not
matching the provider's addresses; when the provider passes, the evaluation is
run again with it matching, and a pass that would not hold is ``SKIPPED``.
"""

from __future__ import annotations

from ...sources._answers import TXT, Resolution, pair
from ...spf import (
    Mechanism,
    MechanismKind,
    Qualifier,
    SpfMerge,
    SpfOutcome,
    SpfRecord,
    SpfResult,
    merge_spf,
    parse_spf,
    spf_resolution,
)
from ...spf._merge import insertion_point
from ...spf._probe import Probe
from ...spf._ranges import RangeReport, SpanVerdict, judge_spans, spans_of
from .._findings import Check, Finding, FixAction, FixLine, Status
from .._make import finding
from .._phrases import Listing, Phrase, phrase
from . import spf_eval_text as spf_eval_text  # registers the findings' sentences
from . import spf_reasons as reasons
from .base import OUTSIDE_KEY, OUTSIDE_ZONE, UNKNOWN_KEY, Context, absolute
from .sender import ProviderSender, standing_in

#: An address no record is expected to authorise (RFC 1112 §4: class E, reserved).
_STRANGER = "240.0.0.1"
#: Permerror codes of ``check_host`` that the check reports under their own code.
LIMITS = ("spf.too_many_lookups", "spf.too_many_void_lookups")
_LIMITS = LIMITS
#: Mechanisms that name addresses: a pass through them alone names the provider's
#: current addresses rather than its include.
_BY_ADDRESS = frozenset({MechanismKind.IP4, MechanismKind.IP6, MechanismKind.A, MechanismKind.MX})
#: How many ranges a message names.
_SHOWN = 6

# The sentences of these findings are registered by spf_eval_text (imported above).


def fixed_record(
    text: str, include: str, /, *, first: bool = False, limit: bool = True
) -> SpfMerge:
    """``text`` with ``include:<include>`` where it takes effect (via ``merge_spf``).

    An include already written after the ``all`` term is never evaluated, and a
    qualified one (``-include:``, ``~include:``, ``?include:``) never passes the
    provider's mail: either is taken out first, so that ``merge_spf`` puts a
    plain include back before the ``all``. With ``first``, the include goes
    before every term instead: a term that excludes part of the provider's
    addresses (``-ip4:``) then no longer decides for them. Without ``limit``, a
    record over the 10 DNS-querying terms is returned all the same (for a
    rewrite that drops some of them next).
    """
    own = {
        f"{prefix}include:{include}{dot}"
        for prefix in ("", "+", "-", "~", "?")
        for dot in ("", ".")
    }
    tokens = [token for token in text.split(" ") if token.lower() not in own]
    if not limit:
        parsed = parse_spf(text)
        if not first and parsed.record is not None and _in_effect(parsed.record, include):
            return SpfMerge(text, False)
        parsed = parse_spf(" ".join(tokens))
        if parsed.record is None:
            return SpfMerge(None, False, parsed.violations)
        tokens = [token for token in tokens if token]
        tokens.insert(
            1 if first else 1 + insertion_point(parsed.record.terms), f"include:{include}"
        )
        return SpfMerge(" ".join(tokens), True)
    if first and tokens:
        tokens.insert(1, f"include:{include}")
    return merge_spf(" ".join(tokens), include)


def _in_effect(record: SpfRecord, include: str) -> bool:
    """Whether ``record`` has a plain ``include:<include>`` before its ``all``."""
    for term in record.terms:
        if not isinstance(term, Mechanism):
            continue
        if term.kind is MechanismKind.ALL:
            return False
        if (
            term.kind is MechanismKind.INCLUDE
            and term.qualifier is Qualifier.PASS
            and term.domain is not None
            and term.domain.text.rstrip(".").lower() == include
        ):
            return True
    return False


def evaluate(
    ctx: Context, sender: ProviderSender, record: TXT, base: str, lines: tuple[str, ...]
) -> Resolution[list[Finding]]:
    """Judge the provider's sending space, and a stranger's address, side by side."""
    mail_from = f"postmaster@{ctx.domain}"
    probe = Probe()
    if sender.address is None:
        stranger = yield from spf_resolution(_STRANGER, ctx.domain, mail_from)
        return [_sender_unknown(ctx, sender), *_limits(ctx, stranger, lines, None)]
    both = pair(
        judge_spans(
            spans_of(sender.networks),
            ctx.domain,
            sender=mail_from,
            branching=True,
            through=ctx.profile.spf_include,
        ),
        spf_resolution(_STRANGER, ctx.domain, mail_from, probe=probe),
    )
    report, stranger = yield from (standing_in(both, ctx.profile) if sender.stand_in else both)
    ours = _deciding(report)
    findings = [_authorised(ctx, sender, report, ours, (record.text, base), lines)]
    if findings[0].status in (Status.OK, Status.ERROR) and findings[0].code != "spf.permerror":
        findings.extend(_by_address(ctx, sender, report, probe, base, lines))
    return [*findings, *_limits(ctx, stranger, lines, ours)]


def _deciding(report: RangeReport) -> SpfResult:
    """The result that decides the verdict: the first error, else the first non-pass."""
    results = [v.result for v in report.verdicts]
    for wanted in (SpfOutcome.TEMPERROR, SpfOutcome.PERMERROR):
        for result in results:
            if result.result is wanted:
                return result
    return next((r for r in results if r.result is not SpfOutcome.PASS), results[0])


def _sender_unknown(ctx: Context, sender: ProviderSender) -> Finding:
    include = ctx.profile.spf_include
    if sender.status is Status.UNKNOWN:
        code, status, why = "spf.temperror", Status.UNKNOWN, UNKNOWN_KEY
    elif sender.status is Status.SKIPPED:
        code, status, why = "dns.outside_zone", Status.SKIPPED, OUTSIDE_KEY
    else:
        code, status, why = "spf.provider_unknown", Status.SKIPPED, reasons.PROVIDER_UNKNOWN_KEY
    return finding(
        Check.SPF,
        status,
        code,
        absolute(ctx.domain),
        {"include": include, "origin": sender.origin},
        variant="spf.sender",
        cause=sender.cause,
        reason=why,
    )


def _undecided(ctx: Context, result: SpfResult, what: Phrase) -> Finding:
    name = absolute(ctx.domain)
    if result.code == "spf.outside_zone":
        return finding(
            Check.SPF,
            Status.SKIPPED,
            "dns.outside_zone",
            name,
            {"what": what, "detail": result.detail},
            variant="spf",
            cause=OUTSIDE_ZONE,
            reason=OUTSIDE_KEY,
        )
    cause = result.cause.value if result.cause is not None else "other"
    return finding(
        Check.SPF,
        Status.UNKNOWN,
        "spf.temperror",
        name,
        {"what": what, "detail": result.detail, "cause": cause},
        cause=cause,
        reason=UNKNOWN_KEY,
    )


def _who(ctx: Context, sender: ProviderSender) -> Phrase:
    """The provider's mail, as the messages name it."""
    if sender.stand_in:
        return phrase("checker.spf.who:stand_in")
    count = len(sender.networks)
    key = "checker.spf.who:one" if count == 1 else "checker.spf.who:many"
    return phrase(key, count=count, origin=sender.origin)


def _note(report: RangeReport, sender: ProviderSender) -> object:
    """What a verdict rests on offline: the stand-in, and the includes that could not be read.

    Said after the verdict, each part after a ``"; "`` (``""`` when there is none).
    """
    parts: list[Phrase] = []
    if sender.stand_in:
        parts.append(phrase("checker.spf.note", origin=sender.origin))
    if report.unknown:
        names = ", ".join(f"include:{name}" for name in report.unknown)
        parts.append(phrase("checker.spf.presumed", names=names))
    return Listing(parts, "") if parts else ""


def _authorised(
    ctx: Context,
    sender: ProviderSender,
    report: RangeReport,
    ours: SpfResult,
    texts: tuple[str, str],
    lines: tuple[str, ...],
) -> Finding:
    name = absolute(ctx.domain)
    include = ctx.profile.spf_include
    who = _who(ctx, sender)
    if ours.result is SpfOutcome.TEMPERROR:
        return _undecided(ctx, ours, phrase("checker.what.spf_passes", who=who))
    if ours.result is SpfOutcome.PERMERROR:
        if ours.code in _LIMITS:
            return _limit(ctx, ours, lines)
        reason, more = reasons.permerror(ctx.domain, ours)
        return finding(
            Check.SPF,
            Status.ERROR,
            "spf.permerror",
            name,
            {"name": name, "who": who, "detail": ours.detail, **more},
            observed=lines,
            reason=reason,
        )
    verdicts = report.verdicts
    failing = [v for v in verdicts if v.result.result is not SpfOutcome.PASS]
    if not failing:
        depends = list(dict.fromkeys(n for v in verdicts for n in v.depends))
        if depends:
            names = ", ".join(f"include:{n}" for n in depends)
            return finding(
                Check.SPF,
                Status.SKIPPED,
                "dns.outside_zone",
                name,
                {"name": name, "who": who, "names": names, "note": _note(report, sender)},
                variant="depends",
                cause=OUTSIDE_ZONE,
                reason=OUTSIDE_KEY,
            )
        terms = ", ".join(dict.fromkeys(v.result.term or "" for v in verdicts))
        return finding(
            Check.SPF,
            Status.OK,
            "spf.ok",
            name,
            {"name": name, "who": who, "terms": terms, "note": _note(report, sender)},
            expected=ctx.lines(ctx.expected(Check.SPF)),
            observed=lines,
        )
    original, base = texts
    front = not all(_at_all(v) for v in failing)
    merged = fixed_record(base, include, first=front)
    first = failing[0].result
    how: object = phrase("checker.spf.at", term=first.term) if first.term else first.detail
    if len(failing) < len(verdicts):
        code = "spf.provider_partly_authorized"
        claim = phrase(
            "checker.spf.claim:partly",
            name=name,
            who=who,
            ranges=_ranges(failing),
            outcomes=_outcomes(failing),
            how=how,
        )
    else:
        code = "spf.provider_not_authorized"
        claim = phrase("checker.spf.claim", name=name, outcome=first.result.value, who=who, how=how)
    params: dict[str, object] = {
        "name": name,
        "claim": claim,
        "note": _note(report, sender),
        "include": include,
    }
    if merged.record is None or merged.record == original:
        why = merged.violations
        advice = "checker.spf.advice:merge_why" if why else "checker.spf.advice:merge"
        return finding(
            Check.SPF,
            Status.ERROR,
            code,
            name,
            {
                **params,
                "advice": phrase(advice, include=include, why=why),
                "why": reasons.merge_why(why),
            },
            expected=ctx.lines(ctx.expected(Check.SPF)),
            observed=lines,
            reason=reasons.NO_MERGE,
        )
    new = ctx.line(ctx.domain, ctx.profile.default_ttl, "TXT", merged.record)
    advice = "checker.spf.advice:front" if front else "checker.spf.advice:all"
    return finding(
        Check.SPF,
        Status.ERROR,
        code,
        name,
        {**params, "advice": phrase(advice, include=include)},
        expected=(new,),
        observed=lines,
        fix=(FixLine(FixAction.REPLACE, new, lines[0]),),
    )


def _at_all(verdict: SpanVerdict) -> bool:
    """Whether the verdict was reached at the ``all`` term, or at the record's end."""
    term = verdict.result.term
    return term is None or term.lstrip("+-~?").lower() == "all"


def _ranges(verdicts: list[SpanVerdict]) -> str | Phrase:
    """The addresses of ``verdicts``, joined: a network, or a first-last range."""
    spans = spans_of(n for v in verdicts for n in v.span.networks())
    shown = []
    for span in spans:
        networks = span.networks()
        last = span.address(span.size - 1)
        shown.append(networks[0] if len(networks) == 1 else f"{span.address()}-{last}")
    return reasons.shown(shown, _SHOWN)


def _outcomes(verdicts: list[SpanVerdict]) -> str:
    return "/".join(dict.fromkeys(v.result.result.value for v in verdicts))


def _by_address(
    ctx: Context,
    sender: ProviderSender,
    report: RangeReport,
    stranger: Probe,
    base: str,
    lines: tuple[str, ...],
) -> list[Finding]:
    """A WARNING when the provider passes by its current addresses, never through its include."""
    include = ctx.profile.spf_include
    passing = [v for v in report.verdicts if v.result.result is SpfOutcome.PASS]
    if any(include in v.visited for v in report.verdicts) or include in stranger.visited:
        return []
    named = [v for v in passing if v.matched in _BY_ADDRESS]
    if not named:
        return []
    name = absolute(ctx.domain)
    ranges = _ranges(named)
    parsed = parse_spf(base).record
    if parsed is not None and _in_effect(parsed, include):
        # The include already takes effect after the terms that matched: the
        # provider's new addresses would still pass through it.
        return []
    merged = fixed_record(base, include)
    fix: tuple[FixLine, ...] = ()
    why = reasons.NO_MERGE
    if merged.record is not None:
        new = ctx.line(ctx.domain, ctx.profile.default_ttl, "TXT", merged.record)
        fix, why = (FixLine(FixAction.REPLACE, new, lines[0]),), ""
    params = {
        "name": name,
        "ranges": ranges,
        "include": include,
        "why": reasons.merge_why(merged.violations),
    }
    return [
        finding(
            Check.SPF,
            Status.WARNING,
            "spf.provider_by_address",
            name,
            params,
            observed=lines,
            fix=fix,
            reason=why,
        )
    ]


def _limit(ctx: Context, result: SpfResult, lines: tuple[str, ...]) -> Finding:
    name = absolute(ctx.domain)
    return finding(
        Check.SPF,
        Status.ERROR,
        result.code,
        name,
        {"name": name, "detail": result.detail},
        observed=lines,
    )


def _limits(
    ctx: Context, stranger: SpfResult, lines: tuple[str, ...], ours: SpfResult | None
) -> list[Finding]:
    """What a stranger's evaluation adds: a lookup limit hit after the provider's terms."""
    if stranger.result is SpfOutcome.PERMERROR and stranger.code in _LIMITS:
        if ours is not None and ours.code == stranger.code:
            return []  # already reported for the provider's own mail
        return [_limit(ctx, stranger, lines)]
    if (
        stranger.result is SpfOutcome.TEMPERROR
        and ours is not None
        and ours.result is not SpfOutcome.TEMPERROR
    ):
        return [_undecided(ctx, stranger, phrase("checker.what.spf_count"))]
    return []
