"""``check-many --dask``: the diagnosis on a Dask cluster, or on a local one made for the run.

``--dask tcp://HOST:PORT`` connects to a running scheduler; ``--dask local:N``
starts a ``distributed.LocalCluster`` of N worker processes (one thread each)
and closes it at the end. ``distributed`` is optional: without it, ``--dask``
is a usage error that says what to install. A scheduler that cannot be
reached is a usage error too (one line, exit 2), not a traceback.

>>> parse_target("local:4")
4
>>> parse_target("tcp://192.0.2.10:8786")
'tcp://192.0.2.10:8786'
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import logging
import re
import socket
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, TypeVar

from ..checker import Diagnosis, check_domains_dask
from ..checker._dask import INSTALL_HINT
from ..checker._parallel import SourceFactory
from ..i18n._catalog import register
from ..records import DomainSetup
from ._common import UsageError, in_language, positive_float, shown
from ._help import helper
from ._lang import compose
from ._setup import live_factory

if TYPE_CHECKING:
    from distributed import Client

_Setups = TypeVar("_Setups", bound=Iterable[DomainSetup])

#: ``local:N``: a cluster of N processes on this machine.
_LOCAL = re.compile(r"local:([0-9]{1,4})")
#: The schemes of Dask's network transports (distributed.comm) that need no more than
#: Dask's own configuration; without one, TCP.
_SCHEMES = ("tcp", "tls", "ws", "wss")
#: Seconds to reach a scheduler, unless told otherwise.
DEFAULT_CONNECT_TIMEOUT = 10.0
#: The largest local cluster: each worker is a whole interpreter.
MAX_LOCAL_WORKERS = 256

MESSAGES = register(
    {
        "cli.help.check_many.dask": "diagnose on a Dask cluster: its scheduler's address "
        "(tcp://HOST:8786), or local:N for N local worker processes; needs "
        "emailpro-core[dask]; not with --zone or --workers",
        "cli.help.check_many.dask_timeout": "seconds to reach the scheduler (default {default})",
        "cli.usage_error.dask_local": "--dask local:N takes 1 to {maximum} workers",
        "cli.usage_error.dask_address": "--dask {given}: give a scheduler's address "
        "(tcp://HOST:PORT) or local:N",
        "cli.usage_error.dask_missing": "--dask needs Dask's distributed package: {hint}",
        "cli.usage_error.dask_unreachable": "cannot reach the Dask scheduler at {address}",
        "cli.usage_error.dask_timeout": "{where}: no answer within {timeout} s",
        "cli.usage_error.dask_error": "{where}: {problem}",
        "cli.usage_error.dask_not_scheduler": "{where}: a {kind} answers there, not a scheduler",
        "cli.usage_error.dask_local_start": "cannot start a local Dask cluster: {problem}",
        "cli.usage_error.dask_workers": "--dask and --workers exclude each other: the "
        "cluster has the workers",
    }
)


def parse_target(text: str, /) -> int | str:
    """``local:N`` as N; a scheduler's address as it is.

    Raises:
        UsageError: ``local:`` with a number out of 1..256, or an address
            with another scheme than tcp, tls, ws or wss, or without a port.
    """
    local = _LOCAL.fullmatch(text)
    if local is not None:
        workers = int(local.group(1))
        if not 1 <= workers <= MAX_LOCAL_WORKERS:
            raise UsageError.of("cli.usage_error.dask_local", maximum=MAX_LOCAL_WORKERS)
        return workers
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "tcp", text
    port = re.fullmatch(r"\S+:([0-9]{1,5})", rest)
    if scheme not in _SCHEMES or port is None or not 1 <= int(port.group(1)) <= 65535:
        raise UsageError.of("cli.usage_error.dask_address", given=shown(text))
    return text


def require_distributed() -> None:
    """Check that ``distributed`` can be imported.

    Raises:
        UsageError: it is not installed; the message says what to install.
    """
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise UsageError.of("cli.usage_error.dask_missing", hint=INSTALL_HINT) from None


async def _identify(address: str, timeout: float) -> dict[str, object]:
    from distributed.core import rpc
    from distributed.security import Security

    # Dask's configuration may hold the TLS files: the client connection would read them.
    connection_args = Security().get_connection_args("client")
    async with rpc(address, connection_args=connection_args, timeout=timeout) as peer:
        identity: dict[str, object] = await peer.identity()
        return identity


def _probe(address: str, timeout: float, lang: str = "en") -> None:
    """Refuse an address where no Dask scheduler answers within ``timeout`` seconds.

    Dask's client waits for ever on a port that accepts and never answers, and
    when it does fail it leaves a half-made client whose clean-up prints a
    traceback: asking the scheduler who it is, under a deadline, says it first.
    A TCP port that refuses is known at once, without Dask's retries.

    Raises:
        UsageError: nothing answers, or what answers is not a scheduler.
    """
    from distributed.comm.addressing import parse_address, parse_host_port

    where = compose("cli.usage_error.dask_unreachable", lang, address=shown(address))

    def refused(key: str, **params: str) -> UsageError:
        return UsageError(compose(key, lang, where=where, **params))

    try:
        scheme, location = parse_address(address)
        if scheme == "tcp":
            with socket.create_connection(parse_host_port(location), timeout=timeout):
                pass
        identity = asyncio.run(asyncio.wait_for(_identify(address, timeout), timeout))
    except TimeoutError:
        raise refused("cli.usage_error.dask_timeout", timeout=f"{timeout:g}") from None
    except (OSError, ValueError, TypeError) as exc:  # TypeError: TLS without its configuration
        raise refused("cli.usage_error.dask_error", problem=str(exc)) from None
    if identity.get("type") != "Scheduler":
        kind = str(identity.get("type"))
        raise refused("cli.usage_error.dask_not_scheduler", kind=kind)


@contextlib.contextmanager
def dask_client(target: int | str, timeout: float, lang: str = "en") -> Iterator[Client]:
    """A client of the scheduler at ``target``, or of a local cluster of ``target`` workers.

    Raises:
        UsageError: the scheduler cannot be reached, or the local cluster cannot start.
    """
    from distributed import Client, LocalCluster

    if isinstance(target, int):
        try:
            cluster = LocalCluster(
                n_workers=target,
                threads_per_worker=1,
                processes=True,
                # Dask's web server on a free port of the loopback: with None it
                # still takes 8787, and warns when another cluster holds it.
                dashboard_address="127.0.0.1:0",
                silence_logs=logging.ERROR,
            )
        except (OSError, RuntimeError) as exc:
            raise UsageError.of("cli.usage_error.dask_local_start", problem=str(exc)) from None
        with cluster, Client(cluster, set_as_default=False) as client:
            yield client
        return
    _probe(target, timeout, lang)
    with Client(target, timeout=timeout, set_as_default=False) as client:
        yield client


def add_dask_options(parser: argparse.ArgumentParser, /, lang: str = "en") -> None:
    """``--dask`` and ``--dask-timeout``, for ``check-many``, their help in ``lang``."""
    text = helper(lang)
    parser.add_argument("--dask", metavar="SCHEDULER", help=text("check_many.dask"))
    parser.add_argument(
        "--dask-timeout",
        type=in_language(positive_float, lang),
        default=DEFAULT_CONNECT_TIMEOUT,
        metavar="S",
        help=text("check_many.dask_timeout", default=f"{DEFAULT_CONNECT_TIMEOUT:g}"),
    )


def dask_runner(
    args: argparse.Namespace, emit: Callable[[_Setups, Diagnosis], None], lang: str = "en"
) -> Callable[[_Setups], None]:
    """How ``check-many --dask`` diagnoses the setups; the usage is checked first.

    Raises:
        UsageError: ``--workers`` too, a bad ``--dask`` value, ``distributed``
            missing, or a zone given.
    """
    if args.workers > 1:
        raise UsageError.of("cli.usage_error.dask_workers")
    parse_target(args.dask)
    require_distributed()
    factory = live_factory(args, option="--dask")
    return lambda setups: stream_dask(setups, factory, args, functools.partial(emit, setups), lang)


def stream_dask(
    setups: Iterable[DomainSetup],
    factory: SourceFactory,
    args: argparse.Namespace,
    emit: Callable[[Diagnosis], None],
    lang: str = "en",
) -> None:
    """Diagnose ``setups`` on the cluster ``--dask`` names; ``emit`` each diagnosis."""
    with dask_client(parse_target(args.dask), args.dask_timeout, lang) as client:
        for diagnosis in check_domains_dask(
            setups, factory, client, concurrency=args.concurrency, deadline=args.deadline
        ):
            emit(diagnosis)
