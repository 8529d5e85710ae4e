"""The ``example`` command: write one of the example zones shipped with the package.

It makes the quick start work from any folder after ``pip install``:

>>> from emailpro_core.cli import main
>>> main(["example", "nowhere.example"])
2
"""

from __future__ import annotations

import argparse
import shlex
from typing import Any

from ..examples import DEFAULT_EXAMPLE, EXAMPLE_DOMAINS, example_zone
from ._common import EXIT_OK, PATH_LIMIT, PROG, Output, UsageError, one_line, shown

# The options under which each example is checked as its header comment says.
_CHECK_OPTIONS: dict[str, tuple[str, ...]] = {
    "example.org": (
        "--server",
        "1",
        "--token",
        "ab1cd",
        "--dkim-selector",
        "ovhemp123456-selector1",
        "--dkim-selector",
        "ovhemp123456-selector2",
    ),
    "mydomain.ovh": (),
}


def register(commands: Any, /) -> None:
    """Add the ``example`` command to the subcommands."""
    example = commands.add_parser(
        "example",
        help="write an example zone to try the other commands on",
        description="Print the example zone of DOMAIN (one of "
        f"{', '.join(EXAMPLE_DOMAINS)}; default {DEFAULT_EXAMPLE}), or write it to "
        "FILE. mydomain.ovh is half right, example.org is ready for E-mail Pro.",
    )
    example.add_argument("domain", nargs="?", default=DEFAULT_EXAMPLE, metavar="DOMAIN")
    example.add_argument(
        "-o", "--output", metavar="FILE", help="write the zone to FILE ('-': standard output)"
    )
    example.add_argument("--force", action="store_true", help="replace FILE if it exists")
    example.set_defaults(run=run_example)


def run_example(args: argparse.Namespace, out: Output, /) -> int:
    """``example [DOMAIN] [-o FILE]``: the zone on stdout, or in FILE and a hint on stderr."""
    text = example_zone(args.domain)
    name = args.domain.lower().removesuffix(".")
    path: str | None = args.output
    if path is None or path == "-":
        out.print(text.removesuffix("\n"))
        return EXIT_OK
    try:
        with open(path, "w" if args.force else "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise UsageError(
            f"{shown(path, limit=PATH_LIMIT)} exists: give --force to replace it"
        ) from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL or a lone surrogate in the path
        problem = getattr(exc, "strerror", None) or exc
        raise UsageError(f"cannot write {shown(path, limit=PATH_LIMIT)}: {problem}") from None
    command = shlex.join([PROG, "check", name, "--zone", path, *_CHECK_OPTIONS[name]])
    out.note(f"wrote the example zone of {name} to {shown(path, limit=PATH_LIMIT)}; check it:")
    out.note(f"  {one_line(command)}")
    return EXIT_OK
