"""Generated test domains for the benchmarks: correct ones and ones with one known defect.

Every domain ``d<index>.test`` (RFC 6761 reserves ``.test``) has its own zone and
its own account: a server number, an ownership token, and two DKIM selectors whose
CNAME targets (and keys) are its own. A share of the domains (``broken_share``)
carries exactly one :class:`Defect` (:func:`defect_of`), and the checker must report
exactly that defect's finding code on those domains and nothing but ``OK``
findings on the others: :func:`assert_findings` counts them.

The same records are available in three forms, all built from one description:
``StaticSource`` records (:meth:`BenchDomain.static_records`), zone text for NSD or
``ZoneSource`` (:meth:`BenchDomain.zone_text`), and the provider's own records
(:func:`provider_records`, :func:`provider_zones`). Generation is deterministic
(``seed``) and lazy, so a million domains cost nothing until read;
:class:`GeneratedSource` answers for any of them on demand.
"""

from __future__ import annotations

import base64
import enum
import random
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from emailpro_core.checker._diagnosis import Diagnosis
from emailpro_core.checker._findings import Status
from emailpro_core.records import expected_records
from emailpro_core.records._setup import DkimSelector, DomainSetup
from emailpro_core.sources._answers import Answer
from emailpro_core.sources._static import StaticSource

__all__ = [
    "PROVIDER_SPF",
    "SUFFIX",
    "BenchDomain",
    "Defect",
    "GeneratedSource",
    "Records",
    "assert_findings",
    "defect_of",
    "domain_name",
    "expected_counts",
    "generate",
    "index_of",
    "make_domain",
    "provider_records",
    "provider_zones",
    "quoted_txt",
    "setup_of",
    "verify",
]

#: owner name → type → values in presentation form (TXT: the text, unquoted).
Records = dict[str, dict[str, list[str]]]

#: The reserved top-level domain the generated domains live under (RFC 6761 §6.2).
SUFFIX = "test"
#: The provider's SPF include (``mx.ovh.com``), with one network the checker
#: takes a sending address from; the real record lists more networks.
PROVIDER_SPF = "v=spf1 ip4:198.51.100.0/24 -all"
#: Addresses of the provider's hosts in the generated provider zone (TEST-NET-2).
_PROVIDER_ADDRESS = "198.51.100.10"
_SERVERS = 9  # pro1 .. pro9
_ACCOUNT_BASE = 100000  # the account number in DKIM selector names is this + index
_TOKEN_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


class Defect(enum.Enum):
    """One thing wrong with a domain, and the finding code the checker must give for it."""

    NONE = ""
    MX_MISSING = "mx.missing"
    MX_FOREIGN = "mx.foreign"
    SPF_MISSING = "spf.missing"
    SPF_MULTIPLE = "spf.multiple_records"
    SRV_MISSING = "srv.missing"
    SRV_WRONG_PORT = "srv.wrong_port"
    OWNERSHIP_MISSING = "ownership.missing"
    DKIM_MISSING = "dkim.missing"
    DMARC_MISSING = "dmarc.missing"
    NXDOMAIN = "domain.nxdomain"

    @property
    def code(self) -> str:
        """The one non-``OK`` finding code a domain with this defect gets (empty: none)."""
        return self.value


#: The defects injected, in turn, into the broken share of the domains.
INJECTED: tuple[Defect, ...] = tuple(d for d in Defect if d is not Defect.NONE)


def domain_name(index: int) -> str:
    """The name of generated domain ``index``."""
    return f"d{index:07d}.{SUFFIX}"


def _der(tag: int, content: bytes) -> bytes:
    # ASN.1 DER: tag, definite length (X.690 §8.1.3), content.
    size = len(content)
    if size < 0x80:
        return bytes([tag, size]) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + content


def _dkim_key(seed: int, bits: int = 2048) -> str:
    """A DKIM key record (RFC 6376 §3.6.1) with a made-up RSA modulus of ``bits`` bits."""
    modulus = (1 << (bits - 1)) | (seed << 16) | 1
    integer = modulus.to_bytes(modulus.bit_length() // 8 + 1, "big")
    exponent = (65537).to_bytes(3, "big")
    rsa_key = _der(0x30, _der(0x02, integer) + _der(0x02, exponent))
    algorithm = _der(0x30, bytes.fromhex("06092a864886f70d010101") + b"\x05\x00")
    spki = _der(0x30, algorithm + _der(0x03, b"\x00" + rsa_key))
    return f"v=DKIM1; k=rsa; p={base64.b64encode(spki).decode()}"


def quoted_txt(text: str) -> str:
    """TXT text as master-file character-strings of at most 255 octets (RFC 1035 §5.1)."""
    escaped = [
        text[i : i + 255].replace("\\", "\\\\").replace('"', '\\"')
        for i in range(0, len(text), 255)
    ]
    return " ".join(f'"{chunk}"' for chunk in escaped)


@dataclass(frozen=True)
class BenchDomain:
    """One generated domain.

    Attributes:
        index: Its number.
        zone: The zone it lives in (its own apex).
        setup: What the provider knows of it; for :attr:`Defect.NXDOMAIN` the
            setup names a domain that does not exist inside :attr:`zone`.
        defect: The defect injected (``NONE``: a correct domain).
        records: Its zone's records (owner → type → values), defect applied.
        keys: The provider-side DKIM key records its selectors lead to.
    """

    index: int
    zone: str
    setup: DomainSetup
    defect: Defect
    records: Records
    keys: dict[str, str]

    @property
    def name(self) -> str:
        """The domain checked (the setup's domain)."""
        return self.setup.domain.ascii

    def static_records(self) -> Records:
        """Its zone's records, in the form ``StaticSource`` takes."""
        return self.records

    def zone_text(self, *, ttl: int = 3600) -> str:
        """Its zone as master-file text, with an SOA and NS at the apex."""
        apex = self.zone + "."
        lines = [
            f"$ORIGIN {apex}",
            f"$TTL {ttl}",
            f"@ SOA ns1.{apex} hostmaster.{apex} 1 3600 600 86400 300",
            f"@ NS ns1.{apex}",
            "ns1 A 127.0.0.1",
        ]
        for owner, by_type in self.records.items():
            for rdtype, values in by_type.items():
                for value in values:
                    shown = quoted_txt(value) if rdtype == "TXT" else value
                    lines.append(f"{owner}. {rdtype} {shown}")
        return "\n".join(lines) + "\n"


def _setup(index: int, rng: random.Random, name: str) -> DomainSetup:
    account = _ACCOUNT_BASE + index
    targets = [
        f"ovhemp{account}-selector{n}._domainkey.{index % 9000 + 1000}.ac.dkim.mail.ovh.net"
        for n in (1, 2)
    ]
    return DomainSetup(
        name,
        server_number=rng.randint(1, _SERVERS),
        ownership_token="".join(rng.choice(_TOKEN_ALPHABET) for _ in range(5)),
        dkim_selectors=tuple(
            DkimSelector(f"ovhemp{account}-selector{n}", target)
            for n, target in zip((1, 2), targets, strict=True)
        ),
    )


def _correct(setup: DomainSetup) -> Records:
    records: Records = {}
    for record in expected_records(setup):
        if record.value is not None:
            records.setdefault(record.name, {}).setdefault(record.type, []).append(record.value)
    return records


def _inject(records: Records, defect: Defect, setup: DomainSetup) -> None:
    apex = setup.domain.ascii
    srv = f"_autodiscover._tcp.{apex}"
    if defect is Defect.MX_MISSING:
        del records[apex]["MX"]
    elif defect is Defect.MX_FOREIGN:
        # A host of the domain's own, with an address, beside the provider's:
        # part of the mail goes elsewhere.
        records[apex]["MX"].append(f"10 mx.{apex}.")
        records[f"mx.{apex}"] = {"A": ["192.0.2.25"]}
    elif defect is Defect.SPF_MISSING:
        del records[apex]["TXT"]
    elif defect is Defect.SPF_MULTIPLE:
        records[apex]["TXT"].append("v=spf1 mx -all")
    elif defect is Defect.SRV_MISSING:
        del records[srv]
    elif defect is Defect.SRV_WRONG_PORT:
        records[srv]["SRV"] = [records[srv]["SRV"][0].replace(" 443 ", " 444 ")]
    elif defect is Defect.OWNERSHIP_MISSING:
        del records[f"{setup.ownership_token}-check.{apex}"]
    elif defect is Defect.DKIM_MISSING:
        del records[f"{setup.dkim_selectors[0].name}._domainkey.{apex}"]
    elif defect is Defect.DMARC_MISSING:
        del records[f"_dmarc.{apex}"]


def setup_of(index: int, defect: Defect = Defect.NONE, *, seed: int = 0) -> DomainSetup:
    """The setup of generated domain ``index`` (the same as :func:`make_domain`'s), alone."""
    rng = random.Random(seed * 1_000_003 + index)
    zone = domain_name(index)
    # An NXDOMAIN domain is a name that does not exist inside a served zone.
    checked = f"gone.{zone}" if defect is Defect.NXDOMAIN else zone
    return _setup(index, rng, checked)


def make_domain(index: int, defect: Defect = Defect.NONE, *, seed: int = 0) -> BenchDomain:
    """Generated domain ``index`` with ``defect`` injected (deterministic in both)."""
    zone = domain_name(index)
    setup = setup_of(index, defect, seed=seed)
    records = _correct(setup)
    keys = {
        s.target: _dkim_key(index * 2 + n) for n, s in enumerate(setup.dkim_selectors) if s.target
    }
    if defect is Defect.NXDOMAIN:
        records = {}
    else:
        _inject(records, defect, setup)
    return BenchDomain(index, zone, setup, defect, records, keys)


def defect_of(index: int, *, seed: int = 0, broken_share: float = 0.25) -> Defect:
    """The defect of generated domain ``index`` (deterministic in ``seed`` and ``index``).

    ``NONE``, or with probability ``broken_share`` one of :data:`INJECTED`,
    drawn at random: each defect appears about as often as the others.
    """
    rng = random.Random(f"defect:{seed}:{index}")
    if rng.random() >= broken_share:
        return Defect.NONE
    return INJECTED[rng.randrange(len(INJECTED))]


def generate(
    count: int, *, start: int = 0, seed: int = 0, broken_share: float = 0.25
) -> Iterator[BenchDomain]:
    """Domains ``start`` .. ``start + count - 1``, lazily, with :func:`defect_of` injected."""
    for index in range(start, start + count):
        yield make_domain(index, defect_of(index, seed=seed, broken_share=broken_share), seed=seed)


def provider_records(domains: Iterable[BenchDomain] = ()) -> Records:
    """The provider's records: its hosts, its SPF include, and the DKIM keys of ``domains``."""
    records: Records = {
        "mx.ovh.com": {"TXT": [PROVIDER_SPF]},
        "ovh.com": {"A": [_PROVIDER_ADDRESS]},
    }
    for n in range(5):
        records[f"mx{n}.mail.ovh.net"] = {"A": [_PROVIDER_ADDRESS]}
    for n in range(1, _SERVERS + 1):
        records[f"pro{n}.mail.ovh.net"] = {"A": [_PROVIDER_ADDRESS]}
    for domain in domains:
        for target, key in domain.keys.items():
            records[target] = {"TXT": [key]}
    return records


def provider_zones(domains: Iterable[BenchDomain]) -> dict[str, str]:
    """Zone texts for ``ovh.com`` and ``mail.ovh.net`` with :func:`provider_records`."""
    texts: dict[str, list[str]] = {"ovh.com": [], "mail.ovh.net": []}
    for owner, by_type in provider_records(domains).items():
        zone = "ovh.com" if owner.endswith("ovh.com") else "mail.ovh.net"
        for rdtype, values in by_type.items():
            for value in values:
                shown = quoted_txt(value) if rdtype == "TXT" else value
                texts[zone].append(f"{owner}. {rdtype} {shown}")
    zones = {}
    for zone, lines in texts.items():
        apex = zone + "."
        header = [
            f"$ORIGIN {apex}",
            "$TTL 3600",
            f"@ SOA ns1.{apex} hostmaster.{apex} 1 3600 600 86400 300",
            f"@ NS ns1.{apex}",
            "ns1 A 127.0.0.1",
        ]
        zones[zone] = "\n".join(header + lines) + "\n"
    return zones


def expected_counts(domains: Iterable[BenchDomain]) -> Counter[str]:
    """How many findings of each code the injected defects must give."""
    return Counter(d.defect.code for d in domains if d.defect is not Defect.NONE)


def verify(diagnosis: Diagnosis, defect: Defect) -> str | None:
    """The code a diagnosis found for its domain's injected ``defect`` (``None`` for none).

    A correct domain must have only ``OK`` findings; a broken one exactly one
    finding that is neither ``OK`` nor ``SKIPPED``, with its defect's code.

    Raises:
        AssertionError: the diagnosis says something else (the findings and
            their causes are named).
    """
    bad = [f for f in diagnosis.findings if f.status not in (Status.OK, Status.SKIPPED)]
    wanted = [defect.code] if defect is not Defect.NONE else []
    if [f.code for f in bad] != wanted:
        shown = [f.code + (f" ({f.cause})" if f.cause else "") for f in bad]
        raise AssertionError(f"{diagnosis.domain} ({defect.name}): found {shown}, want {wanted}")
    return wanted[0] if wanted else None


def assert_findings(diagnoses: Iterable[Diagnosis], defects: Mapping[str, Defect]) -> Counter[str]:
    """:func:`verify` every diagnosis against ``defects`` (domain → defect); count the codes.

    Raises:
        AssertionError: a diagnosis differs from its defect, a domain is not
            in ``defects``, is diagnosed twice, or is not diagnosed at all.
    """
    found: Counter[str] = Counter()
    seen: set[str] = set()
    for diagnosis in diagnoses:
        defect = defects.get(diagnosis.domain)
        if defect is None:
            raise AssertionError(f"{diagnosis.domain}: not a generated domain")
        if diagnosis.domain in seen:
            raise AssertionError(f"{diagnosis.domain}: diagnosed twice")
        seen.add(diagnosis.domain)
        code = verify(diagnosis, defect)
        if code is not None:
            found[code] += 1
    missing = set(defects) - seen
    if missing:
        raise AssertionError(f"{len(missing)} domains not diagnosed, e.g. {min(missing)}")
    return found


def index_of(name: str) -> int | None:
    """The index of the generated domain ``name`` belongs to (its zone or DKIM key), or ``None``."""
    labels = name.rstrip(".").lower().split(".")
    if len(labels) >= 2 and labels[-1] == SUFFIX and labels[-2][1:].isdigit():
        return int(labels[-2][1:])
    if name.endswith(".dkim.mail.ovh.net") and labels[0].startswith("ovhemp"):
        account = labels[0].removeprefix("ovhemp").partition("-")[0]
        return int(account) - _ACCOUNT_BASE if account.isdigit() else None
    return None


class GeneratedSource:
    """An offline source for any number of generated domains, built on demand.

    A lookup finds the domain a name belongs to (:func:`index_of`), builds its
    records (and its DKIM keys) as :func:`generate` would, and answers from a
    ``StaticSource`` of them; only the ``keep`` most recently used domains stay
    in memory, so a stream of a million domains holds a few hundred at a time.
    """

    def __init__(self, *, seed: int = 0, broken_share: float = 0.25, keep: int = 1024) -> None:
        self._seed = seed
        self._share = broken_share
        self._keep = keep
        self._provider = StaticSource(provider_records())
        self._recent: OrderedDict[int, StaticSource] = OrderedDict()
        self.built = 0

    def _source(self, name: str) -> StaticSource:
        index = index_of(name)
        if index is None:
            return self._provider
        source = self._recent.get(index)
        if source is None:
            defect = defect_of(index, seed=self._seed, broken_share=self._share)
            domain = make_domain(index, defect, seed=self._seed)
            source = StaticSource({**domain.records, **provider_records([domain])})
            self.built += 1
            self._recent[index] = source
            if len(self._recent) > self._keep:
                self._recent.popitem(last=False)
        else:
            self._recent.move_to_end(index)
        return source

    def lookup(self, name: str, rdtype: str, /) -> Answer:
        """The answer from the domain's records (or the provider's)."""
        return self._source(name).lookup(name, rdtype)

    async def lookup_async(self, name: str, rdtype: str, /) -> Answer:
        """The same answer as :meth:`lookup`."""
        return self.lookup(name, rdtype)
