"""The example zones shipped in the package, and the ``example`` command that writes them."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

import emailpro_core
from emailpro_core import DomainSetup, Status, ZoneSource, check_domain
from emailpro_core.errors import ValidationError
from emailpro_core.examples import DEFAULT_EXAMPLE, EXAMPLE_DOMAINS, example_zone
from test_cli import EXAMPLES, invoke, one_error_line

PACKAGE_EXAMPLES = Path(emailpro_core.__file__).resolve().parent / "examples"
# What each example gives when checked with the options of its header comment.
# (the statuses of its findings, the exit code of ``check``).
VERDICTS = {
    "mydomain.ovh": ({Status.OK, Status.WARNING, Status.ERROR, Status.SKIPPED}, 1),
    "example.org": ({Status.OK, Status.SKIPPED}, 0),
}
SETUPS = {
    "mydomain.ovh": DomainSetup("mydomain.ovh", server_number=1),
    "example.org": DomainSetup(
        "example.org",
        server_number=1,
        ownership_token="ab1cd",
        dkim_selectors=("ovhemp123456-selector1", "ovhemp123456-selector2"),
    ),
}


def test_the_examples_are_the_zone_files_of_the_package() -> None:
    """One example per ``.zone`` file of the package, read as package data."""
    shipped = sorted(
        item.name.removesuffix(".zone")
        for item in resources.files("emailpro_core.examples").iterdir()
        if item.name.endswith(".zone")
    )
    assert list(EXAMPLE_DOMAINS) == shipped
    assert DEFAULT_EXAMPLE in EXAMPLE_DOMAINS


@pytest.mark.parametrize("domain", EXAMPLE_DOMAINS)
def test_example_zone_is_the_file_the_docs_use(domain: str) -> None:
    """``examples/<domain>.zone`` of the repository is the package's zone, byte for byte."""
    packaged = (PACKAGE_EXAMPLES / f"{domain}.zone").read_text(encoding="utf-8")
    assert packaged == example_zone(domain)
    assert packaged == (EXAMPLES / f"{domain}.zone").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("spelling", "domain"),
    [
        ("mydomain.ovh", "mydomain.ovh"),
        ("MyDomain.OVH", "mydomain.ovh"),
        ("mydomain.ovh.", "mydomain.ovh"),
        ("EXAMPLE.ORG.", "example.org"),
    ],
)
def test_example_names_ignore_case_and_the_final_dot(spelling: str, domain: str) -> None:
    """A name is compared as a domain is: without case, without the root's dot."""
    assert example_zone(domain) == example_zone(spelling)
    assert f"$ORIGIN {domain}." in example_zone(spelling).splitlines()


@pytest.mark.parametrize(
    "name",
    ["x.org", "", ".", "mydomain", "mydomain.ovh.zone", "../mydomain.ovh", "example.org/x"],
)
def test_unknown_example_names_are_refused(name: str) -> None:
    """Only the shipped names are read: no other file of the package can be reached."""
    with pytest.raises(ValidationError) as caught:
        example_zone(name)
    assert ("example.unknown",) == caught.value.codes
    assert caught.value.violations[0].params["examples"] == EXAMPLE_DOMAINS
    assert "example.org, mydomain.ovh" in str(caught.value)


def test_example_name_must_be_a_str() -> None:
    """A name that is not a ``str`` is a ``TypeError`` that says so."""
    with pytest.raises(TypeError, match="example domain must be a str, not int"):
        example_zone(3)  # type: ignore[arg-type]


@pytest.mark.parametrize("domain", EXAMPLE_DOMAINS)
def test_examples_give_the_verdict_their_header_announces(domain: str) -> None:
    """mydomain.ovh is half right (ERROR), example.org is ready (OK)."""
    zone = ZoneSource.from_text(example_zone(domain))
    assert domain == zone.apex
    diagnosis = check_domain(SETUPS[domain], zone)
    assert VERDICTS[domain][0] == {finding.status for finding in diagnosis.findings}


def test_example_command_prints_the_default_zone(capsys: pytest.CaptureFixture[str]) -> None:
    """Without a file, the zone goes to standard output, unchanged."""
    for argv in (["example"], ["example", "-o", "-"], ["example", DEFAULT_EXAMPLE]):
        result = invoke(capsys, argv)
        assert (0, example_zone(), "") == (result.code, result.out, result.err)


@pytest.mark.parametrize("domain", EXAMPLE_DOMAINS)
def test_example_command_writes_a_zone_and_the_command_that_checks_it(
    domain: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``-o FILE`` writes the zone; the command it prints checks it with the right verdict."""
    target = tmp_path / f"{domain}.zone"
    result = invoke(capsys, ["example", domain.upper(), "-o", str(target)])
    assert (0, "") == (result.code, result.out)
    assert example_zone(domain) == target.read_text(encoding="utf-8")
    told = result.err.splitlines()
    assert [f"wrote the example zone of {domain} to {str(target)!r}; check it:"] == told[:1]
    command = shlex.split(told[1])
    assert ["emailpro-core", "check", domain, "--zone", str(target)] == command[:5]
    checked = invoke(capsys, command[1:])
    assert VERDICTS[domain][1] == checked.code
    assert checked.out.startswith(f"{domain}: ")


def test_example_command_keeps_an_existing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An existing file is replaced only with ``--force``."""
    target = tmp_path / "zone"
    target.write_text("mine\n", encoding="utf-8")
    refused = invoke(capsys, ["example", "-o", str(target)])
    assert 2 == refused.code
    assert one_error_line(refused).endswith(f"{str(target)!r} exists: give --force to replace it")
    assert "mine\n" == target.read_text(encoding="utf-8")
    forced = invoke(capsys, ["example", "-o", str(target), "--force"])
    assert 0 == forced.code
    assert example_zone() == target.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (["example", "x.org"], "there is no example zone for 'x.org'"),
        (["example", "-o", "/nonexistent-dir/z.zone"], "No such file or directory"),
        (["example", "-o", "a\x00b"], "cannot write 'a\\\\x00b'"),
        (
            ["example", "-o", "/nonexistent-dir/\x1b[2J"],
            "cannot write '/nonexistent-dir/\\\\x1b[2J'",
        ),
    ],
)
def test_example_command_errors_are_one_line(
    argv: list[str],
    error: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An unknown name or an unwritable file: exit 2, one escaped line, nothing written."""
    monkeypatch.chdir(tmp_path)
    result = invoke(capsys, argv)
    assert 2 == result.code
    assert error in one_error_line(result)
    assert "\x1b" not in result.err
    assert [] == list(tmp_path.iterdir())


def test_quick_start_runs_from_any_folder(tmp_path: Path) -> None:
    """The README's quick start, in a folder with nothing in it: the example zone, exit 1."""
    source = Path(emailpro_core.__file__).resolve().parent.parent
    env = dict(os.environ, NO_COLOR="1", PYTHONPATH=str(source))
    command = [sys.executable, "-m", "emailpro_core"]

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, *argv], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60
        )

    wrote = run("example", "mydomain.ovh", "-o", "mydomain.ovh.zone")
    assert 0 == wrote.returncode, wrote.stderr
    checked = run("check", "mydomain.ovh", "--zone", "mydomain.ovh.zone")
    assert 1 == checked.returncode, checked.stderr
    assert checked.stdout.startswith("mydomain.ovh: ERROR (")
    assert ["mydomain.ovh.zone"] == sorted(p.name for p in tmp_path.iterdir())
