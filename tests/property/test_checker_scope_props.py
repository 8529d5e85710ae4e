"""Properties of what a run refuses and survives: zones without the domain, raising sources."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import any_text

from emailpro_core.checker import Check, Status, check_domain
from emailpro_core.checker._driver import raised
from emailpro_core.errors import DomainOutsideZone
from emailpro_core.sources._answers import Answer, AnswerStatus, FailureCause, Query
from emailpro_core.sources._zone import ZoneSource, require_zone_holds
from test_checker_zones import SETUP, correct_records

# Few labels, so that generated names are often equal, parents or children of each other.
_LABEL = st.sampled_from(["a", "b", "ab", "xn--bcher-kva", "_x"])
_NAME = st.lists(_LABEL, min_size=1, max_size=4).map(".".join)


def _zone(origin: str, fallback: ZoneSource | None) -> ZoneSource:
    return ZoneSource.from_text(
        f"@ 3600 SOA ns1.{origin}. h.{origin}. 1 7200 900 1209600 300\n@ 3600 NS ns1.{origin}.",
        origin=origin,
        fallback=fallback,
    )


def _holds(apex: str, domain: str) -> bool:
    # Written from the definition, label by label, not with the code under test.
    return domain.split(".")[-len(apex.split(".")) :] == apex.split(".")


@given(st.lists(_NAME, min_size=1, max_size=3, unique=True), _NAME)
def test_a_chain_of_zones_holds_a_domain_iff_one_zone_does(zones: list[str], domain: str) -> None:
    """Refused exactly when no zone of the chain is the domain or a parent; the error names all."""
    source = None
    for origin in reversed(zones):
        source = _zone(origin, source)
    if any(_holds(apex, domain) for apex in zones):
        require_zone_holds(source, domain)
        return
    with pytest.raises(DomainOutsideZone) as caught:
        require_zone_holds(source, domain)
    assert (domain, tuple(zones)) == (caught.value.domain, caught.value.zones)
    assert str(caught.value).startswith(f"{domain} is ")
    assert all(zone in str(caught.value) for zone in zones)


_ERRORS = st.sampled_from([RuntimeError, ValueError, KeyError, OSError, LookupError, TypeError])


@given(_ERRORS, any_text(max_size=500))
def test_a_raised_exception_is_a_bounded_failure_naming_its_type(
    kind: type[Exception], text: str
) -> None:
    """Any exception becomes FAILURE, cause OTHER, naming its type, in a bounded one-line detail."""
    answer = raised(Query("example.org", "TXT"), kind(text))
    assert (AnswerStatus.FAILURE, FailureCause.OTHER) == (answer.status, answer.cause)
    assert answer.detail.startswith(f"the record source raised {kind.__name__}")
    assert len(answer.detail) <= len(f"the record source raised {kind.__name__}: ") + 100
    assert "\n" not in answer.detail


class _RaisingFor:
    def __init__(self, names: frozenset[str]) -> None:
        from emailpro_core.sources._static import StaticSource

        self.inner = StaticSource(correct_records())
        self.names = names

    def lookup(self, name: str, rdtype: str, /) -> Answer:
        if name in self.names:
            raise RuntimeError(name)
        return self.inner.lookup(name, rdtype)


_ASKED = sorted(
    {
        f"_dmarc.{SETUP.domain.ascii}",
        SETUP.domain.ascii,
        f"_autodiscover._tcp.{SETUP.domain.ascii}",
        "mx.ovh.com",
        f"ab1cd-check.{SETUP.domain.ascii}",
    }
)


@given(st.frozensets(st.sampled_from(_ASKED)))
def test_lookups_that_raise_are_never_missing(names: frozenset[str]) -> None:
    """Whatever lookups raise, the run ends; no finding says missing; UNKNOWN means cause other."""
    diagnosis = check_domain(SETUP, _RaisingFor(names))
    # Every check but the relay one (SETUP is authoritative: it has no relay target).
    assert set(Check) - {Check.RELAY} == {f.check for f in diagnosis.findings}
    for finding in diagnosis.findings:
        assert not finding.code.endswith("missing")
        if finding.status is Status.UNKNOWN:
            assert "other" == finding.cause
    # Every name listed is asked by some check: one raising leaves that check UNKNOWN.
    assert (Status.UNKNOWN in {f.status for f in diagnosis.findings}) == bool(names)
