"""A reference for ``check_login``: the straightforward per-character reading of the rules.

This is the implementation ``check_login`` had before its scans were compiled into
regular expressions, kept as it was so the property tests can hold the fast version
to exactly the same answers (codes, messages, params and order) on any input.
It favours being obviously right over being quick; never import it from the package.
"""

from __future__ import annotations

import re
import unicodedata

from emailpro_core.errors import Violation
from emailpro_core.naming import MAX_CHARACTER_VIOLATIONS, MAX_SUGGESTION_LENGTH
from emailpro_core.naming._logins import LoginPolicy

__all__ = ["oracle_check_login"]

_ASCII_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _violation(code: str, message: str, variant: str = "", **params: object) -> Violation:
    return Violation(f"login.{code}", message, params, variant=variant)


def _codepoint(char: str) -> str:
    return f"U+{ord(char):04X}"


def _allows(policy: LoginPolicy, char: str) -> bool:
    return len(char) == 1 and (
        char in _ASCII_ALNUM or char in policy.specials or char in policy.separators
    )


def _fold(char: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))


def _is_accented(char: str) -> bool:
    if char.isascii():
        return False
    decomposed = unicodedata.normalize("NFKD", char)
    return any(unicodedata.combining(c) for c in decomposed) and _fold(char).isascii()


def _character_violations(login: str, policy: LoginPolicy) -> list[Violation]:
    offending = [c for c in set(login) if not _allows(policy, c)]
    if not offending:
        return []
    positions = sorted((login.find(c), c) for c in offending)[:MAX_CHARACTER_VIOLATIONS]
    accented = [c for _, c in positions if _is_accented(c)]
    suggestion: str | None = None
    if len(login) <= MAX_SUGGESTION_LENGTH:
        suggestion = login
        for char in accented:
            suggestion = suggestion.replace(char, _fold(char))
    found: list[Violation] = []
    for position, char in positions:
        if char in accented:
            plain = _fold(char)
            advice = f"use {plain!r} instead" if plain else "remove it"
            found.append(
                _violation(
                    "accented",
                    f"accented letter {char!r} ({_codepoint(char)}) at position {position}; "
                    + advice,
                    "" if plain else "remove",
                    character=char,
                    codepoint=_codepoint(char),
                    position=position,
                    plain=plain,
                    suggestion=suggestion,
                )
            )
        else:
            found.append(
                _violation(
                    "invalid_character",
                    f"character {char!a} ({_codepoint(char)}) at position {position} is "
                    "not allowed",
                    character=char,
                    codepoint=_codepoint(char),
                    position=position,
                )
            )
    found.sort(key=lambda v: (v.code != "login.accented", v.params["position"]))
    return found


def _separator_violations(login: str, policy: LoginPolicy) -> list[Violation]:
    if not policy.separators:
        return []
    found: list[Violation] = []
    allowed = ", ".join(repr(c) for c in policy.separators)
    if login[0] in policy.separators:
        found.append(
            _violation(
                "leading_separator",
                f"a login cannot start with a separator ({allowed})",
                character=login[0],
                separators=allowed,
            )
        )
    if len(login) > 1 and login[-1] in policy.separators:
        found.append(
            _violation(
                "trailing_separator",
                f"a login cannot end with a separator ({allowed})",
                character=login[-1],
                position=len(login) - 1,
                separators=allowed,
            )
        )
    doubled = re.search("[" + re.escape(policy.separators) + "]{2,}", login)
    if doubled is not None:
        found.append(
            _violation(
                "doubled_separator",
                f"separators cannot follow each other ({doubled.group()!r} at position "
                f"{doubled.start()})",
                text=doubled.group(),
                position=doubled.start(),
            )
        )
    return found


def oracle_check_login(login: str, policy: LoginPolicy) -> tuple[Violation, ...]:
    """What ``check_login(login, policy=policy)`` must return, computed the slow way."""
    if not login:
        return (_violation("empty", "the login is empty"),)
    found: list[Violation] = []
    length = len(login)
    if policy.min_length is not None and length < policy.min_length:
        found.append(
            _violation(
                "too_short",
                f"a login has at least {policy.min_length} characters, not {length}",
                minimum=policy.min_length,
                length=length,
            )
        )
    if policy.max_length is not None and length > policy.max_length:
        found.append(
            _violation(
                "too_long",
                f"a login has at most {policy.max_length} characters, not {length}",
                maximum=policy.max_length,
                length=length,
            )
        )
    found.extend(_character_violations(login, policy))
    found.extend(_separator_violations(login, policy))
    return tuple(found)
