"""Example tables for password policies, checking, personal data and generation."""

from __future__ import annotations

import pickle
import random
import string
from datetime import date, datetime

import attrs
import pytest

from emailpro_core.errors import InvalidPassword, ValidationError
from emailpro_core.password import SERVICE_MAX_LENGTH, CharacterSet, PersonalRule
from emailpro_core.password._chars import CharacterClass
from emailpro_core.password._password import check_password, generate_password, validate_password
from emailpro_core.password._personal import (
    PersonalField,
    PersonalInfo,
    birth_date_forms,
    fold_text,
    utf16_length,
)
from emailpro_core.password._policy import DEFAULT_PASSWORD_POLICY, PasswordPolicy

DEFAULT = PasswordPolicy.default()
GUIDE = PasswordPolicy.guide()
SERVICE_COMPLEX = PasswordPolicy.from_service(complexity_enabled=True, min_length=8)
SERVICE_SIMPLE = PasswordPolicy.from_service(complexity_enabled=False, min_length=8)
UPPER_LOWER_DIGIT = frozenset({CharacterClass.UPPER, CharacterClass.LOWER, CharacterClass.DIGIT})


def codes(password: str, policy: PasswordPolicy = DEFAULT) -> list[str]:
    return [v.code for v in check_password(password, policy=policy)]


def personal_codes(
    password: str, personal: PersonalInfo, policy: PasswordPolicy = DEFAULT
) -> list[tuple[str, object]]:
    return [
        (v.code, v.params.get("field"))
        for v in check_password(password, policy=policy, personal=personal)
        if "field" in v.params
    ]


class FirstOfEverything(random.Random):
    """A degenerate generator: always the first choice, never shuffles."""

    def choice(self, seq):  # type: ignore[no-untyped-def]
        return seq[0]

    def shuffle(self, x):  # type: ignore[no-untyped-def]
        return None


# --- policies ----------------------------------------------------------------


def test_default_policy_fields() -> None:
    """The default is 9-30 printable ASCII, no whitespace, upper+lower+digit, strict personal."""
    assert (
        "default",
        "D-EP1 ∩ M-PWD",
        9,
        30,
        CharacterSet.PRINTABLE_ASCII,
        False,
        UPPER_LOWER_DIGIT,
        0,
        PersonalRule.strict(),
    ) == (
        DEFAULT.name,
        DEFAULT.source,
        DEFAULT.min_length,
        DEFAULT.max_length,
        DEFAULT.charset,
        DEFAULT.allow_whitespace,
        DEFAULT.required,
        DEFAULT.min_categories,
        DEFAULT.personal,
    )
    assert DEFAULT is DEFAULT_PASSWORD_POLICY


def test_guide_policy_fields() -> None:
    """The guide reading is 9-30, no accents, upper+lower+digit, nothing else."""
    assert (
        GUIDE.name,
        GUIDE.source,
        GUIDE.min_length,
        GUIDE.max_length,
        GUIDE.charset,
        GUIDE.allow_whitespace,
        GUIDE.required,
        GUIDE.min_categories,
        GUIDE.personal,
    ) == ("guide", "D-EP1", 9, 30, CharacterSet.UNACCENTED, True, UPPER_LOWER_DIGIT, 0, None)


@pytest.mark.parametrize(
    ("complexity", "min_length", "expected"),
    [
        (True, 8, (8, 3, PersonalRule.control_panel())),
        (False, 8, (8, 0, None)),
        (True, None, (0, 3, PersonalRule.control_panel())),
        (False, 0, (0, 0, None)),
        (True, 3, (3, 3, PersonalRule.control_panel())),
        (False, 14, (14, 0, None)),
    ],
)
def test_from_service_fields(
    complexity: bool, min_length: int | None, expected: tuple[object, ...]
) -> None:
    """from_service maps complexityEnabled and minPasswordLength onto the policy."""
    policy = PasswordPolicy.from_service(complexity_enabled=complexity, min_length=min_length)
    assert expected == (policy.min_length, policy.min_categories, policy.personal)
    assert (SERVICE_MAX_LENGTH, CharacterSet.ANY, False, frozenset()) == (
        policy.max_length,
        policy.charset,
        policy.allow_whitespace,
        policy.required,
    )


@pytest.mark.parametrize("min_length", [-1, 1, 2, 15, 127])
def test_from_service_rejects_min_length_out_of_range(min_length: int) -> None:
    """minPasswordLength is 0 or 3-14 (docs/sources-of-truth.md §6); else a ValidationError."""
    with pytest.raises(ValidationError) as info:
        PasswordPolicy.from_service(complexity_enabled=True, min_length=min_length)
    assert info.value.codes == ("password_policy.min_length_out_of_range",)
    assert {"value": min_length, "minimum": 3, "maximum": 14} == dict(
        info.value.violations[0].params
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"complexity_enabled": "yes", "min_length": 8}, "complexity_enabled must be a bool"),
        ({"complexity_enabled": True, "min_length": "8"}, "min_length must be an int or None"),
        ({"complexity_enabled": True, "min_length": True}, "min_length must be an int or None"),
        ({"complexity_enabled": True, "min_length": 8.0}, "min_length must be an int or None"),
    ],
)
def test_from_service_type_errors(kwargs: dict[str, object], message: str) -> None:
    """Wrong argument types are a TypeError."""
    with pytest.raises(TypeError, match=message):
        PasswordPolicy.from_service(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"min_length": -1, "max_length": 10}, ["password_policy.min_length"]),
        ({"min_length": 10, "max_length": 9}, ["password_policy.max_length"]),
        ({"min_length": 0, "max_length": 0}, ["password_policy.max_length"]),
        (
            {"min_length": 1, "max_length": 9, "min_categories": 6},
            ["password_policy.min_categories"],
        ),
        (
            {"min_length": 1, "max_length": 9, "min_categories": -1},
            ["password_policy.min_categories"],
        ),
        (
            {
                "min_length": 1,
                "max_length": 9,
                "charset": CharacterSet.PRINTABLE_ASCII,
                "required": {CharacterClass.OTHER_LETTER},
            },
            ["password_policy.unreachable_class"],
        ),
        (
            {
                "min_length": 1,
                "max_length": 9,
                "charset": CharacterSet.PRINTABLE_ASCII,
                "min_categories": 5,
            },
            ["password_policy.unreachable_class"],
        ),
        (
            {"min_length": 1, "max_length": 2, "required": UPPER_LOWER_DIGIT},
            ["password_policy.too_many_classes"],
        ),
    ],
)
def test_policy_invariants(kwargs: dict[str, object], expected: list[str]) -> None:
    """An impossible or inconsistent policy is refused with a coded ValidationError."""
    with pytest.raises(ValidationError) as info:
        PasswordPolicy(name="custom", source="test", **kwargs)  # type: ignore[arg-type]
    assert expected == list(info.value.codes)
    assert info.value.subject == "password policy"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_length": "9", "max_length": 30},
        {"min_length": 9, "max_length": 30, "charset": "ascii"},
        {"min_length": 9, "max_length": 30, "required": ["upper"]},
        {"min_length": 9, "max_length": 30, "allow_whitespace": 1},
        {"min_length": 9, "max_length": 30, "personal": "strict"},
    ],
)
def test_policy_type_errors(kwargs: dict[str, object]) -> None:
    """Fields of the wrong type are a TypeError."""
    with pytest.raises(TypeError):
        PasswordPolicy(name="custom", source="test", **kwargs)  # type: ignore[arg-type]


def test_policy_reprs_name_their_source() -> None:
    """Each reading's repr names it and its source."""
    assert repr(DEFAULT) == (
        "PasswordPolicy(name='default', source='D-EP1 ∩ M-PWD', min_length=9, max_length=30, "
        "charset=PRINTABLE_ASCII, allow_whitespace=False, required=UPPER|LOWER|DIGIT, "
        "min_categories=0, personal=PersonalRule(fields=login|first_name|last_name|"
        "display_name|birth_date, min_token_length=3, fold_accents=True, split_login=True))"
    )
    assert repr(GUIDE) == (
        "PasswordPolicy(name='guide', source='D-EP1', min_length=9, max_length=30, "
        "charset=UNACCENTED, allow_whitespace=True, required=UPPER|LOWER|DIGIT, "
        "min_categories=0, personal=None)"
    )
    simple = PasswordPolicy.from_service(complexity_enabled=False, min_length=None)
    assert simple.source == "M-PWD (complexityEnabled=false, minPasswordLength=null)"


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (
            DEFAULT,
            "9-30 characters, printable ASCII, no whitespace, needs upper+lower+digit, "
            "no login/first_name/last_name/display_name/birth_date inside "
            "(tokens of 3+, case-insensitive, accent-folded)",
        ),
        (GUIDE, "9-30 characters, no accented letters, needs upper+lower+digit"),
        (SERVICE_SIMPLE, "8-127 characters, any characters, no whitespace"),
    ],
)
def test_describe(policy: PasswordPolicy, expected: str) -> None:
    """describe() states the rules in one line."""
    assert expected == policy.describe()


def test_policies_compare_pickle_and_evolve() -> None:
    """Policies are values: equal by fields, picklable, and evolvable."""
    assert PasswordPolicy.guide() == GUIDE
    assert hash(PasswordPolicy.guide()) == hash(GUIDE)
    restored = pickle.loads(pickle.dumps(SERVICE_COMPLEX))
    assert restored == SERVICE_COMPLEX
    assert codes("abcdefgh", restored) == ["password.too_few_categories"]
    stricter = attrs.evolve(DEFAULT, min_length=14)
    assert codes("Abcdefgh12345", stricter) == ["password.too_short"]


# --- check_password: the default policy --------------------------------------


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("Abcdefgh1", []),
        ("Tr0ub4dor&3", []),
        ("A1" + "b" * 28, []),
        ("!#$%&'()*+,-./:;<=>?@[\\]^_`{|}~Ab1", ["password.too_long"]),
        ("", ["password.empty"]),
        ("Ab1", ["password.too_short"]),
        ("Abcdefg1", ["password.too_short"]),
        ("A1" + "b" * 29, ["password.too_long"]),
        ("Abcd efgh1", ["password.whitespace"]),
        ("Abcd\tefgh1", ["password.whitespace", "password.control_character"]),
        ("Abcd\u00a0efgh1", ["password.whitespace", "password.non_ascii"]),
        ("Abcd\ufeffefgh1", ["password.whitespace", "password.non_ascii"]),
        ("Abcd\u2028efgh1", ["password.whitespace", "password.non_ascii"]),
        ("Abcdéfgh1", ["password.accented"]),
        ("Abcde\u0301fgh1", ["password.accented"]),
        ("Abcdøfgh1", ["password.accented"]),
        ("ABCDÉFGH1a", ["password.accented"]),
        ("Abcd€fgh1", ["password.non_ascii"]),
        ("Abcdßfgh1", ["password.non_ascii"]),
        ("Abcd漢fgh1", ["password.non_ascii"]),
        ("Abcdéfgh1€", ["password.non_ascii", "password.accented"]),
        ("Abcd\x00efgh1", ["password.control_character"]),
        ("Abcd\x7fefgh1", ["password.control_character"]),
        ("Abcd\x85efgh1", ["password.whitespace", "password.non_ascii",
                            "password.control_character"]),
        ("Abcd\ud800efgh1", ["password.non_ascii", "password.lone_surrogate"]),
        ("abcdefgh1", ["password.missing_upper"]),
        ("ABCDEFGH1", ["password.missing_lower"]),
        ("Abcdefghi", ["password.missing_digit"]),
        ("Abcdefgh١", ["password.non_ascii", "password.missing_digit"]),
        ("!!!!!!!!!", ["password.missing_upper", "password.missing_lower",
                       "password.missing_digit"]),
        ("a b", ["password.too_short", "password.whitespace", "password.missing_upper",
                 "password.missing_digit"]),
    ],
)  # fmt: skip
def test_default_policy_codes(password: str, expected: list[str]) -> None:
    """The default policy reports every broken rule, in a fixed order."""
    assert expected == codes(password)


def test_length_params_and_messages() -> None:
    """Length violations carry the limit (never the password's length or text)."""
    short, long_ = check_password("Ab1")[0], check_password("Ab1" + "c" * 40)[0]
    assert (
        dict(short.params),
        short.message,
    ) == ({"minimum": 9}, "the password has fewer than 9 characters")
    assert (
        dict(long_.params),
        long_.message,
    ) == ({"maximum": 30}, "the password has more than 30 characters")


@pytest.mark.parametrize(
    "code",
    [
        "password.whitespace",
        "password.non_ascii",
        "password.accented",
        "password.control_character",
        "password.lone_surrogate",
        "password.missing_upper",
        "password.missing_lower",
        "password.missing_digit",
        "password.empty",
    ],
)
def test_character_violations_have_no_params(code: str) -> None:
    """Character-rule violations carry no params: not even the offending character."""
    found = {v.code: v for v in check_password("a \té€\x00\ud800!!", policy=DEFAULT)}
    found |= {v.code: v for v in check_password("A", policy=DEFAULT)}
    found |= {v.code: v for v in check_password("", policy=DEFAULT)}
    assert dict(found[code].params) == {}


# --- check_password: the guide and the service -------------------------------


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("Abcdefgh1", []),
        ("Abcd efgh1", []),
        ("Abcd€fgh1", []),
        ("ΑΒΓδεζη12", []),
        ("Abcdéfgh1", ["password.accented"]),
        ("Abcde\u0301fgh1", ["password.accented"]),
        ("Abcdefg1", ["password.too_short"]),
        ("Abcd\x00efgh1", ["password.control_character"]),
        ("Abcd\ud800efgh1", ["password.lone_surrogate"]),
        ("abcdefgh1", ["password.missing_upper"]),
        ("A1" + "b" * 29, ["password.too_long"]),
        ("", ["password.empty"]),
    ],
)
def test_guide_policy_codes(password: str, expected: list[str]) -> None:
    """The guide reading: no accents, 9-30, upper+lower+digit; white space allowed."""
    assert expected == codes(password, GUIDE)


@pytest.mark.parametrize(
    ("complexity", "min_length", "password", "expected"),
    [
        (False, 8, "abcdefgh", []),
        (False, 8, "abcdefg", ["password.too_short"]),
        (False, 8, "", ["password.empty"]),
        (False, None, "", []),
        (False, 0, "a", []),
        (False, 3, "pass word", ["password.whitespace"]),
        (False, 3, "pass\u3000word", ["password.whitespace"]),
        (False, 3, "héllo wörld"[:5], []),
        (False, 3, "x" * 127, []),
        (False, 3, "x" * 128, ["password.too_long"]),
        (False, 3, "😀" * 63, []),
        (False, 3, "😀" * 64, ["password.too_long"]),
        (False, 3, "ab\x01", ["password.control_character"]),
        (True, 0, "", ["password.too_few_categories"]),
        (True, 8, "abcdefgh", ["password.too_few_categories"]),
        (True, 8, "abcdefg1", ["password.too_few_categories"]),
        (True, 8, "abcdef1!", []),
        (True, 8, "ABCDEF1!", []),
        (True, 8, "Abcdefgh", ["password.too_few_categories"]),
        (True, 8, "Abcdefg1", []),
        (True, 3, "Ab1", []),
        (True, 3, "Éé1", []),
        (True, 3, "漢字a1", []),
        (True, 3, "漢字a!", []),
        (True, 3, "ab١٢", ["password.too_few_categories"]),
        (True, 3, "ab١!", ["password.too_few_categories"]),
        (True, 3, "ǅa1", []),
        (True, 3, "abc\x00", ["password.control_character", "password.too_few_categories"]),
    ],
)
def test_service_policy_codes(
    complexity: bool, min_length: int | None, password: str, expected: list[str]
) -> None:
    """The control panel's reading: length, white space, and 3 of 5 classes."""
    policy = PasswordPolicy.from_service(complexity_enabled=complexity, min_length=min_length)
    assert expected == codes(password, policy)


def test_too_few_categories_params() -> None:
    """too_few_categories names the minimum, not what the password has."""
    (violation,) = check_password("abcdefgh", policy=SERVICE_COMPLEX)
    assert dict(violation.params) == {"minimum": 3}


@pytest.mark.parametrize(
    ("required", "password", "expected"),
    [
        ({CharacterClass.SYMBOL}, "abc", ["password.missing_symbol"]),
        ({CharacterClass.SYMBOL}, "ab!", []),
        ({CharacterClass.OTHER_LETTER}, "abc", ["password.missing_other_letter"]),
        ({CharacterClass.OTHER_LETTER}, "abあ", []),
    ],
)
def test_custom_required_classes(
    required: set[CharacterClass], password: str, expected: list[str]
) -> None:
    """Any of the five classes can be required; each has its own code."""
    policy = PasswordPolicy(
        name="custom", source="test", min_length=1, max_length=9, required=required
    )
    assert expected == codes(password, policy)


def test_whitespace_can_be_allowed_in_ascii() -> None:
    """A printable-ASCII policy that allows white space still refuses tabs as controls."""
    policy = PasswordPolicy(
        name="custom",
        source="test",
        min_length=1,
        max_length=20,
        charset=CharacterSet.PRINTABLE_ASCII,
        allow_whitespace=True,
    )
    assert (
        codes("a b", policy),
        codes("a\tb", policy),
        codes("a\u00a0b", policy),
    ) == ([], ["password.control_character"], ["password.non_ascii"])


# --- personal data -------------------------------------------------------------

BIRTH = date(1984, 3, 12)
LOGIN = [("password.contains_login", "login")]
FIRST = [("password.contains_name", "first_name")]
LAST = [("password.contains_name", "last_name")]
DISPLAY = [("password.contains_name", "display_name")]


@pytest.mark.parametrize(
    ("personal", "password", "expected"),
    [
        (PersonalInfo(login="jdupont"), "Zz9JDUPONTq", LOGIN),
        (PersonalInfo(login="jdupont@example.com"), "Zz9jdupontq", LOGIN),
        (PersonalInfo(login="j.dupont"), "Zz9Dupont!q", LOGIN),
        (PersonalInfo(login="j+dupont"), "Zz9Dupont!q", LOGIN),
        (PersonalInfo(login="jd"), "ZzJD9qqqqq", LOGIN),
        (PersonalInfo(login="jd"), "ZzJ9Dqqqqq", []),
        (PersonalInfo(login="j.d"), "ZzJ9Dqqqqq", []),
        (PersonalInfo(login="@example.com"), "Zz9example", []),
        (PersonalInfo(first_name="Hélène"), "Zz9HELENEq", FIRST),
        (PersonalInfo(first_name="Al"), "Zz9Alqqqqq", []),
        (PersonalInfo(last_name="Dupont-Aignan"), "Zz9aignan!", LAST),
        (PersonalInfo(last_name="Le Pen"), "Zz9Le!Pen0", LAST),
        (PersonalInfo(last_name="Li"), "Zz9Li12345", []),
        (PersonalInfo(last_name="Łukasiewicz"), "Zz9lukasiewicz", LAST),
        (PersonalInfo(last_name="Straße"), "Zz9STRASSE", LAST),
        (PersonalInfo(display_name="Erin M, Hagens"), "Zz9m!erin0", DISPLAY),
        (PersonalInfo(display_name="Erin M, Hagens"), "Zz9M!Xx8yy", []),
        (PersonalInfo(display_name="£££"), "Zz9£££xxxx", []),
        (PersonalInfo(display_name="a\u0301\u0301"), "Zz9aXxxxxx", DISPLAY),
        (PersonalInfo(display_name="\u0301\u0301\u0301"), "Zz9aXxxxxx", []),
        (
            PersonalInfo(first_name="Jean", last_name="Dupont", display_name="Jean Dupont"),
            "JeanDupont1",
            [("password.contains_name", "first_name"), ("password.contains_name", "last_name"),
             ("password.contains_name", "display_name")],
        ),
        (
            PersonalInfo(login="jean", first_name="Jean", birth_date=BIRTH),
            "Jean1984xx",
            [("password.contains_login", "login"), ("password.contains_name", "first_name"),
             ("password.contains_birth_date", "birth_date")],
        ),
        (PersonalInfo(), "Zz9jdupont", []),
    ],
)  # fmt: skip
def test_default_personal_data(
    personal: PersonalInfo, password: str, expected: list[tuple[str, object]]
) -> None:
    """The default policy finds the login, names and birth date, case- and accent-blind."""
    assert expected == personal_codes(password, personal)


@pytest.mark.parametrize(
    "password",
    [
        "Zz!1984abc",
        "Zz!120384a",
        "Zz!031284a",
        "Zz!840312a",
        "Zz!12031984",
        "Zz!03121984",
        "Zz!19840312",
        "Zz!1984-03-12",
        "Zz!12/03/1984",
        "Zz!12.03.1984",
        "Zz!03/12/1984",
        "Zz!12-03-1984",
        "Zz!12.03.84a",
        "Zz!03/12/84a",
        "Zz!84-03-12a",
        "Zz!12/3/84aa",
        "Zz!3/12/84aa",
        "Zz!12-3-84aa",
        "Zz!１９８４aaaa",
    ],
)
def test_birth_date_forms_are_found(password: str) -> None:
    """Every documented spelling of the birth date is found (fullwidth digits fold)."""
    personal = PersonalInfo(birth_date=BIRTH)
    assert personal_codes(password, personal) == [("password.contains_birth_date", "birth_date")]


@pytest.mark.parametrize("password", ["Zz!0312abc", "Zz!84abc12", "Zz!1203xyz", "Zz!12x03x84"])
def test_birth_date_near_misses(password: str) -> None:
    """Day+month alone, or a two-digit year alone, is not the birth date."""
    assert personal_codes(password, PersonalInfo(birth_date=BIRTH)) == []


def test_birth_date_from_datetime() -> None:
    """A datetime is read as its date."""
    personal = PersonalInfo(birth_date=datetime(1984, 3, 12, 8, 30))
    assert personal_codes("Zz!1984ab", personal) == [("password.contains_birth_date", "birth_date")]


def test_birth_date_forms_exact_list() -> None:
    """birth_date_forms lists the documented spellings, without duplicates."""
    assert birth_date_forms(BIRTH) == (
        "1984", "12031984", "03121984", "19840312", "120384", "031284", "840312",
        "12-03-1984", "03-12-1984", "1984-03-12", "12-03-84", "03-12-84", "84-03-12",
        "12-3-1984", "3-12-1984", "12-3-84", "3-12-84", "1984-3-12",
        "12/03/1984", "03/12/1984", "1984/03/12", "12/03/84", "03/12/84", "84/03/12",
        "12/3/1984", "3/12/1984", "12/3/84", "3/12/84", "1984/3/12",
        "12.03.1984", "03.12.1984", "1984.03.12", "12.03.84", "03.12.84", "84.03.12",
        "12.3.1984", "3.12.1984", "12.3.84", "3.12.84", "1984.3.12",
    )  # fmt: skip
    assert len(birth_date_forms(date(2011, 11, 11))) == 13
    assert birth_date_forms(date(7, 1, 2))[0] == "0007"


@pytest.mark.parametrize(
    ("personal", "password", "expected"),
    [
        (PersonalInfo(login="jdupont"), "Zz9jdupont", LOGIN),
        (PersonalInfo(login="jdupont"), "Zz9JDupont", LOGIN),
        (PersonalInfo(login="j.dupont"), "Zz9dupont!", []),
        (PersonalInfo(login="jd"), "Zz9jd!aaaa", LOGIN),
        (PersonalInfo(first_name="Jean"), "Zz9jean!aa", []),
        (PersonalInfo(last_name="Dupont"), "Zz9dupont!", []),
        (PersonalInfo(birth_date=BIRTH), "Zz9!1984aa", []),
        (PersonalInfo(display_name="Jean Dupont"), "Zz9DUPONT!", DISPLAY),
        (PersonalInfo(display_name="Hélène"), "Zz9Helene!", []),
        (PersonalInfo(display_name="Hélène"), "Zz9HÉLÈNE!", DISPLAY),
        (PersonalInfo(display_name="a+b"), "Zz9a+b!aaa", DISPLAY),
        (PersonalInfo(display_name="𝒜b"), "Zz9𝒜b!aaa", DISPLAY),
        (PersonalInfo(display_name="abc\ufeffdef"), "Zz9abc!aaa", DISPLAY),
    ],
)  # fmt: skip
def test_service_personal_data(
    personal: PersonalInfo, password: str, expected: list[tuple[str, object]]
) -> None:
    """With complexity, the control panel's reading checks the login and display name only."""
    assert expected == personal_codes(password, personal, SERVICE_COMPLEX)


@pytest.mark.parametrize("policy", [GUIDE, SERVICE_SIMPLE])
def test_personal_data_ignored_without_rule(policy: PasswordPolicy) -> None:
    """Policies without a personal rule ignore personal data."""
    personal = PersonalInfo(login="jdupont", display_name="Jean Dupont", birth_date=BIRTH)
    assert personal_codes("Jdupont1984!", personal, policy) == []


def test_personal_messages_name_the_field_only() -> None:
    """Personal-data violations say which field matched, never the matching text."""
    personal = PersonalInfo(login="jdupont", last_name="Martin", birth_date=BIRTH)
    found = check_password("Xjdupont-MARTIN-1984", personal=personal)
    assert [(v.message, dict(v.params)) for v in found] == [
        ("the password contains the login", {"field": "login"}),
        ("the password contains the last name", {"field": "last_name"}),
        ("the password contains the birth date", {"field": "birth_date"}),
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"login": 1}, "login must be a str or None, not int"),
        ({"first_name": b"x"}, "first_name must be a str or None, not bytes"),
        ({"birth_date": "1984-03-12"}, "birth_date must be a datetime.date or None, not str"),
    ],
)
def test_personal_info_types(kwargs: dict[str, object], message: str) -> None:
    """PersonalInfo refuses values of the wrong type."""
    with pytest.raises(TypeError, match=message):
        PersonalInfo(**kwargs)  # type: ignore[arg-type]


def test_personal_info_and_rule_reprs() -> None:
    """PersonalInfo's repr shows its (non-secret) values; PersonalRule's is compact."""
    assert repr(PersonalInfo(login="jd")) == (
        "PersonalInfo(login='jd', first_name=None, last_name=None, display_name=None, "
        "birth_date=None)"
    )
    assert repr(PersonalRule.control_panel()) == (
        "PersonalRule(fields=login|display_name, min_token_length=3, fold_accents=False, "
        "split_login=False)"
    )
    assert (
        repr(PersonalRule(fields=()))
    ) == "PersonalRule(fields=none, min_token_length=3, fold_accents=True, split_login=True)"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"fields": ["login"]},
        {"fields": set(), "min_token_length": "3"},
        {"fields": set(), "fold_accents": 1},
        {"fields": set(), "split_login": None},
    ],
)
def test_personal_rule_types(kwargs: dict[str, object]) -> None:
    """PersonalRule refuses fields of the wrong type."""
    with pytest.raises(TypeError):
        PersonalRule(**kwargs)  # type: ignore[arg-type]


def test_personal_rule_min_token_length_is_positive() -> None:
    """A token length below 1 would match everything: refused."""
    with pytest.raises(ValueError, match="min_token_length"):
        PersonalRule(fields={PersonalField.LOGIN}, min_token_length=0)


@pytest.mark.parametrize(
    ("text", "accents", "expected"),
    [
        ("Hélène", True, "helene"),
        ("Hélène", False, "hélène"),
        ("ÆRØ", True, "æro"),
        ("Straße", False, "strasse"),
        ("ŁĐĦŦƵƀ", True, "ldhtzb"),
        ("ﬁ", True, "fi"),
        ("e\u0301", True, "e"),
        ("\ud800", True, "\ud800"),
    ],
)
def test_fold_text(text: str, accents: bool, expected: str) -> None:
    """fold_text case-folds, and with accents=True drops diacritics and strokes."""
    assert expected == fold_text(text, accents=accents)


@pytest.mark.parametrize(("text", "expected"), [("abc", 3), ("😀", 2), ("é", 1), ("\ud800", 1)])
def test_utf16_length(text: str, expected: int) -> None:
    """utf16_length counts UTF-16 code units, as JavaScript does."""
    assert expected == utf16_length(text)


# --- types and validate_password ---------------------------------------------


@pytest.mark.parametrize("value", [None, b"Secret-pw-123", 12345678, ["Secret-pw-123"]])
def test_non_str_password_is_type_error_without_value(value: object) -> None:
    """A non-str password is a TypeError whose text does not show the value."""
    for call in (check_password, validate_password):
        with pytest.raises(TypeError, match="a password must be a str") as info:
            call(value)  # type: ignore[arg-type]
        assert "Secret" not in str(info.value)
        assert "12345678" not in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"policy": "default"}, "policy must be a PasswordPolicy, not str"),
        ({"personal": {"login": "x"}}, "personal must be a PersonalInfo or None, not dict"),
    ],
)
def test_wrong_option_types(kwargs: dict[str, object], message: str) -> None:
    """Wrong policy or personal types are a TypeError, for checking and generating."""
    with pytest.raises(TypeError, match=message):
        check_password("Abcdefgh1", **kwargs)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=message):
        generate_password(**kwargs)  # type: ignore[arg-type]


def test_validate_password_raises_with_every_violation() -> None:
    """validate_password raises InvalidPassword carrying all violations."""
    with pytest.raises(InvalidPassword) as info:
        validate_password("Secret pw")
    assert info.value.codes == ("password.whitespace", "password.missing_digit")
    assert "Secret" not in str(info.value)
    assert isinstance(info.value, ValueError)


def test_validate_password_accepts_a_good_password() -> None:
    """A compliant password comes back unchanged."""
    assert "Abcdefgh1" == validate_password("Abcdefgh1", personal=PersonalInfo(login="jd"))


def test_huge_password() -> None:
    """A megabyte of input is handled and reported, not echoed."""
    found = check_password("A1b" * 400_000, personal=PersonalInfo(login="zzz"))
    assert [v.code for v in found] == ["password.too_long"]
    assert codes("é" * 1_000_000, SERVICE_SIMPLE) == ["password.too_long"]


# --- generate_password ---------------------------------------------------------

AMBIGUOUS = set("IOl01\"'`|.,;:~()[]{}<>\\/&^")


@pytest.mark.parametrize(
    ("policy", "length"),
    [
        (DEFAULT, 16),
        (GUIDE, 16),
        (SERVICE_COMPLEX, 16),
        (PasswordPolicy.from_service(complexity_enabled=True, min_length=14), 16),
        (PasswordPolicy.from_service(complexity_enabled=False, min_length=None), 16),
        (PasswordPolicy(name="c", source="t", min_length=20, max_length=40), 20),
        (PasswordPolicy(name="c", source="t", min_length=1, max_length=5), 5),
    ],
)
def test_generate_default_length_and_validity(policy: PasswordPolicy, length: int) -> None:
    """Generated passwords are 16 long (within the policy's bounds) and pass it."""
    rng = random.Random(42)
    for _ in range(50):
        password = generate_password(policy=policy, rng=rng)
        assert (length, []) == (len(password), codes(password, policy))
        assert not AMBIGUOUS & set(password)


def test_generate_is_reproducible_with_a_seed() -> None:
    """A seeded random.Random gives the same password; the default source does not repeat."""
    assert generate_password(rng=random.Random(7)) == generate_password(rng=random.Random(7))
    assert len({generate_password() for _ in range(20)}) == 20


@pytest.mark.parametrize("length", [9, 12, 30])
def test_generate_with_length(length: int) -> None:
    """An explicit length is honoured."""
    password = generate_password(length=length)
    assert (length, []) == (len(password), codes(password))


@pytest.mark.parametrize(
    ("policy", "length"),
    [(DEFAULT, 8), (DEFAULT, 31), (DEFAULT, 0), (SERVICE_COMPLEX, 2), (SERVICE_COMPLEX, 128)],
)
def test_generate_rejects_impossible_length(policy: PasswordPolicy, length: int) -> None:
    """A length outside the policy's bounds is a ValueError."""
    with pytest.raises(ValueError, match="length must be between"):
        generate_password(policy=policy, length=length)


@pytest.mark.parametrize("length", [True, 16.0, "16"])
def test_generate_length_type(length: object) -> None:
    """A length that is not an int is a TypeError."""
    with pytest.raises(TypeError, match="length must be an int or None"):
        generate_password(length=length)  # type: ignore[arg-type]


def test_generate_short_service_password() -> None:
    """Three characters are enough for 3 of 5 classes."""
    policy = PasswordPolicy.from_service(complexity_enabled=True, min_length=3)
    password = generate_password(policy=policy, length=3, rng=random.Random(1))
    assert (len(password), codes(password, policy)) == (3, [])


def test_generate_all_five_classes() -> None:
    """A policy that needs all five classes gets a letter without case too."""
    policy = PasswordPolicy(
        name="c", source="t", min_length=5, max_length=20, charset=CharacterSet.UNACCENTED,
        min_categories=5,
    )  # fmt: skip
    password = generate_password(policy=policy, rng=random.Random(3))
    assert codes(password, policy) == []
    assert any(not c.isascii() for c in password)


@pytest.mark.parametrize("login", ["a", "Z", "2", "!"])
def test_generate_avoids_a_one_character_login(login: str) -> None:
    """A one-character login rules its character (both cases) out of the alphabet."""
    personal = PersonalInfo(login=login)
    rng = random.Random(5)
    for _ in range(30):
        password = generate_password(personal=personal, rng=rng, length=30)
        assert login.casefold() not in password.casefold()


def test_generate_avoids_personal_data() -> None:
    """Personal data is never inside a generated password."""
    personal = PersonalInfo(login="ab", first_name="Xyz", display_name="Qrs Tuv", birth_date=BIRTH)
    rng = random.Random(11)
    for _ in range(200):
        password = generate_password(personal=personal, rng=rng, length=30)
        assert codes(password) == []
        assert personal_codes(password, personal) == []


def test_generate_falls_back_to_full_pool() -> None:
    """When personal data rules out every unambiguous digit, the full digit pool is used."""
    rule = PersonalRule(fields={PersonalField.DISPLAY_NAME}, min_token_length=1)
    policy = attrs.evolve(DEFAULT, personal=rule)
    personal = PersonalInfo(display_name=" ".join("23456789"))
    password = generate_password(policy=policy, personal=personal, rng=random.Random(2))
    assert codes(password, policy) == []
    assert set(password) & set("01")


def test_generate_fails_when_a_class_is_ruled_out() -> None:
    """If personal data rules out every upper-case letter, generation cannot succeed."""
    rule = PersonalRule(fields={PersonalField.DISPLAY_NAME}, min_token_length=1)
    policy = attrs.evolve(DEFAULT, personal=rule)
    personal = PersonalInfo(display_name=" ".join(string.ascii_uppercase))
    with pytest.raises(ValueError, match="rules out every character"):
        generate_password(policy=policy, personal=personal)


def test_generate_gives_up_after_many_draws() -> None:
    """A source of randomness that never varies ends in a RuntimeError, not a loop."""
    personal = PersonalInfo(login="AAA")
    with pytest.raises(RuntimeError, match="no password passed the policy") as info:
        generate_password(personal=personal, rng=FirstOfEverything())
    assert "AAA" not in str(info.value)
