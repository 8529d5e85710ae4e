"""Properties of the verdict rules over generated server and resolver answers."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from emailpro_core.propagation import Served, Verdict
from emailpro_core.propagation._verdict import content_key, decide

NAME = "example.org"
NOW = 1_700_000_000.0

_values = st.sampled_from([(), ("v=spf1 -all",), ("v=spf1 include:mx.ovh.com ~all",), ("a", "b")])
_canonical = st.sampled_from([NAME, NAME, NAME, "target.example.net"])


@st.composite
def answers(draw: st.DrawFn, prefix: str, *, serial: bool) -> Served:
    """One server's (``serial``) or resolver's answer, or failure."""
    source = prefix + str(draw(st.integers(0, 10**6)))
    if draw(st.integers(0, 4)) == 0:
        return Served(source, "failure", cause=draw(st.sampled_from(["timeout", "lame"])))
    values = draw(_values)
    status = "answer" if values else draw(st.sampled_from(["nxdomain", "nodata"]))
    return Served(
        source,
        status,
        values,
        draw(st.integers(0, 2**31 - 1)),
        draw(_canonical),
        draw(st.integers(0, 2**32 - 1)) if serial else None,
    )


servers = st.lists(answers("s", serial=True), max_size=5)
resolvers = st.lists(answers("r", serial=False), max_size=4)


@given(servers, resolvers, st.randoms())
def test_order_does_not_matter(s: list[Served], r: list[Served], rng: random.Random) -> None:
    """The verdict does not depend on the order the answers came in."""
    first = decide(NAME, "TXT", s, r, now=NOW)
    rng.shuffle(s)
    rng.shuffle(r)
    second = decide(NAME, "TXT", s, r, now=NOW)
    assert (first.verdict, first.cause, first.expires_at) == (
        second.verdict,
        second.cause,
        second.expires_at,
    )
    assert set(first.stale) == set(second.stale)


@given(servers, resolvers)
def test_each_verdict_holds_exactly_when_its_rule_does(s: list[Served], r: list[Served]) -> None:
    """The verdict is the first rule that holds, as the module states them."""
    found = decide(NAME, "TXT", s, r, now=NOW)
    answered = {content_key(x, NAME) for x in s if not x.failed}
    different = [x for x in r if not x.failed and {content_key(x, NAME)} != answered]
    if not answered:
        assert (Verdict.UNKNOWN, "no_answer") == (found.verdict, found.cause)
    elif len(answered) > 1:
        assert Verdict.SERVERS_DISAGREE == found.verdict
        groups = [set(group) for group in found.disagreeing]
        assert sorted(x.source for x in s if not x.failed) == sorted(
            source for group in found.disagreeing for source in group
        )
        assert len(answered) == len(groups)
    elif different:
        assert Verdict.STALE == found.verdict
        assert [x.source for x in different] == list(found.stale)
        assert NOW + max(x.ttl for x in different) == found.expires_at
    elif any(x.failed for x in r):
        assert (Verdict.UNKNOWN, "resolver") == (found.verdict, found.cause)
    else:
        assert (Verdict.IN_SYNC, None, None) == (found.verdict, found.cause, found.expires_at)


@given(servers, resolvers, answers("f", serial=True))
def test_a_failed_server_never_decides(s: list[Served], r: list[Served], extra: Served) -> None:
    """A server that failed changes nothing while another one answered: never "missing"."""
    if not any(not x.failed for x in s) or not extra.failed:
        return
    assert decide(NAME, "TXT", s, r, now=NOW).verdict == (
        decide(NAME, "TXT", [*s, extra], r, now=NOW).verdict
    )


@given(servers, resolvers)
def test_only_stale_has_an_expiry_and_only_unknown_a_cause(
    s: list[Served], r: list[Served]
) -> None:
    """``expires_at`` belongs to STALE, ``cause`` to UNKNOWN; the answers are kept as given."""
    found = decide(NAME, "TXT", s, r, now=NOW)
    assert (found.expires_at is not None) == (found.verdict is Verdict.STALE)
    assert (found.cause is not None) == (found.verdict is Verdict.UNKNOWN)
    assert (tuple(s), tuple(r)) == (found.servers, found.resolvers)


_SPACES = str.maketrans("", "", "\u00a0\u202f")


@given(servers, resolvers)
def test_every_verdict_renders_in_french_and_english(s: list[Served], r: list[Served]) -> None:
    """Each verdict reads in both languages: French differs, no hole, nothing invisible."""
    found = decide(NAME, "TXT", s, r, now=NOW)
    english, french = found.render("en"), found.render("fr")
    assert english == found.message
    assert french != english
    assert "{" not in french
    assert "{" not in english
    assert french.translate(_SPACES).isprintable()
    # The language changes the words only: the verdict, the key and the params stay.
    data, donnees = found.to_dict("en"), found.to_dict("fr")
    assert {k: v for k, v in data.items() if k != "message"} == {
        k: v for k, v in donnees.items() if k != "message"
    }
    assert found.key.startswith("propagation.")
