"""Properties of the constructors from the provider's API objects (``from_api``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emailpro_core.checker import Check, Diagnosis, Finding, PanelState, Status, second_opinion
from emailpro_core.errors import InvalidApiObject
from emailpro_core.naming import Account
from emailpro_core.password import PasswordPolicy, PersonalInfo
from emailpro_core.records import DomainSetup

DATA = Path(__file__).parent.parent / "ovh_api"


def load(name: str) -> Any:
    """A fixture of tests/ovh_api."""
    return json.loads((DATA / name).read_text(encoding="utf-8"))


SERVICE, DOMAIN, ACCOUNT = load("service.json"), load("domain.json"), load("account.json")
DKIM = load("dkim-both.json")

# Any JSON value, as json.loads gives them.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
# Keys no object of the API has: camelCase names of the future, and odd ones.
extra_keys = st.dictionaries(
    st.text(max_size=12).filter(
        lambda k: k not in DOMAIN and k not in SERVICE and k not in ACCOUNT
    ),
    json_values,
    max_size=5,
)
# What each constructor requires (docs/ovh-api.md), with the object it reads.
REQUIRED = [
    (PasswordPolicy.from_api, SERVICE, "service", ["complexityEnabled"]),
    (PersonalInfo.from_api, ACCOUNT, "account", ["login"]),
    (Account.from_api, ACCOUNT, "account", ["login", "domain"]),
    (DomainSetup.from_api, DOMAIN, "domain", ["name", "type"]),
    (
        PanelState.from_api,
        DOMAIN,
        "domain",
        ["name", "domainValidated", "mxIsValid", "spfIsValid", "srvIsValid"],
    ),
]


@pytest.mark.parametrize(("build", "good", "root", "required"), REQUIRED)
@given(extra=extra_keys)
def test_extra_keys_change_nothing(
    build: Any, good: dict[str, Any], root: str, required: list[str], extra: dict[str, Any]
) -> None:
    """Any object with keys added gives the same result: unknown keys are ignored."""
    assert build({**good, **extra}) == build(good)


@pytest.mark.parametrize(("build", "good", "root", "required"), REQUIRED)
@given(data=st.data())
def test_a_required_key_removed_is_named(
    build: Any, good: dict[str, Any], root: str, required: list[str], data: st.DataObject
) -> None:
    """Removing any set of required keys gives exactly one api.missing_key per key, in order."""
    removed = data.draw(st.lists(st.sampled_from(required), min_size=1, unique=True))
    with pytest.raises(InvalidApiObject) as error:
        build({k: v for k, v in good.items() if k not in removed})
    found = [(v.code, v.params["path"]) for v in error.value.violations]
    assert found == [("api.missing_key", f"{root}.{key}") for key in required if key in removed]


@pytest.mark.parametrize(("build", "good", "root", "required"), REQUIRED)
@given(data=st.data())
def test_any_json_in_place_of_a_value_is_a_clear_error(
    build: Any, good: dict[str, Any], root: str, required: list[str], data: st.DataObject
) -> None:
    """Any JSON value under any key, or in place of the object, gives a result or a clear error."""
    key = data.draw(st.sampled_from(sorted(good)))
    value = data.draw(json_values)
    for candidate in ({**good, key: value}, value):
        violations = _violations(build, candidate)
        assert violations != ()
        paths = [str(v.params["path"]) for v in violations or ()]
        assert all(path.startswith(root) for path in paths)


def _violations(build: Any, value: object) -> tuple[Any, ...] | None:
    """The violations ``build(value)`` raises, or ``None`` when it builds."""
    try:
        build(value)
    except InvalidApiObject as exc:
        return exc.violations
    return None


@given(
    complexity=st.booleans(),
    min_length=st.none() | st.just(0) | st.integers(3, 14),
    extra=extra_keys,
)
def test_policy_round_trips_through_the_api_shape(
    complexity: bool, min_length: int | None, extra: dict[str, Any]
) -> None:
    """from_api of the API-shaped dict of a service policy is that policy."""
    policy = PasswordPolicy.from_service(complexity_enabled=complexity, min_length=min_length)
    shaped = {**extra, "complexityEnabled": complexity, "minPasswordLength": min_length}
    assert PasswordPolicy.from_api(shaped) == policy


@given(min_length=st.integers().filter(lambda n: n != 0 and not 3 <= n <= 14))
def test_min_length_out_of_range(min_length: int) -> None:
    """Any other minPasswordLength is refused with the rule's code, at its path."""
    with pytest.raises(InvalidApiObject) as error:
        PasswordPolicy.from_api({"complexityEnabled": True, "minPasswordLength": min_length})
    (violation,) = error.value.violations
    assert violation.code == "password_policy.min_length_out_of_range"
    assert violation.params["path"] == "service.minPasswordLength"


@given(number=st.integers(1, 10**6), extra=extra_keys)
def test_setup_server_number_from_any_service_host(number: int, extra: dict[str, Any]) -> None:
    """The server number is the N of the SRV target pro<N>.mail.ovh.net, whatever precedes it."""
    srv = f"_autodiscover._tcp.example.org. IN SRV 0 0 443 pro{number}.mail.ovh.net."
    setup = DomainSetup.from_api({**DOMAIN, **extra, "expectedAutodiscoverSRV": srv}, dkim=DKIM)
    assert setup.server_number == number


STATUSES = [Status.OK, Status.WARNING, Status.ERROR, Status.UNKNOWN, Status.SKIPPED]


@given(
    flags=st.tuples(st.booleans(), st.booleans(), st.booleans()),
    statuses=st.lists(st.sampled_from(STATUSES), min_size=3, max_size=3),
)
def test_disagreements_are_green_on_error_or_red_on_ok(
    flags: tuple[bool, bool, bool], statuses: list[Status]
) -> None:
    """A badge disagrees exactly when it is green on an ERROR (laxer) or red on an OK (stricter)."""
    state = PanelState("example.org", True, *flags)
    checks = [Check.MX, Check.SPF, Check.AUTODISCOVER]
    names = ["example.org.", "example.org.", "_autodiscover._tcp.example.org."]
    findings = [
        Finding(c, s, "x.y", "", n) for c, s, n in zip(checks, statuses, names, strict=True)
    ]
    opinion = second_opinion(state, Diagnosis("example.org", findings))
    for valid, status, o in zip(flags, statuses, opinion.opinions[:3], strict=True):
        expected = "panel.agrees"
        if status in (Status.UNKNOWN, Status.SKIPPED):
            expected = "panel.undecided"
        elif valid and status is Status.ERROR:
            expected = "panel.laxer"
        elif not valid and status is Status.OK:
            expected = "panel.stricter"
        assert o.code == expected
        assert o.message  # every reason has its template


@pytest.mark.parametrize(("build", "good", "root", "required"), REQUIRED)
@given(data=st.data())
def test_every_problem_renders_in_french(
    build: Any, good: dict[str, Any], root: str, required: list[str], data: st.DataObject
) -> None:
    """Any bad object's problems render in French: other words, the same codes and params."""
    key = data.draw(st.sampled_from(sorted(good)))
    for violation in _violations(build, {**good, key: data.draw(json_values)}) or ():
        french = violation.render("fr")
        assert french != violation.message
        assert "{" not in french.replace(str(violation.params.get("value", "")), "")
        assert violation.render("en") == violation.message
