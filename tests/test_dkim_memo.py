"""The DKIM key records remembered per text: the same outcome as a fresh parse, and bounded."""

from __future__ import annotations

import pickle

import pytest

from emailpro_core.dkim import _dkim as dkim
from emailpro_core.dkim import parse_dkim_key

RSA_2048 = (
    "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAyDJ7LD5W0xN6cG3hU3qXkwrd"
    "nzjtTO4J6MevxQ1Ux0xtpuZfP4nmHTlOr/ugsVPWk3AFHhBHsOcvVDn3nMzuVIQSW7iDX6VzM1GvOwR6S2T6"
    "p5wJhS9qm3DwX6BXP4xNDtE3KwnUVAnSJGTj5kTmDPvHjrWeU/oVv8DZkz5IvSvgpm/WA7DJl+4RD/nyh2y5"
    "F0XuyxhGbc2Cg53X8o3DcwZ0SxmAJF0oKjYE0qYpTQ9JxPbA9L1M0TDXEcDzFBiRGUR0L2jv9u7DbNu4yxVz"
    "Bbd5BpgEYfAA6Jg2NHtMtlhFOKEOdh2c1RrFddw+BVcprlMJjJ3vwIM3KT5h4uMSSQIDAQAB"
)


class Sub(str):
    """A ``str`` subclass: never remembered (its methods may differ)."""


@pytest.mark.parametrize(
    ("record", "codes"),
    [
        (RSA_2048, ()),
        ("v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", ()),
        ("v=DKIM1; p=", ("dkim.revoked",)),
        ("v=DKIM1; k=dsa; p=AAAA", ("dkim.unknown_key_type",)),
        ("v=DKIM2; p=AAAA", ("dkim.bad_version",)),
        ("", ("dkim.missing_key",)),
        ("k=RSA; " + RSA_2048.split("; ", 2)[2], ()),
        ("v=DKIM1; s=tlsrpt; " + RSA_2048.split("; ", 1)[1], ("dkim.not_for_email",)),
    ],
)
def test_remembered_is_a_fresh_parse(record: str, codes: tuple[str, ...]) -> None:
    """Read twice (remembered) or by the parser itself, a record gives the same outcome."""
    fresh = dkim._parse(record)
    first, second = parse_dkim_key(record), parse_dkim_key(record)
    assert fresh.codes == codes
    assert first == second == fresh
    assert repr(first) == repr(fresh)
    assert pickle.loads(pickle.dumps(first)) == fresh
    assert second is first  # the second read is the remembered outcome


def test_only_plain_short_texts_are_remembered() -> None:
    """A str subclass, or a text over MAX_REMEMBERED_TEXT, is parsed afresh every time."""
    long = RSA_2048 + "; n=" + "x" * dkim.MAX_REMEMBERED_TEXT
    assert len(long) > dkim.MAX_REMEMBERED_TEXT
    assert parse_dkim_key(long) == dkim._parse(long)
    assert parse_dkim_key(long) is not parse_dkim_key(long)
    sub = Sub(RSA_2048)
    assert parse_dkim_key(sub) == dkim._parse(RSA_2048)
    assert parse_dkim_key(sub) is not parse_dkim_key(sub)
    edge = RSA_2048 + "; n=" + "x" * (dkim.MAX_REMEMBERED_TEXT - len(RSA_2048) - 4)
    assert len(edge) == dkim.MAX_REMEMBERED_TEXT
    assert parse_dkim_key(edge) is parse_dkim_key(edge)


def test_the_memory_is_bounded() -> None:
    """However many distinct texts are read, at most MAX_REMEMBERED_KEYS are kept."""
    assert dkim._remembered.cache_info().maxsize == dkim.MAX_REMEMBERED_KEYS == 256
    for n in range(dkim.MAX_REMEMBERED_KEYS + 50):
        parse_dkim_key(f"{RSA_2048}; n=note {n}")
    info = dkim._remembered.cache_info()
    assert info.currsize == dkim.MAX_REMEMBERED_KEYS
    # The oldest were dropped: reading the first again parses it afresh (a miss).
    misses = info.misses
    parse_dkim_key(f"{RSA_2048}; n=note 0")
    assert dkim._remembered.cache_info().misses == misses + 1


def test_a_bad_type_still_raises() -> None:
    """The memory is behind the type check: a non-str raises TypeError, as before."""
    with pytest.raises(TypeError, match="DKIM key record"):
        parse_dkim_key(["p="])  # type: ignore[arg-type]
