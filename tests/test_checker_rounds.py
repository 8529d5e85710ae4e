"""The dependent rounds of questions a diagnosis needs (its critical path), pinned.

Over a resolver 20 ms away, each round costs a round trip; the async runner
must send every question that waits for no other answer in the first round.
The rounds are counted on a virtual clock (``tests/rounds.py``), so these
tests do not depend on the machine's speed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emailpro_core.checker import Diagnosis, check_domain, check_domain_async
from emailpro_core.checker._runner import make_context, run_async_checks
from emailpro_core.sources._answers import Answer, Query
from emailpro_core.sources._static import StaticSource
from rounds import Rounds, RoundSource, count_rounds
from test_checker import CASES, nothing
from test_checker_zones import DOMAIN, SETUP, Records, changed, correct_records

CHANGES = {case[0]: case[1] for case in CASES}


def rounds_of(change: Callable[[Records], None]) -> tuple[Diagnosis, Rounds, StaticSource]:
    source = StaticSource(changed(change, SETUP))
    diagnosis, rounds = asyncio.run(
        count_rounds(lambda round_source: check_domain_async(SETUP, round_source), source)
    )
    return diagnosis, rounds, source


def test_the_example_domain_asks_everything_in_one_round() -> None:
    """The correct example domain: every question, the provider's include too, in round 0."""
    _, rounds, _ = rounds_of(nothing)
    assert rounds.count == 1
    selectors = [f"ovhemp123456-selector{n}._domainkey.{DOMAIN}" for n in (1, 2)]
    assert sorted((q.name, q.rdtype) for q in rounds.by_round()[0]) == sorted(
        [
            (DOMAIN, "MX"),
            (DOMAIN, "TXT"),
            ("mx.ovh.com", "TXT"),
            (f"_autodiscover._tcp.{DOMAIN}", "SRV"),
            (f"autodiscover.{DOMAIN}", "A"),
            (f"ab1cd-check.{DOMAIN}", "CNAME"),
            *((name, rdtype) for name in selectors for rdtype in ("CNAME", "TXT")),
            (f"_dmarc.{DOMAIN}", "TXT"),
        ]
    )


def test_in_a_bulk_run_the_provider_include_comes_from_the_cache() -> None:
    """With the sender learned and the run's cache warm, a correct domain still takes 1 round."""
    source = StaticSource(correct_records())
    cache: dict[Query, Answer] = {Query("mx.ovh.com", "TXT"): source.lookup("mx.ovh.com", "TXT")}
    ctx = make_context(SETUP)
    _, rounds = asyncio.run(
        count_rounds(
            lambda round_source: run_async_checks(ctx, round_source, deadline=None),
            source,
            cache=cache,
        )
    )
    assert (rounds.count, len(rounds.asked)) == (1, 10)
    assert Query("mx.ovh.com", "TXT") not in [query for _, query in rounds.asked]


# (case of test_checker, rounds, what the last round asks): each later round
# waits for an answer that decides what to ask.
@pytest.mark.parametrize(
    ("case", "count", "last"),
    [
        ("foreign beside", 2, {("mail.example.net", "A"), ("mail.example.net", "AAAA")}),
        ("autodiscover address", 2, {(f"autodiscover.{DOMAIN}", r) for r in ("CNAME", "AAAA")}),
        ("dmarc alias to nothing", 2, {(f"_dmarc.{DOMAIN}", "CNAME")}),
        ("include without record", 2, {("none.example.org", "TXT")}),
        ("two spf", 2, {(f"mx{n}.mail.ovh.net", "A") for n in range(5)}),
        # RFC 7208 §4.6: terms are evaluated in order, an include after its record.
        ("three voids", 4, {("v3.example.org", "A")}),
        ("eleven includes", 11, {("s9.example.org", "TXT")}),
    ],
)
def test_rounds_of_broken_domains(case: str, count: int, last: set[tuple[str, str]]) -> None:
    """A broken domain needs one more round per answer that decides the next question."""
    _, rounds, _ = rounds_of(CHANGES[case])
    assert rounds.count == count
    assert {(q.name, q.rdtype) for q in rounds.by_round()[-1]} == last


@given(st.sampled_from(sorted(CHANGES)))
def test_rounds_give_the_sync_diagnosis_and_ask_once(case: str) -> None:
    """Over the round source, every case gives check_domain's diagnosis, each question once."""
    diagnosis, rounds, source = rounds_of(CHANGES[case])
    assert diagnosis == check_domain(SETUP, source)
    queries = [query for _, query in rounds.asked]
    assert len(queries) == len(set(queries))
    assert 1 <= rounds.count <= (11 if case == "eleven includes" else 4)


@given(st.sets(st.sampled_from(sorted(correct_records()))))
def test_missing_records_never_add_a_round(dropped: set[str]) -> None:
    """Whatever names lack their records, the example domain still takes one round.

    A missing record is an answer like any other: nothing is asked because of it.
    """

    def drop(records: Records) -> None:
        for name in dropped:
            del records[name]

    diagnosis, rounds, source = rounds_of(drop)
    assert diagnosis == check_domain(SETUP, source)
    assert rounds.count == 1


def test_a_run_waiting_for_something_else_is_an_error() -> None:
    """The virtual clock refuses a run that waits for anything but the source."""

    async def stuck(_: RoundSource) -> None:
        await asyncio.Event().wait()

    with pytest.raises(RuntimeError, match="not for an answer"):
        asyncio.run(count_rounds(stuck, StaticSource({})))
