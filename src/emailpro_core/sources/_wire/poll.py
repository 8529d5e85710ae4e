"""Which sockets of the async stub transport have replies: one event-loop reader for the pool.

:class:`~emailpro_core.sources._wire.stubasync.AsyncStubTransport` sends each question from a
socket picked at random among many (RFC 5452 §9.2), so the replies of one turn of the event
loop arrive on many sockets, a few each. Watched one by one, every readable
socket costs the loop a callback of its own (a handle made, queued and run),
which took about as much CPU time as decoding the reply. Where the system has
``epoll`` (Linux), the sockets are watched by an epoll instance of their own,
and that instance (readable while any of them is) by the event loop: one
callback a turn, which reads every socket that has replies. Elsewhere each
socket is watched by the loop itself.
"""

from __future__ import annotations

import asyncio
import select
from collections.abc import Callable

#: Whether the sockets are watched through an epoll instance of their own
#: (tests turn it off to run the plain path).
NESTED = hasattr(select, "epoll")


class Watcher:
    """Calls a socket's reader when the socket is readable, from the event loop ``loop``."""

    __slots__ = ("_loop", "_poller", "_readers")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._readers: dict[int, Callable[[], None]] = {}
        self._poller: select.epoll | None = None
        if NESTED:
            poller = select.epoll()
            try:
                loop.add_reader(poller.fileno(), self._wake)
            except BaseException:
                poller.close()
                raise
            self._poller = poller

    def add(self, fd: int, reader: Callable[[], None]) -> None:
        """Call ``reader()`` whenever ``fd`` is readable."""
        poller = self._poller
        if poller is None:
            self._loop.add_reader(fd, reader)
            return
        # Level-triggered, as the event loop watches: a socket left with
        # replies (a read cut short by its batch) is reported again next turn.
        poller.register(fd, select.EPOLLIN)
        self._readers[fd] = reader

    def remove(self, fd: int) -> None:
        """Stop watching ``fd`` (before it is closed)."""
        poller = self._poller
        if poller is None:
            if not self._loop.is_closed():
                self._loop.remove_reader(fd)
            return
        if self._readers.pop(fd, None) is not None:
            poller.unregister(fd)

    def _wake(self) -> None:
        poller = self._poller
        assert poller is not None  # the loop watches the poller only while it is open
        readers = self._readers
        for fd, _ in poller.poll(0):
            # A reader may close another socket of this batch (its server
            # refused): that one is gone from the table and is skipped.
            reader = readers.get(fd)
            if reader is not None:
                reader()

    def close(self) -> None:
        """Stop watching every socket (the caller closes them)."""
        poller, self._poller = self._poller, None
        self._readers.clear()
        if poller is None:
            return
        if not self._loop.is_closed():
            self._loop.remove_reader(poller.fileno())
        poller.close()
