"""Every parser fed from DNS takes time linear in its input, up to the 64 KiB of a TCP answer.

Each case is an input shape that makes a careless parser work hard: a long
label failing at its last character (the SPF top label used to backtrack
quadratically there: 16 K characters took 0.85 s), long runs of separators,
thousands of terms, tags or records, an unclosed quote or macro. The property
tests tile a drawn fragment up to each size, so shapes nobody listed are tried
too. See ``linearity.py`` for how the timings stay meaningful on a loaded machine.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from linearity import MAX_RATIO, SIZES, assert_linear

from emailpro_core.dkim._dkim import parse_dkim_key
from emailpro_core.dmarc._dmarc import is_dmarc_record, parse_dmarc
from emailpro_core.records import _zonetext as zonetext
from emailpro_core.sources._answers import TXT
from emailpro_core.sources._zone import ZoneSource
from emailpro_core.sources._zoneplain import read_plain
from emailpro_core.spf._macros import EXPLAIN_MACRO_LETTERS, parse_macro_string, target_name
from emailpro_core.spf._syntax import parse_spf


class _Fresh(str):
    """A ``str`` the parsers do not remember (they cache plain ``str`` texts only)."""

    __slots__ = ()


def _tiled(prefix: str, tile: str, suffix: str = "") -> Callable[[int], str]:
    """Inputs of ``size`` characters: ``prefix``, ``tile`` repeated, ``suffix``."""

    def build(size: int) -> str:
        count = max(1, (size - len(prefix) - len(suffix)) // len(tile))
        return prefix + tile * count + suffix

    return build


def _spf(text: str) -> object:
    return parse_spf(_Fresh(text))


def _dmarc(text: str) -> object:
    return parse_dmarc(_Fresh(text))


def _zone_line(rdtype: str) -> Callable[[str], object]:
    def render(value: str) -> object:
        zonetext._rdata_text.cache_clear()  # rendered values are remembered: time the work
        try:
            return zonetext.zone_line("example.org", 300, rdtype, value)
        except ValueError:
            return None  # refused, as dnspython refuses it: what is timed is the refusal

    return render


_ZONE_HEAD = "$ORIGIN example.org.\n$TTL 300\n@ SOA ns1 hostmaster 1 7200 900 1209600 300\n"


def _numbered(line: str) -> Callable[[int], str]:
    """A zone of about ``size`` characters: the head, then ``line`` formatted with 0, 1, 2..."""

    def build(size: int) -> str:
        lines = [_ZONE_HEAD, "@ NS ns1\n"]
        total = sum(map(len, lines))
        number = 0
        while total < size:
            lines.append(line.format(number))
            total += len(lines[-1])
            number += 1
        return "".join(lines)

    return build


# (what is parsed, the work, the input of a size)
_CASES: list[tuple[str, Callable[[str], object], Callable[[int], str]]] = [
    # SPF (RFC 7208 §4.6.1, §7.1): the top label of a domain-spec.
    ("spf top label ending in '-'", _spf, _tiled("v=spf1 include:x.", "a", "-")),
    ("spf top label ending in '_'", _spf, _tiled("v=spf1 include:x.", "a", "_")),
    ("spf top label of hyphens", _spf, _tiled("v=spf1 a:x.a", "-", "-")),
    ("spf top label all digits", _spf, _tiled("v=spf1 a:x.", "1")),
    ("spf valid long label", _spf, _tiled("v=spf1 a:x.", "a")),
    ("spf many labels", _spf, _tiled("v=spf1 a:", "a.", "com")),
    ("spf dots", _spf, _tiled("v=spf1 a:", ".")),
    ("spf many terms", _spf, _tiled("v=spf1 ", "ip4:192.0.2.1 ")),
    ("spf many bad terms", _spf, _tiled("v=spf1 ", "moo ")),
    ("spf many redirects", _spf, _tiled("v=spf1 ", "redirect=a.com ")),
    ("spf many macros", _spf, _tiled("v=spf1 exists:", "%{d}", ".com")),
    ("spf unclosed macro", _spf, _tiled("v=spf1 exists:%{", "d")),
    ("spf macro digits", _spf, _tiled("v=spf1 exists:%{d", "9", "}.com")),
    ("spf macro delimiters", _spf, _tiled("v=spf1 exists:%{d", "-", "}.com")),
    ("spf slashes", _spf, _tiled("v=spf1 a:x.com", "/")),
    ("spf dual cidr", _spf, _tiled("v=spf1 a:x.com", "//1")),
    ("spf ip6 colons", _spf, _tiled("v=spf1 ip6:", "1:")),
    ("spf ip4 digits", _spf, _tiled("v=spf1 ip4:", "1")),
    ("spf modifier escapes", _spf, _tiled("v=spf1 foo=", "%%")),
    ("spf equals", _spf, _tiled("v=spf1 ", "=")),
    ("spf colons", _spf, _tiled("v=spf1 include", ":")),
    ("spf not spf", _spf, _tiled("v=spf1", "1")),
    ("explain string", lambda t: parse_macro_string(t, spaces=True), _tiled("", "%{d} ")),
    (
        "explain letters",
        lambda t: parse_macro_string(t, letters=EXPLAIN_MACRO_LETTERS),
        _tiled("", "%{"),
    ),
    ("spf target name", target_name, _tiled("", "a.")),
    ("spf target name long label", target_name, _tiled("", "a", ".b")),
    # DMARC (RFC 9989 §4.7, §4.8).
    ("dmarc unknown tags", _dmarc, _tiled("v=DMARC1; p=none; ", "x=y; ")),
    ("dmarc duplicate tags", _dmarc, _tiled("v=DMARC1; p=none; ", "p=none; ")),
    ("dmarc report URIs", _dmarc, _tiled("v=DMARC1; p=none; rua=", "mailto:a@example.org,")),
    ("dmarc size suffixes", _dmarc, _tiled("v=DMARC1; p=none; rua=mailto:a@b.c", "!1")),
    ("dmarc long number", _dmarc, _tiled("v=DMARC1; p=none; pct=", "1")),
    ("dmarc zeros", _dmarc, _tiled("v=DMARC1; p=none; ri=", "0", "1")),
    ("dmarc separators", _dmarc, _tiled("v=DMARC1", ";")),
    ("dmarc failure options", _dmarc, _tiled("v=DMARC1; p=none; fo=", "0:")),
    ("dmarc blanks first", _dmarc, _tiled("", " \t", "v=DMARC1; p=none")),
    ("dmarc version blanks", is_dmarc_record, _tiled("v", " ", "=DMARC2")),
    # DKIM key records (RFC 6376 §3.2, §3.6.1).
    ("dkim long key", parse_dkim_key, _tiled("v=DKIM1; p=", "AAAA")),
    ("dkim key with blanks", parse_dkim_key, _tiled("v=DKIM1; p=", " AAAA")),
    ("dkim flags", parse_dkim_key, _tiled("v=DKIM1; p=; t=", "y:")),
    ("dkim many tags", parse_dkim_key, _tiled("v=DKIM1; ", "a=b;")),
    ("dkim bad tags", parse_dkim_key, _tiled("v=DKIM1; ", "=;")),
    ("dkim key type", parse_dkim_key, _tiled("v=DKIM1; k=", "x", "; p=")),
    # TXT joining (RFC 7208 §3.3): the character-strings of one answer.
    (
        "txt joining",
        lambda text: TXT(tuple(text[i : i + 255].encode() for i in range(0, len(text), 255))).text,
        _tiled("", "v"),
    ),
    # Zone text: what a diagnosis shows of the records it was given.
    ("txt splitting", zonetext.split_txt, _tiled("", "é")),
    ("zone line txt", _zone_line("TXT"), _tiled("", "v=spf1 ")),
    ("zone line txt escapes", _zone_line("TXT"), _tiled("", '"\\\x01')),
    ("zone line mx", _zone_line("MX"), _tiled("10 ", "a.")),
    ("zone line cname", _zone_line("CNAME"), _tiled("", "a", "!")),
    # The fast zone reader.
    ("zone records of one set", read_plain, _numbered('@ TXT "v{0}"\n')),
    ("zone names", read_plain, _numbered("h{0} A 192.0.2.1\n")),
    ("zone one long line", read_plain, _tiled(_ZONE_HEAD + "@ NS ns1\n@ TXT ", '"a" ')),
    ("zone parentheses", read_plain, _tiled(_ZONE_HEAD + "@ TXT ", "(")),
    ("zone open quote", read_plain, _tiled(_ZONE_HEAD + '@ TXT "', "a")),
    ("zone blanks", read_plain, _tiled(_ZONE_HEAD, " ")),
    ("zone comments", read_plain, _tiled(_ZONE_HEAD + "@ NS ns1\n", ";;\n")),
    ("zone source", ZoneSource.from_text, _numbered("h{0}.x{0} MX {0} mx{0}\n")),
]


@pytest.mark.parametrize(
    ("work", "build"), [case[1:] for case in _CASES], ids=[case[0] for case in _CASES]
)
def test_doubling_the_input_at_most_doubles_the_time(
    work: Callable[[str], object], build: Callable[[int], str]
) -> None:
    """From 8 KiB to 64 KiB, the time grows about as the input (see linearity.py)."""
    found = assert_linear(work, build)
    assert len(found) == len(SIZES) - 1
    assert max(found) < MAX_RATIO


# Fragments a tile is drawn from: the characters the grammars give a meaning to.
_SPF_ALPHABET = "a1-_.:/%{}=+~? dDrR"
_DMARC_ALPHABET = "vV=DMARC1;,:!p nocrua@mailto.x\t"
_DKIM_ALPHABET = "vkpth=;: \tA/+DKIM1rsa"
_ZONE_ALPHABET = 'a1.@ \t"();\n$'


def _tile(alphabet: str) -> st.SearchStrategy[str]:
    return st.text(st.sampled_from(alphabet), min_size=1, max_size=12)


# A few examples each: every one times three series of four sizes.
_FEW = settings(max_examples=8)


@_FEW
@given(_tile(_SPF_ALPHABET))
def test_spf_any_tiling_is_linear(tile: str) -> None:
    """An SPF record of any fragment repeated parses in linear time."""
    assert max(assert_linear(_spf, _tiled("v=spf1 ", tile))) < MAX_RATIO


@_FEW
@given(_tile(_SPF_ALPHABET))
def test_spf_any_domain_tiling_is_linear(tile: str) -> None:
    """A domain-spec of any fragment repeated (then a bad end) parses in linear time."""
    assert max(assert_linear(_spf, _tiled("v=spf1 include:", tile, "-"))) < MAX_RATIO


@_FEW
@given(_tile(_DMARC_ALPHABET))
def test_dmarc_any_tiling_is_linear(tile: str) -> None:
    """A DMARC record of any fragment repeated parses in linear time."""
    assert max(assert_linear(_dmarc, _tiled("v=DMARC1; ", tile))) < MAX_RATIO


@_FEW
@given(_tile(_DKIM_ALPHABET))
def test_dkim_any_tiling_is_linear(tile: str) -> None:
    """A DKIM key record of any fragment repeated parses in linear time."""
    assert max(assert_linear(parse_dkim_key, _tiled("v=DKIM1; ", tile))) < MAX_RATIO


@_FEW
@given(_tile(_ZONE_ALPHABET))
def test_zone_any_tiling_is_linear(tile: str) -> None:
    """Zone text of any fragment repeated is read (or declined) in linear time."""
    assert max(assert_linear(read_plain, _tiled(_ZONE_HEAD, tile))) < MAX_RATIO


def _quadratic(text: str) -> int:
    # Copies what is left of the text at every 4th character: n²/8 characters.
    return sum(len(text[start:]) for start in range(0, len(text), 4))


def _linear(text: str) -> int:
    return sum(len(text[start : start + 4]) for start in range(0, len(text), 4))


def test_the_bound_catches_quadratic_work() -> None:
    """The measure itself: quadratic work fails it, linear work of the same shape passes."""
    assert_linear(_linear, lambda size: "a" * size)
    with pytest.raises(AssertionError, match="time\\(2n\\)/time\\(n\\) reached"):
        assert_linear(_quadratic, lambda size: "a" * size)
