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

from ...i18n._catalog import register
from ...records import ExpectedRecord, Profile
from ...sources._answers import SRV, Answer, AnswerStatus, Query, Resolution, lookup_many
from .._findings import Check, Finding, FixAction, FixLine, Status
from .._make import finding
from .._phrases import Listing, omission_phrase, phrase
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
_UNKNOWN_HOST = "checker.reason.unknown_host"

#: The findings of the autodiscover and ownership checks (D-SRV, D-CNAME).
MESSAGES = register(
    {
        _UNKNOWN_HOST: (
            "the service host (pro<N>) is not known: give the server number, and the record "
            "to publish comes with the diagnosis"
        ),
        "finding.srv.missing": (
            "{name} has no SRV record: mail clients cannot find their settings; add it"
        ),
        "finding.srv.ok": "{name} leads mail clients to the service host",
        "finding.srv.wrong_target": (
            "the SRV record {name} points to {targets} instead of {host}: "
            "mail clients get wrong settings"
        ),
        "finding.srv.wrong_port": (
            "the SRV record {name} points to port {ports} instead of {port}: "
            "mail clients get wrong settings"
        ),
        "checker.srv_target": "{target} (server {number})",
        "finding.autodiscover.shadowed": (
            "{name} exists and does not lead to the service host: mail clients try it "
            "before the SRV record and get no or wrong settings; remove it"
        ),
        "finding.ownership.not_required": (
            "the zone is managed in the service's account: no ownership record is needed"
        ),
        "finding.ownership.token_unknown": "not checked: {omission}",
        "checker.reason.ownership_token": (
            "the record's name is made from the token: give ownership_token "
            "(the API's cnameToCheck)"
        ),
        "finding.ownership.missing": (
            "{name} has no CNAME: the provider cannot confirm the domain is yours; add it"
        ),
        "finding.ownership.missing:held": (
            "{name} has no CNAME: the provider cannot confirm the domain is yours; "
            "add it; remove the records it holds: a CNAME owns its name alone"
        ),
        "finding.ownership.ok": "{name} proves the ownership of the domain",
        "finding.ownership.wrong_target": "{name} points to {target} instead of {expected}",
        "checker.what.srv": "the autodiscover SRV record",
        "checker.what.shadow": "whether {name} shadows the SRV",
        "checker.what.ownership": "the ownership record",
    }
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
        return [undetermined(Check.AUTODISCOVER, answer, phrase("checker.what.srv"))]
    name = absolute(record.name)
    expected = ctx.lines((record,))
    found = tuple(r for r in answer.records if isinstance(r, SRV))
    unknown_host = "" if record.is_exact else _UNKNOWN_HOST
    if not found:
        return [
            finding(
                Check.AUTODISCOVER,
                Status.ERROR,
                "srv.missing",
                name,
                {"name": name},
                expected=expected,
                observed=alias,
                fix=remove_lines(alias) + ctx.add((record,)) if record.is_exact else (),
                reason=unknown_host,
            )
        ]
    port = ctx.profile.autodiscover_port
    wrong_host = tuple(r for r in found if not _host_ok(ctx, r.target))
    wrong_port = tuple(r for r in found if r not in wrong_host and r.port != port)
    if not wrong_host and not wrong_port:
        return [
            finding(
                Check.AUTODISCOVER,
                Status.OK,
                "srv.ok",
                name,
                {"name": name},
                expected=expected,
                observed=ctx.observed(answer),
            )
        ]
    # The first wrong record is replaced by the expected one unless a right one exists.
    replace_first = len(wrong_host) + len(wrong_port) == len(found)
    findings: list[Finding] = []
    for code, records, params in (
        ("srv.wrong_target", wrong_host, _target_params(ctx, wrong_host)),
        ("srv.wrong_port", wrong_port, {"ports": _ports(wrong_port), "port": port}),
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
            finding(
                Check.AUTODISCOVER,
                Status.ERROR,
                code,
                name,
                {"name": name, **params},
                expected=expected,
                observed=ctx.observed(answer),
                fix=fix,
                reason=reason,
            )
        )
    return findings


def _target_params(ctx: Context, records: tuple[SRV, ...]) -> dict[str, object]:
    parts: list[object] = []
    for srv in records:
        number = ctx.profile.server_number_of(srv.target)
        if number is not None:
            target = absolute(srv.target)
            parts.append(phrase("checker.srv_target", target=target, number=number))
        else:
            parts.append(absolute(srv.target))
    want = ctx.setup.server_number
    host = (
        ctx.profile.server_host(want)
        if want is not None
        else ctx.profile.server_host_format.format(number="<N>")
    )
    return {"targets": Listing(parts), "host": absolute(host)}


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
        return [undetermined(Check.AUTODISCOVER, failed, phrase("checker.what.shadow", name=alias))]
    return [
        finding(
            Check.AUTODISCOVER,
            Status.WARNING,
            "autodiscover.shadowed",
            alias,
            {"name": alias},
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
            finding(Check.OWNERSHIP, Status.OK, "ownership.not_required", name, {"name": name}),
        )
    expected = ctx.expected(Check.OWNERSHIP)
    if not expected:
        (omission,) = (o for o in ctx.records.omitted if o.check == Check.OWNERSHIP.value)
        return (
            finding(
                Check.OWNERSHIP,
                Status.SKIPPED,
                "ownership.token_unknown",
                name,
                {"name": name, "omission": omission_phrase(omission)},
                reason="checker.reason.ownership_token",
            ),
        )
    (record,) = expected
    (answer,) = yield (Query(record.name, "CNAME"),)  # lookup(), without its generator
    if answer.is_failure:
        return (undetermined(Check.OWNERSHIP, answer, phrase("checker.what.ownership")),)
    owner = absolute(record.name)
    lines = ctx.lines(expected)
    if answer.status is not AnswerStatus.ANSWER or not answer.records:
        # The records the name holds go with the CNAME's arrival (RFC 1034 §3.6.2).
        held = held_lines(ctx, (yield from occupants(record.name, answer)))
        return (
            finding(
                Check.OWNERSHIP,
                Status.ERROR,
                "ownership.missing",
                owner,
                {"name": owner},
                variant="held" if held else "",
                expected=lines,
                observed=held,
                fix=remove_lines(held) + ctx.add(expected),
            ),
        )
    observed = ctx.observed(answer)
    if answer.records[0] == ctx.profile.ownership_target:
        return (
            finding(
                Check.OWNERSHIP,
                Status.OK,
                "ownership.ok",
                owner,
                {"name": owner},
                expected=lines,
                observed=observed,
            ),
        )
    return (
        finding(
            Check.OWNERSHIP,
            Status.ERROR,
            "ownership.wrong_target",
            owner,
            {
                "name": owner,
                "target": absolute(str(answer.records[0])),
                "expected": absolute(ctx.profile.ownership_target),
            },
            expected=lines,
            observed=observed,
            fix=(FixLine(FixAction.REPLACE, lines[0], observed[0]),),
        ),
    )
