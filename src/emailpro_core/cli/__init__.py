"""The ``emailpro-core`` command (also ``python -m emailpro_core``).

Commands: ``check``, ``check-many``, ``propagation``, ``records``, ``login``, ``password``,
``generate-password``, ``settings``, ``example``; ``emailpro-core COMMAND --help`` describes
each, and ``docs/cli.md`` shows them all. Exit codes: 0 nothing wrong, 1 something
wrong (an ERROR finding, an invalid login or password), 2 bad usage or input,
3 no verdict (only UNKNOWN findings), 130 interrupted; ``propagation`` adds 4 (only
caches are stale) and 5 (the authoritative servers disagree). Everything written for
a person is in the language of ``--lang LANG`` (before or after the command name),
else of the environment (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else
English; codes and JSON keys never change.

>>> main(["login", "mary.johnson", "--lang", "en"])
'mary.johnson': valid (default policy)
0
>>> main(["records", "not a domain"])
2
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from .._version import __version__
from ..errors import ValidationError
from ..i18n import LANGUAGES, _catalog, language_from_environment, normalize_language
from . import _account as cli_account
from . import _check_options as cli_check_options
from . import _example as cli_example
from . import _propagation as cli_propagation
from ._common import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_UNKNOWN,
    EXIT_USAGE,
    PROG,
    Output,
    Parser,
    ParserExit,
    UsageError,
    one_line,
    speaking_parser,
)
from ._help import helper
from ._lang import LANG_OPTION, argparse_speaks, help_formatter, requested_language
from ._messages import validation_text
from ._propagation import EXIT_SERVERS_DISAGREE, EXIT_STALE

__all__ = ["build_parser", "main"]

_Command = Callable[[argparse.Namespace, Output], int]
# 128 + SIGPIPE, the shell's code for a reader that went away (``| head``).
_EXIT_BROKEN_PIPE = 141


MESSAGES = _catalog.register(
    {
        "cli.usage_error.no_command": "give a command: check, check-many, propagation, "
        "records, login, password, generate-password, settings or example (see {prog} "
        "--help)",
        "cli.usage_error.password_arguments": "password takes no arguments: the password is "
        "read from standard input, or typed at a prompt",
        "cli.usage_error.unrecognized": "unrecognized arguments: {arguments}",
    }
)


def build_parser(lang: str = _catalog.DEFAULT_LANGUAGE) -> Parser:
    """The argument parser of every command, its help in ``lang``.

    argparse's own words (``usage:``, the headings) are in ``lang`` only while
    :func:`~emailpro_core.cli._lang.argparse_speaks` is in effect, as in :func:`main`.
    """
    text = helper(lang)
    # Every parser of the command, subcommands' included, lays out its help for lang.
    parser_class = speaking_parser(help_formatter(lang))
    parser = parser_class(
        prog=PROG,
        description=text("description"),
        epilog=text(
            "epilog",
            ok=EXIT_OK,
            error=EXIT_ERROR,
            usage=EXIT_USAGE,
            unknown=EXIT_UNKNOWN,
            stale=EXIT_STALE,
            disagree=EXIT_SERVERS_DISAGREE,
            interrupted=EXIT_INTERRUPTED,
        ),
    )
    parser.add_argument(
        "--version", action="version", version=f"{PROG} {__version__}", help=text("version")
    )
    _add_lang_option(parser, lang, default=None)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=parser_class)
    cli_check_options.register(commands, lang)
    cli_propagation.register(commands, lang)
    cli_account.register(commands, lang)
    cli_example.register(commands, lang)
    for command in commands.choices.values():
        # Accepted after the command name too; SUPPRESS keeps the global value.
        _add_lang_option(command, lang, default=argparse.SUPPRESS)
    return parser


def _add_lang_option(parser: argparse.ArgumentParser, lang: str, *, default: object) -> None:
    # The value was read before the parser was built (requested_language); it is
    # declared here for --help and for argparse's checks (a missing value).
    parser.add_argument(
        LANG_OPTION,
        metavar="LANG",
        default=default,
        help=helper(lang)("lang", languages=", ".join(LANGUAGES)),
    )


def _run(argv: list[str], out: Output) -> int:
    parser = build_parser(out.lang)
    args, extra = parser.parse_known_args(argv)
    if args.command is None:
        raise UsageError.of("cli.usage_error.no_command", prog=PROG)
    if extra:
        if args.command == "password":
            # Whatever follows may be the password itself: never repeat it.
            raise UsageError.of("cli.usage_error.password_arguments")
        raise UsageError.of("cli.usage_error.unrecognized", arguments=" ".join(extra))
    command: _Command = args.run
    return command(args, out)


def _language(argv: Sequence[str], out: Output) -> str | None:
    """The language of the run: ``--lang``, else the environment's; ``None`` if unusable.

    An unsupported ``--lang`` is reported, in the environment's language.
    """
    asked = requested_language(argv)
    if asked is None:
        return out.lang
    try:
        return normalize_language(asked)
    except ValueError:
        languages = ", ".join(LANGUAGES)
        out.error(
            out.say("cli.lang.unsupported", value=one_line(asked, limit=40), languages=languages)
        )
        return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command in ``argv`` (``sys.argv[1:]`` by default); return its exit code.

    The language is ``--lang``'s, else the environment's (``LANGUAGE``, ``LC_ALL``,
    ``LC_MESSAGES``, ``LANG``), else English. Usage errors print one line,
    ``emailpro-core: error: ...``, and return 2; nothing a user types gives a
    traceback.
    """
    words = list(sys.argv[1:] if argv is None else argv)
    out = Output(sys.stdout, sys.stderr, sys.stdin, lang=language_from_environment(os.environ))
    lang = _language(words, out)
    if lang is None:
        return EXIT_USAGE
    out.lang = lang
    try:
        with argparse_speaks(lang):
            return _run(words, out)
    except ParserExit as exc:
        return exc.status
    except UsageError as exc:
        out.error(exc.render(lang))
        return EXIT_USAGE
    except ValidationError as exc:
        out.error(validation_text(exc, lang))
        return EXIT_USAGE
    except KeyboardInterrupt:
        out.note("")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return _EXIT_BROKEN_PIPE
