"""Password policies: the rules as data, each naming its source.

Three readings of the rules (docs/sources-of-truth.md §7):

- :meth:`PasswordPolicy.default`: the strict intersection of the sources.
- :meth:`PasswordPolicy.guide`: the guide D-EP1.
- :meth:`PasswordPolicy.from_service`: the control panel (M-PWD) for a service's API
  settings ``complexityEnabled`` and ``minPasswordLength``.

Each policy precomputes what it checks (a private plan of bits and ready-made
violations), so that checking a password is one pass over its characters.

>>> policy = PasswordPolicy.from_service(complexity_enabled=True, min_length=8)
>>> policy
PasswordPolicy(name='from_service', source='M-PWD (complexityEnabled=true, minPasswordLength=8)',
  min_length=8, max_length=127, charset=ANY, allow_whitespace=False, required=none,
  min_categories=3, personal=PersonalRule(fields=login|display_name, min_token_length=3,
  fold_accents=False, split_login=False))
>>> print(policy.describe())
8-127 characters, any characters, no whitespace, 3 of 5 character classes,
  no login/display_name inside (tokens of 3+, case-insensitive, login whole)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from .._violation import templated
from ..errors import ValidationError, Violation
from ..i18n._catalog import register
from ._api import SERVICE_MAX_LENGTH, min_length_problem, read_service_policy
from ._chars import (
    ACCENTED,
    CLASS_BITS,
    CONTROL,
    DIGIT,
    LOWER,
    NON_ASCII,
    OTHER_LETTER,
    SPACE,
    SURROGATE,
    SYMBOL,
    UPPER,
    CharacterClass,
    CharacterSet,
)
from ._describe import describe
from ._personal import PersonalRule

#: The English templates of the password rules and of the policy's own checks;
#: the French is in the package's gettext catalog. No template has a place for
#: the password: a message never shows it.
MESSAGES = register(
    {
        "password.empty": "the password is empty",
        "password.too_short": "the password has fewer than {minimum} characters",
        "password.too_long": "the password has more than {maximum} characters",
        "password.whitespace": "the password contains white space",
        "password.non_ascii": "the password contains a character outside ASCII",
        "password.accented": "the password contains an accented letter",
        "password.control_character": "the password has a control character",
        "password.lone_surrogate": "the password contains a lone surrogate code point",
        "password.missing_upper": "the password needs an upper-case letter",
        "password.missing_lower": "the password needs a lower-case letter",
        "password.missing_digit": "the password needs a digit (0-9)",
        "password.missing_symbol": "the password needs a symbol (neither letter nor digit)",
        "password.missing_other_letter": "the password needs a letter without case",
        "password.too_few_categories": (
            "the password needs characters from {minimum} of these classes: upper-case "
            "letters, lower-case letters, digits, symbols, letters without case"
        ),
        "password_policy.min_length": "min_length cannot be negative",
        "password_policy.max_length": "max_length must be at least min_length and at least 1",
        "password_policy.min_categories": "min_categories must be between 0 and 5",
        "password_policy.unreachable_class": (
            "the character set rules out a class the policy requires"
        ),
        "password_policy.too_many_classes": (
            "{classes} classes are required but max_length is {maximum}"
        ),
    }
)


def _v(code: str, /, **params: object) -> Violation:
    return templated(f"password.{code}", params)


_MISSING = (
    (UPPER, _v("missing_upper")),
    (LOWER, _v("missing_lower")),
    (DIGIT, _v("missing_digit")),
    (SYMBOL, _v("missing_symbol")),
    (OTHER_LETTER, _v("missing_other_letter")),
)


@attrs.frozen
class _Plan:
    """What a policy checks, precomputed once so that the hot path only tests bits."""

    min_length: int
    max_length: int
    required_bits: int
    min_categories: int
    empty: Violation | None
    too_short: Violation
    too_long: Violation
    forbidden_bits: int
    forbidden: tuple[tuple[int, Violation], ...]
    required: tuple[tuple[int, Violation], ...]
    too_few: Violation | None
    needed: tuple[CharacterClass, ...]


def _to_classes(value: Iterable[CharacterClass]) -> frozenset[CharacterClass]:
    return frozenset(value)


_int = attrs.validators.instance_of(int)


@attrs.frozen(repr=False)
class PasswordPolicy:
    """A password policy: rules as data, with the source they come from.

    Attributes:
        name: A short name for the reading (``default``, ``guide``, ``from_service``).
        source: Where the rules come from (keys of the reference, API field values).
        min_length: Fewest characters (code points); 0 lets the empty password through.
        max_length: Most characters, counted in UTF-16 code units as the control panel's
            JavaScript does (the same as characters outside emoji and rare scripts).
        charset: Which characters are accepted (:class:`CharacterSet`).
        allow_whitespace: Whether white space (JavaScript ``\\s``) is accepted.
        required: Classes that must each appear (:class:`CharacterClass`).
        min_categories: How many of the five classes must appear (0: no such rule).
        personal: How personal data is forbidden, or ``None``.
    """

    name: str = attrs.field(validator=attrs.validators.instance_of(str))
    source: str = attrs.field(validator=attrs.validators.instance_of(str))
    min_length: int = attrs.field(validator=_int)
    max_length: int = attrs.field(validator=_int)
    charset: CharacterSet = attrs.field(
        default=CharacterSet.ANY, validator=attrs.validators.instance_of(CharacterSet)
    )
    allow_whitespace: bool = attrs.field(
        default=False, validator=attrs.validators.instance_of(bool)
    )
    required: frozenset[CharacterClass] = attrs.field(
        default=frozenset(),
        converter=_to_classes,
        validator=attrs.validators.deep_iterable(attrs.validators.instance_of(CharacterClass)),
    )
    min_categories: int = attrs.field(default=0, validator=_int)
    personal: PersonalRule | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(attrs.validators.instance_of(PersonalRule)),
    )
    _plan: _Plan = attrs.field(init=False, eq=False)

    def __attrs_post_init__(self) -> None:
        needed = self._needed_classes()
        problems = self._problems(needed)
        if problems:
            raise ValidationError(problems, subject="password policy")
        object.__setattr__(self, "_plan", self._make_plan(needed))

    @classmethod
    def default(cls) -> PasswordPolicy:
        """9-30 printable ASCII, no whitespace, upper + lower + digit, no personal data."""
        return DEFAULT_PASSWORD_POLICY

    @classmethod
    def guide(cls) -> PasswordPolicy:
        """The guide D-EP1: 9-30 characters (its box; its body says at least 8), no accents,
        an upper-case letter, a lower-case letter and a digit. It says nothing about
        white space or personal data, so neither is checked."""
        return cls(
            name="guide",
            source="D-EP1",
            min_length=9,
            max_length=30,
            charset=CharacterSet.UNACCENTED,
            allow_whitespace=True,
            required=_UPPER_LOWER_DIGIT,
        )

    @classmethod
    def from_service(cls, *, complexity_enabled: bool, min_length: int | None) -> PasswordPolicy:
        """The control panel's rules (M-PWD) for a service's API settings.

        ``complexity_enabled`` is ``complexityEnabled``; ``min_length`` is
        ``minPasswordLength`` (``None`` when the API leaves it out: no minimum).
        Length ``min_length``..127, no white space; with complexity, 3 of the 5
        character classes and neither the login nor a display-name token inside.

        Raises:
            ValidationError: ``min_length`` is neither 0 nor 3-14
                (``password_policy.min_length_out_of_range``).
            TypeError: an argument has the wrong type.
        """
        if not isinstance(complexity_enabled, bool):
            raise TypeError(
                f"complexity_enabled must be a bool, not {type(complexity_enabled).__name__}"
            )
        if min_length is not None and (
            not isinstance(min_length, int) or isinstance(min_length, bool)
        ):
            raise TypeError(f"min_length must be an int or None, not {type(min_length).__name__}")
        value = 0 if min_length is None else min_length
        problem = min_length_problem(value)
        if problem is not None:
            raise ValidationError([problem], subject="password policy")
        shown = "null" if min_length is None else str(min_length)
        flag = "true" if complexity_enabled else "false"
        return cls(
            name="from_service",
            source=f"M-PWD (complexityEnabled={flag}, minPasswordLength={shown})",
            min_length=value,
            max_length=SERVICE_MAX_LENGTH,
            charset=CharacterSet.ANY,
            min_categories=3 if complexity_enabled else 0,
            personal=PersonalRule.control_panel() if complexity_enabled else None,
        )

    @classmethod
    def from_api(cls, service: Mapping[str, object], /) -> PasswordPolicy:
        """The control panel's rules for a service object as the API returns it.

        ``service`` is the JSON object of ``GET /email/pro/{service}``
        (``email.pro.Service``): ``complexityEnabled`` (required, a boolean) and
        ``minPasswordLength`` (absent, null, or 0 or 3-14) give the policy of
        :meth:`from_service`. Other keys are ignored.

        >>> PasswordPolicy.from_api({"complexityEnabled": False, "minPasswordLength": 8,
        ...                          "lockoutDuration": 30}).describe()
        '8-127 characters, any characters, no whitespace'

        Raises:
            InvalidApiObject: every problem at once (``api.not_an_object``,
                ``api.missing_key``, ``api.wrong_type``,
                ``password_policy.min_length_out_of_range``), each with its path.
        """
        complexity, min_length = read_service_policy(service)
        return cls.from_service(complexity_enabled=complexity, min_length=min_length)

    def describe(self, lang: str | None = None) -> str:
        """The rules in one line, in ``lang`` (English by default).

        >>> PasswordPolicy.from_service(complexity_enabled=False, min_length=8).describe("fr")
        '8-127 caractères, tous caractères, sans espace'
        """
        return describe(self, lang)

    def __repr__(self) -> str:
        required = "|".join(c.name for c in CharacterClass if c in self.required) or "none"
        return (
            f"PasswordPolicy(name={self.name!r}, source={self.source!r}, "
            f"min_length={self.min_length}, max_length={self.max_length}, "
            f"charset={self.charset.name}, allow_whitespace={self.allow_whitespace}, "
            f"required={required}, min_categories={self.min_categories}, "
            f"personal={self.personal!r})"
        )

    def _needed_classes(self) -> tuple[CharacterClass, ...]:
        # The classes a generated password must contain: the required ones, topped up
        # in a fixed order until `min_categories` is reached.
        needed = [c for c in CharacterClass if c in self.required]
        for c in CharacterClass:
            if len(needed) >= self.min_categories:
                break
            if c not in needed and self._reachable(c):
                needed.append(c)
        return tuple(needed)

    def _reachable(self, cls: CharacterClass) -> bool:
        return not (
            cls is CharacterClass.OTHER_LETTER and self.charset is CharacterSet.PRINTABLE_ASCII
        )

    def _problems(self, needed: tuple[CharacterClass, ...]) -> list[Violation]:
        def problem(code: str, /, **params: object) -> Violation:
            return templated(f"password_policy.{code}", params)

        found = []
        if self.min_length < 0:
            found.append(problem("min_length", value=self.min_length))
        if self.max_length < max(self.min_length, 1):
            found.append(problem("max_length", value=self.max_length))
        if not 0 <= self.min_categories <= len(CharacterClass):
            found.append(problem("min_categories", value=self.min_categories))
        unreachable = [c.value for c in self.required if not self._reachable(c)]
        if unreachable or len(needed) < min(self.min_categories, len(CharacterClass)):
            found.append(problem("unreachable_class", classes=tuple(sorted(unreachable))))
        if len(needed) > self.max_length:
            found.append(
                problem(
                    "too_many_classes",
                    classes=len(needed),
                    maximum=self.max_length,
                )
            )
        return found

    def _make_plan(self, needed: tuple[CharacterClass, ...]) -> _Plan:
        forbidden: list[tuple[int, Violation]] = []
        if not self.allow_whitespace:
            forbidden.append((SPACE, _v("whitespace")))
        if self.charset is CharacterSet.PRINTABLE_ASCII:
            forbidden.append((NON_ASCII, _v("non_ascii")))
        if self.charset is not CharacterSet.ANY:
            forbidden.append((ACCENTED, _v("accented")))
        forbidden.append((CONTROL, _v("control_character")))
        forbidden.append((SURROGATE, _v("lone_surrogate")))
        wanted = sum(CLASS_BITS[c] for c in self.required)
        k = self.min_categories
        return _Plan(
            min_length=self.min_length,
            max_length=self.max_length,
            required_bits=wanted,
            min_categories=k,
            empty=_v("empty") if self.min_length > 0 else None,
            too_short=_v("too_short", minimum=self.min_length),
            too_long=_v("too_long", maximum=self.max_length),
            forbidden_bits=sum(bit for bit, _ in forbidden),
            forbidden=tuple(forbidden),
            required=tuple((bit, v) for bit, v in _MISSING if bit & wanted),
            too_few=_v("too_few_categories", minimum=k) if k else None,
            needed=needed,
        )


_UPPER_LOWER_DIGIT = frozenset({CharacterClass.UPPER, CharacterClass.LOWER, CharacterClass.DIGIT})
#: The policy used when none is given (:meth:`PasswordPolicy.default`).
DEFAULT_PASSWORD_POLICY = PasswordPolicy(
    name="default",
    source="D-EP1 ∩ M-PWD",
    # Guide box (D-EP1) 9-30 within the control panel's min..127 (M-PWD).
    min_length=9,
    max_length=30,
    # Guide "No accents" (D-EP1); printable ASCII is the safe reading of it.
    charset=CharacterSet.PRINTABLE_ASCII,
    allow_whitespace=False,  # M-PWD rejects `\s`
    required=_UPPER_LOWER_DIGIT,  # D-EP1; also 3 of M-PWD's 5 classes
    personal=PersonalRule.strict(),  # M-PWD's login and display-name checks, and more
)
