"""Example tables for logins, addresses, person names and service names."""

from __future__ import annotations

import pickle
import re
from collections.abc import Iterable

import pytest

from emailpro_core.domains import Domain
from emailpro_core.errors import InvalidDomain, InvalidLogin, ValidationError
from emailpro_core.naming import MAX_SUGGESTION_LENGTH, check_login, suggest_login
from emailpro_core.naming._login_scan import MAX_CHARACTER_VIOLATIONS
from emailpro_core.naming._logins import DEFAULT_LOGIN_POLICY, LoginPolicy, validate_login
from emailpro_core.naming._naming import (
    Address,
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

# The control panel's own pattern [M-ACC], as the forms use it.
PANEL_REGEX = re.compile(r"^[-_a-zA-Z0-9]+((\.|\+)[-_a-zA-Z0-9]+)*$")


def codes(login: str, policy: LoginPolicy = DEFAULT) -> list[str]:
    return [v.code for v in check_login(login, policy=policy)]


# --- policies ----------------------------------------------------------------


def test_default_policy_fields() -> None:
    """The default policy is 2–32 letters, digits, '-', '_', with '.' as separator."""
    assert (
        DEFAULT.min_length,
        DEFAULT.max_length,
        DEFAULT.specials,
        DEFAULT.separators,
    ) == (2, 32, "-_", ".")
    assert DEFAULT == DEFAULT_LOGIN_POLICY


def test_policies_name_their_source() -> None:
    """Each reading names itself and its source in its repr."""
    assert (DEFAULT.name, DEFAULT.source) == ("default", "D-EP1 ∩ M-ACC")
    assert (GUIDE.name, GUIDE.source) == ("guide", "D-EP1")
    assert (PANEL.name, PANEL.source) == ("control_panel", "M-ACC")
    assert repr(GUIDE) == (
        "LoginPolicy(name='guide', source='D-EP1', min_length=2, max_length=32, "
        "specials='.,-_', separators='')"
    )


def test_policies_are_frozen_and_compare_by_value() -> None:
    """Policies are immutable values: equal when built alike, hashable."""
    assert LoginPolicy.guide() == GUIDE
    assert hash(LoginPolicy.guide()) == hash(GUIDE)
    assert DEFAULT != GUIDE
    with pytest.raises(AttributeError):
        DEFAULT.min_length = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_length": 0, "max_length": 3}, "min_length must be at least 1"),
        ({"min_length": 4, "max_length": 3}, "max_length is smaller"),
        ({"min_length": 1, "max_length": 3, "specials": "a"}, "cannot be a special"),
        ({"min_length": 1, "max_length": 3, "specials": " "}, "cannot be a special"),
        ({"min_length": 1, "max_length": 3, "specials": "é"}, "cannot be a special"),
        ({"min_length": 1, "max_length": 3, "specials": ".", "separators": "."}, "both"),
    ],
)
def test_inconsistent_policies_are_refused(kwargs: dict[str, object], message: str) -> None:
    """A custom policy that contradicts itself raises ValueError at construction."""
    base: dict[str, object] = {"specials": "", "separators": ""}
    with pytest.raises(ValueError, match=message):
        LoginPolicy("custom", "test", **(base | kwargs))  # type: ignore[arg-type]


def test_custom_policy_without_bounds() -> None:
    """A policy without length bounds only refuses characters and separators."""
    policy = LoginPolicy("loose", "test", None, None, specials="", separators="")
    assert codes("a" * 500, policy) == []
    assert codes("", policy) == ["login.empty"]


@pytest.mark.parametrize(
    ("char", "expected"),
    [("a", True), ("Z", True), ("7", True), ("-", True), (".", True), ("+", False), ("", False)],
)
def test_allows(char: str, expected: bool) -> None:
    """allows() tells whether a character may appear at all under the default."""
    assert expected == DEFAULT.allows(char)


# --- check_login: accepted -----------------------------------------------------


@pytest.mark.parametrize(
    "login",
    [
        "ab",
        "mary.johnson",
        "Mary.Johnson",
        "j_doe",
        "jean-luc",
        "a.b.c",
        "x1",
        "-a",
        "a_",
        "a" * 32,
    ],
)
def test_default_accepts(login: str) -> None:
    """Logins within the strict intersection are accepted by all three policies."""
    assert check_login(login) == ()
    assert check_login(login, policy=GUIDE) == ()
    assert check_login(login, policy=PANEL) == ()
    assert PANEL_REGEX.match(login)


# --- check_login: every code ---------------------------------------------------


@pytest.mark.parametrize(
    ("login", "expected"),
    [
        ("", ["login.empty"]),
        ("a", ["login.too_short"]),
        ("a" * 33, ["login.too_long"]),
        ("é", ["login.too_short", "login.accented"]),
        ("zoë", ["login.accented"]),
        ("a b", ["login.invalid_character"]),
        ("a,b", ["login.invalid_character"]),
        ("a+b", ["login.invalid_character"]),
        ("a@b", ["login.invalid_character"]),
        ("a\x00b", ["login.invalid_character"]),
        ("a\ud800b", ["login.invalid_character"]),
        ("aßb", ["login.invalid_character"]),
        (".ab", ["login.leading_separator"]),
        ("ab.", ["login.trailing_separator"]),
        ("a..b", ["login.doubled_separator"]),
        (".", ["login.too_short", "login.leading_separator"]),
        ("..", ["login.leading_separator", "login.trailing_separator", "login.doubled_separator"]),
        (
            ".Zoë..x ",
            [
                "login.accented",
                "login.invalid_character",
                "login.leading_separator",
                "login.doubled_separator",
            ],
        ),
    ],
)
def test_default_codes(login: str, expected: list[str]) -> None:
    """Each broken rule has its own code, and all of them are reported at once."""
    assert expected == codes(login)


def test_length_params() -> None:
    """Length violations carry the limit and the actual length."""
    (short,) = check_login("a")
    (long,) = check_login("b" * 40)
    assert dict(short.params) == {"minimum": 2, "length": 1}
    assert dict(long.params) == {"maximum": 32, "length": 40}


def test_accented_params_suggest_ascii() -> None:
    """An accented letter names itself, its position and the folded login."""
    (violation,) = check_login("Zoë.Noël")
    # Both are the same letter, so one violation at its first position.
    assert dict(violation.params) == {
        "character": "ë",
        "codepoint": "U+00EB",
        "position": 2,
        "plain": "e",
        "suggestion": "Zoe.Noel",
    }
    assert check_login(str(violation.params["suggestion"])) == ()


def test_decomposed_accent_is_accented() -> None:
    """A letter typed as base + combining mark gets login.accented, suggesting the base."""
    (violation,) = check_login("zoe\u0308")
    assert (violation.code, violation.params["suggestion"]) == ("login.accented", "zoe")
    assert "remove it" in violation.message


def test_no_suggestion_for_huge_input() -> None:
    """Beyond MAX_SUGGESTION_LENGTH the suggestion is None, keeping params small."""
    login = "é" * (MAX_SUGGESTION_LENGTH + 1)
    accented = [v for v in check_login(login) if v.code == "login.accented"]
    assert [v.params["suggestion"] for v in accented] == [None]


def test_invalid_character_params() -> None:
    """An invalid character names itself, its code point and its first position."""
    (violation,) = check_login("ab cd ef")
    assert dict(violation.params) == {"character": " ", "codepoint": "U+0020", "position": 2}


def test_one_violation_per_distinct_character_in_position_order() -> None:
    """Repeated bad characters count once; the order follows first positions."""
    violations = check_login("a!b#c!d#")
    assert [(v.params["character"], v.params["position"]) for v in violations] == [
        ("!", 1),
        ("#", 3),
    ]


def test_character_violations_are_bounded() -> None:
    """A login full of distinct bad characters gives at most MAX_CHARACTER_VIOLATIONS of them."""
    login = "".join(chr(0x4E00 + i) for i in range(200))
    per_char = [v for v in check_login(login) if v.code == "login.invalid_character"]
    assert len(per_char) == MAX_CHARACTER_VIOLATIONS
    assert [chr(0x4E00 + i) for i in range(16)] == [v.params["character"] for v in per_char]


def test_huge_input_is_answered() -> None:
    """A megabyte of input gives a short, complete answer."""
    violations = check_login("x" * 1_000_000 + "!")
    assert [v.code for v in violations] == ["login.too_long", "login.invalid_character"]
    assert violations[1].params["position"] == 1_000_000


def test_separator_params() -> None:
    """Separator violations say which separator and where."""
    lead, trail, doubled = check_login(".ab...c.")
    assert dict(lead.params) == {"character": ".", "separators": "'.'"}
    assert dict(trail.params) == {"character": ".", "position": 7, "separators": "'.'"}
    assert dict(doubled.params) == {"text": "...", "position": 3}


def test_messages_are_printable() -> None:
    """Messages escape control characters and lone surrogates."""
    for violation in check_login("a\x00\ud800b"):
        assert violation.message.isprintable()
        violation.message.encode("utf-8")


# --- the other readings -------------------------------------------------------


@pytest.mark.parametrize(
    ("login", "default", "guide", "panel"),
    [
        ("a,b", ["login.invalid_character"], [], ["login.invalid_character"]),
        ("a+b", ["login.invalid_character"], ["login.invalid_character"], []),
        (".ab", ["login.leading_separator"], [], ["login.leading_separator"]),
        ("a..b", ["login.doubled_separator"], [], ["login.doubled_separator"]),
        ("a.+b", ["login.invalid_character"], ["login.invalid_character"],
         ["login.doubled_separator"]),
        ("+ab", ["login.invalid_character"], ["login.invalid_character"],
         ["login.leading_separator"]),
        ("a" * 40, ["login.too_long"], ["login.too_long"], []),
        ("a", ["login.too_short"], ["login.too_short"], []),
        ("é", ["login.too_short", "login.accented"], ["login.too_short", "login.accented"],
         ["login.accented"]),
    ],
)  # fmt: skip
def test_the_sources_disagree(
    login: str, default: list[str], guide: list[str], panel: list[str]
) -> None:
    """The guide allows commas and leading dots; the panel allows '+' and any length."""
    assert (default, guide, panel) == (codes(login), codes(login, GUIDE), codes(login, PANEL))
    assert bool(PANEL_REGEX.match(login)) == (panel == [])


def test_panel_trailing_plus() -> None:
    """Under the panel's reading, '+' is a separator like '.'."""
    assert codes("ab+", PANEL) == ["login.trailing_separator"]


# --- validate_login ------------------------------------------------------------


def test_validate_returns_login() -> None:
    """A valid login comes back unchanged."""
    assert validate_login("Mary.Johnson") == "Mary.Johnson"


def test_validate_raises_with_every_violation() -> None:
    """InvalidLogin carries every violation, is a ValueError and pickles."""
    with pytest.raises(InvalidLogin) as info:
        validate_login(".é.")
    expected = ("login.accented", "login.leading_separator", "login.trailing_separator")
    assert expected == info.value.codes
    assert isinstance(info.value, ValueError)
    assert info.value.codes == pickle.loads(pickle.dumps(info.value)).codes


def test_validate_with_policy() -> None:
    """validate_login honours the policy option."""
    assert validate_login("a+b", policy=PANEL) == "a+b"


@pytest.mark.parametrize("value", [None, 12, b"ab", ["ab"]])
def test_login_type_errors(value: object) -> None:
    """Non-str input is a TypeError naming the type, never another exception."""
    with pytest.raises(TypeError, match="a login must be a str"):
        check_login(value)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="a login must be a str"):
        validate_login(value)  # type: ignore[arg-type]


def test_str_subclass_is_accepted() -> None:
    """A str subclass is a str."""

    class Login(str):
        pass

    assert check_login(Login("mary")) == ()


# --- suggest_login ------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("Mary", "Johnson", "mary.johnson"),
        ("Élodie", "D'Arc-Ünal", "elodie.d.arc-unal"),
        ("Jean-Luc", "Picard", "jean-luc.picard"),
        ("Anne - Marie", "O'Neil  Jr.", "anne.marie.o.neil.jr"),
        ("Straße", "Øre", "strasse.ore"),
        ("Æsa", "Łukasz", "aesa.lukasz"),
        ("  ", "Li", "li"),
        ("Zoë", "", "zoe"),
        ("李", "Smith", "smith"),
        ("José_", "_García", "jose.garcia"),
        ("ÅBC", "DÉF", "abc.def"),
        ("Ｍａｒｙ", "X", "mary.x"),
        # Too long: cut after the last whole word that fits...
        ("Maximilian-Alexander", "Wolfeschlegelsteinhausen", "maximilian-alexander"),
        ("Maximilian-Alexander", "von Hohenzollern", "maximilian-alexander.von"),
        ("Anna", "de la Cruz y Fernández de Córdoba", "anna.de.la.cruz.y.fernandez.de"),
        ("Jean_Baptiste", "Poquelin-Molièreeeeeeeeeeeeeee", "jean_baptiste.poquelin"),
        # ... exactly 32 characters end on a whole word...
        ("Abcdefghij", "Klmnopqrst Uvwxyz 012 X", "abcdefghij.klmnopqrst.uvwxyz.012"),
        ("Abcdefghij", "Klmnopqrst.Uvwxyz-0123", "abcdefghij.klmnopqrst.uvwxyz"),
        ("Jean--Luc", "Le__Blanc", "jean-luc.le_blanc"),
        # ... and inside a word only when a whole word would keep fewer than 16.
        ("Jo", "Wolfeschlegelsteinhausenbergerdorff", "jo.wolfeschlegelsteinhausenberge"),
        ("abcdefghijklmnopqrstuvwxyz012345678", "b", "abcdefghijklmnopqrstuvwxyz012345"),
        ("abcdefghijklmnopqrstuvwxyz01234", "b", "abcdefghijklmnopqrstuvwxyz01234"),
    ],
)
def test_suggest_login(first: str, last: str, expected: str) -> None:
    """Suggestions fold accents, use single dots, are lower case and fit 32 characters."""
    suggestion = suggest_login(first, last)
    assert expected == suggestion
    assert check_login(suggestion) == ()


@pytest.mark.parametrize(
    ("first", "last"), [("", ""), ("李", "小龙"), ("😀", "🎉"), ("A", ""), ("...", "'-'")]
)
def test_suggest_login_nothing_usable(first: str, last: str) -> None:
    """Names without two usable ASCII characters raise login.nothing_usable."""
    with pytest.raises(InvalidLogin) as info:
        suggest_login(first, last)
    assert info.value.codes == ("login.nothing_usable",)


def test_suggest_login_type_error() -> None:
    """Non-str names are a TypeError."""
    with pytest.raises(TypeError, match="a last name must be a str"):
        suggest_login("Mary", None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("first", "last", "taken", "expected"),
    [
        ("Mary", "Johnson", (), "mary.johnson"),
        ("Mary", "Johnson", ("john.smith",), "mary.johnson"),
        # The next free form: the initial, then numbers from 2.
        ("Mary", "Johnson", ("mary.johnson",), "m.johnson"),
        ("Mary", "Johnson", ("mary.johnson", "m.johnson"), "mary.johnson2"),
        ("Mary", "Johnson", ("Mary.Johnson", "M.JOHNSON", "mary.johnson2"), "mary.johnson3"),
        ("Mary", "Johnson", ("mary.johnson", "m.johnson", "mary.johnson3"), "mary.johnson2"),
        # One name only: no initial form.
        ("Zoë", "", ("zoe",), "zoe2"),
        ("", "Li", ("li", "li2"), "li3"),
        # A cut name: the initial keeps the last name whole; a number cuts more.
        (
            "Maximilian-Alexander",
            "von Hohenzollern",
            ("maximilian-alexander.von",),
            "m.von.hohenzollern",
        ),
        (
            "Maximilian-Alexander",
            "von Hohenzollern",
            ("maximilian-alexander.von", "m.von.hohenzollern"),
            "maximilian-alexander.von2",
        ),
        (
            "abcdefghijklmnopqrstuvwxyz01234",
            "",
            (
                "abcdefghijklmnopqrstuvwxyz01234",
                *(f"abcdefghijklmnopqrstuvwxyz01234{n}" for n in range(2, 10)),
            ),
            "abcdefghijklmnopqrstuvwxyz012310",
        ),
        # A generator is read once.
        ("Mary", "Johnson", (login for login in ["mary.johnson"]), "m.johnson"),
    ],
)
def test_suggest_login_avoids_taken(
    first: str, last: str, taken: Iterable[str], expected: str
) -> None:
    """With taken logins, the suggestion is the first free form, case-insensitively."""
    suggestion = suggest_login(first, last, taken=taken)
    assert expected == suggestion
    assert check_login(suggestion) == ()


@pytest.mark.parametrize(
    ("taken", "match"),
    [
        ("mary.johnson", "taken must be a collection of logins, not a str"),
        (["mary.johnson", 42], "a taken login must be a str, not int"),
    ],
)
def test_suggest_login_taken_type_error(taken: object, match: str) -> None:
    """taken is a collection of str: a bare str, or anything else inside, is a TypeError."""
    with pytest.raises(TypeError, match=match):
        suggest_login("Mary", "Johnson", taken=taken)  # type: ignore[arg-type]


def test_suggest_login_taken_does_not_rescue_nothing_usable() -> None:
    """Names with nothing usable raise, whatever is taken."""
    with pytest.raises(InvalidLogin) as info:
        suggest_login("李", "小龙", taken=["li"])
    assert ("login.nothing_usable",) == info.value.codes


# --- addresses ----------------------------------------------------------------


def test_make_address() -> None:
    """An address joins a valid login and a normalized domain."""
    address = make_address("Mary.Johnson", "Bücher.Example.")
    assert ("Mary.Johnson", Domain("xn--bcher-kva.example", "bücher.example")) == (
        address.login,
        address.domain,
    )
    assert "Mary.Johnson@xn--bcher-kva.example" == address.ascii == str(address)
    assert address.unicode == "Mary.Johnson@bücher.example"


def test_make_address_takes_a_domain() -> None:
    """A Domain value is used as it is."""
    domain = Domain("example.com", "example.com")
    assert domain is make_address("mary", domain).domain


def test_address_equality_ignores_login_case() -> None:
    """Addresses differing only in login case are equal and hash alike."""
    a = make_address("Mary", "example.com")
    b = make_address("mary", "EXAMPLE.com.")
    assert a == b
    assert hash(a) == hash(b)
    assert a.login == "Mary"
    assert a != make_address("marie", "example.com")


@pytest.mark.parametrize(
    ("login", "domain", "error", "expected"),
    [
        ("m", "example.com", InvalidLogin, ("login.too_short",)),
        ("m", "-bad", InvalidLogin, ("login.too_short",)),
        ("mary", "localhost", InvalidDomain, ("domain.single_label",)),
        ("mary", "", InvalidDomain, ("domain.empty",)),
    ],
)
def test_make_address_errors(
    login: str, domain: str, error: type[ValidationError], expected: tuple[str, ...]
) -> None:
    """The login is validated first, then the domain."""
    with pytest.raises(error) as info:
        make_address(login, domain)
    assert expected == info.value.codes


def test_make_address_policy() -> None:
    """The login policy is an option."""
    assert make_address("a+b", "example.com", policy=PANEL).ascii == "a+b@example.com"


@pytest.mark.parametrize(
    ("text", "login", "domain"),
    [
        ("mary@example.com", "mary", "example.com"),
        ("Mary.J@Example.COM.", "Mary.J", "example.com"),
        ("postmaster@bücher.example", "postmaster", "xn--bcher-kva.example"),
    ],
)
def test_parse_address(text: str, login: str, domain: str) -> None:
    """parse_address splits on the last '@' and validates both parts."""
    address = parse_address(text)
    assert (login, domain) == (address.login, address.domain.ascii)


@pytest.mark.parametrize(
    ("text", "error", "expected"),
    [
        ("", ValidationError, ("address.missing_at",)),
        ("mary", ValidationError, ("address.missing_at",)),
        ("@example.com", InvalidLogin, ("login.empty",)),
        ("a@b@example.com", InvalidLogin, ("login.invalid_character",)),
        ("mary@", InvalidDomain, ("domain.empty",)),
    ],
)
def test_parse_address_errors(
    text: str, error: type[ValidationError], expected: tuple[str, ...]
) -> None:
    """Malformed addresses raise the error of the part at fault."""
    with pytest.raises(error) as info:
        parse_address(text)
    assert expected == info.value.codes
    assert type(info.value) is error


def test_parse_address_policy() -> None:
    """parse_address accepts a policy, e.g. for '+' logins under the panel's reading."""
    assert parse_address("a+b@example.com", policy=PANEL).login == "a+b"


def test_address_type_errors() -> None:
    """Wrong types are TypeErrors."""
    with pytest.raises(TypeError, match="an address must be a str"):
        parse_address(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="a domain must be a str"):
        make_address("mary", 3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="a login must be a str"):
        make_address(3, "example.com")  # type: ignore[arg-type]


def test_address_pickles() -> None:
    """Addresses are plain frozen values."""
    address = make_address("mary", "example.com")
    assert address == pickle.loads(pickle.dumps(address))
    assert isinstance(address, Address)


# --- placeholder addresses ------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("ab12cd@configureme.me", True),
        ("ab12cd@CONFIGUREME.ME.", True),
        ("x@y@configureme.me", True),
        ("mary@example.com", False),
        ("configureme.me", False),
        ("mary@configureme.me.example", False),
        ("mary@notconfigureme.me", False),
        ("", False),
        ("\ud800@\x00", False),
    ],
)
def test_is_placeholder_address(address: str, expected: bool) -> None:
    """Unconfigured accounts are …@configureme.me [D-EP1, M-ACC]; anything else is not."""
    assert expected == is_placeholder_address(address)


def test_is_placeholder_address_takes_an_address() -> None:
    """An Address value is accepted too."""
    assert is_placeholder_address(make_address("ab12", "configureme.me"))
    assert not is_placeholder_address(make_address("ab12", "example.com"))


def test_is_placeholder_address_type_error() -> None:
    """Other types are a TypeError."""
    with pytest.raises(TypeError, match="an address must be a str"):
        is_placeholder_address(b"x@configureme.me")  # type: ignore[arg-type]


# --- service names --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "nic_part", "index"),
    [
        ("emailpro-zz1111111-1", "zz1111111", 1),
        ("emailpro-ab12345-2", "ab12345", 2),
        ("emailpro-xx1-123456789", "xx1", 123456789),
    ],
)
def test_parse_service_name(name: str, nic_part: str, index: int) -> None:
    """Valid names split into the NIC part and the index, and print back as given."""
    parsed = parse_service_name(name)
    assert ServiceName(nic_part, index) == parsed
    assert name == str(parsed)
    assert check_service_name(name) == ()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("", ["service_name.empty"]),
        ("emailpro", ["service_name.wrong_prefix"]),
        ("hosted-zz1111111-1", ["service_name.wrong_prefix"]),
        ("EmailPro-zz1111111-1", ["service_name.wrong_prefix"]),
        ("private-zz111111-0", ["service_name.wrong_prefix", "service_name.zero_index"]),
        ("emailpro-", ["service_name.malformed_nic_part", "service_name.missing_index"]),
        ("emailpro-zz1111111", ["service_name.missing_index"]),
        ("emailpro-zz1111111-", ["service_name.missing_index"]),
        ("emailpro-zz1111111-0", ["service_name.zero_index"]),
        ("emailpro-zz1111111-000", ["service_name.zero_index"]),
        ("emailpro-zz1111111-01", ["service_name.invalid_index"]),
        ("emailpro-zz1111111-x", ["service_name.invalid_index"]),
        ("emailpro-zz1111111-1234567890", ["service_name.invalid_index"]),
        ("emailpro-zz1111111-١", ["service_name.invalid_index"]),
        ("emailpro-ZZ1111111-1", ["service_name.malformed_nic_part"]),
        ("emailpro-z1111111-1", ["service_name.malformed_nic_part"]),
        ("emailpro-zzz-1", ["service_name.malformed_nic_part"]),
        ("emailpro-zz11-ovh-1", ["service_name.malformed_nic_part"]),
        ("emailpro--1", ["service_name.malformed_nic_part"]),
    ],
)
def test_check_service_name(name: str, expected: list[str]) -> None:
    """Each defect of a service name has its own code."""
    assert expected == [v.code for v in check_service_name(name)]


def test_parse_service_name_raises() -> None:
    """parse_service_name raises ValidationError with every violation."""
    with pytest.raises(ValidationError) as info:
        parse_service_name("hosted-zz1-0")
    assert info.value.codes == ("service_name.wrong_prefix", "service_name.zero_index")
    assert info.value.subject == "service name"


def test_service_name_type_error() -> None:
    """Non-str names are a TypeError."""
    with pytest.raises(TypeError, match="a service name must be a str"):
        parse_service_name(1)  # type: ignore[arg-type]


# --- person and display names ---------------------------------------------------


@pytest.mark.parametrize(
    ("name", "required", "expected"),
    [
        ("Mary", False, []),
        ("Élodie-Anne O'Brien", False, []),
        ("李小龙", False, []),
        ("", False, []),
        ("", True, ["name.empty"]),
        ("   ", True, ["name.empty"]),
        ("a" * 64, False, []),
        ("a" * 65, False, ["name.too_long"]),
        ("😀" * 32, False, []),
        ("😀" * 33, False, ["name.too_long"]),
        ("Mary\nJane", False, ["name.control_character"]),
        ("Mary\tJane", False, ["name.control_character"]),
        ("Mary\u2028", False, ["name.control_character"]),
        ("\x00", True, ["name.control_character"]),
        ("\t", True, ["name.empty", "name.control_character"]),
        ("Mary\ud800", False, ["name.invalid_character"]),
        ("a\x85b\x00\ud800\x85" + "a" * 64, False,
         ["name.too_long", "name.control_character", "name.control_character",
          "name.invalid_character"]),
    ],
)  # fmt: skip
def test_check_first_name(name: str, required: bool, expected: list[str]) -> None:
    """First names: at most 64 UTF-16 units [M-ACC], no control characters, optional."""
    assert expected == [v.code for v in check_first_name(name, required=required)]


def test_name_params() -> None:
    """Name violations name the field, the limit, the character and its position."""
    too_long, control = check_last_name("x\x07" + "y" * 70)
    assert dict(too_long.params) == {"field": "last_name", "maximum": 64, "length": 72}
    assert dict(control.params) == {
        "field": "last_name",
        "character": "\x07",
        "codepoint": "U+0007",
        "position": 1,
    }


@pytest.mark.parametrize(("length", "expected"), [(250, []), (251, ["name.too_long"])])
def test_check_display_name(length: int, expected: list[str]) -> None:
    """Display names: at most 250 [M-I18N emailpro_displayName_maxlength]."""
    assert expected == [v.code for v in check_display_name("d" * length)]


def test_name_fields_are_optional_unless_required() -> None:
    """Empty names pass by default (the API fields are optional)."""
    assert () == check_last_name("") == check_display_name("")
    assert tuple(v.code for v in check_display_name("", required=True)) == ("name.empty",)


def test_name_violations_are_bounded() -> None:
    """Many distinct control characters give a bounded list."""
    name = "".join(chr(c) for c in range(32))
    assert len(check_display_name(name)) == MAX_CHARACTER_VIOLATIONS


def test_name_type_error() -> None:
    """Non-str names are a TypeError naming the field."""
    with pytest.raises(TypeError, match="a display name must be a str"):
        check_display_name(None)  # type: ignore[arg-type]
