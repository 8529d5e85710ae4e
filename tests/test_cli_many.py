"""``emailpro-core check-many``: JSON lines, bad lines, exit codes, progress and Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import gc
import io
import json
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from emailpro_core.checker._diagnosis import Diagnosis
from emailpro_core.cli import _check as cli_check
from emailpro_core.cli import _common as cli_common
from emailpro_core.cli import _setup as cli_setup
from emailpro_core.cli import main
from emailpro_core.cli._render import Progress, Tally
from emailpro_core.sources._answers import Answer
from emailpro_core.sources._static import StaticSource
from emailpro_core.sources._stub import AsyncStubSource
from emailpro_core.sources._zone import DualSource
from faults import FaultResponder
from test_cli import Result, invoke, one_error_line
from test_cli_check import DOMAINS, MIXED, READY, at, responder

__all__ = ["responder"]  # the fixture, shared with test_cli_check

ZONES = ["--zone", MIXED, "--zone", READY]
READY_SETUP = {
    "domain": "example.org",
    "server_number": 1,
    "ownership_token": "ab1cd",
    "dkim_selectors": ["ovhemp123456-selector1", "ovhemp123456-selector2"],
}


def records_of(result: Result) -> list[dict[str, Any]]:
    """The JSON lines of a run."""
    return [json.loads(line) for line in result.out.splitlines()]


def summary_of(result: Result) -> str:
    """The last line on standard error (after the progress bar was erased)."""
    return result.err.rstrip("\n").split("\n")[-1].split("\r")[-1].removeprefix("\x1b[K")


def test_example_input(capsys: pytest.CaptureFixture[str]) -> None:
    """The shipped example: two diagnoses, one error line, a summary, exit 2 (a bad line)."""
    result = invoke(capsys, ["check-many", DOMAINS, *ZONES])
    assert 2 == result.code
    assert gc.isenabled()  # paused for the run only
    records = records_of(result)
    assert 3 == len(records)
    by_line = {record["line"]: record for record in records}
    assert {3, 4, 5} == set(by_line)
    assert "mydomain.ovh" == by_line[3]["domain"]
    assert "error" == by_line[3]["worst"]
    assert "example.org" == by_line[4]["domain"]
    assert by_line[4]["ok"] is True
    bad = by_line[5]
    assert "not..a.domain" == bad["input"]
    assert ["domain.empty_label"] == [v["code"] for v in bad["violations"]]
    assert str(bad["error"]).startswith("invalid domain name: ")
    summary = summary_of(result)
    assert summary.startswith("2 domains in ")
    assert summary.endswith(": 1 ok, 0 with warnings, 1 with errors, 0 unknown; 1 bad line")


def test_lines_read_back_as_diagnoses(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Each result line is a diagnosis in the checker's JSON form, plus its line number."""
    source = tmp_path / "in.txt"
    source.write_text("mydomain.ovh\n")
    result = invoke(capsys, ["check-many", str(source), "--zone", MIXED])
    (record,) = records_of(result)
    assert 1 == record.pop("line")
    diagnosis = Diagnosis.from_dict(record)
    assert record == diagnosis.to_dict()
    assert 1 == result.code


def test_standard_input(capsys: pytest.CaptureFixture[str]) -> None:
    """FILE - reads standard input; blank lines and comments are skipped."""
    result = invoke(capsys, ["check-many", "-", *ZONES], stdin="\n# audit\n  example.org  \n")
    assert 0 == result.code
    assert [3] == [r["line"] for r in records_of(result)]
    result = invoke(capsys, ["check-many", "-", *ZONES], stdin="example.org\n\nmydomain.ovh")
    assert {1, 3} == {r["line"] for r in records_of(result)}
    assert 1 == result.code


@pytest.mark.parametrize(
    ("line", "error", "codes"),
    [
        ("{not json", "not valid JSON: ", []),
        ("[1, 2]", "not a domain setup: a setup must be a mapping, not list", []),
        (
            '{"domain": "example.org", "colour": "red"}',
            "invalid domain setup: ",
            ["setup.unknown_key"],
        ),
        ('{"server_number": 1}', "invalid domain setup: ", ["setup.missing_domain"]),
        (
            '{"domain": "example.org", "server_number": "1"}',
            "not a domain setup: server_number",
            [],
        ),
        (
            '{"domain": "x.org", "mode": "authoritative", "relay_target": "mx1.mail.ovh.net"}',
            "invalid domain setup",
            ["relay.not_allowed"],
        ),
        (
            '{"domain": "example.org", "mode": "sideways"}',
            "invalid domain mode: ",
            ["mode.unknown"],
        ),
        ("exa mple.org", "invalid domain name: ", ["domain.invalid_character"]),
    ],
)
def test_bad_lines(
    capsys: pytest.CaptureFixture[str], line: str, error: str, codes: list[str]
) -> None:
    """A bad line gives an error line with its number and the run goes on; exit 2."""
    result = invoke(capsys, ["check-many", "-", *ZONES], stdin=f"{line}\nexample.org\n")
    assert 2 == result.code
    records = records_of(result)
    bad = next(r for r in records if "error" in r)
    assert 1 == bad["line"]
    assert line == bad["input"]
    assert str(bad["error"]).startswith(error)
    assert codes == [v["code"] for v in bad["violations"]]
    assert ["example.org"] == [r["domain"] for r in records if "domain" in r]
    assert summary_of(result).endswith("; 1 bad line")


def test_duplicate_domains_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """A domain listed twice is checked once; the second line names the first."""
    result = invoke(
        capsys, ["check-many", "-", *ZONES], stdin=f"example.org\n{json.dumps(READY_SETUP)}\n"
    )
    records = records_of(result)
    assert [
        {"line": 2, "input": json.dumps(READY_SETUP), "error": "example.org is already on line 1"}
    ] == [{k: r[k] for k in ("line", "input", "error")} for r in records if "error" in r]
    assert 2 == result.code


def test_invalid_utf8_line(capsys: pytest.CaptureFixture[str]) -> None:
    """A line that is not UTF-8 is a bad line; the others are checked."""
    result = invoke(capsys, ["check-many", "-", *ZONES], stdin=b"ex\xffample.org\nexample.org\n")
    records = records_of(result)
    assert {
        "version": 1,
        "line": 1,
        "input": "",
        "error": "the line is not valid UTF-8",
        "violations": [],
    } in records
    assert 2 == result.code


def test_long_bad_lines_are_cut(capsys: pytest.CaptureFixture[str]) -> None:
    """An error line repeats at most 200 characters of its input."""
    result = invoke(capsys, ["check-many", "-", *ZONES], stdin="x" * 5000 + "\n")
    (record,) = records_of(result)
    assert 200 == len(str(record["input"]))


def test_exit_codes_over_live_domains(
    capsys: pytest.CaptureFixture[str], responder: FaultResponder
) -> None:
    """Exit 0 when every domain is right, 3 with only failures, 1 with an ERROR."""
    good = json.dumps({"domain": "good.example", "server_number": 1, "managed_in_account": True})
    also = json.dumps({"domain": "also.example", "server_number": 1, "managed_in_account": True})
    argv = ["check-many", "-", *at(responder)]
    assert 0 == invoke(capsys, argv, stdin=f"{good}\n{also}\n").code
    assert 3 == invoke(capsys, argv, stdin=f"{good}\nservfail.example\n").code
    result = invoke(capsys, argv, stdin=f"{good}\nservfail.example\nbad.example\n")
    assert 1 == result.code
    assert summary_of(result).endswith(
        ": 1 ok, 0 with warnings, 1 with errors, 1 unknown; 0 bad lines"
    )


def test_deadline_applies_per_domain(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A domain past its deadline has UNKNOWN findings with cause "deadline": exit 3."""

    class Slow(StaticSource):
        async def lookup_async(self, name: str, rdtype: str, /) -> Answer:
            await asyncio.sleep(5)
            return self.lookup(name, rdtype)

    def slow_source(nameservers: Sequence[str], port: int, /, *, concurrent: bool) -> DualSource:
        return Slow({})

    monkeypatch.setattr(cli_setup, "live_source", slow_source)
    result = invoke(
        capsys,
        ["check-many", "-", "--deadline", "0.2", "--nameserver", "192.0.2.1"],
        stdin="example.org\n",
    )
    assert 3 == result.code
    (record,) = records_of(result)
    unknown = [f for f in record["findings"] if f["status"] == "unknown"]
    assert unknown
    assert {"deadline"} == {f["cause"] for f in unknown}


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["/nonexistent/domains.txt"], "cannot read '/nonexistent/domains.txt': No such file"),
        (["."], "cannot read '.': not a regular file (a directory)"),
        (["/dev/zero"], "cannot read '/dev/zero': not a regular file (a character device)"),
        (["-", "--concurrency", "1025"], "--concurrency is at most 1024"),
        (["-"], "no nameserver in '/nonexistent'; give --nameserver or --zone"),
    ],
)
def test_usage_errors(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    expected: str,
) -> None:
    """An unreadable input or a bad option is one line, exit 2, before any result."""
    monkeypatch.setattr(cli_setup, "_system_nameservers", lambda path: one_line_error(path))
    result = invoke(capsys, ["check-many", *argv, *([] if argv == ["-"] else ZONES)])
    assert 2 == result.code
    assert one_error_line(result).startswith(expected)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--workers", "257"], "--workers is at most 256"),
        (["--workers", "2", *ZONES], "--workers asks nameservers from several processes"),
        (["--workers", "2"], "no nameserver in '/nonexistent'; give --nameserver or --zone"),
        (
            ["--workers", "2", "--nameserver", "127.0.0.1:53", "--nameserver", "127.0.0.2:54"],
            "every --nameserver must use the same port",
        ),
    ],
)
def test_workers_usage_errors(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    expected: str,
) -> None:
    """--workers is refused with zones, and needs nameservers: one line, exit 2."""
    monkeypatch.setattr(cli_setup, "_system_nameservers", lambda path: one_line_error(path))
    result = invoke(capsys, ["check-many", "-", *argv], stdin="example.org\n")
    assert 2 == result.code
    assert "" == result.out
    assert one_error_line(result).startswith(expected)


def test_workers_ask_the_system_nameservers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --nameserver, the workers' sources ask the system's nameservers."""
    monkeypatch.setattr(cli_setup, "_system_nameservers", lambda path: ("192.0.2.53",))
    args = argparse.Namespace(zone=[], nameserver=[], resolv_conf="/etc/resolv.conf")
    factory = cli_setup.live_factory(args)
    source = factory()
    assert isinstance(source, AsyncStubSource)
    assert (source.transport.host, source.transport.port) == ("192.0.2.53", 53)
    source.close()


def one_line_error(path: str) -> tuple[str, ...]:
    """Stands in for an empty resolv.conf."""
    raise cli_common.UsageError("no nameserver in '/nonexistent'; give --nameserver or --zone")


def test_standard_input_without_bytes(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A standard input that cannot be read as bytes is a usage error."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("example.org\n"))
    assert 2 == main(["check-many", "-", *ZONES])
    assert "standard input cannot be read as bytes" in capsys.readouterr().err


def test_progress_bar_on_a_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a terminal, stderr shows a bar with counts and rate, erased before each line."""
    monkeypatch.setattr(cli_common, "is_terminal", lambda stream: True)
    result = invoke(capsys, ["check-many", DOMAINS, *ZONES])
    assert "\r\x1b[K[" in result.err
    assert "/3 " in result.err
    assert " err, " in result.err
    assert "/s" in result.err
    assert summary_of(result).startswith("2 domains in ")
    assert 3 == len(records_of(result))


def test_progress_without_a_total_on_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading standard input, the bar counts without a total."""
    monkeypatch.setattr(cli_common, "is_terminal", lambda stream: True)
    result = invoke(capsys, ["check-many", "-", *ZONES], stdin="example.org\n")
    assert "1 done  0 err, 0 unk, " in result.err


def test_no_progress_bar_off_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    """Off a terminal, stderr holds only the summary."""
    result = invoke(capsys, ["check-many", DOMAINS, *ZONES])
    assert 1 == len(result.err.splitlines())
    assert "\x1b" not in result.err


@pytest.fixture
def ctrl_c() -> Iterator[None]:
    """SIGINT raises KeyboardInterrupt, as under a terminal, for the test's duration.

    A test run started in the background by a shell inherits SIGINT ignored.
    """
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.mark.usefixtures("ctrl_c")
def test_ctrl_c_stops_after_printing_what_finished(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C ends the run with 130 after the lines already finished and a summary."""

    class Interrupting(StaticSource):
        async def lookup_async(self, name: str, rdtype: str, /) -> Answer:
            if name.endswith("stop.example"):
                # Ctrl-C as the terminal sends it: asyncio.run cancels the run and raises
                # KeyboardInterrupt once it has unwound (a KeyboardInterrupt raised here
                # instead would leave the run's tasks pending, destroyed later).
                signal.raise_signal(signal.SIGINT)
                await asyncio.sleep(0)
            return self.lookup(name, rdtype)

    def source(nameservers: Sequence[str], port: int, /, *, concurrent: bool) -> DualSource:
        return Interrupting({"first.example": {"MX": "10 mx.example.net."}})

    monkeypatch.setattr(cli_setup, "live_source", source)
    result = invoke(
        capsys,
        ["check-many", "-", "--concurrency", "1", "--nameserver", "192.0.2.1"],
        stdin="first.example\nstop.example\nlast.example\n",
    )
    assert 130 == result.code
    assert ["first.example"] == [r["domain"] for r in records_of(result)]
    assert summary_of(result).startswith("interrupted after 1 domain in ")


def test_offline_domains_outside_the_zones_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """Offline, a domain in none of the zones is a bad line (it could only be SKIPPED)."""
    result = invoke(capsys, ["check-many", "-", "--zone", READY], stdin="mydomain.ovh\n")
    assert [
        {
            "version": 1,
            "line": 1,
            "input": "mydomain.ovh",
            "error": "mydomain.ovh is not in the zone example.org",
            "violations": [],
        }
    ] == records_of(result)
    assert 2 == result.code


def test_offline_domain_outside_two_zones_names_both(capsys: pytest.CaptureFixture[str]) -> None:
    """With two zones, the error line names the domain and every zone asked."""
    result = invoke(capsys, ["check-many", "-", *ZONES], stdin="example.com\n")
    (line,) = records_of(result)
    assert "example.com is in none of the zones mydomain.ovh, example.org" == line["error"]
    assert 2 == result.code


@pytest.mark.parametrize(
    "text", ["", "\n\n", "# nothing to check yet\n", "  \n# a\n\t\n"], ids=repr
)
def test_input_without_a_domain_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], text: str
) -> None:
    """An input with no domain at all (blank or comment lines only) exits 2, saying so."""
    result = invoke(capsys, ["check-many", "-", "--zone", READY], stdin=text)
    assert 2 == result.code
    assert [] == records_of(result)
    assert "no domain to check in standard input" == one_error_line(result)


def test_file_without_a_domain_names_the_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The same for a file: the error names it."""
    empty = tmp_path / "domains.txt"
    empty.write_text("# emptied\n")
    result = invoke(capsys, ["check-many", str(empty), "--zone", READY])
    assert 2 == result.code
    where = cli_common.shown(str(empty), limit=cli_common.PATH_LIMIT)
    assert f"no domain to check in {where}" == one_error_line(result)


def test_zone_origin_from_the_file_name(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A zone file without $ORIGIN named after its zone is read with that origin."""
    zone = tmp_path / "example.org.zone"
    zone.write_text(Path(READY).read_text().replace("$ORIGIN example.org.\n", ""))
    result = invoke(capsys, ["check-many", "-", "--zone", str(zone)], stdin="example.org\n")
    assert ["example.org"] == [r["domain"] for r in records_of(result)]
    assert 0 == result.code


def test_zone_without_any_origin(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A zone file with neither $ORIGIN nor a domain as its name is a usage error with a hint."""
    zone = tmp_path / "db_zone"
    zone.write_text(Path(READY).read_text().replace("$ORIGIN example.org.\n", ""))
    result = invoke(capsys, ["check-many", "-", "--zone", str(zone)], stdin="example.org\n")
    assert 2 == result.code
    assert one_error_line(result).endswith("; add a $ORIGIN line, or name the file after its zone")


@pytest.mark.parametrize("path", ["zone\x00file", "zone\ud800file"])
def test_unusable_paths(capsys: pytest.CaptureFixture[str], path: str) -> None:
    """A path no file can have (a NUL, a lone surrogate) is a usage error, not a crash."""
    result = invoke(capsys, ["check-many", "-", "--zone", path])
    assert 2 == result.code
    assert one_error_line(result).startswith("cannot read the zone 'zone\\")
    result = invoke(capsys, ["check-many", path, "--zone", READY])
    assert 2 == result.code
    assert one_error_line(result).startswith("cannot read 'zone\\")
    result = invoke(capsys, ["check", "example.org", "--resolv-conf", path])
    assert 2 == result.code
    assert one_error_line(result).startswith("cannot read the nameservers from 'zone\\")


def test_warnings_are_counted_apart(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A domain with only warnings counts as "with warnings", and does not fail the run."""
    zone = tmp_path / "example.org.zone"
    zone.write_text(Path(READY).read_text().replace("_dmarc ", "_dmarc-old "))
    result = invoke(capsys, ["check-many", "-", "--zone", str(zone)], stdin="example.org\n")
    assert 0 == result.code
    assert summary_of(result).endswith(
        ": 0 ok, 1 with warnings, 0 with errors, 0 unknown; 0 bad lines"
    )


def test_progress_redraws_at_most_ten_times_a_second() -> None:
    """Draws closer together than a tenth of a second are skipped, unless forced."""
    err = io.StringIO()
    out = cli_common.Output(io.StringIO(), err, io.StringIO())
    progress = Progress(out, Tally(), 10, enabled=True)
    progress.draw()
    progress.draw()
    assert 1 == err.getvalue().count("\r\x1b[K")
    progress.draw(force=True)
    assert 2 == err.getvalue().count("\r\x1b[K")
    assert err.getvalue().endswith("[------------------------] 0/10 0%  0 err, 0 unk, 0.0/s")


def test_no_total_for_a_stream_that_cannot_seek() -> None:
    """A pipe cannot be read twice: the bar then has no total."""

    class Pipe(io.BytesIO):
        def seekable(self) -> bool:
            return False

    assert cli_check._count_lines(Pipe(b"a.org\n")) is None
    assert 2 == cli_check._count_lines(io.BytesIO(b"a.org\n\n# c\nb.org\n"))


# --- input bounds -------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("[" * 5000, "not valid JSON: nested too deeply"),
        ("{" * 5000, "not valid JSON: "),
        ('{"domain": ' + "[" * 5000, "not valid JSON: nested too deeply"),
        ("[" * 32 + "]" * 32, "not a domain setup: a setup must be a mapping, not list"),
        ("[" * 33 + "]" * 33, "not valid JSON: nested too deeply"),
        # Brackets inside strings are not nesting.
        ('{"domain": "' + "[" * 100 + '"}', "invalid domain name: "),
    ],
)
def test_hostile_lines_are_error_lines(
    capsys: pytest.CaptureFixture[str], line: str, error: str
) -> None:
    """A line nested past the interpreter's recursion limit is an error line; the run goes on."""
    result = invoke(capsys, ["check-many", "-", *ZONES], stdin=f"{line}\nexample.org\n")
    assert 2 == result.code
    records = records_of(result)
    (bad,) = [r for r in records if "error" in r]
    assert 1 == bad["line"]
    assert line[:200] == bad["input"]
    assert str(bad["error"]).startswith(error)
    assert ["example.org"] == [r["domain"] for r in records if "domain" in r]
    assert summary_of(result).endswith("; 1 bad line")


@pytest.mark.parametrize(
    ("size", "bad"),
    [
        (cli_check.MAX_LINE_BYTES, False),
        (cli_check.MAX_LINE_BYTES + 1, True),
        (10 * cli_check.MAX_LINE_BYTES, True),
    ],
)
def test_lines_longer_than_the_limit(
    capsys: pytest.CaptureFixture[str], size: int, bad: bool
) -> None:
    """A line over 64 KiB (its newline aside) is an error line, not read into memory."""
    stdin = " " * (size - len("example.org")) + "example.org\nmydomain.ovh\n"
    result = invoke(capsys, ["check-many", "-", *ZONES], stdin=stdin)
    records = records_of(result)
    errors = [r for r in records if "error" in r]
    expected = ["mydomain.ovh"] if bad else ["example.org", "mydomain.ovh"]
    assert expected == sorted(r["domain"] for r in records if "domain" in r)
    if bad:
        too_long = {"line": 1, "input": "", "error": "the line is longer than 65536 bytes"}
        assert [too_long] == [{k: r[k] for k in ("line", "input", "error")} for r in errors]
    else:
        assert [] == errors
    assert (2 if bad else 1) == result.code


def test_long_lines_count_once_in_the_total() -> None:
    """The progress total counts a line too long as one line, read in bounded pieces."""
    data = b"a.org\n" + b"x" * (3 * cli_check.MAX_LINE_BYTES) + b"\nb.org\n"
    assert 3 == cli_check._count_lines(io.BytesIO(data))


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda tmp: _fifo(tmp), "a named pipe"),
        (lambda tmp: "/dev/zero", "a character device"),
        (lambda tmp: str(tmp), "a directory"),
    ],
)
def test_input_must_be_a_regular_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, make: Any, kind: str
) -> None:
    """FILE must be a regular file (a FIFO would block, /dev/zero never end): exit 2 at once."""
    path = make(tmp_path)
    result = invoke(capsys, ["check-many", path, *ZONES])
    assert 2 == result.code
    assert f"cannot read {path!r}: not a regular file ({kind})" == one_error_line(result)


def _fifo(directory: Path) -> str:
    path = directory / "fifo"
    os.mkfifo(path)
    return str(path)


def _invoke_with_stdin(capsys: pytest.CaptureFixture[str], argv: list[str], path: str) -> Result:
    saved = sys.stdin
    with open(path, encoding="utf-8") as stream:
        sys.stdin = stream
        try:
            code = main(argv)
        finally:
            sys.stdin = saved
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


def test_standard_input_from_a_device_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """``- < /dev/zero`` would be read for ever: refused, exit 2."""
    result = _invoke_with_stdin(capsys, ["check-many", "-", *ZONES], "/dev/zero")
    assert 2 == result.code
    assert (
        "standard input is a character device: give a file, a pipe or a terminal"
        == one_error_line(result)
    )


def test_standard_input_from_dev_null_is_empty(capsys: pytest.CaptureFixture[str]) -> None:
    """``- < /dev/null`` is read as an empty input: no domain to check, exit 2."""
    result = _invoke_with_stdin(capsys, ["check-many", "-", *ZONES], os.devnull)
    assert 2 == result.code
    assert "" == result.out
    assert "no domain to check in standard input" in result.err


def test_standard_input_from_a_file_or_a_pipe(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A regular file and a pipe given as standard input are read."""
    source = tmp_path / "in.txt"
    source.write_text("example.org\n")
    result = _invoke_with_stdin(capsys, ["check-many", "-", *ZONES], str(source))
    assert ["example.org"] == [r["domain"] for r in records_of(result)]
    read, write = os.pipe()
    os.write(write, b"example.org\n")
    os.close(write)
    saved = sys.stdin
    with os.fdopen(read, encoding="utf-8") as stream:
        sys.stdin = stream
        try:
            code = main(["check-many", "-", *ZONES])
        finally:
            sys.stdin = saved
    assert 0 == code
    assert ["example.org"] == [
        r["domain"] for r in records_of(Result(0, capsys.readouterr().out, ""))
    ]
