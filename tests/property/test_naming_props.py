"""Properties of logins, addresses, names and service names."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import (
    any_text,
    domains,
    invalid_logins,
    invalid_logins_with_codes,
    non_str,
    valid_logins,
)

from emailpro_core.errors import InvalidLogin
from emailpro_core.naming import check_login, suggest_login
from emailpro_core.naming._logins import LoginPolicy, _login_part, validate_login
from emailpro_core.naming._naming import (
    ServiceName,
    check_display_name,
    check_first_name,
    check_last_name,
    check_service_name,
    is_placeholder_address,
    make_address,
    parse_address,
    parse_service_name,
)

DEFAULT = LoginPolicy.default()
GUIDE = LoginPolicy.guide()
PANEL = LoginPolicy.control_panel()
POLICIES = [DEFAULT, GUIDE, PANEL]

LOGIN_CODES = {
    "login.empty",
    "login.too_short",
    "login.too_long",
    "login.accented",
    "login.invalid_character",
    "login.leading_separator",
    "login.trailing_separator",
    "login.doubled_separator",
}

# A small alphabet where every policy's edge cases are frequent: separators of both
# readings, the guide's comma, an accent, a space.
near_logins = st.text(alphabet="aZ09-_.+, é", max_size=40)


@given(valid_logins())
def test_generated_valid_logins_pass_every_reading(login: str) -> None:
    """Every valid login passes the default, the guide and the control panel."""
    assert tuple(check_login(login, policy=p) for p in POLICIES) == ((), (), ())


@given(st.one_of(near_logins, valid_logins(), any_text()))
def test_default_is_the_intersection(login: str) -> None:
    """The default accepts exactly what both the guide and the control panel accept."""
    default_ok = check_login(login) == ()
    both_ok = check_login(login, policy=GUIDE) == () and check_login(login, policy=PANEL) == ()
    assert both_ok == default_ok


@given(invalid_logins_with_codes())
def test_invalid_logins_report_their_defect(pair: tuple[str, str]) -> None:
    """A login broken on purpose gets (at least) the code of its defect."""
    login, code = pair
    assert code in {v.code for v in check_login(login)}


@given(invalid_logins())
def test_validate_raises_iff_check_reports(login: str) -> None:
    """validate_login raises InvalidLogin carrying exactly check_login's violations."""
    with pytest.raises(InvalidLogin) as info:
        validate_login(login)
    assert check_login(login) == info.value.violations


@given(any_text(max_size=80), st.sampled_from(POLICIES))
def test_check_login_never_raises_and_is_deterministic(login: str, policy: LoginPolicy) -> None:
    """Any str gives known codes, the same ones every time, also for an equal copy."""
    first = check_login(login, policy=policy)
    assert first == check_login("".join(list(login)), policy=policy)
    assert {v.code for v in first} <= LOGIN_CODES
    assert (first == ()) == (validate_login_ok(login, policy))


def validate_login_ok(login: str, policy: LoginPolicy) -> bool:
    try:
        validate_login(login, policy=policy)
    except InvalidLogin:
        return False
    return True


@given(st.text(max_size=3).map(lambda s: s * 400), st.sampled_from(POLICIES))
def test_check_login_bounded_on_long_input(login: str, policy: LoginPolicy) -> None:
    """Long input gives at most one length code plus a bounded list."""
    assert len(check_login(login, policy=policy)) <= 2 + 16 + 3


@given(non_str())
def test_check_login_type_error(value: object) -> None:
    """Anything but a str is a TypeError."""
    with pytest.raises(TypeError):
        check_login(value)  # type: ignore[arg-type]


@given(any_text(max_size=40), any_text(max_size=40))
def test_suggest_login_passes_the_default(first: str, last: str) -> None:
    """A suggestion always passes the default policy, or nothing usable is reported."""
    login: str | None = None
    codes: tuple[str, ...] = ()
    try:
        login = suggest_login(first, last)
    except InvalidLogin as exc:
        codes = exc.codes
    if login is None:
        assert codes == ("login.nothing_usable",)
    else:
        assert check_login(login) == ()
        assert login == login.lower()


@given(any_text(max_size=40), any_text(max_size=40), st.data())
def test_suggest_login_is_free_valid_and_deterministic(
    first: str, last: str, data: st.DataObject
) -> None:
    """With taken logins, a suggestion is valid, never taken (in any case), and repeatable."""
    try:
        free = suggest_login(first, last)
    except InvalidLogin:
        return
    # Take the free form and a few of those that follow it, in mixed case, plus others.
    taken = {free.upper() if data.draw(st.booleans()) else free}
    for _ in range(data.draw(st.integers(min_value=0, max_value=12))):
        taken.add(suggest_login(first, last, taken=taken))
    taken |= data.draw(st.sets(valid_logins(), max_size=5))
    login = suggest_login(first, last, taken=taken)
    assert check_login(login) == ()
    assert login.lower() not in {t.lower() for t in taken}
    assert login == suggest_login(first, last, taken=sorted(taken))
    assert len(login) <= 32


@given(
    st.lists(st.sampled_from(["ab", "c", "defghij", "-", "_", ".", " ", "é"]), max_size=30).map(
        "".join
    ),
    st.lists(st.sampled_from(["xy", "z", "-", " ", "'"]), max_size=30).map("".join),
)
def test_suggest_login_cuts_after_a_word(first: str, last: str) -> None:
    """A shortened suggestion ends on a whole word of the full form (or keeps 31+ characters)."""
    parts = [_login_part(first), _login_part(last)]
    full = ".".join(part for part in parts if part)
    try:
        login = suggest_login(first, last)
    except InvalidLogin:
        assert len(full) < 2
        return
    if len(full) <= 32:
        assert full == login
    else:
        assert full.startswith(login)
        whole_word = full[len(login)] in "._-" and len(login) >= 16
        assert whole_word or len(login) >= 31


@given(valid_logins(), domains())
def test_address_round_trip(login: str, domain: str) -> None:
    """parse_address(make_address(l, d).ascii) gives back an equal address."""
    address = make_address(login, domain)
    assert address == parse_address(address.ascii) == parse_address(address.unicode)
    assert address == make_address(login.upper(), domain.lower())
    assert not is_placeholder_address(address) or address.domain.ascii == "configureme.me"


@given(valid_logins())
def test_placeholder_detected(login: str) -> None:
    """Any login at configureme.me is a placeholder, whatever the case."""
    assert is_placeholder_address(f"{login}@ConfigureMe.me")
    assert is_placeholder_address(make_address(login, "configureme.me."))


@given(any_text())
def test_is_placeholder_address_never_raises(text: str) -> None:
    """Any str gives a bool."""
    assert isinstance(is_placeholder_address(text), bool)


@given(
    st.from_regex(r"[a-z]{2}[0-9]{1,9}", fullmatch=True),
    st.integers(min_value=1, max_value=999_999_999),
)
def test_service_name_round_trip(nic_part: str, index: int) -> None:
    """str(ServiceName) parses back to the same value."""
    name = ServiceName(nic_part, index)
    assert name == parse_service_name(str(name))


@given(any_text())
def test_check_service_name_never_raises(text: str) -> None:
    """Any str gives service_name.* codes, and parse agrees with check."""
    violations = check_service_name(text)
    assert all(v.code.startswith("service_name.") for v in violations)
    if not violations:
        assert text == str(parse_service_name(text))


@given(any_text(max_size=300), st.booleans())
def test_name_checks_never_raise(text: str, required: bool) -> None:
    """Any str gives name.* codes for every name field."""
    for check in (check_first_name, check_last_name, check_display_name):
        violations = check(text, required=required)
        assert all(v.code.startswith("name.") for v in violations)


@given(st.text(alphabet=st.characters(categories=["L", "M", "N", "P", "Zs"]), max_size=32))
def test_ordinary_names_pass(text: str) -> None:
    """Letters, marks, digits, punctuation and spaces within 32 characters always pass."""
    assert () == check_first_name(text) == check_last_name(text) == check_display_name(text)
