"""DKIM key records: the TXT record at ``<selector>._domainkey.<domain>``.

:func:`parse_dkim_key` reads the tag=value list of RFC 6376 §3.6.1 and reports
every problem at once. It never raises for a ``str``:

>>> parsed = parse_dkim_key("v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")
>>> parsed.key.key_type, parsed.key.key_bits, parsed.violations
(<DkimKeyType.ED25519: 'ed25519'>, 256, ())
>>> parse_dkim_key("v=DKIM1; p=").codes
('dkim.revoked',)
>>> parse_dkim_key("v=DKIM1; k=dsa; p=AAAA").codes
('dkim.unknown_key_type',)

The size of an RSA key is read from the key itself (a DER SubjectPublicKeyInfo,
or a bare PKCS#1 RSAPublicKey as some publishers put there), and
:func:`dkim_key_strength` turns it into a policy finding.
"""

from __future__ import annotations

from ._dkim import (
    MIN_RSA_BITS,
    RECOMMENDED_RSA_BITS,
    DkimKey,
    DkimKeyParse,
    DkimKeyType,
    dkim_key_strength,
    parse_dkim_key,
)

__all__ = [
    "MIN_RSA_BITS",
    "RECOMMENDED_RSA_BITS",
    "DkimKey",
    "DkimKeyParse",
    "DkimKeyType",
    "dkim_key_strength",
    "parse_dkim_key",
]
