"""The values a propagation check returns: frozen, and JSON-ready through ``to_dict``.

:func:`~emailpro_core.propagation.check_propagation` fills them; they are
re-exported by :mod:`emailpro_core.propagation`, where they are documented.
"""

from __future__ import annotations

import datetime
import enum
import json
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from ..checker import Diagnosis, Status
from ..checker._phrases import Phrase, to_json
from ..i18n import _catalog
from ..i18n._catalog import normalize_language
from ._words import spoken, words

#: The version of the :meth:`PropagationReport.to_dict` schema (docs/propagation.md).
SCHEMA_VERSION = 1


def iso_time(timestamp: float, /) -> str:
    """A POSIX time as ISO 8601 in UTC, to the second (``2025-01-31T12:00:00Z``)."""
    moment = datetime.datetime.fromtimestamp(int(timestamp), tz=datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class Verdict(enum.Enum):
    """Whether the world sees one record as its zone serves it."""

    #: Every authoritative server and every resolver serve the same data.
    IN_SYNC = "in_sync"
    #: The authoritative servers agree; a resolver still serves what it cached
    #: before (the old data, or the absence of the record: RFC 2308 negative caching).
    STALE = "stale"
    #: The authoritative servers serve different data (a secondary behind).
    SERVERS_DISAGREE = "servers_disagree"
    #: No verdict: no authoritative server answered, or a resolver did not.
    UNKNOWN = "unknown"


class Outcome(enum.Enum):
    """The verdict on the whole domain, worst first (see :attr:`PropagationReport.outcome`)."""

    #: The zone itself is wrong: the diagnosis of the authoritative view has an ERROR.
    ZONE_WRONG = "zone_wrong"
    #: The authoritative servers disagree about a record.
    SERVERS_DISAGREE = "servers_disagree"
    #: Something could not be known (a server, a resolver, a record, the diagnosis).
    UNKNOWN = "unknown"
    #: The zone is right and its servers agree; only caches are behind.
    STALE = "stale"
    #: The zone is right and every server and resolver serves it.
    IN_SYNC = "in_sync"


class ServerState(enum.Enum):
    """How one authoritative server answered for the zone (its SOA query)."""

    #: Answers for the zone, with the AA bit: its serial is known.
    AUTHORITATIVE = "authoritative"
    #: Answers without the AA bit (a referral, or from a cache): a lame delegation
    #: (RFC 1912 §2.8).
    LAME = "lame"
    #: Answers REFUSED.
    REFUSED = "refused"
    #: No reply in time.
    TIMEOUT = "timeout"
    #: Answers with the AA bit, but for another zone (the zone is not loaded there).
    OTHER_ZONE = "other_zone"
    #: Any other failure: SERVFAIL, a malformed reply, unreachable.
    FAILED = "failed"


@attrs.frozen
class Nameserver:
    """A name of the zone's NS set, and the addresses it resolves to.

    Attributes:
        name: The nameserver's name (lower case, no trailing dot).
        addresses: Its IPv4 and IPv6 addresses; empty when it does not resolve.
        cause: Why it has no address (``"nxdomain"``, ``"nodata"``, a failure
            cause); ``None`` when it has some.
    """

    name: str
    addresses: tuple[str, ...]
    cause: str | None = None

    def to_dict(self) -> dict[str, object]:
        """``{"name", "addresses", "cause"}``."""
        return {"name": self.name, "addresses": list(self.addresses), "cause": self.cause}


@attrs.frozen
class Server:
    """One authoritative server, as its SOA query found it.

    Attributes:
        address: Its address (``host`` or ``host:port`` when the port is not 53).
        names: The NS names that lead to it.
        state: How it answered.
        serial: The zone's SOA serial there (``AUTHORITATIVE`` only).
        detail: What it said, for any other state, in English
            (:meth:`render_detail` writes it in another language).
        phrase: The detail as a catalog phrase, when the package wrote it
            (``None`` for a failure's own words: a system's or a library's).
    """

    address: str
    names: tuple[str, ...]
    state: ServerState
    serial: int | None = None
    detail: str = ""
    phrase: Phrase | None = attrs.field(default=None, kw_only=True, eq=False)

    @classmethod
    def of(
        cls,
        address: str,
        names: tuple[str, ...],
        state: ServerState,
        serial: int | None,
        detail: Phrase | str,
        /,
    ) -> Server:
        """A server whose detail is a phrase (rendered in any language) or text as it came."""
        if isinstance(detail, Phrase):
            return cls(address, names, state, serial, detail.render(), phrase=detail)
        return cls(address, names, state, serial, detail)

    def render_detail(self, lang: str | None = None) -> str:
        """The detail in ``lang`` (``"en"``, ``"fr"``; ``None`` is English).

        Raises:
            ValueError: a language emailpro_core does not write.
        """
        return spoken(self.phrase, self.detail, normalize_language(lang))

    def to_dict(self, lang: str | None = None) -> dict[str, object]:
        """``{"address", "names", "state", "serial", "detail"}``, the detail in ``lang``."""
        return {
            "address": self.address,
            "names": list(self.names),
            "state": self.state.value,
            "serial": self.serial,
            "detail": self.render_detail(lang),
        }


#: The statuses of a :class:`Served` answer.
SERVED_STATUSES = ("answer", "nxdomain", "nodata", "failure")


@attrs.frozen
class Served:
    """What one server or resolver serves for one name and type.

    Attributes:
        source: The server's or resolver's address.
        status: ``"answer"``, ``"nxdomain"``, ``"nodata"`` or ``"failure"``.
        values: The records, sorted, as zone-file values (TXT: the joined text).
        ttl: For a resolver, the TTL it returned: the time its copy stays
            cached (negative answers: RFC 2308 §5). For a server, the zone's TTL.
        canonical_name: The name the data belongs to after CNAMEs (the asked
            name when there was none).
        serial: For a server, the zone's serial there.
        cause: For ``"failure"``, why (a :class:`~emailpro_core.sources.FailureCause` value,
            ``"lame"``, or ``"deadline"``).
        detail: What went wrong, in words.
    """

    source: str
    status: str
    values: tuple[str, ...] = ()
    ttl: int = 0
    canonical_name: str = ""
    serial: int | None = None
    cause: str | None = None
    detail: str = ""

    @property
    def failed(self) -> bool:
        """Whether nothing is known of what it serves."""
        return self.status == "failure"

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready view, keys as the attributes."""
        return {
            "source": self.source,
            "status": self.status,
            "values": list(self.values),
            "ttl": self.ttl,
            "canonical_name": self.canonical_name,
            "serial": self.serial,
            "cause": self.cause,
            "detail": self.detail,
        }


def _frozen(params: Mapping[str, object] | None) -> Mapping[str, object]:
    return MappingProxyType(dict(params or {}))


@attrs.frozen
class RecordPropagation:
    """One name and type: what each server and resolver serves, and the verdict.

    Attributes:
        name: The owner name.
        type: The record type.
        verdict: See :class:`Verdict`.
        servers: Each authoritative server's answer.
        resolvers: Each resolver's answer.
        message: The verdict in words: who serves what, and until when, in
            English (:meth:`render` writes it in another language).
        stale: ``STALE``: the resolvers that serve the old data.
        expires_at: ``STALE``: the POSIX time by which every stale copy has
            expired (the check's time plus the largest TTL a stale resolver returned).
        disagreeing: ``SERVERS_DISAGREE``: the servers, grouped by what they serve.
        cause: ``UNKNOWN``: why.
        key: The catalog key of the message (``propagation.stale``); ``""`` for
            a message written by hand.
        params: The data behind the message: what is served, by whom, for how
            long (parts of the sentence are phrases, rendered in the language
            asked for). Keys may be added between releases, never renamed or removed.
    """

    name: str
    type: str
    verdict: Verdict
    servers: tuple[Served, ...]
    resolvers: tuple[Served, ...]
    message: str
    stale: tuple[str, ...] = ()
    expires_at: float | None = None
    disagreeing: tuple[tuple[str, ...], ...] = ()
    cause: str | None = None
    # Not compared, as a finding's: the record is what its verdict and English
    # message say; the params are the data that message was made from.
    key: str = attrs.field(default="", kw_only=True, eq=False)
    params: Mapping[str, object] = attrs.field(
        factory=dict, converter=_frozen, kw_only=True, eq=False, repr=lambda p: repr(dict(p))
    )

    def __reduce__(self) -> tuple[object, ...]:
        # MappingProxyType does not pickle: the params go as a plain dict.
        values = (
            self.name,
            self.type,
            self.verdict,
            self.servers,
            self.resolvers,
            self.message,
            self.stale,
            self.expires_at,
            self.disagreeing,
            self.cause,
        )
        return (_rebuild_record, (values, self.key, dict(self.params)))

    def render(self, lang: str | None = None) -> str:
        """The message in ``lang`` (``"en"``, ``"fr"``; ``None`` is English).

        A record written by hand, whose message is not its template's, keeps
        its own message in every language.

        Raises:
            ValueError: a language emailpro_core does not write.
        """
        language = normalize_language(lang)
        if language == _catalog.DEFAULT_LANGUAGE or _catalog.registered_template(self.key) is None:
            return self.message
        if words(self.key, self.params, _catalog.DEFAULT_LANGUAGE) != self.message:
            return self.message
        return words(self.key, self.params, language)

    def to_dict(self, lang: str | None = None) -> dict[str, object]:
        """A JSON-ready view; ``expires_at`` in ISO 8601 (UTC).

        ``message`` is in ``lang`` (English by default); ``key`` and ``params``
        are the same in every language.
        """
        return {
            "name": self.name,
            "type": self.type,
            "verdict": self.verdict.value,
            "message": self.render(lang),
            "key": self.key,
            "params": {name: to_json(value) for name, value in self.params.items()},
            "stale": list(self.stale),
            "expires_at": None if self.expires_at is None else iso_time(self.expires_at),
            "disagreeing": [list(group) for group in self.disagreeing],
            "cause": self.cause,
            "servers": [s.to_dict() for s in self.servers],
            "resolvers": [r.to_dict() for r in self.resolvers],
        }


@attrs.frozen
class PropagationReport:
    """What the authoritative servers and the resolvers serve for a domain's records.

    Attributes:
        domain: The domain.
        zone: The zone that holds it (the closest name with an NS set), or
            ``None`` when it could not be found.
        checked_at: The POSIX time the answers were in.
        nameservers: The zone's NS set and their addresses.
        servers: Each authoritative server's state and serial.
        resolvers: The resolvers asked.
        records: Per name and type the checks need, the verdict.
        diagnosis: The diagnosis of the authoritative view (the answers of the
            server with the highest serial), or ``None`` without any.
        cause: Why the zone or its servers could not be found, if so, in
            English (:meth:`render_cause` writes it in another language).
        cause_phrase: The cause as a catalog phrase (``None`` without a cause,
            or for a cause written by hand).
    """

    domain: str
    zone: str | None
    checked_at: float
    nameservers: tuple[Nameserver, ...]
    servers: tuple[Server, ...]
    resolvers: tuple[str, ...]
    records: tuple[RecordPropagation, ...]
    diagnosis: Diagnosis | None
    cause: str | None = None
    cause_phrase: Phrase | None = attrs.field(default=None, kw_only=True, eq=False)

    def render_cause(self, lang: str | None = None) -> str | None:
        """The cause in ``lang`` (``"en"``, ``"fr"``; ``None`` is English), if any.

        Raises:
            ValueError: a language emailpro_core does not write.
        """
        language = normalize_language(lang)
        return None if self.cause is None else spoken(self.cause_phrase, self.cause, language)

    @property
    def outcome(self) -> Outcome:
        """The verdict on the domain: the first of :class:`Outcome` that holds.

        ``ZONE_WRONG`` when the diagnosis has an ERROR finding; ``SERVERS_DISAGREE``
        when a record's servers disagree; ``UNKNOWN`` when a record, a server, an
        NS name or a finding of the diagnosis is unknown (or there is no diagnosis);
        ``STALE`` when a resolver still serves old data; else ``IN_SYNC``.
        """
        verdicts = {record.verdict for record in self.records}
        found = () if self.diagnosis is None else self.diagnosis.findings
        statuses = {finding.status for finding in found}
        if Status.ERROR in statuses:
            return Outcome.ZONE_WRONG
        if Verdict.SERVERS_DISAGREE in verdicts:
            return Outcome.SERVERS_DISAGREE
        if (
            self.diagnosis is None
            or Status.UNKNOWN in statuses
            or Verdict.UNKNOWN in verdicts
            or self.cause is not None
            or any(s.state is not ServerState.AUTHORITATIVE for s in self.servers)
            or any(ns.cause is not None for ns in self.nameservers)
        ):
            return Outcome.UNKNOWN
        if Verdict.STALE in verdicts:
            return Outcome.STALE
        return Outcome.IN_SYNC

    @property
    def expires_at(self) -> float | None:
        """The POSIX time by which every stale copy has expired (``None``: none is stale)."""
        times = [r.expires_at for r in self.records if r.expires_at is not None]
        return max(times) if times else None

    def to_dict(self, lang: str | None = None) -> dict[str, object]:
        """A JSON-ready view with stable keys (schema in docs/propagation.md).

        The messages (each record's, the diagnosis's) are in ``lang``, English by
        default; the codes, verdicts and params are the same in every language.

        Raises:
            ValueError: a language emailpro_core does not write.
        """
        language = normalize_language(lang)
        expires = self.expires_at
        return {
            "version": SCHEMA_VERSION,
            "domain": self.domain,
            "zone": self.zone,
            "checked_at": iso_time(self.checked_at),
            "outcome": self.outcome.value,
            "expires_at": None if expires is None else iso_time(expires),
            "cause": self.render_cause(language),
            "nameservers": [ns.to_dict() for ns in self.nameservers],
            "servers": [s.to_dict(language) for s in self.servers],
            "resolvers": list(self.resolvers),
            "records": [r.to_dict(language) for r in self.records],
            "diagnosis": None if self.diagnosis is None else self.diagnosis.to_dict(language),
        }

    def to_json(self, *, indent: int | None = 2, lang: str | None = None) -> str:
        """:meth:`to_dict` as JSON text, its messages in ``lang``."""
        return json.dumps(self.to_dict(lang), indent=indent, ensure_ascii=False)


def _rebuild_record(
    values: tuple[object, ...], key: str, params: dict[str, object]
) -> RecordPropagation:
    return RecordPropagation(*values, key=key, params=params)  # type: ignore[arg-type]
