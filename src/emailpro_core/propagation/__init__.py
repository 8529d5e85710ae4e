"""Is the fix live everywhere? The authoritative servers against the resolvers, with time left.

:func:`check_propagation` finds the zone of a domain and its servers (the NS
set and their addresses), asks **each server directly** (recursion not
desired; only answers with the AA bit count) and asks one or more resolvers,
for every name and type the domain's expected records need. Per record, the
:class:`Verdict`:

* ``in_sync``: every server and resolver serves the same data;
* ``stale``: the servers agree, a resolver still serves its old copy (or a
  cached absence: negative caching lasts the SOA's negative TTL, RFC 2308 §5),
  until :attr:`RecordPropagation.expires_at`, from the TTL it returned;
* ``servers_disagree``: the servers serve different data (a secondary behind);
  the groups and their serials are named;
* ``unknown``: with its cause, never "missing".

The diagnosis of the authoritative view (the answers of the server with the
highest serial) comes with it: :attr:`PropagationReport.outcome` tells "the zone
is still wrong" (``zone_wrong``) from "the zone is right; a cache is behind"
(``stale``). A server that times out, refuses, answers without the AA bit (a
lame delegation) or for another zone is reported per server
(:class:`ServerState`); an NS name that does not resolve is a finding of its own.

:func:`check_propagation_async` is the same check on an event loop: both run the
one copy of the steps (a generator of questions, driven sync or async).

>>> Verdict("stale"), Outcome.ZONE_WRONG.value
(<Verdict.STALE: 'stale'>, 'zone_wrong')
"""

from __future__ import annotations

from ._check import DEFAULT_TIMEOUT, check_propagation, check_propagation_async, questions_of
from ._model import (
    SCHEMA_VERSION,
    Nameserver,
    Outcome,
    PropagationReport,
    RecordPropagation,
    Served,
    Server,
    ServerState,
    Verdict,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "SCHEMA_VERSION",
    "Nameserver",
    "Outcome",
    "PropagationReport",
    "RecordPropagation",
    "Served",
    "Server",
    "ServerState",
    "Verdict",
    "check_propagation",
    "check_propagation_async",
    "questions_of",
]
