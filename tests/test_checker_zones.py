"""The records of a correct domain, the broken variants the checker tests use, and the OK case.

Every checker test (unit, property, integration, fault injection) starts from
:func:`correct_records`: the records ``expected_records`` lists for a setup, the
provider's SPF include, and the DKIM keys behind the selectors' targets. A broken
case is a function that changes those records.
"""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable

from conftest import PEER_SUITES
from emailpro_core.checker import Status, check_domain
from emailpro_core.dkim._dkim import parse_dkim_key
from emailpro_core.records import expected_records
from emailpro_core.records._setup import DkimSelector, DomainSetup
from emailpro_core.records._zonetext import to_rdata
from emailpro_core.sources._static import StaticSource

#: owner name → type → record values (the form ``StaticSource`` takes).
Records = dict[str, dict[str, list[str]]]

DOMAIN = "example.org"
SELECTOR1 = "ovhemp123456-selector1"
SELECTOR2 = "ovhemp123456-selector2"
TARGET1 = f"{SELECTOR1}._domainkey.1675.ac.dkim.mail.ovh.net"
TARGET2 = f"{SELECTOR2}._domainkey.1675.ac.dkim.mail.ovh.net"
#: The provider's include, with one network the checker takes an address from.
PROVIDER_SPF = "v=spf1 ip4:198.51.100.0/24 -all"
PROVIDER_ADDRESS = "198.51.100.1"

SETUP = DomainSetup(
    DOMAIN,
    server_number=1,
    ownership_token="ab1cd",
    dkim_selectors=(DkimSelector(SELECTOR1, TARGET1), DkimSelector(SELECTOR2, TARGET2)),
)


def peer_key(name: str) -> str:
    """A DKIM key record from the dkimpy vectors in the peer suites."""
    return (PEER_SUITES / "dkim" / name).read_text().strip()


def _der(tag: int, content: bytes) -> bytes:
    size = len(content)
    if size < 0x80:
        return bytes([tag, size]) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + content


def _integer(value: int) -> bytes:
    # A positive INTEGER: a leading zero octet when the top bit is set (X.690 §8.3).
    return _der(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def rsa_key_record(bits: int) -> str:
    """A DKIM key record whose RSA modulus has ``bits`` bits (a made-up modulus)."""
    modulus = (1 << (bits - 1)) | 0xFFFF | 1
    rsa_key = _der(0x30, _integer(modulus) + _integer(65537))
    algorithm = _der(0x30, bytes.fromhex("06092a864886f70d010101") + b"\x05\x00")
    spki = _der(0x30, algorithm + _der(0x03, b"\x00" + rsa_key))
    return f"v=DKIM1; k=rsa; p={base64.b64encode(spki).decode()}"


def correct_records(setup: DomainSetup = SETUP) -> Records:
    """Everything a correct domain and the provider publish for ``setup``."""
    records: Records = {}
    for record in expected_records(setup):
        if record.value is not None:
            records.setdefault(record.name, {}).setdefault(record.type, []).append(record.value)
    records["mx.ovh.com"] = {"TXT": [PROVIDER_SPF]}
    for selector in setup.dkim_selectors:
        if selector.target is not None:
            records[selector.target] = {"TXT": [peer_key("2048_testkey_wo_markers.pub.txt")]}
    return records


def changed(mutate: Callable[[Records], None], setup: DomainSetup = SETUP) -> Records:
    """The correct records of ``setup`` after ``mutate`` changed a copy of them."""
    records = copy.deepcopy(correct_records(setup))
    mutate(records)
    return records


def test_correct_domain_is_all_ok() -> None:
    """A domain with every expected record, and the provider's records, is all OK."""
    diagnosis = check_domain(SETUP, StaticSource(correct_records()))
    assert [(f.check.value, f.status, f.code) for f in diagnosis.findings] == [
        ("domain", Status.OK, "domain.ok"),
        ("mx", Status.OK, "mx.ok"),
        ("spf", Status.OK, "spf.ok"),
        ("autodiscover", Status.OK, "srv.ok"),
        ("ownership", Status.OK, "ownership.ok"),
        ("dkim", Status.OK, "dkim.ok"),
        ("dkim", Status.OK, "dkim.key_ok"),
        ("dkim", Status.OK, "dkim.ok"),
        ("dkim", Status.OK, "dkim.key_ok"),
        ("dmarc", Status.OK, "dmarc.policy_none"),
    ]
    assert diagnosis.ok
    assert diagnosis.worst is Status.OK
    assert diagnosis.fix == ()


def test_rsa_key_record_has_the_size_asked() -> None:
    """The made-up keys the tests use parse to the size asked."""
    for bits in (512, 1023, 2048):
        parsed = parse_dkim_key(rsa_key_record(bits))
        assert parsed.key is not None
        assert bits == parsed.key.key_bits


def presentation(records: Records) -> dict[str, dict[str, list[str]]]:
    """The records in master-file presentation (TXT values quoted), for DNS servers."""
    return {
        name: {
            rdtype: [to_rdata(rdtype, value).to_text() for value in values]
            for rdtype, values in types.items()
        }
        for name, types in records.items()
    }
