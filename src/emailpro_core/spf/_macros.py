"""SPF macro strings (RFC 7208 §7): their syntax, their expansion, and the names they query.

Parsing keeps a macro string ready to expand; expansion is a pure function of a
:class:`MacroContext` and of the client's validated names (§5.5), which
:func:`validated_names` finds once per evaluation for ``%{p}`` and ``ptr``.

>>> from ipaddress import ip_address
>>> context = MacroContext.create(
...     ip_address("192.0.2.3"), "example.org", "strong-bad@email.example.com"
... )
>>> spec, _ = parse_macro_string("%{ir}.%{v}._spf.%{d2} %{l1r-} %{L}", spaces=True)
>>> expand_with(spec, context)
'3.2.0.192.in-addr._spf.example.org strong strong-bad'
>>> [v.code for v in parse_macro_string("%{x}")[1]]
['spf.bad_macro']
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from types import MappingProxyType
from urllib.parse import quote

import attrs

from .._violation import templated
from ..errors import Violation, require_str
from ..i18n._catalog import register
from ..sources._answers import Answer, AnswerStatus, Query, Resolution, lookup, lookup_many

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: RFC 7208 §7.1: the macro letters a domain-spec may use.
DOMAIN_MACRO_LETTERS = frozenset("slodiphv")
#: RFC 7208 §7.1: "c", "r" and "t" are allowed only in explanation text.
EXPLAIN_MACRO_LETTERS = frozenset("slodiphvcrt")

#: The English templates of a malformed macro-string, by ``code:variant`` (see
#: :class:`MacroScan`); the French is in the package's gettext catalog. A record's
#: parser adds where the string is (:mod:`emailpro_core.spf`).
SCAN_TEMPLATES = {
    "spf.syntax:character": "{character!r} is not allowed",
    "spf.bad_macro:invalid": "invalid macro {macro!r}",
    "spf.bad_macro:zero_count": "a macro's part count cannot be zero",
    # The brace is a param: a template's "{{" would render as a lone "{".
    "spf.bad_macro:percent": "'%' must be followed by {opening!r}, '%', '_' or '-'",
}
MESSAGES = register(SCAN_TEMPLATES)
#: RFC 7208 §7.3: an expanded name used in a query is cut, on the left, to 253 characters.
MAX_NAME_LENGTH = 253
_MAX_LABEL = 63

# §7.1: "%{" macro-letter transformers *delimiter "}"; transformers = *DIGIT [ "r" ].
_MACRO_BODY = re.compile(r"([A-Za-z])([0-9]*)([rR]?)([-.+,/_=]*)")
# A domain name has at most 127 labels, so a larger part count means "all parts" (§7.3).
_MAX_PARTS = 128
# §7.1: "%%" is a percent sign, "%_" a space, "%-" a URL-encoded space.
_ESCAPES = MappingProxyType({"%": "%", "_": " ", "-": "%20"})


@attrs.frozen
class Macro:
    """One ``%{...}`` macro (RFC 7208 §7.1).

    Attributes:
        letter: The macro letter, lower case (``d``, ``i``, ...).
        digits: How many right-hand parts to keep (``None``: all).
        reverse: Whether the parts are reversed first (``r``).
        delimiters: The characters the value is split on (empty: ``.``).
        escape: Whether the letter was upper case: the value is URL-escaped (§7.3).
    """

    letter: str
    digits: int | None = None
    reverse: bool = False
    delimiters: str = ""
    escape: bool = False


@attrs.frozen
class MacroString:
    """A macro-string (RFC 7208 §7.1): its text, and its parts ready to expand.

    Attributes:
        text: The string as written (two macro strings are equal when their texts are).
        parts: Literal text (with ``%%``, ``%_`` and ``%-`` already turned into
            ``%``, a space and ``%20``) and :class:`Macro` values, in order.
    """

    text: str
    parts: tuple[str | Macro, ...] = attrs.field(eq=False, repr=False)


def _frozen(value: Mapping[str, object]) -> Mapping[str, object]:
    return MappingProxyType(dict(value))


@attrs.frozen
class MacroScan:
    """The outcome of :func:`scan_macro_string`.

    Attributes:
        value: The macro string, or ``None`` when it is malformed.
        ends_with_macro: Whether the last item is a macro-expand (§7.1 ``domain-end``).
        code: For a malformed string, the violation code (``spf.bad_macro``, ``spf.syntax``).
        message: For a malformed string, what is wrong.
        variant: For a malformed string, which wording of ``code`` (:data:`SCAN_TEMPLATES`).
        params: For a malformed string, the data behind ``message``.
    """

    value: MacroString | None
    ends_with_macro: bool = False
    code: str = ""
    message: str = ""
    variant: str = ""
    params: Mapping[str, object] = attrs.field(factory=dict, converter=_frozen)


def _malformed(code: str, variant: str, **params: object) -> MacroScan:
    message = templated(code, params, variant=variant).message
    return MacroScan(None, code=code, message=message, variant=variant, params=params)


def _macro(text: str, start: int, letters: frozenset[str]) -> tuple[Macro | MacroScan, int]:
    """The macro at ``text[start:]`` (just after ``%{``), or what is wrong; and its end."""
    close = text.find("}", start)
    body = _MACRO_BODY.fullmatch(text, start, close) if close >= 0 else None
    if body is None or body[1].lower() not in letters:
        return _malformed(
            "spf.bad_macro", "invalid", macro=text[start - 2 : close + 1 or None]
        ), close
    significant = body[2].lstrip("0")
    if body[2] and not significant:
        return _malformed("spf.bad_macro", "zero_count"), close
    count = min(int(significant[:4]), _MAX_PARTS) if significant else None
    return Macro(body[1].lower(), count, bool(body[3]), body[4], body[1].isupper()), close + 1


def scan_macro_string(text: str, letters: frozenset[str], *, spaces: bool = False) -> MacroScan:
    """Tokenize a macro-string (§7.1) whose macros may use ``letters``.

    With ``spaces``, it is an explain-string (§6.2), where spaces are literal text.
    """
    parts: list[str | Macro] = []
    literal: list[str] = []
    ends_with_macro = False
    low = 0x20 if spaces else 0x21
    i = 0
    while i < len(text):
        char, follow = text[i], text[i + 1 : i + 2]
        ends_with_macro = char == "%"
        if char != "%":
            if not low <= ord(char) <= 0x7E:
                return _malformed("spf.syntax", "character", character=char)
            literal.append(char)
            i += 1
        elif follow in _ESCAPES:
            literal.append(_ESCAPES[follow])
            i += 2
        elif follow == "{":
            macro, i = _macro(text, i + 2, letters)
            if isinstance(macro, MacroScan):
                return macro
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append(macro)
        else:
            return _malformed("spf.bad_macro", "percent", opening="{")
    if literal:
        parts.append("".join(literal))
    return MacroScan(MacroString(text, tuple(parts)), ends_with_macro)


def parse_macro_string(
    text: str, /, *, letters: frozenset[str] = EXPLAIN_MACRO_LETTERS, spaces: bool = False
) -> tuple[MacroString | None, tuple[Violation, ...]]:
    """Parse a macro-string (§7.1); with ``spaces``, an explain-string (§6.2).

    Returns the macro string and no violation, or ``None`` and the violation.

    Raises:
        TypeError: ``text`` is not a ``str``.
    """
    scan = scan_macro_string(require_str(text, "a macro string"), letters, spaces=spaces)
    if scan.value is None:
        return None, (templated(scan.code, {"text": text, **scan.params}, variant=scan.variant),)
    return scan.value, ()


@attrs.frozen
class MacroContext:
    """What the macro letters stand for (RFC 7208 §7.3).

    Attributes:
        ip: The client address (``i``, ``c``, ``v``); an IPv4-mapped IPv6 address
            is given as IPv4 (§5).
        domain: The current domain (``d``); it changes with include and redirect.
        sender: The sender, ``local-part@domain`` (``s``).
        local_part: ``l``.
        sender_domain: ``o``.
        helo: The HELO/EHLO name (``h``).
        receiver: The receiving host's name (``r``, explanations only).
        timestamp: Seconds since the epoch (``t``, explanations only).
    """

    ip: IPAddress
    domain: str
    sender: str
    local_part: str
    sender_domain: str
    helo: str = "unknown"
    receiver: str = "unknown"
    timestamp: int = 0

    @classmethod
    def create(
        cls,
        ip: IPAddress,
        domain: str,
        sender: str,
        *,
        helo: str | None = None,
        receiver: str = "unknown",
        timestamp: int = 0,
    ) -> MacroContext:
        """Build the context of a check; a sender without local part gets ``postmaster`` (§4.3)."""
        local, at, sender_domain = sender.rpartition("@")
        if not at:
            local, sender_domain = "", sender
        local = local or "postmaster"
        helo = "unknown" if helo is None else helo
        return cls(
            ip, domain, f"{local}@{sender_domain}", local, sender_domain, helo, receiver, timestamp
        )

    def value(self, letter: str, validated: tuple[str, ...] = ()) -> str:
        """The value of a macro letter before its transformers; ``p`` picks from ``validated``."""
        ip = self.ip
        if letter == "i" and ip.version == 6:
            # §7.3: dot-separated nibbles; upper case, as the RFC 7208 test suite expects.
            return ".".join(ip.exploded.replace(":", "").upper())
        if letter == "p":
            return _pick(validated, self.domain)
        values = {
            "s": self.sender,
            "l": self.local_part,
            "o": self.sender_domain,
            "d": self.domain,
            "i": str(ip),
            "h": self.helo,
            "c": str(ip),
            "v": "in-addr" if ip.version == 4 else "ip6",
            "r": self.receiver,
            "t": str(self.timestamp),
        }
        return values[letter]


def _pick(validated: tuple[str, ...], domain: str) -> str:
    # §7.3 "p": the domain itself if validated, else a subdomain of it, else any, else "unknown".
    if domain in validated:
        return domain
    below = [name for name in validated if name.endswith("." + domain)]
    return (below or list(validated) or ["unknown"])[0]


def _transform(macro: Macro, value: str) -> str:
    # §7.3: split on the delimiters (default "."), optionally reverse, keep the
    # rightmost parts, join with "."; an upper-case letter URL-escapes the result.
    parts = re.split(f"[{re.escape(macro.delimiters or '.')}]", value)
    if macro.reverse:
        parts.reverse()
    if macro.digits is not None:
        parts = parts[-macro.digits :]
    joined = ".".join(parts)
    if macro.escape:
        # RFC 3986 unreserved characters stay; everything else is %XX of its UTF-8 octets.
        return quote(joined, safe="-._~", errors="surrogatepass")
    return joined


def is_literal(spec: MacroString) -> bool:
    """Whether ``spec`` holds no macro: it expands to the same text in every context."""
    return all(isinstance(part, str) for part in spec.parts)


def needs_dns(spec: MacroString) -> bool:
    """Whether expanding ``spec`` needs the validated names of the client (``%{p}``)."""
    return any(isinstance(part, Macro) and part.letter == "p" for part in spec.parts)


def expand_with(spec: MacroString, context: MacroContext, validated: tuple[str, ...] = ()) -> str:
    """Expand ``spec``; ``%{p}`` picks from the client's ``validated`` names (§5.5, §7.3)."""
    if len(spec.parts) == 1 and isinstance(spec.parts[0], str):
        return spec.parts[0]  # plain text, the common domain-spec (include:mx.ovh.com)
    return "".join(
        part if isinstance(part, str) else _transform(part, context.value(part.letter, validated))
        for part in spec.parts
    )


def target_name(text: str) -> str | None:
    """The name to query for an expanded domain-spec, or ``None`` if no query can be made.

    One trailing dot is dropped; a name over 253 characters loses labels on the
    left until it fits (§7.3). A name with an empty label, a label over 63
    characters, or characters outside ASCII cannot be queried: the mechanism
    does not match (the reading of §4.3 and §4.8 the RFC 7208 test suite prefers).

    >>> target_name("Mail.Example.com."), target_name("a..example.com")
    ('mail.example.com', None)
    """
    name = text[:-1] if text.endswith(".") else text
    if len(name) > MAX_NAME_LENGTH:
        # The first dot from which what follows fits, found in one search (cutting
        # label by label copies the rest each time: quadratic on a long name); no
        # such dot leaves the last label alone, as cutting label by label would.
        cut = name.find(".", len(name) - MAX_NAME_LENGTH - 1)
        name = name[cut + 1 :] if cut >= 0 else name.rpartition(".")[2]
    if (
        not name.isascii()
        or len(name) > MAX_NAME_LENGTH
        or any(not 0 < len(label) <= _MAX_LABEL for label in name.split("."))
    ):
        return None
    return name.lower()


@attrs.frozen
class ReverseNames:
    """The outcome of the validation procedure of §5.5 for the client's address.

    Attributes:
        names: The validated names, in the order the PTR answer gave them.
        ptr: The answer to the PTR query.
    """

    names: tuple[str, ...]
    ptr: Answer


def addresses(answer: Answer) -> tuple[IPAddress, ...]:
    """The addresses of an A or AAAA answer (values that do not parse are skipped)."""
    found: list[IPAddress] = []
    for record in answer.records:
        try:
            found.append(ipaddress.ip_address(record))  # type: ignore[arg-type]
        except ValueError:
            continue
    return tuple(found)


def address_type(ip: IPAddress) -> str:
    """The record type that holds addresses of ``ip``'s family (§5)."""
    return "A" if ip.version == 4 else "AAAA"


def validated_names(ip: IPAddress, limit: int) -> Resolution[ReverseNames]:
    """Names of ``ip`` whose addresses include ``ip`` (§5.5), from its first ``limit`` PTRs.

    The address lookups go out as one batch; a name whose lookup fails is skipped (§5.5).
    """
    ptr = yield from lookup(ip.reverse_pointer, "PTR")
    names = [n for n in ptr.records[:limit] if isinstance(n, str) and target_name(n) is not None]
    if ptr.status is not AnswerStatus.ANSWER or not names:
        return ReverseNames((), ptr)
    answers = yield from lookup_many(*(Query(name, address_type(ip)) for name in names))
    return ReverseNames(
        tuple(
            name.lower()
            for name, answer in zip(names, answers, strict=True)
            if answer.status is AnswerStatus.ANSWER and ip in addresses(answer)
        ),
        ptr,
    )
