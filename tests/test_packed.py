"""Diagnoses in transit from a worker: pickled one by one, rebuilt when asked for."""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator

import pytest

from emailpro_core.checker import Diagnosis, check_domain
from emailpro_core.checker._packed import pack, unpack
from emailpro_core.sources._answers import FailureCause
from emailpro_core.sources._static import StaticSource
from test_checker_zones import SETUP, Records, correct_records


def _broken(records: Records) -> None:
    records["example.org"]["MX"] = ["1 mail.example.org."]
    records["example.org"]["TXT"] = ["v=spf1 ip4:192.0.2.0/33 -all"]  # violations in params
    records["_dmarc.example.org"]["TXT"] = ["v=DMARC1; p=bogus"]


def _diagnosis(
    change: Callable[[Records], None] | None, failures: dict[str, FailureCause]
) -> Diagnosis:
    records = correct_records()
    if change is not None:
        change(records)
    return check_domain(SETUP, StaticSource(records, failures=failures))  # type: ignore[arg-type]


CASES = {
    "correct": (None, {}),
    "errors, fixes and a parser's violation": (_broken, {}),
    "unknown, with causes": (None, {"example.org": FailureCause.TIMEOUT}),
    "refused everywhere": (_broken, {"_dmarc.example.org": FailureCause.REFUSED}),
}


@pytest.mark.parametrize("case", CASES)
def test_round_trip(case: str) -> None:
    """What a worker packs, the caller unpacks equal: fields, params, and both languages."""
    diagnosis = _diagnosis(*CASES[case])
    packed = pack(diagnosis)
    assert type(packed) is bytes
    (back,) = unpack([packed])
    assert back == diagnosis
    assert back.to_dict() == diagnosis.to_dict()
    assert [dict(f.params) for f in back.findings] == [dict(f.params) for f in diagnosis.findings]
    for language in ("en", "fr"):
        assert back.to_text(language) == diagnosis.to_text(language)


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
    assert {type(p).__name__ for p in syntax.params["problems"]} == {"Phrase"}  # type: ignore[attr-defined]
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
