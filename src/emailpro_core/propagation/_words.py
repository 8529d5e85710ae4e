"""The verdicts' words: a template filled from params whose parts render in a language.

A propagation message is a catalog template whose params are data (names,
serials), phrases (what is served, a duration: :class:`~emailpro_core.checker._phrases.Phrase`)
or tuples of phrases (each stale copy, each cause), which read one after the
other as the language joins the parts of a sentence.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..checker._phrases import Listing, Phrase
from ..i18n import _catalog

#: What joins the parts of a sentence (each stale copy, each cause).
MESSAGES = _catalog.register({"propagation.separator": "; "})


def words(key: str, params: Mapping[str, object], language: str, /) -> str:
    """The template ``key`` in ``language`` (normalized), filled from ``params``.

    A phrase (what is served, a duration) is rendered in the language; a tuple
    of phrases (each copy, each cause) reads as its phrases one after the other,
    joined as the language joins the parts of a sentence (``"; "``).
    """
    values: dict[str, object] = {}
    for name, value in params.items():
        if isinstance(value, tuple):
            separator = _catalog.translate(
                "propagation.separator", MESSAGES["propagation.separator"], language
            )
            value = separator.join(_rendered(item, language) for item in value)
            values[name] = _catalog.Verbatim(value)
        elif isinstance(value, Phrase | Listing):
            values[name] = _catalog.Verbatim(value.render(language))
        else:
            values[name] = value
    template = _catalog.translate(key, _catalog._TEMPLATES[key], language)
    return _catalog.fill(template, values, language)


def _rendered(item: object, language: str) -> str:
    if isinstance(item, Phrase | Listing):
        return item.render(language)
    # Data in a translation is made printable, as _catalog.fill does (the joined
    # text is put in as it is).
    if language == _catalog.DEFAULT_LANGUAGE:
        return str(item)
    return str(_catalog._printable(item))


def spoken(phrase: Phrase | None, english: str, language: str, /) -> str:
    """``phrase`` in ``language`` (normalized); ``english`` when it was not made from it."""
    if phrase is None or language == _catalog.DEFAULT_LANGUAGE or phrase.render() != english:
        return english
    return phrase.render(language)
