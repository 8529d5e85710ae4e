"""The real entry points: ``python -m emailpro_core`` and the ``emailpro-core`` script."""

from __future__ import annotations

import json
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
#: ``python -m emailpro_core`` with Ctrl-C handled as under a terminal. A process started in
#: the background by a shell (``cmd &``, as CI scripts do) inherits SIGINT ignored, and
#: Python keeps it so: the command would never see the signal these tests send.
INTERRUPTIBLE = [
    sys.executable,
    "-c",
    "import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "runpy.run_module('emailpro_core', run_name='__main__', alter_sys=True)",
]


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
            [*INTERRUPTIBLE, "check-many", "-", "--nameserver", f"127.0.0.1:{server.port}"],
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
    assert first.startswith('{"version": 1, "line": 1, "input": "not..a.domain"')
    assert "" == out
    assert err.strip().startswith("interrupted after 0 domains in ")
    assert "Traceback" not in err


def _many_run(server: FaultResponder, *options: str) -> subprocess.CompletedProcess[str]:
    lines = [
        json.dumps({"domain": name, "server_number": 1, "managed_in_account": True})
        for name in ("good.example", "also.example", "servfail.example", "bad.example")
    ]
    lines.insert(1, "not..a.domain")
    argv = ["check-many", "-", "--nameserver", f"127.0.0.1:{server.port}", *options]
    return run([*PYTHON, *argv], stdin="\n".join(lines) + "\n")


def _codes_per_line(out: str) -> list[tuple[object, ...]]:
    found: list[tuple[object, ...]] = []
    for text in out.splitlines():
        data = json.loads(text)
        codes = tuple((f["check"], f["status"], f["code"]) for f in data.get("findings", []))
        found.append((data["line"], data.get("domain"), data.get("error"), codes))
    return found


def test_check_many_in_worker_processes() -> None:
    """--workers 2 prints the lines one process prints (in any order), and the same summary."""
    records = live_records("good.example") | live_records("also.example")
    records |= live_records("servfail.example")
    records["bad.example"] = {"MX": ["10 mail.elsewhere.example."]}
    with FaultResponder(records, faults={"servfail.example": Fault.SERVFAIL}) as server:
        one = _many_run(server)
        two = _many_run(server, "--workers", "2")
    assert 2 == one.returncode == two.returncode  # the bad line
    # The responder rotates its records, so the observed lines may come in another order.
    assert sorted(_codes_per_line(one.stdout)) == sorted(_codes_per_line(two.stdout))
    assert 5 == len(two.stdout.splitlines())
    summary = ": 2 ok, 0 with warnings, 1 with errors, 1 unknown; 1 bad line"
    assert summary in one.stderr
    assert summary in two.stderr
    assert "Traceback" not in two.stderr


def test_sigint_stops_check_many_workers() -> None:
    """Ctrl-C with --workers: the workers are stopped, a summary, exit 130, no traceback."""
    with FaultResponder({}, faults={"slow.example": Fault.DROP}) as server:
        argv = ["check-many", "-", "--workers", "2", "--nameserver", f"127.0.0.1:{server.port}"]
        child = subprocess.Popen(
            [*INTERRUPTIBLE, *argv],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        out, err = _interrupt_when_asked(child, server, "slow.example\n")
    assert 130 == child.returncode
    assert "" == out
    assert err.strip().startswith("interrupted after 0 domains in ")
    assert "Traceback" not in err


def _interrupt_when_asked(
    child: subprocess.Popen[str], server: FaultResponder, stdin: str
) -> tuple[str, str]:
    """Send SIGINT once the server was asked about slow.example; the child's output."""
    assert child.stdin is not None
    child.stdin.write(stdin)
    child.stdin.close()
    waited = time.monotonic() + 20
    while server.count("slow.example") == 0 and time.monotonic() < waited:
        time.sleep(0.02)
    child.send_signal(signal.SIGINT)
    child.wait(timeout=30)
    assert child.stdout is not None
    assert child.stderr is not None
    with child.stdout, child.stderr:
        return child.stdout.read(), child.stderr.read()
