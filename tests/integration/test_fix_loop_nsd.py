"""Repaired zones load in a real server: NSD's own zone checker, ``nsd-checkzone``.

Each broken zone of ``fix_loop.broken_zones`` is diagnosed offline, every fix
line is applied, and ``nsd-checkzone`` must load both the broken zone (it is a
valid zone, only wrong for the service) and the repaired one; the repaired
zone re-checks without ERROR. The examples are few: each is two subprocesses.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from fix_loop import (
    EVERY_BREAKAGE,
    FULL_SETUP,
    BrokenZone,
    assert_repaired,
    broken_zones,
    build,
    zone_file,
)

from .conftest import REQUIRE_ENV

pytestmark = pytest.mark.integration

_DEBIAN_PATH = "/usr/sbin/nsd-checkzone"


@pytest.fixture(scope="module")
def checkzone() -> str:
    """The path of ``nsd-checkzone`` (skipped without NSD, failed under CI)."""
    found = shutil.which("nsd-checkzone") or (
        _DEBIAN_PATH if os.access(_DEBIAN_PATH, os.X_OK) else None
    )
    if found is None:
        message = "nsd-checkzone is not installed (apt-get install nsd)"
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{message}; {REQUIRE_ENV}=1 makes the integration tests mandatory")
        pytest.skip(message)
    return found


def nsd_loads(binary: str, origin: str, text: str) -> tuple[bool, str]:
    """Whether ``nsd-checkzone`` loads ``text`` as the zone ``origin``, and what it said."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "zone"
        path.write_text(text, encoding="utf-8")
        done = subprocess.run(
            [binary, origin, str(path)], capture_output=True, text=True, check=False, timeout=60
        )
    return done.returncode == 0, done.stdout + done.stderr


def test_nsd_refuses_a_cname_beside_other_data(checkzone: str) -> None:
    """The check has teeth: NSD refuses the zone a CNAME fix without removals would give."""
    records = {"x.example.org": {"CNAME": ["ovh.com."]}}
    loaded, _ = nsd_loads(checkzone, "example.org", zone_file("example.org", records))
    assert loaded
    text = zone_file("example.org", records) + 'x.example.org. 3600 IN TXT "verify=1"\n'
    loaded, said = nsd_loads(checkzone, "example.org", text)
    assert not loaded
    assert "CNAME" in said


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(zone=broken_zones())
def test_nsd_loads_every_repaired_zone(checkzone: str, zone: BrokenZone) -> None:
    """Broken and repaired zones both load in NSD; the repaired one re-checks clean."""
    origin = zone.setup.domain.ascii
    loaded, said = nsd_loads(checkzone, origin, zone.zone)
    assert loaded, said
    fixed = assert_repaired(zone)
    loaded, said = nsd_loads(checkzone, origin, fixed)
    assert loaded, f"{zone.broken}\n{said}\n{fixed}"


@pytest.mark.parametrize(("check", "way"), EVERY_BREAKAGE, ids=[w for _, w in EVERY_BREAKAGE])
def test_nsd_loads_each_repair(checkzone: str, check: str, way: str) -> None:
    """Each breakage alone, repaired by its fix lines, loads in NSD."""
    zone = build(FULL_SETUP, {check: way})
    fixed = assert_repaired(zone)
    loaded, said = nsd_loads(checkzone, "example.org", fixed)
    assert loaded, f"{way}\n{said}\n{fixed}"
