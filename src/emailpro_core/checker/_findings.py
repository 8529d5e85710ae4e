"""The checker's results: statuses, findings, fixes and the diagnosis of a domain.

A :class:`Diagnosis` holds one or more :class:`Finding` per :class:`Check`. Each
finding has a stable dotted ``code`` (``mx.foreign``), a :class:`Status`, a
message for humans, the expected and observed records as zone lines, the
:class:`FixLine` values that repair it, and for ``UNKNOWN`` the DNS cause.

>>> ok = Finding(Check.MX, Status.OK, "mx.ok", "the MX records are right", "example.org.")
>>> bad = Finding(
...     Check.SPF, Status.ERROR, "spf.missing", "no SPF record", "example.org.",
...     fix=(FixLine(FixAction.ADD, 'example.org. 3600 IN TXT "v=spf1 include:mx.ovh.com ~all"'),),
... )
>>> diagnosis = Diagnosis("example.org", (ok, bad))
>>> diagnosis.ok, diagnosis.worst
(False, <Status.ERROR: 'error'>)
>>> print(diagnosis.to_text())
example.org: ERROR
  mx           OK       mx.ok: the MX records are right
  spf          ERROR    spf.missing: no SPF record
>>> print(diagnosis.fix_text())
add     example.org. 3600 IN TXT "v=spf1 include:mx.ovh.com ~all"
>>> Diagnosis.from_json(diagnosis.to_json()) == diagnosis
True

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
import json
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

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

    def to_text(self) -> str:
        """The change on one line (two for a replacement), in a fixed-width layout."""
        if self.action is FixAction.REPLACE:
            return f"replace {self.old}\n   with {self.line}"
        return f"{self.action.value:<7} {self.line}"

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


def _lines(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _fixes(values: Iterable[FixLine]) -> tuple[FixLine, ...]:
    return tuple(values)


def _findings(values: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(values)


@attrs.frozen
class Finding:
    """One result of one check.

    Attributes:
        check: The check it belongs to.
        status: OK, WARNING, ERROR, UNKNOWN or SKIPPED.
        code: A stable dotted code (``mx.foreign``); documented in ``docs/checker.md``.
        message: A sentence for humans; it may be reworded between releases.
        name: The DNS name the finding is about, absolute (``example.org.``).
        expected: The records the provider expects there, as zone lines.
        observed: The records found there, as zone lines.
        fix: The zone changes that repair it (empty when nothing is to change).
        cause: For ``UNKNOWN``, why the DNS gave no answer: a
            :class:`~emailpro_core.sources.FailureCause` value or ``"deadline"``;
            for ``SKIPPED``, why it was not checked (``"outside_zone"``).
        fix_reason: When a finding that is not ``OK`` has no fix lines, why no
            zone change can repair it and what to do instead (empty otherwise).
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

    def __reduce__(self) -> tuple[Any, ...]:
        # Diagnoses cross processes in bulk (check_domains_parallel): rebuilt
        # through the class, a finding pickles in about half the time attrs'
        # field-by-field state takes (measured in docs/performance.md).
        return (
            Finding,
            (
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
            ),
        )

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready view with stable keys; :meth:`from_dict` reads it back."""
        return {
            "check": self.check.value,
            "status": self.status.value,
            "code": self.code,
            "message": self.message,
            "name": self.name,
            "expected": list(self.expected),
            "observed": list(self.observed),
            "fix": [line.to_dict() for line in self.fix],
            "cause": self.cause,
            "fix_reason": self.fix_reason,
        }

    def to_text(self) -> str:
        """The status, code and message, then each fix line (or why there is none)."""
        lines = [f"{self.status.name} {self.code}: {self.message}"]
        lines.extend("  " + fix.to_text().replace("\n", "\n  ") for fix in self.fix)
        if not self.fix and self.fix_reason:
            lines.append(f"  no fix: {self.fix_reason}")
        return "\n".join(lines)

    @classmethod
    def from_dict(cls, data: Mapping[str, object], /) -> Finding:
        """Read :meth:`to_dict`'s form back.

        Raises:
            ValueError: a key is missing or a value is not one the checker writes.
            TypeError: ``data`` is not a mapping.
        """
        cause = _mapping(data).get("cause")
        if cause is not None and not isinstance(cause, str):
            raise ValueError(f"a finding's cause is a string or null, not {cause!r}")
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
        )


@attrs.frozen
class Diagnosis:
    """The findings of every check on one domain.

    Attributes:
        domain: The domain, as ASCII (A-labels), without a trailing dot.
        findings: Every finding, grouped by check in :class:`Check` order.
    """

    domain: str
    findings: tuple[Finding, ...] = attrs.field(converter=_findings)

    def __reduce__(self) -> tuple[Any, ...]:
        # As for Finding: through the class rather than attrs' state.
        return (Diagnosis, (self.domain, self.findings))

    @property
    def worst(self) -> Status:
        """The most severe status among the findings (``OK`` when there are none)."""
        return max((f.status for f in self.findings), key=_severity, default=Status.OK)

    @property
    def status(self) -> Status:
        """The overall status: the worst of the findings that were checked.

        ``SKIPPED`` findings are left aside (a check that could not run says
        nothing about the others); the status is ``SKIPPED`` only when every
        finding is, and ``OK`` when there is none. The command's headings and
        its JSON ``status`` show this one.
        """
        checked = [f.status for f in self.findings if f.status is not Status.SKIPPED]
        if not checked and self.findings:
            return Status.SKIPPED
        return max(checked, key=_severity, default=Status.OK)

    @property
    def ok(self) -> bool:
        """Whether nothing is wrong or unknown: no finding is ``ERROR`` or ``UNKNOWN``."""
        return _severity(self.worst) < _severity(Status.UNKNOWN)

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes of the findings, in order."""
        return tuple(f.code for f in self.findings)

    def of(self, check: Check, /) -> tuple[Finding, ...]:
        """The findings of one check."""
        return tuple(f for f in self.findings if f.check is check)

    def status_of(self, check: Check, /) -> Status | None:
        """The worst status of one check, or ``None`` when it has no finding."""
        found = self.of(check)
        return max((f.status for f in found), key=_severity) if found else None

    @property
    def fix(self) -> tuple[FixLine, ...]:
        """Every fix of every finding, in order, without repeats."""
        return tuple(dict.fromkeys(line for f in self.findings for line in f.fix))

    def to_text(self) -> str:
        """A heading with the overall :attr:`status`, then one line per check.

        A line shows the check, its worst status and that finding's code and
        message; ``(+N: codes)`` lists the check's other findings.
        """
        lines = [f"{self.domain}: {self.status.name}"]
        for check in Check:
            found = sorted(self.of(check), key=lambda f: -_severity(f.status))
            if not found:
                continue
            first = found[0]
            line = f"  {check.value:<12} {first.status.name:<8} {first.code}: {first.message}"
            if len(found) > 1:
                line += f" (+{len(found) - 1}: {', '.join(f.code for f in found[1:])})"
            lines.append(line)
        return "\n".join(lines)

    def fix_text(self) -> str:
        """Every fix as text, one change per line (empty when nothing is to change)."""
        return "\n".join(line.to_text() for line in self.fix)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready view: ``{"version", "domain", "status", "ok", "worst", "findings"}``."""
        return {
            "version": SCHEMA_VERSION,
            "domain": self.domain,
            "status": self.status.value,
            "ok": self.ok,
            "worst": self.worst.value,
            "findings": [f.to_dict() for f in self.findings],
        }

    def to_json(self, *, indent: int | None = None) -> str:
        """:meth:`to_dict` as JSON (one line unless ``indent`` is given)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: Mapping[str, object], /) -> Diagnosis:
        """Read :meth:`to_dict`'s form back (``status``, ``ok`` and ``worst`` are derived).

        A document without ``version`` is read as version 1.

        Raises:
            ValueError: a key is missing, a value is not one the checker writes,
                or the ``version`` is not one this release reads.
            TypeError: ``data`` is not a mapping.
        """
        version = _get(data, "version", int, SCHEMA_VERSION)
        if version != SCHEMA_VERSION or isinstance(version, bool):
            raise ValueError(f"version {version!r} is not one this release reads (1)")
        findings = _get(data, "findings", list)
        return cls(
            _get(data, "domain", str),
            tuple(Finding.from_dict(_mapping(item)) for item in findings),
        )

    @classmethod
    def from_json(cls, text: str, /) -> Diagnosis:
        """Read :meth:`to_json`'s output back.

        Raises:
            ValueError: the text is not JSON of that form.
        """
        return cls.from_dict(_mapping(json.loads(text)))


def _severity(status: Status) -> int:
    return _SEVERITY[status]


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
