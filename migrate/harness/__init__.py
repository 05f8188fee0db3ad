"""The equivalence harness: run a legacy program and its migration side by side and compare.

`compare(legacy, migrated) -> EquivalenceReport`. Each program runs in its own child process
(timeout, memory cap); only these children ever execute user code.

The names below load their modules (and NumPy) at first use, so that commands which only
rewrite code, and import the harness's options to declare their flags, do not pay for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from migrate.harness.api import compare
    from migrate.harness.compare import Observable
    from migrate.harness.options import HarnessOptions, Tolerance
    from migrate.harness.report import EquivalenceReport

__all__ = ["EquivalenceReport", "HarnessOptions", "Observable", "Tolerance", "compare"]

_HOMES = {
    "EquivalenceReport": "migrate.harness.report",
    "HarnessOptions": "migrate.harness.options",
    "Observable": "migrate.harness.compare",
    "Tolerance": "migrate.harness.options",
    "compare": "migrate.harness.api",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
