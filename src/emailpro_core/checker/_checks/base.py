"""What every check of the checker shares: the context, zone lines, and batching.

A check is a resolution (see :mod:`emailpro_core.sources`) that returns its
findings. The :class:`Context` of a domain holds its expected records and renders
zone lines with :func:`~emailpro_core.records.zone_line`, each line once per
domain. :func:`gather` runs several resolutions side by side, each round one
batch (an async driver sends it concurrently) without repeated questions.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.ANY.TXT

from ...i18n._catalog import register
from ...records import DomainSetup, ExpectedRecord, Profile, RecordSet
from ...records._zonetext import MAX_CHARACTER_STRING, split_txt, zone_line
from ...sources._answers import (
    MX,
    SRV,
    TXT,
    Answer,
    AnswerStatus,
    Query,
    RData,
    Resolution,
    lookup_many,
)
from .._findings import Check, Finding, FixAction, FixLine, Status
from .._make import finding
from .._phrases import Phrase

#: The cause of a ``SKIPPED`` finding: an offline source cannot know the name.
OUTSIDE_ZONE = AnswerStatus.OUTSIDE_ZONE.value
#: Why a finding about a name an offline source does not hold has no fix (in English),
#: and its catalog key.
OUTSIDE_REASON = (
    "the name is not in this zone, so nothing here is known to be wrong: "
    "give the zone a fallback source for it, or check live"
)
OUTSIDE_KEY = "checker.reason.outside_zone"
#: Why an ``UNKNOWN`` finding (the DNS did not answer) has no fix, and its catalog key.
UNKNOWN_REASON = (
    "the DNS did not answer, so no record is known to be wrong: retry, "
    "or repair the name servers that failed"
)
UNKNOWN_KEY = "checker.reason.unknown"

#: The findings every check shares, and their fix reasons. ``{what}`` is a phrase
#: of the check ("the MX records"); ``{cause}`` a code (``timeout``), kept as it is.
MESSAGES = register(
    {
        "finding.dns.outside_zone": (
            "{what} not checked: {where} is outside the records this source holds"
        ),
        "finding.dns.outside_zone:detail": (
            "{what} not checked: {where} is outside the records this source holds: {detail}"
        ),
        "finding.dns.unknown": "{what} unknown: the lookup of {where} failed ({cause})",
        "finding.dns.unknown:detail": (
            "{what} unknown: the lookup of {where} failed ({cause}): {detail}"
        ),
        OUTSIDE_KEY: OUTSIDE_REASON,
        UNKNOWN_KEY: UNKNOWN_REASON,
    }
)


@attrs.frozen
class Context:
    """What the checks of one domain know before asking anything.

    Attributes:
        setup: The domain's setup.
        profile: The provider's profile.
        records: ``expected_records(setup, profile=profile)``, computed once per domain.
    """

    setup: DomainSetup
    profile: Profile
    records: RecordSet
    # Zone lines already rendered for this domain: an observed record that is the
    # expected one (the common case) renders to the same line, made once.
    _lines: dict[tuple[str, int, str, str], str] = attrs.field(
        factory=dict, init=False, eq=False, repr=False
    )
    # The expected records of each check, sorted out once: the checks ask for
    # them several times each.
    _by_check: dict[str, tuple[ExpectedRecord, ...]] = attrs.field(
        factory=dict, init=False, eq=False, repr=False
    )

    @property
    def domain(self) -> str:
        """The domain: A-labels, lower case, no trailing dot."""
        return self.records.domain

    def expected(self, check: Check, /) -> tuple[ExpectedRecord, ...]:
        """The expected records of one check (the names are shared with ``records.CHECKS``)."""
        by_check = self._by_check
        if not by_check:
            for record in self.records:
                by_check[record.check] = (*by_check.get(record.check, ()), record)
        return by_check.get(check.value, ())

    def line(self, name: str, ttl: int, rdtype: str, value: str, /) -> str:
        """One zone line (:func:`~emailpro_core.records.zone_line`), owner absolute."""
        key = (name, ttl, rdtype, value)
        found = self._lines.get(key)
        if found is None:
            found = self._lines[key] = _line(name, ttl, rdtype, value)
        return found

    def observed(
        self, answer: Answer, /, records: Iterable[RData] | None = None
    ) -> tuple[str, ...]:
        """Zone lines of an answer's records (or of ``records`` among them).

        A record reached through a CNAME is shown at the end of the chain, where it is.
        """
        chosen = answer.records if records is None else records
        rdtype = answer.query.rdtype
        name, ttl = answer.canonical_name, answer.ttl
        # line(), inline: a diagnosis renders a few dozen records.
        known, found = self._lines, []
        for record in chosen:
            if isinstance(record, TXT) and _split_elsewhere(record):
                found.append(_txt_line(name, ttl, record))
                continue
            key = (name, ttl, rdtype, value_text(record, rdtype))
            line = known.get(key)
            if line is None:
                line = known[key] = _line(*key)
            found.append(line)
        return tuple(found)

    def lines(self, records: Iterable[ExpectedRecord], /) -> tuple[str, ...]:
        """The zone lines of expected records (a comment line when a value is not known)."""
        known, found = self._lines, []
        for record in records:
            if record.value is None:
                found.append(record.to_zone_line())
                continue
            key = (record.name, record.ttl, record.type, record.value)  # line(), inline
            line = known.get(key)
            if line is None:
                line = known[key] = _line(*key)
            found.append(line)
        return tuple(found)

    def add(self, records: Iterable[ExpectedRecord], /) -> tuple[FixLine, ...]:
        """Fix lines adding expected records; a record whose value is not known adds nothing.

        (Its comment line, shown in ``expected``, is no record: pasted, it changes nothing.)
        """
        exact = [record for record in records if record.is_exact]
        return tuple(FixLine(FixAction.ADD, line) for line in self.lines(exact))


def absolute(name: str, /) -> str:
    """A normalized name with its trailing dot (the root is ``"."``)."""
    return name + "." if name else "."


#: Types whose value is a name (kept normalized, without the trailing dot).
_NAME_TYPES = frozenset({"CNAME", "PTR", "NS"})


def value_text(rdata: RData, rdtype: str, /) -> str:
    """A record value in the form :func:`~emailpro_core.records.zone_line` takes.

    TXT: the joined text; MX, SRV: presentation form; names absolute.
    """
    if isinstance(rdata, MX):
        return f"{rdata.preference} {absolute(rdata.exchange)}"
    if isinstance(rdata, SRV):
        return f"{rdata.priority} {rdata.weight} {rdata.port} {absolute(rdata.target)}"
    if isinstance(rdata, TXT):
        return rdata.text
    return absolute(rdata) if rdtype in _NAME_TYPES else rdata


def _line(name: str, ttl: int, rdtype: str, value: str) -> str:
    try:
        return zone_line(name, ttl, rdtype, value)
    except ValueError:
        # A value no zone file can hold (a malformed name given to an offline source):
        # show it as it is rather than fail the whole diagnosis.
        return f"{absolute(name)} {ttl} IN {rdtype} {value}"


def _split_elsewhere(record: TXT) -> bool:
    """Whether a TXT record's strings are not those its joined text renders to.

    A line to remove or replace must name the record as published (RFC 1035
    §3.3.14: its character-strings), not another record with the same joined text.
    """
    strings = record.strings
    if len(strings) == 1 and len(strings[0]) <= MAX_CHARACTER_STRING and strings[0].isascii():
        return False  # the common case: one short ASCII string renders back as it is
    return strings != split_txt(record.text)


def _txt_line(name: str, ttl: int, record: TXT) -> str:
    text = dns.rdtypes.ANY.TXT.TXT(dns.rdataclass.IN, dns.rdatatype.TXT, record.strings).to_text()
    return f"{absolute(name)} {ttl} IN TXT {text}"


def remove_lines(lines: Iterable[str], /) -> tuple[FixLine, ...]:
    """Fix lines removing observed records."""
    return tuple(FixLine(FixAction.REMOVE, line) for line in lines)


#: The types asked at a name before a fix adds a CNAME there. RFC 1034 §3.6.2 and
#: RFC 2181 §10.1: a CNAME owns its name alone, and every server refuses a zone
#: with "CNAME and other data", so the fix removes what the name holds. No
#: question lists every type of a name (RFC 8482 answers ANY with one), so the
#: types asked are those found at such names.
OCCUPANT_TYPES = ("A", "AAAA", "TXT", "MX", "SRV", "CAA")


def occupants(
    name: str, cname: Answer, /, *, known: Iterable[Answer] = ()
) -> Resolution[tuple[Answer, ...]]:
    """The answers of :data:`OCCUPANT_TYPES` at ``name``, which has no CNAME.

    Asked only when the name exists (``cname`` is NODATA): a name that does not
    exist holds no record of any type (RFC 8020 §2). ``known`` are answers at
    the name already in hand; their types are not asked again.
    """
    held = tuple(known)
    if cname.status is not AnswerStatus.NODATA:
        return ()
    asked = {answer.query.rdtype for answer in held}
    answers = yield from lookup_many(
        *(Query(name, rdtype) for rdtype in OCCUPANT_TYPES if rdtype not in asked)
    )
    return (*held, *answers)


def alias_lines(ctx: Context, name: str, answer: Answer, /) -> Resolution[tuple[str, ...]]:
    """The CNAME line at ``name`` when ``answer`` was reached through it, else nothing.

    A record added at a name that holds a CNAME would sit beside it, which no
    server loads (RFC 1034 §3.6.2): a fix adding one there removes the alias first.
    Asked only when the answer followed a CNAME.
    """
    if not answer.via_cname or answer.is_failure:
        return ()
    (cname,) = yield (Query(name, "CNAME"),)
    return ctx.observed(cname) if cname.status is AnswerStatus.ANSWER else ()


def held_lines(ctx: Context, answers: Iterable[Answer], /) -> tuple[str, ...]:
    """Zone lines of the records that answers found at their own name (no CNAME followed)."""
    lines: list[str] = []
    for answer in answers:
        if answer.status is AnswerStatus.ANSWER and not answer.via_cname:
            lines.extend(ctx.observed(answer))
    return tuple(lines)


def undetermined(check: Check, answer: Answer, what: Phrase, /) -> Finding:
    """The finding for an answer that proves nothing: ``UNKNOWN``, or ``SKIPPED`` offline.

    "Unknown is not missing": a failed lookup never reads as an absent record.
    ``what`` names what is not known, as a phrase of the check.
    """
    params: dict[str, object] = {
        "what": what,
        "where": f"{absolute(answer.query.name)} {answer.query.rdtype}",
    }
    variant = ""
    if answer.detail:
        params["detail"], variant = answer.detail, "detail"
    if answer.status is AnswerStatus.OUTSIDE_ZONE:
        return finding(
            check,
            Status.SKIPPED,
            "dns.outside_zone",
            absolute(answer.query.name),
            params,
            variant=variant,
            cause=OUTSIDE_ZONE,
            reason=OUTSIDE_KEY,
        )
    cause = answer.cause.value if answer.cause is not None else "other"
    params["cause"] = cause
    return finding(
        check,
        Status.UNKNOWN,
        "dns.unknown",
        absolute(answer.query.name),
        params,
        variant=variant,
        cause=cause,
        reason=UNKNOWN_KEY,
    )
