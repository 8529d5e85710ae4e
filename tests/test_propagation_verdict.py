"""The verdict rules of one record, as an example table (pure values, no socket)."""

from __future__ import annotations

import pickle

import attrs
import pytest

from emailpro_core.checker._phrases import Phrase
from emailpro_core.propagation import Served, Verdict
from emailpro_core.propagation._verdict import content_key, decide, duration_text
from emailpro_core.propagation._words import words

NAME = "example.org"
NOW = 1_700_000_000.0
NEW = ("v=spf1 include:mx.ovh.com ~all",)
OLD = ("v=spf1 -all",)


def server(source: str, values: tuple[str, ...] = NEW, serial: int = 2) -> Served:
    """An authoritative server serving ``values`` (none: NODATA)."""
    status = "answer" if values else "nodata"
    return Served(source, status, values, 3600, NAME, serial)


def resolver(source: str, values: tuple[str, ...] = NEW, ttl: int = 100) -> Served:
    """A resolver serving ``values`` (none: a cached NXDOMAIN) with ``ttl`` left."""
    status = "answer" if values else "nxdomain"
    return Served(source, status, values, ttl, NAME)


def failed(source: str, cause: str = "timeout") -> Served:
    """A server or resolver that did not answer."""
    return Served(source, "failure", cause=cause, detail="no reply in time")


CASES = [
    ("all agree", [server("a"), server("b")], [resolver("r")], Verdict.IN_SYNC, None),
    ("absent everywhere", [server("a", ())], [resolver("r", ())], Verdict.IN_SYNC, None),
    ("old copy cached", [server("a"), server("b")], [resolver("r", OLD)], Verdict.STALE, None),
    ("absence cached", [server("a")], [resolver("r", ())], Verdict.STALE, None),
    ("record removed", [server("a", ())], [resolver("r", OLD)], Verdict.STALE, None),
    (
        "a secondary behind",
        [server("a"), server("b", OLD, 1)],
        [resolver("r")],
        Verdict.SERVERS_DISAGREE,
        None,
    ),
    (
        "no server answered",
        [failed("a"), failed("b", "refused")],
        [resolver("r")],
        Verdict.UNKNOWN,
        "no_answer",
    ),
    ("no server at all", [], [resolver("r")], Verdict.UNKNOWN, "no_answer"),
    ("one server answered", [failed("a"), server("b")], [resolver("r")], Verdict.IN_SYNC, None),
    ("a resolver failed", [server("a")], [resolver("r"), failed("s")], Verdict.UNKNOWN, "resolver"),
    (
        "stale beats a failure",
        [server("a")],
        [resolver("r", OLD), failed("s")],
        Verdict.STALE,
        None,
    ),
]


@pytest.mark.parametrize(
    ("servers", "resolvers", "verdict", "cause"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_verdicts(
    servers: list[Served], resolvers: list[Served], verdict: Verdict, cause: str | None
) -> None:
    """Each combination of answers gives its verdict, and its cause when unknown."""
    found = decide(NAME, "TXT", servers, resolvers, now=NOW)
    assert (verdict, cause) == (found.verdict, found.cause)


def test_stale_names_the_resolvers_and_the_expiry() -> None:
    """A stale record names who serves what, for how long, and when the last copy expires."""
    found = decide(
        NAME,
        "TXT",
        [server("a")],
        [resolver("r1", OLD, 11_525), resolver("r2", ttl=50), resolver("r3", (), 30)],
        now=NOW,
    )
    assert ("r1", "r3") == found.stale
    assert NOW + 11_525 == found.expires_at
    assert (
        "the zone serves v=spf1 include:mx.ovh.com ~all; "
        "r1 serves v=spf1 -all for 3 h 12 min 5 s more; r3 serves no such name for 30 s more"
    ) == found.message


def test_disagreeing_servers_are_grouped_with_their_serials() -> None:
    """Servers that disagree are grouped by what they serve, with each serial."""
    found = decide(
        NAME, "TXT", [server("a"), server("b", OLD, 1), server("c")], [resolver("r")], now=NOW
    )
    assert (("a", "c"), ("b",)) == found.disagreeing
    assert (
        "the authoritative servers disagree: a (serial 2), c (serial 2) serve "
        "v=spf1 include:mx.ovh.com ~all; b (serial 1) serves v=spf1 -all"
    ) == found.message


def test_unknown_names_each_cause() -> None:
    """No authoritative answer: each server's cause is in the message."""
    found = decide(NAME, "TXT", [failed("a"), failed("b", "lame")], [], now=NOW)
    assert "no authoritative answer (a: timeout; b: lame)" == found.message


def test_an_alias_compares_by_its_target() -> None:
    """An alias out of the zone is compared by where it leads, not by the target's data."""
    alias = Served("a", "nodata", (), 60, "target.example.net", 1)
    followed = Served("r", "answer", ("v=spf1 -all",), 60, "target.example.net")
    assert ("alias", "target.example.net") == content_key(followed, NAME)
    found = decide(NAME, "TXT", [alias], [followed], now=NOW)
    assert Verdict.IN_SYNC == found.verdict
    assert "everyone serves an alias to target.example.net." == found.message


def test_in_sync_message_for_an_absent_record() -> None:
    """Agreement on absence says so."""
    found = decide(NAME, "TXT", [server("a", ())], [Served("r", "nodata", (), 5, NAME)], now=NOW)
    assert "everyone serves no record" == found.message


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0 s"), (59, "59 s"), (60, "1 min"), (3600, "1 h"), (3661, "1 h 1 min 1 s"), (-5, "0 s")],
)
def test_duration_text(seconds: int, text: str) -> None:
    """Durations read in hours, minutes and seconds."""
    assert text == duration_text(seconds)


# --- in French -------------------------------------------------------------------

N, T = "\u00a0", "\u202f"
SPF_NEW = f"«{N}v=spf1 include:mx.ovh.com ~all{N}»"
SPF_OLD = f"«{N}v=spf1 -all{N}»"

FRENCH = [
    (
        "all agree",
        [server("a"), server("b")],
        [resolver("r")],
        "propagation.in_sync",
        f"chaque serveur et chaque résolveur sert {SPF_NEW}",
    ),
    (
        "absent everywhere",
        [server("a", ())],
        [Served("r", "nodata", (), 5, NAME)],
        "propagation.in_sync",
        "chaque serveur et chaque résolveur sert l’absence d’enregistrement",
    ),
    (
        "an alias",
        [Served("a", "nodata", (), 60, "target.example.net", 1)],
        [Served("r", "answer", ("v=spf1 -all",), 60, "target.example.net")],
        "propagation.in_sync",
        f"chaque serveur et chaque résolveur sert un alias vers «{N}target.example.net.{N}»",
    ),
    (
        "old copies cached",
        [server("a")],
        [resolver("r1", OLD, 11_525), resolver("r2", ttl=50), resolver("r3", (), 30)],
        "propagation.stale",
        f"la zone DNS sert {SPF_NEW}{T}; r1 sert encore {SPF_OLD} pendant 3{N}h 12{N}min 5{N}s"
        f"{T}; r3 sert encore l’absence du nom pendant 30{N}s",
    ),
    (
        "a secondary behind",
        [server("a"), server("b", OLD, 1), server("c")],
        [resolver("r")],
        "propagation.servers_disagree",
        f"les serveurs faisant autorité divergent{N}: a (numéro de série 2), c (numéro de "
        f"série 2) servent {SPF_NEW}{T}; b (numéro de série 1) sert {SPF_OLD}",
    ),
    (
        "no server answered",
        [failed("a"), failed("b", "lame")],
        [resolver("r")],
        "propagation.no_answer",
        f"aucune réponse faisant autorité (a{N}: timeout{T}; b{N}: lame)",
    ),
    (
        "no server at all",
        [],
        [resolver("r")],
        "propagation.no_answer:none",
        "aucune réponse faisant autorité (aucun serveur à interroger)",
    ),
    (
        "a resolver failed",
        [server("a")],
        [resolver("r"), failed("s", "servfail")],
        "propagation.resolver",
        f"un résolveur n’a pas répondu (s{N}: servfail)",
    ),
]


@pytest.mark.parametrize(
    ("servers", "resolvers", "key", "french"),
    [case[1:] for case in FRENCH],
    ids=[case[0] for case in FRENCH],
)
def test_verdicts_in_french(
    servers: list[Served], resolvers: list[Served], key: str, french: str
) -> None:
    """Each kind of verdict, word for word in French; English is its ``message``."""
    found = decide(NAME, "TXT", servers, resolvers, now=NOW)
    assert (key, french) == (found.key, found.render("fr"))
    assert found.message == found.render("en") == found.render()
    assert french == found.to_dict("fr")["message"]


def test_the_params_of_a_stale_record() -> None:
    """The params hold the data, as JSON: what the zone serves, each copy and its TTL."""
    found = decide(NAME, "TXT", [server("a", ())], [resolver("r", OLD, 61)], now=NOW)
    copy = {
        "key": "propagation.stale.copy",
        "params": {
            "source": "r",
            "served": {"key": "propagation.served.values", "params": {"values": "v=spf1 -all"}},
            "left": {
                "items": [
                    {"key": "propagation.duration.minutes", "params": {"minutes": 1}},
                    {"key": "propagation.duration.seconds", "params": {"seconds": 1}},
                ],
                "separator": " ",
            },
        },
    }
    assert {
        "served": {"key": "propagation.served.nodata", "params": {}},
        "copies": [copy],
    } == found.to_dict()["params"]
    assert "propagation.stale" == found.to_dict("fr")["key"]


def test_a_record_keeps_its_params_through_pickle() -> None:
    """A record pickles with its key and params, and renders the same after."""
    found = decide(NAME, "TXT", [server("a")], [resolver("r", OLD)], now=NOW)
    again = pickle.loads(pickle.dumps(found))
    assert (found, found.key, found.render("fr")) == (again, again.key, again.render("fr"))


def test_a_record_written_by_hand_keeps_its_message() -> None:
    """A message not made from its template (or without one) reads the same in French."""
    found = decide(NAME, "TXT", [server("a")], [resolver("r")], now=NOW)
    by_hand = attrs.evolve(found, message="all good")
    assert "all good" == by_hand.render("fr")
    assert "all good" == attrs.evolve(by_hand, key="").render("fr")
    with pytest.raises(ValueError, match="unsupported language"):
        found.render("de")


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, f"0{N}s"), (60, f"1{N}min"), (3600, f"1{N}h"), (3900, f"1{N}h 5{N}min")],
)
def test_duration_text_in_french(seconds: int, text: str) -> None:
    """In French a no-break space joins each number to its unit."""
    assert text == duration_text(seconds, "fr")


def test_servers_without_a_serial_are_named_alone() -> None:
    """A server's answer without a serial names the server only, in both languages."""
    found = decide(
        NAME,
        "TXT",
        [Served("a", "answer", NEW, 60, NAME), Served("b", "answer", OLD, 60, NAME)],
        [],
        now=NOW,
    )
    assert (
        "the authoritative servers disagree: a serves v=spf1 include:mx.ovh.com ~all; "
        "b serves v=spf1 -all"
    ) == found.message
    assert f"les serveurs faisant autorité divergent{N}: a sert {SPF_NEW}{T}; b sert {SPF_OLD}" == (
        found.render("fr")
    )


def test_words_take_plain_values_too() -> None:
    """Plain params and plain items of a list are put in as they are (made printable)."""
    causes = ("x\x00", Phrase("propagation.cause", {"source": "a", "cause": "timeout"}))
    assert f"aucune réponse faisant autorité (x\\x00{T}; a{N}: timeout)" == words(
        "propagation.no_answer", {"causes": causes}, "fr"
    )
    assert f"{{source}}{N}: 7" == words("propagation.cause", {"cause": 7}, "fr")
    assert "no authoritative answer (x\x00; b)" == words(
        "propagation.no_answer", {"causes": ("x\x00", "b")}, "en"
    )
