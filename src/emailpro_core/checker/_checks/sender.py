"""The provider's sending address, learned from its own SPF records.

To tell whether the provider's mail passes a domain's SPF record, the SPF check
needs an address the provider really sends from. :func:`provider_sender` reads
the record of the provider's include (``mx.ovh.com``) and the records it includes
or redirects to, breadth-first, collects the ``+ip4:`` / ``+ip6:`` networks in
evaluation order, takes a host address from each, and keeps the first one that
the include itself passes (``check_host`` against the include, RFC 7208 §5.2), so
a network excluded earlier in the include is never chosen.

>>> from emailpro_core.sources import run_sync
>>> from emailpro_core.records import OVH_EMAIL_PRO
>>> from emailpro_core.sources import StaticSource
>>> source = StaticSource({"mx.ovh.com": {"TXT": "v=spf1 include:s.ovh.example -all"},
...                        "s.ovh.example": {"TXT": "v=spf1 ip4:198.51.100.0/24 -all"}})
>>> run_sync(provider_sender(OVH_EMAIL_PRO), source).address
'198.51.100.1'
"""

from __future__ import annotations

from typing import TypeVar

import attrs

from ...i18n._catalog import register
from ...records import Profile
from ...sources._answers import (
    TXT,
    Answer,
    AnswerStatus,
    Batch,
    Query,
    Resolution,
    lookup_many,
    normalize_name,
)
from ...spf import Mechanism, MechanismKind, Qualifier, SpfOutcome, SpfRecord, parse_spf
from ...spf._eval import spf_texts
from ...spf._ranges import judge_spans, spans_of
from .._findings import Status
from .._phrases import Phrase, phrase
from .spf_reasons import shown

#: RFC 7208 §4.6.4 allows 10 DNS-querying terms: the walk reads at most as many records.
_MAX_RECORDS = 10
#: How many networks of the include's records are judged.
_MAX_NETWORKS = 64
#: How many networks a message names.
_SHOWN = 4

T = TypeVar("T")

#: Where the provider's sending addresses come from, or why they are not known
#: (quoted by the SPF findings). ``{cause}`` is a code, kept as it is.
MESSAGES = register(
    {
        "checker.origin": "{networks} of {include}",
        "checker.origin:stand_in": (
            'the SPF record of {include} was not read (offline); "{record}" stood in for it'
        ),
        "checker.origin:unknown": "the SPF record of {name} is not known ({cause})",
        "checker.origin:unknown_detail": (
            "the SPF record of {name} is not known ({cause}): {detail}"
        ),
        "checker.origin:undecided": "cannot tell whether {include} passes {span}: {detail}",
        "checker.origin:none": (
            "no ip4: or ip6: network of the SPF records of {include} passes their own check"
        ),
    }
)


@attrs.frozen
class ProviderSender:
    """The addresses the provider's SPF include authorises, or why they are not known.

    Attributes:
        address: One of them (``"198.51.100.1"``), or ``None``.
        origin: Where they come from (``"ip4:198.51.100.0/24 of mx.ovh.com"``), or
            why there are none: a phrase, rendered in the language of the finding
            that quotes it.
        status: When there are none because the DNS did not tell: ``UNKNOWN``
            (a failure) or ``SKIPPED``.
        cause: The cause of that status (a ``FailureCause`` value, ``"outside_zone"``).
        networks: Every address the include passes, as CIDR networks (its
            sending space), in address order.
        stand_in: Whether the include's records could not be read (offline), so
            that :data:`STAND_IN` stands for its addresses: the include is
            taken to authorise that one address and nothing else.
    """

    address: str | None
    origin: Phrase
    status: Status | None = None
    cause: str | None = None
    networks: tuple[str, ...] = ()
    stand_in: bool = False


#: The address that stands for the provider's offline: reserved (RFC 1112 §4,
#: RFC 6890 §2.2.2: 240.0.0.0/4, "reserved for future use"), so no real record
#: names it and the domain's policy can reach it only through the include.
STAND_IN = "240.0.0.2"


def stand_in_record() -> str:
    """The record that stands for the provider's include offline."""
    return f"v=spf1 ip4:{STAND_IN} -all"


def stand_in_sender(profile: Profile, /) -> ProviderSender:
    """The provider's stand-in address, for when its records cannot be read (offline)."""
    return ProviderSender(
        STAND_IN,
        phrase("checker.origin:stand_in", include=profile.spf_include, record=stand_in_record()),
        networks=(f"{STAND_IN}/32",),
        stand_in=True,
    )


def standing_in(resolution: Resolution[T], profile: Profile, /) -> Resolution[T]:
    """``resolution``, with the stand-in record as the SPF record of the provider's include."""
    return substituted(resolution, profile.spf_include, stand_in_record())


def substituted(resolution: Resolution[T], name: str, text: str, /) -> Resolution[T]:
    """``resolution``, with ``text`` as the one TXT record of ``name`` whatever the source says.

    The answers are replaced as they come in, so this works inside
    :func:`~emailpro_core.sources._answers.gather` (each resolution sees its own record) and over
    any source, sync or async.
    """
    record = (TXT((text.encode("utf-8"),)),)
    try:
        batch = next(resolution)
        while True:
            answers = yield batch
            batch = resolution.send(
                tuple(
                    Answer(a.query, AnswerStatus.ANSWER, record, 3600)
                    if a.query.name == name and a.query.rdtype == "TXT"
                    else a
                    for a in answers
                )
            )
    except StopIteration as done:
        result: T = done.value
    finally:
        resolution.close()
    return result


def _spf_record(answer: Answer) -> SpfRecord | None:
    texts = spf_texts(answer)
    return parse_spf(texts[0]).record if len(texts) == 1 else None


def _network(mechanism: Mechanism) -> str | None:
    """The network of an ``ip4:`` / ``ip6:`` mechanism that passes, else ``None``."""
    if mechanism.address is None or mechanism.qualifier is not Qualifier.PASS:
        return None
    length = mechanism.cidr6 if mechanism.kind is MechanismKind.IP6 else mechanism.cidr4
    if length is None:
        length = mechanism.address.max_prefixlen
    return f"{mechanism.address}/{length}"


def _unknown(name: str, answer: Answer) -> ProviderSender:
    outside = answer.status is AnswerStatus.OUTSIDE_ZONE
    cause = answer.status.value if outside else (answer.cause.value if answer.cause else "other")
    # A failure's detail says why (a source that raised names its exception).
    detail = answer.detail if answer.detail and not outside else ""
    origin = (
        phrase("checker.origin:unknown_detail", name=name, cause=cause, detail=detail)
        if detail
        else phrase("checker.origin:unknown", name=name, cause=cause)
    )
    return ProviderSender(
        None,
        origin,
        Status.SKIPPED if outside else Status.UNKNOWN,
        cause,
    )


def _candidates(profile: Profile) -> Resolution[tuple[list[str], ProviderSender | None]]:
    """The ``+ip4:`` / ``+ip6:`` networks of the include's records, or why they are unknown.

    RFC 7208 §4.6.4 bounds an evaluation to 10 DNS-querying terms: the walk reads
    at most as many records, and keeps at most :data:`_MAX_NETWORKS` networks.
    """
    found: list[str] = []
    level = [profile.spf_include]
    seen: set[str] = set()
    while level and len(seen) < _MAX_RECORDS:
        level = [n for n in dict.fromkeys(level) if n not in seen][: _MAX_RECORDS - len(seen)]
        seen.update(level)
        answers = yield from lookup_many(*(Query(name, "TXT") for name in level))
        below: list[str] = []
        for name, answer in zip(level, answers, strict=True):
            if answer.is_failure:
                return found, _unknown(name, answer)
            record = _spf_record(answer)
            if record is None:
                continue
            for mechanism in record.mechanisms:
                network = _network(mechanism)
                if network is not None:
                    found.append(network)
                elif mechanism.kind is MechanismKind.INCLUDE and mechanism.domain is not None:
                    below.append(normalize_name(mechanism.domain.text))
            if record.redirect is not None:
                below.append(normalize_name(record.redirect.text))
        # Names with macros cannot be read without a client: they fail the lookup
        # harmlessly (no SPF record) and are never chosen.
        level = [n for n in below if "%" not in n]
    return found[:_MAX_NETWORKS], None


def provider_sender(profile: Profile, /) -> Resolution[ProviderSender]:
    """Learn the addresses the profile's SPF include authorises, from the include's records.

    The ``+ip4:`` / ``+ip6:`` networks of its records are judged against the
    include itself (see :mod:`emailpro_core.spf._ranges`), so that a part excluded earlier in
    the include is left out. Offline, when a record of the include is outside
    the source, the provider's addresses are the stand-in (:func:`stand_in_sender`).
    """
    include = profile.spf_include
    candidates, stop = yield from _candidates(profile)
    if stop is not None:
        return stand_in_sender(profile) if stop.status is Status.SKIPPED else stop
    report = yield from judge_spans(spans_of(candidates), include, sender=f"postmaster@{include}")
    passing: list[str] = []
    for verdict in report.verdicts:
        result = verdict.result
        if result.result is SpfOutcome.PASS:
            passing.extend(verdict.span.networks())
        elif result.result is SpfOutcome.TEMPERROR:
            if result.code == "spf.outside_zone":
                return stand_in_sender(profile)
            cause = result.cause.value if result.cause is not None else "other"
            return ProviderSender(
                None,
                phrase(
                    "checker.origin:undecided",
                    include=include,
                    span=verdict.span.text(),
                    detail=result.detail,
                ),
                Status.UNKNOWN,
                cause,
            )
    if not passing:
        return ProviderSender(None, phrase("checker.origin:none", include=include))
    first = spans_of(passing[:1])[0]
    address = first.address(1 if first.size > 2 else 0)
    networks = tuple(passing)
    origin = phrase("checker.origin", networks=shown(networks, _SHOWN), include=include)
    return ProviderSender(address, origin, networks=networks)


@attrs.frozen
class _Trace:
    """One run of :func:`provider_sender`: each batch with its answers, and the result."""

    steps: tuple[tuple[Batch, tuple[Answer, ...]], ...]
    result: ProviderSender


# The last run per profile. Every domain of a diagnosis learns the same address
# from the same records, so a run is replayed rather than redone: the answers
# are still asked and compared, and the first that differs ends the replay.
_TRACES: dict[Profile, _Trace] = {}
# Profiles are few; a caller making profiles without end must not grow this.
_MAX_TRACES = 16


def _same(received: tuple[Answer, ...], recorded: tuple[Answer, ...]) -> bool:
    # The TTL left in a cache changes from one domain to the next; nothing else may.
    return all(
        a.query == b.query
        and a.status is b.status
        and a.records == b.records
        and a.canonical_name == b.canonical_name
        and a.cause is b.cause
        and a.detail == b.detail
        for a, b in zip(received, recorded, strict=True)
    )


def remembered_sender(profile: Profile, /) -> Resolution[ProviderSender]:
    """:func:`provider_sender`, replaying its last run for ``profile`` while the answers match.

    The same questions are asked, in the same rounds. When every answer matches
    the last run's, its result is returned without evaluating anything again;
    otherwise the answers already received are handed to a fresh run, which
    goes on from there. The result is always what ``provider_sender`` gives.
    """
    received: list[tuple[Batch, tuple[Answer, ...]]] = []
    trace = _TRACES.get(profile)
    if trace is not None:
        for batch, recorded in trace.steps:
            answers = yield batch
            received.append((batch, answers))
            if not _same(answers, recorded):
                break
        else:
            return trace.result
    steps: list[tuple[Batch, tuple[Answer, ...]]] = []
    run = provider_sender(profile)
    try:
        batch = next(run)
        while True:
            # The run asks what the replay asked, as long as it was given the same answers.
            if len(steps) < len(received) and received[len(steps)][0] == batch:
                answers = received[len(steps)][1]
            else:
                answers = yield batch
            steps.append((batch, answers))
            batch = run.send(answers)
    except StopIteration as done:
        result: ProviderSender = done.value
    if len(_TRACES) >= _MAX_TRACES:
        _TRACES.clear()
    _TRACES[profile] = _Trace(tuple(steps), result)
    return result
