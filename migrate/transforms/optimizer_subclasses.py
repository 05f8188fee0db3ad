"""Subclasses of Keras optimizers that update as TF1's optimizers did, defined by the rewritten
module after its imports.

TF1's RMSProp starts its mean squares at one, Keras' at zero (`slots_start_at_one` in
migrate.analysis.optimizers): the subclass makes them with ones, so that a checkpoint restoring
them as they are made (TF1's and tf.train.Checkpoint's deferred restore) still sets them. Given the
gradient of a looked-up table (a `tf.IndexedSlices`, migrate.analysis.row_lookups), TF1 first
added up the gradients of a row read more than once, then ran its sparse kernel: RMSProp's and
Momentum's update only the rows the gradient holds, Adam's and Adagrad's compute what their dense
kernels would. Where such a lookup may train the variables, the subclass also overrides
`update_step` to do the same (`updates_rows`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import libcst as cst

from migrate.analysis import syntax
from migrate.analysis.optimizers import OptimizerMapping


@dataclass(frozen=True)
class _RowUpdate:
    what: str  # what the subclass does, for its docstring
    method: str  # its `update_step`; the alias `tf` is the module's TensorFlow alias


# How each Keras optimizer's subclass updates a gradient holding rows as TF1 did.
_SPARSE_KERNEL = (
    "    rows, position = tf.unique(gradient.indices)\n"
    "    grad = tf.math.unsorted_segment_sum(gradient.values, position, tf.size(rows))\n"
    "    grad = tf.cast(grad, variable.dtype)\n"
    "    lr = tf.cast(learning_rate, variable.dtype)\n"
    "    index = self._get_variable_index(variable)\n"
)
_DENSE_ROWS = _RowUpdate(
    "the gradient of a looked-up table is made dense\n"
    "    first, which adds up the gradients of a row looked up more than once before squaring\n"
    "    them",
    "def update_step(self, gradient, variable, learning_rate):\n"
    "    if isinstance(gradient, tf.IndexedSlices):\n"
    "        gradient = tf.convert_to_tensor(gradient)\n"
    "    return super().update_step(gradient, variable, learning_rate)\n",
)
_ROW_UPDATES: Mapping[str, _RowUpdate] = {
    "RMSprop": _RowUpdate(
        "its accumulators start at one, and the\n    gradient of a looked-up table updates only the rows it holds",
        "def update_step(self, gradient, variable, learning_rate):\n"
        "    if not isinstance(gradient, tf.IndexedSlices):\n"
        "        return super().update_step(gradient, variable, learning_rate)\n"
        "    # TF1 adds up the gradients of a row looked up more than once, then updates only the\n"
        "    # rows the gradient holds, where Keras decays every row's mean square.\n"
        f"{_SPARSE_KERNEL}"
        "    ms = tf.gather(self._velocities[index], rows)\n"
        "    ms += (tf.square(grad) - ms) * (1 - self.rho)\n"
        "    self.assign(self._velocities[index], tf.IndexedSlices(ms, rows))\n"
        "    denominator = ms + self.epsilon\n"
        "    if self.centered:\n"
        "        mg = tf.gather(self._average_gradients[index], rows)\n"
        "        mg += (grad - mg) * (1 - self.rho)\n"
        "        self.assign(self._average_gradients[index], tf.IndexedSlices(mg, rows))\n"
        "        denominator -= tf.square(mg)\n"
        "    step = lr * grad / tf.sqrt(denominator)\n"
        "    if self.momentum > 0:\n"
        "        step += self.momentum * tf.gather(self._momentums[index], rows)\n"
        "        self.assign(self._momentums[index], tf.IndexedSlices(step, rows))\n"
        "    self.assign_sub(variable, tf.IndexedSlices(step, rows))\n",
    ),
    "SGD": _RowUpdate(
        "the gradient of a looked-up table moves only\n    the rows it holds",
        "def update_step(self, gradient, variable, learning_rate):\n"
        "    if not isinstance(gradient, tf.IndexedSlices) or not self.momentum:\n"
        "        return super().update_step(gradient, variable, learning_rate)\n"
        "    # TF1 adds up the gradients of a row looked up more than once, then moves only the\n"
        "    # rows the gradient holds, where Keras moves every row with what it accumulated.\n"
        f"{_SPARSE_KERNEL}"
        "    m = self.momentum * tf.gather(self.momentums[index], rows) - lr * grad\n"
        "    self.assign(self.momentums[index], tf.IndexedSlices(m, rows))\n"
        "    if self.nesterov:\n"
        "        m = self.momentum * m - lr * grad\n"
        "    self.assign_add(variable, tf.IndexedSlices(m, rows))\n",
    ),
    "Adam": _DENSE_ROWS,
    "Adagrad": _DENSE_ROWS,
}


def updates_rows(mapping: OptimizerMapping) -> bool:
    """Whether TF1's optimizer updates a looked-up table's rows otherwise than Keras', and the
    subclass of Keras' updates them as TF1 did."""
    return bool(mapping.rows_caveat or mapping.repeated_rows) and mapping.keras_name in _ROW_UPDATES


@dataclass(frozen=True)
class Subclass:
    """A subclass of `mapping`'s Keras optimizer."""

    mapping: OptimizerMapping
    rows: bool  # it also updates looked-up rows as TF1 (updates_rows)

    @property
    def stem(self) -> str:
        suffix = "AsInTF1" if self.rows else "StartingAtOne"
        return f"{self.mapping.keras_name}{suffix}"

    def described(self, name: str) -> str:
        """What the subclass called `name` does, for the finding that reports it."""
        keras = self.mapping.keras_name
        if self.rows:
            caveat = self.mapping.rows_caveat or self.mapping.repeated_rows
            return f"{name}: Keras' {keras} updating the rows a lookup reads as TF1's: {caveat}"
        return f"{name}: Keras' {keras} with the accumulators TF1 starts at one (Keras at zero)"


class Subclasses:
    """The optimizer subclasses one module defines, each named once (one per Keras optimizer and
    kind), apart from the names the module binds."""

    def __init__(self) -> None:
        self._named: dict[tuple[str, bool], tuple[Subclass, str]] = {}

    def name(self, subclass: Subclass, taken: Collection[str]) -> str:
        key = (subclass.mapping.keras_name, subclass.rows)
        if key not in self._named:
            used = set(taken) | {name for _, name in self._named.values()}
            stem = subclass.stem
            name = next(f"{stem}{n or ''}" for n in itertools.count() if f"{stem}{n or ''}" not in used)
            self._named[key] = (subclass, name)
        return self._named[key][1]

    def defined_in(self, module: cst.Module, tf: str, only_read_by: Sequence[cst.CSTNode] | None = None) -> cst.Module:
        """`module` with the subclasses (those `only_read_by` reads, when given) defined after its
        imports."""
        read = set().union(*map(syntax.names_in, only_read_by)) if only_read_by is not None else None
        classes = [
            definition(tf, name, subclass) for subclass, name in self._named.values() if read is None or name in read
        ]
        if not classes:
            return module
        index = syntax.after_imports(module, tf)
        after = list(module.body[index:])
        if after:  # two blank lines after a class, as before it
            blanks = len(list(itertools.takewhile(lambda line: line.comment is None, after[0].leading_lines)))
            extra = [cst.EmptyLine(whitespace=cst.SimpleWhitespace(""))] * max(0, 2 - blanks)
            after[0] = after[0].with_changes(leading_lines=[*extra, *after[0].leading_lines])
        return module.with_changes(body=[*module.body[:index], *classes, *after])


def definition(tf: str, name: str, subclass: Subclass) -> cst.ClassDef:
    """`class name(tf.keras.optimizers.X)` whose slots `slots_start_at_one` start at one, and
    which updates looked-up rows as TF1 when `subclass.rows`."""
    mapping = subclass.mapping
    if subclass.rows:
        doc = f"Keras' {mapping.keras_name} updating as TF1's: {_ROW_UPDATES[mapping.keras_name].what}."
    else:
        doc = f"Keras' {mapping.keras_name} with its accumulators starting at one, as in TF1."
    text = f"class {name}({tf}.keras.optimizers.{mapping.keras_name}):\n" f'    """{doc}"""\n'
    if mapping.slots_start_at_one:
        text += (
            "\n"
            '    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):\n'
            f'        if name == "{mapping.slots_start_at_one}":\n'
            '            initializer = "ones"\n'
            "        return super().add_variable_from_reference(reference_variable, name, initializer)\n"
        )
    if subclass.rows:
        method = re.sub(r"\btf\.", f"{tf}.", _ROW_UPDATES[mapping.keras_name].method)
        text += "\n" + "".join(f"    {line}\n" if line else "\n" for line in method.splitlines())
    statement = cst.parse_statement(text)
    assert isinstance(statement, cst.ClassDef)
    blank = cst.EmptyLine(whitespace=cst.SimpleWhitespace(""))
    return statement.with_changes(leading_lines=[blank, blank])
