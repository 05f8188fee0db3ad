"""Which packages beyond TensorFlow a migrated program needs installed.

Read from the program's own text (`ast`, no TensorFlow import): the packages it imports from the
TensorFlow family (`absl` is absl-py, `tf_slim` is tf-slim), `tensorboard` when it writes TF 2
summaries (TF 2's `tf.summary.scalar` and its siblings live in the tensorboard package, which
`tensorflow-cpu` does not install), and `tf-keras` when it keeps a `tf.compat.v1` module that
TF 2 serves only with legacy Keras (`tf.compat.v1.layers`) or hands a `tf.compat.v1.train`
optimizer to Keras' `compile`, which only legacy Keras takes. Packages outside the TensorFlow
family (numpy, matplotlib) are the program's own business and are not listed.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from types import MappingProxyType
from typing import Final

from migrate.analysis.bindings import NAMELESS
from migrate.analysis.tf_names import NEEDS_LEGACY_KERAS

# Top-level import name -> the distribution that provides it.
DISTRIBUTIONS: Final = MappingProxyType(
    {
        "absl": "absl-py",
        "tf_slim": "tf-slim",
        "tf_keras": "tf-keras",
        "tensorboard": "tensorboard",
        "tensorflow_probability": "tensorflow-probability",
        "tensorflow_datasets": "tensorflow-datasets",
        "tensorflow_hub": "tensorflow-hub",
        "tensorflow_addons": "tensorflow-addons",
    }
)
TENSORBOARD: Final = "tensorboard"
TF_KERAS: Final = "tf-keras"
# TF 2 summary ops implemented in the tensorboard package (tf.summary.write and the writers are
# TensorFlow's own).
TENSORBOARD_SUMMARY_OPS: Final = frozenset({"scalar", "histogram", "image", "audio", "text"})
# What each requirement line says to someone installing it.
NOTES: Final = MappingProxyType(
    {
        TF_KERAS: "the same minor version as tensorflow; set TF_USE_LEGACY_KERAS=1 before importing it",
        TENSORBOARD: "TF 2's tf.summary ops",
    }
)

# A cheap test that code may need something listed above: most files are never parsed here.
_MAY_NEED = re.compile(
    r"\b(?:absl|tf_slim|tf_keras|tensorboard|tensorflow_\w+|rnn_cell)\b"
    r"|\bsummary\.(?:scalar|histogram|image|audio|text)\b|(?<!keras\.)\blayers\.|\bv1\.keras\b"
    r"|\btrain\.\w+Optimizer\b"
)
# A Keras model compiled in the code; with a TF1 optimizer, only legacy Keras takes it.
_KERAS_COMPILE = re.compile(r"\.compile\(")
_V1_OPTIMIZER = re.compile(r"tensorflow\.compat\.v1\.train\.\w+Optimizer")


def requirements_of(code: str) -> tuple[str, ...]:
    """The distributions beyond TensorFlow that `code` needs, sorted; () if it does not parse."""
    if _MAY_NEED.search(code) is None:
        return ()
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ()
    imports, chains = _scan(tree)
    needed: set[str] = set()
    tensorflow_aliases: dict[str, str] = {}  # local name -> the tensorflow path it is bound to
    for node in imports:
        if isinstance(node, ast.Import):
            for alias in node.names:
                _note_module(alias.name, needed)
                if alias.name == "tensorflow" or alias.name.startswith("tensorflow."):
                    local = alias.asname or alias.name.split(".")[0]
                    tensorflow_aliases[local] = alias.name if alias.asname else "tensorflow"
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            _note_module(node.module, needed)
            if node.module == "tensorflow" or node.module.startswith("tensorflow."):
                for alias in node.names:
                    tensorflow_aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    compiles = _KERAS_COMPILE.search(code) is not None
    for head, parts in chains:
        if head in tensorflow_aliases:
            path = ".".join([tensorflow_aliases[head], *parts])
            needed.update(_needs(path))
            if compiles and _V1_OPTIMIZER.fullmatch(path):
                needed.add(TF_KERAS)
    return tuple(sorted(needed))


def merged(groups: Iterable[Iterable[str]]) -> tuple[str, ...]:
    return tuple(sorted({name for group in groups for name in group}))


def requirements_text(requirements: Iterable[str]) -> str:
    """The body of a requirements file listing `requirements`, each with its note."""
    lines = ["# Packages the migrated code imports beyond TensorFlow 2 itself (written by tf-migrate)."]
    for name in sorted(set(requirements)):
        note = NOTES.get(name)
        lines.append(f"{name}  # {note}" if note else name)
    return "\n".join(lines) + "\n"


def _note_module(module: str, needed: set[str]) -> None:
    distribution = DISTRIBUTIONS.get(module.split(".")[0])
    if distribution is not None:
        needed.add(distribution)


def _scan(tree: ast.AST) -> tuple[list[ast.Import | ast.ImportFrom], list[tuple[str, list[str]]]]:
    """One walk of `tree`: its import statements, in `ast.walk`'s order (breadth first, so a
    later binding of a name wins as it would there), and every outermost attribute chain
    ending in a name, and every name outside one, as (name, attributes from the name out)."""
    imports: list[tuple[int, int, ast.Import | ast.ImportFrom]] = []
    chains: list[tuple[str, list[str]]] = []
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if type(node) is ast.Name:
            chains.append((node.id, []))
            continue
        if type(node) is ast.Attribute:
            parts: list[str] = []
            value: ast.AST = node
            while type(value) is ast.Attribute:
                parts.append(value.attr)
                value = value.value
                depth += 1
            if type(value) is ast.Name:
                parts.reverse()
                chains.append((value.id, parts))
                continue
            node = value  # the chain's parts are not chains of their own
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            imports.append((depth, len(imports), node))
            continue
        children: list[tuple[ast.AST, int]] = []
        for field in node._fields:
            child = getattr(node, field, None)
            if type(child) is list:
                children.extend(
                    (item, depth + 1) for item in child if isinstance(item, ast.AST) and type(item) not in NAMELESS
                )
            elif isinstance(child, ast.AST) and type(child) not in NAMELESS:
                children.append((child, depth + 1))
        stack.extend(reversed(children))
    imports.sort(key=lambda entry: entry[:2])
    return [statement for _, _, statement in imports], chains


def _needs(path: str) -> set[str]:
    canonical = "tf" + path[len("tensorflow") :] if path.startswith("tensorflow") else path
    found: set[str] = set()
    if canonical.startswith(NEEDS_LEGACY_KERAS) or canonical + "." in NEEDS_LEGACY_KERAS:
        found.add(TF_KERAS)
    parts = canonical.split(".")
    if len(parts) >= 3 and parts[1] == "summary" and parts[2] in TENSORBOARD_SUMMARY_OPS:
        found.add(TENSORBOARD)
    return found
