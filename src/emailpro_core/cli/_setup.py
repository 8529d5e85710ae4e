"""The domain setup and the DNS source of a command, from its options.

Setup options (``--server``, ``--token``, ``--dkim-selector``, ``--managed``,
``--mode``, ``--relay``) build a :class:`~emailpro_core.records.DomainSetup`;
source options (``--zone``, ``--nameserver``, ``--resolv-conf``) build the record
source. Without ``--zone`` and ``--nameserver``, the nameservers come from
``/etc/resolv.conf``, read here and passed to the live source explicitly: the
package never uses dnspython's default resolver.

>>> parse_nameserver("192.0.2.53:5353")
('192.0.2.53', 5353)
>>> parse_nameserver("[2001:db8::53]")
('2001:db8::53', 53)
>>> nameservers_of_resolv_conf("nameserver 192.0.2.1\\n# nameserver 192.0.2.2\\n")
('192.0.2.1',)
"""

from __future__ import annotations

import argparse
import functools
import ipaddress
from collections.abc import Sequence
from pathlib import Path

from ..checker._parallel import SourceFactory
from ..domains import normalize_domain
from ..errors import InvalidDomain
from ..i18n import _catalog
from ..records import DkimSelector, DomainSetup
from ..sources import AsyncStubSource, DualSource, ZoneFileError, ZoneSource
from ..sources._inputfiles import InputFileError, read_regular_file
from ._common import PATH_LIMIT, UsageError, one_line
from ._help import helper

#: Where the system's nameservers are read from, unless ``--resolv-conf`` says otherwise.
RESOLV_CONF = "/etc/resolv.conf"
#: The largest resolv.conf read: a few lines name the nameservers; 1 MiB leaves room
#: for long search lists and comments, and refuses a file given by mistake.
MAX_RESOLV_CONF_BYTES = 2**20
_DNS_PORT = 53
# How much of a --nameserver value an error repeats.
_SHOWN = 60
_MODES = {
    "authoritative": "authoritative",
    "non-authoritative": "nonAuthoritative",
    # The API and control-panel spellings are accepted too.
    "nonAuthoritative": "nonAuthoritative",
    "AUTHORITATIVE": "authoritative",
    "NON_AUTHORITATIVE": "nonAuthoritative",
}


MESSAGES = _catalog.register(
    {
        "cli.usage_error.nameserver_ipv6": "--nameserver {value!r}: write an IPv6 address "
        "as [ADDR]:PORT",
        "cli.usage_error.nameserver_not_ip": "--nameserver {value!r} is not an IP address[:PORT]",
        "cli.usage_error.nameserver_port": "--nameserver {value!r}: the port must be 1 to 65535",
        "cli.usage_error.nameserver_ports": "every --nameserver must use the same port",
        "cli.usage_error.read_nameservers": "cannot read the nameservers from {path!r} "
        "({problem}); give --nameserver or --zone",
        "cli.usage_error.no_nameserver": "no nameserver in {path!r}; give --nameserver or --zone",
        "cli.usage_error.zone_file": "cannot read the zone {source}: {problem}",
        "cli.usage_error.zone_file:line": "cannot read the zone {source}, near line {line}: "
        "{problem}",
        "cli.usage_error.zone_file:no_origin": "cannot read the zone {source}: {problem}; "
        "add a $ORIGIN line, or name the file after its zone",
        "cli.usage_error.workers_with_zone": "{option} asks nameservers from several "
        "processes: not with --zone",
    }
)


def add_setup_options(parser: argparse.ArgumentParser, /, lang: str = "en") -> None:
    """The options that describe a domain's setup (``DomainSetup`` fields)."""
    text = helper(lang)
    group = parser.add_argument_group(text("group.setup"))
    group.add_argument("--server", type=int, metavar="N", help=text("setup.server"))
    group.add_argument("--token", metavar="T", help=text("setup.token"))
    group.add_argument(
        "--dkim-selector",
        action="append",
        default=[],
        metavar="S[=TARGET]",
        help=text("setup.dkim_selector"),
    )
    group.add_argument("--dkim-enabled", action="store_true", help=text("setup.dkim_enabled"))
    managed = group.add_mutually_exclusive_group()
    managed.add_argument(
        "--managed",
        dest="managed",
        action="store_true",
        default=False,
        help=text("setup.managed"),
    )
    managed.add_argument(
        "--not-managed", dest="managed", action="store_false", help=text("setup.not_managed")
    )
    group.add_argument("--mode", choices=sorted(_MODES), help=text("setup.mode"))
    group.add_argument("--relay", metavar="HOST", help=text("setup.relay"))


def _selector(text: str) -> DkimSelector:
    name, sep, target = text.partition("=")
    return DkimSelector(name, target if sep else None)


def setup_from_args(domain: str, args: argparse.Namespace, /) -> DomainSetup:
    """The checked setup of ``domain`` from the setup options.

    Raises:
        InvalidSetup: the setup breaks a rule (an invalid domain included).
    """
    return DomainSetup.create(
        domain,
        mode=None if args.mode is None else _MODES[args.mode],
        relay_target=args.relay,
        server_number=args.server,
        managed_in_account=args.managed,
        ownership_token=args.token,
        dkim_selectors=tuple(_selector(s) for s in args.dkim_selector),
        dkim_enabled=args.dkim_enabled,
    )


def add_source_options(parser: argparse.ArgumentParser, /, lang: str = "en") -> None:
    """The options that choose where DNS answers come from."""
    text = helper(lang)
    group = parser.add_argument_group(text("group.source"))
    group.add_argument(
        "--zone", action="append", default=[], metavar="FILE", help=text("source.zone")
    )
    group.add_argument(
        "--nameserver",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help=text("source.nameserver"),
    )
    group.add_argument(
        "--resolv-conf",
        default=RESOLV_CONF,
        metavar="FILE",
        help=text("source.resolv_conf", path=RESOLV_CONF),
    )


def parse_nameserver(text: str, /) -> tuple[str, int]:
    """``HOST[:PORT]`` (``[IPv6]:PORT`` for IPv6) as an address and a port.

    Raises:
        UsageError: not an IP address, or a bad port.
    """
    host: str = text
    port: str | None = None
    if text.startswith("["):
        host, sep, rest = text[1:].partition("]")
        if not sep or (rest and not rest.startswith(":")):
            raise UsageError.of(
                "cli.usage_error.nameserver_ipv6", value=one_line(text, limit=_SHOWN)
            )
        port = rest[1:] if rest else None
    elif text.count(":") == 1:
        host, _, port = text.partition(":")
    try:
        address = str(ipaddress.ip_address(host))
    except ValueError:
        raise UsageError.of(
            "cli.usage_error.nameserver_not_ip", value=one_line(text, limit=_SHOWN)
        ) from None
    if port is None:
        return address, _DNS_PORT
    if not port.isascii() or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise UsageError.of("cli.usage_error.nameserver_port", value=one_line(text, limit=_SHOWN))
    return address, int(port)


def nameservers_of_resolv_conf(text: str, /) -> tuple[str, ...]:
    """The ``nameserver`` addresses of resolv.conf text (resolv.conf(5)), in order."""
    found = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 2 and fields[0] == "nameserver":
            try:
                found.append(str(ipaddress.ip_address(fields[1])))
            except ValueError:
                continue  # as the C library does: a line it cannot read is ignored
    return tuple(found)


def live_source(nameservers: Sequence[str], port: int, /, *, concurrent: bool) -> DualSource:
    """A live source asking ``nameservers`` on ``port`` (async for many domains).

    Many domains and one server: the stub source, which asks that server
    directly over one socket and costs a fraction of the CPU of a resolver
    (docs/performance.md). Several servers: dnspython's resolver, which fails
    over between them.
    """
    if concurrent and len(nameservers) == 1:
        return AsyncStubSource(nameservers[0], port=port)
    # Imported here: a run over the stub source never loads dnspython's resolver.
    from ..sources import AsyncResolverSource, ResolverSource

    if concurrent:
        return AsyncResolverSource(nameservers=list(nameservers), port=port)
    return ResolverSource(nameservers=list(nameservers), port=port)


def _system_nameservers(path: str) -> tuple[str, ...]:
    try:
        data = read_regular_file(path, limit=MAX_RESOLV_CONF_BYTES)
    except (OSError, ValueError, InputFileError) as exc:  # ValueError: a NUL in the path
        raise UsageError.of(
            "cli.usage_error.read_nameservers",
            path=one_line(path, limit=PATH_LIMIT),
            problem=str(getattr(exc, "strerror", None) or exc),
        ) from None
    text = data.decode("utf-8", errors="replace")
    found = nameservers_of_resolv_conf(text)
    if not found:
        raise UsageError.of("cli.usage_error.no_nameserver", path=one_line(path, limit=PATH_LIMIT))
    return found


def _origin_of(path: str) -> str | None:
    # A zone file named after its zone (example.org.zone, example.org) gives the
    # origin when the file sets no $ORIGIN; anything else gives none.
    name = Path(path).name.removesuffix(".zone")
    try:
        return normalize_domain(name).ascii
    except InvalidDomain:
        return None


def read_zone_file(
    path: str, /, *, default_origin: str | None, fallback: DualSource | None = None
) -> ZoneSource:
    """A zone file as a source: its own ``$ORIGIN`` wins, else ``default_origin``.

    Raises:
        ZoneFileError: the file cannot be read, is not a valid zone, or sets no
            origin and ``default_origin`` is ``None``.
    """
    try:
        return ZoneSource.from_file(path, fallback=fallback)
    except ZoneFileError as exc:
        # dnspython says "origin is unknown", without a line, for a file with no $ORIGIN.
        if default_origin is None or exc.line is not None or "origin" not in exc.problem:
            raise
    return ZoneSource.from_file(path, origin=default_origin, fallback=fallback)


def _read_zone(path: str, origin: str | None, fallback: DualSource | None) -> ZoneSource:
    try:
        return read_zone_file(path, default_origin=origin, fallback=fallback)
    except ZoneFileError as exc:
        # As ZoneFileError says it: a name that cannot be printed is shown quoted.
        name = exc.source if exc.source.isprintable() else repr(exc.source)
        key = "cli.usage_error.zone_file"
        if exc.line is not None:
            key += ":line"
        elif origin is None and "origin" in exc.problem:
            key += ":no_origin"
        raise UsageError.of(key, source=name, line=exc.line, problem=exc.problem) from None


def _nameservers(args: argparse.Namespace) -> tuple[tuple[str, ...], int] | None:
    """The ``--nameserver`` addresses and their one port; ``None`` when none is given."""
    servers = [parse_nameserver(text) for text in args.nameserver]
    ports = {port for _, port in servers}
    if len(ports) > 1:
        raise UsageError.of("cli.usage_error.nameserver_ports")
    return (tuple(host for host, _ in servers), ports.pop()) if servers else None


def live_factory(args: argparse.Namespace, /, *, option: str = "--workers") -> SourceFactory:
    """What builds, in each worker process, the live source the options describe.

    The ``--nameserver`` servers, else the system's (``--resolv-conf``).
    ``option`` is the one that asks for workers, as an error names it.

    Raises:
        UsageError: a zone is given (zones are read in one process), or a
            nameserver is invalid.
    """
    if args.zone:
        raise UsageError.of("cli.usage_error.workers_with_zone", option=option)
    hosts, port = _nameservers(args) or (_system_nameservers(args.resolv_conf), _DNS_PORT)
    # live_source is a module-level function: the partial pickles to the workers.
    return functools.partial(live_source, hosts, port, concurrent=True)


def build_source(
    args: argparse.Namespace, /, *, domain: str | None = None, concurrent: bool = False
) -> tuple[DualSource, tuple[str, ...]]:
    """The source the options describe, and the apex of each zone it reads.

    The zones answer first, in the order given; names outside them go to the
    ``--nameserver`` servers when there are some. With zones and no
    ``--nameserver``, the zones alone answer (offline). Without either, the
    system's nameservers (``--resolv-conf``) are asked. A zone file without
    ``$ORIGIN`` is read with ``domain`` as its origin (``check``), or else the
    zone its file is named after (``example.org.zone``).

    Raises:
        UsageError: a zone file cannot be read, or a nameserver is invalid.
    """
    servers = _nameservers(args)
    source: DualSource | None = None
    if servers is not None:
        source = live_source(*servers, concurrent=concurrent)
    elif not args.zone:
        nameservers = _system_nameservers(args.resolv_conf)
        source = live_source(nameservers, _DNS_PORT, concurrent=concurrent)
    apexes: list[str] = []
    # The first zone named answers first: build the chain from the last one.
    for path in reversed(args.zone):
        origin = domain if domain is not None else _origin_of(path)
        zone = _read_zone(path, origin, source)
        apexes.insert(0, zone.apex)
        source = zone
    assert source is not None  # a nameserver, the system's, or at least one zone
    return source, tuple(apexes)
