"""Account logins: the policies of the guide and of the control panel, and suggestions.

The login is the local part of an account's address (``login@domain``). The two
sources disagree [docs/sources-of-truth.md §7]:

* the guide (D-EP1) allows 2–32 characters, no accents, and only ``.`` ``,``
  ``-`` ``_`` as special characters, anywhere;
* the control panel (M-ACC, add and update forms) uses the pattern
  ``^[-_a-zA-Z0-9]+((\\.|\\+)[-_a-zA-Z0-9]+)*$``: no comma, ``.`` and ``+`` only
  between two other characters, and no length limit.

:meth:`LoginPolicy.default` is their strict intersection: a login it accepts is
accepted by both (principle 1 of the design).

>>> check_login("mary.johnson")
()
>>> [v.code for v in check_login(".Zoë..x")]
['login.accented', 'login.leading_separator', 'login.doubled_separator']
>>> suggest_login("Élodie", "D'Arc-Ünal")
'elodie.d.arc-unal'
>>> suggest_login("Maximilian-Alexander", "von Hohenzollern")
'maximilian-alexander.von'
>>> suggest_login("Maximilian-Alexander", "von Hohenzollern", taken=["maximilian-alexander.von"])
'm.von.hohenzollern'
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Iterator
from types import MappingProxyType

import attrs

from ..errors import InvalidLogin, Violation, require_str
from ._login_scan import (
    LoginScan,
    fold,
    too_long,
    too_short,
    violation,
)

_ASCII_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _check_length(
    instance: LoginPolicy, attribute: attrs.Attribute[int | None], value: int | None
) -> None:
    if value is not None and value < 1:
        raise ValueError(f"{attribute.name} must be at least 1, not {value}")


@attrs.frozen
class LoginPolicy:
    """What a login may look like, and which source says so.

    Letters (ASCII) and digits are always allowed; ``specials`` may appear
    anywhere; ``separators`` only between two other characters (never first,
    last or next to another separator).

    Attributes:
        name: A short name for the reading (``default``, ``guide``, ``control_panel``).
        source: Where the rule comes from (guide and control-panel keys of the reference).
        min_length: The fewest characters, or ``None`` for no lower bound beyond one.
        max_length: The most characters, or ``None`` for no limit.
        specials: Punctuation allowed anywhere.
        separators: Punctuation allowed only as a separator.

    >>> LoginPolicy.default()
    LoginPolicy(name='default', source='D-EP1 ∩ M-ACC', min_length=2, max_length=32,
                specials='-_', separators='.')
    """

    name: str
    source: str
    min_length: int | None = attrs.field(validator=_check_length)
    max_length: int | None = attrs.field(validator=_check_length)
    specials: str
    separators: str
    # The compiled scans of the alphabet (login_scan), built once per policy.
    _scan: LoginScan = attrs.field(
        init=False,
        eq=False,
        repr=False,
        default=attrs.Factory(lambda self: LoginScan(self.specials, self.separators), True),
    )
    # The fast path: one precompiled full match, plus the bounds as plain ints.
    _match: Callable[[str], re.Match[str] | None] = attrs.field(
        init=False, eq=False, repr=False, default=attrs.Factory(lambda self: self._scan.match, True)
    )
    _low: int = attrs.field(
        init=False,
        eq=False,
        repr=False,
        default=attrs.Factory(lambda self: self.min_length or 1, takes_self=True),
    )
    _high: int = attrs.field(
        init=False,
        eq=False,
        repr=False,
        default=attrs.Factory(
            lambda self: sys.maxsize if self.max_length is None else self.max_length,
            takes_self=True,
        ),
    )

    def __attrs_post_init__(self) -> None:
        for char in self.specials + self.separators:
            if not (char.isascii() and char.isprintable()) or char.isalnum() or char == " ":
                raise ValueError(f"{char!r} cannot be a special character or separator")
        if set(self.specials) & set(self.separators):
            raise ValueError("a character cannot be both a special and a separator")
        if self._high < self._low:
            raise ValueError("max_length is smaller than min_length")

    @classmethod
    def default(cls) -> LoginPolicy:
        """The strict intersection of the guide and the control panel (accepted by both)."""
        return cls("default", "D-EP1 ∩ M-ACC", 2, 32, specials="-_", separators=".")

    @classmethod
    def guide(cls) -> LoginPolicy:
        """The guide's reading [D-EP1]: 2–32 characters, no accents, ``.`` ``,`` ``-`` ``_``."""
        return cls("guide", "D-EP1", 2, 32, specials=".,-_", separators="")

    @classmethod
    def control_panel(cls) -> LoginPolicy:
        """The control panel's pattern [M-ACC]: ``.`` and ``+`` as separators, no length limit."""
        return cls("control_panel", "M-ACC", None, None, specials="-_", separators=".+")

    def allows(self, char: str, /) -> bool:
        """Whether ``char`` may appear in a login at all (ignoring its position)."""
        return len(char) == 1 and (
            char in _ASCII_ALNUM or char in self.specials or char in self.separators
        )


#: The policy used when none is given (:meth:`LoginPolicy.default`).
DEFAULT_LOGIN_POLICY = LoginPolicy.default()


def _length_violations(login: str, policy: LoginPolicy) -> list[Violation]:
    # For a login whose length is outside [_low, _high], that is min_length and
    # max_length with None read as 1 and as no bound; both cannot break at once (the
    # policy refuses max_length < min_length).
    length = len(login)
    if not length:
        return [violation("empty")]
    if length < policy._low:
        return [too_short(policy._low, length)]
    return [too_long(policy._high, length)]


def check_login(
    login: str, /, *, policy: LoginPolicy = DEFAULT_LOGIN_POLICY
) -> tuple[Violation, ...]:
    """Return every rule of ``policy`` that ``login`` breaks (empty when it is valid).

    Codes: ``login.empty``, ``login.too_short``, ``login.too_long``,
    ``login.accented``, ``login.invalid_character``, ``login.leading_separator``,
    ``login.trailing_separator``, ``login.doubled_separator``.

    Raises:
        TypeError: ``login`` is not a ``str``.
    """
    if isinstance(login, str) and policy._low <= len(login) <= policy._high:
        # Fast path for the common case, a valid login: one length test, one full match.
        if policy._match(login) is not None:
            return ()
        found: list[Violation] = []
    else:
        found = _length_violations(require_str(login, "a login"), policy)
        # An empty login has nothing more to say; otherwise the same full match
        # proves the characters and the separators right, leaving only the length.
        if not login or policy._match(login) is not None:
            return tuple(found)
    # Compiled scans, not a loop over the characters (login_scan).
    policy._scan.violations(login, found)
    return tuple(found)


def validate_login(login: str, /, *, policy: LoginPolicy = DEFAULT_LOGIN_POLICY) -> str:
    """Return ``login`` if ``policy`` accepts it.

    Returns:
        ``login`` itself: a valid login has no other normalized form. It keeps
        the case it was given (:class:`Address` compares logins case-insensitively).

    Raises:
        InvalidLogin: carrying every violation.
        TypeError: ``login`` is not a ``str``.
    """
    violations = check_login(login, policy=policy)
    if violations:
        raise InvalidLogin(violations)
    return login


# Letters that do not decompose under NFKD but have a usual ASCII spelling.
_EXTRA_FOLDS = MappingProxyType(
    {
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ł": "l",
        "þ": "th",
        "ı": "i",
    }
)
# Punctuation runs that contain at least one dot collapse to a single dot; other
# runs to their first character: every separator then sits between two words.
_SEPARATOR_RUN = re.compile(r"[-_]*\.[-._]*")
_DASH_RUN = re.compile(r"([-_])[-_]+")
_EDGE_PUNCTUATION = "._-"


def _login_part(text: str) -> str:
    folded = fold(text).lower()
    out: list[str] = []
    for char in folded:
        char = _EXTRA_FOLDS.get(char, char)
        if char.isascii() and (char.isalnum() or char in "-_"):
            out.append(char)
        elif char.isascii():
            # Spaces, apostrophes and other punctuation separate words.
            out.append(".")
        # Anything else (CJK, emoji, symbols) has no ASCII spelling: dropped.
    joined = _SEPARATOR_RUN.sub(".", "".join(out))
    return _DASH_RUN.sub(r"\1", joined).strip(_EDGE_PUNCTUATION)


def _cut(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, cut after a whole word if it can be.

    A word ends before a ``.``, ``-`` or ``_``. A cut that would keep fewer than
    half the characters (one very long word) cuts inside the word instead.
    """
    if len(text) <= limit:
        return text
    boundary = max(text.rfind(char, 0, limit + 1) for char in _EDGE_PUNCTUATION)
    if boundary >= limit // 2:
        return text[:boundary].rstrip(_EDGE_PUNCTUATION)
    return text[:limit].rstrip(_EDGE_PUNCTUATION)


def _used(taken: Iterable[str]) -> set[str]:
    if isinstance(taken, str):
        raise TypeError("taken must be a collection of logins, not a str")
    # Mailboxes are case-insensitive: "Mary.Johnson" takes "mary.johnson" too.
    return {require_str(login, "a taken login").lower() for login in taken}


def _candidates(first: str, last: str, limit: int) -> Iterator[str]:
    """The forms a suggestion tries, in order: the names, an initial, then numbers."""
    full = ".".join(part for part in (first, last) if part)
    yield _cut(full, limit)
    if first and last:
        # The initial keeps the last name whole when the full form was cut.
        yield _cut(f"{first[0]}.{last}", limit)
    number = 2
    while True:
        suffix = str(number)
        yield _cut(full, limit - len(suffix)) + suffix
        number += 1


def suggest_login(first_name: str, last_name: str, /, *, taken: Iterable[str] = ()) -> str:
    """Suggest a login for a person that the default policy accepts, and that is free.

    Accents are folded, spaces and punctuation become single ``.`` separators
    (a run of ``-`` and ``_`` becomes its first one), and the result is lower
    case. A login longer than 32 characters is cut after its last whole word
    that fits (inside a word only when the cut would keep fewer than 16
    characters). When the login is in ``taken``, the next free form is
    proposed: the first name's initial with the last name (``m.johnson``), then
    the login followed by 2, 3, ... (``mary.johnson2``).
    ``taken`` is compared case-insensitively, as mailboxes are, and read once.

    >>> suggest_login("Mary", "Johnson")
    'mary.johnson'
    >>> suggest_login("Mary", "Johnson", taken={"mary.johnson", "M.Johnson"})
    'mary.johnson2'

    Raises:
        InvalidLogin: ``login.nothing_usable`` when fewer than two usable
            characters remain (for instance a name written only in CJK).
        TypeError: a name is not a ``str``, or ``taken`` is a ``str`` or holds
            something else.
    """
    first = _login_part(require_str(first_name, "a first name"))
    last = _login_part(require_str(last_name, "a last name"))
    used = _used(taken)
    if len(first) + len(last) < DEFAULT_LOGIN_POLICY._low:
        raise InvalidLogin((violation("nothing_usable", usable=first + last),))
    # Each number gives a new form, so a free one comes within len(used) + 2 tries.
    forms = _candidates(first, last, DEFAULT_LOGIN_POLICY._high)
    return next(login for login in forms if login not in used)
