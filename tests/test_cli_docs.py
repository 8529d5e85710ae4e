"""The shell examples of the docs run through ``main`` and show what it prints.

A ```` ```console ```` block holds commands after ``$ ``, each followed by its
output. ``$ echo $?`` shows the exit code of the command before it. Output is
compared as doctest does with ELLIPSIS and NORMALIZE_WHITESPACE (``...`` stands
for any text); a command shown without output is run but its output is not
compared. ``echo TEXT | emailpro-core ...`` and ``emailpro-core ... < FILE``
give the command its standard input; after ``> FILE``, only standard error is
shown. Commands run from the repository root; a command that would ask live DNS
asks records held in memory instead (the zones in ``examples/`` and the
provider's records), never the network.
"""

from __future__ import annotations

import doctest
import re
import shlex
import sys
from collections.abc import Iterator, Sequence

import attrs
import pytest

from conftest import PEER_SUITES
from emailpro_core.cli import _common as cli_common
from emailpro_core.cli import _setup as cli_setup
from emailpro_core.cli import main
from emailpro_core.sources._static import StaticSource
from emailpro_core.sources._zone import DualSource, ZoneSource
from test_cli import EXAMPLES, ROOT, invoke

DOCS = ROOT / "docs"
PAGES = [
    "getting-started.md",
    "cli.md",
    "languages.md",
    "testing.md",
    "recipes/provisioning.md",
    "recipes/zone-ci.md",
    "recipes/bulk-audit.md",
    "recipes/custom-profile.md",
]
_BLOCK = re.compile(r"^```console\n(.*?)^```", re.DOTALL | re.MULTILINE)
_CHECKER = doctest.OutputChecker()
_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@attrs.frozen
class Example:
    """One command of a console block, what it should print, and its exit code."""

    page: str
    line: int
    command: str
    output: str | None
    code: int | None


def _commands(block: str) -> Iterator[tuple[int, str, list[str]]]:
    # (offset of the command line in the block, command, output lines)
    command: str | None = None
    output: list[str] = []
    start = 0
    lines = block.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("$ "):
            if command is not None:
                yield start, command, output
            start, command, output = index, line[2:], []
            while command.endswith("\\"):
                index += 1
                command = command[:-1] + lines[index].strip()
        elif command is not None:
            output.append(line)
        index += 1
    if command is not None:
        yield start, command, output


def examples() -> list[Example]:
    """Every command shown in the pages, with its output and exit code."""
    found = []
    for page in PAGES:
        text = (DOCS / page).read_text(encoding="utf-8")
        for block in _BLOCK.finditer(text):
            line = text.count("\n", 0, block.start()) + 2
            commands = list(_commands(block.group(1)))
            for position, (offset, command, output) in enumerate(commands):
                if command == "echo $?":
                    continue
                code = None
                shown = "\n".join(output) + "\n" if output else None
                if position + 1 < len(commands) and commands[position + 1][1] == "echo $?":
                    code = int(commands[position + 1][2][0])
                found.append(Example(page, line + offset, command, shown, code))
    return found


def _fake_internet() -> DualSource:
    """The example zones, then the provider's records, as the whole DNS."""
    key = (PEER_SUITES / "dkim" / "2048_testkey_wo_markers.pub.txt").read_text().strip()
    provider = StaticSource(
        {
            "mx.ovh.com": {"TXT": "v=spf1 ip4:198.51.100.0/24 -all"},
            "_spf.old-host.example": {"TXT": "v=spf1 ip4:203.0.113.0/24 -all"},
            "mail.old-host.example": {"A": "203.0.113.25"},
            "autodiscover.old-host.example": {"A": "203.0.113.26"},
        }
        | {
            f"ovhemp123456-selector{n}._domainkey.1675.ac.dkim.mail.ovh.net": {"TXT": key}
            for n in (1, 2)
        }
    )
    other = ZoneSource.from_file(EXAMPLES / "example.org.zone", fallback=provider)
    return ZoneSource.from_file(EXAMPLES / "mydomain.ovh.zone", fallback=other)


def _offline(nameservers: Sequence[str], port: int, /, *, concurrent: bool) -> DualSource:
    return _fake_internet()


def _split(command: str) -> tuple[list[str], str | bytes, bool]:
    words = shlex.split(command)
    stdin: str | bytes = ""
    # "> FILE" is left to the reader's shell: standard output is not shown then.
    redirected = ">" in words
    if redirected:
        arrow = words.index(">")
        words = words[:arrow] + words[arrow + 2 :]
    if "|" in words:
        bar = words.index("|")
        assert words[0] in ("echo", "printf"), command
        stdin = " ".join(words[1:bar]) + ("\n" if words[0] == "echo" else "")
        words = words[bar + 1 :]
    if "<" in words:
        arrow = words.index("<")
        stdin = (ROOT / words[arrow + 1]).read_bytes()
        words = words[:arrow] + words[arrow + 2 :]
    assert words[0] == "emailpro-core", command
    return words[1:], stdin, redirected


def test_every_page_has_examples() -> None:
    """Each page of the command and the recipes shows at least one command or a doctest."""
    counts = dict.fromkeys(PAGES, 0)
    for example in examples():
        counts[example.page] += 1
    for page in ("getting-started.md", "cli.md", "recipes/bulk-audit.md"):
        assert counts[page] >= 1, page


@pytest.mark.parametrize(
    "example", examples(), ids=lambda e: f"{e.page}:{e.line}:{e.command.split()[1]}"
)
def test_shell_example(
    example: Example, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command prints what the page shows, and exits with the code it shows."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(cli_setup, "live_source", _offline)
    monkeypatch.setattr(cli_common, "is_terminal", lambda stream: False)
    argv, stdin, redirected = _split(example.command)
    result = invoke(capsys, argv, stdin=stdin)
    if example.code is not None:
        assert example.code == result.code, result.out + result.err
    got = ("" if redirected else result.out) + result.err
    if example.output is not None and not _CHECKER.check_output(example.output, got, _FLAGS):
        diff = _CHECKER.output_difference(
            doctest.Example(example.command, example.output), got, _FLAGS
        )
        pytest.fail(f"{example.page}, line {example.line}: {example.command}\n{diff}")


def test_main_is_the_command() -> None:
    """The examples run ``main``, the function behind the console script."""
    assert main.__module__ == "emailpro_core.cli"
    assert sys.executable
