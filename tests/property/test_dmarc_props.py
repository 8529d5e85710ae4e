"""Properties of the DMARC record parser."""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import any_text, non_str

from emailpro_core.dmarc._dmarc import (
    DmarcAlignment,
    DmarcPolicy,
    DmarcPsd,
    DmarcRecord,
    is_dmarc_record,
    parse_dmarc,
)

KNOWN_TAGS = (
    "v",
    "p",
    "sp",
    "np",
    "rua",
    "ruf",
    "adkim",
    "aspf",
    "fo",
    "t",
    "psd",
    "pct",
    "ri",
    "rf",
)

policies = st.sampled_from(DmarcPolicy)
_label = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=10)
_local = st.tuples(_label, st.sampled_from(["", ".x", "+tag", "-y"])).map("".join)
_host = st.lists(_label, min_size=2, max_size=4).map(".".join)
uris = st.one_of(
    st.tuples(_local, _host).map(lambda t: f"mailto:{t[0]}@{t[1]}"),
    st.tuples(_host, _local).map(lambda t: f"https://{t[0]}/{t[1]}"),
)
failure_options = st.one_of(
    st.just(("0",)),
    st.lists(st.sampled_from("ds"), unique=True).flatmap(
        lambda extra: st.sampled_from(["0", "1"]).flatmap(
            lambda base: st.permutations([base, *extra]).map(tuple)
        )
    ),
)
records = st.builds(
    DmarcRecord,
    policy=policies,
    subdomain_policy=st.none() | policies,
    nonexistent_policy=st.none() | policies,
    aggregate_uris=st.lists(uris, max_size=3).map(tuple),
    failure_uris=st.lists(uris, max_size=2).map(tuple),
    dkim_alignment=st.sampled_from(DmarcAlignment),
    spf_alignment=st.sampled_from(DmarcAlignment),
    failure_options=failure_options,
    testing=st.booleans(),
    psd=st.sampled_from(DmarcPsd),
    percent=st.integers(min_value=0, max_value=100),
    report_interval=st.integers(min_value=0, max_value=2**32 - 1),
    report_formats=st.lists(st.sampled_from(["afrf", "iodef"]), min_size=1, max_size=2).map(tuple),
)
unknown_tags = st.text(alphabet=string.ascii_letters, min_size=1, max_size=8).filter(
    lambda t: t.lower() not in KNOWN_TAGS
)
tag_values = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E).filter(lambda c: c != ";"),
    max_size=20,
)


@given(any_text(max_size=200))
def test_never_raises_on_any_str(text: str) -> None:
    """Any str parses; a record exists only for text that starts with v=DMARC1."""
    parsed = parse_dmarc(text)
    assert all(v.code.startswith("dmarc.") for v in parsed.violations)
    if parsed.record is not None:
        assert is_dmarc_record(text)


@given(st.lists(st.tuples(st.sampled_from(KNOWN_TAGS), any_text(max_size=30)), max_size=8))
def test_never_raises_on_known_tags(tags: list[tuple[str, str]]) -> None:
    """Known tags with arbitrary values parse; no record without a policy or a valid rua."""
    parsed = parse_dmarc("v=DMARC1; " + "; ".join(f"{name}={value}" for name, value in tags))
    if parsed.record is None:
        assert parsed.errors


@given(non_str())
def test_non_str_is_a_type_error(value: object) -> None:
    """Anything but a str is a TypeError."""
    with pytest.raises(TypeError):
        parse_dmarc(value)  # type: ignore[arg-type]


@given(records)
def test_round_trip(record: DmarcRecord) -> None:
    """A valid record written with to_text parses back to itself, without error."""
    parsed = parse_dmarc(record.to_text())
    assert parsed.record == record
    assert parsed.errors == ()
    expected_warnings = () if record.percent == 100 else ("dmarc.pct_ignored",)
    assert tuple(w.code for w in parsed.warnings) == expected_warnings


@given(
    records,
    st.lists(st.tuples(unknown_tags, tag_values), max_size=3, unique_by=lambda t: t[0].lower()),
    st.randoms(),
)
def test_unknown_tags_and_order_only_warn(
    record: DmarcRecord, unknown: list[tuple[str, str]], rng: random.Random
) -> None:
    """Unknown tags add only warnings, and tag order after v= does not matter."""
    tags = record.to_text().split("; ")[1:] + [f"{name}={value}" for name, value in unknown]
    rng.shuffle(tags)
    shuffled = parse_dmarc("; ".join(["v=DMARC1", *tags]))
    assert (shuffled.record, shuffled.errors) == (record, ())
    assert sum(w.code == "dmarc.unknown_tag" for w in shuffled.warnings) == len(unknown)


@given(records, st.sampled_from([str.upper, str.lower, str.title]))
def test_tag_names_and_keywords_are_case_insensitive(
    record: DmarcRecord, case: Callable[[str], str]
) -> None:
    """Tag names and keyword values read the same in any case; v=DMARC1 and URIs keep theirs."""
    tags = [
        tag if tag.startswith(("rua=", "ruf=")) else case(tag)
        for tag in record.to_text().split("; ")[1:]
    ]
    assert parse_dmarc("; ".join(["v=DMARC1", *tags])).record == record


# RFC 7489 §6.4, written out here rather than taken from the parser: a report URI
# holds no "!" but in an optional size suffix at its end, "!" digits [unit].
_SIZED = re.compile(r"(?P<uri>[^!]*)(?:!(?P<size>[0-9]+[kmgtKMGT]?))?")
_sizes = st.tuples(
    st.text(alphabet="0123456789\u0663", max_size=4),
    st.sampled_from(["", "k", "M", "t", "x", "mb", "!", "!5"]),
).map(lambda t: "!" + t[0] + t[1])
_uri_chars = st.text(alphabet=string.ascii_letters + string.digits + "!@.:/%-_~+=?&#", max_size=12)


@st.composite
def report_uris(draw: st.DrawFn) -> str:
    """A report URI, with sizes and stray "!" at the end, inside, or both."""
    uri = draw(uris | _uri_chars)
    if draw(st.booleans()):
        at = draw(st.integers(min_value=0, max_value=len(uri)))
        uri = uri[:at] + draw(_sizes) + uri[at:]
    if draw(st.booleans()):
        uri += draw(_sizes)
    return uri


@given(st.lists(report_uris(), min_size=1, max_size=3))
def test_report_uris_round_trip_exactly_or_are_refused(items: list[str]) -> None:
    """Each rua item is kept exactly (less a trailing size) or refused; never rewritten."""
    parsed = parse_dmarc(f"v=DMARC1; p=none; rua={','.join(items)}")
    assert parsed.record is not None
    kept = list(parsed.record.aggregate_uris)
    refused = [e.params["value"] for e in parsed.errors]
    assert all(e.code == "dmarc.bad_value" for e in parsed.errors)
    assert len(items) == len(kept) + len(refused)
    for item in items:
        sized = _SIZED.fullmatch(item)
        if kept and sized is not None and kept[0] == sized["uri"]:
            kept.pop(0)
        else:
            assert sized is None or item in refused, (item, parsed)
    assert [] == kept
    # What is kept is written back as it was read, and reads back the same.
    again = parse_dmarc(parsed.record.to_text())
    assert (again.record, again.errors) == (parsed.record, ())
