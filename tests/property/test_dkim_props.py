"""Properties of the DKIM key-record parser."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import any_text, non_str

from emailpro_core.dkim import _dkim as dkim
from emailpro_core.dkim._dkim import DkimKeyType, parse_dkim_key

RSA_OID = bytes.fromhex("2a864886f70d010101")
KNOWN_TAGS = {"v", "h", "k", "n", "p", "s", "t"}


def _der(tag: int, content: bytes) -> bytes:
    size = len(content)
    if size < 0x80:
        return bytes([tag, size]) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + content


def _der_int(value: int) -> bytes:
    return _der(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def _rsa_public_key(modulus: int, exponent: int) -> bytes:
    return _der(0x30, _der_int(modulus) + _der_int(exponent))


def _spki(key: bytes) -> bytes:
    algorithm = _der(0x30, _der(0x06, RSA_OID) + b"\x05\x00")
    return _der(0x30, algorithm + _der(0x03, b"\x00" + key))


# A modulus of exactly `bits` bits: top bit set, any lower bits.
moduli = st.integers(min_value=2, max_value=4096).flatmap(
    lambda bits: st.tuples(
        st.just(bits), st.integers(min_value=0, max_value=(1 << (bits - 1)) - 1)
    ).map(lambda pair: (pair[0], (1 << (pair[0] - 1)) | pair[1]))
)
exponents = st.sampled_from([3, 17, 65537]) | st.integers(min_value=1, max_value=2**64)
ws = st.sampled_from(["", " ", "\t", "\r\n ", "  "])
unknown_names = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,8}", fullmatch=True).filter(
    lambda name: name not in KNOWN_TAGS
)
unknown_values = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E).filter(lambda c: c != ";"),
    max_size=20,
)


@given(any_text(max_size=200))
def test_never_raises_on_any_str(text: str) -> None:
    """Any str at all parses to a result; a key always comes with its consistency."""
    parsed = parse_dkim_key(text)
    assert parsed.usable == (parsed.key is not None and not parsed.violations)


@given(st.lists(st.tuples(st.sampled_from(sorted(KNOWN_TAGS)), any_text(max_size=30)), max_size=6))
def test_never_raises_on_tag_lists(tags: list[tuple[str, str]]) -> None:
    """Tag lists of known tags with arbitrary values parse without raising."""
    parsed = parse_dkim_key("; ".join(f"{name}={value}" for name, value in tags))
    assert all(v.code.startswith("dkim.") for v in parsed.violations)


record_texts = (
    any_text(max_size=200)
    | st.lists(
        st.tuples(st.sampled_from(sorted(KNOWN_TAGS)), any_text(max_size=30)), max_size=6
    ).map(lambda tags: "; ".join(f"{name}={value}" for name, value in tags))
    | st.tuples(moduli, exponents, st.booleans()).map(
        lambda drawn: (
            "v=DKIM1; k=rsa; p="
            + base64.b64encode(
                _spki(_rsa_public_key(drawn[0][1], drawn[1]))
                if drawn[2]
                else _rsa_public_key(drawn[0][1], drawn[1])
            ).decode()
        )
    )
)


@given(record_texts)
def test_remembered_outcome_is_the_parse(text: str) -> None:
    """Remembered or not, the outcome is the parser's own: equal, with the same repr."""
    fresh = dkim._parse(text)
    for parsed in (parse_dkim_key(text), parse_dkim_key(text)):
        assert parsed == fresh
        assert repr(parsed) == repr(fresh)
        assert [v.render() for v in parsed.violations] == [v.render() for v in fresh.violations]
    assert dkim._remembered.cache_info().currsize <= dkim.MAX_REMEMBERED_KEYS


@given(non_str())
def test_non_str_is_a_type_error(value: object) -> None:
    """Anything but a str is a TypeError."""
    with pytest.raises(TypeError):
        parse_dkim_key(value)  # type: ignore[arg-type]


@given(moduli, exponents, st.booleans())
def test_rsa_size_is_the_modulus_size(
    modulus: tuple[int, int], exponent: int, wrapped: bool
) -> None:
    """An RSA key of any modulus size reports that size, in SPKI or bare PKCS#1 form."""
    bits, value = modulus
    key = _rsa_public_key(value, exponent)
    text = base64.b64encode(_spki(key) if wrapped else key).decode()
    parsed = parse_dkim_key(f"v=DKIM1; k=rsa; p={text}")
    assert parsed.key is not None
    assert (parsed.key.key_bits, parsed.codes) == (bits, ())


@given(st.binary(min_size=32, max_size=32))
def test_any_ed25519_key_of_32_bytes(raw: bytes) -> None:
    """Any 32 bytes are an Ed25519 key of 256 bits (RFC 8463 §4.2)."""
    parsed = parse_dkim_key("v=DKIM1; k=ed25519; p=" + base64.b64encode(raw).decode())
    assert parsed.key is not None
    assert (parsed.key.key_type, parsed.key.key_bits, parsed.usable) == (
        DkimKeyType.ED25519,
        256,
        True,
    )


@given(st.binary(max_size=100).filter(lambda raw: len(raw) != 32))
def test_ed25519_key_of_another_length(raw: bytes) -> None:
    """Ed25519 key data of any other length is a bad key (empty is revoked)."""
    parsed = parse_dkim_key("k=ed25519; p=" + base64.b64encode(raw).decode())
    assert parsed.codes == (("dkim.bad_key",) if raw else ("dkim.revoked",))


@given(
    st.lists(st.tuples(unknown_names, unknown_values), max_size=4, unique_by=lambda t: t[0]),
    st.permutations(["k=ed25519", "t=y", "s=email", "h=sha256", "n=note"]),
    ws,
    ws,
)
def test_order_whitespace_and_unknown_tags_do_not_matter(
    unknown: list[tuple[str, str]], known: list[str], before: str, after: str
) -> None:
    """Tag order (after v=), whitespace around tags and unknown tags leave the key unchanged."""
    key = "p=" + base64.b64encode(bytes(32)).decode()
    base = parse_dkim_key("v=DKIM1; " + "; ".join([*sorted(known), key]))
    tags = [*known, key, *(f"{name}={value}" for name, value in unknown)]
    shuffled = parse_dkim_key(";".join(before + tag + after for tag in ["v=DKIM1", *tags]))
    assert shuffled == base


def _spki_without_parameters(key: bytes) -> bytes:
    algorithm = _der(0x30, _der(0x06, RSA_OID))
    return _der(0x30, algorithm + _der(0x03, b"\x00" + key))


@given(moduli, exponents, st.sampled_from(["null", "absent", "pkcs1"]))
def test_rsa_params_missing_warns_exactly_when_absent(
    modulus: tuple[int, int], exponent: int, layout: str
) -> None:
    """Only an SPKI whose rsaEncryption lacks NULL parameters warns; the size is the same."""
    bits, value = modulus
    key = _rsa_public_key(value, exponent)
    if layout == "pkcs1":
        der = key
    else:
        der = _spki(key) if layout == "null" else _spki_without_parameters(key)
    parsed = parse_dkim_key("v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode())
    assert parsed.key is not None
    assert (parsed.key.key_bits, parsed.codes) == (bits, ())
    expected = ("dkim.rsa_params_missing",) if layout == "absent" else ()
    assert expected == tuple(w.code for w in parsed.warnings)


# Every spelling of a known key type, in any mix of cases.
_typed = st.sampled_from(DkimKeyType).flatmap(
    lambda kind: st.tuples(
        st.just(kind),
        st.lists(st.booleans(), min_size=len(kind.value), max_size=len(kind.value)).map(
            lambda upper: "".join(
                c.upper() if up else c for c, up in zip(kind.value, upper, strict=True)
            )
        ),
    )
)


@given(_typed)
def test_key_type_case_warns_exactly_when_not_lower_case(typed: tuple[DkimKeyType, str]) -> None:
    """k= in any case gives the same key; any spelling but the lower-case one warns."""
    kind, written = typed
    data = _spki(_rsa_public_key((1 << 1023) | 1, 65537)) if kind is DkimKeyType.RSA else bytes(32)
    p = base64.b64encode(data).decode()
    plain = parse_dkim_key(f"v=DKIM1; k={kind.value}; p={p}")
    spelled = parse_dkim_key(f"v=DKIM1; k={written}; p={p}")
    assert (plain.key, plain.violations, plain.warnings) == (spelled.key, spelled.violations, ())
    expected = () if written == kind.value else ("dkim.key_type_case",)
    assert expected == tuple(w.code for w in spelled.warnings)
    assert spelled.usable
