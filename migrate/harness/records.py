"""The files a child writes and the parent reads: fetched values, variables, how the run ended.

Everything crosses the process boundary as files in the run's directory (`values.npz` for
arrays, `result.json` for the rest), never through the program's stdout.
"""

from __future__ import annotations

import itertools
import json
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

RESULT_FILE = "result.json"
VALUES_FILE = "values.npz"
SUMMARY_FILE = "summary.json"

# A fetched histogram summary stands for these statistics of the values it records, as TF1's
# HistogramProto holds them (in float64); the migrated program returns the values themselves.
# The buckets follow from the values, so they are not compared.
HISTOGRAM = np.dtype([("min", "f8"), ("max", "f8"), ("num", "f8"), ("sum", "f8"), ("sum_squares", "f8")])


def histogram_statistics(values: Any) -> Any:
    """The HISTOGRAM statistics of an array of numbers, computed as TF1's histogram op does."""
    flat = np.asarray(values, dtype=np.float64).ravel()
    if flat.size == 0:
        return np.zeros((), dtype=HISTOGRAM)
    stats = (flat.min(), flat.max(), float(flat.size), flat.sum(), np.square(flat).sum())
    return np.array(stats, dtype=HISTOGRAM)


@dataclass
class Call:
    """One call of a run site (legacy: a source line; migrated: a tf.function name)."""

    site: str
    values: list[Any]
    time: float = 0.0


@dataclass
class VariableRecord:
    """A variable as one side saw it; `initial` / `final` are arrays or None when unread."""

    name: str
    shape: tuple[int, ...]
    dtype: str
    trainable: bool
    kind: str = "model"  # model | optimizer | other (metrics, seed state)
    matched: str | None = None  # migrated side: the legacy variable it took its start from
    how: str | None = None  # name | order
    note: str = ""
    initial: Any = None
    final: Any = None


@dataclass(frozen=True)
class Draw:
    """One draw of a random op inside a program run: which run, which op (creation order), how
    many times that op had drawn before, and what it drew."""

    run: int
    op: int
    count: int
    kind: str
    dtype: str
    shape: tuple[int, ...]

    def to_json(self) -> list[object]:
        return [self.run, self.op, self.count, self.kind, self.dtype, list(self.shape)]

    @classmethod
    def from_json(cls, entry: list[Any]) -> Draw:
        return cls(int(entry[0]), int(entry[1]), int(entry[2]), str(entry[3]), str(entry[4]), tuple(entry[5]))


@dataclass
class RandomLog:
    """What one side's random ops drew (see `random_streams`).

    Legacy: the site of every program run (and whether it fetched values), and the draws made
    inside them. Migrated: how many draws took the legacy seed of their counterpart, and the ones
    that found none (`unaligned`, the first few described), apart for eager draws (initializers,
    whose numbers weight injection usually replaces)."""

    runs: list[tuple[str, bool]] = field(default_factory=list)
    draws: list[Draw] = field(default_factory=list)
    total: int = 0
    replayed: int = 0
    unaligned: list[str] = field(default_factory=list)
    unaligned_count: int = 0
    eager_unaligned: list[str] = field(default_factory=list)
    eager_unaligned_count: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "runs": [[site, fetched] for site, fetched in self.runs],
            "draws": [draw.to_json() for draw in self.draws],
            "total": self.total,
            "replayed": self.replayed,
            "unaligned": self.unaligned,
            "unaligned_count": self.unaligned_count,
            "eager_unaligned": self.eager_unaligned,
            "eager_unaligned_count": self.eager_unaligned_count,
        }

    @classmethod
    def from_json(cls, payload: dict[str, Any]) -> RandomLog:
        return cls(
            runs=[(str(site), bool(fetched)) for site, fetched in payload.get("runs", [])],
            draws=[Draw.from_json(entry) for entry in payload.get("draws", [])],
            total=int(payload.get("total", 0)),
            replayed=int(payload.get("replayed", 0)),
            unaligned=[str(text) for text in payload.get("unaligned", [])],
            unaligned_count=int(payload.get("unaligned_count", 0)),
            eager_unaligned=[str(text) for text in payload.get("eager_unaligned", [])],
            eager_unaligned_count=int(payload.get("eager_unaligned_count", 0)),
        )


def load_random(directory: Path) -> RandomLog:
    """Only the random log of a run (the migrated child reads the legacy one before starting)."""
    path = directory / RESULT_FILE
    if not path.exists():
        return RandomLog()
    return RandomLog.from_json(json.loads(path.read_text()).get("random", {}))


@dataclass
class SideResult:
    """What one child recorded. Missing files (a killed child) give an empty result."""

    calls: list[Call] = field(default_factory=list)
    variables: list[VariableRecord] = field(default_factory=list)
    stop_reason: str = ""
    random_ops: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    status: str = ""
    error: str = ""
    random: RandomLog = field(default_factory=RandomLog)

    def variable(self, name: str) -> VariableRecord | None:
        return next((v for v in self.variables if v.name == name), None)

    def step_rate(self) -> float | None:
        """Steady-state calls per second of the most-called site: one over the median interval
        between its calls. The median leaves out one-off costs that land between two calls
        (tracing a function on its first call, graph set-up, a periodic evaluation)."""
        counts: dict[str, list[float]] = {}
        for call in self.calls:
            counts.setdefault(call.site, []).append(call.time)
        if not counts:
            return None
        times = max(counts.values(), key=len)
        if len(times) < 3:
            return None
        interval = statistics.median(b - a for a, b in itertools.pairwise(times))
        return 1.0 / interval if interval > 0 else None


def save(directory: Path, result: SideResult) -> None:
    arrays: dict[str, Any] = {}
    calls = []
    for index, call in enumerate(result.calls):
        for position, value in enumerate(call.values):
            arrays[f"c{index}_{position}"] = value
        calls.append({"site": call.site, "count": len(call.values), "time": call.time})
    variables = []
    for index, variable in enumerate(result.variables):
        if variable.initial is not None:
            arrays[f"i{index}"] = variable.initial
        if variable.final is not None:
            arrays[f"f{index}"] = variable.final
        variables.append(
            {
                "name": variable.name,
                "shape": list(variable.shape),
                "dtype": variable.dtype,
                "trainable": variable.trainable,
                "kind": variable.kind,
                "matched": variable.matched,
                "how": variable.how,
                "note": variable.note,
            }
        )
    np.savez(directory / VALUES_FILE, **arrays)
    payload = {
        "calls": calls,
        "variables": variables,
        "stop_reason": result.stop_reason,
        "random_ops": result.random_ops,
        "notes": result.notes,
        "status": result.status,
        "error": result.error,
        "random": result.random.to_json(),
    }
    (directory / RESULT_FILE).write_text(json.dumps(payload))


def load(directory: Path) -> SideResult:
    result_path = directory / RESULT_FILE
    if not result_path.exists():
        return SideResult()
    payload = json.loads(result_path.read_text())
    with np.load(directory / VALUES_FILE, allow_pickle=False) as stored:
        arrays = {key: stored[key] for key in stored.files}
    calls = [
        Call(entry["site"], [arrays[f"c{index}_{p}"] for p in range(entry["count"])], entry["time"])
        for index, entry in enumerate(payload["calls"])
    ]
    variables = [
        VariableRecord(
            name=entry["name"],
            shape=tuple(entry["shape"]),
            dtype=entry["dtype"],
            trainable=entry["trainable"],
            kind=entry["kind"],
            matched=entry["matched"],
            how=entry["how"],
            note=entry["note"],
            initial=arrays.get(f"i{index}"),
            final=arrays.get(f"f{index}"),
        )
        for index, entry in enumerate(payload["variables"])
    ]
    return SideResult(
        calls=calls,
        variables=variables,
        stop_reason=payload["stop_reason"],
        random_ops=list(payload["random_ops"]),
        notes=list(payload["notes"]),
        status=payload["status"],
        error=payload["error"],
        random=RandomLog.from_json(payload.get("random", {})),
    )
