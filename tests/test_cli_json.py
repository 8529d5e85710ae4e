"""One output convention: ``--json`` on every command, a ``version`` in every document.

Also: the text heading and the JSON ``status`` of ``check`` say the same thing.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from test_cli import EXAMPLES, SECRET, invoke, one_error_line

READY = str(EXAMPLES / "example.org.zone")
MIXED = str(EXAMPLES / "mydomain.ovh.zone")
READY_SETUP = [
    *("--server", "1", "--token", "ab1cd"),
    *("--dkim-selector", "ovhemp123456-selector1", "--dkim-selector", "ovhemp123456-selector2"),
]


def document(text: str) -> dict[str, Any]:
    """One JSON document, whose first key is its version."""
    data: dict[str, Any] = json.loads(text)
    assert "version" == next(iter(data))
    assert 1 == data["version"]
    return data


@pytest.mark.parametrize(
    ("argv", "stdin", "code"),
    [
        (["check", "example.org", "--zone", READY, *READY_SETUP], "", 0),
        (["check", "mydomain.ovh", "--zone", MIXED], "", 1),
        (["records", "example.org"], "", 0),
        (["login", "mary.johnson"], "", 0),
        (["login", "mary,johnson"], "", 1),
        (["login", "--suggest", "Mary", "Johnson"], "", 0),
        (["password"], "Tr0ub4dor&3\n", 0),
        (["password"], "short\n", 1),
        (["generate-password", "--count", "3"], "", 0),
        (["settings", "--server", "2"], "", 0),
    ],
)
def test_every_command_takes_json(
    capsys: pytest.CaptureFixture[str], argv: list[str], stdin: str, code: int
) -> None:
    """--json prints one versioned JSON document, with the same exit code as the text."""
    text = invoke(capsys, argv, stdin=stdin)
    result = invoke(capsys, [*argv, "--json"], stdin=stdin)
    assert (code, code) == (text.code, result.code)
    document(result.out)
    assert "" == result.err


def test_check_many_takes_json(capsys: pytest.CaptureFixture[str]) -> None:
    """check-many always writes JSON lines; --json is accepted and changes nothing."""
    argv = ["check-many", "-", "--zone", READY]
    plain = invoke(capsys, argv, stdin="example.org\n")
    result = invoke(capsys, [*argv, "--json"], stdin="example.org\n")
    assert plain.out == result.out
    assert "example.org" == document(result.out)["domain"]


@pytest.mark.parametrize(
    ("argv", "heading", "status", "worst"),
    [
        # Everything checked is right; two checks need the provider's records.
        (["example.org", "--zone", READY, *READY_SETUP], "example.org: OK (", "ok", "skipped"),
        (["mydomain.ovh", "--zone", MIXED], "mydomain.ovh: ERROR (", "error", "error"),
        (
            ["mydomain.ovh", "--zone", MIXED, "--token", "ab1cd"],
            "mydomain.ovh: ERROR (",
            "error",
            "error",
        ),
    ],
)
def test_check_heading_and_json_agree(
    capsys: pytest.CaptureFixture[str], argv: list[str], heading: str, status: str, worst: str
) -> None:
    """The table's heading and the JSON "status" give the same overall status."""
    text = invoke(capsys, ["check", *argv, "--color", "never"])
    data = document(invoke(capsys, ["check", *argv, "--json"]).out)
    assert text.out.startswith(heading)
    assert (status, worst) == (data["status"], data["worst"])
    assert heading == f"{data['domain']}: {data['status'].upper()} ("


@pytest.mark.parametrize(
    ("argv", "code", "expected"),
    [
        (
            ["mary.johnson"],
            0,
            {
                "policy": "default",
                "login": {"name": "mary.johnson", "valid": True, "violations": []},
                "suggestion": None,
            },
        ),
        (
            ["--suggest", "Mary", "Johnson", "--taken", "mary.johnson", "--taken", "M.Johnson"],
            0,
            {
                "policy": "default",
                "login": None,
                "suggestion": {"login": "mary.johnson2", "violations": []},
            },
        ),
        (
            ["x", "--policy", "guide", "--suggest", "李", "小龙"],
            1,
            {
                "policy": "guide",
                "login": {"name": "x", "valid": False, "codes": ["login.too_short"]},
                "suggestion": {"login": None, "codes": ["login.nothing_usable"]},
            },
        ),
    ],
)
def test_login_json(
    capsys: pytest.CaptureFixture[str], argv: list[str], code: int, expected: dict[str, Any]
) -> None:
    """login --json: the login checked and the suggestion, each with its violations."""
    result = invoke(capsys, ["login", *argv, "--json"])
    assert code == result.code
    data = document(result.out)
    for part in ("login", "suggestion"):
        if data[part] is not None and "codes" in expected[part]:
            data[part]["codes"] = [v["code"] for v in data[part].pop("violations")]
    assert {"version": 1, **expected} == data


def test_login_taken_in_text(capsys: pytest.CaptureFixture[str]) -> None:
    """--taken steers the text suggestion too."""
    result = invoke(capsys, ["login", "--suggest", "Mary", "Johnson", "--taken", "mary.johnson"])
    assert (0, "suggested: m.johnson\n") == (result.code, result.out)


def test_taken_needs_suggest(capsys: pytest.CaptureFixture[str]) -> None:
    """--taken without --suggest is a usage error."""
    result = invoke(capsys, ["login", "mary", "--taken", "mary"])
    assert 2 == result.code
    assert "--taken is for --suggest FIRST LAST" == one_error_line(result)


def test_password_json_never_shows_the_password(capsys: pytest.CaptureFixture[str]) -> None:
    """password --json: the policy, the verdict and the codes; never the password."""
    result = invoke(capsys, ["password", "--json", "--login", SECRET[:4]], stdin=SECRET + "\n")
    data = document(result.out)
    assert SECRET not in result.out + result.err
    assert SECRET[:4] not in json.dumps(data["violations"])
    assert ["version", "policy", "rules", "valid", "violations"] == list(data)
    assert (result.code == 0) is data["valid"]


def test_generate_password_json(capsys: pytest.CaptureFixture[str]) -> None:
    """generate-password --json: the policy's name and the passwords."""
    data = document(invoke(capsys, ["generate-password", "--count", "4", "--json"]).out)
    assert "default" == data["policy"]
    assert 4 == len(set(data["passwords"]))


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (["records", "example.org", "--json"], ["records", "example.org", "--format", "json"]),
        (["records", "example.org"], ["records", "example.org", "--format", "zone"]),
        (["settings", "--server", "3", "--json"], ["settings", "--server=3", "--format=json"]),
    ],
)
def test_old_spellings_are_kept(
    capsys: pytest.CaptureFixture[str], first: list[str], second: list[str]
) -> None:
    """--format json (records, settings) prints what --json prints; --format zone the default."""
    assert invoke(capsys, first).out == invoke(capsys, second).out


def test_settings_keeps_format_for_its_three_forms(capsys: pytest.CaptureFixture[str]) -> None:
    """settings has three forms, so --format stays; autoconfig is not JSON."""
    argv = ["settings", "--server", "1", "--domain", "a.org", "--format", "autoconfig"]
    result = invoke(capsys, argv)
    assert result.out.startswith("<?xml")
