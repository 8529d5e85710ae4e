"""Properties of the validate_* contract: validate_x(v) is v's normalized form whenever
check_x(v) is empty, and raises with exactly check_x(v)'s codes otherwise."""

from __future__ import annotations

import string

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from strategies import any_text, domains, invalid_logins, valid_logins, valid_passwords

from emailpro_core.domains import normalize_domain
from emailpro_core.errors import InvalidLogin, InvalidPassword, InvalidRelayTarget, InvalidSetup
from emailpro_core.naming import LoginPolicy, check_login, validate_login
from emailpro_core.password import PasswordPolicy, check_password, validate_password
from emailpro_core.records import OVH_EMAIL_PRO, DomainSetup, check_setup, validate_setup
from emailpro_core.routing import DomainMode, Platform, check_relay_target, validate_relay_target

PLATFORM = Platform("emailpro-zz1111111-1", hosts="pro1.mail.ovh.net")
LOGIN_POLICIES = st.sampled_from(
    [LoginPolicy.default(), LoginPolicy.guide(), LoginPolicy.control_panel()]
)
PASSWORD_POLICIES = st.sampled_from([PasswordPolicy.default(), PasswordPolicy.guide()])


@given(valid_logins() | invalid_logins() | any_text(), LOGIN_POLICIES)
def test_validate_login_is_the_login_when_check_is_empty(login: str, policy: LoginPolicy) -> None:
    """A login has one form: validate_login gives it back as is, or raises check_login's codes."""
    found = check_login(login, policy=policy)
    event("valid" if not found else "invalid")
    if not found:
        assert login == validate_login(login, policy=policy)
        return
    with pytest.raises(InvalidLogin) as info:
        validate_login(login, policy=policy)
    assert tuple(v.code for v in found) == info.value.codes


@given(valid_passwords() | any_text(max_size=40), PASSWORD_POLICIES)
def test_validate_password_is_the_password_when_check_is_empty(
    password: str, policy: PasswordPolicy
) -> None:
    """validate_password gives the password back unchanged, or raises check_password's codes."""
    found = check_password(password, policy=policy)
    event("valid" if not found else "invalid")
    if not found:
        assert password == validate_password(password, policy=policy)
        return
    with pytest.raises(InvalidPassword) as info:
        validate_password(password, policy=policy)
    assert tuple(v.code for v in found) == info.value.codes


def _relay_form(target: str | None) -> str | None:
    # The normalized form, written out: blank means none; otherwise A-labels, lower
    # case, no trailing dot (what normalize_domain gives for a valid host).
    if target is None or not target.strip():
        return None
    return normalize_domain(target).ascii


_TARGETS = (
    st.none()
    | st.sampled_from(["", "  ", "pro1.mail.ovh.net", "PRO1.MAIL.OVH.NET."])
    | st.sampled_from(OVH_EMAIL_PRO.relay_targets)
    | domains()
    | any_text()
)


@given(_TARGETS, st.sampled_from(DomainMode))
def test_validate_relay_target_is_the_normalized_host_when_check_is_empty(
    target: str | None, mode: DomainMode
) -> None:
    """validate_relay_target gives the normalized host (or None), or raises the check's codes."""
    found = check_relay_target(target, platform=PLATFORM, mode=mode)
    event("valid" if not found else "invalid")
    if not found:
        assert _relay_form(target) == validate_relay_target(target, platform=PLATFORM, mode=mode)
        return
    with pytest.raises(InvalidRelayTarget) as info:
        validate_relay_target(target, platform=PLATFORM, mode=mode)
    assert tuple(v.code for v in found) == info.value.codes


_TOKENS = st.none() | st.text(string.ascii_letters + string.digits + "-", max_size=12)


@st.composite
def _setups(draw: st.DrawFn) -> DomainSetup:
    # Setups of every kind, consistent or not: the check decides which.
    return DomainSetup(
        draw(domains()),
        mode=draw(st.none() | st.sampled_from(DomainMode)),
        relay_target=draw(st.none() | st.sampled_from(OVH_EMAIL_PRO.relay_targets) | domains()),
        server_number=draw(st.none() | st.integers(-1, 10**6)),
        managed_in_account=draw(st.booleans()),
        ownership_token=draw(_TOKENS),
        dkim_enabled=draw(st.booleans()),
    )


@given(_setups())
def test_validate_setup_is_the_setup_when_check_is_empty(setup: DomainSetup) -> None:
    """validate_setup gives back the setup itself, already in normalized form.

    Normalized: rebuilding it from its own JSON view gives an equal setup.
    """
    found = check_setup(setup)
    event("valid" if not found else "invalid")
    if not found:
        validated = validate_setup(setup)
        assert validated is setup
        assert DomainSetup.from_dict(setup.to_dict()) == validated
        return
    with pytest.raises(InvalidSetup) as info:
        validate_setup(setup)
    assert tuple(v.code for v in found) == info.value.codes
