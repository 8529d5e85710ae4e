"""Shared Hypothesis strategies for the property tests.

Import them as ``from strategies import valid_logins`` (this directory is on
``sys.path`` when pytest collects it). Each strategy builds its values to be
valid or invalid *by construction*, never by filtering through the code under test.

The login, domain and password strategies are public, in ``emailpro_core.testing.strategies``
(the ``emailpro-core[testing]`` extra); they are re-exported here. The others
are for this test suite only.
"""

from __future__ import annotations

from hypothesis import strategies as st

from emailpro_core.testing.strategies import (
    LOGIN_ALPHABET,
    domains,
    invalid_logins,
    invalid_logins_with_codes,
    valid_logins,
    valid_passwords,
)

__all__ = [
    "LOGIN_ALPHABET",
    "any_text",
    "domains",
    "invalid_logins",
    "invalid_logins_with_codes",
    "non_str",
    "valid_logins",
    "valid_passwords",
]


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
