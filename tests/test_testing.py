"""``emailpro_core.testing``: the public strategies, and ``assert_zone_ready``."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import dns.zone
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import PEER_SUITES
from emailpro_core.dnsdata import FailureCause
from emailpro_core.domains import normalize_domain
from emailpro_core.errors import EmailProError
from emailpro_core.findings import Check, Status
from emailpro_core.naming import check_login
from emailpro_core.password import (
    CharacterClass,
    CharacterSet,
    PasswordPolicy,
    check_password,
)
from emailpro_core.setup import DomainSetup, InvalidSetup
from emailpro_core.source_static import StaticSource
from emailpro_core.source_zone import DomainOutsideZone, ZoneFileError, ZoneSource
from emailpro_core.testing import (
    assert_zone_ready,
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


def test_the_extra_names_its_install_command() -> None:
    """Without Hypothesis, importing the module says how to install the extra."""
    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "try:\n    import emailpro_core.testing\n"
        "except ImportError as e:\n    print(e)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    expected = "emailpro_core.testing needs Hypothesis: pip install 'emailpro-core[testing]'"
    assert expected == done.stdout.strip()


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
        "mydomain.ovh is not ready: 2 finding(s) to fix",
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
    text = READY.read_text().replace('"v=spf1 include:mx.ovh.com ~all"', '"v=spf1 +all"')
    zone = ZoneSource.from_text(text)
    with pytest.raises(AssertionError) as raised:
        assert_zone_ready(zone, READY_SETUP, fail_on_warning=True)
    assert (
        '    fix: replace example.org. 3600 IN TXT "v=spf1 +all"\n'
        '            with example.org. 3600 IN TXT "v=spf1 ~all"'
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
