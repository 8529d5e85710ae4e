"""One question to one server, sync or async, and what its reply means.

A propagation check asks each authoritative server directly, with recursion
not desired (RD=0, RFC 1035 §4.1.1), and must read what the package's answers
do not carry: the AA bit (an answer from a server that is not authoritative is
a lame delegation), the owner and serial of the zone's SOA (RFC 1035 §3.3.13).
dnspython's message API gives those as they are, and its query functions come
as sync and async twins with the same arguments and a timeout each; the stub
transport (:mod:`emailpro_core.sources._wire.stub`, :mod:`emailpro_core.sources._wire.stubasync`)
is tuned for thousands of recursive questions over a pool of sockets, and hands back only an
:class:`~emailpro_core.sources.Answer`. A propagation check sends a few dozen questions:
dnspython is the plainer tool here, and one more transport option would have
threaded flags through both stub transports for no gain.

:func:`reply_of` turns a reply (or the exception asking raised) into a
:class:`Reply`; :func:`ask_sync` and :func:`ask_async` send one :class:`Ask`
within a budget of seconds, over UDP and then TCP when the reply is truncated
(RFC 7766 §5).
"""

from __future__ import annotations

import asyncio
import time

import attrs
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype

from ..i18n import _catalog
from ..sources._answers import Answer, AnswerStatus, FailureCause, Query
from ..sources._rdataconv import name_text, rdata_value
from ..sources._wire.codec import EDNS_PAYLOAD, NEGATIVE_TTL_WITHOUT_SOA

# The details of a failure written here (an Answer's detail is English text; the
# propagation check renders these in the language asked for, by their key).
MESSAGES = _catalog.register(
    {
        "propagation.detail.deadline": "the overall deadline passed before it was asked",
        "propagation.detail.no_reply": "no reply in time",
        "propagation.detail.truncated": "truncated over TCP",
    }
)
#: The detail of the failure of a question the overall deadline left no time for.
DEADLINE_DETAIL = MESSAGES["propagation.detail.deadline"]
#: The detail of a question without a reply in time.
NO_REPLY_DETAIL = MESSAGES["propagation.detail.no_reply"]
#: The detail of a reply truncated even over TCP.
TRUNCATED_DETAIL = MESSAGES["propagation.detail.truncated"]
#: The key of each of those details, by its English text.
DETAIL_KEYS = {text: key for key, text in MESSAGES.items()}


@attrs.frozen
class Ask:
    """One question for one server.

    Attributes:
        host: The server's IP address.
        port: Its port.
        query: The question.
        recursive: Whether recursion is desired (a resolver) or not (an
            authoritative server).
    """

    host: str
    port: int
    query: Query
    recursive: bool

    @property
    def where(self) -> str:
        """``host``, or ``host:port`` (``[host]:port`` for IPv6) when the port is not 53."""
        if self.port == 53:
            return self.host
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


@attrs.frozen
class Reply:
    """What one server answered.

    Attributes:
        answer: The answer, as the package's sources give it (a failure included).
        authoritative: Whether the AA bit was set.
        zone: The owner of the SOA in the reply (answer or authority section), if any.
        serial: That SOA's serial.
        referral: No answer, not authoritative, NS records in the authority
            section: the server sends the asker elsewhere.
        open_target: A CNAME target the server left unanswered (out of its zone).
        cut: The overall deadline left no time to ask.
    """

    answer: Answer
    authoritative: bool = False
    zone: str | None = None
    serial: int | None = None
    referral: bool = False
    open_target: str | None = None
    cut: bool = False


def _failure(query: Query, cause: FailureCause, detail: str) -> Reply:
    return Reply(Answer(query, AnswerStatus.FAILURE, cause=cause, detail=detail))


def too_late(ask: Ask, /) -> Reply:
    """The reply of a question the overall deadline left no time for."""
    return attrs.evolve(_failure(ask.query, FailureCause.TIMEOUT, DEADLINE_DETAIL), cut=True)


def _soa(message: dns.message.Message) -> tuple[str | None, int | None, int | None]:
    """The zone, serial and negative TTL (RFC 2308 §5) of the reply's SOA, if any."""
    for section in (message.answer, message.authority):
        for rrset in section:
            if rrset.rdtype == dns.rdatatype.SOA and len(rrset):
                soa = rrset[0]
                serial: int = soa.serial
                minimum: int = soa.minimum
                return name_text(rrset.name), serial, min(rrset.ttl, minimum)
    return None, None, None


_RCODE_CAUSES = {dns.rcode.SERVFAIL: FailureCause.SERVFAIL, dns.rcode.REFUSED: FailureCause.REFUSED}


def reply_of(ask: Ask, message: dns.message.Message, /) -> Reply:
    """What ``message``, the reply to ``ask``, says."""
    query = ask.query
    aa = bool(message.flags & dns.flags.AA)
    rcode = message.rcode()
    if message.flags & dns.flags.TC:
        return _failure(query, FailureCause.MALFORMED, TRUNCATED_DETAIL)
    if rcode not in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
        cause = _RCODE_CAUSES.get(rcode, FailureCause.OTHER)
        return attrs.evolve(_failure(query, cause, dns.rcode.to_text(rcode)), authoritative=aa)
    zone, serial, negative = _soa(message)
    try:
        chain = message.resolve_chaining()  # type: ignore[attr-defined]
    except (dns.exception.DNSException, KeyError) as exc:
        return _failure(query, FailureCause.MALFORMED, f"{type(exc).__name__}: {exc}")
    canonical = name_text(chain.canonical_name)
    records = tuple(rdata_value(rdata) for rdata in chain.answer) if chain.answer else ()
    referral = (
        not aa
        and not records
        and any(rrset.rdtype == dns.rdatatype.NS for rrset in message.authority)
    )
    open_target = None
    if records:
        answer = Answer(query, AnswerStatus.ANSWER, records, chain.minimum_ttl, canonical)
    else:
        status = AnswerStatus.NXDOMAIN if rcode == dns.rcode.NXDOMAIN else AnswerStatus.NODATA
        ttl = NEGATIVE_TTL_WITHOUT_SOA if negative is None else negative
        if canonical != query.name:
            ttl = min(ttl, chain.minimum_ttl)
            # RFC 1034 §4.3.2 step 3a: a server does not follow an alias out of its
            # zone; without a SOA the target's data is simply not here.
            if negative is None and rcode == dns.rcode.NOERROR and canonical:
                open_target = canonical
        answer = Answer(query, status, (), ttl, canonical)
    return Reply(answer, aa, zone, serial, referral, open_target)


def reply_of_error(ask: Ask, error: BaseException, /) -> Reply:
    """What an exception raised while asking means: a failure, with its cause."""
    if isinstance(error, dns.exception.Timeout | TimeoutError):
        return _failure(ask.query, FailureCause.TIMEOUT, NO_REPLY_DETAIL)
    if isinstance(error, OSError):
        return _failure(ask.query, FailureCause.NO_NAMESERVER, str(error) or type(error).__name__)
    return _failure(ask.query, FailureCause.MALFORMED, f"{type(error).__name__}: {error}")


def _message(ask: Ask) -> dns.message.QueryMessage:
    from ..sources._liveanswers import qname_of  # which loads dnspython's resolver: not at import

    flags = dns.flags.RD if ask.recursive else 0
    return dns.message.make_query(
        qname_of(ask.query), ask.query.rdtype, use_edns=0, payload=EDNS_PAYLOAD, flags=flags
    )


def ask_sync(ask: Ask, budget: float, /) -> Reply:
    """Ask ``ask`` within ``budget`` seconds in all (UDP, then TCP when truncated)."""
    # Imported here, as the resolver sources are: importing the package does not
    # load dnspython's query machinery.
    import dns.query

    from ..sources._liveanswers import RESOLVE_ERRORS

    expires = time.monotonic() + budget
    try:
        message = _message(ask)
        reply = dns.query.udp(message, ask.host, timeout=budget, port=ask.port)
        if reply.flags & dns.flags.TC:
            left = expires - time.monotonic()
            if left <= 0:
                raise dns.exception.Timeout
            reply = dns.query.tcp(message, ask.host, timeout=left, port=ask.port)
    except RESOLVE_ERRORS as error:
        return reply_of_error(ask, error)
    return reply_of(ask, reply)


async def _exchange(ask: Ask) -> dns.message.Message:
    """The reply to ``ask``: over UDP, and again over TCP when truncated."""
    import dns.asyncquery

    message = _message(ask)
    reply = await dns.asyncquery.udp(message, ask.host, port=ask.port)
    if reply.flags & dns.flags.TC:
        reply = await dns.asyncquery.tcp(message, ask.host, port=ask.port)
    return reply


async def ask_async(ask: Ask, budget: float, /) -> Reply:
    """:func:`ask_sync` on the running event loop."""
    from ..sources._liveanswers import RESOLVE_ERRORS

    try:
        async with asyncio.timeout(budget):
            reply = await _exchange(ask)
    except (*RESOLVE_ERRORS, TimeoutError) as error:
        return reply_of_error(ask, error)
    return reply_of(ask, reply)
