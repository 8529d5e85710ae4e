"""The relay check: a non-authoritative domain's relay host must receive mail.

In non-authoritative mode the platform relays mail for the recipients it does
not know to the relay target (API ``mxRelay``). That host is a mail domain like
any other for the platform's outgoing server (RFC 5321 §5.1): its MX records
are used, or without any, its own address (the *implicit MX*); a null MX
(RFC 7505) says it accepts no mail. One batch asks its MX, A and AAAA records;
nothing is sent over SMTP.

The relay host lives in another zone, so an offline source without a fallback
skips the check (``dns.outside_zone``), and a DNS failure leaves it ``UNKNOWN``.
"""

from __future__ import annotations

from ...i18n._catalog import register
from ...records import DomainSetup
from ...routing import DomainMode
from ...sources._answers import MX, Answer, AnswerStatus, Query, Resolution, lookup_many
from .._findings import Check, Finding, Status
from .._make import finding
from .._phrases import phrase
from .base import Context, absolute, undetermined

#: Why ``relay.unresolvable`` has no fix lines: the target is the service's setting.
_NOT_IN_ZONE = "checker.reason.relay_setting"

#: The findings of the relay check (RFC 5321 §5.1, RFC 7505); the variant says how
#: the host receives mail, or why it cannot.
MESSAGES = register(
    {
        _NOT_IN_ZONE: (
            "the relay target is a setting of the service (mxRelay), not a record of this zone: "
            "set it to a host that receives mail, or publish that host's MX or address records "
            "in its own zone"
        ),
        "finding.relay.ok": "the relay host {name} receives mail through its MX records",
        "finding.relay.ok:implicit": (
            "the relay host {name} has no MX record and receives mail at its address (implicit MX)"
        ),
        "finding.relay.unresolvable:null": (
            "the relay host {name} publishes a null MX (RFC 7505), so it accepts no mail: "
            "mail for the recipients the platform does not know cannot be relayed, and bounces"
        ),
        "finding.relay.unresolvable:nxdomain": (
            "the relay host {name} does not exist (NXDOMAIN): mail for the recipients the "
            "platform does not know cannot be relayed, and bounces"
        ),
        "finding.relay.unresolvable": (
            "the relay host {name} has no MX record and no A or AAAA record: mail for the "
            "recipients the platform does not know cannot be relayed, and bounces"
        ),
        "checker.what.relay": "whether the relay host {name} receives mail",
        "checker.what.relay_address": "the address of the relay host {name}",
    }
)


def relay_host(setup: DomainSetup, /) -> str | None:
    """The relay host to look up: the relay target of a non-authoritative setup, else ``None``.

    A relay target with no mode stated is checked as non-authoritative, as
    :func:`~emailpro_core.records.check_setup` does.
    """
    if setup.mode is DomainMode.AUTHORITATIVE:
        return None
    return setup.relay_target


def check_relay(ctx: Context, /) -> Resolution[tuple[Finding, ...]]:
    """Whether the relay host exists and receives mail: an MX, or else an address."""
    host = relay_host(ctx.setup)
    if host is None:
        return ()
    mx, a, aaaa = yield from lookup_many(Query(host, "MX"), Query(host, "A"), Query(host, "AAAA"))
    name = absolute(host)
    if mx.is_failure:
        return (undetermined(Check.RELAY, mx, phrase("checker.what.relay", name=name)),)
    exchanges = [r for r in mx.records if isinstance(r, MX)]
    if exchanges:
        if all(r.exchange == "" for r in exchanges):
            # RFC 7505 §3: a null MX ("0 .") says the domain accepts no mail at all.
            return (_unresolvable(ctx, name, "null", mx),)
        return (_ok(ctx, name, "", mx),)
    if mx.status is AnswerStatus.NXDOMAIN:
        return (_unresolvable(ctx, name, "nxdomain", mx),)
    # RFC 5321 §5.1: without MX records, the host's own address is its implicit MX.
    found = tuple(x for x in (a, aaaa) if x.records)
    if found:
        return (_ok(ctx, name, "implicit", *found),)
    failed = next((x for x in (a, aaaa) if x.is_failure), None)
    if failed is not None:
        return (undetermined(Check.RELAY, failed, phrase("checker.what.relay_address", name=name)),)
    return (_unresolvable(ctx, name, "", mx, a, aaaa),)


def _ok(ctx: Context, name: str, variant: str, *answers: Answer) -> Finding:
    return finding(
        Check.RELAY,
        Status.OK,
        "relay.ok",
        name,
        {"name": name},
        variant=variant,
        observed=tuple(line for answer in answers for line in ctx.observed(answer)),
    )


def _unresolvable(ctx: Context, name: str, variant: str, *answers: Answer) -> Finding:
    return finding(
        Check.RELAY,
        Status.ERROR,
        "relay.unresolvable",
        name,
        {"name": name},
        variant=variant,
        observed=tuple(line for answer in answers for line in ctx.observed(answer)),
        reason=_NOT_IN_ZONE,
    )
