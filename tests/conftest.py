"""Shared test configuration: Hypothesis profiles and paths to the peer suites."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, settings

# Loaded machines (CI, two cores shared with a DNS server) make timings noisy; a
# per-example deadline would turn that noise into flaky failures.
settings.register_profile(
    "default",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "ci",
    parent=settings.get_profile("default"),
    derandomize=True,
    database=None,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parent.parent
PEER_SUITES = ROOT.parent / "shared" / "peer-suites"
