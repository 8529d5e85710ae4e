"""Fixes of the SPF check that rewrite the record: bad terms out, back within the limits.

Each rewrite is one record, ready to replace the published one, that parses and
includes the provider before its ``all`` (see
:func:`~emailpro_core.checker._checks.spf_eval.fixed_record`):

- :func:`without_bad_terms` drops the terms that do not parse (the positions the
  parser reports), keeps the first of a repeated modifier, and ends the record
  with the profile's ``all`` when it has neither ``all`` nor ``redirect=``;
- :func:`within_limits` finds what each DNS-querying term costs (RFC 7208
  §4.6.4: lookups and void lookups) by evaluating a record of that term alone,
  for an address no record names, and drops the costliest terms until the rest
  is within the limits. The provider's include is never dropped.
"""

from __future__ import annotations

import attrs

from ...errors import Violation
from ...i18n._catalog import register
from ...sources._answers import Resolution, gather
from ...spf import (
    Mechanism,
    MechanismKind,
    Modifier,
    SpfLimits,
    SpfOutcome,
    SpfResult,
    parse_spf,
    spf_resolution,
)
from ...spf._ranges import judge_spans, spans_of
from .._phrases import phrase
from .base import Context
from .sender import ProviderSender, standing_in, substituted
from .spf_eval import fixed_record

#: An address no record is expected to authorise (RFC 1112 §4: class E, reserved).
_STRANGER = "240.0.0.1"
#: The limits of RFC 7208 §4.6.4 the rewrite must meet.
_MAX_LOOKUPS = 10
_MAX_VOIDS = 2
#: Limits high enough to count one term's cost past the RFC's (SpfLimits allows 50).
_COUNTING = SpfLimits(dns_terms=50, void_lookups=50)
#: How many times bad terms are taken out (a repair can reveal the next problem).
_MAX_PASSES = 4

#: Why no rewrite could be made (quoted by the SPF findings and their fix reasons).
MESSAGES = register(
    {
        "checker.spf.rewrite:no_position": "the parser did not say which term is wrong",
        "checker.spf.rewrite:version": "the version tag itself is wrong",
        "checker.spf.rewrite:too_many": "the record has too many problems to repair",
        "checker.spf.rewrite:limits": (
            "include:{include} and the terms that query no name already need "
            "{lookups} lookups and {voids} void lookups"
        ),
    }
)


@attrs.frozen
class Rewrite:
    """A record that replaces the published one, or why there is none.

    Attributes:
        record: The new record, or ``None``.
        dropped: The terms taken out, as written.
        reason: Why there is no record (empty when there is one): a phrase, or
            the violations that stopped it; rendered in the finding's language.
    """

    record: str | None
    dropped: tuple[str, ...] = ()
    reason: object = attrs.field(default="", eq=str)


def _tokens(text: str) -> list[tuple[int, str]]:
    found, position = [], 0
    for token in text.split(" "):
        if token:
            found.append((position, token))
        position += len(token) + 1
    return found


def cleaned(text: str, violations: tuple[Violation, ...], /) -> Rewrite:
    """``text`` without the terms ``violations`` point at (and those the next parse finds)."""
    dropped: list[str] = []
    for _ in range(_MAX_PASSES):
        positions = [v.params.get("position") for v in violations]
        if not positions or not all(isinstance(p, int) for p in positions):
            return Rewrite(None, tuple(dropped), phrase("checker.spf.rewrite:no_position"))
        tokens = _tokens(text)
        bad = [
            (start, token)
            for start, token in tokens[1:]
            if any(isinstance(p, int) and start <= p < start + len(token) for p in positions)
        ]
        if not bad:
            return Rewrite(None, tuple(dropped), phrase("checker.spf.rewrite:version"))
        dropped.extend(token for _, token in bad)
        text = " ".join(
            ["v=spf1", *(t for item in tokens[1:] if item not in bad for t in [item[1]])]
        )
        parsed = parse_spf(text)
        if parsed.record is not None:
            return Rewrite(text, tuple(dropped))
        violations = parsed.violations
    return Rewrite(None, tuple(dropped), phrase("checker.spf.rewrite:too_many"))


def without_bad_terms(ctx: Context, text: str, violations: tuple[Violation, ...], /) -> Rewrite:
    """``text`` without the terms ``violations`` point at, ending with an ``all``."""
    clean = cleaned(text, violations)
    if clean.record is None:
        return clean
    record = parse_spf(clean.record).record
    assert record is not None  # cleaned() returns records that parse
    text = clean.record
    if record.redirect is None and not any(
        isinstance(t, Mechanism) and t.kind is MechanismKind.ALL for t in record.terms
    ):
        text = f"{text} {ctx.profile.spf_all}"
    return Rewrite(text, clean.dropped)


def good_record(ctx: Context, sender: ProviderSender, text: str, /) -> Resolution[Rewrite]:
    """``text`` made to pass all of the provider's mail, within the lookup limits.

    The include goes before the ``all`` (:func:`.fixed_record`); the costliest
    DNS-querying terms are dropped until the record is within the limits
    (:func:`within_limits`); when the record so made still fails part of the
    provider's space (a ``-ip4:`` before the include, say), the include goes
    first. Each step is checked by evaluating the new record in place of the
    published one.
    """
    include = ctx.profile.spf_include
    merged = fixed_record(text, include, limit=False)
    if merged.record is None:
        return Rewrite(None, (), merged.violations)
    limited = yield from within_limits(ctx, sender, merged.record)
    if limited.record is None or sender.address is None:
        return limited
    judging = substituted(
        judge_spans(
            spans_of(sender.networks),
            ctx.domain,
            sender=f"postmaster@{ctx.domain}",
            branching=True,
            through=include,
        ),
        ctx.domain,
        limited.record,
    )
    report = yield from (standing_in(judging, ctx.profile) if sender.stand_in else judging)
    if all(v.result.result is SpfOutcome.PASS for v in report.verdicts):
        return limited
    # A term before the include fails part of the provider's mail: the include
    # goes first (the lookups counted do not change with the order).
    front = fixed_record(limited.record, include, first=True, limit=False)
    if front.record is None:
        return Rewrite(None, limited.dropped, front.violations)
    return Rewrite(front.record, limited.dropped)


def _dns_terms(text: str, include: str) -> list[str]:
    """The record's DNS-querying terms as written (its tokens), but the provider's include."""
    parsed = parse_spf(text)
    if parsed.record is None:
        return []
    # The terms are the record's space-separated tokens after "v=spf1", in order.
    tokens = [token for token in text.split(" ") if token][1:]
    found = []
    for token, term in zip(tokens, parsed.record.terms, strict=True):
        if isinstance(term, Mechanism):
            if term.kind in (MechanismKind.ALL, MechanismKind.IP4, MechanismKind.IP6):
                continue
            if (
                term.kind is MechanismKind.INCLUDE
                and term.domain is not None
                and term.domain.text.rstrip(".").lower() == include
            ):
                continue
            found.append(token)
        elif isinstance(term, Modifier) and term.name == "redirect":
            found.append(token)
    return found


def within_limits(ctx: Context, sender: ProviderSender, base: str, /) -> Resolution[Rewrite]:
    """``base`` with its costliest DNS-querying terms dropped until it is within the limits.

    ``base`` already includes the provider where it takes effect; the include is
    never dropped.
    """
    include = ctx.profile.spf_include
    text = base
    terms = _dns_terms(text, include)
    alone = [f"v=spf1 {term}" for term in terms]
    rest = " ".join(token for token in text.split(" ")[1:] if token and token not in terms)
    alone.append(f"v=spf1 {rest}")  # every other term, the provider's include among them
    runs = [
        substituted(
            spf_resolution(_STRANGER, ctx.domain, f"postmaster@{ctx.domain}", limits=_COUNTING),
            ctx.domain,
            record,
        )
        for record in alone
    ]
    both = gather(runs)
    results: list[SpfResult] = yield from (
        standing_in(both, ctx.profile) if sender.stand_in else both
    )
    costs = [(r.dns_lookups, r.void_lookups) for r in results]
    kept = [(term, cost) for term, cost in zip(terms, costs, strict=False)]
    lookups = sum(c[0] for c in costs)
    voids = sum(c[1] for c in costs)
    dropped: list[str] = []
    # The costliest first: the fewest terms dropped for the lookups saved.
    for term, (n, v) in sorted(kept, key=lambda item: item[1], reverse=True):
        if lookups <= _MAX_LOOKUPS and voids <= _MAX_VOIDS:
            break
        dropped.append(term)
        lookups -= n
        voids -= v
    if lookups > _MAX_LOOKUPS or voids > _MAX_VOIDS:
        return Rewrite(
            None,
            tuple(dropped),
            phrase("checker.spf.rewrite:limits", include=include, lookups=lookups, voids=voids),
        )
    tokens = [token for token in text.split(" ") if token and token not in dropped]
    return Rewrite(" ".join(tokens), tuple(dropped))
