"""Properties of password policies, checking and generation."""

from __future__ import annotations

import random
import string
import unicodedata
from datetime import date

from hypothesis import event, given
from hypothesis import strategies as st
from strategies import any_text

from emailpro_core.errors import InvalidPassword, Violation
from emailpro_core.password import CharacterSet
from emailpro_core.password._password import check_password, generate_password, validate_password
from emailpro_core.password._personal import PersonalInfo, birth_date_forms
from emailpro_core.password._policy import PasswordPolicy

DEFAULT = PasswordPolicy.default()
GUIDE = PasswordPolicy.guide()

PASSWORD_CODES = {
    "password.empty",
    "password.too_short",
    "password.too_long",
    "password.whitespace",
    "password.non_ascii",
    "password.accented",
    "password.control_character",
    "password.lone_surrogate",
    "password.missing_upper",
    "password.missing_lower",
    "password.missing_digit",
    "password.too_few_categories",
    "password.contains_login",
    "password.contains_name",
    "password.contains_birth_date",
}
# Two characters that no message, param or repr of ours contains: a password that
# carries them shows whether any of its text reaches the output.
SENTINELS = "§¶"


def service_policies() -> st.SearchStrategy[PasswordPolicy]:
    """from_service over every valid minPasswordLength (None, 0, 3-14)."""
    return st.builds(
        PasswordPolicy.from_service,
        complexity_enabled=st.booleans(),
        min_length=st.sampled_from([None, 0, *range(3, 15)]),
    )


def policies() -> st.SearchStrategy[PasswordPolicy]:
    """The default, the guide, and any service policy."""
    return st.one_of(st.just(DEFAULT), st.just(GUIDE), service_policies())


def optional_text() -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), any_text(max_size=20))


def personal_infos() -> st.SearchStrategy[PersonalInfo]:
    """Any personal data: arbitrary text (controls, marks, surrogates) and any date."""
    return st.builds(
        PersonalInfo,
        login=optional_text(),
        first_name=optional_text(),
        last_name=optional_text(),
        display_name=optional_text(),
        birth_date=st.one_of(st.none(), st.dates()),
    )


def person_with(field: str, value: str) -> PersonalInfo:
    """PersonalInfo with ``value`` in the named field."""
    return {
        "login": PersonalInfo(login=value),
        "first_name": PersonalInfo(first_name=value),
        "last_name": PersonalInfo(last_name=value),
        "display_name": PersonalInfo(display_name=value),
    }[field]


def output_texts(violations: tuple[Violation, ...]) -> list[str]:
    """Every text a caller could see or log from the violations."""
    texts = [repr(violations), str(violations)]
    for v in violations:
        texts += [v.code, v.message, repr(v.params), repr(v), str(v.to_dict())]
    return texts


@given(policy=policies(), personal=st.one_of(st.none(), personal_infos()), seed=st.integers())
def test_generated_passwords_pass_their_policy(
    policy: PasswordPolicy, personal: PersonalInfo | None, seed: int
) -> None:
    """generate_password's output always passes check_password, personal data included."""
    password = generate_password(policy=policy, personal=personal, rng=random.Random(seed))
    assert check_password(password, policy=policy, personal=personal) == ()
    assert max(policy.min_length, 1) <= len(password) <= policy.max_length


@given(
    policy=policies(),
    personal=st.one_of(st.none(), personal_infos()),
    password=any_text(max_size=80),
)
def test_check_never_raises(
    policy: PasswordPolicy, personal: PersonalInfo | None, password: str
) -> None:
    """Any str gives a tuple of known violations, each code at most once per field."""
    violations = check_password(password, policy=policy, personal=personal)
    keys = [(v.code, v.params.get("field")) for v in violations]
    assert {v.code for v in violations} <= PASSWORD_CODES
    assert len(keys) == len(set(keys))
    assert isinstance(violations, tuple)
    assert all(isinstance(v, Violation) for v in violations)


@given(
    prefix=any_text(max_size=20),
    body=any_text(max_size=12),
    suffix=any_text(max_size=20),
    policy=policies(),
    personal=st.one_of(st.none(), personal_infos()),
    marked_field=st.sampled_from(["login", "first_name", "last_name", "display_name", None]),
)
def test_password_never_leaks(
    prefix: str,
    body: str,
    suffix: str,
    policy: PasswordPolicy,
    personal: PersonalInfo | None,
    marked_field: str | None,
) -> None:
    """No text of the password (a marked part, or even one sentinel) reaches any output.

    The marker is ``§<text>¶`` placed anywhere in the password; no fixed text of ours
    holds ``§`` or ``¶``, so any output containing one copied it from the password.
    The marker is sometimes also the personal data, so that it is matched.
    """
    marker = SENTINELS[0] + body + SENTINELS[1]
    password = prefix + marker + suffix
    if marked_field is not None:
        personal = person_with(marked_field, marker)
    violations = check_password(password, policy=policy, personal=personal)
    texts = output_texts(violations)
    try:
        validate_password(password, policy=policy, personal=personal)
    except InvalidPassword as exc:
        texts += [str(exc), repr(exc), repr(exc.args), *output_texts(exc.violations)]
    for text in texts:
        assert marker not in text
        assert SENTINELS[0] not in text
        assert SENTINELS[1] not in text


@given(password=any_text(max_size=50))
def test_default_policy_model(password: str) -> None:
    """Length, white-space, ASCII and digit rules agree with a direct reading of them."""
    codes = {v.code for v in check_password(password)}
    if not password:
        assert codes == {"password.empty"}
        return
    assert ("password.too_short" in codes) == (len(password) < 9)
    assert ("password.whitespace" in codes) == any(c.isspace() or c == "\ufeff" for c in password)
    assert ("password.missing_digit" in codes) == (not any(c in string.digits for c in password))
    outside = any(not ("\x21" <= c <= "\x7e") for c in password)
    flagged = codes & {
        "password.whitespace",
        "password.non_ascii",
        "password.accented",
        "password.control_character",
    }
    assert bool(flagged) == outside


def classes_of(password: str) -> int:
    """An independent count of the five complexity classes (M-PWD)."""
    found = set()
    for c in password:
        category = unicodedata.category(c)
        if c in string.digits:
            found.add("digit")
        elif category == "Lu":
            found.add("upper")
        elif category == "Ll":
            found.add("lower")
        elif category in ("Lt", "Lm", "Lo"):
            found.add("other")
        elif category not in ("Nd", "Cs"):
            found.add("symbol")
    return len(found)


@given(policy=service_policies(), password=any_text(max_size=40))
def test_service_policy_model(policy: PasswordPolicy, password: str) -> None:
    """The service reading agrees with a direct count of classes and UTF-16 length."""
    codes = {v.code for v in check_password(password, policy=policy)}
    if not password and policy.min_length:
        assert codes == {"password.empty"}
        return
    assert ("password.too_short" in codes) == (len(password) < policy.min_length)
    units = len(password.encode("utf-16-le", "surrogatepass")) // 2
    assert ("password.too_long" in codes) == (units > 127)
    few = policy.min_categories and classes_of(password) < policy.min_categories
    assert ("password.too_few_categories" in codes) == bool(few)
    assert policy.charset is CharacterSet.ANY
    assert not codes & {"password.non_ascii", "password.accented"}


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


@given(
    name=st.text(alphabet=string.ascii_letters + "éèêàçöüÉÀ", min_size=3, max_size=12),
    seed=st.integers(),
    position=st.integers(min_value=0, max_value=16),
    field=st.sampled_from(["first_name", "last_name", "display_name"]),
    swap=st.booleans(),
)
def test_inserted_name_is_found(
    name: str, seed: int, position: int, field: str, swap: bool
) -> None:
    """A name put into a good password is found whatever its case and accents."""
    password = generate_password(rng=random.Random(seed))
    inserted = strip_accents(name)
    inserted = inserted.swapcase() if swap else inserted
    candidate = password[:position] + inserted + password[position:]
    personal = person_with(field, name)
    found = [
        (v.code, v.params["field"])
        for v in check_password(candidate, personal=personal)
        if "field" in v.params
    ]
    assert found == [("password.contains_name", field)]


@given(
    login=st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=10),
    seed=st.integers(),
    position=st.integers(min_value=0, max_value=16),
    complexity=st.booleans(),
)
def test_inserted_login_is_found(login: str, seed: int, position: int, complexity: bool) -> None:
    """A login put into a password is found by the default and by the service with complexity."""
    policy = PasswordPolicy.from_service(complexity_enabled=True, min_length=3)
    policy = policy if complexity else DEFAULT
    password = generate_password(policy=policy, rng=random.Random(seed))
    candidate = password[:position] + login.upper() + password[position:]
    codes = [v.code for v in check_password(candidate, policy=policy, personal=PersonalInfo(login))]
    assert "password.contains_login" in codes


@given(
    day=st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    pattern=st.sampled_from(
        ["%Y", "%d%m%Y", "%Y%m%d", "%d%m%y", "%m%d%y", "%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y",
         "%d.%m.%Y", "%d-%m-%Y", "%d.%m.%y", "%m/%d/%y"]
    ),
    seed=st.integers(),
)  # fmt: skip
def test_inserted_birth_date_is_found(day: date, pattern: str, seed: int) -> None:
    """Common spellings of the birth date (strftime) are found inside a password."""
    spelled = day.strftime(pattern)
    assert spelled in birth_date_forms(day)
    candidate = generate_password(rng=random.Random(seed)) + spelled
    codes = [v.code for v in check_password(candidate, personal=PersonalInfo(birth_date=day))]
    assert codes == ["password.contains_birth_date"]


# JavaScript's `\s` (the control panel's white space), as a character class.
JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"  # noqa: E501
JS_NAME_SEPARATORS = ",.-_£" + JS_SPACE


def js_length(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def control_panel_accepts(password: str, personal: PersonalInfo, min_length: int) -> bool:
    """A model of M-PWD with complexity on, written from the manager's code, not ours."""
    if not min_length <= js_length(password) <= 127 or any(c in JS_SPACE for c in password):
        return False
    if classes_of(password) < 3:
        return False
    if personal.login and personal.login in password:  # case-sensitive indexOf
        return False
    if personal.display_name:
        lowered, name = password.lower(), personal.display_name.lower()
        for sep in JS_NAME_SEPARATORS:
            name = name.replace(sep, "\x00")
        tokens = [t for t in name.split("\x00") if js_length(t) >= 3]
        if any(t in lowered for t in tokens):
            return False
    return True


def guide_accepts(password: str) -> bool:
    """A model of D-EP1: 9-30 characters, no accents, upper, lower and digit."""
    accented = any(
        any(unicodedata.combining(p) for p in unicodedata.normalize("NFD", c)) for c in password
    )
    return (
        9 <= len(password) <= 30
        and not accented
        and any(c.isupper() for c in password)
        and any(c.islower() for c in password)
        and any(c.isdigit() for c in password)
    )


# Mostly printable ASCII, a little white space and a few accents.
PASSWORDISH = string.ascii_letters + string.digits + string.punctuation + " éÉ\t"
NAME_TEXT = st.text(alphabet=string.ascii_letters + " .-_,éèÉ\ufeff", max_size=16)


@given(
    head=st.text(alphabet=PASSWORDISH, min_size=9, max_size=14),
    tail=st.text(alphabet=PASSWORDISH, max_size=14),
    login=st.one_of(st.none(), st.text(alphabet=string.ascii_letters + ".-_", max_size=8)),
    display_name=st.one_of(st.none(), NAME_TEXT),
    insert=st.sampled_from(["login", "display_name", None]),
    min_length=st.sampled_from([0, *range(3, 10)]),
)
def test_default_is_the_strict_intersection(
    head: str,
    tail: str,
    login: str | None,
    display_name: str | None,
    insert: str | None,
    min_length: int,
) -> None:
    """What the default accepts, the guide and the control panel (min <= 9) accept."""
    middle = {"login": login, "display_name": display_name}.get(insert or "") or ""
    password = head + middle + tail
    personal = PersonalInfo(login=login, display_name=display_name)
    accepted = check_password(password, personal=personal) == ()
    event("accepted by the default" if accepted else "refused by the default")
    if accepted:
        assert guide_accepts(password)
        assert control_panel_accepts(password, personal, min_length)
