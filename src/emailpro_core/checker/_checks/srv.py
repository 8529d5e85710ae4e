"""The autodiscover SRV check, the autodiscover name that could shadow it, and ownership.

Outlook looks for its settings at ``autodiscover.<domain>`` before it asks for the
``_autodiscover._tcp`` SRV record, so a name there that leads elsewhere wins over
a correct SRV record. The SRV record is judged on its target (the service host,
``pro<N>.mail.ovh.net``, any ``N`` when the setup does not give it) and its port;
priority and weight do not change where clients go when there is one record.
The ``autodiscover`` name is asked for its A record beside the SRV record, and
for its CNAME and AAAA records only when it exists.
"""

from __future__ import annotations

import functools

from ...records import ExpectedRecord, Profile
from ...sources._answers import SRV, Answer, AnswerStatus, Query, Resolution, lookup_many
from .._findings import Check, Finding, FixAction, FixLine, Status
from .base import (
    Context,
    absolute,
    alias_lines,
    held_lines,
    occupants,
    remove_lines,
    undetermined,
)


def check_autodiscover(ctx: Context, /) -> Resolution[tuple[Finding, ...]]:
    """The ``_autodiscover._tcp`` SRV record, and the ``autodiscover`` name beside it."""
    (record,) = ctx.expected(Check.AUTODISCOVER)
    alias = f"autodiscover.{ctx.domain}"
    srv, a = yield from lookup_many(Query(record.name, "SRV"), Query(alias, "A"))
    aliased = yield from alias_lines(ctx, record.name, srv)
    findings = _srv_findings(ctx, record, srv, aliased)
    if a.status is AnswerStatus.NXDOMAIN and not a.via_cname:
        # The name does not exist, so it holds no CNAME or AAAA record either
        # (RFC 8020 §2): most domains have no such name, and two questions are spared.
        return tuple(findings)
    cname, aaaa = yield from lookup_many(Query(alias, "CNAME"), Query(alias, "AAAA"))
    findings.extend(_shadow_findings(ctx, cname, a, aaaa))
    return tuple(findings)


#: Why an SRV finding has no fix: its target depends on a server number not given.
_UNKNOWN_HOST = (
    "the service host (pro<N>) is not known: give the server number, and the record "
    "to publish comes with the diagnosis"
)


# Domains share a few service hosts: each is made (and its number checked) once.
# A number the profile refuses raises, and is not remembered.
@functools.lru_cache(maxsize=256)
def _service_host(profile: Profile, number: int) -> str:
    return profile.server_host(number)


def _host_ok(ctx: Context, target: str) -> bool:
    number = ctx.setup.server_number
    if number is None:
        return ctx.profile.server_number_of(target) is not None
    return target == _service_host(ctx.profile, number)


def _srv_findings(
    ctx: Context, record: ExpectedRecord, answer: Answer, alias: tuple[str, ...] = ()
) -> list[Finding]:
    """The SRV record's findings; ``alias``: the CNAME line at its name, when it is one."""
    if answer.is_failure:
        return [undetermined(Check.AUTODISCOVER, answer, "the autodiscover SRV record")]
    name = absolute(record.name)
    expected = ctx.lines((record,))
    found = tuple(r for r in answer.records if isinstance(r, SRV))
    unknown_host = "" if record.is_exact else _UNKNOWN_HOST
    if not found:
        return [
            Finding(
                Check.AUTODISCOVER,
                Status.ERROR,
                "srv.missing",
                f"{name} has no SRV record: mail clients cannot find their settings; add it",
                name,
                expected=expected,
                observed=alias,
                fix=remove_lines(alias) + ctx.add((record,)) if record.is_exact else (),
                fix_reason=unknown_host,
            )
        ]
    port = ctx.profile.autodiscover_port
    wrong_host = tuple(r for r in found if not _host_ok(ctx, r.target))
    wrong_port = tuple(r for r in found if r not in wrong_host and r.port != port)
    if not wrong_host and not wrong_port:
        return [
            Finding(
                Check.AUTODISCOVER,
                Status.OK,
                "srv.ok",
                f"{name} leads mail clients to the service host",
                name,
                expected=expected,
                observed=ctx.observed(answer),
            )
        ]
    # The first wrong record is replaced by the expected one unless a right one exists.
    replace_first = len(wrong_host) + len(wrong_port) == len(found)
    findings: list[Finding] = []
    for code, records, message in (
        ("srv.wrong_target", wrong_host, _target_message(ctx, wrong_host)),
        ("srv.wrong_port", wrong_port, f"port {_ports(wrong_port)} instead of {port}"),
    ):
        if not records:
            continue
        lines = ctx.observed(answer, records)
        fix = list(remove_lines(lines))
        reason = ""
        if alias:
            # Reached through a CNAME: the record goes where the alias was.
            fix = list(remove_lines(alias) + ctx.add((record,))) if record.is_exact else []
            reason = unknown_host
        elif replace_first and not record.is_exact:
            # Every record is wrong and the right one is not known: removing them
            # alone would leave none, so nothing is offered.
            fix, reason = [], _UNKNOWN_HOST
        elif replace_first:
            fix[0] = FixLine(FixAction.REPLACE, expected[0], lines[0])
        replace_first = False
        findings.append(
            Finding(
                Check.AUTODISCOVER,
                Status.ERROR,
                code,
                f"the SRV record {name} points to {message}: mail clients get wrong settings",
                name,
                expected=expected,
                observed=ctx.observed(answer),
                fix=fix,
                fix_reason=reason,
            )
        )
    return findings


def _target_message(ctx: Context, records: tuple[SRV, ...]) -> str:
    parts = []
    for srv in records:
        number = ctx.profile.server_number_of(srv.target)
        if number is not None:
            parts.append(f"{absolute(srv.target)} (server {number})")
        else:
            parts.append(absolute(srv.target))
    want = ctx.setup.server_number
    host = (
        ctx.profile.server_host(want)
        if want is not None
        else ctx.profile.server_host_format.format(number="<N>")
    )
    return f"{', '.join(parts)} instead of {absolute(host)}"


def _ports(records: tuple[SRV, ...]) -> str:
    return ", ".join(str(p) for p in sorted({r.port for r in records}))


def _shadow_findings(ctx: Context, cname: Answer, a: Answer, aaaa: Answer) -> list[Finding]:
    alias = absolute(f"autodiscover.{ctx.domain}")
    if cname.records:
        if _host_ok(ctx, str(cname.records[0])):
            return []
        lines = ctx.observed(cname)
    elif a.records or aaaa.records:
        lines = ctx.observed(a) + ctx.observed(aaaa)
    else:
        failed = next((x for x in (cname, a, aaaa) if x.is_failure), None)
        if failed is None:
            return []
        return [undetermined(Check.AUTODISCOVER, failed, f"whether {alias} shadows the SRV")]
    return [
        Finding(
            Check.AUTODISCOVER,
            Status.WARNING,
            "autodiscover.shadowed",
            f"{alias} exists and does not lead to the service host: mail clients try it "
            "before the SRV record and get no or wrong settings; remove it",
            alias,
            observed=lines,
            fix=remove_lines(lines),
        )
    ]


def check_ownership(ctx: Context, /) -> Resolution[tuple[Finding, ...]]:
    """The ownership CNAME, needed only when the zone is managed outside the account."""
    name = absolute(ctx.domain)
    if ctx.setup.managed_in_account:
        # D-CNAME: not necessary when the zone is in the same account.
        return (
            Finding(
                Check.OWNERSHIP,
                Status.OK,
                "ownership.not_required",
                "the zone is managed in the service's account: no ownership record is needed",
                name,
            ),
        )
    expected = ctx.expected(Check.OWNERSHIP)
    if not expected:
        (omission,) = (o for o in ctx.records.omitted if o.check == Check.OWNERSHIP.value)
        return (
            Finding(
                Check.OWNERSHIP,
                Status.SKIPPED,
                "ownership.token_unknown",
                f"not checked: {omission.message}",
                name,
                fix_reason="the record's name is made from the token: give ownership_token "
                "(the API's cnameToCheck)",
            ),
        )
    (record,) = expected
    (answer,) = yield (Query(record.name, "CNAME"),)  # lookup(), without its generator
    if answer.is_failure:
        return (undetermined(Check.OWNERSHIP, answer, "the ownership record"),)
    owner = absolute(record.name)
    lines = ctx.lines(expected)
    if answer.status is not AnswerStatus.ANSWER or not answer.records:
        # The records the name holds go with the CNAME's arrival (RFC 1034 §3.6.2).
        held = held_lines(ctx, (yield from occupants(record.name, answer)))
        also = "; remove the records it holds: a CNAME owns its name alone" if held else ""
        return (
            Finding(
                Check.OWNERSHIP,
                Status.ERROR,
                "ownership.missing",
                f"{owner} has no CNAME: the provider cannot confirm the domain is yours; "
                f"add it{also}",
                owner,
                expected=lines,
                observed=held,
                fix=remove_lines(held) + ctx.add(expected),
            ),
        )
    observed = ctx.observed(answer)
    if answer.records[0] == ctx.profile.ownership_target:
        return (
            Finding(
                Check.OWNERSHIP,
                Status.OK,
                "ownership.ok",
                f"{owner} proves the ownership of the domain",
                owner,
                expected=lines,
                observed=observed,
            ),
        )
    return (
        Finding(
            Check.OWNERSHIP,
            Status.ERROR,
            "ownership.wrong_target",
            f"{owner} points to {absolute(str(answer.records[0]))} instead of "
            f"{absolute(ctx.profile.ownership_target)}",
            owner,
            expected=lines,
            observed=observed,
            fix=(FixLine(FixAction.REPLACE, lines[0], observed[0]),),
        ),
    )
