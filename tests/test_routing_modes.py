"""Example tables for domain modes, default modes and relay targets
(emailpro_core.routing._modes)."""

from __future__ import annotations

import pytest

from emailpro_core import routing
from emailpro_core.errors import InvalidMode, InvalidRelayTarget, ValidationError
from emailpro_core.routing import check_relay_target, validate_relay_target
from emailpro_core.routing._modes import (
    DEFAULT_RELAY_TARGET,
    MAX_RELAY_TARGET_LENGTH,
    OVH_RELAY_TARGETS,
    DomainMode,
    default_mode,
)
from emailpro_core.routing._platforms import Platform

AUTH = DomainMode.AUTHORITATIVE
NON = DomainMode.NON_AUTHORITATIVE
PLATFORM = Platform("emailpro-zz1111111-1", hosts=("pro1.mail.ovh.net", "alt.pro.example"))
# 253 characters: the longest valid domain name (RFC 1035 in presentation form).
LONGEST_NAME = ".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 61])


@pytest.mark.parametrize(
    ("mode", "api", "control_panel"),
    [
        (AUTH, "authoritative", "AUTHORITATIVE"),
        (NON, "nonAuthoritative", "NON_AUTHORITATIVE"),
    ],
)
def test_mode_spellings_round_trip(mode: DomainMode, api: str, control_panel: str) -> None:
    """Each mode converts to and from the API and control-panel spellings."""
    assert (api, control_panel) == (mode.api, mode.control_panel)
    assert mode == DomainMode.from_api(api)
    assert mode == DomainMode.from_control_panel(control_panel)
    assert mode == DomainMode.parse(api)
    assert mode == DomainMode.parse(control_panel)


@pytest.mark.parametrize(
    ("parser", "text"),
    [
        (DomainMode.from_api, "AUTHORITATIVE"),
        (DomainMode.from_api, "Authoritative"),
        (DomainMode.from_api, "non-authoritative"),
        (DomainMode.from_api, "nonauthoritative"),
        (DomainMode.from_control_panel, "authoritative"),
        (DomainMode.from_control_panel, "NON-AUTHORITATIVE"),
        (DomainMode.parse, ""),
        (DomainMode.parse, " authoritative"),
        (DomainMode.parse, "authoritative\x00"),
        (DomainMode.parse, "\ud800"),
        (DomainMode.parse, "x" * 100_000),
    ],
)
def test_bad_mode_spelling_is_refused(parser: object, text: str) -> None:
    """A spelling that is not exactly one of the source's gives mode.unknown."""
    assert callable(parser)
    with pytest.raises(InvalidMode) as caught:
        parser(text)
    assert caught.value.codes == ("mode.unknown",)
    assert isinstance(caught.value, ValidationError)
    assert isinstance(caught.value, ValueError)
    shown = caught.value.violations[0].params["value"]
    assert isinstance(shown, str)
    assert len(shown) <= 43


def test_bad_mode_message_lists_the_spellings() -> None:
    """The message says which spellings are expected."""
    with pytest.raises(InvalidMode) as caught:
        DomainMode.from_api("AUTHORITATIVE")
    assert caught.value.violations[0].params["expected"] == ("authoritative", "nonAuthoritative")
    assert "'authoritative', 'nonAuthoritative'" in str(caught.value)


@pytest.mark.parametrize("value", [None, 1, b"authoritative", DomainMode.AUTHORITATIVE])
def test_mode_of_wrong_type_is_a_type_error(value: object) -> None:
    """A non-str spelling gives a TypeError."""
    with pytest.raises(TypeError, match="domain mode must be a str"):
        DomainMode.parse(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("managed_in_account", "expected"),
    [(False, NON), (True, None)],
)
def test_default_mode(managed_in_account: bool, expected: DomainMode | None) -> None:
    """Outside the account: non-authoritative; inside: no default (None, ask)."""
    assert expected == default_mode(managed_in_account)


@pytest.mark.parametrize("value", [0, 1, None, "yes"])
def test_default_mode_needs_a_bool(value: object) -> None:
    """default_mode takes a bool, nothing else."""
    with pytest.raises(TypeError, match="managed_in_account must be a bool"):
        default_mode(value)  # type: ignore[arg-type]


def test_ovh_relay_targets() -> None:
    """mx0–mx4.mail.ovh.net, mx1 the default [D-EP1; M-DOM]; 255 the maximum."""
    expected = tuple(f"mx{n}.mail.ovh.net" for n in (0, 1, 2, 3, 4))
    assert expected == OVH_RELAY_TARGETS
    assert DEFAULT_RELAY_TARGET == "mx1.mail.ovh.net"
    assert MAX_RELAY_TARGET_LENGTH == 255


@pytest.mark.parametrize(
    ("target", "mode", "codes"),
    [
        (None, AUTH, ()),
        ("", AUTH, ()),
        ("   ", AUTH, ()),
        ("mx1.mail.ovh.net", AUTH, ("relay.not_allowed",)),
        ("not a host", AUTH, ("relay.not_allowed",)),
        (None, NON, ("relay.required",)),
        ("", NON, ("relay.required",)),
        (" \t", NON, ("relay.required",)),
        ("mx1.mail.ovh.net", NON, ()),
        ("mx1.mail.ovh.net.", NON, ()),
        ("MX3.Mail.OVH.net", NON, ()),
        ("bücher.example", NON, ()),
        (LONGEST_NAME, NON, ()),
        (LONGEST_NAME + ".", NON, ()),
        ("mx1.mail.ovh.net..", NON, ("relay.invalid_host",)),
        ("-bad.example", NON, ("relay.invalid_host",)),
        ("192.0.2.1", NON, ("relay.invalid_host",)),
        ("[2001:db8::1]", NON, ("relay.invalid_host",)),
        ("mail server.example", NON, ("relay.invalid_host",)),
        ("localhost", NON, ("relay.invalid_host",)),
        ("mx\x00.example", NON, ("relay.invalid_host",)),
        ("\ud800.example", NON, ("relay.invalid_host",)),
        (LONGEST_NAME + "e.", NON, ("relay.invalid_host",)),
        ("a" * 256, NON, ("relay.too_long", "relay.invalid_host")),
        ("x." * 200 + "example", NON, ("relay.too_long", "relay.invalid_host")),
        ("x" * 1_000_000, NON, ("relay.too_long", "relay.invalid_host")),
        ("pro1.mail.ovh.net", NON, ("relay.loop",)),
        ("PRO1.mail.ovh.net.", NON, ("relay.loop",)),
        ("alt.pro.example", NON, ("relay.loop",)),
    ],
)
def test_check_relay_target(target: str | None, mode: DomainMode, codes: tuple[str, ...]) -> None:
    """Every relay rule gives its code, all at once."""
    violations = check_relay_target(target, platform=PLATFORM, mode=mode)
    assert codes == tuple(v.code for v in violations)


def test_relay_messages_name_the_problem() -> None:
    """The messages carry the control panel's warnings in plain words."""
    (loop,) = check_relay_target("pro1.mail.ovh.net", platform=PLATFORM, mode=NON)
    assert dict(loop.params) == {"host": "pro1.mail.ovh.net"}
    assert "loop" in loop.message
    too_long, _ = check_relay_target("a" * 300, platform=PLATFORM, mode=NON)
    assert dict(too_long.params) == {"maximum": 255, "length": 300}


def test_invalid_host_carries_the_domain_codes() -> None:
    """relay.invalid_host lists the domain rules the target breaks."""
    (violation,) = check_relay_target("-bad..example", platform=PLATFORM, mode=NON)
    assert violation.params["reasons"] == ("domain.empty_label", "domain.hyphen_start")


@pytest.mark.parametrize(
    ("target", "mode", "expected"),
    [
        ("MX1.mail.OVH.net.", NON, "mx1.mail.ovh.net"),
        ("bücher.example", NON, "xn--bcher-kva.example"),
        (None, AUTH, None),
        ("", AUTH, None),
    ],
)
def test_validate_relay_target_normalizes(
    target: str | None, mode: DomainMode, expected: str | None
) -> None:
    """A valid target comes back in normalized form; none in authoritative mode."""
    assert expected == validate_relay_target(target, platform=PLATFORM, mode=mode)


@pytest.mark.parametrize(
    ("target", "mode", "codes"),
    [
        (None, NON, ("relay.required",)),
        ("mx1.mail.ovh.net", AUTH, ("relay.not_allowed",)),
        ("pro1.mail.ovh.net", NON, ("relay.loop",)),
    ],
)
def test_validate_relay_target_raises(
    target: str | None, mode: DomainMode, codes: tuple[str, ...]
) -> None:
    """validate_relay_target raises InvalidRelayTarget (a ValueError) with the codes."""
    with pytest.raises(InvalidRelayTarget) as caught:
        validate_relay_target(target, platform=PLATFORM, mode=mode)
    assert codes == caught.value.codes
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("target", "mode", "match"),
    [
        (5, NON, "relay target must be a str"),
        (b"mx1.mail.ovh.net", NON, "relay target must be a str"),
        ("mx1.mail.ovh.net", "nonAuthoritative", "mode must be a DomainMode"),
    ],
)
def test_relay_target_wrong_types(target: object, mode: object, match: str) -> None:
    """A wrong type gives a TypeError with a clear message."""
    with pytest.raises(TypeError, match=match):
        check_relay_target(target, platform=PLATFORM, mode=mode)  # type: ignore[arg-type]


def test_routing_exports_its_public_names() -> None:
    """routing.__all__ is the documented set (docs/routing.md), each name importable."""
    assert {
        "DEFAULT_MAX_HOPS",
        "DEFAULT_RELAY_TARGET",
        "MAX_RELAY_TARGET_LENGTH",
        "OVH_RELAY_TARGETS",
        "Alias",
        "Deliver",
        "DomainMode",
        "Hop",
        "HostedDomain",
        "InvalidMode",
        "InvalidRelayTarget",
        "Outcome",
        "Platform",
        "Reject",
        "Relay",
        "Route",
        "RoutingError",
        "SmtpReply",
        "Topology",
        "Trace",
        "check_relay_target",
        "default_mode",
        "deliver",
        "route",
        "validate_relay_target",
    } == set(routing.__all__)
    assert len(routing.__all__) == len(set(routing.__all__))
    assert all(getattr(routing, name) is not None for name in routing.__all__)
