"""``check`` and ``check-many``: the diagnosis of one domain, or of a stream of domains.

``check`` prints a table (or JSON) and exits 0 (no ERROR), 1 (an ERROR) or 3
(only UNKNOWN findings stand in the way). ``check-many`` writes one JSON line per
input line as results complete, a progress bar on a terminal (at most ten redraws
a second; none with ``--no-progress``), and a summary.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, BinaryIO

from ..checker import check_domain, second_opinion
from ..checker._bulk import check_domains
from ..checker._collector import PausedCollector
from ..checker._diagnosis import Diagnosis
from ..checker._findings import SCHEMA_VERSION, Status
from ..checker._parallel import SourceFactory, check_domains_parallel
from ..errors import ValidationError
from ..i18n import _catalog
from ..records import DomainSetup, check_setup
from ..sources import AsyncRecordSource, AsyncStubSource, DomainOutsideZone, require_zone_holds
from ..sources._inputfiles import bounded_lines
from ._common import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_UNKNOWN,
    EXIT_USAGE,
    PATH_LIMIT,
    Output,
    UsageError,
    dumb_terminal,
    one_line,
    open_input,
    too_deep,
)
from ._dask import dask_runner
from ._lang import say
from ._messages import outside_zone, validation_text, violation_dict
from ._ovh import setup_and_panel
from ._render import Progress, Tally, diagnosis_table, verdict
from ._setup import (
    build_source,
    live_factory,
    setup_from_args,
)

MESSAGES = _catalog.register(
    {
        "cli.usage_error.outside_zone:one": "{domain} is not in the zone {zones}; check a "
        "domain of the zone, or add --nameserver to ask outside it",
        "cli.usage_error.outside_zone:many": "{domain} is in none of the zones {zones}; "
        "check a domain of the zone, or add --nameserver to ask outside it",
        "cli.usage_error.stdin_device": "standard input is {kind}: give a file, a pipe or a "
        "terminal",
        "cli.usage_error.stdin_bytes": "standard input cannot be read as bytes",
        "cli.usage_error.read": "cannot read {path!r}: {problem}",
        "cli.usage_error.at_most": "{option} is at most {limit}",
        "cli.usage_error.no_domain": "no domain to check in {path!r}",
        "cli.usage_error.no_domain:stdin": "no domain to check in standard input",
        "cli.line_error.too_deep": "not valid JSON: nested too deeply",
        "cli.line_error.json": "not valid JSON: {problem}",
        "cli.line_error.not_a_setup": "not a domain setup: {problem}",
        "cli.line_error.invalid_setup": "invalid domain setup",
        "cli.line_error.outside_zone:one": "{domain} is not in the zone {zones}",
        "cli.line_error.outside_zone:many": "{domain} is in none of the zones {zones}",
        "cli.line_error.repeated": "{domain} is already on line {line}",
        "cli.line_error.long": "the line is longer than {limit} bytes",
        "cli.line_error.utf8": "the line is not valid UTF-8",
    }
)

# How much of a bad input line an error line repeats.
_SHOWN_INPUT = 200
#: The longest input line read (its newline aside): a domain is at most 253
#: characters, a JSON setup a few hundred; a longer line is an error line, and
#: is not held in memory.
MAX_LINE_BYTES = 64 * 2**10
# check-many refuses more domains in flight than this: each holds sockets.
_MAX_CONCURRENCY = 1024
# ...and more processes than this: each is a whole interpreter.
_MAX_WORKERS = 256
#: Diagnoses between two garbage collections of a run (collector.py).
_COLLECT_EVERY = 5000


def _exit_code(status: Status) -> int:
    if status is Status.ERROR:
        return EXIT_ERROR
    if status is Status.UNKNOWN:
        return EXIT_UNKNOWN
    return EXIT_OK


def run_check(args: argparse.Namespace, out: Output, /) -> int:
    """``check DOMAIN``: print the diagnosis; the exit code is its verdict.

    With ``--ovh-domain``, the second opinion on the panel follows it (in JSON,
    under the key ``panel``); it does not change the exit code.
    """
    panel = None
    if args.ovh_domain is not None:
        setup, panel = setup_and_panel(args.domain, args, out)
    elif args.ovh_dkim:
        raise UsageError.of("cli.usage_error.ovh_dkim_alone")
    elif args.domain is None:
        raise UsageError.of("cli.usage_error.no_domain_given")
    else:
        setup = setup_from_args(args.domain, args)
    source, _ = build_source(args, domain=setup.domain.ascii)
    try:
        require_zone_holds(source, setup.domain.ascii)
    except DomainOutsideZone as exc:
        key, params = outside_zone(exc, "cli.usage_error.outside_zone")
        raise UsageError.of(key, **params) from None
    diagnosis = check_domain(setup, source, deadline=args.deadline)
    opinion = None if panel is None else second_opinion(panel, diagnosis)
    if args.json:
        data = diagnosis.to_dict(out.lang)
        if opinion is not None:
            data["panel"] = opinion.to_dict(out.lang)
        out.print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        color = out.color(args.color)
        lines = diagnosis_table(diagnosis, color=color, verbose=args.verbose, lang=out.lang)
        if opinion is not None:
            lines = [*lines, "", *opinion.to_text(out.lang).splitlines()]
        out.print_lines(lines)
    return _exit_code(verdict(diagnosis))


def _error_line(
    number: int, text: str, message: str, violations: Any = (), lang: str = "en"
) -> str:
    data = {
        "version": SCHEMA_VERSION,
        "line": number,
        "input": text[:_SHOWN_INPUT],
        "error": message,
        "violations": [violation_dict(v, lang) for v in violations],
    }
    return json.dumps(data, default=str)


class _Lines:
    """Reads the input lines and turns each into a setup, or an error line."""

    def __init__(
        self,
        stream: BinaryIO,
        progress: Progress,
        source: object,
        collector: PausedCollector,
        lang: str = "en",
    ) -> None:
        self.lang = lang
        self.stream = stream
        self.progress = progress
        self.collector = collector
        # Offline, a domain outside every zone could only be SKIPPED: refuse its line.
        self.source = source
        self.seen: dict[str, int] = {}
        self.pending: dict[str, int] = {}

    def _error(self, number: int, text: str, key: str, /, **params: object) -> str:
        return _error_line(number, text, say(key, self.lang, **params))

    def _setup(self, number: int, text: str) -> DomainSetup | str:
        try:
            if text[0] in "{[":  # JSON: a setup object (anything else is refused)
                # No setup is nested deeper than MAX_JSON_DEPTH; deeper lines are
                # refused before decoding, the same way on every Python (json's
                # decoder recurses per bracket: 3.11 raises RecursionError on a
                # line of "[", 3.13 decodes it).
                if too_deep(text):
                    return self._error(number, text, "cli.line_error.too_deep")
                try:
                    data = json.loads(text)
                except ValueError as exc:
                    return self._error(number, text, "cli.line_error.json", problem=str(exc))
                except RecursionError:  # pragma: no cover - too_deep refuses it first
                    return self._error(number, text, "cli.line_error.too_deep")
                setup = DomainSetup.from_dict(data)
            else:
                setup = DomainSetup(text)
        except ValidationError as exc:
            message = validation_text(exc, self.lang)
            return _error_line(number, text, message, exc.violations, self.lang)
        except TypeError as exc:
            return self._error(number, text, "cli.line_error.not_a_setup", problem=str(exc))
        found = check_setup(setup)
        if found:
            message = say("cli.line_error.invalid_setup", self.lang)
            return _error_line(number, text, message, found, self.lang)
        domain = setup.domain.ascii
        try:
            require_zone_holds(self.source, domain)
        except DomainOutsideZone as exc:
            key, params = outside_zone(exc, "cli.line_error.outside_zone")
            return self._error(number, text, key, **params)
        if domain in self.seen:
            first = self.seen[domain]
            return self._error(number, text, "cli.line_error.repeated", domain=domain, line=first)
        self.seen[domain] = number
        return setup

    def __iter__(self) -> Iterator[DomainSetup]:
        for number, raw in enumerate(bounded_lines(self.stream, MAX_LINE_BYTES), start=1):
            if raw is None:
                self._refuse(self._error(number, "", "cli.line_error.long", limit=MAX_LINE_BYTES))
                continue
            try:
                text = raw.decode("utf-8").strip()
            except UnicodeDecodeError:
                self._refuse(self._error(number, "", "cli.line_error.utf8"))
                continue
            if not text or text.startswith("#"):
                continue
            result = self._setup(number, text)
            if isinstance(result, str):
                self._refuse(result)
            else:
                self.pending[result.domain.ascii] = number
                yield result

    def _refuse(self, line: str) -> None:
        self.progress.tally.bad_lines += 1
        self.progress.emit(line)


def _count_lines(stream: BinaryIO) -> int | None:
    # The bar shows a total only for a regular file: a pipe cannot be read twice.
    if not stream.seekable():
        return None
    total = sum(
        1
        for line in bounded_lines(stream, MAX_LINE_BYTES)
        if line is None or (line.strip() and not line.lstrip().startswith(b"#"))
    )
    stream.seek(0)
    return total


async def _stream(lines: _Lines, source: AsyncRecordSource, args: argparse.Namespace) -> None:
    results: AsyncIterator[Any] = check_domains(
        lines, source, concurrency=args.concurrency, deadline=args.deadline
    )
    try:
        async for diagnosis in results:
            _emit(lines, diagnosis)
    finally:
        if isinstance(source, AsyncStubSource):
            # Its socket belongs to this event loop, which ends with the run.
            source.close()


def _emit(lines: _Lines, diagnosis: Diagnosis) -> None:
    progress = lines.progress
    progress.tally.add(diagnosis)
    number = lines.pending.pop(diagnosis.domain, None)
    # "version" first, as in every document (to_dict repeats it: the first place stays).
    data = {"version": SCHEMA_VERSION, "line": number, **diagnosis.to_dict(lines.lang)}
    progress.emit(json.dumps(data, ensure_ascii=False))
    lines.collector.tick()


def _stream_parallel(lines: _Lines, factory: SourceFactory, args: argparse.Namespace) -> None:
    for diagnosis in check_domains_parallel(
        lines,
        factory,
        workers=args.workers,
        concurrency=args.concurrency,
        deadline=args.deadline,
    ):
        _emit(lines, diagnosis)


def _runner(args: argparse.Namespace, lang: str) -> tuple[Callable[[_Lines], None], object]:
    """How the lines are diagnosed, and the source a domain must be answerable by."""
    if args.dask is not None:
        return dask_runner(args, _emit, lang), None
    if args.workers > 1:
        factory = live_factory(args)
        return lambda lines: _stream_parallel(lines, factory, args), None
    source, _ = build_source(args, concurrent=True)
    return lambda lines: asyncio.run(_stream(lines, source, args)), source


def run_check_many(args: argparse.Namespace, out: Output, /) -> int:
    """``check-many FILE|-``: JSON lines as they complete, then a summary on stderr."""
    if args.concurrency > _MAX_CONCURRENCY:
        raise UsageError.of(
            "cli.usage_error.at_most", option="--concurrency", limit=_MAX_CONCURRENCY
        )
    if args.workers > _MAX_WORKERS:
        raise UsageError.of("cli.usage_error.at_most", option="--workers", limit=_MAX_WORKERS)
    run, source = _runner(args, out.lang)
    stream = open_input(args.file, out)
    total = None if args.file == "-" else _count_lines(stream)
    tally = Tally(out.clock)
    progress = Progress(
        out,
        tally,
        total,
        enabled=args.progress and out.stderr_is_terminal,
        plain=dumb_terminal(),
        lang=out.lang,
    )
    interrupted = False
    try:
        # This process is the command's own: see collector.py for why, and the cost.
        with PausedCollector(every=_COLLECT_EVERY) as collector:
            run(_Lines(stream, progress, source, collector, out.lang))
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if args.file != "-":
            stream.close()
        progress.clear()
    if not (interrupted or tally.done):
        # An input emptied by mistake must not pass a pipeline.
        if args.file == "-":
            raise UsageError.of("cli.usage_error.no_domain:stdin")
        raise UsageError.of("cli.usage_error.no_domain", path=one_line(args.file, limit=PATH_LIMIT))
    out.note(tally.summary(out.lang, interrupted=interrupted))
    if interrupted:
        return EXIT_INTERRUPTED
    if tally.bad_lines:
        return EXIT_USAGE
    if tally.error:
        return EXIT_ERROR
    return EXIT_UNKNOWN if tally.unknown else EXIT_OK
