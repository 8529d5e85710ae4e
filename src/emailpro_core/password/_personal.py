"""Personal data inside passwords: which values count, and how they are matched.

A password must not carry the account's own data. The control panel (M-PWD, when
``complexityEnabled`` is set) forbids the login and every display-name token of 3
or more characters; our default also forbids the first and last names and the
birth date. :class:`PersonalRule` says which fields are checked and how;
:class:`PersonalInfo` carries the values. Neither the password nor the part of it
that matched ever leaves this module: callers learn only *which field* matched.

>>> from datetime import date
>>> info = PersonalInfo(login="jdupont", last_name="Dupont-Hélie", birth_date=date(1984, 3, 12))
>>> rule = PersonalRule.strict()
>>> [f.value for f in rule.matching_fields("xHELIE-84", info)]
['last_name']
>>> [f.value for f in rule.matching_fields("Pa55-12.03.84", info)]
['birth_date']
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date

import attrs

from ._api import read_account_personal

# M-PWD passwordContainsName: the display name is split on commas, periods, dashes,
# underscores, pound signs and white space (its `\t` is already inside `\s`). Its
# JavaScript `\s` also holds U+FEFF, which Python's does not: add it, or a token the
# control panel splits would stay whole here and match less.
_NAME_SEPARATORS = re.compile(r"[,.\-_£\s\ufeff]")
# A login also uses `+` as a separator (M-ACC pattern `(\.|\+)`).
_LOGIN_SEPARATORS = re.compile(r"[,.\-_£\s\ufeff+]")
# Letters with a stroke or bar have no Unicode decomposition, yet read as accented
# letters to anyone typing a name ("Łukasz", "Søren"): fold them by hand.
STROKED_LETTERS = "øłđħŧƶƀɨ"
_STROKE_FOLDS = str.maketrans(STROKED_LETTERS, "oldhtzbi")
# Separators between day, month and year in the birth-date forms we look for.
_DATE_SEPARATORS = ("-", "/", ".")


class PersonalField(enum.Enum):
    """A field of :class:`PersonalInfo`; the value is the name used in violation params."""

    LOGIN = "login"
    FIRST_NAME = "first_name"
    LAST_NAME = "last_name"
    DISPLAY_NAME = "display_name"
    BIRTH_DATE = "birth_date"


#: The folded strings searched for, per field (see :meth:`PersonalRule.needles`).
Needles = tuple[tuple[PersonalField, tuple[str, ...]], ...]


def _optional_str(instance: object, attribute: attrs.Attribute[str | None], value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{attribute.name} must be a str or None, not {type(value).__name__}")


def _optional_date(
    instance: object, attribute: attrs.Attribute[date | None], value: object
) -> None:
    if value is not None and not isinstance(value, date):
        raise TypeError(
            f"{attribute.name} must be a datetime.date or None, not {type(value).__name__}"
        )


@attrs.frozen
class PersonalInfo:
    """The account data a password must not contain. None of it is secret.

    Attributes:
        login: The account login (local part); a full address is cut at its last ``@``.
        first_name: The first name (API ``firstName``).
        last_name: The last name (API ``lastName``).
        display_name: The display name (API ``displayName``).
        birth_date: The birth date; a ``datetime`` is read as its date.
    """

    login: str | None = attrs.field(default=None, validator=_optional_str)
    first_name: str | None = attrs.field(default=None, validator=_optional_str)
    last_name: str | None = attrs.field(default=None, validator=_optional_str)
    display_name: str | None = attrs.field(default=None, validator=_optional_str)
    birth_date: date | None = attrs.field(default=None, validator=_optional_date)

    @classmethod
    def from_api(cls, account: Mapping[str, object], /) -> PersonalInfo:
        """The personal data of an account object as the API returns it.

        ``account`` is the JSON object of ``GET /email/pro/{service}/account/{email}``
        (``email.pro.Account``): ``login`` (required), ``firstName``, ``lastName``
        and ``displayName`` (each may be absent or null). The API has no birth
        date. Other keys are ignored.

        >>> info = PersonalInfo.from_api({"login": "mary", "lastName": None, "quota": 5})
        >>> info.login, info.last_name
        ('mary', None)

        Raises:
            InvalidApiObject: every problem at once (``api.not_an_object``,
                ``api.missing_key``, ``api.wrong_type``), each with its path.
        """
        found = read_account_personal(account)
        return cls(
            login=found["login"],
            first_name=found["first_name"],
            last_name=found["last_name"],
            display_name=found["display_name"],
        )


def fold_text(text: str, /, *, accents: bool) -> str:
    """Case-fold ``text``; with ``accents``, also drop diacritics (NFKD, marks removed).

    Both steps map character by character, so a substring of the input stays a
    substring of the output: folding never hides a match, it can only add some.

    >>> fold_text("Ærøskøbing É", accents=True)
    'æroskobing e'
    >>> fold_text("Straße", accents=False)
    'strasse'
    """
    folded = text.casefold()
    if not accents:
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.translate(_STROKE_FOLDS)


def birth_date_forms(day: date, /) -> tuple[str, ...]:
    """Every spelling of ``day`` that :class:`PersonalRule` looks for, in this order.

    The four-digit year alone; ``DDMMYYYY``, ``MMDDYYYY``, ``YYYYMMDD``, ``DDMMYY``,
    ``MMDDYY``, ``YYMMDD``; then for each separator ``-``, ``/``, ``.``: ``DD-MM-YYYY``,
    ``MM-DD-YYYY`` (US), ``YYYY-MM-DD``, ``DD-MM-YY``, ``MM-DD-YY``, ``YY-MM-DD``, and
    the unpadded ``D-M-YYYY``, ``M-D-YYYY``, ``D-M-YY``, ``M-D-YY``, ``YYYY-M-D``.
    Duplicates (a day equal to its month, single-digit values) appear once.

    >>> birth_date_forms(date(1984, 3, 12))[:7]
    ('1984', '12031984', '03121984', '19840312', '120384', '031284', '840312')
    """
    yyyy, yy = f"{day.year:04d}", f"{day.year % 100:02d}"
    dd, mm, d, m = f"{day.day:02d}", f"{day.month:02d}", str(day.day), str(day.month)
    forms = [yyyy, dd + mm + yyyy, mm + dd + yyyy, yyyy + mm + dd, dd + mm + yy, mm + dd + yy]
    forms.append(yy + mm + dd)
    for s in _DATE_SEPARATORS:
        forms += [s.join(parts) for parts in ((dd, mm, yyyy), (mm, dd, yyyy), (yyyy, mm, dd))]
        forms += [s.join(parts) for parts in ((dd, mm, yy), (mm, dd, yy), (yy, mm, dd))]
        forms += [s.join(parts) for parts in ((d, m, yyyy), (m, d, yyyy), (d, m, yy), (m, d, yy))]
        forms.append(s.join((yyyy, m, d)))
    return tuple(dict.fromkeys(forms))


def utf16_length(text: str, /) -> int:
    """Length in UTF-16 code units: what the control panel's JavaScript `.length` counts."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _to_fields(value: Iterable[PersonalField]) -> frozenset[PersonalField]:
    return frozenset(value)


@attrs.frozen
class PersonalRule:
    """How a policy forbids personal data inside a password.

    The login is matched whole, at any length, as the control panel does
    (``password.indexOf(login)``, M-ACC). Names are split on the control panel's
    separators (``, . - _ £`` and white space) and every token of at least
    ``min_token_length`` characters is matched; with ``split_login`` the login's own
    tokens (also split on ``+``) are matched too. Matching is always case-insensitive;
    with ``fold_accents`` it also ignores diacritics on both sides.

    Attributes:
        fields: The :class:`PersonalField` values checked.
        min_token_length: Shorter name tokens are ignored (3 in M-PWD); counted in
            UTF-16 code units like the control panel, so no token it keeps is dropped.
        fold_accents: Compare without diacritics (``é`` matches ``e``).
        split_login: Also match the login's tokens, not only the whole login.
    """

    fields: frozenset[PersonalField] = attrs.field(
        converter=_to_fields,
        validator=attrs.validators.deep_iterable(attrs.validators.instance_of(PersonalField)),
    )
    min_token_length: int = attrs.field(
        default=3,
        validator=[attrs.validators.instance_of(int), attrs.validators.ge(1)],
    )
    fold_accents: bool = attrs.field(default=True, validator=attrs.validators.instance_of(bool))
    split_login: bool = attrs.field(default=True, validator=attrs.validators.instance_of(bool))

    @classmethod
    def strict(cls) -> PersonalRule:
        """Every field, tokens of 3+, case-insensitive, accent-folded (the default policy)."""
        return cls(fields=frozenset(PersonalField))

    @classmethod
    def control_panel(cls) -> PersonalRule:
        """The login (whole) and display-name tokens of 3+, case-insensitive (M-PWD)."""
        return cls(
            fields=frozenset({PersonalField.LOGIN, PersonalField.DISPLAY_NAME}),
            fold_accents=False,
            split_login=False,
        )

    def __repr__(self) -> str:
        names = "|".join(f.value for f in PersonalField if f in self.fields) or "none"
        return (
            f"PersonalRule(fields={names}, min_token_length={self.min_token_length}, "
            f"fold_accents={self.fold_accents}, split_login={self.split_login})"
        )

    def _tokens(self, text: str, separators: re.Pattern[str]) -> list[str]:
        kept = []
        for token in separators.split(text.casefold()):
            if utf16_length(token) >= self.min_token_length:
                folded = fold_text(token, accents=self.fold_accents)
                if folded:
                    kept.append(folded)
        return kept

    def needles(self, personal: PersonalInfo, /) -> Needles:
        """The folded strings searched for, per field (fields without data are left out)."""
        found: list[tuple[PersonalField, tuple[str, ...]]] = []
        fields = self.fields
        if PersonalField.LOGIN in fields and personal.login:
            login = personal.login.rpartition("@")[0] if "@" in personal.login else personal.login
            strings = [fold_text(login, accents=self.fold_accents)] if login else []
            if self.split_login:
                strings += self._tokens(login, _LOGIN_SEPARATORS)
            found.append((PersonalField.LOGIN, tuple(s for s in strings if s)))
        for field, value in (
            (PersonalField.FIRST_NAME, personal.first_name),
            (PersonalField.LAST_NAME, personal.last_name),
            (PersonalField.DISPLAY_NAME, personal.display_name),
        ):
            if field in fields and value:
                found.append((field, tuple(self._tokens(value, _NAME_SEPARATORS))))
        if PersonalField.BIRTH_DATE in fields and personal.birth_date is not None:
            found.append((PersonalField.BIRTH_DATE, birth_date_forms(personal.birth_date)))
        return tuple((field, strings) for field, strings in found if strings)

    def matching_fields(
        self, password: str, personal: PersonalInfo, /
    ) -> tuple[PersonalField, ...]:
        """The fields whose data occurs in ``password``, in :class:`PersonalField` order."""
        return self.fields_in(password, self.needles(personal))

    def fields_in(self, password: str, needles: Needles, /) -> tuple[PersonalField, ...]:
        """Like :meth:`matching_fields`, with needles computed once by :meth:`needles`."""
        if not needles:
            return ()
        folded = fold_text(password, accents=self.fold_accents)
        return tuple(field for field, strings in needles if any(s in folded for s in strings))
