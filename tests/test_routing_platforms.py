"""Example tables for platforms and topologies (emailpro_core.routing._platforms, .topology)."""

from __future__ import annotations

import pickle

import pytest

from emailpro_core.domains import normalize_domain
from emailpro_core.errors import (
    AuthoritativeDomainDetected,
    EmailProError,
    InvalidDomain,
    InvalidRelayTarget,
    RoutingError,
    ValidationError,
)
from emailpro_core.naming._naming import parse_address
from emailpro_core.routing._modes import DomainMode
from emailpro_core.routing._platforms import Alias, HostedDomain, Platform
from emailpro_core.routing._topology import Topology

AUTH = DomainMode.AUTHORITATIVE
NON = DomainMode.NON_AUTHORITATIVE
RELAY = "mx1.mail.ovh.net"


def pro() -> Platform:
    """An E-mail Pro platform with mydomain.ovh (authoritative) and one mailbox."""
    return (
        Platform("emailpro-zz1111111-1", hosts="pro1.mail.ovh.net")
        .with_domain("mydomain.ovh", mode=AUTH)
        .with_mailbox("mary.johnson@mydomain.ovh")
    )


# --- platforms ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hosts", "expected"),
    [
        ("pro1.mail.ovh.net", ("pro1.mail.ovh.net",)),
        ("PRO1.Mail.OVH.net.", ("pro1.mail.ovh.net",)),
        (["a.example", "B.example", "a.example."], ("a.example", "b.example")),
        (("bücher.example",), ("xn--bcher-kva.example",)),
    ],
)
def test_platform_hosts_are_normalized(hosts: str | list[str], expected: tuple[str, ...]) -> None:
    """Hosts are normalized and deduplicated; a single str is one host."""
    assert expected == Platform("p", hosts=hosts).hosts


@pytest.mark.parametrize(
    ("name", "hosts", "error", "codes"),
    [
        ("p", (), RoutingError, ("platform.no_host",)),
        ("", "a.example", RoutingError, ("platform.invalid_name",)),
        ("   ", "a.example", RoutingError, ("platform.invalid_name",)),
        ("a\nb", "a.example", RoutingError, ("platform.invalid_name",)),
        ("\ud800", "a.example", RoutingError, ("platform.invalid_name",)),
        ("p", "-bad.example", InvalidDomain, ("domain.hyphen_start",)),
        ("p", ["a.example", "x..example"], InvalidDomain, ("domain.empty_label",)),
    ],
)
def test_platform_construction_errors(
    name: str, hosts: tuple[str, ...] | str, error: type[ValidationError], codes: tuple[str, ...]
) -> None:
    """A platform needs a printable name and at least one valid host."""
    with pytest.raises(error) as caught:
        Platform(name, hosts=hosts)
    assert codes == caught.value.codes


def test_platform_name_must_be_a_str() -> None:
    """A non-str name gives a TypeError."""
    with pytest.raises(TypeError, match="platform name must be a str"):
        Platform(42, hosts="a.example")  # type: ignore[arg-type]


def test_with_domain_returns_a_new_platform() -> None:
    """Adding a domain leaves the original platform unchanged."""
    empty = Platform("p", hosts="pro1.mail.ovh.net")
    added = empty.with_domain("MyDomain.OVH.", mode=NON, relay="MX1.mail.ovh.net.")
    assert empty.domains == ()
    hosted = added.hosted("mydomain.ovh")
    assert hosted is not None
    assert (hosted.name.ascii, hosted.mode, hosted.relay) == ("mydomain.ovh", NON, RELAY)


def test_mode_can_change_later_and_keeps_mailboxes() -> None:
    """Changing the mode keeps the domain's mailboxes and aliases [D-EP1]."""
    before = pro().with_alias("contact@mydomain.ovh", mailbox="mary.johnson@mydomain.ovh")
    after = before.with_domain("mydomain.ovh", mode=NON, relay=RELAY)
    old, new = before.hosted("mydomain.ovh"), after.hosted("mydomain.ovh")
    assert old is not None
    assert new is not None
    assert (old.mode, old.relay) == (AUTH, None)
    assert (new.mode, new.relay) == (NON, RELAY)
    assert (old.mailboxes, old.aliases) == (new.mailboxes, new.aliases)
    back = after.with_domain("mydomain.ovh", mode=AUTH)
    assert before == back


@pytest.mark.parametrize(
    ("mode", "relay", "codes"),
    [
        (NON, None, ("relay.required",)),
        (AUTH, RELAY, ("relay.not_allowed",)),
        (NON, "pro1.mail.ovh.net.", ("relay.loop",)),
        (NON, "a" * 300, ("relay.too_long", "relay.invalid_host")),
    ],
)
def test_with_domain_checks_the_relay(
    mode: DomainMode, relay: str | None, codes: tuple[str, ...]
) -> None:
    """with_domain refuses a relay target that breaks the rules."""
    with pytest.raises(InvalidRelayTarget) as caught:
        pro().with_domain("other.example", mode=mode, relay=relay)
    assert codes == caught.value.codes


def test_with_domain_refuses_an_invalid_domain() -> None:
    """An invalid domain name gives InvalidDomain."""
    with pytest.raises(InvalidDomain):
        pro().with_domain("not a domain", mode=AUTH)


def test_domains_are_sorted_whatever_the_order() -> None:
    """Two platforms built in different orders are equal (and hash alike)."""
    base = Platform("p", hosts="h.example")
    one = base.with_domain("b.example", mode=AUTH).with_domain("a.example", mode=AUTH)
    two = base.with_domain("a.example", mode=AUTH).with_domain("b.example", mode=AUTH)
    assert one == two
    assert hash(one) == hash(two)
    assert [d.name.ascii for d in one.domains] == ["a.example", "b.example"]


def test_hosted_is_case_and_idna_insensitive() -> None:
    """hosted() finds a domain whatever its spelling; None when not held."""
    platform = Platform("p", hosts="h.example").with_domain("BÜCHER.example", mode=AUTH)
    assert platform.hosted("xn--bcher-kva.example.") is not None
    assert platform.hosted(normalize_domain("bücher.EXAMPLE")) is not None
    assert platform.hosted("other.example") is None


def test_mailboxes_ignore_case_and_repeat() -> None:
    """Mailbox logins are stored in lower case; adding one twice changes nothing."""
    platform = pro().with_mailbox("Anna@MyDomain.ovh")
    assert platform == platform.with_mailbox("anna@mydomain.ovh")
    hosted = platform.hosted("mydomain.ovh")
    assert hosted is not None
    assert frozenset({"anna", "mary.johnson"}) == hosted.mailboxes


@pytest.mark.parametrize(
    ("address", "codes"),
    [
        ("anna@other.example", ("platform.domain_not_hosted",)),
        ("contact@mydomain.ovh", ("platform.address_taken",)),
    ],
)
def test_with_mailbox_errors(address: str, codes: tuple[str, ...]) -> None:
    """A mailbox needs a held domain and an address no alias uses."""
    platform = pro().with_alias("contact@mydomain.ovh", mailbox="mary.johnson@mydomain.ovh")
    with pytest.raises(RoutingError) as caught:
        platform.with_mailbox(address)
    assert codes == caught.value.codes


@pytest.mark.parametrize(
    ("address", "codes"),
    [
        ("no-at-sign", ("address.missing_at",)),
        ("a@mydomain.ovh", ("login.too_short",)),
        ("anna@bad..example", ("domain.empty_label",)),
    ],
)
def test_with_mailbox_refuses_malformed_addresses(address: str, codes: tuple[str, ...]) -> None:
    """A malformed address gives a ValidationError with the naming codes."""
    with pytest.raises(ValidationError) as caught:
        pro().with_mailbox(address)
    assert codes == caught.value.codes


def test_with_alias_resolves_to_the_mailbox() -> None:
    """An alias delivers to a mailbox, possibly of another domain of the platform."""
    platform = (
        pro()
        .with_domain("second.example", mode=AUTH)
        .with_alias("Contact@Second.example", mailbox="mary.johnson@mydomain.ovh")
    )
    hosted = platform.hosted("second.example")
    assert hosted is not None
    mary = parse_address("mary.johnson@mydomain.ovh")
    assert frozenset({Alias("contact", mary)}) == hosted.aliases
    assert mary == hosted.resolve("CONTACT")
    assert hosted.resolve("nobody") is None


def test_with_alias_can_point_elsewhere() -> None:
    """Adding an alias again points it at the new mailbox."""
    platform = (
        pro()
        .with_mailbox("anna@mydomain.ovh")
        .with_alias("contact@mydomain.ovh", mailbox="mary.johnson@mydomain.ovh")
        .with_alias("contact@mydomain.ovh", mailbox="anna@mydomain.ovh")
    )
    hosted = platform.hosted("mydomain.ovh")
    assert hosted is not None
    assert parse_address("anna@mydomain.ovh") == hosted.resolve("contact")
    assert len(hosted.aliases) == 1


@pytest.mark.parametrize(
    ("alias", "mailbox", "codes"),
    [
        ("contact@mydomain.ovh", "nobody@mydomain.ovh", ("platform.unknown_mailbox",)),
        ("contact@mydomain.ovh", "mary.johnson@other.example", ("platform.unknown_mailbox",)),
        ("mary.johnson@mydomain.ovh", "mary.johnson@mydomain.ovh", ("platform.address_taken",)),
        (
            "contact@other.example",
            "nobody@mydomain.ovh",
            ("platform.domain_not_hosted", "platform.unknown_mailbox"),
        ),
    ],
)
def test_with_alias_errors(alias: str, mailbox: str, codes: tuple[str, ...]) -> None:
    """with_alias reports every problem at once."""
    with pytest.raises(RoutingError) as caught:
        pro().with_alias(alias, mailbox=mailbox)
    assert codes == caught.value.codes


@pytest.mark.parametrize(
    ("domains", "error", "codes"),
    [
        ([HostedDomain("a.example", NON)], InvalidRelayTarget, ("relay.required",)),
        ([HostedDomain("a.example", AUTH, RELAY)], InvalidRelayTarget, ("relay.not_allowed",)),
        ([HostedDomain("a.example", NON, "x..y")], InvalidRelayTarget, ("relay.invalid_host",)),
        ([HostedDomain("a.example", NON, "H.example.")], InvalidRelayTarget, ("relay.loop",)),
        (
            [HostedDomain("a.example", AUTH), HostedDomain("A.example.", AUTH)],
            RoutingError,
            ("platform.duplicate_domain",),
        ),
        (
            [
                HostedDomain(
                    "a.example",
                    AUTH,
                    aliases=[Alias("x", parse_address("nobody@a.example"))],
                )
            ],
            RoutingError,
            ("platform.unknown_mailbox",),
        ),
        (
            [
                HostedDomain(
                    "a.example",
                    AUTH,
                    mailboxes=["Anna"],
                    aliases=[Alias("ANNA", parse_address("anna@a.example"))],
                )
            ],
            RoutingError,
            ("platform.address_taken",),
        ),
    ],
)
def test_direct_construction_is_checked(
    domains: list[HostedDomain], error: type[ValidationError], codes: tuple[str, ...]
) -> None:
    """A platform built directly is checked like one built by its methods."""
    with pytest.raises(error) as caught:
        Platform("p", hosts="h.example", domains=domains)
    assert codes == caught.value.codes


def test_hosted_domain_normalizes_its_fields() -> None:
    """HostedDomain normalizes the name, the relay and the mailbox logins."""
    hosted = HostedDomain("Bücher.Example.", NON, "MX1.mail.ovh.net.", mailboxes=["Anna"])
    expected = ("xn--bcher-kva.example", "mx1.mail.ovh.net", frozenset({"anna"}))
    assert expected == (hosted.name.ascii, hosted.relay, hosted.mailboxes)
    assert HostedDomain("a.example", AUTH, "   ").relay is None


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (
            lambda: HostedDomain("a.example", "authoritative"),  # type: ignore[arg-type]
            "must be <enum 'DomainMode'>",
        ),
        (
            lambda: HostedDomain("a.example", NON, 5),  # type: ignore[arg-type]
            "relay target must be a str",
        ),
        (
            lambda: HostedDomain("a.example", AUTH, mailboxes=[1]),  # type: ignore[list-item]
            "login must be a str",
        ),
    ],
)
def test_hosted_domain_wrong_types(build: object, match: str) -> None:
    """Wrong field types give a TypeError."""
    assert callable(build)
    with pytest.raises(TypeError, match=match):
        build()


def test_platform_pickles() -> None:
    """A platform survives pickling."""
    platform = pro().with_alias("contact@mydomain.ovh", mailbox="mary.johnson@mydomain.ovh")
    assert platform == pickle.loads(pickle.dumps(platform))


# --- topologies -----------------------------------------------------------------


def mxplan() -> Platform:
    """An MX Plan platform reached through mx1.mail.ovh.net."""
    return Platform("mxplan", hosts=RELAY)


@pytest.mark.parametrize(
    ("held_as", "asked", "conflict"),
    [
        (AUTH, AUTH, True),
        (AUTH, NON, True),
        (NON, AUTH, True),
        (NON, NON, False),
    ],
)
def test_attach_authoritative_domain_detected(
    held_as: DomainMode, asked: DomainMode, conflict: bool
) -> None:
    """Two platforms share a domain only when both hold it non-authoritatively."""
    relay_for_mxplan = "pro1.mail.ovh.net" if held_as is NON else None
    world = Topology(
        [Platform("emailpro-zz1111111-1", hosts="pro1.mail.ovh.net"), mxplan()]
    ).attach("mxplan", "mydomain.ovh", mode=held_as, relay=relay_for_mxplan)
    relay = RELAY if asked is NON else None
    if not conflict:
        after = world.attach("emailpro-zz1111111-1", "MyDomain.ovh.", mode=asked, relay=relay)
        assert tuple(p.name for p in after.holders("mydomain.ovh")) == (
            "emailpro-zz1111111-1",
            "mxplan",
        )
        return
    with pytest.raises(AuthoritativeDomainDetected) as caught:
        world.attach("emailpro-zz1111111-1", "MyDomain.ovh.", mode=asked, relay=relay)
    assert (caught.value.domain, caught.value.other_platform) == ("mydomain.ovh", "mxplan")
    assert "non-authoritative" in str(caught.value)
    assert "'mxplan'" in str(caught.value)
    assert isinstance(caught.value, EmailProError)


def test_switching_to_authoritative_later_is_checked() -> None:
    """A platform cannot switch a shared domain to authoritative; a sole holder can."""
    world = (
        Topology([pro(), mxplan()])
        .attach("emailpro-zz1111111-1", "mydomain.ovh", mode=NON, relay=RELAY)
        .attach("mxplan", "mydomain.ovh", mode=NON, relay="pro1.mail.ovh.net")
    )
    with pytest.raises(AuthoritativeDomainDetected) as caught:
        world.attach("mxplan", "mydomain.ovh", mode=AUTH)
    assert caught.value.other_platform == "emailpro-zz1111111-1"
    alone = world.attach("mxplan", "solo.example", mode=NON, relay="pro1.mail.ovh.net")
    switched = alone.attach("mxplan", "solo.example", mode=AUTH)
    hosted = switched.platform("mxplan").hosted("solo.example")
    assert hosted is not None
    assert hosted.mode == AUTH


def test_constructor_checks_coexistence_in_order() -> None:
    """Topology(...) names the earlier platform as the one holding the domain."""
    other = Platform("other", hosts="other.example").with_domain("mydomain.ovh", mode=AUTH)
    with pytest.raises(AuthoritativeDomainDetected) as caught:
        Topology([pro(), other])
    assert (
        caught.value.domain,
        caught.value.other_platform,
    ) == ("mydomain.ovh", "emailpro-zz1111111-1")


@pytest.mark.parametrize(
    ("platforms", "codes"),
    [
        ([mxplan(), mxplan()], ("topology.duplicate_platform",)),
        ([mxplan(), Platform("other", hosts="MX1.mail.ovh.net.")], ("topology.host_taken",)),
    ],
)
def test_topology_construction_errors(platforms: list[Platform], codes: tuple[str, ...]) -> None:
    """Platform names and hosts are unique within a topology."""
    with pytest.raises(RoutingError) as caught:
        Topology(platforms)
    assert codes == caught.value.codes


def test_with_platform_host_taken() -> None:
    """with_platform refuses a host that already reaches another platform."""
    with pytest.raises(RoutingError) as caught:
        Topology([mxplan()]).with_platform(Platform("x", hosts=["y.example", RELAY]))
    assert caught.value.codes == ("topology.host_taken",)
    assert dict(caught.value.violations[0].params) == {"host": RELAY, "platform": "mxplan"}


def test_with_platform_replaces_in_place() -> None:
    """A platform of the same name is replaced where it stood."""
    world = Topology([pro(), mxplan(), Platform("third", hosts="t.example")])
    changed = world.with_platform(mxplan().with_domain("x.example", mode=AUTH))
    assert [p.name for p in changed.platforms] == ["emailpro-zz1111111-1", "mxplan", "third"]
    assert changed.platform("mxplan").hosted("x.example") is not None
    assert world.platform("mxplan").hosted("x.example") is None


def test_topology_lookups() -> None:
    """platform(), reached_by() and holders() find what the topology holds."""
    world = Topology([pro(), mxplan()])
    assert world.platform("mxplan").name == "mxplan"
    with pytest.raises(KeyError):
        world.platform("nope")
    reached = world.reached_by("PRO1.mail.ovh.net.")
    assert reached is not None
    assert reached.name == "emailpro-zz1111111-1"
    assert world.reached_by(normalize_domain(RELAY)) == mxplan()
    assert world.reached_by("elsewhere.example") is None
    assert world.reached_by(normalize_domain("elsewhere.example")) is None
    with pytest.raises(InvalidDomain):
        world.reached_by("not a host")
    assert (pro(),) == world.holders("mydomain.ovh")
    assert world.holders("other.example") == ()


def test_attach_unknown_platform() -> None:
    """Attaching to a platform the topology does not have gives a KeyError."""
    with pytest.raises(KeyError):
        Topology().attach("nope", "a.example", mode=AUTH)


def test_with_platform_appends_a_new_platform() -> None:
    """A platform of a new name is added at the end."""
    world = Topology().with_platform(pro()).with_platform(mxplan())
    assert [p.name for p in world.platforms] == ["emailpro-zz1111111-1", "mxplan"]
    assert world.platform("mxplan") == mxplan()


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (
            lambda: Platform("p", hosts="h.example", domains=["a.example"]),  # type: ignore[list-item]
            "domains must be HostedDomain values",
        ),
        (
            lambda: Topology(["mxplan"]),  # type: ignore[list-item]
            "platforms must be Platform values",
        ),
        (
            lambda: HostedDomain("a.example", AUTH, aliases=[("x", "y")]),  # type: ignore[list-item]
            "aliases must be Alias values",
        ),
        (
            lambda: Alias("x", "anna@a.example"),  # type: ignore[arg-type]
            "must be <class",
        ),
        (
            lambda: HostedDomain("a.example", AUTH, mailboxes="anna"),
            "mailboxes must be a collection of logins",
        ),
    ],
)
def test_collections_of_wrong_types(build: object, match: str) -> None:
    """Items of the wrong type give a TypeError, not an AttributeError."""
    assert callable(build)
    with pytest.raises(TypeError, match=match):
        build()
