"""Character classes of passwords: what each character is, as a bit mask.

The control panel (M-PWD) sorts characters into five classes for its complexity
rule, after Windows' policy; the other rules need to know whether a character is
white space, a control character, outside ASCII or accented. Each character maps
to a mask of those properties; a password's mask is the OR of its characters'.
The ASCII table is precomputed, so an ASCII password is classified in C.

>>> password_mask("Ab1") & CATEGORIES == UPPER | LOWER | DIGIT
True
>>> bool(password_mask("é") & ACCENTED)
True
"""

from __future__ import annotations

import enum
import unicodedata
from types import MappingProxyType

from ._personal import STROKED_LETTERS


class CharacterSet(enum.Enum):
    """The characters a policy accepts. Control characters and lone surrogates never pass."""

    #: U+0021..U+007E, plus the space when whitespace is allowed.
    PRINTABLE_ASCII = "printable_ascii"
    #: Anything but accented letters and combining marks (the guide's "No accents").
    UNACCENTED = "unaccented"
    #: Any character (the control panel checks no character set).
    ANY = "any"


class CharacterClass(enum.Enum):
    """The five categories of the complexity rule (M-PWD, after Windows' policy)."""

    UPPER = "upper"  # Unicode Lu: A-Z, and accented or Greek/Cyrillic capitals
    LOWER = "lower"  # Unicode Ll
    DIGIT = "digit"  # 0-9 only, as in M-PWD's DIGITS table
    SYMBOL = "symbol"  # everything else that is not a letter or a digit
    OTHER_LETTER = "other_letter"  # Unicode Lt, Lm, Lo: CJK, Hebrew, Arabic...


# The bits of a mask: the five classes, then the properties other rules test.
UPPER, LOWER, DIGIT, SYMBOL, OTHER_LETTER = 1, 2, 4, 8, 16
CATEGORIES = 31
SPACE, CONTROL, NON_ASCII, ACCENTED, SURROGATE = 32, 64, 128, 256, 512
CLASS_BITS = MappingProxyType(
    {
        CharacterClass.UPPER: UPPER,
        CharacterClass.LOWER: LOWER,
        CharacterClass.DIGIT: DIGIT,
        CharacterClass.SYMBOL: SYMBOL,
        CharacterClass.OTHER_LETTER: OTHER_LETTER,
    }
)
_STROKED = frozenset(STROKED_LETTERS)


def _ascii_mask(code: int) -> int:
    ch = chr(code)
    if "A" <= ch <= "Z":
        return UPPER
    if "a" <= ch <= "z":
        return LOWER
    if "0" <= ch <= "9":
        return DIGIT
    # M-PWD's NON_ALPHA table starts at code point 0: spaces and controls count as
    # symbols there (they break other rules anyway).
    mask = SYMBOL
    if ch.isspace():
        mask |= SPACE
    if code < 0x20 or code == 0x7F:
        mask |= CONTROL
    return mask


#: A `bytes.translate` table from ASCII code to mask: every ASCII mask fits in one
#: byte, so an ASCII password is classified in C (translate, then a set of bytes).
ASCII_MASKS = bytes(_ascii_mask(code) for code in range(128)) + bytes(128)


def _is_accented(ch: str) -> bool:
    if unicodedata.combining(ch) or ch.lower() in _STROKED:
        return True
    return any(unicodedata.combining(part) for part in unicodedata.normalize("NFD", ch))


def _char_mask(ch: str) -> int:
    category = unicodedata.category(ch)
    if category == "Cs":
        return NON_ASCII | SURROGATE
    mask = ACCENTED if _is_accented(ch) else NON_ASCII
    if category == "Lu":
        mask |= UPPER
    elif category == "Ll":
        mask |= LOWER
    elif category in ("Lt", "Lm", "Lo"):
        mask |= OTHER_LETTER
    elif category != "Nd":  # non-ASCII digits are in no M-PWD table
        mask |= SYMBOL
    if category == "Cc":
        mask |= CONTROL
    if ch.isspace() or ch == "\ufeff":  # JavaScript's `\s` (M-PWD) includes U+FEFF
        mask |= SPACE
    return mask


def password_mask(password: str, /) -> int:
    """The OR of the masks of the characters of ``password``.

    A non-ASCII character is ``ACCENTED`` (a combining mark, a letter that
    decomposes into a base and a combining mark, or a letter with a stroke such as
    ``ø``) or else ``NON_ASCII``; a lone surrogate is ``SURROGATE`` and in no class.
    """
    mask = 0
    if password.isascii():
        for bits in set(password.encode("ascii").translate(ASCII_MASKS)):
            mask |= bits
    else:
        for ch in set(password):
            mask |= ASCII_MASKS[ord(ch)] if ch.isascii() else _char_mask(ch)
    return mask
