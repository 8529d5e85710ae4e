"""ZoneSource: answers from a zone file, offline, as the zone's primary server would.

>>> zone = ZoneSource.from_text('''
... $TTL 3600
... @        SOA  ns1 hostmaster 1 7200 900 1209600 300
... @        NS   ns1
... @        MX   1 mx0.mail.ovh.net.
... ns1      A    192.0.2.53
... www      CNAME @
... ''', origin="example.org")
>>> zone.lookup("www.example.org", "MX").records
(MX(preference=1, exchange='mx0.mail.ovh.net'),)
>>> zone.lookup("nope.example.org", "A").status
<AnswerStatus.NXDOMAIN: 'nxdomain'>
>>> outside = zone.lookup("mx.ovh.com", "TXT")
>>> outside.status, outside.detail
(<AnswerStatus.OUTSIDE_ZONE: 'outside_zone'>, 'mx.ovh.com is outside the zone example.org')
"""

from __future__ import annotations

import os
import re
from typing import Protocol

import dns.exception
import dns.name
import dns.rdatatype
import dns.zone

from ..errors import DomainOutsideZone, ZoneFileError, require_str
from ..i18n._catalog import Said, register
from ._answers import Answer, AnswerStatus, AsyncRecordSource, Query, RecordSource
from ._inputfiles import InputFileError, read_regular_file
from ._memtable import (
    MAX_CNAME_CHAIN,
    Elsewhere,
    Found,
    RRSet,
    Step,
    Table,
    TableSource,
    answer_sync,
    drive_async,
    rdtype_key,
    start_walk,
)
from ._rdataconv import name_text, rdata_value
from ._zoneplain import ZoneData, read_plain

#: The largest zone file :meth:`ZoneSource.from_file` reads: 64 MiB, several times
#: the largest zones of the domains one mail service holds, and a bound on the
#: memory and time a file given by mistake (or a device) can take.
MAX_ZONE_BYTES = 64 * 2**20
# The directives dnspython reads. $GENERATE is left out: one line of it makes up
# to 2**32 records (BIND's range syntax), so a short hostile zone could take the
# reader hours and the memory of the machine. $INCLUDE is refused as well (a zone
# text must not make the reader open other files).
_DIRECTIVES = ("$ORIGIN", "$TTL")

#: The negative-answer TTL of a zone without an SOA record.
_DEFAULT_NEGATIVE_TTL = 3600
# dnspython reports syntax errors as "<file>:<line>: <problem>".
_LOCATED = re.compile(r"^(?P<file>.*?):(?P<line>\d+): (?P<problem>.*)$", re.DOTALL)
# Types that live at a zone cut in the parent zone (RFC 4035 §2.4 for DS).
_PARENT_SIDE = frozenset({"NS", "DS"})


def require_zone_holds(source: object, domain: str, /) -> None:
    r"""Refuse to check ``domain`` over zones that cannot answer for it.

    ``source`` passes when it is not a :class:`ZoneSource`, or when a zone of its
    chain (the zone, its fallback when that is a zone, and so on) holds
    ``domain`` (its apex is the domain or a parent of it), or when the chain
    ends in a source of another kind (a resolver, records in memory), which can
    answer any name.

    >>> zone = ZoneSource.from_text(
    ...     "@ 3600 SOA ns1 hostmaster 1 7200 900 1209600 300\n@ 3600 NS ns1",
    ...     origin="example.org",
    ... )
    >>> require_zone_holds(zone, "shop.example.org")
    >>> require_zone_holds(zone, "example.net")
    Traceback (most recent call last):
    ...
    emailpro_core.errors.DomainOutsideZone: example.net is not in the zone example.org

    Raises:
        DomainOutsideZone: no zone of the chain holds ``domain`` and nothing else answers.
    """
    apexes: list[str] = []
    current: object = source
    while isinstance(current, ZoneSource):
        if _within(domain, current.apex):
            return
        apexes.append(current.apex)
        current = current.fallback
    if apexes and current is None:
        raise DomainOutsideZone(domain, tuple(apexes))


class DualSource(RecordSource, AsyncRecordSource, Protocol):
    """A source with both ``lookup`` and ``lookup_async`` (every source here is one)."""


#: The English template of the problem emailpro_core finds in a zone itself (the
#: other problems are in dnspython's words, or the system's); the French is in the
#: package's gettext catalog.
MESSAGES = register(
    {
        "zone_file.no_origin": "the zone has no origin",
        # The details of the answers outside the zone (Answer.detail).
        "sources.outside_zone": "{name} is outside the zone {zone}",
        "sources.delegated_away": "{name} is delegated away from {zone} at {cut}",
    }
)


def _zone_error(source: str, exc: BaseException) -> ZoneFileError:
    text = str(exc) or type(exc).__name__
    if "'$GENERATE'" in text:
        text += " (its ranges are not expanded here: write its records out)"
    located = _LOCATED.match(text)
    if located is not None:
        return ZoneFileError(source, located["problem"], int(located["line"]))
    return ZoneFileError(source, text)


def _read_zone(zone: dns.zone.Zone) -> ZoneData:
    origin = zone.origin
    if origin is None:
        raise ZoneFileError("<zone>", MESSAGES["zone_file.no_origin"], reason="zone_file.no_origin")
    nodes: dict[str, dict[str, RRSet]] = {}
    negative_ttl = _DEFAULT_NEGATIVE_TTL
    for owner, node in zone.nodes.items():
        name = name_text(owner, origin)
        rrsets = nodes.setdefault(name, {})
        for rdataset in node.rdatasets:
            rdtype = dns.rdatatype.to_text(rdataset.rdtype)
            records = tuple(rdata_value(rdata, origin) for rdata in rdataset)
            rrsets[rdtype] = RRSet(records, rdataset.ttl)
            if rdtype == "SOA" and owner.derelativize(origin) == origin and len(rdataset):
                # RFC 2308 §5: a negative answer lives min(SOA TTL, SOA MINIMUM).
                negative_ttl = min(rdataset.ttl, next(iter(rdataset)).minimum)
    return name_text(origin), nodes, negative_ttl


class ZoneSource(TableSource):
    """Answers DNS questions from one zone, as that zone's primary server would.

    Args:
        zone: A ``dns.zone.Zone`` (its records are copied once, when the source is
            built; later changes to the zone object are not seen).
        fallback: A source asked for every name the zone cannot answer (names
            outside the zone, below a delegation, and CNAME targets there), e.g.
            a :class:`~emailpro_core.sources.StaticSource` with a provider's records, so a
            zone that includes ``mx.ovh.com`` can be checked fully offline.
        max_chain: How many CNAMEs a lookup follows.

    Names inside the zone get ``ANSWER``, ``NODATA`` or ``NXDOMAIN``; names between
    the apex and an owner name exist as empty non-terminals (``NODATA``); a
    wildcard (``*.example.org``) answers for names that do not exist below its
    parent (RFC 4592 §3.3.1). Without a fallback, a name the zone cannot know
    answers ``OUTSIDE_ZONE`` with a ``detail`` saying why: outside the zone, or
    below a delegation (an ``NS`` record below the apex; only ``NS`` and ``DS``
    at the cut itself are answered from the zone). A CNAME that leads out of
    the zone is followed as far as the zone goes: the answer's
    ``canonical_name`` is the first name outside, and its status is the
    fallback's answer for that name, or ``OUTSIDE_ZONE``.

    Negative answers carry min(SOA TTL, SOA MINIMUM) as TTL (RFC 2308 §5).
    """

    def __init__(
        self,
        zone: dns.zone.Zone,
        /,
        *,
        fallback: DualSource | None = None,
        max_chain: int = MAX_CNAME_CHAIN,
    ) -> None:
        if not isinstance(zone, dns.zone.Zone):
            raise TypeError(f"zone must be a dns.zone.Zone, not {type(zone).__name__}")
        self._build(_read_zone(zone), fallback, max_chain)

    @classmethod
    def _of(cls, zone: ZoneData, fallback: DualSource | None, max_chain: int) -> ZoneSource:
        """A source of a zone read without dnspython (see
        :mod:`emailpro_core.sources._zoneplain`)."""
        source = cls.__new__(cls)
        source._build(zone, fallback, max_chain)
        return source

    def _build(self, zone: ZoneData, fallback: DualSource | None, max_chain: int) -> None:
        self.apex, nodes, self._negative_ttl = zone
        self._table = Table(nodes, floor=self.apex)
        self._cuts = frozenset(
            name for name, rrsets in nodes.items() if name != self.apex and "NS" in rrsets
        )
        self._fallback = fallback
        self._max_chain = max_chain
        self._queries = 0
        # The outcomes of every name the zone does not have, and of every name
        # outside it that the fallback answers: each one value, made once.
        self._nxdomain = Found(AnswerStatus.NXDOMAIN, ttl=self._negative_ttl)
        self._elsewhere = Elsewhere(f"outside the zone {self.apex}")
        # Most zones have no wildcard: a missing name is then not searched for one.
        self._has_wildcards = any(name.partition(".")[0] == "*" for name in self._table.names)

    @classmethod
    def from_text(
        cls,
        text: str,
        /,
        *,
        origin: str | None = None,
        fallback: DualSource | None = None,
        max_chain: int = MAX_CNAME_CHAIN,
        source_name: str = "<text>",
    ) -> ZoneSource:
        """Read zone text (RFC 1035 §5 master-file format).

        ``origin`` is the zone's name, unless the text sets ``$ORIGIN``. The
        directives read are ``$ORIGIN`` and ``$TTL``: ``$INCLUDE`` and
        ``$GENERATE`` (whose ranges make up to 2**32 records) are refused.

        Raises:
            ZoneFileError: the text is not a valid zone (it names the line).
        """
        require_str(text, "zone text")
        if origin is not None:
            require_str(origin, "origin")
        # Most zone text is plain: read without dnspython at a tenth of the cost.
        plain = read_plain(text, origin)
        if plain is not None:
            return cls._of(plain, fallback, max_chain)
        try:
            zone = dns.zone.from_text(
                text,
                origin=origin,
                filename=source_name,
                allow_directives=_DIRECTIVES,
            )
        except (dns.exception.DNSException, ValueError, KeyError) as exc:
            raise _zone_error(source_name, exc) from None
        return cls(zone, fallback=fallback, max_chain=max_chain)

    @classmethod
    def from_file(
        cls,
        path: str | os.PathLike[str],
        /,
        *,
        origin: str | None = None,
        fallback: DualSource | None = None,
        max_chain: int = MAX_CNAME_CHAIN,
    ) -> ZoneSource:
        """Read a zone file (UTF-8 text); ``origin`` unless the file sets ``$ORIGIN``.

        The path must name a regular file (not a named pipe, a device or a
        directory) of at most :data:`MAX_ZONE_BYTES`.

        Raises:
            ZoneFileError: the file cannot be read, is not a regular file, is too
                large, or is not a valid zone.
        """
        shown = os.fspath(path)
        try:
            data = read_regular_file(path, limit=MAX_ZONE_BYTES).decode("utf-8")
        except InputFileError as exc:
            raise ZoneFileError(shown, str(exc), reason=exc.key, reason_params=exc.params) from None
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            # ValueError: a path no file can have (a NUL character, a lone surrogate).
            problem = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise ZoneFileError(shown, problem) from None
        # Line ends as a file opened as text has them (universal newlines).
        text = data.replace("\r\n", "\n").replace("\r", "\n")
        return cls.from_text(
            text, origin=origin, fallback=fallback, max_chain=max_chain, source_name=shown
        )

    @property
    def queries_sent(self) -> int:
        """How many lookups this source has answered (its fallback counts its own)."""
        return self._queries

    @property
    def names(self) -> frozenset[str]:
        """Every name that exists in the zone, empty non-terminals included."""
        return self._table.names

    @property
    def fallback(self) -> DualSource | None:
        """The source asked for the names the zone cannot answer, if any."""
        return self._fallback

    def _outside(self, detail: str) -> Step:
        if self._fallback is not None:
            return Elsewhere(detail)
        return Found(AnswerStatus.OUTSIDE_ZONE, detail=detail)

    def _cut_above(self, name: str) -> str | None:
        labels = name.split(".")
        depth = len(self.apex.split(".")) if self.apex else 0
        for i in range(len(labels) - depth - 1, -1, -1):
            candidate = ".".join(labels[i:])
            if candidate in self._cuts:
                return candidate
        return None

    def _step(self, name: str, rdtype: str) -> Step:
        if not _within(name, self.apex):
            if self._fallback is not None:
                return self._elsewhere  # the fallback answers; the detail is not shown
            return self._outside(Said("sources.outside_zone", {"name": name, "zone": self.apex}))
        cut = self._cut_above(name) if self._cuts else None  # most zones delegate nothing
        if cut is not None and not (name == cut and rdtype in _PARENT_SIDE):
            params = {"name": name, "zone": self.apex, "cut": cut}
            return self._outside(Said("sources.delegated_away", params))
        if self._table.exists(name):
            return self._table.step(name, rdtype, self._negative_ttl)
        wildcard = self._wildcard(name) if self._has_wildcards else None
        if wildcard is not None:
            return self._table.step(wildcard, rdtype, self._negative_ttl)
        return self._nxdomain

    def _wildcard(self, name: str) -> str | None:
        # RFC 4592 §3.3.1: the source of synthesis is "*." + the closest encloser.
        # The walk ends at the apex at the latest (it exists), or at the root.
        encloser = name
        while encloser and not self._table.exists(encloser):
            encloser = encloser.partition(".")[2]
        candidate = f"*.{encloser}" if encloser else "*"
        return candidate if candidate in self._table.names else None

    def _answer(self, query: Query, /) -> Answer:
        # lookup(): the answer from the zone, or the fallback; never raises for DNS.
        self._queries += 1
        key = rdtype_key(query.rdtype)
        return answer_sync(
            query, lambda at: self._step(at, key), self._fallback, max_chain=self._max_chain
        )

    async def lookup_async(self, name: str, rdtype: str, /) -> Answer:
        """The same answer as :meth:`lookup`; the fallback is asked asynchronously."""
        query = Query(require_str(name, "a name"), require_str(rdtype, "a record type"))
        self._queries += 1
        key = rdtype_key(query.rdtype)
        started = start_walk(query, lambda at: self._step(at, key), max_chain=self._max_chain)
        if isinstance(started, Answer):
            return started
        return await drive_async(started, self._fallback)

    def __repr__(self) -> str:
        return f"<ZoneSource {self.apex or '.'}: {len(self._table.names)} names>"


def _within(name: str, apex: str) -> bool:
    return not apex or name == apex or name.endswith("." + apex)
