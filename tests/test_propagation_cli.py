"""The ``propagation`` command: options, resolvers, the table, the exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import emailpro_core.cli._propagation as command
from emailpro_core.checker._diagnosis import Diagnosis
from emailpro_core.checker._findings import Check, Finding, Status
from emailpro_core.checker._phrases import Phrase
from emailpro_core.cli import main
from emailpro_core.propagation import Nameserver, Outcome, Served, Server, ServerState, Verdict
from emailpro_core.propagation._model import PropagationReport, RecordPropagation
from emailpro_core.propagation._verdict import decide

NOW = 1_700_000_000.0
OK = Diagnosis("example.org", (Finding(Check.MX, Status.OK, "mx.ok", "fine", "example.org."),))
BAD = Diagnosis(
    "example.org", (Finding(Check.SPF, Status.ERROR, "spf.missing", "none", "example.org."),)
)


def record(verdict: Verdict, expires_at: float | None = None) -> RecordPropagation:
    served = Served("192.0.2.1", "answer", ("v=spf1 -all",), 300, "example.org", 2)
    return RecordPropagation(
        "example.org",
        "TXT",
        verdict,
        (served,),
        (),
        f"it is {verdict.value}",
        expires_at=expires_at,
    )


def report(
    *records: RecordPropagation,
    diagnosis: Diagnosis | None = OK,
    servers: tuple[Server, ...] = (
        Server("192.0.2.1", ("ns1.example.org",), ServerState.AUTHORITATIVE, 2),
    ),
    nameservers: tuple[Nameserver, ...] = (),
    cause: str | None = None,
) -> PropagationReport:
    return PropagationReport(
        "example.org",
        "example.org",
        NOW,
        nameservers,
        servers,
        ("192.0.2.53",),
        records,
        diagnosis,
        cause,
    )


@pytest.mark.parametrize(
    ("made", "outcome", "code"),
    [
        (report(record(Verdict.IN_SYNC)), Outcome.IN_SYNC, 0),
        (report(record(Verdict.IN_SYNC), diagnosis=BAD), Outcome.ZONE_WRONG, 1),
        (report(record(Verdict.UNKNOWN)), Outcome.UNKNOWN, 3),
        (report(record(Verdict.STALE, NOW + 60)), Outcome.STALE, 4),
        (report(record(Verdict.SERVERS_DISAGREE)), Outcome.SERVERS_DISAGREE, 5),
        (report(record(Verdict.IN_SYNC), diagnosis=None), Outcome.UNKNOWN, 3),
        (report(record(Verdict.STALE, NOW), cause="no NS"), Outcome.UNKNOWN, 3),
    ],
)
def test_outcomes_and_exit_codes(made: PropagationReport, outcome: Outcome, code: int) -> None:
    """Each outcome has its exit code; the worst outcome wins."""
    assert (outcome, code) == (made.outcome, command.exit_code(made))


def test_table_of_a_stale_domain() -> None:
    """The table: the outcome, the expiry, the servers, the records, the diagnosis."""
    lines = command.report_table(report(record(Verdict.STALE, NOW + 11_525)), color=False, now=NOW)
    assert [
        "example.org: STALE - the zone is right; only caches are behind",
        "  the last stale copy expires at 2023-11-15T01:25:25Z (in 3 h 12 min 5 s)",
        "zone example.org.  checked at 2023-11-14T22:13:20Z",
        "SERVER                 STATE          SERIAL      NAMES",
        "192.0.2.1              authoritative  2           ns1.example.org.",
        "resolvers: 192.0.2.53",
        "VERDICT           TYPE   NAME",
        "stale             TXT    example.org.",
        "  it is stale",
        "the diagnosis of the authoritative view:",
    ] == lines[:10]


def test_table_of_a_domain_without_servers() -> None:
    """Bad servers, unresolved NS names and the cause are shown; no diagnosis is said."""
    lame = Server("192.0.2.2", ("ns2.example.org",), ServerState.LAME, None, "no AA\x1b[2J")
    lines = command.report_table(
        report(
            record(Verdict.UNKNOWN),
            diagnosis=None,
            servers=(lame,),
            nameservers=(Nameserver("gone.example.net", (), "nxdomain"),),
            cause="no NS name of the zone resolves",
        ),
        color=True,
        now=NOW,
    )
    assert "  no NS name of the zone resolves" == lines[1]
    assert "192.0.2.2              lame                       ns2.example.org." == lines[4]
    assert "  no AA\\x1b[2J" == lines[5]
    assert "gone.example.net.: does not resolve (nxdomain)" == lines[6]
    assert "\x1b[35munknown          \x1b[0m TXT    example.org." == lines[9]
    assert "no diagnosis: no server answered for the zone" == lines[-1]


def _fake(monkeypatch: pytest.MonkeyPatch, made: PropagationReport) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def check(setup: object, **options: Any) -> PropagationReport:
        seen.update(options, setup=setup)
        return made

    monkeypatch.setattr(command, "check_propagation", check)
    return seen


def test_command_options_reach_the_check(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--resolver, --ns-port, --timeout, --deadline, --no-ipv6 and the setup options."""
    seen = _fake(monkeypatch, report(record(Verdict.STALE, NOW + 5)))
    argv = ["propagation", "Example.ORG", "--resolver", "192.0.2.53", "--resolver"]
    argv += ["[2001:db8::53]:5353", "--ns-port", "5300", "--timeout", "0.5"]
    argv += ["--deadline", "9", "--no-ipv6", "--server", "3", "--json"]
    assert 4 == main(argv)
    assert [("192.0.2.53", 53), ("2001:db8::53", 5353)] == seen["resolvers"]
    assert (5300, 0.5, 9.0, False) == (
        seen["port"],
        seen["timeout"],
        seen["deadline"],
        seen["ipv6"],
    )
    assert (3, "example.org") == (seen["setup"].server_number, seen["setup"].domain.ascii)
    assert "stale" == json.loads(capsys.readouterr().out)["outcome"]


def test_resolvers_come_from_resolv_conf(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --resolver, the nameservers of --resolv-conf are the resolvers."""
    seen = _fake(monkeypatch, report(record(Verdict.IN_SYNC)))
    conf = tmp_path / "resolv.conf"
    conf.write_text("nameserver 192.0.2.7\nnameserver 192.0.2.8\n")
    assert 0 == main(["propagation", "example.org", "--resolv-conf", str(conf)])
    assert [("192.0.2.7", 53), ("192.0.2.8", 53)] == seen["resolvers"]
    assert capsys.readouterr().out.startswith("example.org: IN_SYNC")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--resolver", "dns.example"], "is not an IP address"),
        (["--ns-port", "0"], "--ns-port must be 1 to 65535"),
        (["--resolv-conf", "/nonexistent/resolv.conf"], "cannot read the resolvers"),
        (["--resolv-conf", "EMPTY"], "no nameserver in"),
    ],
)
def test_bad_usage_exits_2(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bad options: exit 2 with one line saying why."""
    empty = tmp_path / "resolv.conf"
    empty.write_text("# nothing\n")
    argv = [str(empty) if arg == "EMPTY" else arg for arg in argv]
    assert 2 == main(["propagation", "example.org", *argv])
    assert message in capsys.readouterr().err


# --- in French ---------------------------------------------------------------------

N, T = "\u00a0", "\u202f"


def _french_report() -> PropagationReport:
    made = decide(
        "example.org",
        "TXT",
        [Served("192.0.2.1", "answer", ("v=spf1 include:mx.ovh.com ~all",), 300, "example.org", 2)],
        [Served("192.0.2.53", "answer", ("v=spf1 -all",), 11_525, "example.org")],
        now=NOW,
    )
    lame = Server.of(
        "192.0.2.2", ("ns2.example.org",), ServerState.LAME, None, Phrase("propagation.server.lame")
    )
    return report(made, servers=(*report().servers, lame), diagnosis=BAD)


def test_table_in_french() -> None:
    """The verdict, the expiry, a server's detail and the diagnosis, in French."""
    lines = command.report_table(_french_report(), color=False, now=NOW, lang="fr")
    assert (
        f"  la dernière copie périmée expire le 2023-11-15T01:25:25Z (dans 3{N}h 12{N}min 5{N}s)"
        == lines[1]
    )
    assert "  répond sans le bit AA" == lines[6]
    assert (
        f"  la zone DNS sert «{N}v=spf1 include:mx.ovh.com ~all{N}»{T}; 192.0.2.53 sert encore "
        f"«{N}v=spf1 -all{N}» pendant 3{N}h 12{N}min 5{N}s"
    ) == lines[10]
    french_finding = BAD.findings[0].render("fr")
    assert any(french_finding in line for line in lines[12:])


def test_json_in_french(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--lang fr --json: the messages in French, the codes, keys and params as in English."""
    _fake(monkeypatch, _french_report())
    assert 1 == main(
        ["--lang", "fr", "propagation", "example.org", "--resolver", "192.0.2.53", "--json"]
    )
    french = json.loads(capsys.readouterr().out)
    assert 1 == main(["propagation", "example.org", "--resolver", "192.0.2.53", "--json"])
    english = json.loads(capsys.readouterr().out)
    (record_fr,), (record_en,) = french["records"], english["records"]
    assert record_fr["message"].startswith(f"la zone DNS sert «{N}v=spf1")
    assert "répond sans le bit AA" == french["servers"][1]["detail"]
    assert (record_fr["key"], record_fr["params"]) == (record_en["key"], record_en["params"])
    assert french["outcome"] == english["outcome"] == "zone_wrong"
