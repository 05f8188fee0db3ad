"""Inside a child: the seed of every random draw, chosen so that both sides draw the same numbers.

Legacy side (`LegacyStreams`): the n-th draw of the op created k-th uses the seed (k, n), so a
TF1 op evaluated once per `sess.run` draws new numbers at every run, as TF1's stateful kernels
do. Draws made inside a program's own `sess.run` are logged with the run; a run that raises
(`tf.errors.OutOfRangeError` at the end of a dataset) is left out of the log, as the migrated
side counts only the calls that return.

Migrated side (`MigratedStreams`), reading the legacy log:

* an op traced into a `tf.function` takes, at the i-th call of that function, the seed of its
  counterpart in the legacy run paired with that call (the i-th run of the legacy lines the
  function replaced, per the rewriter's run-site records; without records, functions are paired
  with legacy sites in order of first use). Counterparts are matched by kind and dtype, in
  creation order: the r-th uniform op of the function takes the seed of the r-th uniform op the
  legacy run drew (an op drawn several times in one call, in a loop, takes the legacy op's draws
  in order). The shape must agree. One TF1 op traced into several functions, or retraced, thus
  keeps drawing what the TF1 op drew at each run.
* an op run eagerly, or traced as a variable's initial value (initializers, Keras layers
  building their weights), takes the seed of the next legacy draw of the same kind, dtype and
  shape made outside paired runs (the initializer run).
* an op in a TF1 graph (a migration that kept graph mode) uses the legacy rule, (k, n): the
  same program builds the same ops in the same order.

A draw that finds no counterpart gets a seed of its own and is logged as unaligned; the
comparison reports a pair whose values differ after such draws as not alignable rather than
different.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from migrate.harness.random_ops import EAGER, FUNCTION, INITIALIZER, Site
from migrate.harness.records import Draw, RandomLog
from migrate.harness.site_map import SiteMap

# Seeds stay below int32's range so that Keras (which reduces them modulo 2**31 - 2) uses them as they are.
_SEED_RANGE = 2**31 - 2
_UNALIGNED_BASE = 1 << 30
_DESCRIBED = 20


def stateless_seed(seed: int, op: int, count: int) -> tuple[int, int]:
    return (seed * 1_000_003 + op) % _SEED_RANGE, count % _SEED_RANGE


class LegacyStreams:
    """Seeds by creation order and draw count; the draws of program runs are logged."""

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._counts: dict[int, int] = {}
        self._run: int | None = None
        self._lock = threading.Lock()
        self.log = RandomLog()

    def begin_run(self, site: str) -> None:
        with self._lock:
            self._run = len(self.log.runs)
            self.log.runs.append((site, False))

    def end_run(self, fetched_values: bool, failed: bool = False) -> None:
        """A run that `failed` (a dataset at its end) is not a run to pair: the migrated
        program makes no call in its place (see migrate.analysis.iterator_elements), and
        the draws it made are not replayed; the ops' draw counts go on past them."""
        with self._lock:
            if self._run is not None and failed:
                del self.log.runs[self._run:]
                self.log.draws = [draw for draw in self.log.draws if draw.run != self._run]
            elif self._run is not None:
                self.log.runs[self._run] = (self.log.runs[self._run][0], fetched_values)
            self._run = None

    def seed(self, site: Site, shape: tuple[int, ...]) -> tuple[int, int]:
        with self._lock:
            count = self._counts.get(site.ordinal, 0)
            self._counts[site.ordinal] = count + 1
            self.log.total += 1
            if self._run is not None:
                self.log.draws.append(Draw(self._run, site.ordinal, count, site.kind, site.dtype, shape))
        return stateless_seed(self._seed, site.ordinal, count)


class MigratedStreams:
    """Replays the legacy seeds on the migrated program's ops."""

    def __init__(self, seed: int, legacy: RandomLog, sites: SiteMap | None) -> None:
        self._seed = seed
        self._lock = threading.Lock()
        self._counts: dict[int, int] = {}
        self._call: tuple[str, int] | None = None
        self._drawn_in_call: dict[int, int] = {}
        self.log = RandomLog()
        self._sites = sites
        self._functions_by_order: dict[str, str] = {}  # without run-site records: function -> legacy site
        fetching: dict[str, None] = {}  # legacy sites that fetched values, in order of first use
        for site, fetched in legacy.runs:
            if fetched:
                fetching.setdefault(site, None)
        self._sites_in_order = list(fetching)
        self._run_function = [self._function_of(site, site in fetching) for site, _ in legacy.runs]
        self._runs_of_function: dict[str, list[int]] = {}
        for run, function in enumerate(self._run_function):
            if function is not None:
                self._runs_of_function.setdefault(function, []).append(run)
        # run -> (kind, dtype) -> [(op, its draws in order)], ops in creation order
        self._by_run: dict[int, dict[tuple[str, str], list[tuple[int, list[Draw]]]]] = {}
        self._eager_pool: list[Draw] = []
        for draw in sorted(legacy.draws, key=lambda d: (d.run, d.op, d.count)):
            if self._run_function[draw.run] is None:
                self._eager_pool.append(draw)
                continue
            ops = self._by_run.setdefault(draw.run, {}).setdefault((draw.kind, draw.dtype), [])
            if ops and ops[-1][0] == draw.op:
                ops[-1][1].append(draw)
            else:
                ops.append((draw.op, [draw]))
        self._eager_used = [False] * len(self._eager_pool)

    def _function_of(self, site: str, fetching: bool) -> str | None:
        if self._sites:
            return self._sites.function(site)
        # Paired by order of first use (as the comparison does without records): the legacy site
        # stands for its function until the migrated program's functions are met (`_legacy_run`).
        return site if fetching else None

    def begin_call(self, function: str, index: int) -> None:
        with self._lock:
            self._call = (function, index)
            self._drawn_in_call = {}

    def end_call(self) -> None:
        with self._lock:
            self._call = None

    def seed(self, site: Site, shape: tuple[int, ...]) -> tuple[int, int]:
        with self._lock:
            self.log.total += 1
            count = self._counts.get(site.ordinal, 0)
            self._counts[site.ordinal] = count + 1
            if site.mode == FUNCTION:
                found = self._traced_counterpart(site, shape)
            elif site.mode in (EAGER, INITIALIZER):
                found = self._eager_counterpart(site, shape)
            else:
                return stateless_seed(self._seed, site.ordinal, count)
            if isinstance(found, Draw):
                self.log.replayed += 1
                return stateless_seed(self._seed, found.op, found.count)
            described = f"{site.kind} {site.dtype}{list(shape)}: {found}"
            if site.mode in (EAGER, INITIALIZER):
                self.log.eager_unaligned_count += 1
                if len(self.log.eager_unaligned) < _DESCRIBED:
                    self.log.eager_unaligned.append(described)
            else:
                self.log.unaligned_count += 1
                if len(self.log.unaligned) < _DESCRIBED:
                    self.log.unaligned.append(described)
            return stateless_seed(self._seed, _UNALIGNED_BASE + site.ordinal, count)

    def _legacy_run(self, function: str, index: int) -> int | None:
        key = function
        if not self._sites:
            key = self._functions_by_order.get(function, "")
            if not key:
                taken = set(self._functions_by_order.values())
                key = next((s for s in self._sites_in_order if s not in taken), "")
                if not key:
                    return None
                self._functions_by_order[function] = key
        runs = self._runs_of_function.get(key, [])
        return runs[index] if index < len(runs) else None

    def _traced_counterpart(self, site: Site, shape: tuple[int, ...]) -> Draw | str:
        if self._call is None:
            return "drawn in a function the harness does not record"
        function, index = self._call
        run = self._legacy_run(function, index)
        if run is None:
            return f"call {index + 1} of {function} has no legacy run"
        ops = self._by_run.get(run, {}).get((site.kind, site.dtype), [])
        if site.rank >= len(ops):
            return f"call {index + 1} of {function}: the legacy run drew {len(ops)} such ops"
        draws = ops[site.rank][1]
        repeat = self._drawn_in_call.get(site.ordinal, 0)
        self._drawn_in_call[site.ordinal] = repeat + 1
        if repeat >= len(draws):
            return f"call {index + 1} of {function}: drawn more often than in the legacy run"
        draw = draws[repeat]
        if draw.shape != shape:
            return f"call {index + 1} of {function}: the legacy op drew shape {list(draw.shape)}"
        return draw

    def _eager_counterpart(self, site: Site, shape: tuple[int, ...]) -> Draw | str:
        for position, draw in enumerate(self._eager_pool):
            if self._eager_used[position]:
                continue
            if (draw.kind, draw.dtype, draw.shape) == (site.kind, site.dtype, shape):
                self._eager_used[position] = True
                return draw
        return "run eagerly, with no legacy draw of that kind and shape outside paired runs"


def seed_source(side: str, seed: int, legacy: RandomLog | None, sites: Mapping[str, str | None] | None) -> Any:
    """The seed source of one side (`legacy` or `migrated`)."""
    if side == "legacy":
        return LegacyStreams(seed)
    return MigratedStreams(seed, legacy or RandomLog(), SiteMap.from_json(sites) if sites is not None else None)
