"""SPF records (RFC 7208): the parser, and the typed record (from :mod:`emailpro_core.spf._terms`).

:func:`parse_spf` never raises for a ``str``: it returns an :class:`SpfParse`
holding either the typed :class:`SpfRecord` or every :class:`~emailpro_core.errors.Violation`
found, each with the character offset and the text of the bad term.

>>> parsed = parse_spf("v=spf1 a:mail.example.org/24 -include:_spf.%{d2} ~all")
>>> [term.to_text() for term in parsed.record.terms]
['a:mail.example.org/24', '-include:_spf.%{d2}', '~all']
>>> bad = parse_spf("v=spf1 ip4:1.2.3 moo")
>>> [(v.code, v.params["position"], v.params["term"]) for v in bad.violations]
[('spf.bad_ip', 7, 'ip4:1.2.3'), ('spf.unknown_mechanism', 17, 'moo')]
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Iterator

from .._violation import templated
from ..errors import Violation, require_str
from ..i18n._catalog import register
from ._macros import (
    DOMAIN_MACRO_LETTERS,
    EXPLAIN_MACRO_LETTERS,
    SCAN_TEMPLATES,
    MacroScan,
    MacroString,
    scan_macro_string,
)
from ._terms import (
    _VERSION,
    Mechanism,
    MechanismKind,
    Modifier,
    Qualifier,
    SpfParse,
    SpfRecord,
    Term,
)

# §4.6.1: name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ).
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")
# §5.6: qnum has no leading zero (ip4-network); the CIDR lengths follow the same rule.
_QNUM = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])"
_IP4 = re.compile(rf"{_QNUM}\.{_QNUM}\.{_QNUM}\.{_QNUM}")
_IP6_CHARS = re.compile(r"[0-9A-Fa-f:.]+")
_CIDR = re.compile(r"0|[1-9][0-9]*")


def _is_toplabel(label: str) -> bool:
    """Whether ``label`` is a toplabel (RFC 7208 §7.1).

    The grammar: ``( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum
    / "-" ) alphanum )``. That is letters and digits with at least one letter;
    or letters, digits and hyphens, with a hyphen, starting and ending with a
    letter or digit. Checked with string methods in one pass each: the regular
    expression written as the grammar reads backtracks quadratically on a long
    label that fails at its end, and a record is text a domain owner controls.
    """
    if not label.isascii():
        return False
    if label.isalnum():
        return not label.isdigit()
    return (
        label[:1].isalnum()
        and label[-1].isalnum()
        and "-" in label
        and label.replace("-", "").isalnum()
    )


def is_spf_text(text: str, /) -> bool:
    """Whether ``text`` is an SPF record by its version: ``v=spf1`` then a space or the end (§4.5).

    >>> is_spf_text("V=SPF1 -all"), is_spf_text("v=spf10"), is_spf_text("v=spf1")
    (True, False, True)
    """
    return text[:6].lower() == _VERSION and (len(text) == 6 or text[6] == " ")


#: The English templates of a record's problems, each naming the term it is in;
#: the French is in the package's gettext catalog. A malformed macro-string in a
#: term has its wording from :data:`SCAN_TEMPLATES`, variant ``<variant>_in_term``.
_IN_TERM = " (in {term!r})"
MESSAGES = register(
    {
        "spf.not_spf": "an SPF record starts with 'v=spf1' followed by a space or the end",
        **{
            key: template + _IN_TERM
            for key, template in [
                ("spf.bad_domain:empty", "the domain is empty"),
                (
                    "spf.bad_domain:toplabel",
                    "a domain must end with '.' and a top-level label (letters, digits, "
                    "inner hyphens; not all digits) or with a macro",
                ),
                ("spf.bad_domain:missing", "{mechanism} needs ':' and a domain"),
                ("spf.bad_cidr", "prefix length must be 0 to {maximum}, without leading zeros"),
                ("spf.bad_cidr:unexpected", "unexpected {text!r} after {mechanism}"),
                ("spf.syntax:unexpected", "unexpected {text!r} after {mechanism}"),
                ("spf.bad_ip", "{mechanism} needs ':' and a valid address"),
                ("spf.unknown_mechanism", "unknown mechanism {name!r}"),
                ("spf.syntax:not_a_term", "not a mechanism or a modifier"),
                ("spf.syntax:all_argument", "'all' takes no argument"),
                ("spf.syntax:modifier_name", "a modifier name starts with a letter"),
                ("spf.non_ascii", "SPF records are 7-bit ASCII (§3.1)"),
                ("spf.duplicate_modifier", "{modifier}= appears more than once"),
                *((key + "_in_term", text) for key, text in SCAN_TEMPLATES.items()),
            ]
        },
    }
)


class _Problems:
    """Collects the violations of one term, with its position and text."""

    def __init__(self, position: int, term: str, found: list[Violation]) -> None:
        self.position = position
        self.term = term
        self.found = found

    def add(self, code: str, variant: str = "", /, **params: object) -> None:
        params.update(position=self.position, term=self.term)
        self.found.append(templated(f"spf.{code}", params, variant=variant))

    def scan(self, text: str, letters: frozenset[str]) -> MacroScan:
        scan = scan_macro_string(text, letters)
        if scan.value is None:
            code = scan.code.removeprefix("spf.")
            self.add(code, f"{scan.variant}_in_term", **scan.params)
        return scan


def _domain_spec(text: str, problems: _Problems) -> MacroString | None:
    """A domain-spec (§7.1): a macro-string ending in a macro or in ``.`` toplabel [``.``]."""
    if not text:
        problems.add("bad_domain", "empty")
        return None
    scan = problems.scan(text, DOMAIN_MACRO_LETTERS)
    if scan.value is None or scan.ends_with_macro:
        return scan.value
    tail = scan.value.parts[-1]
    assert isinstance(tail, str)  # the last item is literal text when no macro ends the string
    tail = tail[:-1] if tail.endswith(".") else tail
    _, dot, top = tail.rpartition(".")
    if not dot or not _is_toplabel(top):
        problems.add("bad_domain", "toplabel", domain=text)
        return None
    return scan.value


def _cidr(digits: str | None, maximum: int, problems: _Problems) -> int | None:
    if digits is None:
        return None
    if _CIDR.fullmatch(digits) and int(digits[:4]) <= maximum:
        return int(digits)
    problems.add("bad_cidr", maximum=maximum)
    return None


def _dual_cidr(args: str) -> tuple[str, str | None, str | None]:
    """Split a trailing dual-cidr-length (§5.3, §5.4) off ``args``: the rest, IPv4, IPv6 digits.

    A ``/`` not followed by digits to the end belongs to the domain-spec
    (``a:foo:bar/baz.example.com`` is a valid domain, §7.1).
    """
    digits6 = digits4 = None
    head, slashes, tail = args.rpartition("//")
    if slashes and tail.isdigit():
        args, digits6 = head, tail
    head, slash, tail = args.rpartition("/")
    if slash and tail.isdigit():
        args, digits4 = head, tail
    return args, digits4, digits6


def _address_mechanism(
    kind: MechanismKind, qualifier: Qualifier, args: str, problems: _Problems
) -> Mechanism | None:
    """``ip4`` / ``ip6`` (§5.6): ``:`` network, then an optional single prefix length."""
    address_text, slash, cidr_text = args[1:].partition("/")
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address | None = None
    if kind is MechanismKind.IP4:
        if args.startswith(":") and _IP4.fullmatch(address_text):
            ip = ipaddress.IPv4Address(address_text)
    elif args.startswith(":") and _IP6_CHARS.fullmatch(address_text):
        try:
            ip = ipaddress.IPv6Address(address_text)
        except ValueError:
            ip = None
    if ip is None:
        problems.add("bad_ip", mechanism=kind.value)
        return None
    maximum = 32 if kind is MechanismKind.IP4 else 128
    before = len(problems.found)
    length = _cidr(cidr_text if slash else None, maximum, problems)
    if len(problems.found) > before:
        return None
    if kind is MechanismKind.IP4:
        return Mechanism(kind, qualifier, address=ip, cidr4=length)
    return Mechanism(kind, qualifier, address=ip, cidr6=length)


def _mechanism(token: str, problems: _Problems) -> Mechanism | None:
    qualifier = Qualifier.PASS
    if token[0] in "+-~?":
        qualifier = Qualifier(token[0])
        token = token[1:]
    split = re.search(r"[:/]", token)
    name = token[: split.start()] if split else token
    args = token[len(name) :]
    try:
        kind = MechanismKind(name.lower())
    except ValueError:
        if _NAME.fullmatch(name):
            problems.add("unknown_mechanism", name=name)
        else:
            problems.add("syntax", "not_a_term")
        return None
    if kind in (MechanismKind.IP4, MechanismKind.IP6):
        return _address_mechanism(kind, qualifier, args, problems)
    if kind is MechanismKind.ALL:
        if args:
            problems.add("syntax", "all_argument")
            return None
        return Mechanism(kind, qualifier)
    cidr4 = cidr6 = None
    if kind in (MechanismKind.A, MechanismKind.MX):
        args, digits4, digits6 = _dual_cidr(args)
        before = len(problems.found)
        cidr4 = _cidr(digits4, 32, problems)
        cidr6 = _cidr(digits6, 128, problems)
        if len(problems.found) > before:
            return None
    if not args:
        if kind in (MechanismKind.INCLUDE, MechanismKind.EXISTS):
            problems.add("bad_domain", "missing", mechanism=kind.value)
            return None
        return Mechanism(kind, qualifier, cidr4=cidr4, cidr6=cidr6)
    if not args.startswith(":"):
        code = "syntax" if kind in (MechanismKind.INCLUDE, MechanismKind.EXISTS) else "bad_cidr"
        problems.add(code, "unexpected", text=args, mechanism=kind.value)
        return None
    domain = _domain_spec(args[1:], problems)
    return None if domain is None else Mechanism(kind, qualifier, domain, None, cidr4, cidr6)


def _modifier(token: str, equals: int, problems: _Problems) -> Modifier | None:
    name, value = token[:equals], token[equals + 1 :]
    if not _NAME.fullmatch(name):
        problems.add("syntax", "modifier_name", name=name)
        return None
    lowered = name.lower()
    if lowered in ("redirect", "exp"):
        spec = _domain_spec(value, problems)
        return None if spec is None else Modifier(lowered, spec)
    # §6.3: unknown modifiers are ignored, but their value must be a macro-string.
    parsed = problems.scan(value, EXPLAIN_MACRO_LETTERS).value
    return None if parsed is None else Modifier(lowered, parsed)


def _tokens(text: str) -> Iterator[tuple[int, str]]:
    """The terms and their offsets: §4.6.1 separates terms by spaces (SP) only."""
    for match in re.finditer(r"[^ ]+", text):
        yield match.start(), match.group()


def parse_spf(text: str, /) -> SpfParse:
    """Parse an SPF record (RFC 7208 §4.5, §4.6.1, §5, §6, §7.1); never raises for a ``str``.

    The whole record is checked, so a bad term anywhere is reported (§4.6), and
    every bad term is reported at once. ``redirect`` and ``exp`` may appear once
    each (§6); unknown modifiers are kept (and ignored by evaluation).

    Raises:
        TypeError: ``text`` is not a ``str``.
    """
    require_str(text, "an SPF record")
    # Domains publish the same few records, read several times per diagnosis: the
    # outcome (frozen) is remembered per text; not for a str subclass, which may differ.
    return _remembered(text) if type(text) is str else _parse(text)


def _parse(text: str) -> SpfParse:
    if not is_spf_text(text):
        first = text.split(" ", 1)[0]
        return SpfParse(
            None,
            (templated("spf.not_spf", {"position": 0, "term": first}),),
        )
    found: list[Violation] = []
    terms: list[Term] = []
    seen: set[str] = set()
    for position, token in _tokens(text[len(_VERSION) :]):
        problems = _Problems(position + len(_VERSION), token, found)
        if not token.isascii():
            bad = next(c for c in token if not c.isascii())
            problems.add("non_ascii", character=bad)
            continue
        equals = token.find("=")
        other = re.search(r"[:/]", token)
        term: Term | None
        if equals >= 0 and (other is None or equals < other.start()):
            term = _modifier(token, equals, problems)
            if term is not None and term.name in ("redirect", "exp"):
                if term.name in seen:
                    problems.add("duplicate_modifier", modifier=term.name)
                seen.add(term.name)
        else:
            term = _mechanism(token, problems)
        if term is not None:
            terms.append(term)
    if found:
        return SpfParse(None, tuple(found))
    return SpfParse(SpfRecord(tuple(terms)))


# The 1024 texts parsed last (least recently used dropped first).
_remembered = functools.lru_cache(maxsize=1024)(_parse)
