"""The checker over StaticSource: one broken domain for every finding code.

Each case changes the records of a correct domain (see ``test_checker_zones``),
then asserts the status, the code and the exact fix lines of the finding.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs
import pytest

from emailpro_core.checker import Check, Diagnosis, Finding, Status, check_domain
from emailpro_core.records._setup import DkimSelector, DomainSetup
from emailpro_core.sources._answers import FailureCause
from emailpro_core.sources._static import StaticSource
from emailpro_core.sources._zone import ZoneSource
from test_checker_zones import (
    DOMAIN,
    SELECTOR1,
    SETUP,
    TARGET1,
    Records,
    changed,
    correct_records,
    peer_key,
    rsa_key_record,
)

MX_LINES = [
    "example.org. 3600 IN MX 1 mx0.mail.ovh.net.",
    "example.org. 3600 IN MX 5 mx1.mail.ovh.net.",
    "example.org. 3600 IN MX 50 mx2.mail.ovh.net.",
    "example.org. 3600 IN MX 100 mx3.mail.ovh.net.",
    "example.org. 3600 IN MX 200 mx4.mail.ovh.net.",
]
MX_VALUES = [line.split(" MX ")[1] for line in MX_LINES]
SPF_LINE = 'example.org. 3600 IN TXT "v=spf1 include:mx.ovh.com ~all"'
SRV_LINE = "_autodiscover._tcp.example.org. 3600 IN SRV 0 0 443 pro1.mail.ovh.net."
OWNER_LINE = "ab1cd-check.example.org. 3600 IN CNAME ovh.com."
DKIM_NAME = f"{SELECTOR1}._domainkey.example.org"
DKIM_LINE = f"{DKIM_NAME}. 3600 IN CNAME {TARGET1}."
DMARC_LINE = '_dmarc.example.org. 3600 IN TXT "v=DMARC1; p=none"'


def add(line: str) -> str:
    return f"add     {line}"


def remove(line: str) -> str:
    return f"remove  {line}"


def replace(old: str, new: str) -> str:
    return f"replace {old}\n   with {new}"


def put(name: str, rdtype: str, *values: str) -> Callable[[Records], None]:
    """A change that sets the records of one type at one name."""

    def mutate(records: Records) -> None:
        records.setdefault(name, {})[rdtype] = list(values)

    return mutate


def drop(name: str, rdtype: str | None = None) -> Callable[[Records], None]:
    """A change that removes a type at a name, or the whole name."""

    def mutate(records: Records) -> None:
        if rdtype is None:
            del records[name]
        else:
            del records[name][rdtype]

    return mutate


def both(*changes: Callable[[Records], None]) -> Callable[[Records], None]:
    def mutate(records: Records) -> None:
        for change in changes:
            change(records)

    return mutate


def diagnose(
    mutate: Callable[[Records], None],
    setup: DomainSetup = SETUP,
    failures: dict[str | tuple[str, str], FailureCause] | None = None,
) -> Diagnosis:
    return check_domain(setup, StaticSource(changed(mutate, setup), failures=failures))


def finding(diagnosis: Diagnosis, code: str, name: str | None = None) -> Finding:
    found = [f for f in diagnosis.findings if f.code == code and name in (None, f.name)]
    assert len(found) == 1, diagnosis.to_text()
    return found[0]


def fix_text(found: Finding) -> list[str]:
    return [line.to_text() for line in found.fix]


def nothing(records: Records) -> None:
    """No change."""


def _foreign_mx(records: Records) -> None:
    records[DOMAIN]["MX"] = [*MX_VALUES, "10 mail.example.net."]
    records["mail.example.net"] = {"A": ["192.0.2.25"]}


# (id, change, setup, code, status, fix lines)
CASES: list[tuple[str, Callable[[Records], None], DomainSetup, str, Status, list[str]]] = [
    # MX
    ("no mx", drop(DOMAIN, "MX"), SETUP, "mx.missing", Status.ERROR, [add(x) for x in MX_LINES]),
    (
        "only foreign mx",
        both(put(DOMAIN, "MX", "10 mail.example.net."), put("mail.example.net", "A", "192.0.2.2")),
        SETUP,
        "mx.missing",
        Status.ERROR,
        [remove("example.org. 3600 IN MX 10 mail.example.net."), *(add(x) for x in MX_LINES)],
    ),
    (
        "null mx",
        put(DOMAIN, "MX", "0 ."),
        SETUP,
        "mx.null",
        Status.ERROR,
        [remove("example.org. 3600 IN MX 0 ."), *(add(x) for x in MX_LINES)],
    ),
    (
        "foreign beside",
        _foreign_mx,
        SETUP,
        "mx.foreign",
        Status.ERROR,
        [remove("example.org. 3600 IN MX 10 mail.example.net.")],
    ),
    (
        "subset",
        put(DOMAIN, "MX", "5 mx1.mail.ovh.net."),
        SETUP,
        "mx.partial",
        Status.WARNING,
        [add(x) for x in MX_LINES if " 5 mx1" not in x],
    ),
    (
        "other preference",
        put(DOMAIN, "MX", *MX_VALUES[:4], "10 mx4.mail.ovh.net."),
        SETUP,
        "mx.partial",
        Status.WARNING,
        [remove("example.org. 3600 IN MX 10 mx4.mail.ovh.net."), add(MX_LINES[4])],
    ),
    (
        "alias of a provider host",
        both(
            put(DOMAIN, "MX", "1 mail.example.org.", *MX_VALUES[1:]),
            put("mail.example.org", "CNAME", "mx0.mail.ovh.net."),
        ),
        SETUP,
        "mx.cname_target",
        Status.WARNING,
        [replace("example.org. 3600 IN MX 1 mail.example.org.", MX_LINES[0])],
    ),
    (
        "foreign alias",
        both(_foreign_mx, drop("mail.example.net"), put("mail.example.net", "CNAME", "x.test.")),
        SETUP,
        "mx.cname_target",
        Status.WARNING,
        [remove("example.org. 3600 IN MX 10 mail.example.net.")],
    ),
    (
        "foreign without address",
        both(_foreign_mx, drop("mail.example.net")),
        SETUP,
        "mx.no_address",
        Status.ERROR,
        [remove("example.org. 3600 IN MX 10 mail.example.net.")],
    ),
    # SPF
    ("no spf", drop(DOMAIN, "TXT"), SETUP, "spf.missing", Status.ERROR, [add(SPF_LINE)]),
    (
        "two spf",
        put(DOMAIN, "TXT", "v=spf1 mx -all", "v=spf1 ip4:192.0.2.1 -all"),
        SETUP,
        "spf.multiple_records",
        Status.ERROR,
        [
            remove('example.org. 3600 IN TXT "v=spf1 mx -all"'),
            remove('example.org. 3600 IN TXT "v=spf1 ip4:192.0.2.1 -all"'),
            add('example.org. 3600 IN TXT "v=spf1 mx ip4:192.0.2.1 include:mx.ovh.com -all"'),
        ],
    ),
    (
        "bad spf",
        put(DOMAIN, "TXT", "v=spf1 ip4:1.2.3 include:mx.ovh.com ~all"),
        SETUP,
        "spf.syntax",
        Status.ERROR,
        [
            replace(
                'example.org. 3600 IN TXT "v=spf1 ip4:1.2.3 include:mx.ovh.com ~all"',
                'example.org. 3600 IN TXT "v=spf1 include:mx.ovh.com ~all"',
            )
        ],
    ),
    (
        "-all first",
        put(DOMAIN, "TXT", "v=spf1 -all include:mx.ovh.com"),
        SETUP,
        "spf.provider_not_authorized",
        Status.ERROR,
        [
            replace(
                'example.org. 3600 IN TXT "v=spf1 -all include:mx.ovh.com"',
                'example.org. 3600 IN TXT "v=spf1 include:mx.ovh.com -all"',
            )
        ],
    ),
    (
        "nested fail",
        both(
            put(DOMAIN, "TXT", "v=spf1 include:_spf.example.org ~all"),
            put("_spf.example.org", "TXT", "v=spf1 -all include:mx.ovh.com"),
        ),
        SETUP,
        "spf.provider_not_authorized",
        Status.ERROR,
        [
            replace(
                'example.org. 3600 IN TXT "v=spf1 include:_spf.example.org ~all"',
                "example.org. 3600 IN TXT "
                '"v=spf1 include:_spf.example.org include:mx.ovh.com ~all"',
            )
        ],
    ),
    (
        "eleven includes",
        both(
            put(
                DOMAIN,
                "TXT",
                "v=spf1 include:mx.ovh.com "
                + " ".join(f"include:s{n}.example.org" for n in range(10))
                + " ~all",
            ),
            *(put(f"s{n}.example.org", "TXT", "v=spf1 -all") for n in range(10)),
        ),
        SETUP,
        "spf.too_many_lookups",
        Status.ERROR,
        [
            replace(
                'example.org. 3600 IN TXT "v=spf1 include:mx.ovh.com '
                + " ".join(f"include:s{n}.example.org" for n in range(10))
                + '" " ~all"',
                'example.org. 3600 IN TXT "v=spf1 include:mx.ovh.com '
                + " ".join(f"include:s{n}.example.org" for n in range(1, 10))
                + ' ~all"',
            )
        ],
    ),
    (
        "three voids",
        put(DOMAIN, "TXT", "v=spf1 a:v1.example.org a:v2.example.org a:v3.example.org ~all"),
        SETUP,
        "spf.too_many_void_lookups",
        Status.ERROR,
        [
            replace(
                'example.org. 3600 IN TXT "v=spf1 a:v1.example.org a:v2.example.org '
                'a:v3.example.org ~all"',
                'example.org. 3600 IN TXT "v=spf1 a:v2.example.org a:v3.example.org '
                'include:mx.ovh.com ~all"',
            )
        ],
    ),
    (
        "+all",
        put(DOMAIN, "TXT", "v=spf1 include:mx.ovh.com +all"),
        SETUP,
        "spf.permissive_all",
        Status.WARNING,
        [
            replace(
                'example.org. 3600 IN TXT "v=spf1 include:mx.ovh.com +all"',
                'example.org. 3600 IN TXT "v=spf1 include:mx.ovh.com ~all"',
            )
        ],
    ),
    (
        "?all without include",
        put(DOMAIN, "TXT", "v=spf1 mx ?all"),
        SETUP,
        "spf.permissive_all",
        Status.WARNING,
        [
            replace(
                'example.org. 3600 IN TXT "v=spf1 mx ?all"',
                'example.org. 3600 IN TXT "v=spf1 mx include:mx.ovh.com ~all"',
            )
        ],
    ),
    (
        "ptr",
        put(DOMAIN, "TXT", "v=spf1 ptr include:mx.ovh.com ~all"),
        SETUP,
        "spf.ptr",
        Status.WARNING,
        [],
    ),
    (
        "include without record",
        put(DOMAIN, "TXT", "v=spf1 include:none.example.org include:mx.ovh.com ~all"),
        SETUP,
        "spf.permerror",
        Status.ERROR,
        [],
    ),
    (
        "provider without network",
        put("mx.ovh.com", "TXT", "v=spf1 a -all"),
        SETUP,
        "spf.provider_unknown",
        Status.SKIPPED,
        [],
    ),
    # Autodiscover
    (
        "no srv",
        drop("_autodiscover._tcp.example.org"),
        SETUP,
        "srv.missing",
        Status.ERROR,
        [add(SRV_LINE)],
    ),
    (
        "no srv, server unknown",
        nothing,
        attrs.evolve(SETUP, server_number=None),
        "srv.missing",
        Status.ERROR,
        [],
    ),
    (
        "other host, server unknown",
        put("_autodiscover._tcp.example.org", "SRV", "0 0 443 mail.example.net."),
        attrs.evolve(SETUP, server_number=None),
        "srv.wrong_target",
        Status.ERROR,
        [],
    ),
    (
        "other server",
        put("_autodiscover._tcp.example.org", "SRV", "0 0 443 pro2.mail.ovh.net."),
        SETUP,
        "srv.wrong_target",
        Status.ERROR,
        [replace(SRV_LINE.replace("pro1", "pro2"), SRV_LINE)],
    ),
    (
        "other host",
        put("_autodiscover._tcp.example.org", "SRV", "0 0 443 mail.example.net."),
        SETUP,
        "srv.wrong_target",
        Status.ERROR,
        [replace(SRV_LINE.replace("pro1.mail.ovh.net", "mail.example.net"), SRV_LINE)],
    ),
    (
        "other port",
        put("_autodiscover._tcp.example.org", "SRV", "0 0 8443 pro1.mail.ovh.net."),
        SETUP,
        "srv.wrong_port",
        Status.ERROR,
        [replace(SRV_LINE.replace("443", "8443"), SRV_LINE)],
    ),
    (
        "srv name is an alias to nothing",
        both(
            drop("_autodiscover._tcp.example.org"),
            put("_autodiscover._tcp.example.org", "CNAME", "_autodiscover._tcp.example.net."),
        ),
        SETUP,
        "srv.missing",
        Status.ERROR,
        [
            remove("_autodiscover._tcp.example.org. 3600 IN CNAME _autodiscover._tcp.example.net."),
            add(SRV_LINE),
        ],
    ),
    (
        "srv name is an alias to another host",
        both(
            drop("_autodiscover._tcp.example.org"),
            put("_autodiscover._tcp.example.org", "CNAME", "srv.example.net."),
            put("srv.example.net", "SRV", "0 0 443 mail.example.net."),
        ),
        SETUP,
        "srv.wrong_target",
        Status.ERROR,
        [remove("_autodiscover._tcp.example.org. 3600 IN CNAME srv.example.net."), add(SRV_LINE)],
    ),
    (
        "autodiscover address",
        put("autodiscover.example.org", "A", "192.0.2.80"),
        SETUP,
        "autodiscover.shadowed",
        Status.WARNING,
        [remove("autodiscover.example.org. 3600 IN A 192.0.2.80")],
    ),
    (
        "autodiscover alias",
        put("autodiscover.example.org", "CNAME", "www.example.net."),
        SETUP,
        "autodiscover.shadowed",
        Status.WARNING,
        [remove("autodiscover.example.org. 3600 IN CNAME www.example.net.")],
    ),
    # Ownership
    (
        "no ownership",
        drop("ab1cd-check.example.org"),
        SETUP,
        "ownership.missing",
        Status.ERROR,
        [add(OWNER_LINE)],
    ),
    (
        "ownership name holds other records",
        both(
            drop("ab1cd-check.example.org"),
            put("ab1cd-check.example.org", "TXT", "verify=1"),
            put("ab1cd-check.example.org", "A", "192.0.2.7"),
        ),
        SETUP,
        "ownership.missing",
        Status.ERROR,
        [
            remove("ab1cd-check.example.org. 3600 IN A 192.0.2.7"),
            remove('ab1cd-check.example.org. 3600 IN TXT "verify=1"'),
            add(OWNER_LINE),
        ],
    ),
    (
        "ownership elsewhere",
        put("ab1cd-check.example.org", "CNAME", "ovh.example.net."),
        SETUP,
        "ownership.wrong_target",
        Status.ERROR,
        [replace(OWNER_LINE.replace("ovh.com.", "ovh.example.net."), OWNER_LINE)],
    ),
    (
        "managed in account",
        nothing,
        attrs.evolve(SETUP, managed_in_account=True),
        "ownership.not_required",
        Status.OK,
        [],
    ),
    (
        "no token",
        nothing,
        attrs.evolve(SETUP, ownership_token=None),
        "ownership.token_unknown",
        Status.SKIPPED,
        [],
    ),
    # DKIM
    ("no dkim", drop(DKIM_NAME), SETUP, "dkim.missing", Status.WARNING, [add(DKIM_LINE)]),
    (
        "no dkim while enabled",
        drop(DKIM_NAME),
        attrs.evolve(SETUP, dkim_enabled=True),
        "dkim.missing",
        Status.ERROR,
        [add(DKIM_LINE)],
    ),
    (
        "dkim as txt",
        both(drop(DKIM_NAME), put(DKIM_NAME, "TXT", peer_key("test.txt"))),
        SETUP,
        "dkim.txt_instead_of_cname",
        Status.ERROR,
        [
            remove(f'{DKIM_NAME}. 3600 IN TXT "{peer_key("test.txt")}"'),
            add(DKIM_LINE),
        ],
    ),
    (
        "dkim name holds an address",
        both(drop(DKIM_NAME), put(DKIM_NAME, "AAAA", "2001:db8::25")),
        SETUP,
        "dkim.missing",
        Status.WARNING,
        [remove(f"{DKIM_NAME}. 3600 IN AAAA 2001:db8::25"), add(DKIM_LINE)],
    ),
    (
        "dkim as txt beside other records",
        both(
            drop(DKIM_NAME),
            put(DKIM_NAME, "TXT", "v=DKIM1; p=MIGf"),
            put(DKIM_NAME, "MX", "10 mail.example.net."),
        ),
        SETUP,
        "dkim.txt_instead_of_cname",
        Status.ERROR,
        [
            remove(f'{DKIM_NAME}. 3600 IN TXT "v=DKIM1; p=MIGf"'),
            remove(f"{DKIM_NAME}. 3600 IN MX 10 mail.example.net."),
            add(DKIM_LINE),
        ],
    ),
    (
        "dkim target unknown",
        nothing,
        attrs.evolve(SETUP, dkim_selectors=(DkimSelector(SELECTOR1),), dkim_enabled=True),
        "dkim.missing",
        Status.ERROR,
        [],
    ),
    (
        "dkim as txt, target unknown",
        put(DKIM_NAME, "TXT", "v=DKIM1; p=MIGf"),
        attrs.evolve(SETUP, dkim_selectors=(DkimSelector(SELECTOR1),)),
        "dkim.txt_instead_of_cname",
        Status.ERROR,
        [],
    ),
    (
        "dkim elsewhere",
        put(DKIM_NAME, "CNAME", "dkim.example.net."),
        SETUP,
        "dkim.wrong_target",
        Status.ERROR,
        [replace(f"{DKIM_NAME}. 3600 IN CNAME dkim.example.net.", DKIM_LINE)],
    ),
    ("no key", drop(TARGET1), SETUP, "dkim.key_missing", Status.WARNING, []),
    (
        "no key while enabled",
        drop(TARGET1),
        attrs.evolve(SETUP, dkim_enabled=True),
        "dkim.key_missing",
        Status.ERROR,
        [],
    ),
    ("revoked", put(TARGET1, "TXT", "v=DKIM1; p="), SETUP, "dkim.key_revoked", Status.ERROR, []),
    (
        "bad key data",
        put(TARGET1, "TXT", peer_key("test_bad.txt")),
        SETUP,
        "dkim.key_invalid",
        Status.ERROR,
        [],
    ),
    (
        "bad version",
        put(TARGET1, "TXT", peer_key("badversion.txt")),
        SETUP,
        "dkim.key_invalid",
        Status.ERROR,
        [],
    ),
    (
        "unknown k",
        put(TARGET1, "TXT", peer_key("badk.txt")),
        SETUP,
        "dkim.key_invalid",
        Status.ERROR,
        [],
    ),
    (
        "not for email",
        put(TARGET1, "TXT", peer_key("test_tlsrpt.txt")),
        SETUP,
        "dkim.key_invalid",
        Status.ERROR,
        [],
    ),
    (
        "512 bits",
        put(TARGET1, "TXT", rsa_key_record(512)),
        SETUP,
        "dkim.key_too_weak",
        Status.ERROR,
        [],
    ),
    (
        "1024 bits",
        put(TARGET1, "TXT", peer_key("1024_testkey_wo_markers.pub.txt")),
        SETUP,
        "dkim.key_weak",
        Status.WARNING,
        [],
    ),
    (
        "no selectors",
        nothing,
        attrs.evolve(SETUP, dkim_selectors=()),
        "dkim.no_selectors",
        Status.SKIPPED,
        [],
    ),
    # DMARC
    (
        "no dmarc",
        drop("_dmarc.example.org"),
        SETUP,
        "dmarc.missing",
        Status.WARNING,
        [add(DMARC_LINE)],
    ),
    (
        "dmarc alias to nothing",
        both(drop("_dmarc.example.org"), put("_dmarc.example.org", "CNAME", "dmarc.example.net.")),
        SETUP,
        "dmarc.missing",
        Status.WARNING,
        [remove("_dmarc.example.org. 3600 IN CNAME dmarc.example.net."), add(DMARC_LINE)],
    ),
    (
        "dmarc alias to a bad record",
        both(
            drop("_dmarc.example.org"),
            put("_dmarc.example.org", "CNAME", "dmarc.example.net."),
            put("dmarc.example.net", "TXT", "v=DMARC1; p=bogus"),
        ),
        SETUP,
        "dmarc.invalid",
        Status.ERROR,
        [remove("_dmarc.example.org. 3600 IN CNAME dmarc.example.net."), add(DMARC_LINE)],
    ),
    (
        "dmarc alias to two records",
        both(
            drop("_dmarc.example.org"),
            put("_dmarc.example.org", "CNAME", "dmarc.example.net."),
            put("dmarc.example.net", "TXT", "v=DMARC1; p=none", "v=DMARC1; p=reject"),
        ),
        SETUP,
        "dmarc.multiple_records",
        Status.ERROR,
        [remove("_dmarc.example.org. 3600 IN CNAME dmarc.example.net."), add(DMARC_LINE)],
    ),
    (
        "two dmarc",
        put("_dmarc.example.org", "TXT", "v=DMARC1; p=none", "v=DMARC1; p=reject"),
        SETUP,
        "dmarc.multiple_records",
        Status.ERROR,
        [remove('_dmarc.example.org. 3600 IN TXT "v=DMARC1; p=reject"')],
    ),
    (
        "two dmarc, the first invalid",
        put("_dmarc.example.org", "TXT", "v=DMARC1; p=bogus", "v=DMARC1; p=reject"),
        SETUP,
        "dmarc.multiple_records",
        Status.ERROR,
        [remove('_dmarc.example.org. 3600 IN TXT "v=DMARC1; p=bogus"')],
    ),
    (
        "two dmarc, none valid",
        put("_dmarc.example.org", "TXT", "v=DMARC1; p=bogus", "v=DMARC1; p=other"),
        SETUP,
        "dmarc.multiple_records",
        Status.ERROR,
        [
            remove('_dmarc.example.org. 3600 IN TXT "v=DMARC1; p=bogus"'),
            remove('_dmarc.example.org. 3600 IN TXT "v=DMARC1; p=other"'),
            add(DMARC_LINE),
        ],
    ),
    (
        "bad policy",
        put("_dmarc.example.org", "TXT", "v=DMARC1; p=bogus"),
        SETUP,
        "dmarc.invalid",
        Status.ERROR,
        [replace('_dmarc.example.org. 3600 IN TXT "v=DMARC1; p=bogus"', DMARC_LINE)],
    ),
    (
        "bad rua",
        put("_dmarc.example.org", "TXT", "v=DMARC1; p=reject; rua=nowhere"),
        SETUP,
        "dmarc.invalid",
        Status.ERROR,
        [
            replace(
                '_dmarc.example.org. 3600 IN TXT "v=DMARC1; p=reject; rua=nowhere"',
                '_dmarc.example.org. 3600 IN TXT "v=DMARC1; p=reject"',
            )
        ],
    ),
    (
        "unknown tag",
        put("_dmarc.example.org", "TXT", "v=DMARC1; p=quarantine; colour=blue"),
        SETUP,
        "dmarc.unknown_tag",
        Status.WARNING,
        [
            replace(
                '_dmarc.example.org. 3600 IN TXT "v=DMARC1; p=quarantine; colour=blue"',
                '_dmarc.example.org. 3600 IN TXT "v=DMARC1; p=quarantine"',
            )
        ],
    ),
    (
        "no policy tag",
        put("_dmarc.example.org", "TXT", "v=DMARC1; rua=mailto:d@example.org"),
        SETUP,
        "dmarc.missing_policy",
        Status.WARNING,
        [
            replace(
                '_dmarc.example.org. 3600 IN TXT "v=DMARC1; rua=mailto:d@example.org"',
                '_dmarc.example.org. 3600 IN TXT "v=DMARC1; p=none; rua=mailto:d@example.org"',
            )
        ],
    ),
    (
        "pct below 100",
        put("_dmarc.example.org", "TXT", "v=DMARC1; p=reject; pct=50"),
        SETUP,
        "dmarc.pct_ignored",
        Status.WARNING,
        [],
    ),
    (
        "reject",
        put("_dmarc.example.org", "TXT", "v=DMARC1; p=reject"),
        SETUP,
        "dmarc.ok",
        Status.OK,
        [],
    ),
]


@pytest.mark.parametrize(
    ("change", "setup", "code", "status", "fix"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_broken_domain(
    change: Callable[[Records], None],
    setup: DomainSetup,
    code: str,
    status: Status,
    fix: list[str],
) -> None:
    """Each broken record gives its code, its status and the exact zone lines that fix it."""
    found = finding(diagnose(change, setup), code)
    assert (status, fix) == (found.status, fix_text(found))
    assert found.message
    assert found.name.endswith(".")
    assert all(line.startswith(("add", "remove", "replace")) for line in fix_text(found))
    # A finding that asks for action has a fix, or says why there is none.
    if status is not Status.OK:
        assert bool(found.fix) != bool(found.fix_reason), found


@pytest.mark.parametrize(
    ("failures", "check", "code", "cause"),
    [
        ({DOMAIN: FailureCause.NO_NAMESERVER}, Check.DOMAIN, "dns.unknown", "no_nameserver"),
        ({(DOMAIN, "MX"): FailureCause.TIMEOUT}, Check.MX, "dns.unknown", "timeout"),
        ({(DOMAIN, "TXT"): FailureCause.SERVFAIL}, Check.SPF, "dns.unknown", "servfail"),
        ({("mx.ovh.com", "TXT"): FailureCause.TIMEOUT}, Check.SPF, "spf.temperror", "timeout"),
        (
            {("_autodiscover._tcp.example.org", "SRV"): FailureCause.REFUSED},
            Check.AUTODISCOVER,
            "dns.unknown",
            "refused",
        ),
        (
            {"autodiscover.example.org": FailureCause.MALFORMED},
            Check.AUTODISCOVER,
            "dns.unknown",
            "malformed",
        ),
        (
            {"ab1cd-check.example.org": FailureCause.TIMEOUT},
            Check.OWNERSHIP,
            "dns.unknown",
            "timeout",
        ),
        ({DKIM_NAME: FailureCause.SERVFAIL}, Check.DKIM, "dns.unknown", "servfail"),
        ({TARGET1: FailureCause.TIMEOUT}, Check.DKIM, "dns.unknown", "timeout"),
        ({"_dmarc.example.org": FailureCause.OTHER}, Check.DMARC, "dns.unknown", "other"),
    ],
)
def test_failure_is_unknown(
    failures: dict[str | tuple[str, str], FailureCause], check: Check, code: str, cause: str
) -> None:
    """A failed lookup gives UNKNOWN with its cause, never a missing record."""
    diagnosis = check_domain(SETUP, StaticSource(correct_records(), failures=failures))
    found = [f for f in diagnosis.of(check) if f.status is Status.UNKNOWN]
    assert [(code, cause)] == [(f.code, f.cause) for f in found]
    assert not any(f.code.endswith(".missing") for f in diagnosis.findings)
    assert not diagnosis.ok


def test_nested_include_failure_is_temperror() -> None:
    """A failing include inside the domain's record makes the evaluation UNKNOWN."""
    diagnosis = diagnose(
        put(DOMAIN, "TXT", "v=spf1 include:_spf.example.org include:mx.ovh.com ~all"),
        failures={"_spf.example.org": FailureCause.SERVFAIL},
    )
    found = finding(diagnosis, "spf.temperror")
    assert (Status.UNKNOWN, "servfail") == (found.status, found.cause)


def test_failure_after_the_provider_is_unknown_count() -> None:
    """An include after the provider's that fails leaves the lookup count UNKNOWN."""
    diagnosis = diagnose(
        put(DOMAIN, "TXT", "v=spf1 include:mx.ovh.com include:_spf.example.org ~all"),
        failures={"_spf.example.org": FailureCause.TIMEOUT},
    )
    assert ["spf.ok", "spf.temperror"] == [f.code for f in diagnosis.of(Check.SPF)]


def test_nxdomain_skips_the_other_checks() -> None:
    """A domain that does not exist is an error, and nothing else is checked."""
    diagnosis = check_domain(SETUP, StaticSource({}))
    assert [("domain.nxdomain", Status.ERROR)] + [("dns.skipped", Status.SKIPPED)] * 6 == [
        (f.code, f.status) for f in diagnosis.findings
    ]


def test_redirect_is_followed() -> None:
    """A redirect to a record that includes the provider passes."""
    diagnosis = diagnose(
        both(
            put(DOMAIN, "TXT", "v=spf1 redirect=_spf.example.org"),
            put("_spf.example.org", "TXT", "v=spf1 include:mx.ovh.com -all"),
        )
    )
    assert ["spf.ok"] == [f.code for f in diagnosis.of(Check.SPF)]


def test_permissive_all_and_missing_include_share_one_fix() -> None:
    """Two findings on one SPF record give one replacement that fixes both."""
    diagnosis = diagnose(put(DOMAIN, "TXT", "v=spf1 mx ?all"))
    assert ["spf.permissive_all", "spf.provider_not_authorized"] == [
        f.code for f in diagnosis.of(Check.SPF)
    ]
    assert 1 == len([line for line in diagnosis.fix if line.old.startswith("example.org.")])


def test_srv_without_server_number_accepts_any_service_host() -> None:
    """Without a server number, any pro<N> host is a right target."""
    setup = attrs.evolve(SETUP, server_number=None)
    records = correct_records(SETUP)
    diagnosis = check_domain(setup, StaticSource(records))
    assert ["srv.ok"] == [f.code for f in diagnosis.of(Check.AUTODISCOVER)]


def test_autodiscover_alias_to_the_service_host_is_fine() -> None:
    """autodiscover.<domain> as an alias of the service host does not shadow the SRV."""
    diagnosis = diagnose(put("autodiscover.example.org", "CNAME", "pro1.mail.ovh.net."))
    assert ["srv.ok"] == [f.code for f in diagnosis.of(Check.AUTODISCOVER)]


@pytest.mark.parametrize(
    ("target", "code"),
    [
        (TARGET1, "dkim.ok"),
        (f"{SELECTOR1}._domainkey.99.zz.dkim.mail.ovh.net", "dkim.ok"),
        ("ovhemp9-selector1._domainkey.1675.ac.dkim.mail.ovh.net", "dkim.wrong_target"),
    ],
)
def test_dkim_target_by_pattern(target: str, code: str) -> None:
    """Without the exact target, a CNAME matching the provider's pattern is right."""
    setup = attrs.evolve(SETUP, dkim_selectors=(DkimSelector(SELECTOR1),))
    diagnosis = diagnose(put(DKIM_NAME, "CNAME", target + "."), setup)
    assert code == diagnosis.of(Check.DKIM)[0].code


@pytest.mark.parametrize(
    ("record", "bits", "kind"),
    [
        ("2048_testkey_wo_markers.pub.txt", 2048, "rsa"),
        ("2048_testkey_wo_markers.pub.rsa.txt", 2048, "rsa"),
        ("2048_testkey_PKCS8.key.pub.txt", 2048, "rsa"),
        ("eximtest.dns", 256, "ed25519"),
        ("ed25519test.dns", 256, "ed25519"),
    ],
)
def test_dkim_peer_keys_that_pass(record: str, bits: int, kind: str) -> None:
    """The dkimpy keys that verify mail give dkim.key_ok with their size."""
    diagnosis = diagnose(put(TARGET1, "TXT", peer_key(record)))
    found = finding(diagnosis, "dkim.key_ok", TARGET1 + ".")
    assert f"a {bits}-bit {kind} key" in found.message


def test_dkim_key_text_of_several_strings() -> None:
    """A key split over character-strings is read joined (RFC 6376 §3.6.2.2)."""
    key = peer_key("2048_testkey_wo_markers.pub.txt")
    records = changed(nothing)
    source = StaticSource({**records, TARGET1: {"TXT": (key[:200], key[200:])}})
    assert 2 == check_domain(SETUP, source).codes.count("dkim.key_ok")


# (id, change, code, fix lines): more cases, where a fix cannot be derived or is partial.
MORE: list[tuple[str, Callable[[Records], None], str, list[str]]] = [
    (
        "two spf, one with a modifier",
        put(DOMAIN, "TXT", "v=spf1 redirect=_spf.example.org", "v=spf1 -all"),
        "spf.multiple_records",
        [
            remove('example.org. 3600 IN TXT "v=spf1 redirect=_spf.example.org"'),
            remove('example.org. 3600 IN TXT "v=spf1 -all"'),
            # The redirect becomes an include; _spf.example.org has no record, so the
            # provider's include goes first to pass its mail whatever happens after.
            'add     example.org. 3600 IN TXT "v=spf1 include:mx.ovh.com '
            'include:_spf.example.org -all"',
        ],
    ),
    (
        "two spf, one invalid",
        put(DOMAIN, "TXT", "v=spf1 ip4:1.2.3 -all", "v=spf1 -all"),
        "spf.multiple_records",
        [
            remove('example.org. 3600 IN TXT "v=spf1 ip4:1.2.3 -all"'),
            remove('example.org. 3600 IN TXT "v=spf1 -all"'),
            'add     example.org. 3600 IN TXT "v=spf1 include:mx.ovh.com -all"',
        ],
    ),
    (
        "two spf, one with a qualified include",
        put(DOMAIN, "TXT", "v=spf1 -include:mx.ovh.com", "v=spf1 mx ~all"),
        "spf.multiple_records",
        [
            remove('example.org. 3600 IN TXT "v=spf1 -include:mx.ovh.com"'),
            remove('example.org. 3600 IN TXT "v=spf1 mx ~all"'),
            'add     example.org. 3600 IN TXT "v=spf1 mx include:mx.ovh.com ~all"',
        ],
    ),
    (
        "provider excluded first",
        put(DOMAIN, "TXT", "v=spf1 -ip4:198.51.100.0/24 include:mx.ovh.com ~all"),
        "spf.provider_not_authorized",
        [
            replace(
                'example.org. 3600 IN TXT "v=spf1 -ip4:198.51.100.0/24 include:mx.ovh.com ~all"',
                'example.org. 3600 IN TXT "v=spf1 include:mx.ovh.com -ip4:198.51.100.0/24 ~all"',
            )
        ],
    ),
    (
        "include qualified",
        put(DOMAIN, "TXT", "v=spf1 ?include:mx.ovh.com -all"),
        "spf.provider_not_authorized",
        [
            replace(
                'example.org. 3600 IN TXT "v=spf1 ?include:mx.ovh.com -all"',
                'example.org. 3600 IN TXT "v=spf1 include:mx.ovh.com -all"',
            )
        ],
    ),
    (
        "right and wrong srv",
        put(
            "_autodiscover._tcp.example.org",
            "SRV",
            "0 0 443 pro1.mail.ovh.net.",
            "10 0 443 pro7.mail.ovh.net.",
        ),
        "srv.wrong_target",
        [remove("_autodiscover._tcp.example.org. 3600 IN SRV 10 0 443 pro7.mail.ovh.net.")],
    ),
]


@pytest.mark.parametrize(("change", "code", "fix"), [pytest.param(*c[1:], id=c[0]) for c in MORE])
def test_partial_fixes(change: Callable[[Records], None], code: str, fix: list[str]) -> None:
    """Where no safe rewrite exists the message says what to do, and no line is invented."""
    found = finding(diagnose(change), code)
    assert (Status.ERROR, fix) == (found.status, fix_text(found))


def test_foreign_host_address_unknown() -> None:
    """A foreign MX host whose address lookup fails is UNKNOWN, not 'no address'."""
    diagnosis = diagnose(_foreign_mx, failures={"mail.example.net": FailureCause.SERVFAIL})
    found = [f for f in diagnosis.of(Check.MX) if f.status is Status.UNKNOWN]
    assert [("dns.unknown", "servfail")] == [(f.code, f.cause) for f in found]
    assert "mx.no_address" not in diagnosis.codes


def test_record_dnspython_cannot_present() -> None:
    """An observed value no zone file can hold is still shown, as it is."""
    from emailpro_core.sources._answers import MX

    records = changed(nothing)
    source = StaticSource({**records, DOMAIN: {**records[DOMAIN], "MX": [MX(10, "a b")]}})
    found = finding(check_domain(SETUP, source), "mx.missing")
    assert "remove  example.org. 3600 IN MX 10 a b." == fix_text(found)[0]


@pytest.mark.parametrize(
    ("provider", "space"),
    [
        ({"mx.ovh.com": {"TXT": ["v=spf1 ip4:198.51.100.7 -all"]}}, "198.51.100.7/32"),
        ({"mx.ovh.com": {"TXT": ["v=spf1 ip6:2001:db8:1::/48 -all"]}}, "2001:db8:1::/48"),
        (
            {
                "mx.ovh.com": {"TXT": ["v=spf1 redirect=_s.ovh.com"]},
                "_s.ovh.com": {"TXT": ["v=spf1 ip4:203.0.113.0/31 -all"]},
            },
            "203.0.113.0/31",
        ),
        (
            {
                "mx.ovh.com": {"TXT": ["v=spf1 -ip4:198.51.100.0/25 include:_s.ovh.com -all"]},
                "_s.ovh.com": {"TXT": ["v=spf1 ip4:198.51.100.0/24 ip4:203.0.113.9 -all"]},
            },
            "198.51.100.128/25, 203.0.113.9/32",
        ),
    ],
)
def test_provider_space_is_learned(provider: Records, space: str) -> None:
    """The sending space is what the include passes, nested records followed, exclusions out."""
    diagnosis = diagnose(lambda records: records.update(provider))
    found = finding(diagnosis, "spf.ok")
    assert f"({space} of mx.ovh.com)" in found.message


def test_provider_check_that_fails_is_temperror() -> None:
    """When the include itself cannot be evaluated, the SPF evaluation is UNKNOWN."""
    provider = {"mx.ovh.com": {"TXT": ["v=spf1 a:broken.ovh.com ip4:198.51.100.0/24 -all"]}}
    diagnosis = diagnose(
        lambda records: records.update(provider),
        failures={"broken.ovh.com": FailureCause.TIMEOUT},
    )
    found = finding(diagnosis, "spf.temperror")
    assert (Status.UNKNOWN, "timeout") == (found.status, found.cause)


@pytest.mark.parametrize(
    ("published", "shown"),
    [
        ('"v=DMARC1; " "p=bogus"', '"v=DMARC1; " "p=bogus"'),
        ('"v=DMARC1; p=bogus"', '"v=DMARC1; p=bogus"'),
        ('"v=DMARC1; p=bogus; rua=mailto:d@example.org" ""', None),
    ],
)
def test_split_txt_is_named_as_published(published: str, shown: str | None) -> None:
    """A fix removes or replaces a TXT record by its character-strings as published."""
    zone = ZoneSource.from_text(
        f"@ 300 SOA ns1 hm 1 2 3 4 5\n@ 300 NS ns1\n_dmarc 300 TXT {published}\n",
        origin="example.org",
    )
    found = finding(check_domain(SETUP, zone), "dmarc.invalid")
    (fix,) = found.fix
    assert f"_dmarc.example.org. 300 IN TXT {shown or published}" == fix.old
    assert found.observed == (fix.old,)
