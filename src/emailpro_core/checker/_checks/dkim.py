"""The DKIM check: one CNAME per selector, its target, and the key behind it.

The provider keeps the key pair and the domain publishes a CNAME per selector
(D-DKIM). One batch asks, for every selector, the CNAME and the TXT record: the
TXT question follows the CNAME, so the key at the target comes back in the same
round; without a CNAME, it shows a TXT record published where the CNAME belongs.
"""

from __future__ import annotations

from typing import Any

from ...dkim import dkim_key_strength, parse_dkim_key
from ...records import ExpectedRecord
from ...sources._answers import TXT, Answer, Query, Resolution, gather, lookup_many
from .._findings import Check, Finding, FixAction, FixLine, Status
from .base import Context, absolute, held_lines, occupants, remove_lines, undetermined

#: Why a key finding has no fix: the key is published in the provider's zone (D-DKIM).
_PROVIDER_KEY = (
    "the key is published by the provider, behind the CNAME, not in this zone: "
    "ask the provider to publish a valid key or a new selector"
)


def check_dkim(ctx: Context, /) -> Resolution[tuple[Finding, ...]]:
    """Every selector of the setup: its CNAME, and the key its target publishes."""
    expected = ctx.expected(Check.DKIM)
    if not expected:
        (omission,) = (o for o in ctx.records.omitted if o.check == Check.DKIM.value)
        return (
            Finding(
                Check.DKIM,
                Status.SKIPPED,
                "dkim.no_selectors",
                f"not checked: {omission.message}",
                absolute(ctx.domain),
                fix_reason="the selectors come from the service: give dkim_selectors",
            ),
        )
    queries = [Query(r.name, rdtype) for r in expected for rdtype in ("CNAME", "TXT")]
    answers = yield from lookup_many(*queries)
    # A name that exists without the CNAME: what it holds goes when the CNAME comes
    # (RFC 1034 §3.6.2), so the fix must name it. Asked in one more round, rarely.
    held: list[tuple[Answer, ...]] = yield from gather(
        [
            occupants(record.name, answers[2 * i], known=(answers[2 * i + 1],))
            for i, record in enumerate(expected)
        ]
    )
    findings: list[Finding] = []
    for index, record in enumerate(expected):
        cname, txt = answers[2 * index], answers[2 * index + 1]
        findings.extend(_selector(ctx, record, cname, txt, held[index]))
    return tuple(findings)


def _selector(
    ctx: Context, record: ExpectedRecord, cname: Answer, txt: Answer, held: tuple[Answer, ...]
) -> list[Finding]:
    selector = record.name.split(".", 1)[0]
    if cname.is_failure:
        return [undetermined(Check.DKIM, cname, f"the DKIM record of {selector}")]
    owner = absolute(record.name)
    expected = ctx.lines((record,))
    if not cname.records:
        txt_lines = ctx.observed(txt) if txt.records and not txt.via_cname else ()
        # Everything at the name goes when the CNAME comes (RFC 1034 §3.6.2).
        lines = held_lines(ctx, held) if held else txt_lines
        if txt_lines:
            return [
                Finding(
                    Check.DKIM,
                    Status.ERROR,
                    "dkim.txt_instead_of_cname",
                    f"{owner} is a TXT record: the provider rotates its keys behind a CNAME, "
                    "so publish the CNAME instead",
                    owner,
                    expected=expected,
                    observed=lines,
                    **_fix(record, remove_lines(lines) + ctx.add((record,))),
                )
            ]
        required = ctx.setup.dkim_enabled
        also = "; remove the records it holds: a CNAME owns its name alone" if lines else ""
        return [
            Finding(
                Check.DKIM,
                Status.ERROR if required else Status.WARNING,
                "dkim.missing",
                f"{owner} has no CNAME: mail cannot be signed with {selector}"
                + ("" if required else " (needed before DKIM signing is enabled)")
                + also,
                owner,
                expected=expected,
                observed=lines,
                **_fix(record, remove_lines(lines) + ctx.add((record,))),
            )
        ]
    target = str(cname.records[0])
    observed = ctx.observed(cname)
    if not record.accepts(absolute(target)):
        how = "" if record.is_exact else " (the provider's pattern; copy the exact target)"
        return [
            Finding(
                Check.DKIM,
                Status.ERROR,
                "dkim.wrong_target",
                f"{owner} points to {absolute(target)}, not to the provider's DKIM "
                f"target for {selector}{how}",
                owner,
                expected=expected,
                observed=observed,
                **_fix(record, (FixLine(FixAction.REPLACE, expected[0], observed[0]),)),
            )
        ]
    found = Finding(
        Check.DKIM,
        Status.OK,
        "dkim.ok",
        f"{owner} points to the provider's DKIM target",
        owner,
        expected=expected,
        observed=observed,
    )
    return [found, *_key(ctx, selector, target, txt)]


def _fix(record: ExpectedRecord, fix: tuple[FixLine, ...]) -> dict[str, Any]:
    """The ``fix`` of a finding, or why there is none: the CNAME's target is not known."""
    if record.is_exact:
        return {"fix": fix}
    return {
        "fix_reason": "the exact CNAME target of the selector is not known, only its pattern: "
        "give the selector's target (the API's targetRecord), and the line comes with the "
        "diagnosis"
    }


def _key(ctx: Context, selector: str, target: str, txt: Answer) -> list[Finding]:
    if txt.is_failure:
        return [undetermined(Check.DKIM, txt, f"the DKIM key of {selector}")]
    name = absolute(target)
    keys = tuple(r for r in txt.records if isinstance(r, TXT))
    observed = ctx.observed(txt)
    if not keys:
        return [
            Finding(
                Check.DKIM,
                Status.ERROR if ctx.setup.dkim_enabled else Status.WARNING,
                "dkim.key_missing",
                f"{name} publishes no key yet: signatures with {selector} cannot be verified; "
                "the provider publishes it (wait, or ask the provider if it stays missing)",
                name,
                fix_reason=_PROVIDER_KEY,
            )
        ]
    parsed = parse_dkim_key(keys[0].text)
    if parsed.key is not None and parsed.key.revoked:
        return [_bad_key(ctx, "dkim.key_revoked", f"{name} has a revoked key (empty p=)", txt)]
    if not parsed.usable or parsed.key is None:
        problems = "; ".join(f"{v.message} [{v.code}]" for v in parsed.violations)
        return [
            _bad_key(ctx, "dkim.key_invalid", f"the key at {name} is unusable: {problems}", txt)
        ]
    findings: list[Finding] = []
    strength = dkim_key_strength(parsed.key)
    if strength is not None:
        # RFC 8301 §3.2: under 1024 bits verifiers reject the key; under 2048, weak.
        weak = strength.code == "dkim.key_weak"
        findings.append(
            Finding(
                Check.DKIM,
                Status.WARNING if weak else Status.ERROR,
                strength.code,
                f"{name}: {strength.message}; ask the provider for a new selector",
                name,
                observed=observed,
                fix_reason=_PROVIDER_KEY,
            )
        )
    # What strict verifiers refuse in a key others use (docs/dkim.md): a warning each.
    findings.extend(
        Finding(
            Check.DKIM,
            Status.WARNING,
            warning.code,
            f"{name}: {warning.message}; mail signed with {selector} may fail DKIM there: "
            "ask the provider to publish the key as the RFCs write it",
            name,
            observed=observed,
            fix_reason=_PROVIDER_KEY,
        )
        for warning in parsed.warnings
    )
    if findings:
        return findings
    bits = parsed.key.key_bits
    return [
        Finding(
            Check.DKIM,
            Status.OK,
            "dkim.key_ok",
            f"{name} publishes a {bits}-bit {parsed.key.key_type.value} key for {selector}",
            name,
            observed=observed,
        )
    ]


def _bad_key(ctx: Context, code: str, message: str, txt: Answer) -> Finding:
    return Finding(
        Check.DKIM,
        Status.ERROR,
        code,
        f"{message}: mail signed with it fails DKIM; ask the provider to publish a valid key",
        absolute(txt.canonical_name),
        observed=ctx.observed(txt),
        fix_reason=_PROVIDER_KEY,
    )
