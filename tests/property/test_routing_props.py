"""Properties of modes, relay targets, platforms, topologies and delivery traces."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import any_text, domains, non_str, valid_logins

from emailpro_core.domains import normalize_domain
from emailpro_core.errors import (
    AuthoritativeDomainDetected,
    InvalidMode,
    InvalidRelayTarget,
    RoutingError,
    Violation,
)
from emailpro_core.naming._naming import Address, parse_address
from emailpro_core.routing import check_relay_target, validate_relay_target
from emailpro_core.routing._delivery import Deliver, Outcome, Relay, deliver, route
from emailpro_core.routing._modes import DomainMode
from emailpro_core.routing._platforms import Platform
from emailpro_core.routing._topology import Topology

AUTH = DomainMode.AUTHORITATIVE
NON = DomainMode.NON_AUTHORITATIVE
MODES = st.sampled_from(DomainMode)
RELAY_CODES = {
    "relay.required",
    "relay.not_allowed",
    "relay.too_long",
    "relay.invalid_host",
    "relay.loop",
}
# Small pools, so that random topologies share domains, hosts and logins often.
HOSTS = tuple(f"h{n}.example" for n in range(8))
EXTERNAL = ("ext1.example", "ext2.example")
DOMAINS = ("a.example", "b.example", "c.example")
LOGINS = ("anna", "bob", "carl")
ALIAS = "info"
PLATFORM = Platform("p", hosts=("p1.example", "p2.example"))


# --- modes and relay targets ----------------------------------------------------


@given(MODES)
def test_mode_spellings_round_trip(mode: DomainMode) -> None:
    """Every mode survives a trip through both spellings."""
    assert DomainMode.from_api(mode.api) is mode
    assert DomainMode.from_control_panel(mode.control_panel) is mode
    assert DomainMode.parse(mode.api) is DomainMode.parse(mode.control_panel) is mode


@given(any_text())
def test_parse_any_text_gives_a_mode_or_mode_unknown(text: str) -> None:
    """Any text parses to a mode or raises InvalidMode (mode.unknown), nothing else."""
    spellings = {spelling for m in DomainMode for spelling in (m.api, m.control_panel)}
    if text in spellings:
        mode = DomainMode.parse(text)
        assert text in {mode.api, mode.control_panel}
        return
    with pytest.raises(InvalidMode) as caught:
        DomainMode.parse(text)
    assert caught.value.codes == ("mode.unknown",)


@given(st.one_of(st.none(), any_text(max_size=300)), MODES)
def test_check_relay_target_any_text(target: str | None, mode: DomainMode) -> None:
    """Any target gives only relay codes; authoritative mode refuses any non-blank one."""
    violations = check_relay_target(target, platform=PLATFORM, mode=mode)
    assert all(isinstance(v, Violation) for v in violations)
    assert {v.code for v in violations} <= RELAY_CODES
    blank = target is None or not target.strip()
    if mode is AUTH:
        assert [v.code for v in violations] == ([] if blank else ["relay.not_allowed"])
    elif blank:
        assert [v.code for v in violations] == ["relay.required"]


@given(domains())
def test_valid_host_is_accepted_and_normalized(host: str) -> None:
    """A valid host name is a valid relay target; its normalized form is a fixed point."""
    relay = validate_relay_target(host, platform=PLATFORM, mode=NON)
    assert relay == normalize_domain(host).ascii
    assert validate_relay_target(relay, platform=PLATFORM, mode=NON) == relay


@given(st.sampled_from(PLATFORM.hosts), st.sampled_from([str, str.upper]), st.booleans())
def test_own_host_is_always_a_loop(host: str, case: type[str], dot: bool) -> None:
    """The platform's own host, in any case, with or without the dot, is relay.loop."""
    with pytest.raises(InvalidRelayTarget) as caught:
        validate_relay_target(case(host) + ("." if dot else ""), platform=PLATFORM, mode=NON)
    assert caught.value.codes == ("relay.loop",)


@given(non_str().filter(lambda value: value is not None))
def test_relay_target_of_wrong_type(value: object) -> None:
    """A relay target that is not a str (nor None) gives a TypeError."""
    with pytest.raises(TypeError):
        check_relay_target(value, platform=PLATFORM, mode=NON)  # type: ignore[arg-type]


# --- random topologies ------------------------------------------------------------


@dataclass(frozen=True)
class Attach:
    """One attach operation: platform index, domain, mode, relay host."""

    platform: int
    domain: str
    mode: DomainMode
    relay: str


def _attach_ops(platforms: int) -> st.SearchStrategy[list[Attach]]:
    # Mostly non-authoritative, and mostly relays to the other platforms, so that
    # domains are shared and relay chains (and cycles) are common.
    op = st.builds(
        Attach,
        st.integers(0, platforms - 1),
        st.sampled_from(DOMAINS),
        st.sampled_from([NON, NON, NON, AUTH]),
        st.sampled_from(HOSTS[:platforms] * 3 + EXTERNAL),
    )
    return st.lists(op, max_size=16)


def _apply(topology: Topology, op: Attach) -> Topology:
    relay = op.relay if op.mode is NON else None
    return topology.attach(f"p{op.platform}", op.domain, mode=op.mode, relay=relay)


def _attempt(topology: Topology, op: Attach) -> tuple[Topology, Exception | None]:
    """The topology after ``op``, or the same topology and the error that refused it."""
    try:
        return _apply(topology, op), None
    except (AuthoritativeDomainDetected, InvalidRelayTarget) as error:
        return topology, error


def _attach_all(topology: Topology, ops: list[Attach]) -> Topology:
    for op in ops:
        topology, _ = _attempt(topology, op)
    return topology


def _with_addresses(
    topology: Topology, platform: Platform, plan: list[tuple[list[str], bool]]
) -> Topology:
    for hosted, (logins, alias) in zip(platform.domains, plan, strict=False):
        for login in logins:
            platform = platform.with_mailbox(f"{login}@{hosted.name}")
        if logins and alias:
            platform = platform.with_alias(
                f"{ALIAS}@{hosted.name}", mailbox=f"{logins[0]}@{hosted.name}"
            )
    return topology.with_platform(platform)


_ADDRESS_PLAN = st.lists(
    st.tuples(st.lists(st.sampled_from(LOGINS), max_size=2, unique=True), st.booleans()),
    min_size=len(DOMAINS),
    max_size=len(DOMAINS),
)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Topology, Address, str]:
    """A random topology, a recipient and an entry host.

    1–4 platforms; each (platform, domain) pair is attached or not, mostly
    non-authoritatively, relaying mostly to another platform of the topology, in a
    random order (refused attachments are skipped); then mailboxes and aliases.
    """
    count = draw(st.integers(1, 4))
    topology = Topology(Platform(f"p{n}", hosts=HOSTS[n]) for n in range(count))
    pairs = [(n, domain) for n in range(count) for domain in DOMAINS]
    for n, domain in draw(st.permutations(pairs)):
        mode = draw(st.sampled_from([None, AUTH, NON, NON]))
        if mode is not None:
            relay = draw(
                st.sampled_from([h for h in HOSTS[:count] if h != HOSTS[n]] + [EXTERNAL[0]])
            )
            topology, _ = _attempt(topology, Attach(n, domain, mode, relay))
    for platform in topology.platforms:
        topology = _with_addresses(topology, platform, draw(_ADDRESS_PLAN))
    # Half the time, an address that exists somewhere, so relay chains that end
    # in a delivery are common.
    existing = [
        f"{login}@{hosted.name}"
        for platform in topology.platforms
        for hosted in platform.domains
        for login in (*hosted.mailboxes, *(a.login for a in hosted.aliases))
    ]
    anything = st.builds(
        "{}@{}".format,
        st.sampled_from((*LOGINS, ALIAS)),
        st.sampled_from((*DOMAINS, "z.example")),
    )
    address = draw(st.one_of(st.sampled_from(existing), anything) if existing else anything)
    entry = draw(st.sampled_from(HOSTS[:count] * 3 + EXTERNAL))
    return topology, parse_address(address), entry


def _walk(topology: Topology, recipient: Address, entry: str, max_hops: int) -> Outcome:
    """An independent model of delivery, read straight from the platforms' data."""
    host, seen = entry, set()
    for _ in range(max_hops):
        platform = next((p for p in topology.platforms if host in p.hosts), None)
        if platform is None:
            return Outcome.HANDED_OFF
        if platform.name in seen:
            return Outcome.LOOP_DETECTED
        seen.add(platform.name)
        hosted = platform.hosted(recipient.domain)
        if hosted is None:
            return Outcome.BOUNCED
        login = recipient.login.lower()
        if login in hosted.mailboxes or any(a.login == login for a in hosted.aliases):
            return Outcome.DELIVERED
        if hosted.relay is None:
            return Outcome.BOUNCED
        host = hosted.relay
    return Outcome.HOP_LIMIT_REACHED


@given(scenarios(), st.integers(1, 6))
def test_every_trace_ends_within_the_hop_limit(
    scenario: tuple[Topology, Address, str], max_hops: int
) -> None:
    """No trace has more hops than the limit, and it ends as the model says."""
    topology, recipient, entry = scenario
    trace = deliver(topology, recipient, entry, max_hops=max_hops)
    assert 1 <= len(trace.hops) <= max_hops
    assert trace.outcome is _walk(topology, recipient, entry, max_hops)
    if trace.outcome is Outcome.HOP_LIMIT_REACHED:
        assert len(trace.hops) == max_hops


@given(scenarios())
def test_an_authoritative_platform_never_relays(scenario: tuple[Topology, Address, str]) -> None:
    """A hop that relays is always on a platform holding the domain non-authoritatively."""
    topology, recipient, entry = scenario
    for platform in topology.platforms:
        hosted = platform.hosted(recipient.domain)
        if hosted is not None and hosted.mode is AUTH:
            assert not isinstance(route(platform, recipient), Relay)
    for hop in deliver(topology, recipient, entry).hops:
        if isinstance(hop.route, Relay):
            assert hop.platform is not None
            hosted = topology.platform(hop.platform).hosted(recipient.domain)
            assert hosted is not None
            assert hosted.mode is NON


def _receiver(platform: Platform, recipient: Address) -> Address | None:
    """The mailbox of ``platform`` that takes ``recipient``'s mail, read from its data."""
    hosted = platform.hosted(recipient.domain)
    if hosted is None:
        return None
    login = recipient.login.lower()
    if login in hosted.mailboxes:
        return recipient
    return next((a.mailbox for a in hosted.aliases if a.login == login), None)


@given(scenarios())
def test_a_reachable_mailbox_gets_the_message_exactly_once(
    scenario: tuple[Topology, Address, str],
) -> None:
    """If the relay chain reaches a platform with the mailbox, it is delivered there, once."""
    topology, recipient, entry = scenario
    trace = deliver(topology, recipient, entry)
    chain = [
        topology.platform(hop.platform)
        for hop in trace.hops
        if hop.platform is not None and hop.route is not None
    ]
    receivers = [(p.name, _receiver(p, recipient)) for p in chain]
    receivers = [(name, mailbox) for name, mailbox in receivers if mailbox is not None]
    deliveries = [hop for hop in trace.hops if isinstance(hop.route, Deliver)]
    if receivers:
        assert trace.outcome is Outcome.DELIVERED
        assert len(deliveries) == 1
        assert deliveries[0] is trace.hops[-1]
        assert (deliveries[0].platform, trace.mailbox) == receivers[0]
    else:
        assert deliveries == []
        assert trace.outcome is not Outcome.DELIVERED


@given(
    st.integers(2, 6),
    st.data(),
    valid_logins(),
)
def test_a_relay_cycle_ends_as_loop_detected(size: int, data: st.DataObject, login: str) -> None:
    """Platforms relaying a domain round a cycle: the trace ends as loop detected (5.4.6)."""
    hosts = [f"m{n}.cycle.example" for n in range(size)]
    topology = Topology(
        Platform(f"c{n}", hosts=hosts[n]).with_domain(
            "cycle.example", mode=NON, relay=hosts[(n + 1) % size]
        )
        for n in range(size)
    )
    start = data.draw(st.integers(0, size - 1))
    trace = deliver(topology, f"{login}@cycle.example", hosts[start])
    assert trace.outcome is Outcome.LOOP_DETECTED
    assert len(trace.hops) == size + 1
    assert trace.hops[-1].host == trace.hops[0].host == hosts[start]
    assert trace.reply is not None
    assert (trace.reply.code, trace.reply.status) == (554, "5.4.6")


@settings(max_examples=60)
@given(st.integers(1, 4).flatmap(lambda n: st.tuples(st.just(n), _attach_ops(n))))
def test_no_attach_sequence_breaks_the_authoritative_rule(case: tuple[int, list[Attach]]) -> None:
    """Attach refuses exactly the operations that would leave an authoritative domain shared."""
    count, ops = case
    topology = Topology(Platform(f"p{n}", hosts=HOSTS[n]) for n in range(count))
    for op in ops:
        others = [
            hosted
            for p in topology.platforms
            if p.name != f"p{op.platform}"
            for hosted in [p.hosted(op.domain)]
            if hosted is not None
        ]
        must_refuse = bool(others) and (op.mode is AUTH or any(h.mode is AUTH for h in others))
        topology, error = _attempt(topology, op)
        if isinstance(error, InvalidRelayTarget):
            # The only relay a random op can get wrong: the platform's own host.
            assert error.codes == ("relay.loop",)
            assert op.relay == HOSTS[op.platform]
        else:
            assert must_refuse == isinstance(error, AuthoritativeDomainDetected)
        if isinstance(error, AuthoritativeDomainDetected):
            assert error.domain == op.domain
        for domain in DOMAINS:
            holders = [p.hosted(domain) for p in topology.platforms]
            held = [h for h in holders if h is not None]
            assert len(held) <= 1 or all(h.mode is NON for h in held)


@given(scenarios())
def test_mailbox_and_alias_never_share_an_address(scenario: tuple[Topology, Address, str]) -> None:
    """An alias over a mailbox, or a mailbox over an alias, is refused with address_taken."""
    topology, _, _ = scenario
    for platform in topology.platforms:
        for hosted in platform.domains:
            for login in hosted.mailboxes:
                with pytest.raises(RoutingError) as caught:
                    platform.with_alias(f"{login}@{hosted.name}", mailbox=f"{login}@{hosted.name}")
                assert caught.value.codes == ("platform.address_taken",)
            for alias in hosted.aliases:
                with pytest.raises(RoutingError) as caught:
                    platform.with_mailbox(f"{alias.login}@{hosted.name}")
                assert caught.value.codes == ("platform.address_taken",)
