"""merge_spf: adding a provider's include to the one SPF record of a domain."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from emailpro_core.spf import SpfMerge, merge_spf

OVH = "mx.ovh.com"


@pytest.mark.parametrize(
    ("existing", "record", "changed"),
    [
        (None, "v=spf1 include:mx.ovh.com ~all", True),
        ([], "v=spf1 include:mx.ovh.com ~all", True),
        ("google-site-verification=abc", "v=spf1 include:mx.ovh.com ~all", True),
        (["hello", "v=spf10 -all"], "v=spf1 include:mx.ovh.com ~all", True),
        ("v=spf1 -all", "v=spf1 include:mx.ovh.com -all", True),
        ("v=spf1 mx ~all", "v=spf1 mx include:mx.ovh.com ~all", True),
        ("v=spf1 mx ?all", "v=spf1 mx include:mx.ovh.com ?all", True),
        ("v=spf1 +a mx all", "v=spf1 +a mx include:mx.ovh.com all", True),
        (
            "v=spf1 a -all exp=why.example.org",
            "v=spf1 a include:mx.ovh.com -all exp=why.example.org",
            True,
        ),
        ("v=spf1 a -all mx", "v=spf1 a include:mx.ovh.com -all mx", True),  # before the first all
        (
            "v=spf1 a redirect=_spf.example.org",
            "v=spf1 a include:mx.ovh.com redirect=_spf.example.org",
            True,
        ),
        ("v=spf1 a exp=x.example.org", "v=spf1 a include:mx.ovh.com exp=x.example.org", True),
        ("v=spf1 foo=bar", "v=spf1 include:mx.ovh.com foo=bar", True),
        ("v=spf1", "v=spf1 include:mx.ovh.com", True),
        ("V=SPF1  IP4:192.0.2.1   -ALL", "V=SPF1 IP4:192.0.2.1 include:mx.ovh.com -ALL", True),
        ("v=spf1 include:mx.ovh.com ~all", "v=spf1 include:mx.ovh.com ~all", False),
        ("v=spf1 +include:MX.OVH.COM. -all", "v=spf1 +include:MX.OVH.COM. -all", False),
        (["v=spf1 a include:mx.ovh.com -all", "x"], "v=spf1 a include:mx.ovh.com -all", False),
        (("verify=1", "v=spf1 mx -all"), "v=spf1 mx include:mx.ovh.com -all", True),
    ],
)
def test_merges(existing: str | Sequence[str] | None, record: str, changed: bool) -> None:
    """Every term is kept as written; the include goes before all (or redirect=)."""
    assert SpfMerge(record, changed) == merge_spf(existing, OVH)


@pytest.mark.parametrize(
    ("existing", "include", "codes"),
    [
        (["v=spf1 -all", "v=spf1 ~all"], OVH, ["spf.multiple_records"]),
        ("v=spf1 moo ip4:1.2.3 -all", OVH, ["spf.unknown_mechanism", "spf.bad_ip"]),
        ("v=spf1 ?include:mx.ovh.com -all", OVH, ["spf.include_qualified"]),
        ("v=spf1 include:mx.ovh.com include:MX.OVH.COM -all", OVH, ["spf.duplicate_include"]),
        ("v=spf1 " + "a " * 10 + "-all", OVH, ["spf.too_many_lookups"]),
        ("v=spf1 " + "a " * 11 + "include:mx.ovh.com -all", OVH, ["spf.too_many_lookups"]),
        (None, "", ["spf.bad_include"]),
        (None, "mx.ovh.com -all", ["spf.bad_include"]),
        (None, "include:mx.ovh.com", ["spf.bad_include"]),
        (None, "localhost", ["spf.bad_include"]),
        (None, "mx.ovh.com/24", ["spf.bad_include"]),
    ],
)
def test_refusals(existing: str | Sequence[str] | None, include: str, codes: list[str]) -> None:
    """When no safe merge exists, no record is given and the violations say why."""
    merged = merge_spf(existing, include)
    assert (merged.record, merged.changed) == (None, False)
    assert codes == [v.code for v in merged.violations]


def test_nine_lookups_plus_the_include_is_fine() -> None:
    """The include may be the tenth DNS-querying term (§4.6.4)."""
    merged = merge_spf("v=spf1 " + "a " * 9 + "-all", OVH)
    assert merged.record == "v=spf1 " + "a " * 9 + "include:mx.ovh.com -all"


def test_macro_include() -> None:
    """Any domain-spec can be included, macros too."""
    assert merge_spf(None, "_spf.%{d2}").record == "v=spf1 include:_spf.%{d2} ~all"


@pytest.mark.parametrize(
    ("existing", "include"),
    [(b"v=spf1 -all", OVH), (["v=spf1 -all", 3], OVH), (7, OVH), (None, None)],
)
def test_wrong_types(existing: object, include: object) -> None:
    """Inputs of the wrong type raise TypeError."""
    with pytest.raises(TypeError):
        merge_spf(existing, include)  # type: ignore[arg-type]
