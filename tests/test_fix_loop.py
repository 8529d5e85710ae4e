"""Every way the fix loop breaks a zone, alone: its fixes repair it (see ``fix_loop``)."""

from __future__ import annotations

import pytest

from emailpro_core.checker import Status
from fix_loop import EVERY_BREAKAGE, FULL_SETUP, assert_repaired, build, repair


@pytest.mark.parametrize(("check", "way"), EVERY_BREAKAGE, ids=[w for _, w in EVERY_BREAKAGE])
def test_each_breakage_is_found_and_repaired(check: str, way: str) -> None:
    """The breakage gives a finding that is not OK, and its fix lines repair the zone."""
    zone = build(FULL_SETUP, {check: way})
    before, _, _ = repair(zone)
    assert not before.ok or before.worst is Status.WARNING, before.to_text()
    assert before.fix, before.to_text()
    assert_repaired(zone)


def test_the_correct_zone_needs_no_fix() -> None:
    """The zone no breakage touched is all OK and has no fix."""
    before, _, after = repair(build(FULL_SETUP, {}))
    assert {Status.OK} == {f.status for f in before.findings}
    assert () == before.fix
    assert before == after
