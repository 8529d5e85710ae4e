"""Zones broken in several ways at once, and the loop that repairs them.

:func:`broken_zones` draws a setup and a zone file for its domain (the zone's
origin is the domain) in which each check's records are broken in one of the
ways the checker reports, or left right. :func:`repair` diagnoses the zone
offline (``ZoneSource``, with the provider's own records as the fallback),
applies every fix line of the diagnosis with ``apply_fixes``, and returns the
repaired zone text and its new diagnosis.

SPF breakage covers every finding that has a fix: no record, two records,
``-all`` before the include, ``+all`` / ``?all``, syntax errors, a qualified
include of the provider, the lookup limits (the domain's own ``_spf`` includes,
many ``a:`` / ``mx:`` terms), an include of the domain's own zone before the
provider's, a part of the provider's space excluded or named by address; and
``ptr``, whose finding says why it has no fix (:data:`NO_FIX`). The provider's
record (``PROVIDER_SPF``, read through the fallback) is ``198.51.100.0/24``.
TXT records may be split into several character-strings (``SPLIT`` marks
where): a line that removes one must name it as published.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import attrs
import dns.zone
from hypothesis import strategies as st

from emailpro_core.checker import Diagnosis, Status, check_domain
from emailpro_core.records._setup import DkimSelector, DomainSetup
from emailpro_core.records._zonetext import zone_line
from emailpro_core.sources._static import StaticSource
from emailpro_core.sources._zone import ZoneSource
from emailpro_core.testing import apply_fixes
from test_checker_zones import Records, correct_records, peer_key

#: A change to the records of a domain (its name given).
Breakage = Callable[[Records, str], None]

TTL = 3600
DOMAINS = ("example.org", "shop.example", "xn--bcher-kva.example")
SELECTORS = ("ovhemp123456-selector1", "ovhemp123456-selector2")
MX_VALUES = [
    "1 mx0.mail.ovh.net.",
    "5 mx1.mail.ovh.net.",
    "50 mx2.mail.ovh.net.",
    "100 mx3.mail.ovh.net.",
    "200 mx4.mail.ovh.net.",
]
#: In a TXT value of the zone, where one character-string ends and the next begins.
SPLIT = "|"
#: Names outside every generated zone that breakages point to, as a server has them.
FOREIGN: Records = {
    "mail.example.net": {"A": ["192.0.2.25"]},
    "bad-dmarc.example.net": {"TXT": ["v=DMARC1; p=bogus", "v=DMARC1; p=reject"]},
}


def _set(name: str, rdtype: str, *values: str) -> Breakage:
    def change(records: Records, domain: str) -> None:
        records.setdefault(name.format(d=domain), {})[rdtype] = list(values)

    return change


def _drop(name: str, rdtype: str | None = None) -> Breakage:
    def change(records: Records, domain: str) -> None:
        owner = name.format(d=domain)
        if rdtype is None:
            records.pop(owner, None)
        else:
            records.get(owner, {}).pop(rdtype, None)

    return change


def _spf(*values: str, beside: Mapping[str, str] | None = None) -> Breakage:
    """The domain's TXT records set to ``values``, and each name of ``beside`` given its TXT.

    ``{d}`` in a value or a name of ``beside`` stands for the domain.
    """

    def change(records: Records, domain: str) -> None:
        records[domain]["TXT"] = [value.format(d=domain) for value in values]
        for name, value in (beside or {}).items():
            records[name.format(d=domain)] = {"TXT": [value.format(d=domain)]}

    return change


def _hosts(count: int, rdtype: str) -> Breakage:
    """The domain's SPF record with ``count`` ``a:`` (or ``mx:``) terms, each host resolving."""

    def change(records: Records, domain: str) -> None:
        terms = " ".join(f"{rdtype.lower()}:h{n}.{domain}" for n in range(count))
        records[domain]["TXT"] = [f"v=spf1 {terms} include:mx.ovh.com ~all"]
        for n in range(count):
            host = f"h{n}.{domain}"
            records[host] = {"A": [f"192.0.2.{100 + n}"]}
            if rdtype == "MX":
                records[host]["MX"] = [f"10 {host}."]

    return change


def _all(*changes: Breakage) -> Breakage:
    def change(records: Records, domain: str) -> None:
        for one in changes:
            one(records, domain)

    return change


def _foreign_mx(value: str) -> Breakage:
    def change(records: Records, domain: str) -> None:
        records[domain]["MX"] = [*records[domain]["MX"], value.format(d=domain)]

    return change


_OWNER = "ab1cd-check.{d}"
_DMARC = "_dmarc.{d}"
_SRV = "_autodiscover._tcp.{d}"

#: Per check, the ways to break it (one is drawn per check, or none).
BREAKAGES: dict[str, dict[str, Breakage]] = {
    "mx": {
        "no mx": _drop("{d}", "MX"),
        "only foreign": _set("{d}", "MX", "10 mail.example.net."),
        "null mx": _set("{d}", "MX", "0 ."),
        "foreign beside": _foreign_mx("10 mail.example.net."),
        "foreign without address": _foreign_mx("20 nowhere.{d}."),
        "subset": _set("{d}", "MX", "5 mx1.mail.ovh.net."),
        "other preference": _set("{d}", "MX", *MX_VALUES[:4], "10 mx4.mail.ovh.net."),
        "alias of a provider host": _all(
            _set("{d}", "MX", "1 mail.{d}.", *MX_VALUES[1:]),
            _set("mail.{d}", "CNAME", "mx0.mail.ovh.net."),
        ),
    },
    "spf": {
        "no spf": _drop("{d}", "TXT"),
        "two spf": _set("{d}", "TXT", "v=spf1 mx -all", "v=spf1 ip4:192.0.2.1 -all"),
        "-all first": _set("{d}", "TXT", "v=spf1 -all include:mx.ovh.com"),
        "-all first, split": _set("{d}", "TXT", "v=spf1 -all |include:mx.ovh.com"),
        "+all": _set("{d}", "TXT", "v=spf1 include:mx.ovh.com +all"),
        "?all": _set("{d}", "TXT", "v=spf1 mx ?all"),
        # Syntax errors (RFC 7208 §4.6: permerror): the bad term goes.
        "bad address": _spf("v=spf1 include:mx.ovh.com ip4:999.1.1.1 ~all"),
        "bad mechanism": _spf("v=spf1 include:mx.ovh.com foo:bar ~all"),
        "bad term, no include": _spf("v=spf1 mx ip6:2001:db8::/129 -all"),
        "bad term, split": _spf("v=spf1 ip4:192.0.2.1/33 |include:mx.ovh.com -all"),
        # The provider's include with a qualifier never passes its mail (RFC 7208 §5.2).
        "-include": _spf("v=spf1 -include:mx.ovh.com ~all"),
        "~include": _spf("v=spf1 mx ~include:mx.ovh.com -all"),
        # More than 10 DNS-querying terms, or 2 void lookups (RFC 7208 §4.6.4).
        "eleven own includes": _spf(
            "v=spf1 " + " ".join(f"include:_spf{n}.{{d}}" for n in range(11)) + " ~all",
            beside={f"_spf{n}.{{d}}": f"v=spf1 ip4:192.0.2.{n} -all" for n in range(11)},
        ),
        "own include of ten includes": _spf(
            "v=spf1 include:_spf.{d} include:mx.ovh.com ~all",
            beside={
                "_spf.{d}": "v=spf1 "
                + " ".join(f"include:_s{n}.{{d}}" for n in range(10))
                + " -all",
                **{f"_s{n}.{{d}}": f"v=spf1 ip4:192.0.2.{n} -all" for n in range(10)},
            },
        ),
        "eleven a": _hosts(11, "A"),
        "eleven mx": _hosts(11, "MX"),
        "three voids": _spf("v=spf1 a:v1.{d} a:v2.{d} a:v3.{d} include:mx.ovh.com ~all"),
        # An include of the domain's own zone before the provider's.
        "own include, -all first": _spf(
            "v=spf1 include:_spf.{d} -all include:mx.ovh.com",
            beside={"_spf.{d}": "v=spf1 ip4:192.0.2.0/24 -all"},
        ),
        "own include excludes part": _spf(
            "v=spf1 -include:_spf.{d} include:mx.ovh.com ~all",
            beside={"_spf.{d}": "v=spf1 ip4:198.51.100.128/25 -all"},
        ),
        # Part of the provider's space (198.51.100.0/24) by address, or excluded.
        "part by address": _spf("v=spf1 ip4:198.51.100.0/25 -all"),
        "part excluded": _spf("v=spf1 -ip4:198.51.100.0/25 include:mx.ovh.com ~all"),
        "all by address": _spf("v=spf1 ip4:198.51.100.0/24 -all"),
        "ptr": _spf("v=spf1 ptr include:mx.ovh.com ~all"),
    },
    "autodiscover": {
        "no srv": _drop(_SRV),
        "other server": _set(_SRV, "SRV", "0 0 443 pro2.mail.ovh.net."),
        "other host": _set(_SRV, "SRV", "0 0 443 mail.example.net."),
        "other port": _set(_SRV, "SRV", "0 0 8443 pro1.mail.ovh.net."),
        "shadow address": _set("autodiscover.{d}", "A", "192.0.2.80"),
        "shadow alias": _set("autodiscover.{d}", "CNAME", "www.example.net."),
        "srv alias to nothing": _all(
            _drop(_SRV), _set(_SRV, "CNAME", "_autodiscover._tcp.example.net.")
        ),
        "srv alias in the zone": _all(
            _drop(_SRV),
            _set(_SRV, "CNAME", "srv.{d}."),
            _set("srv.{d}", "SRV", "0 0 443 mail.example.net."),
        ),
    },
    "ownership": {
        "no ownership": _drop(_OWNER),
        "ownership beside other records": _all(
            _drop(_OWNER), _set(_OWNER, "TXT", "verify=1"), _set(_OWNER, "A", "192.0.2.7")
        ),
        "ownership elsewhere": _set(_OWNER, "CNAME", "ovh.example.net."),
    },
    "dmarc": {
        "no dmarc": _drop(_DMARC),
        "two dmarc": _set(_DMARC, "TXT", "v=DMARC1; p=none", "v=DMARC1; p=reject"),
        "bad policy": _set(_DMARC, "TXT", "v=DMARC1; p=bogus"),
        "bad policy, split": _set(_DMARC, "TXT", "v=DMARC1; |p=bogus"),
        "two dmarc, split": _set(_DMARC, "TXT", "v=DMARC1; p=none", "v=DMARC1; |p=reject"),
        "two dmarc, the first invalid": _set(
            _DMARC, "TXT", "v=DMARC1; p=bogus", "v=DMARC1; p=reject"
        ),
        "bad rua": _set(_DMARC, "TXT", "v=DMARC1; p=reject; rua=nowhere"),
        "unknown tag": _set(_DMARC, "TXT", "v=DMARC1; p=quarantine; colour=blue"),
        "no policy tag": _set(_DMARC, "TXT", "v=DMARC1; rua=mailto:d@example.org"),
        "dmarc alias to nothing": _all(_drop(_DMARC), _set(_DMARC, "CNAME", "gone.example.net.")),
        "dmarc alias to a bad record": _all(
            _drop(_DMARC), _set(_DMARC, "CNAME", "bad-dmarc.example.net.")
        ),
    },
}


def _dkim_breakages(selector: str) -> dict[str, Breakage]:
    name = f"{selector}._domainkey.{{d}}"
    return {
        f"{selector}: none": _drop(name),
        f"{selector}: address": _all(_drop(name), _set(name, "AAAA", "2001:db8::25")),
        f"{selector}: txt": _all(
            _drop(name), _set(name, "TXT", peer_key("2048_testkey_wo_markers.pub.txt"))
        ),
        f"{selector}: txt beside mx": _all(
            _drop(name),
            _set(name, "TXT", "v=DKIM1; p=MIGf"),
            _set(name, "MX", "10 mail.example.net."),
        ),
        f"{selector}: elsewhere": _set(name, "CNAME", "dkim.example.net."),
    }


for _selector in SELECTORS:
    BREAKAGES[_selector] = _dkim_breakages(_selector)


@attrs.frozen
class BrokenZone:
    """A setup, its zone broken in the named ways, and the names outside the zone."""

    setup: DomainSetup
    broken: tuple[str, ...]
    zone: str
    outside: Records


def zone_file(domain: str, records: Records) -> str:
    """A master file for ``domain``: an SOA, an NS and its address, then ``records``."""
    apex = domain + "."
    lines = [
        f"{apex} {TTL} IN SOA ns1.{apex} hostmaster.{apex} 1 7200 900 1209600 300",
        f"{apex} {TTL} IN NS ns1.{apex}",
        f"ns1.{apex} {TTL} IN A 192.0.2.53",
    ]
    for owner, types in records.items():
        for rdtype, values in types.items():
            for value in values:
                if rdtype == "TXT" and SPLIT in value:
                    strings = " ".join(f'"{part}"' for part in value.split(SPLIT))
                    lines.append(f"{owner}. {TTL} IN TXT {strings}")
                else:
                    lines.append(zone_line(owner, TTL, rdtype, value))
    return "\n".join(lines) + "\n"


def _inside(name: str, domain: str) -> bool:
    return name == domain or name.endswith("." + domain)


_MOSTLY = st.sampled_from([True, True, True, False])


def complete(setup: DomainSetup) -> bool:
    """Whether the setup gives every value a fix line needs (server number, DKIM targets)."""
    return setup.server_number is not None and all(s.target for s in setup.dkim_selectors)


@st.composite
def broken_zones(draw: st.DrawFn) -> BrokenZone:
    """A zone broken in any number of checks at once, each check in one way."""
    domain = draw(st.sampled_from(DOMAINS))
    # A setup may lack the server number or a selector's exact target: the
    # records that depend on them cannot be fixed, and say so.
    selectors = tuple(
        DkimSelector(
            name,
            f"{name}._domainkey.1675.ac.dkim.mail.ovh.net" if draw(_MOSTLY) else None,
        )
        for name in SELECTORS
    )
    setup = DomainSetup(
        domain,
        server_number=1 if draw(_MOSTLY) else None,
        ownership_token="ab1cd",
        managed_in_account=draw(st.booleans()),
        dkim_selectors=selectors,
        dkim_enabled=draw(st.booleans()),
    )
    ways = {}
    for check, known in BREAKAGES.items():
        way = draw(st.one_of(st.none(), st.sampled_from(sorted(known))))
        if way is not None and not (check == "ownership" and setup.managed_in_account):
            ways[check] = way
    return build(setup, ways)


def build(setup: DomainSetup, ways: dict[str, str]) -> BrokenZone:
    """The zone of ``setup``'s domain with each check's records broken in the way named."""
    domain = setup.domain.ascii
    records = correct_records(setup)
    for check, way in ways.items():
        BREAKAGES[check][way](records, domain)
    inside = {name: types for name, types in records.items() if _inside(name, domain) and types}
    outside = {name: types for name, types in records.items() if not _inside(name, domain)}
    broken = tuple(ways.values())
    return BrokenZone(setup, broken, zone_file(domain, inside), {**outside, **FOREIGN})


#: Breakages whose findings have no fix, only a reason (``Finding.fix_reason``).
NO_FIX = frozenset({"ptr"})
#: Every way to break a check, as (check, way), for example tables.
EVERY_BREAKAGE = [(check, way) for check, ways in BREAKAGES.items() for way in sorted(ways)]
#: A setup that gives every value a fix needs, with DKIM enabled (its findings are errors).
FULL_SETUP = DomainSetup(
    "example.org",
    server_number=1,
    ownership_token="ab1cd",
    dkim_selectors=tuple(
        DkimSelector(name, f"{name}._domainkey.1675.ac.dkim.mail.ovh.net") for name in SELECTORS
    ),
    dkim_enabled=True,
)


def diagnose(zone: BrokenZone, text: str) -> Diagnosis:
    """The offline diagnosis of ``text`` as the zone of ``zone.setup``'s domain."""
    domain = zone.setup.domain.ascii
    source = ZoneSource.from_text(text, origin=domain, fallback=StaticSource(zone.outside))
    return check_domain(zone.setup, source)


def repair(zone: BrokenZone) -> tuple[Diagnosis, str, Diagnosis]:
    """The diagnosis, the zone after every fix line of it, and that zone's diagnosis."""
    before = diagnose(zone, zone.zone)
    fixed = apply_fixes(zone.zone, before.fix, origin=zone.setup.domain.ascii)
    return before, fixed, diagnose(zone, fixed)


def assert_repaired(zone: BrokenZone) -> str:
    """Repair ``zone``; assert dnspython loads it and it re-checks without ERROR or UNKNOWN.

    Returns the repaired zone text.
    """
    before, fixed, after = repair(zone)
    dns.zone.from_text(fixed, origin=zone.setup.domain.ascii, relativize=False)
    left = [f for f in after.findings if f.status in (Status.ERROR, Status.UNKNOWN)]
    shown = f"{zone.broken}\n{before.fix_text()}\n{after.to_text()}"
    if complete(zone.setup):
        assert not left, shown
    else:
        # What is left waits for the setup's missing values, and says so.
        assert all(f.fix_reason and not f.fix for f in left), shown
    return fixed
