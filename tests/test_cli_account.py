"""The account and record commands: login, password, generate-password, records, settings."""

from __future__ import annotations

import getpass
import json

import pytest

from emailpro_core.cli import _account as cli_account
from emailpro_core.password._password import check_password
from emailpro_core.password._policy import PasswordPolicy
from test_cli import SECRET, invoke, one_error_line

# --- login ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "code", "expected"),
    [
        (["mary.johnson"], 0, ["'mary.johnson': valid (default policy)"]),
        (
            ["mary,johnson"],
            1,
            [
                "'mary,johnson': invalid (default policy)",
                "  login.invalid_character: character ',' (U+002C) at position 4 is not allowed",
            ],
        ),
        (["mary,johnson", "--policy", "guide"], 0, ["'mary,johnson': valid (guide policy)"]),
        (
            ["mary+news", "--policy", "control-panel"],
            0,
            ["'mary+news': valid (control_panel policy)"],
        ),
        (["--suggest", "Jean-Hélène", "Müller"], 0, ["suggested: jean-helene.muller"]),
        (
            ["--suggest", "中", "文"],
            1,
            ["no suggestion:", "  login.nothing_usable: the names have fewer than 2 characters"],
        ),
        (
            ["x", "--suggest", "Mary", "Johnson"],
            1,
            ["suggested: mary.johnson", "'x': invalid (default policy)", "  login.too_short"],
        ),
    ],
)
def test_login(
    capsys: pytest.CaptureFixture[str], argv: list[str], code: int, expected: list[str]
) -> None:
    """login checks a login (exit 0 or 1) and suggests one from a person's names."""
    result = invoke(capsys, ["login", *argv])
    assert code == result.code
    lines = result.out.splitlines()
    assert len(expected) == len(lines)
    for want, got in zip(expected, lines, strict=True):
        assert got.startswith(want)


def test_login_needs_a_name_or_suggest(capsys: pytest.CaptureFixture[str]) -> None:
    """login with nothing to do is a usage error."""
    result = invoke(capsys, ["login"])
    assert 2 == result.code
    assert "give a login to check, or --suggest FIRST LAST" == one_error_line(result)


# --- password ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("stdin", "argv", "code", "codes"),
    [
        ("Tr0ub4dor&3\n", [], 0, []),
        ("Tr0ub4dor&3", [], 0, []),
        ("Tr0ub4dor&3\r\n", [], 0, []),
        ("password\n", [], 1, ["password.too_short", "password.missing_upper"]),
        ("", [], 1, ["password.empty"]),
        ("Mary2024rocks\n", ["--first-name", "Mary"], 1, ["password.contains_name"]),
        ("Ab1x0919\n", ["--birth-date", "1984-09-19", "--policy", "guide"], 1, []),
        ("tr0ub4dor&3é\n", ["--policy", "guide"], 1, ["password.missing_upper"]),
        ("abc\n", ["--min-length", "3", "--no-complexity"], 0, []),
        ("abc\n", ["--min-length", "3"], 1, ["password.too_few_categories"]),
        ("maryjohnson1A\n", ["--policy", "service", "--login", "maryjohnson"], 1, []),
        ("Xy7!kk\n", ["--policy", "service"], 0, []),
    ],
)
def test_password_from_stdin(
    capsys: pytest.CaptureFixture[str], stdin: str, argv: list[str], code: int, codes: list[str]
) -> None:
    """password checks standard input (one line) and lists the rules broken."""
    result = invoke(capsys, ["password", *argv], stdin=stdin)
    assert code == result.code
    lines = result.out.splitlines()
    verdict = "passes" if code == 0 else "breaks"
    assert f"the password {verdict} the " in lines[0]
    shown = [line.split(":")[0].strip() for line in lines[1:]]
    for expected in codes:
        assert expected in shown


def test_password_service_policy_matches_the_library(capsys: pytest.CaptureFixture[str]) -> None:
    """The service options build PasswordPolicy.from_service exactly."""
    policy = PasswordPolicy.from_service(complexity_enabled=True, min_length=8)
    result = invoke(capsys, ["password", "--min-length", "8"], stdin="abcdefgh\n")
    assert f"({policy.describe()}):" in result.out.splitlines()[0]
    codes = [v.code for v in check_password("abcdefgh", policy=policy)]
    assert codes == [line.split(":")[0].strip() for line in result.out.splitlines()[1:]]


def test_password_never_appears_in_output(capsys: pytest.CaptureFixture[str]) -> None:
    """Neither a good nor a bad password is ever repeated, whatever the options."""
    for argv in (
        [],
        ["--policy", "guide"],
        ["--min-length", "14", "--login", "qx7"],
        ["--first-name", "Qx7", "--display-name", "Pw9zR Qx7"],
    ):
        for text in (SECRET, SECRET + " x", "\x00" + SECRET):
            result = invoke(capsys, ["password", *argv], stdin=text + "\n")
            assert result.code in (0, 1)
            assert SECRET not in result.out + result.err


@pytest.mark.parametrize(
    ("argv", "stdin", "expected"),
    [
        ([SECRET], "", "password takes no arguments: the password is read from standard input"),
        (["--birth-date", SECRET], "", "argument --birth-date: write the date as YYYY-MM-DD"),
        (["--min-length", SECRET], "", "argument --min-length: invalid int value: '...'"),
        (["--policy", SECRET], "", "argument --policy: invalid choice: '...'"),
        ([], f"{SECRET}\n{SECRET}\n", "standard input has more than one line; give one password"),
        ([], b"\xff\xfe" + SECRET.encode(), "standard input is not UTF-8 text"),
        (["--min-length", "2"], "", "invalid password policy: minPasswordLength is 2"),
        (["--policy", "guide", "--min-length", "8"], "", "--complexity and --min-length"),
    ],
)
def test_password_usage_errors_never_repeat_it(
    capsys: pytest.CaptureFixture[str], argv: list[str], stdin: str | bytes, expected: str
) -> None:
    """A password typed in argv, or bad input, is refused without being shown."""
    result = invoke(capsys, ["password", *argv], stdin=stdin)
    assert 2 == result.code
    assert one_error_line(result).startswith(expected)
    assert SECRET not in result.err


def test_password_prompts_without_echo_on_a_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a terminal on standard input, the password is typed at a getpass prompt."""
    prompts: list[str] = []

    def fake_getpass(prompt: str = "Password: ", stream: object = None) -> str:
        prompts.append(prompt)
        return "Tr0ub4dor&3xyz"

    monkeypatch.setattr(cli_account, "is_terminal", lambda stream: True)
    monkeypatch.setattr(getpass, "getpass", fake_getpass)
    result = invoke(capsys, ["password"])
    assert ["Password: "] == prompts
    assert 0 == result.code
    assert "Tr0ub4dor&3xyz" not in result.out + result.err


@pytest.mark.parametrize("error", [EOFError, KeyboardInterrupt])
def test_password_prompt_cancelled(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, error: type[BaseException]
) -> None:
    """Ctrl-D or Ctrl-C at the prompt ends the command with 130."""

    def cancelled(prompt: str = "", stream: object = None) -> str:
        raise error

    monkeypatch.setattr(cli_account, "is_terminal", lambda stream: True)
    monkeypatch.setattr(getpass, "getpass", cancelled)
    assert 130 == invoke(capsys, ["password"]).code


# --- generate-password --------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "policy", "length"),
    [
        ([], PasswordPolicy.default(), 16),
        (["--policy", "guide", "--length", "9"], PasswordPolicy.guide(), 9),
        (
            ["--min-length", "3", "--no-complexity", "--length", "3"],
            PasswordPolicy.from_service(complexity_enabled=False, min_length=3),
            3,
        ),
        (
            ["--policy", "service", "--length", "40"],
            PasswordPolicy.from_service(complexity_enabled=True, min_length=None),
            40,
        ),
    ],
)
def test_generate_password(
    capsys: pytest.CaptureFixture[str], argv: list[str], policy: PasswordPolicy, length: int
) -> None:
    """generate-password prints passwords of the length asked that pass the policy."""
    result = invoke(capsys, ["generate-password", "--count", "5", *argv])
    assert 0 == result.code
    passwords = result.out.splitlines()
    assert 5 == len(passwords)
    for password in passwords:
        assert length == len(password)
        assert () == check_password(password, policy=policy)


def test_generate_password_avoids_personal_data(capsys: pytest.CaptureFixture[str]) -> None:
    """Personal data is left out of generated passwords."""
    argv = ["--count", "20", "--login", "wvk.jdm", "--first-name", "Xqz"]
    result = invoke(capsys, ["generate-password", *argv])
    assert 20 == len(result.out.splitlines())
    for password in result.out.splitlines():
        for word in ("wvk", "jdm", "xqz"):
            assert word not in password.lower()


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--length", "8"], "length must be between 9 and 30 for this policy"),
        (["--count", "1001"], "--count is at most 1000"),
    ],
)
def test_generate_password_errors(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    """A length outside the policy, or too many passwords, is a usage error."""
    result = invoke(capsys, ["generate-password", *argv])
    assert 2 == result.code
    assert expected == one_error_line(result)


def test_generate_password_impossible_personal_data(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A generator that gives up is reported as one line, exit 2."""

    def give_up(**kwargs: object) -> str:
        raise RuntimeError("no password passed the policy in 200 draws")

    monkeypatch.setattr(cli_account, "generate_password", give_up)
    result = invoke(capsys, ["generate-password"])
    assert 2 == result.code
    assert "no password passed the policy in 200 draws" == one_error_line(result)


# --- records ----------------------------------------------------------------


def test_records_zone(capsys: pytest.CaptureFixture[str]) -> None:
    """records prints zone lines ready to paste, with comments."""
    result = invoke(capsys, ["records", "mydomain.ovh", "--server", "2", "--token", "ab1cd"])
    assert 0 == result.code
    lines = result.out.splitlines()
    assert "mydomain.ovh. 3600 IN MX 1 mx0.mail.ovh.net." in lines
    assert "_autodiscover._tcp.mydomain.ovh. 3600 IN SRV 0 0 443 pro2.mail.ovh.net." in lines
    assert "ab1cd-check.mydomain.ovh. 3600 IN CNAME ovh.com." in lines
    assert lines[0].startswith("; records for mydomain.ovh.")


def test_records_without_comments(capsys: pytest.CaptureFixture[str]) -> None:
    """--no-comments leaves only the records."""
    result = invoke(
        capsys,
        [
            "records",
            "Bücher.example",
            "--managed",
            "--server",
            "1",
            "--no-comments",
            "--dkim-selector",
            "ovhemp1-selector1=ovhemp1-selector1._domainkey.1675.ac.dkim.mail.ovh.net",
            "--dkim-enabled",
        ],
    )
    assert 0 == result.code
    lines = result.out.splitlines()
    assert 9 == len(lines)
    assert not any(line.startswith(";") for line in lines)
    assert (
        "ovhemp1-selector1._domainkey.xn--bcher-kva.example. 3600 IN CNAME "
        "ovhemp1-selector1._domainkey.1675.ac.dkim.mail.ovh.net." in lines
    )


def test_records_json(capsys: pytest.CaptureFixture[str]) -> None:
    """--format json prints the record set's JSON schema."""
    result = invoke(
        capsys,
        [
            *("records", "example.org", "--format", "json"),
            *("--mode", "non-authoritative", "--relay", "mx1.mail.ovh.net"),
        ],
    )
    assert 0 == result.code
    data = json.loads(result.out)
    assert "example.org" == data["domain"]
    assert 1 == data["version"]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["bad..domain"], "invalid domain setup: the name has an empty label"),
        (["x.org", "--mode", "non-authoritative"], "invalid domain setup: a non-authoritative"),
        (["x.org", "--mode", "authoritative", "--relay", "a.b"], "invalid domain setup: "),
        (["x.org", "--server", "0"], "invalid domain setup: the server number"),
        (["x.org", "--dkim-selector", "nope"], "invalid domain setup: 'nope' is not a DKIM"),
        (["x.org", "--token", "a b"], "invalid domain setup: the ownership token"),
        (["x.org", "--managed", "--not-managed"], "argument --not-managed: not allowed with"),
        (["x.org", "--mode", "sometimes"], "argument --mode: invalid choice: 'sometimes'"),
    ],
)
def test_records_errors(capsys: pytest.CaptureFixture[str], argv: list[str], expected: str) -> None:
    """A bad setup is one line naming every problem, exit 2."""
    result = invoke(capsys, ["records", *argv])
    assert 2 == result.code
    assert one_error_line(result).startswith(expected)


# --- settings ---------------------------------------------------------------


def test_settings_text(capsys: pytest.CaptureFixture[str]) -> None:
    """settings prints the host, the user name and one line per protocol."""
    result = invoke(capsys, ["settings", "--server", "2", "--address", "mary@example.org"])
    assert 0 == result.code
    assert [
        "server    pro2.mail.ovh.net",
        "username  mary@example.org",
        "IMAP      pro2.mail.ovh.net  port 993  SSL/TLS",
        "POP3      pro2.mail.ovh.net  port 995  SSL/TLS",
        "SMTP      pro2.mail.ovh.net  port 587  STARTTLS",
    ] == result.out.splitlines()


def test_settings_without_address(capsys: pytest.CaptureFixture[str]) -> None:
    """Without an address, the user name is described."""
    result = invoke(capsys, ["settings", "--server", "1"])
    assert "username  the full e-mail address of the account" == result.out.splitlines()[1]


def test_settings_json(capsys: pytest.CaptureFixture[str]) -> None:
    """--format json prints the settings as JSON."""
    result = invoke(capsys, ["settings", "--server", "3", "--format", "json"])
    data = json.loads(result.out)
    assert "pro3.mail.ovh.net" == data["host"]
    assert [993, 995, 587] == [e["port"] for e in data["endpoints"]]


@pytest.mark.parametrize(
    "argv",
    [
        ["--domain", "example.org"],
        ["--address", "mary@example.org"],
    ],
)
def test_settings_autoconfig(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    """--format autoconfig prints a Thunderbird autoconfig document for the domain."""
    result = invoke(capsys, ["settings", "--server", "2", "--format", "autoconfig", *argv])
    assert 0 == result.code
    assert result.out.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert '<emailProvider id="example.org">' in result.out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--server", "0"], "invalid server number: the server number must be"),
        (["--server", "1", "--format", "autoconfig"], "--format autoconfig needs --domain"),
        (["--server", "1", "--address", "mary"], "invalid address"),
        (["--server", "1", "--domain=-x-", "--format", "autoconfig"], "invalid domain name"),
    ],
)
def test_settings_errors(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    """Bad settings options are one line, exit 2."""
    result = invoke(capsys, ["settings", *argv])
    assert 2 == result.code
    assert one_error_line(result).startswith(expected)
