"""Fixtures for the integration tests: NSD, the real authoritative DNS server, and Unbound.

Mark integration tests with ``@pytest.mark.integration`` (or
``pytestmark = pytest.mark.integration`` in the module) and ask for ``nsd``::

    from integration.nsd import NsdFactory, zone_text

    def test_mx(nsd: NsdFactory) -> None:
        server = nsd({"example.org": zone_text("example.org", "@ MX 10 mx.example.net.")})
        ...  # query server.host, server.port

Every server the factory starts is stopped at the end of the session. Without
NSD installed the tests are skipped, unless ``EMAILPRO_REQUIRE_NSD=1`` (CI sets
it): then they fail, saying how to install it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping

import pytest

from .nsd import NsdFactory, NsdServer, find_nsd
from .unbound import find_unbound

REQUIRE_ENV = "EMAILPRO_REQUIRE_NSD"


def nsd_binary() -> str:
    """The NSD binary; skips the calling test when NSD is missing, or fails it under CI."""
    binary = find_nsd()
    if binary is not None:
        return binary
    message = "NSD is not installed (apt-get install nsd): it serves the integration zones"
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{message}; {REQUIRE_ENV}=1 makes the integration tests mandatory")
    pytest.skip(message)


@pytest.fixture(scope="session")
def nsd_path() -> str:
    """The path of the NSD binary (skip or fail as :func:`nsd_binary` says)."""
    return nsd_binary()


@pytest.fixture(scope="session")
def nsd(nsd_path: str) -> Iterator[NsdFactory]:
    """A factory of running NSD servers, all stopped when the session ends."""
    started: list[NsdServer] = []

    def start(
        zones: Mapping[str, str],
        /,
        *,
        allow_zone_errors: bool = False,
        startup_timeout: float = 10.0,
    ) -> NsdServer:
        server = NsdServer(
            zones,
            binary=nsd_path,
            allow_zone_errors=allow_zone_errors,
            startup_timeout=startup_timeout,
        )
        server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def unbound_binary() -> str:
    """The Unbound binary; skips the calling test when it is missing, or fails it under CI."""
    binary = find_unbound()
    if binary is not None:
        return binary
    message = "Unbound is not installed (apt-get install unbound): it is the caching resolver"
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{message}; {REQUIRE_ENV}=1 makes the integration tests mandatory")
    pytest.skip(message)


@pytest.fixture(scope="session")
def unbound_path() -> str:
    """The path of the Unbound binary (skip or fail as :func:`unbound_binary` says)."""
    return unbound_binary()
