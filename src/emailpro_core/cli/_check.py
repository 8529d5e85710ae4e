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
import os
import stat
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, BinaryIO

from ..checker import check_domain
from ..checker._bulk import DEFAULT_CONCURRENCY, DEFAULT_DEADLINE, check_domains
from ..checker._collector import PausedCollector
from ..checker._findings import SCHEMA_VERSION, Diagnosis, Status
from ..checker._parallel import SourceFactory, check_domains_parallel
from ..errors import ValidationError
from ..records import DomainSetup, check_setup
from ..sources import AsyncRecordSource, AsyncStubSource, DomainOutsideZone, require_zone_holds
from ..sources._inputfiles import InputFileError, bounded_lines, file_kind, open_regular_file
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
    positive_float,
    positive_int,
    shown,
)
from ._dask import add_dask_options, dask_runner
from ._render import Progress, Tally, diagnosis_table, verdict
from ._setup import (
    add_setup_options,
    add_source_options,
    build_source,
    live_factory,
    setup_from_args,
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


def register(commands: Any, /) -> None:
    """Add ``check`` and ``check-many`` to the subcommands."""
    check = commands.add_parser(
        "check",
        help="diagnose one domain's DNS",
        description="Diagnose the DNS of DOMAIN against the records the service expects. "
        "Exit 0: no ERROR; 1: an ERROR; 3: only UNKNOWN findings (DNS failures) "
        "prevent a verdict; 2: bad usage.",
    )
    check.add_argument("domain", metavar="DOMAIN")
    add_source_options(check)
    add_setup_options(check)
    check.add_argument("--deadline", type=positive_float, metavar="S", help="seconds in all")
    check.add_argument(
        "--json", action="store_true", help="print the diagnosis as JSON (a versioned document)"
    )
    check.add_argument("-v", "--verbose", action="store_true", help="show the records too")
    check.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the table (auto: on a terminal, unless NO_COLOR is set)",
    )
    check.set_defaults(run=run_check)

    many = commands.add_parser(
        "check-many",
        help="diagnose many domains, one JSON line each",
        description="Diagnose every domain of FILE (or standard input for -): one domain, "
        "or one JSON setup, per line. Results are JSON lines on standard output in the "
        "order they complete; a bad line gives an error line and the run goes on.",
    )
    many.add_argument("file", metavar="FILE|-")
    many.add_argument(
        "--concurrency",
        type=positive_int,
        default=DEFAULT_CONCURRENCY,
        metavar="N",
        help=f"domains in flight at once (default {DEFAULT_CONCURRENCY})",
    )
    many.add_argument(
        "--deadline",
        type=positive_float,
        default=DEFAULT_DEADLINE,
        metavar="S",
        help=f"seconds each domain may take (default {DEFAULT_DEADLINE:g})",
    )
    many.add_argument(
        "--workers",
        type=positive_int,
        default=1,
        metavar="N",
        help="diagnose in N processes, each asking the nameservers itself (default 1; "
        "not with --zone)",
    )
    many.add_argument(
        "--json",
        action="store_true",
        help="JSON lines (the only form; accepted so that every command takes --json)",
    )
    many.add_argument(
        "--no-progress",
        dest="progress",
        action="store_false",
        help="no progress bar, even on a terminal",
    )
    add_dask_options(many)
    add_source_options(many)
    many.set_defaults(run=run_check_many)


def _exit_code(status: Status) -> int:
    if status is Status.ERROR:
        return EXIT_ERROR
    if status is Status.UNKNOWN:
        return EXIT_UNKNOWN
    return EXIT_OK


def run_check(args: argparse.Namespace, out: Output, /) -> int:
    """``check DOMAIN``: print the diagnosis; the exit code is its verdict."""
    setup = setup_from_args(args.domain, args)
    source, _ = build_source(args, domain=setup.domain.ascii)
    try:
        require_zone_holds(source, setup.domain.ascii)
    except DomainOutsideZone as exc:
        raise UsageError(
            f"{exc}; check a domain of the zone, or add --nameserver to ask outside it"
        ) from None
    diagnosis = check_domain(setup, source, deadline=args.deadline)
    if args.json:
        out.print(diagnosis.to_json(indent=2))
    else:
        out.print_lines(
            diagnosis_table(diagnosis, color=out.color(args.color), verbose=args.verbose)
        )
    return _exit_code(verdict(diagnosis))


def _error_line(number: int, text: str, message: str, violations: Any = ()) -> str:
    data = {
        "version": SCHEMA_VERSION,
        "line": number,
        "input": text[:_SHOWN_INPUT],
        "error": message,
        "violations": [v.to_dict() for v in violations],
    }
    return json.dumps(data, default=str)


#: The deepest nesting of brackets a JSON line may have: a setup is an object whose
#: values are at most lists of strings (depth 2); the rest is room, not need.
MAX_JSON_DEPTH = 32


def _too_deep(text: str) -> bool:
    """Whether the JSON text nests objects and arrays deeper than MAX_JSON_DEPTH.

    One pass over the text (brackets inside strings do not count), skipped when
    the text has too few brackets to be that deep.
    """
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return False
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return True
        elif char in "]}":
            depth -= 1
    return False


class _Lines:
    """Reads the input lines and turns each into a setup, or an error line."""

    def __init__(
        self,
        stream: BinaryIO,
        progress: Progress,
        source: object,
        collector: PausedCollector,
    ) -> None:
        self.stream = stream
        self.progress = progress
        self.collector = collector
        # Offline, a domain outside every zone could only be SKIPPED: refuse its line.
        self.source = source
        self.seen: dict[str, int] = {}
        self.pending: dict[str, int] = {}

    def _setup(self, number: int, text: str) -> DomainSetup | str:
        try:
            if text[0] in "{[":  # JSON: a setup object (anything else is refused)
                # No setup is nested deeper than MAX_JSON_DEPTH; deeper lines are
                # refused before decoding, the same way on every Python (json's
                # decoder recurses per bracket: 3.11 raises RecursionError on a
                # line of "[", 3.13 decodes it).
                if _too_deep(text):
                    return _error_line(number, text, "not valid JSON: nested too deeply")
                try:
                    data = json.loads(text)
                except ValueError as exc:
                    return _error_line(number, text, f"not valid JSON: {exc}")
                except RecursionError:  # pragma: no cover - _too_deep refuses it first
                    return _error_line(number, text, "not valid JSON: nested too deeply")
                setup = DomainSetup.from_dict(data)
            else:
                setup = DomainSetup(text)
        except ValidationError as exc:
            return _error_line(number, text, str(exc), exc.violations)
        except TypeError as exc:
            return _error_line(number, text, f"not a domain setup: {exc}")
        found = check_setup(setup)
        if found:
            return _error_line(number, text, "invalid domain setup", found)
        domain = setup.domain.ascii
        try:
            require_zone_holds(self.source, domain)
        except DomainOutsideZone as exc:
            return _error_line(number, text, str(exc))
        if domain in self.seen:
            return _error_line(number, text, f"{domain} is already on line {self.seen[domain]}")
        self.seen[domain] = number
        return setup

    def __iter__(self) -> Iterator[DomainSetup]:
        for number, raw in enumerate(bounded_lines(self.stream, MAX_LINE_BYTES), start=1):
            if raw is None:
                self._refuse(
                    _error_line(number, "", f"the line is longer than {MAX_LINE_BYTES} bytes")
                )
                continue
            try:
                text = raw.decode("utf-8").strip()
            except UnicodeDecodeError:
                self._refuse(_error_line(number, "", "the line is not valid UTF-8"))
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
    data = {"version": SCHEMA_VERSION, "line": number, **diagnosis.to_dict()}
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


def _check_stdin(buffer: BinaryIO) -> None:
    """Refuse a standard input that is a device other than a terminal or ``/dev/null``.

    A file, a pipe, a socket or a terminal is what a user gives; ``< /dev/zero``
    (or any other device) would be read for ever. A stream without a descriptor
    (a test's, an embedding program's) is taken as it is.
    """
    try:
        mode = os.fstat(buffer.fileno()).st_mode
    except (AttributeError, ValueError, OSError):
        return
    if not stat.S_ISCHR(mode) and not stat.S_ISBLK(mode):
        return
    if buffer.isatty() or os.fstat(buffer.fileno()).st_rdev == os.stat(os.devnull).st_rdev:
        return
    raise UsageError(f"standard input is {file_kind(mode)}: give a file, a pipe or a terminal")


def _open(path: str, out: Output) -> BinaryIO:
    if path == "-":
        stdin = out.stdin
        buffer = getattr(stdin, "buffer", None)
        if buffer is None:
            raise UsageError("standard input cannot be read as bytes")
        _check_stdin(buffer)
        return buffer  # type: ignore[no-any-return]
    try:
        return open_regular_file(path)
    except (OSError, ValueError, InputFileError) as exc:  # ValueError: a NUL in the path
        problem = getattr(exc, "strerror", None) or exc
        raise UsageError(f"cannot read {shown(path, limit=PATH_LIMIT)}: {problem}") from None


def _runner(args: argparse.Namespace) -> tuple[Callable[[_Lines], None], object]:
    """How the lines are diagnosed, and the source a domain must be answerable by."""
    if args.dask is not None:
        return dask_runner(args, _emit), None
    if args.workers > 1:
        factory = live_factory(args)
        return lambda lines: _stream_parallel(lines, factory, args), None
    source, _ = build_source(args, concurrent=True)
    return lambda lines: asyncio.run(_stream(lines, source, args)), source


def run_check_many(args: argparse.Namespace, out: Output, /) -> int:
    """``check-many FILE|-``: JSON lines as they complete, then a summary on stderr."""
    if args.concurrency > _MAX_CONCURRENCY:
        raise UsageError(f"--concurrency is at most {_MAX_CONCURRENCY}")
    if args.workers > _MAX_WORKERS:
        raise UsageError(f"--workers is at most {_MAX_WORKERS}")
    run, source = _runner(args)
    stream = _open(args.file, out)
    total = None if args.file == "-" else _count_lines(stream)
    tally = Tally(out.clock)
    progress = Progress(
        out,
        tally,
        total,
        enabled=args.progress and out.stderr_is_terminal,
        plain=dumb_terminal(),
    )
    interrupted = False
    try:
        # This process is the command's own: see collector.py for why, and the cost.
        with PausedCollector(every=_COLLECT_EVERY) as collector:
            run(_Lines(stream, progress, source, collector))
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if args.file != "-":
            stream.close()
        progress.clear()
    if not (interrupted or tally.done):
        # An input emptied by mistake must not pass a pipeline.
        where = "standard input" if args.file == "-" else shown(args.file, limit=PATH_LIMIT)
        raise UsageError(f"no domain to check in {where}")
    out.note(tally.summary(interrupted=interrupted))
    if interrupted:
        return EXIT_INTERRUPTED
    if tally.bad_lines:
        return EXIT_USAGE
    if tally.error:
        return EXIT_ERROR
    return EXIT_UNKNOWN if tally.unknown else EXIT_OK
