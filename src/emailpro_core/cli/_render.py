"""How the command shows results: the diagnosis table, colours, the progress bar.

>>> from emailpro_core.checker import Check, Diagnosis, Finding, FixAction, FixLine, Status
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
from collections.abc import Callable, Iterator

import attrs

from ..checker import Diagnosis, Finding, Status
from ..checker._phrases import label
from ..i18n import _catalog, normalize_language
from ._common import Output, one_line
from ._lang import compose, plural, say

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
#: A progress bar redraws at most this often (seconds): redrawing costs more than it shows.
REDRAW_INTERVAL = 0.1

MESSAGES = _catalog.register(
    {
        "cli.summary": "{domains} in {elapsed} s ({rate}/s): {ok}, {warning} with "
        "warnings, {error} with errors, {unknown} unknown; {bad_lines}",
        "cli.summary:interrupted": "interrupted after {domains} in {elapsed} s "
        "({rate}/s): {ok}, {warning} with warnings, {error} with errors, {unknown} "
        "unknown; {bad_lines}",
        "cli.summary.domains:one": "{count} domain",
        "cli.summary.domains:many": "{count} domains",
        "cli.summary.ok:one": "{count} ok",
        "cli.summary.ok:many": "{count} ok",
        "cli.summary.bad_lines:one": "{count} bad line",
        "cli.summary.bad_lines:many": "{count} bad lines",
        "cli.progress.counts": "{error} err, {unknown} unk, {rate}/s",
        "cli.progress.bar": "[{bar}] {done}/{total} {percent}%  {counts}",
        "cli.progress.done": "{done} done  {counts}",
        # The diagnosis table.
        "cli.table.heading": "{domain}: {status} ({counts})",
        "cli.table.columns": "STATUS   CHECK         CODE                      MESSAGE",
        "cli.table.count.ok:one": "{count} ok",
        "cli.table.count.ok:many": "{count} ok",
        "cli.table.count.warning:one": "{count} warning",
        "cli.table.count.warning:many": "{count} warnings",
        "cli.table.count.error:one": "{count} error",
        "cli.table.count.error:many": "{count} errors",
        "cli.table.count.unknown:one": "{count} unknown",
        "cli.table.count.unknown:many": "{count} unknown",
        "cli.table.count.skipped:one": "{count} skipped",
        "cli.table.count.skipped:many": "{count} skipped",
        "cli.table.cause": "{message} [cause: {cause}]",
        "cli.table.expected": "expected: {line}",
        "cli.table.observed": "observed: {line}",
        "cli.table.fix": "fix: {line}",
    }
)


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


def _counts(findings: tuple[Finding, ...], language: str) -> str:
    parts = []
    for status in _ORDER:
        count = sum(1 for f in findings if f.status is status)
        if count:
            key = plural(f"cli.table.count.{status.value}", count, language)
            parts.append(say(key, language, count=count))
    return ", ".join(parts)


def _fix_lines(finding: Finding, color: bool, language: str = "en") -> Iterator[str]:
    for fix in finding.fix:
        # A replacement is two lines ("replace OLD" / "   with NEW"): keep them aligned.
        for index, line in enumerate(fix.to_text(language).split("\n")):
            text = compose("cli.table.fix", language, line=one_line(line))
            if index:
                width = len(compose("cli.table.fix", language, line=""))
                text = " " * width + one_line(line)
            yield " " * 9 + paint(text, _FIX_COLOR, color=color)
    if not finding.fix and finding.fix_reason and finding.status in _NEEDS_ACTION:
        reason = one_line(finding.render_fix_reason(language))
        text = label("checker.no_fix", language, reason=reason)
        yield " " * 9 + paint(text, _FIX_COLOR, color=color)


def diagnosis_table(
    diagnosis: Diagnosis, /, *, color: bool, verbose: bool = False, lang: str | None = None
) -> list[str]:
    """The diagnosis as lines: a heading, then one row per finding with its fix below.

    With ``verbose``, each finding also lists the records expected and observed.
    The messages, fix actions and fix reasons are in ``lang`` (English by default).
    """
    language = normalize_language(lang)
    # The overall status (SKIPPED findings aside), as the JSON's "status" says it.
    worst = diagnosis.status
    painted = paint(worst.name, _COLORS[worst], color=color)
    counts = _counts(diagnosis.findings, language)
    domain = one_line(diagnosis.domain)
    lines = [compose("cli.table.heading", language, domain=domain, status=painted, counts=counts)]
    lines.append(say("cli.table.columns", language))
    for finding in diagnosis.findings:
        status = paint(f"{finding.status.name:<8}", _COLORS[finding.status], color=color)
        message = one_line(finding.render(language))
        if finding.cause and finding.status is Status.UNKNOWN:
            message = compose("cli.table.cause", language, message=message, cause=finding.cause)
        lines.append(f"{status} {finding.check.value:<13} {finding.code:<25} {message}")
        if verbose:
            for key, records in (("expected", finding.expected), ("observed", finding.observed)):
                lines.extend(
                    " " * 9 + compose(f"cli.table.{key}", language, line=one_line(line))
                    for line in records
                )
        lines.extend(_fix_lines(finding, color, language))
    return lines


@attrs.define
class Tally:
    """What a run over many domains has seen so far.

    ``clock`` gives the time in seconds (``time.monotonic`` unless a test
    gives its own).
    """

    clock: Callable[[], float] = time.monotonic
    started: float = attrs.field(default=attrs.Factory(lambda self: self.clock(), True))
    ok: int = 0
    warning: int = 0
    error: int = 0
    unknown: int = 0
    bad_lines: int = 0

    @property
    def checked(self) -> int:
        """Domains diagnosed."""
        return self.ok + self.warning + self.error + self.unknown

    @property
    def done(self) -> int:
        """Domains diagnosed, and lines refused."""
        return self.checked + self.bad_lines

    def add(self, diagnosis: Diagnosis, /) -> None:
        """Count one diagnosis under its verdict (a WARNING-only one as ``warning``)."""
        result = verdict(diagnosis)
        if result is Status.ERROR:
            self.error += 1
        elif result is Status.UNKNOWN:
            self.unknown += 1
        elif diagnosis.status is Status.WARNING:
            self.warning += 1
        else:
            self.ok += 1

    def elapsed(self) -> float:
        """Seconds since the run started."""
        return self.clock() - self.started

    def rate(self) -> float:
        """Domains diagnosed per second so far (refused lines cost nothing to count)."""
        return self.checked / max(self.elapsed(), 1e-9)

    def summary(self, lang: str = _catalog.DEFAULT_LANGUAGE, *, interrupted: bool = False) -> str:
        """One line for the end of a run, in ``lang``."""
        checked = self.checked
        return compose(
            "cli.summary:interrupted" if interrupted else "cli.summary",
            lang,
            domains=say(plural("cli.summary.domains", checked, lang), lang, count=checked),
            elapsed=f"{self.elapsed():.1f}",
            rate=f"{self.rate():.1f}",
            ok=say(plural("cli.summary.ok", self.ok, lang), lang, count=self.ok),
            warning=str(self.warning),
            error=str(self.error),
            unknown=str(self.unknown),
            bad_lines=say(
                plural("cli.summary.bad_lines", self.bad_lines, lang), lang, count=self.bad_lines
            ),
        )


@attrs.define
class Progress:
    """A one-line progress bar on ``stderr``, drawn only when ``enabled``.

    The bar is redrawn at most once every ``interval`` seconds of the tally's
    clock, however fast the results come: a redraw costs a write to the
    terminal, and nobody reads ten thousand of them. Results written to
    ``stdout`` go through :meth:`emit`; when ``stdout`` is a terminal too (the
    same one, as like as not), the bar is erased before a line so that lines
    and bar never mix, and comes back at the next redraw. With ``plain`` (a
    ``TERM=dumb`` terminal) the bar is erased with spaces, never with an escape
    sequence.
    """

    out: Output
    tally: Tally
    total: int | None
    enabled: bool
    plain: bool = False
    interval: float = REDRAW_INTERVAL
    #: The language of the bar's words.
    lang: str = _catalog.DEFAULT_LANGUAGE
    #: How many times the bar was drawn.
    redraws: int = 0
    _drawn: int = 0  # the width of the bar on the screen, 0 when erased
    _last: float | None = None
    _shared: bool = attrs.field(init=False, default=False)

    def __attrs_post_init__(self) -> None:
        # Lines to a file or a pipe never cross the bar: no need to erase it for them.
        self._shared = self.enabled and self.out.stdout_is_terminal

    def emit(self, line: str, /) -> None:
        """Write one result line to ``stdout``, then redraw the bar if it is time."""
        if self._shared:
            self.clear()
        self.out.print_lines([line])
        self.draw()

    def bar(self) -> str:
        """The text of the bar (without the leading carriage return)."""
        tally = self.tally
        done = tally.done
        counts = say(
            "cli.progress.counts",
            self.lang,
            error=tally.error,
            unknown=tally.unknown,
            rate=f"{tally.rate():.1f}",
        )
        if self.total:
            filled = min(_BAR_WIDTH, _BAR_WIDTH * done // self.total)
            return compose(
                "cli.progress.bar",
                self.lang,
                bar="#" * filled + "-" * (_BAR_WIDTH - filled),
                done=str(done),
                total=str(self.total),
                percent=str(100 * done // self.total),
                counts=counts,
            )
        return compose("cli.progress.done", self.lang, done=str(done), counts=counts)

    def draw(self, *, force: bool = False) -> None:
        """Redraw the bar (at most once every ``interval`` seconds unless ``force``)."""
        if not self.enabled:
            return
        now = self.tally.clock()
        if not force and self._last is not None and now - self._last < self.interval:
            return
        text = self.bar()
        if self.plain:
            # No "erase line" sequence: spaces cover what a longer bar left.
            text = text.ljust(self._drawn)
            self.out.raw_err("\r" + text)
        else:
            self.out.raw_err("\r\x1b[K" + text)
        self._drawn = len(text)
        self._last = now
        self.redraws += 1

    def clear(self) -> None:
        """Erase the bar, if it is drawn."""
        if self._drawn:
            erase = " " * self._drawn + "\r" if self.plain else "\x1b[K"
            self.out.raw_err("\r" + erase)
            self._drawn = 0
