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
from ..i18n import _catalog
from ._common import EXIT_OK, PATH_LIMIT, PROG, Output, UsageError, one_line
from ._help import helper

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


MESSAGES = _catalog.register(
    {
        "cli.usage_error.exists": "{path!r} exists: give --force to replace it",
        "cli.usage_error.write": "cannot write {path!r}: {problem}",
        "cli.example.wrote": "wrote the example zone of {domain} to {path!r}; check it:",
    }
)


def register(commands: Any, /, lang: str = "en") -> None:
    """Add the ``example`` command to the subcommands, its help in ``lang``."""
    text = helper(lang)
    example = commands.add_parser(
        "example",
        help=text("example"),
        description=text(
            "example.description", domains=", ".join(EXAMPLE_DOMAINS), default=DEFAULT_EXAMPLE
        ),
    )
    example.add_argument("domain", nargs="?", default=DEFAULT_EXAMPLE, metavar="DOMAIN")
    example.add_argument("-o", "--output", metavar="FILE", help=text("example.output"))
    example.add_argument("--force", action="store_true", help=text("example.force"))
    example.set_defaults(run=run_example)


def run_example(args: argparse.Namespace, out: Output, /) -> int:
    """``example [DOMAIN] [-o FILE]``: the zone on stdout, or in FILE and a hint on stderr."""
    text = example_zone(args.domain)
    name = args.domain.lower().removesuffix(".")
    path: str | None = args.output
    if path is None or path == "-":
        out.print(text.removesuffix("\n"))
        return EXIT_OK
    shown_path = one_line(path, limit=PATH_LIMIT)
    try:
        with open(path, "w" if args.force else "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise UsageError.of("cli.usage_error.exists", path=shown_path) from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL or a lone surrogate in the path
        problem = str(getattr(exc, "strerror", None) or exc)
        raise UsageError.of("cli.usage_error.write", path=shown_path, problem=problem) from None
    command = shlex.join([PROG, "check", name, "--zone", path, *_CHECK_OPTIONS[name]])
    out.note(out.say("cli.example.wrote", domain=name, path=shown_path))
    out.note(f"  {one_line(command)}")
    return EXIT_OK
