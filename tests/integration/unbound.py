"""A real caching resolver (Unbound) on a loopback address, for integration tests.

:class:`UnboundServer` writes an ``unbound.conf`` into a temporary directory with
one ``stub-zone`` per zone it is given, each pointing at authoritative servers
on 127.0.0.0/8, starts ``unbound -d`` there as the current user on a free port,
waits until it answers, and stops it at the end::

    stubs = {"example.org": [("127.0.0.2", 5300), ("127.0.0.3", 5300)]}
    with UnboundServer(stubs) as resolver:
        dns.query.udp(query, resolver.host, port=resolver.port)

It caches for real: an answer is served from its cache until its TTL runs out,
and a negative answer for the SOA's negative TTL (RFC 2308). Tests that wait
for a cache to expire use zones with TTLs of a few seconds. DNSSEC validation
is off (the zones are not signed) and no root hints are used: a name outside
every stub zone fails. Nothing here reaches beyond the loopback addresses.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from .daemon import Daemon, find_binary
from .nsd import free_port

__all__ = ["HOST", "UnboundError", "UnboundServer", "find_unbound"]

HOST = "127.0.0.1"
_PORT_ATTEMPTS = 5  # another process may take the port between our probe and Unbound's bind
_POLL_INTERVAL = 0.05


class UnboundError(RuntimeError):
    """Unbound could not start."""


def find_unbound() -> str | None:
    """The path of the ``unbound`` binary (on ``PATH`` or Debian's ``/usr/sbin``), or ``None``."""
    return find_binary("unbound")


def _config(
    stubs: Mapping[str, Sequence[tuple[str, int]]], host: str, port: int, workdir: Path
) -> str:
    # Names follow unbound.conf(5) of Unbound 1.17.
    server = [
        "server:",
        f"    interface: {host}@{port}",
        f"    port: {port}",
        "    do-ip4: yes",
        "    do-ip6: no",
        "    do-udp: yes",
        "    do-tcp: yes",
        "    num-threads: 1",
        "    so-reuseport: no",
        '    username: ""',
        '    chroot: ""',
        f'    directory: "{workdir}"',
        f'    pidfile: "{workdir}/unbound.pid"',
        f'    logfile: "{workdir}/unbound.log"',
        "    use-syslog: no",
        "    do-daemonize: no",
        "    verbosity: 1",
        "    access-control: 127.0.0.0/8 allow",
        # The stub zones' servers are on loopback addresses, which Unbound skips by default.
        "    do-not-query-localhost: no",
        # No DNSSEC (unsigned zones, no trust anchor) and no name minimisation:
        # each question goes to the stub servers as asked.
        '    module-config: "iterator"',
        "    qname-minimisation: no",
        "    prefetch: no",
        "    serve-expired: no",
        "    cache-min-ttl: 0",
        "    hide-version: yes",
        "    hide-identity: yes",
        # Names outside every stub zone are refused at once rather than sent to
        # the root; each stub zone is made transparent again below.
        '    local-zone: "." refuse',
        *(f'    local-zone: "{zone}" transparent' for zone in stubs),
        "remote-control:",
        "    control-enable: no",
    ]
    blocks = []
    for zone, servers in stubs.items():
        lines = ["stub-zone:", f'    name: "{zone}"']
        lines.extend(f"    stub-addr: {address}@{server_port}" for address, server_port in servers)
        blocks.append("\n".join(lines))
    return "\n".join([*server, *blocks]) + "\n"


class UnboundServer(Daemon):
    """Unbound resolving ``stubs`` (zone → authoritative servers) on ``host:port``.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`.
    ``workdir`` (a fresh temporary directory, removed by :meth:`stop`) holds the
    configuration and Unbound's log.
    """

    NAME = "Unbound"
    STEM = "unbound"
    ERROR = UnboundError

    def __init__(
        self,
        stubs: Mapping[str, Sequence[tuple[str, int]]],
        /,
        *,
        binary: str | None = None,
        host: str = HOST,
        startup_timeout: float = 10.0,
    ) -> None:
        if not stubs:
            raise ValueError("UnboundServer needs at least one stub zone")
        super().__init__()
        self.stubs = {zone.rstrip(".").lower(): list(servers) for zone, servers in stubs.items()}
        self.binary = binary or find_unbound()
        self.host = host
        self.port = 0
        self.startup_timeout = startup_timeout

    def start(self) -> UnboundServer:
        """Write the configuration, start Unbound and wait until it answers; returns ``self``."""
        if self.binary is None:
            raise UnboundError("Unbound is not installed (apt-get install unbound)")
        self._workdir = Path(tempfile.mkdtemp(prefix="emailpro-unbound-"))
        for attempt in range(_PORT_ATTEMPTS):
            self.port = free_port(self.host)
            conf = self.workdir / "unbound.conf"
            conf.write_text(_config(self.stubs, self.host, self.port, self.workdir))
            self._launch(str(self.binary), conf)
            # Any answer will do: REFUSED for the root, which no stub zone holds.
            if self._wait_ready("."):
                return self
            self.stop(remove=False)
            if attempt == _PORT_ATTEMPTS - 1 or "bind" not in self.log_text().lower():
                break
        raise UnboundError(
            f"Unbound did not start (files kept in {self.workdir}):\n{self.log_text()}"
        )

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<UnboundServer {self.host}:{self.port} stubs={len(self.stubs)} {state}>"
