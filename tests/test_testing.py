"""``emailpro_core.testing``: the assertions, and the strategies (also by their first path)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import dns.zone
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import emailpro_core
from conftest import PEER_SUITES
from emailpro_core.checker._diagnosis import Diagnosis
from emailpro_core.checker._findings import Check, FixAction, FixLine, Status
from emailpro_core.domains import normalize_domain
from emailpro_core.errors import DomainOutsideZone, EmailProError, InvalidSetup, ZoneFileError
from emailpro_core.naming import check_login
from emailpro_core.password import CharacterSet
from emailpro_core.password._chars import CharacterClass
from emailpro_core.password._password import check_password
from emailpro_core.password._policy import PasswordPolicy
from emailpro_core.records._setup import DomainSetup
from emailpro_core.sources._answers import FailureCause
from emailpro_core.sources._static import StaticSource
from emailpro_core.sources._zone import ZoneSource
from emailpro_core.testing import DEFAULT_FAIL_ON, assert_diagnosis_ready, assert_zone_ready
from emailpro_core.testing._fixes import apply_fixes
from emailpro_core.testing.strategies import (
    domains,
    invalid_logins,
    invalid_logins_with_codes,
    valid_logins,
    valid_passwords,
)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
MIXED = EXAMPLES / "mydomain.ovh.zone"
READY = EXAMPLES / "example.org.zone"
READY_SETUP = DomainSetup(
    "example.org",
    server_number=1,
    ownership_token="ab1cd",
    dkim_selectors=("ovhemp123456-selector1", "ovhemp123456-selector2"),
)
#: The provider's records that a zone alone cannot hold: its SPF include, DKIM keys.
PROVIDER = StaticSource(
    {
        "mx.ovh.com": {"TXT": "v=spf1 ip4:198.51.100.0/24 -all"},
        "ovhemp123456-selector1._domainkey.1675.ac.dkim.mail.ovh.net": {
            "TXT": (PEER_SUITES / "dkim" / "2048_testkey_wo_markers.pub.txt").read_text().strip()
        },
    }
)

# --- strategies ---------------------------------------------------------------


@given(valid_logins())
def test_valid_logins_pass(login: str) -> None:
    """Every value of valid_logins() passes the default policy."""
    assert () == check_login(login)


@given(invalid_logins_with_codes())
def test_invalid_logins_give_their_code(pair: tuple[str, str]) -> None:
    """Every invalid login gives (at least) the code it was built to break."""
    login, code = pair
    assert code in [v.code for v in check_login(login)]


@given(invalid_logins())
def test_invalid_logins_fail(login: str) -> None:
    """Every value of invalid_logins() breaks the default policy."""
    assert check_login(login) != ()


@given(domains())
def test_domains_normalize(name: str) -> None:
    """Every value of domains() is a valid domain name."""
    assert normalize_domain(name).ascii


def policies() -> st.SearchStrategy[PasswordPolicy]:
    """The three readings, and hand-built policies over every character set and class."""
    built = st.builds(
        PasswordPolicy,
        name=st.just("custom"),
        source=st.just("test"),
        min_length=st.integers(min_value=0, max_value=12),
        max_length=st.integers(min_value=12, max_value=40),
        charset=st.sampled_from(CharacterSet),
        allow_whitespace=st.booleans(),
        required=st.sets(st.sampled_from([c for c in CharacterClass if c.value != "other_letter"])),
        min_categories=st.integers(min_value=0, max_value=4),
    )
    service = st.builds(
        PasswordPolicy.from_service,
        complexity_enabled=st.booleans(),
        min_length=st.sampled_from([None, 0, *range(3, 15)]),
    )
    return st.one_of(
        st.just(PasswordPolicy.default()), st.just(PasswordPolicy.guide()), service, built
    )


@settings(max_examples=150)
@given(st.data())
def test_valid_passwords_pass_their_policy(data: st.DataObject) -> None:
    """Every value of valid_passwords(policy) passes that policy."""
    policy = data.draw(policies())
    password = data.draw(valid_passwords(policy))
    assert () == check_password(password, policy=policy)
    assert policy.min_length <= len(password) <= policy.max_length


def test_valid_passwords_other_letters() -> None:
    """A policy that requires letters without case gets them."""
    policy = PasswordPolicy(
        name="cjk",
        source="test",
        min_length=1,
        max_length=8,
        required={CharacterClass.OTHER_LETTER},
    )

    @given(valid_passwords(policy))
    def check(password: str) -> None:
        assert () == check_password(password, policy=policy)

    check()


def test_valid_passwords_default_policy() -> None:
    """Without a policy, the default policy is used."""

    @given(valid_passwords())
    def check(password: str) -> None:
        assert () == check_password(password)
        assert password.isascii()

    check()


def test_valid_passwords_needs_a_policy() -> None:
    """A policy of the wrong type is a TypeError."""
    with pytest.raises(TypeError, match="policy must be a PasswordPolicy, not str"):
        valid_passwords("default")  # type: ignore[arg-type]


# A child Python imports the emailpro_core under test, wherever its own folder is.
_THIS_PACKAGE = {
    **os.environ,
    "PYTHONPATH": str(Path(emailpro_core.__file__).resolve().parent.parent),
}

# Blocks every import of Hypothesis, as if it were not installed.
_BLOCKER = """
import importlib.abc, sys

class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "hypothesis" or name.startswith("hypothesis."):
            raise ImportError(f"No module named {name!r} (blocked)")
        return None

sys.meta_path.insert(0, Blocker())
for name in [n for n in sys.modules if n == "hypothesis" or n.startswith("hypothesis.")]:
    del sys.modules[name]
"""

_WITHOUT_HYPOTHESIS = (
    _BLOCKER
    + """
from emailpro_core.testing import assert_diagnosis_ready, assert_zone_ready
diagnosis = assert_zone_ready("examples/example.org.zone", "example.org")
print("ready", diagnosis.domain)
try:
    assert_zone_ready("examples/mydomain.ovh.zone", "mydomain.ovh")
except AssertionError as exc:
    print("fails", str(exc).splitlines()[0])
print("hypothesis loaded:", any(n.startswith("hypothesis") for n in sys.modules))
for probe in ("from emailpro_core.testing import valid_logins",
              "import emailpro_core.testing.strategies"):
    try:
        exec(probe)
    except ImportError as exc:
        print("ImportError:", exc)
"""
)


def test_assertions_import_without_hypothesis() -> None:
    """With Hypothesis blocked, the assertions work; the strategies name the extra."""
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_HYPOTHESIS],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=EXAMPLES.parent,
        env=_THIS_PACKAGE,
    )
    install = "needs Hypothesis: pip install 'emailpro-core[testing]'"
    assert [
        "ready example.org",
        "fails mydomain.ovh is not ready: 2 finding(s) to fix (fail_on: error, unknown)",
        "hypothesis loaded: False",
        f"ImportError: emailpro_core.testing.strategies {install}",
        f"ImportError: emailpro_core.testing.strategies {install}",
    ] == done.stdout.splitlines(), done.stderr


def test_strategies_keep_their_first_import_path() -> None:
    """emailpro_core.testing still gives the strategies (the same objects) and lists them."""
    from emailpro_core import testing
    from emailpro_core.testing import strategies

    for name in strategies.__all__:
        assert getattr(strategies, name) is getattr(testing, name)
        assert name in dir(testing)
    assert valid_logins is strategies.valid_logins
    with pytest.raises(AttributeError, match="has no attribute 'no_such_strategy'"):
        testing.no_such_strategy  # noqa: B018


# --- assert_zone_ready -------------------------------------------------------------


def test_ready_zone_passes() -> None:
    """A ready zone passes and its diagnosis is returned."""
    diagnosis = assert_zone_ready(READY, READY_SETUP)
    assert Status.ERROR not in {f.status for f in diagnosis.findings}
    assert "example.org" == diagnosis.domain


def test_mixed_zone_fails_with_every_finding_and_fix() -> None:
    """A zone that is not ready fails with each ERROR finding and its zone lines."""
    with pytest.raises(AssertionError) as raised:
        assert_zone_ready(str(MIXED), "mydomain.ovh")
    assert [
        "mydomain.ovh is not ready: 2 finding(s) to fix (fail_on: error, unknown)",
        "  ERROR mx.foreign (mx): mydomain.ovh. also has MX records to mail.old-host.example.: "
        "senders pick among all MX hosts, so part of the mail bypasses the provider; remove them",
        "    fix: remove  mydomain.ovh. 3600 IN MX 10 mail.old-host.example.",
    ] == str(raised.value).splitlines()[:3]
    message = str(raised.value)
    assert "  ERROR spf.multiple_records (spf): " in message
    assert (
        '    fix: add     mydomain.ovh. 3600 IN TXT "v=spf1 include:_spf.old-host.example '
        'include:mx.ovh.com ~all"'
    ) in message
    assert "autodiscover.shadowed" not in message
    assert (
        "skipped, not failing: mx (dns.outside_zone), ownership (ownership.token_unknown), "
        "dkim (dkim.no_selectors)"
    ) == message.splitlines()[-1]


def test_fail_on_warning() -> None:
    """With fail_on_warning, WARNING findings fail too."""
    with pytest.raises(AssertionError, match=r"4 finding\(s\) to fix") as raised:
        assert_zone_ready(
            MIXED,
            DomainSetup(
                "mydomain.ovh",
                ownership_token="ab1cd",
                dkim_selectors=("ovhemp123456-selector1", "ovhemp123456-selector2"),
            ),
            fail_on_warning=True,
        )
    assert "  WARNING autodiscover.shadowed (autodiscover): " in str(raised.value)
    assert "  ERROR dkim.txt_instead_of_cname (dkim): " in str(raised.value)


def test_replacement_fix_is_aligned() -> None:
    """A replacement shows the old line, then the new one aligned under it."""
    text = READY.read_text().replace("mx.ovh.com ~all", "mx.ovh.com +all")
    zone = ZoneSource.from_text(text)
    with pytest.raises(AssertionError) as raised:
        assert_zone_ready(zone, READY_SETUP, fail_on_warning=True)
    assert (
        '    fix: replace example.org. 3600 IN TXT "v=spf1 include:mx.ovh.com +all"\n'
        '            with example.org. 3600 IN TXT "v=spf1 include:mx.ovh.com ~all"'
    ) in str(raised.value)


def test_unknown_findings_fail_with_their_cause() -> None:
    """An UNKNOWN finding fails: nothing can be concluded about that check."""
    fallback = StaticSource({}, failures={"mx.ovh.com": FailureCause.TIMEOUT})
    with pytest.raises(AssertionError) as raised:
        assert_zone_ready(READY, READY_SETUP, fallback=fallback)
    assert "[cause: timeout]" in str(raised.value)


def test_fallback_checks_the_provider_records() -> None:
    """With the provider's records as fallback, SPF and the DKIM key are checked too."""
    diagnosis = assert_zone_ready(dns.zone.from_file(str(READY)), READY_SETUP, fallback=PROVIDER)
    assert Status.OK is diagnosis.status_of(Check.SPF)
    assert "dkim.key_ok" in diagnosis.codes


def test_zone_without_origin_uses_the_domain(tmp_path: Path) -> None:
    """A zone file without $ORIGIN takes the setup's domain as origin."""
    path = tmp_path / "db.zone"
    path.write_text(READY.read_text().replace("$ORIGIN example.org.\n", ""))
    assert_zone_ready(path, READY_SETUP)


@pytest.mark.parametrize(
    ("zone", "setup", "error", "match"),
    [
        (Path("/nonexistent.zone"), "example.org", ZoneFileError, "No such file"),
        (ZoneSource.from_file(READY), "example.org", None, ""),
        (READY, "not..valid", ValueError, "empty label"),
        (READY, DomainSetup("example.org", server_number=0), InvalidSetup, "server number"),
        (42, "example.org", TypeError, "expected str, bytes or os.PathLike object"),
    ],
)
def test_errors(
    zone: object, setup: DomainSetup | str, error: type[Exception] | None, match: str
) -> None:
    """Bad arguments raise, never an AssertionError."""
    if error is None:
        with pytest.raises(TypeError, match="give the fallback when building the ZoneSource"):
            assert_zone_ready(zone, setup, fallback=PROVIDER)  # type: ignore[arg-type]
        return
    with pytest.raises(error, match=match):
        assert_zone_ready(zone, setup)  # type: ignore[arg-type]


# --- fail_on -------------------------------------------------------------------

#: The mixed zone with a token and selectors: 3 ERROR, 1 WARNING, 3 SKIPPED, no UNKNOWN.
MIXED_SETUP = DomainSetup(
    "mydomain.ovh",
    ownership_token="ab1cd",
    dkim_selectors=("ovhemp123456-selector1", "ovhemp123456-selector2"),
)


def _counts(zone: Path, setup: DomainSetup) -> dict[Status, int]:
    from emailpro_core.checker import check_domain

    diagnosis = check_domain(setup, ZoneSource.from_file(zone))
    return {s: sum(1 for f in diagnosis.findings if f.status is s) for s in Status}


@pytest.mark.parametrize(
    ("fail_on", "shown"),
    [
        ({"error"}, "error"),
        ({Status.ERROR, "unknown"}, "error, unknown"),
        (frozenset({"warning"}), "warning"),
        (["skipped", "warning"], "warning, skipped"),
        ({"error", "warning", "unknown", "skipped"}, "error, unknown, warning, skipped"),
        ((Status.SKIPPED,), "skipped"),
    ],
)
def test_fail_on_chooses_the_statuses(fail_on: set[Status | str], shown: str) -> None:
    """fail_on fails on exactly its statuses; the heading says which, errors listed first."""
    counts = _counts(MIXED, MIXED_SETUP)
    wanted = {s if isinstance(s, Status) else Status(s) for s in fail_on}
    with pytest.raises(AssertionError) as raised:
        assert_zone_ready(MIXED, MIXED_SETUP, fail_on=fail_on)
    lines = str(raised.value).splitlines()
    total = sum(counts[s] for s in wanted)
    assert f"mydomain.ovh is not ready: {total} finding(s) to fix (fail_on: {shown})" == lines[0]
    listed = [line.split()[0] for line in lines[1:] if line.startswith("  ") and line[2] != " "]
    assert sorted(listed) == sorted(s.name for s in wanted for _ in range(counts[s]))
    assert listed == sorted(listed, key=["ERROR", "UNKNOWN", "WARNING", "SKIPPED"].index)
    assert ("skipped, not failing: " in lines[-1]) is (Status.SKIPPED not in wanted)


def test_fail_on_nothing_that_is_there_passes() -> None:
    """A fail_on without the statuses present passes, and an empty one never fails."""
    assert "mydomain.ovh" == assert_zone_ready(MIXED, MIXED_SETUP, fail_on={"unknown"}).domain
    assert "mydomain.ovh" == assert_zone_ready(MIXED, MIXED_SETUP, fail_on=()).domain


def test_default_fail_on() -> None:
    """The default fails on ERROR and UNKNOWN; fail_on_warning adds WARNING."""
    assert frozenset({Status.ERROR, Status.UNKNOWN}) == DEFAULT_FAIL_ON
    with pytest.raises(AssertionError, match=r"\(fail_on: error, unknown, warning\)"):
        assert_zone_ready(MIXED, MIXED_SETUP, fail_on={"error", "unknown"}, fail_on_warning=True)


@pytest.mark.parametrize(
    ("fail_on", "error", "match"),
    [
        ({"ok"}, ValueError, "fail_on cannot hold ok"),
        ({Status.OK, "error"}, ValueError, "fail_on cannot hold ok"),
        ({"errors"}, ValueError, "fail_on holds 'errors': give statuses among error, warning"),
        ({"ERROR"}, ValueError, "fail_on holds 'ERROR'"),
        ("error", TypeError, "fail_on must be a collection of statuses"),
        (Status.ERROR, TypeError, "fail_on must be a collection of statuses"),
        (42, TypeError, "not iterable"),
    ],
)
def test_fail_on_errors(fail_on: object, error: type[Exception], match: str) -> None:
    """A fail_on that is not a set of failing statuses is a ValueError or TypeError."""
    with pytest.raises(error, match=match):
        assert_zone_ready(READY, READY_SETUP, fail_on=fail_on)  # type: ignore[arg-type]


def test_assert_diagnosis_ready() -> None:
    """assert_diagnosis_ready judges a diagnosis already made, read back from JSON too."""
    from emailpro_core.checker import check_domain

    diagnosis = check_domain(MIXED_SETUP, ZoneSource.from_file(MIXED))
    copy = Diagnosis.from_json(diagnosis.to_json())
    with pytest.raises(AssertionError, match=r"^mydomain.ovh is not ready: 3 finding"):
        assert_diagnosis_ready(copy)
    assert copy is assert_diagnosis_ready(copy, fail_on={"unknown"})
    with pytest.raises(TypeError, match="expected a Diagnosis, not str"):
        assert_diagnosis_ready("mydomain.ovh")  # type: ignore[arg-type]


_FAILING_TEST = """
from emailpro_core.testing import assert_diagnosis_ready, assert_zone_ready

def test_zone():
    assert_zone_ready(ZONE, "mydomain.ovh")

def test_diagnosis():
    from emailpro_core.checker import check_domain
    from emailpro_core.records._setup import DomainSetup
    from emailpro_core.sources._zone import ZoneSource
    diagnosis = check_domain(DomainSetup("mydomain.ovh"), ZoneSource.from_file(ZONE))
    assert_diagnosis_ready(diagnosis)
"""


def test_pytest_traceback_hides_the_helpers(tmp_path: Path) -> None:
    """In pytest's traceback, the failure points at the test's line, not inside the helpers."""
    (tmp_path / "test_zone.py").write_text(f"ZONE = {str(MIXED)!r}\n" + _FAILING_TEST)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--tb=long"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env=_THIS_PACKAGE,
    )
    assert 1 == done.returncode, done.stdout + done.stderr
    assert "2 failed" in done.stdout
    assert "testing/__init__.py" not in done.stdout
    assert "raise AssertionError" not in done.stdout
    shown = [line[1:].strip() for line in done.stdout.splitlines() if line.startswith("E ")]
    heading = (
        "AssertionError: mydomain.ovh is not ready: 2 finding(s) to fix (fail_on: error, unknown)"
    )
    assert 2 == shown.count(heading)
    assert 2 == sum(line.startswith("skipped, not failing: mx (") for line in shown)
    assert '>       assert_zone_ready(ZONE, "mydomain.ovh")' in done.stdout
    assert ">       assert_diagnosis_ready(diagnosis)" in done.stdout


# --- the CI example of docs/testing.md ----------------------------------------------


def _ci_example() -> str:
    text = (Path(__file__).resolve().parent.parent / "docs" / "testing.md").read_text()
    blocks = re.findall(r"^```python\n(# tests/test_zones\.py\n.*?)^```", text, re.S | re.M)
    assert 1 == len(blocks)
    return str(blocks[0])


@pytest.mark.parametrize(
    ("zone", "code", "shown"),
    [
        (READY.read_text(), 0, "1 passed"),
        (
            READY.read_text().replace("mx4.mail.ovh.net.", "mx4.mail.example.net."),
            1,
            "fix: remove  example.org. 3600 IN MX 200 mx4.mail.example.net.",
        ),
    ],
    ids=["ready", "broken"],
)
def test_ci_example_runs_with_pytest(tmp_path: Path, zone: str, code: int, shown: str) -> None:
    """The test file of docs/testing.md passes on a ready zone and shows the fix otherwise."""
    (tmp_path / "zones").mkdir()
    (tmp_path / "zones" / "example.org.zone").write_text(zone)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_zones.py").write_text(_ci_example())
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert code == done.returncode, done.stdout + done.stderr
    assert shown in done.stdout


# --- apply_fixes ----------------------------------------------------------------

_HEAD = (
    "example.org. 300 IN SOA ns1.example.org. hm.example.org. 1 7200 900 1209600 300\n"
    "example.org. 300 IN NS ns1.example.org.\n"
)
_ZONE = _HEAD + 'example.org. 300 IN MX 10 old.example.\nx.example.org. 300 IN TXT "a" "b"\n'


def _add(line: str) -> FixLine:
    return FixLine(FixAction.ADD, line)


def _remove(line: str) -> FixLine:
    return FixLine(FixAction.REMOVE, line)


@pytest.mark.parametrize(
    ("fixes", "lines"),
    [
        ([], ["example.org. 300 IN MX 10 old.example.", 'x.example.org. 300 IN TXT "a" "b"']),
        (
            [_add("example.org. 3600 IN MX 1 mx0.mail.ovh.net.")],
            [
                "example.org. 300 IN MX 10 old.example.",
                "example.org. 3600 IN MX 1 mx0.mail.ovh.net.",
                'x.example.org. 300 IN TXT "a" "b"',
            ],
        ),
        # The TTL does not name a record; case and TXT string splits do not either.
        (
            [
                _remove("EXAMPLE.org. 3600 IN MX 10 OLD.example."),
                _remove('x.example.org. 1 IN TXT "a" "b"'),
            ],
            [],
        ),
        (
            [
                FixLine(
                    FixAction.REPLACE,
                    'x.example.org. 300 IN TXT "c"',
                    'x.example.org. 300 IN TXT "a" "b"',
                )
            ],
            ["example.org. 300 IN MX 10 old.example.", 'x.example.org. 300 IN TXT "c"'],
        ),
        # A record added twice is there once.
        (
            [_add('y.example.org. 60 IN TXT "v"'), _add('y.example.org. 60 IN TXT "v"')],
            [
                "example.org. 300 IN MX 10 old.example.",
                'x.example.org. 300 IN TXT "a" "b"',
                'y.example.org. 60 IN TXT "v"',
            ],
        ),
    ],
)
def test_apply_fixes(fixes: list[FixLine], lines: list[str]) -> None:
    """Additions, removals and replacements, the SOA first, every name absolute."""
    assert _HEAD + "".join(line + "\n" for line in lines) == apply_fixes(
        _ZONE, fixes, origin="example.org"
    )


@pytest.mark.parametrize(
    ("zone", "fix", "message"),
    [
        (_ZONE, _remove("example.org. 300 IN MX 20 old.example."), "no record"),
        (_ZONE, _remove("gone.example.org. 300 IN A 192.0.2.1"), "no record"),
        (_ZONE, _add("example.net. 300 IN A 192.0.2.1"), "outside the zone"),
        (_ZONE, _add("example.org 300 IN A 192.0.2.1"), "not a fix line"),
        (_ZONE, _add("example.org. 300 CH A 192.0.2.1"), "not a fix line"),
        (_ZONE, _add("example.org. 300 IN A"), "not a fix line"),
        (_ZONE, _add("example.org. 300 IN A 999.0.2.1"), "not a valid record"),
        (_ZONE, _add("example.org. ttl IN A 192.0.2.1"), "not a valid record"),
        ("example.org. IN BOGUS x", _add("example.org. 300 IN A 192.0.2.1"), "cannot read"),
    ],
)
def test_apply_fixes_refuses(zone: str, fix: FixLine, message: str) -> None:
    """A line that is not a record of the zone, or not in it to remove, is a ValueError."""
    with pytest.raises(ValueError, match=message):
        apply_fixes(zone, [fix], origin="example.org")


_LABELS = st.from_regex(r"r[a-z0-9]{0,7}", fullmatch=True)
_TEXTS = st.text(alphabet="abc xyz=;", max_size=20)


@settings(max_examples=50)
@given(st.lists(st.tuples(_LABELS, _TEXTS), max_size=6))
def test_apply_fixes_adds_then_removes(records: list[tuple[str, str]]) -> None:
    """Adding records then removing them gives the zone back; the result loads in dnspython."""
    lines = [f'{label}.example.org. 300 IN TXT "{text}"' for label, text in records]
    grown = apply_fixes(_ZONE, [_add(line) for line in lines], origin="example.org")
    zone = dns.zone.from_text(grown, origin="example.org", relativize=False)
    assert {(label, text) for label, text in records} == {
        (name.labels[0].decode(), rdata.to_text().strip('"'))
        for name, _, rdata in zone.iterate_rdatas("TXT")
        if name.labels[0] != b"x"
    }
    removals = [_remove(line) for line in dict.fromkeys(lines)]
    assert _ZONE == apply_fixes(grown, removals, origin="example.org")


def test_a_finding_without_fix_says_why() -> None:
    """A failing finding with no fix lines shows its fix_reason (here, the relay target)."""
    setup = DomainSetup(
        "example.org",
        mode="nonAuthoritative",
        relay_target="gone.example.org",
        server_number=READY_SETUP.server_number,
        ownership_token=READY_SETUP.ownership_token,
        dkim_selectors=READY_SETUP.dkim_selectors,
    )
    with pytest.raises(AssertionError) as raised:
        assert_zone_ready(READY, setup)
    message = str(raised.value)
    assert "ERROR relay.unresolvable (relay)" in message
    assert "    no fix: the relay target is a setting of the service (mxRelay)" in message


# --- a zone that does not hold the domain ------------------------------------------


@pytest.mark.parametrize(
    "zone",
    [
        lambda: READY,
        lambda: str(READY),
        lambda: ZoneSource.from_file(READY),
        lambda: dns.zone.from_file(str(READY)),
    ],
    ids=["path", "str", "ZoneSource", "dns.zone.Zone"],
)
def test_zone_of_another_domain_is_refused(zone: Any) -> None:
    """A zone whose origin is not the domain nor a parent of it fails, naming both names."""
    with pytest.raises(DomainOutsideZone) as caught:
        assert_zone_ready(zone(), "mydomain.ovh")
    assert ("mydomain.ovh", ("example.org",)) == (caught.value.domain, caught.value.zones)
    assert "mydomain.ovh is not in the zone example.org" == str(caught.value)
    assert isinstance(caught.value, EmailProError)


def test_zone_of_a_parent_domain_is_checked() -> None:
    """A subdomain of the zone's origin is checked, not refused."""
    with pytest.raises(AssertionError, match=r"^mail\.example\.org is not ready"):
        assert_zone_ready(READY, "mail.example.org")
