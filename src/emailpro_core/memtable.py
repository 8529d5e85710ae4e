"""Records held in memory, and the CNAME walk shared by the offline sources.

:class:`~.source_static.StaticSource` and :class:`~.source_zone.ZoneSource`
both answer from a :class:`Table`. The walk that follows CNAMEs is a generator,
like the package's resolutions: when it reaches a name the table cannot know,
it yields a :class:`~.dnsdata.Query` for a fallback source and receives its
:class:`~.dnsdata.Answer`, so one copy of the walk serves ``lookup`` and
``lookup_async``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Generator, Iterable, Mapping

import attrs

from .dnsdata import (
    Answer,
    AnswerStatus,
    AsyncRecordSource,
    FailureCause,
    Query,
    RData,
    RecordSource,
    answer_for,
)
from .rdataconv import canonical_rdtype

__all__ = [
    "MAX_CNAME_CHAIN",
    "Alias",
    "Elsewhere",
    "Found",
    "RRSet",
    "Step",
    "Table",
    "Walk",
    "drive_async",
    "drive_sync",
    "rdtype_key",
    "walk",
]

#: How many CNAMEs a lookup follows before it gives up. RFC 1034 §3.6.2 asks
#: resolvers to detect loops; common resolvers stop near this length and answer
#: SERVFAIL, so a longer chain reads as a loop.
MAX_CNAME_CHAIN = 16

#: :func:`~.rdataconv.canonical_rdtype`, remembered: every lookup of every source
#: needs it, and it asks dnspython's type registry (a few microseconds) for one of
#: a handful of types.
rdtype_key = functools.lru_cache(maxsize=128)(canonical_rdtype)


@attrs.frozen
class RRSet:
    """The records of one type at one name, with their TTL."""

    records: tuple[RData, ...]
    ttl: int


@attrs.frozen
class Found:
    """The walk ends here with this outcome."""

    status: AnswerStatus
    records: tuple[RData, ...] = ()
    ttl: int = 0
    cause: FailureCause | None = None
    detail: str = ""


@attrs.frozen
class Alias:
    """The name is a CNAME: the walk goes on at ``target``."""

    target: str
    ttl: int


@attrs.frozen
class Elsewhere:
    """The table cannot know this name; a fallback source may."""

    detail: str


Step = Found | Alias | Elsewhere
#: The walk: yields a question for the fallback, receives its answer, returns the answer.
Walk = Generator[Query, Answer, Answer]


class Table:
    """Owner names and their record sets, and which names exist.

    A name exists if it owns records or if a name below it does (an *empty
    non-terminal*, RFC 4592 §2.2.2: it answers "no data", not "no such name").
    Ancestors are registered down to ``floor`` (the zone apex) when given, or
    up to the top-level label otherwise.
    """

    def __init__(
        self,
        nodes: Mapping[str, Mapping[str, RRSet]],
        *,
        floor: str | None = None,
        empty_non_terminals: bool = True,
    ) -> None:
        self._nodes = {name: dict(rrsets) for name, rrsets in nodes.items()}
        # The outcome of asking for a type a name holds, made once, not per lookup.
        self._answers = {
            name: {
                rdtype: Found(AnswerStatus.ANSWER, rrset.records, rrset.ttl)
                for rdtype, rrset in rrsets.items()
            }
            for name, rrsets in self._nodes.items()
        }
        existing = set(self._nodes)
        if empty_non_terminals:
            for name in self._nodes:
                existing.update(_ancestors(name, floor))
        self._existing = frozenset(existing)

    @property
    def names(self) -> frozenset[str]:
        """Every name that exists, empty non-terminals included."""
        return self._existing

    def exists(self, name: str) -> bool:
        """Whether ``name`` owns records or lies above a name that does."""
        return name in self._existing

    def rrsets(self, name: str) -> Mapping[str, RRSet]:
        """The record sets at ``name`` (empty for a name without records)."""
        return self._nodes.get(name, {})

    def step(self, name: str, rdtype: str, ttl: int) -> Step:
        """The outcome at an existing ``name``; ``ttl`` is the negative-answer TTL."""
        found = self._answers.get(name, {}).get(rdtype)
        if found is not None:
            return found
        alias = self.rrsets(name).get("CNAME")
        if alias is not None and alias.records:
            # RFC 1034 §3.6.2: a CNAME owner has no other data, so any other
            # type is answered at the target.
            target = alias.records[0]
            return Alias(target if isinstance(target, str) else str(target), alias.ttl)
        return Found(AnswerStatus.NODATA, ttl=ttl)


def _ancestors(name: str, floor: str | None) -> Iterable[str]:
    labels = name.split(".")
    for i in range(1, len(labels)):
        parent = ".".join(labels[i:])
        yield parent
        if parent == floor:
            return


def walk(query: Query, step: Callable[[str], Step], *, max_chain: int = MAX_CNAME_CHAIN) -> Walk:
    """Follow CNAMEs from ``query.name`` through ``step`` until an outcome.

    ``step(name)`` tells what the table holds at ``name`` for ``query.rdtype``.
    The answer's ``canonical_name`` is the last name reached; its TTL is the
    smallest along the chain (RFC 2308 §5 for the negative end of a chain).
    """
    name = query.name
    seen = {name}
    chain_ttl: int | None = None
    for _ in range(max_chain + 1):
        here = step(name)
        if isinstance(here, Alias):
            chain_ttl = here.ttl if chain_ttl is None else min(chain_ttl, here.ttl)
            if here.target in seen:
                return Answer(
                    query,
                    AnswerStatus.FAILURE,
                    canonical_name=name,
                    cause=FailureCause.CNAME_LOOP,
                    detail=f"CNAME loop: {name} points back to {here.target}",
                )
            seen.add(here.target)
            name = here.target
            continue
        if isinstance(here, Elsewhere):
            found = yield Query(name, query.rdtype)
            ttl = found.ttl if chain_ttl is None else min(chain_ttl, found.ttl)
            return answer_for(query, found, ttl)
        ttl = here.ttl if chain_ttl is None else min(chain_ttl, here.ttl)
        return Answer(
            query,
            here.status,
            here.records,
            ttl=ttl,
            canonical_name=name,
            cause=here.cause,
            detail=here.detail,
        )
    return Answer(
        query,
        AnswerStatus.FAILURE,
        canonical_name=name,
        cause=FailureCause.CNAME_LOOP,
        detail=f"more than {max_chain} CNAMEs in a row from {query.name}",
    )


def drive_sync(steps: Walk, fallback: RecordSource | None) -> Answer:
    """Run a walk, asking ``fallback`` synchronously for names the table cannot know."""
    try:
        question = next(steps)
        while True:
            question = steps.send(_ask(question, fallback))
    except StopIteration as done:
        answer: Answer = done.value
        return answer


async def drive_async(steps: Walk, fallback: AsyncRecordSource | None) -> Answer:
    """Run a walk, asking ``fallback`` asynchronously for names the table cannot know."""
    try:
        question = next(steps)
        while True:
            if fallback is None:  # pragma: no cover - a walk without fallback never yields
                raise AssertionError("a table walk asked a fallback it does not have")
            question = steps.send(await fallback.lookup_async(question.name, question.rdtype))
    except StopIteration as done:
        answer: Answer = done.value
        return answer


def _ask(question: Query, fallback: RecordSource | None) -> Answer:
    if fallback is None:  # pragma: no cover - a walk without fallback never yields
        raise AssertionError("a table walk asked a fallback it does not have")
    return fallback.lookup(question.name, question.rdtype)
