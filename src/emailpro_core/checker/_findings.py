"""The checker's results: statuses, findings and fixes.

Each finding of a check has a stable dotted ``code`` (``mx.foreign``), a
:class:`Status`, a message for humans, the expected and observed records as zone
lines, the :class:`FixLine` values that repair it, and for ``UNKNOWN`` the DNS
cause; the findings of a domain make its
:class:`~emailpro_core.checker.Diagnosis` (``_diagnosis.py``).

A finding that no zone change can repair says why in ``fix_reason``:

>>> weak = Finding(
...     Check.DKIM, Status.WARNING, "dkim.key_weak", "a 1024-bit key", "s._domainkey.example.org.",
...     fix_reason="the provider holds the key: ask it for a new selector",
... )
>>> print(weak.to_text())
WARNING dkim.key_weak: a 1024-bit key
  no fix: the provider holds the key: ask it for a new selector
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from ..i18n import _catalog
from ..i18n._catalog import normalize_language
from ._phrases import _frozen, fill, from_json, is_plain, label, localized, to_json

#: The cause of an ``UNKNOWN`` finding whose check ran out of time. Other causes
#: are the values of :class:`~emailpro_core.sources.FailureCause`.
DEADLINE = "deadline"
#: The version of the :meth:`Diagnosis.to_dict` schema (docs/checker.md). It rises
#: when a key changes meaning or goes away; a new key does not change it.
SCHEMA_VERSION = 1


class Status(enum.Enum):
    """The outcome of one finding, from best to worst (see :attr:`severity`)."""

    OK = "ok"  # checked and right (or a note that needs no change)
    SKIPPED = "skipped"  # not checked: an offline source cannot know, or nothing to check
    WARNING = "warning"  # works, but should change
    UNKNOWN = "unknown"  # the DNS did not answer: nothing can be concluded
    ERROR = "error"  # wrong: the service does not work as it should

    @property
    def severity(self) -> int:
        """0 (``OK``) to 4 (``ERROR``); ``Diagnosis.worst`` is the highest."""
        return _SEVERITY[self]


_SEVERITY = MappingProxyType({status: rank for rank, status in enumerate(Status)})


class Check(enum.Enum):
    """What a finding is about; values are the names used in the renderings."""

    DOMAIN = "domain"  # the domain exists and its nameservers answer
    MX = "mx"
    SPF = "spf"
    AUTODISCOVER = "autodiscover"  # the autodiscover SRV record and the autodiscover name
    OWNERSHIP = "ownership"  # the ownership-verification CNAME
    DKIM = "dkim"
    DMARC = "dmarc"
    RELAY = "relay"  # the relay host of a non-authoritative domain receives mail


class FixAction(enum.Enum):
    """What to do with a zone line."""

    ADD = "add"
    REMOVE = "remove"
    REPLACE = "replace"  # remove ``old``, add ``line``


@attrs.frozen
class FixLine:
    """One change to a zone: a master-file line (RFC 1035 §5.1) with an absolute owner name.

    Attributes:
        action: Add, remove, or replace.
        line: The line to add (for ``REPLACE``, the new line) or to remove.
        old: For ``REPLACE``, the line it replaces; empty otherwise.
    """

    action: FixAction
    line: str
    old: str = ""

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt through the class, as for Finding (see Finding.__reduce__).
        return (FixLine, (self.action, self.line, self.old))

    def to_text(self, lang: str | None = None) -> str:
        """The change on one line (two for a replacement), in a fixed-width layout.

        The action is a word of ``lang`` (English by default); the lines are zone
        lines, the same in every language.
        """
        return label(
            f"checker.fix.{self.action.value}", normalize_language(lang), **_fix_params(self)
        )

    def to_dict(self) -> dict[str, str]:
        """A JSON-ready view: ``{"action", "line"}`` (and ``"old"`` for a replacement)."""
        data = {"action": self.action.value, "line": self.line}
        if self.old:
            data["old"] = self.old
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, object], /) -> FixLine:
        """Read :meth:`to_dict`'s form back."""
        return cls(
            FixAction(_get(data, "action", str)),
            _get(data, "line", str),
            _get(data, "old", str, ""),
        )


def _fix_params(fix: FixLine) -> dict[str, object]:
    return {"line": fix.line, "old": fix.old}


def _lines(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _fixes(values: Iterable[FixLine]) -> tuple[FixLine, ...]:
    return tuple(values)


def _findings(values: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(values)


@attrs.frozen
class Finding:
    """One result of one check.

    The checker writes its findings with :func:`finding`: the message and the fix
    reason are catalog templates filled from ``params``, so :meth:`render` and
    :meth:`render_fix_reason` write them in any language emailpro_core speaks.

    Attributes:
        check: The check it belongs to.
        status: OK, WARNING, ERROR, UNKNOWN or SKIPPED.
        code: A stable dotted code (``mx.foreign``); documented in ``docs/checker.md``.
        message: A sentence for humans, in English; it may be reworded between releases.
        name: The DNS name the finding is about, absolute (``example.org.``).
        expected: The records the provider expects there, as zone lines.
        observed: The records found there, as zone lines.
        fix: The zone changes that repair it (empty when nothing is to change).
        cause: For ``UNKNOWN``, why the DNS gave no answer: a
            :class:`~emailpro_core.sources.FailureCause` value or ``"deadline"``;
            for ``SKIPPED``, why it was not checked (``"outside_zone"``).
        fix_reason: When a finding that is not ``OK`` has no fix lines, why no
            zone change can repair it and what to do instead (empty otherwise), in English.
        params: The data behind the message and the fix reason (names, counts,
            causes; a part of the sentence chosen by the check, or a parser's
            violations, which render in the language asked for). Keys may be
            added between releases, never renamed or removed.
        variant: Which wording of the code the message is, when a code has
            several (``""`` for its only or main one).
        fix_reason_key: The catalog key of the fix reason (``""`` when there is
            none, or when it was written by hand).
    """

    check: Check
    status: Status
    code: str
    message: str
    name: str
    expected: tuple[str, ...] = attrs.field(default=(), converter=_lines)
    observed: tuple[str, ...] = attrs.field(default=(), converter=_lines)
    fix: tuple[FixLine, ...] = attrs.field(default=(), converter=_fixes)
    cause: str | None = None
    fix_reason: str = ""
    # Not compared: a finding is what its code, its English message and its
    # records say; the params are the data that message was made from.
    params: Mapping[str, object] = attrs.field(
        factory=dict, converter=_frozen, kw_only=True, eq=False, repr=lambda p: repr(dict(p))
    )
    variant: str = attrs.field(default="", kw_only=True, eq=False)
    fix_reason_key: str = attrs.field(default="", kw_only=True, eq=False)

    def __reduce__(self) -> tuple[Any, ...]:
        # Diagnoses cross processes in bulk (check_domains_parallel): rebuilt
        # through the class (or a function) from positional values, a finding
        # pickles in about half the time attrs' field-by-field state takes
        # (measured in docs/performance.md). MappingProxyType does not pickle:
        # the params go as a plain dict.
        values = (
            self.check,
            self.status,
            self.code,
            self.message,
            self.name,
            self.expected,
            self.observed,
            self.fix,
            self.cause,
            self.fix_reason,
        )
        if not (self.params or self.variant or self.fix_reason_key):
            return (Finding, values)  # a finding written by hand: the class itself
        return (_rebuild_finding, (*values, dict(self.params), self.variant, self.fix_reason_key))

    @property
    def key(self) -> str:
        """The catalog key of the message: ``finding.<code>``, or ``finding.<code>:<variant>``.

        A finding and a violation may share a code (the finding that reports a
        parser's violation): the finding's sentences are kept apart by the
        prefix (see :func:`message_key`).
        """
        return message_key(self.code, self.variant)

    def render(self, lang: str | None = None) -> str:
        """The message in ``lang`` (``"en"``, ``"fr"``; ``None`` is English).

        A finding written by hand, whose message is not its template's, keeps
        its own message in every language.

        Raises:
            ValueError: a language emailpro_core does not write.
        """
        return self._render(self.key, self.message, normalize_language(lang))

    def render_fix_reason(self, lang: str | None = None) -> str:
        """The fix reason in ``lang`` (empty when there is none).

        Raises:
            ValueError: a language emailpro_core does not write.
        """
        language = normalize_language(lang)
        if not self.fix_reason_key:
            return self.fix_reason
        return self._render(self.fix_reason_key, self.fix_reason, language)

    def _render(self, key: str, english: str, language: str) -> str:
        if language == _catalog.DEFAULT_LANGUAGE:
            return english
        template = _catalog.registered_template(key)
        if template is None or _english(key, self.params) != english:
            return english
        return fill(_catalog.translate(key, template, language), self.params, language)

    def to_dict(self, lang: str | None = None) -> dict[str, object]:
        """A JSON-ready view with stable keys; :meth:`from_dict` reads it back.

        ``message`` and ``fix_reason`` are in ``lang`` (English by default); the
        codes and ``params`` are the same in every language.
        """
        language = normalize_language(lang)
        return {
            "check": self.check.value,
            "status": self.status.value,
            "code": self.code,
            "message": self.render(language),
            "name": self.name,
            "expected": list(self.expected),
            "observed": list(self.observed),
            "fix": [line.to_dict() for line in self.fix],
            "cause": self.cause,
            "fix_reason": self.render_fix_reason(language),
            "params": {key: to_json(value) for key, value in self.params.items()},
            "variant": self.variant,
            "fix_reason_key": self.fix_reason_key,
        }

    def to_text(self, lang: str | None = None) -> str:
        """The status, code and message, then each fix line (or why there is none)."""
        language = normalize_language(lang)
        lines = [f"{self.status.name} {self.code}: {self.render(language)}"]
        lines.extend("  " + fix.to_text(language).replace("\n", "\n  ") for fix in self.fix)
        if not self.fix and self.fix_reason:
            reason = self.render_fix_reason(language)
            lines.append("  " + label("checker.no_fix", language, reason=reason))
        return "\n".join(lines)

    @classmethod
    def from_dict(cls, data: Mapping[str, object], /) -> Finding:
        """Read :meth:`to_dict`'s form back (``params`` and the keys after it may be absent).

        The message and fix reason are read as written: a document written in
        French reads back with French ones (its codes and params are the same).

        Raises:
            ValueError: a key is missing or a value is not one the checker writes.
            TypeError: ``data`` is not a mapping.
        """
        cause = _mapping(data).get("cause")
        if cause is not None and not isinstance(cause, str):
            raise ValueError(f"a finding's cause is a string or null, not {cause!r}")
        params = _get(data, "params", Mapping, {})
        return cls(
            Check(_get(data, "check", str)),
            Status(_get(data, "status", str)),
            _get(data, "code", str),
            _get(data, "message", str),
            _get(data, "name", str),
            expected=_get_strings(data, "expected"),
            observed=_get_strings(data, "observed"),
            fix=tuple(FixLine.from_dict(item) for item in _get(data, "fix", list, [])),
            cause=cause,
            fix_reason=_get(data, "fix_reason", str, ""),
            params={str(key): from_json(value) for key, value in params.items()},
            variant=_get(data, "variant", str, ""),
            fix_reason_key=_get(data, "fix_reason_key", str, ""),
        )


def _rebuild_finding(
    check: Check,
    status: Status,
    code: str,
    message: str,
    name: str,
    expected: tuple[str, ...],
    observed: tuple[str, ...],
    fix: tuple[FixLine, ...],
    cause: str | None,
    reason: str,
    params: dict[str, object],
    variant: str,
    reason_key: str,
    /,
) -> Finding:
    return Finding(
        check,
        status,
        code,
        message,
        name,
        expected,
        observed,
        fix,
        cause,
        reason,
        params=params,
        variant=variant,
        fix_reason_key=reason_key,
    )


def message_key(code: str, variant: str = "", /) -> str:
    """The catalog key of a finding's message: ``finding.<code>[:<variant>]``.

    A finding that relays a parser's violation under the violation's code (a
    DMARC warning, the strength of a DKIM key) has a wording shared by all
    those codes: its variant is dotted (``dmarc.warning``) and is the key
    itself, ``finding.dmarc.warning``.
    """
    if "." in variant:
        return f"finding.{variant}"
    return f"finding.{code}:{variant}" if variant else f"finding.{code}"


def _english(key: str, params: Mapping[str, object]) -> str:
    template = _catalog._TEMPLATES[key]
    if is_plain(params):
        try:
            return template.format_map(params)
        except KeyError:  # a hole: shown as it is written, by fill()
            return _catalog.fill(template, params)
    return _catalog.fill(template, localized(params, _catalog.DEFAULT_LANGUAGE))


def _mapping(value: object) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise TypeError(f"expected a mapping, not {type(value).__name__}")
    return value


def _get(data: Mapping[str, object], key: str, kind: type[Any], *default: Any) -> Any:
    if not isinstance(data, Mapping):
        raise TypeError(f"expected a mapping, not {type(data).__name__}")
    if key not in data:
        if default:
            return default[0]
        raise ValueError(f"the key {key!r} is missing")
    value = data[key]
    if not isinstance(value, kind):
        raise ValueError(f"{key!r} must be a {kind.__name__}, not {type(value).__name__}")
    return value


def _get_strings(data: Mapping[str, object], key: str) -> tuple[str, ...]:
    values = _get(data, key, list, [])
    if not all(isinstance(v, str) for v in values):
        raise ValueError(f"{key!r} must be a list of strings")
    return tuple(values)
