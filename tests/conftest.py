"""Shared test configuration: Hypothesis profiles and paths to the peer suites."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
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
# The other projects' test data (RFC 7208 SPF suite, UTS 46 IDNA tests, DKIM key
# records) lives in the repository, with its origin and licence in data/README.md:
# a plain clone tests itself.
PEER_SUITES = Path(__file__).resolve().parent / "data"


# The variables that choose the command's language (emailpro_core.cli, --lang aside).
LANGUAGE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture(autouse=True)
def _english_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts in an environment that asks for no language.

    The command writes in the language of ``LANGUAGE``, ``LC_ALL``,
    ``LC_MESSAGES`` or ``LANG``; the tests that pin English output must not
    depend on the machine's locale, and those about languages set them.
    """
    for name in LANGUAGE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
