"""StaticSource: DNS records written in a mapping, for tests and offline checks.

>>> src = StaticSource({
...     "example.org": {"MX": ["10 mx.example.net."], "TXT": "v=spf1 -all"},
...     "www.example.org": {"CNAME": "example.org."},
... }, failures={"slow.example.org": FailureCause.TIMEOUT})
>>> src.lookup("Example.ORG.", "MX").records
(MX(preference=10, exchange='mx.example.net'),)
>>> answer = src.lookup("www.example.org", "TXT")
>>> answer.records, answer.canonical_name
((TXT(strings=(b'v=spf1 -all',)),), 'example.org')
>>> src.lookup("example.org", "AAAA").status, src.lookup("nope.example.org", "A").status
(<AnswerStatus.NODATA: 'nodata'>, <AnswerStatus.NXDOMAIN: 'nxdomain'>)
>>> src.lookup("slow.example.org", "TXT").cause
<FailureCause.TIMEOUT: 'timeout'>
"""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import require_str
from ..i18n._catalog import Said, register
from ._answers import Answer, AnswerStatus, FailureCause, Query, normalize_name
from ._memtable import (
    MAX_CNAME_CHAIN,
    Found,
    RRSet,
    Step,
    Table,
    TableSource,
    answer_sync,
    rdtype_key,
)
from ._rdataconv import canonical_rdtype, parse_records

#: The detail of a failure the source was told to give (Answer.detail), in English.
MESSAGES = register({"sources.configured": "{name}: configured {cause}"})

#: The TTL of every static record and negative answer, unless told otherwise.
DEFAULT_TTL = 3600

#: The records of a :class:`StaticSource`: owner name → record type → value(s).
Records = Mapping[str, Mapping[str, object]]
#: Failures of a :class:`StaticSource`: a name, or a (name, type), → its cause.
Failures = Mapping[str | tuple[str, str], FailureCause]


def _read_records(records: Records, ttl: int) -> dict[str, dict[str, RRSet]]:
    nodes: dict[str, dict[str, RRSet]] = {}
    for owner, by_type in records.items():
        name = normalize_name(require_str(owner, "an owner name"))
        if not isinstance(by_type, Mapping):
            raise TypeError(
                f"the records of {owner!r} must be a mapping of type to values, "
                f"not {type(by_type).__name__}"
            )
        node = nodes.setdefault(name, {})
        for rdtype, values in by_type.items():
            key = canonical_rdtype(require_str(rdtype, "a record type"))
            found = parse_records(key, values)
            before = node.get(key)
            if found or before:
                node[key] = RRSet((before.records if before else ()) + found, ttl)
    return nodes


def _read_failures(failures: Failures) -> dict[tuple[str, str | None], FailureCause]:
    read: dict[tuple[str, str | None], FailureCause] = {}
    for key, cause in failures.items():
        if not isinstance(cause, FailureCause):
            raise TypeError(f"the failure of {key!r} must be a FailureCause, not {cause!r}")
        if isinstance(key, tuple):
            if len(key) != 2:
                raise TypeError(f"a failure key is a name or a (name, type) pair, not {key!r}")
            name, rdtype = key
            read[
                (
                    normalize_name(require_str(name, "a failing name")),
                    canonical_rdtype(require_str(rdtype, "a failing type")),
                )
            ] = cause
        else:
            read[(normalize_name(require_str(key, "a failing name")), None)] = cause
    return read


class StaticSource(TableSource):
    """Answers DNS questions from records held in memory; never touches the network.

    Args:
        records: Owner name → record type → a ``list`` of record values, or a
            single value. Names are case-insensitive and the trailing dot is
            optional; types are mnemonics in any case. Values are presentation
            text (``"10 mx.example.net."``, names always absolute) or an
            ``MX`` / ``SRV`` / ``TXT``. For TXT, a ``str`` or ``bytes`` is the
            record's *text* (not quoted presentation form), cut into
            255-octet character-strings; a ``tuple`` of ``str``/``bytes`` gives
            the character-strings of one record explicitly. A name mapped to
            ``{}`` exists with no data.
        failures: A name, or a ``(name, type)`` pair, → the :class:`FailureCause`
            every lookup of it answers (a whole name fails for every type).
        ttl: The TTL of every record and every negative answer.
        empty_non_terminals: When true (the default), a name above a listed
            name (``example.org`` when only ``www.example.org`` is listed)
            exists and answers ``NODATA``, as in the DNS (RFC 4592 §2.2.2).
            When false, only listed names exist.
        max_chain: How many CNAMEs a lookup follows; a longer chain, or a
            loop, answers ``FAILURE`` with cause ``CNAME_LOOP``.

    Lookups never raise for DNS outcomes: a name that is not listed answers
    ``NXDOMAIN``; a listed name without the type ``NODATA``; a CNAME is followed
    for any other type, and the answer's ``canonical_name`` is the end of the
    chain (whose status, ``NXDOMAIN`` included, is the answer's status). A name
    listed with both a CNAME and the asked type answers the asked type.

    Raises:
        SourceDataError: a type or a value cannot be read.
        TypeError: an input is of the wrong Python type.
    """

    def __init__(
        self,
        records: Records,
        /,
        *,
        failures: Failures | None = None,
        ttl: int = DEFAULT_TTL,
        empty_non_terminals: bool = True,
        max_chain: int = MAX_CNAME_CHAIN,
    ) -> None:
        if not isinstance(records, Mapping):
            raise TypeError(f"records must be a mapping, not {type(records).__name__}")
        self._ttl = ttl
        self._max_chain = max_chain
        self._table = Table(_read_records(records, ttl), empty_non_terminals=empty_non_terminals)
        self._failures = _read_failures(failures or {})
        self._history: list[Query] = []

    @property
    def queries_sent(self) -> int:
        """How many lookups this source has answered."""
        return len(self._history)

    @property
    def history(self) -> tuple[Query, ...]:
        """Every question asked, in order (to assert how many lookups a logic makes)."""
        return tuple(self._history)

    @property
    def names(self) -> frozenset[str]:
        """Every name that exists, empty non-terminals included."""
        return self._table.names

    def _step(self, name: str, rdtype: str) -> Step:
        failures = self._failures  # most sources configure none
        cause = (failures.get((name, rdtype)) or failures.get((name, None))) if failures else None
        if cause is not None:
            return Found(
                AnswerStatus.FAILURE,
                cause=cause,
                detail=Said("sources.configured", {"name": name, "cause": cause.value}),
            )
        if not self._table.exists(name):
            return Found(AnswerStatus.NXDOMAIN, ttl=self._ttl)
        return self._table.step(name, rdtype, self._ttl)

    def _answer(self, query: Query, /) -> Answer:
        self._history.append(query)
        key = rdtype_key(query.rdtype)
        return answer_sync(query, lambda at: self._step(at, key), None, max_chain=self._max_chain)

    async def lookup_async(self, name: str, rdtype: str, /) -> Answer:
        """The same answer as :meth:`lookup`, for async drivers."""
        return self.lookup(name, rdtype)

    def __repr__(self) -> str:
        return f"<StaticSource: {len(self._table.names)} names>"
