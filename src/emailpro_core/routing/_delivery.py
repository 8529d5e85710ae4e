"""What a platform does with a recipient, and the path a message takes across platforms.

:func:`route` is one platform's decision: deliver to a mailbox (after alias
resolution), relay to the domain's relay target, or reject with an SMTP reply.
:func:`deliver` follows those decisions from host to host through a
:class:`~emailpro_core.routing.Topology` and returns a :class:`Trace` of every hop.

Recipients are :class:`~emailpro_core.naming.Address` values, or strings parsed
with :func:`~emailpro_core.naming.parse_address`: the domain is normalized (IDNA,
case, one trailing dot) and the login follows the login policy. Mailbox and alias
look-up ignores the case of the login, as the platform's mailboxes do.

>>> pro = Platform("emailpro-zz1111111-1", hosts="pro1.mail.ovh.net").with_domain(
...     "mydomain.ovh", mode=DomainMode.AUTHORITATIVE).with_mailbox("mary.johnson@mydomain.ovh")
>>> route(pro, "Mary.Johnson@MyDomain.ovh")
Deliver(mailbox=Address(login='mary.johnson', ...), alias=None)
>>> route(pro, "john.smith@mydomain.ovh").reply.status
'5.1.1'
"""

from __future__ import annotations

import enum
from typing import TypeAlias

import attrs

from ..domains import normalize_domain
from ..errors import require_str
from ..naming import Address, parse_address
from ._modes import DomainMode
from ._platforms import Platform
from ._topology import Topology

#: RFC 5321 §6.3: servers that count hops to detect loops "SHOULD use a large
#: rejection threshold, normally at least 100 Received entries".
DEFAULT_MAX_HOPS = 100


@attrs.frozen
class SmtpReply:
    """An SMTP reply: the reply code (RFC 5321 §4.2) and the enhanced status (RFC 3463).

    Attributes:
        code: The three-digit reply code (``550``).
        status: The enhanced status code (``5.1.1``).
        text: A human explanation.
    """

    code: int
    status: str
    text: str

    def __str__(self) -> str:
        return f"{self.code} {self.status} {self.text}"


# RFC 3463 §3.2, X.1.1 "Bad destination mailbox address": the part left of the @
# names no mailbox. 550 is RFC 5321's "mailbox unavailable (e.g., mailbox not found)".
_UNKNOWN_USER = SmtpReply(550, "5.1.1", "no mailbox or alias has this address")
# A domain the platform does not hold: it refuses to relay for it. RFC 5321 §3.6.2:
# a server that "declines to relay mail to a particular address for policy reasons"
# SHOULD answer 550; RFC 3463 §3.8, X.7.1 "Delivery not authorized, message refused".
# Not X.1.2 ("bad destination system"): the domain may well exist and be hosted on
# another platform; only this one does not accept it.
_RELAY_DENIED = SmtpReply(550, "5.7.1", "relaying denied: this platform does not hold the domain")
# RFC 3463 §3.5, X.4.6 "Routing loop detected". The RFC calls it useful "only as a
# persistent transient error", but a trace follows a fixed configuration that will
# loop the same way on every retry, so it ends as the permanent failure a bouncing
# server reports (554, RFC 5321 §4.2.3 "Transaction failed").
_LOOP = SmtpReply(554, "5.4.6", "routing loop detected: the message came back to a platform")
# The same status for a hop count over the limit: X.4.6 covers a message "forwarded
# too many times" (RFC 3463 §3.5), the RFC 5321 §6.3 technique.
_HOP_LIMIT = SmtpReply(554, "5.4.6", "too many hops: the message was relayed too many times")


@attrs.frozen
class Deliver:
    """The platform delivers the message to one of its mailboxes.

    Attributes:
        mailbox: The mailbox (login in lower case).
        alias: The alias the recipient was, or ``None`` when it is the mailbox itself.
    """

    mailbox: Address
    alias: Address | None = None


@attrs.frozen
class Relay:
    """The platform relays the message to ``host``, its relay target for the domain."""

    host: str


@attrs.frozen
class Reject:
    """The platform refuses the recipient with ``reply``."""

    reply: SmtpReply


#: One platform's decision for one recipient.
Route: TypeAlias = Deliver | Relay | Reject


def _as_recipient(recipient: str | Address) -> Address:
    if isinstance(recipient, Address):
        return recipient
    return parse_address(require_str(recipient, "a recipient"))


def route(platform: Platform, recipient: str | Address, /) -> Route:
    """What ``platform`` does with mail for ``recipient``.

    * A mailbox of the platform, or an alias of one: :class:`Deliver`.
    * A domain the platform does not hold: :class:`Reject`, ``550 5.7.1``.
    * An unknown login on an authoritative domain: :class:`Reject`, ``550 5.1.1``.
    * An unknown login on a non-authoritative domain: :class:`Relay` to the
      domain's relay target (API ``mxRelay``: "emails to not existing address will
      be redirected").

    Raises:
        ValidationError: ``recipient`` is a string that is not a valid address
            (``address.missing_at``; ``InvalidLogin``; ``InvalidDomain``).
        TypeError: ``recipient`` is neither a ``str`` nor an ``Address``.
    """
    address = _as_recipient(recipient)
    hosted = platform.hosted(address.domain)
    if hosted is None:
        return Reject(_RELAY_DENIED)
    mailbox = hosted.resolve(address.login)
    if mailbox is not None:
        return Deliver(mailbox, None if mailbox == address else address)
    if hosted.mode is DomainMode.AUTHORITATIVE:
        return Reject(_UNKNOWN_USER)
    # A Platform never holds a non-authoritative domain without a relay target.
    assert hosted.relay is not None
    return Relay(hosted.relay)


class Outcome(enum.Enum):
    """How a :class:`Trace` ends."""

    #: A platform delivered the message to a mailbox.
    DELIVERED = "delivered"
    #: A platform rejected the recipient (unknown user, or a domain it does not hold).
    BOUNCED = "bounced"
    #: The message reached a platform it had already passed through (``5.4.6``).
    LOOP_DETECTED = "loop_detected"
    #: The message used up its hops before anything else happened (``5.4.6``).
    HOP_LIMIT_REACHED = "hop_limit_reached"
    #: The message was relayed to a host outside the topology.
    HANDED_OFF = "handed_off"


@attrs.frozen
class Hop:
    """One host the message reached.

    Attributes:
        host: The host name, normalized.
        platform: The name of the platform the host reaches; ``None`` outside the
            topology.
        route: That platform's decision; ``None`` when the trace stopped there
            before asking (outside the topology, or a loop).
    """

    host: str
    platform: str | None
    route: Route | None


@attrs.frozen
class Trace:
    """The path of a message for one recipient, and how it ended.

    Attributes:
        recipient: The recipient.
        hops: Every host reached, in order; never more than the hop limit.
        outcome: How it ended.
    """

    recipient: Address
    hops: tuple[Hop, ...]
    outcome: Outcome

    @property
    def mailbox(self) -> Address | None:
        """The mailbox that received the message, when it was delivered."""
        last = self.hops[-1].route if self.hops else None
        return last.mailbox if isinstance(last, Deliver) else None

    @property
    def reply(self) -> SmtpReply | None:
        """The SMTP reply of a bounce, a loop or the hop limit; ``None`` otherwise."""
        if self.outcome is Outcome.LOOP_DETECTED:
            return _LOOP
        if self.outcome is Outcome.HOP_LIMIT_REACHED:
            return _HOP_LIMIT
        last = self.hops[-1].route if self.hops else None
        return last.reply if isinstance(last, Reject) else None

    def explain(self) -> str:
        """One line per hop, then the outcome: a readable account of the trace."""
        lines = [f"{hop.host} ({hop.platform or 'outside'}): {_describe(hop)}" for hop in self.hops]
        reply = self.reply
        lines.append(self.outcome.value + (f": {reply}" if reply is not None else ""))
        return "\n".join(lines)


def _describe(hop: Hop) -> str:
    match hop.route:
        case Deliver(mailbox=mailbox, alias=None):
            return f"deliver to {mailbox}"
        case Deliver(mailbox=mailbox, alias=alias):
            return f"deliver to {mailbox} (alias {alias})"
        case Relay(host=host):
            return f"relay to {host}"
        case Reject(reply=reply):
            return f"reject: {reply}"
    return "handed off" if hop.platform is None else "already visited"


def deliver(
    topology: Topology,
    recipient: str | Address,
    entry: str,
    /,
    *,
    max_hops: int = DEFAULT_MAX_HOPS,
) -> Trace:
    """Follow mail for ``recipient`` from the host ``entry`` until it ends.

    Each host either reaches a platform of ``topology``, which :func:`route`\\ s
    the message, or lies outside it (the trace ends as handed off). A platform
    reached twice means the relays form a cycle (loop detected); more than
    ``max_hops`` hosts ends the trace as hop limit reached.

    Raises:
        ValidationError: ``recipient`` is not a valid address.
        InvalidDomain: ``entry`` is not a valid host name.
        ValueError: ``max_hops`` is smaller than 1.
        TypeError: an argument has the wrong type.
    """
    address = _as_recipient(recipient)
    host = normalize_domain(require_str(entry, "an entry host")).ascii
    if not isinstance(max_hops, int) or isinstance(max_hops, bool):
        raise TypeError(f"max_hops must be an int, not {type(max_hops).__name__}")
    if max_hops < 1:
        raise ValueError(f"max_hops must be at least 1, not {max_hops}")
    hops: list[Hop] = []
    visited: set[str] = set()
    while len(hops) < max_hops:
        platform = topology.reached_by(host)
        if platform is None:
            hops.append(Hop(host, None, None))
            return Trace(address, tuple(hops), Outcome.HANDED_OFF)
        if platform.name in visited:
            # Routing is a function of (platform, recipient): coming back means the
            # message would go round the same cycle for ever.
            hops.append(Hop(host, platform.name, None))
            return Trace(address, tuple(hops), Outcome.LOOP_DETECTED)
        visited.add(platform.name)
        decision = route(platform, address)
        hops.append(Hop(host, platform.name, decision))
        if isinstance(decision, Deliver):
            return Trace(address, tuple(hops), Outcome.DELIVERED)
        if isinstance(decision, Reject):
            return Trace(address, tuple(hops), Outcome.BOUNCED)
        host = decision.host
    return Trace(address, tuple(hops), Outcome.HOP_LIMIT_REACHED)
