"""DKIM key records: the TXT record at ``<selector>._domainkey.<domain>``.

The implementation behind :mod:`emailpro_core.dkim`, which re-exports its public names.
"""

from __future__ import annotations

import binascii
import enum
import functools
import re

import attrs

from .._violation import templated
from ..errors import Violation, require_str
from ..i18n._catalog import register
from ._der import read_rsa_key

#: RFC 8301 §3.2: verifiers MUST NOT accept RSA keys shorter than this.
MIN_RSA_BITS = 1024
#: RFC 8301 §3.2: signers SHOULD use RSA keys at least this long. E-mail Pro's
#: own keys are RSA-2048 (observed; docs/sources-of-truth.md §5).
RECOMMENDED_RSA_BITS = 2048

# RFC 6376 §3.2: WSP and FWS (a folded line is CRLF followed by WSP).
_WHITESPACE = " \t\r\n"
_TAG_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
# RFC 6376 §3.2 tag-value: VALCHAR (%x21-3A / %x3C-7E) separated by whitespace.
_TAG_VALUE = re.compile(r"[\x21-\x3a\x3c-\x7e \t\r\n]*")
_ED25519_KEY_BYTES = 32  # RFC 8463 §4.2: the raw 32-byte public key
# 1.2.840.113549.1.1.1 (rsaEncryption, RFC 8017 Appendix C), DER content bytes.
_MAX_SHOWN = 60  # longest value quoted in a message


class DkimKeyType(enum.Enum):
    """The ``k=`` key types a verifier knows (RFC 6376 §3.6.1, RFC 8463 §4.2)."""

    RSA = "rsa"
    ED25519 = "ed25519"


# DkimKeyType(name), looked up without the enum's call machinery.
_KEY_TYPES = {key_type.value: key_type for key_type in DkimKeyType}


@attrs.frozen
class DkimKey:
    """A DKIM public key record, as published.

    Attributes:
        version: ``"DKIM1"`` when a ``v=`` tag is present, else ``None``.
        key_type: The ``k=`` tag (RSA when absent, RFC 6376 §3.6.1).
        key_bits: The RSA modulus size, or 256 for Ed25519; ``None`` when revoked.
        revoked: The ``p=`` tag is empty: the key was withdrawn (RFC 6376 §3.6.1).
        services: The ``s=`` service types, lower case (``("*",)`` when absent).
        flags: The ``t=`` flags, lower case (``y`` testing, ``s`` strict).
        hash_algorithms: The ``h=`` algorithms, lower case; ``None`` when absent
            (every algorithm allowed).
        notes: The ``n=`` notes, as written.
    """

    version: str | None
    key_type: DkimKeyType
    key_bits: int | None
    revoked: bool = False
    services: tuple[str, ...] = ("*",)
    flags: tuple[str, ...] = ()
    hash_algorithms: tuple[str, ...] | None = None
    notes: str = ""

    @property
    def for_email(self) -> bool:
        """Whether the key may verify e-mail signatures (``s=`` has ``*`` or ``email``)."""
        return "*" in self.services or "email" in self.services

    @property
    def testing(self) -> bool:
        """Whether the domain says it is only testing DKIM (``t=y``)."""
        return "y" in self.flags


@attrs.frozen
class DkimKeyParse:
    """The outcome of :func:`parse_dkim_key`.

    Attributes:
        key: The key, or ``None`` when no verifier could use the record at all
            (syntax, duplicate tag, wrong version, unknown key type, bad or
            missing key data).
        violations: Every problem found. Empty if and only if the key can verify
            e-mail signatures; a revoked key or a key not meant for e-mail keeps
            its ``key`` and still has a violation.
        warnings: What some verifiers refuse in a key that others use: the
            record departs from the letter of an RFC that strict verifiers
            (dkimpy) follow (``dkim.key_type_case``, ``dkim.rsa_params_missing``).
            They do not make the key unusable.
    """

    key: DkimKey | None
    violations: tuple[Violation, ...] = ()
    warnings: tuple[Violation, ...] = ()

    @property
    def usable(self) -> bool:
        """Whether the record holds a key that verifies e-mail signatures."""
        return self.key is not None and not self.violations

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes of the violations, in order."""
        return tuple(v.code for v in self.violations)


#: The English templates of the key-record rules; the French is in the package's
#: gettext catalog. The key-size codes, which the checker's findings share, have
#: the variant ``strength``.
MESSAGES = register(
    {
        "dkim.syntax": (
            "tag {position} ({text!r}) is not name=value with a letter-first name and "
            "printable ASCII value"
        ),
        "dkim.duplicate_tag": "the tag {tag}= appears more than once",
        "dkim.rsa_params_missing": (
            "the key's rsaEncryption identifier has no NULL parameters, which RFC 3279 "
            "§2.3.1 requires: verifiers that decode keys strictly (dkimpy) reject it"
        ),
        "dkim.bad_version": "v={value!r}: a key record's version must be exactly DKIM1",
        "dkim.bad_version:first": "v=DKIM1 must be the first tag of a key record",
        "dkim.unknown_key_type": ("k={value!r} is not a key type verifiers know (rsa, ed25519)"),
        "dkim.key_type_case": (
            "k={value}: tag values are case-sensitive (RFC 6376 §3.2), so verifiers that "
            "follow it (dkimpy) do not know this key type and reject the key; write k={expected}"
        ),
        "dkim.missing_key": "the record has no p= tag (the public key)",
        "dkim.revoked": "p= is empty: the key has been revoked (RFC 6376 §3.6.1)",
        "dkim.bad_key": "p= is not a valid {key_type} public key: {reason}",
        "dkim.not_for_email": (
            "s={listed} does not include email or *: this key cannot verify mail"
        ),
        "dkim.no_sha256": "h={listed} does not allow sha256",
        "dkim.key_too_weak:strength": (
            "the RSA key has {bits} bits: verifiers reject keys under {minimum} bits"
        ),
        "dkim.key_weak:strength": (
            "the RSA key has {bits} bits: {recommended} bits or more are recommended"
        ),
    }
)


def _report(found: list[Violation], code: str, variant: str = "", /, **params: object) -> None:
    found.append(templated(code, params, variant=variant))


def _shown(value: str) -> str:
    return value if len(value) <= _MAX_SHOWN else value[:_MAX_SHOWN] + "…"


def _split_tags(text: str, found: list[Violation]) -> dict[str, str] | None:
    """The tags of a tag-list (RFC 6376 §3.2), or ``None`` if the list is invalid."""
    specs = text.split(";")
    if not specs[-1].strip(_WHITESPACE):
        specs.pop()  # a trailing ";" is allowed
    tags: dict[str, str] = {}
    valid = True
    for position, spec in enumerate(specs, start=1):
        name, equals, value = spec.partition("=")
        name, value = name.strip(_WHITESPACE), value.strip(_WHITESPACE)
        if not equals or not _TAG_NAME.fullmatch(name) or not _TAG_VALUE.fullmatch(value):
            _report(
                found,
                "dkim.syntax",
                position=position,
                spec=_shown(spec),
                text=_shown(spec.strip(_WHITESPACE)),
            )
            valid = False
        elif name in tags:
            # RFC 6376 §3.2: a duplicated tag makes the entire tag-list invalid.
            _report(
                found,
                "dkim.duplicate_tag",
                tag=name,
                position=position,
            )
            valid = False
        else:
            tags[name] = value
    return tags if valid else None


def _colon_list(value: str) -> tuple[str, ...]:
    # h=, s= and t= are colon-separated lists with optional FWS (RFC 6376 §3.6.1).
    items = (item.strip(_WHITESPACE).lower() for item in value.split(":"))
    return tuple(item for item in items if item)


def _key_bits(key_type: DkimKeyType, data: str, warnings: list[Violation]) -> int:
    """The key size in bits; raises ``ValueError`` for data that is not such a key."""
    # RFC 6376 §3.6.1: base64 with FWS allowed anywhere; RFC 2045 padding required.
    # base64.b64decode(..., validate=True) is this call; the tag value is ASCII already.
    raw = binascii.a2b_base64("".join(data.split()).encode("ascii"), strict_mode=True)
    if key_type is DkimKeyType.ED25519:
        if len(raw) != _ED25519_KEY_BYTES:
            raise ValueError(f"an Ed25519 key is 32 bytes, not {len(raw)}")
        return 8 * _ED25519_KEY_BYTES
    bits, without_parameters = read_rsa_key(raw)
    if without_parameters:
        _report(warnings, "dkim.rsa_params_missing")
    return bits


def _check_version(tags: dict[str, str], first: str, found: list[Violation]) -> bool:
    """Whether ``v=`` allows the record to be used (RFC 6376 §3.6.1)."""
    if "v" not in tags:
        return True  # v= is RECOMMENDED, not required
    if tags["v"] != "DKIM1":
        _report(
            found,
            "dkim.bad_version",
            value=_shown(tags["v"]),
        )
        return False
    if first != "v":
        _report(
            found,
            "dkim.bad_version",
            "first",
            value="DKIM1",
            first_tag=first,
        )
    return True


def _key_type(written: str, found: list[Violation], warnings: list[Violation]) -> DkimKeyType:
    """The ``k=`` type; raises ``LookupError`` for one no verifier knows."""
    key_type = _KEY_TYPES.get(written)
    if key_type is not None:
        return key_type
    name = written.lower()
    key_type = _KEY_TYPES.get(name)
    if key_type is None:
        _report(
            found,
            "dkim.unknown_key_type",
            value=_shown(name),
        )
        raise LookupError(name)
    # RFC 6376 §3.2: values are case-sensitive unless their tag says otherwise, and
    # k= does not; yet its ABNF literals ("rsa") are case-insensitive (RFC 5234
    # §2.3). Verifiers read it both ways: the key stands, with a warning.
    _report(
        warnings,
        "dkim.key_type_case",
        value=_shown(written),
        expected=name,
    )
    return key_type


def _read_key(
    tags: dict[str, str], found: list[Violation], warnings: list[Violation]
) -> tuple[DkimKeyType, int | None, bool]:
    """(key type, bits, revoked); raises ``LookupError`` when there is no usable key."""
    key_type = _key_type(tags.get("k", "rsa").strip(_WHITESPACE), found, warnings)
    if "p" not in tags:
        _report(found, "dkim.missing_key")
        raise LookupError("p")
    data = tags["p"]
    if not data.strip(_WHITESPACE):
        _report(found, "dkim.revoked")
        return key_type, None, True
    try:
        bits = _key_bits(key_type, data, warnings)
    except ValueError as error:  # binascii.Error is a ValueError
        _report(
            found,
            "dkim.bad_key",
            key_type=key_type.value,
            reason=str(error),
        )
        raise LookupError("p") from None
    return key_type, bits, False


def _usage_violations(key: DkimKey) -> list[Violation]:
    found: list[Violation] = []
    if not key.for_email:
        _report(
            found,
            "dkim.not_for_email",
            services=key.services,
            listed=":".join(key.services),
        )
    if key.hash_algorithms is not None and "sha256" not in key.hash_algorithms:
        # RFC 8301 §3.1: rsa-sha1 MUST NOT be used; both rsa-sha256 and
        # ed25519-sha256 (RFC 8463) need sha256 in h= when h= is present.
        _report(
            found,
            "dkim.no_sha256",
            hash_algorithms=key.hash_algorithms,
            listed=":".join(key.hash_algorithms),
        )
    return found


def parse_dkim_key(text: str, /) -> DkimKeyParse:
    """Parse a DKIM key record (RFC 6376 §3.6.1; Ed25519 per RFC 8463).

    Character-strings of the TXT record must already be joined (RFC 6376 §3.6.2.2).
    Unknown tags are ignored, as RFC 6376 §3.2 requires. A key type in another
    case (``k=RSA``) or an RSA key without the NULL parameters of its algorithm
    identifier is read, with a warning: strict verifiers reject it. Never raises
    for a ``str``; raises ``TypeError`` for anything else.
    """
    require_str(text, "a DKIM key record")
    # A diagnosis repeated (a propagation check asks every resolver, a run checks a
    # domain again) reads the same keys: the outcome (frozen) is remembered per
    # text, a bounded number of short texts; not for a str subclass, which may differ.
    if type(text) is str and len(text) <= MAX_REMEMBERED_TEXT:
        return _remembered(text)
    return _parse(text)


def _parse(text: str) -> DkimKeyParse:
    found: list[Violation] = []
    tags = _split_tags(text, found)
    if tags is None:
        return DkimKeyParse(None, tuple(found))
    first = next(iter(tags), "")
    if not _check_version(tags, first, found):
        return DkimKeyParse(None, tuple(found))
    warnings: list[Violation] = []
    try:
        key_type, bits, revoked = _read_key(tags, found, warnings)
    except LookupError:
        return DkimKeyParse(None, tuple(found))
    key = DkimKey(
        version=tags.get("v"),
        key_type=key_type,
        key_bits=bits,
        revoked=revoked,
        services=_colon_list(tags["s"]) if "s" in tags else ("*",),
        flags=_colon_list(tags["t"]) if "t" in tags else (),
        hash_algorithms=_colon_list(tags["h"]) if "h" in tags else None,
        notes=tags.get("n", ""),
    )
    found.extend(_usage_violations(key))
    return DkimKeyParse(key, tuple(found), tuple(warnings))


#: The longest key text remembered (an RSA-4096 key record is under 800
#: characters): a zone owner writes the text, so neither the number of texts kept
#: nor their size is left to it.
MAX_REMEMBERED_TEXT = 2048
#: How many key texts are remembered (the least recently used dropped first).
MAX_REMEMBERED_KEYS = 256
_remembered = functools.lru_cache(maxsize=MAX_REMEMBERED_KEYS)(_parse)


def dkim_key_strength(key: DkimKey, /) -> Violation | None:
    """Judge the size of a key (RFC 8301 §3.2); ``None`` when it is strong enough.

    ``dkim.key_too_weak`` (under 1024 bits: verifiers reject it) is meant as an
    error, ``dkim.key_weak`` (under 2048 bits) as a warning. Ed25519 keys and
    revoked keys give ``None``.

    >>> dkim_key_strength(DkimKey("DKIM1", DkimKeyType.RSA, 1024)).code
    'dkim.key_weak'
    >>> dkim_key_strength(DkimKey("DKIM1", DkimKeyType.RSA, 2048)) is None
    True
    """
    if key.key_type is not DkimKeyType.RSA or key.key_bits is None:
        return None
    params = {"bits": key.key_bits, "minimum": MIN_RSA_BITS, "recommended": RECOMMENDED_RSA_BITS}
    if key.key_bits < MIN_RSA_BITS:
        return templated("dkim.key_too_weak", params, variant="strength")
    if key.key_bits < RECOMMENDED_RSA_BITS:
        return templated("dkim.key_weak", params, variant="strength")
    return None
