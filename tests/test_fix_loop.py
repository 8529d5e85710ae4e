"""Every way the fix loop breaks a zone, alone: its fixes repair it (see ``fix_loop``)."""

from __future__ import annotations

import pytest

from emailpro_core.checker import Check, Status
from fix_loop import (
    BREAKAGES,
    EVERY_BREAKAGE,
    FULL_SETUP,
    NO_FIX,
    assert_repaired,
    build,
    repair,
)


@pytest.mark.parametrize(("check", "way"), EVERY_BREAKAGE, ids=[w for _, w in EVERY_BREAKAGE])
def test_each_breakage_is_found_and_repaired(check: str, way: str) -> None:
    """The breakage gives a finding that is not OK, and its fix lines repair the zone.

    A breakage of ``NO_FIX`` has no fix: each of its findings says why instead.
    """
    zone = build(FULL_SETUP, {check: way})
    before, _, _ = repair(zone)
    assert not before.ok or before.worst is Status.WARNING, before.to_text()
    if way in NO_FIX:
        assert () == before.fix
        assert all(f.fix_reason for f in before.findings if f.status is not Status.OK)
    else:
        assert before.fix, before.to_text()
    assert_repaired(zone)


def test_the_correct_zone_needs_no_fix() -> None:
    """The zone no breakage touched is all OK and has no fix."""
    before, _, after = repair(build(FULL_SETUP, {}))
    assert {Status.OK} == {f.status for f in before.findings}
    assert () == before.fix
    assert before == after


#: The SPF findings (not OK) each SPF breakage gives, with the provider's record readable.
SPF_CODES = {
    "no spf": {"spf.missing"},
    "two spf": {"spf.multiple_records"},
    "-all first": {"spf.provider_not_authorized"},
    "-all first, split": {"spf.provider_not_authorized"},
    "+all": {"spf.permissive_all"},
    "?all": {"spf.permissive_all", "spf.provider_not_authorized"},
    "bad address": {"spf.syntax"},
    "bad mechanism": {"spf.syntax"},
    "bad term, no include": {"spf.syntax"},
    "bad term, split": {"spf.syntax"},
    "-include": {"spf.provider_not_authorized"},
    "~include": {"spf.provider_not_authorized"},
    "eleven own includes": {"spf.too_many_lookups"},
    "own include of ten includes": {"spf.too_many_lookups"},
    "eleven a": {"spf.too_many_lookups"},
    "eleven mx": {"spf.too_many_lookups"},
    "three voids": {"spf.too_many_void_lookups"},
    "own include, -all first": {"spf.provider_not_authorized"},
    "own include excludes part": {"spf.provider_partly_authorized"},
    "part by address": {"spf.provider_partly_authorized", "spf.provider_by_address"},
    "part excluded": {"spf.provider_partly_authorized"},
    "all by address": {"spf.provider_by_address"},
    "ptr": {"spf.ptr"},
}


@pytest.mark.parametrize("way", sorted(BREAKAGES["spf"]))
def test_each_spf_breakage_gives_its_finding(way: str) -> None:
    """Each SPF breakage gives the findings it is there for, and the repair leaves only ptr's."""
    before, _, after = repair(build(FULL_SETUP, {"spf": way}))
    assert SPF_CODES[way] == {f.code for f in before.of(Check.SPF) if f.status is not Status.OK}
    left = {f.code for f in after.of(Check.SPF) if f.status is not Status.OK}
    assert ({"spf.ptr"} if way in NO_FIX else set()) == left
