"""The ``emailpro-core`` command: entry points, usage errors, and its output streams.

Every test calls ``main`` in-process; ``test_cli_account.py`` covers the account and
record commands, ``test_cli_check.py`` and ``test_cli_many.py`` ``check`` and
``check-many``, ``test_cli_process.py`` the real entry points.
"""

from __future__ import annotations

import importlib
import io
import sys
from collections.abc import Sequence
from pathlib import Path

import attrs
import pytest

from emailpro_core.cli import _account as cli_account
from emailpro_core.cli import _common as cli_common
from emailpro_core.cli import _propagation as cli_propagation
from emailpro_core.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
# A password no output may contain: the two sentinels never appear in our messages.
SECRET = "Qx7§¶Pw9zR"


@attrs.frozen
class Result:
    """What a run of ``main`` returned and wrote."""

    code: int
    out: str
    err: str


def invoke(
    capsys: pytest.CaptureFixture[str],
    argv: Sequence[str],
    *,
    stdin: str | bytes = "",
) -> Result:
    """Run ``main(argv)`` with ``stdin`` as standard input; capture what it wrote."""
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    saved = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    try:
        code = main(list(argv))
    finally:
        sys.stdin = saved
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


def one_error_line(result: Result) -> str:
    """The single line of a usage error, checked to be the only output."""
    assert result.out == ""
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("emailpro-core: error: ")
    return lines[0].removeprefix("emailpro-core: error: ")


# --- usage ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], "give a command: check, check-many"),
        (["frob"], "argument COMMAND: invalid choice: 'frob'"),
        (["login", "a", "b"], "unrecognized arguments: b"),
        (["login", "--frob"], "unrecognized arguments: --frob"),
        (["check"], "give DOMAIN, or the saved domain object with --ovh-domain FILE"),
        (["settings"], "the following arguments are required: --server"),
        (["settings", "--server", "x"], "argument --server: invalid int value: 'x'"),
        (["records", "-"], "invalid domain setup:"),
        (["check-many", "f", "--concurrency", "0"], "argument --concurrency: 0 is not at least 1"),
        (
            ["check-many", "f", "--concurrency", "ten"],
            "argument --concurrency: 'ten' is not a whole number",
        ),
        (
            ["check-many", "f", "--deadline", "-1"],
            "argument --deadline: '-1' is not a number above 0",
        ),
        (
            ["check-many", "f", "--deadline", "nan"],
            "argument --deadline: 'nan' is not a number above 0",
        ),
        (["check-many", "f", "--deadline", "soon"], "argument --deadline: 'soon' is not a number"),
        (["check", "x.org", "--serv", "1"], "unrecognized arguments: --serv 1"),
    ],
)
def test_usage_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    """A bad command line gives exit 2 and one line naming the problem."""
    result = invoke(capsys, argv)
    assert 2 == result.code
    assert one_error_line(result).startswith(expected)


def test_help_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    """--help prints the commands and exits 0."""
    result = invoke(capsys, ["--help"])
    assert 0 == result.code
    for command in ("check", "check-many", "records", "login", "password", "settings"):
        assert command in result.out
    assert "Exit codes:" in result.out


def test_help_lists_every_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    """The top-level help names every exit code, propagation's 4 and 5 included."""
    result = invoke(capsys, ["--help"])
    epilog = " ".join(result.out.split()).partition("Exit codes: ")[2]
    listed = {int(item.split()[0]) for item in epilog.rstrip(".").split(", ")}
    assert {0, 1, 2, 3, 4, 5, 130} == listed
    assert set(cli_propagation._EXIT_CODES.values()) <= listed
    assert "4 propagation: only caches are stale" in epilog
    assert "5 propagation: the servers disagree" in epilog


def test_command_help_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    """COMMAND --help describes the command's options and exits 0."""
    result = invoke(capsys, ["check", "--help"])
    assert 0 == result.code
    assert "--zone FILE" in result.out
    assert "--dkim-selector S[=TARGET]" in result.out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    """--version prints the program and its version."""
    result = invoke(capsys, ["--version"])
    assert 0 == result.code
    assert result.out.startswith("emailpro-core ")


def test_control_characters_in_errors_are_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    """A terminal escape or a newline typed in an argument is shown escaped."""
    result = invoke(capsys, ["records", "a\x1b[2Jb\nc.org"])
    line = one_error_line(result)
    assert "\x1b" not in result.err
    assert "\\x1b" in line


def test_lone_surrogates_in_output_do_not_raise(capsys: pytest.CaptureFixture[str]) -> None:
    """An argument with a lone surrogate (undecodable argv bytes) is shown, escaped."""
    result = invoke(capsys, ["login", "ab\udcffcd"])
    assert 1 == result.code
    assert "\\udcff" in result.out


def test_output_on_an_ascii_stream_escapes_what_it_cannot_encode() -> None:
    """A stream that cannot encode a character gets it backslash-escaped."""
    stream = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    out = cli_common.Output(stream, stream, stream)
    out.print("caf\u00e9 \u00a7")
    stream.flush()
    assert b"caf\\xe9 \\xa7\n" == stream.buffer.getvalue()


def test_keyboard_interrupt_exits_130(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C during any command ends it with 130, no traceback."""

    def interrupted(*args: object, **kwargs: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_account, "client_settings", interrupted)
    result = invoke(capsys, ["settings", "--server", "1"])
    assert 130 == result.code
    assert "Traceback" not in result.err


def test_broken_pipe_from_a_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """A BrokenPipeError raised while writing gives 141."""

    def broken(*args: object, **kwargs: object) -> object:
        raise BrokenPipeError

    monkeypatch.setattr(cli_account, "client_settings", broken)
    assert 141 == main(["settings", "--server", "1"])


def test_parser_exit_with_a_message_is_a_usage_error() -> None:
    """argparse's exit with a message becomes a usage error; without one, a plain exit."""
    parser = cli_common.Parser(prog="x")
    with pytest.raises(cli_common.UsageError, match=r"^boom$"):
        parser.exit(2, "boom\n")
    with pytest.raises(cli_common.ParserExit):
        parser.exit(0)


def test_closed_stream_is_not_a_terminal() -> None:
    """A closed stream is not a terminal (no exception)."""
    stream = io.StringIO()
    stream.close()
    assert not cli_common.is_terminal(stream)


def test_python_dash_m(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """``python -m emailpro_core`` exits with main's code."""
    monkeypatch.setattr(sys, "argv", ["emailpro_core", "login", "mary.johnson"])
    path = ROOT / "src" / "emailpro_core" / "__main__.py"
    code = compile(path.read_text(), str(path), "exec")
    # As under ``python -m``: the file runs as __main__, inside its package.
    with pytest.raises(SystemExit) as raised:
        exec(code, {"__name__": "__main__", "__package__": "emailpro_core"})
    assert 0 == raised.value.code
    assert "'mary.johnson': valid (default policy)\n" == capsys.readouterr().out


def test_importing_main_module_runs_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    """Importing ``emailpro_core.__main__`` (not running it) does nothing."""
    module = importlib.import_module("emailpro_core.__main__")
    assert module.main is main
    assert "" == capsys.readouterr().out


def test_long_inputs_are_cut_in_messages(capsys: pytest.CaptureFixture[str]) -> None:
    """An error repeats at most 60 characters of what was typed."""
    result = invoke(capsys, ["check", "example.org", "--nameserver", "x" * 5000])
    assert f"--nameserver '{'x' * 60}...' is not an IP address[:PORT]" == one_error_line(result)
