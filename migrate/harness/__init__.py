"""The equivalence harness: run a legacy program and its migration side by side and compare.

`compare(legacy, migrated) -> EquivalenceReport`. Each program runs in its own child process
(timeout, memory cap); only these children ever execute user code.
"""

from migrate.harness.api import compare
from migrate.harness.observables import Observable
from migrate.harness.options import HarnessOptions, Tolerance
from migrate.harness.report import EquivalenceReport, Outcome

__all__ = ["EquivalenceReport", "HarnessOptions", "Observable", "Outcome", "Tolerance", "compare"]
