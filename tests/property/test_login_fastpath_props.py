"""``check_login`` gives exactly the answers of the reference reading (``login_oracle``).

The compiled scans of ``emailpro_core.naming._login_scan`` must not change a single code,
message, parameter or their order: every test here compares the whole answer,
parameters in order, with ``oracle_check_login``.
"""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from login_oracle import oracle_check_login
from strategies import any_text, valid_logins

from emailpro_core.errors import Violation
from emailpro_core.naming import MAX_CHARACTER_VIOLATIONS
from emailpro_core.naming._logins import LoginPolicy, check_login

DEFAULT = LoginPolicy.default()
GUIDE = LoginPolicy.guide()
PANEL = LoginPolicy.control_panel()
# Punctuation that is special inside a regex class, as specials and separators.
AWKWARD = LoginPolicy("awkward", "test", 1, 8, specials="]^\\", separators="-[")
NAMED = [DEFAULT, GUIDE, PANEL, AWKWARD]

Exact = list[tuple[str, str, list[tuple[str, object]]]]


def exact(violations: tuple[Violation, ...]) -> Exact:
    """Codes, messages and params with their order (Violation equality ignores the latter)."""
    return [(v.code, v.message, list(v.params.items())) for v in violations]


def assert_same(login: str, policy: LoginPolicy) -> None:
    """check_login and the reference agree exactly on ``login`` under ``policy``."""
    assert exact(oracle_check_login(login, policy)) == exact(check_login(login, policy=policy))


@st.composite
def policies(draw: st.DrawFn) -> LoginPolicy:
    """Named policies and made-up ones (any ASCII punctuation as special or separator)."""
    if draw(st.booleans()):
        return draw(st.sampled_from(NAMED))
    punctuation = draw(st.permutations(string.punctuation))
    cut = draw(st.integers(0, 6))
    end = draw(st.integers(cut, cut + 4))
    low = draw(st.none() | st.integers(1, 12))
    high = draw(st.none() | st.integers(low or 1, 40))
    return LoginPolicy(
        "made_up",
        "test",
        low,
        high,
        specials="".join(punctuation[:cut]),
        separators="".join(punctuation[cut:end]),
    )


# Near misses: allowed characters, separators, punctuation, accents (composed and
# decomposed), letters that fold to nothing ASCII, controls and a lone surrogate.
NEAR = "aZ09-_.+,;]^\\[ é\u0301ÉßǄﬁ①漢\x00\n\ud800"
near_logins = st.text(alphabet=NEAR, max_size=40)
# Many distinct offending characters, to cross MAX_CHARACTER_VIOLATIONS.
crowded = st.text(alphabet=st.characters(exclude_categories=()), min_size=14, max_size=60)


@st.composite
def huge(draw: st.DrawFn) -> str:
    """A long login: a short piece repeated, around a near miss."""
    piece = draw(st.one_of(near_logins, valid_logins()).filter(bool))
    times = draw(st.integers(1, 20_000 // len(piece) + 1))
    return draw(near_logins) + piece * times + draw(near_logins)


@given(st.one_of(any_text(), near_logins, valid_logins(), crowded), policies())
def test_same_answer_as_the_reference(login: str, policy: LoginPolicy) -> None:
    """Any text under any policy: the same violations, messages, params and order."""
    assert_same(login, policy)


@settings(max_examples=30)
@given(huge(), policies())
def test_same_answer_on_huge_input(login: str, policy: LoginPolicy) -> None:
    """Long and repetitive input: the same (bounded) answer as the reference."""
    assert_same(login, policy)


LONG_BAD = "a" + "".join(chr(c) for c in range(0x21, 0x30)) + "é" * 3 + "ü" + "#" * 9


@pytest.mark.parametrize(
    ("login", "policy"),
    [
        ("", DEFAULT),
        ("x", DEFAULT),
        ("x", PANEL),
        (".", DEFAULT),
        ("..", DEFAULT),
        ("a.", DEFAULT),
        (".a", PANEL),
        ("+a+", PANEL),
        ("a.+b", PANEL),
        ("a..b...c", DEFAULT),
        ("a,b", DEFAULT),
        ("a,b", GUIDE),
        ("..,,", GUIDE),
        ("a+b", DEFAULT),
        ("é", DEFAULT),
        ("e\u0301", DEFAULT),
        ("\u0301x", DEFAULT),
        ("ßx", DEFAULT),
        ("Ǆx", DEFAULT),
        ("ﬁx", DEFAULT),
        ("①漢", DEFAULT),
        ("a\x00b", DEFAULT),
        ("a\nb", DEFAULT),
        ("a\ud800b", DEFAULT),
        ("a b c,d", DEFAULT),
        ("a,,,;,;b", DEFAULT),
        ("a" * 33, DEFAULT),
        ("é" + "a" * 40, DEFAULT),
        ("é" * 300 + ",", DEFAULT),
        ("é" + "a" * 255, PANEL),
        ("é" + "a" * 256, PANEL),
        (".Zoë,x..", DEFAULT),
        (LONG_BAD, DEFAULT),
        (LONG_BAD * 100, PANEL),
        ("," * 100_000, DEFAULT),
        ("a" + "." * 100_000, DEFAULT),
        ("]^\\-[", AWKWARD),
        ("a]-b^[c", AWKWARD),
        ("a--b", AWKWARD),
        ("a-b", AWKWARD),
        ("abcdefghi", AWKWARD),
    ],
)
def test_tricky_examples(login: str, policy: LoginPolicy) -> None:
    """Edge cases of every rule, and inputs that stress the compiled scans."""
    assert_same(login, policy)


@pytest.mark.parametrize(
    ("login", "expected"),
    [
        ("a,,,;,;b", [("login.invalid_character", ",", 1), ("login.invalid_character", ";", 4)]),
        (
            "ü,é",
            [
                ("login.accented", "ü", 0),
                ("login.accented", "é", 2),
                ("login.invalid_character", ",", 1),
            ],
        ),
        ("\u0301,", [("login.accented", "\u0301", 0), ("login.invalid_character", ",", 1)]),
    ],
)
def test_character_order(login: str, expected: list[tuple[str, str, int]]) -> None:
    """Accents first, then other characters, each by first position, once per character."""
    found = check_login(login)
    assert expected == [(v.code, v.params["character"], v.params["position"]) for v in found]


def test_character_violations_stop_at_the_bound() -> None:
    """At most MAX_CHARACTER_VIOLATIONS, the first distinct characters by position."""
    login = "".join(chr(0x100 + i) for i in range(40)) * 3
    found = check_login(login)
    # U+0100–U+010F are all accented letters (U+0110, Đ, does not decompose).
    expected = [chr(0x100 + i) for i in range(MAX_CHARACTER_VIOLATIONS)]
    per_character = {"login.accented", "login.invalid_character"}
    assert expected == [v.params["character"] for v in found if v.code in per_character]


def test_repeated_calls_give_equal_answers() -> None:
    """The same login twice gives equal answers (nothing leaks between calls)."""
    for login in ["é,a..", "x", ".a", "a" * 40]:
        assert exact(check_login(login)) == exact(check_login(login))
