"""Garbage-collector settings for rewriting many files in one process.

Rewriting a file allocates a few hundred thousand objects (libcst nodes, their rebuilt copies,
analysis tables) that live until the file is done and form almost no reference cycles. With
CPython's default threshold the cyclic collector runs about ten times per file, and each run
walks the young objects, which are nearly all still alive, only to promote them; now and then it
walks every object the process holds. Measured on the benchmark's files, that was about a tenth
of a file's time. Collecting less often frees the same garbage (reference counting frees
everything else at once) for a fraction of the work.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Net allocations between two collections of the youngest generation (CPython's default: 700).
BATCH_THRESHOLD = 10_000


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the block with the youngest generation collected at most every `BATCH_THRESHOLD`
    allocations; the previous thresholds come back afterwards."""
    previous = gc.get_threshold()
    gc.set_threshold(max(previous[0], BATCH_THRESHOLD), *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)
