"""What the integration tests' DNS servers share: a daemon run in the foreground from a work dir.

:class:`Daemon` launches ``<binary> -d -c <conf>`` in its own session (so that its
helper processes can be stopped through the group), waits until it answers a DNS
query on ``host:port``, gathers its log and console output, and stops it. NSD
(:mod:`.nsd`) and Unbound (:mod:`.unbound`) differ only in what they write into
the work dir and what they are asked first.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from types import TracebackType
from typing import ClassVar, Self

import dns.exception
import dns.message
import dns.query

__all__ = ["Daemon", "find_binary"]

_POLL_INTERVAL = 0.05


def find_binary(name: str) -> str | None:
    """The path of ``name`` (on ``PATH``, or in Debian's ``/usr/sbin``), or ``None``."""
    found = shutil.which(name)
    if found:
        return found
    debian = f"/usr/sbin/{name}"
    return debian if os.access(debian, os.X_OK) else None


class Daemon:
    """A DNS server process on ``host:port``, run from ``workdir``.

    Subclasses set :attr:`NAME` (for messages), :attr:`STEM` (``<stem>.log`` and
    ``<stem>.out`` in the work dir) and :attr:`ERROR`, and write the configuration
    before calling :meth:`_launch`.
    """

    NAME: ClassVar[str]
    STEM: ClassVar[str]
    ERROR: ClassVar[type[Exception]]

    host: str
    port: int
    startup_timeout: float

    def __init__(self) -> None:
        self._workdir: Path | None = None
        self._own_workdir = True
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def workdir(self) -> Path:
        """The directory with the configuration and the daemon's log."""
        if self._workdir is None:
            raise self.ERROR(f"{self.NAME} has not been started")
        return self._workdir

    @property
    def running(self) -> bool:
        """Whether the process is alive."""
        return self._process is not None and self._process.poll() is None

    def log_text(self) -> str:
        """The daemon's log and console output so far (empty before start)."""
        if self._workdir is None:
            return ""
        files = (self._workdir / f"{self.STEM}.log", self._workdir / f"{self.STEM}.out")
        return "".join(path.read_text(errors="replace") for path in files if path.exists())

    def start(self) -> Self:
        raise NotImplementedError

    def _launch(self, binary: str, conf: Path) -> None:
        output = (self.workdir / f"{self.STEM}.out").open("ab")
        try:
            # Own session: stop() reaches the daemon's helper processes through the group.
            self._process = subprocess.Popen(
                [binary, "-d", "-c", str(conf)],
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=self.workdir,
                start_new_session=True,
            )
        finally:
            output.close()

    def _wait_ready(self, name: str) -> bool:
        """Ask ``name``/SOA until the daemon answers (any answer); ``False`` if it exits first."""
        deadline = time.monotonic() + self.startup_timeout
        query = dns.message.make_query(name, "SOA")
        while time.monotonic() < deadline:
            if not self.running:
                return False
            try:
                dns.query.udp(query, self.host, port=self.port, timeout=_POLL_INTERVAL * 4)
            except (dns.exception.DNSException, OSError):
                time.sleep(_POLL_INTERVAL)
                continue
            return True
        self.stop(remove=False)
        raise self.ERROR(
            f"{self.NAME} did not answer within {self.startup_timeout} s "
            f"(files kept in {self.workdir}):\n{self.log_text()}"
        )

    def stop(self, *, remove: bool = True) -> None:
        """Stop the daemon (SIGTERM, then SIGKILL to its group after 5 s); remove its work dir.

        A work dir given by the caller is kept.
        """
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        if remove and self._own_workdir and self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
