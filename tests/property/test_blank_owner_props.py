"""After ``$ORIGIN``, a first record without owner name is a ``ZoneFileError``, whatever it is.

dnspython 2.6 and 2.7 raised ``AttributeError`` there; the declared floor (2.8) does not.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emailpro_core import ZoneFileError, ZoneSource

_RECORDS = st.sampled_from(
    [
        "IN MX 1 mx0.mail.ovh.net.",
        'IN TXT "v=spf1 include:mx.ovh.com ~all"',
        "IN A 192.0.2.1",
        "3600 IN AAAA 2001:db8::1",
        "IN CNAME ovh.com.",
        "IN SRV 0 0 443 pro1.mail.ovh.net.",
    ]
)


@given(
    st.permutations(["$TTL 3600", "$ORIGIN mydomain.ovh.", "; a comment", ""]),
    st.sampled_from([" ", "\t", "    "]),
    _RECORDS,
    st.lists(_RECORDS.map(lambda record: "@ " + record), max_size=3),
)
def test_a_first_record_without_owner_is_a_zone_error(
    head: list[str], blank: str, first: str, rest: list[str]
) -> None:
    """The error names the line of that first record."""
    lines = [*head, blank + first, *rest]
    with pytest.raises(ZoneFileError) as caught:
        ZoneSource.from_text("\n".join(lines) + "\n")
    assert (len(head) + 1, "the last used name is undefined") == (
        caught.value.line,
        caught.value.problem,
    )
