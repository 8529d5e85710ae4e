"""``check-many --dask``: its usage errors, each one line and exit 2, never a traceback.

The runs themselves, over NSD on a local cluster, are in
``tests/integration/test_dask_nsd.py``.
"""

from __future__ import annotations

import logging
import socket
import sys
import time

import distributed
import pytest

from emailpro_core.cli._dask import parse_target
from test_cli import invoke, one_error_line
from test_cli_many import ZONES

NAMESERVER = ["--nameserver", "127.0.0.1:53"]


def _closed_port() -> int:
    """A TCP port on 127.0.0.1 where nothing listens (bound, then let go)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--dask", "local:0"], "--dask local:N takes 1 to 256 workers"),
        (["--dask", "local:257"], "--dask local:N takes 1 to 256 workers"),
        (["--dask", "local:x"], "--dask 'local:x': give a scheduler's address"),
        (["--dask", "nonsense"], "--dask 'nonsense': give a scheduler's address"),
        (["--dask", "udp://127.0.0.1:8786"], "--dask 'udp://127.0.0.1:8786': give a"),
        (["--dask", "tcp://127.0.0.1:65536"], "--dask 'tcp://127.0.0.1:65536': give a"),
        (["--dask", "local:2", "--workers", "2"], "--dask and --workers exclude each other"),
        (["--dask", "local:2", *ZONES], "--dask asks nameservers from several processes"),
        (["--dask", "tcp://[::1:8786"], "cannot reach the Dask scheduler at 'tcp://[::1:8786'"),
        (
            ["--dask", "tls://127.0.0.1:8786"],
            "cannot reach the Dask scheduler at 'tls://127.0.0.1:8786': TLS expects",
        ),
    ],
)
def test_usage_errors(capsys: pytest.CaptureFixture[str], argv: list[str], expected: str) -> None:
    """A bad --dask, or one with options it excludes: one line, exit 2."""
    result = invoke(capsys, ["check-many", "-", *NAMESERVER, *argv], stdin="example.org\n")
    assert 2 == result.code
    assert one_error_line(result).startswith(expected)


@pytest.mark.parametrize("scheme", ["tcp://", ""])
def test_an_unreachable_scheduler(capsys: pytest.CaptureFixture[str], scheme: str) -> None:
    """Nothing listens at the address: one line naming it, exit 2, at once."""
    address = f"{scheme}127.0.0.1:{_closed_port()}"
    result = invoke(capsys, ["check-many", "-", *NAMESERVER, "--dask", address], stdin="x.org\n")
    assert 2 == result.code
    line = one_error_line(result)
    assert line.startswith(f"cannot reach the Dask scheduler at '{address}': ")
    assert "Connection refused" in line


def test_a_listener_that_is_no_scheduler(capsys: pytest.CaptureFixture[str]) -> None:
    """A port that accepts and never speaks Dask: the timeout, then one line, exit 2."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        address = f"tcp://127.0.0.1:{listener.getsockname()[1]}"
        argv = ["check-many", "-", *NAMESERVER, "--dask", address, "--dask-timeout", "0.5"]
        started = time.monotonic()
        result = invoke(capsys, argv, stdin="x.org\n")
    assert time.monotonic() - started < 5
    assert 2 == result.code
    expected = f"cannot reach the Dask scheduler at '{address}': no answer within 0.5 s"
    assert expected == one_error_line(result)


def test_a_worker_is_no_scheduler(capsys: pytest.CaptureFixture[str]) -> None:
    """The address of a worker, not of its scheduler: one line saying so, exit 2."""
    with distributed.LocalCluster(
        n_workers=1,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
        silence_logs=logging.ERROR,
    ) as cluster:
        (address,) = cluster.scheduler_info["workers"]
        result = invoke(capsys, ["check-many", "-", *NAMESERVER, "--dask", address])
    assert 2 == result.code
    expected = f"cannot reach the Dask scheduler at '{address}': a Worker answers there"
    assert one_error_line(result).startswith(expected)


def test_without_distributed(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without distributed installed, --dask says what to install: one line, exit 2."""
    monkeypatch.setitem(sys.modules, "distributed", None)
    result = invoke(capsys, ["check-many", "-", *NAMESERVER, "--dask", "local:2"])
    assert 2 == result.code
    assert "--dask needs Dask's distributed package: pip install 'emailpro-core[dask]'" == (
        one_error_line(result)
    )


def test_a_local_cluster_that_cannot_start(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A local cluster that fails to start: one line, exit 2."""

    def failing(**options: object) -> None:
        raise RuntimeError("Cluster failed to start: no memory")

    monkeypatch.setattr(distributed, "LocalCluster", failing)
    argv = ["check-many", "-", *NAMESERVER, "--dask", "local:2"]
    result = invoke(capsys, argv, stdin="example.org\n")
    assert 2 == result.code
    assert "cannot start a local Dask cluster: Cluster failed to start: no memory" == (
        one_error_line(result)
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("local:1", 1),
        ("local:256", 256),
        ("127.0.0.1:8786", "127.0.0.1:8786"),
        ("tcp://[2001:db8::1]:8786", "tcp://[2001:db8::1]:8786"),
        ("wss://scheduler.example:443", "wss://scheduler.example:443"),
    ],
)
def test_targets(text: str, expected: int | str) -> None:
    """local:N is a number of workers; an address is kept as it is."""
    assert expected == parse_target(text)
