"""The OpenSPF RFC 7208 test suite, run through ``check_host`` over a ``StaticSource``.

The suite's origin and licence are in ``tests/data/README.md``. This
driver follows the reference driver's reading of ``zonedata``:

- ``SPF`` records are copied to ``TXT`` for a name without an explicit ``TXT``
  entry (the SPF type itself stays in the zone, and is never asked for);
- ``NONE`` means "no record of this type" (the name still exists);
- ``TIMEOUT`` makes every lookup of the name time out, except lookups of a type
  listed *before* it (so ``spftimeout`` answers TXT and times out on the rest);
- a name absent from ``zonedata`` does not exist (NXDOMAIN);
- double-quoted ``\\xNN`` escapes are the record's raw octets.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import yaml

from conftest import PEER_SUITES
from emailpro_core.sources import StaticSource
from emailpro_core.sources._answers import MX, FailureCause
from emailpro_core.spf._result import SpfResult
from emailpro_core.spf._spf import check_host

SUITE = PEER_SUITES / "spf" / "rfc7208-tests.yml"
#: The record types the suite's zones use (a TIMEOUT applies to each of them).
ZONE_TYPES = ("A", "AAAA", "MX", "PTR", "TXT", "SPF", "CNAME")


class Case(NamedTuple):
    """One test of the suite."""

    scenario: int
    test_id: str
    host: str
    helo: str
    mailfrom: str
    accepted: tuple[str, ...]
    explanation: str | None


def _octets(text: str) -> bytes:
    # A "\xNN" escape in a double-quoted YAML string is the code point U+00NN:
    # Latin-1 gives back the octet the suite means (garbage bytes are the point).
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8")


def _txt(value: Any) -> bytes | tuple[bytes, ...]:
    if isinstance(value, list):  # the character-strings of one record
        return tuple(_octets(part) for part in value)
    return _octets(str(value))


def zone_source(zonedata: dict[str, list[Any]]) -> StaticSource:
    """A ``StaticSource`` answering as the suite's ``zonedata`` describes."""
    records: dict[str, dict[str, list[object]]] = {}
    failures: dict[str | tuple[str, str], FailureCause] = {}
    for owner, entries in zonedata.items():
        node = records.setdefault(owner, {})
        answered: set[str] = set()
        copied: list[object] = []
        explicit_txt = False
        for entry in entries:
            if entry == "TIMEOUT":
                if not answered:
                    failures[owner] = FailureCause.TIMEOUT
                for rdtype in ZONE_TYPES if answered else ():
                    if rdtype not in answered:
                        failures[(owner, rdtype)] = FailureCause.TIMEOUT
                break
            ((rdtype, value),) = entry.items()
            explicit_txt = explicit_txt or rdtype == "TXT"
            if value == "NONE":
                continue
            answered.add(rdtype)
            converted: object
            if rdtype in ("TXT", "SPF"):
                converted = _txt(value)
                if rdtype == "SPF":
                    copied.append(converted)
            elif rdtype == "MX":
                converted = MX(int(value[0]), str(value[1]))
            else:
                converted = str(value)
            node.setdefault(rdtype, []).append(converted)
        if copied and not explicit_txt:
            node.setdefault("TXT", []).extend(copied)
    return StaticSource(records, failures=failures, empty_non_terminals=False)


def _load(path: Path) -> tuple[list[dict[str, Any]], list[Case]]:
    with path.open("rb") as stream:
        scenarios = [s for s in yaml.safe_load_all(stream) if s]
    cases: list[Case] = []
    for index, scenario in enumerate(scenarios):
        for test_id, test in scenario["tests"].items():
            result = test["result"]
            cases.append(
                Case(
                    index,
                    test_id,
                    str(test["host"]),
                    str(test["helo"]),
                    str(test["mailfrom"]),
                    tuple(result) if isinstance(result, list) else (result,),
                    test.get("explanation"),
                )
            )
    return scenarios, cases


SCENARIOS, CASES = _load(SUITE)


@functools.cache
def _source(scenario: int) -> StaticSource:
    return zone_source(SCENARIOS[scenario]["zonedata"])


def run_case(case: Case, source: StaticSource | None = None) -> SpfResult:
    """``check_host`` as the suite means it: MAIL FROM, or postmaster@HELO when it is empty."""
    if case.mailfrom:
        sender, domain = case.mailfrom, case.mailfrom.rpartition("@")[2]
    else:
        sender, domain = f"postmaster@{case.helo}", case.helo
    return check_host(
        case.host, domain, sender, source or _source(case.scenario), helo=case.helo, timestamp=0
    )


def _passes(case: Case, result: SpfResult) -> bool:
    if result.result.value not in case.accepted:
        return False
    if case.explanation is None:
        return True
    # "DEFAULT": the receiver's own default explanation, i.e. no exp= text was used.
    expected = None if case.explanation == "DEFAULT" else case.explanation
    return expected == result.explanation


@pytest.mark.parametrize("case", CASES, ids=[case.test_id for case in CASES])
def test_suite_case(case: Case) -> None:
    """The result is one the suite accepts, with the expected explanation."""
    result = run_case(case)
    assert result.result.value in case.accepted, result.detail
    if case.explanation is not None:
        expected = None if case.explanation == "DEFAULT" else case.explanation
        assert expected == result.explanation


def test_suite_count(capsys: pytest.CaptureFixture[str]) -> None:
    """Every case passes, and each gets the suite's preferred (first) result."""
    results = [(case, run_case(case)) for case in CASES]
    passed = sum(_passes(case, result) for case, result in results)
    preferred = sum(result.result.value == case.accepted[0] for case, result in results)
    with capsys.disabled():
        print(
            f"\nRFC 7208 suite: {passed}/{len(CASES)} pass, {preferred} with the preferred result"
        )
    assert (len(CASES), passed, preferred) == (203, 203, 203)


def test_suite_asks_txt_only() -> None:
    """No case ever asks for the obsolete SPF record type (RFC 7208 §3.1, §14.1)."""
    asked: set[str] = set()
    for case in CASES:
        source = zone_source(SCENARIOS[case.scenario]["zonedata"])
        run_case(case, source)
        asked.update(query.rdtype for query in source.history)
    assert {"A", "AAAA", "MX", "PTR", "TXT"} == asked


@pytest.mark.parametrize(
    ("owner", "rdtype", "answered"),
    [
        ("spftimeout.example.net", "TXT", True),  # listed before TIMEOUT
        ("spftimeout.example.net", "A", False),
        ("txttimeout.example.net", "TXT", False),  # TXT NONE, then TIMEOUT
        ("alltimeout.example.net", "MX", False),
    ],
)
def test_zone_timeout_reading(owner: str, rdtype: str, answered: bool) -> None:
    """TIMEOUT spares only the types listed before it, as the reference driver reads it."""
    scenario = next(i for i, s in enumerate(SCENARIOS) if owner in s["zonedata"])
    answer = _source(scenario).lookup(owner, rdtype)
    assert answered == (not answer.is_failure)
    assert (None if answered else FailureCause.TIMEOUT) == answer.cause
