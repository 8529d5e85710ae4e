"""Properties of zone lines: the direct rendering is dnspython's, character for character."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st
from strategies import any_text

from emailpro_core.records._zonetext import to_rdata, zone_line

# --- strategies ---------------------------------------------------------------------

_PLAIN = "abcXYZ019-_"
# Characters dnspython reads or prints specially in a name, or that are not ASCII.
_SPECIAL = ["*", "@", "$", "\\", '"', "(", ";", " ", "\t", ".", "é", "\x00", "\x7f"]


@st.composite
def _labels(draw: st.DrawFn) -> str:
    plain = draw(st.text(st.sampled_from(_PLAIN), min_size=0, max_size=6))
    if draw(st.booleans()):
        return plain
    if draw(st.booleans()):
        at = draw(st.integers(0, len(plain)))
        return plain[:at] + draw(st.sampled_from(_SPECIAL)) + plain[at:]
    return draw(st.sampled_from(["a" * 63, "b" * 64, "xn--bcher-kva"]))


@st.composite
def _names(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 4)) == 0:
        # Near the 255-octet limit of a name (RFC 1035 §3.1): 251 to 256 characters.
        name = ".".join(["c" * 63] * 3 + ["d" * draw(st.integers(59, 64))])
    else:
        name = ".".join(draw(st.lists(_labels(), min_size=1, max_size=5)))
    return draw(st.sampled_from([name, name + ".", ".", ""]))


_NUMBERS = st.one_of(
    st.integers(0, 70_000).map(str),
    st.sampled_from(["00", "010", "65535", "65536", "-1", "+1", "٣", "1e3", ""]),
)


@st.composite
def _values(draw: st.DrawFn, rdtype: str) -> str:
    """A value close to ``rdtype``'s presentation form: valid, or invalid in one place."""
    if draw(st.integers(0, 5)) == 0:
        return draw(any_text(max_size=40))
    space = draw(st.sampled_from([" ", " ", "  ", "\t"]))
    if rdtype in ("MX", "SRV"):
        count = 1 if rdtype == "MX" else 3
        numbers = [draw(_NUMBERS) for _ in range(count)]
        return space.join([*numbers, draw(_names())])
    if rdtype == "A":
        octets = [draw(st.integers(0, 300).map(str) | st.just("01")) for _ in range(4)]
        return ".".join(octets[: draw(st.integers(3, 4))])
    if rdtype == "AAAA":
        return draw(st.sampled_from(["2001:db8::1", "::ffff:192.0.2.1", "2001:DB8:0::1"]))
    return draw(_names())


_TYPES = st.sampled_from(["MX", "SRV", "CNAME", "NS", "PTR", "A", "AAAA", "mx", "cname"])


def _dnspython(name: str, ttl: int, rdtype: str, value: str) -> str:
    """The line as dnspython renders it: the round trip ``zone_line`` is defined by."""
    owner = name if name.endswith(".") else name + "."
    return f"{owner} {ttl} IN {rdtype} {to_rdata(rdtype, value).to_text()}"


def _outcome(render: Callable[[str, int, str, str], str], *args: Any) -> tuple[str, str]:
    try:
        return "line", render(*args)
    except Exception as exc:  # compared by type: both paths must fail alike
        return "error", type(exc).__name__


# --- properties ---------------------------------------------------------------------


@settings(max_examples=300)
@given(data=st.data(), rdtype=_TYPES, ttl=st.integers(0, 2**31 - 1))
@example(data=None, rdtype="MX", ttl=60)
def test_zone_line_is_dnspython_text(data: st.DataObject | None, rdtype: str, ttl: int) -> None:
    """Every value renders exactly as dnspython renders it, or fails as dnspython fails."""
    value = "10 mx.example.net." if data is None else data.draw(_values(rdtype.upper()))
    expected = _outcome(_dnspython, "example.org", ttl, rdtype, value)
    assert expected == _outcome(zone_line, "example.org", ttl, rdtype, value)


@given(text=any_text(max_size=600) | st.text(st.characters(max_codepoint=0x7F), max_size=600))
def test_txt_line_is_dnspython_text(text: str) -> None:
    """TXT text of any characters and length is quoted, cut and escaped as dnspython does."""
    expected = _dnspython("example.org", 3600, "TXT", text)
    assert expected == zone_line("example.org", 3600, "TXT", text)
