"""Shared Hypothesis strategies for the property tests.

Import them as ``from strategies import valid_logins`` (this directory is on
``sys.path`` when pytest collects it). Each strategy builds its values to be
valid or invalid *by construction*, never by filtering through the code under test.
"""

from __future__ import annotations

import string
from collections.abc import Callable

from hypothesis import strategies as st

__all__ = [
    "LOGIN_ALPHABET",
    "any_text",
    "domains",
    "invalid_logins",
    "invalid_logins_with_codes",
    "non_str",
    "valid_logins",
]

#: What the default login policy allows anywhere (the dot is a separator only).
LOGIN_ALPHABET = string.ascii_letters + string.digits + "-_"

_LOGIN_ATOMS = st.text(alphabet=LOGIN_ALPHABET, min_size=1, max_size=8)


def valid_logins() -> st.SearchStrategy[str]:
    """Logins the default policy accepts: 2–32 characters, dots only between atoms."""
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

    Every value passes ``normalize_domain``: 2–5 labels, none longer than 12
    characters, a letters-only top-level label.
    """
    labels = st.lists(st.one_of(_LDH_LABEL, _U_LABELS), min_size=1, max_size=4)
    case: st.SearchStrategy[Callable[[str], str]] = st.sampled_from([str, str.upper, str.title])
    return st.tuples(labels, _TLD, case, st.booleans()).map(
        lambda t: t[2](".".join([*t[0], t[1]])) + ("." if t[3] else "")
    )


def any_text(*, max_size: int = 60) -> st.SearchStrategy[str]:
    """Any ``str`` at all, lone surrogates, NUL and other controls included."""
    return st.text(alphabet=st.characters(exclude_categories=()), max_size=max_size)


def non_str() -> st.SearchStrategy[object]:
    """Values that are not ``str`` (and not ``str`` subclasses)."""
    return st.one_of(
        st.none(),
        st.integers(),
        st.floats(allow_nan=False),
        st.binary(),
        st.lists(st.text(max_size=3), max_size=3),
    )
