"""The evaluation half of the SPF check: does the provider's mail pass, within the limits.

:func:`evaluate` runs ``check_host`` (RFC 7208 §4) twice, side by side: for the
provider's address (see :mod:`~emailpro_core.check_sender`), and for an address
no record names, whose evaluation walks every term as a stranger's mail would,
so a lookup limit hit after the provider's include is still found (§4.6.4).
"""

from __future__ import annotations

from .check_base import OUTSIDE_ZONE, Context, absolute, pair
from .check_sender import ProviderSender
from .dnsdata import TXT, Resolution
from .findings import Check, Finding, FixAction, FixLine, Status
from .spf import SpfMerge, SpfOutcome, SpfResult, merge_spf, spf_resolution

__all__ = ["evaluate", "fixed_record"]

#: An address no record is expected to authorise (RFC 1112 §4: class E, reserved).
_STRANGER = "240.0.0.1"
#: Permerror codes of ``check_host`` that the check reports under their own code.
_LIMITS = ("spf.too_many_lookups", "spf.too_many_void_lookups")


def fixed_record(text: str, include: str, /) -> SpfMerge:
    """``text`` with ``include:<include>`` where it takes effect (via ``merge_spf``).

    An include already written after the ``all`` term is never evaluated; it is
    taken out first so that ``merge_spf`` puts it back before the ``all``.
    """
    own = {f"{prefix}include:{include}{dot}" for prefix in ("", "+") for dot in ("", ".")}
    tokens = [token for token in text.split(" ") if token.lower() not in own]
    return merge_spf(" ".join(tokens), include)


def evaluate(
    ctx: Context, sender: ProviderSender, record: TXT, base: str, lines: tuple[str, ...]
) -> Resolution[list[Finding]]:
    """Run ``check_host`` for the provider's address and for a stranger's, side by side."""
    mail_from = f"postmaster@{ctx.domain}"
    if sender.address is None:
        stranger = yield from spf_resolution(_STRANGER, ctx.domain, mail_from)
        return [_sender_unknown(ctx, sender), *_limits(ctx, stranger, lines, None)]
    ours, stranger = yield from pair(
        spf_resolution(sender.address, ctx.domain, mail_from),
        spf_resolution(_STRANGER, ctx.domain, mail_from),
    )
    authorised = _authorised(ctx, sender, ours, (record.text, base), lines)
    return [authorised, *_limits(ctx, stranger, lines, ours)]


def _sender_unknown(ctx: Context, sender: ProviderSender) -> Finding:
    include = ctx.profile.spf_include
    if sender.status is Status.UNKNOWN:
        code = "spf.temperror"
        status = Status.UNKNOWN
    elif sender.status is Status.SKIPPED:
        code, status = "dns.outside_zone", Status.SKIPPED
    else:
        code, status = "spf.provider_unknown", Status.SKIPPED
    return Finding(
        Check.SPF,
        status,
        code,
        f"whether mail sent through {include} passes is not known: {sender.origin}",
        absolute(ctx.domain),
        cause=sender.cause,
    )


def _undecided(ctx: Context, result: SpfResult, what: str) -> Finding:
    name = absolute(ctx.domain)
    if result.code == "spf.outside_zone":
        return Finding(
            Check.SPF,
            Status.SKIPPED,
            "dns.outside_zone",
            f"{what} not checked: {result.detail}",
            name,
            cause=OUTSIDE_ZONE,
        )
    cause = result.cause.value if result.cause is not None else "other"
    return Finding(
        Check.SPF,
        Status.UNKNOWN,
        "spf.temperror",
        f"{what} unknown (temperror): {result.detail}",
        name,
        cause=cause,
    )


def _authorised(
    ctx: Context,
    sender: ProviderSender,
    ours: SpfResult,
    texts: tuple[str, str],
    lines: tuple[str, ...],
) -> Finding:
    name = absolute(ctx.domain)
    include = ctx.profile.spf_include
    who = f"mail from {sender.address} ({sender.origin})"
    if ours.result is SpfOutcome.PASS:
        return Finding(
            Check.SPF,
            Status.OK,
            "spf.ok",
            f"the SPF record of {name} passes {who}, through {ours.term}",
            name,
            expected=ctx.lines(ctx.expected(Check.SPF)),
            observed=lines,
        )
    if ours.result is SpfOutcome.TEMPERROR:
        return _undecided(ctx, ours, f"whether {who} passes")
    if ours.result is SpfOutcome.PERMERROR:
        if ours.code in _LIMITS:
            return _limit(ctx, ours, lines)
        return Finding(
            Check.SPF,
            Status.ERROR,
            "spf.permerror",
            f"the SPF record of {name} gives a permerror for {who}: {ours.detail}",
            name,
            observed=lines,
        )
    how = f"at {ours.term}" if ours.term else ours.detail
    original, base = texts
    merged = fixed_record(base, include)
    message = (
        f"the SPF record of {name} gives {ours.result.value} for {who}, {how}: "
        "receivers may refuse the provider's mail"
    )
    if merged.record is None or merged.record == original:
        reasons = "; ".join(v.message for v in merged.violations)
        return Finding(
            Check.SPF,
            Status.ERROR,
            "spf.provider_not_authorized",
            f"{message}; no safe change of the record was found"
            + (f" ({reasons})" if reasons else "")
            + f": make it pass the addresses of {include}",
            name,
            expected=ctx.lines(ctx.expected(Check.SPF)),
            observed=lines,
        )
    new = ctx.line(ctx.domain, ctx.profile.default_ttl, "TXT", merged.record)
    return Finding(
        Check.SPF,
        Status.ERROR,
        "spf.provider_not_authorized",
        f"{message}; include {include} before the all term",
        name,
        expected=(new,),
        observed=lines,
        fix=(FixLine(FixAction.REPLACE, new, lines[0]),),
    )


def _limit(ctx: Context, result: SpfResult, lines: tuple[str, ...]) -> Finding:
    name = absolute(ctx.domain)
    kind = "DNS-querying terms" if result.code == "spf.too_many_lookups" else "void lookups"
    return Finding(
        Check.SPF,
        Status.ERROR,
        result.code,
        f"the SPF record of {name} needs too many {kind} (permerror): {result.detail}; "
        "replace includes by the ip4:/ip6: networks they stand for, or remove unused ones",
        name,
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
        return [_undecided(ctx, stranger, "the lookup count of the SPF record")]
    return []
