"""The benchmark's delaying proxy (``benchmarks/latency.py``): the delay it promises, and no mix-up.

``bench_latency.py`` reports throughput "20 ms from NSD" on the strength of this
proxy: every datagram must be held at least half the round trip each way, on a
tick or not, and every reply must reach the socket that asked, under its own ID.
The upstream here is a fake server on 127.0.0.1 that echoes each query back as
its response, so the bytes can be compared.
"""

from __future__ import annotations

import socket
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from latency import ProxyProcess, round_trips

HOST = "127.0.0.1"


def _response(query: bytes) -> bytes:
    """The query as its own response: the QR bit set, everything else as sent."""
    return query[:2] + bytes([query[2] | 0x80]) + query[3:]


class _Echo:
    """A fake upstream on 127.0.0.1: answers every datagram with :func:`_response`."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        # Room for a tick's burst: the proxy sends all that is due at once.
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.sock.bind((HOST, 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.seen = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                data, peer = self.sock.recvfrom(65535)
            except TimeoutError:
                continue
            self.seen += 1
            self.sock.sendto(_response(data), peer)

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture(scope="module")
def echo() -> Iterator[_Echo]:
    server = _Echo()
    yield server
    server.close()


def _query(qid: int, body: bytes = b"\x00\x01\x00\x00\x00\x00\x00\x00question") -> bytes:
    return qid.to_bytes(2, "big") + b"\x01\x00" + body


@pytest.mark.parametrize(
    ("rtt_ms", "tick_ms"),
    [
        (30.0, 0.0),  # the default: a wake-up for every datagram
        (30.0, 0.5),  # a fine tick
        (30.0, 5.0),  # a coarse tick: its cost shows in the upper bound
    ],
)
def test_every_round_trip_is_at_least_the_delay(echo: _Echo, rtt_ms: float, tick_ms: float) -> None:
    proxy = ProxyProcess(echo.port, rtt_ms, tick_ms)
    try:
        queries = [_query(n) for n in range(25)]
        trips = [t * 1000 for t in round_trips(proxy, queries)]
        stats = proxy.stats()
    finally:
        proxy.stop()
    assert len(trips) == 25
    # Never less than the round trip asked for...
    assert min(trips) >= rtt_ms
    # ...and, on a tick, less than two ticks more each way (a loose bound on the
    # median: a loaded machine wakes late now and then, never early).
    assert statistics.median(trips) < rtt_ms + 4 * tick_ms + 10
    assert stats["queries"] == stats["replies"] == 25
    assert stats["dropped"] == 0


def test_replies_reach_their_socket_under_their_own_id(echo: _Echo) -> None:
    proxy = ProxyProcess(echo.port, 20.0)
    clients = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(3)]
    try:
        for client in clients:
            client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            client.connect((HOST, proxy.port))
            client.settimeout(5)
        # The same IDs from every socket: the proxy tells them apart by its own.
        bodies = [b"\0\1\0\0\0\0\0\0from %d" % c for c in range(3)]
        sent = {(c, qid): _query(qid, bodies[c]) for c in range(3) for qid in range(100)}
        for (c, _), wire in sent.items():
            clients[c].send(wire)
        got = {}
        for c, client in enumerate(clients):
            for _ in range(100):
                data = client.recv(65535)
                got[c, int.from_bytes(data[:2], "big")] = data
        stats = proxy.stats()
    finally:
        proxy.stop()
        for client in clients:
            client.close()
    assert got == {key: _response(wire) for key, wire in sent.items()}
    assert (stats["queries"], stats["replies"], stats["dropped"]) == (300, 300, 0)


def test_a_datagram_too_short_for_a_header_is_dropped(echo: _Echo) -> None:
    proxy = ProxyProcess(echo.port, 2.0)
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
            client.connect((HOST, proxy.port))
            client.settimeout(5)
            client.send(b"\x00\x01short")
            client.send(_query(7))
            assert client.recv(65535) == _response(_query(7))
        stats = proxy.stats()
    finally:
        proxy.stop()
    assert (stats["queries"], stats["replies"], stats["dropped"]) == (1, 1, 1)


@pytest.fixture(scope="module")
def quick_proxy(echo: _Echo) -> Iterator[ProxyProcess]:
    proxy = ProxyProcess(echo.port, 4.0, 1.0)
    yield proxy
    proxy.stop()


@settings(max_examples=20, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 0xFFFF), st.binary(min_size=10, max_size=1200)),
        min_size=1,
        max_size=30,
    )
)
def test_every_datagram_comes_back_as_the_upstream_answered_it(
    quick_proxy: ProxyProcess, batch: list[tuple[int, bytes]]
) -> None:
    # Whatever the IDs (repeated ones included) and sizes, one socket each:
    # the reply is byte for byte the upstream's, after at least the delay.
    sockets = []
    try:
        started = time.perf_counter()
        for qid, body in batch:
            client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sockets.append(client)
            client.connect((HOST, quick_proxy.port))
            client.settimeout(5)
            client.send(_query(qid, body))
        for (qid, body), client in zip(batch, sockets, strict=True):
            assert client.recv(65535) == _response(_query(qid, body))
        assert time.perf_counter() - started >= 0.004
    finally:
        for client in sockets:
            client.close()
