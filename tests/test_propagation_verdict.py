"""The verdict rules of one record, as an example table (pure values, no socket)."""

from __future__ import annotations

import pytest

from emailpro_core.propagation import Served, Verdict
from emailpro_core.propagation._verdict import content_key, decide, duration_text

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
