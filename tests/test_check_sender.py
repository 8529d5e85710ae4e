"""The provider's sending address: learned from its SPF records, and replayed for each domain."""

from __future__ import annotations

from collections.abc import Iterator

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from emailpro_core.checker._checks import sender as check_sender
from emailpro_core.checker._checks.sender import ProviderSender, provider_sender, remembered_sender
from emailpro_core.checker._findings import Status
from emailpro_core.records._profiles import OVH_EMAIL_PRO, Profile
from emailpro_core.sources._answers import Answer, FailureCause, run_sync
from emailpro_core.sources._static import StaticSource

INCLUDE = OVH_EMAIL_PRO.spf_include


@pytest.fixture(autouse=True)
def no_traces() -> Iterator[None]:
    """Each test starts with nothing remembered, and leaves nothing behind."""
    check_sender._TRACES.clear()
    yield
    check_sender._TRACES.clear()


def _source(*records: tuple[str, str], ttl: int = 3600) -> StaticSource:
    return StaticSource({name: {"TXT": text} for name, text in records}, ttl=ttl)


ONE = _source(
    (INCLUDE, "v=spf1 include:a.ovh.example -all"),
    ("a.ovh.example", "v=spf1 ip4:198.51.100.0/24 -all"),
)
OTHER = _source(
    (INCLUDE, "v=spf1 include:a.ovh.example -all"),
    ("a.ovh.example", "v=spf1 ip4:203.0.113.0/24 -all"),
)
SKIPS_FIRST = _source(
    (INCLUDE, "v=spf1 -ip4:198.51.100.1 ip4:198.51.100.0/24 ip6:2001:db8::/32 -all")
)
NONE = _source((INCLUDE, "v=spf1 a -all"))
FAILING = StaticSource({}, failures={INCLUDE: FailureCause.SERVFAIL})


@pytest.mark.parametrize(
    ("source", "address", "status"),
    [
        (ONE, "198.51.100.1", None),
        (OTHER, "203.0.113.1", None),
        (SKIPS_FIRST, "198.51.100.0", None),
        (NONE, None, None),
        (FAILING, None, Status.UNKNOWN),
    ],
)
def test_remembered_gives_what_provider_sender_gives(
    source: StaticSource, address: str | None, status: Status | None
) -> None:
    """First run, replayed run, and a run over other records: always provider_sender's answer."""
    expected = run_sync(provider_sender(OVH_EMAIL_PRO), source)
    assert (expected.address, expected.status) == (address, status)
    for other in (ONE, source, OTHER, source):
        assert run_sync(remembered_sender(OVH_EMAIL_PRO), other) == run_sync(
            provider_sender(OVH_EMAIL_PRO), other
        )


class Counting:
    """A source that counts the questions it answers."""

    def __init__(self, inner: StaticSource) -> None:
        self.inner = inner
        self.asked = 0

    def lookup(self, name: str, rdtype: str, /) -> Answer:
        self.asked += 1
        return self.inner.lookup(name, rdtype)


def test_a_replay_asks_the_same_questions_and_skips_the_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The replay asks every question again (answers may change) but evaluates nothing."""
    first, second = Counting(ONE), Counting(ONE)
    learned = run_sync(remembered_sender(OVH_EMAIL_PRO), first)
    runs: list[Profile] = []

    def counted(profile: Profile) -> object:
        runs.append(profile)
        return provider_sender(profile)

    monkeypatch.setattr(check_sender, "provider_sender", counted)
    assert learned == run_sync(remembered_sender(OVH_EMAIL_PRO), second)
    assert runs == []
    assert first.asked == second.asked >= 2
    # Other records: the replay stops at the first answer that differs, the run redoes it.
    changed = run_sync(remembered_sender(OVH_EMAIL_PRO), OTHER)
    assert runs == [OVH_EMAIL_PRO]
    assert changed.address == "203.0.113.1"


def test_a_different_ttl_still_replays(monkeypatch: pytest.MonkeyPatch) -> None:
    """The TTL left in a cache changes between domains; it changes nothing learned."""
    learned = run_sync(remembered_sender(OVH_EMAIL_PRO), ONE)
    monkeypatch.setattr(check_sender, "provider_sender", None)  # must not be called
    shorter = _source(
        (INCLUDE, "v=spf1 include:a.ovh.example -all"),
        ("a.ovh.example", "v=spf1 ip4:198.51.100.0/24 -all"),
        ttl=60,
    )
    assert learned == run_sync(remembered_sender(OVH_EMAIL_PRO), shorter)


def test_one_trace_per_profile_and_a_bounded_memory() -> None:
    """Profiles do not share traces, and endless profiles never grow the memory."""
    other_include = attrs.evolve(OVH_EMAIL_PRO, spf_include="a.ovh.example")
    assert run_sync(remembered_sender(other_include), ONE).address == "198.51.100.1"
    assert run_sync(remembered_sender(OVH_EMAIL_PRO), NONE).address is None
    assert set(check_sender._TRACES) == {other_include, OVH_EMAIL_PRO}
    for n in range(3 * check_sender._MAX_TRACES):
        profile = attrs.evolve(OVH_EMAIL_PRO, spf_include=f"p{n}.ovh.example")
        run_sync(remembered_sender(profile), ONE)
        assert len(check_sender._TRACES) <= check_sender._MAX_TRACES


NETWORKS = st.sampled_from(
    ["ip4:198.51.100.0/24", "ip4:203.0.113.0/28", "-ip4:198.51.100.1", "ip6:2001:db8::/32", "a"]
)
RECORDS = st.lists(NETWORKS, max_size=4).map(lambda terms: " ".join(["v=spf1", *terms, "-all"]))


@given(st.lists(st.tuples(RECORDS, RECORDS, st.booleans()), min_size=1, max_size=4))
def test_replays_never_change_the_result(runs: list[tuple[str, str, bool]]) -> None:
    """Whatever records come one after the other, the result is provider_sender's."""
    check_sender._TRACES.clear()
    for top, below, nested in runs:
        records = [(INCLUDE, f"v=spf1 include:a.ovh.example {top[7:]}" if nested else top)]
        records.append(("a.ovh.example", below))
        source = _source(*records)
        expected: ProviderSender = run_sync(provider_sender(OVH_EMAIL_PRO), source)
        assert run_sync(remembered_sender(OVH_EMAIL_PRO), source) == expected
