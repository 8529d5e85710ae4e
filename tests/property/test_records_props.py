"""Properties of domain setups, expected records, their renderings, and client settings."""

from __future__ import annotations

import json
import pickle
import re
import string
import xml.etree.ElementTree as ET
from collections import defaultdict

import dns.zone
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import any_text, domains

from emailpro_core.domains import is_subdomain
from emailpro_core.errors import ValidationError
from emailpro_core.records import expected_records
from emailpro_core.records._client import autoconfig_xml, client_settings
from emailpro_core.records._profiles import OVH_EMAIL_PRO, check_server_number
from emailpro_core.records._recordset import CHECKS, RecordSet, Requirement
from emailpro_core.records._setup import DkimSelector, DomainSetup, check_setup
from emailpro_core.records._zonetext import split_txt
from emailpro_core.routing._modes import DomainMode

# --- strategies ---------------------------------------------------------------------

_ALNUM = string.ascii_lowercase + string.digits
# LDH labels (RFC 1123 §2.1): letters and digits, inner hyphens.
_TOKENS = st.builds(
    lambda first, middle, last: first + middle + last,
    st.sampled_from(_ALNUM),
    st.text(alphabet=_ALNUM + "-", max_size=20),
    st.sampled_from(["", *_ALNUM]),
)


def _case(draw: st.DrawFn, text: str) -> str:
    # Names compare case-insensitively: the setup must take either case.
    return text.upper() if draw(st.booleans()) else text


@st.composite
def _selectors(draw: st.DrawFn) -> list[DkimSelector]:
    # Distinct OVH selectors (D-DKIM: ovhemp<digits>-selector1/2), each with an exact
    # target of the documented shape or none.
    numbers = draw(st.lists(st.integers(1, 10**7), max_size=2, unique=True))
    out = []
    for number in numbers:
        for index in draw(st.sampled_from([(1,), (2,), (1, 2)])):
            name = f"ovhemp{number}-selector{index}"
            target = None
            if draw(st.booleans()):
                cluster = draw(st.integers(0, 10**7))
                letters = draw(st.text(string.ascii_lowercase, min_size=2, max_size=2))
                dot = draw(st.sampled_from(["", "."]))
                target = _case(
                    draw, f"{name}._domainkey.{cluster}.{letters}.dkim.mail.ovh.net{dot}"
                )
            out.append(DkimSelector(_case(draw, name), target))
    return out


@st.composite
def setups(draw: st.DrawFn) -> DomainSetup:
    """Valid setups of the default profile, built valid (not filtered)."""
    mode = draw(st.sampled_from([None, DomainMode.AUTHORITATIVE, DomainMode.NON_AUTHORITATIVE]))
    relays = st.sampled_from(OVH_EMAIL_PRO.relay_targets) | domains()
    if mode is DomainMode.AUTHORITATIVE:
        relay = None
    elif mode is DomainMode.NON_AUTHORITATIVE:
        relay = draw(relays)
    else:
        relay = draw(st.none() | relays)
    selectors = draw(_selectors())
    token = None
    if draw(st.booleans()):
        token = _case(draw, draw(_TOKENS) + draw(st.sampled_from(["", "-check"])))
    return DomainSetup(
        draw(domains()),
        mode=draw(st.sampled_from([mode, None if mode is None else mode.api])),
        relay_target=relay,
        server_number=draw(st.none() | st.integers(1, 10**6)),
        managed_in_account=draw(st.booleans()),
        ownership_token=token,
        dkim_selectors=selectors,
        dkim_enabled=bool(selectors) and draw(st.booleans()),
    )


def _zone_contents(text: str, origin: str) -> set[tuple[str, int, int, frozenset[object]]]:
    zone = dns.zone.from_text(text, origin=origin, relativize=False, check_origin=False)
    return {
        (str(name), rdataset.rdtype, rdataset.ttl, frozenset(rdataset))
        for name, node in zone.nodes.items()
        for rdataset in node
    }


def _rrset_contents(records: RecordSet) -> set[tuple[str, int, int, frozenset[object]]]:
    return {(str(r.name), r.rdtype, r.ttl, frozenset(r)) for r in records.to_rrsets()}


# --- setups ------------------------------------------------------------------------------


@given(setups())
def test_generated_setups_are_valid(setup: DomainSetup) -> None:
    """Setups built by the rules have no violation."""
    expected: tuple[object, ...] = ()
    assert expected == check_setup(setup)


@given(setups())
def test_setup_dict_round_trip(setup: DomainSetup) -> None:
    """to_dict survives JSON and from_dict; the setup survives pickling."""
    data = json.loads(json.dumps(setup.to_dict()))
    assert setup == DomainSetup.from_dict(data)
    assert setup == pickle.loads(pickle.dumps(setup))


@given(st.integers(max_value=0))
def test_server_numbers_below_one(number: int) -> None:
    """Every number below 1 is a bad server number."""
    expected = ["setup.bad_server_number"]
    assert expected == [
        v.code for v in check_setup(DomainSetup("example.org", server_number=number))
    ]


@given(any_text())
def test_any_token(token: str) -> None:
    """Any token gives bad_token exactly when its label is not an LDH label."""
    found = [v.code for v in check_setup(DomainSetup("example.org", ownership_token=token))]
    label = OVH_EMAIL_PRO.ownership_label(token)
    good = bool(token) and re.fullmatch(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?", label) is not None
    assert ([] if good else ["setup.bad_token"]) == found


@given(any_text())
def test_any_selector(selector: str) -> None:
    """Any selector that is not ovhemp<digits>-selector1/2 gives bad_selector, never a crash."""
    found = [v.code for v in check_setup(DomainSetup("example.org", dkim_selectors=[selector]))]
    if OVH_EMAIL_PRO.is_dkim_selector(selector):
        assert set(found) <= {"setup.name_too_long"}
    else:
        expected = ["setup.bad_selector"]
        assert expected == found


@given(any_text(), st.sampled_from([None, *DomainMode]))
def test_any_relay(relay: str, mode: DomainMode | None) -> None:
    """Any relay target gives only relay codes, never a crash."""
    found = check_setup(DomainSetup("example.org", mode=mode, relay_target=relay))
    assert all(v.code.startswith("relay.") for v in found)


@given(domains(), domains())
def test_mode_and_relay(domain: str, relay: str) -> None:
    """Authoritative refuses a relay target; non-authoritative needs one."""
    authoritative = DomainSetup(domain, mode=DomainMode.AUTHORITATIVE, relay_target=relay)
    non_authoritative = DomainSetup(domain, mode=DomainMode.NON_AUTHORITATIVE)
    expected = (["relay.not_allowed"], ["relay.required"])
    assert expected == (
        [v.code for v in check_setup(authoritative)],
        [v.code for v in check_setup(non_authoritative)],
    )


@given(domains())
def test_dkim_without_selectors(domain: str) -> None:
    """DKIM to be enabled without a selector is a violation."""
    expected = ["setup.dkim_without_selectors"]
    assert expected == [v.code for v in check_setup(DomainSetup(domain, dkim_enabled=True))]


# --- expected records ---------------------------------------------------------------------


@given(setups())
def test_expected_records_deterministic(setup: DomainSetup) -> None:
    """The same setup (or a copy of it) gives the same records."""
    copy = DomainSetup.from_dict(setup.to_dict())
    assert expected_records(setup) == expected_records(copy)


@given(setups())
def test_zone_text_round_trip(setup: DomainSetup) -> None:
    """The zone text (with or without comments) reads back as the same rrsets."""
    records = expected_records(setup)
    origin = setup.domain.ascii + "."
    expected = _rrset_contents(records)
    assert expected == _zone_contents(records.to_zone_text(), origin)
    assert expected == _zone_contents(records.to_zone_text(comments=False), origin)


@given(setups())
def test_names_inside_domain(setup: DomainSetup) -> None:
    """Every record name is the domain or below it."""
    records = expected_records(setup)
    assert all(is_subdomain(r.name, setup.domain.ascii) for r in records)


@given(setups())
def test_no_cname_clash(setup: DomainSetup) -> None:
    """A CNAME never shares its name with another record (RFC 1034 §3.6.2)."""
    types: defaultdict[str, list[str]] = defaultdict(list)
    for record in expected_records(setup):
        if record.requirement is Requirement.REQUIRED:
            types[record.name].append(record.type)
    for found in types.values():
        assert "CNAME" not in found or found == ["CNAME"]


@given(setups())
def test_every_record_has_a_check_and_a_form(setup: DomainSetup) -> None:
    """Each record belongs to a known check, has a value or a pattern, and the base set."""
    records = expected_records(setup)
    assert all(r.check in CHECKS and (r.value is None) != (r.pattern is None) for r in records)
    expected = {"mx", "spf", "autodiscover", "dmarc"}
    assert expected <= {r.check for r in records}


@given(setups())
def test_json_is_to_dict(setup: DomainSetup) -> None:
    """to_json parses back to to_dict."""
    records = expected_records(setup)
    assert records.to_dict() == json.loads(records.to_json())


@given(any_text(max_size=800))
def test_split_txt(text: str) -> None:
    """Character-strings of at most 255 octets that join back to the value."""
    chunks = split_txt(text)
    assert b"".join(chunks) == text.encode("utf-8", "surrogatepass")
    assert all(len(c) <= 255 for c in chunks)
    assert len(chunks) <= max(1, -(-len(b"".join(chunks)) // 252))


# --- client --------------------------------------------------------------------------------


@given(st.integers(1, 10**20))
def test_client_host(number: int) -> None:
    """Every endpoint is on pro<N>.mail.ovh.net."""
    settings = client_settings(number)
    expected = {f"pro{number}.mail.ovh.net"}
    assert expected == {e.host for e in settings.endpoints}


@given(st.integers())
def test_client_numbers(number: int) -> None:
    """A number is accepted exactly when check_server_number finds nothing wrong."""
    problems = check_server_number(number)
    if problems:
        with pytest.raises(ValidationError) as info:
            client_settings(number)
        assert problems == info.value.violations
    else:
        assert client_settings(number).host.startswith("pro")


# XML 1.0 §2.2 Char, less CR (§2.11 reads it back as LF).
_NOT_XML = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")


@given(domains(), any_text())
def test_autoconfig_any_name(domain: str, name: str) -> None:
    """Any display name is kept exactly in well-formed XML, or refused with a violation."""
    if _NOT_XML.search(name):
        with pytest.raises(ValidationError) as info:
            autoconfig_xml(1, domain=domain, display_name=name)
        expected = ("client.bad_xml_text",)
        assert expected == info.value.codes
    else:
        text = autoconfig_xml(1, domain=domain, display_name=name)
        assert name == ET.fromstring(text).findtext("emailProvider/displayName")


@given(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEF0123456789-.", min_size=1, max_size=30),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEF0123456789-._", max_size=70),
    st.booleans(),
)
def test_is_dkim_target_agrees_with_the_compiled_regex(
    selector: str, tail: str, build_valid: bool
) -> None:
    """is_dkim_target answers as the per-selector regex does, for targets right and wrong."""
    target = f"{selector}._domainkey.1675.ac.dkim.mail.ovh.net." if build_valid else tail
    expected = OVH_EMAIL_PRO.dkim_target_regex(selector).fullmatch(target) is not None
    assert OVH_EMAIL_PRO.is_dkim_target(selector, target) == expected
