"""What the user can set for one equivalence run: limits, tolerances, step cut-off, seed, working directory."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_TIMEOUT_SECONDS = 300.0
DEFAULT_MEMORY_MB = 4096
DEFAULT_SEED = 0


@dataclass(frozen=True)
class Tolerance:
    """Two values agree when |migrated - legacy| <= atol + rtol * |legacy| (numpy's allclose)."""

    rtol: float
    atol: float

    def to_json(self) -> dict[str, float]:
        return {"rtol": self.rtol, "atol": self.atol}


# Float32 graph and eager kernels fuse differently; a few hundred Adam steps drift by ~1e-6
# relative, which these defaults accept while a real bug (a changed constant) is far outside.
DEFAULT_TOLERANCES: Mapping[str, Tolerance] = {
    "float16": Tolerance(1e-3, 1e-3),
    "bfloat16": Tolerance(1e-2, 1e-2),
    "float32": Tolerance(1e-5, 1e-6),
    "float64": Tolerance(1e-7, 1e-9),
    "complex64": Tolerance(1e-5, 1e-6),
    "complex128": Tolerance(1e-7, 1e-9),
}
EXACT = Tolerance(0.0, 0.0)


@dataclass(frozen=True)
class HarnessOptions:
    """Settings shared by both sides of a comparison."""

    timeout: float = DEFAULT_TIMEOUT_SECONDS
    memory_mb: int | None = DEFAULT_MEMORY_MB
    steps: int | None = None
    seed: int = DEFAULT_SEED
    tolerances: Mapping[str, Tolerance] = field(default_factory=lambda: dict(DEFAULT_TOLERANCES))
    compare_stdout: bool = True
    # Printed lines whose numbers are not compared (regular expressions searched in each line):
    # wall-clock durations and dates, which differ from run to run of the same program.
    ignore_stdout: tuple[str, ...] = ()
    # The working directory both programs see after their own directory (`--cwd`); None: the
    # directory the harness was called from (see `workspace`).
    cwd: Path | None = None
    # Random ops draw the harness's aligned numbers (`random_ops`); False: their own.
    align_random: bool = True

    def tolerance(self, dtype: str) -> Tolerance:
        """The tolerance for values of `dtype`; integers, booleans and strings compare exactly."""
        return self.tolerances.get(dtype, EXACT)

    def with_tolerance(self, dtype: str, rtol: float | None = None, atol: float | None = None) -> HarnessOptions:
        current = self.tolerance(dtype)
        updated = Tolerance(current.rtol if rtol is None else rtol, current.atol if atol is None else atol)
        return replace(self, tolerances={**self.tolerances, dtype: updated})

    def to_json(self) -> dict[str, object]:
        return {
            "timeout": self.timeout,
            "memory_mb": self.memory_mb,
            "steps": self.steps,
            "seed": self.seed,
            "cwd": str(self.cwd) if self.cwd is not None else None,
            "align_random": self.align_random,
            "ignore_stdout": list(self.ignore_stdout),
            "tolerances": {dtype: tol.to_json() for dtype, tol in sorted(self.tolerances.items())},
        }
