"""Turn a TF1 checkpoint into one a migrated program restores.

The migrated program names its checkpointed variables by their TF1 names
(`tf.train.Checkpoint(**{"layer/w": w})`, as TFM501 writes it). Those keys are read statically
from the program's source; nothing of the program runs. Each key takes the value the TF1
checkpoint holds under the same variable name; the result is written as an object-based
checkpoint with the same keys. A key whose value is an instance of a per-call class of the program
(`NeuronLayer("dnn/hidden1")`, whose variables are `tf.Variable(..., name=self.scope + "/kernel")`)
stands for each of those variables: `dnn/hidden1/kernel` is written as the instance's `W`; so does
a Keras layer the layer rule wrote (`hidden1/kernel` as the Dense layer's `_kernel`,
migrate.analysis.keras_weights). Names found on one side only are reported, not guessed.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from migrate.analysis.keras_weights import LAYER_WEIGHTS


@dataclass(frozen=True)
class ConversionResult:
    path: str  # the prefix of the checkpoint written
    matched: tuple[str, ...]
    missing: tuple[str, ...]  # keys the program restores that the TF1 checkpoint lacks
    unused: tuple[str, ...]  # TF1 variables the program does not restore (optimizer slots, ...)


class CheckpointEntry(NamedTuple):
    """A TF1 variable a program's Checkpoint saves, and where: `(key,)` for a variable, `(key,
    attribute)` for a variable of an object (a per-call instance, a Keras layer)."""

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
    scoped = _per_call_instances(tree)
    layers = _keras_layers(tree)
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
            name = value.id if isinstance(value, ast.Name) else ""
            if name in scoped:
                scope, variables = scoped[name]
                for suffix, attribute in variables:
                    entries.setdefault(scope + suffix, CheckpointEntry(scope + suffix, (key, attribute)))
            elif name in layers:
                for weight in LAYER_WEIGHTS[layers[name]]:
                    tf1_name = f"{key}/{weight.tf1_name}"
                    alias = f"{key}/{weight.contrib_name}" if weight.contrib_name else ""
                    entry = CheckpointEntry(tf1_name, (key, weight.attribute), weight.required, alias)
                    entries.setdefault(tf1_name, entry)
            else:
                entries.setdefault(key, CheckpointEntry(key, (key,)))
    return list(entries.values())


def _keras_layers(tree: ast.Module) -> dict[str, str]:
    """`name = tf.keras.layers.Dense(...)` of the program: name -> layer class, for the classes
    whose variables migrate.analysis.keras_weights knows."""
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and ast.unparse(node.value.func.value).endswith("keras.layers")
            and node.value.func.attr in LAYER_WEIGHTS
        ):
            found[node.targets[0].id] = node.value.func.attr
    return found


def _per_call_instances(tree: ast.Module) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """`name = Class("scope")` of the program, for classes whose variables are named
    `self.scope + "suffix"`: name -> (scope, [(suffix, attribute)])."""
    classes: dict[str, list[tuple[str, str]]] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        found = []
        for assign in ast.walk(node):
            if not (isinstance(assign, ast.Assign) and len(assign.targets) == 1 and isinstance(assign.value, ast.Call)):
                continue
            target = assign.targets[0]
            name = next((k.value for k in assign.value.keywords if k.arg == "name"), None)
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == "self"
                and _called_name(assign.value.func) == "Variable"
                and isinstance(name, ast.BinOp)
                and isinstance(name.op, ast.Add)
                and ast.unparse(name.left) == "self.scope"
                and isinstance(name.right, ast.Constant)
                and isinstance(name.right.value, str)
            ):
                found.append((name.right.value, target.attr))
        if found:
            classes[node.name] = found
    instances: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name)
            and node.value.func.id in classes
        ):
            continue
        target, call = node.targets[0], node.value
        assert isinstance(target, ast.Name) and isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
        scope = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "scope"), None)
        if isinstance(scope, ast.Constant) and isinstance(scope.value, str):
            instances[target.id] = (scope.value, classes[call.func.id])
    return instances


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
            key, *attribute = entries[name].path
            if attribute:
                setattr(values.setdefault(key, tf.Module()), attribute[0], variable)
            else:
                values[key] = variable
        path = tf.train.Checkpoint(**values).write(new)
    else:
        path = ""
    return ConversionResult(path, tuple(matched), tuple(missing), tuple(unused))
