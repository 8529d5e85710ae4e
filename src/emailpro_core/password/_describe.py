"""A password policy's rules in one line, in every language (``PasswordPolicy.describe``)."""

from __future__ import annotations

from collections.abc import Set
from typing import Protocol

from ..i18n import _catalog
from ._chars import CharacterClass, CharacterSet
from ._personal import PersonalField, PersonalRule


class _Rules(Protocol):
    # What of a PasswordPolicy the description reads (the policy imports this module).
    @property
    def min_length(self) -> int: ...
    @property
    def max_length(self) -> int: ...
    @property
    def charset(self) -> CharacterSet: ...
    @property
    def allow_whitespace(self) -> bool: ...
    @property
    def required(self) -> Set[CharacterClass]: ...
    @property
    def min_categories(self) -> int: ...
    @property
    def personal(self) -> PersonalRule | None: ...


MESSAGES = _catalog.register(
    {
        "password.describe.length": "{minimum}-{maximum} characters",
        "password.describe.printable_ascii": "printable ASCII",
        "password.describe.unaccented": "no accented letters",
        "password.describe.any": "any characters",
        "password.describe.no_whitespace": "no whitespace",
        "password.describe.needs": "needs {classes}",
        "password.describe.categories": "{count} of 5 character classes",
        "password.describe.tokens": "tokens of {length}+",
        "password.describe.case_insensitive": "case-insensitive",
        "password.describe.accent_folded": "accent-folded",
        "password.describe.login_whole": "login whole",
        "password.describe.personal": "no {fields} inside ({how})",
    }
)
_CHARSETS = {
    CharacterSet.PRINTABLE_ASCII: "password.describe.printable_ascii",
    CharacterSet.UNACCENTED: "password.describe.unaccented",
    CharacterSet.ANY: "password.describe.any",
}


def describe(policy: _Rules, lang: str | None = None, /) -> str:
    """The rules of ``policy`` in one line, in ``lang`` (class and field names as codes)."""
    language = _catalog.normalize_language(lang)

    def say(key: str, **params: object) -> str:
        return _catalog.render(f"password.describe.{key}", params, language)

    parts = [say("length", minimum=policy.min_length, maximum=policy.max_length)]
    parts.append(_catalog.render(_CHARSETS[policy.charset], {}, language))
    if not policy.allow_whitespace:
        parts.append(say("no_whitespace"))
    if policy.required:
        needed = "+".join(c.value for c in CharacterClass if c in policy.required)
        parts.append(say("needs", classes=needed))
    if policy.min_categories:
        parts.append(say("categories", count=policy.min_categories))
    rule = policy.personal
    separator = ", "  # the same in both languages
    if rule is not None:
        fields = "/".join(f.value for f in PersonalField if f in rule.fields)
        how = [say("tokens", length=rule.min_token_length), say("case_insensitive")]
        if rule.fold_accents:
            how.append(say("accent_folded"))
        if not rule.split_login:
            how.append(say("login_whole"))
        joined = _catalog.Verbatim(separator.join(how))
        parts.append(say("personal", fields=fields, how=joined))
    return separator.join(parts)
