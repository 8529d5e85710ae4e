"""The verdict on one record: pure rules over what the servers and resolvers serve.

No socket here: :func:`decide` takes the answers of the authoritative servers
and of the resolvers, and the time they were in, and gives a
:class:`~emailpro_core.propagation.RecordPropagation`. The rules, in order:

1. no authoritative server answered: ``UNKNOWN``, with each server's cause;
2. the servers that answered serve different data: ``SERVERS_DISAGREE``;
3. a resolver serves something else than the servers (older data, or a cached
   absence, RFC 2308): ``STALE``, until the check's time plus the TTL it returned;
4. a resolver did not answer: ``UNKNOWN``;
5. else ``IN_SYNC``.

What is compared is the data of the zone: the set of values, or the absence
(NXDOMAIN and NODATA alike: the record is not there), or, when the name is an
alias, the name the alias leads to (a server answers for its own zone only;
the target's data belongs to another zone).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..checker._phrases import Listing, Phrase
from ..i18n import _catalog
from ._model import RecordPropagation, Served, Verdict
from ._words import words

# The verdict in words. A message is a template filled from the record's
# ``params``; the parts of a sentence that depend on the language (what is
# served, a duration, each server's cause) are phrases, rendered in the language
# asked for (see RecordPropagation.render).
MESSAGES = _catalog.register(
    {
        "propagation.in_sync": "everyone serves {served}",
        "propagation.stale": "the zone serves {served}; {copies}",
        "propagation.stale.copy": "{source} serves {served} for {left} more",
        "propagation.servers_disagree": "the authoritative servers disagree: {groups}",
        "propagation.group:one": "{servers} serves {served}",
        "propagation.group:many": "{servers} serve {served}",
        "propagation.serial": "{source} (serial {serial})",
        "propagation.no_answer": "no authoritative answer ({causes})",
        "propagation.no_answer:none": "no authoritative answer (no server to ask)",
        "propagation.resolver": "a resolver did not answer ({causes})",
        "propagation.cause": "{source}: {cause}",
        "propagation.served.values": "{values}",
        "propagation.served.alias": "an alias to {target}.",
        "propagation.served.nodata": "no record",
        "propagation.served.nxdomain": "no such name",
        "propagation.duration.hours": "{hours} h",
        "propagation.duration.minutes": "{minutes} min",
        "propagation.duration.seconds": "{seconds} s",
    }
)


def content_key(served: Served, name: str, /) -> tuple[str, ...]:
    """What is compared of one answer for ``name``: its data, its absence, or its alias."""
    if served.canonical_name and served.canonical_name != name:
        return ("alias", served.canonical_name)
    if served.status == "answer":
        return ("data", *served.values)
    return ("absent",)


def duration(seconds: int, /) -> Listing:
    """A duration as a phrase of hours, minutes and seconds (see :func:`duration_text`)."""
    hours, rest = divmod(max(seconds, 0), 3600)
    minutes, secs = divmod(rest, 60)
    parts = [Phrase("propagation.duration.hours", {"hours": hours})] if hours else []
    if minutes:
        parts.append(Phrase("propagation.duration.minutes", {"minutes": minutes}))
    if secs or not parts:
        parts.append(Phrase("propagation.duration.seconds", {"seconds": secs}))
    return Listing(tuple(parts), " ")


def duration_text(seconds: int, /, lang: str | None = None) -> str:
    """A duration in words, to the second: ``"3 h 12 min 5 s"``, ``"0 s"``.

    In French a no-break space joins each number to its unit (``"1\u00a0h 5\u00a0min"``).

    Raises:
        ValueError: ``lang`` is a language emailpro_core does not write.
    """
    return duration(seconds).render(_catalog.normalize_language(lang))


def _shown(served: Served, name: str) -> Phrase:
    key = content_key(served, name)
    if key[0] == "alias":
        return Phrase("propagation.served.alias", {"target": key[1]})
    if key[0] == "absent":
        absent = "nodata" if served.status == "nodata" else "nxdomain"
        return Phrase(f"propagation.served.{absent}")
    return Phrase("propagation.served.values", {"values": " | ".join(served.values)})


def _who(served: Served) -> object:
    if served.serial is None:
        return served.source
    return Phrase("propagation.serial", {"source": served.source, "serial": served.serial})


def _causes(failed: Sequence[Served]) -> tuple[Phrase, ...]:
    return tuple(
        Phrase("propagation.cause", {"source": s.source, "cause": s.cause}) for s in failed
    )


def _said(
    made: Callable[..., RecordPropagation], key: str, params: Mapping[str, object], **fields: Any
) -> RecordPropagation:
    """The record, its message the template ``key`` filled from ``params``, in English."""
    english = words(key, params, _catalog.DEFAULT_LANGUAGE)
    return made(message=english, key=key, params=params, **fields)


def decide(
    name: str,
    rdtype: str,
    servers: Sequence[Served],
    resolvers: Sequence[Served],
    /,
    *,
    now: float,
) -> RecordPropagation:
    """The verdict on ``name``/``rdtype`` from each server's and resolver's answer.

    ``now`` is the POSIX time the answers were in: a stale copy expires at
    ``now`` plus the TTL its resolver returned.
    """
    servers, resolvers = tuple(servers), tuple(resolvers)
    made = functools.partial(RecordPropagation, name, rdtype, servers=servers, resolvers=resolvers)

    answered = [s for s in servers if not s.failed]
    if not answered:
        if not servers:
            return _said(
                made, "propagation.no_answer:none", {}, verdict=Verdict.UNKNOWN, cause="no_answer"
            )
        causes = {"causes": _causes(servers)}
        return _said(
            made, "propagation.no_answer", causes, verdict=Verdict.UNKNOWN, cause="no_answer"
        )
    groups: dict[tuple[str, ...], list[Served]] = {}
    for served in answered:
        groups.setdefault(content_key(served, name), []).append(served)
    if len(groups) > 1:
        parts = tuple(
            Phrase(
                f"propagation.group:{'one' if len(members) == 1 else 'many'}",
                {
                    "servers": Listing(tuple(_who(s) for s in members)),
                    "served": _shown(members[0], name),
                },
            )
            for members in groups.values()
        )
        disagreeing = tuple(tuple(s.source for s in members) for members in groups.values())
        return _said(
            made,
            "propagation.servers_disagree",
            {"groups": parts},
            verdict=Verdict.SERVERS_DISAGREE,
            disagreeing=disagreeing,
        )
    reference = next(iter(groups))
    stale = [r for r in resolvers if not r.failed and content_key(r, name) != reference]
    if stale:
        longest = max(r.ttl for r in stale)
        copies = tuple(
            Phrase(
                "propagation.stale.copy",
                {"source": r.source, "served": _shown(r, name), "left": duration(r.ttl)},
            )
            for r in stale
        )
        return _said(
            made,
            "propagation.stale",
            {"served": _shown(answered[0], name), "copies": copies},
            verdict=Verdict.STALE,
            stale=tuple(r.source for r in stale),
            expires_at=now + longest,
        )
    failed = [r for r in resolvers if r.failed]
    if failed:
        causes = {"causes": _causes(failed)}
        return _said(
            made, "propagation.resolver", causes, verdict=Verdict.UNKNOWN, cause="resolver"
        )
    agreed = {"served": _shown(answered[0], name)}
    return _said(made, "propagation.in_sync", agreed, verdict=Verdict.IN_SYNC)
