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

from ._violation import Violation
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


class EmailProError(Exception):
    """The root of every exception emailpro_core raises on purpose."""


#: The English templates of the exceptions' own sentences, and the subjects a
#: validation error names (``subject.<subject, spaces as _>``); the French is
#: in the package's gettext catalog.
MESSAGES = _catalog.register(
    {
        "validation.invalid": "invalid {subject}: {details}",
        "validation.at_path": "{path}: {detail}",
        "validation.invalid:nothing": "invalid {subject}",
        "subject.input": "input",
        "subject.domain_name": "domain name",
        "subject.login": "login",
        "subject.password": "password",
        "subject.password_policy": "password policy",
        "subject.address": "address",
        "subject.service_name": "service name",
        "subject.domain_mode": "domain mode",
        "subject.relay_target": "relay target",
        "subject.routing_change": "routing change",
        "subject.domain_setup": "domain setup",
        "subject.server_number": "server number",
        "subject.display_name": "display name",
        "subject.display_short_name": "display short name",
        "subject.example_name": "example name",
        "subject.API_object": "API object",
        "topology.authoritative_domain_detected": (
            "authoritative domain detected: {domain} is held by platform {platform!r}; both "
            "platforms must hold it in non-authoritative mode to coexist"
        ),
        "zone_file.unreadable": "cannot read the zone {name}: {problem}",
        "zone_file.unreadable:line": "cannot read the zone {name}, near line {line}: {problem}",
        "zone.domain_outside:one": "{domain} is not in the zone {zones}",
        "zone.domain_outside:many": "{domain} is in none of the zones {zones}",
    }
)


def subject_text(subject: str, lang: str | None = None) -> str:
    """What a validation error is about (``"domain name"``), in ``lang``.

    A subject with no catalog entry (one a caller made up) is kept as it is.
    """
    key = "subject." + subject.replace(" ", "_")
    if _catalog.registered_template(key) != subject:
        return subject
    return _catalog.render(key, {}, lang)


class ValidationError(EmailProError, ValueError):
    """Input broke one or more rules; ``violations`` lists them all.

    ``str()`` is the English summary, for logs; :meth:`render` writes it in a
    language.
    """

    def __init__(self, violations: Iterable[Violation], subject: str = "input") -> None:
        self.violations: tuple[Violation, ...] = tuple(violations)
        self.subject = subject
        super().__init__(self.render())

    def render(self, lang: str | None = None) -> str:
        """The summary, ``invalid <subject>: <each violation> [<code>]``, in ``lang``.

        Raises:
            ValueError: a language emailpro_core does not write.

        >>> from emailpro_core.naming import check_login
        >>> InvalidLogin(check_login("")).render("fr")
        'nom d’utilisateur invalide\xa0: le nom d’utilisateur est vide [login.empty]'
        """
        language = _catalog.normalize_language(lang)
        subject = _catalog.Verbatim(subject_text(self.subject, language))
        if not self.violations:
            return _catalog.render("validation.invalid:nothing", {"subject": subject}, language)
        details = _catalog.Verbatim(
            _catalog.LIST_SEPARATORS[language].join(
                self._detail(v, language) for v in self.violations
            )
        )
        return _catalog.render(
            "validation.invalid", {"subject": subject, "details": details}, language
        )

    def _detail(self, violation: Violation, language: str) -> str:
        # One violation of the summary: its message and its code.
        return f"{violation.render(language)} [{violation.code}]"

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

    Attributes:
        code: ``topology.authoritative_domain_detected``.
        params: ``domain`` and ``platform`` (the other platform's name).
    """

    code = "topology.authoritative_domain_detected"

    def __init__(self, domain: str, other_platform: str) -> None:
        self.domain = domain
        self.other_platform = other_platform
        self.params: Mapping[str, object] = MappingProxyType(
            {"domain": domain, "platform": other_platform}
        )
        super().__init__(self.render())

    def render(self, lang: str | None = None) -> str:
        """The message in ``lang`` (``str()`` is the English one)."""
        return _catalog.render(self.code, self.params, lang)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.domain, self.other_platform))


def require_str(value: object, what: str) -> str:
    """Return ``value`` if it is a ``str``; raise a clear ``TypeError`` otherwise."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    return value


class SourceDataError(EmailProError, ValueError):
    """Records given to an offline source cannot be read (bad type, bad value).

    Attributes:
        key: The catalog key of the message when emailpro_core wrote it
            (:meth:`templated`), else ``None`` (then :meth:`render` is ``str()``).
        params: The data behind the message.
    """

    key: str | None = None
    params: Mapping[str, object] = MappingProxyType({})

    @classmethod
    def templated(cls, key: str, params: Mapping[str, object], /) -> SourceDataError:
        """The error whose message is the catalog's template ``key``, filled from ``params``.

        Raises:
            KeyError: no template is registered under ``key``.
        """
        error = cls(_catalog.render(key, params))
        error.key = key
        error.params = MappingProxyType(dict(params))
        return error

    def render(self, lang: str | None = None) -> str:
        """The message in ``lang`` (``str()`` is the English one).

        Raises:
            ValueError: a language emailpro_core does not write.
        """
        language = _catalog.normalize_language(lang)
        if self.key is None:
            return str(self)
        return _catalog.render(self.key, self.params, language)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_source_error, (type(self), self.args, self.key, dict(self.params)))


def _rebuild_source_error(
    cls: type[SourceDataError],
    args: tuple[object, ...],
    key: str | None,
    params: dict[str, object],
) -> SourceDataError:
    error = cls(*args)
    if key is not None:
        error.key = key
        error.params = MappingProxyType(params)
    return error


class ZoneFileError(SourceDataError):
    """A zone file or zone text cannot be read.

    Attributes:
        source: The file path, or ``"<text>"`` for zone text.
        line: The line dnspython pointed at, when it did (for a record whose
            data is wrong, it may be the line after it: the record's end had
            been read).
        problem: What is wrong, in dnspython's words (or the system's, or
            emailpro_core's).
        reason: The catalog key of ``problem`` when emailpro_core wrote it
            (``zone_file.no_origin``, ``input_file.too_large``…), so that
            :meth:`render` writes it in the language too; ``None`` when the
            words are dnspython's or the system's, which stay as they are.
        reason_params: The data behind ``reason``.
    """

    def __init__(
        self,
        source: str,
        problem: str,
        line: int | None = None,
        *,
        reason: str | None = None,
        reason_params: Mapping[str, object] | None = None,
    ) -> None:
        self.source = source
        self.problem = problem
        self.line = line
        self.reason = reason
        self.reason_params: Mapping[str, object] = MappingProxyType(dict(reason_params or {}))
        # A name that cannot be printed as it is (a NUL, a lone surrogate) is
        # shown quoted, with escapes: a message must never carry such characters.
        name = source if source.isprintable() else repr(source)
        self.key = "zone_file.unreadable" if line is None else "zone_file.unreadable:line"
        self.params = MappingProxyType({"name": name, "line": line, "problem": problem})
        super().__init__(_catalog.render(self.key, self.params))

    def render(self, lang: str | None = None) -> str:
        """The message in ``lang``; ``problem`` too when emailpro_core wrote it."""
        language = _catalog.normalize_language(lang)
        params = dict(self.params)
        if self.reason is not None:
            problem = _catalog.render(self.reason, self.reason_params, language)
            params["problem"] = _catalog.Verbatim(problem)
        return _catalog.render(str(self.key), params, language)

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild_zone_error,
            (self.source, self.problem, self.line, self.reason, dict(self.reason_params)),
        )


def _rebuild_zone_error(
    source: str,
    problem: str,
    line: int | None,
    reason: str | None,
    reason_params: dict[str, object],
) -> ZoneFileError:
    return ZoneFileError(source, problem, line, reason=reason, reason_params=reason_params)


class DomainOutsideZone(EmailProError, ValueError):
    """A domain is checked over zones of which none holds it, and nothing else answers.

    Every name of the domain would be outside the records the source holds, so
    every check would be ``SKIPPED``: a diagnosis that reads as "nothing wrong".

    Attributes:
        domain: The domain checked (A-labels, no trailing dot).
        zones: The apex of each zone asked, in the order they answer.
        code: ``zone.domain_outside``.
        params: ``domain``, and ``zones`` as the message lists them.
    """

    code = "zone.domain_outside"

    def __init__(self, domain: str, zones: tuple[str, ...]) -> None:
        self.domain = domain
        self.zones = tuple(zones)
        shown = ", ".join(zone or "." for zone in self.zones)
        self.params: Mapping[str, object] = MappingProxyType({"domain": domain, "zones": shown})
        super().__init__(self.render())

    def render(self, lang: str | None = None) -> str:
        """The message in ``lang`` (``str()`` is the English one)."""
        variant = "one" if len(self.zones) == 1 else "many"
        return _catalog.render(f"{self.code}:{variant}", self.params, lang)

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

    def _detail(self, violation: Violation, language: str) -> str:
        # A rule's own message does not name the key it was read from: the path leads it
        # (the api.* messages name it themselves).
        detail = super()._detail(violation, language)
        path = violation.params.get("path")
        if violation.code.startswith("api.") or path is None:
            return detail
        params = {"path": path, "detail": _catalog.Verbatim(detail)}
        return _catalog.render("validation.at_path", params, language)
