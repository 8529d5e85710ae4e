"""The ``emailpro-core`` command (also ``python -m emailpro_core``).

Commands: ``check``, ``check-many``, ``propagation``, ``records``, ``login``, ``password``,
``generate-password``, ``settings``, ``example``; ``emailpro-core COMMAND --help`` describes
each, and ``docs/cli.md`` shows them all. Exit codes: 0 nothing wrong, 1 something
wrong (an ERROR finding, an invalid login or password), 2 bad usage or input,
3 no verdict (only UNKNOWN findings), 130 interrupted; ``propagation`` adds 4 (only
caches are stale) and 5 (the authoritative servers disagree).

>>> main(["login", "mary.johnson"])
'mary.johnson': valid (default policy)
0
>>> main(["records", "not a domain"])
2
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from .._version import __version__
from ..errors import ValidationError
from . import _account as cli_account
from . import _check as cli_check
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
)
from ._propagation import EXIT_SERVERS_DISAGREE, EXIT_STALE

__all__ = ["build_parser", "main"]

_Command = Callable[[argparse.Namespace, Output], int]
# 128 + SIGPIPE, the shell's code for a reader that went away (``| head``).
_EXIT_BROKEN_PIPE = 141


def build_parser() -> Parser:
    """The argument parser of every command."""
    parser = Parser(
        prog=PROG,
        description="The rules of OVHcloud E-mail Pro: check a domain's DNS, logins and "
        "passwords; print the records a domain needs and the client settings.",
        epilog=f"Exit codes: {EXIT_OK} nothing wrong, {EXIT_ERROR} something wrong, "
        f"{EXIT_USAGE} bad usage or input, {EXIT_UNKNOWN} no verdict (DNS failures only), "
        f"{EXIT_STALE} propagation: only caches are stale, {EXIT_SERVERS_DISAGREE} "
        f"propagation: the servers disagree, {EXIT_INTERRUPTED} interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    cli_check.register(commands)
    cli_propagation.register(commands)
    cli_account.register(commands)
    cli_example.register(commands)
    return parser


def _run(argv: list[str], out: Output) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if args.command is None:
        raise UsageError(
            "give a command: check, check-many, propagation, records, login, password, "
            f"generate-password, settings or example (see {PROG} --help)"
        )
    if extra:
        if args.command == "password":
            # Whatever follows may be the password itself: never repeat it.
            raise UsageError(
                "password takes no arguments: the password is read from standard "
                "input, or typed at a prompt"
            )
        raise UsageError(f"unrecognized arguments: {' '.join(extra)}")
    command: _Command = args.run
    return command(args, out)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command in ``argv`` (``sys.argv[1:]`` by default); return its exit code.

    Usage errors print one line, ``emailpro-core: error: ...``, and return 2;
    nothing a user types gives a traceback.
    """
    out = Output(sys.stdout, sys.stderr, sys.stdin)
    try:
        return _run(list(sys.argv[1:] if argv is None else argv), out)
    except ParserExit as exc:
        return exc.status
    except (UsageError, ValidationError) as exc:
        out.error(str(exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        out.note("")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return _EXIT_BROKEN_PIPE
