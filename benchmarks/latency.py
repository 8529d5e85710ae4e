"""A delaying DNS proxy on 127.0.0.1: NSD as if it were a resolver ``--rtt-ms`` away.

NSD on the loopback answers in microseconds, so every live benchmark over it is
CPU-bound; a real run asks a resolver 5–50 ms away, where the domains in flight
and the dependent rounds of questions decide the throughput. ``tc netem`` would
add the delay in the kernel, but needs the ``sch_netem`` module, which the
benchmark machines' kernel lacks; this proxy is portable instead.

Every UDP datagram is held half the round-trip time on its way to NSD and half
on its way back. The delay is the same for all, so each direction is a FIFO
queue (no heap, no timer per datagram): one ``epoll`` loop in a process of its
own drains the sockets, appends what it read, and sends what is due.

By default the loop sleeps in ``epoll`` until a socket is readable or the next
datagram is due (epoll waits in whole milliseconds, rounded up: a datagram can
be held up to a millisecond more). With ``--tick-ms T`` it instead reads the
UDP sockets and sends what is due every T milliseconds, so that senders do not
wake it for every datagram. A datagram read at a tick came in during the tick
before, and it goes out at the first tick at least half the round trip after
the one it was read at: each way it is held at least half the round trip and
less than that plus two ticks. In the 100,000-domain runs of 2026-12-08 a tick
of 0.5 ms changed neither the throughput nor the CPU beyond the noise, and made
the round trip longer (median 22.0 ms against 20.8 for 20), so it is off by
default.

Replies are routed back by message ID: each query forwarded gets the
proxy's own ID (a counter; 65,536 of them outlive any round trip here), and
the client's ID is put back into the reply. Clients may send from any number
of ports (the stub source's are random, RFC 5452 §9.2): nothing per port is
kept. TCP (the fall-back after a truncated reply, RFC 7766) is relayed chunk
by chunk with the same delays, and a connection's first chunk waits one round
trip more, for the handshake a real connection would make.

Run alone it serves until its standard input closes; the line ``stats`` on
its standard input prints one JSON line of counters (datagrams each way,
TCP connections, its CPU seconds). It talks to 127.0.0.1 only: the listening
sockets are bound there and the upstream is given as a port on it.

    python benchmarks/latency.py --upstream-port 5353 --rtt-ms 20
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import select
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

HOST = "127.0.0.1"
_SCRIPT = Path(__file__).resolve()
# Room for the bursts of thousands of questions a sweep sends at once.
_BUFFER = 4 * 1024 * 1024
_MAX_DATAGRAM = 65535
#: The proxy's message IDs as the two bytes that start a query.
_IDS = [number.to_bytes(2, "big") for number in range(0x10000)]
#: How often the UDP sockets are read and the queues sent, in seconds; 0: whenever
#: a datagram comes or is due (see above).
DEFAULT_TICK = 0.0


class DelayProxy:
    """The proxy's state and its loop (see the module's docstring)."""

    def __init__(
        self, upstream_port: int, rtt: float, port: int = 0, tick: float = DEFAULT_TICK
    ) -> None:
        self.half = rtt / 2
        self.rtt = rtt
        self.tick = tick
        self.upstream = (HOST, upstream_port)
        self.udp = self._udp((HOST, port))
        self.port = self.udp.getsockname()[1]
        self.up = self._udp((HOST, 0))
        self.up.connect(self.upstream)
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((HOST, self.port))
        self.listener.listen(128)
        self.listener.setblocking(False)
        # UDP, each way: (due, datagram) to NSD; (due, datagram, client) back.
        self.to_server: deque[tuple[float, bytes]] = deque()
        self.to_client: deque[tuple[float, bytes, Any]] = deque()
        # The proxy's ID of a forwarded query -> (client address, client's ID).
        self.clients: dict[int, tuple[Any, bytes]] = {}
        self.next_id = 0
        # TCP: a heap of (due, order, socket, chunk); b"" closes the socket.
        self.tcp_due: list[tuple[float, int, socket.socket, bytes]] = []
        self.order = 0
        self.peers: dict[int, tuple[socket.socket, socket.socket, bool]] = {}
        self.counts = {"queries": 0, "replies": 0, "dropped": 0, "tcp_connections": 0}
        self.poll = select.epoll()
        # On a tick, the UDP sockets are read each tick, not watched.
        watched = (self.listener,) if tick else (self.udp, self.up, self.listener)
        for sock in watched:
            self.poll.register(sock.fileno(), select.EPOLLIN)

    @staticmethod
    def _udp(address: tuple[str, int]) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for option in (socket.SO_RCVBUF, socket.SO_SNDBUF):
            sock.setsockopt(socket.SOL_SOCKET, option, _BUFFER)
        sock.bind(address)
        sock.setblocking(False)
        return sock

    def _from_clients(self, now: float) -> None:
        due = now + self.half
        recvfrom, clients, queue = self.udp.recvfrom, self.clients, self.to_server
        ours = self.next_id
        read = dropped = 0
        try:
            while True:
                data, client = recvfrom(_MAX_DATAGRAM)
                if len(data) < 12:
                    dropped += 1
                    continue
                clients[ours] = (client, data[:2])
                queue.append((due, _IDS[ours] + data[2:]))
                ours = (ours + 1) & 0xFFFF
                read += 1
        except BlockingIOError:
            pass
        # Counted once a wake-up: this loop runs for every datagram.
        self.next_id = ours
        self.counts["queries"] += read
        self.counts["dropped"] += dropped

    def _from_server(self, now: float) -> None:
        due = now + self.half
        recv, pop, queue = self.up.recv, self.clients.pop, self.to_client
        read = dropped = 0
        try:
            while True:
                data = recv(_MAX_DATAGRAM)
                found = pop((data[0] << 8) | data[1], None) if len(data) > 1 else None
                if found is None:
                    dropped += 1
                    continue
                client, their_id = found
                queue.append((due, their_id + data[2:], client))
                read += 1
        except BlockingIOError:
            pass
        self.counts["replies"] += read
        self.counts["dropped"] += dropped

    def _accept(self, now: float) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except BlockingIOError:
                return
            server = socket.create_connection(self.upstream, timeout=5)
            for sock in (client, server):
                sock.setblocking(True)
                sock.settimeout(5)
                self.poll.register(sock.fileno(), select.EPOLLIN)
            self.peers[client.fileno()] = (client, server, True)
            self.peers[server.fileno()] = (server, client, False)
            self.counts["tcp_connections"] += 1

    def _relay(self, fd: int, now: float) -> None:
        sock, peer, from_client = self.peers[fd]
        try:
            chunk = sock.recv(_MAX_DATAGRAM)
        except OSError:
            chunk = b""
        if not chunk:
            self._forget(sock)
            sock.close()
        due = now + self.half
        if from_client and chunk and self.peers.get(fd, (None, None, False))[2]:
            # The first chunk of a connection: one round trip more, for the handshake.
            due += self.rtt
            self.peers[fd] = (sock, peer, False)
        self.order += 1
        heapq.heappush(self.tcp_due, (due, self.order, peer, chunk))

    def _forget(self, sock: socket.socket) -> None:
        fd = sock.fileno()
        if fd in self.peers:
            self.poll.unregister(fd)
            del self.peers[fd]

    def _send_due(self, now: float) -> float | None:
        """Send what is due; the time until the next item, if any."""
        queue = self.to_server
        send = self.up.send
        while queue and queue[0][0] <= now:
            send(queue.popleft()[1])
        back = self.to_client
        sendto = self.udp.sendto
        while back and back[0][0] <= now:
            _, data, client = back.popleft()
            try:
                sendto(data, client)
            except OSError:  # the client's socket closed meanwhile
                self.counts["dropped"] += 1
        tcp = self.tcp_due
        while tcp and tcp[0][0] <= now:
            _, _, peer, chunk = heapq.heappop(tcp)
            if peer.fileno() < 0:
                continue
            if chunk:
                try:
                    peer.sendall(chunk)
                except OSError:
                    chunk = b""
            if not chunk:
                self._forget(peer)
                peer.close()
        heads = [q[0][0] for q in (queue, back) if q] + ([tcp[0][0]] if tcp else [])
        return max(0.0, min(heads) - now) if heads else None

    def serve(self, control: IO[str] | None) -> None:
        """Relay until ``control`` (a text stream) closes; ``stats`` lines are answered."""
        udp, up, listener = self.udp.fileno(), self.up.fileno(), self.listener.fileno()
        control_fd = control.fileno() if control is not None else -1
        if control is not None:
            self.poll.register(control_fd, select.EPOLLIN)
        wait: float | None = None
        clock = time.monotonic
        tick = self.tick
        next_tick = clock()
        while True:
            if tick:
                pause = next_tick - clock()
                if pause > 0:
                    # Not in epoll: it waits in whole milliseconds, rounded up, so a
                    # tick of 0.5 ms would last 1; a sleep keeps to some microseconds.
                    # The control pipe and TCP are looked at once a tick, below.
                    time.sleep(pause)
                wait = 0.0
            events = self.poll.poll(-1 if wait is None else wait)
            now = clock()
            for fd, _ in events:
                if fd == udp:
                    self._from_clients(now)
                elif fd == up:
                    self._from_server(now)
                elif fd == listener:
                    self._accept(now)
                elif fd == control_fd and control is not None:
                    line = control.readline()
                    if not line:
                        return
                    if line.strip() == "stats":
                        print(json.dumps(self.stats()), flush=True)
                elif fd in self.peers:
                    self._relay(fd, now)
            if not tick:
                wait = self._send_due(clock())
            elif now >= next_tick:
                # Read first: what came in during the tick is held from now on.
                self._from_clients(now)
                self._from_server(now)
                self._send_due(now)
                next_tick += tick
                if next_tick <= now:  # late (a busy machine): the next tick from now
                    next_tick = now + tick

    def stats(self) -> dict[str, float]:
        """The counters, and the CPU seconds of this process so far."""
        times = os.times()
        return {**self.counts, "cpu": times.user + times.system}


class ProxyProcess:
    """The proxy in a process of its own, started and stopped by a benchmark."""

    def __init__(
        self, upstream_port: int, rtt_ms: float, tick_ms: float = DEFAULT_TICK * 1000
    ) -> None:
        command = [sys.executable, str(_SCRIPT), "--upstream-port", str(upstream_port)]
        command += ["--rtt-ms", str(rtt_ms), "--tick-ms", str(tick_ms)]
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )
        assert self.process.stdout is not None
        self.port = int(self.process.stdout.readline())
        self.rtt_ms = rtt_ms
        self.tick_ms = tick_ms

    def stats(self) -> dict[str, float]:
        """The proxy's counters and CPU seconds (see :meth:`DelayProxy.stats`)."""
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write("stats\n")
        self.process.stdin.flush()
        data: dict[str, float] = json.loads(self.process.stdout.readline())
        return data

    def stop(self) -> None:
        """Close its standard input (it ends), and wait."""
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def load(proxy: ProxyProcess, queries: Sequence[bytes], *, window: int) -> dict[str, float]:
    """Send ``queries`` through ``proxy``, ``window`` in flight, from one socket; count.

    The proxy's cost alone: no checker, no answer decoded. Returns the wall
    seconds, the questions answered, the proxy's CPU seconds for them, and what
    that gives per question (one datagram each way, four socket calls).
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, _BUFFER)
    sock.connect((HOST, proxy.port))
    sock.settimeout(10)
    before = proxy.stats()
    start = time.perf_counter()
    sent = answered = 0
    while answered < len(queries):
        while sent < len(queries) and sent - answered < window:
            sock.send(queries[sent])
            sent += 1
        try:
            sock.recv(_MAX_DATAGRAM)
        except TimeoutError:  # lost (a full socket buffer): counted, not waited for
            break
        answered += 1
    seconds = time.perf_counter() - start
    after = proxy.stats()
    sock.close()
    cpu = after["cpu"] - before["cpu"]
    return {
        "seconds": seconds,
        "questions": answered,
        "lost": len(queries) - answered,
        "rate": answered / seconds,
        "proxy_cpu": cpu,
        "proxy_cpu_us_per_question": cpu / answered * 1e6,
        "proxy_max_rate": answered / cpu if cpu else float("inf"),
    }


def round_trips(proxy: ProxyProcess, queries: Sequence[bytes]) -> list[float]:
    """The round trip of each of ``queries`` through ``proxy``, one at a time, in seconds.

    What the proxy adds, as a client sees it: with a tick, a datagram waits for
    the tick that reads it and for the one that sends it, on top of the delay.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.connect((HOST, proxy.port))
    sock.settimeout(10)
    times: list[float] = []
    try:
        for query in queries:
            start = time.perf_counter()
            sock.send(query)
            sock.recv(_MAX_DATAGRAM)
            times.append(time.perf_counter() - start)
    finally:
        sock.close()
    return times


def main(argv: Sequence[str] | None = None) -> int:
    """Serve: print the port, then relay until standard input closes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream-port", type=int, required=True, help="NSD's port")
    parser.add_argument("--rtt-ms", type=float, default=20.0, help="round-trip time added")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any)")
    parser.add_argument(
        "--tick-ms",
        type=float,
        default=DEFAULT_TICK * 1000,
        help="read and send UDP every this many ms (0: wake for every datagram)",
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(_SCRIPT.parent))
    from harness import LoopbackGuard

    LoopbackGuard()
    if args.tick_ms < 0 or args.rtt_ms < 0:
        parser.error("--rtt-ms and --tick-ms must not be negative")
    proxy = DelayProxy(args.upstream_port, args.rtt_ms / 1000, args.port, args.tick_ms / 1000)
    print(proxy.port, flush=True)
    proxy.serve(sys.stdin)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
