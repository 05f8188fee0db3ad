"""Turn a TF1 checkpoint into one a migrated program restores.

The migrated program names its checkpointed variables by their TF1 names
(`tf.train.Checkpoint(**{"layer/w": w})`, as TFM501 writes it). Those keys are read statically
from the program's source; nothing of the program runs. Each key takes the value the TF1
checkpoint holds under the same variable name; the result is written as an object-based
checkpoint with the same keys. A key whose value is an instance of a per-call class of the program
(`NeuronLayer("dnn/hidden1")`, whose variables are `tf.Variable(..., name=self.scope + "/kernel")`)
stands for each of those variables: `dnn/hidden1/kernel` is written as the instance's `W`. Names
found on one side only are reported, not guessed.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ConversionResult:
    path: str  # the prefix of the checkpoint written
    matched: tuple[str, ...]
    missing: tuple[str, ...]  # keys the program restores that the TF1 checkpoint lacks
    unused: tuple[str, ...]  # TF1 variables the program does not restore (optimizer slots, ...)


def checkpoint_keys(source: str) -> list[str]:
    """The TF1 variable names every `Checkpoint(**{...})` / `Checkpoint(key=...)` call in `source`
    saves: its string keys, and the names of the variables of the per-call instances it holds."""
    return [name for name, _ in checkpoint_entries(source)]


def checkpoint_entries(source: str) -> list[tuple[str, tuple[str, ...]]]:
    """Each TF1 variable name the program's Checkpoints save, with its path in the checkpoint:
    `(key,)` for a variable, `(key, attribute)` for a variable of a per-call instance."""
    tree = ast.parse(source)
    scoped = _per_call_instances(tree)
    entries: dict[str, tuple[str, ...]] = {}
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
            instance = scoped.get(value.id) if isinstance(value, ast.Name) else None
            if instance is None:
                entries.setdefault(key, (key,))
                continue
            scope, variables = instance
            for suffix, attribute in variables:
                entries.setdefault(scope + suffix, (key, attribute))
    return list(entries.items())


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

    entries = dict(checkpoint_entries(Path(program).read_text(encoding="utf-8")))
    reader = tf.train.load_checkpoint(old)
    stored = {name for name, _ in tf.train.list_variables(old)}
    matched = [name for name in entries if name in stored]
    missing = [name for name in entries if name not in stored]
    unused = sorted(stored - set(entries))
    if matched:
        values: dict[str, Any] = {}
        for name in matched:
            variable = tf.Variable(reader.get_tensor(name), name=name)
            key, *attribute = entries[name]
            if attribute:
                setattr(values.setdefault(key, tf.Module()), attribute[0], variable)
            else:
                values[key] = variable
        path = tf.train.Checkpoint(**values).write(new)
    else:
        path = ""
    return ConversionResult(path, tuple(matched), tuple(missing), tuple(unused))
