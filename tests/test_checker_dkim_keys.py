"""The DKIM check over keys that strict verifiers refuse: a WARNING each, the key still read."""

from __future__ import annotations

import base64

import pytest

from emailpro_core.checker import Check, Status
from emailpro_core.cli._render import diagnosis_table
from test_checker import diagnose, put
from test_checker_zones import TARGET1, peer_key, rsa_key_record

_NULL = bytes.fromhex("0500")


def _without_null(record: str) -> str:
    """The record with its SPKI re-encoded without the NULL parameters (same BIT STRING)."""
    head, _, data = record.rpartition("p=")
    raw = base64.b64decode(data)
    identifier = bytes.fromhex("300d06092a864886f70d0101010500")
    key = raw[raw.index(identifier) + len(identifier) :]
    algorithm = bytes.fromhex("300b06092a864886f70d010101")
    body = algorithm + key
    size = len(body)
    length = bytes([size]) if size < 0x80 else bytes([0x80 | 2]) + size.to_bytes(2, "big")
    return head + "p=" + base64.b64encode(b"\x30" + length + body).decode()


PEER_2048 = peer_key("2048_testkey_wo_markers.pub.txt")

# (id, the key record behind the selector's target, the DKIM codes of the key, statuses)
CASES = [
    ("rsa", PEER_2048, ["dkim.key_ok"], [Status.OK]),
    ("k=RSA", PEER_2048.replace("k=rsa", "k=RSA"), ["dkim.key_type_case"], [Status.WARNING]),
    ("no NULL", _without_null(PEER_2048), ["dkim.rsa_params_missing"], [Status.WARNING]),
    (
        "both",
        _without_null(PEER_2048.replace("k=rsa", "k=RSA")),
        ["dkim.key_type_case", "dkim.rsa_params_missing"],
        [Status.WARNING, Status.WARNING],
    ),
    (
        "weak, k=RSA",
        peer_key("1024_testkey_wo_markers.pub.txt").replace("k=rsa", "k=RSA"),
        ["dkim.key_weak", "dkim.key_type_case"],
        [Status.WARNING, Status.WARNING],
    ),
    (
        "too weak, no NULL",
        _without_null(rsa_key_record(512)),
        ["dkim.key_too_weak", "dkim.rsa_params_missing"],
        [Status.ERROR, Status.WARNING],
    ),
]


@pytest.mark.parametrize(
    ("record", "codes", "statuses"), [pytest.param(*c[1:], id=c[0]) for c in CASES]
)
def test_strict_verifier_findings(record: str, codes: list[str], statuses: list[Status]) -> None:
    """Each departure strict verifiers refuse is a WARNING naming the key; the rest stands."""
    assert "k=rsa" in PEER_2048
    diagnosis = diagnose(put(TARGET1, "TXT", record))
    found = [f for f in diagnosis.of(Check.DKIM) if f.name == TARGET1 + "."]
    assert (codes, statuses) == ([f.code for f in found], [f.status for f in found])
    for finding in found:
        if finding.code in ("dkim.key_type_case", "dkim.rsa_params_missing"):
            assert "may fail DKIM" in finding.message
            assert "reject" in finding.message
            assert finding.observed


def test_the_command_table_shows_the_warning() -> None:
    """The table the command prints names the code and the key."""
    diagnosis = diagnose(put(TARGET1, "TXT", PEER_2048.replace("k=rsa", "k=RSA")))
    lines = diagnosis_table(diagnosis, color=False, verbose=False)
    (line,) = [line for line in lines if "dkim.key_type_case" in line]
    assert line.startswith("WARNING  dkim")
    assert TARGET1 in line
