"""Turn a TF1 checkpoint into one a migrated program restores.

The migrated program names its checkpointed variables by their TF1 names
(`tf.train.Checkpoint(**{"layer/w": w})`, as TFM501 writes it). Those keys are read statically
from the program's source; nothing of the program runs. Each key takes the value the TF1
checkpoint holds under the same variable name; the result is written as an object-based
checkpoint with the same keys. Names found on one side only are reported, not guessed.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ConversionResult:
    path: str  # the prefix of the checkpoint written
    matched: tuple[str, ...]
    missing: tuple[str, ...]  # keys the program restores that the TF1 checkpoint lacks
    unused: tuple[str, ...]  # TF1 variables the program does not restore (optimizer slots, ...)


def checkpoint_keys(source: str) -> list[str]:
    """The string keys of every `Checkpoint(**{...})` / `Checkpoint(key=...)` call in `source`."""
    keys: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and _called_name(node.func) == "Checkpoint"):
            continue
        for keyword in node.keywords:
            if keyword.arg is not None:
                keys.append(keyword.arg)
            elif isinstance(keyword.value, ast.Dict):
                keys.extend(
                    k.value for k in keyword.value.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)
                )
    return list(dict.fromkeys(keys))


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


def convert_checkpoint(old: str, new: str, program: str | Path) -> ConversionResult:
    """Write at prefix `new` the values of TF1 checkpoint `old` that `program` restores."""
    import tensorflow as tf  # imported late: the rewriter itself never needs TensorFlow

    keys = checkpoint_keys(Path(program).read_text(encoding="utf-8"))
    reader = tf.train.load_checkpoint(old)
    stored = {name for name, _ in tf.train.list_variables(old)}
    matched = [key for key in keys if key in stored]
    missing = [key for key in keys if key not in stored]
    unused = sorted(stored - set(keys))
    if matched:
        values = {key: tf.Variable(reader.get_tensor(key), name=key) for key in matched}
        path = tf.train.Checkpoint(**values).write(new)
    else:
        path = ""
    return ConversionResult(path, tuple(matched), tuple(missing), tuple(unused))
