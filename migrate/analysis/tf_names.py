"""Which TensorFlow API a piece of code refers to, whatever the import style.

Names are resolved through libcst's qualified-name metadata, so `import tensorflow as tf`,
`import tensorflow.compat.v1 as tf`, `from tensorflow.compat import v1 as tf`,
`from tensorflow import placeholder` and `import tensorflow.contrib.slim as slim` all lead to
the same canonical spelling: the TF1 API path as TensorFlow's own upgrade tables write it
(`tf.placeholder`, `tf.contrib.slim.conv2d`). A local name that shadows an import resolves
to nothing, so it is never rewritten.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

import libcst as cst
from libcst.metadata import QualifiedName, QualifiedNameSource

# Module prefixes that denote the TF1 API surface, longest first.
_V1_PREFIXES: tuple[tuple[str, str], ...] = (
    ("tensorflow.compat.v1.", "tf."),
    ("tensorflow._api.v1.", "tf."),
    ("tensorflow.", "tf."),
)
_V1_ROOTS = {"tensorflow", "tensorflow.compat.v1"}
_V2_PREFIX = "tensorflow.compat.v2."
_SLIM_PREFIX = "tf_slim."

# A cheap test that a file may use TensorFlow at all; files failing it are never parsed.
_MENTIONS_TENSORFLOW = re.compile(r"\b(?:tensorflow|tf_slim)\b")


def mentions_tensorflow(source: str) -> bool:
    return _MENTIONS_TENSORFLOW.search(source) is not None


def canonical_name(qualified: str) -> str | None:
    """Map a fully qualified Python name to its TF1 API path, or None if it is not TensorFlow.

    >>> canonical_name("tensorflow.compat.v1.placeholder")
    'tf.placeholder'
    >>> canonical_name("tensorflow.contrib.slim.conv2d")
    'tf.contrib.slim.conv2d'
    >>> canonical_name("numpy.zeros") is None
    True
    """
    if qualified in _V1_ROOTS:
        return "tf"
    if qualified.startswith(_V2_PREFIX):
        return None  # already TF 2 API: nothing to migrate
    if qualified.startswith(_SLIM_PREFIX):
        return "tf.contrib.slim." + qualified[len(_SLIM_PREFIX) :]
    if qualified == "tf_slim":
        return "tf.contrib.slim"
    for prefix, replacement in _V1_PREFIXES:
        if qualified.startswith(prefix):
            return replacement + qualified[len(prefix) :]
    return None


def resolve(names: Iterable[QualifiedName]) -> str | None:
    """Pick the TensorFlow API path among the qualified names libcst reports for one node.

    Only names that come from an import count: a local assignment named like a TF symbol
    (`tf = MyFake()`) is somebody else's object.
    """
    found: str | None = None
    for qualified in names:
        if qualified.source is not QualifiedNameSource.IMPORT:
            continue
        name = canonical_name(qualified.name)
        if name is None:
            continue
        if found is not None and found != name:
            return None  # ambiguous binding (e.g. conditional imports): leave it alone
        found = name
    return found


def dotted(node: cst.BaseExpression) -> str | None:
    """The source spelling of a Name / Attribute chain (`tf.nn.relu`), or None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = dotted(node.value)
        return None if head is None else f"{head}.{node.attr.value}"
    return None


def build_dotted(path: str) -> cst.Attribute | cst.Name:
    """Turn `tf.random.normal` into the corresponding Name / Attribute expression."""
    parts = path.split(".")
    node: cst.Attribute | cst.Name = cst.Name(parts[0])
    for part in parts[1:]:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


# tf.compat.v1 modules that TF 2.x serves only with legacy Keras: the tf-keras package and
# TF_USE_LEGACY_KERAS=1 set before TensorFlow is imported.
NEEDS_LEGACY_KERAS: Final = ("tf.compat.v1.layers.", "tf.compat.v1.nn.rnn_cell.", "tf.compat.v1.keras.")
