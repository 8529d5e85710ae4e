"""Hypothesis strategies for your own tests: logins, passwords and domain names.

Install with ``pip install 'emailpro-core[testing]'`` (it adds Hypothesis). The
strategies build their values valid or invalid *by construction*, so they can
test code that calls emailpro_core without repeating its rules. The assertions
(:func:`emailpro_core.testing.assert_zone_ready` and its friends) are in
:mod:`emailpro_core.testing` and do not need Hypothesis.

>>> from hypothesis import given
>>> from emailpro_core.naming import check_login
>>> @given(valid_logins())
... def test_my_signup_accepts(login):
...     assert check_login(login) == ()
>>> test_my_signup_accepts()
"""

from __future__ import annotations

import string
from collections.abc import Callable

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "emailpro_core.testing.strategies needs Hypothesis: pip install 'emailpro-core[testing]'"
    ) from exc

from ..password import DEFAULT_PASSWORD_POLICY, CharacterClass, CharacterSet, PasswordPolicy

__all__ = [
    "LOGIN_ALPHABET",
    "domains",
    "invalid_logins",
    "invalid_logins_with_codes",
    "valid_logins",
    "valid_passwords",
]

# --- logins -------------------------------------------------------------------

#: What the default login policy allows anywhere (the dot is a separator only).
LOGIN_ALPHABET = string.ascii_letters + string.digits + "-_"

_LOGIN_ATOMS = st.text(alphabet=LOGIN_ALPHABET, min_size=1, max_size=8)


def valid_logins() -> st.SearchStrategy[str]:
    """Logins the default policy accepts: 2-32 characters, dots only between atoms."""
    return (
        st.lists(_LOGIN_ATOMS, min_size=1, max_size=4)
        .map(".".join)
        .filter(lambda login: 2 <= len(login) <= 32)
    )


def _with_character(char: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    # Insert one character at any position of a valid login.
    return st.tuples(valid_logins(), char, st.integers(min_value=0, max_value=32)).map(
        lambda t: t[0][: t[2]] + t[1] + t[0][t[2] :]
    )


# Letters that decompose (NFKD) into an ASCII letter and combining marks.
_ACCENTED = st.sampled_from("éèêëàâäîïôöùûüçñÉÈÀÇÑÅåÿ")
# ASCII characters the default policy refuses, and some that are not ASCII at all.
_FORBIDDEN = st.one_of(
    st.sampled_from(sorted(set(string.printable) - set(LOGIN_ALPHABET) - {"."})),
    st.sampled_from(["\x00", "\x7f", "\ud800", "\u200b", "ß", "ø", "中", "😀"]),
)


def invalid_logins_with_codes() -> st.SearchStrategy[tuple[str, str]]:
    """Pairs ``(login, code)``: a login the default policy refuses, and one code it must give."""
    return st.one_of(
        st.just(("", "login.empty")),
        st.sampled_from(LOGIN_ALPHABET).map(lambda c: (c, "login.too_short")),
        st.text(alphabet=LOGIN_ALPHABET, min_size=33, max_size=80).map(
            lambda s: (s, "login.too_long")
        ),
        _with_character(_ACCENTED).map(lambda s: (s, "login.accented")),
        _with_character(_FORBIDDEN).map(lambda s: (s, "login.invalid_character")),
        valid_logins().map(lambda s: ("." + s, "login.leading_separator")),
        valid_logins().map(lambda s: (s + ".", "login.trailing_separator")),
        st.tuples(_LOGIN_ATOMS, _LOGIN_ATOMS).map(
            lambda t: (f"{t[0]}..{t[1]}", "login.doubled_separator")
        ),
    )


def invalid_logins() -> st.SearchStrategy[str]:
    """Logins the default policy refuses (each breaks at least one rule)."""
    return invalid_logins_with_codes().map(lambda pair: pair[0])


# --- domains ------------------------------------------------------------------

_LDH_LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True).filter(
    # RFC 5891 §4.2.3.1: "??--" is reserved for A-labels.
    lambda label: label[2:4] != "--"
)
# Left-to-right U-labels valid under IDNA 2008 (right-to-left ones would put the
# Bidi rule on every other label of the name, which plain LDH labels may break).
_U_LABELS = st.sampled_from(
    ["bücher", "münchen", "café", "日本", "пример", "δοκιμή", "faß", "例え"]
)
_TLD = st.from_regex(r"[a-z]{2,6}", fullmatch=True)


def domains() -> st.SearchStrategy[str]:
    """Valid domain names as a user may type them: mixed case, U-labels, a trailing dot.

    Every value passes ``normalize_domain``: 2-5 labels, none longer than 12
    characters, a letters-only top-level label.
    """
    labels = st.lists(st.one_of(_LDH_LABEL, _U_LABELS), min_size=1, max_size=4)
    case: st.SearchStrategy[Callable[[str], str]] = st.sampled_from([str, str.upper, str.title])
    return st.tuples(labels, _TLD, case, st.booleans()).map(
        lambda t: t[2](".".join([*t[0], t[1]])) + ("." if t[3] else "")
    )


# --- passwords ----------------------------------------------------------------

# Characters of each class that every character set accepts (ASCII, no space),
# then the extras of a policy that accepts any character: accented letters count
# as upper or lower case (M-PWD), and letters without case are the fifth class.
_ASCII_POOLS = {
    CharacterClass.UPPER: string.ascii_uppercase,
    CharacterClass.LOWER: string.ascii_lowercase,
    CharacterClass.DIGIT: string.digits,
    CharacterClass.SYMBOL: "".join(sorted(set(string.punctuation))),
    CharacterClass.OTHER_LETTER: "",
}
_ANY_EXTRAS = {
    CharacterClass.UPPER: "ÉÀÇÑΩЖ",
    CharacterClass.LOWER: "éàçñωж",
    CharacterClass.SYMBOL: "€£§«»",
    CharacterClass.OTHER_LETTER: "あいうえお中文",
}
_UNACCENTED_EXTRAS = {
    CharacterClass.UPPER: "ΩЖ",
    CharacterClass.LOWER: "ωж",
    CharacterClass.OTHER_LETTER: "あいうえお中文",
}


def _pools(policy: PasswordPolicy) -> dict[CharacterClass, str]:
    extras = {
        CharacterSet.ANY: _ANY_EXTRAS,
        CharacterSet.UNACCENTED: _UNACCENTED_EXTRAS,
        CharacterSet.PRINTABLE_ASCII: {},
    }[policy.charset]
    return {cls: _ASCII_POOLS[cls] + extras.get(cls, "") for cls in CharacterClass}


def valid_passwords(policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY, /) -> st.SearchStrategy[str]:
    """Passwords that ``policy`` accepts when no personal data is given.

    Each password has one character of every class the policy requires, more
    classes until ``min_categories`` is reached, and a filler drawn from the
    classes the character set allows; its length is anywhere between the
    policy's bounds. With personal data (``PersonalInfo``), filter the values
    through ``check_password`` yourself: what a name rules out is yours to say.

    Raises:
        TypeError: ``policy`` is not a ``PasswordPolicy``.
    """
    if not isinstance(policy, PasswordPolicy):
        raise TypeError(f"policy must be a PasswordPolicy, not {type(policy).__name__}")
    pools = _pools(policy)
    usable = [cls for cls in CharacterClass if pools[cls]]
    optional = [cls for cls in usable if cls not in policy.required]
    required = sorted(policy.required, key=usable.index)
    more = max(0, policy.min_categories - len(required))

    @st.composite
    def build(draw: st.DrawFn) -> str:
        extra = draw(st.permutations(optional))[:more]
        classes = [*required, *extra]
        shortest = max(policy.min_length, len(classes))
        size = draw(st.integers(min_value=shortest, max_value=min(policy.max_length, 64)))
        chars = [draw(st.sampled_from(pools[cls])) for cls in classes]
        filler = "".join(pools[cls] for cls in classes or usable)
        rest = size - len(chars)
        chars += draw(st.lists(st.sampled_from(filler), min_size=rest, max_size=rest))
        return "".join(draw(st.permutations(chars)))

    return build()
