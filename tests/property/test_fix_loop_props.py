"""Every fix pastes and works: broken zones, repaired by their own fix lines, check clean.

The zones come from ``fix_loop.broken_zones`` (several checks broken at once);
dnspython loads each repaired zone (it refuses a CNAME beside other data, as
servers do). ``tests/integration/test_fix_loop_nsd.py`` loads them with NSD too.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from emailpro_core.checker import Status
from fix_loop import BrokenZone, assert_repaired, broken_zones, repair


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow])
@given(broken_zones())
def test_fixes_repair_every_broken_zone(zone: BrokenZone) -> None:
    """Applying every fix line gives a zone dnspython loads and the checker finds no ERROR in."""
    before, _, _ = repair(zone)
    # Each breakage shows (a broken check is never silently OK).
    assert zone.broken == () or not before.ok or before.worst is Status.WARNING
    assert_repaired(zone)


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(broken_zones())
def test_repair_is_a_fixed_point(zone: BrokenZone) -> None:
    """A repaired zone's remaining fixes (warnings only) repair it again without error."""
    fixed = assert_repaired(zone)
    again = BrokenZone(zone.setup, (), fixed, zone.outside)
    assert_repaired(again)
