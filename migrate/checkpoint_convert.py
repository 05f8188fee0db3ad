"""Turn a TF1 checkpoint into one a migrated program restores.

The migrated program names its checkpointed variables by their TF1 names
(`tf.train.Checkpoint(**{"layer/w": w})`, as TFM501 writes it). Those keys are read statically
from the program's source; nothing of the program runs. Each key takes the value the TF1
checkpoint holds under the same variable name; the result is written as an object-based
checkpoint with the same keys. A key whose value is an instance of a per-call class of the program
(`NeuronLayer("dnn/hidden1")`, whose variables are `tf.Variable(..., name=self.scope + "/kernel")`)
stands for each of those variables: `dnn/hidden1/kernel` is written as the instance's `W`; so does
a Keras layer the layer rule wrote (`hidden1/kernel` as the Dense layer's `_kernel`,
migrate.analysis.keras_weights), and an RNN layer the RNN rule wrote (`rnn/basic_lstm_cell/kernel`
as its cell's `kernel`). Names found on one side only are reported, not guessed.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from migrate.analysis.keras_weights import LAYER_WEIGHTS, RNN_CELL_ATTRIBUTE, RNN_CELL_WEIGHTS


@dataclass(frozen=True)
class ConversionResult:
    path: str  # the prefix of the checkpoint written
    matched: tuple[str, ...]
    missing: tuple[str, ...]  # keys the program restores that the TF1 checkpoint lacks
    unused: tuple[str, ...]  # TF1 variables the program does not restore (optimizer slots, ...)


class CheckpointEntry(NamedTuple):
    """A TF1 variable a program's Checkpoint saves, and where: `(key,)` for a variable, `(key,
    attribute)` for a variable of an object (a per-call instance, a Keras layer), `(key, "cell",
    attribute)` for a variable of an RNN layer's cell."""

    tf1_name: str
    path: tuple[str, ...]
    required: bool = True  # False for a layer variable an option of the layer can leave out
    # Another TF1 name of the same variable: a layer the layer rule wrote came from tf.layers
    # (`dense/kernel`) or from tf.contrib.layers (`fully_connected/weights`); the checkpoint tells.
    alias: str = ""


def checkpoint_keys(source: str) -> list[str]:
    """The TF1 variable names every `Checkpoint(**{...})` / `Checkpoint(key=...)` call in `source`
    saves: its string keys, and the names of the variables of the objects it holds."""
    return [entry.tf1_name for entry in checkpoint_entries(source)]


def checkpoint_entries(source: str) -> list[CheckpointEntry]:
    """Each TF1 variable the program's Checkpoints save, with its path in the checkpoint."""
    tree = ast.parse(source)
    made = _Definitions(tree)
    entries: dict[str, CheckpointEntry] = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _called_name(node.func) == "Checkpoint"):
            continue
        pairs: list[tuple[str, ast.expr]] = []
        for keyword in node.keywords:
            if keyword.arg is not None:
                pairs.append((keyword.arg, keyword.value))
            elif isinstance(keyword.value, ast.Dict):
                pairs.extend(
                    (k.value, v)
                    for k, v in zip(keyword.value.keys, keyword.value.values, strict=True)
                    if isinstance(k, ast.Constant) and isinstance(k.value, str)
                )
        for key, value in pairs:
            call = made.call_of(value)
            layer = _keras_layer(call)
            per_call = made.per_call_variables(call, key)
            if per_call is not None:
                scope, variables = per_call
                for suffix, attribute in variables:
                    entries.setdefault(scope + suffix, CheckpointEntry(scope + suffix, (key, attribute)))
            elif (cell := _rnn_cell(call)) is not None:
                cell_class, cell_name = cell
                for cell_weight in RNN_CELL_WEIGHTS[cell_class]:
                    tf1_name = f"{key}/{cell_name}/{cell_weight.tf1_name}"
                    entries.setdefault(
                        tf1_name, CheckpointEntry(tf1_name, (key, RNN_CELL_ATTRIBUTE, cell_weight.attribute))
                    )
            elif layer is not None:
                for weight in LAYER_WEIGHTS[layer]:
                    tf1_name = f"{key}/{weight.tf1_name}"
                    alias = f"{key}/{weight.contrib_name}" if weight.contrib_name else ""
                    entry = CheckpointEntry(tf1_name, (key, weight.attribute), weight.required, alias)
                    entries.setdefault(tf1_name, entry)
            else:
                entries.setdefault(key, CheckpointEntry(key, (key,)))
    return list(entries.values())


def _rnn_cell(call: ast.Call | None) -> tuple[str, str] | None:
    """(cell class, cell name) of `tf.keras.layers.RNN(TF1LSTMCell(16, name="basic_lstm_cell"),
    ...)`, for the cell classes the RNN rule writes (RNN_CELL_WEIGHTS)."""
    if not (
        call is not None
        and isinstance(call.func, ast.Attribute)
        and ast.unparse(call.func.value).endswith("keras.layers")
        and call.func.attr == "RNN"
    ):
        return None
    cell = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "cell"), None)
    if not (isinstance(cell, ast.Call) and isinstance(cell.func, ast.Name) and cell.func.id in RNN_CELL_WEIGHTS):
        return None
    name = next((k.value for k in cell.keywords if k.arg == "name"), None)
    if isinstance(name, ast.Constant) and isinstance(name.value, str):
        return cell.func.id, name.value
    return None


def _keras_layer(call: ast.Call | None) -> str | None:
    """The layer class of `tf.keras.layers.Dense(...)`, for the classes whose variables
    migrate.analysis.keras_weights knows."""
    if (
        call is not None
        and isinstance(call.func, ast.Attribute)
        and ast.unparse(call.func.value).endswith("keras.layers")
        and call.func.attr in LAYER_WEIGHTS
    ):
        return call.func.attr
    return None


class _Definitions:
    """What the program's names and its objects' attributes are made by: `name = Call(...)`, and
    `self.attribute = Call(...)` in a class, read through `instance.attribute` of an instance of
    it (a model class the model-class rule wrote). And its per-call classes (TFM301, TFM331),
    whose variables are named `self.scope + "/kernel"` (the scope the instance was made for) or
    `scope_name + "/kernel"` (the scope its calls name, which the Checkpoint's key is)."""

    def __init__(self, tree: ast.Module) -> None:
        self.names: dict[str, ast.Call] = {}
        self.attributes: dict[str, dict[str, ast.Call]] = {}
        self.by_scope: dict[str, list[tuple[str, str]]] = {}  # class -> [(suffix, attribute)]
        self.by_call: dict[str, list[tuple[str, str]]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                self._read_class(node)
            elif (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and isinstance(node.value, ast.Call)
            ):
                self.names.setdefault(node.targets[0].id, node.value)

    def _read_class(self, node: ast.ClassDef) -> None:
        attributes = self.attributes.setdefault(node.name, {})
        for method in node.body:
            if not isinstance(method, ast.FunctionDef):
                continue
            parameters = {a.arg for a in method.args.args[1:]}
            for assign in ast.walk(method):
                if not (
                    isinstance(assign, ast.Assign)
                    and len(assign.targets) == 1
                    and isinstance(assign.value, ast.Call)
                    and isinstance(assign.targets[0], ast.Attribute)
                    and isinstance(assign.targets[0].value, ast.Name)
                    and assign.targets[0].value.id == "self"
                ):
                    continue
                target = assign.targets[0]
                attributes.setdefault(target.attr, assign.value)
                name = next((k.value for k in assign.value.keywords if k.arg == "name"), None)
                if not (
                    _called_name(assign.value.func) == "Variable"
                    and isinstance(name, ast.BinOp)
                    and isinstance(name.op, ast.Add)
                    and isinstance(name.right, ast.Constant)
                    and isinstance(name.right.value, str)
                ):
                    continue
                if ast.unparse(name.left) == "self.scope":
                    self.by_scope.setdefault(node.name, []).append((name.right.value, target.attr))
                elif isinstance(name.left, ast.Name) and name.left.id in parameters:
                    self.by_call.setdefault(node.name, []).append((name.right.value, target.attr))

    def call_of(self, value: ast.expr) -> ast.Call | None:
        """The call that made `value`: a name's, or an attribute's of an instance of a class."""
        if isinstance(value, ast.Name):
            return self.names.get(value.id)
        if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name):
            owner = self.names.get(value.value.id)
            if owner is not None and isinstance(owner.func, ast.Name):
                return self.attributes.get(owner.func.id, {}).get(value.attr)
        return None

    def per_call_variables(self, call: ast.Call | None, key: str) -> tuple[str, list[tuple[str, str]]] | None:
        """(scope, [(suffix, attribute)]) of an instance of a per-call class, held under `key`."""
        if call is None or not isinstance(call.func, ast.Name):
            return None
        if call.func.id in self.by_call:
            return key, self.by_call[call.func.id]
        if call.func.id not in self.by_scope:
            return None
        scope = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "scope"), None)
        if isinstance(scope, ast.Constant) and isinstance(scope.value, str):
            return scope.value, self.by_scope[call.func.id]
        return None


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


def convert_checkpoint(old: str, new: str, program: str | Path) -> ConversionResult:
    """Write at prefix `new` the values of TF1 checkpoint `old` that `program` restores."""
    import tensorflow as tf  # imported late: the rewriter itself never needs TensorFlow

    reader = tf.train.load_checkpoint(old)
    stored = {name for name, _ in tf.train.list_variables(old)}
    entries: dict[str, CheckpointEntry] = {}
    for entry in checkpoint_entries(Path(program).read_text(encoding="utf-8")):
        # Under the TF1 name the checkpoint holds: the alias when only the alias is there.
        name = entry.alias if entry.alias in stored and entry.tf1_name not in stored else entry.tf1_name
        entries[name] = entry
    matched = [name for name in entries if name in stored]
    missing = [name for name, entry in entries.items() if name not in stored and entry.required]
    unused = sorted(stored - set(entries))
    if matched:
        values: dict[str, Any] = {}
        for name in matched:
            variable = tf.Variable(reader.get_tensor(name), name=name)
            key, *attributes = entries[name].path
            if attributes:
                # Objects standing for the program's: a layer, the cell of an RNN layer.
                owner = values.setdefault(key, tf.Module())
                for attribute in attributes[:-1]:
                    if not hasattr(owner, attribute):
                        setattr(owner, attribute, tf.Module())
                    owner = getattr(owner, attribute)
                setattr(owner, attributes[-1], variable)
            else:
                values[key] = variable
        path = tf.train.Checkpoint(**values).write(new)
    else:
        path = ""
    return ConversionResult(path, tuple(matched), tuple(missing), tuple(unused))
