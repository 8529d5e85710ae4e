"""The typed SPF record (RFC 7208 §4.6, §5, §6): its terms, and a parse's outcome.

:func:`~emailpro_core.spf.parse_spf` builds these; :mod:`emailpro_core.spf._syntax` re-exports them.
"""

from __future__ import annotations

import enum
import ipaddress

import attrs

from ..errors import Violation
from ._macros import MacroString

_VERSION = "v=spf1"


class Qualifier(enum.Enum):
    """A mechanism's qualifier (RFC 7208 §4.6.2) and the result it gives on a match."""

    PASS = "+"
    FAIL = "-"
    SOFTFAIL = "~"
    NEUTRAL = "?"


class MechanismKind(enum.Enum):
    """The mechanisms of RFC 7208 §5."""

    ALL = "all"
    INCLUDE = "include"
    A = "a"
    MX = "mx"
    PTR = "ptr"
    IP4 = "ip4"
    IP6 = "ip6"
    EXISTS = "exists"

    @property
    def queries_dns(self) -> bool:
        """Whether it counts against the 10 DNS-querying terms (§4.6.4): all but all, ip4, ip6."""
        return self not in (MechanismKind.ALL, MechanismKind.IP4, MechanismKind.IP6)


# Evaluations remember what they work out per mechanism: its hash is made once.
@attrs.frozen(cache_hash=True)
class Mechanism:
    """A mechanism (RFC 7208 §5) with its qualifier.

    Attributes:
        kind: Which mechanism.
        qualifier: The result on a match (``+`` when none was written).
        domain: The domain-spec of ``include``, ``a``, ``mx``, ``ptr``, ``exists``
            (``None``: the current domain, for ``a``, ``mx`` and ``ptr``).
        address: The network address of ``ip4`` and ``ip6``.
        cidr4: The IPv4 prefix length written (``ip4``, ``a``, ``mx``), or ``None``.
        cidr6: The IPv6 prefix length written (``ip6``, ``a``, ``mx``), or ``None``.
    """

    kind: MechanismKind
    qualifier: Qualifier = Qualifier.PASS
    domain: MacroString | None = None
    address: ipaddress.IPv4Address | ipaddress.IPv6Address | None = None
    cidr4: int | None = None
    cidr6: int | None = None

    def to_text(self) -> str:
        """The term as written canonically (no ``+``, lower-case name)."""
        qualifier = "" if self.qualifier is Qualifier.PASS else self.qualifier.value
        text = qualifier + self.kind.value
        if self.address is not None:
            text += f":{self.address}"
        elif self.domain is not None:
            text += f":{self.domain.text}"
        if self.cidr4 is not None and self.kind is not MechanismKind.IP6:
            text += f"/{self.cidr4}"
        if self.cidr6 is not None:
            text += f"/{self.cidr6}" if self.kind is MechanismKind.IP6 else f"//{self.cidr6}"
        return text


@attrs.frozen
class Modifier:
    """A modifier (RFC 7208 §6): ``redirect``, ``exp`` or an unknown one (kept, ignored).

    Attributes:
        name: The name, lower case (modifier names are case-insensitive, §4.6.1).
        value: The macro-string after ``=`` (a domain-spec for ``redirect`` and ``exp``).
    """

    name: str
    value: MacroString

    def to_text(self) -> str:
        """The term as written canonically."""
        return f"{self.name}={self.value.text}"


Term = Mechanism | Modifier


@attrs.frozen
class SpfRecord:
    """A parsed SPF record: its terms in order.

    Attributes:
        terms: Mechanisms and modifiers, in the order written.
    """

    terms: tuple[Term, ...] = ()

    @property
    def mechanisms(self) -> tuple[Mechanism, ...]:
        """The mechanisms, in evaluation order."""
        return tuple(t for t in self.terms if isinstance(t, Mechanism))

    @property
    def modifiers(self) -> tuple[Modifier, ...]:
        """The modifiers, in the order written."""
        return tuple(t for t in self.terms if isinstance(t, Modifier))

    def _modifier(self, name: str) -> MacroString | None:
        return next((m.value for m in self.modifiers if m.name == name), None)

    @property
    def redirect(self) -> MacroString | None:
        """The ``redirect=`` domain-spec, if any (§6.1)."""
        return self._modifier("redirect")

    @property
    def explanation(self) -> MacroString | None:
        """The ``exp=`` domain-spec, if any (§6.2)."""
        return self._modifier("exp")

    @property
    def dns_terms(self) -> int:
        """How many of this record's own terms query the DNS (§4.6.4; includes not followed)."""
        return sum(1 for m in self.mechanisms if m.kind.queries_dns) + (
            1 if self.redirect is not None else 0
        )

    def to_text(self) -> str:
        """The record as text: ``v=spf1`` and the canonical terms, one space apart."""
        return " ".join([_VERSION, *(t.to_text() for t in self.terms)])


@attrs.frozen
class SpfParse:
    """The outcome of :func:`parse_spf`.

    Attributes:
        record: The typed record, or ``None`` when there is any violation.
        violations: Every problem found, in the order of the text; each carries
            ``params["position"]`` (the character offset of the bad term) and
            ``params["term"]`` (its text).
    """

    record: SpfRecord | None
    violations: tuple[Violation, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether the text is a valid SPF record."""
        return self.record is not None
