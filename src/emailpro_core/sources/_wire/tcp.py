"""A truncated UDP reply asked again over TCP (RFC 7766 §5), for the async stub transport.

Rare (an answer over 1,232 octets), so it runs as a task of its own, not in the
transport's callback machinery. The whole exchange (connect, send, and a reply
however slowly it drips) is bounded by the time the lookup has left.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from .._answers import Answer, FailureCause, Query
from .stub import LENGTH, decode_tcp, failure

#: What a question ends with: its answer, and a CNAME target left to chase (or ``None``).
_Reply = tuple[Answer, str | None]


async def ask_over_tcp(host: str, port: int, query: Query, wire: bytes, left: float) -> _Reply:
    """Send ``wire`` (the query, its ID inside) to ``host``:``port`` over TCP; decode the reply.

    Every failure is an answer: a timeout after ``left`` seconds, a refused or
    broken connection (``NO_NAMESERVER``), a reply cut short or not ours (``MALFORMED``).
    """
    qid = int.from_bytes(wire[:2], "big")
    try:
        async with asyncio.timeout(max(left, 0)):
            reader, writer = await asyncio.open_connection(host, port)
            try:
                writer.write(LENGTH.pack(len(wire)) + wire)
                (size,) = LENGTH.unpack(await reader.readexactly(2))
                reply = await reader.readexactly(size)
            finally:
                writer.close()
                await writer.wait_closed()
    except TimeoutError:
        return failure(query, FailureCause.TIMEOUT, "no reply over TCP"), None
    except (OSError, asyncio.IncompleteReadError) as exc:
        return failure(query, FailureCause.NO_NAMESERVER, f"TCP: {exc}"), None
    return decode_tcp(reply, query, qid)


def hand_over(
    done: Callable[[_Reply | Exception], None], query: Query, task: asyncio.Task[_Reply]
) -> None:
    """Give the outcome of an :func:`ask_over_tcp` task to the question's callback ``done``."""
    if task.cancelled():
        # The event loop is ending with the question unanswered.
        done((failure(query, FailureCause.OTHER, "cancelled"), None))
        return
    error = task.exception()
    if error is not None:
        done(error if isinstance(error, Exception) else RuntimeError(repr(error)))
    else:
        done(task.result())
