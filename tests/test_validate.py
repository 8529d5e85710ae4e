"""One contract for every public validate_* function: the normalized value, or an error.

Each ``validate_x(value)`` returns ``value`` in normalized form when ``check_x(value)``
is empty, and raises a ``ValidationError`` carrying exactly those violations otherwise.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

import pytest

import emailpro_core
from emailpro_core.errors import (
    InvalidLogin,
    InvalidPassword,
    InvalidRelayTarget,
    InvalidSetup,
    ValidationError,
)
from emailpro_core.naming import LoginPolicy, check_login, validate_login
from emailpro_core.password import PasswordPolicy, PersonalInfo, check_password, validate_password
from emailpro_core.records import DomainSetup, check_setup, validate_setup
from emailpro_core.routing import DomainMode, Platform, check_relay_target, validate_relay_target

AUTH = DomainMode.AUTHORITATIVE
NON = DomainMode.NON_AUTHORITATIVE
PLATFORM = Platform("emailpro-zz1111111-1", hosts="pro1.mail.ovh.net")
NO_COMPLEXITY = PasswordPolicy.from_service(complexity_enabled=False, min_length=9)

#: Every public validate_* function, and what it checks with.
VALIDATORS = {
    "validate_login": validate_login,
    "validate_password": validate_password,
    "validate_relay_target": validate_relay_target,
    "validate_setup": validate_setup,
}


def _public_validators() -> dict[str, object]:
    # Every module whose dotted name has no private (underscored) part.
    names = ["emailpro_core"] + [
        info.name
        for info in pkgutil.walk_packages(emailpro_core.__path__, "emailpro_core.")
        if not any(part.startswith("_") for part in info.name.split("."))
    ]
    found: dict[str, object] = {}
    for name in names:
        module = importlib.import_module(name)
        for export in getattr(module, "__all__", ()):
            if export.startswith("validate_"):
                found[export] = getattr(module, export)
    return found


def test_every_validator_is_listed() -> None:
    """VALIDATORS is every public validate_* function, so each one is held to the contract."""
    assert VALIDATORS == _public_validators()


@pytest.mark.parametrize(
    ("login", "policy", "expected"),
    [
        ("Mary.Johnson", LoginPolicy.default(), "Mary.Johnson"),
        ("a_b-c", LoginPolicy.default(), "a_b-c"),
        ("jd", LoginPolicy.guide(), "jd"),
        ("a,b", LoginPolicy.guide(), "a,b"),
        ("a+b", LoginPolicy.control_panel(), "a+b"),
    ],
)
def test_validate_login_returns_the_login(login: str, policy: LoginPolicy, expected: str) -> None:
    """A valid login comes back as given: its case is kept."""
    assert () == check_login(login, policy=policy)
    assert expected == validate_login(login, policy=policy)


@pytest.mark.parametrize(
    ("password", "policy", "expected"),
    [
        ("Tr0ub4dor&3", PasswordPolicy.default(), "Tr0ub4dor&3"),
        ("Abcdefgh1", PasswordPolicy.default(), "Abcdefgh1"),
        ("Zyxwvuts9", PasswordPolicy.guide(), "Zyxwvuts9"),
        (
            "abcdefghi",
            PasswordPolicy.from_service(complexity_enabled=False, min_length=9),
            "abcdefghi",
        ),
    ],
)
def test_validate_password_returns_the_password(
    password: str, policy: PasswordPolicy, expected: str
) -> None:
    """A valid password comes back exactly as given (it is never altered)."""
    assert () == check_password(password, policy=policy)
    assert expected == validate_password(password, policy=policy)


def test_validate_password_with_personal_data() -> None:
    """Personal data that the password avoids does not change what comes back."""
    person = PersonalInfo(login="jd", first_name="John")
    assert "Abcdefgh1" == validate_password("Abcdefgh1", personal=person)


@pytest.mark.parametrize(
    ("target", "mode", "expected"),
    [
        ("MX1.Mail.OVH.net.", NON, "mx1.mail.ovh.net"),
        ("relay.example.com", NON, "relay.example.com"),
        ("Bücher.Example", NON, "xn--bcher-kva.example"),
        (None, AUTH, None),
        ("  ", AUTH, None),
    ],
)
def test_validate_relay_target_returns_the_normalized_host(
    target: str | None, mode: DomainMode, expected: str | None
) -> None:
    """A valid relay target comes back in A-labels, lower case, without its trailing dot."""
    assert () == check_relay_target(target, platform=PLATFORM, mode=mode)
    assert expected == validate_relay_target(target, platform=PLATFORM, mode=mode)


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (DomainSetup("Example.ORG."), {"domain": "example.org", "relay_target": None}),
        (
            DomainSetup(
                "bücher.example", mode="nonAuthoritative", relay_target="MX1.mail.ovh.net."
            ),
            {"domain": "xn--bcher-kva.example", "relay_target": "mx1.mail.ovh.net"},
        ),
        (
            DomainSetup("example.org", server_number=2, ownership_token="AB1CD"),
            {"domain": "example.org", "server_number": 2, "ownership_token": "ab1cd"},
        ),
    ],
)
def test_validate_setup_returns_the_setup(setup: DomainSetup, expected: dict[str, object]) -> None:
    """A consistent setup comes back as it is: its fields are already normalized."""
    assert () == check_setup(setup)
    validated = validate_setup(setup)
    assert validated is setup
    assert expected == {key: validated.to_dict()[key] for key in expected}


@pytest.mark.parametrize(
    ("call", "error", "codes"),
    [
        (lambda: validate_login(".é."), InvalidLogin, ("login.accented",)),
        (lambda: validate_password("hunter2"), InvalidPassword, ("password.too_short",)),
        (
            lambda: validate_relay_target(None, platform=PLATFORM, mode=NON),
            InvalidRelayTarget,
            ("relay.required",),
        ),
        (
            lambda: validate_setup(DomainSetup("example.org", server_number=0)),
            InvalidSetup,
            ("setup.bad_server_number",),
        ),
    ],
)
def test_validators_raise_a_validation_error(
    call: Callable[[], object], error: type[ValidationError], codes: tuple[str, ...]
) -> None:
    """An invalid value raises the validator's own ValidationError, with its codes."""
    with pytest.raises(error) as info:
        call()
    assert isinstance(info.value, ValidationError)
    assert set(codes) <= set(info.value.codes)


def test_top_level_validators_are_the_same_functions() -> None:
    """The package re-exports each validator, and check_setup beside DomainSetup."""
    assert emailpro_core.validate_setup is validate_setup
    assert emailpro_core.check_setup is check_setup
    assert emailpro_core.InvalidSetup is InvalidSetup
    assert emailpro_core.validate_password is validate_password
