"""Same starting point: read the legacy program's variables, give the migrated ones their values.

Legacy side: before each run call, variables that became initialised since the last look are
read once (their initial values); when a session closes, every variable is read again (final
values). Migrated side: a `tf.variable_creator_scope` creator sees every new variable, matches it
to a legacy one (by name, else by creation order among unmatched variables of the same shape and
trainability) and assigns the legacy initial value. Optimizer state (Keras optimizer variables,
TF1 slots) is never matched or injected: its layout differs between the two APIs.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

import numpy as np

from migrate.harness.records import VariableRecord

# Keras 3 objects whose variables are bookkeeping, not model state.
_NON_MODEL_CLASSES = {"BaseOptimizer": "optimizer", "Optimizer": "optimizer", "Metric": "other", "SeedGenerator": "other"}


def plain_name(name: str) -> str:
    """`dense/kernel:0` -> `dense/kernel`."""
    head, sep, tail = name.rpartition(":")
    return head if sep and tail.isdigit() else name


class LegacyVariables:
    """Initial and final values of a TF1 program's global variables, in creation order."""

    def __init__(self, v1: Any, raw_run: Callable[..., Any]) -> None:
        self._v1 = v1
        self._raw_run = raw_run
        self._records: dict[str, VariableRecord] = {}
        self._checks: dict[str, Any] = {}
        self._seen_count: dict[int, int] = {}
        self._optimizers: list[tuple[Any, Any]] = []  # (optimizer, the graph it built its slots in)
        self._graph_prefixes: dict[int, tuple[Any, str]] = {}
        self.notes: list[str] = []

    def key(self, variable: Any) -> str:
        """A variable's record name: its name, prefixed by `graph2/`, `graph3/`... in the graphs
        after the first one that held variables (a program that resets its graph reuses names)."""
        graph = variable.graph
        entry = self._graph_prefixes.get(id(graph))
        if entry is None:
            number = len(self._graph_prefixes) + 1
            entry = (graph, "" if number == 1 else f"graph{number}/")
            self._graph_prefixes[id(graph)] = entry
        return f"{entry[1]}{variable.name}"

    def track_optimizer(self, optimizer: Any, graph: Any) -> None:
        if not any(known is optimizer and built is graph for known, built in self._optimizers):
            self._optimizers.append((optimizer, graph))

    @property
    def records(self) -> list[VariableRecord]:
        return list(self._records.values())

    def _global_variables(self, graph: Any) -> list[Any]:
        return list(graph.get_collection(self._v1.GraphKeys.GLOBAL_VARIABLES))

    def record_initial(self, session: Any) -> None:
        """Read variables initialised since the last call (cheap when nothing changed)."""
        graph = session.graph
        variables = self._global_variables(graph)
        if self._seen_count.get(id(graph)) == len(variables):
            return
        pending = [v for v in variables if self.key(v) not in self._records]
        if not pending:
            self._seen_count[id(graph)] = len(variables)
            return
        try:
            with graph.as_default():
                checks = [self._check(v) for v in pending]
            ready = self._raw_run(session, checks)
        except Exception as error:  # noqa: BLE001  # a finalized graph or a variable that cannot be checked
            self.notes.append(f"could not read initial variable values: {type(error).__name__}: {error}")
            self._seen_count[id(graph)] = len(variables)
            return
        ready_vars = [v for v, flag in zip(pending, ready) if flag]
        if len(ready_vars) == len(pending):
            self._seen_count[id(graph)] = len(variables)
        if not ready_vars:
            return
        values = self._raw_run(session, [v.value() if hasattr(v, "value") else v for v in ready_vars])
        trainable = {v.name for v in graph.get_collection(self._v1.GraphKeys.TRAINABLE_VARIABLES)}
        for variable, value in zip(ready_vars, values):
            array = np.asarray(value)
            self._records[self.key(variable)] = VariableRecord(
                name=self.key(variable),
                shape=tuple(int(d) for d in array.shape),
                dtype=str(array.dtype),
                trainable=variable.name in trainable,
                initial=array,
            )

    def _check(self, variable: Any) -> Any:
        check = self._checks.get(self.key(variable))
        if check is None:
            check = self._v1.is_variable_initialized(variable)
            self._checks[self.key(variable)] = check
        return check

    def record_final(self, session: Any) -> None:
        self.record_initial(session)
        graph = session.graph
        present = [v for v in self._global_variables(graph) if self.key(v) in self._records]
        if not present:
            return
        try:
            values = self._raw_run(session, [v.value() if hasattr(v, "value") else v for v in present])
        except Exception as error:  # noqa: BLE001  # the program's session may be unusable
            self.notes.append(f"could not read final variable values: {type(error).__name__}: {error}")
            return
        for variable, value in zip(present, values):
            self._records[self.key(variable)].final = np.asarray(value)

    def mark_optimizer_state(self) -> None:
        names: set[str] = set()
        for optimizer, graph in self._optimizers:
            try:
                # TF1's Optimizer.variables() lists those of the default graph only: a program
                # may have built its model under `with tf.Graph().as_default():`.
                with graph.as_default():
                    names.update(self.key(v) for v in optimizer.variables())
            except Exception as error:  # noqa: BLE001  # an optimizer that never built its slots
                self.notes.append(f"optimizer variables unknown: {error}")
        for record in self._records.values():
            if record.name in names:
                record.kind = "optimizer"


def _owner_kind() -> str:
    """'optimizer' / 'other' when a Keras optimizer, metric or seed generator is creating it."""
    frame: FrameType | None = sys._getframe(2)
    depth = 0
    while frame is not None and depth < 40:
        owner = frame.f_locals.get("self")
        if owner is not None:
            for cls in type(owner).__mro__:
                kind = _NON_MODEL_CLASSES.get(cls.__name__)
                if kind and cls.__module__.startswith(("keras", "tf_keras", "tensorflow")):
                    return kind
        frame = frame.f_back
        depth += 1
    return "model"


class Injector:
    """A variable creator that starts migrated variables from the legacy initial values."""

    def __init__(self, tf: Any, legacy: list[VariableRecord]) -> None:
        self._tf = tf
        self._legacy = [r for r in legacy if r.kind == "model" and r.initial is not None]
        self._by_name = {plain_name(r.name): r for r in self._legacy}
        self._claimed: set[str] = set()
        self._names: dict[str, int] = {}
        self.created: list[tuple[VariableRecord, Any]] = []

    @property
    def legacy_names(self) -> set[str]:
        return {record.name for record in self._legacy}

    def _unique(self, name: str) -> str:
        # Eager variables may share a name; TF1 graphs would have called the second one `name_1`.
        count = self._names.get(name, 0)
        self._names[name] = count + 1
        return name if count == 0 else f"{name}_{count}"

    def creator(self, next_creator: Callable[..., Any], **kwargs: Any) -> Any:
        variable = next_creator(**kwargs)
        if not self._tf.executing_eagerly() and not self._tf.inside_function():
            # A graph-mode variable (a migration that kept sessions): its session's reads record it.
            return variable
        kind = _owner_kind()
        shape = tuple(int(d) for d in variable.shape)
        record = VariableRecord(
            name=self._unique(plain_name(variable.name)),
            shape=shape,
            dtype=variable.dtype.name,
            trainable=bool(variable.trainable),
            kind=kind,
        )
        self.created.append((record, variable))
        if kind != "model":
            return variable
        source = self._match(record)
        if source is None:
            return variable
        if source.shape != shape:
            record.note = f"shape {shape} differs from legacy {source.name} {source.shape}; not injected"
            return variable
        try:
            with self._tf.init_scope():
                variable.assign(np.asarray(source.initial).astype(variable.dtype.as_numpy_dtype))
        except Exception as error:  # noqa: BLE001  # e.g. a variable type without assign
            record.note = f"could not inject: {type(error).__name__}: {error}"
        return variable

    def _match(self, record: VariableRecord) -> VariableRecord | None:
        source = self._by_name.get(record.name)
        if source is not None and source.name not in self._claimed:
            record.how = "name"
        else:
            source = next(
                (
                    r
                    for r in self._legacy
                    if r.name not in self._claimed and r.shape == record.shape and r.trainable == record.trainable
                ),
                None,
            )
            if source is None:
                return None
            record.how = "order"
        self._claimed.add(source.name)
        record.matched = source.name
        return source

    def finish(self) -> list[VariableRecord]:
        records = []
        for record, variable in self.created:
            try:
                record.final = np.asarray(variable.numpy())
            except Exception as error:  # noqa: BLE001  # a variable whose value cannot leave the graph
                record.note = record.note or f"final value unreadable: {type(error).__name__}"
            records.append(record)
        return records
