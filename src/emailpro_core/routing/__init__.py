"""Routing: domain modes, relay targets, platforms, topologies and delivery traces.

The two modes and the relay-target rules (:class:`DomainMode`,
:func:`check_relay_target`), one platform (:class:`Platform`), platforms side by
side (:class:`Topology`) and where mail for a recipient goes (:func:`route`,
:func:`deliver`). The guide's example, E-mail Pro beside MX Plan for ``mydomain.ovh`` [D-EP1]:

>>> mxplan = Platform("mxplan", hosts=OVH_RELAY_TARGETS)
>>> pro = Platform("emailpro-zz1111111-1", hosts="pro1.mail.ovh.net")
>>> world = (
...     Topology([mxplan, pro])
...     .attach("mxplan", "mydomain.ovh", mode=DomainMode.NON_AUTHORITATIVE,
...             relay="relay.example.net")
...     .attach("emailpro-zz1111111-1", "mydomain.ovh", mode=DomainMode.NON_AUTHORITATIVE,
...             relay=DEFAULT_RELAY_TARGET)
... )
>>> world = world.with_platform(
...     world.platform("mxplan").with_mailbox("mary.johnson@mydomain.ovh"))
>>> print(deliver(world, "mary.johnson@mydomain.ovh", "pro1.mail.ovh.net").explain())
pro1.mail.ovh.net (emailpro-zz1111111-1): relay to mx1.mail.ovh.net
mx1.mail.ovh.net (mxplan): deliver to mary.johnson@mydomain.ovh
delivered
"""

from __future__ import annotations

from ..errors import InvalidMode, InvalidRelayTarget, RoutingError
from ._delivery import (
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
from ._modes import (
    DEFAULT_RELAY_TARGET,
    MAX_RELAY_TARGET_LENGTH,
    OVH_RELAY_TARGETS,
    DomainMode,
    default_mode,
)
from ._platforms import Alias, HostedDomain, Platform, check_relay_target, validate_relay_target
from ._topology import Topology

__all__ = [
    "DEFAULT_MAX_HOPS",
    "DEFAULT_RELAY_TARGET",
    "MAX_RELAY_TARGET_LENGTH",
    "OVH_RELAY_TARGETS",
    "Alias",
    "Deliver",
    "DomainMode",
    "Hop",
    "HostedDomain",
    "InvalidMode",
    "InvalidRelayTarget",
    "Outcome",
    "Platform",
    "Reject",
    "Relay",
    "Route",
    "RoutingError",
    "SmtpReply",
    "Topology",
    "Trace",
    "check_relay_target",
    "default_mode",
    "deliver",
    "route",
    "validate_relay_target",
]
