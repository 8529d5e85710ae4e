"""The steps of a propagation check, written once for the sync and the async driver.

:func:`gather` is a generator, like the checks (:mod:`emailpro_core.sources._answers`): it yields a
batch of :class:`~emailpro_core.propagation._wire.Ask` values (a server, a question, whether
recursion is desired) and receives the :class:`~emailpro_core.propagation._wire.Reply` of
each, in order. The drivers in :mod:`emailpro_core.propagation._run` send the batches with
blocking or async queries; no socket is touched here, so tests drive it with
replies in memory.

The steps:

1. the zone: the domain's NS set, asked of a resolver, or its parent's when the
   domain has none (a name inside a zone), label by label;
2. the addresses of the NS names (A, and AAAA unless IPv6 is off): a name
   without any is a finding of its own;
3. in one batch: the zone's SOA of each server (its state and serial), every
   question of each server with recursion off (RFC 1035 §4.1.1 RD=0), and every
   question of each resolver.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Sequence

import attrs

from ..checker._checks.base import value_text
from ..checker._findings import DEADLINE
from ..checker._phrases import Phrase
from ..i18n import _catalog
from ..sources._answers import Answer, AnswerStatus, FailureCause, Query
from ._model import Nameserver, Served, Server, ServerState
from ._wire import DEADLINE_DETAIL, DETAIL_KEYS, Ask, Reply

# Why the zone's servers are not known, and how a server answered for the zone.
MESSAGES = _catalog.register(
    {
        "propagation.no_zone": "no NS set found for {domain} or a parent ({cause})",
        "propagation.no_nameserver_address": "no NS name of the zone resolves",
        "propagation.server.refused": "refuses to answer for the zone",
        "propagation.server.referral": "refers the question to other servers (no AA bit)",
        "propagation.server.lame": "answers without the AA bit",
        "propagation.server.other_zone": "answers for the zone {other}., not for {zone}.",
        "propagation.server.unknown_zone": "answers for another zone, not for {zone}.",
    }
)

#: NS names read from the NS set at most (a zone has 2 to 13 in practice).
MAX_NAMESERVERS = 16
#: Addresses kept per NS name and family.
MAX_ADDRESSES = 8
#: Authoritative servers asked at most: every question goes to each.
MAX_SERVERS = 32


@attrs.frozen
class Plan:
    """What to check: the domain, the questions, the resolvers, the servers' port."""

    domain: str
    questions: tuple[Query, ...]
    resolvers: tuple[tuple[str, int], ...]
    port: int = 53
    ipv6: bool = True


@attrs.frozen
class Gathered:
    """What :func:`gather` found, before the verdicts.

    Attributes:
        zone: The zone, or ``None`` with ``cause``.
        cause: Why the zone or its servers could not be found.
        nameservers: The NS names and their addresses.
        servers: Each server's state and serial.
        records: Per question, each server's and each resolver's answer.
        reference: The server whose answers make the authoritative view (the
            highest serial), as ``(host, port)``; ``None`` without any.
        known: The replies of the reference server, by question.
    """

    zone: str | None
    cause: Phrase | None
    nameservers: tuple[Nameserver, ...]
    servers: tuple[Server, ...]
    records: tuple[tuple[Query, tuple[Served, ...], tuple[Served, ...]], ...]
    reference: tuple[str, int] | None = None
    known: dict[tuple[str, str], Reply] = attrs.field(factory=dict, eq=False)


Flow = Generator[tuple[Ask, ...], tuple[Reply, ...], Gathered]


def _cause(answer: Answer) -> str:
    if answer.detail == DEADLINE_DETAIL:
        return DEADLINE
    if answer.status is AnswerStatus.FAILURE:
        return str((answer.cause or FailureCause.OTHER).value)
    return str(answer.status.value)


def _find_zone(plan: Plan) -> Generator[tuple[Ask, ...], tuple[Reply, ...], tuple[str, Answer]]:
    """The closest name at or above the domain with an NS set, and that answer.

    The last answer is returned when none has one (a failure, or NXDOMAIN up to
    the top-level domain). Each resolver is asked in turn while they fail.
    """
    labels = plan.domain.split(".")
    answer = Answer(Query(plan.domain, "NS"), AnswerStatus.FAILURE, cause=FailureCause.OTHER)
    # Up to the top-level domain: the root's servers are no zone of the domain.
    for index in range(len(labels)):
        name = ".".join(labels[index:])
        for host, port in plan.resolvers:
            (reply,) = yield (Ask(host, port, Query(name, "NS"), True),)
            answer = reply.answer
            if answer.status is not AnswerStatus.FAILURE:
                break
        if answer.status is AnswerStatus.FAILURE:
            return name, answer
        if answer.status is AnswerStatus.ANSWER and not answer.via_cname:
            return name, answer
    return plan.domain, answer


def _nameservers(
    plan: Plan, names: Sequence[str]
) -> Generator[tuple[Ask, ...], tuple[Reply, ...], tuple[Nameserver, ...]]:
    host, port = plan.resolvers[0]
    types = ("A", "AAAA") if plan.ipv6 else ("A",)
    asks = tuple(Ask(host, port, Query(name, rdtype), True) for name in names for rdtype in types)
    replies = yield asks
    found: list[Nameserver] = []
    for index, name in enumerate(names):
        answers = [r.answer for r in replies[index * len(types) : (index + 1) * len(types)]]
        addresses = tuple(
            str(record)
            for answer in answers
            if answer.status is AnswerStatus.ANSWER
            for record in answer.records[:MAX_ADDRESSES]
        )
        cause = None if addresses else _cause(answers[0])
        found.append(Nameserver(name, addresses, cause))
    return tuple(found)


def _detail(text: str) -> Phrase | str:
    """A failure's detail: a phrase when this package wrote it, else the text as it came."""
    key = DETAIL_KEYS.get(text)
    return text if key is None else Phrase(key)


def state_of(reply: Reply, zone: str, /) -> tuple[ServerState, int | None, Phrase | str]:
    """A server's state from its reply to the zone's SOA question: state, serial, detail.

    The detail is a phrase when it is this package's sentence, and the text of the
    failure as it came (a system's or a library's words) otherwise.
    """
    answer = reply.answer
    if reply.cut:
        return ServerState.TIMEOUT, None, _detail(DEADLINE_DETAIL)
    if answer.status is AnswerStatus.FAILURE:
        if answer.cause is FailureCause.TIMEOUT:
            return ServerState.TIMEOUT, None, _detail(answer.detail)
        if answer.cause is FailureCause.REFUSED:
            return ServerState.REFUSED, None, Phrase("propagation.server.refused")
        return ServerState.FAILED, None, _detail(answer.detail)
    if not reply.authoritative:
        if reply.referral:
            return ServerState.LAME, None, Phrase("propagation.server.referral")
        return ServerState.LAME, None, Phrase("propagation.server.lame")
    if answer.status is AnswerStatus.ANSWER and reply.zone == zone and reply.serial is not None:
        return ServerState.AUTHORITATIVE, reply.serial, ""
    if reply.zone:
        return (
            ServerState.OTHER_ZONE,
            None,
            Phrase("propagation.server.other_zone", {"other": reply.zone, "zone": zone}),
        )
    return ServerState.OTHER_ZONE, None, Phrase("propagation.server.unknown_zone", {"zone": zone})


def _natural(text: str) -> list[str | int]:
    """A sort key that orders the numbers in a value by value (MX 5 before MX 50)."""
    # re.split with a group alternates text and digit runs: like compares with like.
    return [int(part) if index % 2 else part for index, part in enumerate(_DIGITS.split(text))]


_DIGITS = re.compile(r"(\d+)")


def served_of(source: str, reply: Reply, /, *, serial: int | None = None) -> Served:
    """One answer as a :class:`Served` value."""
    answer = reply.answer
    if reply.cut:
        return Served(source, "failure", cause=DEADLINE, detail=DEADLINE_DETAIL)
    if answer.status is AnswerStatus.FAILURE:
        cause = (answer.cause or FailureCause.OTHER).value
        return Served(source, "failure", cause=cause, detail=answer.detail)
    rdtype = answer.query.rdtype
    values = tuple(sorted((value_text(r, rdtype) for r in answer.records), key=_natural))
    return Served(source, answer.status.value, values, answer.ttl, answer.canonical_name, serial)


def _server_served(ask: Ask, reply: Reply, server: Server) -> Served:
    if server.state is not ServerState.AUTHORITATIVE:
        # Not a server of the zone: what it says of a name is no copy of the zone.
        return Served(ask.where, "failure", cause=server.state.value, detail=server.detail)
    if not reply.authoritative and not reply.answer.is_failure and not reply.cut:
        lame = MESSAGES["propagation.server.lame"]
        return Served(ask.where, "failure", cause="lame", detail=lame)
    return served_of(ask.where, reply, serial=server.serial)


def _no_servers(
    plan: Plan, zone: str | None, cause: Phrase, nameservers: tuple[Nameserver, ...]
) -> Flow:
    asks = tuple(
        Ask(host, port, query, True) for host, port in plan.resolvers for query in plan.questions
    )
    replies = yield asks
    count = len(plan.questions)
    records = tuple(
        (
            query,
            (),
            tuple(
                served_of(asks[r * count + index].where, replies[r * count + index])
                for r in range(len(plan.resolvers))
            ),
        )
        for index, query in enumerate(plan.questions)
    )
    return Gathered(zone, cause, nameservers, (), records)


def gather(plan: Plan, /) -> Flow:
    """Find the zone's servers; ask each of them and each resolver every question."""
    zone, found = yield from _find_zone(plan)
    if found.status is not AnswerStatus.ANSWER:
        cause = Phrase("propagation.no_zone", {"domain": plan.domain, "cause": _cause(found)})
        return (yield from _no_servers(plan, None, cause, ()))
    names = tuple(sorted({str(name) for name in found.records}))[:MAX_NAMESERVERS]
    nameservers = yield from _nameservers(plan, names)
    by_address: dict[str, list[str]] = {}
    for nameserver in nameservers:
        for address in nameserver.addresses:
            by_address.setdefault(address, []).append(nameserver.name)
    addresses = list(by_address)[:MAX_SERVERS]
    if not addresses:
        nowhere = Phrase("propagation.no_nameserver_address")
        return (yield from _no_servers(plan, zone, nowhere, nameservers))
    soa = tuple(Ask(a, plan.port, Query(zone, "SOA"), False) for a in addresses)
    asks = tuple(Ask(a, plan.port, q, False) for a in addresses for q in plan.questions)
    asked = tuple(Ask(h, p, q, True) for h, p in plan.resolvers for q in plan.questions)
    replies = yield (*soa, *asks, *asked)
    servers = []
    for ask, reply, address in zip(soa, replies, addresses, strict=False):
        state, serial, detail = state_of(reply, zone)
        servers.append(Server.of(ask.where, tuple(by_address[address]), state, serial, detail))
    count = len(plan.questions)
    server_replies = replies[len(soa) : len(soa) + len(asks)]
    resolver_replies = replies[len(soa) + len(asks) :]
    records = []
    for index, query in enumerate(plan.questions):
        at_servers = tuple(
            _server_served(asks[s * count + index], server_replies[s * count + index], server)
            for s, server in enumerate(servers)
        )
        at_resolvers = tuple(
            served_of(asked[r * count + index].where, resolver_replies[r * count + index])
            for r in range(len(plan.resolvers))
        )
        records.append((query, at_servers, at_resolvers))
    # The authoritative view: the server with the highest serial (the first of them).
    candidates = [i for i, s in enumerate(servers) if s.state is ServerState.AUTHORITATIVE]
    if not candidates:
        return Gathered(zone, None, nameservers, tuple(servers), tuple(records))
    best = max(candidates, key=lambda i: (servers[i].serial or 0, -i))
    known = {
        (query.name, query.rdtype): server_replies[best * count + index]
        for index, query in enumerate(plan.questions)
    }
    reference = (addresses[best], plan.port)
    return Gathered(zone, None, nameservers, tuple(servers), tuple(records), reference, known)
