"""The message catalogs: English templates registered by code, French from gettext.

Every sentence emailpro_core writes for a person is an English *template* with
``{named}`` placeholders, registered here under a stable key: the code of the
violation or finding (``login.too_short``), or ``code:variant`` when one code
has several wordings. The values keep the code and the params, so a message can
be rendered again in another language long after it was made.

The French text comes from a standard gettext catalog shipped with the package
(``locale/fr/LC_MESSAGES/emailpro_core.mo``, compiled from the ``.po`` beside
it): its entries are keyed by context (the template key) and msgid (the English
template), so an English template that changes without its translation shows
up as a missing entry in the tests rather than as a stale French sentence.
"""

from __future__ import annotations

import functools
import gettext
import importlib.resources
import string
from collections.abc import Mapping
from types import MappingProxyType

#: The languages emailpro_core writes, the first being the default.
LANGUAGES: tuple[str, ...] = ("en", "fr")
#: The language of every message unless another is asked for.
DEFAULT_LANGUAGE = "en"

#: The gettext domain: the catalog's file name.
DOMAIN = "emailpro_core"

_TEMPLATES: dict[str, str] = {}
_FORMATTER = string.Formatter()


def normalize_language(value: str | None, /) -> str:
    """The language a tag asks for: ``"fr"``, ``"fr_FR.UTF-8"``, ``"fr-CA"`` → ``"fr"``.

    ``None`` means the default, English. ``"C"`` and ``"POSIX"`` (the locales
    that mean "no translation") are English too.

    Raises:
        ValueError: a language emailpro_core does not write, or not a string.

    >>> normalize_language("fr_FR.UTF-8")
    'fr'
    >>> normalize_language(None)
    'en'
    """
    if value is None:
        return DEFAULT_LANGUAGE
    if not isinstance(value, str):
        raise ValueError(f"a language is a string such as 'fr', not {type(value).__name__}")
    tag = value.strip().split(".", 1)[0].split("@", 1)[0].replace("-", "_").lower()
    if tag in {"c", "posix"}:
        return DEFAULT_LANGUAGE
    primary = tag.split("_", 1)[0]
    if primary in LANGUAGES:
        return primary
    shown = value if len(value) <= 40 and value.isprintable() else repr(value[:40])
    raise ValueError(f"unsupported language {shown!r}: choose one of {', '.join(LANGUAGES)}")


def language_from_environment(environ: Mapping[str, str], /) -> str:
    """The language the environment asks for, as gettext reads it.

    The first of ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that is
    set and not empty decides (the order of Python's :func:`gettext.find`);
    ``LANGUAGE`` may list several, ``fr:en``, the first one written here wins.
    A language emailpro_core does not write gives English.

    >>> language_from_environment({"LANG": "fr_FR.UTF-8"})
    'fr'
    >>> language_from_environment({"LANGUAGE": "de:fr", "LANG": "en_US.UTF-8"})
    'fr'
    """
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable, "")
        if not value:
            continue
        for entry in value.split(":"):
            try:
                return normalize_language(entry)
            except ValueError:
                continue
        return DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def placeholders(template: str, /) -> frozenset[str]:
    """The names of a template's ``{placeholders}``.

    Raises:
        ValueError: the template is not a plain ``str.format`` template with named
            fields only (no positional field, no attribute or index access).
    """
    names = set()
    for _literal, field, _spec, _conversion in _FORMATTER.parse(template):
        if field is None:
            continue
        if not field.isidentifier():
            raise ValueError(f"template field {field!r} is not a plain name: {template!r}")
        names.add(field)
    return frozenset(names)


def register(table: Mapping[str, str], /) -> Mapping[str, str]:
    """Record English templates by key; returns them as a read-only mapping.

    A module calls it once, at import, with its own table. Registering a key
    again with another template is a programming error.

    Raises:
        ValueError: a key already registered with another template, or a
            template that is not plain named ``str.format`` fields.
    """
    for key, template in table.items():
        placeholders(template)
        known = _TEMPLATES.get(key)
        if known is not None and known != template:
            raise ValueError(f"message key {key!r} is registered twice, with two templates")
        _TEMPLATES[key] = template
    return MappingProxyType(dict(table))


def registered() -> Mapping[str, str]:
    """Every template registered so far, by key (the modules imported so far)."""
    return MappingProxyType(dict(_TEMPLATES))


def registered_template(key: str, /) -> str | None:
    """The English template registered under ``key``, if any."""
    return _TEMPLATES.get(key)


@functools.cache
def _translations(language: str) -> gettext.NullTranslations:
    if language == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    resource = importlib.resources.files(__package__).joinpath(
        f"locale/{language}/LC_MESSAGES/{DOMAIN}.mo"
    )
    with resource.open("rb") as stream:
        return gettext.GNUTranslations(stream)


def translate(key: str, template: str, language: str) -> str:
    """The template in ``language`` (the English one when the catalog lacks it)."""
    if language == DEFAULT_LANGUAGE:
        return template
    return _translations(language).pgettext(key, template)


def render(key: str, params: Mapping[str, object], /, lang: str | None = None) -> str:
    """The message registered under ``key``, in ``lang``, its placeholders filled.

    Raises:
        KeyError: no template is registered under ``key``.
        ValueError: ``lang`` is a language emailpro_core does not write.
    """
    template = _TEMPLATES[key]
    language = normalize_language(lang)
    return fill(translate(key, template, language), _nested(params, language), language)


#: How each language joins several messages in one sentence (French puts a narrow
#: no-break space before the semicolon).
LIST_SEPARATORS = {"en": "; ", "fr": "\u202f; "}


def _nested(params: Mapping[str, object], language: str) -> Mapping[str, object]:
    # A text that keeps its template (Said), or a tuple of them, is said again in the
    # language; anything else is data, filled as it is.
    if not any(isinstance(value, (Said, tuple)) for value in params.values()):
        return params
    nested: dict[str, object] = {}
    for name, value in params.items():
        if isinstance(value, Said):
            value = Verbatim(value.render(language))
        elif isinstance(value, tuple) and all(isinstance(item, Said) for item in value):
            joined = LIST_SEPARATORS[language].join(item.render(language) for item in value)
            value = Verbatim(joined)
        nested[name] = value
    return nested


def fill(template: str, params: Mapping[str, object], language: str = DEFAULT_LANGUAGE) -> str:
    """``template`` with its placeholders filled from ``params``.

    A placeholder without a value stays as it is written, ``{name}``: a message
    with a hole is still better than an exception while reporting another one.
    The English templates quote text with ``!r`` or ``!a`` where it may hold
    invisible characters; a translation quotes it the language's way (« … »),
    so in a translation every text value is first made printable, its invisible
    characters written as escapes (``\\x00``), as ``repr`` would.
    """
    if language == DEFAULT_LANGUAGE:
        return template.format_map(_Holes(params))
    return template.format_map(_Holes({k: _printable(v) for k, v in params.items()}))


class Verbatim(str):
    """Text already written for the language (a message inside a message).

    :func:`fill` puts it in as it is: its no-break spaces are typography, not
    invisible characters that came from outside.
    """

    __slots__ = ()


class Said(str):
    """English text that keeps its template's key and params, to be said again.

    For text that travels as a plain string (the ``detail`` a record source
    gives of an answer): it reads as its English rendering wherever a string
    is expected, and :meth:`render` writes it in another language.
    """

    key: str
    params: Mapping[str, object]

    def __new__(cls, key: str, params: Mapping[str, object], /) -> Said:
        said = super().__new__(cls, render(key, params))
        said.key = key
        said.params = MappingProxyType(dict(params))
        return said

    def render(self, lang: str | None = None) -> str:
        """The text in ``lang`` (``None`` is English)."""
        return render(self.key, self.params, lang)

    def __reduce__(self) -> tuple[object, ...]:
        return (Said, (self.key, dict(self.params)))


def _printable(value: object) -> object:
    if isinstance(value, str) and not isinstance(value, Verbatim) and not value.isprintable():
        return repr(value)[1:-1]
    return value


class _Holes(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
