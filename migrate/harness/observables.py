"""Tolerant comparison of the observables of the two sides: fetches, printed numbers, final variables."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from migrate.findings import RunSite
from migrate.harness.options import HarnessOptions, Tolerance
from migrate.harness.records import HISTOGRAM, Call, SideResult, histogram_statistics
from migrate.harness.site_map import SiteMap

FETCH = "fetch"
STDOUT = "stdout"
VARIABLE = "variable"
PROGRAM = "program"

_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|[-+]?\b(?:nan|inf)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Observable:
    """One thing both programs compute, and whether they agree on it."""

    kind: str
    name: str
    passed: bool
    max_abs: float | None = None
    max_rel: float | None = None
    first_divergence: int | None = None  # call index, stdout line or None
    compared: int = 0
    detail: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "name": self.name,
            "passed": self.passed,
            "max_abs_error": _finite(self.max_abs),
            "max_rel_error": _finite(self.max_rel),
            "first_divergence": self.first_divergence,
            "compared": self.compared,
            "detail": self.detail,
        }


def _finite(value: float | None) -> float | str | None:
    if value is None or math.isfinite(value):
        return value
    return str(value)


@dataclass(frozen=True)
class Difference:
    max_abs: float
    max_rel: float
    passed: bool
    reason: str = ""


def difference(legacy: Any, migrated: Any, tolerance: Tolerance) -> Difference:
    """Compare two arrays elementwise under `tolerance`; shapes and kinds must agree. A legacy
    histogram summary is compared with the statistics of the values the migrated side returned."""
    a = np.asarray(legacy)
    b = np.asarray(migrated)
    if a.dtype == HISTOGRAM:
        if b.dtype != HISTOGRAM:
            if b.dtype.kind not in "biuf":
                return Difference(math.inf, math.inf, False, f"a histogram summary vs {b.dtype} values")
            b = histogram_statistics(b)
        a, b = _statistics(a), _statistics(b)
    if a.shape != b.shape:
        return Difference(math.inf, math.inf, False, f"shape {a.shape} vs {b.shape}")
    numeric = a.dtype.kind in "biufc" and b.dtype.kind in "biufc"
    if not numeric:
        same = bool(np.array_equal(a, b))
        return Difference(0.0 if same else math.inf, 0.0 if same else math.inf, same, "" if same else "values differ")
    if a.size == 0:
        return Difference(0.0, 0.0, True)
    x = a.astype(np.complex128 if "c" in (a.dtype.kind, b.dtype.kind) else np.float64)
    y = b.astype(x.dtype)
    both_nan = np.isnan(x) & np.isnan(y)
    same_inf = np.isinf(x) & (x == y)
    error = np.where(both_nan | same_inf, 0.0, np.abs(y - x))
    error = np.where(np.isnan(error), math.inf, error)
    scale = np.abs(x)
    with np.errstate(over="ignore"):  # a relative error past float64's range is infinite, as it should be
        relative = np.where(error == 0, 0.0, error / np.maximum(scale, np.finfo(np.float64).tiny))
    allowed = tolerance.atol + tolerance.rtol * scale
    passed = bool(np.all((error == 0) | (error <= allowed)))
    return Difference(float(np.max(error)), float(np.max(relative)), passed)


def _statistics(histogram: Any) -> Any:
    return np.array([histogram[field] for field in HISTOGRAM.fields or ()], dtype=np.float64)


def value_dtype(legacy: Any, migrated: Any) -> str:
    """The dtype whose tolerance applies to a pair of fetched values: a histogram summary's
    statistics are as precise as the values they summarise."""
    a = np.asarray(legacy)
    if a.dtype != HISTOGRAM:
        return str(a.dtype)
    b = np.asarray(migrated)
    return str(b.dtype) if b.dtype != HISTOGRAM else "float32"


class _Accumulator:
    def __init__(self) -> None:
        self.max_abs = 0.0
        self.max_rel = 0.0
        self.first: int | None = None
        self.compared = 0
        self.reason = ""

    def add(self, step: int, diff: Difference) -> None:
        self.compared += 1
        self.max_abs = max(self.max_abs, diff.max_abs)
        self.max_rel = max(self.max_rel, diff.max_rel)
        if not diff.passed and self.first is None:
            self.first = step
            self.reason = diff.reason

    def fail(self, step: int, reason: str) -> None:
        if self.first is None:
            self.first = step
            self.reason = reason

    def observable(self, kind: str, name: str, detail: str = "") -> Observable:
        passed = self.first is None
        text = detail if passed or not self.reason else "; ".join(filter(None, (self.reason, detail)))
        return Observable(kind, name, passed, self.max_abs, self.max_rel, self.first, self.compared, text)


# --- fetches -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Pairing:
    """Which legacy run sites were compared with which migrated functions, and how they were paired."""

    method: str  # run-sites | order
    pairs: tuple[tuple[tuple[str, ...], str], ...]  # (legacy sites, migrated function)
    unpaired_legacy: tuple[str, ...] = ()
    unpaired_migrated: tuple[str, ...] = ()
    note: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "method": self.method,
            "pairs": [{"legacy": list(sites), "migrated": function} for sites, function in self.pairs],
            "unpaired_legacy": list(self.unpaired_legacy),
            "unpaired_migrated": list(self.unpaired_migrated),
            "note": self.note,
        }


def _first_use_order(calls: Sequence[Call], with_values: bool) -> list[str]:
    order: dict[str, None] = {}
    for call in calls:
        if not with_values or call.values:
            order.setdefault(call.site, None)
    return list(order)


def pair_sites(legacy: SideResult, migrated: SideResult, run_sites: Sequence[RunSite]) -> Pairing:
    """Pair through the rewriter's run-site records when they describe this program, else by order."""
    legacy_sites = _first_use_order(legacy.calls, with_values=False)
    migrated_functions = _first_use_order(migrated.calls, with_values=False)
    named = {site.function for site in run_sites if site.function}
    if run_sites and (named & set(migrated_functions) or not migrated_functions):
        site_map = SiteMap.from_records((site.legacy_line, site.function) for site in run_sites)
        grouped: dict[str, list[str]] = {}
        skipped: list[str] = []
        for site in legacy_sites:
            function = site_map.function(site)
            if function:
                grouped.setdefault(function, []).append(site)
            else:
                skipped.append(site)
        pairs = tuple((tuple(sites), function) for function, sites in grouped.items())
        paired = set(grouped)
        return Pairing(
            "run-sites",
            pairs,
            tuple(skipped),
            tuple(f for f in migrated_functions if f not in paired),
            "legacy run sites paired with the functions the rewriter generated for them",
        )
    with_values_legacy = _first_use_order(legacy.calls, with_values=True)
    with_values_migrated = _first_use_order(migrated.calls, with_values=True)
    count = min(len(with_values_legacy), len(with_values_migrated))
    note = "no run-site records from the rewriter for this pair; paired by order of first use"
    if run_sites:
        note = "the rewriter's run-site records name no function this program called; paired by order of first use"
    return Pairing(
        "order",
        tuple(((with_values_legacy[i],), with_values_migrated[i]) for i in range(count)),
        tuple(with_values_legacy[count:]),
        tuple(with_values_migrated[count:]),
        note,
    )


def compare_fetches(legacy: SideResult, migrated: SideResult, pairing: Pairing, options: HarnessOptions) -> list[Observable]:
    observables = []
    for sites, function in pairing.pairs:
        legacy_calls = [c for c in legacy.calls if c.site in sites]
        migrated_calls = [c for c in migrated.calls if c.site == function]
        label = f"{' + '.join(sites)} ~ {function}"
        observables.extend(_compare_calls(label, legacy_calls, migrated_calls, options))
    return observables


def _compare_calls(label: str, legacy: list[Call], migrated: list[Call], options: HarnessOptions) -> list[Observable]:
    if not migrated:
        return [Observable(FETCH, label, False, detail=f"the migrated function was never called ({len(legacy)} legacy calls)")]
    width = max(max((len(c.values) for c in legacy), default=0), max(len(c.values) for c in migrated))
    structure = _Accumulator()
    positions = [_Accumulator() for _ in range(width)]
    for step, (old, new) in enumerate(zip(legacy, migrated)):
        if len(old.values) != len(new.values):
            structure.fail(step, f"legacy fetched {len(old.values)} values, migrated returned {len(new.values)}")
        for position, (a, b) in enumerate(zip(old.values, new.values)):
            positions[position].add(step, difference(a, b, options.tolerance(value_dtype(a, b))))
    if len(legacy) != len(migrated):
        structure.fail(min(len(legacy), len(migrated)), f"{len(legacy)} legacy calls vs {len(migrated)} migrated calls")
    result = []
    if structure.first is not None:
        result.append(structure.observable(FETCH, f"{label} (calls)"))
    for position, accumulator in enumerate(positions):
        result.append(accumulator.observable(FETCH, f"{label} #{position}"))
    return result


# --- stdout --------------------------------------------------------------------------------
def _numbers(line: str) -> list[str]:
    return _NUMBER.findall(line)


def _unit(token: str) -> float:
    """One unit in the last printed place: printing rounds, so values may differ by that much."""
    text = token.lower().lstrip("+-")
    if text in ("nan", "inf"):
        return 0.0
    mantissa, _, exponent = text.partition("e")
    if "." not in mantissa and not exponent:
        return 0.0  # an integer is printed exactly
    decimals = len(mantissa.partition(".")[2])
    return float(10.0 ** (int(exponent or 0) - decimals))


def compare_stdout(legacy: str, migrated: str, options: HarnessOptions) -> Observable:
    """Numbers printed on each line, lines paired in order (lines without numbers, and lines
    the options ignore, are left out)."""
    ignored = [re.compile(pattern) for pattern in options.ignore_stdout]

    def numbered(text: str) -> list[tuple[int, list[str]]]:
        lines = enumerate(text.splitlines(), 1)
        return [(n, _numbers(t)) for n, t in lines if _numbers(t) and not any(p.search(t) for p in ignored)]

    old_lines, new_lines = numbered(legacy), numbered(migrated)
    base = options.tolerance("float32")
    accumulator = _Accumulator()
    for (line, old), (_, new) in zip(old_lines, new_lines):
        if len(old) != len(new):
            accumulator.fail(line, f"line {line}: {len(old)} numbers vs {len(new)}")
            continue
        for a, b in zip(old, new):
            tolerance = Tolerance(base.rtol, max(base.atol, _unit(a), _unit(b)))
            accumulator.add(line, difference(np.float64(a), np.float64(b), tolerance))
    if len(old_lines) != len(new_lines):
        step = old_lines[len(new_lines)][0] if len(old_lines) > len(new_lines) else None
        accumulator.fail(step or 0, f"{len(old_lines)} legacy lines with numbers vs {len(new_lines)} migrated")
    if accumulator.first is not None and not accumulator.reason:
        accumulator.reason = f"first differing numbers on legacy stdout line {accumulator.first}"
    return accumulator.observable(STDOUT, "printed numbers", f"{len(old_lines)} lines with numbers")


# --- variables -----------------------------------------------------------------------------
def compare_variables(legacy: SideResult, migrated: SideResult, options: HarnessOptions) -> list[Observable]:
    by_legacy = {v.matched: v for v in migrated.variables if v.matched}
    observables = []
    for record in legacy.variables:
        if record.kind != "model" or record.final is None:
            continue
        name = f"variable {record.name}"
        counterpart = by_legacy.get(record.name)
        if counterpart is None:
            observables.append(Observable(VARIABLE, name, False, detail="no matching variable in the migrated program"))
            continue
        if counterpart.final is None:
            observables.append(Observable(VARIABLE, name, False, detail=f"{counterpart.name}: final value unread"))
            continue
        diff = difference(record.final, counterpart.final, options.tolerance(str(np.asarray(record.final).dtype)))
        detail = f"matched {counterpart.name} by {counterpart.how}" + (f"; {diff.reason}" if diff.reason else "")
        observables.append(
            Observable(VARIABLE, name, diff.passed, diff.max_abs, diff.max_rel, None, 1, detail)
        )
    return observables


# --- random draws --------------------------------------------------------------------------
_DESCRIBED_REASONS = 5


@dataclass(frozen=True)
class RandomAlignment:
    """Whether both programs drew the same random numbers (see `random_streams`).

    `draws`: draws the legacy program made; `replayed`: migrated draws that took the seed of
    their legacy counterpart; `reasons`: why some draws could not be aligned (empty: aligned)."""

    draws: int = 0
    replayed: int = 0
    reasons: tuple[str, ...] = ()

    @property
    def aligned(self) -> bool:
        return not self.reasons

    def to_json(self) -> dict[str, object]:
        return {"aligned": self.aligned, "draws": self.draws, "replayed": self.replayed, "reasons": list(self.reasons)}


def random_alignment(legacy: SideResult, migrated: SideResult, options: HarnessOptions) -> RandomAlignment:
    reasons = []
    if legacy.random_ops:
        what = "random ops" if options.align_random else "random ops (alignment is off)"
        reasons.append(f"{what} the harness does not align feed the fetched values: {', '.join(legacy.random_ops)}")
    log = migrated.random
    if log.unaligned_count:
        described = "; ".join(log.unaligned[:_DESCRIBED_REASONS])
        hidden = log.unaligned_count - _DESCRIBED_REASONS
        more = f" (and {hidden} more)" if hidden > 0 else ""
        reasons.append(f"{log.unaligned_count} migrated random draws found no legacy counterpart: {described}{more}")
    # Eager draws are variable initializers as a rule; they matter only where injection did not
    # replace a variable's starting value.
    uninjected = [v.name for v in migrated.variables if v.kind == "model" and (v.matched is None or v.note)]
    if log.eager_unaligned_count and uninjected:
        described = "; ".join(log.eager_unaligned[:_DESCRIBED_REASONS])
        variables = ", ".join(uninjected[:_DESCRIBED_REASONS])
        reasons.append(
            f"{log.eager_unaligned_count} eager random draws found no legacy counterpart ({described}), and "
            f"{len(uninjected)} variables did not start from legacy values ({variables})"
        )
    return RandomAlignment(legacy.random.total, log.replayed, tuple(reasons))
