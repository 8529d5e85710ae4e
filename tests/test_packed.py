"""Diagnoses in transit from a worker: pickled one by one, rebuilt when asked for."""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator

import attrs
import pytest

from emailpro_core.checker import (
    Check,
    Diagnosis,
    Finding,
    FixAction,
    FixLine,
    Status,
    check_domain,
)
from emailpro_core.checker._packed import FINDING_FIELDS, pack, unpack
from emailpro_core.checker._phrases import phrase
from emailpro_core.sources._answers import FailureCause
from emailpro_core.sources._static import Failures, StaticSource
from test_checker_zones import SETUP, Records, correct_records


def _broken(records: Records) -> None:
    records["example.org"]["MX"] = ["1 mail.example.org."]
    records["example.org"]["TXT"] = ["v=spf1 ip4:192.0.2.0/33 -all"]  # violations in params
    records["_dmarc.example.org"]["TXT"] = ["v=DMARC1; p=bogus"]


Change = Callable[[Records], None] | None


def _diagnosis(change: Change, failures: Failures) -> Diagnosis:
    records = correct_records()
    if change is not None:
        change(records)
    return check_domain(SETUP, StaticSource(records, failures=failures))


CASES: dict[str, tuple[Change, Failures]] = {
    "correct": (None, {}),
    "errors, fixes and a parser's violation": (_broken, {}),
    "unknown, with causes": (None, {"example.org": FailureCause.TIMEOUT}),
    "refused everywhere": (_broken, {"_dmarc.example.org": FailureCause.REFUSED}),
}

#: Every field of a finding set, by hand: a replacement, a cause, a fix reason.
BY_HAND = Diagnosis(
    "xn--bcher-kva.example",
    (
        Finding(
            Check.MX,
            Status.UNKNOWN,
            "mx.unknown",
            "the MX lookup failed",
            "xn--bcher-kva.example.",
            expected=("a", "b"),
            observed=("c",),
            fix=(
                FixLine(FixAction.ADD, "x. 3600 IN MX 1 mx0.mail.ovh.net."),
                FixLine(FixAction.REPLACE, "x. 3600 IN MX 5 mx1.mail.ovh.net.", "x. 60 IN MX 5 m."),
            ),
            cause="timeout",
            fix_reason="ask again later",
            params={"name": "x.", "count": 3, "what": phrase("checker.fix.add", line="x")},
            variant="v2",
            fix_reason_key="k",
        ),
        Finding(Check.RELAY, Status.SKIPPED, "relay.skipped", "not checked", "x.", cause="outside"),
    ),
)


def _case(case: str) -> Diagnosis:
    return BY_HAND if case == "by hand" else _diagnosis(*CASES[case])


@pytest.mark.parametrize("case", [*CASES, "by hand"])
def test_round_trip(case: str) -> None:
    """What a worker packs, the caller unpacks equal: fields, params, and both languages."""
    diagnosis = _case(case)
    packed = pack(diagnosis)
    assert type(packed) is bytes
    (back,) = unpack([packed])
    assert back == diagnosis
    assert back.to_dict() == diagnosis.to_dict()
    assert [dict(f.params) for f in back.findings] == [dict(f.params) for f in diagnosis.findings]
    for language in ("en", "fr"):
        assert back.to_text(language) == diagnosis.to_text(language)
    for mine, theirs in zip(back.findings, diagnosis.findings, strict=True):
        for field in FINDING_FIELDS:
            assert getattr(mine, field) == getattr(theirs, field), field
        assert type(mine.params) is type(theirs.params)  # read-only, as made


def test_rows_hold_every_field() -> None:
    """A packed row has a place for each field of a finding, in the class's order."""
    assert tuple(field.name for field in attrs.fields(Finding)) == FINDING_FIELDS
    (finding, _) = BY_HAND.findings
    domain, rows = pickle.loads(pack(BY_HAND))
    assert domain == "xn--bcher-kva.example"
    assert rows[0][:3] == ("mx", "unknown", "mx.unknown")
    add, replace = finding.fix
    assert rows[0][7] == (("add", add.line, ""), ("replace", replace.line, replace.old))
    assert rows[1][7] == ()


def test_the_cases_differ() -> None:
    """The table covers what it says: every status it names appears."""
    statuses = {case: {f.status.value for f in _diagnosis(*CASES[case]).findings} for case in CASES}
    assert statuses["correct"] <= {"ok", "skipped"}
    assert "error" in statuses["errors, fixes and a parser's violation"]
    assert "unknown" in statuses["unknown, with causes"]
    assert {"error", "unknown"} <= statuses["refused everywhere"]
    broken = _diagnosis(*CASES["errors, fixes and a parser's violation"])
    assert {"spf.syntax", "dmarc.invalid"} <= set(broken.codes)
    (syntax,) = [f for f in broken.findings if f.code == "spf.syntax"]
    # The parser's problems are phrases quoting violations: words of each language.
    problems = syntax.params["problems"]
    assert isinstance(problems, tuple)
    assert {type(p).__name__ for p in problems} == {"Phrase"}
    assert syntax.fix


def test_unpack_is_lazy() -> None:
    """A diagnosis is rebuilt only when the next one is asked for."""
    read: list[int] = []
    good = pack(_diagnosis(None, {}))

    def items() -> Iterator[bytes]:
        for number, data in enumerate((good, good, b"not a pickle")):
            read.append(number)
            yield data

    stream = unpack(items())
    assert read == []
    assert next(stream).domain == "example.org"
    assert read == [0]
    next(stream)
    assert read == [0, 1]
    with pytest.raises(pickle.UnpicklingError):
        next(stream)
