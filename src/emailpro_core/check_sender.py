"""The provider's sending address, learned from its own SPF records.

To tell whether the provider's mail passes a domain's SPF record, the SPF check
needs an address the provider really sends from. :func:`provider_sender` reads
the record of the provider's include (``mx.ovh.com``) and the records it includes
or redirects to, breadth-first, collects the ``+ip4:`` / ``+ip6:`` networks in
evaluation order, takes a host address from each, and keeps the first one that
the include itself passes (``check_host`` against the include, RFC 7208 §5.2), so
a network excluded earlier in the include is never chosen.

>>> from emailpro_core.dnsdata import run_sync
>>> from emailpro_core.profiles import OVH_EMAIL_PRO
>>> from emailpro_core.source_static import StaticSource
>>> source = StaticSource({"mx.ovh.com": {"TXT": "v=spf1 include:s.ovh.example -all"},
...                        "s.ovh.example": {"TXT": "v=spf1 ip4:198.51.100.0/24 -all"}})
>>> run_sync(provider_sender(OVH_EMAIL_PRO), source).address
'198.51.100.1'
"""

from __future__ import annotations

import functools
import ipaddress

import attrs

from .dnsdata import Answer, AnswerStatus, Batch, Query, Resolution, lookup_many, normalize_name
from .findings import Status
from .profiles import Profile
from .spf import SpfOutcome, spf_resolution
from .spf_eval import spf_texts
from .spf_syntax import Mechanism, MechanismKind, Qualifier, SpfRecord, parse_spf

__all__ = ["ProviderSender", "provider_sender", "remembered_sender"]

#: RFC 7208 §4.6.4 allows 10 DNS-querying terms: the walk reads at most as many records.
_MAX_RECORDS = 10
#: How many candidate addresses are tried against the include.
_MAX_CANDIDATES = 3


@attrs.frozen
class ProviderSender:
    """An address the provider's SPF include authorises, or why none was learned.

    Attributes:
        address: The address (``"198.51.100.1"``), or ``None``.
        origin: Where it comes from (``"ip4:198.51.100.0/24 of mx.ovh.com"``), or
            why there is none.
        status: When there is no address because the DNS did not tell:
            ``UNKNOWN`` (a failure) or ``SKIPPED`` (outside an offline source).
        cause: The cause of that status (a ``FailureCause`` value, ``"outside_zone"``).
    """

    address: str | None
    origin: str
    status: Status | None = None
    cause: str | None = None


def _spf_record(answer: Answer) -> SpfRecord | None:
    texts = spf_texts(answer)
    return parse_spf(texts[0]).record if len(texts) == 1 else None


# Every domain's check reads the same provider record: its networks are worked
# out once (a mechanism is a frozen value).
@functools.lru_cache(maxsize=256)
def _address(mechanism: Mechanism) -> str | None:
    """A host address of an ``ip4:`` / ``ip6:`` mechanism that passes, else ``None``."""
    if mechanism.address is None or mechanism.qualifier is not Qualifier.PASS:
        return None
    length = mechanism.cidr6 if mechanism.kind is MechanismKind.IP6 else mechanism.cidr4
    if length is None:
        length = mechanism.address.max_prefixlen
    network = ipaddress.ip_network(f"{mechanism.address}/{length}", strict=False)
    # A host inside the network rather than its network address, when it has others.
    return str(network[1] if network.num_addresses > 2 else network[0])


def _unknown(name: str, answer: Answer) -> ProviderSender:
    outside = answer.status is AnswerStatus.OUTSIDE_ZONE
    cause = answer.status.value if outside else (answer.cause.value if answer.cause else "other")
    # A failure's detail says why (a source that raised names its exception).
    detail = f": {answer.detail}" if answer.detail and not outside else ""
    return ProviderSender(
        None,
        f"the SPF record of {name} is not known ({cause}){detail}",
        Status.SKIPPED if outside else Status.UNKNOWN,
        cause,
    )


def _candidates(
    profile: Profile,
) -> Resolution[tuple[list[tuple[str, str]], ProviderSender | None]]:
    """Addresses of the include's networks in evaluation order, or why they are unknown."""
    found: list[tuple[str, str]] = []
    level = [profile.spf_include]
    seen: set[str] = set()
    while level and len(seen) < _MAX_RECORDS and len(found) < _MAX_CANDIDATES:
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
                address = _address(mechanism)
                if address is not None:
                    found.append((address, f"{mechanism.to_text()} of {name}"))
                elif mechanism.kind is MechanismKind.INCLUDE and mechanism.domain is not None:
                    below.append(normalize_name(mechanism.domain.text))
            if record.redirect is not None:
                below.append(normalize_name(record.redirect.text))
        # Names with macros cannot be read without a client: they fail the lookup
        # harmlessly (no SPF record) and are never chosen.
        level = [n for n in below if "%" not in n]
    return found[:_MAX_CANDIDATES], None


def provider_sender(profile: Profile, /) -> Resolution[ProviderSender]:
    """Learn an address the profile's SPF include authorises, from the include's records."""
    include = profile.spf_include
    candidates, stop = yield from _candidates(profile)
    for address, origin in candidates:
        result = yield from spf_resolution(address, include, f"postmaster@{include}")
        if result.result is SpfOutcome.PASS:
            return ProviderSender(address, origin)
        if result.result is SpfOutcome.TEMPERROR:
            outside = result.code == "spf.outside_zone"
            cause = AnswerStatus.OUTSIDE_ZONE.value if outside else None
            if not outside:
                cause = result.cause.value if result.cause is not None else "other"
            return ProviderSender(
                None,
                f"cannot tell whether {include} passes {address}: {result.detail}",
                Status.SKIPPED if outside else Status.UNKNOWN,
                cause,
            )
    if stop is not None:
        return stop
    return ProviderSender(
        None, f"no ip4: or ip6: network of the SPF records of {include} passes their own check"
    )


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
