"""What every ``emailpro-core`` command shares: the argument parser, usage errors, output.

A usage error of any kind (a bad option, a malformed domain, an unreadable zone
file) is a :class:`UsageError`; :func:`emailpro_core.cli.main` prints it as one
line, ``emailpro-core: error: ...``, and exits with :data:`EXIT_USAGE`.

>>> one_line("a\\nb\\x1b[31m")
'a\\\\nb\\\\x1b[31m'
>>> positive_int("3")
3
"""

from __future__ import annotations

import argparse
import functools
import math
import os
import re
import stat
import time
from collections.abc import Callable, Sequence
from typing import BinaryIO, NoReturn, TextIO

import attrs

from ..i18n import _catalog
from ..sources._inputfiles import InputFileError, file_kind, open_regular_file
from ._lang import compose, say

PROG = "emailpro-core"

#: Nothing is wrong (a diagnosis without ERROR, a valid login or password).
EXIT_OK = 0
#: Something is wrong (an ERROR finding, a login or password that breaks a rule).
EXIT_ERROR = 1
#: The command line, or its input, is not usable.
EXIT_USAGE = 2
#: No verdict: only UNKNOWN findings (DNS failures, deadlines) stand in the way.
EXIT_UNKNOWN = 3
#: Stopped by Ctrl-C (128 + SIGINT, the shell convention).
EXIT_INTERRUPTED = 130

#: The ``version`` of the JSON documents of ``login``, ``password``,
#: ``generate-password`` and ``settings`` (docs/cli.md); ``check`` and ``records``
#: print the library's own versioned documents.
JSON_VERSION = 1

# How much of an input an error message repeats: enough to recognise it.
_SHOWN = 60
#: How much of a file path an error message repeats.
PATH_LIMIT = 400
# C0 and C1 controls, DEL, lone surrogates, and the line and paragraph
# separators: none of them may reach a terminal as is (escape sequences could
# repaint it; a newline would break the one-line error).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
# argparse quotes the offending value as '...'; a redacting parser hides it.
_QUOTED = re.compile(r"'[^']*'")


MESSAGES = _catalog.register(
    {
        "cli.usage_error.not_whole_number": "{value!r} is not a whole number",
        "cli.usage_error.not_at_least_one": "{value} is not at least 1",
        "cli.usage_error.not_a_number": "{value!r} is not a number",
        "cli.usage_error.not_above_zero": "{value!r} is not a number above 0",
    }
)


class UsageError(Exception):
    """The command line or its input cannot be used; the message says why, on one line.

    Made with :meth:`of`, it keeps the key and the params of its message, so that
    the command writes it in the user's language; made from a plain message
    (argparse's, already in that language), it keeps that message.
    """

    def __init__(
        self, message: str, /, *, key: str | None = None, params: dict[str, object] | None = None
    ) -> None:
        super().__init__(message)
        self.key = key
        self.params = dict(params or {})

    @classmethod
    def of(cls, key: str, /, **params: object) -> UsageError:
        """The usage error of the message registered under ``key``."""
        return cls(_catalog.render(key, params), key=key, params=params)

    def render(self, lang: str, /) -> str:
        """The message in ``lang``."""
        return str(self) if self.key is None else _catalog.render(self.key, self.params, lang)


class ParserExit(Exception):
    """argparse finished on its own (``--help``, ``--version``) with this status."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def one_line(text: str, /, *, limit: int | None = None) -> str:
    """``text`` safe to print on one line: controls and surrogates escaped, cut at ``limit``."""
    if limit is not None and len(text) > limit:
        text = text[:limit] + "..."
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def shown(text: str, /, *, limit: int = _SHOWN) -> str:
    """A user's input as an error message repeats it: quoted, escaped, cut."""
    return repr(one_line(text, limit=limit))


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` that raises instead of printing usage and exiting.

    With ``redact=True``, values quoted in its error messages are hidden: the
    ``password`` command must never repeat what was typed after it.
    """

    #: The help formatter of the parser (a language's, see ``speaking_parser``).
    formatter: type[argparse.HelpFormatter] = argparse.HelpFormatter

    def __init__(self, *args: object, redact: bool = False, **kwargs: object) -> None:
        kwargs.setdefault("allow_abbrev", False)
        kwargs.setdefault("formatter_class", self.formatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.redact = redact

    def error(self, message: str) -> NoReturn:
        if self.redact:
            message = _QUOTED.sub("'...'", message)
        raise UsageError(message)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            raise UsageError(message.strip())
        raise ParserExit(status)


def speaking_parser(formatter: type[argparse.HelpFormatter], /) -> type[Parser]:
    """A :class:`Parser` class whose parsers (and subcommands') use ``formatter``."""

    class SpeakingParser(Parser):
        pass

    SpeakingParser.formatter = formatter
    return SpeakingParser


def positive_int(text: str, /, lang: str = _catalog.DEFAULT_LANGUAGE) -> int:
    """An ``int`` of at least 1 (for ``type=`` of an option; its error in ``lang``)."""
    try:
        value = int(text, 10)
    except ValueError:
        problem = say("cli.usage_error.not_whole_number", lang, value=one_line(text, limit=_SHOWN))
        raise argparse.ArgumentTypeError(problem) from None
    if value < 1:
        raise argparse.ArgumentTypeError(say("cli.usage_error.not_at_least_one", lang, value=value))
    return value


def positive_float(text: str, /, lang: str = _catalog.DEFAULT_LANGUAGE) -> float:
    """A finite ``float`` above 0 (for ``type=`` of an option; its error in ``lang``)."""
    shown_text = one_line(text, limit=_SHOWN)
    try:
        value = float(text)
    except ValueError:
        problem = say("cli.usage_error.not_a_number", lang, value=shown_text)
        raise argparse.ArgumentTypeError(problem) from None
    if not math.isfinite(value) or value <= 0:
        problem = say("cli.usage_error.not_above_zero", lang, value=shown_text)
        raise argparse.ArgumentTypeError(problem)
    return value


def in_language(convert: Callable[..., object], lang: str, /) -> Callable[[str], object]:
    """``convert`` (a ``type=`` of an option) with its errors in ``lang``."""
    return functools.partial(convert, lang=lang)


def is_terminal(stream: TextIO, /) -> bool:
    """Whether ``stream`` is a terminal (a closed or odd stream is not)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def dumb_terminal() -> bool:
    """Whether ``TERM`` names a terminal that understands no escape sequence (``dumb``)."""
    return os.environ.get("TERM") == "dumb"


def _wants_color(stream: TextIO, choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never":
        return False
    # https://no-color.org: a NO_COLOR that is present and not empty turns colour off;
    # a dumb terminal (Emacs' shell, some CI logs) would show the escapes as text.
    return not os.environ.get("NO_COLOR") and not dumb_terminal() and is_terminal(stream)


@attrs.define
class Output:
    """Where a command reads and writes: results to ``stdout``, the rest to ``stderr``.

    Text is written with characters the stream cannot encode escaped, so an odd
    terminal encoding or a lone surrogate from argv never raises. ``clock``
    gives the time in seconds for rates and progress (a test gives its own).
    """

    stdout: TextIO
    stderr: TextIO
    stdin: TextIO
    clock: Callable[[], float] = time.monotonic
    #: The language of what is written for a person (``--lang`` or the environment).
    lang: str = _catalog.DEFAULT_LANGUAGE

    def _write(self, stream: TextIO, text: str) -> None:
        encoding = getattr(stream, "encoding", None) or "utf-8"
        try:
            text.encode(encoding)
        except (UnicodeEncodeError, LookupError):
            text = text.encode(encoding, "backslashreplace").decode(encoding, "replace")
        stream.write(text)

    def print(self, text: str = "", /) -> None:
        """Write one line (or several) of results to ``stdout``."""
        self._write(self.stdout, text + "\n")

    def print_lines(self, lines: Sequence[str], /) -> None:
        """Write lines of results to ``stdout``, and flush them (a stream may be watched)."""
        self._write(self.stdout, "".join(line + "\n" for line in lines))
        self.stdout.flush()

    def note(self, text: str, /) -> None:
        """Write one line to ``stderr`` (progress, summaries, prompts)."""
        self._write(self.stderr, text + "\n")
        self.stderr.flush()

    def raw_err(self, text: str, /) -> None:
        """Write ``text`` to ``stderr`` as is, without a newline (progress bar redraws)."""
        self._write(self.stderr, text)
        self.stderr.flush()

    def error(self, message: str, /) -> None:
        """The one-line error of a usage problem."""
        self.note(compose("cli.error", self.lang, prog=PROG, message=one_line(message)))

    def say(self, key: str, /, **params: object) -> str:
        """The message registered under ``key``, in the output's language."""
        return say(key, self.lang, **params)

    def color(self, choice: str = "auto", /) -> bool:
        """Whether to colour ``stdout`` for a ``--color`` choice (auto, always, never)."""
        return _wants_color(self.stdout, choice)

    @property
    def stderr_is_terminal(self) -> bool:
        """Whether progress may be drawn on ``stderr``."""
        return is_terminal(self.stderr)

    @property
    def stdout_is_terminal(self) -> bool:
        """Whether results go to a terminal (where they could cross a progress bar)."""
        return is_terminal(self.stdout)


#: The deepest nesting of brackets a JSON line may have: a setup is an object whose
#: values are at most lists of strings (depth 2); the rest is room, not need.
MAX_JSON_DEPTH = 32


def too_deep(text: str) -> bool:
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


def check_stdin(buffer: BinaryIO) -> None:
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
    raise UsageError.of("cli.usage_error.stdin_device", kind=file_kind(mode))


def open_input(path: str, out: Output) -> BinaryIO:
    """``path`` opened for reading bytes, or standard input for ``-``.

    Raises:
        UsageError: standard input is a device, or the file is not a readable regular file.
    """
    if path == "-":
        stdin = out.stdin
        buffer = getattr(stdin, "buffer", None)
        if buffer is None:
            raise UsageError.of("cli.usage_error.stdin_bytes")
        check_stdin(buffer)
        return buffer  # type: ignore[no-any-return]
    try:
        return open_regular_file(path)
    except (OSError, ValueError, InputFileError) as exc:  # ValueError: a NUL in the path
        problem = str(getattr(exc, "strerror", None) or exc)
        path = one_line(path, limit=PATH_LIMIT)
        raise UsageError.of("cli.usage_error.read", path=path, problem=problem) from None
