"""Example tables for route() and deliver() (emailpro_core.routing._delivery)."""

from __future__ import annotations

import pytest

from emailpro_core.errors import InvalidDomain, ValidationError
from emailpro_core.naming._naming import parse_address
from emailpro_core.routing._delivery import (
    DEFAULT_MAX_HOPS,
    Deliver,
    Hop,
    Outcome,
    Reject,
    Relay,
    Route,
    SmtpReply,
    Trace,
    deliver,
    route,
)
from emailpro_core.routing._modes import DomainMode
from emailpro_core.routing._platforms import Platform
from emailpro_core.routing._topology import Topology

AUTH = DomainMode.AUTHORITATIVE
NON = DomainMode.NON_AUTHORITATIVE


PLATFORM = (
    Platform("p", hosts="p.example")
    .with_domain("auth.example", mode=AUTH)
    .with_domain("relay.example", mode=NON, relay="mx1.mail.ovh.net")
    .with_domain("Bücher.example", mode=AUTH)
    .with_mailbox("anna@auth.example")
    .with_mailbox("bob@relay.example")
    .with_mailbox("carl@bücher.example")
    .with_alias("contact@auth.example", mailbox="anna@auth.example")
    .with_alias("sales@relay.example", mailbox="anna@auth.example")
)


@pytest.mark.parametrize(
    ("recipient", "expected"),
    [
        ("anna@auth.example", Deliver(parse_address("anna@auth.example"))),
        ("ANNA@Auth.Example.", Deliver(parse_address("anna@auth.example"))),
        (
            "contact@auth.example",
            Deliver(parse_address("anna@auth.example"), parse_address("contact@auth.example")),
        ),
        (
            "Sales@relay.example",
            Deliver(parse_address("anna@auth.example"), parse_address("sales@relay.example")),
        ),
        ("bob@relay.example", Deliver(parse_address("bob@relay.example"))),
        ("carl@xn--bcher-kva.example", Deliver(parse_address("carl@bücher.example"))),
        ("zoe@relay.example", Relay("mx1.mail.ovh.net")),
        ("anna@relay.example", Relay("mx1.mail.ovh.net")),
        (
            "zoe@auth.example",
            Reject(SmtpReply(550, "5.1.1", "no mailbox or alias has this address")),
        ),
        (
            "bob@auth.example",
            Reject(SmtpReply(550, "5.1.1", "no mailbox or alias has this address")),
        ),
        (
            "anna@elsewhere.example",
            Reject(
                SmtpReply(550, "5.7.1", "relaying denied: this platform does not hold the domain")
            ),
        ),
        (
            "anna@sub.auth.example",
            Reject(
                SmtpReply(550, "5.7.1", "relaying denied: this platform does not hold the domain")
            ),
        ),
    ],
)
def test_route(recipient: str, expected: Route) -> None:
    """route() delivers, relays or rejects with the right code."""
    assert expected == route(PLATFORM, recipient)


def test_route_accepts_an_address() -> None:
    """route() takes an Address as well as a str."""
    assert Deliver(parse_address("anna@auth.example")) == route(
        PLATFORM, parse_address("Anna@auth.example")
    )


@pytest.mark.parametrize(
    ("recipient", "codes"),
    [
        ("anna.auth.example", ("address.missing_at",)),
        ("", ("address.missing_at",)),
        ("@auth.example", ("login.empty",)),
        ("a@auth.example", ("login.too_short",)),
        ("an na@auth.example", ("login.invalid_character",)),
        ("anna@", ("domain.empty",)),
        ("anna@-auth.example", ("domain.hyphen_start",)),
        ("anna@auth..example", ("domain.empty_label",)),
        ("anna@[192.0.2.1]", ("domain.ip_literal",)),
        ("anna\x00@auth.example", ("login.invalid_character",)),
        ("anna@auth.example\ud800", ("domain.idna_invalid",)),
    ],
)
def test_route_refuses_malformed_recipients(recipient: str, codes: tuple[str, ...]) -> None:
    """A malformed recipient gives a ValidationError (a ValueError) with codes."""
    with pytest.raises(ValidationError) as caught:
        route(PLATFORM, recipient)
    assert codes == caught.value.codes
    assert isinstance(caught.value, ValueError)


def test_route_refuses_a_huge_recipient() -> None:
    """A megabyte of input gives violations, not a crash."""
    with pytest.raises(ValidationError) as caught:
        route(PLATFORM, "x" * 1_000_000 + "@auth.example")
    assert "login.too_long" in caught.value.codes


@pytest.mark.parametrize("recipient", [None, 42, b"anna@auth.example"])
def test_route_wrong_type(recipient: object) -> None:
    """A recipient that is neither a str nor an Address gives a TypeError."""
    with pytest.raises(TypeError, match="recipient must be a str"):
        route(PLATFORM, recipient)  # type: ignore[arg-type]


# --- deliver ------------------------------------------------------------------------

PRO_HOST, MXPLAN_HOST = "pro1.mail.ovh.net", "mx1.mail.ovh.net"
WORLD = Topology(
    [
        Platform("pro", hosts=PRO_HOST)
        .with_domain("mydomain.ovh", mode=NON, relay=MXPLAN_HOST)
        .with_domain("loop.example", mode=NON, relay=MXPLAN_HOST)
        .with_domain("solo.example", mode=AUTH)
        .with_mailbox("mary.johnson@mydomain.ovh")
        .with_mailbox("mary.johnson@solo.example"),
        Platform("mxplan", hosts=MXPLAN_HOST)
        .with_domain("mydomain.ovh", mode=NON, relay="external.example")
        .with_domain("loop.example", mode=NON, relay=PRO_HOST)
        .with_mailbox("john.smith@mydomain.ovh"),
    ]
)
UNKNOWN = (550, "5.1.1")
DENIED = (550, "5.7.1")
LOOPED = (554, "5.4.6")


@pytest.mark.parametrize(
    ("recipient", "entry", "outcome", "hosts", "mailbox", "reply"),
    [
        (
            "mary.johnson@mydomain.ovh",
            PRO_HOST,
            Outcome.DELIVERED,
            [PRO_HOST],
            "mary.johnson@mydomain.ovh",
            None,
        ),
        (
            "John.Smith@mydomain.ovh",
            PRO_HOST,
            Outcome.DELIVERED,
            [PRO_HOST, MXPLAN_HOST],
            "john.smith@mydomain.ovh",
            None,
        ),
        (
            "mary.johnson@mydomain.ovh",
            MXPLAN_HOST,
            Outcome.HANDED_OFF,
            [MXPLAN_HOST, "external.example"],
            None,
            None,
        ),
        ("nobody@solo.example", PRO_HOST, Outcome.BOUNCED, [PRO_HOST], None, UNKNOWN),
        ("mary.johnson@solo.example", MXPLAN_HOST, Outcome.BOUNCED, [MXPLAN_HOST], None, DENIED),
        (
            "nobody@loop.example",
            PRO_HOST,
            Outcome.LOOP_DETECTED,
            [PRO_HOST, MXPLAN_HOST, PRO_HOST],
            None,
            LOOPED,
        ),
        (
            "anyone@mydomain.ovh",
            "outside.example",
            Outcome.HANDED_OFF,
            ["outside.example"],
            None,
            None,
        ),
    ],
)
def test_deliver(
    recipient: str,
    entry: str,
    outcome: Outcome,
    hosts: list[str],
    mailbox: str | None,
    reply: tuple[int, str] | None,
) -> None:
    """deliver() follows the relays and ends with the right outcome and reply."""
    trace = deliver(WORLD, recipient, entry)
    assert outcome == trace.outcome
    assert hosts == [hop.host for hop in trace.hops]
    assert mailbox == (None if trace.mailbox is None else str(trace.mailbox))
    assert reply == (None if trace.reply is None else (trace.reply.code, trace.reply.status))


def test_deliver_hop_limit() -> None:
    """A chain longer than max_hops ends as hop limit reached, with 5.4.6."""
    trace = deliver(WORLD, "nobody@loop.example", PRO_HOST, max_hops=2)
    assert trace.outcome == Outcome.HOP_LIMIT_REACHED
    assert [hop.host for hop in trace.hops] == [PRO_HOST, MXPLAN_HOST]
    assert trace.reply is not None
    assert (trace.reply.code, trace.reply.status) == (554, "5.4.6")
    assert trace.mailbox is None
    assert DEFAULT_MAX_HOPS == 100


def test_deliver_one_hop_is_enough_to_deliver() -> None:
    """max_hops=1 still lets the first platform deliver."""
    trace = deliver(WORLD, "mary.johnson@mydomain.ovh", PRO_HOST, max_hops=1)
    assert trace.outcome == Outcome.DELIVERED


def test_trace_hops_record_each_decision() -> None:
    """Each hop names its host, platform and decision; the last of a loop has none."""
    trace = deliver(WORLD, "nobody@loop.example", PRO_HOST)
    expected = (
        Hop(PRO_HOST, "pro", Relay(MXPLAN_HOST)),
        Hop(MXPLAN_HOST, "mxplan", Relay(PRO_HOST)),
        Hop(PRO_HOST, "pro", None),
    )
    assert expected == trace.hops
    assert parse_address("nobody@loop.example") == trace.recipient


def test_trace_explain() -> None:
    """explain() gives one line per hop, then the outcome and its reply."""
    alias_world = WORLD.with_platform(
        WORLD.platform("pro").with_alias("info@mydomain.ovh", mailbox="mary.johnson@mydomain.ovh")
    )
    cases = {
        "info@mydomain.ovh": (
            "pro1.mail.ovh.net (pro): deliver to mary.johnson@mydomain.ovh "
            "(alias info@mydomain.ovh)\ndelivered"
        ),
        "nobody@solo.example": (
            "pro1.mail.ovh.net (pro): reject: 550 5.1.1 no mailbox or alias has this address\n"
            "bounced: 550 5.1.1 no mailbox or alias has this address"
        ),
        "nobody@loop.example": (
            "pro1.mail.ovh.net (pro): relay to mx1.mail.ovh.net\n"
            "mx1.mail.ovh.net (mxplan): relay to pro1.mail.ovh.net\n"
            "pro1.mail.ovh.net (pro): already visited\n"
            "loop_detected: 554 5.4.6 routing loop detected: the message came back to a platform"
        ),
    }
    actual = {rcpt: deliver(alias_world, rcpt, PRO_HOST).explain() for rcpt in cases}
    assert cases == actual
    handed = deliver(WORLD, "x.y@mydomain.ovh", "outside.example").explain()
    assert handed == "outside.example (outside): handed off\nhanded_off"


def test_empty_trace_has_no_reply_or_mailbox() -> None:
    """A Trace built by hand with no hops answers None, not an error."""
    trace = Trace(parse_address("anna@auth.example"), (), Outcome.HANDED_OFF)
    assert (trace.mailbox, trace.reply) == (None, None)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"entry": "not a host"}, InvalidDomain, "invalid domain name"),
        ({"entry": 5}, TypeError, "entry host must be a str"),
        ({"max_hops": 0}, ValueError, "max_hops must be at least 1"),
        ({"max_hops": -3}, ValueError, "max_hops must be at least 1"),
        ({"max_hops": "3"}, TypeError, "max_hops must be an int"),
        ({"max_hops": True}, TypeError, "max_hops must be an int"),
        ({"max_hops": 2.0}, TypeError, "max_hops must be an int"),
        ({"recipient": "nobody"}, ValidationError, "address"),
    ],
)
def test_deliver_argument_errors(
    kwargs: dict[str, object], error: type[Exception], match: str
) -> None:
    """Bad arguments give clear errors of the documented types."""
    arguments: dict[str, object] = {"recipient": "anna@auth.example", "entry": PRO_HOST}
    arguments.update(kwargs)
    options = {"max_hops": arguments.pop("max_hops")} if "max_hops" in arguments else {}
    with pytest.raises(error, match=match):
        deliver(WORLD, arguments["recipient"], arguments["entry"], **options)  # type: ignore[arg-type]


def test_smtp_reply_str() -> None:
    """An SMTP reply reads as code, enhanced status, text."""
    assert str(SmtpReply(550, "5.1.1", "no such user")) == "550 5.1.1 no such user"


def test_outcome_values() -> None:
    """The outcomes and their stable values."""
    expected = ["delivered", "bounced", "loop_detected", "hop_limit_reached", "handed_off"]
    assert expected == [outcome.value for outcome in Outcome]
