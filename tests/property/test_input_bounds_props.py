"""Properties of the input bounds: the same language as before, bounded memory.

The SPF top label and the cutting of long target names were rewritten to run in
linear time; these properties hold them equal to the grammar as RFC 7208 writes
it (the former regular expression) and to the former label-by-label cutting.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emailpro_core.cli._common import MAX_JSON_DEPTH
from emailpro_core.cli._common import too_deep as _too_deep
from emailpro_core.dmarc._dmarc import parse_dmarc
from emailpro_core.records import _zonetext as zonetext
from emailpro_core.sources._inputfiles import bounded_lines
from emailpro_core.spf._macros import MAX_NAME_LENGTH, target_name
from emailpro_core.spf._syntax import _is_toplabel

# RFC 7208 §7.1, as written (and as the parser had it): backtracks on long labels.
_GRAMMAR = re.compile(r"[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*|[A-Za-z0-9]+-[A-Za-z0-9-]*[A-Za-z0-9]")


@given(st.text(st.sampled_from("aZ09-_.é"), max_size=12))
def test_top_labels_as_the_grammar(label: str) -> None:
    """The linear check accepts exactly what the grammar's expression accepts."""
    assert (_GRAMMAR.fullmatch(label) is not None) is _is_toplabel(label)


def _cut_label_by_label(text: str) -> str | None:
    name = text[:-1] if text.endswith(".") else text
    while len(name) > MAX_NAME_LENGTH and "." in name:
        name = name.split(".", 1)[1]
    labels_ok = all(0 < len(label) <= 63 for label in name.split("."))
    if not name.isascii() or len(name) > MAX_NAME_LENGTH or not labels_ok:
        return None
    return name.lower()


@given(
    st.lists(st.text(st.sampled_from("aB1-"), max_size=70), max_size=40).map(".".join),
    st.booleans(),
)
def test_target_names_as_cut_label_by_label(name: str, dot: bool) -> None:
    """One search finds where label-by-label cutting stops (§7.3)."""
    text = name + ("." if dot else "")
    assert _cut_label_by_label(text) == target_name(text)


@given(
    st.lists(st.binary(max_size=12).map(lambda b: b.replace(b"\n", b"")), max_size=8),
    st.integers(1, 10),
    st.booleans(),
)
def test_bounded_lines_keep_short_lines_and_drop_long_ones(
    lines: list[bytes], limit: int, final_newline: bool
) -> None:
    """Each line comes back as it was if it fits, else as ``None``; none is lost or merged."""
    data = b"\n".join(lines) + (b"\n" if final_newline and lines else b"")
    expected: list[bytes | None] = []
    for index, line in enumerate(lines):
        ends = index < len(lines) - 1 or final_newline
        if not ends and not line:
            continue  # nothing after the last newline: no line
        expected.append(line + b"\n" if ends else line if len(line) <= limit else None)
        if len(line) > limit:
            expected[-1] = None
    assert expected == list(bounded_lines(io.BytesIO(data), limit))


@given(st.sampled_from(["pct", "ri"]), st.integers(0, 5000), st.integers(0, 10**12))
def test_dmarc_numbers_as_int(tag: str, zeros: int, number: int) -> None:
    """Leading zeros change nothing; a number is in range exactly when int() says so."""
    maximum = 100 if tag == "pct" else 2**32 - 1
    parsed = parse_dmarc(f"v=DMARC1; p=none; {tag}={'0' * zeros}{number}")
    assert (number <= maximum) is ("dmarc.bad_value" not in [v.code for v in parsed.errors])


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ab'),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=60,
)


def _depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    return 0


@given(_JSON, st.integers(min_value=0, max_value=40))
def test_json_depth_as_decoded(value: object, wrap: int) -> None:
    """The scan's verdict is the depth of what json decodes, strings full of brackets aside."""
    wrapped: object = value
    for _ in range(wrap):
        wrapped = [wrapped]
    assert (_depth(wrapped) > MAX_JSON_DEPTH) is _too_deep(json.dumps(wrapped))


@given(
    st.sampled_from(["CNAME", "DNAME", "NS", "PTR", "MX", "SRV"]),
    st.integers(min_value=4 * 255 + 33, max_value=70_000),
)
def test_name_values_longer_than_a_name_are_refused(rdtype: str, length: int) -> None:
    """Whatever its type and length, a value longer than any name can be written is refused."""
    with pytest.raises(ValueError, match=f"{length} characters is too long"):
        zonetext.zone_line("example.org", 300, rdtype, "a" * length)
