"""A DNS responder on 127.0.0.1 that misbehaves on purpose, for fault-injection tests.

:class:`FaultResponder` answers UDP and TCP queries on one free port from a
background thread. It answers from a map of records (name → type → rdata
texts) like an authoritative server, except for the names (or name and type)
given a :class:`Fault`: no reply at all, SERVFAIL, REFUSED, a truncated UDP
reply, bytes that are not a DNS message, or a reply with the wrong ID::

    records = {"example.org": {"MX": ["10 mx.example.net."]}}
    faults = {"slow.example.org": Fault.DROP, ("example.org", "TXT"): Fault.SERVFAIL}
    with FaultResponder(records, faults=faults) as responder:
        dns.query.udp(query, responder.host, port=responder.port, timeout=1)
        assert responder.count("slow.example.org") == ...

It counts every query it receives (:attr:`FaultResponder.queries`). It only
ever listens on, and answers to, the loopback address.
"""

from __future__ import annotations

import contextlib
import enum
import socket
import socketserver
import threading
from collections.abc import Mapping, Sequence
from types import TracebackType

import attrs
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

__all__ = [
    "FORGERIES",
    "GARBAGE",
    "Fault",
    "FaultResponder",
    "FaultRule",
    "ReceivedQuery",
    "Records",
    "cname_loop",
]

HOST = "127.0.0.1"
#: What ``Fault.GARBAGE`` sends after the query's own ID: a header that claims
#: one question, then bytes that cannot be one (the message ends too early).
GARBAGE = b"\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00\xff\xfegarbage"
_MAX_CNAME_CHAIN = 16  # as a server would, stop following a CNAME chain at some point
_POLL = 0.05

#: name → record type → rdata in presentation format (``{"MX": ["10 mx.example.net."]}``).
Records = Mapping[str, Mapping[str, Sequence[str]]]


class Fault(enum.Enum):
    """A way of not answering properly."""

    DROP = "drop"  # no reply: the client times out
    SERVFAIL = "servfail"  # RCODE 2
    REFUSED = "refused"  # RCODE 5
    TRUNCATE = "truncate"  # TC=1 and no records
    GARBAGE = "garbage"  # the query ID, then bytes that are not a DNS message
    WRONG_ID = "wrong_id"  # the right answer under another message ID
    # Hostile servers (RFC 5452 attacks, slow drips), for the transports' bounds:
    TRICKLE = "trickle"  # UDP: answers under a wrong ID every `interval`, never the reply
    DRIP = "drip"  # TCP: the reply one octet every `interval`
    BADVERS = "badvers"  # EDNS extended RCODE 16 (RFC 6891 §6.1.3), header RCODE 0
    TC_ALWAYS = "tc_always"  # TC set, over TCP too
    # A forged datagram with the query's ID first, then the genuine reply (UDP):
    FORGED_NOT_RESPONSE = "forged_not_response"  # QR unset
    FORGED_OTHER_NAME = "forged_other_name"  # another question name
    FORGED_OTHER_TYPE = "forged_other_type"  # another question type
    FORGED_OTHER_CLASS = "forged_other_class"  # another question class
    FORGED_NO_QUESTION = "forged_no_question"  # no question at all
    FORGED_ONE_LABEL = "forged_one_label"  # the question name as one label, dots inside


#: The forgeries: a datagram that carries the query's ID but is not its reply.
FORGERIES = tuple(fault for fault in Fault if fault.name.startswith("FORGED_"))


@attrs.frozen
class FaultRule:
    """What to do, per transport, with queries for one name (or name and type).

    Attributes:
        udp: The fault over UDP; ``None`` answers from the records.
        tcp: The fault over TCP; ``None`` answers from the records.
        delay: Seconds to wait before replying (or before dropping).
        interval: Seconds between the datagrams of ``TRICKLE`` and the octets of ``DRIP``.
        forged_records: For the forgeries, the records the forged datagram
            carries (``{"A": ["192.0.2.66"]}``), at the question's name.
    """

    udp: Fault | None = None
    tcp: Fault | None = None
    delay: float = 0.0
    interval: float = 0.5
    forged_records: Mapping[str, Sequence[str]] = attrs.field(factory=dict)

    @classmethod
    def of(cls, fault: Fault) -> FaultRule:
        """The rule a bare :class:`Fault` stands for.

        ``TRUNCATE`` truncates over UDP and answers fully over TCP, as a real
        server does; every other fault applies to both transports.
        """
        if fault is Fault.TRUNCATE:
            return cls(udp=Fault.TRUNCATE, tcp=None)
        return cls(udp=fault, tcp=fault)


@attrs.frozen
class ReceivedQuery:
    """A query the responder received: ``transport`` is ``"udp"`` or ``"tcp"``."""

    transport: str
    name: str
    rdtype: str
    source_port: int = attrs.field(default=0, eq=False)  # the client's port (UDP)


def cname_loop(*names: str) -> dict[str, dict[str, list[str]]]:
    """Records where each name is a CNAME to the next and the last to the first."""
    return {
        name: {"CNAME": [names[(index + 1) % len(names)].rstrip(".") + "."]}
        for index, name in enumerate(names)
    }


def _key(name: str) -> str:
    return name.rstrip(".").lower()


def _forgery(query: dns.message.Message, rule: FaultRule) -> bytes:
    """A datagram with ``query``'s ID that is not its reply (``rule.udp`` says how)."""
    question = query.question[0]
    response = dns.message.make_response(query)
    response.flags |= dns.flags.AA
    owner = question.name
    for rdtype, texts in rule.forged_records.items():
        response.answer.append(
            dns.rrset.from_text_list(owner, 86400, "IN", rdtype, list(texts), origin=dns.name.root)
        )
    fault = rule.udp
    if fault is Fault.FORGED_NOT_RESPONSE:
        response.flags &= ~dns.flags.QR
    elif fault is Fault.FORGED_OTHER_NAME:
        response.question[0] = dns.rrset.RRset(
            dns.name.from_text("other." + owner.to_text()), question.rdclass, question.rdtype
        )
    elif fault is Fault.FORGED_OTHER_TYPE:
        other = dns.rdatatype.TXT if question.rdtype != dns.rdatatype.TXT else dns.rdatatype.A
        response.question[0] = dns.rrset.RRset(owner, question.rdclass, other)
    elif fault is Fault.FORGED_OTHER_CLASS:
        response.question[0] = dns.rrset.RRset(owner, dns.rdataclass.CH, question.rdtype)
    elif fault is Fault.FORGED_NO_QUESTION:
        response.question.clear()
    wire = response.to_wire()
    if fault is Fault.FORGED_ONE_LABEL:
        # The question's labels as one label with dots inside: same text, other name.
        labels = owner.relativize(dns.name.root).to_text().encode()
        flat = bytes([len(labels)]) + labels + b"\x00"
        wire = wire[:12] + flat + wire[12 + len(owner.to_wire() or b"") :]
    return wire


class FaultResponder:
    """A UDP + TCP DNS responder on ``127.0.0.1`` with faults per name or (name, type).

    ``faults`` maps a name, or a ``(name, type)`` pair (which wins), or ``"*"``
    (every other name), to a :class:`Fault` or a :class:`FaultRule`. Names
    absent from ``records`` are NXDOMAIN; present names without the asked type
    are NODATA; CNAMEs are followed inside ``records`` like an authoritative
    server does (a loop stops where it comes back). UDP answers larger than the client's buffer are
    truncated (TC=1).
    """

    def __init__(
        self,
        records: Records | None = None,
        /,
        *,
        faults: Mapping[str | tuple[str, str], Fault | FaultRule] | None = None,
        ttl: int = 300,
    ) -> None:
        self._records = {
            _key(name): self._parse_rdatas(name, types, ttl)
            for name, types in (records or {}).items()
        }
        self._rules: dict[str | tuple[str, str], FaultRule] = {}
        for key, rule in (faults or {}).items():
            normal = _key(key) if isinstance(key, str) else (_key(key[0]), key[1].upper())
            self._rules[normal] = FaultRule.of(rule) if isinstance(rule, Fault) else rule
        self.host = HOST
        self.port = 0
        self._queries: list[ReceivedQuery] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._servers: list[socketserver.BaseServer] = []
        self._threads: list[threading.Thread] = []

    @staticmethod
    def _parse_rdatas(
        name: str, types: Mapping[str, Sequence[str]], ttl: int
    ) -> dict[str, dns.rrset.RRset]:
        owner = dns.name.from_text(name)
        try:
            return {
                rdtype.upper(): dns.rrset.from_text_list(
                    owner, ttl, "IN", rdtype, list(texts), origin=dns.name.root, relativize=False
                )
                for rdtype, texts in types.items()
            }
        except dns.exception.DNSException as error:
            raise ValueError(f"bad record data for {name}: {error}") from error

    @property
    def address(self) -> tuple[str, int]:
        """``(host, port)``."""
        return (self.host, self.port)

    @property
    def queries(self) -> tuple[ReceivedQuery, ...]:
        """Every query received so far, in order."""
        with self._lock:
            return tuple(self._queries)

    @property
    def query_count(self) -> int:
        """How many queries were received."""
        with self._lock:
            return len(self._queries)

    def count(
        self, name: str | None = None, rdtype: str | None = None, transport: str | None = None
    ) -> int:
        """How many received queries match every criterion given."""
        return sum(
            1
            for q in self.queries
            if (name is None or q.name == _key(name))
            and (rdtype is None or q.rdtype == rdtype.upper())
            and (transport is None or q.transport == transport)
        )

    def reset(self) -> None:
        """Forget the queries received so far."""
        with self._lock:
            self._queries.clear()

    def start(self) -> FaultResponder:
        """Bind a free port for UDP and TCP and serve from background threads."""
        for _ in range(100):
            udp = _UdpServer((HOST, 0), _UdpHandler, self)
            port = udp.server_address[1]
            try:
                tcp = _TcpServer((HOST, port), _TcpHandler, self)
            except OSError:
                udp.server_close()
                continue
            break
        else:  # pragma: no cover - a hundred busy ports in a row
            raise OSError("no port free for both UDP and TCP")
        self.port = port
        self._stopping.clear()
        self._servers = [udp, tcp]
        for server in self._servers:
            thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": _POLL}, daemon=True
            )
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        """Stop serving and close the sockets (waits for the handler threads)."""
        self._stopping.set()
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join()
        self._servers, self._threads = [], []

    def __enter__(self) -> FaultResponder:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # What to send: None means nothing at all.

    def _rule_of(self, wire: bytes) -> FaultRule:
        try:
            question = dns.message.from_wire(wire).question[0]
        except (dns.exception.DNSException, IndexError):
            return FaultRule()
        name = _key(question.name.to_text())
        rdtype = dns.rdatatype.to_text(question.rdtype)
        return self._rule(name, rdtype)

    def _rule(self, name: str, rdtype: str) -> FaultRule:
        # A (name, type) rule wins over a name rule, which wins over the "*" rule.
        return (
            self._rules.get((name, rdtype))
            or self._rules.get(name)
            or self._rules.get("*")
            or FaultRule()
        )

    def spray(self, port: int, wires: Sequence[bytes]) -> None:
        """Send ``wires`` to ``127.0.0.1:port`` from the server's own UDP address.

        What an off-path attacker does, forging the server's address, to a
        client whose port it has learnt: the client's connected socket takes them.
        """
        server = self._servers[0]
        assert isinstance(server, _UdpServer)
        sock = server.socket
        for wire in wires:
            with contextlib.suppress(OSError):  # a full buffer, a closed port
                sock.sendto(wire, (HOST, port))

    def datagrams(self, wire: bytes, source_port: int = 0) -> list[tuple[float, bytes]]:
        """What to send back over UDP for ``wire``: (pause before, datagram) pairs."""
        rule = self._rule_of(wire)
        if rule.udp is Fault.TRICKLE:
            answer = self.reply(wire, "udp", source_port)
            if answer is None:  # pragma: no cover - a query the fault matched parses
                return []
            wrong = ((int.from_bytes(answer[:2], "big") + 1) % 65536).to_bytes(2, "big")
            # Wrong-ID datagrams, `interval` apart, for about ten seconds (stop() ends it).
            return [(rule.interval, wrong + answer[2:])] * int(10 / rule.interval)
        if rule.udp in FORGERIES:
            genuine = self.reply(wire, "udp", source_port)
            if genuine is None:  # pragma: no cover - a query the fault matched parses
                return []
            query = dns.message.from_wire(wire)
            return [(0.0, _forgery(query, rule)), (0.05, genuine)]
        answer = self.reply(wire, "udp", source_port)
        return [] if answer is None else [(0.0, answer)]

    def reply(self, wire: bytes, transport: str, source_port: int = 0) -> bytes | None:
        """The bytes to send back for a query received over ``transport`` (or nothing)."""
        try:
            query = dns.message.from_wire(wire)
            question = query.question[0]
        except (dns.exception.DNSException, IndexError):
            return None  # not a query: a real server may drop it too
        name = _key(question.name.to_text())
        rdtype = dns.rdatatype.to_text(question.rdtype)
        with self._lock:
            self._queries.append(ReceivedQuery(transport, name, rdtype, source_port))
        rule = self._rule(name, rdtype)
        if rule.delay and self._stopping.wait(rule.delay):
            return None
        if transport == "udp":
            # RFC 6891 §6.2.3: the client's EDNS buffer size, else 512 bytes (RFC 1035).
            max_size = max(512, query.payload) if query.edns >= 0 else 512
            return self._faulty(query, rule.udp, max_size)
        return self._faulty(query, rule.tcp, 65535)

    def _faulty(
        self, query: dns.message.Message, fault: Fault | None, max_size: int
    ) -> bytes | None:
        if fault is Fault.DROP:
            return None
        if fault is Fault.GARBAGE:
            return query.id.to_bytes(2, "big") + GARBAGE
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        if fault is Fault.BADVERS:
            self._answer(query, response)
            response.set_rcode(dns.rcode.BADVERS)  # the upper bits go in the OPT record
            return response.to_wire(max_size=max_size)
        if fault is Fault.TC_ALWAYS:
            response.flags |= dns.flags.TC
            return response.to_wire(max_size=max_size)
        if fault is Fault.SERVFAIL or fault is Fault.REFUSED:
            response.set_rcode(dns.rcode.SERVFAIL if fault is Fault.SERVFAIL else dns.rcode.REFUSED)
            response.flags &= ~dns.flags.AA
        elif fault is not Fault.TRUNCATE:
            self._answer(query, response)
        if fault is Fault.WRONG_ID:
            response.id = (query.id + 1) % 65536
        if fault is Fault.TRUNCATE:
            response.flags |= dns.flags.TC
        try:
            return response.to_wire(max_size=max_size)
        except dns.exception.TooBig:  # RFC 1035 §4.2.1: too big for UDP, say so
            truncated = dns.message.make_response(query)
            truncated.flags |= dns.flags.AA | dns.flags.TC
            return truncated.to_wire()

    def _answer(self, query: dns.message.Message, response: dns.message.Message) -> None:
        """Fill ``response`` from the records, following CNAMEs (RFC 1034 §4.3.2)."""
        question = query.question[0]
        current = _key(question.name.to_text())
        seen: set[str] = set()
        for _ in range(_MAX_CNAME_CHAIN):
            node = self._records.get(current)
            if node is None:
                response.set_rcode(dns.rcode.NXDOMAIN)
                return
            wanted = dns.rdatatype.to_text(question.rdtype)
            if wanted in node:
                response.answer.append(node[wanted])
                return
            if "CNAME" not in node:
                return  # NODATA
            response.answer.append(node["CNAME"])
            seen.add(current)
            current = _key(node["CNAME"][0].to_text())
            if current in seen:
                return  # a loop: stop where it comes back, as NSD does

    def _serve_tcp(self, connection: socket.socket) -> None:
        """Answer the length-prefixed queries of one connection (RFC 1035 §4.2.2)."""
        connection.settimeout(_POLL)
        buffer = b""
        while not self._stopping.is_set():
            try:
                chunk = connection.recv(65537)
            except TimeoutError:
                continue
            except OSError:
                return
            if not chunk:
                return
            buffer += chunk
            while len(buffer) >= 2 and len(buffer) >= 2 + int.from_bytes(buffer[:2], "big"):
                length = int.from_bytes(buffer[:2], "big")
                wire, buffer = buffer[2 : 2 + length], buffer[2 + length :]
                answer = self.reply(wire, "tcp")
                if answer is None:
                    continue
                framed = len(answer).to_bytes(2, "big") + answer
                rule = self._rule_of(wire)
                try:
                    if rule.tcp is Fault.DRIP:
                        for octet in framed:  # one octet at a time, never done in time
                            if self._stopping.wait(rule.interval):
                                return
                            connection.sendall(bytes([octet]))
                    else:
                        connection.sendall(framed)
                except OSError:
                    return


class _UdpServer(socketserver.ThreadingUDPServer):
    daemon_threads = False  # stop() joins every handler thread: no socket outlives it

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[socketserver.BaseRequestHandler],
        responder: FaultResponder,
    ) -> None:
        self.responder = responder
        super().__init__(address, handler)


class _TcpServer(socketserver.ThreadingTCPServer):
    daemon_threads = False  # stop() joins every handler thread: no socket outlives it
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[socketserver.BaseRequestHandler],
        responder: FaultResponder,
    ) -> None:
        self.responder = responder
        super().__init__(address, handler)


class _UdpHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        wire, sock = self.request
        assert isinstance(self.server, _UdpServer)
        responder = self.server.responder
        for pause, answer in responder.datagrams(wire, self.client_address[1]):
            if pause and responder._stopping.wait(pause):
                return
            with contextlib.suppress(OSError):  # the client may have gone away
                sock.sendto(answer, self.client_address)


class _TcpHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        assert isinstance(self.server, _TcpServer)
        self.server.responder._serve_tcp(self.request)
