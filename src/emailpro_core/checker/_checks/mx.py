"""The domain and MX checks: does the domain exist, and does its mail reach the provider.

MX records compare as a set of (preference, host), case- and trailing-dot-insensitive
(the sources normalize names). The provider's hosts are trusted; a foreign host is
looked up (A and AAAA, in one batch) to tell whether it is an alias (RFC 2181 §10.3)
or has no address at all.

The MX answer is the domain owner's to write, and may list thousands of hosts:
only the first :data:`MAX_MX_LOOKUPS` foreign hosts (by preference) are looked up
(RFC 7208 §4.6.4 lets the ``mx`` mechanism look up 10), so that no domain causes
more than a few dozen questions here; the others are named in an
``mx.exchanges_not_checked`` finding.
"""

from __future__ import annotations

from ...i18n._catalog import register
from ...records import ExpectedRecord
from ...sources._answers import MX, Answer, AnswerStatus, Query, RData, Resolution, lookup_many
from .._findings import Check, Finding, FixAction, FixLine, Status
from .._make import finding
from .._phrases import phrase
from .base import (
    Context,
    absolute,
    remove_lines,
    undetermined,
)

#: Foreign MX hosts whose addresses are looked up (A and AAAA), at most.
MAX_MX_LOOKUPS = 10

#: The findings of the domain and MX checks (RFC 7505, RFC 2181 §10.3).
MESSAGES = register(
    {
        "finding.domain.nxdomain": (
            "{name} does not exist (NXDOMAIN): register the domain, or create its "
            "zone at its DNS host, then add the records"
        ),
        "checker.reason.no_zone": (
            "a zone that does not exist cannot be edited: register the domain "
            "or create its zone first"
        ),
        "finding.domain.ok": "{name} exists and answers",
        "finding.mx.missing": "{name} has no MX record: add the provider's MX records",
        "finding.mx.missing:foreign": (
            "no MX record of {name} points to the provider: mail goes to "
            "{hosts}; replace them with the provider's MX records"
        ),
        "finding.mx.null": (
            "{name} publishes a null MX (RFC 7505): it refuses all mail; replace it "
            "with the provider's MX records"
        ),
        "finding.mx.foreign": (
            "{name} also has MX records to {hosts}: senders pick among "
            "all MX hosts, so part of the mail bypasses the provider; remove them"
        ),
        "finding.mx.ok": "{name} sends its mail to the provider's MX hosts",
        "finding.mx.exchanges_not_checked": (
            "{name} lists more than {limit} foreign MX hosts: "
            "the addresses of {count} were not looked up ({shown}); "
            "an MX set that long is unusual, keep the provider's hosts only"
        ),
        "finding.mx.exchanges_not_checked:more": (
            "{name} lists more than {limit} foreign MX hosts: "
            "the addresses of {count} were not looked up ({shown} and {more} more); "
            "an MX set that long is unusual, keep the provider's hosts only"
        ),
        "finding.mx.partial": (
            "{name} has {present} of the provider's {wanted} MX records "
            "at their preferences: publish the full set so mail still arrives when a host is down"
        ),
        "finding.mx.cname_target": (
            "the MX host {host} is an alias (CNAME) of {target}: an "
            "MX must name a host directly (RFC 2181 §10.3); name the provider's host itself"
        ),
        "finding.mx.cname_target:foreign": (
            "the MX host {host} is an alias (CNAME) of {target}: an "
            "MX must name a host directly (RFC 2181 §10.3); and it is not the provider's: "
            "remove it"
        ),
        "finding.mx.no_address": (
            "the MX host {host} has no address (no A or AAAA record): "
            "mail to it cannot be delivered; remove it"
        ),
        "checker.what.domain": "whether the domain exists",
        "checker.what.mx": "the MX records",
        "checker.what.mx_address": "the address of MX host {host}",
    }
)


def check_exists(ctx: Context, /) -> Resolution[tuple[Finding, ...]]:
    """Whether the domain exists and its nameservers answer (asks the apex MX)."""
    (answer,) = yield (Query(ctx.domain, "MX"),)  # lookup(), without its generator
    name = absolute(ctx.domain)
    if answer.status is AnswerStatus.NXDOMAIN:
        return (
            finding(
                Check.DOMAIN,
                Status.ERROR,
                "domain.nxdomain",
                name,
                {"name": name},
                reason="checker.reason.no_zone",
            ),
        )
    if answer.is_failure:
        return (undetermined(Check.DOMAIN, answer, phrase("checker.what.domain")),)
    return (finding(Check.DOMAIN, Status.OK, "domain.ok", name, {"name": name}),)


def check_mx(ctx: Context, /) -> Resolution[tuple[Finding, ...]]:
    """The MX set: the provider's hosts only, all of them, at their preferences."""
    (answer,) = yield (Query(ctx.domain, "MX"),)  # lookup(), without its generator
    if answer.is_failure:
        return (undetermined(Check.MX, answer, phrase("checker.what.mx")),)
    expected = ctx.expected(Check.MX)
    found = tuple(dict.fromkeys(r for r in answer.records if isinstance(r, MX)))
    name = absolute(ctx.domain)
    if not found:
        return (
            finding(
                Check.MX,
                Status.ERROR,
                "mx.missing",
                name,
                {"name": name},
                expected=ctx.lines(expected),
                fix=ctx.add(expected),
            ),
        )
    all_lines = ctx.observed(answer, found)
    if any(mx.exchange == "" for mx in found):
        # RFC 7505 §3: a null MX ("0 .") says the domain accepts no mail at all.
        return (
            finding(
                Check.MX,
                Status.ERROR,
                "mx.null",
                name,
                {"name": name},
                expected=ctx.lines(expected),
                observed=all_lines,
                fix=remove_lines(all_lines) + ctx.add(expected),
            ),
        )
    wanted = {r.rdata for r in expected}
    if set(found) == wanted:
        # The common case: exactly the provider's records. Nothing is foreign,
        # nothing missing, no host to resolve: the general path below finds
        # nothing to report either, without the work.
        return (_ok(ctx, name, expected, all_lines),)
    hosts = {rdata.exchange for rdata in wanted if isinstance(rdata, MX)}
    others = tuple(
        dict.fromkeys(
            mx.exchange
            for mx in sorted(found, key=lambda mx: mx.preference)
            if mx.exchange not in hosts
        )
    )
    others, unchecked = others[:MAX_MX_LOOKUPS], others[MAX_MX_LOOKUPS:]
    targets = yield from _resolve(others)
    findings: list[Finding] = []
    # An alias of a provider host still reaches the provider (most senders follow it);
    # it is judged as that host, and warned about below.
    seen_as = {mx: _via(mx, targets, hosts) for mx in found}
    ours = tuple(via for via in seen_as.values() if via.exchange in hosts)
    foreign = tuple(mx for mx, via in seen_as.items() if via.exchange not in hosts)
    foreign_lines = ctx.observed(answer, foreign)
    if not ours:
        findings.append(
            finding(
                Check.MX,
                Status.ERROR,
                "mx.missing",
                name,
                {"name": name, "hosts": _hosts(foreign)},
                variant="foreign",
                expected=ctx.lines(expected),
                observed=all_lines,
                fix=remove_lines(foreign_lines) + ctx.add(expected),
            )
        )
    elif foreign:
        findings.append(
            finding(
                Check.MX,
                Status.ERROR,
                "mx.foreign",
                name,
                {"name": name, "hosts": _hosts(foreign)},
                expected=ctx.lines(expected),
                observed=all_lines,
                fix=remove_lines(foreign_lines),
            )
        )
    if ours and set(ours) != wanted:
        extra = tuple(mx for mx, via in seen_as.items() if via in ours and via not in wanted)
        findings.append(_partial(ctx, answer, extra, ours, wanted))
    for host in others:
        findings.extend(_target(ctx, answer, host, targets[host], hosts))
    if unchecked:
        findings.append(_not_checked(ctx, answer, unchecked))
    if not findings:  # pragma: no cover - the exact set returned above, and nothing else is OK
        findings.append(_ok(ctx, name, expected, all_lines))
    return tuple(findings)


def _ok(
    ctx: Context, name: str, expected: tuple[ExpectedRecord, ...], lines: tuple[str, ...]
) -> Finding:
    return finding(
        Check.MX,
        Status.OK,
        "mx.ok",
        name,
        {"name": name},
        expected=ctx.lines(expected),
        observed=lines,
    )


def _not_checked(ctx: Context, answer: Answer, hosts: tuple[str, ...]) -> Finding:
    params = {
        "name": absolute(ctx.domain),
        "limit": MAX_MX_LOOKUPS,
        "count": len(hosts),
        "hosts": tuple(absolute(host) for host in hosts),
        "shown": ", ".join(absolute(host) for host in hosts[:5]),
        "more": max(len(hosts) - 5, 0),
    }
    return finding(
        Check.MX,
        Status.WARNING,
        "mx.exchanges_not_checked",
        absolute(ctx.domain),
        params,
        variant="more" if len(hosts) > 5 else "",
        observed=ctx.observed(
            answer,
            tuple(mx for mx in answer.records if isinstance(mx, MX) and mx.exchange in set(hosts)),
        ),
    )


def _hosts(records: tuple[MX, ...]) -> str:
    return ", ".join(sorted({absolute(mx.exchange) for mx in records}))


def _resolve(hosts: tuple[str, ...]) -> Resolution[dict[str, tuple[Answer, Answer]]]:
    """The A and AAAA answers of each host, in one batch."""
    answers = yield from lookup_many(*(Query(h, t) for h in hosts for t in ("A", "AAAA")))
    return {host: (answers[2 * i], answers[2 * i + 1]) for i, host in enumerate(hosts)}


def _alias_target(pair: tuple[Answer, Answer]) -> str | None:
    a, aaaa = pair
    if a.via_cname:
        return a.canonical_name
    return aaaa.canonical_name if aaaa.via_cname else None


def _via(mx: MX, targets: dict[str, tuple[Answer, Answer]], hosts: set[str]) -> MX:
    target = _alias_target(targets[mx.exchange]) if mx.exchange in targets else None
    return MX(mx.preference, target) if target in hosts else mx


def _partial(
    ctx: Context,
    answer: Answer,
    extra: tuple[MX, ...],
    ours: tuple[MX, ...],
    wanted: set[RData | None],
) -> Finding:
    expected = ctx.expected(Check.MX)
    missing = tuple(r for r in expected if r.rdata not in ours)
    name = absolute(ctx.domain)
    return finding(
        Check.MX,
        Status.WARNING,
        "mx.partial",
        name,
        {"name": name, "present": len(set(ours) & wanted), "wanted": len(wanted)},
        expected=ctx.lines(expected),
        observed=ctx.observed(answer),
        fix=remove_lines(ctx.observed(answer, extra)) + ctx.add(missing),
    )


def _target(
    ctx: Context,
    answer: Answer,
    host: str,
    pair: tuple[Answer, Answer],
    hosts: set[str],
) -> list[Finding]:
    """What is wrong with a host that is not one of the provider's: alias, no address."""
    records = tuple(mx for mx in answer.records if isinstance(mx, MX) and mx.exchange == host)
    lines = ctx.observed(answer, records)
    target = _alias_target(pair)
    findings = []
    if target is not None:
        if target in hosts:
            fix = tuple(
                FixLine(
                    FixAction.REPLACE,
                    ctx.line(ctx.domain, answer.ttl, "MX", f"{mx.preference} {absolute(target)}"),
                    old,
                )
                for mx, old in zip(records, lines, strict=True)
            )
            variant = ""
        else:
            fix, variant = remove_lines(lines), "foreign"
        findings.append(
            finding(
                Check.MX,
                Status.WARNING,
                "mx.cname_target",
                absolute(ctx.domain),
                {"host": absolute(host), "target": absolute(target)},
                variant=variant,
                observed=lines,
                fix=fix,
            )
        )
    if target in hosts or any(x.records for x in pair):
        return findings
    failed = next((x for x in pair if x.is_failure), None)
    if failed is not None:
        findings.append(
            undetermined(Check.MX, failed, phrase("checker.what.mx_address", host=host))
        )
        return findings
    findings.append(
        finding(
            Check.MX,
            Status.ERROR,
            "mx.no_address",
            absolute(ctx.domain),
            {"host": absolute(host)},
            observed=lines,
            fix=remove_lines(lines),
        )
    )
    return findings
