"""Properties: whatever the input, every violation of the rules renders in French.

For generated domains, names, passwords, SPF, DKIM and DMARC text, relay
targets and setups: each violation's key is in the catalog; its French differs
from its English, leaves no placeholder unfilled, and is printable but for the
no-break spaces of French typography; rendering changes neither the code nor
the params; and a password never shows in any language.
"""

from __future__ import annotations

import string

from hypothesis import assume, given
from hypothesis import strategies as st
from strategies import any_text, domains

from emailpro_core.dkim import parse_dkim_key
from emailpro_core.dmarc import parse_dmarc
from emailpro_core.domains import check_domain_name
from emailpro_core.errors import ValidationError, Violation
from emailpro_core.i18n import _catalog
from emailpro_core.naming import check_display_name, check_first_name, check_service_name
from emailpro_core.password import PasswordPolicy, PersonalInfo, check_password
from emailpro_core.records import DomainSetup, check_setup
from emailpro_core.routing import DomainMode, Platform, check_relay_target
from emailpro_core.spf import merge_spf, parse_spf

PRO = Platform("emailpro-zz1111111-1", hosts="pro1.mail.ovh.net")
_TYPOGRAPHY = str.maketrans("", "", "\u00a0\u202f")


def holes(violation: Violation) -> set[str]:
    """The placeholders of the violation's French template that nothing fills."""
    template = _catalog.registered_template(violation.key)
    assert template is not None, violation.key
    french = _catalog.translate(violation.key, template, "fr")
    filled = set(violation.params) | ({"causes"} if violation.causes else set())
    return set(_catalog.placeholders(french)) - filled


def check_rendering(violations: tuple[Violation, ...]) -> None:
    for violation in violations:
        before = (violation.code, dict(violation.params), violation.message)
        french = violation.render("fr")
        assert violation.render("en") == violation.message
        assert french != violation.message, violation.key
        assert holes(violation) == set(), violation.key
        assert french.translate(_TYPOGRAPHY).isprintable(), french
        assert (violation.code, dict(violation.params), violation.message) == before
        for cause in violation.causes:
            assert cause.render("fr") in french


@given(st.one_of(domains(), any_text()))
def test_domain_violations_render_in_french(text: str) -> None:
    check_rendering(check_domain_name(text))


@given(st.one_of(any_text(max_size=80), st.text(alphabet="emailpro-zZ019x", max_size=30)))
def test_name_violations_render_in_french(text: str) -> None:
    check_rendering(check_service_name(text))
    check_rendering(check_first_name(text, required=True))
    check_rendering(check_display_name(text * 4, required=True))


@given(any_text(max_size=40), st.text(alphabet=string.ascii_letters, min_size=2, max_size=8))
def test_password_violations_render_in_french_and_never_show_it(password: str, login: str) -> None:
    found = check_password(password, personal=PersonalInfo(login=login, first_name=login))
    check_rendering(found)
    assume(len(password) >= 4)
    for violation in found:
        template = _catalog.registered_template(violation.key) or ""
        french_template = _catalog.translate(violation.key, template, "fr")
        assume(password not in template and password not in french_template)
        assert password not in violation.render("fr")
        assert password not in violation.render("en")


_SPF_PIECES = st.sampled_from(
    [
        "v=spf1",
        " ",
        "ip4:",
        "1.2.3.4",
        "/33",
        "a",
        "mx",
        "include:",
        "%{d}",
        "%{z}",
        "%x",
        "%{d0}",
        "redirect=",
        "x.org",
        "-all",
        "all:x",
        "é",
        "\x7f",
        "=",
        "1",
        "//",
    ]
)


@given(st.lists(_SPF_PIECES, max_size=12).map("".join), any_text(max_size=20))
def test_spf_violations_render_in_french(text: str, include: str) -> None:
    check_rendering(parse_spf(text).violations)
    check_rendering(merge_spf([text], "mx.ovh.com").violations)
    check_rendering(merge_spf(text, include).violations)


_TAG_PIECES = st.sampled_from(
    [
        "v=DKIM1",
        "v=DMARC1",
        "; ",
        ";",
        "p=",
        "none",
        "maybe",
        "k=RSA",
        "k=dsa",
        "h=sha1",
        "s=x",
        "rua=",
        "mailto:",
        "a!b@c.org",
        "x",
        "pct=10",
        "fo=0:1",
        "ri=",
        "t=z",
        "\x01",
        "=",
        "MIIB",
    ]
)


@given(st.lists(_TAG_PIECES, max_size=10).map("".join))
def test_dkim_and_dmarc_violations_render_in_french(text: str) -> None:
    key = parse_dkim_key(text)
    check_rendering(key.violations + key.warnings)
    record = parse_dmarc(text)
    check_rendering(record.errors + record.warnings)


@given(
    st.one_of(st.none(), domains(), any_text(max_size=30), st.just("pro1.mail.ovh.net")),
    st.sampled_from(DomainMode),
)
def test_relay_violations_render_in_french(target: str | None, mode: DomainMode) -> None:
    check_rendering(check_relay_target(target, platform=PRO, mode=mode))


@given(
    st.one_of(st.none(), st.integers(-3, 12)),
    st.one_of(st.none(), any_text(max_size=20)),
    st.lists(st.one_of(any_text(max_size=12), st.just("ovhemp1-selector1")), max_size=3),
    st.booleans(),
)
def test_setup_violations_render_in_french(
    server: int | None, token: str | None, selectors: list[str], dkim: bool
) -> None:
    setup = DomainSetup(
        "example.org",
        server_number=server,
        ownership_token=token,
        dkim_selectors=selectors,
        dkim_enabled=dkim,
    )
    found = check_setup(setup)
    check_rendering(found)
    if found:
        error = ValidationError(found, "domain setup")
        french = error.render("fr")
        assert french.startswith("configuration de domaine invalide\u00a0: ")
        assert [v.code for v in error.violations] == [v.code for v in found]
        for violation in found:
            assert f"{violation.render('fr')} [{violation.code}]" in french


@given(
    st.booleans(),
    st.one_of(st.none(), st.just(0), st.integers(3, 14)),
)
def test_any_service_policy_describes_itself_in_french(
    complexity: bool, length: int | None
) -> None:
    """Every part of a policy's description is French under lang="fr"; English by default."""
    policy = PasswordPolicy.from_service(complexity_enabled=complexity, min_length=length)
    english, french = policy.describe(), policy.describe("fr")
    assert english == policy.describe("en")
    assert french != english
    assert "characters" not in french
    assert "{" not in french
    assert len(french.split(", ")) >= len(english.split(", ")) - 1
