"""The options of ``check`` and ``check-many``, with their help in the user's language."""

from __future__ import annotations

from typing import Any

from ..checker._bulk import DEFAULT_CONCURRENCY, DEFAULT_DEADLINE
from ._check import run_check, run_check_many
from ._common import in_language, positive_float, positive_int
from ._dask import add_dask_options
from ._help import helper
from ._ovh import add_check_options
from ._setup import add_setup_options, add_source_options


def register(commands: Any, /, lang: str = "en") -> None:
    """Add ``check`` and ``check-many`` to the subcommands, their help in ``lang``."""
    text = helper(lang)
    seconds = in_language(positive_float, lang)
    count = in_language(positive_int, lang)
    check = commands.add_parser("check", help=text("check"), description=text("check.description"))
    check.add_argument("domain", metavar="DOMAIN", nargs="?")
    add_source_options(check, lang)
    add_setup_options(check, lang)
    add_check_options(check, lang)
    check.add_argument("--deadline", type=seconds, metavar="S", help=text("deadline"))
    check.add_argument("--json", action="store_true", help=text("check.json"))
    check.add_argument("-v", "--verbose", action="store_true", help=text("check.verbose"))
    check.add_argument(
        "--color", choices=("auto", "always", "never"), default="auto", help=text("color")
    )
    check.set_defaults(run=run_check)

    many = commands.add_parser(
        "check-many", help=text("check_many"), description=text("check_many.description")
    )
    many.add_argument("file", metavar="FILE|-")
    many.add_argument(
        "--concurrency",
        type=count,
        default=DEFAULT_CONCURRENCY,
        metavar="N",
        help=text("check_many.concurrency", default=DEFAULT_CONCURRENCY),
    )
    many.add_argument(
        "--deadline",
        type=seconds,
        default=DEFAULT_DEADLINE,
        metavar="S",
        help=text("check_many.deadline", default=f"{DEFAULT_DEADLINE:g}"),
    )
    many.add_argument(
        "--workers", type=count, default=1, metavar="N", help=text("check_many.workers")
    )
    many.add_argument("--json", action="store_true", help=text("check_many.json"))
    many.add_argument(
        "--no-progress",
        dest="progress",
        action="store_false",
        help=text("check_many.no_progress"),
    )
    add_dask_options(many, lang)
    add_source_options(many, lang)
    many.set_defaults(run=run_check_many)
