"""A real authoritative DNS server (NSD) on 127.0.0.1, for integration tests.

:class:`NsdServer` writes the zones it is given and an ``nsd.conf`` into a
temporary directory, starts ``nsd -d`` there as the current user on a free port
(UDP and TCP), waits until it answers, and stops it at the end::

    zones = {"example.org": zone_text("example.org", "@ MX 10 mx.example.net.")}
    with NsdServer(zones) as server:
        dns.query.udp(query, server.host, port=server.port)

NSD 4.6 reads every zone file at start (``database: ""``), so thousands of
small zones load in about a second. A zone with errors makes :meth:`start`
raise :class:`NsdError` with NSD's own log lines, unless ``allow_zone_errors``.
Nothing here reaches beyond the loopback address.
"""

from __future__ import annotations

import os
import socket
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from .daemon import Daemon, find_binary

__all__ = [
    "HOST",
    "NsdError",
    "NsdFactory",
    "NsdServer",
    "find_nsd",
    "free_port",
    "zone_text",
]

HOST = "127.0.0.1"
_SHM = "/dev/shm"
_PORT_ATTEMPTS = 5  # another process may take the port between our probe and NSD's bind
_POLL_INTERVAL = 0.05


class NsdError(RuntimeError):
    """NSD could not start, or could not load a zone."""


def find_nsd() -> str | None:
    """The path of the ``nsd`` binary (on ``PATH`` or Debian's ``/usr/sbin``), or ``None``."""
    return find_binary("nsd")


def _fast_tmp() -> str | None:
    # Thousands of zone files are written ten times faster to memory (tmpfs) than to
    # a disk-backed /tmp; None falls back to the usual temporary directory.
    return _SHM if os.access(_SHM, os.W_OK | os.X_OK) else None


def free_port(host: str = HOST) -> int:
    """A port that is free on ``host`` for both TCP and UDP right now."""
    for _ in range(100):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind((host, 0))
            port: int = tcp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind((host, port))
                except OSError:
                    continue
                return port
    raise NsdError("no port is free for both TCP and UDP")  # pragma: no cover


def zone_text(origin: str, *records: str, ttl: int = 300, serial: int = 1) -> str:
    """An RFC 1035 master file: ``$ORIGIN``, ``$TTL``, an apex SOA and NS, then ``records``.

    Each record is one master-file line; names are relative to ``origin``
    unless they end with a dot (``"@ MX 10 mx.example.net."``,
    ``"_dmarc TXT \\"v=DMARC1; p=none\\""``).
    """
    apex = origin.rstrip(".") + "."
    header = [
        f"$ORIGIN {apex}",
        f"$TTL {ttl}",
        f"@ IN SOA ns1.{apex} hostmaster.{apex} {serial} 3600 600 86400 {ttl}",
        f"@ IN NS ns1.{apex}",
        f"ns1 IN A {HOST}",
    ]
    return "\n".join([*header, *records]) + "\n"


def _config(
    zones: list[tuple[str, str]], port: int, workdir: Path, verbosity: int, host: str = HOST
) -> str:
    # Every path lives in workdir; names follow nsd.conf(5) of NSD 4.6.
    server = [
        "server:",
        f"    ip-address: {host}@{port}",
        f"    port: {port}",
        "    do-ip4: yes",
        "    do-ip6: no",
        "    server-count: 1",
        "    reuseport: no",
        '    username: ""',
        '    chroot: ""',
        f'    zonesdir: "{workdir}"',
        '    database: ""',
        "    zonefiles-write: 0",  # after database: never write zones back
        f'    zonelistfile: "{workdir}/zone.list"',
        f'    xfrdfile: "{workdir}/xfrd.state"',
        f'    xfrdir: "{workdir}"',
        f'    pidfile: "{workdir}/nsd.pid"',
        f'    logfile: "{workdir}/nsd.log"',
        f'    cookie-secret-file: "{workdir}/cookiesecrets.txt"',
        f"    verbosity: {verbosity}",
        "    hide-version: yes",
        "    hide-identity: yes",
        # Tests and benchmarks send thousands of queries a second from one address.
        "    rrl-ratelimit: 0",
        "    rrl-whitelist-ratelimit: 0",
        "remote-control:",
        "    control-enable: no",
    ]
    zone_blocks = [f'zone:\n    name: "{origin}"\n    zonefile: "{path}"' for origin, path in zones]
    return "\n".join([*server, *zone_blocks]) + "\n"


class NsdFactory(Protocol):
    """The ``nsd`` fixture: starts a server (stopped at the end of the session)."""

    def __call__(
        self,
        zones: Mapping[str, str],
        /,
        *,
        allow_zone_errors: bool = False,
        startup_timeout: float = 10.0,
    ) -> NsdServer: ...


class NsdServer(Daemon):
    """NSD serving ``zones`` (zone origin → master-file text) on ``host:port``.

    ``host`` is 127.0.0.1 unless given (another loopback address, for a second
    server on the same port).

    Use it as a context manager, or call :meth:`start` and :meth:`stop`.
    ``port`` is chosen free unless given. ``workdir`` (a fresh temporary
    directory by default, removed by :meth:`stop`) holds the configuration,
    zone files and NSD's log.
    """

    NAME = "NSD"
    STEM = "nsd"
    ERROR = NsdError

    def __init__(
        self,
        zones: Mapping[str, str],
        /,
        *,
        binary: str | None = None,
        port: int | None = None,
        workdir: Path | None = None,
        startup_timeout: float = 10.0,
        allow_zone_errors: bool = False,
        verbosity: int = 1,
        host: str = HOST,
    ) -> None:
        if not zones:
            raise ValueError("NsdServer needs at least one zone")
        super().__init__()
        self.zones: dict[str, str] = {o.rstrip(".").lower(): t for o, t in zones.items()}
        self.binary = binary or find_nsd()
        self.host = host
        self.port = port or 0
        self._fixed_port = port is not None
        self._own_workdir = workdir is None
        self._workdir = workdir
        self.startup_timeout = startup_timeout
        self.allow_zone_errors = allow_zone_errors
        self.verbosity = verbosity

    @property
    def address(self) -> tuple[str, int]:
        """``(host, port)``."""
        return (self.host, self.port)

    def start(self) -> NsdServer:
        """Write the files, start NSD and wait until it answers; returns ``self``."""
        if self.binary is None:
            raise NsdError("NSD is not installed (apt-get install nsd)")
        if self._workdir is None:
            self._workdir = Path(tempfile.mkdtemp(prefix="emailpro-nsd-", dir=_fast_tmp()))
        zone_files = self._write_zones()
        attempts = 1 if self._fixed_port else _PORT_ATTEMPTS
        for attempt in range(attempts):
            if not self._fixed_port:
                self.port = free_port(self.host)
            conf = self.workdir / "nsd.conf"
            conf.write_text(_config(zone_files, self.port, self.workdir, self.verbosity, self.host))
            (self.workdir / "nsd.log").unlink(missing_ok=True)
            self._launch(str(self.binary), conf)
            if self._wait_ready(next(iter(self.zones))):
                break
            self.stop(remove=False)
            if attempt == attempts - 1 or "bind" not in self.log_text().lower():
                raise NsdError(
                    f"NSD did not start (files kept in {self.workdir}):\n{self.log_text()}"
                )
        self._check_log()
        return self

    def _write_zones(self) -> list[tuple[str, str]]:
        # File names by index: zone origins may hold characters a path should not.
        written = []
        for index, (origin, text) in enumerate(self.zones.items()):
            name = f"zone{index:05d}.zone"
            (self.workdir / name).write_text(text)
            written.append((origin, name))
        return written

    def _check_log(self) -> None:
        errors = [line for line in self.log_text().splitlines() if " error: " in line]
        if errors and not self.allow_zone_errors:
            self.stop(remove=False)
            raise NsdError(
                f"NSD reported errors (files kept in {self.workdir}):\n" + "\n".join(errors)
            )

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<NsdServer {self.host}:{self.port} zones={len(self.zones)} {state}>"
