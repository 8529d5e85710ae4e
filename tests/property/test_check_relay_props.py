"""The relay check against an oracle of RFC 5321 §5.1 (MX, else the implicit MX) and RFC 7505."""

from __future__ import annotations

import asyncio

from hypothesis import given
from hypothesis import strategies as st

from emailpro_core.checker import Status
from emailpro_core.checker._checks.relay import check_relay
from emailpro_core.checker._runner import make_context
from emailpro_core.records._setup import DomainSetup
from emailpro_core.sources._answers import Answer, FailureCause, run_async, run_sync
from emailpro_core.sources._static import StaticSource

RELAY = "relay.example.net"
SETUP = DomainSetup("example.org", mode="nonAuthoritative", relay_target=RELAY)
_TYPES = {
    "MX": st.lists(st.sampled_from(["0 .", "10 mx.example.net.", "20 mx2.example.net."])),
    "A": st.lists(st.just("192.0.2.25"), max_size=1),
    "AAAA": st.lists(st.just("2001:db8::25"), max_size=1),
    "TXT": st.lists(st.just("x"), max_size=1),
}


class Counting(StaticSource):
    """A static source that counts its lookups."""

    asked = 0

    def lookup(self, name: str, rdtype: str, /) -> Answer:
        self.asked += 1
        return super().lookup(name, rdtype)


def oracle(types: dict[str, list[str]], failed: set[str]) -> Status:
    """What RFC 5321 §5.1 and RFC 7505 say of a relay host with these records."""
    if "MX" in failed:
        return Status.UNKNOWN
    if types["MX"]:
        return Status.OK if any(v != "0 ." for v in types["MX"]) else Status.ERROR
    if not any(types.values()):
        return Status.ERROR  # the name does not exist: NXDOMAIN answers every type
    # An address counts only if its lookup answered: a failed one shows nothing.
    if any(types[t] for t in ("A", "AAAA") if t not in failed):
        return Status.OK
    return Status.UNKNOWN if failed & {"A", "AAAA"} else Status.ERROR


@given(
    st.fixed_dictionaries(_TYPES),
    st.sets(st.sampled_from(["MX", "A", "AAAA"])),
    st.sampled_from(list(FailureCause)),
)
def test_relay_follows_the_rfc(
    types: dict[str, list[str]], failed: set[str], cause: FailureCause
) -> None:
    """Status as the oracle says, with at most three questions, sync and async alike."""
    records = {RELAY: {t: v for t, v in types.items() if v}} if any(types.values()) else {}
    failures: dict[str | tuple[str, str], FailureCause] = {(RELAY, t): cause for t in failed}
    source = Counting(records, failures=failures)
    ctx = make_context(SETUP)
    (found,) = run_sync(check_relay(ctx), source)
    assert oracle(types, failed) is found.status
    assert source.asked <= 3
    assert found.fix == ()
    assert (found.status is Status.OK) != bool(found.fix_reason)
    assert (found.cause is not None) == (found.status is Status.UNKNOWN)
    assert (found,) == asyncio.run(run_async(check_relay(ctx), source))
