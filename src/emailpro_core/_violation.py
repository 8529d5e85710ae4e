"""Violations: one broken rule each, with a stable code, params and a message in any language.

:class:`Violation` is re-exported by :mod:`emailpro_core.errors`, its public home.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from .i18n import _catalog


def _freeze_params(params: Mapping[str, object] | None) -> Mapping[str, object]:
    # A read-only view of a private copy: the caller's dict can change later
    # without changing the violation, and nobody can mutate it through us.
    return MappingProxyType(dict(params or {}))


def _causes(value: Iterable[Violation]) -> tuple[Violation, ...]:
    return tuple(value)


@attrs.frozen(eq=False)
class Violation:
    """One broken rule.

    Attributes:
        code: A stable, dotted identifier (``login.too_short``). Programs and
            tests compare codes; they never change once released.
        message: A sentence for humans. It may be reworded between releases.
        params: The data behind the message (limits, the offending character,
            its position). Never a secret: a password never appears here.
        variant: Which wording of the code the message is, when a code has
            several (``""`` for its only or main one); with ``code`` and
            ``params`` it lets :meth:`render` write the message in another
            language.
        causes: The violations this one sums up, when it has any (a relay
            target that is not a valid host name carries the domain rules it
            breaks): its template's ``{causes}`` is their messages, each
            rendered in the language asked for.
    """

    code: str
    message: str
    params: Mapping[str, object] = attrs.field(factory=dict, converter=_freeze_params)
    variant: str = attrs.field(default="", kw_only=True)
    causes: tuple[Violation, ...] = attrs.field(default=(), kw_only=True, converter=_causes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Violation):
            return NotImplemented
        return (self.code, self.message, dict(self.params), self.variant) == (
            other.code,
            other.message,
            dict(other.params),
            other.variant,
        )

    def __hash__(self) -> int:
        return hash((self.code, self.message))

    def __reduce__(self) -> tuple[Any, ...]:
        # MappingProxyType does not pickle; rebuild from a plain dict.
        return (
            _rebuild_violation,
            (self.code, self.message, dict(self.params), self.variant, self.causes),
        )

    @property
    def key(self) -> str:
        """The catalog key of the message: ``code``, or ``code:variant``."""
        return f"{self.code}:{self.variant}" if self.variant else self.code

    def render(self, lang: str | None = None) -> str:
        """The message in ``lang`` (``"en"``, ``"fr"``; ``None`` is English).

        A violation made outside emailpro_core, whose code has no template in
        the catalog, keeps its own message in every language.

        Raises:
            ValueError: a language emailpro_core does not write.

        >>> from emailpro_core.naming import check_login
        >>> check_login("a")[0].render("fr")
        'un nom d’utilisateur compte au moins 2 caractères, et non 1'
        """
        language = _catalog.normalize_language(lang)
        if language == _catalog.DEFAULT_LANGUAGE:
            return self.message
        template = _catalog.registered_template(self.key)
        if template is None:
            return self.message
        translated = _catalog.translate(self.key, template, language)
        return _catalog.fill(translated, _with_causes(self.params, self.causes, language), language)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready view: ``{"code", "message", "params"}``."""
        return {"code": self.code, "message": self.message, "params": dict(self.params)}


def _rebuild_violation(
    code: str,
    message: str,
    params: dict[str, object],
    variant: str,
    causes: tuple[Violation, ...] = (),
) -> Violation:
    return Violation(code, message, params, variant=variant, causes=causes)


def _with_causes(
    params: Mapping[str, object], causes: tuple[Violation, ...], language: str
) -> Mapping[str, object]:
    if not causes:
        return params
    joined = _catalog.LIST_SEPARATORS[language].join(cause.render(language) for cause in causes)
    return {**params, "causes": _catalog.Verbatim(joined)}


def templated(
    code: str,
    params: Mapping[str, object] | None = None,
    /,
    *,
    variant: str = "",
    causes: Iterable[Violation] = (),
) -> Violation:
    """A violation whose message is the catalog's English template for its code.

    The library's own rules make their violations this way, so that
    :meth:`Violation.render` can write them in every language. ``causes`` are
    the violations it sums up, for a template with a ``{causes}`` placeholder.

    Raises:
        KeyError: no template is registered for ``code`` (and ``variant``).
    """
    values = dict(params or {})
    inner = tuple(causes)
    key = f"{code}:{variant}" if variant else code
    english = _catalog.render(key, _with_causes(values, inner, _catalog.DEFAULT_LANGUAGE))
    return Violation(code, english, values, variant=variant, causes=inner)
