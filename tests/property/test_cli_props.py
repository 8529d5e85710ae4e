"""Properties of the ``emailpro-core`` command: it never crashes, and never shows a password."""

from __future__ import annotations

import contextlib
import io
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import any_text, domains, valid_logins

from emailpro_core.checker._diagnosis import Diagnosis
from emailpro_core.checker._findings import Check, Finding, Status
from emailpro_core.cli import _setup as cli_setup
from emailpro_core.cli import main
from emailpro_core.cli._render import diagnosis_table
from emailpro_core.sources._static import StaticSource
from emailpro_core.sources._zone import DualSource

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"
COMMANDS = ["check", "check-many", "records", "login", "password", "generate-password", "settings"]
OPTIONS = [
    "--zone",
    "--nameserver",
    "--resolv-conf",
    "--server",
    "--token",
    "--dkim-selector",
    "--dkim-enabled",
    "--managed",
    "--not-managed",
    "--mode",
    "--relay",
    "--json",
    "--color",
    "-v",
    "--deadline",
    "--concurrency",
    "--format",
    "--no-comments",
    "--policy",
    "--complexity",
    "--no-complexity",
    "--min-length",
    "--login",
    "--first-name",
    "--last-name",
    "--display-name",
    "--birth-date",
    "--length",
    "--count",
    "--suggest",
    "--taken",
    "--no-progress",
    "--address",
    "--domain",
    "--help",
    "--version",
    "-",
    "--",
]
VALUES = [
    "1",
    "0",
    "-1",
    "3",
    "99999999999999999999",
    "0.01",
    "authoritative",
    "non-authoritative",
    "nonAuthoritative",
    "mx1.mail.ovh.net",
    "ab1cd",
    "ovhemp123456-selector1",
    "ovhemp1-selector2=ovhemp1-selector2._domainkey.1.ab.dkim.mail.ovh.net",
    "127.0.0.1:1",
    "[::1]:1",
    "zone",
    "json",
    "text",
    "autoconfig",
    "guide",
    "service",
    "control-panel",
    "always",
    "never",
    "1984-09-19",
    "mary@example.org",
    "mydomain.ovh",
    "example.org",
    str(EXAMPLES / "mydomain.ovh.zone"),
    str(EXAMPLES / "example.org.zone"),
    str(EXAMPLES / "domains.txt"),
    "/nonexistent",
]
EXIT_CODES = {0, 1, 2, 3}
# Two characters that no message, help text or rendering of ours contains.
MARK = "§¶"


def tokens() -> st.SearchStrategy[str]:
    """Words of a command line: commands, options, plausible values, and any text."""
    return st.one_of(
        st.sampled_from(COMMANDS),
        st.sampled_from(OPTIONS),
        st.sampled_from(VALUES),
        domains(),
        valid_logins(),
        any_text(max_size=20),
    )


def command_lines() -> st.SearchStrategy[list[str]]:
    """Argument lists: mostly a command and its words, sometimes anything at all."""
    commands = st.tuples(st.sampled_from(COMMANDS), st.lists(tokens(), max_size=8))
    return st.one_of(
        commands.map(lambda t: [t[0], *t[1]]),
        st.lists(tokens(), max_size=8),
    )


def offline(nameservers: Sequence[str], port: int, /, *, concurrent: bool) -> DualSource:
    """Stands in for the live source: the tests never leave the machine."""
    return StaticSource({})


@contextlib.contextmanager
def isolated(stdin: str) -> Iterator[tuple[io.StringIO, io.StringIO]]:
    """Run with ``stdin`` as standard input, output captured, and no live DNS."""
    out, err = io.StringIO(), io.StringIO()
    data = io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8", "surrogatepass")), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cli_setup, "live_source", offline)
        patch.setattr(sys, "stdin", data)
        patch.setattr(sys, "stdout", out)
        patch.setattr(sys, "stderr", err)
        yield out, err


@settings(max_examples=300)
@given(command_lines(), any_text(max_size=30))
def test_main_never_raises(argv: list[str], stdin: str) -> None:
    """For any argv, main returns 0, 1, 2 or 3; a usage error is one line, no traceback."""
    with isolated(stdin) as (out, err):
        code = main(argv)
    assert code in EXIT_CODES
    assert "Traceback" not in err.getvalue()
    if code == 2 and argv and argv[0] != "check-many":
        lines = err.getvalue().splitlines()
        assert 1 == len(lines)
        assert lines[0].startswith("emailpro-core: error: ")
    assert out.getvalue() == "" or code != 2 or (argv and argv[0] == "check-many")


@given(
    st.lists(st.sampled_from(OPTIONS + VALUES), max_size=6),
    any_text(max_size=12),
    any_text(max_size=12),
)
def test_password_never_appears(options: list[str], before: str, after: str) -> None:
    """Whatever the options and the password, it never appears on stdout or stderr."""
    password = before.replace("\n", "") + MARK + after.replace("\n", "")
    with isolated(password + "\n") as (out, err):
        code = main(["password", *options])
    assert code in EXIT_CODES
    assert MARK not in out.getvalue() + err.getvalue()


_STATUSES = st.sampled_from(Status)


@given(st.lists(st.tuples(st.sampled_from(Check), _STATUSES), max_size=10))
def test_heading_and_json_status_agree(findings: list[tuple[Check, Status]]) -> None:
    """For any diagnosis, the table's heading shows the JSON "status"; SKIPPED only if all are."""
    diagnosis = Diagnosis(
        "example.org",
        tuple(Finding(c, s, f"{c.value}.x", "m", "example.org.") for c, s in findings),
    )
    data = diagnosis.to_dict()
    heading = diagnosis_table(diagnosis, color=False)[0]
    assert heading.startswith(f"example.org: {str(data['status']).upper()} ")
    assert diagnosis.to_text().split("\n")[0] == f"example.org: {str(data['status']).upper()}"
    statuses = {s for _, s in findings}
    assert (data["status"] == "skipped") is (statuses == {Status.SKIPPED})
    assert ["version", "domain", "status"] == list(data)[:3]


@given(any_text(max_size=40), st.sampled_from(["default", "guide", "control-panel"]))
def test_login_json_is_one_versioned_document(name: str, policy: str) -> None:
    """login NAME --json: one JSON document, version first; "valid" matches the exit code."""
    with isolated("") as (out, err):
        code = main(["login", "--policy", policy, "--json", "--", name])
    data = json.loads(out.getvalue())
    assert "version" == next(iter(data))
    assert (code == 0) is data["login"]["valid"]
    assert "" == err.getvalue()
