"""Properties of violations and errors."""

from __future__ import annotations

import pickle

from hypothesis import given
from hypothesis import strategies as st

from emailpro_core.errors import InvalidDomain, InvalidLogin, ValidationError, Violation

violations = st.builds(
    Violation,
    st.text(min_size=1, max_size=30),
    st.text(max_size=60),
    st.dictionaries(st.text(max_size=10), st.integers() | st.text(max_size=10), max_size=4),
)


@given(
    st.lists(violations, max_size=5),
    st.sampled_from([ValidationError, InvalidDomain, InvalidLogin]),
)
def test_errors_round_trip_through_pickle(
    found: list[Violation], cls: type[ValidationError]
) -> None:
    """Any error pickles back to an equal error carrying the same violations."""
    err = cls(found)
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is cls
    assert back.violations == tuple(found)
    assert back.codes == tuple(v.code for v in found)
    assert str(back) == str(err)


@given(violations)
def test_violation_dict_view_is_faithful(violation: Violation) -> None:
    """to_dict() holds exactly the code, message and params."""
    view = violation.to_dict()
    assert view == {
        "code": violation.code,
        "message": violation.message,
        "params": dict(violation.params),
    }
    assert Violation(violation.code, violation.message, dict(violation.params)) == violation
