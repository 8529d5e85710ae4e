"""The constructors from the provider's API objects: ``from_api`` of policies, people, setups."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest

from emailpro_core._apijson import _MESSAGES as API_MESSAGES
from emailpro_core._apijson import Fields, json_type, objects
from emailpro_core.errors import InvalidApiObject, ValidationError
from emailpro_core.naming import Account, check_login
from emailpro_core.password import PasswordPolicy, PersonalInfo, check_password
from emailpro_core.records import DkimSelector, DomainSetup
from emailpro_core.records._setup_api import _MESSAGES as SETUP_MESSAGES
from emailpro_core.records._setup_api import rule_path
from emailpro_core.routing import DomainMode

DATA = Path(__file__).parent / "ovh_api"


def load(name: str) -> Any:
    """A fixture of tests/ovh_api."""
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def problems(error: pytest.ExceptionInfo[InvalidApiObject]) -> list[tuple[str, object]]:
    """The (code, path) of every violation of an InvalidApiObject."""
    return [(v.code, v.params.get("path")) for v in error.value.violations]


# --- the service object -> PasswordPolicy ------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("service.json", PasswordPolicy.from_service(complexity_enabled=True, min_length=8)),
        (
            "service-null-min.json",
            PasswordPolicy.from_service(complexity_enabled=False, min_length=None),
        ),
    ],
)
def test_policy_from_service_object(name: str, expected: PasswordPolicy) -> None:
    """The policy of a service object is from_service of its two fields."""
    assert expected == PasswordPolicy.from_api(load(name))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (load("service-no-complexity.json"), [("api.missing_key", "service.complexityEnabled")]),
        (
            load("service-strings.json"),
            [
                ("api.wrong_type", "service.complexityEnabled"),
                ("api.wrong_type", "service.minPasswordLength"),
            ],
        ),
        (
            load("service-out-of-range.json"),
            [("password_policy.min_length_out_of_range", "service.minPasswordLength")],
        ),
        (
            {"complexityEnabled": True, "minPasswordLength": 8.0},
            [("api.wrong_type", "service.minPasswordLength")],
        ),
        ({"complexityEnabled": 1}, [("api.wrong_type", "service.complexityEnabled")]),
        (
            {"complexityEnabled": True, "minPasswordLength": True},
            [("api.wrong_type", "service.minPasswordLength")],
        ),
        ([], [("api.not_an_object", "service")]),
        (None, [("api.not_an_object", "service")]),
        ("{}", [("api.not_an_object", "service")]),
    ],
)
def test_policy_from_bad_service_object(value: Any, expected: list[tuple[str, str]]) -> None:
    """Every problem is listed in one InvalidApiObject, each with its path."""
    with pytest.raises(InvalidApiObject) as error:
        PasswordPolicy.from_api(value)
    assert expected == problems(error)


def test_invalid_api_object_is_a_validation_error() -> None:
    """The error is a ValidationError (and a ValueError); it pickles; it names each path."""
    with pytest.raises(InvalidApiObject) as error:
        PasswordPolicy.from_api({"complexityEnabled": "yes", "minPasswordLength": 99})
    assert isinstance(error.value, ValidationError)
    assert isinstance(error.value, ValueError)
    assert str(error.value) == (
        "invalid API object: service.complexityEnabled must be of type boolean, not string "
        "[api.wrong_type]; service.minPasswordLength: minPasswordLength is 99; the service "
        "accepts 0 or 3 to 14 [password_policy.min_length_out_of_range]"
    )
    again = pickle.loads(pickle.dumps(error.value))
    assert again.violations == error.value.violations
    assert str(InvalidApiObject(())) == "invalid API object"


def test_from_service_keeps_its_message() -> None:
    """from_service still raises its own ValidationError, with the same code and params."""
    with pytest.raises(ValidationError) as error:
        PasswordPolicy.from_service(complexity_enabled=True, min_length=2)
    (violation,) = error.value.violations
    assert violation.code == "password_policy.min_length_out_of_range"
    assert dict(violation.params) == {"value": 2, "minimum": 3, "maximum": 14}
    assert violation.message == "minPasswordLength is 2; the service accepts 0 or 3 to 14"


# --- the account object -> Account, PersonalInfo ------------------------------------


def test_account_from_api() -> None:
    """An account object gives the login rules' input and the password rules' input."""
    data = load("account.json")
    account = Account.from_api(data)
    assert account.login == "mary.johnson"
    assert account.address == "mary.johnson@example.org"
    assert account.display_name == "Mary Johnson"
    assert account.primary_address == "mary.johnson@example.org"
    assert check_login(account.login) == ()
    personal = PersonalInfo.from_api(data)
    assert personal == PersonalInfo(
        login="mary.johnson", first_name="Mary", last_name="Johnson", display_name="Mary Johnson"
    )
    policy = PasswordPolicy.from_api(load("service.json"))
    found = check_password("Johnson-2024x", policy=policy, personal=personal)
    assert [v.code for v in found] == ["password.contains_name"]


def test_placeholder_account() -> None:
    """An account not yet configured reads as it is, its names absent."""
    account = Account.from_api(load("account-placeholder.json"))
    assert (account.address, account.first_name) == ("x1y2z3@configureme.me", None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (load("account-missing.json"), [("api.missing_key", "account.login")]),
        (
            {"login": "a", "domain": "exa mple.org"},
            [("domain.invalid_character", "account.domain")],
        ),
        (
            {"login": ["a"], "domain": 3},
            [("api.wrong_type", "account.login"), ("api.wrong_type", "account.domain")],
        ),
        (
            {"login": "a", "domain": "example.org", "firstName": 3},
            [("api.wrong_type", "account.firstName")],
        ),
        ([{"login": "a"}], [("api.not_an_object", "account")]),
    ],
)
def test_account_from_bad_object(value: Any, expected: list[tuple[str, str]]) -> None:
    """Every problem is listed, with its path."""
    with pytest.raises(InvalidApiObject) as error:
        Account.from_api(value)
    assert expected == problems(error)


def test_personal_info_needs_only_the_login() -> None:
    """PersonalInfo reads the login and the names; it refuses an object without login."""
    assert PersonalInfo.from_api({"login": "bob"}) == PersonalInfo(login="bob")
    with pytest.raises(InvalidApiObject) as error:
        PersonalInfo.from_api({"displayName": None})
    assert [("api.missing_key", "account.login")] == problems(error)


def test_account_checks_its_fields() -> None:
    """Built by hand, an Account refuses values of the wrong type."""
    with pytest.raises(TypeError, match="first_name must be a str or None"):
        Account("a", Account.from_api(load("account.json")).domain, first_name=3)  # type: ignore[arg-type]


# --- the domain and DKIM objects -> DomainSetup -------------------------------------


def test_setup_from_domain_and_dkim_objects() -> None:
    """Every field of the setup comes from its API field."""
    setup = DomainSetup.from_api(load("domain.json"), dkim=load("dkim-both.json"))
    assert setup == DomainSetup(
        "example.org",
        mode=DomainMode.AUTHORITATIVE,
        server_number=1,
        ownership_token="ab1cd-check",
        dkim_selectors=(
            DkimSelector(
                "ovhemp123456-selector1",
                "ovhemp123456-selector1._domainkey.1675.ac.dkim.mail.ovh.net",
            ),
            DkimSelector(
                "ovhemp123456-selector2",
                "ovhemp123456-selector2._domainkey.1675.ac.dkim.mail.ovh.net",
            ),
        ),
        dkim_enabled=True,
    )


def test_setup_non_authoritative_and_managed() -> None:
    """The relay target is read in non-authoritative mode; managed_in_account is the caller's."""
    setup = DomainSetup.from_api(load("domain-non-authoritative.json"), managed_in_account=True)
    assert (setup.mode, setup.relay_target, setup.managed_in_account, setup.dkim_enabled) == (
        DomainMode.NON_AUTHORITATIVE,
        "mx1.mail.ovh.net",
        True,
        False,
    )
    with pytest.raises(TypeError, match="managed_in_account must be a bool"):
        DomainSetup.from_api(load("domain.json"), managed_in_account=None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # An authoritative domain's mxRelay is dropped, as the control panel does.
        ({"mxRelay": "mx1.mail.ovh.net"}, {"relay_target": None}),
        ({"cnameToCheck": ""}, {"ownership_token": None}),
        (
            {"cnameToCheck": None, "expectedAutodiscoverSRV": "  "},
            {"ownership_token": None, "server_number": None},
        ),
        ({"expectedAutodiscoverSRV": "0 0 443 PRO12.mail.ovh.net"}, {"server_number": 12}),
        (
            {"type": "nonAuthoritative", "mxRelay": "MX1.mail.ovh.net."},
            {"relay_target": "mx1.mail.ovh.net"},
        ),
    ],
)
def test_setup_field_readings(changes: dict[str, object], expected: dict[str, object]) -> None:
    """Blank values are none; the server number is the last field of the SRV string."""
    setup = DomainSetup.from_api({**load("domain.json"), **changes})
    assert expected == {key: getattr(setup, key) for key in expected}


def test_service_hostname_gives_the_server_number() -> None:
    """Without expectedAutodiscoverSRV, the service's hostname gives the server number."""
    domain = {"name": "example.org", "type": "authoritative"}
    assert DomainSetup.from_api(domain).server_number is None
    setup = DomainSetup.from_api(domain, service={"hostname": "pro3.mail.ovh.net"})
    assert setup.server_number == 3
    both = DomainSetup.from_api(load("domain.json"), service=load("service.json"))
    assert both.server_number == 1


@pytest.mark.parametrize(
    ("domain", "dkim", "service", "expected"),
    [
        (load("domain-missing.json"), (), None, [("api.missing_key", "domain.name")]),
        (
            load("domain-wrong-types.json"),
            (),
            None,
            [("api.wrong_type", "domain.type"), ("api.wrong_type", "domain.mxRelay")],
        ),
        (
            load("domain-nulls.json"),
            (),
            None,
            [
                ("api.wrong_type", "domain.name"),
                ("api.wrong_type", "domain.type"),
                ("api.wrong_type", "domain.expectedAutodiscoverSRV"),
            ],
        ),
        (load("domain-list.json"), (), None, [("api.not_an_object", "domain")]),
        (
            load("domain-bad-values.json"),
            (),
            None,
            [
                ("api.not_a_service_host", "domain.expectedAutodiscoverSRV"),
                ("setup.bad_token", "domain.cnameToCheck"),
            ],
        ),
        (
            {**load("domain-bad-values.json"), "expectedAutodiscoverSRV": "x pro1.mail.ovh.net"},
            (),
            None,
            [("relay.loop", "domain.mxRelay"), ("setup.bad_token", "domain.cnameToCheck")],
        ),
        (
            load("domain.json"),
            load("dkim-other-domain.json"),
            None,
            [("api.other_domain", "dkim[0].customerRecord")],
        ),
        (
            load("domain.json"),
            [{**load("dkim-selector1.json"), "selectorName": "ovhemp123456-selector2"}],
            None,
            [
                ("api.selector_mismatch", "dkim[0].customerRecord"),
                ("setup.bad_dkim_target", "dkim[0].targetRecord"),
            ],
        ),
        (
            load("domain.json"),
            load("dkim-wrong-types.json"),
            None,
            [("api.wrong_type", "dkim[0].selectorName"), ("api.unknown_value", "dkim[0].status")],
        ),
        (
            load("domain.json"),
            [load("dkim-selector1.json"), load("dkim-selector1.json")],
            None,
            [("setup.duplicate_selector", "dkim[1].selectorName")],
        ),
        (
            load("domain.json"),
            [
                {"selectorName": "selector1", "targetRecord": "x.example.net"},
                {"selectorName": "ovhemp1-selector1", "targetRecord": "x.example.net"},
            ],
            None,
            [
                ("setup.bad_selector", "dkim[0].selectorName"),
                ("setup.bad_dkim_target", "dkim[1].targetRecord"),
            ],
        ),
        (
            load("domain.json"),
            [{**load("dkim-selector1.json"), "recordType": "TXT"}],
            None,
            [("api.unknown_value", "dkim[0].recordType")],
        ),
        (load("domain.json"), "dkim", None, [("api.not_a_list", "dkim")]),
        (
            {**load("domain.json"), "name": "a..b"},
            load("dkim-both.json"),
            None,
            [("domain.empty_label", "domain.name")],
        ),
        (load("domain.json"), [None], None, [("api.not_an_object", "dkim[0]")]),
        (
            {**load("domain.json"), "type": "nonAuthoritative", "mxRelay": ""},
            (),
            None,
            [("relay.required", "domain.mxRelay")],
        ),
        (
            load("domain.json"),
            (),
            {"hostname": "pro2.mail.ovh.net"},
            [("api.server_mismatch", "service.hostname")],
        ),
        (
            load("domain.json"),
            (),
            {"hostname": "ex.mail.ovh.ca"},
            [("api.not_a_service_host", "service.hostname")],
        ),
        (load("domain.json"), (), [], [("api.not_an_object", "service")]),
        (
            {**load("domain.json"), "name": "-bad-.example"},
            (),
            None,
            [("domain.hyphen_start", "domain.name"), ("domain.hyphen_end", "domain.name")],
        ),
    ],
)
def test_setup_from_bad_objects(
    domain: Any, dkim: Any, service: Any, expected: list[tuple[str, str]]
) -> None:
    """Every problem of every object is listed once, with its path."""
    with pytest.raises(InvalidApiObject) as error:
        DomainSetup.from_api(domain, dkim=dkim, service=service)
    assert expected == problems(error)


def test_one_dkim_object_alone() -> None:
    """One DKIM object, not in a list, is read as a list of one."""
    setup = DomainSetup.from_api(load("domain.json"), dkim=load("dkim-selector2.json"))
    assert [s.name for s in setup.dkim_selectors] == ["ovhemp123456-selector2"]
    assert setup.dkim_enabled is False  # "ready" is not enabled


def test_rule_paths() -> None:
    """Each setup rule's violation points at the key it was read from."""
    from emailpro_core.errors import Violation

    assert (
        rule_path(Violation("setup.name_too_long", "", {"check": "ownership"}))
        == "domain.cnameToCheck"
    )
    assert rule_path(Violation("setup.name_too_long", "", {"check": "dkim"})) == "dkim"
    assert rule_path(Violation("setup.name_too_long", "", {"check": "dmarc"})) == "domain.name"
    assert (
        rule_path(Violation("setup.bad_server_number", "", {})) == "domain.expectedAutodiscoverSRV"
    )


# --- the reader ----------------------------------------------------------------------


def test_json_types() -> None:
    """JSON names for JSON values; a value JSON cannot hold is named by its Python type."""
    values: tuple[object, ...] = ("", 1, 1.0, (), [], {}, None, True)
    expected = ["string", "number", "number", "array", "array", "object", "null", "boolean"]
    assert expected == [json_type(v) for v in values]
    assert json_type({1}) == "set"


def test_reader_of_a_nested_object() -> None:
    """A nested object is read with its own path; a value that is not one, refused."""
    found: list[Any] = []
    fields = Fields({"dkimDiagnostics": {"state": 3}, "x": 1}, "domain", found)
    inner = fields.object("dkimDiagnostics")
    assert inner is not None
    assert inner.string("state") is None
    assert fields.object("x") is None
    assert fields.object("absent") is None
    assert [(v.code, v.params["path"]) for v in found] == [
        ("api.wrong_type", "domain.dkimDiagnostics.state"),
        ("api.wrong_type", "domain.x"),
    ]
    assert objects((), "dkim", found) == []


def test_every_code_has_one_template() -> None:
    """Each module keeps its templates in one dict; no code has two templates."""
    assert not set(API_MESSAGES) & set(SETUP_MESSAGES)
    for templates in (API_MESSAGES, SETUP_MESSAGES):
        for code, template in templates.items():
            assert code.startswith("api.")
            assert "{path}" in template or "{parent}" in template


@pytest.mark.parametrize(
    ("domain", "french"),
    [
        (
            {"name": "example.org", "type": "authoritative", "mxRelay": []},
            "domain.mxRelay doit être de type string ou null, et non array",
        ),
        (
            {"name": "example.org", "type": 3},
            "domain.type doit être de type string, et non number",
        ),
    ],
)
def test_wrong_types_in_french(domain: dict[str, object], french: str) -> None:
    """A value of the wrong JSON type, said in French; "or null" when null is allowed."""
    with pytest.raises(InvalidApiObject) as error:
        DomainSetup.from_api(domain)
    assert french in [v.render("fr") for v in error.value.violations]
