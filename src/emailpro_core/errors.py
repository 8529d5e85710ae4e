"""Violations and the exception hierarchy.

Every rule in emailpro_core reports what is wrong as :class:`Violation` values: a
stable ``code`` that programs compare, a ``message`` for humans, and ``params``
with the data behind it (the offending character, its position, a limit).
``check_*`` functions return them all at once; ``validate_*`` functions raise one
:class:`ValidationError` that carries them all.

>>> v = Violation("login.too_short", "a login has at least 2 characters", {"minimum": 2})
>>> v.code
'login.too_short'
>>> err = InvalidLogin((v,))
>>> err.codes
('login.too_short',)
>>> isinstance(err, ValueError)
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from .i18n import _catalog

__all__ = [
    "AuthoritativeDomainDetected",
    "DomainOutsideZone",
    "EmailProError",
    "InvalidApiObject",
    "InvalidDomain",
    "InvalidLogin",
    "InvalidMode",
    "InvalidPassword",
    "InvalidRelayTarget",
    "InvalidSetup",
    "RoutingError",
    "SourceDataError",
    "ValidationError",
    "Violation",
    "ZoneFileError",
    "require_str",
]


def _freeze_params(params: Mapping[str, object] | None) -> Mapping[str, object]:
    # A read-only view of a private copy: the caller's dict can change later
    # without changing the violation, and nobody can mutate it through us.
    return MappingProxyType(dict(params or {}))


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
    """

    code: str
    message: str
    params: Mapping[str, object] = attrs.field(factory=dict, converter=_freeze_params)
    variant: str = attrs.field(default="", kw_only=True)

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
        return (_rebuild_violation, (self.code, self.message, dict(self.params), self.variant))

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
        return _catalog.fill(translated, self.params, language)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready view: ``{"code", "message", "params"}``."""
        return {"code": self.code, "message": self.message, "params": dict(self.params)}


def _rebuild_violation(
    code: str, message: str, params: dict[str, object], variant: str
) -> Violation:
    return Violation(code, message, params, variant=variant)


def templated(
    code: str, params: Mapping[str, object] | None = None, /, *, variant: str = ""
) -> Violation:
    """A violation whose message is the catalog's English template for its code.

    The library's own rules make their violations this way, so that
    :meth:`Violation.render` can write them in every language.

    Raises:
        KeyError: no template is registered for ``code`` (and ``variant``).
    """
    values = dict(params or {})
    key = f"{code}:{variant}" if variant else code
    return Violation(code, _catalog.render(key, values), values, variant=variant)


class EmailProError(Exception):
    """The root of every exception emailpro_core raises on purpose."""


class ValidationError(EmailProError, ValueError):
    """Input broke one or more rules; ``violations`` lists them all."""

    def __init__(self, violations: Iterable[Violation], subject: str = "input") -> None:
        self.violations: tuple[Violation, ...] = tuple(violations)
        self.subject = subject
        super().__init__(self._summary())

    def _summary(self) -> str:
        if not self.violations:
            return f"invalid {self.subject}"
        details = "; ".join(f"{v.message} [{v.code}]" for v in self.violations)
        return f"invalid {self.subject}: {details}"

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes of the violations, in order."""
        return tuple(v.code for v in self.violations)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.violations, self.subject))


class InvalidDomain(ValidationError):
    """A domain name broke the domain rules."""

    def __init__(self, violations: Iterable[Violation], subject: str = "domain name") -> None:
        super().__init__(violations, subject)


class InvalidLogin(ValidationError):
    """An account login broke the login policy."""

    def __init__(self, violations: Iterable[Violation], subject: str = "login") -> None:
        super().__init__(violations, subject)


class InvalidPassword(ValidationError):
    """A password broke the password policy (the password itself is never shown)."""

    def __init__(self, violations: Iterable[Violation], subject: str = "password") -> None:
        super().__init__(violations, subject)


class AuthoritativeDomainDetected(EmailProError):
    """A domain is held authoritatively on another platform.

    The control panel's "authoritative domain detected" (guide D-EP1, D-ADD): both
    platforms must hold the domain in non-authoritative mode to coexist.
    """

    def __init__(self, domain: str, other_platform: str) -> None:
        self.domain = domain
        self.other_platform = other_platform
        super().__init__(
            f"authoritative domain detected: {domain} is held by platform "
            f"{other_platform!r}; both platforms must hold it in non-authoritative "
            "mode to coexist"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.domain, self.other_platform))


def require_str(value: object, what: str) -> str:
    """Return ``value`` if it is a ``str``; raise a clear ``TypeError`` otherwise."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    return value


class SourceDataError(EmailProError, ValueError):
    """Records given to an offline source cannot be read (bad type, bad value)."""


class ZoneFileError(SourceDataError):
    """A zone file or zone text cannot be read.

    Attributes:
        source: The file path, or ``"<text>"`` for zone text.
        line: The line dnspython pointed at, when it did (for a record whose
            data is wrong, it may be the line after it: the record's end had
            been read).
        problem: What is wrong, in dnspython's words.
    """

    def __init__(self, source: str, problem: str, line: int | None = None) -> None:
        self.source = source
        self.problem = problem
        self.line = line
        # A name that cannot be printed as it is (a NUL, a lone surrogate) is
        # shown quoted, with escapes: a message must never carry such characters.
        name = source if source.isprintable() else repr(source)
        where = name if line is None else f"{name}, near line {line}"
        super().__init__(f"cannot read the zone {where}: {problem}")

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.source, self.problem, self.line))


class DomainOutsideZone(EmailProError, ValueError):
    """A domain is checked over zones of which none holds it, and nothing else answers.

    Every name of the domain would be outside the records the source holds, so
    every check would be ``SKIPPED``: a diagnosis that reads as "nothing wrong".

    Attributes:
        domain: The domain checked (A-labels, no trailing dot).
        zones: The apex of each zone asked, in the order they answer.
    """

    def __init__(self, domain: str, zones: tuple[str, ...]) -> None:
        self.domain = domain
        self.zones = tuple(zones)
        shown = ", ".join(zone or "." for zone in self.zones)
        if len(self.zones) == 1:
            super().__init__(f"{domain} is not in the zone {shown}")
        else:
            super().__init__(f"{domain} is in none of the zones {shown}")

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.domain, self.zones))


class InvalidMode(ValidationError):
    """A string is not a spelling of a domain mode (code ``mode.unknown``)."""

    def __init__(self, violations: tuple[Violation, ...], subject: str = "domain mode") -> None:
        super().__init__(violations, subject)


class InvalidRelayTarget(ValidationError):
    """A relay target (``mxRelay``) broke the relay rules; codes ``relay.*``."""

    def __init__(self, violations: Iterable[Violation], subject: str = "relay target") -> None:
        super().__init__(violations, subject)


class RoutingError(ValidationError):
    """A platform or topology change contradicts what is already there.

    Codes ``platform.*`` and ``topology.*``. A domain held authoritatively elsewhere
    raises :class:`~emailpro_core.errors.AuthoritativeDomainDetected` instead.
    """

    def __init__(self, violations: Iterable[Violation], subject: str = "routing change") -> None:
        super().__init__(violations, subject)


class InvalidSetup(ValidationError):
    """A domain setup contradicts itself or the profile; ``violations`` lists every rule."""

    def __init__(self, violations: Iterable[Violation], subject: str = "domain setup") -> None:
        super().__init__(violations, subject)


class InvalidApiObject(ValidationError):
    """An object of the provider's API (its JSON, as the API returns it) cannot be used.

    Every problem is listed: ``api.*`` codes for the object's shape (a missing key,
    a value of the wrong JSON type, an unknown enum value, objects that disagree),
    and a rule's own code (``relay.loop``, ``domain.empty_label``,
    ``password_policy.min_length_out_of_range``) for a value that breaks it. Each
    violation's params hold the JSON ``path`` of the value (``domain.mxRelay``,
    ``dkim[1].selectorName``).
    """

    def __init__(self, violations: Iterable[Violation], subject: str = "API object") -> None:
        super().__init__(violations, subject)

    def _summary(self) -> str:
        # A rule's own message does not name the key it was read from: the path leads it.
        if not self.violations:
            return super()._summary()
        parts = []
        for v in self.violations:
            path = v.params.get("path")
            lead = "" if v.code.startswith("api.") or path is None else f"{path}: "
            parts.append(f"{lead}{v.message} [{v.code}]")
        return f"invalid {self.subject}: " + "; ".join(parts)
