"""The second opinion on the control panel: the panel's flags set against a diagnosis."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from emailpro_core.checker import (
    Badge,
    Check,
    Diagnosis,
    Finding,
    PanelState,
    PanelVerdict,
    SecondOpinion,
    Status,
    check_domain,
    second_opinion,
)
from emailpro_core.checker._opinion import _MESSAGES
from emailpro_core.errors import InvalidApiObject
from emailpro_core.records import DomainSetup, expected_records
from emailpro_core.sources import FailureCause, StaticSource, ZoneSource

DATA = Path(__file__).parent / "ovh_api"
ZONE = DATA / "example.org.zone"
PROVIDER = StaticSource({"mx.ovh.com": {"TXT": "v=spf1 ip4:198.51.100.0/24 -all"}})


def load(name: str) -> Any:
    """A fixture of tests/ovh_api."""
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def finding(check: Check, status: Status, code: str, name: str = "example.org.") -> Finding:
    """A finding with an empty message."""
    return Finding(check, status, code, "", name)


def panel(**flags: Any) -> PanelState:
    """A validated panel, all green, with ``flags`` changed."""
    values: dict[str, Any] = {
        "validated": True,
        "mx_valid": True,
        "spf_valid": True,
        "srv_valid": True,
    }
    values.update(flags)
    return PanelState("example.org", **values)


# --- reading the flags -----------------------------------------------------------


def test_panel_from_api() -> None:
    """The panel's flags and the DKIM objects' own, as the API gives them."""
    state = PanelState.from_api(load("domain.json"), dkim=load("dkim-both.json"))
    assert (state.domain, state.validated, state.mx_valid, state.spf_valid, state.srv_valid) == (
        "example.org",
        True,
        True,
        False,
        True,
    )
    assert (state.ownership_token, state.dkim_state) == ("ab1cd-check", "active")
    assert [(s.name, s.cname_valid, s.status) for s in state.selectors] == [
        ("ovhemp123456-selector1", True, "inProduction"),
        ("ovhemp123456-selector2", False, "ready"),
    ]


@pytest.mark.parametrize(
    ("domain", "dkim", "expected"),
    [
        (
            load("domain-missing.json"),
            (),
            [("api.missing_key", "domain.name"), ("api.missing_key", "domain.mxIsValid")],
        ),
        (
            load("domain-wrong-types.json"),
            (),
            [("api.wrong_type", "domain.domainValidated"), ("api.wrong_type", "domain.srvIsValid")],
        ),
        (
            {**load("domain.json"), "dkimDiagnostics": {"state": "broken"}},
            (),
            [("api.unknown_value", "domain.dkimDiagnostics.state")],
        ),
        (
            {**load("domain.json"), "dkimDiagnostics": []},
            (),
            [("api.wrong_type", "domain.dkimDiagnostics")],
        ),
        (
            load("domain.json"),
            load("dkim-other-domain.json"),
            [("api.other_domain", "dkim[0].customerRecord")],
        ),
        (
            load("domain.json"),
            [{"selectorName": "ovhemp1-selector1"}],
            [("api.missing_key", "dkim[0].cnameIsValid"), ("api.missing_key", "dkim[0].status")],
        ),
        ({**load("domain.json"), "name": "a..b"}, (), [("domain.empty_label", "domain.name")]),
        (42, (), [("api.not_an_object", "domain")]),
    ],
)
def test_panel_from_bad_objects(domain: Any, dkim: Any, expected: list[tuple[str, str]]) -> None:
    """Every problem at once, with its path."""
    with pytest.raises(InvalidApiObject) as error:
        PanelState.from_api(domain, dkim=dkim)
    assert expected == [(v.code, v.params.get("path")) for v in error.value.violations]


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (panel(), [("mx", "green"), ("spf", "green"), ("srv", "green"), ("ownership", "green")]),
        (
            panel(validated=False, ownership_token="ab1cd"),
            [("mx", "none"), ("spf", "none"), ("srv", "none"), ("ownership", "red")],
        ),
        (
            panel(validated=False),
            [("mx", "none"), ("spf", "none"), ("srv", "none"), ("ownership", "none")],
        ),
        (
            panel(dkim_state="disabled", mx_valid=False),
            [
                ("mx", "red"),
                ("spf", "green"),
                ("srv", "green"),
                ("ownership", "green"),
                ("dkim", "orange"),
            ],
        ),
    ],
)
def test_badges(state: PanelState, expected: list[tuple[str, str]]) -> None:
    """The badges the panel shows (reference §10): none before validation."""
    assert expected == [(b.record, b.badge.value) for b in state.badges()]


@pytest.mark.parametrize(
    ("state", "badge"),
    [
        ("active", Badge.GREEN),
        ("error", Badge.RED),
        ("disabled", Badge.ORANGE),
        ("toConfigure", Badge.GREY),
        ("inProgress", Badge.BLUE),
    ],
)
def test_dkim_state_colours(state: str, badge: Badge) -> None:
    """dkimDiagnostics.state maps to the colours of the newer panel code."""
    (dkim,) = [b for b in panel(dkim_state=state).badges() if b.record == "dkim"]
    assert dkim.badge is badge


# --- the verdicts ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "status", "verdict", "reason"),
    [
        (panel(), Status.OK, PanelVerdict.AGREES, "panel.agrees"),
        (panel(), Status.WARNING, PanelVerdict.AGREES, "panel.agrees"),
        (panel(), Status.ERROR, PanelVerdict.LAXER, "panel.laxer.mx"),
        (panel(mx_valid=False), Status.OK, PanelVerdict.STRICTER, "panel.stricter.mx"),
        (panel(mx_valid=False), Status.WARNING, PanelVerdict.AGREES, "panel.agrees"),
        (panel(mx_valid=False), Status.ERROR, PanelVerdict.AGREES, "panel.agrees"),
        (panel(), Status.UNKNOWN, PanelVerdict.UNDECIDED, "panel.undecided"),
        (panel(), Status.SKIPPED, PanelVerdict.UNDECIDED, "panel.undecided"),
        (panel(validated=False), Status.ERROR, PanelVerdict.HIDDEN, "panel.hidden.not_validated"),
    ],
)
def test_mx_verdicts(state: PanelState, status: Status, verdict: PanelVerdict, reason: str) -> None:
    """A WARNING agrees with either colour; UNKNOWN and SKIPPED decide nothing."""
    diagnosis = Diagnosis("example.org", [finding(Check.MX, status, "mx.x")])
    (mx, *_) = second_opinion(state, diagnosis).opinions
    assert (mx.record, mx.verdict, mx.code, mx.reason) == ("mx", verdict, verdict.code, reason)
    assert mx.finding == "mx.x"
    assert mx.message == _MESSAGES[reason].format(**mx.params)


def test_every_disagreement_has_its_own_sentence() -> None:
    """Stricter and laxer have a template for each record kind; each names the finding."""
    for verdict in ("stricter", "laxer"):
        for kind in ("mx", "spf", "srv", "ownership", "dkim", "selector"):
            assert "{finding}" in _MESSAGES[f"panel.{verdict}.{kind}"]
    assert all(key.startswith(("panel.", "api.")) for key in _MESSAGES)


def test_ownership_and_selectors() -> None:
    """Ownership follows domainValidated; each selector, its cnameIsValid."""
    state = PanelState.from_api(
        {**load("domain.json"), "domainValidated": False}, dkim=load("dkim-both.json")
    )
    diagnosis = Diagnosis(
        "example.org",
        [
            finding(Check.OWNERSHIP, Status.OK, "ownership.ok", "ab1cd-check.example.org."),
            finding(
                Check.DKIM,
                Status.ERROR,
                "dkim.missing",
                "ovhemp123456-selector1._domainkey.example.org.",
            ),
            finding(
                Check.DKIM, Status.OK, "dkim.ok", "ovhemp123456-selector2._domainkey.example.org."
            ),
            finding(
                Check.DKIM,
                Status.SKIPPED,
                "dns.outside_zone",
                "ovhemp123456-selector2._domainkey.1675.ac.dkim.mail.ovh.net.",
            ),
        ],
    )
    opinion = second_opinion(state, diagnosis)
    assert [(o.record, o.code, o.reason) for o in opinion.opinions] == [
        ("mx", "panel.undecided", "panel.undecided.not_checked"),
        ("spf", "panel.undecided", "panel.undecided.not_checked"),
        ("srv", "panel.undecided", "panel.undecided.not_checked"),
        ("ownership", "panel.stricter", "panel.stricter.ownership"),
        ("dkim", "panel.laxer", "panel.laxer.dkim"),
        ("dkim:ovhemp123456-selector1", "panel.laxer", "panel.laxer.selector"),
        ("dkim:ovhemp123456-selector2", "panel.stricter", "panel.stricter.selector"),
    ]
    assert [o.record for o in opinion.disagreements] == [
        "ownership",
        "dkim",
        "dkim:ovhemp123456-selector1",
        "dkim:ovhemp123456-selector2",
    ]
    assert opinion.opinions[-1].message == (
        "the panel marks the CNAME of selector ovhemp123456-selector2 as not valid, yet it "
        "leads to the provider's target (dkim.ok)"
    )


def test_srv_leaves_the_autodiscover_name_aside() -> None:
    """The SRV badge is judged on the SRV record, not on the autodiscover name."""
    diagnosis = Diagnosis(
        "example.org",
        [
            finding(Check.AUTODISCOVER, Status.OK, "srv.ok", "_autodiscover._tcp.example.org."),
            finding(Check.AUTODISCOVER, Status.WARNING, "autodiscover.shadowed", "example.org."),
            finding(Check.AUTODISCOVER, Status.UNKNOWN, "dns.unknown", "autodiscover.example.org."),
        ],
    )
    srv = second_opinion(panel(srv_valid=False), diagnosis).opinions[2]
    assert (srv.record, srv.status, srv.code) == ("srv", Status.OK, "panel.stricter")


def test_hidden_dkim_state_and_no_token() -> None:
    """A DKIM state that is no verdict on DNS, and an ownership badge never shown."""
    diagnosis = Diagnosis(
        "example.org",
        [
            finding(Check.OWNERSHIP, Status.SKIPPED, "ownership.token_unknown"),
            finding(Check.DKIM, Status.OK, "dkim.ok"),
        ],
    )
    opinion = second_opinion(panel(validated=False, dkim_state="toConfigure"), diagnosis)
    assert [(o.record, o.reason) for o in opinion.opinions][3:] == [
        ("ownership", "panel.hidden.no_token"),
        ("dkim", "panel.hidden.dkim_state"),
    ]
    assert opinion.opinions[-1].message.startswith("the panel's DKIM state is toConfigure")


def test_rendering() -> None:
    """to_dict and to_text show each badge; a panel that agrees says so."""
    diagnosis = Diagnosis("example.org", [finding(Check.MX, Status.OK, "mx.ok")])
    opinion = second_opinion(panel(), diagnosis)
    assert opinion.agrees
    data = opinion.to_dict()
    assert (data["domain"], data["agrees"]) == ("example.org", True)
    assert data["opinions"][0] == {
        "record": "mx",
        "badge": "green",
        "status": "ok",
        "finding": "mx.ok",
        "code": "panel.agrees",
        "reason": "panel.agrees",
        "message": "the panel shows MX green and the diagnosis agrees (OK, mx.ok)",
        "params": {
            "label": "MX",
            "badge": "green",
            "status": "OK",
            "finding": "mx.ok",
            "selector": "",
            "state": "",
        },
    }
    assert data["opinions"][1]["status"] is None
    text = opinion.to_text().splitlines()
    assert text[0] == "control panel, second opinion for example.org: agrees"
    assert text[1].split()[:4] == ["mx", "green", "OK", "panel.agrees:"]
    assert text[2].split()[:4] == ["spf", "green", "-", "panel.undecided:"]
    one = second_opinion(panel(mx_valid=False), diagnosis).to_text().splitlines()[0]
    assert one.endswith(": 1 disagreement")
    assert isinstance(opinion, SecondOpinion)
    assert opinion.codes[0] == "panel.agrees"


def test_refuses_a_diagnosis_of_another_domain() -> None:
    """Objects that disagree are refused: the panel of one domain, the diagnosis of another."""
    with pytest.raises(InvalidApiObject) as error:
        second_opinion(panel(), Diagnosis("example.com", []))
    (violation,) = error.value.violations
    assert (violation.code, violation.params["path"]) == ("api.domain_mismatch", "domain.name")
    with pytest.raises(TypeError, match="panel must be a PanelState"):
        second_opinion({}, Diagnosis("example.org", []))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="diagnosis must be a Diagnosis"):
        second_opinion(panel(), {})  # type: ignore[arg-type]


# --- with zone sources: no live DNS ---------------------------------------------------


def test_second_opinion_over_a_zone_file() -> None:
    """The panel green on MX and red on SPF, set against the zone's records."""
    domain, dkim = load("domain.json"), load("dkim-both.json")
    setup = DomainSetup.from_api(domain, dkim=dkim)
    zone = ZoneSource.from_file(ZONE)  # offline: the keys behind the CNAMEs are SKIPPED
    opinion = second_opinion(PanelState.from_api(domain, dkim=dkim), check_domain(setup, zone))
    assert [(o.record, o.code, o.finding) for o in opinion.opinions] == [
        ("mx", "panel.laxer", "mx.foreign"),
        ("spf", "panel.stricter", "spf.ok"),
        ("srv", "panel.agrees", "srv.ok"),
        ("ownership", "panel.agrees", "ownership.ok"),
        ("dkim", "panel.agrees", "dkim.ok"),
        ("dkim:ovhemp123456-selector1", "panel.agrees", "dkim.ok"),
        ("dkim:ovhemp123456-selector2", "panel.stricter", "dkim.ok"),
    ]


def test_second_opinion_over_static_records() -> None:
    """Records in memory: a right zone agrees with a green panel; a DNS failure decides nothing."""
    setup = DomainSetup("example.org", server_number=1, managed_in_account=True)
    text = "\n".join(
        [
            "example.org. 3600 IN SOA ns1.example.org. h.example.org. 1 7200 900 1209600 300",
            "example.org. 3600 IN NS ns1.example.org.",
            expected_records(setup).to_zone_text(),
        ]
    )
    zone = ZoneSource.from_text(text, origin="example.org", fallback=PROVIDER)
    state = panel()
    assert second_opinion(state, check_domain(setup, zone)).agrees
    records: dict[str, dict[str, object]] = {
        "example.org": {"MX": ["1 mx0.mail.ovh.net."], "TXT": "v=spf1 include:mx.ovh.com ~all"},
        "mx.ovh.com": {"TXT": "v=spf1 ip4:198.51.100.0/24 -all"},
    }
    failing = StaticSource(
        records, failures={"_autodiscover._tcp.example.org": FailureCause.TIMEOUT}
    )
    opinion = second_opinion(state, check_domain(setup, failing))
    by_record = {o.record: o for o in opinion.opinions}
    assert (by_record["srv"].code, by_record["srv"].status) == ("panel.undecided", Status.UNKNOWN)
    assert by_record["mx"].code == "panel.agrees"  # a subset of the hosts is a WARNING
    assert by_record["mx"].status is Status.WARNING


# --- in French -----------------------------------------------------------------------


def test_second_opinion_in_french() -> None:
    """Each opinion and the heading render in French; codes and params do not change."""
    zone = ZoneSource.from_file(ZONE)
    state = PanelState.from_api(load("domain.json"), dkim=load("dkim-both.json"))
    setup = DomainSetup.from_api(load("domain.json"), dkim=load("dkim-both.json"))
    opinion = second_opinion(state, check_domain(setup, zone))
    french = opinion.to_text("fr")
    assert french.splitlines()[0].startswith("panneau de configuration, deuxième avis pour")
    assert opinion.to_text() == opinion.to_text("en")
    assert [o["code"] for o in opinion.to_dict("fr")["opinions"]] == list(opinion.codes)
    for one in opinion.opinions:
        assert one.render("fr") != one.message
        assert f"{one.code}\u00a0: {one.render('fr')}" in french
    assert "en vert" in french
    assert "green" not in french.replace(" green ", "")  # only the colour column


@pytest.mark.parametrize(
    ("count", "heading"),
    [
        (0, "panneau de configuration, deuxième avis pour example.org\u00a0: d’accord"),
        (1, "panneau de configuration, deuxième avis pour example.org\u00a0: 1 désaccord"),
        (2, "panneau de configuration, deuxième avis pour example.org\u00a0: 2 désaccords"),
    ],
)
def test_french_heading(count: int, heading: str) -> None:
    """The heading counts the disagreements, singular for one."""
    red = {"mx_valid": False, "spf_valid": False}
    flags = dict(list(red.items())[:count])
    setup = DomainSetup("example.org", server_number=1, managed_in_account=True)
    soa = "example.org. 3600 IN SOA ns1.example.org. h.example.org. 1 7200 900 1209600 300"
    ns = "example.org. 3600 IN NS ns1.example.org."
    text = "\n".join([soa, ns, expected_records(setup).to_zone_text()])
    zone = ZoneSource.from_text(text, origin="example.org", fallback=PROVIDER)
    text = second_opinion(panel(**flags), check_domain(setup, zone)).to_text("fr")
    assert text.splitlines()[0] == heading
