"""Properties of ``example_zone``: a shipped zone or ``example.unknown``, never another error."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import any_text

from emailpro_core.errors import ValidationError
from emailpro_core.examples import EXAMPLE_DOMAINS, example_zone

# Any text, and the shipped names spelled in any case, with or without the final dot.
_NAMES = st.one_of(
    any_text(),
    st.builds(
        lambda name, upper, dot: (name.upper() if upper else name) + ("." if dot else ""),
        st.sampled_from(EXAMPLE_DOMAINS),
        st.booleans(),
        st.booleans(),
    ),
)


@given(_NAMES)
def test_example_zone_is_a_shipped_zone_or_a_coded_error(name: str) -> None:
    """A name that is a shipped one gives its zone (its ``$ORIGIN``); any other is refused."""
    key = name.lower().removesuffix(".")
    if key not in EXAMPLE_DOMAINS:
        with pytest.raises(ValidationError) as caught:
            example_zone(name)
        assert ("example.unknown",) == caught.value.codes
        return
    text = example_zone(name)
    assert f"$ORIGIN {key}." in text.splitlines()
    assert example_zone(key) == text
