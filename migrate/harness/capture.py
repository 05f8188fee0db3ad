"""Recording inside a child: what each run site computed, and where to stop with `--steps`.

Legacy side: `Session.run` is wrapped; a call made from the program file (directly, through
`Tensor.eval` or `Operation.run`) is a run site named by its source line. Migrated side:
`tf.function` is wrapped for functions defined in the program's project (the program file and
the modules beside it and below, where a converted model class keeps its `tf.function`
methods); each eager call is a run site named by the function's name. Values are flattened with None dropped (TF1 op fetches give None,
the migrated functions do not return them) and kept as numpy arrays.
"""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Collection
from types import FrameType
from typing import Any

import numpy as np

from migrate.harness.records import HISTOGRAM, Call, RandomLog, SideResult, VariableRecord
from migrate.harness.site_map import SiteMap
from migrate.harness.weights import Injector, LegacyVariables

# Past this many stored bytes, further fetched values are counted but not kept.
VALUE_BUDGET_BYTES = 512 * 1024 * 1024
_RANDOM_OPS = frozenset(
    {
        "RandomUniform",
        "RandomUniformInt",
        "RandomStandardNormal",
        "TruncatedNormal",
        "RandomShuffle",
        "Multinomial",
        "RandomGamma",
        "RandomPoisson",
        "RandomPoissonV2",
        "RandomCrop",
    }
)
# Frames between the program and Session.run that still make it the program's own run call.
_RUN_HELPERS = frozenset({"eval", "_eval_using_default_session", "run", "_run_using_default_session"})


class StopProgram(BaseException):
    """Raised at the `--steps` limit; a BaseException so `except Exception` in programs lets it by."""


def to_numpy(value: Any) -> Any:
    if hasattr(value, "numpy"):
        value = value.numpy()
    return np.asarray(value)


def _summary_values(value: Any, v1: Any) -> list[Any]:
    """A fetched serialized `Summary` stands for the values it records: the migrated program
    returns those values (in the same order) and writes them with `tf.summary`. Scalars are
    compared as numbers, histograms by their statistics (records.HISTOGRAM); a summary holding
    any other kind (images, audio) keeps its serialized bytes and shows up as a difference."""
    array = np.asarray(value)
    if array.dtype.kind not in "SO" or array.shape != ():
        return [array]
    # NumPy's bytes dtype drops trailing NUL bytes, which a serialized summary may end with.
    serialized = value if isinstance(value, bytes) else array.item()
    try:
        summary = v1.Summary.FromString(serialized)
    except Exception:  # noqa: BLE001  # bytes that are not a summary are compared as bytes
        return [array]
    kinds = [entry.WhichOneof("value") for entry in summary.value]
    if not kinds or any(kind not in ("simple_value", "histo") for kind in kinds):
        return [array]
    return [_summary_entry(entry) for entry in summary.value]


def _summary_entry(entry: Any) -> Any:
    if entry.WhichOneof("value") == "simple_value":
        return np.float32(entry.simple_value)
    histo = entry.histo
    return np.array((histo.min, histo.max, histo.num, histo.sum, histo.sum_squares), dtype=HISTOGRAM)


class Recorder:
    """Calls in program order, with the `--steps` cut-off shared by both sides.

    Calls are counted per site; given the rewriter's records (`sites`), legacy calls are counted
    per generated function instead, so that the legacy lines one function replaced count
    together, and lines no function replaced (initializers) do not count. On the migrated side,
    `counted` names the functions some legacy run became: the others (the runs of a method the
    rewriter moved, whose legacy lines it could not record) stop neither side."""

    def __init__(
        self, steps: int | None, sites: SiteMap | None = None, counted: Collection[str] | None = None
    ) -> None:
        self.calls: list[Call] = []
        self.steps = steps
        self.sites = sites
        self.counted = counted
        self.counts: dict[str, int] = {}
        self.stop_reason = ""
        self._stored = 0
        self.truncated = False

    def record(self, site: str, values: list[Any]) -> bool:
        """Keep one call's values; True when this call reached the `--steps` limit."""
        size = sum(v.nbytes for v in values)
        if self._stored + size > VALUE_BUDGET_BYTES:
            self.truncated = True
            values = []
        self._stored += size
        self.calls.append(Call(site, values, time.perf_counter()))
        key = site if self.sites is None else self.sites.function(site)
        if key is None or (self.counted is not None and key not in self.counted):
            return False
        count = self.counts.get(key, 0) + 1
        self.counts[key] = count
        if self.steps is not None and count >= self.steps:
            named = site if key == site else f"{site} ({key})"
            self.stop_reason = f"stopped after call {count} of {named} (--steps {self.steps})"
            return True
        return False


def _program_line(program: str) -> int | None:
    """The program line that called Session.run, if the call is the program's own."""
    frame: FrameType | None = sys._getframe(2)
    while frame is not None:
        code = frame.f_code
        if code.co_filename == program:
            return frame.f_lineno
        if code.co_name not in _RUN_HELPERS:
            return None
        frame = frame.f_back
    return None


def _random_ops(graph: Any, fetches: Any, v1: Any) -> set[str]:
    """Random ops that the fetched values depend on, not counting variable initialisers."""
    stack: list[Any] = []
    with graph.as_default():
        initializers = {v.initializer.name for v in v1.global_variables() + v1.local_variables()}
    for element in v1.nest.flatten(fetches):
        try:
            item = graph.as_graph_element(element, allow_tensor=True, allow_operation=True)
        except (TypeError, ValueError, KeyError):  # a fetch the graph does not own
            continue
        stack.append(getattr(item, "op", item))
    seen: set[str] = set()
    found: set[str] = set()
    while stack:
        op = stack.pop()
        if op.name in seen or op.name in initializers:
            continue
        seen.add(op.name)
        if op.type in _RANDOM_OPS:
            found.add(op.name)
        stack.extend(tensor.op for tensor in op.inputs)
        stack.extend(op.control_inputs)
    return found


class LegacyCapture:
    """Hooks on the TF1 session API of the real `tensorflow.compat.v1`."""

    def __init__(
        self, v1: Any, program: str, steps: int | None, sites: SiteMap | None = None, streams: Any = None
    ) -> None:
        from tensorflow.python.client import session as session_module

        self._v1 = v1
        self._program = program
        self.recorder = Recorder(steps, sites)
        self.streams = streams
        self._base = session_module.BaseSession
        self._raw_run = self._base.run
        self._raw_close = self._base.close
        self.variables = LegacyVariables(v1, self._raw_run)
        self._sessions: list[Any] = []
        self._random: set[str] = set()
        self._sites_checked: set[int] = set()

    def install(self) -> None:
        capture = self
        raw_run = self._raw_run
        raw_close = self._raw_close

        @functools.wraps(raw_run)
        def run(session: Any, fetches: Any, *args: Any, **kwargs: Any) -> Any:
            line = _program_line(capture._program)
            if line is None:
                return raw_run(session, fetches, *args, **kwargs)
            if not any(s is session for s in capture._sessions):
                capture._sessions.append(session)
            capture.variables.record_initial(session)
            if line not in capture._sites_checked:
                capture._sites_checked.add(line)
                try:
                    capture._random |= _random_ops(session.graph, fetches, capture._v1)
                except Exception as error:  # noqa: BLE001  # an unusual fetch must not break the program
                    capture.variables.notes.append(f"random-op scan failed at line {line}: {error}")
            streams = capture.streams
            if streams is not None:
                streams.begin_run(f"line {line}")
            fetched = False
            failed = True
            try:
                result = raw_run(session, fetches, *args, **kwargs)
                values = [
                    value
                    for v in capture._v1.nest.flatten(result)
                    if v is not None
                    for value in _summary_values(v, capture._v1)
                ]
                fetched = bool(values)
                failed = False
            finally:
                if streams is not None:
                    streams.end_run(fetched, failed)
            if capture.recorder.record(f"line {line}", values):
                capture.variables.record_final(session)
                raise StopProgram(capture.recorder.stop_reason)
            return result

        @functools.wraps(raw_close)
        def close(session: Any) -> None:
            if not getattr(session, "_closed", True) and any(s is session for s in capture._sessions):
                capture.variables.record_final(session)
            raw_close(session)

        self._base.run = run
        self._base.close = close
        optimizer_cls = self._v1.train.Optimizer
        raw_apply = optimizer_cls.apply_gradients

        @functools.wraps(raw_apply)
        def apply_gradients(optimizer: Any, *args: Any, **kwargs: Any) -> Any:
            capture.variables.track_optimizer(optimizer, capture._v1.get_default_graph())
            return raw_apply(optimizer, *args, **kwargs)

        optimizer_cls.apply_gradients = apply_gradients

    def finish(self) -> SideResult:
        for session in self._sessions:
            if not getattr(session, "_closed", True):
                self.variables.record_final(session)
        self.variables.mark_optimizer_state()
        notes = list(self.variables.notes)
        if self.recorder.truncated:
            notes.append("fetched values exceeded the storage budget; later values were not kept")
        return SideResult(
            calls=self.recorder.calls,
            variables=self.variables.records,
            stop_reason=self.recorder.stop_reason,
            random_ops=sorted(self._random),
            notes=notes,
            random=self.streams.log if self.streams is not None else RandomLog(),
        )


class _RecordedFunction:
    """A program's tf.function: called as before, each eager call's outputs recorded."""

    def __init__(self, compiled: Any, name: str, capture: MigratedCapture) -> None:
        self._compiled = compiled
        self._name = name
        self._capture = capture
        functools.update_wrapper(self, compiled, updated=())

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        tf = self._capture.tf
        if tf.inside_function():  # a call while another function traces: symbolic, not a site
            return self._compiled(*args, **kwargs)
        streams = self._capture.streams
        if streams is None:
            outputs = self._compiled(*args, **kwargs)
        else:
            streams.begin_call(self._name, self._capture.recorder.counts.get(self._name, 0))
            try:
                outputs = self._compiled(*args, **kwargs)
            finally:
                streams.end_call()
        values = [to_numpy(v) for v in tf.nest.flatten(outputs) if v is not None]
        if self._capture.recorder.record(self._name, values):
            raise StopProgram(self._capture.recorder.stop_reason)
        return outputs

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        if instance is None:
            return self
        return _RecordedFunction(self._compiled.__get__(instance, owner), self._name, self._capture)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._compiled, name)


class MigratedCapture:
    """Hooks on TF 2: `tf.function` recording and the variable creator that injects values."""

    def __init__(
        self,
        tf: Any,
        program: str,
        steps: int | None,
        injector: Injector,
        streams: Any = None,
        counted: Collection[str] | None = None,
    ) -> None:
        self.tf = tf
        self._program = program
        self.recorder = Recorder(steps, counted=counted)
        self.injector = injector
        self.streams = streams
        self._scope: Any = None
        self._graph_variables: LegacyVariables | None = None
        self._sessions: list[Any] = []

    def install(self) -> None:
        capture = self
        raw_function = self.tf.function

        def function(func: Any = None, *args: Any, **kwargs: Any) -> Any:
            if func is None:
                return lambda f: function(f, *args, **kwargs)
            compiled = raw_function(func, *args, **kwargs)
            code = getattr(func, "__code__", None)
            if code is None or not capture._in_project(code.co_filename):
                return compiled
            return _RecordedFunction(compiled, func.__name__, capture)

        functools.update_wrapper(function, raw_function)
        self.tf.function = function
        self._scope = self.tf.variable_creator_scope(self.injector.creator)
        self._scope.__enter__()
        self._follow_graph_resets()
        self._record_sessions()

    def _follow_graph_resets(self) -> None:
        """The creator scope lives on the default graph, which `reset_default_graph` replaces (a
        migration may keep the reset of a notebook's `reset_graph()`): entered again on the new
        graph, it goes on seeing the variables made after the reset."""
        from tensorflow.python.framework import ops

        capture = self
        raw_reset = ops.reset_default_graph

        @functools.wraps(raw_reset)
        def reset_default_graph() -> None:
            raw_reset()
            capture._scope = capture.tf.variable_creator_scope(capture.injector.creator)
            capture._scope.__enter__()

        ops.reset_default_graph = reset_default_graph
        self.tf.compat.v1.reset_default_graph = reset_default_graph

    def _in_project(self, filename: str) -> bool:
        """The program file, or a module of its directory tree (not an environment linked into it)."""
        if filename == self._program:
            return True
        root = os.path.dirname(self._program)
        relative = os.path.relpath(filename, root) if os.path.isabs(filename) else os.pardir
        parts = relative.split(os.sep)
        return parts[0] != os.pardir and not any(p.startswith(".") or p == "site-packages" for p in parts[:-1])

    def _record_sessions(self) -> None:
        """A migration that kept graph mode runs sessions: its runs are sites named by line, as
        on the legacy side, so that `--steps` stops it at the same point."""
        from tensorflow.python.client import session as session_module

        capture = self
        v1 = self.tf.compat.v1
        base = session_module.BaseSession
        raw_run = base.run
        raw_close = base.close
        # Graph variables escape the eager variable creator; they are read like the legacy ones
        # (their random initial values are the legacy's already: random ops draw aligned seeds).
        variables = LegacyVariables(v1, raw_run)
        self._graph_variables = variables

        @functools.wraps(raw_run)
        def run(session: Any, fetches: Any, *args: Any, **kwargs: Any) -> Any:
            line = _program_line(capture._program)
            if line is None:
                return raw_run(session, fetches, *args, **kwargs)
            if not any(s is session for s in capture._sessions):
                capture._sessions.append(session)
            variables.record_initial(session)
            result = raw_run(session, fetches, *args, **kwargs)
            values = [value for v in v1.nest.flatten(result) if v is not None for value in _summary_values(v, v1)]
            if capture.recorder.record(f"line {line}", values):
                variables.record_final(session)
                raise StopProgram(capture.recorder.stop_reason)
            return result

        @functools.wraps(raw_close)
        def close(session: Any) -> None:
            if not getattr(session, "_closed", True) and any(s is session for s in capture._sessions):
                variables.record_final(session)
            raw_close(session)

        base.run = run
        base.close = close

    def _graph_records(self) -> list[VariableRecord]:
        variables = self._graph_variables
        if variables is None:
            return []
        for session in self._sessions:
            if not getattr(session, "_closed", True):
                variables.record_final(session)
        legacy = self.injector.legacy_names
        records = variables.records
        for record in records:
            if record.name in legacy:
                record.matched, record.how = record.name, "name"
            else:
                record.kind = "other"  # optimizer slots and counters the legacy program's model does not have
        return records

    def finish(self) -> SideResult:
        if self._scope is not None:
            self._scope.__exit__(None, None, None)
        notes = ["fetched values exceeded the storage budget; later values were not kept"] if self.recorder.truncated else []
        return SideResult(
            calls=self.recorder.calls,
            variables=self.injector.finish() + self._graph_records(),
            stop_reason=self.recorder.stop_reason,
            notes=notes,
            random=self.streams.log if self.streams is not None else RandomLog(),
        )


