"""The words of the checker: parts of sentences, and the labels of its renderings.

A finding's message is a catalog template filled from the finding's ``params``
(see :meth:`~emailpro_core.checker.Finding.render`). Most params are plain data:
names, counts, the codes of causes. Some are themselves words that depend on the
language: a part of the sentence chosen by the check (:class:`Phrase`, "the MX
records", "the DKIM key of s1"), or the violations a parser reported
(:class:`~emailpro_core.errors.Violation`, rendered by their own module). Those
are kept as values and rendered in the language asked for, so the whole
sentence is written in one language.

A tuple of phrases or violations reads as its items joined with ``"; "``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from .._violation import _rebuild_violation
from ..errors import Violation
from ..i18n import _catalog
from ..records import Omission

#: The labels of the text renderings, and the pieces the checks share.
MESSAGES = _catalog.register(
    {
        "checker.no_fix": "no fix: {reason}",
        "checker.fix.add": "add     {line}",
        "checker.fix.remove": "remove  {line}",
        "checker.fix.replace": "replace {old}\n   with {line}",
        # A parser's violation quoted with its code, or with its position.
        "checker.coded": "{problem} [{code}]",
        "checker.at_position": "{problem} at position {position}",
    }
)


def _frozen(params: Mapping[str, object] | None) -> Mapping[str, object]:
    return MappingProxyType(dict(params or {}))


@attrs.frozen
class Phrase:
    """A part of a sentence: a catalog template and the params that fill it.

    Attributes:
        key: The template's key in the catalog.
        params: Its values (themselves plain data, phrases or violations).
    """

    key: str
    params: Mapping[str, object] = attrs.field(
        factory=dict, converter=_frozen, hash=False, repr=lambda p: repr(dict(p))
    )

    def __reduce__(self) -> tuple[Any, ...]:
        # MappingProxyType does not pickle: rebuilt from a plain dict.
        return (Phrase, (self.key, dict(self.params)))

    def render(self, language: str = _catalog.DEFAULT_LANGUAGE) -> str:
        """The phrase in ``language`` (a normalized language: ``"en"``, ``"fr"``)."""
        if language == _catalog.DEFAULT_LANGUAGE:
            return _english(self)
        template = _catalog.translate(self.key, _catalog._TEMPLATES[self.key], language)
        return fill(template, self.params, language)

    def __str__(self) -> str:
        return self.render()


# The English of a phrase is made while building findings, for every domain; the
# same few phrases (the provider's addresses, "the MX records") come back domain
# after domain, so their English is kept (a phrase is immutable; bounded cache).
# Kept by key *and* params: a phrase hashes by its key alone (its params are a
# mapping), and a thousand phrases of one key that differ by a domain name (a
# bulk run where every lookup fails) would share one hash, each lookup then
# comparing against all of them.
def _english(said: Phrase) -> str:
    items = tuple(said.params.items())
    try:
        return _english_of(said.key, items)
    except TypeError:  # a param that cannot be hashed: made each time
        return fill(_catalog._TEMPLATES[said.key], said.params, _catalog.DEFAULT_LANGUAGE)


@functools.lru_cache(maxsize=1024)
def _english_of(key: str, items: tuple[tuple[str, object], ...]) -> str:
    return fill(_catalog._TEMPLATES[key], dict(items), _catalog.DEFAULT_LANGUAGE)


def _items(values: Iterable[object]) -> tuple[object, ...]:
    return tuple(values)


@attrs.frozen
class Listing:
    """Phrases (or plain values) read one after the other, joined by ``separator``.

    A plain tuple of phrases or violations reads joined with ``"; "``; a listing
    chooses its own separator (``", "`` for a list of hosts).
    """

    items: tuple[object, ...] = attrs.field(converter=_items)
    separator: str = ", "

    def __reduce__(self) -> tuple[Any, ...]:
        return (Listing, (self.items, self.separator))

    def render(self, language: str = _catalog.DEFAULT_LANGUAGE) -> str:
        """The items in ``language``, joined."""
        return self.separator.join(str(_value(item, language)) for item in self.items)

    def __str__(self) -> str:
        return self.render()


def phrase(key: str, /, **params: object) -> Phrase:
    """A :class:`Phrase` of a registered template (``KeyError`` when it is not)."""
    _catalog._TEMPLATES[key]  # an unregistered key is a programming error: KeyError
    return Phrase(key, params)


def omission_phrase(omission: Omission, /) -> Phrase | str:
    """Why a record could not be listed, as a phrase (its own words if made by hand)."""
    if _catalog.registered_template(omission.code) is None:
        return omission.message
    return Phrase(omission.code, omission.params)


def coded(violations: tuple[Violation, ...], /) -> tuple[Phrase, ...]:
    """Each violation followed by its code: ``message [code]``."""
    return tuple(Phrase("checker.coded", {"problem": v, "code": v.code}) for v in violations)


def _render(value: object, language: str) -> object:
    if isinstance(value, (Phrase, Listing)):
        return value.render(language)
    if isinstance(value, _catalog.Said):
        return _catalog.Verbatim(value.render(language))
    if isinstance(value, Violation):
        return value.render(language)
    if isinstance(value, tuple) and (not value or isinstance(value[0], (Phrase, Violation))):
        return "; ".join(str(_render(item, language)) for item in value)
    return value


def is_plain(params: Mapping[str, object], /) -> bool:
    """Whether no value of ``params`` depends on the language."""
    for value in params.values():
        kind = type(value)
        if kind is str or kind is int:  # most values: names and counts
            continue
        if isinstance(value, (Phrase, Violation, Listing, _catalog.Said)) or (
            isinstance(value, tuple) and (not value or isinstance(value[0], (Phrase, Violation)))
        ):
            return False
    return True


def localized(params: Mapping[str, object], language: str, /) -> Mapping[str, object]:
    """``params`` with every phrase and violation rendered in ``language``."""
    if is_plain(params):
        return params
    return {name: _render(value, language) for name, value in params.items()}


def _value(value: object, language: str) -> object:
    # In a translation, data is made printable (as _catalog.fill does); the words
    # rendered here already are, and keep their non-breaking spaces.
    rendered = _render(value, language)
    if rendered is value and language != _catalog.DEFAULT_LANGUAGE:
        return _catalog._printable(value)
    return rendered


def fill(template: str, params: Mapping[str, object], language: str, /) -> str:
    """``template`` filled from ``params`` rendered in ``language`` (already normalized)."""
    if language == _catalog.DEFAULT_LANGUAGE:
        return _catalog.fill(template, localized(params, language))
    values = {name: _value(value, language) for name, value in params.items()}
    return template.format_map(_catalog._Holes(values))


def label(key: str, language: str, /, **params: object) -> str:
    """One of this module's labels in ``language`` (already normalized)."""
    return _catalog.fill(_catalog.translate(key, MESSAGES[key], language), params)


# --- the JSON form of params -------------------------------------------------------


def to_json(value: object, /) -> object:
    """A param as JSON: a phrase is ``{"key", "params"}``, a violation ``{"code", ...}``."""
    if isinstance(value, Phrase):
        return {"key": value.key, "params": {k: to_json(v) for k, v in value.params.items()}}
    if isinstance(value, Listing):
        return {"items": [to_json(item) for item in value.items], "separator": value.separator}
    if isinstance(value, _catalog.Said):  # a source's detail, a string where it is read
        return {"key": value.key, "params": dict(value.params), "text": True}
    if isinstance(value, Violation):
        data: dict[str, object] = {
            "code": value.code,
            "message": value.message,
            "params": {k: to_json(v) for k, v in value.params.items()},
        }
        if value.variant:
            data["variant"] = value.variant
        return data
    if isinstance(value, (tuple, list)):
        return [to_json(item) for item in value]
    return value


def from_json(value: object, /) -> object:
    """Read :func:`to_json`'s form back (a list is read as a tuple).

    Raises:
        ValueError: a mapping that is neither a phrase nor a violation.
    """
    if isinstance(value, list):
        return tuple(from_json(item) for item in value)
    if not isinstance(value, Mapping):
        return value
    items, separator = value.get("items"), value.get("separator", ", ")
    if isinstance(items, list) and isinstance(separator, str):
        return Listing(tuple(from_json(item) for item in items), separator)
    params = value.get("params", {})
    if not isinstance(params, Mapping):
        raise ValueError(f"the params of a nested message are a mapping, not {params!r}")
    values = {str(k): from_json(v) for k, v in params.items()}
    key, code = value.get("key"), value.get("code")
    if isinstance(key, str) and value.get("text") is True:
        if _catalog.registered_template(key) is None:
            raise ValueError(f"no message is registered under {key!r}")
        return _catalog.Said(key, values)
    if isinstance(key, str):
        return Phrase(key, values)
    message, variant = value.get("message", ""), value.get("variant", "")
    if isinstance(code, str) and isinstance(message, str) and isinstance(variant, str):
        # Read back as it was written: its message is the one it carried.
        return _rebuild_violation(code, message, values, variant)
    raise ValueError(
        "a mapping in params is a phrase (key), a listing (items) or a violation (code, message)"
    )
