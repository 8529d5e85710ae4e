"""The DKIM check: one CNAME per selector, its target, and the key behind it.

The provider keeps the key pair and the domain publishes a CNAME per selector
(D-DKIM). One batch asks, for every selector, the CNAME and the TXT record: the
TXT question follows the CNAME, so the key at the target comes back in the same
round; without a CNAME, it shows a TXT record published where the CNAME belongs.
"""

from __future__ import annotations

from typing import Any

from ...dkim import dkim_key_strength, parse_dkim_key
from ...i18n._catalog import register
from ...records import ExpectedRecord
from ...sources._answers import TXT, Answer, Query, Resolution, gather, lookup_many
from .._findings import Check, Finding, FixAction, FixLine, Status
from .._make import finding
from .._phrases import coded, omission_phrase, phrase
from .base import Context, absolute, held_lines, occupants, remove_lines, undetermined

#: Why a key finding has no fix: the key is published in the provider's zone (D-DKIM).
_PROVIDER_KEY = "checker.reason.provider_key"
#: Why a selector's finding has no fix: its exact target is not known.
_PATTERN_ONLY = "checker.reason.dkim_pattern"

#: The findings of the DKIM check (D-DKIM; RFC 6376, RFC 8301 §3.2). A finding that
#: reports a violation of the key's parser quotes it as ``{problem}``.
MESSAGES = register(
    {
        _PROVIDER_KEY: (
            "the key is published by the provider, behind the CNAME, not in this zone: "
            "ask the provider to publish a valid key or a new selector"
        ),
        _PATTERN_ONLY: (
            "the exact CNAME target of the selector is not known, only its pattern: "
            "give the selector's target (the API's targetRecord), and the line comes with the "
            "diagnosis"
        ),
        "checker.reason.dkim_selectors": (
            "the selectors come from the service: give dkim_selectors"
        ),
        "finding.dkim.no_selectors": "not checked: {omission}",
        "finding.dkim.txt_instead_of_cname": (
            "{name} is a TXT record: the provider rotates its keys behind a CNAME, "
            "so publish the CNAME instead"
        ),
        "finding.dkim.missing": "{name} has no CNAME: mail cannot be signed with {selector}",
        "finding.dkim.missing:held": (
            "{name} has no CNAME: mail cannot be signed with {selector}"
            "; remove the records it holds: a CNAME owns its name alone"
        ),
        "finding.dkim.missing:optional": (
            "{name} has no CNAME: mail cannot be signed with {selector}"
            " (needed before DKIM signing is enabled)"
        ),
        "finding.dkim.missing:optional_held": (
            "{name} has no CNAME: mail cannot be signed with {selector}"
            " (needed before DKIM signing is enabled)"
            "; remove the records it holds: a CNAME owns its name alone"
        ),
        "finding.dkim.wrong_target": (
            "{name} points to {target}, not to the provider's DKIM target for {selector}"
        ),
        "finding.dkim.wrong_target:pattern": (
            "{name} points to {target}, not to the provider's DKIM "
            "target for {selector} (the provider's pattern; copy the exact target)"
        ),
        "finding.dkim.ok": "{name} points to the provider's DKIM target",
        "finding.dkim.key_missing": (
            "{name} publishes no key yet: signatures with {selector} cannot be verified; "
            "the provider publishes it (wait, or ask the provider if it stays missing)"
        ),
        "finding.dkim.key_revoked": (
            "{name} has a revoked key (empty p=): mail signed with it fails DKIM; "
            "ask the provider to publish a valid key"
        ),
        "finding.dkim.key_invalid": (
            "the key at {name} is unusable: {problems}: mail signed with it fails DKIM; "
            "ask the provider to publish a valid key"
        ),
        # The strength of the key (dkim.key_weak, dkim.key_too_weak), and the
        # warnings of strict verifiers: the code is the violation's.
        "finding.dkim.strength": "{name}: {problem}; ask the provider for a new selector",
        "finding.dkim.strict": (
            "{name}: {problem}; mail signed with {selector} may fail DKIM there: "
            "ask the provider to publish the key as the RFCs write it"
        ),
        "finding.dkim.key_ok": "{name} publishes a {bits}-bit {key_type} key for {selector}",
        "checker.what.dkim": "the DKIM record of {selector}",
        "checker.what.dkim_key": "the DKIM key of {selector}",
    }
)


def check_dkim(ctx: Context, /) -> Resolution[tuple[Finding, ...]]:
    """Every selector of the setup: its CNAME, and the key its target publishes."""
    expected = ctx.expected(Check.DKIM)
    if not expected:
        (omission,) = (o for o in ctx.records.omitted if o.check == Check.DKIM.value)
        return (
            finding(
                Check.DKIM,
                Status.SKIPPED,
                "dkim.no_selectors",
                absolute(ctx.domain),
                {"omission": omission_phrase(omission)},
                reason="checker.reason.dkim_selectors",
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
        return [undetermined(Check.DKIM, cname, phrase("checker.what.dkim", selector=selector))]
    owner = absolute(record.name)
    expected = ctx.lines((record,))
    if not cname.records:
        txt_lines = ctx.observed(txt) if txt.records and not txt.via_cname else ()
        # Everything at the name goes when the CNAME comes (RFC 1034 §3.6.2).
        lines = held_lines(ctx, held) if held else txt_lines
        if txt_lines:
            return [
                finding(
                    Check.DKIM,
                    Status.ERROR,
                    "dkim.txt_instead_of_cname",
                    owner,
                    {"name": owner, "selector": selector},
                    expected=expected,
                    observed=lines,
                    **_fix(record, remove_lines(lines) + ctx.add((record,))),
                )
            ]
        required = ctx.setup.dkim_enabled
        variant = "_".join(
            word for word, used in (("optional", not required), ("held", bool(lines))) if used
        )
        return [
            finding(
                Check.DKIM,
                Status.ERROR if required else Status.WARNING,
                "dkim.missing",
                owner,
                {"name": owner, "selector": selector},
                variant=variant,
                expected=expected,
                observed=lines,
                **_fix(record, remove_lines(lines) + ctx.add((record,))),
            )
        ]
    target = str(cname.records[0])
    observed = ctx.observed(cname)
    if not record.accepts(absolute(target)):
        return [
            finding(
                Check.DKIM,
                Status.ERROR,
                "dkim.wrong_target",
                owner,
                {"name": owner, "target": absolute(target), "selector": selector},
                variant="" if record.is_exact else "pattern",
                expected=expected,
                observed=observed,
                **_fix(record, (FixLine(FixAction.REPLACE, expected[0], observed[0]),)),
            )
        ]
    found = finding(
        Check.DKIM,
        Status.OK,
        "dkim.ok",
        owner,
        {"name": owner, "selector": selector},
        expected=expected,
        observed=observed,
    )
    return [found, *_key(ctx, selector, target, txt)]


def _fix(record: ExpectedRecord, fix: tuple[FixLine, ...]) -> dict[str, Any]:
    """The ``fix`` of a finding, or why there is none: the CNAME's target is not known."""
    if record.is_exact:
        return {"fix": fix}
    return {"reason": _PATTERN_ONLY}


def _key(ctx: Context, selector: str, target: str, txt: Answer) -> list[Finding]:
    if txt.is_failure:
        return [undetermined(Check.DKIM, txt, phrase("checker.what.dkim_key", selector=selector))]
    name = absolute(target)
    keys = tuple(r for r in txt.records if isinstance(r, TXT))
    observed = ctx.observed(txt)
    if not keys:
        return [
            finding(
                Check.DKIM,
                Status.ERROR if ctx.setup.dkim_enabled else Status.WARNING,
                "dkim.key_missing",
                name,
                {"name": name, "selector": selector},
                reason=_PROVIDER_KEY,
            )
        ]
    parsed = parse_dkim_key(keys[0].text)
    if parsed.key is not None and parsed.key.revoked:
        return [_bad_key(ctx, "dkim.key_revoked", {"name": name}, txt)]
    if not parsed.usable or parsed.key is None:
        problems = coded(parsed.violations)
        return [_bad_key(ctx, "dkim.key_invalid", {"name": name, "problems": problems}, txt)]
    findings: list[Finding] = []
    strength = dkim_key_strength(parsed.key)
    if strength is not None:
        # RFC 8301 §3.2: under 1024 bits verifiers reject the key; under 2048, weak.
        weak = strength.code == "dkim.key_weak"
        findings.append(
            finding(
                Check.DKIM,
                Status.WARNING if weak else Status.ERROR,
                strength.code,
                name,
                {"name": name, "problem": strength, "selector": selector},
                variant="dkim.strength",
                observed=observed,
                reason=_PROVIDER_KEY,
            )
        )
    # What strict verifiers refuse in a key others use (docs/dkim.md): a warning each.
    findings.extend(
        finding(
            Check.DKIM,
            Status.WARNING,
            warning.code,
            name,
            {"name": name, "problem": warning, "selector": selector},
            variant="dkim.strict",
            observed=observed,
            reason=_PROVIDER_KEY,
        )
        for warning in parsed.warnings
    )
    if findings:
        return findings
    bits = parsed.key.key_bits
    return [
        finding(
            Check.DKIM,
            Status.OK,
            "dkim.key_ok",
            name,
            {
                "name": name,
                "bits": bits,
                "key_type": parsed.key.key_type.value,
                "selector": selector,
            },
            observed=observed,
        )
    ]


def _bad_key(ctx: Context, code: str, params: dict[str, object], txt: Answer) -> Finding:
    return finding(
        Check.DKIM,
        Status.ERROR,
        code,
        absolute(txt.canonical_name),
        params,
        observed=ctx.observed(txt),
        reason=_PROVIDER_KEY,
    )
