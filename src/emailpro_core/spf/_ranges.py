"""A domain's SPF policy judged over whole address ranges, without walking every address.

``check_host`` (RFC 7208 §4) reads the client's address only to test it against
networks: ``ip4`` / ``ip6`` (§5.6), and the addresses an ``a`` or ``mx``
mechanism resolves to, with its CIDR length (§5.3, §5.4). So two addresses that
fall on the same side of every network an evaluation tested take the same path
through the records and get the same result. :func:`judge_spans` evaluates one
address of each span, with a :class:`~emailpro_core.spf._probe.Probe` that writes down the
networks tested; a span that one of them cuts is split on its boundaries, and
each piece evaluated in turn. The pieces are bounded by the networks the records
name (at most two cuts each), and the whole work by ``budget`` evaluations.

>>> from emailpro_core.sources import run_sync
>>> from emailpro_core.sources import StaticSource
>>> source = StaticSource({"example.org": {"TXT": "v=spf1 ip4:198.51.100.0/25 -all"}})
>>> report = run_sync(judge_spans(spans_of(["198.51.100.0/24"]), "example.org"), source)
>>> [(v.span.text(), v.result.result.value) for v in report.verdicts]
[('198.51.100.0/25', 'pass'), ('198.51.100.128/25', 'fail')]
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable

import attrs

from ..sources._answers import Resolution, gather
from ._probe import Probe
from ._result import SpfOutcome, SpfResult
from ._spf import spf_resolution
from ._terms import MechanismKind

#: Evaluations one judgement may run (each is one ``check_host`` over answers
#: already asked once: the questions are shared between them).
MAX_EVALUATIONS = 256
#: Assumptions about unreadable includes one span may be tried under.
_MAX_BRANCHES = 8


@attrs.frozen(order=True)
class Span:
    """Consecutive addresses of one family, from ``first`` to ``last`` (integers)."""

    version: int
    first: int
    last: int

    def address(self, offset: int = 0) -> str:
        """The address ``offset`` after the first, as text."""
        make = ipaddress.IPv4Address if self.version == 4 else ipaddress.IPv6Address
        return str(make(self.first + offset))

    def networks(self) -> tuple[str, ...]:
        """The span as the fewest CIDR networks."""
        make = ipaddress.IPv4Address if self.version == 4 else ipaddress.IPv6Address
        found = ipaddress.summarize_address_range(make(self.first), make(self.last))
        return tuple(str(network) for network in found)

    def text(self) -> str:
        """The span as text: its networks, separated by spaces."""
        return " ".join(self.networks())

    @property
    def size(self) -> int:
        """How many addresses the span holds."""
        return self.last - self.first + 1


def spans_of(networks: Iterable[str], /) -> tuple[Span, ...]:
    """The union of ``networks`` (CIDR text, host bits ignored) as sorted, disjoint spans."""
    # The checker asks for the provider's spans once per domain: a tuple is read once.
    return _spans(networks) if type(networks) is tuple else _union(networks)


def _union(networks: Iterable[str]) -> tuple[Span, ...]:
    raw = []
    for text in networks:
        network = ipaddress.ip_network(text, strict=False)
        raw.append((network.version, int(network.network_address), int(network.broadcast_address)))
    merged: list[list[int]] = []
    for version, first, last in sorted(raw):
        if merged and merged[-1][0] == version and first <= merged[-1][2] + 1:
            merged[-1][2] = max(merged[-1][2], last)
        else:
            merged.append([version, first, last])
    return tuple(Span(*item) for item in merged)


_spans = functools.lru_cache(maxsize=64)(_union)


@attrs.frozen
class SpanVerdict:
    """The result of the policy for every address of a span.

    Attributes:
        span: The addresses.
        result: ``check_host``'s result for each of them (an unreadable include
            taken as not matching).
        visited: The domains whose records the evaluation read.
        matched: The kind of the innermost mechanism that matched, if any.
        depends: Unreadable includes that would change a pass if they matched.
        sampled: Whether the result was read at one address only: the policy
            reads more of the address than networks (``ptr``, a macro), or the
            work bound was reached first.
    """

    span: Span
    result: SpfResult
    visited: tuple[str, ...] = ()
    matched: MechanismKind | None = None
    depends: tuple[str, ...] = ()
    sampled: bool = False


@attrs.frozen
class RangeReport:
    """The verdicts of :func:`judge_spans`, in address order.

    Attributes:
        verdicts: One per span or piece of a span.
        evaluations: How many ``check_host`` runs it took.
        unknown: Unreadable includes met (offline), in the order first met.
    """

    verdicts: tuple[SpanVerdict, ...]
    evaluations: int
    unknown: tuple[str, ...] = ()


def _cuts(span: Span, probe: Probe) -> list[int]:
    """Where the networks ``probe`` tested cut ``span`` (the first address of each piece).

    Past ``probe.through``, which passes every address, nothing tested can cut.
    """
    cuts = set()
    tested = probe.networks if probe.reached is None else probe.networks[: probe.reached]
    for version, first, last in tested:
        if version != span.version or last < span.first or first > span.last:
            continue
        if first > span.first:
            cuts.add(first)
        if last < span.last:
            cuts.add(last + 1)
    return sorted(cuts)


def _pieces(span: Span, cuts: list[int]) -> list[Span]:
    starts = [span.first, *cuts]
    ends = [cut - 1 for cut in cuts] + [span.last]
    return [Span(span.version, a, b) for a, b in zip(starts, ends, strict=True)]


def _verdict(span: Span, result: SpfResult, probe: Probe, sampled: bool) -> SpanVerdict:
    matched = probe.matched[0] if probe.matched else None
    return SpanVerdict(
        span,
        result,
        tuple(dict.fromkeys(probe.visited)),
        matched,
        (),
        sampled or probe.address_bound,
    )


def judge_spans(
    spans: Iterable[Span],
    domain: str,
    /,
    *,
    sender: str | None = None,
    branching: bool = False,
    through: str | None = None,
    budget: int = MAX_EVALUATIONS,
) -> Resolution[RangeReport]:
    """The result of ``domain``'s SPF policy for every address of ``spans``.

    ``branching``: an include whose record an offline source cannot read is an
    unknown (not a temperror). Each verdict takes it as not matching; when the
    result is a pass, the evaluation is run again with it matching, and the
    includes whose match would change the pass are the verdict's ``depends``.

    ``through``: a domain whose record passes every address of ``spans`` (the
    provider's include, over its own sending space). An evaluation that reached
    it decides for every span on the same side of each network tested before:
    those spans take the same path to it, and it passes them all, so their
    result is the same without evaluating them.
    """
    mail_from = sender or f"postmaster@{domain}"
    # (span, assumptions, the verdict the branch belongs to)
    pending: list[tuple[Span, frozenset[str], int | None]] = [
        (span, frozenset(), None) for span in spans
    ]
    verdicts: list[SpanVerdict] = []
    depends: list[dict[str, None]] = []
    tried: list[set[frozenset[str]]] = []
    unknown: dict[str, None] = {}
    evaluations = 0
    while pending:
        room = budget - evaluations
        if room <= 0:
            break
        current, pending = pending[:room], pending[room:]
        probes = [
            Probe(branching=branching, assume=assume, through=through) for _, assume, _ in current
        ]
        runs = [
            spf_resolution(span.address(), domain, mail_from, probe=probe)
            for (span, _, _), probe in zip(current, probes, strict=True)
        ]
        # One run (the common case: the first reaches the include) needs no gather.
        results: list[SpfResult] = (
            [(yield from runs[0])] if len(runs) == 1 else (yield from gather(runs))
        )
        evaluations += len(current)
        for (span, assume, owner), probe, result in zip(current, probes, results, strict=True):
            unknown.update(dict.fromkeys(probe.unknown))
            cuts = [] if probe.address_bound else _cuts(span, probe)
            if owner is not None:
                # A branch: does the pass hold with these includes matching?
                if cuts or result.result is not SpfOutcome.PASS:
                    depends[owner].update(dict.fromkeys(sorted(assume)))
                    continue
                _branch(pending, tried[owner], span, assume, probe, owner)
                continue
            if cuts:
                pending.extend((piece, assume, None) for piece in _pieces(span, cuts))
                continue
            verdicts.append(_verdict(span, result, probe, False))
            depends.append({})
            tried.append({assume})
            if probe.reached is not None and not assume:
                pending = _same_path(span, result, probe, pending, verdicts, depends, tried)
            if result.result is SpfOutcome.PASS:
                _branch(pending, tried[-1], span, assume, probe, len(verdicts) - 1)
    # Spans left over when the budget ran out: judged by the run that split them.
    for span, assume, owner in pending:
        if owner is None:
            verdicts.append(SpanVerdict(span, _left_over(span, domain, budget), sampled=True))
            depends.append({})
        else:
            depends[owner].update(dict.fromkeys(sorted(assume)))
    # Most verdicts depend on nothing: they keep the () they were made with, not a copy.
    judged = [
        attrs.evolve(v, depends=tuple(d)) if d else v
        for v, d in zip(verdicts, depends, strict=True)
    ]
    final = tuple(judged if len(judged) == 1 else sorted(judged, key=lambda v: v.span))
    return RangeReport(final, evaluations, tuple(unknown))


def _side(span: Span, network: tuple[int, int, int]) -> bool | None:
    """Whether all of ``span`` is in ``network`` (``True``), none of it, or part (``None``)."""
    version, first, last = network
    if version != span.version or last < span.first or first > span.last:
        return False
    if first <= span.first and span.last <= last:
        return True
    return None


def _same_path(
    span: Span,
    result: SpfResult,
    probe: Probe,
    pending: list[tuple[Span, frozenset[str], int | None]],
    verdicts: list[SpanVerdict],
    depends: list[dict[str, None]],
    tried: list[set[frozenset[str]]],
) -> list[tuple[Span, frozenset[str], int | None]]:
    """Decide the pending spans that reach ``probe.through`` as ``span`` did; return the rest."""
    before = probe.networks[: probe.reached]
    sides = [_side(span, network) for network in before]
    left = []
    for item in pending:
        other, assume, owner = item
        if owner is None and not assume and [_side(other, n) for n in before] == sides:
            verdicts.append(attrs.evolve(_verdict(span, result, probe, False), span=other))
            depends.append({})
            tried.append({assume})
        else:
            left.append(item)
    return left


def _branch(
    pending: list[tuple[Span, frozenset[str], int | None]],
    tried: set[frozenset[str]],
    span: Span,
    assume: frozenset[str],
    probe: Probe,
    owner: int,
) -> None:
    """Schedule runs with each unknown include met by ``probe`` taken as matching."""
    for name in dict.fromkeys(probe.unknown):
        branch = assume | {name}
        if name in assume or branch in tried:
            continue
        if len(tried) >= _MAX_BRANCHES:
            pending.append((span, branch, owner))  # never run: counts as depending
            return
        tried.add(branch)
        pending.append((span, branch, owner))


def _left_over(span: Span, domain: str, budget: int) -> SpfResult:
    detail = f"not judged: the work bound of {budget} evaluations was reached before {span.text()}"
    return SpfResult(SpfOutcome.TEMPERROR, "spf.work_bound", detail, domain)
