"""Unicode's UTS #46 conformance file (IdnaTestV2.txt) through ``normalize_domain``.

Every line's non-transitional toASCII (``toAsciiN`` and its status) is compared
with ``check_domain_name`` / ``normalize_domain``. Our flags are those of a
registration-grade name: VerifyDnsLength, CheckHyphens, CheckJoiners, CheckBidi
and UseSTD3ASCIIRules, so no status code of the file is ignored.

Where our rules are deliberately stricter (or, for a trailing dot, more lenient)
than UTS 46, the disagreement must fall in one of the categories of
``DELIBERATE`` below, each with its reason; any other disagreement fails.
Run with ``-s`` to see the counts.
"""

from __future__ import annotations

import collections
import ipaddress
import re
from collections.abc import Callable

import attrs
import idna.idnadata
import idna.intranges
import pytest

from conftest import PEER_SUITES
from emailpro_core.domains import check_domain_name, normalize_domain

SUITE = PEER_SUITES / "idna" / "IdnaTestV2.txt"

#: Lines of the file that hold a test case (Unicode 16.0.0 edition).
CASES_IN_FILE = 6389
#: Cases where we give UTS 46's answer: same verdict, and for valid names the
#: same A-label and U-label forms.
EXPECTED_PASSES = 6073
#: How many cases fall in each deliberate category (a case may be in two).
EXPECTED_CATEGORY_COUNTS = {
    "idna2008_disallowed": 160,
    "single_label": 140,
    "numeric_tld": 0,
    "ip_literal": 0,
    "trailing_root_dot": 26,
}

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\x\{([0-9A-Fa-f]+)\}")


@attrs.frozen
class Case:
    """One line of the file: the source and UTS 46's non-transitional toASCII answer."""

    line: int
    source: str
    to_unicode: str
    to_ascii: str
    status: frozenset[str]

    @property
    def valid(self) -> bool:
        return not self.status


def _field(text: str) -> str:
    return "" if text == '""' else _ESCAPE.sub(lambda m: chr(int(m[1] or m[2], 16)), text)


def _status(text: str) -> frozenset[str]:
    return frozenset(code.strip() for code in text.strip("[]").split(",") if code.strip())


def load_cases() -> list[Case]:
    """Parse the file, applying its rules for blank columns."""
    cases: list[Case] = []
    with SUITE.open(encoding="utf-8") as lines:
        for number, raw in enumerate(lines, start=1):
            data = raw.split("#", 1)[0]
            if not data.strip():
                continue
            columns = [column.strip() for column in data.split(";")]
            source = _field(columns[0])
            # Blank toUnicode = the source; blank toAsciiN = toUnicode; blank
            # toAsciiNStatus = toUnicodeStatus (and a blank toUnicodeStatus is []).
            to_unicode = _field(columns[1]) if columns[1] else source
            to_ascii = _field(columns[3]) if columns[3] else to_unicode
            status = _status(columns[4] or columns[2])
            cases.append(Case(number, source, to_unicode, to_ascii, status))
    return cases


def _without_root(name: str) -> str:
    return name[:-1] if name.endswith(".") else name


def _u_labels(case: Case) -> list[str]:
    return [
        label[4:].encode("ascii").decode("punycode") if label.startswith("xn--") else label
        for label in _without_root(case.to_ascii).split(".")
    ]


def _idna2008_disallowed(char: str) -> bool:
    # RFC 5892 derived property, from the tables the idna package ships.
    return not any(
        idna.intranges.intranges_contain(ord(char), idna.idnadata.codepoint_classes[cls])
        for cls in ("PVALID", "CONTEXTJ", "CONTEXTO")
    )


@attrs.frozen
class Category:
    """A deliberate difference from UTS 46: when it applies, and which of our codes it explains.

    ``explains`` empty means the category covers names we accept and UTS 46 refuses.
    """

    reason: str
    applies: Callable[[Case], bool]
    explains: frozenset[str]


DELIBERATE: dict[str, Category] = {
    "idna2008_disallowed": Category(
        "IDNA 2008 (RFC 5892) disallows a code point that UTS 46 keeps for compatibility "
        "(IdnaMappingTable status NV8/XV8, e.g. symbols such as U+2260); the suite's header "
        "says an IDNA 2008 implementation skips these lines. We follow IDNA 2008.",
        lambda case: (
            case.valid
            and any(_idna2008_disallowed(char) for label in _u_labels(case) for char in label)
        ),
        frozenset({"domain.idna_invalid"}),
    ),
    "single_label": Category(
        "A mail domain has at least two labels: a bare top-level label or host name "
        "cannot receive mail for an E-mail Pro account.",
        lambda case: case.valid and "." not in _without_root(case.to_ascii),
        frozenset({"domain.single_label"}),
    ),
    "numeric_tld": Category(
        "RFC 3696 §2: a top-level label is never all-numeric.",
        lambda case: case.valid and _without_root(case.to_ascii).rsplit(".", 1)[-1].isdigit(),
        frozenset({"domain.numeric_tld"}),
    ),
    "ip_literal": Category(
        "An IP address is not a domain name, even where it parses as labels.",
        lambda case: case.valid and _is_ip(_without_root(case.to_ascii)),
        frozenset({"domain.ip_literal"}),
    ),
    "trailing_root_dot": Category(
        "We accept one trailing dot (an absolute name, as in zone files) and drop it; "
        "UTS 46 with VerifyDnsLength reports the empty root label (A4_2).",
        lambda case: (
            case.status == {"A4_2"}
            and case.to_ascii.endswith(".")
            and "" not in case.to_ascii[:-1].split(".")
        ),
        frozenset(),
    ),
}


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


@attrs.frozen
class Outcome:
    """What happened to one case: passed, or the categories that explain it, or neither."""

    case: Case
    passed: bool
    categories: tuple[str, ...]
    detail: str


def run_case(case: Case) -> Outcome:
    """Compare our answer with UTS 46's for one case."""
    codes = frozenset(v.code for v in check_domain_name(case.source))
    if not codes and case.valid:
        domain = normalize_domain(case.source)
        expected = (_without_root(case.to_ascii), _without_root(case.to_unicode))
        if (domain.ascii, domain.unicode) == expected:
            return Outcome(case, True, (), "")
        return Outcome(case, False, (), f"we give {domain}, UTS 46 gives {expected}")
    if bool(codes) != case.valid:
        return Outcome(case, True, (), "")
    applying = [name for name, cat in DELIBERATE.items() if cat.applies(case)]
    if codes:
        # We refuse a name UTS 46 accepts: every code we give must be explained.
        explained = frozenset().union(*(DELIBERATE[name].explains for name in applying))
        categories = tuple(n for n in applying if DELIBERATE[n].explains & codes)
        if codes <= explained:
            return Outcome(case, False, categories, "")
        return Outcome(case, False, (), f"we refuse it with {sorted(codes)}")
    # We accept a name UTS 46 refuses.
    accepted = tuple(n for n in applying if not DELIBERATE[n].explains)
    if accepted and normalize_domain(case.source).ascii == _without_root(case.to_ascii):
        return Outcome(case, False, accepted, "")
    return Outcome(case, False, (), f"we accept it, UTS 46 says {sorted(case.status)}")


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    """Every case of the file, run once for all the tests below."""
    return [run_case(case) for case in load_cases()]


def test_the_whole_file_is_read(outcomes: list[Outcome]) -> None:
    """All test lines of the file are parsed."""
    assert len(outcomes) == CASES_IN_FILE


def test_no_unexplained_disagreement(outcomes: list[Outcome]) -> None:
    """Every disagreement with UTS 46 falls in a deliberate category."""
    unexplained = [
        f"line {o.case.line}: {o.case.source!a}: {o.detail}"
        for o in outcomes
        if not o.passed and not o.categories
    ]
    assert unexplained == []


def test_conformance_count(outcomes: list[Outcome]) -> None:
    """The number of cases where we give UTS 46's exact answer is the stated one."""
    passes = sum(o.passed for o in outcomes)
    counts = collections.Counter(name for o in outcomes for name in o.categories)
    print(f"\nIdnaTestV2 toAsciiN: {passes}/{len(outcomes)} pass; deliberate: {dict(counts)}")
    assert passes == EXPECTED_PASSES


@pytest.mark.parametrize(("category", "expected"), sorted(EXPECTED_CATEGORY_COUNTS.items()))
def test_category_counts(outcomes: list[Outcome], category: str, expected: int) -> None:
    """Each deliberate category covers the stated number of cases."""
    assert expected == sum(category in o.categories for o in outcomes)


def test_categories_are_documented() -> None:
    """Every category has a reason and a stated count."""
    assert set(DELIBERATE) == set(EXPECTED_CATEGORY_COUNTS)
    assert all(cat.reason for cat in DELIBERATE.values())


@pytest.mark.parametrize(
    ("to_ascii", "status", "categories"),
    [
        ("xn--1ch.com", "", ["idna2008_disallowed"]),
        ("ab", "", ["single_label"]),
        ("ab.", "", ["single_label"]),
        ("a.123", "", ["numeric_tld"]),
        ("1.2.3.4", "", ["numeric_tld", "ip_literal"]),
        ("a.b.c.d.", "A4_2", ["trailing_root_dot"]),
        ("a..b.", "A4_2", []),
        ("a.b.c.d.", "", []),
        ("a.b.c.d", "V6", []),
    ],
)
def test_categories_recognise_their_cases(
    to_ascii: str, status: str, categories: list[str]
) -> None:
    """The category predicates match hand-made cases (this guards the zero counts)."""
    case = Case(0, to_ascii, to_ascii, to_ascii, _status(status))
    assert categories == [name for name, cat in DELIBERATE.items() if cat.applies(case)]
