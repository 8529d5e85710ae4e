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
    one_line,
    positive_float,
    shown,
)
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
    Outcome.IN_SYNC: "in sync: every server and resolver serves the zone as it is",
    Outcome.ZONE_WRONG: "the zone itself is wrong: fix it (the diagnosis below reads "
    "the authoritative servers)",
    Outcome.UNKNOWN: "no verdict: something did not answer (see below)",
    Outcome.STALE: "the zone is right; only caches are behind",
    Outcome.SERVERS_DISAGREE: "the authoritative servers disagree (a secondary is behind?)",
}
_COLORS = {
    Verdict.IN_SYNC: "32",
    Verdict.STALE: "33",
    Verdict.SERVERS_DISAGREE: "31",
    Verdict.UNKNOWN: "35",
}


def register(commands: Any, /) -> None:
    """Add ``propagation`` to the subcommands."""
    command = commands.add_parser(
        "propagation",
        help="compare the zone's servers with resolvers: is a fix live everywhere?",
        description="Ask each authoritative server of DOMAIN directly, and each resolver, "
        "for the records the service needs; say per record whether the world sees the zone "
        "as it is, and until when a cache serves old data. Exit 0: in sync; 1: the zone "
        "itself is wrong; 3: no verdict; 4: only caches are stale; 5: the authoritative "
        "servers disagree; 2: bad usage.",
    )
    command.add_argument("domain", metavar="DOMAIN")
    command.add_argument(
        "--resolver",
        action="append",
        default=[],
        metavar="IP[:PORT]",
        help="a resolver to compare (repeat for several; default: those of --resolv-conf)",
    )
    command.add_argument(
        "--resolv-conf",
        default=RESOLV_CONF,
        metavar="FILE",
        help=f"where to read the system's resolvers (default {RESOLV_CONF})",
    )
    command.add_argument(
        "--ns-port",
        type=int,
        default=53,
        metavar="PORT",
        help="the port the authoritative servers are asked on (default 53)",
    )
    command.add_argument(
        "--no-ipv6",
        dest="ipv6",
        action="store_false",
        help="do not ask the servers' IPv6 addresses",
    )
    command.add_argument(
        "--timeout", type=positive_float, default=2.0, metavar="S", help="seconds per question"
    )
    command.add_argument("--deadline", type=positive_float, metavar="S", help="seconds in all")
    add_setup_options(command)
    command.add_argument("--json", action="store_true", help="print the report as JSON")
    command.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the table (auto: on a terminal, unless NO_COLOR is set)",
    )
    command.set_defaults(run=run_propagation)


def _resolvers(args: argparse.Namespace) -> list[tuple[str, int]]:
    if args.resolver:
        return [parse_nameserver(text) for text in args.resolver]
    try:
        data = read_regular_file(args.resolv_conf, limit=MAX_RESOLV_CONF_BYTES)
    except (OSError, ValueError, InputFileError) as exc:
        where = shown(args.resolv_conf, limit=PATH_LIMIT)
        raise UsageError(
            f"cannot read the resolvers from {where} ({getattr(exc, 'strerror', None) or exc}); "
            "give --resolver"
        ) from None
    found = nameservers_of_resolv_conf(data.decode("utf-8", errors="replace"))
    if not found:
        where = shown(args.resolv_conf, limit=PATH_LIMIT)
        raise UsageError(f"no nameserver in {where}; give --resolver")
    return [(host, 53) for host in found]


def exit_code(report: PropagationReport, /) -> int:
    """The exit code of a report: 0, 1, 3, 4 or 5 (see the module)."""
    return _EXIT_CODES[report.outcome]


def report_table(report: PropagationReport, /, *, color: bool, now: float) -> list[str]:
    """The report as lines: the outcome, the servers, the records, the diagnosis."""
    outcome = report.outcome
    lines = [f"{report.domain}: {outcome.value.upper()} - {_HEADLINES[outcome]}"]
    expires = report.expires_at
    if expires is not None:
        left = duration_text(int(expires - now + 0.999))
        lines.append(f"  the last stale copy expires at {iso_time(expires)} (in {left})")
    if report.cause is not None:
        lines.append(f"  {one_line(report.cause)}")
    zone = "?" if report.zone is None else f"{report.zone}."
    lines.append(f"zone {zone}  checked at {iso_time(report.checked_at)}")
    lines.append("SERVER                 STATE          SERIAL      NAMES")
    for server in report.servers:
        serial = "" if server.serial is None else str(server.serial)
        names = ", ".join(f"{name}." for name in server.names)
        lines.append(f"{server.address:<22} {server.state.value:<14} {serial:<11} {names}")
        if server.state is not ServerState.AUTHORITATIVE:
            lines.append(f"  {one_line(server.detail)}")
    for nameserver in report.nameservers:
        if nameserver.cause is not None:
            lines.append(f"{nameserver.name}.: does not resolve ({nameserver.cause})")
    lines.append(f"resolvers: {', '.join(report.resolvers)}")
    lines.append(f"{'VERDICT':<17} {'TYPE':<6} NAME")
    for record in report.records:
        verdict = paint(f"{record.verdict.value:<17}", _COLORS[record.verdict], color=color)
        lines.append(f"{verdict} {record.type:<6} {record.name}.")
        lines.append(f"  {one_line(record.message, limit=400)}")
    if report.diagnosis is None:
        lines.append("no diagnosis: no server answered for the zone")
    else:
        lines.append("the diagnosis of the authoritative view:")
        lines.extend(diagnosis_table(report.diagnosis, color=color))
    return lines


def run_propagation(args: argparse.Namespace, out: Output, /) -> int:
    """``propagation DOMAIN``: print the report; the exit code is its outcome."""
    setup = setup_from_args(args.domain, args)
    if not 0 < args.ns_port < 65536:
        raise UsageError(f"--ns-port must be 1 to 65535, not {args.ns_port}")
    report = check_propagation(
        setup,
        resolvers=_resolvers(args),
        port=args.ns_port,
        timeout=args.timeout,
        deadline=args.deadline,
        ipv6=args.ipv6,
    )
    if args.json:
        out.print(report.to_json(indent=2))
    else:
        out.print_lines(report_table(report, color=out.color(args.color), now=time.time()))
    return exit_code(report)
