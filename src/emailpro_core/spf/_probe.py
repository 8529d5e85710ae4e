"""What one ``check_host()`` run looked at, so that its result can stand for a range.

The evaluation of RFC 7208 §4 reads the client's address in a few places only:
``ip4`` / ``ip6`` networks (§5.6), the addresses an ``a`` or ``mx`` mechanism
resolves to, with its CIDR length (§5.3, §5.4), and, beyond networks, ``ptr``
(§5.5) and the ``%{i}``, ``%{c}``, ``%{p}`` macros (§7.3). A :class:`Probe`
given to the evaluation writes down each network it tested; when every address
of an interval falls on the same side of each of them, every address of the
interval takes the same path through the records and gets the same result
(:mod:`emailpro_core.spf._ranges` relies on that).

Offline, an include whose record cannot be read is one more unknown: a probe
with ``branching`` lets the evaluation go on as if the include did not match
(or did, for the names in ``assume``) and writes the name down.
"""

from __future__ import annotations

from ._macros import IPAddress, Macro, MacroString
from ._terms import MechanismKind

#: RFC 7208 §7.3: the macro letters whose value comes from the client's address.
ADDRESS_LETTERS = frozenset("icp")


def reads_address(spec: MacroString, /) -> bool:
    """Whether expanding ``spec`` reads the client's address (beyond its family)."""
    return any(isinstance(part, Macro) and part.letter in ADDRESS_LETTERS for part in spec.parts)


class Probe:
    """The trace of one evaluation (mutable; made for that one run, then read).

    Attributes:
        networks: The networks tested, as ``(version, first, last)`` integers.
        address_bound: Whether a test read the address beyond networks (``ptr``,
            a macro of the address): the result may differ inside any interval.
        visited: The domains whose records were evaluated.
        matched: The kinds of the mechanisms that matched, innermost first.
        branching: Whether an include whose record is outside an offline source
            is taken as an unknown (rather than a temperror).
        assume: The unknown includes taken as matching; the others do not match.
        unknown: The unknown includes met, in order.
        through: A domain whose record passes every address judged (the
            provider's include, for its own sending space), or ``None``.
        reached: How many networks had been tested when the evaluation first
            reached ``through`` (``None``: never, or after reading more of the
            address than networks).
    """

    __slots__ = (
        "address_bound",
        "assume",
        "branching",
        "matched",
        "networks",
        "reached",
        "through",
        "unknown",
        "visited",
    )

    def __init__(
        self,
        *,
        branching: bool = False,
        assume: frozenset[str] = frozenset(),
        through: str | None = None,
    ) -> None:
        self.networks: list[tuple[int, int, int]] = []
        self.address_bound = False
        self.visited: list[str] = []
        self.matched: list[MechanismKind] = []
        self.branching = branching
        self.assume = assume
        self.unknown: list[str] = []
        self.through = through
        self.reached: int | None = None

    def visit(self, domain: str) -> None:
        """Write down that the record of ``domain`` is evaluated."""
        self.visited.append(domain)
        if (
            domain == self.through
            and self.reached is None
            and not self.address_bound
            and not self.unknown
        ):
            self.reached = len(self.networks)

    def network(self, address: IPAddress, length: int | None) -> None:
        """Write down the test of ``address/length`` (``None``: the address alone)."""
        bits = address.max_prefixlen
        size = bits if length is None else min(length, bits)
        first = int(address) >> (bits - size) << (bits - size)
        self.networks.append((address.version, first, first + (1 << (bits - size)) - 1))
