"""DNS record sources: in memory, from a zone file, and live over the network.

Every source answers ``lookup(name, rdtype)`` and ``await lookup_async(name, rdtype)``
with an :class:`~emailpro_core.sources.Answer`; DNS failures are values, never exceptions.

- :class:`StaticSource`: records written in a mapping (tests, offline checks).
- :class:`ZoneSource`: one zone, from a ``dns.zone.Zone``, zone text or a zone file.
- :class:`ResolverSource` / :class:`AsyncResolverSource`: live lookups through
  dnspython, with a shared :class:`DnsCache`.
- :class:`StubSource` / :class:`AsyncStubSource`: live lookups sent straight to
  one server with a small wire codec, for speed on many domains; same answers,
  same cache.

>>> src = StaticSource({"example.org": {"MX": "10 mx.example.net."}})
>>> src.lookup("example.org", "MX").records
(MX(preference=10, exchange='mx.example.net'),)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ..errors import DomainOutsideZone, SourceDataError, ZoneFileError
from ._answers import (
    MX,
    SRV,
    TXT,
    Answer,
    AnswerStatus,
    AsyncRecordSource,
    FailureCause,
    Query,
    RData,
    RecordSource,
    Resolution,
    lookup,
    lookup_many,
    run_async,
    run_sync,
)
from ._cache import (
    DEFAULT_FAILURE_TTL,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ENTRIES,
    DEFAULT_MAX_NEGATIVE_TTL,
    DEFAULT_MAX_TTL,
    DnsCache,
    answer_size,
)
from ._memtable import MAX_CNAME_CHAIN
from ._static import DEFAULT_TTL, StaticSource
from ._stub import AsyncStubSource, StubSource
from ._zone import MAX_ZONE_BYTES, DualSource, ZoneSource, require_zone_holds

if TYPE_CHECKING:
    from ._live import AsyncResolverSource, ResolverSource

__all__ = [
    "DEFAULT_FAILURE_TTL",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_ENTRIES",
    "DEFAULT_MAX_NEGATIVE_TTL",
    "DEFAULT_MAX_TTL",
    "DEFAULT_TTL",
    "MAX_CNAME_CHAIN",
    "MAX_ZONE_BYTES",
    "MX",
    "SRV",
    "TXT",
    "Answer",
    "AnswerStatus",
    "AsyncRecordSource",
    "AsyncResolverSource",
    "AsyncStubSource",
    "DnsCache",
    "DomainOutsideZone",
    "DualSource",
    "FailureCause",
    "Query",
    "RData",
    "RecordSource",
    "Resolution",
    "ResolverSource",
    "SourceDataError",
    "StaticSource",
    "StubSource",
    "ZoneFileError",
    "ZoneSource",
    "answer_size",
    "lookup",
    "lookup_many",
    "require_zone_holds",
    "run_async",
    "run_sync",
]

#: Imported on first use (PEP 562): dnspython's resolver, the query module and
#: what that pulls in (httpx and its stack, where installed) are a large share of
#: a process's start (docs/performance.md), and the stub and offline sources
#: never need them.
_LAZY = {"AsyncResolverSource": "_live", "ResolverSource": "_live"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __package__), name)
    globals()[name] = value  # the next access is a plain attribute
    return value


def __dir__() -> list[str]:
    # The lazy names are listed before their first use too (completion, help()).
    return sorted(set(globals()) | set(__all__))
