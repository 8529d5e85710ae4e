"""Account logins: the policies of the guide and of the control panel, and suggestions.

The login is the local part of an account's address (``login@domain``). The two
sources disagree [reference §7]:

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
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from types import MappingProxyType

import attrs

from .errors import InvalidLogin, Violation, require_str
from .login_scan import (
    MAX_CHARACTER_VIOLATIONS,
    MAX_SUGGESTION_LENGTH,
    LoginScan,
    fold,
    too_long,
    too_short,
    violation,
)

__all__ = [
    "DEFAULT_LOGIN_POLICY",
    "MAX_CHARACTER_VIOLATIONS",
    "MAX_SUGGESTION_LENGTH",
    "LoginPolicy",
    "check_login",
    "suggest_login",
    "validate_login",
]

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
        return [violation("empty", "the login is empty")]
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
    """Return ``login`` unchanged if ``policy`` accepts it.

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
# Punctuation runs that contain at least one dot collapse to a single dot.
_SEPARATOR_RUN = re.compile(r"[-_]*\.[-._]*")
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
    return _SEPARATOR_RUN.sub(".", "".join(out)).strip(_EDGE_PUNCTUATION)


def suggest_login(first_name: str, last_name: str, /) -> str:
    """Suggest a login for a person that the default policy accepts.

    Accents are folded, spaces and punctuation become single ``.`` separators,
    the result is lower case and cut at 32 characters without a trailing separator.

    >>> suggest_login("Mary", "Johnson")
    'mary.johnson'

    Raises:
        InvalidLogin: ``login.nothing_usable`` when fewer than two usable
            characters remain (for instance a name written only in CJK).
        TypeError: an argument is not a ``str``.
    """
    parts = [
        _login_part(require_str(first_name, "a first name")),
        _login_part(require_str(last_name, "a last name")),
    ]
    login = ".".join(part for part in parts if part)
    limit = DEFAULT_LOGIN_POLICY.max_length or len(login)
    login = login[:limit].rstrip(_EDGE_PUNCTUATION)
    if len(login) < (DEFAULT_LOGIN_POLICY.min_length or 1):
        raise InvalidLogin(
            (
                violation(
                    "nothing_usable",
                    "the names have fewer than 2 characters with an ASCII spelling; "
                    "choose a login by hand",
                    usable=login,
                ),
            )
        )
    return login
