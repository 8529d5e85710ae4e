"""DNS questions, answers and record values, and the drivers that run lookups.

The decision logic of the package (SPF evaluation, the checker) never touches a
socket. It is written as a *resolution*: a generator that yields a batch of
:class:`Query` values and receives the matching :class:`Answer` values, so one
copy of the logic runs over a sync source (:func:`run_sync`) and an async one
(:func:`run_async`), and tests drive it with records in memory.

>>> def mx_hosts(domain):
...     answer = yield from lookup(domain, "MX")
...     return sorted(mx.exchange for mx in answer.records)
>>> class Fixed:
...     def lookup(self, name, rdtype):
...         return Answer(Query(name, rdtype), AnswerStatus.ANSWER, (MX(10, "mx.example.net"),))
>>> run_sync(mx_hosts("example.org"), Fixed())
['mx.example.net']

Failures are values: a timeout is an :class:`Answer` with status ``FAILURE`` and
a :class:`FailureCause`, never an exception escaping a source.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Generator, Sequence
from typing import Any, Protocol, TypeAlias, TypeVar

import attrs

T = TypeVar("T")
A = TypeVar("A")
B = TypeVar("B")


def normalize_name(name: str) -> str:
    """The one form names are compared in: lower case, no trailing dot."""
    return name.rstrip(".").lower() if name != "." else ""


def _canonical(name: str | None) -> str:
    # None until __attrs_post_init__ puts the question's name in its place.
    # normalize_name in line: every Answer made goes through here.
    if name is None:
        return None  # type: ignore[return-value]
    return name.rstrip(".").lower() if name != "." else ""


def _upper(text: str) -> str:
    return text.upper()


# Questions are dict keys all along a diagnosis (answers met, questions in
# flight): their hash is computed once (cache_hash).
@attrs.frozen(cache_hash=True)
class Query:
    """A DNS question.

    Attributes:
        name: The owner name, lower case, no trailing dot (normalized on creation).
        rdtype: The record type as text, upper case (``"MX"``).
    """

    name: str = attrs.field(converter=normalize_name)
    rdtype: str = attrs.field(converter=_upper)


# The MX check puts a domain's MX records in sets and dict keys several times
# over (found, seen as, compared with the expected set): the hash is made once.
@attrs.frozen(cache_hash=True)
class MX:
    """An MX record (RFC 1035 §3.3.9). A null MX (RFC 7505) has ``exchange == ""``."""

    preference: int
    exchange: str = attrs.field(converter=normalize_name)


@attrs.frozen
class SRV:
    """An SRV record (RFC 2782)."""

    priority: int
    weight: int
    port: int
    target: str = attrs.field(converter=normalize_name)


@attrs.frozen
class TXT:
    """A TXT record: its character-strings (RFC 1035 §3.3.14), as bytes.

    Consumers that read one value (SPF, DKIM, DMARC) join the strings without a
    separator (RFC 7208 §3.3, RFC 6376 §3.6.2.2).
    """

    strings: tuple[bytes, ...]

    @property
    def text(self) -> str:
        """The joined value; bytes that are not UTF-8 become U+FFFD."""
        return b"".join(self.strings).decode("utf-8", "replace")


#: A record value. A / AAAA: the address text; CNAME, PTR, NS: the target name
#: (normalized); MX, SRV, TXT: their classes; any other type: presentation text.
RData: TypeAlias = str | MX | SRV | TXT


class AnswerStatus(enum.Enum):
    """What a lookup found."""

    ANSWER = "answer"  # records of the asked type
    NXDOMAIN = "nxdomain"  # the name does not exist (RCODE 3)
    NODATA = "nodata"  # the name exists, with no record of that type
    FAILURE = "failure"  # no trustworthy answer; see the cause
    OUTSIDE_ZONE = "outside_zone"  # an offline source cannot know this name


class FailureCause(enum.Enum):
    """Why a lookup gave no trustworthy answer."""

    TIMEOUT = "timeout"
    SERVFAIL = "servfail"
    REFUSED = "refused"
    NO_NAMESERVER = "no_nameserver"
    MALFORMED = "malformed"
    CNAME_LOOP = "cname_loop"
    OTHER = "other"


@attrs.frozen
class Answer:
    """The outcome of one :class:`Query`.

    Attributes:
        query: The question answered.
        status: What was found.
        records: The records (empty unless ``status`` is ``ANSWER``).
        ttl: The smallest TTL of the records, or the negative-caching TTL.
        canonical_name: The name the records belong to after following CNAMEs
            (equal to ``query.name`` when there was none). A query for type
            ``CNAME`` never follows: it returns the CNAME itself.
        cause: For ``FAILURE``, why.
        detail: A human explanation of a failure or an offline limit.
    """

    query: Query
    status: AnswerStatus
    records: tuple[RData, ...] = ()
    ttl: int = 0
    canonical_name: str = attrs.field(default=None, converter=_canonical)
    cause: FailureCause | None = None
    detail: str = ""

    def __attrs_post_init__(self) -> None:
        # Not given: the question's name. Given as "" it is the root (a CNAME to
        # the root was followed), which is not "not given".
        given: str | None = self.canonical_name
        if given is None:
            object.__setattr__(self, "canonical_name", self.query.name)

    @property
    def exists(self) -> bool:
        """Whether the name exists (an answer or no data)."""
        return self.status in (AnswerStatus.ANSWER, AnswerStatus.NODATA)

    @property
    def is_failure(self) -> bool:
        """Whether nothing can be concluded (a failure or a name outside the zone)."""
        return self.status in (AnswerStatus.FAILURE, AnswerStatus.OUTSIDE_ZONE)

    @property
    def via_cname(self) -> bool:
        """Whether a CNAME was followed to reach the records."""
        return self.canonical_name != self.query.name


def answer_for(query: Query, answer: Answer, ttl: int | None = None, /) -> Answer:
    """``answer`` given to ``query`` (with ``ttl`` when given): a shared or cached answer.

    What ``attrs.evolve(answer, query=query, ttl=ttl)`` gives, at the cost of the
    constructor alone: sources do this for every shared, cached or forwarded answer.
    """
    return Answer(
        query,
        answer.status,
        answer.records,
        answer.ttl if ttl is None else ttl,
        answer.canonical_name,
        answer.cause,
        answer.detail,
    )


class RecordSource(Protocol):
    """Anything that answers DNS questions synchronously. Never raises for DNS failures."""

    def lookup(self, name: str, rdtype: str, /) -> Answer: ...


class AsyncRecordSource(Protocol):
    """Anything that answers DNS questions asynchronously. Never raises for DNS failures."""

    async def lookup_async(self, name: str, rdtype: str, /) -> Answer: ...


#: A batch of questions the logic needs answered before it can go on.
Batch: TypeAlias = tuple[Query, ...]
#: Decision logic: yields batches, receives the answers in the same order, returns T.
Resolution: TypeAlias = Generator[Batch, tuple[Answer, ...], T]


def lookup(name: str, rdtype: str) -> Resolution[Answer]:
    """Ask one question from inside a resolution: ``answer = yield from lookup(...)``."""
    (answer,) = yield (Query(name, rdtype),)
    return answer


def lookup_many(*queries: Query) -> Resolution[tuple[Answer, ...]]:
    """Ask several independent questions at once (an async driver sends them together)."""
    if not queries:
        return ()
    answers = yield tuple(queries)
    return answers


def run_sync(resolution: Resolution[T], source: RecordSource) -> T:
    """Drive ``resolution`` to its result with a synchronous source."""
    try:
        batch = next(resolution)
        while True:
            answers = tuple(source.lookup(q.name, q.rdtype) for q in batch)
            batch = resolution.send(answers)
    except StopIteration as done:
        result: T = done.value
        return result


async def run_async(resolution: Resolution[T], source: AsyncRecordSource) -> T:
    """Drive ``resolution`` with an async source; the queries of a batch run concurrently."""
    try:
        batch = next(resolution)
        while True:
            if len(batch) == 1:
                answers: tuple[Answer, ...] = (
                    await source.lookup_async(batch[0].name, batch[0].rdtype),
                )
            else:
                answers = tuple(
                    await asyncio.gather(*(source.lookup_async(q.name, q.rdtype) for q in batch))
                )
            batch = resolution.send(answers)
    except StopIteration as done:
        result: T = done.value
        return result


def gather(resolutions: Sequence[Resolution[Any]], /) -> Resolution[list[Any]]:
    """Run ``resolutions`` side by side; return their results in order.

    Each round merges the pending batches into one, without repeats, and a
    question already answered in an earlier round is answered again from memory
    rather than asked. Closing the gather closes the resolutions still running.
    """
    results: list[Any] = [None] * len(resolutions)
    # (index, resolution, the batch it waits on), in index order. A list, not a
    # dict: the SPF check runs two gathers per domain, and their bookkeeping counts.
    waiting: list[tuple[int, Resolution[Any], Batch]] = []
    # Questions are told apart by (name, type), as Query equality does, but
    # compared without a call to Query.__eq__ each time.
    known: dict[tuple[str, str], Answer] = {}
    try:
        for index, resolution in enumerate(resolutions):
            try:
                waiting.append((index, resolution, next(resolution)))
            except StopIteration as done:
                results[index] = done.value
        while waiting:
            wanted: dict[tuple[str, str], Query] = {}
            for _, _, batch in waiting:
                for query in batch:
                    key = (query.name, query.rdtype)
                    if key not in known and key not in wanted:
                        wanted[key] = query
            if wanted:
                known.update(zip(wanted, (yield tuple(wanted.values())), strict=True))
            current, waiting = waiting, []
            for index, resolution, batch in current:
                answers = tuple([known[query.name, query.rdtype] for query in batch])
                try:
                    waiting.append((index, resolution, resolution.send(answers)))
                except StopIteration as done:
                    results[index] = done.value
    finally:
        # Closing a finished generator does nothing (one never started never runs):
        # only those still running stop here.
        for resolution in resolutions:
            resolution.close()
    return results


def pair(first: Resolution[A], second: Resolution[B], /) -> Resolution[tuple[A, B]]:
    """Run two resolutions side by side (see :func:`gather`); return both results."""
    a, b = yield from gather((first, second))
    return a, b
