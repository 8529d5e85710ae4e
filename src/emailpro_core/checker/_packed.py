"""Diagnoses on their way back from a worker: each pickled alone, read back one at a time.

A worker (a process of :func:`~emailpro_core.checker.check_domains_parallel`,
a Dask task) returns the diagnoses of a whole chunk at once. Returned as a list
of :class:`~emailpro_core.checker.Diagnosis` values, the caller's process
unpickles all of them together, and while it hands them out one by one the
rest wait: a chunk of 250 domains is about 15,000 objects that the caller's
garbage collector sees survive, promotes, and walks again in its full
collections. That cost the caller about as much CPU as unpickling itself
(``docs/performance.md``).

Pickled one by one (``bytes``, which the collector does not track), a
diagnosis is only rebuilt when the caller asks for the next one, and is gone
as soon as the caller drops it. The worker pickles each diagnosis as it
finishes, so it does not keep the chunk's objects either.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator

from ._diagnosis import Diagnosis

#: A diagnosis in transit: its pickle.
Packed = bytes


def pack(diagnosis: Diagnosis, /) -> Packed:
    """``diagnosis`` pickled (the highest protocol: the reader is this same library)."""
    return pickle.dumps(diagnosis, pickle.HIGHEST_PROTOCOL)


def unpack(packed: Iterable[Packed], /) -> Iterator[Diagnosis]:
    """The diagnoses of ``packed``, each rebuilt when it is asked for."""
    # The bytes come from this library's worker, over the same channel as the
    # pool's (or Dask's) own pickles, which the caller already unpickles.
    for data in packed:
        yield pickle.loads(data)
