"""The size of an RSA public key, read from its DER encoding (X.690).

A DKIM ``p=`` tag holds a SubjectPublicKeyInfo (RFC 5280 §4.1, RFC 6376
§3.6.1), or, from some publishers, a bare PKCS#1 RSAPublicKey (RFC 8017 A.1.1).
:func:`rsa_key_bits` reads the size of its modulus: the usual layout by
positions, anything else element by element, which says what is wrong.

>>> import base64
>>> rsa_key_bits(base64.b64decode("MA0GCSqGSIb3DQEBAQUAAwIAMA=="))
Traceback (most recent call last):
  ...
ValueError: not a single SEQUENCE
"""

from __future__ import annotations

_RSA_OID = bytes.fromhex("2a864886f70d010101")


def _read_tlv(data: bytes, pos: int) -> tuple[int, bytes, int]:
    """One DER element at ``pos``: (tag, content, position after it) (X.690 §8.1)."""
    if pos + 2 > len(data):
        raise ValueError("truncated element")
    tag, first = data[pos], data[pos + 1]
    if tag & 0x1F == 0x1F:
        raise ValueError("multi-byte tags are not used in public keys")
    pos += 2
    if first < 0x80:
        length = first
    else:
        count = first & 0x7F
        if count == 0 or count > 4:  # indefinite length is not DER
            raise ValueError("unsupported length encoding")
        if pos + count > len(data):
            raise ValueError("truncated length")
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if pos + length > len(data):
        raise ValueError("truncated content")
    return tag, data[pos : pos + length], pos + length


def _read_sequence_of(data: bytes, count: int) -> list[tuple[int, bytes]]:
    """The elements of a DER SEQUENCE that fills ``data`` and holds ``count`` elements."""
    tag, content, end = _read_tlv(data, 0)
    if tag != 0x30 or end != len(data):
        raise ValueError("not a single SEQUENCE")
    elements: list[tuple[int, bytes]] = []
    pos = 0
    while pos < len(content):
        element_tag, element, pos = _read_tlv(content, pos)
        elements.append((element_tag, element))
    if len(elements) != count:
        raise ValueError(f"expected {count} elements, found {len(elements)}")
    return elements


def _positive_integer(tag: int, content: bytes) -> int:
    value = int.from_bytes(content, "big")
    if tag != 0x02 or not content or content[0] & 0x80 or not value:
        raise ValueError("not a positive INTEGER")
    return value


def _pkcs1_modulus_bits(der: bytes) -> int:
    """RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 A.1.1)."""
    (n_tag, n), (e_tag, e) = _read_sequence_of(der, 2)
    _positive_integer(e_tag, e)
    return _positive_integer(n_tag, n).bit_length()


# rsaEncryption with NULL parameters (RFC 3279 §2.3.1), as publishers write it.
_RSA_ALGORITHM = bytes.fromhex("300d06092a864886f70d0101010500")


def _span(der: bytes, pos: int, tag: int) -> tuple[int, int]:
    """Where the content of a ``tag`` element at ``pos`` starts and ends; IndexError if unusual."""
    first = der[pos + 1]
    if der[pos] != tag:
        raise IndexError(pos)
    if first < 0x80:
        start, end = pos + 2, pos + 2 + first
    elif first == 0x81:
        start, end = pos + 3, pos + 3 + der[pos + 2]
    elif first == 0x82:
        start, end = pos + 4, pos + 4 + (der[pos + 2] << 8 | der[pos + 3])
    else:
        raise IndexError(pos)
    if end > len(der):
        raise IndexError(pos)
    return start, end


def _usual_rsa_key_bits(der: bytes) -> int | None:
    """The modulus size of the usual RSA SubjectPublicKeyInfo, read by positions; else ``None``.

    Nearly every key is one SEQUENCE of the rsaEncryption identifier and a BIT
    STRING wrapping the RSAPublicKey: read without copying each element. Any other
    layout, and any doubt, gives ``None``: :func:`rsa_key_bits` then walks the key
    and says what is wrong. (A property test holds the two paths equal.)
    """
    try:
        start, end = _span(der, 0, 0x30)
        after = start + len(_RSA_ALGORITHM)
        key, key_end = _span(der, after, 0x03)
        unused = der[key]
        seq, seq_end = _span(der, key + 1, 0x30)
        n_start, n_end = _span(der, seq, 0x02)
        e_start, e_end = _span(der, n_end, 0x02)
    except IndexError:
        return None
    # Each element ends where the one around it ends; both INTEGERs are positive
    # (not empty, sign bit clear, not zero) as :func:`_positive_integer` requires.
    modulus, exponent = der[n_start:n_end], der[e_start:e_end]
    significant = modulus.lstrip(b"\0")
    if (
        {end, key_end, seq_end, e_end} != {len(der)}
        or der[start:after] != _RSA_ALGORITHM
        or unused
        or not significant
        or modulus[0] & 0x80
        or not exponent.strip(b"\0")
        or exponent[0] & 0x80
    ):
        return None
    return 8 * (len(significant) - 1) + significant[0].bit_length()


def rsa_key_bits(der: bytes, /) -> int:
    """The modulus size of an RSA SubjectPublicKeyInfo (RFC 5280 §4.1) or RSAPublicKey."""
    usual = _usual_rsa_key_bits(der)
    return _walked_rsa_key_bits(der) if usual is None else usual


def read_rsa_key(der: bytes, /) -> tuple[int, bool]:
    """(:func:`rsa_key_bits`, whether its rsaEncryption identifier lacks the NULL parameters).

    RFC 3279 §2.3.1 (and RFC 8017 Appendix A.1) say the parameters SHALL be
    NULL; a key without them is read, and the caller says that strict decoders
    (dkimpy's) refuse it. A bare PKCS#1 key has no identifier: ``False``.

    Raises:
        ValueError: ``der`` is not such a key; the message says what is wrong.
    """
    usual = _usual_rsa_key_bits(der)
    if usual is not None:
        return usual, False  # the usual layout has the NULL parameters
    bits = _walked_rsa_key_bits(der)
    tag, algorithm, _ = _read_tlv(_read_tlv(der, 0)[1], 0)
    if tag != 0x30:  # PKCS#1: the walk accepted an INTEGER first
        return bits, False
    end = _read_tlv(algorithm, 0)[2]
    return bits, algorithm[end:] == b""


def _walked_rsa_key_bits(der: bytes) -> int:
    """:func:`rsa_key_bits`, element by element; raises ``ValueError`` saying what is wrong."""
    first_tag = _read_tlv(_read_tlv(der, 0)[1], 0)[0] if der[:1] == b"\x30" else None
    if first_tag == 0x02:
        # A bare PKCS#1 key: RFC 6376 asks for SPKI, but dkimpy and others accept it.
        return _pkcs1_modulus_bits(der)
    (alg_tag, algorithm), (bits_tag, bit_string) = _read_sequence_of(der, 2)
    if alg_tag != 0x30 or bits_tag != 0x03:
        raise ValueError("not a SubjectPublicKeyInfo")
    oid_tag, oid, end = _read_tlv(algorithm, 0)
    # AlgorithmIdentifier parameters: NULL for rsaEncryption (RFC 3279 §2.3.1), or absent.
    if oid_tag != 0x06 or oid != _RSA_OID or algorithm[end:] not in (b"", b"\x05\x00"):
        raise ValueError("the algorithm is not rsaEncryption")
    if not bit_string or bit_string[0] != 0:
        raise ValueError("the key BIT STRING has unused bits")
    return _pkcs1_modulus_bits(bit_string[1:])
