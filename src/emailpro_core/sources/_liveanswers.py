"""What a live lookup's outcome means: dnspython results and exceptions → :class:`Answer`.

dnspython reports everything but a positive answer as an exception. Here each one
becomes a value, so a live source never lets a DNS failure escape:

=============================================  ===========================================
dnspython                                      Answer
=============================================  ===========================================
an ``Answer``                                  ``ANSWER``, records converted
``NXDOMAIN``                                   ``NXDOMAIN`` (at the end of a CNAME chain
                                               too: ``canonical_name`` is the missing name)
``NoAnswer``                                   ``NODATA`` (see :func:`open_target`)
``Timeout`` / ``LifetimeTimeout``              ``FAILURE``, ``TIMEOUT``
``NoNameservers``                              ``FAILURE``, cause read from its errors
``YXDOMAIN``, ``NoMetaqueries``, a bad name,   ``FAILURE``, ``OTHER``, with the detail
an unknown type, anything else
=============================================  ===========================================

The errors inside ``NoNameservers`` (one per server tried) give the cause; when
servers failed differently, the first of ``SERVFAIL``, ``REFUSED``,
``CNAME_LOOP``, ``MALFORMED``, ``TIMEOUT``, ``OTHER``, ``NO_NAMESERVER`` wins
(what a server *said* beats what went wrong on the way). A server that could
not be reached (a socket error), or no server at all, is ``NO_NAMESERVER``.

A UDP datagram that does not parse as the response to the query is ignored by
dnspython, as a possible forgery (RFC 5452 §9.1): garbage alone reads as
``TIMEOUT``. A response that parses but contradicts itself (records with
NXDOMAIN, a question count other than one, a truncated TCP stream) is
``MALFORMED``.
"""

from __future__ import annotations

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rdatatype
import dns.resolver
import idna

from ._answers import Answer, AnswerStatus, FailureCause, Query
from ._rdataconv import name_text, rdata_value
from ._wire.codec import NEGATIVE_TTL_WITHOUT_SOA

#: When servers failed differently, the earliest cause in this order is reported.
CAUSE_ORDER = (
    FailureCause.SERVFAIL,
    FailureCause.REFUSED,
    FailureCause.CNAME_LOOP,
    FailureCause.MALFORMED,
    FailureCause.TIMEOUT,
    FailureCause.OTHER,
    FailureCause.NO_NAMESERVER,
)
_RCODE_CAUSES = {"SERVFAIL": FailureCause.SERVFAIL, "REFUSED": FailureCause.REFUSED}

#: The types of error that can be raised while resolving; anything else is a bug.
RESOLVE_ERRORS = (dns.exception.DNSException, OSError, ValueError, EOFError)


def qname_of(query: Query) -> dns.name.Name:
    """The absolute dnspython name of ``query``.

    ASCII labels are taken as presentation text (``\\.`` escapes included); a
    non-ASCII label becomes its A-label by UTS 46 and IDNA 2008, as
    :func:`~emailpro_core.domains.normalize_domain` does (dnspython's own IDNA 2008 codec
    needs a newer ``idna`` than the package requires).

    Raises:
        ValueError: a label cannot be encoded (``idna.IDNAError``).
        dns.exception.DNSException: the name is not a valid DNS name.
    """
    labels = query.name.split(".") if query.name else []
    text = ".".join(
        label if label.isascii() else idna.encode(label, uts46=True).decode("ascii")
        for label in labels
    )
    return dns.name.from_text(text or ".", origin=dns.name.root)


def _truncated(query: Query, response: object) -> Answer | None:
    """A failure when ``response`` is truncated (TC) even over TCP, else ``None``.

    dnspython retries a truncated UDP reply over TCP, and takes a TCP reply with
    TC set as it is: its empty sections would read as "no such record".
    """
    if isinstance(response, dns.message.Message) and response.flags & dns.flags.TC:
        return _failure(query, FailureCause.MALFORMED, "truncated over TCP")
    return None


def answer_from_result(query: Query, result: dns.resolver.Answer) -> Answer:
    """A positive dnspython answer as our ``ANSWER``; TTL and canonical name from the chain."""
    truncated = _truncated(query, result.response)
    if truncated is not None:
        return truncated
    chain = result.chaining_result
    rrset = result.rrset
    records = tuple(rdata_value(rdata) for rdata in rrset) if rrset is not None else ()
    if not records:  # pragma: no cover - dnspython raises NoAnswer for an empty answer
        return Answer(query, AnswerStatus.NODATA, ttl=chain.minimum_ttl)
    return Answer(
        query,
        AnswerStatus.ANSWER,
        records,
        ttl=chain.minimum_ttl,
        canonical_name=name_text(chain.canonical_name),
    )


def _negative(query: Query, status: AnswerStatus, response: object) -> Answer:
    truncated = _truncated(query, response)
    if truncated is not None:
        return truncated
    if isinstance(response, dns.message.QueryMessage):
        try:
            chain = response.resolve_chaining()
        except (dns.exception.DNSException, KeyError):  # pragma: no cover - checked before
            return Answer(query, status)
        ttl = chain.minimum_ttl
        if not any(rrset.rdtype == dns.rdatatype.SOA for rrset in response.authority):
            # No SOA to take the negative TTL from (RFC 2308 §5): the stub sources'
            # stated value. dnspython 2.9 gives it as well; 2.8 gives 2**32 - 1.
            ttl = min(ttl, NEGATIVE_TTL_WITHOUT_SOA)
        return Answer(query, status, ttl=ttl, canonical_name=name_text(chain.canonical_name))
    return Answer(query, status)


def _failure(query: Query, cause: FailureCause, detail: str) -> Answer:
    return Answer(query, AnswerStatus.FAILURE, cause=cause, detail=detail)


def _cause_of(error: object) -> FailureCause | None:
    """The cause one server's error stands for (``None``: it only asked for a TCP retry)."""
    if isinstance(error, str):  # an RCODE the server answered
        return _RCODE_CAUSES.get(error, FailureCause.OTHER)
    if isinstance(error, dns.message.Truncated):
        return None
    if isinstance(error, dns.message.ChainTooLong):
        return FailureCause.CNAME_LOOP
    if isinstance(error, dns.exception.Timeout):
        return FailureCause.TIMEOUT
    if isinstance(error, (dns.exception.DNSException, EOFError)):
        return FailureCause.MALFORMED
    if isinstance(error, OSError):
        return FailureCause.NO_NAMESERVER
    return FailureCause.OTHER


def _no_nameservers(query: Query, exc: dns.resolver.NoNameservers) -> Answer:
    errors = exc.kwargs.get("errors") or []
    causes = {_cause_of(error[3]) for error in errors}
    cause = next((c for c in CAUSE_ORDER if c in causes), FailureCause.NO_NAMESERVER)
    detail = str(exc) if errors else f"no nameserver to ask for {query.name} {query.rdtype}"
    return _failure(query, cause, detail)


def answer_from_error(query: Query, exc: BaseException) -> Answer:
    """What a dnspython exception raised while resolving ``query`` means, as an answer."""
    if isinstance(exc, dns.resolver.NXDOMAIN):
        responses = exc.kwargs.get("responses") or {}
        return _negative(query, AnswerStatus.NXDOMAIN, next(iter(responses.values()), None))
    if isinstance(exc, dns.resolver.NoAnswer):
        return _negative(query, AnswerStatus.NODATA, exc.kwargs.get("response"))
    if isinstance(exc, dns.exception.Timeout):
        return _failure(query, FailureCause.TIMEOUT, str(exc))
    if isinstance(exc, dns.resolver.NoNameservers):
        return _no_nameservers(query, exc)
    if isinstance(exc, dns.resolver.YXDOMAIN):
        return _failure(
            query, FailureCause.OTHER, "YXDOMAIN: the name is too long after DNAME substitution"
        )
    if isinstance(exc, dns.resolver.NoMetaqueries):
        return _failure(query, FailureCause.OTHER, f"{query.rdtype} is a meta-type, not askable")
    return _failure(query, FailureCause.OTHER, f"{type(exc).__name__}: {exc}")


def open_target(exc: BaseException) -> str | None:
    """The CNAME target a ``NoAnswer`` left open, to be asked next; else ``None``.

    An authoritative server asked about an alias whose target is in a zone it
    does not serve answers the CNAME alone: no record of the type, no SOA
    (RFC 1034 §4.3.2, step 3a). dnspython reports ``NoAnswer``, which must not
    read as "no data at the target": nobody has asked the target yet. A real
    empty answer at the end of a chain comes with the SOA of the target's zone.
    """
    if not isinstance(exc, dns.resolver.NoAnswer):
        return None
    response = exc.kwargs.get("response")
    if not isinstance(response, dns.message.QueryMessage) or response.rcode() != 0:
        return None
    if any(rrset.rdtype == dns.rdatatype.SOA for rrset in response.authority):
        return None
    try:
        chain = response.resolve_chaining()
    except (dns.exception.DNSException, KeyError):  # pragma: no cover - checked before
        return None
    if chain.canonical_name in (response.question[0].name, dns.name.root):
        return None  # no chain; or a CNAME to the root, which leads nowhere
    return name_text(chain.canonical_name)
