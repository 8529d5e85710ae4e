"""The value grammars of DMARC tags (RFC 9989 §4.7), for :mod:`emailpro_core.dmarc._dmarc`.

Each reader takes a tag's value and returns what it means, or raises
``_BadValue`` saying what the grammar expects.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable

from .._violation import templated
from ..errors import Violation
from ..i18n._catalog import register

# RFC 9989 §4.8: dmarc-sep = *WSP ";" *WSP; lenient: CR and LF count as space too.
_WHITESPACE = " \t\r\n"
_TAG_NAME = re.compile(r"[A-Za-z]+")
# RFC 3986 §3: scheme ":" hier-part; RFC 9989 §4.8: "," and "!" must be encoded.
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[\x22-\x2b\x2d-\x3a\x3c-\x7e]+")
# RFC 7489 §6.4: dmarc-uri = URI [ "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] ], the size
# last (obsolete in RFC 9989 §4.8); literals case-insensitive (RFC 5234 §2.3).
_OBSOLETE_SIZE = re.compile(r"[0-9]+[kmgtKMGT]?")
_FAILURE_OPTIONS = frozenset("01ds")  # RFC 9989 §4.7 fo=
_MAX_SHOWN = 60


def _shown(value: str) -> str:
    return value if len(value) <= _MAX_SHOWN else value[:_MAX_SHOWN] + "…"


#: The English templates of what a tag's grammar expects (``dmarc.reason:<variant>``),
#: each the cause of a ``dmarc.bad_value`` or ``dmarc.bad_policy``; the French is in
#: the package's gettext catalog.
REASONS = register(
    {
        "dmarc.reason:policy": "expected none, quarantine or reject",
        "dmarc.reason:alignment": "expected r (relaxed) or s (strict)",
        "dmarc.reason:psd": "expected y, n or u",
        "dmarc.reason:pct": "expected a whole number from 0 to 100",
        "dmarc.reason:ri": "expected a number of seconds (a 32-bit unsigned integer)",
        "dmarc.reason:yes_no": "expected y or n",
        "dmarc.reason:fo_list": "expected a colon-separated list of 0, 1, d and s",
        "dmarc.reason:fo_repeated": (
            "each option at most once, and 0 and 1 are mutually exclusive"
        ),
        "dmarc.reason:formats": "expected a colon-separated list of report format names",
        "dmarc.reason:bang": (
            "{item!r} has a '!' that is not a size suffix at its end (RFC 7489 §6.4: '!', "
            "digits and an optional k, m, g or t, last; elsewhere, write %21)"
        ),
        "dmarc.reason:not_uri": "{item!r} is not a URI (scheme:...)",
        "dmarc.reason:mailto": "{item!r} is not a mailto: URI with an address",
        "dmarc.reason:not_printable": "the value is empty or not printable ASCII",
    }
)


class _BadValue(ValueError):
    """A known tag with a value its grammar does not allow.

    ``reason`` says why, as a ``dmarc.reason`` value (its message is ``str()``).
    """

    def __init__(self, variant: str, /, **params: object) -> None:
        self.reason: Violation = templated("dmarc.reason", params, variant=variant)
        super().__init__(self.reason.message)


def _choice(kind: type[enum.Enum], expected: str) -> Callable[[str], object]:
    """A reader of ``kind``'s values; ``expected`` is the variant of its reason."""

    def parse(value: str) -> object:
        try:
            return kind(value.lower())  # ABNF literals are case-insensitive
        except ValueError:
            raise _BadValue(expected) from None

    return parse


def _yes_no(value: str) -> bool:
    if value.lower() not in ("y", "n"):
        raise _BadValue("yes_no")
    return value.lower() == "y"


def _failure_options(value: str) -> tuple[str, ...]:
    options = tuple(item.strip(_WHITESPACE).lower() for item in value.split(":"))
    if not all(option in _FAILURE_OPTIONS for option in options):
        raise _BadValue("fo_list")
    if len(set(options)) != len(options) or {"0", "1"} <= set(options):
        raise _BadValue("fo_repeated")
    return options


def _number(maximum: int, expected: str) -> Callable[[str], int]:
    """A reader of numbers up to ``maximum``; ``expected`` is the variant of its reason."""

    def parse(value: str) -> int:
        # Leading zeros aside, more digits than the maximum has is too large: known
        # without int(), which refuses over 4300 digits and is quadratic below that.
        significant = value.lstrip("0")
        if (
            not value.isascii()
            or not value.isdigit()
            or len(significant) > len(str(maximum))
            or int(significant or "0") > maximum
        ):
            raise _BadValue(expected)
        return int(significant or "0")

    return parse


def _formats(value: str) -> tuple[str, ...]:
    formats = tuple(item.strip(_WHITESPACE).lower() for item in value.split(":"))
    if not all(_TAG_NAME.fullmatch(item) for item in formats):
        raise _BadValue("formats")
    return formats


def _uri(item: str) -> str:
    """The URI of a ``rua``/``ruf`` item, without its obsolete size suffix.

    Only a size at the very end is one: a ``!`` anywhere else makes the item
    invalid (RFC 7489 §6.4; RFC 9989 §4.8 asks for ``!`` to be percent-encoded),
    rather than an address rewritten into another one.
    """
    uri = item
    if "!" in item:
        head, _, size = item.rpartition("!")
        if _OBSOLETE_SIZE.fullmatch(size):
            uri = head
        if "!" in uri:
            raise _BadValue("bang", item=_shown(item))
    if not _URI.fullmatch(uri):
        raise _BadValue("not_uri", item=_shown(item))
    if uri[:7].lower() == "mailto:":
        local, at, domain = uri[7:].partition("@")
        if not (local and at and domain):
            raise _BadValue("mailto", item=_shown(item))
    return uri
