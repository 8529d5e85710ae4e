"""DMARC policy records: the TXT record at ``_dmarc.<domain>``.

The implementation behind :mod:`emailpro_core.dmarc`, which re-exports its public names.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Callable
from typing import Any

import attrs

from .._violation import templated
from ..errors import Violation, require_str
from ..i18n._catalog import register
from ._values import (
    _TAG_NAME,
    _WHITESPACE,
    _BadValue,
    _choice,
    _failure_options,
    _formats,
    _number,
    _shown,
    _uri,
    _yes_no,
)

# RFC 9989 §4.8 and RFC 7489 §6.4: "v" equals %s"DMARC1" (the value is case-sensitive).
_VERSION = re.compile(r"[ \t\r\n]*[vV][ \t\r\n]*=[ \t\r\n]*DMARC1[ \t\r\n]*(;|$)")
_VALUE = re.compile(r"[\x20-\x3a\x3c-\x7e]+")  # dmarc-value: printable ASCII but ";"


class DmarcPolicy(enum.Enum):
    """The handling a domain asks for mail that fails DMARC (``p``, ``sp``, ``np``)."""

    NONE = "none"
    QUARANTINE = "quarantine"
    REJECT = "reject"


class DmarcAlignment(enum.Enum):
    """Identifier alignment mode (``adkim``, ``aspf``; RFC 9989 §4.4)."""

    RELAXED = "r"
    STRICT = "s"


class DmarcPsd(enum.Enum):
    """The ``psd`` flag (RFC 9989 §4.7): whether the domain is a public suffix domain."""

    YES = "y"
    NO = "n"
    UNKNOWN = "u"


@attrs.frozen
class DmarcRecord:
    """A DMARC policy record, with each absent tag at its default.

    Attributes:
        policy: ``p``. ``NONE`` also when ``p`` is missing or invalid but ``rua``
            holds a valid URI (RFC 7489 §6.6.3, RFC 9989 §4.10.1).
        subdomain_policy: ``sp`` as published, else ``None``.
        nonexistent_policy: ``np`` (RFC 9091, RFC 9989) as published, else ``None``.
        aggregate_uris: ``rua``, the valid URIs (an obsolete ``!size`` removed).
        failure_uris: ``ruf``, likewise.
        dkim_alignment: ``adkim``; relaxed by default.
        spf_alignment: ``aspf``; relaxed by default.
        failure_options: ``fo``, lower case, in order; ``("0",)`` by default.
        testing: ``t=y`` (RFC 9989 §4.7): the policy is not to be applied yet.
        psd: ``psd``; ``UNKNOWN`` by default.
        percent: ``pct`` (RFC 7489 §6.3; removed by RFC 9989); 100 by default.
        report_interval: ``ri`` in seconds (RFC 7489; removed by RFC 9989).
        report_formats: ``rf`` (RFC 7489; removed by RFC 9989), lower case.
    """

    policy: DmarcPolicy
    subdomain_policy: DmarcPolicy | None = None
    nonexistent_policy: DmarcPolicy | None = None
    aggregate_uris: tuple[str, ...] = ()
    failure_uris: tuple[str, ...] = ()
    dkim_alignment: DmarcAlignment = DmarcAlignment.RELAXED
    spf_alignment: DmarcAlignment = DmarcAlignment.RELAXED
    failure_options: tuple[str, ...] = ("0",)
    testing: bool = False
    psd: DmarcPsd = DmarcPsd.UNKNOWN
    percent: int = 100
    report_interval: int = 86400
    report_formats: tuple[str, ...] = ("afrf",)

    @property
    def effective_subdomain_policy(self) -> DmarcPolicy:
        """The policy for existing subdomains: ``sp``, else ``p`` (RFC 9989 §4.7)."""
        return self.subdomain_policy or self.policy

    @property
    def effective_nonexistent_policy(self) -> DmarcPolicy:
        """The policy for non-existent subdomains: ``np``, else ``sp``, else ``p``."""
        return self.nonexistent_policy or self.effective_subdomain_policy

    def to_text(self) -> str:
        """The record as TXT data: ``v`` and ``p`` first, then every non-default tag."""
        parts = ["v=DMARC1", f"p={self.policy.value}"]
        defaults = DmarcRecord(self.policy)
        for name, field in _FIELDS.items():
            value = getattr(self, field)
            if name != "p" and value != getattr(defaults, field):
                parts.append(f"{name}={_format(name, value)}")
        return "; ".join(parts)


def _format(name: str, value: object) -> str:
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, bool):  # t=
        return "y" if value else "n"
    if isinstance(value, tuple):
        return ("," if name in ("rua", "ruf") else ":").join(value)
    return str(value)


#: Tag name → DmarcRecord field, in the order of the fields (and of ``to_text``).
_FIELDS = dict(
    zip(
        ("p", "sp", "np", "rua", "ruf", "adkim", "aspf", "fo", "t", "psd", "pct", "ri", "rf"),
        (field.name for field in attrs.fields(DmarcRecord)),
        strict=True,
    )
)


@attrs.frozen
class DmarcParse:
    """The outcome of :func:`parse_dmarc`.

    Attributes:
        record: The record receivers act on, or ``None`` when the text is not a
            DMARC record or receivers apply no DMARC processing because of it
            (no usable policy and no valid ``rua``, RFC 9989 §4.10.1).
        errors: Error-level violations.
        warnings: Warning-level violations.
    """

    record: DmarcRecord | None
    errors: tuple[Violation, ...] = ()
    warnings: tuple[Violation, ...] = ()

    @property
    def violations(self) -> tuple[Violation, ...]:
        """Errors, then warnings."""
        return self.errors + self.warnings

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes of errors, then warnings."""
        return tuple(v.code for v in self.violations)


def is_dmarc_record(text: str, /) -> bool:
    """Whether a TXT value starts with ``v=DMARC1`` (the records RFC 9989 §4.10 keeps).

    >>> is_dmarc_record("v=DMARC1; p=none"), is_dmarc_record("v=spf1 -all")
    (True, False)
    """
    return _VERSION.match(require_str(text, "a DMARC record")) is not None


_POLICY = _choice(DmarcPolicy, "policy")
_ALIGNMENT = _choice(DmarcAlignment, "alignment")
_PARSERS: dict[str, Callable[[str], object]] = {
    "p": _POLICY,
    "sp": _POLICY,
    "np": _POLICY,
    "adkim": _ALIGNMENT,
    "aspf": _ALIGNMENT,
    "fo": _failure_options,
    "t": _yes_no,
    "psd": _choice(DmarcPsd, "psd"),
    "pct": _number(100, "pct"),
    "ri": _number(2**32 - 1, "ri"),
    "rf": _formats,
}
_POLICY_TAGS = ("p", "sp", "np")


#: The English templates of the record rules; the French is in the package's gettext
#: catalog. A bad value's ``{causes}`` is what its tag's grammar expects
#: (``dmarc.reason``).
MESSAGES = register(
    {
        "dmarc.syntax": "{text!r} is not a tag=value pair",
        "dmarc.duplicate_tag": "the tag {tag}= appears more than once; only the first counts",
        "dmarc.bad_value:uri": "{tag}=: {causes}",
        "dmarc.bad_value": "{tag}={value!r}: {causes}",
        "dmarc.bad_policy": "{tag}={value!r}: {causes}",
        "dmarc.unknown_tag": "the tag {tag}= is not a DMARC tag and is ignored",
        "dmarc.missing_policy:with_rua": "the record has no p= tag: receivers act as if p=none",
        "dmarc.missing_policy": (
            "the record has no p= tag and no valid rua=: receivers apply no DMARC processing"
        ),
        "dmarc.not_dmarc": "not a DMARC record: it must start with v=DMARC1",
        "dmarc.pct_ignored": (
            "pct={pct} is honoured by RFC 7489 receivers only; RFC 9989 receivers apply the "
            "policy to all failing mail (use t=y to test)"
        ),
    }
)


class _Collector:
    """Errors and warnings found so far."""

    def __init__(self) -> None:
        self.errors: list[Violation] = []
        self.warnings: list[Violation] = []
        self.bad_tags: set[str] = set()  # known tags whose value was invalid

    def error(self, code: str, variant: str = "", /, **params: object) -> None:
        self.errors.append(templated(code, params, variant=variant))

    def warn(self, code: str, variant: str = "", /, **params: object) -> None:
        self.warnings.append(templated(code, params, variant=variant))

    def bad_value(self, code: str, variant: str, bad: _BadValue, **params: object) -> None:
        self.errors.append(templated(code, params, variant=variant, causes=(bad.reason,)))


def _split(text: str, found: _Collector) -> list[tuple[str, str]]:
    """The (lower-case name, value) pairs after ``v=DMARC1``, first occurrence of each."""
    pairs: list[tuple[str, str]] = []
    seen = {"v"}  # the first part, v=DMARC1, was checked already
    for position, spec in enumerate(text.split(";")[1:], start=2):
        if not spec.strip(_WHITESPACE):
            continue  # empty between separators or after the last one: harmless
        name, equals, value = spec.partition("=")
        name, value = name.strip(_WHITESPACE), value.strip(_WHITESPACE)
        if not equals or not _TAG_NAME.fullmatch(name):
            found.error(
                "dmarc.syntax",
                position=position,
                spec=_shown(spec),
                text=_shown(spec.strip(_WHITESPACE)),
            )
            continue
        name = name.lower()  # RFC 7489 §6.4 ABNF: tag names are case-insensitive literals
        if name in seen:
            found.error(
                "dmarc.duplicate_tag",
                tag=name,
                position=position,
            )
            continue
        seen.add(name)
        pairs.append((name, value))
    return pairs


def _read_uris(name: str, value: str, found: _Collector) -> tuple[str, ...]:
    uris: list[str] = []
    for item in value.split(","):
        try:
            uris.append(_uri(item.strip(_WHITESPACE)))
        except _BadValue as bad:
            found.bad_value("dmarc.bad_value", "uri", bad, tag=name, value=_shown(item))
    return tuple(uris)


def _read_tags(pairs: list[tuple[str, str]], found: _Collector) -> dict[str, Any]:
    """Known tags converted to field values; bad values and unknown tags reported."""
    values: dict[str, Any] = {}
    for name, value in pairs:
        if name in ("rua", "ruf"):
            values[name] = _read_uris(name, value, found)
        elif name in _PARSERS:
            try:
                if not _VALUE.fullmatch(value):
                    raise _BadValue("not_printable")
                values[name] = _PARSERS[name](value)
            except _BadValue as bad:
                found.bad_tags.add(name)
                code = "dmarc.bad_policy" if name in _POLICY_TAGS else "dmarc.bad_value"
                found.bad_value(code, "", bad, tag=name, value=_shown(value))
        else:
            # RFC 9989 §4.7: unknown tags MUST be ignored.
            found.warn("dmarc.unknown_tag", tag=name)
    return values


def _policy_fallback(values: dict[str, Any], found: _Collector) -> bool:
    """Apply RFC 9989 §4.10.1 / RFC 7489 §6.6.3; ``False`` when no DMARC applies."""
    if "p" in values and not found.bad_tags.intersection(_POLICY_TAGS):
        return True
    has_rua = bool(values.get("rua"))
    if "p" not in values and "p" not in found.bad_tags:
        if has_rua:
            found.warn("dmarc.missing_policy", "with_rua")
        else:
            found.error("dmarc.missing_policy")
    if not has_rua:
        return False
    # An invalid or missing p, sp or np with a valid rua: act as if "p=none" was
    # the record (RFC 9989 §4.10.1), so no sub-policy survives either.
    values["p"] = DmarcPolicy.NONE
    values.pop("sp", None)
    values.pop("np", None)
    return True


def parse_dmarc(text: str, /) -> DmarcParse:
    """Parse a DMARC record (RFC 9989 §4.7, §4.8; legacy tags of RFC 7489 §6.3).

    Character-strings of the TXT record must already be joined (RFC 9989 §4.5).
    Unknown tags give warnings, invalid values of known tags give errors. A
    missing ``p`` is a warning when ``rua`` has a valid URI (the record then
    acts as ``p=none``, RFC 7489 §6.6.3) and an error otherwise. Never raises for
    a ``str``; raises ``TypeError`` for anything else.
    """
    require_str(text, "a DMARC record")
    # Most domains publish one of a few records (the profile's p=none first): the
    # outcome (frozen) is remembered per text; not for a str subclass, which may differ.
    return _remembered(text) if type(text) is str else _parse(text)


def _parse(text: str) -> DmarcParse:
    found = _Collector()
    if not is_dmarc_record(text):
        found.error(
            "dmarc.not_dmarc",
            start=_shown(text.lstrip(_WHITESPACE)),
        )
        return DmarcParse(None, tuple(found.errors))
    values = _read_tags(_split(text, found), found)
    if values.get("pct", 100) != 100:
        # RFC 9989 Appendix A.6 removed pct: its receivers apply the policy to all
        # failing mail, RFC 7489 receivers only to this share of it.
        found.warn(
            "dmarc.pct_ignored",
            pct=values["pct"],
        )
    if not _policy_fallback(values, found):
        return DmarcParse(None, tuple(found.errors), tuple(found.warnings))
    policy = values.pop("p")
    fields = {_FIELDS[name]: value for name, value in values.items()}
    record = attrs.evolve(DmarcRecord(policy), **fields)
    return DmarcParse(record, tuple(found.errors), tuple(found.warnings))


# The 1024 texts parsed last (least recently used dropped first).
_remembered = functools.lru_cache(maxsize=1024)(_parse)
