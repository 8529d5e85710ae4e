"""``emailpro-core check`` and ``check-many``: sources, renderings, exit codes, streams.

Live lookups go to a :class:`faults.FaultResponder` on 127.0.0.1, never further.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from emailpro_core.checker._diagnosis import Diagnosis
from emailpro_core.checker._findings import Status
from emailpro_core.cli import _common as cli_common
from emailpro_core.cli import _setup as cli_setup
from emailpro_core.records import expected_records
from emailpro_core.records._setup import DomainSetup
from emailpro_core.sources import _zone as source_zone
from emailpro_core.sources._static import StaticSource
from emailpro_core.sources._stub import AsyncStubSource
from emailpro_core.sources._zone import DualSource
from faults import Fault, FaultResponder
from test_cli import EXAMPLES, ROOT, Result, invoke, one_error_line

MIXED = str(EXAMPLES / "mydomain.ovh.zone")
READY = str(EXAMPLES / "example.org.zone")
DOMAINS = str(EXAMPLES / "domains.txt")
READY_OPTIONS = [
    "--server",
    "1",
    "--token",
    "ab1cd",
    "--dkim-selector",
    "ovhemp123456-selector1",
    "--dkim-selector",
    "ovhemp123456-selector2",
]
#: The provider's include, with one network the SPF check takes an address from.
PROVIDER = {"mx.ovh.com": {"TXT": ['"v=spf1 ip4:198.51.100.0/24 -all"']}}
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def live_records(domain: str) -> dict[str, dict[str, list[str]]]:
    """What a correct managed domain on server 1 and the provider publish."""
    records: dict[str, dict[str, list[str]]] = {}
    setup = DomainSetup(domain, server_number=1, managed_in_account=True)
    for record in expected_records(setup):
        assert record.value is not None
        value = f'"{record.value}"' if record.type == "TXT" else record.value
        records.setdefault(record.name, {}).setdefault(record.type, []).append(value)
    return records | PROVIDER


@pytest.fixture
def responder() -> Iterator[FaultResponder]:
    """A responder for two correct domains, a broken one and a failing one."""
    records = live_records("good.example") | live_records("also.example")
    records |= live_records("servfail.example")
    records["bad.example"] = {"MX": ["10 mail.elsewhere.example."]}
    with FaultResponder(records, faults={"servfail.example": Fault.SERVFAIL}) as server:
        yield server


def at(server: FaultResponder) -> list[str]:
    """The --nameserver option for the responder."""
    return ["--nameserver", f"{server.host}:{server.port}"]


def lines_of(result: Result) -> list[dict[str, object]]:
    """The JSON lines of a check-many run."""
    return [json.loads(line) for line in result.out.splitlines()]


# --- check: the quick start ----------------------------------------------------


def test_quick_start_example(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's command shows the example zone's right and wrong records, exit 1."""
    monkeypatch.chdir(ROOT)
    result = invoke(capsys, ["check", "mydomain.ovh", "--zone", "examples/mydomain.ovh.zone"])
    assert 1 == result.code
    assert "" == result.err
    lines = result.out.splitlines()
    assert "mydomain.ovh: ERROR (3 ok, 1 warning, 2 errors, 3 skipped)" == lines[0]
    rows = [line.split()[:3] for line in lines[2:] if not line.startswith(" ")]
    assert [
        ["OK", "domain", "domain.ok"],
        ["ERROR", "mx", "mx.foreign"],
        ["SKIPPED", "mx", "dns.outside_zone"],
        ["ERROR", "spf", "spf.multiple_records"],
        ["OK", "autodiscover", "srv.ok"],
        ["WARNING", "autodiscover", "autodiscover.shadowed"],
        ["SKIPPED", "ownership", "ownership.token_unknown"],
        ["SKIPPED", "dkim", "dkim.no_selectors"],
        ["OK", "dmarc", "dmarc.ok"],
    ] == rows
    fixes = [line.strip() for line in lines if line.startswith(" ")]
    assert [
        "fix: remove  mydomain.ovh. 3600 IN MX 10 mail.old-host.example.",
        'fix: remove  mydomain.ovh. 3600 IN TXT "v=spf1 include:mx.ovh.com ~all"',
        'fix: remove  mydomain.ovh. 3600 IN TXT "v=spf1 include:_spf.old-host.example ~all"',
        'fix: add     mydomain.ovh. 3600 IN TXT "v=spf1 include:_spf.old-host.example '
        'include:mx.ovh.com ~all"',
        "fix: remove  autodiscover.mydomain.ovh. 3600 IN CNAME autodiscover.old-host.example.",
    ] == fixes


def test_example_zone_with_the_full_setup(capsys: pytest.CaptureFixture[str]) -> None:
    """With the token and selectors, the ownership CNAME is right and one DKIM CNAME wrong."""
    result = invoke(capsys, ["check", "mydomain.ovh", "--zone", MIXED, *READY_OPTIONS])
    assert 1 == result.code
    assert "ownership     ownership.ok" in result.out
    assert "dkim          dkim.txt_instead_of_cname" in result.out


def test_ready_zone_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    """A zone with every record right exits 0; SPF is judged offline, DKIM keys are SKIPPED."""
    result = invoke(capsys, ["check", "example.org", "--zone", READY, *READY_OPTIONS])
    assert 0 == result.code
    assert result.out.startswith("example.org: OK (8 ok, 2 skipped)\n")
    assert "fix:" not in result.out


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    """--json prints the diagnosis in the checker's JSON form."""
    result = invoke(capsys, ["check", "mydomain.ovh", "--zone", MIXED, "--json"])
    assert 1 == result.code
    diagnosis = Diagnosis.from_json(result.out)
    assert "mydomain.ovh" == diagnosis.domain
    assert Status.ERROR is diagnosis.worst
    assert "mx.foreign" in diagnosis.codes


def test_verbose_shows_expected_and_observed(capsys: pytest.CaptureFixture[str]) -> None:
    """-v lists the records expected and observed under each finding."""
    result = invoke(capsys, ["check", "mydomain.ovh", "--zone", MIXED, "-v"])
    assert "         expected: mydomain.ovh. 3600 IN MX 1 mx0.mail.ovh.net." in result.out
    assert "         observed: mydomain.ovh. 3600 IN MX 10 mail.old-host.example." in result.out


@pytest.mark.parametrize(
    ("argv", "terminal", "no_color", "colored"),
    [
        ([], False, None, False),
        ([], True, None, True),
        ([], True, "1", False),
        ([], True, "", True),
        (["--color", "always"], False, "1", True),
        (["--color", "never"], True, None, False),
    ],
)
def test_colour_only_on_a_terminal(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    terminal: bool,
    no_color: str | None,
    colored: bool,
) -> None:
    """Colour is used on a terminal unless NO_COLOR is set and not empty, or when forced."""
    monkeypatch.setattr(cli_common, "is_terminal", lambda stream: terminal)
    if no_color is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", no_color)
    result = invoke(capsys, ["check", "mydomain.ovh", "--zone", MIXED, *argv])
    assert colored == bool(ANSI.search(result.out))
    plain = ANSI.sub("", result.out)
    assert plain == invoke(capsys, ["check", "mydomain.ovh", "--zone", MIXED, "--color=never"]).out


def test_replacement_fixes_are_aligned(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A replace fix shows the old line and, aligned below, the new one."""
    zone = tmp_path / "example.org.zone"
    zone.write_text(Path(READY).read_text().replace("mx.ovh.com ~all", "mx.ovh.com +all"))
    result = invoke(capsys, ["check", "example.org", "--zone", str(zone)])
    assert (
        '         fix: replace example.org. 3600 IN TXT "v=spf1 include:mx.ovh.com +all"\n'
        '                 with example.org. 3600 IN TXT "v=spf1 include:mx.ovh.com ~all"\n'
    ) in result.out


# --- check: sources -------------------------------------------------------------


def test_zone_without_origin_takes_the_domain(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A zone file without $ORIGIN is read with the checked domain as origin."""
    zone = tmp_path / "db.zone"
    zone.write_text(Path(READY).read_text().replace("$ORIGIN example.org.\n", ""))
    result = invoke(capsys, ["check", "example.org", "--zone", str(zone), *READY_OPTIONS])
    assert 0 == result.code


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "cannot read the zone {path}: No such file or directory"),
        ("$ORIGIN example.org.\n@ IN MX ten mx.\n", "cannot read the zone {path}, near line"),
        (
            "$ORIGIN example.org.\n$TTL 60\n@ IN MX 1 mx0.mail.ovh.net.\n",
            "cannot read the zone {path}: The DNS zone has no SOA RR at its origin.",
        ),
        (b"\xff\xfe", "cannot read the zone {path}: 'utf-8' codec can't decode"),
    ],
)
def test_bad_zone_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str | bytes | None, expected: str
) -> None:
    """A missing, unreadable or invalid zone file is one line naming it, exit 2."""
    zone = tmp_path / "example.org.zone"
    if isinstance(content, str):
        zone.write_text(content)
    elif content is not None:
        zone.write_bytes(content)
    result = invoke(capsys, ["check", "example.org", "--zone", str(zone)])
    assert 2 == result.code
    assert one_error_line(result).startswith(expected.format(path=zone))


def test_domain_outside_the_zone(capsys: pytest.CaptureFixture[str]) -> None:
    """Checking a domain the zone does not hold is a usage error."""
    result = invoke(capsys, ["check", "example.com", "--zone", MIXED])
    assert 2 == result.code
    assert one_error_line(result).startswith("example.com is not in the zone mydomain.ovh;")


def test_zone_with_live_fallback(
    capsys: pytest.CaptureFixture[str], responder: FaultResponder
) -> None:
    """With --zone and --nameserver, names outside the zone are asked live."""
    result = invoke(
        capsys, ["check", "example.org", "--zone", READY, *READY_OPTIONS, *at(responder)]
    )
    assert "OK       spf           spf.ok" in result.out
    assert responder.count("mx.ovh.com", "TXT") >= 1
    assert 0 == result.code


@pytest.mark.parametrize(
    ("domain", "code", "worst"),
    [("good.example", 0, "OK"), ("bad.example", 1, "ERROR"), ("servfail.example", 3, "UNKNOWN")],
)
def test_live_exit_codes(
    capsys: pytest.CaptureFixture[str],
    responder: FaultResponder,
    domain: str,
    code: int,
    worst: str,
) -> None:
    """Live: exit 0 when right, 1 with an ERROR, 3 when DNS failures leave no verdict."""
    result = invoke(capsys, ["check", domain, "--server", "1", "--managed", *at(responder)])
    assert code == result.code
    assert result.out.startswith(f"{domain}: {worst} ")


def test_unknown_findings_show_their_cause(
    capsys: pytest.CaptureFixture[str], responder: FaultResponder
) -> None:
    """An UNKNOWN row says why the DNS gave no answer."""
    result = invoke(capsys, ["check", "servfail.example", *at(responder)])
    assert "[cause: servfail]" in result.out
    assert "no fix: the DNS did not answer, so no record is known to be wrong" in result.out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1", ("127.0.0.1", 53)),
        ("127.0.0.1:5353", ("127.0.0.1", 5353)),
        ("::1", ("::1", 53)),
        ("[::1]", ("::1", 53)),
        ("[::1]:5353", ("::1", 5353)),
        ("[2001:DB8::1]:53", ("2001:db8::1", 53)),
    ],
)
def test_parse_nameserver(text: str, expected: tuple[str, int]) -> None:
    """HOST[:PORT] and [IPv6]:PORT give an address and a port."""
    assert expected == cli_setup.parse_nameserver(text)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--nameserver", "ns.example"], "--nameserver 'ns.example' is not an IP address[:PORT]"),
        (["--nameserver", "127.0.0.1:0"], "--nameserver '127.0.0.1:0': the port must be 1 to"),
        (["--nameserver", "127.0.0.1:x"], "--nameserver '127.0.0.1:x': the port must be 1 to"),
        (["--nameserver", "127.0.0.1:99999"], "--nameserver '127.0.0.1:99999': the port"),
        (["--nameserver", "[::1"], "--nameserver '[::1': write an IPv6 address as [ADDR]:PORT"),
        (["--nameserver", "[::1]x"], "--nameserver '[::1]x': write an IPv6 address as"),
        (["--nameserver", "[::1]:"], "--nameserver '[::1]:': the port must be 1 to 65535"),
        (["--nameserver", "127.0.0.1:"], "--nameserver '127.0.0.1:': the port must be 1 to"),
        (
            ["--nameserver", "127.0.0.1:53", "--nameserver", "127.0.0.2:54"],
            "every --nameserver must use the same port",
        ),
    ],
)
def test_bad_nameservers(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    """A nameserver that is not an IP address and port is a usage error."""
    result = invoke(capsys, ["check", "example.org", *argv])
    assert 2 == result.code
    assert one_error_line(result).startswith(expected)


class Recorder:
    """Stands in for the live source: records what it was asked to build."""

    def __init__(self) -> None:
        self.calls: list[tuple[tuple[str, ...], int, bool]] = []

    def __call__(self, nameservers: Sequence[str], port: int, /, *, concurrent: bool) -> DualSource:
        self.calls.append((tuple(nameservers), port, concurrent))
        return StaticSource({})


def test_system_nameservers_come_from_resolv_conf(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Without --zone or --nameserver, resolv.conf's nameservers are asked, on port 53."""
    conf = tmp_path / "resolv.conf"
    conf.write_text(
        "# generated\nsearch example.net\nnameserver 192.0.2.1\nnameserver bogus\n"
        "nameserver 2001:db8::1\noptions edns0\n"
    )
    recorder = Recorder()
    monkeypatch.setattr(cli_setup, "live_source", recorder)
    result = invoke(capsys, ["check", "example.org", "--resolv-conf", str(conf)])
    assert [(("192.0.2.1", "2001:db8::1"), 53, False)] == recorder.calls
    assert 1 == result.code  # nothing published: the domain does not exist


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "cannot read the nameservers from '{path}' (No such file or directory);"),
        ("search example.net\n", "no nameserver in '{path}'; give --nameserver or --zone"),
    ],
)
def test_resolv_conf_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str | None, expected: str
) -> None:
    """No usable resolv.conf is a usage error that says what to give instead."""
    conf = tmp_path / "resolv.conf"
    if content is not None:
        conf.write_text(content)
    result = invoke(capsys, ["check", "example.org", "--resolv-conf", str(conf)])
    assert 2 == result.code
    assert one_error_line(result).startswith(expected.format(path=conf))


def test_live_sources_are_built_without_the_default_resolver() -> None:
    """The live sources ask exactly the nameservers given, on the port given."""
    sync = cli_setup.live_source(["192.0.2.1"], 5353, concurrent=False)
    many = cli_setup.live_source(["192.0.2.1", "192.0.2.2"], 5353, concurrent=True)
    for source, servers in ((sync, ["192.0.2.1"]), (many, ["192.0.2.1", "192.0.2.2"])):
        resolver = source.resolver  # type: ignore[attr-defined]
        assert servers == resolver.nameservers
        assert 5353 == resolver.port
    stub = cli_setup.live_source(["192.0.2.1"], 5353, concurrent=True)
    assert isinstance(stub, AsyncStubSource)
    assert ("192.0.2.1", 5353) == (stub.transport.host, stub.transport.port)


# --- input bounds -------------------------------------------------------------


def _not_a_file(kind: str, directory: Path) -> str:
    if kind == "a named pipe":
        os.mkfifo(directory / "fifo")
        return str(directory / "fifo")
    return {"a character device": "/dev/zero", "a directory": str(directory)}[kind]


@pytest.mark.parametrize("kind", ["a named pipe", "a character device", "a directory"])
def test_zone_and_resolv_conf_must_be_regular_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str
) -> None:
    """--zone and --resolv-conf refuse a FIFO (it would block), a device, a directory: exit 2."""
    path = _not_a_file(kind, tmp_path)
    result = invoke(capsys, ["check", "example.org", "--zone", path])
    assert 2 == result.code
    assert f"cannot read the zone {path}: not a regular file ({kind})" == one_error_line(result)
    result = invoke(capsys, ["check", "example.org", "--resolv-conf", path])
    assert 2 == result.code
    assert one_error_line(result).startswith(
        f"cannot read the nameservers from {path!r} (not a regular file ({kind}));"
    )


@pytest.mark.parametrize(
    ("option", "module", "limit", "expected"),
    [
        ("--zone", source_zone, "MAX_ZONE_BYTES", "cannot read the zone {path}: larger than"),
        (
            "--resolv-conf",
            cli_setup,
            "MAX_RESOLV_CONF_BYTES",
            "cannot read the nameservers from '{path}' (larger than",
        ),
    ],
)
def test_files_over_their_limit(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    option: str,
    module: object,
    limit: str,
    expected: str,
) -> None:
    """A file over its limit is refused having read one byte past the limit, exit 2."""
    path = tmp_path / "example.org.zone"
    text = Path(READY).read_text()
    path.write_text(text)
    monkeypatch.setattr(module, limit, len(text.encode()) - 1)
    result = invoke(capsys, ["check", "example.org", option, str(path)])
    assert 2 == result.code
    assert one_error_line(result).startswith(expected.format(path=path))
    monkeypatch.setattr(module, limit, len(text.encode()))
    result = invoke(capsys, ["check", "example.org", option, str(path)])
    assert "larger than" not in result.err  # at the limit exactly, the file is read


def test_the_documented_limits() -> None:
    """The limits docs/cli.md states."""
    assert 64 * 2**20 == source_zone.MAX_ZONE_BYTES
    assert 2**20 == cli_setup.MAX_RESOLV_CONF_BYTES


def test_generate_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """$GENERATE (up to 2**32 records a line) is refused, with the line, exit 2."""
    zone = tmp_path / "example.org.zone"
    text = Path(READY).read_text()
    zone.write_text(text + "$GENERATE 1-4294967295 host$ A 192.0.2.1\n")
    result = invoke(capsys, ["check", "example.org", "--zone", str(zone)])
    assert 2 == result.code
    line = text.count("\n") + 1
    assert (
        f"cannot read the zone {zone}, near line {line}: zone file directive '$GENERATE' is "
        "not allowed (its ranges are not expanded here: write its records out)"
    ) == one_error_line(result)


def test_relay_row(capsys: pytest.CaptureFixture[str], responder: FaultResponder) -> None:
    """A non-authoritative domain's relay host gets its row: looked up, and why no fix."""
    options = ["--server", "1", "--managed", "--mode", "nonAuthoritative", *at(responder)]
    result = invoke(capsys, ["check", "good.example", *options, "--relay", "also.example"])
    assert 0 == result.code, result.out
    assert re.search(r"^OK +relay +relay\.ok +the relay host also\.example\. ", result.out, re.M)
    result = invoke(capsys, ["check", "good.example", *options, "--relay", "gone.good.example"])
    assert 1 == result.code
    lines = result.out.splitlines()
    (row,) = [
        n
        for n, line in enumerate(lines)
        if line.split()[:3] == ["ERROR", "relay", "relay.unresolvable"]
    ]
    assert lines[row + 1].strip().startswith("no fix: the relay target is a setting of the service")


def test_relay_offline_is_skipped(capsys: pytest.CaptureFixture[str]) -> None:
    """Offline, a relay host outside the zone is SKIPPED, as the provider's names are."""
    result = invoke(
        capsys,
        ["check", "example.org", "--zone", READY, *READY_OPTIONS, "--relay", "relay.example.net"],
    )
    assert 0 == result.code
    assert re.search(r"^SKIPPED +relay +dns\.outside_zone ", result.out, re.M)


# --- check: SPF judged offline and over the provider's whole space ----------------


@pytest.mark.parametrize(
    "spf",
    ["v=spf1 -all", "v=spf1 include:_spf.google.com ~all", "v=spf1 -all include:mx.ovh.com"],
)
def test_offline_spf_mistakes_fail(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, spf: str
) -> None:
    """--zone alone: a record that leaves the provider out exits 1, the stand-in named."""
    zone = tmp_path / "example.org.zone"
    zone.write_text(Path(READY).read_text().replace("v=spf1 include:mx.ovh.com ~all", spf))
    result = invoke(capsys, ["check", "example.org", "--zone", str(zone), *READY_OPTIONS])
    assert 1 == result.code
    row = next(line for line in result.out.splitlines() if "spf.provider_not_authorized" in line)
    assert row.startswith("ERROR    spf")
    assert "mx.ovh.com was not read (offline)" in row
    assert "fix: replace" in result.out


def test_live_partly_authorized_is_shown(capsys: pytest.CaptureFixture[str]) -> None:
    """Live: the ranges of the provider that fail are in the row of the new code."""
    records = live_records("part.example") | {
        "part.example": {
            **live_records("part.example")["part.example"],
            "TXT": ['"v=spf1 ip4:198.51.100.0/25 -all"'],
        }
    }
    with FaultResponder(records) as server:
        result = invoke(
            capsys, ["check", "part.example", "--server", "1", "--managed", *at(server)]
        )
    assert 1 == result.code
    rows = [line for line in result.out.splitlines() if " spf " in line]
    assert rows[0].startswith("ERROR    spf           spf.provider_partly_authorized")
    assert "198.51.100.128/25 get fail" in rows[0]
    assert rows[1].startswith("WARNING  spf           spf.provider_by_address")
