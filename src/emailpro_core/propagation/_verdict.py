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
from collections.abc import Sequence

from ._model import RecordPropagation, Served, Verdict


def content_key(served: Served, name: str, /) -> tuple[str, ...]:
    """What is compared of one answer for ``name``: its data, its absence, or its alias."""
    if served.canonical_name and served.canonical_name != name:
        return ("alias", served.canonical_name)
    if served.status == "answer":
        return ("data", *served.values)
    return ("absent",)


def duration_text(seconds: int, /) -> str:
    """A duration in words, to the second: ``"3 h 12 min 5 s"``, ``"0 s"``."""
    hours, rest = divmod(max(seconds, 0), 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} h"] if hours else []
    if minutes:
        parts.append(f"{minutes} min")
    if secs or not parts:
        parts.append(f"{secs} s")
    return " ".join(parts)


def _shown(served: Served, name: str) -> str:
    key = content_key(served, name)
    if key[0] == "alias":
        return f"an alias to {key[1]}."
    if key[0] == "absent":
        return "no record" if served.status == "nodata" else "no such name"
    return " | ".join(served.values)


def _who(served: Served) -> str:
    return served.source if served.serial is None else f"{served.source} (serial {served.serial})"


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
        causes = "; ".join(f"{s.source}: {s.cause}" for s in servers) or "no server to ask"
        return made(
            verdict=Verdict.UNKNOWN,
            message=f"no authoritative answer ({causes})",
            cause="no_answer",
        )
    groups: dict[tuple[str, ...], list[Served]] = {}
    for served in answered:
        groups.setdefault(content_key(served, name), []).append(served)
    if len(groups) > 1:
        parts = [
            f"{', '.join(_who(s) for s in members)} serve{'s' if len(members) == 1 else ''} "
            f"{_shown(members[0], name)}"
            for members in groups.values()
        ]
        disagreeing = tuple(tuple(s.source for s in members) for members in groups.values())
        return made(
            verdict=Verdict.SERVERS_DISAGREE,
            message="the authoritative servers disagree: " + "; ".join(parts),
            disagreeing=disagreeing,
        )
    reference = next(iter(groups))
    stale = [r for r in resolvers if not r.failed and content_key(r, name) != reference]
    if stale:
        longest = max(r.ttl for r in stale)
        parts = [
            f"{r.source} serves {_shown(r, name)} for {duration_text(r.ttl)} more" for r in stale
        ]
        return made(
            verdict=Verdict.STALE,
            message=f"the zone serves {_shown(answered[0], name)}; " + "; ".join(parts),
            stale=tuple(r.source for r in stale),
            expires_at=now + longest,
        )
    failed = [r for r in resolvers if r.failed]
    if failed:
        causes = "; ".join(f"{r.source}: {r.cause}" for r in failed)
        message = f"a resolver did not answer ({causes})"
        return made(verdict=Verdict.UNKNOWN, message=message, cause="resolver")
    return made(verdict=Verdict.IN_SYNC, message=f"everyone serves {_shown(answered[0], name)}")
