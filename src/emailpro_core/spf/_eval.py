"""The SPF evaluation engine: ``check_host()`` of RFC 7208 §4 as a resolution.

:mod:`emailpro_core.spf._spf` holds the entry points and :mod:`emailpro_core.spf._result` the
result types (re-exported here); this module holds the evaluation itself, which only ever asks
questions (see :mod:`emailpro_core.sources._answers`).
"""

from __future__ import annotations

import functools
from types import MappingProxyType
from typing import NamedTuple

import attrs

from ..errors import Violation
from ..sources._answers import (
    MX,
    TXT,
    Answer,
    AnswerStatus,
    FailureCause,
    Query,
    Resolution,
    lookup,
    lookup_many,
)
from ._details import problems, said
from ._macros import (
    EXPLAIN_MACRO_LETTERS,
    IPAddress,
    MacroContext,
    MacroString,
    ReverseNames,
    address_type,
    addresses,
    expand_with,
    is_literal,
    needs_dns,
    parse_macro_string,
    target_name,
    validated_names,
)
from ._probe import Probe, reads_address
from ._result import SpfLimits, SpfOutcome, SpfResult
from ._syntax import is_spf_text, parse_spf
from ._terms import Mechanism, MechanismKind, Qualifier

_QUALIFIED = MappingProxyType(
    {
        Qualifier.PASS: SpfOutcome.PASS,
        Qualifier.FAIL: SpfOutcome.FAIL,
        Qualifier.SOFTFAIL: SpfOutcome.SOFTFAIL,
        Qualifier.NEUTRAL: SpfOutcome.NEUTRAL,
    }
)


class _Stop(Exception):
    """Ends the evaluation at once with a permerror or temperror (caught, never escapes)."""

    def __init__(self, result: SpfResult) -> None:
        super().__init__(result.detail)
        self.result = result


def _stop(
    result: SpfOutcome,
    code: str,
    detail: str,
    domain: str,
    term: str | None = None,
    *,
    cause: FailureCause | None = None,
    violations: tuple[Violation, ...] = (),
) -> _Stop:
    return _Stop(SpfResult(result, code, detail, domain, term, cause=cause, violations=violations))


def _dns_stop(answer: Answer, domain: str, term: str | None) -> _Stop:
    asked = f"{answer.query.name} {answer.query.rdtype}"
    more = ":more" if answer.detail else ""
    if answer.status is AnswerStatus.OUTSIDE_ZONE:
        # An offline source cannot know this name: nothing can be verified, which
        # is what temperror means (§2.6.6), not that the record is wrong.
        detail = said("outside_zone" + more, asked=asked, more=answer.detail)
        return _stop(SpfOutcome.TEMPERROR, "spf.outside_zone", detail, domain, term)
    # §4.4: a lookup error other than NXDOMAIN, or a timeout, is a temperror.
    cause = answer.cause or FailureCause.OTHER
    detail = said("dns_failure" + more, asked=asked, cause=cause.value, more=answer.detail)
    return _stop(SpfOutcome.TEMPERROR, "spf.dns_failure", detail, domain, term, cause=cause)


def _in_network(ip: IPAddress, network: IPAddress, length: int | None) -> bool:
    if ip.version != network.version:
        return False
    shift = ip.max_prefixlen - (ip.max_prefixlen if length is None else length)
    return int(ip) >> shift == int(network) >> shift


class _Evaluation:
    """The state of one ``check_host()`` run: the client, the limits and the counters."""

    def __init__(self, context: MacroContext, limits: SpfLimits, probe: Probe | None) -> None:
        self.context = context
        self.limits = limits
        self.probe = probe
        self.dns_terms = 0
        self.voids = 0
        self.record: str | None = None
        self._reverse: ReverseNames | None = None

    def count_term(self, domain: str, term: str) -> None:
        if self.dns_terms >= self.limits.dns_terms:
            number, limit = self.dns_terms + 1, self.limits.dns_terms
            detail = said("too_many_lookups", term=term, number=number, limit=limit)
            raise _stop(SpfOutcome.PERMERROR, "spf.too_many_lookups", detail, domain, term)
        self.dns_terms += 1

    def count_void(self, answer: Answer, domain: str, term: str) -> None:
        if answer.status is AnswerStatus.ANSWER and answer.records:
            return
        self.voids += 1
        if self.voids > self.limits.void_lookups:
            detail = said(
                "too_many_void_lookups",
                term=term,
                name=answer.query.name,
                number=self.voids,
                limit=self.limits.void_lookups,
            )
            raise _stop(SpfOutcome.PERMERROR, "spf.too_many_void_lookups", detail, domain, term)

    def answered(self, answer: Answer, domain: str, term: str) -> Answer:
        """A mechanism's own lookup: a failure stops with temperror, nothing found is void."""
        if answer.is_failure:
            raise _dns_stop(answer, domain, term)
        self.count_void(answer, domain, term)
        return answer

    def reverse(self) -> Resolution[ReverseNames]:
        # The validated names of the client do not change during a check: ask once.
        if self._reverse is None:
            self._reverse = yield from validated_names(self.context.ip, self.limits.ptr_names)
        return self._reverse

    def expand(self, spec: MacroString, domain: str) -> Resolution[str]:
        if is_literal(spec):
            return expand_with(spec, self.context)  # no macro: the context is not read
        if self.probe is not None and reads_address(spec):
            self.probe.address_bound = True
        validated = (yield from self.reverse()).names if needs_dns(spec) else ()
        return expand_with(spec, attrs.evolve(self.context, domain=domain), validated)


def spf_texts(answer: Answer, /) -> list[str]:
    """The SPF records of an answer: the texts of its TXT records that start with ``v=spf1``.

    RFC 7208 §4.5: only those count (the SPF record type is obsolete, §3.1).
    """
    texts = []
    for record in answer.records:
        if isinstance(record, TXT):
            text = record.text
            if is_spf_text(text):
                texts.append(text)
    return texts


def _check(ev: _Evaluation, domain: str, explain: bool) -> Resolution[SpfResult]:
    """``check_host()`` for one domain (§4.4 to §4.7)."""
    probe = ev.probe
    if probe is not None:
        probe.visit(domain)
    (answer,) = yield (Query(domain, "TXT"),)  # lookup(), without a generator of its own
    if answer.is_failure:
        raise _dns_stop(answer, domain, None)
    texts = spf_texts(answer)
    if not texts:
        if answer.status is AnswerStatus.NXDOMAIN:
            detail = said("no_domain", domain=domain)
            return SpfResult(SpfOutcome.NONE, "spf.no_domain", detail, domain)
        detail = said("no_record", domain=domain)
        return SpfResult(SpfOutcome.NONE, "spf.no_record", detail, domain)
    if len(texts) > 1:
        detail = said("multiple_records", domain=domain, count=len(texts))
        raise _stop(SpfOutcome.PERMERROR, "spf.multiple_records", detail, domain)
    if ev.record is None:
        ev.record = texts[0]
    parsed = parse_spf(texts[0])
    if parsed.record is None:
        detail = said("invalid", domain=domain, problems=problems(parsed.violations))
        code = parsed.violations[0].code
        raise _stop(SpfOutcome.PERMERROR, code, detail, domain, violations=parsed.violations)
    # The record's evaluation (§4.6) goes on in this same generator: each generator
    # in the chain is one more frame every answer passes through.
    record = parsed.record
    for mechanism in record.terms:
        if not isinstance(mechanism, Mechanism):
            continue
        kind = mechanism.kind
        # all, ip4 and ip6 need no lookup: they are matched here, without a generator.
        if kind is MechanismKind.ALL:
            matched = True
        elif mechanism.address is not None:
            length = mechanism.cidr4 if kind is MechanismKind.IP4 else mechanism.cidr6
            matched = _in_network(ev.context.ip, mechanism.address, length)
            if probe is not None and mechanism.address.version == ev.context.ip.version:
                probe.network(mechanism.address, length)
        else:
            matched = yield from _matches(ev, domain, mechanism)
        if matched:
            if probe is not None:
                probe.matched.append(kind)
            term, result, _, _ = _term(mechanism)
            explanation = None
            if explain and result is SpfOutcome.FAIL and record.explanation is not None:
                explanation = yield from _explain(ev, domain, record.explanation)
            detail = said("matched", term=term, domain=domain)
            return SpfResult(result, "spf.matched", detail, domain, term, explanation)
    if record.redirect is not None:
        term = f"redirect={record.redirect.text}"
        ev.count_term(domain, term)
        target = target_name((yield from ev.expand(record.redirect, domain)))
        # §6.1: the redirected result replaces this one, with the target's exp=.
        inner = yield from _nested(ev, target, explain, term, domain)
        if inner is None or inner.result is SpfOutcome.NONE:
            detail = said("redirect_none", term=term)
            raise _stop(SpfOutcome.PERMERROR, "spf.redirect_none", detail, domain, term)
        return inner
    detail = said("default", domain=domain)
    return SpfResult(SpfOutcome.NEUTRAL, "spf.default", detail, domain)


def _nested(
    ev: _Evaluation, target: str | None, explain: bool, term: str, domain: str
) -> Resolution[SpfResult | None]:
    """The result of ``target`` for ``term`` of ``domain`` (``None``: no valid target).

    A stop inside it (a DNS error, a limit) is reported as met through ``term``.
    """
    if target is None:
        return None
    try:
        return (yield from _check(ev, target, explain))
    except _Stop as stop:
        raise _inside(stop, term, domain) from None


def _included(ev: _Evaluation, target: str | None, term: str, domain: str) -> Resolution[bool]:
    """Whether an ``include`` matches: its target's result is pass (§5.2)."""
    try:
        inner = yield from _nested(ev, target, False, term, domain)
    except _Stop as stop:
        probe = ev.probe
        found = stop.result
        if (
            probe is None
            or not probe.branching
            or found.code != "spf.outside_zone"
            or found.domain != target
            or target is None
        ):
            raise
        # Offline, the target's own record cannot be read: an unknown, which the
        # caller decides both ways (see Probe).
        probe.unknown.append(target)
        return target in probe.assume
    if inner is None or inner.result is SpfOutcome.NONE:
        detail = said("include_none", term=term)
        raise _stop(SpfOutcome.PERMERROR, "spf.include_none", detail, domain, term)
    return inner.result is SpfOutcome.PASS


def _inside(stop: _Stop, term: str, domain: str) -> _Stop:
    """``stop`` of an include or redirect target, its detail saying where it came from."""
    detail = said("inside", term=term, domain=domain, detail=stop.result.detail)
    stop.result = attrs.evolve(stop.result, detail=detail)
    return stop


# Records are parsed once per text (``parse_spf`` remembers them), so their
# mechanisms are the same values from one domain to the next: the text and the
# outcome of each are worked out once.
class _Term(NamedTuple):
    text: str
    outcome: SpfOutcome
    literal: bool  # the domain-spec has no macro: it names ``target`` in every context
    target: str | None


@functools.lru_cache(maxsize=1024)
def _term(mechanism: Mechanism) -> _Term:
    """What a mechanism's evaluation needs that depends on the mechanism alone."""
    spec, target = mechanism.domain, None
    literal = spec is not None and is_literal(spec)
    if spec is not None and literal:
        target = target_name("".join(part for part in spec.parts if isinstance(part, str)))
    return _Term(mechanism.to_text(), _QUALIFIED[mechanism.qualifier], literal, target)


def _matches(ev: _Evaluation, domain: str, mechanism: Mechanism) -> Resolution[bool]:
    """Whether a mechanism that queries the DNS (all but all, ip4, ip6) matches."""
    ip = ev.context.ip
    kind = mechanism.kind
    term, _, literal, target = _term(mechanism)
    ev.count_term(domain, term)
    if mechanism.domain is None:
        target = domain
    elif not literal:
        target = target_name((yield from ev.expand(mechanism.domain, domain)))
    if kind is MechanismKind.INCLUDE:
        # §5.2: the included result only matches on pass; none is a permerror.
        return (yield from _included(ev, target, term, domain))
    if target is None:
        return False
    if kind is MechanismKind.PTR:
        if ev.probe is not None:
            ev.probe.address_bound = True
        reverse = yield from ev.reverse()
        if not reverse.ptr.is_failure:  # §5.5: a failed PTR lookup just does not match
            ev.count_void(reverse.ptr, domain, term)
        return any(name == target or name.endswith("." + target) for name in reverse.names)
    if kind is MechanismKind.EXISTS:
        # §5.7: always an A query, whatever the client's address family.
        answer = ev.answered((yield from lookup(target, "A")), domain, term)
        return answer.status is AnswerStatus.ANSWER and bool(answer.records)
    if kind is MechanismKind.A:
        answer = ev.answered((yield from lookup(target, address_type(ip))), domain, term)
        return _any_in(ev, addresses(answer), mechanism)
    answer = ev.answered((yield from lookup(target, "MX")), domain, term)
    return (yield from _mx_matches(ev, domain, term, answer, mechanism))


def _any_in(ev: _Evaluation, addresses: tuple[IPAddress, ...], mechanism: Mechanism) -> bool:
    ip = ev.context.ip
    length = mechanism.cidr4 if ip.version == 4 else mechanism.cidr6
    probe = ev.probe
    if probe is not None:
        for address in addresses:
            if address.version == ip.version:
                probe.network(address, length)
    return any(_in_network(ip, address, length) for address in addresses)


def _mx_matches(
    ev: _Evaluation, domain: str, term: str, answer: Answer, mechanism: Mechanism
) -> Resolution[bool]:
    ip = ev.context.ip
    records = sorted((r for r in answer.records if isinstance(r, MX)), key=lambda r: r.preference)
    # A null MX (RFC 7505) names no host; the mechanism never falls back to A (§5.4).
    exchanges = [r.exchange for r in records if r.exchange]
    if len(exchanges) > ev.limits.mx_names:
        detail = said("too_many_mx", term=term, count=len(exchanges), limit=ev.limits.mx_names)
        raise _stop(SpfOutcome.PERMERROR, "spf.too_many_mx", detail, domain, term)
    names = [name for name in exchanges if target_name(name)]
    answers = yield from lookup_many(*(Query(name, address_type(ip)) for name in names))
    for found in answers:
        if found.is_failure:
            raise _dns_stop(found, domain, term)
        if _any_in(ev, addresses(found), mechanism):
            return True
    return False


def _explain(ev: _Evaluation, domain: str, spec: MacroString) -> Resolution[str | None]:
    """The explanation of a fail (§6.2); any problem means "no explanation", never an error."""
    target = target_name((yield from ev.expand(spec, domain)))
    if target is None:
        return None
    answer = yield from lookup(target, "TXT")
    records = [r for r in answer.records if isinstance(r, TXT)]
    if answer.status is not AnswerStatus.ANSWER or len(records) != 1:
        return None
    raw = b"".join(records[0].strings)
    if not raw.isascii():  # §6.2: explanation text is 7-bit ASCII
        return None
    text, _ = parse_macro_string(raw.decode("ascii"), letters=EXPLAIN_MACRO_LETTERS, spaces=True)
    if text is None:
        return None
    return (yield from ev.expand(text, domain))


def evaluate(
    context: MacroContext, limits: SpfLimits, probe: Probe | None = None
) -> Resolution[SpfResult]:
    """``check_host()`` for ``context.domain`` (already checked well-formed, §4.3).

    ``probe``, when given, is filled with what the run tested (see :class:`.Probe`).
    """
    ev = _Evaluation(context, limits, probe)
    try:
        result = yield from _check(ev, context.domain, True)
    except _Stop as stop:
        result = stop.result
    # The constructor rather than attrs.evolve: this runs for every evaluation.
    return SpfResult(
        result.result,
        result.code,
        result.detail,
        result.domain,
        result.term,
        result.explanation,
        ev.dns_terms,
        ev.voids,
        result.cause,
        result.violations,
        ev.record,
    )
