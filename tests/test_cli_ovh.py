"""``check --ovh-domain`` and ``password --ovh-service``: saved API responses as input."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from emailpro_core.cli import _ovh as cli_ovh
from test_cli import invoke, one_error_line

DATA = Path(__file__).parent / "ovh_api"
ZONE = str(DATA / "example.org.zone")


def data(name: str) -> str:
    """The path of a fixture of tests/ovh_api."""
    return str(DATA / name)


def test_check_prints_the_diagnosis_and_the_second_opinion(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The setup from the files; the exit code is the diagnosis' (an ERROR: 1)."""
    argv = ["check", "--ovh-domain", data("domain.json"), "--ovh-dkim", data("dkim-both.json")]
    result = invoke(capsys, [*argv, "--zone", ZONE, "--color", "never"])
    assert result.code == 1
    text = result.out.split("\n\n")
    assert text[0].startswith("example.org: ERROR")
    assert text[1].startswith("control panel, second opinion for example.org: 3 disagreements")
    assert "panel.laxer: the panel shows MX green" in text[1]


def test_check_json_has_the_panel(capsys: pytest.CaptureFixture[str]) -> None:
    """--json: the diagnosis document, with the second opinion under "panel"; DOMAIN may agree."""
    argv = ["check", "example.org", "--ovh-domain", data("domain.json"), "--json"]
    result = invoke(capsys, [*argv, "--ovh-dkim", data("dkim-selector1.json"), "--zone", ZONE])
    assert result.code == 1
    document = json.loads(result.out)
    assert (document["version"], document["domain"]) == (1, "example.org")
    assert document["panel"]["agrees"] is False
    codes = [(o["record"], o["code"]) for o in document["panel"]["opinions"]]
    assert codes[:2] == [("mx", "panel.laxer"), ("spf", "panel.stricter")]
    assert codes[-1] == ("dkim:ovhemp123456-selector1", "panel.agrees")


def test_check_reads_one_file_from_stdin(capsys: pytest.CaptureFixture[str]) -> None:
    """- is standard input, for one of the files."""
    stdin = (DATA / "dkim-selector2.json").read_text(encoding="utf-8")
    argv = [
        "check",
        "--ovh-domain",
        data("domain.json"),
        "--ovh-dkim",
        "-",
        "--zone",
        ZONE,
        "--json",
    ]
    document = json.loads(invoke(capsys, argv, stdin=stdin).out)
    assert document["panel"]["opinions"][-1]["record"] == "dkim:ovhemp123456-selector2"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["--ovh-domain", data("domain-wrong-types.json")],
            "domain.type must be of type string, not number [api.wrong_type]",
        ),
        (
            ["--ovh-domain", data("domain-missing.json")],
            "the key name is missing from domain [api.missing_key]",
        ),
        (
            ["--ovh-domain", data("domain-list.json")],
            "domain must be a JSON object, not array [api.not_an_object]",
        ),
        (
            ["--ovh-domain", data("domain-nulls.json")],
            "domain.mxIsValid must be of type boolean, not null",
        ),
        (
            ["--ovh-domain", data("domain.json"), "--ovh-dkim", data("dkim-other-domain.json")],
            "dkim[0] from",
        ),
        (
            [
                "--ovh-domain",
                data("domain.json"),
                "--ovh-dkim",
                data("dkim-both.json"),
                "--ovh-dkim",
                data("dkim-wrong-types.json"),
            ],
            "dkim[2].status is 'sleeping'",
        ),
        (["--ovh-domain", data("broken.json")], "broken.json' is not valid JSON: Expecting value"),
        (
            [
                "--ovh-domain",
                data("domain.json"),
                "--ovh-dkim",
                data("broken.json"),
                "--ovh-dkim",
                "/dev/zero",
            ],
            "not a regular file (a character device)",
        ),
        (["--ovh-domain", data("no-such-file.json")], "cannot read"),
        (["--ovh-domain", "-", "--ovh-dkim", "-"], "standard input (-) can hold one file only"),
        (
            ["--ovh-domain", data("domain.json"), "--server", "2", "--token", "x"],
            "--server, --token: the domain object (--ovh-domain) states this",
        ),
        (
            ["example.com", "--ovh-domain", data("domain.json")],
            "DOMAIN 'example.com' is not the domain of --ovh-domain (example.org)",
        ),
        (["not a domain", "--ovh-domain", data("domain.json")], "invalid domain name"),
        (["--ovh-dkim", data("dkim-selector1.json")], "--ovh-dkim needs --ovh-domain"),
        ([], "give DOMAIN, or the saved domain object with --ovh-domain FILE"),
    ],
)
def test_check_bad_input_exits_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    """Every problem on one line, exit 2; no traceback."""
    result = invoke(capsys, ["check", *argv, "--zone", ZONE])
    assert result.code == 2
    assert expected in one_error_line(result)


def test_check_lists_every_problem_of_every_file(capsys: pytest.CaptureFixture[str]) -> None:
    """Two unreadable files are named in the same message."""
    argv = ["check", "--ovh-domain", data("broken.json"), "--ovh-dkim", data("broken.json")]
    line = one_error_line(invoke(capsys, [*argv, "--zone", ZONE]))
    assert line.count("is not valid JSON") == 2


def test_check_bad_bytes_and_depth(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A file that is not UTF-8, too deep, or too large is refused."""
    cases = {
        "latin1.json": (b'{"name": "\xe9"}', "is not UTF-8 text"),
        "deep.json": (b"[" * 40 + b"]" * 40, "nested too deeply"),
        "big.json": (b" " * (cli_ovh.MAX_API_JSON_BYTES + 1), "larger than the limit of 1 MiB"),
    }
    for name, (content, expected) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        result = invoke(capsys, ["check", "--ovh-domain", str(path), "--zone", ZONE])
        assert result.code == 2
        assert expected in one_error_line(result)


def test_check_keeps_managed_and_dkim_enabled(capsys: pytest.CaptureFixture[str]) -> None:
    """--managed and --dkim-enabled still apply: the API does not state them."""
    argv = [
        "check",
        "--ovh-domain",
        data("domain-non-authoritative.json"),
        "--managed",
        "--dkim-enabled",
    ]
    argv += ["--ovh-dkim", data("dkim-selector2.json"), "--zone", ZONE, "--json"]
    document = json.loads(invoke(capsys, argv).out)
    (ownership,) = [f for f in document["findings"] if f["check"] == "ownership"]
    assert ownership["code"] == "ownership.not_required"
    assert [o["record"] for o in document["panel"]["opinions"]][:4] == [
        "mx",
        "spf",
        "srv",
        "ownership",
    ]
    assert document["panel"]["opinions"][0]["reason"] == "panel.hidden.not_validated"


def test_password_with_the_service_policy(capsys: pytest.CaptureFixture[str]) -> None:
    """--ovh-service: the control panel's rules for the saved service object."""
    argv = ["password", "--ovh-service", data("service.json"), "--login", "mary", "--json"]
    result = invoke(capsys, argv, stdin="xx-Mary-2024\n")
    assert result.code == 1
    document = json.loads(result.out)
    assert document["policy"] == "from_service"
    assert [v["code"] for v in document["violations"]] == ["password.contains_login"]
    fine = invoke(
        capsys, ["password", "--ovh-service", data("service-null-min.json")], stdin="ab\n"
    )
    assert fine.code == 0
    generated = invoke(
        capsys,
        ["generate-password", "--ovh-service", "-"],
        stdin=(DATA / "service.json").read_text(),
    )
    assert generated.code == 0
    assert len(generated.out.strip()) >= 8


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["--ovh-service", data("service-strings.json")],
            "service.complexityEnabled must be of type boolean, not string",
        ),
        (
            ["--ovh-service", data("service-out-of-range.json")],
            "service.minPasswordLength: minPasswordLength is 20",
        ),
        (
            ["--ovh-service", data("service-no-complexity.json")],
            "the key complexityEnabled is missing from service",
        ),
        (["--ovh-service", data("broken.json")], "is not valid JSON"),
        (["--ovh-service", "-"], "standard input holds the password; give a file"),
        (
            ["--ovh-service", data("service.json"), "--min-length", "8"],
            "--ovh-service gives the policy",
        ),
        (
            ["--ovh-service", data("service.json"), "--policy", "guide"],
            "--ovh-service gives the policy",
        ),
    ],
)
def test_password_bad_service_exits_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    """A bad service file: one line, exit 2, and the password is never read."""
    result = invoke(capsys, ["password", *argv], stdin="Secret-123x\n")
    assert result.code == 2
    line = one_error_line(result)
    assert expected in line
    assert "Secret" not in line


def test_help_names_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    """--help of check and password shows the new options."""
    assert "--ovh-domain" in invoke(capsys, ["check", "--help"]).out
    assert "--ovh-service" in invoke(capsys, ["password", "--help"]).out
    assert os.path.exists(data("README.md"))
