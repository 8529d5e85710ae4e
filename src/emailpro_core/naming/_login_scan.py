"""What is wrong with a login: the compiled scans of one policy's alphabet.

:class:`~emailpro_core.naming.LoginPolicy` builds one :class:`LoginScan` when it is
created. Every scan here runs inside the regular-expression engine or ``str``
methods, so the cost of an invalid login does not grow with a Python loop over
its characters: a megabyte of the same bad character is three searches and one
``str.replace``, and at most :data:`MAX_CHARACTER_VIOLATIONS` rounds of them run.

>>> scan = LoginScan("-_", ".")
>>> scan.match("mary.johnson") is not None
True
>>> found: list[Violation] = []
>>> scan.violations(".Zoë,x..", found)
>>> [v.code for v in found]
['login.accented', 'login.invalid_character', 'login.leading_separator',
 'login.trailing_separator', 'login.doubled_separator']
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

import attrs

from .._violation import templated
from ..errors import Violation
from ..i18n._catalog import register

#: At most this many per-character violations (``login.accented`` and
#: ``login.invalid_character``, one per distinct character, first by position)
#: are reported, so a huge input gives a bounded answer.
MAX_CHARACTER_VIOLATIONS = 16
#: ``login.accented`` carries the whole login with its accents folded as
#: ``suggestion`` when the login is at most this long (``None`` beyond).
MAX_SUGGESTION_LENGTH = 256


#: The English templates of the login rules (guide D-EP1, manager M-ACC); the
#: French is in the package's gettext catalog, keyed by code.
MESSAGES = register(
    {
        "login.empty": "the login is empty",
        "login.too_short": "a login has at least {minimum} characters, not {length}",
        "login.too_long": "a login has at most {maximum} characters, not {length}",
        "login.invalid_character": (
            "character {character!a} ({codepoint}) at position {position} is not allowed"
        ),
        "login.leading_separator": "a login cannot start with a separator ({separators})",
        "login.trailing_separator": "a login cannot end with a separator ({separators})",
        "login.doubled_separator": (
            "separators cannot follow each other ({text!r} at position {position})"
        ),
        "login.accented": (
            "accented letter {character!r} ({codepoint}) at position {position}; "
            "use {plain!r} instead"
        ),
        "login.accented:remove": (
            "accented letter {character!r} ({codepoint}) at position {position}; remove it"
        ),
        "login.nothing_usable": (
            "the names have fewer than 2 characters with an ASCII spelling; choose a login by hand"
        ),
    }
)


def violation(code: str, /, **params: object) -> Violation:
    """A ``login.<code>`` violation, its message from the catalog."""
    return templated(f"login.{code}", params)


def fold(text: str) -> str:
    """``text`` without its diacritics (NFKD, combining marks dropped)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@functools.lru_cache(maxsize=1024)
def _accent(char: str) -> tuple[str, str] | None:
    """For an accented letter: its plain spelling and code point.

    ``None`` for any other (non-ASCII) character.
    """
    # An accented letter decomposes into ASCII plus combining marks (é → e + U+0301);
    # a lone combining mark is the accent of a decomposed letter typed as two code points.
    # Cached: the same few accented letters come back in login after login.
    decomposed = unicodedata.normalize("NFKD", char)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    if plain == decomposed or not plain.isascii():
        return None
    return plain, f"U+{ord(char):04X}"


# A Violation costs more to build than the scans that find it, and most depend on a
# couple of small values only (a length, a character and its position): those are
# built once per distinct value and shared, which is safe as a Violation is immutable.
# The caches are bounded, and never keyed by a whole login.


def _make_too_short(minimum: int, length: int) -> Violation:
    return templated("login.too_short", {"minimum": minimum, "length": length})


def _make_too_long(maximum: int, length: int) -> Violation:
    return templated("login.too_long", {"maximum": maximum, "length": length})


def _make_invalid(char: str, position: int) -> Violation:
    codepoint = f"U+{ord(char):04X}"
    return templated(
        "login.invalid_character",
        {"character": char, "codepoint": codepoint, "position": position},
    )


def _make_leading(listed: str, char: str) -> Violation:
    return templated("login.leading_separator", {"character": char, "separators": listed})


def _make_trailing(listed: str, char: str, position: int) -> Violation:
    return templated(
        "login.trailing_separator",
        {"character": char, "position": position, "separators": listed},
    )


def _make_doubled(text: str, position: int) -> Violation:
    return templated("login.doubled_separator", {"text": text, "position": position})


too_short = functools.lru_cache(maxsize=256)(_make_too_short)
too_long = functools.lru_cache(maxsize=256)(_make_too_long)
_invalid = functools.lru_cache(maxsize=1024)(_make_invalid)
_leading = functools.lru_cache(maxsize=64)(_make_leading)
_trailing = functools.lru_cache(maxsize=256)(_make_trailing)
# Keyed by the run of separators: only short runs are cached.
_doubled_short = functools.lru_cache(maxsize=256)(_make_doubled)
_SHORT_RUN = 8


def _class(chars: str) -> str:
    # re.escape covers every character that is special inside [...] (] \ ^ -).
    return "".join(re.escape(c) for c in chars)


def _fullmatch(scan: LoginScan) -> Callable[[str], re.Match[str] | None]:
    # Possessive quantifiers (Python 3.11): a run of letters never holds a separator, so
    # giving characters back cannot help a match, and a failing login is rejected in
    # one pass instead of after backtracking through it.
    atom = f"[A-Za-z0-9{_class(scan.specials)}]++"
    if scan.separators:
        return re.compile(f"{atom}(?:[{_class(scan.separators)}]{atom})*+").fullmatch
    return re.compile(atom).fullmatch


def _outside(scan: LoginScan) -> Callable[[str, int], re.Match[str] | None]:
    # The first character that is neither an ASCII letter or digit, a special nor a
    # separator (a negated class also matches newlines and lone surrogates).
    return re.compile(f"[^A-Za-z0-9{_class(scan.specials + scan.separators)}]").search


def _doubled(scan: LoginScan) -> Callable[[str], re.Match[str] | None]:
    # Without separators the class would be empty; the policy never searches then.
    return re.compile(f"[{_class(scan.separators or '.')}]{{2,}}").search


@attrs.frozen
class LoginScan:
    """The compiled scans for logins made of ASCII letters, digits, ``specials`` and ``separators``.

    Attributes:
        specials: Punctuation allowed anywhere.
        separators: Punctuation allowed only between two other characters.
        match: ``fullmatch`` of the whole rule except the length (``None`` when broken).
    """

    specials: str
    separators: str
    match: Callable[[str], re.Match[str] | None] = attrs.field(
        init=False, eq=False, repr=False, default=attrs.Factory(_fullmatch, takes_self=True)
    )
    _outside: Callable[[str, int], re.Match[str] | None] = attrs.field(
        init=False, eq=False, repr=False, default=attrs.Factory(_outside, takes_self=True)
    )
    _doubled: Callable[[str], re.Match[str] | None] = attrs.field(
        init=False, eq=False, repr=False, default=attrs.Factory(_doubled, takes_self=True)
    )
    # With one separator, "is one doubled?" is a plain substring test (no regex call).
    _pair: str = attrs.field(
        init=False,
        eq=False,
        repr=False,
        default=attrs.Factory(
            lambda self: self.separators * 2 if len(self.separators) == 1 else "", True
        ),
    )
    # The separators as the messages list them: "'.', '+'".
    _listed: str = attrs.field(
        init=False,
        eq=False,
        repr=False,
        default=attrs.Factory(lambda self: ", ".join(map(repr, self.separators)), takes_self=True),
    )

    def violations(self, login: str, found: list[Violation], /) -> None:
        """Append the character, then the separator violations of the non-empty ``login``.

        ``login.accented`` then ``login.invalid_character`` (each by position, one per
        distinct character, at most :data:`MAX_CHARACTER_VIOLATIONS`), then
        ``login.leading_separator``, ``login.trailing_separator``, ``login.doubled_separator``.
        """
        hit = self._outside(login, 0)
        if hit is not None:
            self._characters(login, hit, found)
        separators = self.separators
        if not separators:
            return
        if login[0] in separators:
            found.append(_leading(self._listed, login[0]))
        last = len(login) - 1
        if last and login[last] in separators:
            found.append(_trailing(self._listed, login[last], last))
        if self._pair and self._pair not in login:
            return
        doubled = self._doubled(login)
        if doubled is not None:
            text = doubled.group()
            make = _doubled_short if len(text) <= _SHORT_RUN else _make_doubled
            found.append(make(text, doubled.start()))

    def _characters(self, login: str, hit: re.Match[str], found: list[Violation]) -> None:
        # The distinct characters outside the alphabet, by first position. Removing a
        # character found keeps the order of the rest, so the next search finds the next
        # new one; everything before the last hit is allowed, so the search resumes there.
        # Each round is one search and one str.replace, never a Python loop over the
        # characters, and there are at most MAX_CHARACTER_VIOLATIONS rounds.
        offending = [hit.group()]
        start = hit.start()
        # The usual case: one bad character (perhaps repeated), one search more.
        if self._outside(login, start + 1) is not None:
            self._more(login, offending, start)
        if not login.isascii():
            # Accented letters come first; only non-ASCII text can hold one.
            offending = self._accented(login, offending, found)
        for char in offending:
            found.append(_invalid(char, login.find(char)))

    def _more(self, login: str, offending: list[str], start: int) -> None:
        rest = login.replace(offending[0], "")
        while len(offending) < MAX_CHARACTER_VIOLATIONS:
            hit = self._outside(rest, start)
            if hit is None:
                break
            char = hit.group()
            offending.append(char)
            start = hit.start()
            rest = rest.replace(char, "")

    @staticmethod
    def _accented(login: str, offending: list[str], found: list[Violation]) -> list[str]:
        # Appends the accented letters among ``offending``; returns the other characters.
        accented: list[tuple[str, tuple[str, str]]] = []
        others: list[str] = []
        for char in offending:
            parts = None if char.isascii() else _accent(char)
            if parts is None:
                others.append(char)
            else:
                accented.append((char, parts))
        suggestion: str | None = None
        if accented and len(login) <= MAX_SUGGESTION_LENGTH:
            suggestion = login
            for char, (plain, *_) in accented:
                suggestion = suggestion.replace(char, plain)
        for char, (plain, codepoint) in accented:
            params = {
                "character": char,
                "codepoint": codepoint,
                "position": login.find(char),
                "plain": plain,
                "suggestion": suggestion,
            }
            found.append(templated("login.accented", params, variant="" if plain else "remove"))
        return others
