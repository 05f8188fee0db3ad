"""Static checks of a rewrite's output against its input, shared by tests, fuzzer and benchmarks."""

from __future__ import annotations

import ast
from typing import Any

from migrate.analysis.undefined_names import introduced_undefined_names


def new_undefined_names(original: str, rewritten: str) -> set[str]:
    """Names the rewritten code reads undefined that the original did not: each would be a
    NameError the rewrite introduced."""
    return set(introduced_undefined_names(original, rewritten))


def new_missing_tensorflow_names(original: str, rewritten: str) -> set[str]:
    """TensorFlow names (`tf.random_normal`) the rewritten code reads that the installed TF 2
    does not have and the original did not read: each would be an AttributeError the rewrite
    introduced. Needs TensorFlow; a file that does not parse has none."""
    return missing_tensorflow_names(rewritten) - missing_tensorflow_names(original)


def missing_tensorflow_names(code: str) -> set[str]:
    """The first missing prefix of each `tf.a.b` chain `code` reads, rooted at a name bound by
    `import tensorflow [as tf]` or `import tensorflow.compat.vN as tf`."""
    import tensorflow as tf

    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    roots: dict[str, Any] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "tensorflow" or (alias.asname and alias.name.startswith("tensorflow.compat.v")):
                    module = tf if alias.name == "tensorflow" else getattr(tf.compat, alias.name.rsplit(".", 1)[1])
                    roots[alias.asname or alias.name] = module
    missing: set[str] = set()
    inner: set[int] = set()  # chains inside a longer chain: checked with it
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or id(node) in inner:
            continue
        parts: list[str] = []
        base: ast.expr = node
        while isinstance(base, ast.Attribute):
            inner.add(id(base))
            parts.append(base.attr)
            base = base.value
        if not isinstance(base, ast.Name) or base.id not in roots:
            continue
        name, value = base.id, roots[base.id]
        for part in reversed(parts):
            name = f"{name}.{part}"
            try:
                value = getattr(value, part)
            except (AttributeError, ImportError):  # a lazily loaded module that fails to load is missing too
                missing.add(name)
                break
    return missing
