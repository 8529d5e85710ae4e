"""The progress bar of ``check-many``: redraws per second, ``--no-progress``, ``TERM=dumb``.

Time is a fake clock that moves a fixed step each time it is read, and the
terminal is a ``StringIO`` that says it is one: the tests count redraws, and
never sleep.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence

import attrs
import pytest

from emailpro_core.cli import build_parser
from emailpro_core.cli._common import Output
from emailpro_core.cli._render import REDRAW_INTERVAL, Progress, Tally
from test_cli_check import READY

# What the issue measured before: 5,000 domains drew 10,001 carriage returns.
DOMAINS = 5000


class Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@attrs.define
class FakeClock:
    """A clock that moves ``step`` seconds each time it is read."""

    step: float
    now: float = 1000.0
    reads: int = 0

    def __call__(self) -> float:
        self.now += self.step
        self.reads += 1
        return self.now


def run(out: Output, argv: Sequence[str]) -> int:
    """Run one command with ``out`` as its streams and clock."""
    args = build_parser().parse_args(list(argv))
    code: int = args.run(args, out)
    return code


def bytes_input(count: int) -> io.TextIOWrapper:
    """Standard input of ``count`` domains, none of them in the zone (each a bad line)."""
    text = "".join(f"d{index}.example\n" for index in range(count))
    return io.TextIOWrapper(io.BytesIO(text.encode()), encoding="utf-8")


@pytest.mark.parametrize(
    ("step", "shared", "redraws"),
    [
        # 5,000 results over 5 s: one draw, then one per tenth of a second.
        (0.001, False, range(50, 52)),
        (0.001, True, range(50, 52)),
        # Results a second apart: each one redraws.
        (1.0, False, range(DOMAINS, DOMAINS + 1)),
        # All at once: the first draw only.
        (0.0, True, range(1, 2)),
    ],
    ids=["5s-file", "5s-same-terminal", "slow", "instant"],
)
def test_redraws_are_bounded_by_time(step: float, shared: bool, redraws: range) -> None:
    """The bar redraws at most once a tenth of a second, however many lines are written."""
    err = Terminal()
    stdout = Terminal() if shared else io.StringIO()
    clock = FakeClock(step)
    out = Output(stdout, err, io.StringIO(), clock=clock)
    progress = Progress(out, Tally(clock), DOMAINS, enabled=True)
    for index in range(DOMAINS):
        progress.tally.bad_lines += 1
        progress.emit(f"line {index}")
    progress.clear()
    elapsed = clock.now - progress.tally.started
    assert progress.redraws in redraws
    assert progress.redraws <= 1 + elapsed / REDRAW_INTERVAL
    # One carriage return per draw, one per erase; an erase follows a draw.
    assert err.getvalue().count("\r") <= 2 * progress.redraws
    assert DOMAINS == len(stdout.getvalue().splitlines())


def test_five_thousand_domains_write_little() -> None:
    """The measured case: 5,000 lines in 5 s write about 50 bars, a few kilobytes."""
    err = Terminal()
    clock = FakeClock(0.001)
    out = Output(io.StringIO(), err, io.StringIO(), clock=clock)
    progress = Progress(out, Tally(clock), DOMAINS, enabled=True)
    for _ in range(DOMAINS):
        progress.tally.bad_lines += 1
        progress.emit("{}")
    assert 50 <= progress.redraws <= 51
    assert progress.redraws == err.getvalue().count("\r")
    assert len(err.getvalue()) < 5000


def test_same_terminal_erases_the_bar_before_a_line() -> None:
    """When results go to the terminal too, a line never follows the bar on its row."""
    err = Terminal()
    clock = FakeClock(0.05)
    out = Output(err, err, io.StringIO(), clock=clock)
    progress = Progress(out, Tally(clock), 3, enabled=True)
    for index in range(3):
        progress.emit(f"result {index}")
    rows = err.getvalue().split("\n")
    # What each row shows in the end: the result, the bar erased before it.
    assert [f"result {index}" for index in range(3)] == [
        row.split("\r\x1b[K")[-1] for row in rows[:-1]
    ]
    assert rows[-1].startswith("\r\x1b[K[")
    assert 2 == progress.redraws


def test_check_many_on_a_terminal_redraws_ten_times_a_second() -> None:
    """The whole command: 5,000 lines on a fake terminal and clock give a bounded bar."""
    err = Terminal()
    clock = FakeClock(0.001)
    out = Output(io.StringIO(), err, bytes_input(DOMAINS), clock=clock)
    assert 2 == run(out, ["check-many", "-", "--zone", READY])
    text = err.getvalue()
    redraws = text.count(" done  0 err, 0 unk, ")
    assert text.count("\r") <= 2 * redraws
    assert 40 <= redraws <= 1 + clock.now / REDRAW_INTERVAL
    summary = text.split("\r")[-1].removeprefix("\x1b[K")
    assert re.fullmatch(
        r"0 domains in \d+\.\d s \(0\.0/s\): 0 ok, 0 with warnings, 0 with errors, "
        r"0 unknown; 5000 bad lines\n",
        summary,
    )


def test_no_progress_draws_nothing() -> None:
    """--no-progress: only the summary, even on a terminal."""
    err = Terminal()
    out = Output(io.StringIO(), err, bytes_input(3), clock=FakeClock(0.001))
    assert 2 == run(out, ["check-many", "-", "--zone", READY, "--no-progress"])
    assert 1 == len(err.getvalue().splitlines())
    assert "\r" not in err.getvalue()
    assert err.getvalue().startswith("0 domains in ")


def test_dumb_terminal_gets_no_escape_sequence(monkeypatch: pytest.MonkeyPatch) -> None:
    """TERM=dumb: the bar is drawn and erased with carriage returns and spaces only."""
    monkeypatch.setenv("TERM", "dumb")
    err = Terminal()
    out = Output(Terminal(), err, bytes_input(20), clock=FakeClock(0.5))
    assert 2 == run(out, ["check-many", "-", "--zone", READY])
    assert "\x1b" not in err.getvalue()
    assert "\x1b" not in out.stdout.getvalue()  # type: ignore[attr-defined]
    assert "20/20 100%" not in err.getvalue()  # no total on standard input
    assert "\r20 done  0 err, 0 unk" in err.getvalue()


def test_dumb_terminal_has_no_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    """TERM=dumb: the check table is not coloured, even on a terminal."""
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.delenv("NO_COLOR", raising=False)
    stdout = Terminal()
    out = Output(stdout, Terminal(), io.StringIO())
    run(out, ["check", "example.org", "--zone", READY])
    assert stdout.getvalue().startswith("example.org: ")
    assert "\x1b" not in stdout.getvalue()
    monkeypatch.setenv("TERM", "xterm")
    stdout = Terminal()
    run(Output(stdout, Terminal(), io.StringIO()), ["check", "example.org", "--zone", READY])
    assert "\x1b[" in stdout.getvalue()


def test_plain_bar_covers_a_longer_one() -> None:
    """On a dumb terminal a shorter bar is padded with spaces over the longer one."""
    err = Terminal()
    clock = FakeClock(1.0)
    out = Output(io.StringIO(), err, io.StringIO(), clock=clock)
    progress = Progress(out, Tally(clock), None, enabled=True, plain=True)
    progress.tally.error = 10
    progress.draw()
    first = err.getvalue()
    progress.tally.error = 0
    progress.draw()
    second = err.getvalue()[len(first) :]
    assert len(first) == len(second)
    progress.clear()
    assert err.getvalue().endswith("\r" + " " * (len(second) - 1) + "\r")


@pytest.mark.parametrize(
    ("ok", "bad_lines", "elapsed", "rate"),
    [(10, 0, 2.0, "5.0/s"), (10, 990, 2.0, "5.0/s"), (0, 50, 1.0, "0.0/s"), (3, 1, 0.5, "6.0/s")],
)
def test_summary_rate_counts_domains(ok: int, bad_lines: int, elapsed: float, rate: str) -> None:
    """The rate is domains diagnosed per second: refused lines do not count."""
    clock = FakeClock(0.0)
    tally = Tally(clock, ok=ok, bad_lines=bad_lines)
    clock.now += elapsed
    assert f"({rate}):" in tally.summary()
    assert f"{ok} domain" in tally.summary()


def test_check_many_json_lines_carry_the_version() -> None:
    """Every line of check-many, diagnosis or error, starts with "version"."""
    stdin = io.TextIOWrapper(io.BytesIO(b"example.org\nnot..a.domain\n"), encoding="utf-8")
    stdout = io.StringIO()
    out = Output(stdout, io.StringIO(), stdin)
    run(out, ["check-many", "-", "--zone", READY, "--json"])
    lines = [json.loads(line) for line in stdout.getvalue().splitlines()]
    assert [["version", "line"], ["version", "line"]] == [list(line)[:2] for line in lines]
    assert {1} == {line["version"] for line in lines}
