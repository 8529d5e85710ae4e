"""Findings and diagnoses: statuses, renderings, JSON and pickle round trips."""

from __future__ import annotations

import json
import pickle
import re

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
from emailpro_core.sources._static import StaticSource
from test_checker_zones import SETUP, correct_records

ADD = FixLine(FixAction.ADD, 'example.org. 3600 IN TXT "v=spf1 include:mx.ovh.com ~all"')
REPLACE = FixLine(
    FixAction.REPLACE,
    "example.org. 3600 IN MX 1 mx0.mail.ovh.net.",
    "example.org. 3600 IN MX 1 mail.example.org.",
)


def make(check: Check, status: Status, code: str, *fix: FixLine) -> Finding:
    return Finding(check, status, code, f"{code} happened", "example.org.", fix=fix)


@pytest.mark.parametrize(
    ("statuses", "worst", "ok"),
    [
        ((), Status.OK, True),
        ((Status.OK,), Status.OK, True),
        ((Status.OK, Status.SKIPPED), Status.SKIPPED, True),
        ((Status.SKIPPED, Status.WARNING), Status.WARNING, True),
        ((Status.WARNING, Status.UNKNOWN), Status.UNKNOWN, False),
        ((Status.ERROR, Status.UNKNOWN, Status.OK), Status.ERROR, False),
    ],
)
def test_worst_and_ok(statuses: tuple[Status, ...], worst: Status, ok: bool) -> None:
    """The worst status orders OK < SKIPPED < WARNING < UNKNOWN < ERROR; ok means no red."""
    diagnosis = Diagnosis("example.org", tuple(make(Check.MX, s, "x.y") for s in statuses))
    assert (worst, ok) == (diagnosis.worst, diagnosis.ok)


def test_severity_order() -> None:
    """Severities rise in the declared order of the statuses."""
    assert [0, 1, 2, 3, 4] == [s.severity for s in Status]


def test_text_has_one_line_per_check() -> None:
    """The text rendering: a heading, then one line per check, worst finding first."""
    diagnosis = Diagnosis(
        "example.org",
        (
            make(Check.MX, Status.WARNING, "mx.cname_target"),
            make(Check.MX, Status.ERROR, "mx.foreign"),
            make(Check.SPF, Status.OK, "spf.ok"),
        ),
    )
    assert diagnosis.to_text().splitlines() == [
        "example.org: ERROR",
        "  mx           ERROR    mx.foreign: mx.foreign happened (+1: mx.cname_target)",
        "  spf          OK       spf.ok: spf.ok happened",
    ]


def test_fix_lines_are_merged_without_repeats() -> None:
    """Every finding's fix, in order, each line once."""
    diagnosis = Diagnosis(
        "example.org",
        (
            make(Check.MX, Status.ERROR, "mx.a", REPLACE),
            make(Check.MX, Status.WARNING, "mx.b", REPLACE, ADD),
        ),
    )
    assert (REPLACE, ADD) == diagnosis.fix
    assert diagnosis.fix_text() == (
        "replace example.org. 3600 IN MX 1 mail.example.org.\n"
        "   with example.org. 3600 IN MX 1 mx0.mail.ovh.net.\n"
        'add     example.org. 3600 IN TXT "v=spf1 include:mx.ovh.com ~all"'
    )


def test_lookups_by_check() -> None:
    """of() and status_of() select one check; a check without findings has no status."""
    diagnosis = Diagnosis("example.org", (make(Check.MX, Status.WARNING, "mx.partial"),))
    assert ("mx.partial",) == tuple(f.code for f in diagnosis.of(Check.MX))
    assert (Status.WARNING, None) == (diagnosis.status_of(Check.MX), diagnosis.status_of(Check.SPF))
    assert ("mx.partial",) == diagnosis.codes


def _real() -> Diagnosis:
    records = correct_records()
    records["example.org"]["MX"] = ["1 mail.example.org.", "5 mx1.mail.ovh.net."]
    records["mail.example.org"] = {"CNAME": ["mx0.mail.ovh.net."]}
    return check_domain(SETUP, StaticSource(records))


def test_dict_and_json_round_trip() -> None:
    """to_dict/from_dict and to_json/from_json give back an equal diagnosis."""
    diagnosis = _real()
    assert diagnosis == Diagnosis.from_dict(diagnosis.to_dict())
    assert diagnosis == Diagnosis.from_json(diagnosis.to_json())
    assert diagnosis == Diagnosis.from_dict(json.loads(diagnosis.to_json(indent=2)))


def test_dict_form() -> None:
    """The JSON form has stable keys; ok and worst are included for readers."""
    data = Diagnosis("example.org", (make(Check.SPF, Status.ERROR, "spf.missing", ADD),)).to_dict()
    assert data == {
        "version": 1,
        "domain": "example.org",
        "status": "error",
        "ok": False,
        "worst": "error",
        "findings": [
            {
                "check": "spf",
                "status": "error",
                "code": "spf.missing",
                "message": "spf.missing happened",
                "name": "example.org.",
                "expected": [],
                "observed": [],
                "fix": [{"action": "add", "line": ADD.line}],
                "cause": None,
                "fix_reason": "",
                "params": {},
                "variant": "",
                "fix_reason_key": "",
            }
        ],
    }
    assert {"action": "replace", "line": REPLACE.line, "old": REPLACE.old} == REPLACE.to_dict()


def test_pickle_round_trip() -> None:
    """A diagnosis pickles (it travels between the workers of a distributed run)."""
    diagnosis = _real()
    assert diagnosis == pickle.loads(pickle.dumps(diagnosis))


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickle_keeps_every_field(protocol: int) -> None:
    """Every field comes back, with its type, under every pickle protocol."""
    finding = Finding(
        Check.MX,
        Status.UNKNOWN,
        "dns.unknown",
        "the lookup failed",
        "example.org.",
        expected=("a",),
        observed=("b", "c"),
        fix=(ADD, REPLACE),
        cause="timeout",
        fix_reason="retry later",
    )
    diagnosis = Diagnosis("example.org", (finding, make(Check.SPF, Status.OK, "spf.ok")))
    back = pickle.loads(pickle.dumps(diagnosis, protocol=protocol))
    assert back == diagnosis
    (first, second) = back.findings
    assert (first.check, first.status, first.cause) == (Check.MX, Status.UNKNOWN, "timeout")
    assert (first.expected, first.observed) == (("a",), ("b", "c"))
    assert first.fix_reason == "retry later"
    assert [(f.action, f.line, f.old) for f in first.fix] == [
        (FixAction.ADD, ADD.line, ""),
        (FixAction.REPLACE, REPLACE.line, REPLACE.old),
    ]
    assert (second.code, second.cause, second.fix) == ("spf.ok", None, ())
    assert pickle.loads(pickle.dumps(REPLACE, protocol=protocol)) == REPLACE


def test_pickle_rebuilds_through_the_classes() -> None:
    """Findings pickle as their constructor's arguments, not as attrs' state (for speed)."""
    assert REPLACE.__reduce__() == (FixLine, (FixAction.REPLACE, REPLACE.line, REPLACE.old))
    finding = make(Check.MX, Status.ERROR, "mx.foreign", ADD)
    assert finding.__reduce__() == (
        Finding,
        (
            Check.MX,
            Status.ERROR,
            "mx.foreign",
            "mx.foreign happened",
            "example.org.",
            (),
            (),
            (ADD,),
            None,
            "",
        ),
    )
    diagnosis = Diagnosis("example.org", (finding,))
    assert diagnosis.__reduce__() == (Diagnosis, ("example.org", (finding,)))


def test_fix_reason_round_trips_and_shows() -> None:
    """fix_reason is kept by JSON (absent reads as empty) and shown by Finding.to_text()."""
    finding = Finding(
        Check.DKIM,
        Status.ERROR,
        "dkim.key_revoked",
        "the key is revoked",
        "s._domainkey.example.org.",
        fix_reason="the provider holds the key",
    )
    data = finding.to_dict()
    assert "the provider holds the key" == data["fix_reason"]
    assert finding == Finding.from_dict(data)
    del data["fix_reason"]
    assert "" == Finding.from_dict(data).fix_reason
    assert finding.to_text().splitlines() == [
        "ERROR dkim.key_revoked: the key is revoked",
        "  no fix: the provider holds the key",
    ]
    fixed = make(Check.MX, Status.WARNING, "mx.cname_target", REPLACE)
    assert fixed.to_text().splitlines() == [
        "WARNING mx.cname_target: mx.cname_target happened",
        "  replace example.org. 3600 IN MX 1 mail.example.org.",
        "     with example.org. 3600 IN MX 1 mx0.mail.ovh.net.",
    ]
    with pytest.raises(ValueError, match="fix_reason"):
        Finding.from_dict({**finding.to_dict(), "fix_reason": 3})


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"findings": []}, ValueError),
        ({"domain": "example.org"}, ValueError),
        ({"domain": 3, "findings": []}, ValueError),
        ({"domain": "example.org", "findings": [1]}, TypeError),
        ({"domain": "example.org", "findings": [{"check": "mx"}]}, ValueError),
        (
            {
                "domain": "example.org",
                "findings": [
                    {
                        "check": "nope",
                        "status": "ok",
                        "code": "x",
                        "message": "m",
                        "name": "example.org.",
                    }
                ],
            },
            ValueError,
        ),
        (
            {
                "domain": "example.org",
                "findings": [
                    {
                        "check": "mx",
                        "status": "ok",
                        "code": "x",
                        "message": "m",
                        "name": "example.org.",
                        "cause": 3,
                    }
                ],
            },
            ValueError,
        ),
        (
            {
                "domain": "example.org",
                "findings": [
                    {
                        "check": "mx",
                        "status": "ok",
                        "code": "x",
                        "message": "m",
                        "name": "example.org.",
                        "observed": [1],
                    }
                ],
            },
            ValueError,
        ),
    ],
)
def test_from_dict_refuses_other_data(data: dict[str, object], error: type[Exception]) -> None:
    """Data the checker does not write is refused with a clear error."""
    with pytest.raises(error):
        Diagnosis.from_dict(data)


def test_from_json_refuses_a_list() -> None:
    """JSON that is not an object is refused."""
    with pytest.raises(TypeError):
        Diagnosis.from_json("[]")


def test_from_dict_refuses_a_non_mapping() -> None:
    """A finding that is not a mapping is refused."""
    with pytest.raises(TypeError):
        Finding.from_dict([])  # type: ignore[arg-type]


def test_minimal_finding_dict() -> None:
    """Optional keys of a finding may be left out."""
    data = {"check": "dmarc", "status": "warning", "code": "dmarc.missing", "message": "m"}
    found = Finding.from_dict({**data, "name": "_dmarc.example.org."})
    assert ((), (), (), None) == (found.expected, found.observed, found.fix, found.cause)


def test_fix_line_from_dict_refuses_a_non_mapping() -> None:
    """A fix line that is not a mapping is refused."""
    with pytest.raises(TypeError):
        FixLine.from_dict([])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("statuses", "status"),
    [
        ((), Status.OK),
        ((Status.SKIPPED,), Status.SKIPPED),
        ((Status.SKIPPED, Status.SKIPPED), Status.SKIPPED),
        ((Status.OK, Status.SKIPPED), Status.OK),
        ((Status.SKIPPED, Status.WARNING), Status.WARNING),
        ((Status.SKIPPED, Status.UNKNOWN, Status.OK), Status.UNKNOWN),
        ((Status.ERROR, Status.SKIPPED, Status.UNKNOWN), Status.ERROR),
    ],
)
def test_overall_status_leaves_skipped_aside(statuses: tuple[Status, ...], status: Status) -> None:
    """status is the worst checked status; SKIPPED only when every finding is."""
    diagnosis = Diagnosis("example.org", tuple(make(Check.MX, s, "x.y") for s in statuses))
    assert status is diagnosis.status
    assert status.value == diagnosis.to_dict()["status"]
    assert f"example.org: {status.name}" == diagnosis.to_text().splitlines()[0]


@pytest.mark.parametrize(
    ("version", "error"),
    [
        (None, None),
        (1, None),
        (2, "version 2 is not one this release reads"),
        (0, "version 0 is not one this release reads"),
        (True, "version True is not one this release reads"),
        ("1", "'version' must be a int, not str"),
    ],
)
def test_from_dict_reads_version_one(version: object, error: str | None) -> None:
    """A document of version 1, or without a version, reads back; any other is refused."""
    data = _real().to_dict()
    if version is None:
        del data["version"]
    else:
        data["version"] = version
    if error is None:
        assert _real() == Diagnosis.from_dict(data)
    else:
        with pytest.raises(ValueError, match=re.escape(error)):
            Diagnosis.from_dict(data)
