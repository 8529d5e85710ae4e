"""The diagnosis of a domain: the findings of every check, and what they add up to.

A :class:`Diagnosis` holds one or more :class:`~emailpro_core.checker.Finding` per
:class:`~emailpro_core.checker.Check`.

>>> from emailpro_core.checker import Check, Finding, FixAction, FixLine, Status
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
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import attrs

from ..i18n._catalog import normalize_language
from ._findings import (
    _SEVERITY,
    SCHEMA_VERSION,
    Check,
    Finding,
    FixLine,
    Status,
    _findings,
    _get,
    _mapping,
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

    def to_text(self, lang: str | None = None) -> str:
        """A heading with the overall :attr:`status`, then one line per check.

        A line shows the check, its worst status and that finding's code and
        message (in ``lang``, English by default); ``(+N: codes)`` lists the
        check's other findings.
        """
        language = normalize_language(lang)
        lines = [f"{self.domain}: {self.status.name}"]
        for check in Check:
            found = sorted(self.of(check), key=lambda f: -_severity(f.status))
            if not found:
                continue
            first = found[0]
            message = first.render(language)
            line = f"  {check.value:<12} {first.status.name:<8} {first.code}: {message}"
            if len(found) > 1:
                line += f" (+{len(found) - 1}: {', '.join(f.code for f in found[1:])})"
            lines.append(line)
        return "\n".join(lines)

    def fix_text(self, lang: str | None = None) -> str:
        """Every fix as text, one change per line (empty when nothing is to change)."""
        language = normalize_language(lang)
        return "\n".join(line.to_text(language) for line in self.fix)

    def to_dict(self, lang: str | None = None) -> dict[str, object]:
        """A JSON-ready view: ``{"version", "domain", "status", "ok", "worst", "findings"}``.

        The messages are in ``lang`` (English by default); see :meth:`Finding.to_dict`.
        """
        language = normalize_language(lang)
        return {
            "version": SCHEMA_VERSION,
            "domain": self.domain,
            "status": self.status.value,
            "ok": self.ok,
            "worst": self.worst.value,
            "findings": [f.to_dict(language) for f in self.findings],
        }

    def to_json(self, *, indent: int | None = None, lang: str | None = None) -> str:
        """:meth:`to_dict` as JSON (one line unless ``indent`` is given)."""
        return json.dumps(self.to_dict(lang), ensure_ascii=False, indent=indent)

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
