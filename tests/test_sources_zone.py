"""Example tables for ZoneSource: answers, delegations, wildcards, fallback, zone-file errors."""

from __future__ import annotations

import asyncio
import os
import pickle
from collections.abc import Callable
from pathlib import Path

import dns.zone
import pytest
from hypothesis import given
from hypothesis import strategies as st

from emailpro_core.errors import EmailProError
from emailpro_core.sources import StaticSource, ZoneFileError, ZoneSource
from emailpro_core.sources import _zone as source_zone
from emailpro_core.sources._answers import MX, SRV, TXT, AnswerStatus, FailureCause, Query, RData

ZONE_TEXT = """\
$ORIGIN example.org.
$TTL 3600
@              SOA    ns1 hostmaster 2024010101 7200 900 1209600 300
@              NS     ns1
@              MX     1 mx0.mail.ovh.net.
@              MX     5 mx1.mail.ovh.net.
@              TXT    "v=spf1 include:mx.ovh.com ~all"
ns1            A      192.0.2.53
www      600   CNAME  @
deep     60    CNAME  www
out            CNAME  mx.ovh.com.
dkim1._domainkey CNAME dkim1.example.net.
_autodiscover._tcp SRV 0 0 443 pro1.mail.ovh.net.
loop1          CNAME  loop2
loop2          CNAME  loop1
child          NS     ns.child
child          DS     12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF
ns.child       A      192.0.2.54
*.wild         MX     10 catchall.example.net.
real.wild      A      192.0.2.10
a.b.c          A      192.0.2.11
"""
FALLBACK = StaticSource(
    {
        "mx.ovh.com": {"TXT": "v=spf1 ip4:192.0.2.0/24 ~all"},
        "dkim1.example.net": {"CNAME": "key.example.net"},
        "key.example.net": {"TXT": "v=DKIM1; p=abc"},
    },
    ttl=120,
)
OK, NODATA, NX = AnswerStatus.ANSWER, AnswerStatus.NODATA, AnswerStatus.NXDOMAIN
OUT = AnswerStatus.OUTSIDE_ZONE
MXS = (MX(1, "mx0.mail.ovh.net"), MX(5, "mx1.mail.ovh.net"))
SPF = (TXT((b"v=spf1 include:mx.ovh.com ~all",)),)
OVH_SPF = (TXT((b"v=spf1 ip4:192.0.2.0/24 ~all",)),)
DKIM = (TXT((b"v=DKIM1; p=abc",)),)
CATCHALL = (MX(10, "catchall.example.net"),)


def zone(**options: object) -> ZoneSource:
    """The zone every example reads."""
    return ZoneSource.from_text(ZONE_TEXT, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "rdtype", "status", "records", "ttl", "canonical"),
    [
        ("example.org", "MX", OK, MXS, 3600, "example.org"),
        ("EXAMPLE.ORG.", "mx", OK, MXS, 3600, "example.org"),
        ("example.org", "TXT", OK, SPF, 3600, "example.org"),
        ("example.org", "NS", OK, ("ns1.example.org",), 3600, "example.org"),
        ("example.org", "AAAA", NODATA, (), 300, "example.org"),
        ("www.example.org", "MX", OK, MXS, 600, "example.org"),
        ("deep.example.org", "MX", OK, MXS, 60, "example.org"),
        ("www.example.org", "CNAME", OK, ("example.org",), 600, "www.example.org"),
        ("www.example.org", "A", NODATA, (), 300, "example.org"),
        ("nope.example.org", "A", NX, (), 300, "nope.example.org"),
        (
            "_autodiscover._tcp.example.org",
            "SRV",
            OK,
            (SRV(0, 0, 443, "pro1.mail.ovh.net"),),
            3600,
            "_autodiscover._tcp.example.org",
        ),
        ("_tcp.example.org", "SRV", NODATA, (), 300, "_tcp.example.org"),
        ("b.c.example.org", "A", NODATA, (), 300, "b.c.example.org"),
        ("c.example.org", "A", NODATA, (), 300, "c.example.org"),
        ("x.a.b.c.example.org", "A", NX, (), 300, "x.a.b.c.example.org"),
        (
            "any.wild.example.org",
            "MX",
            OK,
            (MX(10, "catchall.example.net"),),
            3600,
            "any.wild.example.org",
        ),
        (
            "x.y.wild.example.org",
            "MX",
            OK,
            (MX(10, "catchall.example.net"),),
            3600,
            "x.y.wild.example.org",
        ),
        ("any.wild.example.org", "A", NODATA, (), 300, "any.wild.example.org"),
        ("real.wild.example.org", "MX", NODATA, (), 300, "real.wild.example.org"),
        ("wild.example.org", "MX", NODATA, (), 300, "wild.example.org"),
        ("child.example.org", "NS", OK, ("ns.child.example.org",), 3600, "child.example.org"),
        ("child.example.org", "DS", OK, None, 3600, "child.example.org"),
    ],
)
def test_answers_inside_the_zone(
    name: str,
    rdtype: str,
    status: AnswerStatus,
    records: tuple[RData, ...] | None,
    ttl: int,
    canonical: str,
) -> None:
    """Names inside the zone answer from it, following CNAMEs, wildcards and SOA TTLs."""
    answer = zone().lookup(name, rdtype)
    assert (status, ttl, canonical, None) == (
        answer.status,
        answer.ttl,
        answer.canonical_name,
        answer.cause,
    )
    if records is not None:
        assert records == answer.records
    assert Query(name, rdtype) == answer.query


@pytest.mark.parametrize(
    ("name", "rdtype", "canonical", "detail"),
    [
        ("mx.ovh.com", "TXT", "mx.ovh.com", "mx.ovh.com is outside the zone example.org"),
        ("org", "NS", "org", "org is outside the zone example.org"),
        ("badexample.org", "A", "badexample.org", "outside the zone"),
        ("out.example.org", "TXT", "mx.ovh.com", "mx.ovh.com is outside the zone example.org"),
        ("child.example.org", "A", "child.example.org", "delegated away from example.org at child"),
        ("ns.child.example.org", "A", "ns.child.example.org", "at child.example.org"),
        ("x.y.child.example.org", "MX", "x.y.child.example.org", "at child.example.org"),
    ],
)
def test_outside_zone(name: str, rdtype: str, canonical: str, detail: str) -> None:
    """Names outside the zone or below a delegation answer OUTSIDE_ZONE with a reason."""
    answer = zone().lookup(name, rdtype)
    assert (OUT, canonical, (), None) == (
        answer.status,
        answer.canonical_name,
        answer.records,
        answer.cause,
    )
    assert detail in answer.detail
    assert answer.is_failure


@pytest.mark.parametrize(
    ("name", "rdtype", "status", "records", "ttl", "canonical"),
    [
        ("mx.ovh.com", "TXT", OK, (TXT((b"v=spf1 ip4:192.0.2.0/24 ~all",)),), 120, "mx.ovh.com"),
        (
            "out.example.org",
            "TXT",
            OK,
            (TXT((b"v=spf1 ip4:192.0.2.0/24 ~all",)),),
            120,
            "mx.ovh.com",
        ),
        (
            "dkim1._domainkey.example.org",
            "TXT",
            OK,
            (TXT((b"v=DKIM1; p=abc",)),),
            120,
            "key.example.net",
        ),
        ("other.test", "A", NX, (), 120, "other.test"),
        ("child.example.org", "A", NX, (), 120, "child.example.org"),
        ("example.org", "MX", OK, MXS, 3600, "example.org"),
    ],
)
def test_fallback(
    name: str,
    rdtype: str,
    status: AnswerStatus,
    records: tuple[RData, ...],
    ttl: int,
    canonical: str,
) -> None:
    """With a fallback, names the zone cannot know are answered by it, sync and async alike."""
    source = zone(fallback=FALLBACK)
    sync = source.lookup(name, rdtype)
    async_ = asyncio.run(source.lookup_async(name, rdtype))
    assert sync == async_
    assert (status, records, ttl, canonical) == (
        sync.status,
        sync.records,
        sync.ttl,
        sync.canonical_name,
    )
    assert Query(name, rdtype) == sync.query


def test_cname_loop() -> None:
    """A CNAME loop inside the zone is a CNAME_LOOP failure."""
    answer = zone().lookup("loop1.example.org", "A")
    assert (answer.status, answer.cause) == (AnswerStatus.FAILURE, FailureCause.CNAME_LOOP)


def test_max_chain() -> None:
    """max_chain bounds the CNAMEs followed."""
    answer = zone(max_chain=1).lookup("deep.example.org", "MX")
    assert (answer.status, answer.cause) == (AnswerStatus.FAILURE, FailureCause.CNAME_LOOP)


@pytest.mark.parametrize("relativize", [True, False])
def test_zone_object(relativize: bool) -> None:
    """A dns.zone.Zone, relativized or not, gives the same answers."""
    built = dns.zone.from_text(ZONE_TEXT, relativize=relativize)
    source = ZoneSource(built)
    assert source.apex == "example.org"
    assert source.lookup("www.example.org", "MX").records == MXS
    assert source.lookup("child.example.org", "NS").records == ("ns.child.example.org",)


def test_origin_argument() -> None:
    """Without $ORIGIN, the origin argument names the zone."""
    text = "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n"
    source = ZoneSource.from_text(text, origin="Example.NET.")
    assert (
        source.lookup("ns.example.net", "A").records,
        source.lookup("none.example.net", "A").ttl,
    ) == (("192.0.2.1",), 5)


def test_zone_without_soa_ttl_default() -> None:
    """A zone object whose apex has no SOA uses a 3600-second negative TTL."""
    built = dns.zone.from_text(ZONE_TEXT)
    built.delete_rdataset("@", "SOA")
    assert ZoneSource(built).lookup("nope.example.org", "A").ttl == 3600


def test_counts_names_and_repr() -> None:
    """queries_sent counts lookups; names lists existing names; repr summarizes."""
    source = zone()
    source.lookup("example.org", "MX")
    asyncio.run(source.lookup_async("www.example.org", "A"))
    assert source.queries_sent == 2
    assert {"example.org", "c.example.org", "b.c.example.org", "*.wild.example.org"} <= source.names
    assert repr(source).startswith("<ZoneSource example.org: ")


def test_from_file(tmp_path: Path) -> None:
    """from_file reads a zone file."""
    path = tmp_path / "example.org.zone"
    path.write_text(ZONE_TEXT, encoding="utf-8")
    assert ZoneSource.from_file(path).lookup("example.org", "MX").records == MXS
    assert (
        ZoneSource.from_file(str(path), origin="example.org").lookup("example.org", "MX").records
        == MXS
    )


# The line after ZONE_TEXT's own.
AFTER = ZONE_TEXT.count("\n") + 1
UNKNOWN_TYPE = "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nx FOO bar\n"
BAD_RDATA = "$ORIGIN example.org.\n$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.999\n"


@pytest.mark.parametrize(
    ("text", "origin", "line", "problem"),
    [
        (BAD_RDATA, None, 6, "malformed"),
        (UNKNOWN_TYPE, "example.org", 4, "unknown rdatatype 'FOO'"),
        ("$TTL 60\n@ NS ns\n", "example.org", None, "no SOA"),
        ("$TTL 60\n@ SOA ns h 1 2 3 4 5\n", "example.org", None, "no NS"),
        ("$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\n", None, None, "origin is unknown"),
        ("@ SOA ns h 1 2 3 4 5\n@ NS ns\n", "a..b", None, "empty"),
        # $GENERATE makes up to 2**32 records a line: refused, as $INCLUDE is.
        (ZONE_TEXT + "$GENERATE 1-4294967295 h$ A 192.0.2.1\n", None, AFTER, "'$GENERATE'"),
        (ZONE_TEXT + "$GENERATE 1-2 h$ A 192.0.2.$\n", None, AFTER, "write its records out"),
        (ZONE_TEXT + "$INCLUDE /etc/passwd\n", None, AFTER, "'$INCLUDE' is not allowed"),
        (ZONE_TEXT + "x SOA ns h 1 2 3 4 5\n", None, None, "non-origin SOA"),
    ],
)
def test_bad_zone_text(text: str, origin: str | None, line: int | None, problem: str) -> None:
    """Invalid zone text raises ZoneFileError naming the source, the line and the problem."""
    with pytest.raises(ZoneFileError) as info:
        ZoneSource.from_text(text, origin=origin)
    error = info.value
    assert ("<text>", line) == (error.source, error.line)
    assert problem.lower() in error.problem.lower()
    assert str(error).startswith("cannot read the zone <text>")
    assert isinstance(error, EmailProError)
    assert isinstance(error, ValueError)


def test_bad_zone_file_names_the_file(tmp_path: Path) -> None:
    """A bad zone file's error names the file and the line."""
    path = tmp_path / "bad.zone"
    path.write_text(BAD_RDATA, encoding="utf-8")
    with pytest.raises(ZoneFileError, match=r"bad\.zone, near line 6: .*malformed") as info:
        ZoneSource.from_file(path)
    assert (str(path), 6) == (info.value.source, info.value.line)


@pytest.mark.parametrize(
    ("content", "problem"),
    [(None, "No such file or directory"), (b"\xff\xfe\x00bad", "can't decode")],
)
def test_unreadable_zone_file(tmp_path: Path, content: bytes | None, problem: str) -> None:
    """A missing or undecodable file raises ZoneFileError, not OSError."""
    path = tmp_path / "zone.db"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ZoneFileError, match=problem) as info:
        ZoneSource.from_file(path, origin="example.org")
    assert (str(path), None) == (info.value.source, info.value.line)


def test_zone_file_error_pickles() -> None:
    """ZoneFileError survives pickling with its data."""
    error = ZoneFileError("z.db", "bad", 3)
    copy = pickle.loads(pickle.dumps(error))
    assert ("z.db", "bad", 3, str(error)) == (copy.source, copy.problem, copy.line, str(copy))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: ZoneSource("not a zone"), "zone must be a dns.zone.Zone, not str"),  # type: ignore[arg-type]
        (lambda: ZoneSource.from_text(b"x"), "zone text must be a str, not bytes"),  # type: ignore[arg-type]
        (lambda: ZoneSource.from_text("", origin=1), "origin must be a str, not int"),  # type: ignore[arg-type]
        (lambda: zone().lookup(None, "A"), "a name must be a str, not NoneType"),  # type: ignore[arg-type]
    ],
)
def test_type_errors(call: Callable[[], object], message: str) -> None:
    """Wrong Python types raise TypeError with a clear message."""
    with pytest.raises(TypeError, match=message):
        call()


def test_zone_without_origin() -> None:
    """A zone object without an origin cannot be used."""
    built = dns.zone.Zone(None)
    with pytest.raises(ZoneFileError, match="the zone has no origin"):
        ZoneSource(built)


def test_root_zone() -> None:
    """A zone at the root answers for every name, with its wildcard below the root."""
    text = "$TTL 60\n@ SOA a.root. h. 1 2 3 4 5\n@ NS a.root.\na.root. A 192.0.2.1\n*.test. TXT x\n"
    source = ZoneSource.from_text(text, origin=".")
    assert (source.apex, repr(source)[:15]) == ("", "<ZoneSource .: ")
    assert (TXT((b"x",)),) == source.lookup("any.test", "TXT").records
    assert source.lookup("nope", "A").status == NX
    assert source.lookup(".", "SOA").status == OK


@pytest.mark.parametrize(
    ("name", "problem"),
    # A lone surrogate stands for an undecodable byte on POSIX: a name a file may have.
    [("zone\x00.db", "embedded null"), ("zone\udcff.db", "No such"), ("missing.db", "No such")],
)
def test_impossible_zone_file_paths(tmp_path: Path, name: str, problem: str) -> None:
    """A path no file can have is a ZoneFileError naming it, like a missing file."""
    path = str(tmp_path / name)
    with pytest.raises(ZoneFileError, match=problem) as info:
        ZoneSource.from_file(path, origin="example.org")
    assert (path, None) == (info.value.source, info.value.line)
    shown = path if path.isprintable() else repr(path)
    assert str(info.value).startswith(f"cannot read the zone {shown}: ")


@given(st.text(min_size=1, max_size=20))
def test_zone_file_paths_never_escape_as_other_errors(tail: str) -> None:
    """Property: whatever the path, from_file reads it or raises ZoneFileError, nothing else."""
    path = f"/nonexistent-emailpro-dir/{tail}"
    with pytest.raises(ZoneFileError) as info:
        ZoneSource.from_file(path, origin="example.org")
    assert path == info.value.source
    assert str(info.value).isprintable()


@pytest.mark.parametrize("kind", ["a named pipe", "a character device", "a directory"])
def test_zone_file_must_be_a_regular_file(tmp_path: Path, kind: str) -> None:
    """A FIFO would block the reader, /dev/zero never end: refused before reading."""
    path = {"a character device": Path("/dev/zero"), "a directory": tmp_path}.get(kind)
    if path is None:
        path = tmp_path / "fifo"
        os.mkfifo(path)
    with pytest.raises(ZoneFileError) as info:
        ZoneSource.from_file(path, origin="example.org")
    assert (str(path), f"not a regular file ({kind})") == (info.value.source, info.value.problem)


def test_zone_file_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A zone file over MAX_ZONE_BYTES (64 MiB) is refused; one at the limit is read."""
    path = tmp_path / "example.org.zone"
    path.write_text(ZONE_TEXT, encoding="utf-8")
    size = len(ZONE_TEXT.encode())
    assert 64 * 2**20 == source_zone.MAX_ZONE_BYTES
    monkeypatch.setattr(source_zone, "MAX_ZONE_BYTES", size - 1)
    with pytest.raises(ZoneFileError, match=f"larger than the limit of {size - 1} bytes"):
        ZoneSource.from_file(path)
    monkeypatch.setattr(source_zone, "MAX_ZONE_BYTES", size)
    assert MXS == ZoneSource.from_file(path).lookup("example.org", "MX").records


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_zone_file_line_ends(tmp_path: Path, newline: str) -> None:
    """CR LF and CR end lines in a file, as for a file opened as text."""
    path = tmp_path / "example.org.zone"
    path.write_bytes(ZONE_TEXT.replace("\n", newline).encode())
    assert MXS == ZoneSource.from_file(path).lookup("example.org", "MX").records
