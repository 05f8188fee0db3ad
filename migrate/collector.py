"""Garbage-collector settings for rewriting a file.

Rewriting a file allocates tens of thousands of objects (libcst nodes, their rebuilt copies,
analysis tables) that live until the file is done and form almost no reference cycles. With
CPython's default threshold the cyclic collector runs about ten times per file, and each run
walks the young objects, which are nearly all still alive, only to promote them; now and then it
walks every object the process holds. Measured on the benchmark's files, that was 5 to 10% of a
file's time. Collecting less often frees the same garbage (reference counting frees
everything else at once) for a fraction of the work.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Net allocations between two collections of the youngest generation (CPython's default: 700).
REWRITE_THRESHOLD = 10_000

_LOCK = threading.Lock()
_active = 0  # blocks running under `fewer_collections`, in any thread
_saved: tuple[int, ...] = ()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the block with the youngest generation collected at most every `REWRITE_THRESHOLD`
    allocations. The thresholds are the process's, so overlapping blocks (threads, nesting)
    share one setting: the first raises it, the last to end puts back what was there."""
    global _active, _saved
    with _LOCK:
        if _active == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(max(_saved[0], REWRITE_THRESHOLD), *_saved[1:])
        _active += 1
    try:
        yield
    finally:
        with _LOCK:
            _active -= 1
            if _active == 0:
                gc.set_threshold(*_saved)
