"""The real entry points: ``python -m emailpro_core`` and the ``emailpro-core`` script."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from faults import Fault, FaultResponder
from test_cli import EXAMPLES, ROOT
from test_cli_check import live_records

PYTHON = [sys.executable, "-m", "emailpro_core"]


def run(argv: list[str], *, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run the command in a child process, from the repository root, without colour."""
    env = dict(os.environ, NO_COLOR="1")
    return subprocess.run(
        argv, input=stdin, capture_output=True, text=True, cwd=ROOT, env=env, timeout=60
    )


def test_module_runs_the_quick_start() -> None:
    """python -m emailpro_core runs the README's example: exit 1, the table, no traceback."""
    done = run([*PYTHON, "check", "mydomain.ovh", "--zone", "examples/mydomain.ovh.zone"])
    assert 1 == done.returncode
    assert done.stdout.startswith("mydomain.ovh: ERROR (")
    assert "" == done.stderr


@pytest.mark.parametrize(
    ("argv", "stdin", "code"),
    [
        (["check", "example.org", "--zone", str(EXAMPLES / "example.org.zone")], "", 0),
        (["login", "-bad-"], "", 2),
        (["login", "a"], "", 1),
        (["password"], "Tr0ub4dor&3\n", 0),
        (["check-many", "-", "--zone", str(EXAMPLES / "example.org.zone")], "not..ok\n", 2),
    ],
)
def test_module_exit_codes(argv: list[str], stdin: str, code: int) -> None:
    """The child's exit code is main's return value; errors are one line, never a traceback."""
    done = run([*PYTHON, *argv], stdin=stdin)
    assert code == done.returncode
    assert "Traceback" not in done.stderr
    if code == 2 and argv[0] != "check-many":
        assert done.stderr.startswith("emailpro-core: error: ")
        assert 1 == len(done.stderr.splitlines())


def test_unknown_exit_code_over_the_network() -> None:
    """Exit 3 when the only findings that matter are DNS failures."""
    records = live_records("example.org")
    with FaultResponder(records, faults={"example.org": Fault.SERVFAIL}) as server:
        argv = ["check", "example.org", "--server", "1", "--managed"]
        done = run([*PYTHON, *argv, "--nameserver", f"127.0.0.1:{server.port}"])
    assert 3 == done.returncode
    assert done.stdout.startswith("example.org: UNKNOWN")


def test_console_script() -> None:
    """The installed emailpro-core script is the same command."""
    script = shutil.which("emailpro-core")
    if script is None:  # pragma: no cover - the package is installed for the tests
        pytest.fail("the emailpro-core script is not installed: pip install -e .")
    done = run([script, "--version"])
    assert 0 == done.returncode
    assert done.stdout.startswith("emailpro-core ")


def test_sigint_stops_check_many_cleanly() -> None:
    """Ctrl-C (SIGINT) stops check-many: what finished is printed, a summary, exit 130."""
    with FaultResponder({}, faults={"slow.example": Fault.DROP}) as server:
        child = subprocess.Popen(
            [*PYTHON, "check-many", "-", "--nameserver", f"127.0.0.1:{server.port}"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        assert child.stdin is not None
        assert child.stdout is not None
        assert child.stderr is not None
        child.stdin.write("not..a.domain\nslow.example\n")
        child.stdin.close()
        first = child.stdout.readline()  # the bad line is reported at once
        waited = time.monotonic() + 20
        while server.count("slow.example") == 0 and time.monotonic() < waited:
            time.sleep(0.02)
        child.send_signal(signal.SIGINT)
        code = child.wait(timeout=30)
        out, err = child.stdout.read(), child.stderr.read()
        child.stdout.close()
        child.stderr.close()
    assert 130 == code
    assert first.startswith('{"line": 1, "input": "not..a.domain"')
    assert "" == out
    assert err.strip().startswith("interrupted after 0 domains in ")
    assert "Traceback" not in err
