"""``propagation``: is a domain's zone live everywhere, or is a cache still behind?

Prints a table (or JSON): the zone's servers and serials, then per record the
verdict of :func:`~emailpro_core.propagation.check_propagation`, then the
diagnosis of the authoritative view. Exit codes: 0 in sync; 1 the zone itself
is wrong; 3 no verdict; 4 only caches are stale; 5 the authoritative servers
disagree; 2 bad usage.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from ..i18n import _catalog
from ..propagation import (
    Outcome,
    PropagationReport,
    ServerState,
    Verdict,
    check_propagation,
)
from ..propagation._model import iso_time
from ..propagation._verdict import duration_text
from ..sources._inputfiles import InputFileError, read_regular_file
from ._common import (
    EXIT_ERROR,
    EXIT_OK,
    EXIT_UNKNOWN,
    PATH_LIMIT,
    Output,
    UsageError,
    in_language,
    one_line,
    positive_float,
)
from ._help import helper
from ._lang import say
from ._render import diagnosis_table, paint
from ._setup import (
    MAX_RESOLV_CONF_BYTES,
    RESOLV_CONF,
    add_setup_options,
    nameservers_of_resolv_conf,
    parse_nameserver,
    setup_from_args,
)

#: Exit code: the zone is right, only caches still serve old data.
EXIT_STALE = 4
#: Exit code: the authoritative servers serve different data.
EXIT_SERVERS_DISAGREE = 5
_EXIT_CODES = {
    Outcome.IN_SYNC: EXIT_OK,
    Outcome.ZONE_WRONG: EXIT_ERROR,
    Outcome.UNKNOWN: EXIT_UNKNOWN,
    Outcome.STALE: EXIT_STALE,
    Outcome.SERVERS_DISAGREE: EXIT_SERVERS_DISAGREE,
}
_HEADLINES = {
    Outcome.IN_SYNC: "cli.propagation.outcome.in_sync",
    Outcome.ZONE_WRONG: "cli.propagation.outcome.zone_wrong",
    Outcome.UNKNOWN: "cli.propagation.outcome.unknown",
    Outcome.STALE: "cli.propagation.outcome.stale",
    Outcome.SERVERS_DISAGREE: "cli.propagation.outcome.servers_disagree",
}
MESSAGES = _catalog.register(
    {
        "cli.propagation.outcome.in_sync": "in sync: every server and resolver serves the "
        "zone as it is",
        "cli.propagation.outcome.zone_wrong": "the zone itself is wrong: fix it (the "
        "diagnosis below reads the authoritative servers)",
        "cli.propagation.outcome.unknown": "no verdict: something did not answer (see below)",
        "cli.propagation.outcome.stale": "the zone is right; only caches are behind",
        "cli.propagation.outcome.servers_disagree": "the authoritative servers disagree (a "
        "secondary is behind?)",
        "cli.propagation.headline": "{domain}: {outcome} - ",
        "cli.propagation.expires": "  the last stale copy expires at {time} (in {left})",
        "cli.propagation.zone": "zone {zone}  checked at {time}",
        "cli.propagation.servers": "SERVER                 STATE          SERIAL      NAMES",
        "cli.propagation.unresolved": "{name}.: does not resolve ({cause})",
        "cli.propagation.resolvers": "resolvers: {resolvers}",
        "cli.propagation.records": "VERDICT           TYPE   NAME",
        "cli.propagation.no_diagnosis": "no diagnosis: no server answered for the zone",
        "cli.propagation.diagnosis": "the diagnosis of the authoritative view:",
        "cli.usage_error.read_resolvers": "cannot read the resolvers from {path!r} "
        "({problem}); give --resolver",
        "cli.usage_error.no_resolver": "no nameserver in {path!r}; give --resolver",
        "cli.usage_error.ns_port": "--ns-port must be 1 to 65535, not {port}",
    }
)
_COLORS = {
    Verdict.IN_SYNC: "32",
    Verdict.STALE: "33",
    Verdict.SERVERS_DISAGREE: "31",
    Verdict.UNKNOWN: "35",
}


def register(commands: Any, /, lang: str = "en") -> None:
    """Add ``propagation`` to the subcommands, its help in ``lang``."""
    text = helper(lang)
    seconds = in_language(positive_float, lang)
    command = commands.add_parser(
        "propagation", help=text("propagation"), description=text("propagation.description")
    )
    command.add_argument("domain", metavar="DOMAIN")
    command.add_argument(
        "--resolver",
        action="append",
        default=[],
        metavar="IP[:PORT]",
        help=text("propagation.resolver"),
    )
    command.add_argument(
        "--resolv-conf",
        default=RESOLV_CONF,
        metavar="FILE",
        help=text("propagation.resolv_conf", path=RESOLV_CONF),
    )
    command.add_argument(
        "--ns-port", type=int, default=53, metavar="PORT", help=text("propagation.ns_port")
    )
    command.add_argument(
        "--no-ipv6", dest="ipv6", action="store_false", help=text("propagation.no_ipv6")
    )
    command.add_argument(
        "--timeout", type=seconds, default=2.0, metavar="S", help=text("propagation.timeout")
    )
    command.add_argument("--deadline", type=seconds, metavar="S", help=text("deadline"))
    add_setup_options(command, lang)
    command.add_argument("--json", action="store_true", help=text("propagation.json"))
    command.add_argument(
        "--color", choices=("auto", "always", "never"), default="auto", help=text("color")
    )
    command.set_defaults(run=run_propagation)


def _resolvers(args: argparse.Namespace) -> list[tuple[str, int]]:
    if args.resolver:
        return [parse_nameserver(text) for text in args.resolver]
    try:
        data = read_regular_file(args.resolv_conf, limit=MAX_RESOLV_CONF_BYTES)
    except (OSError, ValueError, InputFileError) as exc:
        raise UsageError.of(
            "cli.usage_error.read_resolvers",
            path=one_line(args.resolv_conf, limit=PATH_LIMIT),
            problem=str(getattr(exc, "strerror", None) or exc),
        ) from None
    found = nameservers_of_resolv_conf(data.decode("utf-8", errors="replace"))
    if not found:
        where = one_line(args.resolv_conf, limit=PATH_LIMIT)
        raise UsageError.of("cli.usage_error.no_resolver", path=where)
    return [(host, 53) for host in found]


def exit_code(report: PropagationReport, /) -> int:
    """The exit code of a report: 0, 1, 3, 4 or 5 (see the module)."""
    return _EXIT_CODES[report.outcome]


def report_table(
    report: PropagationReport, /, *, color: bool, now: float, lang: str = "en"
) -> list[str]:
    """The report as lines: the outcome, the servers, the records, the diagnosis.

    Its headings and labels are in ``lang``.
    """
    outcome = report.outcome
    headline = say(_HEADLINES[outcome], lang)
    outcome_name = outcome.value.upper()
    lines = [
        say("cli.propagation.headline", lang, domain=report.domain, outcome=outcome_name) + headline
    ]
    expires = report.expires_at
    if expires is not None:
        # Words of the language, their no-break spaces meant: put in as they are.
        left = _catalog.Verbatim(duration_text(int(expires - now + 0.999), lang))
        lines.append(say("cli.propagation.expires", lang, time=iso_time(expires), left=left))
    cause = report.render_cause(lang)
    if cause is not None:
        lines.append(f"  {one_line(cause)}")
    zone = "?" if report.zone is None else f"{report.zone}."
    lines.append(say("cli.propagation.zone", lang, zone=zone, time=iso_time(report.checked_at)))
    lines.append(say("cli.propagation.servers", lang))
    for server in report.servers:
        serial = "" if server.serial is None else str(server.serial)
        names = ", ".join(f"{name}." for name in server.names)
        lines.append(f"{server.address:<22} {server.state.value:<14} {serial:<11} {names}")
        if server.state is not ServerState.AUTHORITATIVE:
            lines.append(f"  {one_line(server.render_detail(lang))}")
    for nameserver in report.nameservers:
        if nameserver.cause is not None:
            unresolved = say(
                "cli.propagation.unresolved", lang, name=nameserver.name, cause=nameserver.cause
            )
            lines.append(unresolved)
    resolvers = ", ".join(report.resolvers)
    lines.append(say("cli.propagation.resolvers", lang, resolvers=resolvers))
    lines.append(say("cli.propagation.records", lang))
    for record in report.records:
        verdict = paint(f"{record.verdict.value:<17}", _COLORS[record.verdict], color=color)
        lines.append(f"{verdict} {record.type:<6} {record.name}.")
        lines.append(f"  {one_line(record.render(lang), limit=400)}")
    if report.diagnosis is None:
        lines.append(say("cli.propagation.no_diagnosis", lang))
    else:
        lines.append(say("cli.propagation.diagnosis", lang))
        lines.extend(diagnosis_table(report.diagnosis, color=color, lang=lang))
    return lines


def run_propagation(args: argparse.Namespace, out: Output, /) -> int:
    """``propagation DOMAIN``: print the report; the exit code is its outcome."""
    setup = setup_from_args(args.domain, args)
    if not 0 < args.ns_port < 65536:
        raise UsageError.of("cli.usage_error.ns_port", port=args.ns_port)
    report = check_propagation(
        setup,
        resolvers=_resolvers(args),
        port=args.ns_port,
        timeout=args.timeout,
        deadline=args.deadline,
        ipv6=args.ipv6,
    )
    if args.json:
        out.print(report.to_json(indent=2, lang=out.lang))
    else:
        table = report_table(report, color=out.color(args.color), now=time.time(), lang=out.lang)
        out.print_lines(table)
    return exit_code(report)
