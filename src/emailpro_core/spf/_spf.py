"""SPF (RFC 7208): the ``check_host()`` evaluation over any record source.

The implementation behind :mod:`emailpro_core.spf`, which re-exports its public names.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import time

from ..domains import normalize_domain
from ..errors import require_str
from ..sources._answers import AsyncRecordSource, RecordSource, Resolution, run_async, run_sync
from ._eval import evaluate
from ._macros import IPAddress, MacroContext, target_name
from ._probe import Probe
from ._result import DEFAULT_LIMITS, SpfLimits, SpfOutcome, SpfResult

# Visible ASCII, the only characters a domain to check may hold (§4.3).
_PRINTABLE = re.compile(r"[\x21-\x7e]*")


def _client_ip(ip: object) -> IPAddress | None:
    if isinstance(ip, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        return _client_address(ip)
    text = require_str(ip, "the client IP")
    # The checker evaluates the same few addresses for every domain: a text is
    # read once (only a plain ``str``: a subclass may behave differently).
    return _read_ip(text) if type(text) is str else _parse_ip(text)


def _parse_ip(text: str) -> IPAddress | None:
    try:
        return _client_address(ipaddress.ip_address(text))
    except ValueError:
        return None


_read_ip = functools.lru_cache(maxsize=256)(_parse_ip)


def _client_address(address: IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv4Address):
        return address
    # §5: an IPv4-mapped IPv6 client is an IPv4 client. A zone index ("%eth0")
    # means nothing beyond the link, and would leak into %{c} and the PTR name.
    return address.ipv4_mapped or ipaddress.IPv6Address(int(address))


def _is_address(name: str) -> bool:
    """Whether ``name`` (printable ASCII) is an IP address literal."""
    # Only digits and dots (IPv4) or a colon (IPv6) can make one: ruling that out
    # first spares a failed parse, and its exception, for every domain checked.
    if ":" not in name and not name.replace(".", "").isdigit():
        return False
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _initial_domain(domain: str) -> str | None:
    # The checker evaluates each domain twice (the provider's address, a stranger's).
    return _read_domain(domain) if type(domain) is str else _check_domain(domain)


def _check_domain(domain: str) -> str | None:
    """The domain to check, or ``None`` if it is malformed (§4.3: the result is none)."""
    name = domain[:-1] if domain.endswith(".") else domain
    if not name.isascii():
        try:
            name = normalize_domain(name).ascii
        except ValueError:
            return None
    if not _PRINTABLE.fullmatch(name) or name.startswith("["):
        return None
    if not _is_address(name) and len(name.split(".")) >= 2 and target_name(name) is not None:
        return name.lower()
    return None


_read_domain = functools.lru_cache(maxsize=256)(_check_domain)


def spf_resolution(
    ip: str | IPAddress,
    domain: str,
    sender: str,
    /,
    *,
    helo: str | None = None,
    limits: SpfLimits = DEFAULT_LIMITS,
    receiver: str = "unknown",
    timestamp: int | None = None,
    probe: Probe | None = None,
) -> Resolution[SpfResult]:
    """The ``check_host(ip, domain, sender)`` of RFC 7208 §4 as a resolution.

    Args:
        ip: The SMTP client's address (text or :mod:`ipaddress` value).
        domain: The domain whose policy is checked (the sender's domain, or the
            HELO name).
        sender: The ``MAIL FROM`` address, or ``postmaster@<helo>``.
        helo: The HELO/EHLO name, for ``%{h}`` (``"unknown"`` when not given).
        limits: The processing limits (the RFC's by default).
        receiver: The receiving host's name, for ``%{r}`` in explanations.
        timestamp: Seconds since the epoch, for ``%{t}`` (the clock when not given).
        probe: Filled with what the run tested, when given (see :mod:`emailpro_core.spf._ranges`).

    Raises:
        TypeError: an argument has the wrong type (checked at once, not when driven).
    """
    address = _client_ip(ip)
    require_str(domain, "the domain")
    require_str(sender, "the sender")
    if helo is not None:
        require_str(helo, "the HELO name")
    require_str(receiver, "the receiver name")
    if not isinstance(limits, SpfLimits):
        raise TypeError(f"limits must be SpfLimits, not {type(limits).__name__}")
    if timestamp is not None and not isinstance(timestamp, int):
        raise TypeError(f"timestamp must be an int, not {type(timestamp).__name__}")
    if address is None:
        detail = f"{ip!r} is not an IP address: no policy can be evaluated"
        return _finished(SpfResult(SpfOutcome.NONE, "spf.invalid_ip", detail, domain))
    name = _initial_domain(domain)
    if name is None:
        detail = f"{domain!r} is not a fully qualified domain name (RFC 7208 §4.3)"
        return _finished(SpfResult(SpfOutcome.NONE, "spf.invalid_domain", detail, domain))
    stamp = int(time.time()) if timestamp is None else timestamp
    context = MacroContext.create(
        address, name, sender, helo=helo, receiver=receiver, timestamp=stamp
    )
    return evaluate(context, limits, probe)


def _finished(result: SpfResult) -> Resolution[SpfResult]:
    """A resolution that needs no lookup."""
    yield from ()
    return result


def check_host(
    ip: str | IPAddress,
    domain: str,
    sender: str,
    source: RecordSource,
    /,
    *,
    helo: str | None = None,
    limits: SpfLimits = DEFAULT_LIMITS,
    receiver: str = "unknown",
    timestamp: int | None = None,
) -> SpfResult:
    """Evaluate the SPF policy of ``domain`` for mail from ``ip`` (RFC 7208 §4), synchronously.

    Never raises for what the DNS holds: a DNS failure is a temperror result with
    its cause, a bad record a permerror with its violations. See :func:`spf_resolution`.
    """
    resolution = spf_resolution(
        ip, domain, sender, helo=helo, limits=limits, receiver=receiver, timestamp=timestamp
    )
    return run_sync(resolution, source)


async def check_host_async(
    ip: str | IPAddress,
    domain: str,
    sender: str,
    source: AsyncRecordSource,
    /,
    *,
    helo: str | None = None,
    limits: SpfLimits = DEFAULT_LIMITS,
    receiver: str = "unknown",
    timestamp: int | None = None,
) -> SpfResult:
    """:func:`check_host` over an asynchronous source (independent lookups run together)."""
    resolution = spf_resolution(
        ip, domain, sender, helo=helo, limits=limits, receiver=receiver, timestamp=timestamp
    )
    return await run_async(resolution, source)
