"""Records held in memory, and the CNAME walk shared by the offline sources.

:class:`~emailpro_core.sources.StaticSource` and :class:`~emailpro_core.sources.ZoneSource`
both answer from a :class:`Table`. The walk that follows CNAMEs is a generator,
like the package's resolutions: when it reaches a name the table cannot know,
it yields a :class:`~emailpro_core.sources.Query` for a fallback source and receives its
:class:`~emailpro_core.sources.Answer`, so one copy of the walk serves ``lookup`` and
``lookup_async``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Generator, Iterable, Mapping

import attrs

from ..errors import require_str
from ..i18n._catalog import Said, register
from ._answers import (
    Answer,
    AnswerStatus,
    AsyncRecordSource,
    FailureCause,
    Query,
    RData,
    RecordSource,
    answer_for,
)
from ._rdataconv import canonical_rdtype

#: The details of the CNAME chains that fail (Answer.detail), in English; the French is
#: in the package's gettext catalog.
MESSAGES = register(
    {
        "sources.cname_loop": "CNAME loop: {name} points back to {target}",
        "sources.cname_chain": "more than {limit} CNAMEs in a row from {name}",
    }
)

#: How many CNAMEs a lookup follows before it gives up. RFC 1034 §3.6.2 asks
#: resolvers to detect loops; common resolvers stop near this length and answer
#: SERVFAIL, so a longer chain reads as a loop.
MAX_CNAME_CHAIN = 16

#: :func:`~emailpro_core.sources._rdataconv.canonical_rdtype`, remembered: every lookup of every
#: source needs it, and it asks dnspython's type registry (a few microseconds) for one of
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
        # RFC 1034 §3.6.2: a CNAME owner has no other data, so any other type is
        # answered at the target: where to go on from each CNAME, made once.
        self._aliases = {
            name: Alias(_target(rrsets["CNAME"].records[0]), rrsets["CNAME"].ttl)
            for name, rrsets in self._nodes.items()
            if "CNAME" in rrsets and rrsets["CNAME"].records
        }
        # "No data" outcomes, one per negative TTL (a source uses one).
        self._nodata: dict[int, Found] = {}
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
        alias = self._aliases.get(name)
        if alias is not None:
            return alias
        nodata = self._nodata.get(ttl)
        if nodata is None:
            nodata = self._nodata[ttl] = Found(AnswerStatus.NODATA, ttl=ttl)
        return nodata


def _target(rdata: RData) -> str:
    return rdata if isinstance(rdata, str) else str(rdata)


def _ancestors(name: str, floor: str | None) -> Iterable[str]:
    labels = name.split(".")
    for i in range(1, len(labels)):
        parent = ".".join(labels[i:])
        yield parent
        if parent == floor:
            return


def walk(
    query: Query,
    step: Callable[[str], Step],
    *,
    max_chain: int = MAX_CNAME_CHAIN,
    first: Step | None = None,
) -> Walk:
    """Follow CNAMEs from ``query.name`` through ``step`` until an outcome.

    ``step(name)`` tells what the table holds at ``name`` for ``query.rdtype``
    (``first``, when given, is what it holds at ``query.name``).
    The answer's ``canonical_name`` is the last name reached; its TTL is the
    smallest along the chain (RFC 2308 §5 for the negative end of a chain).
    """
    name = query.name
    seen = {name}
    chain_ttl: int | None = None
    for _ in range(max_chain + 1):
        here = step(name) if first is None else first
        first = None
        if isinstance(here, Alias):
            chain_ttl = here.ttl if chain_ttl is None else min(chain_ttl, here.ttl)
            if here.target in seen:
                return Answer(
                    query,
                    AnswerStatus.FAILURE,
                    canonical_name=name,
                    cause=FailureCause.CNAME_LOOP,
                    detail=Said("sources.cname_loop", {"name": name, "target": here.target}),
                )
            seen.add(here.target)
            name = here.target
            continue
        if isinstance(here, Elsewhere):
            found = yield query if name == query.name else Query(name, query.rdtype)
            ttl = found.ttl if chain_ttl is None else min(chain_ttl, found.ttl)
            return answer_for(query, found, ttl)
        ttl = here.ttl if chain_ttl is None else min(chain_ttl, here.ttl)
        return found_answer(query, here, name, ttl)
    return Answer(
        query,
        AnswerStatus.FAILURE,
        canonical_name=name,
        cause=FailureCause.CNAME_LOOP,
        detail=Said("sources.cname_chain", {"limit": max_chain, "name": query.name}),
    )


def found_answer(query: Query, here: Found, name: str, ttl: int, /) -> Answer:
    """The answer to ``query`` where the walk ended: at ``name`` (normalized), with ``ttl``."""
    return Answer(query, here.status, here.records, ttl, name, here.cause, here.detail)


def start_walk(
    query: Query, step: Callable[[str], Step], *, max_chain: int = MAX_CNAME_CHAIN
) -> Answer | Walk:
    """:func:`walk`, or its answer at once when it ends at the first name.

    Most lookups of a diagnosis end where they start (no CNAME, no fallback):
    their answer is made without the walk's generator. Anything else is the walk
    itself, to drive, from the step already taken. (The sync sources use
    :func:`answer_sync`.)
    """
    if max_chain < 0:  # the walk takes no step at all
        return walk(query, step, max_chain=max_chain)
    here = step(query.name)
    if isinstance(here, Found):
        return found_answer(query, here, query.name, here.ttl)
    return walk(query, step, max_chain=max_chain, first=here)


def answer_sync(
    query: Query,
    step: Callable[[str], Step],
    fallback: RecordSource | None,
    *,
    max_chain: int = MAX_CNAME_CHAIN,
) -> Answer:
    """The answer of :func:`walk` driven by :func:`drive_sync`.

    Most lookups end at their first name, inside the table or (through the
    fallback) outside it: those are answered without the walk's generator.
    """
    if max_chain < 0:  # the walk takes no step at all
        return drive_sync(walk(query, step, max_chain=max_chain), fallback)
    here = step(query.name)
    if isinstance(here, Found):
        return found_answer(query, here, query.name, here.ttl)
    if isinstance(here, Elsewhere):
        # As the walk does: the fallback is asked the question itself, and its
        # answer, TTL included, is given to the question.
        return answer_for(query, _ask(query, fallback))
    if isinstance(here, Alias) and max_chain >= 1 and here.target != query.name:
        # One CNAME, then the end (a DKIM selector's CNAME to the provider's key):
        # what the walk does in its second step.
        target = here.target
        there = step(target)
        if isinstance(there, Found):
            return found_answer(query, there, target, min(here.ttl, there.ttl))
        if isinstance(there, Elsewhere):
            found = _ask(Query(target, query.rdtype), fallback)
            return answer_for(query, found, min(here.ttl, found.ttl))
    return drive_sync(walk(query, step, max_chain=max_chain, first=here), fallback)


class TableSource:
    """What the sources answering from a :class:`Table` share (the offline sources).

    ``lookup`` makes the question a :class:`~emailpro_core.sources.Query` and answers it. The
    questions of a resolution are ``Query`` values already, normalized, so the
    package's drivers hand them over as they are (see :func:`direct_answerer`)
    rather than have them taken apart and normalized again.
    """

    def _answer(self, query: Query, /) -> Answer:
        raise NotImplementedError

    def lookup(self, name: str, rdtype: str, /) -> Answer:
        """Answer ``(name, rdtype)``; never raises for a ``str`` name and type."""
        return self._answer(
            Query(require_str(name, "a name"), require_str(rdtype, "a record type"))
        )


def direct_answerer(source: object, /) -> Callable[[Query], Answer] | None:
    """What answers a ``Query`` of ``source`` as it is; ``None``: call its ``lookup``.

    ``source.lookup(q.name, q.rdtype)`` gives that same answer. Only a table
    source whose ``lookup`` is the shared one qualifies: a subclass that
    overrides ``lookup`` (to count, to fail on purpose) is always asked through it.
    """
    if isinstance(source, TableSource) and type(source).lookup is TableSource.lookup:
        return source._answer
    return None


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
    direct = direct_answerer(fallback)
    if direct is not None:
        return direct(question)
    return fallback.lookup(question.name, question.rdtype)
