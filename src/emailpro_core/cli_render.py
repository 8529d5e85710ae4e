"""How the command shows results: the diagnosis table, colours, the progress bar.

>>> from emailpro_core.findings import Check, Diagnosis, Finding, FixAction, FixLine, Status
>>> bad = Finding(Check.SPF, Status.ERROR, "spf.missing", "no SPF record", "example.org.",
...               fix=(FixLine(FixAction.ADD, 'example.org. 3600 IN TXT "v=spf1 -all"'),))
>>> ok = Finding(Check.MX, Status.OK, "mx.ok", "the MX records are right", "example.org.")
>>> print("\\n".join(diagnosis_table(Diagnosis("example.org", (ok, bad)), color=False)))
example.org: ERROR (1 ok, 1 error)
STATUS   CHECK         CODE                      MESSAGE
OK       mx            mx.ok                     the MX records are right
ERROR    spf           spf.missing               no SPF record
         fix: add     example.org. 3600 IN TXT "v=spf1 -all"
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import attrs

from .cli_common import Output, one_line
from .findings import Diagnosis, Finding, Status

__all__ = ["Progress", "Tally", "diagnosis_table", "paint", "verdict"]

# SGR codes (ECMA-48 §8.3.117): green, yellow, bold red, magenta, dim.
_COLORS = {
    Status.OK: "32",
    Status.WARNING: "33",
    Status.ERROR: "1;31",
    Status.UNKNOWN: "35",
    Status.SKIPPED: "2",
}
_FIX_COLOR = "36"
# Findings whose missing fix is explained under them (a skipped check says why in its message).
_NEEDS_ACTION = frozenset({Status.WARNING, Status.ERROR, Status.UNKNOWN})
# Statuses in the order the heading counts them.
_ORDER = (Status.OK, Status.WARNING, Status.ERROR, Status.UNKNOWN, Status.SKIPPED)
_BAR_WIDTH = 24
# A progress bar redraws at most this often (seconds): redrawing costs more than it shows.
_REDRAW = 0.1


def paint(text: str, code: str, *, color: bool) -> str:
    """``text`` in the colour of an SGR ``code``, or as is."""
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def verdict(diagnosis: Diagnosis, /) -> Status:
    """What a diagnosis means for the exit code: ERROR, else UNKNOWN, else OK.

    A WARNING or a SKIPPED finding does not fail a domain; an UNKNOWN one leaves
    it without a verdict only when there is no ERROR to report anyway.
    """
    statuses = {f.status for f in diagnosis.findings}
    if Status.ERROR in statuses:
        return Status.ERROR
    if Status.UNKNOWN in statuses:
        return Status.UNKNOWN
    return Status.OK


def _counts(findings: tuple[Finding, ...]) -> str:
    parts = []
    for status in _ORDER:
        count = sum(1 for f in findings if f.status is status)
        if count:
            plural = count > 1 and status in (Status.WARNING, Status.ERROR)
            name = status.value + ("s" if plural else "")
            parts.append(f"{count} {name}")
    return ", ".join(parts)


def _fix_lines(finding: Finding, color: bool) -> Iterator[str]:
    for fix in finding.fix:
        # A replacement is two lines ("replace OLD" / "   with NEW"): keep them aligned.
        for index, line in enumerate(fix.to_text().split("\n")):
            prefix = "fix: " if index == 0 else "     "
            yield " " * 9 + paint(prefix + one_line(line), _FIX_COLOR, color=color)
    if not finding.fix and finding.fix_reason and finding.status in _NEEDS_ACTION:
        yield " " * 9 + paint("no fix: " + one_line(finding.fix_reason), _FIX_COLOR, color=color)


def diagnosis_table(diagnosis: Diagnosis, /, *, color: bool, verbose: bool = False) -> list[str]:
    """The diagnosis as lines: a heading, then one row per finding with its fix below.

    With ``verbose``, each finding also lists the records expected and observed.
    """
    # SKIPPED ranks above OK in ``Diagnosis.worst``; a heading shows what needs doing.
    worst = max(
        (f.status for f in diagnosis.findings if f.status is not Status.SKIPPED),
        key=lambda status: status.severity,
        default=diagnosis.worst,
    )
    heading = f"{diagnosis.domain}: {paint(worst.name, _COLORS[worst], color=color)}"
    lines = [f"{heading} ({_counts(diagnosis.findings)})"]
    lines.append(f"{'STATUS':<8} {'CHECK':<13} {'CODE':<25} MESSAGE")
    for finding in diagnosis.findings:
        status = paint(f"{finding.status.name:<8}", _COLORS[finding.status], color=color)
        message = one_line(finding.message)
        if finding.cause and finding.status is Status.UNKNOWN:
            message += f" [cause: {finding.cause}]"
        lines.append(f"{status} {finding.check.value:<13} {finding.code:<25} {message}")
        if verbose:
            lines.extend(f"{'':9}expected: {one_line(line)}" for line in finding.expected)
            lines.extend(f"{'':9}observed: {one_line(line)}" for line in finding.observed)
        lines.extend(_fix_lines(finding, color))
    return lines


@attrs.define
class Tally:
    """What a run over many domains has seen so far."""

    started: float = attrs.field(factory=time.monotonic)
    ok: int = 0
    warning: int = 0
    error: int = 0
    unknown: int = 0
    bad_lines: int = 0

    @property
    def done(self) -> int:
        """Domains diagnosed, and lines refused."""
        return self.ok + self.warning + self.error + self.unknown + self.bad_lines

    def add(self, diagnosis: Diagnosis, /) -> None:
        """Count one diagnosis under its verdict (a WARNING-only one as ``warning``)."""
        result = verdict(diagnosis)
        if result is Status.ERROR:
            self.error += 1
        elif result is Status.UNKNOWN:
            self.unknown += 1
        elif diagnosis.worst is Status.WARNING:
            self.warning += 1
        else:
            self.ok += 1

    def rate(self) -> float:
        """Lines handled per second so far."""
        elapsed = max(time.monotonic() - self.started, 1e-9)
        return self.done / elapsed

    def summary(self, *, interrupted: bool = False) -> str:
        """One line for the end of a run."""
        elapsed = time.monotonic() - self.started
        checked = self.done - self.bad_lines
        text = (
            f"{checked} domain{'' if checked == 1 else 's'} in {elapsed:.1f} s "
            f"({self.rate():.1f}/s): {self.ok} ok, {self.warning} with warnings, "
            f"{self.error} with errors, {self.unknown} unknown; "
            f"{self.bad_lines} bad line{'' if self.bad_lines == 1 else 's'}"
        )
        return ("interrupted after " + text) if interrupted else text


@attrs.define
class Progress:
    """A one-line progress bar on ``stderr``, drawn only when ``stderr`` is a terminal.

    Results written to ``stdout`` go through :meth:`emit`, which clears the bar
    first: when both streams are the same terminal, lines and bar never mix.
    """

    out: Output
    tally: Tally
    total: int | None
    enabled: bool
    _drawn: bool = False
    _last: float = 0.0

    def emit(self, line: str, /) -> None:
        """Write one result line to ``stdout``, then redraw the bar."""
        self.clear()
        self.out.print_lines([line])
        self.draw()

    def bar(self) -> str:
        """The text of the bar (without the leading carriage return)."""
        done = self.tally.done
        counts = f"{self.tally.error} err, {self.tally.unknown} unk, {self.tally.rate():.1f}/s"
        if self.total:
            filled = min(_BAR_WIDTH, _BAR_WIDTH * done // self.total)
            bar = "#" * filled + "-" * (_BAR_WIDTH - filled)
            return f"[{bar}] {done}/{self.total} {100 * done // self.total}%  {counts}"
        return f"{done} done  {counts}"

    def draw(self, *, force: bool = False) -> None:
        """Redraw the bar (at most every tenth of a second unless ``force``)."""
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and self._drawn and now - self._last < _REDRAW:
            return
        self.out.raw_err("\r\x1b[K" + self.bar())
        self._drawn = True
        self._last = now

    def clear(self) -> None:
        """Erase the bar, if it is drawn."""
        if self._drawn:
            self.out.raw_err("\r\x1b[K")
            self._drawn = False
