"""check_propagation over a world in memory: servers and resolvers that answer from tables."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping

import attrs
import pytest

from emailpro_core.errors import InvalidSetup
from emailpro_core.propagation import Outcome, ServerState, Verdict
from emailpro_core.propagation._check import (
    _check,
    _check_async,
    check_propagation,
    check_propagation_async,
    questions_of,
)
from emailpro_core.propagation._flow import Plan, gather
from emailpro_core.propagation._model import PropagationReport
from emailpro_core.propagation._run import ViewSource, _View, drive_sync
from emailpro_core.propagation._wire import DEADLINE_DETAIL, Ask, Reply, too_late
from emailpro_core.records import expected_records
from emailpro_core.records._profiles import OVH_EMAIL_PRO
from emailpro_core.records._setup import DkimSelector, DomainSetup
from emailpro_core.sources._answers import (
    MX,
    SRV,
    TXT,
    Answer,
    AnswerStatus,
    FailureCause,
    Query,
    RData,
)
from test_checker_zones import SELECTOR1, TARGET1

DOMAIN = "example.org"
SETUP = DomainSetup(DOMAIN, server_number=1, managed_in_account=True)
RESOLVER = ("192.0.2.53", 53)
NS1, NS2 = "192.0.2.1", "192.0.2.2"
GOOD_SPF = "v=spf1 include:mx.ovh.com ~all"
NOW_TTL = 100

Table = dict[tuple[str, str], Answer]


def answer(name: str, rdtype: str, *records: RData, ttl: int = 300) -> Answer:
    """An answer with ``records``; none: NXDOMAIN."""
    query = Query(name, rdtype)
    if not records:
        return Answer(query, AnswerStatus.NXDOMAIN, ttl=ttl)
    return Answer(query, AnswerStatus.ANSWER, records, ttl)


def zone_records(setup: DomainSetup = SETUP, spf: str = GOOD_SPF) -> Table:
    """What a correct zone of ``setup`` serves, SPF as given."""
    table: dict[tuple[str, str], list[RData]] = {}
    for record in expected_records(setup):
        value = record.rdata
        if record.type == "TXT" and record.check == "spf":
            value = TXT((spf.encode(),))
        assert value is not None
        table.setdefault((record.name, record.type), []).append(value)
    return {key: answer(*key, *values) for key, values in table.items()}


#: What the resolver knows outside the zone: the NS set, the provider's names.
WORLD: Table = {
    (DOMAIN, "NS"): answer(DOMAIN, "NS", "ns1.example.org", "ns2.example.org"),
    ("ns1.example.org", "A"): answer("ns1.example.org", "A", NS1),
    ("ns2.example.org", "A"): answer("ns2.example.org", "A", NS2),
    ("mx.ovh.com", "TXT"): answer("mx.ovh.com", "TXT", TXT((b"v=spf1 ip4:198.51.100.0/24 -all",))),
    ("pro1.mail.ovh.net", "A"): answer("pro1.mail.ovh.net", "A", "198.51.100.1"),
}


def soa(serial: int, zone: str = DOMAIN) -> Reply:
    """A server's authoritative reply to the SOA question."""
    return Reply(answer(zone, "SOA", "ns1 hostmaster"), True, zone, serial)


@attrs.define
class World:
    """Servers by address (their replies by question) and one resolver's cache."""

    servers: dict[str, dict[tuple[str, str], Reply]]
    resolver: Table
    asked: list[Ask] = attrs.field(factory=list)

    def send(self, ask: Ask, budget: float) -> Reply:
        self.asked.append(ask)
        key = (ask.query.name, ask.query.rdtype)
        if ask.recursive:
            found = self.resolver.get(key) or {**WORLD}.get(key)
            if found is None:
                found = Answer(ask.query, AnswerStatus.NXDOMAIN, ttl=NOW_TTL)
            return Reply(found)
        table = self.servers.get(ask.host, {})
        if key in table:
            return table[key]
        return Reply(Answer(ask.query, AnswerStatus.NODATA, ttl=300), True, DOMAIN, 1)

    async def send_async(self, ask: Ask, budget: float) -> Reply:
        await asyncio.sleep(0)
        return self.send(ask, budget)


def server(serial: int, records: Table) -> dict[tuple[str, str], Reply]:
    """A server of the zone serving ``records`` with the AA bit."""
    replies = {key: Reply(value, True, None, None) for key, value in records.items()}
    replies[(DOMAIN, "SOA")] = soa(serial)
    return replies


def run(
    world: World,
    setup: DomainSetup = SETUP,
    *,
    port: int = 53,
    deadline: float | None = None,
    ipv6: bool = False,
) -> PropagationReport:
    """The sync check over ``world``; the async one must give the same report."""
    options = ([RESOLVER], port, 1.0, deadline, ipv6)
    report = _check(setup, OVH_EMAIL_PRO, *options, world.send)
    later = asyncio.run(_check_async(setup, OVH_EMAIL_PRO, *options, world.send_async))
    assert _relative(report) == _relative(later)
    return report


def _relative(report: PropagationReport) -> PropagationReport:
    """``report`` with its times counted from the check (two runs are seconds apart)."""
    records = tuple(
        attrs.evolve(
            r, expires_at=None if r.expires_at is None else r.expires_at - report.checked_at
        )
        for r in report.records
    )
    return attrs.evolve(report, checked_at=0, records=records)


def verdicts(report: PropagationReport) -> dict[tuple[str, str], Verdict]:
    return {(r.name, r.type): r.verdict for r in report.records}


def test_in_sync() -> None:
    """Both servers and the resolver serve the zone: in sync, the diagnosis is clean."""
    records = zone_records()
    world = World({NS1: server(2, records), NS2: server(2, records)}, dict(records))
    report = run(world)
    assert Outcome.IN_SYNC == report.outcome
    assert {Verdict.IN_SYNC} == set(verdicts(report).values())
    assert DOMAIN == report.zone
    assert [(NS1, ServerState.AUTHORITATIVE, 2), (NS2, ServerState.AUTHORITATIVE, 2)] == [
        (s.address, s.state, s.serial) for s in report.servers
    ]
    assert report.diagnosis is not None
    assert report.diagnosis.ok
    assert report.expires_at is None
    # Each server is asked without recursion; the resolver with it.
    assert {False} == {a.recursive for a in world.asked if a.host in (NS1, NS2)}
    assert {True} == {a.recursive for a in world.asked if a.host == RESOLVER[0]}


def test_stale_spf_with_the_zone_right() -> None:
    """The resolver holds the old SPF: stale, with its expiry; the zone is right."""
    records = zone_records()
    cache = dict(records)
    cache[(DOMAIN, "TXT")] = answer(DOMAIN, "TXT", TXT((b"v=spf1 -all",)), ttl=11_525)
    world = World({NS1: server(2, records), NS2: server(2, records)}, cache)
    report = run(world)
    assert Outcome.STALE == report.outcome
    spf = next(r for r in report.records if (r.name, r.type) == (DOMAIN, "TXT"))
    assert Verdict.STALE == spf.verdict
    assert report.checked_at + 11_525 == spf.expires_at == report.expires_at
    assert ("192.0.2.53",) == spf.stale


def test_zone_wrong_beats_stale() -> None:
    """The zone itself serves the wrong SPF: zone_wrong, whatever the caches hold."""
    records = zone_records(spf="v=spf1 -all")
    world = World({NS1: server(2, records), NS2: server(2, records)}, zone_records())
    assert Outcome.ZONE_WRONG == run(world).outcome


def test_servers_disagree_and_the_view_reads_the_highest_serial() -> None:
    """A secondary behind: servers_disagree; the diagnosis reads the newer copy."""
    new, old = zone_records(), zone_records(spf="v=spf1 -all")
    world = World({NS1: server(1, old), NS2: server(7, new)}, dict(new))
    report = run(world)
    assert Outcome.SERVERS_DISAGREE == report.outcome
    assert Verdict.SERVERS_DISAGREE == verdicts(report)[(DOMAIN, "TXT")]
    assert report.diagnosis is not None
    assert report.diagnosis.ok


def _failing(reply: Reply) -> dict[tuple[str, str], Reply]:
    replies = dict.fromkeys(zone_records(), reply)
    replies[(DOMAIN, "SOA")] = reply
    return replies


def _failure(cause: FailureCause, detail: str = "") -> Reply:
    return Reply(Answer(Query(DOMAIN, "SOA"), AnswerStatus.FAILURE, cause=cause, detail=detail))


@pytest.mark.parametrize(
    ("reply", "state", "detail"),
    [
        (
            _failure(FailureCause.TIMEOUT, "no reply in time"),
            ServerState.TIMEOUT,
            "no reply in time",
        ),
        (_failure(FailureCause.REFUSED), ServerState.REFUSED, "refuses to answer for the zone"),
        (_failure(FailureCause.SERVFAIL, "SERVFAIL"), ServerState.FAILED, "SERVFAIL"),
        (
            Reply(answer(DOMAIN, "SOA", "x"), False),
            ServerState.LAME,
            "answers without the AA bit",
        ),
        (
            Reply(Answer(Query(DOMAIN, "SOA"), AnswerStatus.NODATA), False, referral=True),
            ServerState.LAME,
            "refers the question to other servers (no AA bit)",
        ),
        (
            Reply(Answer(Query(DOMAIN, "SOA"), AnswerStatus.NXDOMAIN), True, "org", 5),
            ServerState.OTHER_ZONE,
            "answers for the zone org., not for example.org.",
        ),
        (
            Reply(Answer(Query(DOMAIN, "SOA"), AnswerStatus.NODATA), True),
            ServerState.OTHER_ZONE,
            "answers for another zone, not for example.org.",
        ),
    ],
)
def test_a_bad_server_is_reported_never_missing(
    reply: Reply, state: ServerState, detail: str
) -> None:
    """Each way a server fails is its state; its answers are no copy of the zone."""
    records = zone_records()
    world = World({NS1: server(2, records), NS2: _failing(reply)}, dict(records))
    report = run(world)
    assert (NS2, state, detail) == (
        report.servers[1].address,
        report.servers[1].state,
        report.servers[1].detail,
    )
    assert {Verdict.IN_SYNC} == set(verdicts(report).values())
    assert {"failure"} == {r.servers[1].status for r in report.records}
    assert {state.value} == {r.servers[1].cause for r in report.records}
    assert Outcome.UNKNOWN == report.outcome


def test_an_answer_without_aa_from_a_good_server_is_lame() -> None:
    """A record answered without the AA bit by a server of the zone does not count."""
    records = zone_records()
    replies = server(2, records)
    replies[(DOMAIN, "MX")] = Reply(records[(DOMAIN, "MX")], False)
    world = World({NS1: replies}, dict(records))
    world.resolver[(DOMAIN, "NS")] = answer(DOMAIN, "NS", "ns1.example.org")
    report = run(world)
    mx = next(r for r in report.records if r.type == "MX")
    assert ("failure", "lame") == (mx.servers[0].status, mx.servers[0].cause)
    assert Verdict.UNKNOWN == mx.verdict


def test_ns_names_that_do_not_resolve_are_findings() -> None:
    """NS names without an address: each says why, and nothing is asked of the servers."""
    records = zone_records()
    world = World({}, dict(records))
    world.resolver[(DOMAIN, "NS")] = answer(DOMAIN, "NS", "gone.example.net", "ns1.example.org")
    world.resolver[("ns1.example.org", "A")] = Answer(
        Query("ns1.example.org", "A"), AnswerStatus.FAILURE, cause=FailureCause.SERVFAIL
    )
    report = run(world)
    assert [("gone.example.net", "nxdomain"), ("ns1.example.org", "servfail")] == [
        (ns.name, ns.cause) for ns in report.nameservers
    ]
    assert "no NS name of the zone resolves" == report.cause
    assert report.diagnosis is None
    assert {Verdict.UNKNOWN} == set(verdicts(report).values())
    assert Outcome.UNKNOWN == report.outcome


def test_no_ns_set_anywhere() -> None:
    """No NS set at the domain or above: the cause, and unknown records."""
    world = World({}, {})
    world.resolver[(DOMAIN, "NS")] = answer(DOMAIN, "NS")
    report = run(attrs.evolve(world), attrs.evolve(SETUP), deadline=30)
    assert report.zone is None
    assert "no NS set found for example.org or a parent (nxdomain)" == report.cause
    assert Outcome.UNKNOWN == report.outcome


def test_a_failing_resolver_stops_the_search() -> None:
    """The NS question fails: the zone is unknown, with the cause."""
    world = World({}, {})
    world.resolver[(DOMAIN, "NS")] = Answer(
        Query(DOMAIN, "NS"), AnswerStatus.FAILURE, cause=FailureCause.TIMEOUT
    )
    report = run(world)
    assert "no NS set found for example.org or a parent (timeout)" == report.cause


def test_a_name_inside_a_zone_finds_its_parent() -> None:
    """sub.example.org has no NS set: the zone is example.org, asked label by label."""
    setup = attrs.evolve(SETUP, domain="sub.example.org")
    records = zone_records(setup)
    world = World({NS1: server(3, records)}, dict(records))
    world.resolver[("sub.example.org", "NS")] = Answer(
        Query("sub.example.org", "NS"), AnswerStatus.NODATA
    )
    world.resolver[(DOMAIN, "NS")] = answer(DOMAIN, "NS", "ns1.example.org")
    report = run(world, setup)
    assert DOMAIN == report.zone
    assert Outcome.IN_SYNC == report.outcome


def test_ipv6_addresses_are_asked_when_on() -> None:
    """With IPv6 on, the NS names' AAAA records are asked and their servers too."""
    records = zone_records()
    world = World({NS1: server(2, records), "2001:db8::1": server(2, records)}, dict(records))
    world.resolver[(DOMAIN, "NS")] = answer(DOMAIN, "NS", "ns1.example.org")
    world.resolver[("ns1.example.org", "AAAA")] = answer("ns1.example.org", "AAAA", "2001:db8::1")
    report = run(world, ipv6=True, port=5300)
    assert ["192.0.2.1:5300", "[2001:db8::1]:5300"] == [s.address for s in report.servers]
    assert Outcome.IN_SYNC == report.outcome


def test_the_deadline_cuts_every_question() -> None:
    """Nothing is sent after the deadline: the zone is unknown, cause "deadline"."""
    world = World({}, {})
    report = _check(SETUP, OVH_EMAIL_PRO, [RESOLVER], 53, 1.0, 1e-9, True, world.send)
    assert [] == world.asked
    assert "no NS set found for example.org or a parent (deadline)" == report.cause
    assert {"deadline"} == {r.resolvers[0].cause for r in report.records}


def test_questions_are_the_expected_records() -> None:
    """One question per name and type of the expected records, in their order."""
    setup = attrs.evolve(SETUP, dkim_selectors=(DkimSelector(SELECTOR1, TARGET1),))
    assert [
        ("example.org", "MX"),
        ("example.org", "TXT"),
        ("_autodiscover._tcp.example.org", "SRV"),
        (f"{SELECTOR1}._domainkey.example.org", "CNAME"),
        ("_dmarc.example.org", "TXT"),
    ] == [(q.name, q.rdtype) for q in questions_of(setup)]


def test_the_view_chases_an_alias_out_of_the_zone() -> None:
    """The zone's server leaves a CNAME target open: the view asks the resolver for it."""
    plan = Plan(DOMAIN, (), (RESOLVER,))
    alias = Reply(
        Answer(
            Query("sel._domainkey.example.org", "TXT"), AnswerStatus.NODATA, (), 60, "t.example.net"
        ),
        True,
        open_target="t.example.net",
    )
    world = World({NS1: {("sel._domainkey.example.org", "TXT"): alias}}, {})
    world.resolver[("t.example.net", "TXT")] = answer("t.example.net", "TXT", TXT((b"v=DKIM1",)))
    gathered = drive_sync(gather(plan), timeout=1, until=None, send=world.send)
    view = _View(plan, attrs.evolve(gathered, reference=(NS1, 53)), timeout=1, until=None)
    found = ViewSource(view, world.send).lookup("sel._domainkey.example.org", "TXT")
    assert (AnswerStatus.ANSWER, "t.example.net") == (found.status, found.canonical_name)
    assert (TXT((b"v=DKIM1",)),) == found.records


def test_the_view_gives_up_after_the_deadline() -> None:
    """A question the view has not asked yet, after the deadline: a failure, not sent."""
    plan = Plan(DOMAIN, (), (RESOLVER,))
    world = World({}, {})
    gathered = drive_sync(gather(plan), timeout=1, until=None, send=world.send)
    sent = len(world.asked)
    view = _View(plan, gathered, timeout=1, until=0.0)
    found = ViewSource(view, world.send).lookup("mx.ovh.com", "TXT")
    assert (AnswerStatus.FAILURE, DEADLINE_DETAIL) == (found.status, found.detail)
    assert sent == len(world.asked)


def test_report_to_json() -> None:
    """The report is JSON with stable keys, times in ISO 8601."""
    records = zone_records()
    cache = dict(records)
    cache[(DOMAIN, "MX")] = answer(DOMAIN, "MX", MX(10, "old.example.net"), ttl=60)
    world = World({NS1: server(2, records)}, cache)
    world.resolver[(DOMAIN, "NS")] = answer(DOMAIN, "NS", "ns1.example.org")
    report = run(world)
    data = json.loads(report.to_json())
    assert [
        "version",
        "domain",
        "zone",
        "checked_at",
        "outcome",
        "expires_at",
        "cause",
        "nameservers",
        "servers",
        "resolvers",
        "records",
        "diagnosis",
    ] == list(data)
    assert "stale" == data["outcome"]
    mx = data["records"][0]
    assert ["10 old.example.net."] == mx["resolvers"][0]["values"]
    assert mx["expires_at"].endswith("Z")
    assert data["expires_at"] == mx["expires_at"]
    assert {
        "address": NS1,
        "names": ["ns1.example.org"],
        "state": "authoritative",
        "serial": 2,
        "detail": "",
    } == data["servers"][0]
    assert [{"name": "ns1.example.org", "addresses": [NS1], "cause": None}] == data["nameservers"]
    assert (
        SRV(0, 0, 443, "pro1.mail.ovh.net")
        == records[("_autodiscover._tcp.example.org", "SRV")].records[0]
    )


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"resolvers": []}, ValueError, "give at least one resolver"),
        ({"resolvers": "192.0.2.1"}, TypeError, "resolvers must be a sequence"),
        ({"resolvers": ["resolver.example"]}, ValueError, "must be an IP address"),
        ({"resolvers": [("192.0.2.1", 0)]}, ValueError, "port must be between"),
        ({"resolvers": [("192.0.2.1", True)]}, ValueError, "port must be between"),
        ({"resolvers": [f"192.0.2.{n}" for n in range(9)]}, ValueError, "at most 8 resolvers"),
        ({"port": 70000}, ValueError, "port must be between"),
        ({"timeout": 0}, ValueError, "timeout must be a positive"),
        ({"timeout": True}, ValueError, "timeout must be a positive"),
        ({"deadline": -1}, ValueError, "deadline must be a positive"),
    ],
)
def test_bad_options_are_refused(
    options: Mapping[str, object], error: type[Exception], message: str
) -> None:
    """Bad options raise clear errors before anything is sent, sync and async alike."""
    given: dict[str, object] = {"resolvers": [RESOLVER], **options}
    with pytest.raises(error, match=message):
        check_propagation(SETUP, **given)  # type: ignore[arg-type]
    with pytest.raises(error, match=message):
        asyncio.run(check_propagation_async(SETUP, **given))  # type: ignore[arg-type]


def test_a_bad_setup_is_refused() -> None:
    """A setup that breaks a rule raises InvalidSetup."""
    bad = DomainSetup(DOMAIN, mode="authoritative", relay_target="mx1.mail.ovh.net")
    with pytest.raises(InvalidSetup):
        check_propagation(bad, resolvers=[RESOLVER])


def test_a_failing_resolver_makes_its_records_unknown() -> None:
    """The resolver fails for a record: unknown, with its cause, never "missing"."""
    records = zone_records()
    cache = dict(records)
    cache[(DOMAIN, "MX")] = Answer(
        Query(DOMAIN, "MX"), AnswerStatus.FAILURE, cause=FailureCause.SERVFAIL, detail="SERVFAIL"
    )
    world = World({NS1: server(2, records), NS2: server(2, records)}, cache)
    report = run(world)
    mx = next(r for r in report.records if r.type == "MX")
    assert (Verdict.UNKNOWN, "resolver") == (mx.verdict, mx.cause)
    assert ("failure", "servfail", "SERVFAIL") == (
        mx.resolvers[0].status,
        mx.resolvers[0].cause,
        mx.resolvers[0].detail,
    )


def test_the_deadline_after_the_ns_set() -> None:
    """Time runs out once the NS set is known: the servers time out, cause "deadline"."""
    records = zone_records()
    world = World({NS1: server(2, records)}, dict(records))
    world.resolver[(DOMAIN, "NS")] = answer(DOMAIN, "NS", "ns1.example.org")
    plan = Plan(DOMAIN, questions_of(SETUP), (RESOLVER,))
    flow = gather(plan)
    batch = next(flow)
    batch = flow.send(tuple(world.send(ask, 1) for ask in batch))
    batch = flow.send(tuple(world.send(ask, 1) for ask in batch))
    with pytest.raises(StopIteration) as done:
        flow.send(tuple(too_late(ask) for ask in batch))
    gathered = done.value.value
    assert [(ServerState.TIMEOUT, DEADLINE_DETAIL)] == [
        (s.state, s.detail) for s in gathered.servers
    ]
    assert gathered.reference is None


# --- in French: each server's detail, the cause, the JSON -------------------------

N, T = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("reply", "french"),
    [
        (_failure(FailureCause.TIMEOUT, "no reply in time"), "pas de réponse à temps"),
        (_failure(FailureCause.REFUSED), "refuse de répondre pour la zone DNS"),
        # A failure's own words (dnspython's, the system's) stay as they came.
        (_failure(FailureCause.SERVFAIL, "SERVFAIL"), "SERVFAIL"),
        (Reply(answer(DOMAIN, "SOA", "x"), False), "répond sans le bit AA"),
        (
            Reply(Answer(Query(DOMAIN, "SOA"), AnswerStatus.NODATA), False, referral=True),
            "renvoie la question vers d’autres serveurs (sans le bit AA)",
        ),
        (
            Reply(Answer(Query(DOMAIN, "SOA"), AnswerStatus.NXDOMAIN), True, "org", 5),
            f"répond pour la zone «{N}org.{N}», et non pour «{N}example.org.{N}»",
        ),
        (
            Reply(Answer(Query(DOMAIN, "SOA"), AnswerStatus.NODATA), True),
            f"répond pour une autre zone, et non pour «{N}example.org.{N}»",
        ),
        (
            too_late(Ask(NS2, 53, Query(DOMAIN, "SOA"), False)),
            "le délai global était écoulé avant que la question soit posée",
        ),
    ],
)
def test_a_bad_server_is_reported_in_french(reply: Reply, french: str) -> None:
    """Each server's detail renders in French; in English it is its ``detail``."""
    records = zone_records()
    world = World({NS1: server(2, records), NS2: _failing(reply)}, dict(records))
    bad = run(world).servers[1]
    assert (french, bad.detail) == (bad.render_detail("fr"), bad.render_detail("en"))
    assert french == bad.to_dict("fr")["detail"]


def test_the_cause_in_french() -> None:
    """Why no server is known, in French; the JSON's messages follow the language."""
    world = World({}, {})
    world.resolver[(DOMAIN, "NS")] = answer(DOMAIN, "NS")
    report = run(world, SETUP, deadline=30)
    french = f"aucun enregistrement NS trouvé pour «{N}example.org{N}» ni pour un domaine parent"
    assert f"{french} (nxdomain)" == report.render_cause("fr")
    assert report.cause == report.render_cause()
    data = json.loads(report.to_json(lang="fr"))
    assert f"{french} (nxdomain)" == data["cause"]
    assert {"propagation.no_answer:none"} == {r["key"] for r in data["records"]}
    assert {"aucune réponse faisant autorité (aucun serveur à interroger)"} == {
        r["message"] for r in data["records"]
    }
    # The codes and the params are the same in every language.
    english = json.loads(report.to_json())
    assert english["records"] != data["records"]
    assert [(r["verdict"], r["key"], r["params"]) for r in data["records"]] == [
        (r["verdict"], r["key"], r["params"]) for r in english["records"]
    ]


def test_a_cause_written_by_hand_stays_as_it_is() -> None:
    """A report made without a phrase for its cause keeps its text in every language."""
    made = PropagationReport(DOMAIN, None, 0.0, (), (), (), (), None, "no NS here")
    unknown = attrs.evolve(made, cause=None)
    assert ("no NS here", None) == (made.render_cause("fr"), unknown.render_cause("fr"))
