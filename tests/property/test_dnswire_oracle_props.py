"""The fast wire codec gives exactly what the codec before it gave (``wire_oracle``).

Same bytes for every question, the same :class:`Answer` for every reply, and for
every malformed reply the same ``WireError`` message (the stub sources put it in
the failure's detail). Replies come from dnspython (random names, record sets
and compression), from a builder of hand-made compression (pointers into names,
forward pointers, chains of pointers near the limit), cut or garbled.
"""

from __future__ import annotations

from collections.abc import Callable

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rrset
import wire_oracle
from hypothesis import given, settings
from hypothesis import strategies as st

from emailpro_core.sources._answers import Answer, Query
from emailpro_core.sources._wire.codec import RDTYPES, decode_answer, encode_query
from emailpro_core.sources._wire.names import WireError

Decode = Callable[[bytes, Query, int], tuple[Answer, str | None]]
Outcome = tuple[Answer, str | None] | tuple[str, str]

QID = 0x3131
TYPES = ["A", "AAAA", "MX", "TXT", "SRV", "CNAME", "NS", "PTR"]
ASKED = [*TYPES, "SOA"]
# A few labels, so that random names share suffixes and dnspython compresses them.
labels = st.sampled_from(["mx1", "mail", "ovh", "net", "example", "org", "_dmarc", "a", "Sel"])
names = st.lists(labels, min_size=1, max_size=4).map(".".join)


def outcome(decode: Decode, wire: bytes, query: Query, qid: int = QID) -> Outcome:
    """The answer, or the error message."""
    try:
        return decode(wire, query, qid)
    except WireError as exc:
        return ("WireError", str(exc))


def same(wire: bytes, query: Query, qid: int = QID) -> None:
    """Assert the codec and the oracle agree on ``wire``."""
    assert outcome(wire_oracle.decode_answer, wire, query, qid) == outcome(
        decode_answer, wire, query, qid
    )


def _rdata_text(rdtype: str, draw: st.DrawFn) -> str:
    if rdtype == "A":
        return f"192.0.2.{draw(st.integers(0, 255))}"
    if rdtype == "AAAA":
        return f"2001:db8::{draw(st.integers(0, 0xFFFF)):x}"
    if rdtype == "MX":
        return f"{draw(st.integers(0, 0xFFFF))} {draw(names)}."
    if rdtype == "SRV":
        numbers = draw(st.tuples(*[st.integers(0, 0xFFFF)] * 3))
        return "{} {} {} ".format(*numbers) + draw(names) + "."
    if rdtype == "TXT":
        strings = draw(st.lists(st.text("abc v=spf1;", max_size=300), min_size=1, max_size=3))
        return " ".join('"' + s[:255] + '"' for s in strings)
    if rdtype == "SOA":
        return f"{draw(names)}. {draw(names)}. 1 2 3 4 {draw(st.integers(0, 2**31 - 1))}"
    return draw(names) + "."  # CNAME, NS, PTR


@st.composite
def replies(draw: st.DrawFn) -> tuple[bytes, Query]:
    """A reply dnspython writes to a question of ours: random records, chains, SOA."""
    qname = draw(names)
    rdtype = draw(st.sampled_from(ASKED))
    request = dns.message.from_wire(encode_query(QID, qname, rdtype, edns=draw(st.booleans())))
    if draw(st.booleans()):
        # Another case in the echoed question (as a resolver using 0x20 may send).
        request.question[0].name = dns.name.from_text(qname.upper() + ".")
    response = dns.message.make_response(request)
    # Mostly NOERROR; NXDOMAIN, SERVFAIL, REFUSED, NOTIMP now and then; rarely TC.
    rcode = draw(st.integers(0, 19))
    response.set_rcode(dns.rcode.Rcode({15: 3, 16: 3, 17: 2, 18: 5, 19: 4}.get(rcode, 0)))
    if draw(st.integers(0, 19)) == 19:
        response.flags |= dns.flags.TC
    owners = [qname, *draw(st.lists(names, max_size=3))]
    for _ in range(draw(st.integers(0, 5))):
        owner = draw(st.sampled_from(owners))
        rtype = draw(st.sampled_from([rdtype, "CNAME", rdtype, *TYPES]))
        if rtype == "CNAME":
            values = [draw(st.sampled_from(owners) | names) + "."]
        else:
            values = [_rdata_text(rtype, draw) for _ in range(draw(st.integers(1, 3)))]
        ttl = draw(st.integers(0, 2**31 - 1))
        response.answer.append(dns.rrset.from_text(owner + ".", ttl, "IN", rtype, *values))
    if draw(st.booleans()):
        zone = draw(st.sampled_from([qname, *owners, "org"]))
        soa = f"ns.{zone}. host.{zone}. 1 2 3 4 {draw(st.integers(0, 2**31 - 1))}"
        response.authority.append(dns.rrset.from_text(zone + ".", 60, "IN", "SOA", soa))
    wire: bytes = response.to_wire(want_shuffle=False)
    return wire, Query(qname, rdtype)


@settings(max_examples=300)
@given(replies())
def test_same_answers_as_the_oracle(reply: tuple[bytes, Query]) -> None:
    """Any reply dnspython writes decodes to the same answer and chase as before."""
    wire, query = reply
    same(wire, query)


@settings(max_examples=300)
@given(replies(), st.data())
def test_same_outcome_on_cut_or_garbled_replies(
    reply: tuple[bytes, Query], data: st.DataObject
) -> None:
    """A reply cut short, or with octets changed, gives the same answer or error."""
    wire, query = reply
    garbled = bytearray(wire)
    for _ in range(data.draw(st.integers(0, 4))):
        garbled[data.draw(st.integers(0, len(garbled) - 1))] = data.draw(
            st.sampled_from([0x00, 0x01, 0x3F, 0x40, 0xC0, 0x0C, 0xFF]) | st.integers(0, 255)
        )
    cut = data.draw(st.integers(0, len(garbled)))
    same(bytes(garbled[:cut]), query)
    same(bytes(garbled), query)


@given(st.binary(max_size=200), st.sampled_from(ASKED[:-1]))
def test_same_outcome_on_random_bytes(tail: bytes, rdtype: str) -> None:
    """Random bytes after a plausible header give the same answer or error."""
    header = QID.to_bytes(2, "big") + b"\x81\x80\x00\x01" + tail[:6].ljust(6, b"\x00")
    same(header + tail[6:], Query("example.org", rdtype))


def _pointer(target: int) -> bytes:
    return bytes([0xC0 | (target >> 8) & 0x3F, target & 0xFF])


@st.composite
def compressed(draw: st.DrawFn) -> tuple[bytes, str]:
    """A reply whose names use pointers of every kind: back, forward, into labels, chains.

    Returns the reply and the type asked. Every name is written at the end of the
    message as soon as it is drawn, so the offsets of its labels are known.
    """
    rdtype = draw(st.sampled_from(["MX", "CNAME", "TXT", "SRV", "NS", "A"]))
    body = bytearray(QID.to_bytes(2, "big") + b"\x81\x80\x00\x01" + bytes(6))
    starts: list[int] = []  # offsets where a label begins
    chain: list[int] = []  # offsets of pointers that lead, one to the next, to a name

    def name(*, plain: bool = False) -> bytes:
        before = starts[:]  # pointing at one of these is no loop of this name's own
        base, out = len(body), bytearray()
        for label in draw(
            st.lists(st.sampled_from([b"mx", b"Mail", b"ovh", b"n\xe9t", b"mx1", b"2-a"]))
        ):
            starts.append(base + len(out))
            out += bytes([len(label)]) + label
        # Mostly a pointer to a name before; now and then the root, a chain, anywhere.
        how = draw(st.sampled_from([3, 3, 3, 0, 1, 2, 4, 5]))
        if how == 0 or plain or not starts:
            return bytes(out + b"\x00")
        if how == 3 and before:
            return bytes(out + _pointer(draw(st.sampled_from(before))))
        if how == 1 and chain:
            return bytes(out + _pointer(draw(st.sampled_from(chain))))
        if how == 2:  # anywhere, forward or past the end included
            return bytes(out + _pointer(draw(st.integers(0, len(body) + 80))))
        if how == 5 and before:  # inside a label (where a digit reads as a length)
            return bytes(out + _pointer(draw(st.sampled_from(before)) + draw(st.integers(1, 3))))
        return bytes(out + _pointer(draw(st.sampled_from(starts))))

    def record(rtype: int, rdata: Callable[[], None], *, owner: bytes | None = None) -> None:
        if owner is None:
            owner = _pointer(12) if draw(st.booleans()) else name()  # often the question
        body.extend(owner + rtype.to_bytes(2, "big") + b"\x00\x01\x00\x00\x00\x3c\x00\x00")
        start = len(body)
        rdata()
        size = len(body) - start + draw(st.sampled_from([0, 0, 0, 0, -1, 1]))
        body[start - 2 : start] = max(size, 0).to_bytes(2, "big")

    def pointers() -> None:
        # A chain of pointers, each to the next, the last to a name: followed
        # from its first pointer it costs `hops` pointers (the limit is 64).
        hops = draw(st.integers(1, 70))
        start = len(body)
        for hop in range(1, hops):
            body.extend(_pointer(start + 2 * hop))
        body.extend(_pointer(draw(st.sampled_from([12, *starts]))))
        chain.extend(range(start, start + 2 * hops, 2))

    def rdata_of(rtype: str) -> Callable[[], None]:
        fixed = {"MX": b"\x00\x0a", "SRV": b"\x00\x01\x00\x02\x01\xbb", "A": b"\xc0\x00\x02\x01"}
        if rtype == "TXT":  # one string, two, or a length that says more than is there
            txt = draw(st.sampled_from([b"\x03v=1", b"\x03v=1\x00", b"\x05v=1", b"\x02v=1"]))
            return lambda: body.extend(txt)
        if rtype == "SOA":
            return lambda: body.extend(name() + name() + bytes(20))
        if rtype == "A":
            return lambda: body.extend(fixed["A"])
        return lambda: body.extend(fixed.get(rtype, b"") + name())

    body += name(plain=draw(st.integers(0, 4)) > 0)
    question_end = len(body)
    body += RDTYPES[rdtype].to_bytes(2, "big") + b"\x00\x01"
    answers = 0
    if draw(st.booleans()):
        record(99, pointers)  # an unknown type: skipped, but pointed into
        answers += 1
    for _ in range(draw(st.integers(0, 5))):
        rtype = draw(st.sampled_from([rdtype, rdtype, "CNAME", "MX", "TXT"]))
        record(RDTYPES[rtype], rdata_of(rtype))
        answers += 1
    authority = draw(st.integers(0, 2))
    for _ in range(authority):
        # The zone's apex is mostly a pointer into the question name: at a label,
        # its root, or between (where the octet is no label length).
        inside = _pointer(draw(st.integers(12, question_end + 1)))
        record(RDTYPES["SOA"], rdata_of("SOA"), owner=inside if draw(st.booleans()) else None)
    body[6:10] = bytes([0, answers, 0, authority])
    return bytes(body), rdtype


@settings(max_examples=400)
@given(compressed())
def test_same_outcome_on_hand_made_compression(reply: tuple[bytes, str]) -> None:
    """Pointers back, forward, into labels, and long chains give the same answer or error."""
    wire, rdtype = reply
    try:
        asked = wire_oracle._read_name(wire, 12)[0]
    except WireError:
        asked = "nowhere.invalid"
    same(wire, Query(asked, rdtype))  # the question matches: the records are read
    same(wire, Query("nowhere.invalid", rdtype))


@st.composite
def chains(draw: st.DrawFn) -> tuple[bytes, str]:
    """A reply whose names end in pointer chains of about the limit (64 pointers per name).

    A skipped record holds a chain of pointers, each to the next, the last to
    the question name; then each record's owner (and mail exchanger) is a label
    or none and a pointer to a pointer of the chain or to a name before it, so
    names are read again through names already read, one pointer more each time.
    """
    rdtype = draw(st.sampled_from(["A", "MX"]))
    body = bytearray(QID.to_bytes(2, "big") + b"\x81\x80\x00\x01\x00\x00\x00\x00\x00\x00")
    body += b"\x07example\x03org\x00" + RDTYPES[rdtype].to_bytes(2, "big") + b"\x00\x01"
    # Each name read through the one before costs one pointer more: start the
    # chain so that the limit falls about halfway through the records.
    records = draw(st.integers(1, 16))
    names_read = records * (2 if rdtype == "MX" else 1)
    hops = max(1, 64 - names_read // 2 + draw(st.integers(-3, 3)))
    start = len(body) + 12
    chain = b"".join(_pointer(start + 2 * hop) for hop in range(1, hops)) + _pointer(12)
    body += b"\xc0\x0c\x00\x63\x00\x01\x00\x00\x00\x3c" + len(chain).to_bytes(2, "big") + chain
    targets = [start + 2 * hop for hop in range(hops)]

    def name() -> bytes:
        # Mostly the name just before (one pointer more each time, across the
        # limit), or the chain's head; now and then any pointer or label before.
        how = draw(st.sampled_from(["last", "last", "last", "head", "any"]))
        target = {"last": targets[-1], "head": targets[0]}.get(how)
        if target is None:
            target = draw(st.sampled_from(targets))
        first = len(body)
        label = draw(st.sampled_from([b"", b"", b"\x01a", b"\x01a\x02Bc"]))
        targets.append(first)
        if len(label) > 2:
            targets.append(first + 2)  # the name from its second label
        return label + _pointer(target)

    for _ in range(records):
        body += name() + RDTYPES[rdtype].to_bytes(2, "big") + b"\x00\x01\x00\x00\x00\x3c"
        if rdtype == "A":
            body += b"\x00\x04\xc0\x00\x02\x01"
        else:
            size = len(body)
            body += b"\x00\x00\x00\x0a"
            body += name()
            body[size : size + 2] = (len(body) - size - 2).to_bytes(2, "big")
    body[7] = records + 1
    return bytes(body), rdtype


@settings(max_examples=400)
@given(chains())
def test_same_outcome_on_pointer_chains_at_the_limit(reply: tuple[bytes, str]) -> None:
    """Names read through names already read count their pointers as before, to the limit."""
    wire, rdtype = reply
    same(wire, Query("example.org", rdtype))


@given(
    st.text(st.sampled_from("aZ0-_.é\x00"), max_size=70)
    | st.lists(st.text("ab", min_size=0, max_size=70), max_size=6).map(".".join)
    # Names about the 255-octet limit, in labels of up to 63.
    | st.lists(st.integers(40, 63), min_size=3, max_size=5).map(
        lambda sizes: ".".join("x" * size for size in sizes)
    )
    | st.integers(248, 258).map(lambda size: ".".join(["y" * 63] * 3 + ["z" * (size - 192)])),
    st.sampled_from([*ASKED, "HINFO", "mx"]),
    st.integers(0, 0xFFFF),
    st.booleans(),
)
def test_same_query_bytes(name: str, rdtype: str, qid: int, edns: bool) -> None:
    """Every question encodes to the same bytes, or fails with the same message."""

    def encoded(encode: Callable[..., bytes]) -> bytes | str:
        try:
            return encode(qid, name, rdtype, edns=edns)
        except WireError as exc:
            return str(exc)

    assert encoded(wire_oracle.encode_query) == encoded(encode_query)
    assert encoded(wire_oracle.encode_query) == encoded(encode_query)  # remembered
