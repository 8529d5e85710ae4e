"""Password policies, checking and generation.

The implementation behind :mod:`emailpro_core.password`, which re-exports its public names.
"""

from __future__ import annotations

import random
import secrets
from types import MappingProxyType

from .._violation import templated
from ..errors import InvalidPassword, Violation, require_str
from ..i18n._catalog import register
from ._chars import ASCII_MASKS, CATEGORIES, CharacterClass, password_mask
from ._personal import (
    Needles,
    PersonalField,
    PersonalInfo,
    fold_text,
    utf16_length,
)
from ._policy import (
    DEFAULT_PASSWORD_POLICY,
    PasswordPolicy,
)

# Generated passwords: 16 characters from 68 symbols, about 97 bits.
_DEFAULT_GENERATED_LENGTH = 16
_GENERATION_ATTEMPTS = 200


#: The English templates of the personal-data rules, one wording per field (the
#: variant); the French is in the package's gettext catalog.
MESSAGES = register(
    {
        "password.contains_login:login": "the password contains the login",
        "password.contains_name:first_name": "the password contains the first name",
        "password.contains_name:last_name": "the password contains the last name",
        "password.contains_name:display_name": "the password contains a word of the display name",
        "password.contains_birth_date:birth_date": "the password contains the birth date",
    }
)


def _personal(code: str, field: PersonalField) -> Violation:
    # Params name the field that matched, never the text that matched.
    return templated(f"password.{code}", {"field": field.value}, variant=field.value)


_PERSONAL_VIOLATIONS = MappingProxyType(
    {
        PersonalField.LOGIN: _personal("contains_login", PersonalField.LOGIN),
        PersonalField.FIRST_NAME: _personal("contains_name", PersonalField.FIRST_NAME),
        PersonalField.LAST_NAME: _personal("contains_name", PersonalField.LAST_NAME),
        PersonalField.DISPLAY_NAME: _personal("contains_name", PersonalField.DISPLAY_NAME),
        PersonalField.BIRTH_DATE: _personal("contains_birth_date", PersonalField.BIRTH_DATE),
    }
)


def _check_types(policy: object, personal: object) -> None:
    if not isinstance(policy, PasswordPolicy):
        raise TypeError(f"policy must be a PasswordPolicy, not {type(policy).__name__}")
    if personal is not None and not isinstance(personal, PersonalInfo):
        raise TypeError(f"personal must be a PersonalInfo or None, not {type(personal).__name__}")


def check_password(
    password: str,
    /,
    *,
    policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY,
    personal: PersonalInfo | None = None,
) -> tuple[Violation, ...]:
    """Return every rule of ``policy`` that ``password`` breaks (empty when it passes).

    Violations name the rule and, for personal data, the field that matched; never
    the password or any part of it.

    Raises:
        TypeError: ``password`` is not a ``str`` (the value is not shown), or
            ``policy`` / ``personal`` has the wrong type.
    """
    # The hot path: the common case (the right types, a valid password, no personal
    # data) costs a translate, a few bit tests and no allocation beyond them.
    if (
        type(password) is not str
        or type(policy) is not PasswordPolicy
        or (personal is not None and type(personal) is not PersonalInfo)
    ):
        require_str(password, "a password")
        _check_types(policy, personal)
    plan = policy._plan
    length = units = len(password)
    if password.isascii():
        mask = 0
        for bits in set(password.encode("ascii").translate(ASCII_MASKS)):
            mask |= bits
    else:
        mask = password_mask(password)
        units = utf16_length(password)
    if (
        plan.min_length <= length
        and units <= plan.max_length
        and length
        and not mask & plan.forbidden_bits
        and mask & plan.required_bits == plan.required_bits
        and (mask & CATEGORIES).bit_count() >= plan.min_categories
        and (personal is None or policy.personal is None)
    ):
        return ()
    return _evaluate(policy, password, personal, mask, units)


def validate_password(
    password: str,
    /,
    *,
    policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY,
    personal: PersonalInfo | None = None,
) -> str:
    """Return ``password`` if ``policy`` accepts it.

    Returns:
        ``password`` itself: a password has no other normalized form (it is
        used as typed, never trimmed or folded).

    Raises:
        InvalidPassword: the password breaks the policy (it is not shown).
        TypeError: as :func:`check_password`.
    """
    violations = check_password(password, policy=policy, personal=personal)
    if violations:
        raise InvalidPassword(violations)
    return password


def _evaluate(
    policy: PasswordPolicy,
    password: str,
    personal: PersonalInfo | None,
    mask: int,
    units: int,
) -> tuple[Violation, ...]:
    """Every violation of ``policy`` by ``password``, given its mask and UTF-16 length.

    The slow path of :func:`check_password`, which has already type-checked the
    arguments and found at least one rule to report.
    """
    plan = policy._plan
    if not password and plan.empty is not None:
        return (plan.empty,)
    found = []
    if len(password) < plan.min_length:
        found.append(plan.too_short)
    # Counted in UTF-16 code units like the control panel; never fewer than code points.
    if units > plan.max_length:
        found.append(plan.too_long)
    if mask & plan.forbidden_bits:
        found += [violation for bit, violation in plan.forbidden if mask & bit]
    found += [violation for bit, violation in plan.required if not mask & bit]
    if plan.too_few is not None and (mask & CATEGORIES).bit_count() < plan.min_categories:
        found.append(plan.too_few)
    if personal is not None and policy.personal is not None:
        found += [
            _PERSONAL_VIOLATIONS[field]
            for field in policy.personal.matching_fields(password, personal)
        ]
    return tuple(found)


# Per class: the pool without look-alike characters (I O l 0 1, quotes, `|`, `.`, `,`),
# then the full pool, used only when personal data rules out the first one entirely.
_POOLS = (
    (CharacterClass.UPPER, "ABCDEFGHJKLMNPQRSTUVWXYZ", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    (CharacterClass.LOWER, "abcdefghijkmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwxyz"),
    (CharacterClass.DIGIT, "23456789", "0123456789"),
    (CharacterClass.SYMBOL, "!#$%*+-=?@_", "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
    (
        CharacterClass.OTHER_LETTER,
        "あいうえおかきくけこさしすせそ",
        "あいうえおかきくけこさしすせそ",
    ),
)
# Always allowed (ASCII, no whitespace), so always part of the alphabet.
_BASE_CLASSES = (
    CharacterClass.UPPER,
    CharacterClass.LOWER,
    CharacterClass.DIGIT,
    CharacterClass.SYMBOL,
)


def _pools(needles: Needles, accents: bool) -> dict[CharacterClass, str]:
    # A one-character needle (a one-letter login) would be hit by chance too often:
    # leave its characters out. Longer needles are avoided by drawing again.
    banned = {s for _, strings in needles for s in strings if len(s) == 1}
    if not banned:
        return {cls: friendly for cls, friendly, _ in _POOLS}
    pools = {}
    for cls, friendly, full in _POOLS:
        kept = ""
        for candidate in (friendly, full):
            kept = "".join(ch for ch in candidate if fold_text(ch, accents=accents) not in banned)
            if kept:
                break
        pools[cls] = kept
    return pools


def _generated_length(policy: PasswordPolicy, length: int | None) -> int:
    shortest = max(policy.min_length, len(policy._plan.needed), 1)
    if length is None:
        return min(max(_DEFAULT_GENERATED_LENGTH, shortest), policy.max_length)
    if not isinstance(length, int) or isinstance(length, bool):
        raise TypeError(f"length must be an int or None, not {type(length).__name__}")
    if not shortest <= length <= policy.max_length:
        raise ValueError(
            f"length must be between {shortest} and {policy.max_length} for this policy"
        )
    return length


def generate_password(
    *,
    policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY,
    personal: PersonalInfo | None = None,
    length: int | None = None,
    rng: random.Random | None = None,
) -> str:
    """Return a random password that ``policy`` accepts (with ``personal`` if given).

    ``length`` defaults to 16, raised to the policy's minimum and cut to its maximum.
    Characters come from ``secrets.SystemRandom()`` unless ``rng`` is given (pass a
    seeded ``random.Random`` for reproducible tests only). Look-alike characters are
    left out; a password drawn with personal data inside is drawn again.

    Raises:
        ValueError: ``length`` is outside what the policy allows, or the personal
            data rules out every character of a class the policy requires.
        TypeError: an argument has the wrong type.
    """
    _check_types(policy, personal)
    size = _generated_length(policy, length)
    source = secrets.SystemRandom() if rng is None else rng
    rule = policy.personal
    needles: Needles = () if personal is None or rule is None else rule.needles(personal)
    pools = _pools(needles, accents=rule is not None and rule.fold_accents)
    needed = policy._plan.needed
    if not all(pools[cls] for cls in needed):
        raise ValueError("the personal data rules out every character of a required class")
    alphabet = "".join(dict.fromkeys(pools[cls] for cls in (*_BASE_CLASSES, *needed)))
    for _ in range(_GENERATION_ATTEMPTS):
        chars = [source.choice(pools[cls]) for cls in needed]
        chars += [source.choice(alphabet) for _ in range(size - len(chars))]
        source.shuffle(chars)
        candidate = "".join(chars)
        # Every other rule holds by construction: the pools are ASCII (or kana without
        # marks, only when a class needs it), never white space or controls, one of each
        # needed class, and the length is within bounds. Only personal data can hit.
        if rule is None or not rule.fields_in(candidate, needles):
            return candidate
    raise RuntimeError(
        f"no password passed the policy in {_GENERATION_ATTEMPTS} draws; "
        "the personal data may cover too much of the alphabet"
    )
