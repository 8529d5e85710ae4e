"""DKIM key records (RFC 6376 §3.6.1, RFC 8463, RFC 8301): peer vectors and rule tables."""

from __future__ import annotations

import base64

import pytest

from conftest import PEER_SUITES
from emailpro_core.dkim._dkim import (
    MIN_RSA_BITS,
    RECOMMENDED_RSA_BITS,
    DkimKey,
    DkimKeyParse,
    DkimKeyType,
    dkim_key_strength,
    parse_dkim_key,
)

DKIM_SUITE = PEER_SUITES / "dkim"
RSA_OID = bytes.fromhex("2a864886f70d010101")
ED25519_OID = bytes.fromhex("2b6570")
ED25519_KEY = base64.b64encode(bytes(range(32))).decode()


def der(tag: int, content: bytes) -> bytes:
    """One DER element (X.690 §8.1), with the shortest length form."""
    size = len(content)
    if size < 0x80:
        return bytes([tag, size]) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + content


def der_int(value: int) -> bytes:
    """A DER INTEGER for a non-negative value (a leading zero keeps it positive)."""
    return der(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def pkcs1(modulus: int, exponent: int = 65537) -> bytes:
    """RSAPublicKey (RFC 8017 A.1.1)."""
    return der(0x30, der_int(modulus) + der_int(exponent))


def spki(key: bytes, oid: bytes = RSA_OID, params: bytes = b"\x05\x00") -> bytes:
    """SubjectPublicKeyInfo (RFC 5280 §4.1) around a key."""
    return der(0x30, der(0x30, der(0x06, oid) + params) + der(0x03, b"\x00" + key))


def b64(data: bytes) -> str:
    """Base64 text, as in p=."""
    return base64.b64encode(data).decode()


MOD_1024 = (1 << 1023) | 0xFFFF  # a 1024-bit odd number: a key size, not a real key


# file → (key type, bits, version, codes); None key type: no key at all.
PEER_EXPECTATIONS: dict[str, tuple[str | None, int | None, str | None, tuple[str, ...]]] = {
    "test.txt": ("rsa", 1024, "DKIM1", ()),
    "test2.txt": ("rsa", 1024, "DKIM1", ()),
    "badversion.txt": (None, None, None, ("dkim.bad_version",)),
    "badk.txt": (None, None, None, ("dkim.unknown_key_type",)),
    "test_bad.txt": (None, None, None, ("dkim.bad_key",)),
    "test_tlsrpt.txt": ("rsa", 1024, "DKIM1", ("dkim.not_for_email",)),
    "ed25519test.dns": ("ed25519", 256, None, ()),
    "eximtest.dns": ("ed25519", 256, "DKIM1", ()),
    "1024_testkey_wo_markers.pub.txt": ("rsa", 1024, "DKIM1", ()),
    "1024_testkey_wo_markers.pub.rsa.txt": ("rsa", 1024, "DKIM1", ()),
    "2048_testkey_wo_markers.pub.txt": ("rsa", 2048, "DKIM1", ()),
    "2048_testkey_wo_markers.pub.rsa.txt": ("rsa", 2048, "DKIM1", ()),
    "2048_testkey_PKCS8.key.pub.txt": ("rsa", 2048, "DKIM1", ()),
}


def test_every_peer_file_has_an_expectation() -> None:
    """Each key-record file of the peer suite is covered by the table below."""
    files = {path.name for path in DKIM_SUITE.iterdir() if "LICENSE" not in path.name}
    assert files == set(PEER_EXPECTATIONS)


@pytest.mark.parametrize(("name", "expected"), sorted(PEER_EXPECTATIONS.items()))
def test_peer_suite(
    name: str, expected: tuple[str | None, int | None, str | None, tuple[str, ...]]
) -> None:
    """dkimpy's key records parse to the versions, types, sizes and rejections it expects."""
    parsed = parse_dkim_key((DKIM_SUITE / name).read_text())
    key = parsed.key
    actual = (
        key.key_type.value if key else None,
        key.key_bits if key else None,
        key.version if key else None,
        parsed.codes,
    )
    assert actual == expected


def test_peer_pkcs1_and_spki_agree() -> None:
    """A bare PKCS#1 key and its SPKI form give the same key."""
    for size in (1024, 2048):
        bare = parse_dkim_key((DKIM_SUITE / f"{size}_testkey_wo_markers.pub.rsa.txt").read_text())
        wrapped = parse_dkim_key((DKIM_SUITE / f"{size}_testkey_wo_markers.pub.txt").read_text())
        assert bare == wrapped


@pytest.mark.parametrize(
    ("record", "codes"),
    [
        # RFC 6376 §3.2 tag-list syntax
        ("", ("dkim.missing_key",)),
        (" ; ", ("dkim.syntax",)),
        ("k=ed25519; p=" + ED25519_KEY.replace("A", "A\r\n "), ()),  # FWS inside p=
        ("v=DKIM1; k=rsa", ("dkim.missing_key",)),
        ("v=DKIM1; p", ("dkim.syntax",)),
        ("v=DKIM1;; p=" + ED25519_KEY, ("dkim.syntax",)),
        ("1v=DKIM1; p=x", ("dkim.syntax",)),
        ("v=DKIM1; k=ed25519; p=\x00", ("dkim.syntax",)),
        ("v=DKIM1; n=caf\u00e9; p=x", ("dkim.syntax",)),
        ("v=DKIM1; n=\ud800; p=x", ("dkim.syntax",)),
        ("v=DKIM1; =x; q; p=x", ("dkim.syntax", "dkim.syntax")),
        ("v=DKIM1; p=x; p=y", ("dkim.duplicate_tag",)),
        ("v=DKIM1; k=rsa; k=rsa; p=x; p", ("dkim.duplicate_tag", "dkim.syntax")),
        # v= (RFC 6376 §3.6.1): exactly DKIM1, and first
        ("v=DKIM2; p=x", ("dkim.bad_version",)),
        ("v=dkim1; p=x", ("dkim.bad_version",)),
        ("v=; p=x", ("dkim.bad_version",)),
        ("k=ed25519; v=DKIM1; p=" + ED25519_KEY, ("dkim.bad_version",)),
        # k= (RFC 6376 §3.6.1, RFC 8463 §4.2)
        ("k=dsa; p=x", ("dkim.unknown_key_type",)),
        ("k=; p=x", ("dkim.unknown_key_type",)),
        ("k=ED25519; p=" + ED25519_KEY, ()),
        # p=
        ("v=DKIM1; p=", ("dkim.revoked",)),
        ("v=DKIM1; p= \t ", ("dkim.revoked",)),
        ("v=DKIM1; p=!!!!", ("dkim.bad_key",)),
        ("v=DKIM1; p=AAA", ("dkim.bad_key",)),
        ("k=ed25519; p=" + b64(bytes(31)), ("dkim.bad_key",)),
        ("k=ed25519; p=" + b64(spki(bytes(32), ED25519_OID, b"")), ("dkim.bad_key",)),
        ("k=rsa; p=" + ED25519_KEY, ("dkim.bad_key",)),
        # s= (RFC 6376 §3.6.1, RFC 8460 §3)
        ("s=tlsrpt; k=ed25519; p=" + ED25519_KEY, ("dkim.not_for_email",)),
        ("s=tlsrpt:email; k=ed25519; p=" + ED25519_KEY, ()),
        ("s=*; k=ed25519; p=" + ED25519_KEY, ()),
        ("s=; k=ed25519; p=" + ED25519_KEY, ("dkim.not_for_email",)),
        # h= (RFC 8301 §3.1)
        ("h=sha1; k=ed25519; p=" + ED25519_KEY, ("dkim.no_sha256",)),
        ("h=sha1:sha256; k=ed25519; p=" + ED25519_KEY, ()),
        ("s=tlsrpt; h=sha1; p=", ("dkim.revoked", "dkim.not_for_email", "dkim.no_sha256")),
        # unknown tags are ignored (RFC 6376 §3.2)
        ("v=DKIM1; g=*; x_1=anything; k=ed25519; p=" + ED25519_KEY, ()),
    ],
)
def test_rules(record: str, codes: tuple[str, ...]) -> None:
    """Each rule of the key record gives its code, and only it."""
    assert parse_dkim_key(record).codes == codes


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (spki(pkcs1(MOD_1024))[:-1], "truncated content"),
        (spki(pkcs1(MOD_1024)) + b"\x00", "not a single SEQUENCE"),
        (spki(pkcs1(MOD_1024), oid=ED25519_OID), "not rsaEncryption"),
        (spki(pkcs1(MOD_1024), params=b"\x05\x01\x00"), "not rsaEncryption"),
        (der(0x30, der(0x30, der(0x06, RSA_OID)) + der(0x03, b"\x01" + pkcs1(MOD_1024))), "unused"),
        (der(0x30, der_int(5)), "expected 2 elements, found 1"),
        (der(0x30, der(0x30, b"") + der(0x04, b"")), "not a SubjectPublicKeyInfo"),
        (der(0x30, der(0x02, b"\x80\x01") + der_int(3)), "not a positive INTEGER"),
        (der(0x30, der(0x02, b"\x00") + der_int(3)), "not a positive INTEGER"),
        (der(0x30, der_int(MOD_1024) + der(0x02, b"")), "not a positive INTEGER"),
        (der(0x30, der_int(MOD_1024) + der_int(3) + der_int(3)), "expected 2 elements, found 3"),
        (b"\x30\x80" + pkcs1(MOD_1024) + b"\x00\x00", "unsupported length encoding"),
        (b"\x30\x85\x00\x00\x00\x00\x05", "unsupported length encoding"),
        (b"\x30\x82\x01", "truncated length"),
        (b"\x3f\x01\x00", "multi-byte tags"),
        (b"\x30", "truncated element"),
    ],
)
def test_bad_der(data: bytes, reason: str) -> None:
    """Key data that is not an RSA SPKI or RSAPublicKey is refused, saying why."""
    parsed = parse_dkim_key("p=" + b64(data))
    assert parsed.codes == ("dkim.bad_key",)
    assert reason in str(parsed.violations[0].params["reason"])


@pytest.mark.parametrize(
    ("data", "bits"),
    [
        (spki(pkcs1(MOD_1024)), 1024),
        (spki(pkcs1(MOD_1024), params=b""), 1024),  # parameters absent
        (pkcs1(MOD_1024), 1024),
        (spki(pkcs1((1 << 4095) | 1)), 4096),
        (pkcs1(0xFF), 8),
    ],
)
def test_rsa_sizes(data: bytes, bits: int) -> None:
    """The size comes from the modulus, in SPKI or bare PKCS#1 form."""
    parsed = parse_dkim_key("v=DKIM1; k=rsa; p=" + b64(data))
    assert parsed.key is not None
    assert (parsed.key.key_bits, parsed.codes) == (bits, ())


def test_fields() -> None:
    """Every tag lands in its field: lists lower case, notes as written, FWS in p= removed."""
    key_text = b64(spki(pkcs1(MOD_1024)))
    folded = key_text[:20] + "\r\n\t" + key_text[20:]
    record = f"v=DKIM1; h=SHA256 : sha1; k=rsa; n=Key for mail;s=Email:*;t=y:S:x;p={folded};"
    assert parse_dkim_key(record) == DkimKeyParse(
        DkimKey(
            version="DKIM1",
            key_type=DkimKeyType.RSA,
            key_bits=1024,
            revoked=False,
            services=("email", "*"),
            flags=("y", "s", "x"),
            hash_algorithms=("sha256", "sha1"),
            notes="Key for mail",
        )
    )


# --- what strict verifiers refuse: warnings, the key kept -----------------------------

RSA_KEY = b64(spki(pkcs1(MOD_1024)))
RSA_KEY_WITHOUT_NULL = b64(spki(pkcs1(MOD_1024), params=b""))


@pytest.mark.parametrize(
    ("record", "codes", "warnings"),
    [
        # RFC 6376 §3.2: tag values are case-sensitive; k= names its type in lower case.
        ("k=rsa; p=" + RSA_KEY, (), ()),
        ("k=RSA; p=" + RSA_KEY, (), ("dkim.key_type_case",)),
        ("k=Rsa; p=" + RSA_KEY, (), ("dkim.key_type_case",)),
        ("k=ED25519; p=" + ED25519_KEY, (), ("dkim.key_type_case",)),
        ("k=Ed25519; p=" + ED25519_KEY, (), ("dkim.key_type_case",)),
        ("k=RSA; p=", ("dkim.revoked",), ("dkim.key_type_case",)),
        ("k=DSA; p=" + RSA_KEY, ("dkim.unknown_key_type",), ()),
        # RFC 3279 §2.3.1: rsaEncryption's parameters SHALL be NULL.
        ("p=" + RSA_KEY_WITHOUT_NULL, (), ("dkim.rsa_params_missing",)),
        ("k=rsa; p=" + RSA_KEY_WITHOUT_NULL, (), ("dkim.rsa_params_missing",)),
        ("k=RSA; p=" + RSA_KEY_WITHOUT_NULL, (), ("dkim.key_type_case", "dkim.rsa_params_missing")),
        ("p=" + b64(pkcs1(MOD_1024)), (), ()),  # bare PKCS#1: no identifier to lack them
        (
            "s=tlsrpt; p=" + RSA_KEY_WITHOUT_NULL,
            ("dkim.not_for_email",),
            ("dkim.rsa_params_missing",),
        ),
    ],
)
def test_strict_verifier_warnings(
    record: str, codes: tuple[str, ...], warnings: tuple[str, ...]
) -> None:
    """What RFC-strict verifiers refuse is a warning; the key, its size and usability stand."""
    parsed = parse_dkim_key(record)
    assert (codes, warnings) == (parsed.codes, tuple(w.code for w in parsed.warnings))
    if warnings and not codes:
        assert parsed.usable
        assert parsed.key is not None
        assert parsed.key.key_bits in (1024, 256)


def test_strict_verifier_warning_messages() -> None:
    """The warnings say that receivers reject the key, and what to write instead."""
    parsed = parse_dkim_key("k=RSA; p=" + RSA_KEY_WITHOUT_NULL)
    case, params = parsed.warnings
    assert {"value": "RSA", "expected": "rsa"} == case.params
    assert "write k=rsa" in case.message
    assert "reject" in case.message
    assert "RFC 3279 §2.3.1" in params.message
    assert "reject" in params.message


def _peer_rsa_files() -> list[str]:
    return sorted(name for name, expected in PEER_EXPECTATIONS.items() if expected[0] == "rsa")


def _peer_tags(name: str) -> dict[str, str]:
    text = (DKIM_SUITE / name).read_text().strip()
    tags = (spec.partition("=") for spec in text.split(";") if spec.strip())
    return {tag.strip(): value.strip() for tag, _, value in tags}


def _record(tags: dict[str, str]) -> str:
    return "; ".join(f"{tag}={value}" for tag, value in tags.items())


@pytest.mark.parametrize("name", _peer_rsa_files())
def test_peer_keys_with_k_in_upper_case(name: str) -> None:
    """Each of dkimpy's RSA records with k=RSA: the same key, and the case warning."""
    tags = _peer_tags(name)
    plain = parse_dkim_key(_record(tags))
    shouted = parse_dkim_key(_record({**tags, "k": "RSA"}))
    assert (plain.key, plain.violations) == (shouted.key, shouted.violations)
    assert ((), ("dkim.key_type_case",)) == (
        plain.warnings,
        tuple(w.code for w in shouted.warnings),
    )


@pytest.mark.parametrize("name", _peer_rsa_files())
def test_peer_keys_without_null_parameters(name: str) -> None:
    """Each of dkimpy's SPKI keys re-encoded without NULL parameters: same size, a warning."""
    tags = _peer_tags(name)
    raw = base64.b64decode("".join(tags["p"].split()))
    null = bytes.fromhex("300d06092a864886f70d0101010500")
    plain = parse_dkim_key(_record(tags))
    if null not in raw[:24]:  # a bare PKCS#1 key: no algorithm identifier at all
        assert () == plain.warnings
        return
    # The BIT STRING is copied as it is; only the identifier and the outer length change.
    key = raw[raw.index(null) + len(null) :]
    bare = der(0x30, der(0x30, der(0x06, RSA_OID)) + key)
    stripped = parse_dkim_key(_record({**tags, "p": b64(bare)}))
    assert plain.key == stripped.key
    assert ((), ("dkim.rsa_params_missing",)) == (
        plain.warnings,
        tuple(w.code for w in stripped.warnings),
    )


def test_defaults() -> None:
    """Absent tags take their defaults: rsa, all services, no flags, all hashes."""
    key = parse_dkim_key("p=" + b64(pkcs1(MOD_1024))).key
    assert key == DkimKey(None, DkimKeyType.RSA, 1024)
    assert (key.services, key.flags, key.hash_algorithms, key.notes) == (("*",), (), None, "")
    assert (key.for_email, key.testing, key.revoked) == (True, False, False)


@pytest.mark.parametrize(
    ("record", "usable"),
    [
        ("p=" + b64(pkcs1(MOD_1024)), True),
        ("t=y; p=" + b64(pkcs1(MOD_1024)), True),
        ("p=", False),
        ("s=tlsrpt; p=" + b64(pkcs1(MOD_1024)), False),
        ("k=foo; p=AAAA", False),
    ],
)
def test_usable(record: str, usable: bool) -> None:
    """A record is usable only with a key for e-mail and no violation."""
    assert parse_dkim_key(record).usable is usable


def test_revoked_keeps_the_record() -> None:
    """A revoked key keeps its tags, with no size."""
    parsed = parse_dkim_key("v=DKIM1; k=ed25519; t=y; p=")
    assert parsed.key == DkimKey("DKIM1", DkimKeyType.ED25519, None, revoked=True, flags=("y",))
    assert parsed.violations[0].message == "p= is empty: the key has been revoked (RFC 6376 §3.6.1)"


def test_violation_params() -> None:
    """Violations carry the offending tag and value; long values are shortened."""
    long_version = "DKIM1" + "x" * 100
    (violation,) = parse_dkim_key(f"v={long_version}; p=x").violations
    assert violation.params == {"value": long_version[:60] + "…"}
    (duplicate,) = parse_dkim_key("p=x; k=rsa; p=y").violations
    assert duplicate.params == {"tag": "p", "position": 3}
    assert duplicate.message == "the tag p= appears more than once"


@pytest.mark.parametrize("value", [None, b"v=DKIM1; p=", 1, ["p="]])
def test_not_a_str(value: object) -> None:
    """Anything but a str is a TypeError with a clear message."""
    with pytest.raises(TypeError, match="a DKIM key record must be a str"):
        parse_dkim_key(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("key_type", "bits", "code"),
    [
        (DkimKeyType.RSA, 512, "dkim.key_too_weak"),
        (DkimKeyType.RSA, 1023, "dkim.key_too_weak"),
        (DkimKeyType.RSA, 1024, "dkim.key_weak"),
        (DkimKeyType.RSA, 2047, "dkim.key_weak"),
        (DkimKeyType.RSA, 2048, None),
        (DkimKeyType.RSA, 4096, None),
        (DkimKeyType.RSA, None, None),
        (DkimKeyType.ED25519, 256, None),
    ],
)
def test_key_strength(key_type: DkimKeyType, bits: int | None, code: str | None) -> None:
    """Under 1024 bits is too weak, under 2048 weak (RFC 8301 §3.2); Ed25519 is strong."""
    finding = dkim_key_strength(DkimKey("DKIM1", key_type, bits))
    assert (finding.code if finding else None) == code
    if finding is not None:
        assert finding.params == {
            "bits": bits,
            "minimum": MIN_RSA_BITS,
            "recommended": RECOMMENDED_RSA_BITS,
        }


def test_peer_key_strengths() -> None:
    """dkimpy's 1024-bit key is weak, its 2048-bit key is not."""
    weak = parse_dkim_key((DKIM_SUITE / "test.txt").read_text()).key
    strong = parse_dkim_key((DKIM_SUITE / "2048_testkey_PKCS8.key.pub.txt").read_text()).key
    assert weak is not None
    assert strong is not None
    finding = dkim_key_strength(weak)
    assert (finding.code if finding else None, dkim_key_strength(strong)) == ("dkim.key_weak", None)
